// baseline.c is the fastest target AFL++ can run on this machine: a bare
// persistent loop with shared-memory test cases and a single branch on
// the input. afl/baseline.sh fuzzes it so that the Go targets' rates can
// be given as a ratio to it, measured in the same run: the absolute rate
// of AFL++ persistent mode varies a lot between machines and between
// hours on a shared one.

#include <stdint.h>
#include <unistd.h>

__AFL_FUZZ_INIT();

volatile int sink;

int main(void) {
	__AFL_INIT();
	uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;

	while (__AFL_LOOP(100000)) {
		int n = __AFL_FUZZ_TESTCASE_LEN;
		if (n > 0 && buf[0] == 'x') {
			sink++;
		}
	}

	return 0;
}
