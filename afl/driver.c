// driver.c runs a Go fuzz harness, built with -buildmode=c-archive and
// the compiler's libFuzzer instrumentation (-d=libfuzzer), under AFL++ in
// persistent mode with shared-memory test cases. See afl/build.sh.
//
// It speaks AFL++'s fork server protocol itself rather than use the one in
// AFL++'s runtime. That one runs every test case in a child it forks once
// and, between test cases, stops with SIGSTOP and continues with SIGCONT:
// four context switches per input through the fork server, and the kernel
// must stop and wake every thread of the child each time, which with the
// Go runtime's threads costs more than the harness (here a Go harness ran
// at 19,000 exec/s that way, a bare C loop at 35,000 to 42,000).
//
// Here the fork server, started from a constructor before the Go runtime's
// own (which has no priority, so runs after every prioritised one), only
// forks harness processes and waits for them; each forked process starts a
// fresh Go runtime (forking a running one would lose its threads) and
// answers afl-fuzz on the fork server's descriptors itself: it reads the
// request for a run, writes its PID, runs the harness and writes a
// "stopped" status, as a persistent child would have been reported. If it
// dies during a run (a Go panic ends it with SIGABRT, afl-fuzz kills it
// after a timeout), the fork server writes its status instead and forks
// the next one. Both sides keep to the order afl-fuzz expects (PID, then
// status) through a state word they share.
//
// A timeout kill that can be caught (AFL_KILL_SIGNAL=12, SIGUSR2, as
// afl/run.sh sets it) is handled by the harness process: it ends itself
// only if its run has not ended, so that exactly one of the two writes
// the status even when the kill and the end of the run meet. Its coverage
// so far goes into AFL++'s map first, as a panicking harness's does (in
// fuzzers/libfuzzer), so afl-fuzz can tell hangs and crashes apart.
//
// The protocol is the one AFL++ 4.04c's runtime speaks (newer afl-fuzz
// still accepts it). AFL++'s runtime is still linked (by afl-clang-fast):
// it maps the coverage map and provides the comparison hooks Go calls, so
// CmpLog works. This file is compiled by plain clang: an instrumented
// loop would count its own edges around afl-fuzz's reads of the map.

#define _GNU_SOURCE

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glue.h"

// The fork server's descriptors: afl-fuzz writes requests to CTL_FD and
// reads replies from ST_FD.
#define CTL_FD 198
#define ST_FD 199

// Options of the fork server's hello (AFL++'s FS_OPT_*).
#define OPT_ENABLED 0x80000001u
#define OPT_MAPSIZE 0x40000000u
#define OPT_NEWCMPLOG 0x02000000u
#define OPT_SHDMEM_FUZZ 0x01000000u
#define OPT_SET_MAPSIZE(x) (((uint32_t)(x)-1) << 1)

// STOPPED is the wait status of a process stopped by SIGSTOP: what AFL++
// is told after each run that the harness process survived.
#define STOPPED ((SIGSTOP << 8) | 0x7f)

// MAX_INPUT is AFL++'s largest test case (MAX_FILE); longer ones are cut.
#define MAX_INPUT (1 << 20)

// RUNS is the number of test cases a harness process runs before it ends
// and the fork server starts a fresh one.
#define RUNS 100000

// Exit codes of a harness process: the end of its RUNS, and afl-fuzz gone.
#define EXIT_CYCLE 0
#define EXIT_GONE 3

// The signatures afl-fuzz looks for in the binary: persistent mode (which
// it reports as detected) and the instrumentation's environment variable.
__attribute__((used)) static volatile const char sig_persistent[] =
	"##SIG_AFL_PERSISTENT##";
__attribute__((used)) static volatile const char sig_shm[] = "__AFL_SHM_ID";

// Exported by the Go archive: the harness, and a no-op that returns once
// the Go runtime has started.
extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern void SafedhcpReady(void);

