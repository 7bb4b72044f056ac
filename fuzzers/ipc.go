package fuzzers

import (
	"bytes"
	"net"
	"net/netip"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// ipcErrors are the sentinel errors the ipc decoders may return.
var ipcErrors = []error{
	ipc.ErrTruncated, ipc.ErrVersion, ipc.ErrUnknownType, ipc.ErrTrailing,
	ipc.ErrBounds,
}

// ipcPolicies are the policies requests are validated against: a bound
// client with a small MTU limit, and one with nothing leased yet.
var ipcPolicies = []ipc.Policy{
	{
		HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1},
		Leased: netip.AddrFrom4([4]byte{192, 0, 2, 10}),
		Server: netip.AddrFrom4([4]byte{192, 0, 2, 1}), MaxMTU: 1500,
	},
	{HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}},
}

// validator is a request the privileged part checks before acting.
type validator interface{ Validate(ipc.Policy) error }

// FuzzIPC decodes data the way the privileged part decodes a datagram
// from the engine (ipc.DecodeRequest) and, for the engine's side, as an
// event (ipc.DecodeEvent). Errors must wrap the package's sentinels;
// whatever decodes must re-encode to exactly data and report the type
// in its second byte; Validate may refuse a request only with
// ipc.ErrPolicy or ipc.ErrBounds.
func FuzzIPC(data []byte) int {
	ok := 0

	req, err := ipc.DecodeRequest(data)
	checkErr(err, "ipc: ", ipcErrors...)
	if err == nil {
		checkIPCMessage(data, req)
		if v, isV := req.(validator); isV {
			for _, p := range ipcPolicies {
				checkErr(v.Validate(p), "ipc: ", ipc.ErrPolicy,
					ipc.ErrBounds)
			}
		}
		ok = 1
	}

	ev, err := ipc.DecodeEvent(data)
	checkErr(err, "ipc: ", ipcErrors...)
	if err == nil {
		checkIPCMessage(data, ev)
		ok = 1
	}

	return ok
}

// checkIPCMessage checks that m, decoded from data, encodes back to it.
func checkIPCMessage(data []byte, m ipc.Message) {
	if len(data) < 2 || data[0] != ipc.Version ||
		ipc.Type(data[1]) != m.Type() {
		bug("decoded %T from a message of type byte % x", m, data[:2])
	}

	out, err := ipc.Append(nil, m)
	if err != nil {
		bug("%T decodes but does not encode: %v", m, err)
	}
	if !bytes.Equal(out, data) {
		bug("%T re-encodes to different bytes", m)
	}
}
