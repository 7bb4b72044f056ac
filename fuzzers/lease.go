package fuzzers

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"net/netip"
	"time"

	"github.com/safedhcp/safedhcp/statemachine"
)

// FuzzLease loads data as a lease file (statemachine.Lease.UnmarshalBinary,
// the record a client keeps for INIT-REBOOT, RFC 2131 section 4.4.2) twice:
// as it is, and with its last four bytes replaced by the CRC-32 of the rest,
// so the fuzzer gets past the checksum. Errors must wrap ErrBadRecord and
// leave the Lease unchanged; a record that loads must save again and load
// back to the same record.
func FuzzLease(data []byte) int {
	ok := loadLease(data)
	if len(data) >= 4 {
		fixed := bytes.Clone(data)
		body := fixed[:len(fixed)-4]
		binary.BigEndian.PutUint32(fixed[len(body):], crc32.ChecksumIEEE(body))
		ok |= loadLease(fixed)
	}

	return ok
}

// loadLease runs one record through UnmarshalBinary and checks it.
func loadLease(data []byte) int {
	l := templateLease()
	before, err := l.MarshalBinary()
	if err != nil {
		bug("template lease does not save: %v", err)
	}

	err = l.UnmarshalBinary(data)
	checkErr(err, "statemachine: ", statemachine.ErrBadRecord)
	if err != nil {
		after, merr := l.MarshalBinary()
		if merr != nil || !bytes.Equal(before, after) {
			bug("failed UnmarshalBinary changed the lease: %v", err)
		}

		return 0
	}

	out, err := l.MarshalBinary()
	if err != nil {
		bug("a loaded lease does not save: %v", err)
	}
	var back statemachine.Lease
	if err := back.UnmarshalBinary(out); err != nil {
		bug("a saved lease does not load: %v", err)
	}
	again, err := back.MarshalBinary()
	if err != nil || !bytes.Equal(again, out) {
		bug("save(load(save(l))) differs from save(l): %v", err)
	}

	return 1
}

// templateAcquired is when the template lease was acquired.
var templateAcquired = time.Unix(1700000000, 0)

// templateLease returns a valid lease for UnmarshalBinary to overwrite,
// from the subnet of the state machine harness's server.
func templateLease() *statemachine.Lease {
	a4 := func(a, b, c, d byte) netip.Addr {
		return netip.AddrFrom4([4]byte{a, b, c, d})
	}

	return &statemachine.Lease{
		Addr:      netip.PrefixFrom(a4(192, 0, 2, 10), 24),
		ServerID:  a4(192, 0, 2, 1),
		Routers:   []netip.Addr{a4(192, 0, 2, 1)},
		DNS:       []netip.Addr{a4(192, 0, 2, 53)},
		Domain:    "example.org",
		Acquired:  templateAcquired,
		LeaseTime: time.Hour,
		T1:        30 * time.Minute,
		T2:        52*time.Minute + 30*time.Second,
	}
}
