// glue.h declares the coverage glue between Go's counters and AFL++'s
// map (glue.c) that the persistent-mode driver (driver.c) calls.

#ifndef SAFEDHCP_AFL_GLUE_H
#define SAFEDHCP_AFL_GLUE_H

#include <stdint.h>

// glue_map_size returns the size of the AFL++ map the Go counters fold
// into: the size the fork server announces.
uint32_t glue_map_size(void);

// glue_start clears the counters the Go runtime's start-up counted and
// checks they are the ones the driver was built for; call it after the
// first call into Go. It returns -1 (after printing why) on a mismatch.
int glue_start(void);

// glue_fold adds the Go counters of the last run into AFL++'s map and
// clears them.
void glue_fold(void);

#endif
