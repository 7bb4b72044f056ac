# safedhcp: build, test and fuzz. Every target works on a fresh Debian
# machine with Go; `make setup` installs the Debian packages the lab and
# the tests use.

GO      ?= go
BIN     := bin/dhcp-client
PKGS    := ./...

.PHONY: all build setup test vet bench clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o $(BIN) ./client/cmd/dhcp-client

# setup installs what the namespace lab, the peers and the fuzzers need.
setup:
	ci/setup.sh

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	$(GO) vet $(PKGS)

# test runs every test, including the namespace-lab tests that need root.
test: vet
	$(GO) test -count=1 -timeout 30m $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./codec ./statemachine

clean:
	rm -rf bin out
