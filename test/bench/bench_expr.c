/*
 * bench_expr.c - expression scan benchmark following the child contract
 * of the shared peer harness (bench/README.md): compiles one workload
 * expression, scans every worker, prints one JSON line.
 *
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Ilib \
 *       test/bench/bench_expr.c build/libworkers.a -lcjson -lpthread -lm
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "expr_int.h"
#include "libworkers.h"

#ifndef BENCH_COMMIT
#define BENCH_COMMIT "unknown"
#endif

typedef struct options {
    const char *workers;
    const char *expressions;
    const char *id;
    long reps, rep_ms, warmup_scans, warmup_ms;
} options;

/* Reference matches / index sums of bench/README.md. */
static const struct {
    const char *id;
    size_t workers;
    size_t matches;
    long long sum;
} reference[] = {
    {"E0", 1000, 1000, 499500},       {"E1", 1000, 324, 161921},
    {"E2", 1000, 149, 73817},         {"E3", 1000, 2, 1016},
    {"E4", 1000, 407, 202245},        {"E5", 1000, 998, 499497},
    {"E6", 1000, 341, 170562},        {"E7", 1000, 272, 134121},
    {"E8", 1000, 111, 15096},         {"E9", 1000, 103, 54690},
    {"E0", 10000, 10000, 49995000},   {"E1", 10000, 3094, 15376466},
    {"E2", 10000, 1273, 6222949},     {"E3", 10000, 2, 1016},
    {"E4", 10000, 3996, 19786081},    {"E5", 10000, 9998, 49994997},
    {"E6", 10000, 3588, 18198254},    {"E7", 10000, 3000, 15194127},
    {"E8", 10000, 1111, 1514596},     {"E9", 10000, 1086, 5405732},
    {"E0", 100000, 100000, 4999950000LL},
    {"E1", 100000, 31236, 1571084152LL},
    {"E2", 100000, 12420, 620671597LL},
    {"E3", 100000, 2, 1016},
    {"E4", 100000, 40239, 2006202726LL},
    {"E5", 100000, 99998, 4999949997LL},
    {"E6", 100000, 36552, 1828420796LL},
    {"E7", 100000, 29518, 1464277919LL},
    {"E8", 100000, 11111, 151509596LL},
    {"E9", 100000, 10143, 499510746LL},
};

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_expr: %s\n", what);
    exit(1);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0)
        die("cannot read an input file");
    rewind(f);
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
        die("cannot read an input file");
    buf[n] = '\0';
    fclose(f);
    return buf;
}

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
            die("unknown option");
    }
    if (o->workers == NULL || o->expressions == NULL || o->id == NULL ||
        o->reps < 1)
        die("usage: --workers F --expressions F --id E2 [--reps N ...]");
}

/* Length of the JSON value starting at p (an object or array). */
static size_t value_length(const char *p)
{
    const char *q = p;
    int depth = 0;

    do {
        if (*q == '"') {
            for (q++; *q != '"'; q++)
                if (*q == '\\')
                    q++;
        } else if (*q == '{' || *q == '[') {
            depth++;
        } else if (*q == '}' || *q == ']') {
            depth--;
        } else if (*q == '\0') {
            die("workers file is not well formed");
        }
        q++;
    } while (depth > 0);
    return (size_t)(q - p);
}

/*
 * Parse every worker of the JSON array into a document, straight from
 * the file's text, one after the other (as a store loading its workers
 * would), so no parse tree of the whole file scatters the heap first.
 */
static lw_attrs **load_workers(lw_symtab *t, const char *path, size_t *n)
{
    char *text = slurp(path);
    const char *p = text + strspn(text, " \t\r\n");
    lw_attrs **docs = NULL;
    size_t count = 0, cap = 0;

    if (*p++ != '[')
        die("workers file is not a JSON array");
    for (;;) {
        size_t len;
        lw_error err;

        p += strspn(p, " \t\r\n,");
        if (*p == ']')
            break;
        if (count == cap) {
            cap = cap ? cap * 2 : 1024;
            docs = realloc(docs, cap * sizeof *docs);
            if (docs == NULL)
                die("out of memory");
        }
        len = value_length(p);
        if (lw_attrs_parse(t, p, len, 0, &docs[count], &err) != LW_OK)
            die("a worker does not parse");
        count++;
        p += len;
    }
    free(text);
    *n = count;
    return docs;
}

static char *load_expression(const char *path, const char *id)
{
    char *text = slurp(path);
    cJSON *arr = cJSON_Parse(text);
    char *found = NULL;
    cJSON *x;

    cJSON_ArrayForEach(x, arr) {
        cJSON *xid = cJSON_GetObjectItemCaseSensitive(x, "id");
        cJSON *tr = cJSON_GetObjectItemCaseSensitive(x, "taskrouter");

        if (cJSON_IsString(xid) && strcmp(xid->valuestring, id) == 0 &&
            cJSON_IsString(tr))
            found = strdup(tr->valuestring);
    }
    cJSON_Delete(arr);
    free(text);
    if (found == NULL)
        die("no such expression id");
    return found;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : (x > y);
}

