// Command libfuzzer is the C entry point of the safedhcp fuzz harnesses.
// Built with -buildmode=c-archive, -tags=libfuzzer and the compiler's
// libFuzzer instrumentation (-gcflags=...=-d=libfuzzer), it exports
// LLVMFuzzerTestOneInput for clang's -fsanitize=fuzzer and for the AFL++
// driver in afl/. The harness is chosen at link time:
//
//	go build -buildmode=c-archive -tags=libfuzzer \
//	    -gcflags=github.com/safedhcp/safedhcp/...=-d=libfuzzer \
//	    -ldflags='-X main.target=codec-decode' -o out/x.a ./fuzzers/libfuzzer
//
// A harness that finds a bug panics; the traceback setting turns the
// panic into SIGABRT, the signal both engines treat as a crash.
package main

// #include <stddef.h>
// #include <stdint.h>
//
// // glue_fold is the AFL++ driver's (afl/glue.c); other engines leave it
// // undefined, and weak, it is NULL.
// extern void glue_fold(void) __attribute__((weak));
//
// static void fold(void) {
// 	if (glue_fold) {
// 		glue_fold();
// 	}
// }
import "C"

import (
	"runtime/debug"
	"unsafe"

	"github.com/safedhcp/safedhcp/fuzzers"
)

// target names the harness (see fuzzers.Targets); set with -ldflags -X.
var target = "codec-decode"

// harness is the function target names, found once at start-up.
var harness = mustLookup(target)

func mustLookup(name string) func([]byte) int {
	debug.SetTraceback("crash")

	fn, ok := fuzzers.Lookup(name)
	if !ok {
		panic("libfuzzer: unknown fuzz target " + name)
	}

	return fn
}

// LLVMFuzzerTestOneInput runs the harness on one input. The input is
// only borrowed: harnesses keep no reference to it.
//
// Under the AFL++ driver, a harness that panics has its coverage folded
// into AFL++'s map on the way out, so that afl-fuzz can tell one crash
// from another; the driver folds it itself after a run that returns.
//
//export LLVMFuzzerTestOneInput
func LLVMFuzzerTestOneInput(data *C.uint8_t, size C.size_t) C.int {
	returned := false
	defer func() {
		if !returned {
			C.fold()
		}
	}()

	harness(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(size)))
	returned = true

	return 0
}

// SafedhcpReady does nothing. Like any call into Go from C, it returns
// once the Go runtime has started and the packages are initialised: the
// AFL++ driver calls it before its first run.
//
//export SafedhcpReady
func SafedhcpReady() {}

func main() {}
