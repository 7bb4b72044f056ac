package statemachine_test

import (
	"bufio"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sm "github.com/safedhcp/safedhcp/statemachine"
)

var update = flag.Bool("update", false, "rewrite golden files")

var timerIDs = map[string]sm.TimerID{
	"Retransmit": sm.TimerRetransmit, "T1": sm.TimerT1, "T2": sm.TimerT2,
	"Expiry": sm.TimerExpiry, "Wait": sm.TimerWait,
}

func TestReplay(t *testing.T) {
	f, err := os.Open("testdata/replay.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	h := newHarness(t, sm.Config{})
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		secs, err := strconv.Atoi(fields[0])
		if err != nil || len(fields) < 2 {
			t.Fatalf("bad line %q", line)
		}
		h.at(time.Duration(secs) * time.Second)
		switch fields[1] {
		case "start":
			h.feed(line, sm.Start(nil))
		case "reply":
			h.deliver(line)
		case "timer":
			h.feed(line, sm.Timer(timerIDs[fields[2]]))
		case "linkdown":
			h.feed(line, sm.LinkDown())
		case "linkup":
			h.feed(line, sm.LinkUp())
		case "release":
			h.feed(line, sm.Release())
		default:
			t.Fatalf("unknown event in %q", line)
		}
	}
	h.check()

	got := h.transcript()
	const golden = "testdata/replay.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("replay (-want +got):\n%s", diff)
	}
}
