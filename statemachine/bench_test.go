package statemachine_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/safedhcp/safedhcp/codec"
	sm "github.com/safedhcp/safedhcp/statemachine"
	"github.com/safedhcp/safedhcp/statemachine/simtest"
)

// BenchmarkStep runs a full DORA and one renewal per iteration, with the
// replies prepared by the in-memory server outside the timed part.
func BenchmarkStep(b *testing.B) {
	cfg := sm.Config{HWAddr: hw}
	srv := &simtest.Server{ID: srvID, Subnet: subnet, LeaseTime: 3600,
		Router: srvID, DNS: srvID}
	var reply codec.Message
	b.ReportAllocs()
	for b.Loop() {
		m, _ := sm.New(cfg, rand.New(rand.NewPCG(1, 2)))
		now := t0
		acts := m.Handle(now, sm.Start(nil))
		for _, step := range []sm.Event{{}, {}, sm.Timer(sm.TimerT1), {}} {
			if step.Kind == sm.EvTimer {
				now = now.Add(time.Hour / 2)
				acts = m.Handle(now, step)

				continue
			}
			if _, err := srv.Handle(lastSend(acts), &reply); err != nil {
				b.Fatal(err)
			}
			acts = m.Handle(now, sm.Packet(&reply, srvID))
		}
		if m.State() != sm.Bound {
			b.Fatalf("state %v", m.State())
		}
	}
}

func lastSend(acts []sm.Action) []byte {
	for i := len(acts) - 1; i >= 0; i-- {
		if acts[i].Kind == sm.ActSend {
			return acts[i].Payload
		}
	}

	return nil
}
