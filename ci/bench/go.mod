module github.com/safedhcp/safedhcp/ci/bench

go 1.26.8

replace github.com/safedhcp/safedhcp => ../..

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/google/gopacket v1.1.19 // indirect
	github.com/insomniacslk/dhcp v0.0.0-20260901064844-234b97448fae // indirect
	github.com/josharian/native v1.1.0 // indirect
	github.com/krolaw/dhcp4 v0.0.0-20180925202202-7cead472c414 // indirect
	github.com/pierrec/lz4/v4 v4.1.14 // indirect
	github.com/safedhcp/safedhcp v0.0.0-00010101000000-000000000000 // indirect
	github.com/u-root/uio v0.0.0-20230220225925-ffce2a382923 // indirect
	golang.org/x/net v0.55.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
