# safedhcp: build, test, fuzz and package. Every target works on a fresh
# Debian machine with Go; the lab, the tests and the fuzzers need root.

GO       ?= go
BIN      := bin/dhcp-client
FUZZTIME ?= 30s
SERVER   ?= dnsmasq

# The product is static and the sandbox's capability library needs the
# pure-Go all-threads syscalls, which cgo builds refuse.
export CGO_ENABLED = 0

.PHONY: all build setup setup-lab demo test vet e2e interop interop-load-full bench bench-peers \
	bench-client captures image fuzz fuzz-ci afl-run libfuzzer corpus clean

all: build

build:
	$(GO) build -trimpath -ldflags='-s -w' -o $(BIN) ./client/cmd/dhcp-client

# setup installs the Debian packages and Go modules that the lab, the
# tests and the fuzzers use; setup-lab only what the lab needs.
setup:
	ci/setup.sh

setup-lab:
	ci/setup.sh lab

# demo takes a lease from a real DHCP server ($(SERVER): dnsmasq, kea,
# isc or udhcpd) in a throwaway network-namespace lab and prints what the
# client applied. The client writes the lab namespace's own resolv.conf.
demo: setup-lab build
	state=$$(mktemp -d) && \
	$(GO) run ./client/cmd/dhcp-lab demo -client $(BIN) -server $(SERVER) \
		-- -1 -A --nodelay -t 20 --state-dir $$state \
		--resolv-conf '{resolv}' '{if}'; \
	rc=$$?; rm -rf "$$state"; exit $$rc

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	$(GO) vet ./...
	cd ci/bench && $(GO) vet .

# test runs every test, the namespace-lab and sandbox tests included,
# then the packages with goroutines of their own again under the race
# detector (which needs cgo; the sandbox refuses cgo builds, so those of
# its tests that confine a process stay in the first run).
RACE_PKGS := ./codec ./statemachine/... ./client/ipc ./client/engine ./client/priv
test: vet
	$(GO) test -count=1 -timeout 30m ./...
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 10m $(RACE_PKGS)
	cd ci/bench && $(GO) test -count=1 .

# e2e runs the client against dnsmasq, kea, udhcpd and ISC dhcpd in
# namespace labs (also part of test).
e2e:
	$(GO) test -count=1 -timeout 10m ./client/e2e

# interop runs the interoperability matrix, the hostile server, the fault
# and the load tests (about 3 minutes) and prints their summary tables.
interop:
	@mkdir -p out
	SAFEDHCP_INTEROP_SUMMARY=$(CURDIR)/out/interop-summary.txt \
		$(GO) test -count=1 -timeout 15m ./client/interop/...; \
		s=$$?; cat out/interop-summary.txt; exit $$s

# interop-load-full floods a bound client for 30 s instead of 5 s.
interop-load-full:
	@mkdir -p out
	SAFEDHCP_LOAD_FULL=1 SAFEDHCP_INTEROP_SUMMARY=$(CURDIR)/out/interop-load.txt \
		$(GO) test -count=1 -run TestLoad -timeout 5m ./client/interop/; \
		s=$$?; cat out/interop-load.txt; exit $$s

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

# fuzz runs every native go test -fuzz target of the module in turn for
# FUZZTIME each; a crash is kept under the package's testdata/fuzz/.
fuzz:
	fuzzers/run-native.sh $(FUZZTIME)

# afl-TARGET builds the AFL++ persistent-mode binary out/afl/TARGET;
# afl-run fuzzes TARGET for SECONDS from its seed corpus (fuzzers/README.md).
SECONDS ?= 60
TARGET  ?= codec-decode
afl-%:
	afl/build.sh $*

afl-run:
	afl/run.sh $(TARGET) $(SECONDS)

# libfuzzer reproduces the OSS-Fuzz build with clang's libFuzzer and runs
# each fuzzer on its seeds.
libfuzzer:
	fuzzers/oss-fuzz/local-build.sh $(or $(LIBFUZZER_SECONDS),10)

# corpus rebuilds the seed corpora from testdata/captures and minimises them.
corpus:
	$(GO) run ./fuzzers/mkcorpus && afl/cmin.sh codec-decode codec-roundtrip frame

# fuzz-ci is CI's fuzzing check: every native target briefly, the libFuzzer
# build, and AFL++ on the codec, which must find new paths.
fuzz-ci:
	ci/fuzz.sh

clean:
	rm -rf bin out