/* Median time of repeated compiles (>= 30 and >= 10 ms), in us. */
static double compile_median(lw_symtab *t, const char *src)
{
    double times[100000];
    size_t n = 0;
    double start = now_ns();

    while (n < sizeof times / sizeof times[0] &&
           (n < 30 || now_ns() - start < 10e6)) {
        double t0 = now_ns();
        lw_expr *e;

        if (lw_expr_compile(t, src, strlen(src), &e, NULL) != LW_OK)
            die("compile failed");
        times[n++] = (now_ns() - t0) / 1e3;
        lw_expr_free(e);
    }
    qsort(times, n, sizeof times[0], cmp_double);
    return times[n / 2];
}

static void check_reference(const char *id, size_t workers, size_t matches,
                            long long sum)
{
    size_t i;

    for (i = 0; i < sizeof reference / sizeof reference[0]; i++) {
        if (strcmp(reference[i].id, id) != 0 ||
            reference[i].workers != workers)
            continue;
        if (reference[i].matches != matches || reference[i].sum != sum) {
            fprintf(stderr, "bench_expr: %s: %zu / %lld, expected "
                    "%zu / %lld\n", id, matches, sum, reference[i].matches,
                    reference[i].sum);
            exit(1);
        }
        return;
    }
    fprintf(stderr, "bench_expr: no reference for %s at %zu workers\n", id,
            workers);
}

int main(int argc, char **argv)
{
    options o;
    lw_symtab *t;
    lw_attrs **docs;
    lw__subject *subj;
    uint32_t *idx;
    size_t n, i, matches, scans = 0;
    long long sum = 0;
    size_t total = 0;
    double t0, first_us, compile_us, elapsed, per_scan;
    long k, r;
    char *src;
    lw_expr *e;

    parse_args(argc, argv, &o);
    if (lw_symtab_create(NULL, &t) != LW_OK)
        die("no symbol table");
    docs = load_workers(t, o.workers, &n);
    src = load_expression(o.expressions, o.id);

    /* Compile: the first one cold, then the median of warm ones. */
    t0 = now_ns();
    if (lw_expr_compile(t, src, strlen(src), &e, NULL) != LW_OK)
        die("compile failed");
    first_us = (now_ns() - t0) / 1e3;
    compile_us = compile_median(t, src);

    /* The store's scan: one subject per worker, no built-ins. */
    subj = calloc(n, sizeof *subj);
    idx = calloc(n, sizeof *idx);
    for (i = 0; i < n; i++)
        lw__subject_set(&subj[i], docs[i], NULL);
    matches = lw__expr_filter(e, subj, n, idx);
    for (i = 0; i < matches; i++)
        sum += idx[i];
    check_reference(o.id, n, matches, sum);

    /* Warm up, then K scans per repetition lasting >= rep_ms. */
    t0 = now_ns();
    while (scans < (size_t)o.warmup_scans ||
           now_ns() - t0 < (double)o.warmup_ms * 1e6) {
        total += lw__expr_filter(e, subj, n, idx);
        scans++;
    }
    per_scan = (now_ns() - t0) / (double)scans;
    k = (long)((double)o.rep_ms * 1e6 * 1.1 / per_scan) + 1;
    if (total != scans * matches)
        die("warm-up match count changed");

    printf("{\"engine\":\"libworkers\",\"engine_version\":\"%s+%s\","
           "\"id\":\"%s\",\"matches\":%zu,\"match_index_sum\":%lld,"
           "\"ns_per_worker\":[", lw_version(), BENCH_COMMIT, o.id,
           matches, sum);
    for (r = 0; r < o.reps; r++) {
        total = 0;
        t0 = now_ns();
        for (i = 0; i < (size_t)k; i++)
            total += lw__expr_filter(e, subj, n, idx);
        elapsed = now_ns() - t0;
        if (total != (size_t)k * matches)
            die("match count changed while timing");
        printf("%s%.4f", r > 0 ? "," : "", elapsed / ((double)k * n));
    }
    printf("],\"compile_us\":%.4f,\"compile_first_us\":%.4f,"
           "\"scans_per_rep\":%ld,\"warmup_scans\":%zu,"
           "\"compiler\":\"gcc %d.%d\",\"cflags\":\"-O2\","
           "\"note\":\"lw__expr_filter over lw__subject entries (the "
           "store's scan), writing matching positions to an index "
           "array\"}\n", compile_us, first_us, k, scans, __GNUC__,
           __GNUC_MINOR__);

    lw_expr_free(e);
    for (i = 0; i < n; i++)
        lw_attrs_release(docs[i]);
    lw_symtab_release(t);
    free(docs);
    free(subj);
    free(idx);
    free(src);
    return 0;
}
