// driver.c runs a Go fuzz harness, built with -buildmode=c-archive and
// the compiler's libFuzzer instrumentation (-d=libfuzzer), under AFL++ in
// persistent mode with shared-memory test cases. It is compiled by
// afl-clang-fast, which provides the __AFL_* macros and links AFL++'s
// runtime; glue.c moves the coverage. See afl/build.sh.
//
// The fork server starts from a constructor that runs before the Go
// runtime's own (which has no priority, so runs after every prioritised
// one): each forked child then starts the Go runtime itself. Forking a
// process whose Go runtime already runs would lose its threads.

#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "glue.h"

__AFL_FUZZ_INIT();

// LLVMFuzzerTestOneInput is exported by the Go archive.
extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((constructor(200))) static void start_forkserver(void) {
	glue_size_map();
	__AFL_INIT();
}

int main(void) {
	uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;

	// The first call waits for the Go runtime to start and announce its
	// counters.
	LLVMFuzzerTestOneInput(buf, 0);
	if (glue_start() != 0) {
		return 1;
	}

	while (__AFL_LOOP(100000)) {
		LLVMFuzzerTestOneInput(buf, __AFL_FUZZ_TESTCASE_LEN);
		glue_fold();
	}

	return 0;
}
