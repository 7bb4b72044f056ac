// Command mkcorpus writes the seed corpus of every fuzz target under
// corpus/: DHCP messages and frames from the real captures in
// testdata/captures/*.pcap, hand-made edge cases (RFC 3396 long options,
// RFC 2131 section 4.1 overload, RFC 3397 compression, truncations), and
// valid IPC messages, lease records, configuration files and state machine
// event scripts. Run it from the repository root:
//
//	go run ./fuzzers/mkcorpus
//	afl/cmin.sh codec-decode codec-roundtrip frame
//
// It replaces the files it owns (cap-* and edge-*) and keeps any others,
// such as inputs a fuzzer found and a developer added by hand; afl/cmin.sh
// then drops the capture seeds that add no coverage.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if err := run("testdata/captures", "corpus"); err != nil {
		fmt.Fprintln(os.Stderr, "mkcorpus:", err)
		os.Exit(1)
	}
}

// corpus maps a target name to its seeds by file name.
type corpus map[string]map[string][]byte

// add records a seed; name "" names it by its content.
func (c corpus) add(target, name string, data []byte) {
	if c[target] == nil {
		c[target] = make(map[string][]byte)
	}
	if strings.HasSuffix(name, "-") || name == "" {
		sum := sha256.Sum256(data)
		name += hex.EncodeToString(sum[:4])
	}
	c[target][name] = data
}

// run builds the corpus and writes it under out.
func run(captures, out string) error {
	c := make(corpus)
	if err := addCaptures(c, captures); err != nil {
		return err
	}
	if err := addEdges(c); err != nil {
		return err
	}
	if err := addOthers(c); err != nil {
		return err
	}

	return c.write(out)
}

// write replaces the generated files of every target directory.
func (c corpus) write(out string) error {
	for target, seeds := range c {
		dir := filepath.Join(out, target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		cap, err := filepath.Glob(filepath.Join(dir, "cap-*"))
		if err != nil {
			return err
		}
		edge, err := filepath.Glob(filepath.Join(dir, "edge-*"))
		if err != nil {
			return err
		}
		for _, f := range append(cap, edge...) {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
		for name, data := range seeds {
			if err := writeFile(filepath.Join(dir, name), data); err != nil {
				return err
			}
		}
	}

	return nil
}

// writeFile writes data to path atomically: a temporary file in the same
// directory, renamed over path.
func writeFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".seed-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())

	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}

	return os.Rename(f.Name(), path)
}
