// glue.h declares the coverage glue between Go's counters and AFL++'s
// map (glue.c) that the persistent-mode driver (driver.c) and the harness
// side of its relay (relay.c) call.

#ifndef SAFEDHCP_AFL_GLUE_H
#define SAFEDHCP_AFL_GLUE_H

// glue_size_map makes AFL++'s runtime report a map large enough for the
// Go counters; call it before the fork server starts.
void glue_size_map(void);

// glue_start clears the counters the Go runtime's start-up counted and
// checks they are the ones the driver was built for; call it after the
// first call into Go. It returns -1 (after printing why) on a mismatch.
int glue_start(void);

// glue_fold adds the Go counters of the last run into AFL++'s map and
// clears them.
void glue_fold(void);

#endif
