// relay.c keeps the Go runtime out of the process AFL++ stops and
// continues. In persistent mode AFL++ stops the target with SIGSTOP after
// every test case and continues it with SIGCONT, and the kernel must stop
// and wake every thread of the process each time: with the Go runtime's
// four or more threads this costs more than the harness itself (here a
// Go harness ran at 19,000 exec/s in one process, a C loop at 42,000).
//
// So the process forks before the Go runtime starts. The parent stays a
// single thread and runs AFL++'s loop; the child starts the Go runtime and
// runs the harness. The two share one anonymous page-aligned region: the
// parent copies each test case in, bumps req and waits on a futex until
// the child sets done to the same count. The child writes coverage
// straight into AFL++'s map, which it inherited (System V shared memory
// stays shared across fork).
//
// If the child dies (a Go panic ends it with SIGABRT), the parent's
// SIGCHLD handler aborts the parent, so afl-fuzz records the input as a
// crash. If afl-fuzz kills the parent (a hang), the child follows
// (PR_SET_PDEATHSIG).
//
// TODO: codec-decode runs at about 0.6x a bare C loop (afl/baseline.c),
// 20,000 to 24,000 exec/s on the AMD build machine, short of the 25,000
// target: the futex hand-over costs two context switches per input.

#define _GNU_SOURCE

#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "glue.h"
#include "relay.h"

// MAX_INPUT is AFL++'s largest test case (MAX_FILE); longer ones are cut.
#define MAX_INPUT (1 << 20)

// LLVMFuzzerTestOneInput is exported by the Go archive.
extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// relay is the region the two processes share. Only the parent writes req,
// size and data; only the child writes ready and done.
struct relay {
	_Atomic uint32_t req;
	_Atomic uint32_t done;
	_Atomic uint32_t ready;
	uint32_t size;
	uint8_t data[MAX_INPUT];
};

static struct relay *rl;

static void futex_wait(_Atomic uint32_t *addr, uint32_t val) {
	syscall(SYS_futex, addr, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *addr) {
	syscall(SYS_futex, addr, FUTEX_WAKE, 1, NULL, NULL, 0);
}

// await returns once *addr holds want.
static void await(_Atomic uint32_t *addr, uint32_t want) {
	uint32_t v;

	while ((v = atomic_load(addr)) != want) {
		futex_wait(addr, v);
	}
}

// on_child_exit turns the harness process's end into the parent's crash.
static void on_child_exit(int sig) {
	(void)sig;
	abort();
}

int relay_fork(void) {
	pid_t parent = getpid();

	rl = mmap(NULL, sizeof *rl, PROT_READ | PROT_WRITE,
	          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rl == MAP_FAILED) {
		perror("afl relay: mmap");
		return -1;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_child_exit;
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) != 0) {
		perror("afl relay: sigaction");
		return -1;
	}

	pid_t pid = fork();
	if (pid < 0) {
		perror("afl relay: fork");
		return -1;
	}
	if (pid == 0) {
		signal(SIGCHLD, SIG_DFL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) {
			_exit(1);
		}
		return 0;
	}

	await(&rl->ready, 1);

	return 1;
}

void relay_run(const uint8_t *data, size_t size) {
	if (size > MAX_INPUT) {
		size = MAX_INPUT;
	}
	memcpy(rl->data, data, size);
	rl->size = (uint32_t)size;

	uint32_t n = atomic_load(&rl->req) + 1;
	atomic_store(&rl->req, n);
	futex_wake(&rl->req);

	await(&rl->done, n);
}

int relay_serve(void) {
	// The first call waits for the Go runtime to start and announce its
	// counters.
	LLVMFuzzerTestOneInput(rl->data, 0);
	if (glue_start() != 0) {
		return 1;
	}
	atomic_store(&rl->ready, 1);
	futex_wake(&rl->ready);

	uint32_t seen = 0;
	for (;;) {
		uint32_t n;
		while ((n = atomic_load(&rl->req)) == seen) {
			futex_wait(&rl->req, seen);
		}
		seen = n;

		LLVMFuzzerTestOneInput(rl->data, rl->size);
		glue_fold();

		atomic_store(&rl->done, n);
		futex_wake(&rl->done);
	}
}
