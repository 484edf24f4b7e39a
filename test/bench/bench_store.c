/*
 * bench_store.c - cost of the store's operations on a workspace loaded
 * with a bench workers file: fetch, create, update, delete, list pages
 * through the REST adapter (rendering included) with and without
 * filters, paging to the last page, and memory per worker.
 *
 *   bench_store WORKERS_FILE
 *
 * Prints one JSON line per figure on stdout: {"op":…,"workers":N,
 * "ns":median,"ns_min":min,"unit":"ns/op"}; memory in bytes per worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

#define ROUNDS 7
#define E2 "skills HAS 'support' AND languages HAS 'english'"
#define E2_QUERY "skills%20HAS%20%27support%27%20AND%20languages" \
                 "%20HAS%20%27english%27"

typedef struct ctx {
    lw_workspace *ws;
    lw_rest *rest;
    size_t n;
    char (*sids)[40];
    char path[128];
    char queue_sid[40];
} ctx;

typedef struct figure {
    double median;
    double min;
} figure;

static void print_figure(const char *op, size_t n, figure f,
                         const char *unit)
{
    printf("{\"op\":\"%s\",\"workers\":%zu,\"ns\":%.1f,\"ns_min\":%.1f,"
           "\"unit\":\"%s\"}\n", op, n, f.median, f.min, unit);
    fflush(stdout);
}

/* Median and min over rounds of (elapsed / ops). */
static figure summarize(double *per_op)
{
    figure f;
    size_t i;

    f.min = per_op[0];
    for (i = 1; i < ROUNDS; i++)
        if (per_op[i] < f.min)
            f.min = per_op[i];
    f.median = bench_median(per_op, ROUNDS);
    return f;
}

static void collect_sids(ctx *c)
{
    lw_query *q;
    lw_page *p;
    size_t got = 0, i;
    char token[128] = "";

    c->sids = malloc(c->n * sizeof *c->sids);
    while (got < c->n) {
        if (lw_query_create(c->ws, &q) != LW_OK ||
            lw_query_set_page_size(q, 1000) != LW_OK ||
            (token[0] && lw_query_set_page_token(q, token, strlen(token))
                             != LW_OK) ||
            lw_worker_list(c->ws, q, &p, NULL) != LW_OK)
            bench_die("cannot list workers");
        for (i = 0; i < lw_page_count(p); i++)
            snprintf(c->sids[got++], sizeof c->sids[0], "%s",
                     lw_worker_sid(lw_page_worker(p, i)));
        if (lw_page_has_next(p))
            snprintf(token, sizeof token, "%s", lw_page_next_token(p));
        lw_page_free(p);
        lw_query_free(q);
        if (token[0] == '\0')
            break;
    }
}

/* One round of fetches by SID; ns per fetch. */
static double round_fetch(ctx *c)
{
    size_t i, ops = c->n < 100000 ? 100000 : c->n;
    double t0 = bench_now_ns();

    for (i = 0; i < ops; i++) {
        lw_worker *w;
        const char *sid = c->sids[(i * 7919) % c->n];

        if (lw_worker_fetch(c->ws, sid, 34, &w, NULL) != LW_OK)
            bench_die("fetch failed");
        lw_worker_release(w);
    }
    return (bench_now_ns() - t0) / (double)ops;
}

/* One round: create 1,000 extra workers with typical attributes, then
 * delete them; ns per create and per delete. */
