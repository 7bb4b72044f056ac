package engine

import (
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/client/ipc"
	"github.com/safedhcp/safedhcp/codec"
)

// FuzzEngineFrames feeds arbitrary frames to an engine that has sent its
// DISCOVER: it must never panic, and every request it makes must pass the
// privileged side's policy, as a well-behaved engine's do.
func FuzzEngineFrames(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 342))

	// An OFFER answering the engine's DISCOVER (the engine's xid is the
	// same in every run: its random source is seeded), so mutations
	// start from a packet the machine accepts.
	e, sent := newTestEngine(f)
	if err := e.Start(time.Now(), nil); err != nil {
		f.Fatal(err)
	}

	discover := lastSend(f, *sent)
	f.Add(reply(f, discover, codec.Offer))
	f.Add(reply(f, discover, codec.Nak))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, sent := newTestEngine(t)
		now := time.Now()
		if err := e.Start(now, nil); err != nil {
			t.Fatal(err)
		}

		if err := e.Event(now, &ipc.Frame{Data: data}); err != nil {
			t.Fatal(err)
		}

		var applied ipc.Policy
		applied.HWAddr = testMAC[:]
		for _, r := range *sent {
			switch r := r.(type) {
			case *ipc.SendPayload:
				if err := r.Validate(applied); err != nil {
					t.Errorf("SendPayload fails policy: %v", err)
				}
			case *ipc.ApplyLease:
				if err := r.Validate(applied); err != nil {
					t.Errorf("ApplyLease fails policy: %v", err)
				}

				applied.Leased = r.Addr.Addr()
			}

			if _, err := ipc.Append(nil, r); err != nil {
				t.Errorf("request does not encode: %v", err)
			}
		}
	})
}
