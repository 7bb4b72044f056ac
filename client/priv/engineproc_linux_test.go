package priv

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// panicArg makes the test binary, started by startProc as an engine,
// panic the way a Go engine does: a trace on stderr, exit status 2.
const panicArg = "panicking-engine"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == panicArg {
		var m map[string]int
		m["engine"]++ // panics: assignment to entry in nil map
	}

	os.Exit(m.Run())
}

// TestEngineStderrPanic starts an engine that panics: its trace reaches
// the supervisor's log through the stderr pipe, line by line and marked
// as the engine's, before Wait returns.
func TestEngineStderrPanic(t *testing.T) {
	var buf bytes.Buffer
	e, err := startProc(os.Args[0], []string{os.Args[0], panicArg},
		newStderrRelay(textLogger(&buf)))
	if err != nil {
		t.Fatal(err)
	}

	err = e.Wait()
	if err == nil || !strings.Contains(err.Error(), "exit status 2") {
		t.Errorf("Wait = %v, want exit status 2", err)
	}

	prefix := `level=ERROR msg="engine stderr" component=engine-stderr ` +
		`pid=` + strconv.Itoa(e.PID()) + ` line=`
	var got []string
	for line := range strings.Lines(buf.String()) {
		if !strings.HasPrefix(line, prefix) {
			t.Errorf("record not marked as engine stderr: %q", line)
		}

		got = append(got, strings.TrimPrefix(strings.TrimSpace(line), prefix))
	}

	if len(got) < 3 {
		t.Fatalf("logged %q, want a panic trace", got)
	}

	want := []string{`"panic: assignment to entry in nil map"`,
		`"goroutine 1 [running]:"`}
	if diff := cmp.Diff(want, got[:2]); diff != "" {
		t.Errorf("first trace lines (-want +got):\n%s", diff)
	}

	if !strings.Contains(buf.String(), "priv.TestMain") {
		t.Errorf("trace lacks the panicking function:\n%s", buf.String())
	}
}
