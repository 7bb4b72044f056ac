package fuzzers

import (
	"errors"
	"fmt"
	"strings"
)

// bug panics with a message naming the broken invariant. Harnesses call
// it only for real bugs in the code under test, never for bad input.
func bug(format string, args ...any) {
	panic(fmt.Sprintf("fuzzers: invariant broken: "+format, args...))
}

// checkErr panics unless err carries the package prefix every safedhcp
// error message starts with and wraps at least one of the given sentinel
// errors, so callers can still test it with errors.Is.
func checkErr(err error, prefix string, sentinels ...error) {
	if err == nil {
		return
	}
	if !strings.HasPrefix(err.Error(), prefix) {
		bug("error %q lacks the prefix %q", err, prefix)
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return
		}
	}
	bug("error %q wraps none of the package's sentinel errors", err)
}
