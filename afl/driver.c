// driver.c runs a Go fuzz harness, built with -buildmode=c-archive and
// the compiler's libFuzzer instrumentation (-d=libfuzzer), under AFL++ in
// persistent mode with shared-memory test cases. It is compiled by
// afl-clang-fast, which provides the __AFL_* macros and links AFL++'s
// runtime; relay.c and glue.c, compiled by plain clang, move the test
// cases and the coverage. See afl/build.sh.
//
// Everything happens in a constructor that runs before the Go runtime's
// own (which has no priority, so runs after every prioritised one). The
// fork server starts there, so each forked child starts a fresh Go runtime
// (forking a process whose Go runtime already runs would lose its
// threads). Each child then splits in two (relay.c): the process AFL++
// stops after every test case runs the loop and never starts the Go
// runtime; the other one goes on to start it and runs the harness from
// main.

#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "glue.h"
#include "relay.h"

__AFL_FUZZ_INIT();

__attribute__((constructor(200))) static void start(void) {
	glue_size_map();
	__AFL_INIT();

	switch (relay_fork()) {
	case 0:
		return;
	case 1:
		break;
	default:
		_exit(1);
	}

	uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(100000)) {
		relay_run(buf, __AFL_FUZZ_TESTCASE_LEN);
	}

	_exit(0);
}

int main(void) {
	return relay_serve();
}