static void round_create_delete(ctx *c, double *create, double *del)
{
    static const char attrs[] =
        "{\"name\":\"X\",\"level\":7,\"skills\":[\"chat\",\"email\","
        "\"vip\"],\"languages\":[\"english\",\"french\"],\"region\":"
        "\"emea\",\"rating\":4.5,\"contact\":{\"uri\":\"client:X\","
        "\"email\":\"x@example.com\"}}";
    static char sids[1000][40];
    size_t i;
    double t0 = bench_now_ns();

    for (i = 0; i < 1000; i++) {
        char name[32];
        lw_worker *w;

        snprintf(name, sizeof name, "extra-%zu", i);
        if (lw_worker_create(c->ws, name, strlen(name), attrs,
                             sizeof attrs - 1, NULL, 0, &w, NULL) != LW_OK)
            bench_die("create failed");
        memcpy(sids[i], lw_worker_sid(w), 35);
        lw_worker_release(w);
    }
    *create = (bench_now_ns() - t0) / 1000;
    t0 = bench_now_ns();
    for (i = 0; i < 1000; i++)
        if (lw_worker_delete(c->ws, sids[i], 34, LW_VERSION_ANY, NULL) !=
            LW_OK)
            bench_die("delete failed");
    *del = (bench_now_ns() - t0) / 1000;
}

/* One round of updates replacing a worker's attributes, alternating two
 * documents; ns per update. */
static double round_update(ctx *c)
{
    static const char *const docs[2] = {
        "{\"skills\":[\"support\"],\"languages\":[\"english\"],\"level\":3}",
        "{\"skills\":[\"sales\"],\"languages\":[\"french\"],\"level\":4}",
    };
    size_t i, ops = 20000;
    double t0 = bench_now_ns();

    for (i = 0; i < ops; i++) {
        lw_worker_changes *ch;
        const char *d = docs[i & 1];

        if (lw_worker_changes_create(c->ws, &ch) != LW_OK ||
            lw_worker_changes_set_attributes(ch, d, strlen(d)) != LW_OK ||
            lw_worker_update(c->ws, c->sids[(i / 2) % c->n], 34, ch, NULL,
                             NULL) != LW_OK)
            bench_die("update failed");
        lw_worker_changes_free(ch);
    }
    return (bench_now_ns() - t0) / (double)ops;
}

static size_t get(ctx *c, const char *path, const char *query, int want)
{
    lw_rest_request req;
    lw_rest_response *resp;
    size_t len;

    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.method_len = 3;
    req.path = path;
    req.path_len = strlen(path);
    req.query = query;
    req.query_len = strlen(query);
    if (lw_rest_handle(c->rest, &req, &resp, NULL) != LW_OK ||
        lw_rest_response_status(resp) != want) {
        fprintf(stderr, "bench: GET %s?%s: %s\n", path, query,
                lw_rest_response_body(resp, NULL));
        exit(1);
    }
    lw_rest_response_body(resp, &len);
    lw_rest_response_free(resp);
    return len;
}

/* One round of the same request; ns per request. */
static double round_request(ctx *c, const char *query)
{
    size_t i, ops = c->n >= 100000 ? 20 : 2000;
    double t0 = bench_now_ns();

    for (i = 0; i < ops; i++)
        get(c, c->path, query, 200);
    return (bench_now_ns() - t0) / (double)ops;
}

/* The token of the last page of PageSize=size in SID order. */
static void last_page_query(ctx *c, size_t size, char *out, size_t cap)
{
    size_t pages = (c->n + size - 1) / size;
    size_t before = (pages - 1) * size;

    snprintf(out, cap, "PageSize=%zu&Page=%zu&PageToken=PA%s", size,
             pages - 1, c->sids[before - 1]);
}

static void setup_rest(ctx *c)
{
    lw_task_queue *q;

    if (lw_rest_create(NULL, &c->rest, NULL) != LW_OK ||
        lw_rest_attach(c->rest, c->ws, NULL) != LW_OK ||
        lw_task_queue_create(c->ws, "E2 queue", 8, E2, strlen(E2), &q,
                             NULL) != LW_OK)
        bench_die("cannot set up the REST adapter");
    snprintf(c->path, sizeof c->path, "/v1/Workspaces/%s/Workers",
             lw_workspace_sid(c->ws));
    snprintf(c->queue_sid, sizeof c->queue_sid, "%s",
             lw_task_queue_sid(q));
    lw_task_queue_release(q);
}

