/*
 * bench_fixed.c - a fixed, deterministic workload for the instruction
 * count guard ("make bench-check"): the shared 1,000 workers generated in
 * C, every workload expression compiled and scanned, fetches, updates,
 * list pages through the REST adapter, and an export/import round trip.
 * Run under callgrind, its instruction count depends only on the code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

static const struct {
    const char *id;
    const char *text;
} workload[] = {
    {"E0", "1 == 1"},
    {"E1", "skills HAS 'support'"},
    {"E2", "skills HAS 'support' AND languages HAS 'english'"},
    {"E3", "name IN ['W17','W999']"},
    {"E4", "level >= 5 AND (languages HAS 'spanish' OR "
           "languages HAS 'french')"},
    {"E5", "name NOT IN ['W1','W2']"},
    {"E6", "contact.email CONTAINS '@example.com' AND rating > 3.5"},
    {"E7", "region == 'emea' OR (skills HAS 'vip' AND level > 8)"},
    {"E8", "contact.uri CONTAINS 'W1'"},
    {"E9", "team HAS 'escalations' OR level == 10"},
};
#define NEXPR (sizeof workload / sizeof workload[0])

typedef struct tally {
    uint64_t matches;
    uint64_t index_sum;
} tally;

static bool add_match(void *user, const lw_worker *w)
{
    tally *t = user;

    t->matches++;
    t->index_sum += strtoull(lw_worker_friendly_name(w) + 1, NULL, 10);
    return true;
}

static void expressions(lw_workspace *ws, size_t n)
{
    lw_symtab *syms = lw_workspace_symtab(ws);
    size_t i, k;

    for (i = 0; i < NEXPR; i++) {
        const char *src = workload[i].text;
        tally t = {0, 0};
        uint32_t count;
        lw_expr *e;

        for (k = 0; k < 100; k++) {
            if (lw_expr_compile(syms, src, strlen(src), &e, NULL) != LW_OK)
                bench_die("compile failed");
            if (k < 99)
                lw_expr_free(e);
        }
        if (lw_worker_select(ws, e, add_match, &t, NULL) != LW_OK ||
            bench_check_reference(workload[i].id, n, t.matches,
                                  t.index_sum) != 0)
            bench_die("wrong matches");
        for (k = 0; k < 50; k++)
            if (lw_worker_count_matching(ws, e, &count, NULL) != LW_OK ||
                count != t.matches)
                bench_die("wrong count");
        lw_expr_free(e);
    }
}

static bool collect_sid(void *user, const lw_worker *w)
{
    char (**next)[40] = user;

    memcpy(**next, lw_worker_sid(w), 35);
    (*next)++;
    return true;
}

static void fetch_update(lw_workspace *ws, char (*sids)[40], size_t n)
{
    static const char doc[] = "{\"skills\":[\"support\"],\"level\":3}";
    size_t i, r;

    for (r = 0; r < 5; r++) {
        for (i = 0; i < n; i++) {
            lw_worker *w;

            if (lw_worker_fetch(ws, sids[i], 34, &w, NULL) != LW_OK)
                bench_die("fetch failed");
            lw_worker_release(w);
        }
    }
    for (i = 0; i < n; i += 2) {
        lw_worker_changes *ch;

        if (lw_worker_changes_create(ws, &ch) != LW_OK ||
            lw_worker_changes_set_attributes(ch, doc, sizeof doc - 1)
                != LW_OK ||
            lw_worker_update(ws, sids[i], 34, ch, NULL, NULL) != LW_OK)
            bench_die("update failed");
        lw_worker_changes_free(ch);
    }
}

static void rest_pages(lw_workspace *ws)
{
    static const char *const queries[] = {
        "PageSize=50",
        "Available=false&PageSize=50",
        "TargetWorkersExpression=skills%20HAS%20%27support%27&PageSize=50",
        "FriendlyName=W17",
        "Ordering=DateStatusChanged:desc&PageSize=100",
    };
    char path[128];
    lw_rest *rest;
    size_t i, r;

    if (lw_rest_create(NULL, &rest, NULL) != LW_OK ||
        lw_rest_attach(rest, ws, NULL) != LW_OK)
        bench_die("no adapter");
    snprintf(path, sizeof path, "/v1/Workspaces/%s/Workers",
             lw_workspace_sid(ws));
    for (r = 0; r < 20; r++) {
        for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
            lw_rest_request req;
            lw_rest_response *resp;

            memset(&req, 0, sizeof req);
            req.method = "GET";
            req.method_len = 3;
            req.path = path;
            req.path_len = strlen(path);
            req.query = queries[i];
            req.query_len = strlen(queries[i]);
            if (lw_rest_handle(rest, &req, &resp, NULL) != LW_OK ||
                lw_rest_response_status(resp) != 200)
                bench_die("list request failed");
            lw_rest_response_free(resp);
        }
    }
    lw_rest_destroy(rest);
}

static void export_import(lw_workspace *ws)
{
    lw_workspace_options *o;
    lw_workspace *copy;
    char *text;
    size_t len;

    if (lw_workspace_export(ws, &text, &len, NULL) != LW_OK ||
        lw_workspace_options_create(NULL, &o) != LW_OK ||
        lw_workspace_options_set_worker_cap(o, 1000) != LW_OK ||
        lw_workspace_import(o, text, len, &copy, NULL) != LW_OK)
        bench_die("export/import failed");
    lw_workspace_options_free(o);
    lw_workspace_free(copy);
    lw_free(NULL, text);
}

static void fixed_random(void *user, uint8_t *buf, size_t len)
{
    uint32_t *x = user;
    size_t i;

    for (i = 0; i < len; i++) {
        *x ^= *x << 13;
        *x ^= *x >> 17;
        *x ^= *x << 5;
        buf[i] = (uint8_t)*x;
    }
}

int main(void)
{
    size_t len, n;
    char *file = bench_generate_workers(1000, &len);
    bench_line *lines = bench_split_workers(file, &n);
    char (*sids)[40] = malloc(n * sizeof *sids), (*next)[40] = sids;
    uint32_t seed = 12345;
    lw_workspace *ws;
    lw_expr *all;

    ws = bench_load_workspace_random(lines, n, n, fixed_random, &seed);
    expressions(ws, n);
    if (lw_expr_compile(lw_workspace_symtab(ws), "1==1", 4, &all, NULL)
            != LW_OK ||
        lw_worker_select(ws, all, collect_sid, &next, NULL) != LW_OK)
        bench_die("cannot collect SIDs");
    lw_expr_free(all);
    fetch_update(ws, sids, n);
    rest_pages(ws);
    export_import(ws);
    lw_workspace_free(ws);
    printf("bench_fixed: ok\n");
    free(sids);
    free(lines);
    free(file);
    return 0;
}
