/*
 * bench_scan.c - the expression scan measured the way the shared peer
 * harness measures its engines (the child contract at the end of
 * bench/README.md): every worker of the file is created in a workspace
 * through the public API, the expression is compiled against the
 * workspace, and one full scan evaluates it on every worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

#ifndef BENCH_COMMIT
#define BENCH_COMMIT "unknown"
#endif

typedef struct options {
    const char *workers;
    const char *expressions;
    const char *id;
    long reps, rep_ms, warmup_scans, warmup_ms;
} options;

static void parse_args(int argc, char **argv, options *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->reps = 1;
    o->rep_ms = 200;
    o->warmup_scans = 200;
    o->warmup_ms = 100;
    for (i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];

        if (strcmp(k, "--workers") == 0)
            o->workers = v;
        else if (strcmp(k, "--expressions") == 0)
            o->expressions = v;
        else if (strcmp(k, "--id") == 0)
            o->id = v;
        else if (strcmp(k, "--reps") == 0)
            o->reps = atol(v);
        else if (strcmp(k, "--rep-ms") == 0)
            o->rep_ms = atol(v);
        else if (strcmp(k, "--warmup-scans") == 0)
            o->warmup_scans = atol(v);
        else if (strcmp(k, "--warmup-ms") == 0)
            o->warmup_ms = atol(v);
        else
            bench_die("unknown option");
    }
    if (o->workers == NULL || o->expressions == NULL || o->id == NULL ||
        o->reps < 1)
        bench_die("usage: --workers F --expressions F --id E2 [...]");
}

typedef struct tally {
    uint64_t matches;
    uint64_t index_sum;
} tally;

/* Workers are named W<i> after their position in the file. */
static bool add_match(void *user, const lw_worker *w)
{
    tally *t = user;

    t->matches++;
    t->index_sum += (uint64_t)strtoull(lw_worker_friendly_name(w) + 1,
                                       NULL, 10);
    return true;
}

static uint32_t scan(lw_workspace *ws, const lw_expr *e)
{
    uint32_t n = 0;

    if (lw_worker_count_matching(ws, e, &n, NULL) != LW_OK)
        bench_die("scan failed");
    return n;
}

static double compile_median(lw_symtab *t, const char *src)
{
    static double times[100000];
    size_t n = 0;
    double start = bench_now_ns();

    while (n < sizeof times / sizeof times[0] &&
           (n < 30 || bench_now_ns() - start < 10e6)) {
        double t0 = bench_now_ns();
        lw_expr *e;

        if (lw_expr_compile(t, src, strlen(src), &e, NULL) != LW_OK)
            bench_die("compile failed");
        times[n++] = (bench_now_ns() - t0) / 1e3;
        lw_expr_free(e);
    }
    return bench_median(times, n);
}

int main(int argc, char **argv)
{
    options o;
    size_t n, k, i;
    char *file = NULL, *src;
    bench_line *lines;
    lw_workspace *ws;
    lw_symtab *syms;
    lw_expr *e;
    tally t = {0, 0};
    uint64_t total = 0, scans = 0;
    double t0, first_us, compile_us, per_scan;
    long r;

    parse_args(argc, argv, &o);
    file = bench_slurp(o.workers, NULL);
    lines = bench_split_workers(file, &n);
    ws = bench_load_workspace(lines, n, n, NULL);
    syms = lw_workspace_symtab(ws);
    src = bench_expression(o.expressions, o.id);

    /* Compile: the first one cold, then the median of warm ones. */
    t0 = bench_now_ns();
    if (lw_expr_compile(syms, src, strlen(src), &e, NULL) != LW_OK)
        bench_die("compile failed");
    first_us = (bench_now_ns() - t0) / 1e3;
    compile_us = compile_median(syms, src);

    /* One untimed scan for the match count and the index sum. */
    if (lw_worker_select(ws, e, add_match, &t, NULL) != LW_OK)
        bench_die("select failed");
    if (bench_check_reference(o.id, n, t.matches, t.index_sum) != 0 ||
        scan(ws, e) != t.matches)
        return 1;

    /* Warm up, then K scans per repetition lasting at least rep_ms. */
    t0 = bench_now_ns();
    while (scans < (uint64_t)o.warmup_scans ||
           bench_now_ns() - t0 < (double)o.warmup_ms * 1e6) {
        total += scan(ws, e);
        scans++;
    }
    if (total != scans * t.matches)
        bench_die("the match count changed while warming up");
    per_scan = (bench_now_ns() - t0) / (double)scans;
    k = (size_t)((double)o.rep_ms * 1e6 * 1.1 / per_scan) + 1;

    printf("{\"engine\":\"libworkers\",\"engine_version\":\"%s+%s\","
           "\"id\":\"%s\",\"matches\":%llu,\"match_index_sum\":%llu,"
           "\"ns_per_worker\":[", lw_version(), BENCH_COMMIT, o.id,
           (unsigned long long)t.matches, (unsigned long long)t.index_sum);
    for (r = 0; r < o.reps; r++) {
        double elapsed;

        total = 0;
        t0 = bench_now_ns();
        for (i = 0; i < k; i++)
            total += scan(ws, e);
        elapsed = bench_now_ns() - t0;
        if (total != k * t.matches)
            bench_die("the match count changed while timing");
        printf("%s%.4f", r > 0 ? "," : "", elapsed / ((double)k * n));
    }
    printf("],\"compile_us\":%.4f,\"compile_first_us\":%.4f,"
           "\"scans_per_rep\":%zu,\"warmup_scans\":%llu,"
           "\"compiler\":\"gcc %d.%d\",\"cflags\":\"-O2\","
           "\"note\":\"lw_worker_count_matching on a workspace of %zu "
           "workers created through lw_worker_create; counts only, no "
           "result list\"}\n", compile_us, first_us, k,
           (unsigned long long)scans, __GNUC__, __GNUC_MINOR__, n);

    lw_expr_free(e);
    lw_workspace_free(ws);
    free(src);
    free(lines);
    free(file);
    return 0;
}
