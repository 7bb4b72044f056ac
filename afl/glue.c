// glue.c is the part of the AFL++ driver that touches AFL++'s coverage
// map and the Go runtime's counters. Like driver.c, it is compiled by
// plain clang, so it counts no edges of its own.
//
// Go counts edges in 8-bit counters (the .go.fuzzcntrs section) and
// announces them through __sanitizer_cov_8bit_counters_init; AFL++'s
// runtime only reads its own map. After each run, fold adds Go's counters
// into AFL's map at FOLD_BASE + counter index and clears them.

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "glue.h"

// FOLD_BASE keeps the counters clear of the map's first entries, where
// code compiled by afl-clang-fast counts its edges (the driver has none).
#define FOLD_BASE 64

// MAX_MAP is the largest map the driver asks for: afl-fuzz's default, so
// no AFL_MAP_SIZE is needed; more counters wrap around.
// TODO: past MAX_MAP - FOLD_BASE Go counters (about 3,000 today) edges
// share map entries; raise MAX_MAP and set AFL_MAP_SIZE in afl/run.sh.
#define MAX_MAP 65536

// NCOUNTERS is the number of Go counters, read from the archive's
// .go.fuzzcntrs section by afl/build.sh: the map size must be known before
// the Go runtime starts and announces them.
#ifndef NCOUNTERS
#error "build with -DNCOUNTERS=<size of the Go archive's .go.fuzzcntrs>"
#endif

// AFL++'s coverage map, which AFL++'s runtime (afl-compiler-rt) maps.
extern uint8_t *__afl_area_ptr;

// The Go counters, as the Go runtime announces them.
static uint8_t *cntrs;
static size_t ncntrs;

// span is the number of map entries the counters fold into.
static uint32_t span;

// Hooks Go's runtime calls when built with -tags=libfuzzer. AFL++'s
// runtime defines the __sanitizer_cov_trace_cmp* ones (for CmpLog).
void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop) {
	cntrs = start;
	ncntrs = (size_t)(stop - start);
}

void __sanitizer_cov_pcs_init(const uintptr_t *start, const uintptr_t *stop) {
	(void)start;
	(void)stop;
}

// TODO: Go's string comparisons are dropped here; passed to AFL++'s
// __cmplog_rtn_hook_str they would reach CmpLog too.
void __sanitizer_weak_hook_strcmp(void *pc, const char *a, const char *b,
                                  int result) {
	(void)pc;
	(void)a;
	(void)b;
	(void)result;
}

uint32_t glue_map_size(void) {
	size_t n = FOLD_BASE + (size_t)NCOUNTERS;
	n = (n + 63) & ~(size_t)63;

	return n > MAX_MAP ? MAX_MAP : (uint32_t)n;
}

int glue_start(void) {

	if (cntrs == NULL || ncntrs != NCOUNTERS) {
		fprintf(stderr, "afl driver: %zu Go counters, built for %d\n",
		        ncntrs, NCOUNTERS);
		return -1;
	}
	memset(cntrs, 0, ncntrs);
	span = glue_map_size() - FOLD_BASE;

	return 0;
}

void glue_fold(void) {
	uint8_t *map = __afl_area_ptr + FOLD_BASE;
	size_t i = 0;

	for (; i + 8 <= ncntrs; i += 8) {
		uint64_t w;
		memcpy(&w, cntrs + i, 8);
		if (w == 0) {
			continue;
		}
		for (size_t j = i; j < i + 8; j++) {
			map[j % span] += cntrs[j];
		}
		memset(cntrs + i, 0, 8);
	}
	for (; i < ncntrs; i++) {
		map[i % span] += cntrs[i];
		cntrs[i] = 0;
	}
}