// The states of the harness process, in the word it shares with the fork
// server: between runs, a request read (its PID not yet written), a run
// under way (its PID written), its status being written, and a run that
// timed out (on AFL_KILL_SIGNAL) and is being ended. Once out of RUNNING,
// a run's status is written by exactly one of the two.
enum { IDLE, REQUESTED, RUNNING, WRITING, KILLED };

// shared is what the fork server and its harness process share.
struct shared {
	_Atomic uint32_t state;
	_Atomic uint32_t requests; // requests the process has read
};

static struct shared *sh;

// served is set when a fork server runs; otherwise main runs one input
// from standard input (a reproduction by hand).
static int served;

// The test case afl-fuzz writes into shared memory, or NULL when a tool
// that offers none (afl-analyze) writes it to standard input.
static uint32_t *shm_len;
static uint8_t *shm_buf;

static uint8_t stdin_buf[MAX_INPUT];

static int read4(int fd, uint32_t *v) {
	ssize_t n;

	do {
		n = read(fd, v, 4);
	} while (n < 0 && errno == EINTR);

	return n == 4 ? 0 : -1;
}

static int write4(int fd, uint32_t v) {
	ssize_t n;

	do {
		n = write(fd, &v, 4);
	} while (n < 0 && errno == EINTR);

	return n == 4 ? 0 : -1;
}

// hello announces the fork server and attaches the shared test case
// buffer afl-fuzz offers. It returns -1 when no afl-fuzz is listening.
static int hello(void) {
	const char *id = getenv("__AFL_SHM_FUZZ_ID");
	uint32_t opts = OPT_ENABLED | OPT_MAPSIZE |
	                OPT_SET_MAPSIZE(glue_map_size()) | OPT_NEWCMPLOG;
	uint32_t reply;

	if (id != NULL) {
		opts |= OPT_SHDMEM_FUZZ;
	}
	if (write4(ST_FD, opts) != 0) {
		return -1;
	}
	if (id == NULL) {
		return 0;
	}

	// afl-fuzz answers an offer of shared memory, and takes it or stops.
	if (read4(CTL_FD, &reply) != 0) {
		_exit(1);
	}
	uint8_t *p = (void *)-1;
	if ((reply & OPT_SHDMEM_FUZZ) != 0) {
		p = shmat(atoi(id), NULL, 0);
	}
	if (p == (void *)-1) {
		fprintf(stderr, "afl driver: no shared test case buffer\n");
		_exit(1);
	}
	shm_len = (uint32_t *)p;
	shm_buf = p + sizeof(uint32_t);

	return 0;
}

// report writes the status of a harness process that died during a run,
// a PID first if it had not written its own.
static void report(pid_t pid, int status, uint32_t state) {
	if (state == REQUESTED && write4(ST_FD, (uint32_t)pid) != 0) {
		_exit(1);
	}
	// A harness exiting during a run is a crash too.
	if (!WIFSIGNALED(status)) {
		status = SIGABRT;
	}
	if (write4(ST_FD, (uint32_t)status) != 0) {
		_exit(1);
	}
}

// on_timeout ends a harness process on afl-fuzz's kill signal, unless
// its run has ended: its status is then on its way and the signal came
// too late to matter. The coverage so far goes into AFL++'s map first, so
// that afl-fuzz can tell one hang from another.
static void on_timeout(int sig) {
	uint32_t running = RUNNING;

	(void)sig;
	if (atomic_compare_exchange_strong(&sh->state, &running, KILLED)) {
		glue_fold();
		kill(getpid(), SIGKILL);
	}
}

// catch_timeouts handles afl-fuzz's kill signal when it can be caught
// (AFL_KILL_SIGNAL, which afl/run.sh sets to SIGUSR2).
// TODO: with the default SIGKILL, a timeout that lands as a run ends,
// between the state word and the status, leaves afl-fuzz waiting.
static void catch_timeouts(void) {
	const char *env = getenv("AFL_KILL_SIGNAL");
	int sig = env ? atoi(env) : SIGKILL;

	if (sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP) {
		return;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_timeout;
	sa.sa_flags = SA_ONSTACK | SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0) {
		perror("afl driver: sigaction");
		_exit(1);
	}
}

