package fuzzers

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/safedhcp/safedhcp/statemachine"
)

// TestStateMachineSeeds checks that the hand-made event scripts in
// corpus/statemachine drive the machine where their names say, so the
// fuzzer starts from every main path of RFC 2131 figure 5.
func TestStateMachineSeeds(t *testing.T) {
	for _, tc := range []struct {
		seed string
		want statemachine.State
	}{
		{"edge-dora", statemachine.Renewing},
		{"edge-rapid", statemachine.Bound},
		{"edge-probe", statemachine.Probing},
		{"edge-probe-conflict", statemachine.Init},
		{"edge-v6only", statemachine.V6OnlyWait},
		{"edge-restart", statemachine.Init},
		{"edge-link", statemachine.Rebooting},
		{"edge-release", statemachine.Stopped},
		{"edge-timeouts", statemachine.Selecting},
		{"edge-reboot", statemachine.Rebooting},
	} {
		t.Run(tc.seed, func(t *testing.T) {
			data, err := os.ReadFile(
				filepath.Join("../corpus/statemachine", tc.seed))
			if err != nil {
				t.Fatal(err)
			}
			r, err := newSMRun(data)
			if err != nil {
				t.Fatal(err)
			}

			r.record(statemachine.Start(r.saved))
			for range maxSteps {
				if !r.step() {
					break
				}
			}

			var states []statemachine.State
			for _, s := range r.trace {
				states = append(states, s.After)
			}
			if !slices.Contains(states, tc.want) {
				t.Errorf("states %v never reach %v", states, tc.want)
			}
			if err := statemachine.CheckTrace(r.cfg, r.trace); err != nil {
				t.Error(err)
			}
		})
	}
}