/*
 * The list requests, each round running every one of them once: a slow
 * phase of the machine (they last seconds) then costs each request a
 * round or two rather than every round of one request.
 */
static void bench_lists(ctx *c)
{
    enum { NLISTS = 6 };
    static const char *const ops[NLISTS] = {
        "list_page_50", "list_page_50_available", "list_page_50_expression",
        "list_page_50_queue", "list_first_page_10", "list_last_page_10",
    };
    char queries[NLISTS][256];
    double per[NLISTS][ROUNDS];
    size_t r, k;

    snprintf(queries[0], sizeof queries[0], "PageSize=50");
    snprintf(queries[1], sizeof queries[1], "Available=false&PageSize=50");
    snprintf(queries[2], sizeof queries[2],
             "TargetWorkersExpression=%s&PageSize=50", E2_QUERY);
    snprintf(queries[3], sizeof queries[3], "TaskQueueSid=%s&PageSize=50",
             c->queue_sid);
    snprintf(queries[4], sizeof queries[4], "PageSize=10");
    last_page_query(c, 10, queries[5], sizeof queries[5]);
    for (r = 0; r < ROUNDS; r++)
        for (k = 0; k < NLISTS; k++)
            per[k][r] = round_request(c, queries[k]);
    for (k = 0; k < NLISTS; k++)
        print_figure(ops[k], c->n, summarize(per[k]), "ns/op");
}

/*
 * Fetch and create-then-delete, interleaved the same way; updates after
 * them, in rounds of their own: twenty thousand replaced documents leave
 * the caches to whatever runs next.
 */
static void bench_ops(ctx *c)
{
    double fetch[ROUNDS], create[ROUNDS], del[ROUNDS], update[ROUNDS];
    size_t r;

    for (r = 0; r < ROUNDS; r++) {
        fetch[r] = round_fetch(c);
        round_create_delete(c, &create[r], &del[r]);
    }
    for (r = 0; r < ROUNDS; r++)
        update[r] = round_update(c);
    print_figure("fetch", c->n, summarize(fetch), "ns/op");
    print_figure("create", c->n, summarize(create), "ns/op");
    print_figure("delete", c->n, summarize(del), "ns/op");
    print_figure("update_attributes", c->n, summarize(update), "ns/op");
}

/* Live bytes of the workspace per worker, beyond the attribute text. */
static void memory_figures(const bench_line *lines, size_t n)
{
    size_t text = 0, i, before = bench_counting_live();
    lw_workspace *ws;
    double per;

    ws = bench_load_workspace(lines, n, n, bench_counting_allocator());
    for (i = 0; i < n; i++)
        text += lines[i].len;
    per = (double)(bench_counting_live() - before) / (double)n;
    printf("{\"op\":\"memory_per_worker\",\"workers\":%zu,\"bytes\":%.0f,"
           "\"text_bytes\":%.0f,\"beyond_text\":%.0f,\"unit\":"
           "\"bytes/worker\"}\n", n, per, (double)text / (double)n,
           per - (double)text / (double)n);
    lw_workspace_free(ws);
}

int main(int argc, char **argv)
{
    char *file;
    bench_line *lines;
    ctx c;

    if (argc != 2)
        bench_die("usage: bench_store WORKERS_FILE");
    file = bench_slurp(argv[1], NULL);
    lines = bench_split_workers(file, &c.n);
    memory_figures(lines, c.n);
    c.ws = bench_load_workspace(lines, c.n, c.n + 1000, NULL);
    collect_sids(&c);
    setup_rest(&c);

    /* Lists first: the updates change every worker's attributes. */
    bench_lists(&c);
    bench_ops(&c);

    lw_rest_destroy(c.rest);
    lw_workspace_free(c.ws);
    free(c.sids);
    free(lines);
    free(file);
    return 0;
}
