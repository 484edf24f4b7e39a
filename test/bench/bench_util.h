/*
 * bench_util.h - small helpers shared by the benchmark programs: the
 * monotonic clock, reading files, loading the shared workers file into a
 * workspace, and the reference results of the shared workload.
 */
#ifndef LW_BENCH_UTIL_H
#define LW_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "libworkers.h"

/* Nanoseconds of CLOCK_MONOTONIC. */
double bench_now_ns(void);
/* Print "bench: what" on stderr and exit 1. */
void bench_die(const char *what);
/* The whole file, NUL-terminated; *len its size.  Exits on failure. */
char *bench_slurp(const char *path, size_t *len);

/*
 * The workers of a bench workers file (a JSON array, one object per
 * line), as spans of the file's text, in file order.
 */
typedef struct bench_line {
    const char *text;
    size_t len;
} bench_line;
bench_line *bench_split_workers(char *file, size_t *count);

/*
 * Create a workspace (worker cap cap, fixed clock) holding every worker
 * of the file in order, named "W<i>" as the file's "name" says.  alloc
 * may be NULL.  Exits on failure.
 */
lw_workspace *bench_load_workspace(const bench_line *lines, size_t count,
                                   size_t cap, const lw_allocator *alloc);
/* The same with a deterministic random source (SIDs repeat run to run). */
lw_workspace *bench_load_workspace_random(const bench_line *lines,
                                          size_t count, size_t cap,
                                          lw_random_fn fn, void *user);

/*
 * The text of the shared workers file for count workers, byte for byte as
 * bench/gen-workers.mjs writes it with its default seed.  Free with free().
 */
char *bench_generate_workers(size_t count, size_t *len);

/* An allocator that counts live bytes, and the count. */
const lw_allocator *bench_counting_allocator(void);
size_t bench_counting_live(void);

/* The "taskrouter" text of expression id in an expressions file. */
char *bench_expression(const char *path, const char *id);

/*
 * Check matches / index sum against bench/README.md's reference table;
 * returns 0 when they agree or no reference exists (-1 otherwise, after
 * saying so on stderr).
 */
int bench_check_reference(const char *id, size_t workers, uint64_t matches,
                          uint64_t index_sum);

/* Median of n doubles (sorts them). */
double bench_median(double *v, size_t n);

#endif /* LW_BENCH_UTIL_H */