// serve forks harness processes, one at a time, for as long as afl-fuzz
// runs. It returns in each harness process.
static void serve(void) {
	pid_t server = getpid();

	for (;;) {
		atomic_store(&sh->state, IDLE);
		atomic_store(&sh->requests, 0);

		pid_t pid = fork();
		if (pid < 0) {
			perror("afl driver: fork");
			_exit(1);
		}
		if (pid == 0) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
			    getppid() != server) {
				_exit(1);
			}
			catch_timeouts();
			return;
		}

		int status;
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				perror("afl driver: waitpid");
				_exit(1);
			}
		}

		// WRITING is left to the harness process: it ends there only
		// by an uncatchable kill, which may have come before or after
		// its status went out.
		uint32_t state = atomic_load(&sh->state);
		if (state == REQUESTED || state == RUNNING || state == KILLED) {
			report(pid, status, state);
			continue;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_CYCLE) {
			continue;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_GONE) {
			_exit(0);
		}
		// Killed between runs: afl-fuzz's timeout as the run ended.
		if (WIFSIGNALED(status) && atomic_load(&sh->requests) > 0) {
			continue;
		}
		fprintf(stderr, "afl driver: harness process %d ended before "
		                "its first run (status %#x)\n",
		        (int)pid, status);
		_exit(1);
	}
}

__attribute__((constructor(200))) static void start(void) {
	pid_t parent = getppid();

	if (hello() != 0) {
		return;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) {
		_exit(1);
	}

	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
	          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("afl driver: mmap");
		_exit(1);
	}
	served = 1;
	serve();

	// AFL++'s runtime starts its own fork server from a constructor
	// unless told it is deferred.
	setenv("__AFL_DEFER_FORKSRV", "1", 1);
}

// input returns the current test case: afl-fuzz's, or standard input's
// when run by hand.
static const uint8_t *input(size_t *size) {
	if (shm_buf != NULL) {
		uint32_t n = *shm_len;
		*size = n > MAX_INPUT ? MAX_INPUT : n;
		return shm_buf;
	}

	// afl-analyze rewinds the file behind standard input for each run.
	size_t n = 0;
	ssize_t r;
	if (served) {
		lseek(0, 0, SEEK_SET);
	}
	while (n < MAX_INPUT &&
	       ((r = read(0, stdin_buf + n, MAX_INPUT - n)) > 0 ||
	        (r < 0 && errno == EINTR))) {
		n += r > 0 ? (size_t)r : 0;
	}
	*size = n;

	return stdin_buf;
}

// run runs the harness on the current test case and folds its coverage
// into AFL++'s map.
static void run(void) {
	size_t size;
	const uint8_t *data = input(&size);

	LLVMFuzzerTestOneInput(data, size);
	glue_fold();
}

int main(void) {
	// The first call into Go waits for the Go runtime to start and
	// announce its counters.
	SafedhcpReady();
	if (glue_start() != 0) {
		return 1;
	}

	if (!served) {
		run();
		return 0;
	}

	uint32_t pid = (uint32_t)getpid();
	for (int i = 0; i < RUNS; i++) {
		uint32_t killed;
		if (read4(CTL_FD, &killed) != 0) {
			_exit(EXIT_GONE);
		}
		atomic_store(&sh->state, REQUESTED);
		atomic_fetch_add(&sh->requests, 1);
		if (write4(ST_FD, pid) != 0) {
			_exit(EXIT_GONE);
		}
		atomic_store(&sh->state, RUNNING);

		run();

		uint32_t running = RUNNING;
		if (!atomic_compare_exchange_strong(&sh->state, &running,
		                                    WRITING)) {
			for (;;) {
				pause(); // on_timeout is ending the process
			}
		}
		if (write4(ST_FD, STOPPED) != 0) {
			_exit(EXIT_GONE);
		}
		atomic_store(&sh->state, IDLE);
	}

	_exit(EXIT_CYCLE);
}
