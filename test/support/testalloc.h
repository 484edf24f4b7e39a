/*
 * testalloc.h - an allocator for tests: counts allocations and live
 * bytes, and fails the N-th allocation (once, or from then on).
 */
#ifndef LW_TESTALLOC_H
#define LW_TESTALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "libworkers/common.h"

typedef struct testalloc {
    lw_allocator alloc;  /* pass &ta.alloc to the library */
    size_t calls;        /* allocations and growing resizes so far */
    size_t fail_at;      /* 1-based call to fail; 0 never */
    bool fail_after;     /* keep failing after fail_at */
    size_t failures;     /* calls refused */
    size_t live;         /* blocks currently allocated */
    size_t live_bytes;
    size_t peak_bytes;
} testalloc;

/* Set up ta: counting, failing nothing. */
void testalloc_init(testalloc *ta);
/* Fail call number n from now (1 = the next); sticky keeps failing. */
void testalloc_fail_at(testalloc *ta, size_t n, bool sticky);

#endif /* LW_TESTALLOC_H */
