# safedhcp: build, test, fuzz and package. Every target works on a fresh
# Debian machine with Go; the lab, the tests and the fuzzers need root.

GO       ?= go
BIN      := bin/dhcp-client
FUZZTIME ?= 30s
SERVER   ?= dnsmasq

# The product is static and the sandbox's capability library needs the
# pure-Go all-threads syscalls, which cgo builds refuse.
export CGO_ENABLED = 0

.PHONY: all build setup demo test vet e2e bench bench-peers bench-client captures image clean

all: build

build:
	$(GO) build -trimpath -ldflags='-s -w' -o $(BIN) ./client/cmd/dhcp-client

# setup installs the Debian packages and Go modules that the lab, the
# tests and the fuzzers use.
setup:
	ci/setup.sh

# demo takes a lease from a real DHCP server ($(SERVER): dnsmasq, kea,
# isc or udhcpd) in a throwaway network-namespace lab and prints what the
# client applied. The client writes the lab namespace's own resolv.conf.
demo: setup build
	$(GO) run ./client/cmd/dhcp-lab demo -client $(BIN) -server $(SERVER) \
		-- -1 -A --nodelay -t 20 --state-dir $$(mktemp -d) \
		--resolv-conf '{resolv}' '{if}'

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	$(GO) vet ./...
	cd ci/bench && $(GO) vet .

# test runs every test, the namespace-lab and sandbox tests included.
test: vet
	$(GO) test -count=1 -timeout 30m ./...
	cd ci/bench && $(GO) test -count=1 .

# e2e runs the client against dnsmasq, kea, udhcpd and ISC dhcpd in
# namespace labs (also part of test).
e2e:
	$(GO) test -count=1 -timeout 10m ./client/e2e

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./codec ./statemachine ./client/ipc ./client/frame

# bench-peers compares the codec with gopacket, insomniacslk/dhcp and
# krolaw/dhcp4 on the same captured ACK (ci/bench/README.md).
bench-peers:
	cd ci/bench && $(GO) test -run '^$$' -bench . -benchmem -count 10 -cpu 1 .

# bench-client measures oneshot time against dhcpcd, daemon memory and
# the binary's size in the lab.
bench-client:
	$(GO) test -run '^$$' -bench 'Oneshot|BinarySize' -benchtime=5x ./client/e2e
	$(GO) test -run '^$$' -bench RSS -benchtime=1x ./client/e2e

# captures records testdata/captures again from the four real servers.
captures:
	$(GO) run ./client/cmd/dhcp-lab capture -out testdata/captures

# image builds the LinuxKit/OCI image without a Docker daemon.
image: build
	$(GO) run ./client/linuxkit/mkimage -binary $(BIN) -out out/dhcp-client-image.tar

clean:
	rm -rf bin out
