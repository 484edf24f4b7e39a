/*
 * store_ops.c - cost of the store's operations at 1,000 workers: create,
 * fetch, update, and filtered lists (by expression and by task queue).
 * Not part of "make check"; build it by hand from the repository root:
 *
 *   make
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude -Ilib \
 *       -o build/store_ops test/bench/store_ops.c build/libworkers.a \
 *       -lcjson -lpthread -lm
 *   build/store_ops [workers-1000.json]
 *
 * The workers file is the expression bench's (one attribute object per
 * line).  Each figure is the best of 5 rounds, in microseconds or
 * nanoseconds per operation; one JSON line per figure on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libworkers.h"

#define DEFAULT_FILE "../shared/bench/workers-1000.json"
#define MAX_WORKERS 1000
#define ROUNDS 5
#define E2 "skills HAS 'support' AND languages HAS 'english'"

static char *lines[MAX_WORKERS];
static size_t nlines;
static char sids[MAX_WORKERS][40];

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int load(const char *path)
{
    static char buf[1 << 20];
    FILE *f = fopen(path, "r");

    if (f == NULL)
        return -1;
    while (nlines < MAX_WORKERS && fgets(buf, sizeof buf, f) != NULL) {
        size_t n = strlen(buf);

        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ','))
            buf[--n] = '\0';
        if (n < 2 || buf[0] != '{')
            continue;
        lines[nlines] = malloc(n + 1);
        memcpy(lines[nlines++], buf, n + 1);
    }
    fclose(f);
    return nlines > 0 ? 0 : -1;
}

static void report(const char *what, double value, const char *unit)
{
    printf("{\"operation\":\"%s\",\"workers\":%zu,\"%s\":%.3f}\n", what,
           nlines, unit, value);
}

/* A workspace holding every worker; creation time per worker in *ns. */
static lw_workspace *fill(double *ns)
{
    lw_workspace_options *o;
    lw_workspace *ws;
    double t0;
    size_t i;

    lw_workspace_options_create(NULL, &o);
    lw_workspace_options_set_worker_cap(o, MAX_WORKERS);
    lw_workspace_create(o, &ws, NULL);
    lw_workspace_options_free(o);
    lw_task_queue_create(ws, "Support", 7, E2, strlen(E2), NULL, NULL);
    t0 = now_ns();
    for (i = 0; i < nlines; i++) {
        char name[16];
        lw_worker *w;

        snprintf(name, sizeof name, "W%zu", i);
        if (lw_worker_create(ws, name, strlen(name), lines[i],
                             strlen(lines[i]), NULL, 0, &w, NULL) != LW_OK)
            exit(1);
        strcpy(sids[i], lw_worker_sid(w));
        lw_worker_release(w);
    }
    *ns = (now_ns() - t0) / (double)nlines;
    return ws;
}

static double bench_fetch(lw_workspace *ws)
{
    double t0 = now_ns();
    size_t i, n = 200000;

    for (i = 0; i < n; i++) {
        lw_worker *w;

        lw_worker_fetch(ws, sids[(i * 7919) % nlines], 34, &w, NULL);
        lw_worker_release(w);
    }
    return (now_ns() - t0) / (double)n;
}

static double bench_update(lw_workspace *ws)
{
    lw_worker_changes *c[2];
    double t0;
    size_t i, n = 20000;

    lw_worker_changes_create(ws, &c[0]);
    lw_worker_changes_create(ws, &c[1]);
    lw_worker_changes_set_attributes(c[0], lines[0], strlen(lines[0]));
    lw_worker_changes_set_attributes(c[1], lines[1], strlen(lines[1]));
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        if (lw_worker_update(ws, sids[5], 34, c[i & 1], NULL, NULL) != LW_OK)
            exit(1);
    }
    t0 = (now_ns() - t0) / (double)n;
    lw_worker_changes_free(c[0]);
    lw_worker_changes_free(c[1]);
    return t0;
}

/* One list request repeated; microseconds per request. */
static double bench_list(lw_workspace *ws, const char *expr, bool by_queue,
                         uint32_t size, size_t *count)
{
    lw_query *q;
    double t0;
    size_t i, n = 2000;

    lw_query_create(ws, &q);
    if (expr != NULL)
        lw_query_set_target_workers(q, expr, strlen(expr));
    if (by_queue)
        lw_query_set_task_queue_name(q, "Support", 7);
    lw_query_set_page_size(q, size);
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        lw_page *p;

        if (lw_worker_list(ws, q, &p, NULL) != LW_OK)
            exit(1);
        *count = lw_page_count(p);
        lw_page_free(p);
    }
    lw_query_free(q);
    return (now_ns() - t0) / (double)n / 1000.0;
}

static double best(double a, double b)
{
    return a < b ? a : b;
}

int main(int argc, char **argv)
{
    double create = 1e30, fetch = 1e30, update = 1e30, expr50 = 1e30;
    double expr_all = 1e30, queue50 = 1e30, queue_all = 1e30, t;
    size_t r, c1 = 0, c2 = 0, c3 = 0, c4 = 0;

    if (load(argc > 1 ? argv[1] : DEFAULT_FILE) != 0) {
        fprintf(stderr, "store_ops: cannot read the workers file\n");
        return 2;
    }
    for (r = 0; r < ROUNDS; r++) {
        lw_workspace *ws = fill(&t);

        create = best(create, t);
        fetch = best(fetch, bench_fetch(ws));
        update = best(update, bench_update(ws));
        expr50 = best(expr50, bench_list(ws, E2, false, 50, &c1));
        expr_all = best(expr_all, bench_list(ws, E2, false, 1000, &c2));
        queue50 = best(queue50, bench_list(ws, NULL, true, 50, &c3));
        queue_all = best(queue_all, bench_list(ws, NULL, true, 1000, &c4));
        lw_workspace_free(ws);
    }
    report("worker_create", create / 1000.0, "us_per_op");
    report("worker_fetch", fetch, "ns_per_op");
    report("worker_update_attributes", update / 1000.0, "us_per_op");
    report("list_expression_E2_page50", expr50, "us_per_request");
    report("list_expression_E2_page1000", expr_all, "us_per_request");
    report("list_task_queue_page50", queue50, "us_per_request");
    report("list_task_queue_page1000", queue_all, "us_per_request");
    printf("{\"check\":\"matches\",\"page50\":%zu,\"all\":%zu,"
           "\"queue_page50\":%zu,\"queue_all\":%zu}\n", c1, c2, c3, c4);
    return c2 == 149 && c4 == 149 ? 0 : 1;
}
