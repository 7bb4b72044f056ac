package fuzzers_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/fuzzers"
)

// corpusDir is the seed corpus, one directory per target.
const corpusDir = "../corpus"

var (
	replayDir = flag.String("replay", os.Getenv("FUZZ_REPLAY"),
		"run every file in these `directories` (colon-separated: an AFL "+
			"crashes dir, a libFuzzer corpus, go's fuzz cache) through "+
			"-replay.target; also $FUZZ_REPLAY")
	replayTarget = flag.String("replay.target",
		os.Getenv("FUZZ_TARGET"),
		"the target for -replay, such as codec-decode; also $FUZZ_TARGET")
)

// seed is one corpus file.
type seed struct {
	name string
	data []byte
}

// readDir returns every regular file in dir, sorted by name.
func readDir(tb testing.TB, dir string) []seed {
	tb.Helper()

	ents, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var seeds []seed
	for _, e := range ents {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") ||
			e.Name() == "README.txt" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, seed{e.Name(), b})
	}

	return seeds
}

// readCorpus returns the seed corpus of the target name.
func readCorpus(tb testing.TB, name string) []seed {
	tb.Helper()

	return readDir(tb, filepath.Join(corpusDir, name))
}

// TestSeeds runs every seed through its harness: none may crash, each
// target has seeds, and some seeds of each target must be accepted, so
// the corpus reaches past the first checks of every parser.
func TestSeeds(t *testing.T) {
	for _, tg := range fuzzers.Targets() {
		t.Run(tg.Name, func(t *testing.T) {
			seeds := readCorpus(t, tg.Name)
			if len(seeds) == 0 {
				t.Fatalf("no seeds in %s/%s", corpusDir, tg.Name)
			}

			accepted := 0
			for _, s := range seeds {
				accepted += tg.Fn(s.data)
			}
			if accepted == 0 {
				t.Errorf("none of %d seeds accepted", len(seeds))
			}
		})
	}
}

// TestCaptureSeedsDecode checks that every seed taken from a real capture
// (named cap-*) decodes: the codec must accept what real servers send.
func TestCaptureSeedsDecode(t *testing.T) {
	for _, name := range []string{"codec-decode", "frame"} {
		for _, s := range readCorpus(t, name) {
			if !strings.HasPrefix(s.name, "cap-") {
				continue
			}
			t.Run(name+"/"+s.name, func(t *testing.T) {
				fn, _ := fuzzers.Lookup(name)
				if got := fn(s.data); got != 1 {
					t.Errorf("harness returned %d, want 1", got)
				}
			})
		}
	}
}

// TestReplay runs saved inputs, such as the crashes AFL++ or libFuzzer
// found or the corpus go test -fuzz built, through one harness:
//
//	go test ./fuzzers -run TestReplay \
//	    -replay out/afl/codec-decode.out/default/crashes \
//	    -replay.target codec-decode
//
// Relative paths are taken from the repository root. It is skipped when
// no directory is given.
func TestReplay(t *testing.T) {
	if *replayDir == "" {
		t.Skip("no -replay directory (or $FUZZ_REPLAY) given")
	}
	fn, ok := fuzzers.Lookup(*replayTarget)
	if !ok {
		t.Fatalf("unknown -replay.target %q", *replayTarget)
	}

	for _, dir := range filepath.SplitList(*replayDir) {
		if !filepath.IsAbs(dir) {
			// go test runs in fuzzers/; paths are given from the root.
			dir = filepath.Join("..", dir)
		}
		for _, s := range readDir(t, dir) {
			t.Run(s.name, func(t *testing.T) { fn(goFuzzValue(s.data)) })
		}
	}
}

// goFuzzValue returns the input in a file of go test's fuzz corpus
// format ("go test fuzz v1" and one []byte value); other files are
// returned as they are.
func goFuzzValue(b []byte) []byte {
	const header = "go test fuzz v1\n[]byte("
	s, ok := strings.CutPrefix(string(b), header)
	if !ok {
		return b
	}
	s, ok = strings.CutSuffix(strings.TrimSpace(s), ")")
	if !ok {
		return b
	}
	v, err := strconv.Unquote(s)
	if err != nil {
		return b
	}

	return []byte(v)
}

// TestCorpusDirsMatchTargets checks that every target has a corpus
// directory and every corpus directory a target, since the build scripts
// list one from the other.
func TestCorpusDirsMatchTargets(t *testing.T) {
	ents, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	var dirs, names []string
	for _, e := range ents {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	for _, tg := range fuzzers.Targets() {
		names = append(names, tg.Name)
	}
	slices.Sort(names)

	if diff := cmp.Diff(dirs, names); diff != "" {
		t.Errorf("corpus dirs vs targets (-dirs +targets):\n%s", diff)
	}
}

// TestSelftestPanics checks the selftest harness CI uses to prove that
// each engine reports a panic as a crash.
func TestSelftestPanics(t *testing.T) {
	fn, ok := fuzzers.Lookup("selftest")
	if !ok {
		t.Fatal("no selftest harness")
	}
	for _, tc := range []struct {
		in    string
		panic bool
	}{
		{"crash", true}, {"crash and more", true}, {"cras", false}, {"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			defer func() {
				if got := recover() != nil; got != tc.panic {
					t.Errorf("panicked: %v, want %v", got, tc.panic)
				}
			}()
			fn([]byte(tc.in))
		})
	}
}
