// relay.h declares the relay between the AFL++ process and the Go
// harness process (relay.c) that the persistent-mode driver (driver.c)
// calls.

#ifndef SAFEDHCP_AFL_RELAY_H
#define SAFEDHCP_AFL_RELAY_H

#include <stddef.h>
#include <stdint.h>

// relay_fork splits the process in two, before the Go runtime starts. In
// the parent, which stays single-threaded and runs AFL++'s persistent
// loop, it returns 1 once the child's Go runtime is up. In the child,
// which goes on to start the Go runtime and run the harness, it returns
// 0. It returns -1 (after printing why) when the split failed.
int relay_fork(void);

// relay_run hands one test case to the harness process and waits until
// it has run and its coverage is in AFL++'s map. The harness process
// dying aborts the caller, so AFL++ records the input as a crash.
void relay_run(const uint8_t *data, size_t size);

// relay_serve runs test cases in the harness process until the parent
// goes away; it returns only on a start-up failure, with 1.
int relay_serve(void);

#endif
