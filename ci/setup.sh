#!/usr/bin/env bash
# Installs the Debian packages and Go modules that the lab, the tests and
# the fuzzers use. Safe to run again; needs root. "ci/setup.sh lab"
# installs only what the namespace lab and its DHCP servers need (make demo).
set -euo pipefail

pkgs=(
	iproute2 procps ca-certificates
	dnsmasq-base kea-dhcp4-server isc-dhcp-server udhcpd busybox
)
if [[ ${1:-} != lab ]]; then
	# Captures, peer clients, the LinuxKit runc test, the fuzzers and
	# the race detector (cgo).
	pkgs+=(
		tcpdump libpcap-dev dhcpcd5 isc-dhcp-client udhcpc
		runc afl++ clang libclang-rt-dev gcc libc6-dev
	)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if ((${#missing[@]})); then
	# DHCP servers and clients must not start as services on this
	# machine: dhcpcd would configure its own interfaces and rewrite its
	# /etc/resolv.conf. A policy-rc.d that refuses every start does that
	# (Docker images ship one); one is put in place for the install
	# when the machine has none.
	policy=/usr/sbin/policy-rc.d
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi

	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}"
fi

cd "$(dirname "$0")/.."
go mod download
