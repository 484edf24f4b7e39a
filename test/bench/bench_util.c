/*
 * bench_util.c - shared helpers of the benchmark programs.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "bench_util.h"

static const struct {
    const char *id;
    size_t workers;
    uint64_t matches;
    uint64_t sum;
} reference[] = {
    {"E0", 1000, 1000, 499500},        {"E1", 1000, 324, 161921},
    {"E2", 1000, 149, 73817},          {"E3", 1000, 2, 1016},
    {"E4", 1000, 407, 202245},         {"E5", 1000, 998, 499497},
    {"E6", 1000, 341, 170562},         {"E7", 1000, 272, 134121},
    {"E8", 1000, 111, 15096},          {"E9", 1000, 103, 54690},
    {"E0", 10000, 10000, 49995000},    {"E1", 10000, 3094, 15376466},
    {"E2", 10000, 1273, 6222949},      {"E3", 10000, 2, 1016},
    {"E4", 10000, 3996, 19786081},     {"E5", 10000, 9998, 49994997},
    {"E6", 10000, 3588, 18198254},     {"E7", 10000, 3000, 15194127},
    {"E8", 10000, 1111, 1514596},      {"E9", 10000, 1086, 5405732},
    {"E0", 100000, 100000, 4999950000u},
    {"E1", 100000, 31236, 1571084152u},
    {"E2", 100000, 12420, 620671597u},
    {"E3", 100000, 2, 1016},
    {"E4", 100000, 40239, 2006202726u},
    {"E5", 100000, 99998, 4999949997u},
    {"E6", 100000, 36552, 1828420796u},
    {"E7", 100000, 29518, 1464277919u},
    {"E8", 100000, 11111, 151509596u},
    {"E9", 100000, 10143, 499510746u},
};

double bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void bench_die(const char *what)
{
    fprintf(stderr, "bench: %s\n", what);
    exit(1);
}

char *bench_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0)
        bench_die("cannot read an input file");
    rewind(f);
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
        bench_die("cannot read an input file");
    buf[n] = '\0';
    fclose(f);
    if (len != NULL)
        *len = (size_t)n;
    return buf;
}

bench_line *bench_split_workers(char *file, size_t *count)
{
    size_t cap = 1024, n = 0;
    bench_line *v = malloc(cap * sizeof *v);
    char *p = file;

    while (v != NULL && (p = strchr(p, '{')) != NULL) {
        char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        while (len > 0 && (p[len - 1] == ',' || p[len - 1] == '\r'))
            len--;
        if (n == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        if (v == NULL)
            break;
        v[n].text = p;
        v[n++].len = len;
        p += len;
    }
    if (v == NULL)
        bench_die("out of memory");
    *count = n;
    return v;
}

static int64_t fixed_clock(void *user)
{
    (void)user;
    return 1764720000000;
}

static lw_workspace *load(const bench_line *lines, size_t count,
                          size_t cap, const lw_allocator *alloc,
                          lw_random_fn fn, void *user)
{
    lw_workspace_options *o;
    lw_workspace *ws;
    lw_error err;
    size_t i;

    if (lw_workspace_options_create(alloc, &o) != LW_OK ||
        lw_workspace_options_set_worker_cap(o, (uint32_t)cap) != LW_OK ||
        lw_workspace_options_set_clock(o, fixed_clock, NULL) != LW_OK ||
        (fn != NULL &&
         lw_workspace_options_set_random(o, fn, user) != LW_OK) ||
        lw_workspace_create(o, &ws, &err) != LW_OK)
        bench_die("cannot create the workspace");
    lw_workspace_options_free(o);
    for (i = 0; i < count; i++) {
        char name[32];

        snprintf(name, sizeof name, "W%zu", i);
        if (lw_worker_create(ws, name, strlen(name), lines[i].text,
                             lines[i].len, NULL, 0, NULL, &err) != LW_OK) {
            fprintf(stderr, "bench: worker %zu: %s\n", i, err.message);
            exit(1);
        }
    }
    return ws;
}

lw_workspace *bench_load_workspace(const bench_line *lines, size_t count,
                                   size_t cap, const lw_allocator *alloc)
{
    return load(lines, count, cap, alloc, NULL, NULL);
}

lw_workspace *bench_load_workspace_random(const bench_line *lines,
                                          size_t count, size_t cap,
                                          lw_random_fn fn, void *user)
{
    return load(lines, count, cap, NULL, fn, user);
}

char *bench_expression(const char *path, const char *id)
{
    char *text = bench_slurp(path, NULL);
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
        bench_die("no such expression id");
    return found;
}

int bench_check_reference(const char *id, size_t workers, uint64_t matches,
                          uint64_t index_sum)
{
    size_t i;

    for (i = 0; i < sizeof reference / sizeof reference[0]; i++) {
        if (strcmp(reference[i].id, id) != 0 ||
            reference[i].workers != workers)
            continue;
        if (reference[i].matches == matches && reference[i].sum == index_sum)
            return 0;
        fprintf(stderr, "bench: %s at %zu workers: %llu / %llu, expected "
                "%llu / %llu\n", id, workers, (unsigned long long)matches,
                (unsigned long long)index_sum,
                (unsigned long long)reference[i].matches,
                (unsigned long long)reference[i].sum);
        return -1;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : (x > y);
}

double bench_median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* Each block carries its size in front so frees can be counted. */
typedef union block_header {
    size_t size;
    max_align_t align;
} block_header;

static size_t counted_live;

static void *counting_realloc(void *user, void *ptr, size_t size)
{
    block_header *h = ptr ? (block_header *)ptr - 1 : NULL;
    block_header *n;

    (void)user;
    if (size == 0) {
        if (h != NULL) {
            counted_live -= h->size;
            free(h);
        }
        return NULL;
    }
    n = realloc(h, sizeof *n + size);
    if (n == NULL)
        return NULL;
    counted_live -= h != NULL ? n->size : 0;
    n->size = size;
    counted_live += size;
    return n + 1;
}

static const lw_allocator counting = {counting_realloc, NULL};

const lw_allocator *bench_counting_allocator(void)
{
    return &counting;
}

size_t bench_counting_live(void)
{
    return counted_live;
}

/* ---- the shared generator, in C ---------------------------------------- */

static const char *const gen_skills[8] = {
    "support", "sales", "billing", "chat", "vip", "voice", "email",
    "technical",
};
static const char *const gen_languages[5] = {
    "english", "spanish", "french", "german", "portuguese",
};
static const char *const gen_regions[4] = {"amer", "emea", "apac", "latam"};

static uint32_t gen_next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Draw k distinct entries of pool (n of them) into out, in draw order. */
static void gen_pick(uint32_t *x, const char *const *pool, size_t n,
                     size_t k, const char **out)
{
    const char *a[8];
    size_t i;

    memcpy(a, pool, n * sizeof *a);
    for (i = 0; i < k; i++) {
        size_t j = i + gen_next(x) % (uint32_t)(n - i);
        const char *t = a[i];

        a[i] = a[j];
        a[j] = t;
    }
    memcpy(out, a, k * sizeof *a);
}

static size_t gen_list(char *p, const char **v, size_t k)
{
    size_t i, n = 0;

    p[n++] = '[';
    for (i = 0; i < k; i++)
        n += (size_t)sprintf(p + n, "%s\"%s\"", i ? "," : "", v[i]);
    p[n++] = ']';
    return n;
}

char *bench_generate_workers(size_t count, size_t *len)
{
    char *out = malloc(count * 256 + 16), *p = out;
    uint32_t x = 20240601;
    size_t i;

    if (out == NULL)
        bench_die("out of memory");
    p += sprintf(p, "[\n");
    for (i = 0; i < count; i++) {
        const char *skills[4], *langs[3];
        uint32_t level = 1 + gen_next(&x) % 10;
        size_t ns = 1 + gen_next(&x) % 4, nl;
        const char *region;
        uint32_t tenths;

        gen_pick(&x, gen_skills, 8, ns, skills);
        nl = 1 + gen_next(&x) % 3;
        gen_pick(&x, gen_languages, 5, nl, langs);
        region = gen_regions[gen_next(&x) % 4];
        tenths = 10 + gen_next(&x) % 41;
        p += sprintf(p, "%s{\"name\":\"W%zu\",\"level\":%u,\"skills\":",
                     i ? ",\n" : "", i, level);
        p += gen_list(p, skills, ns);
        p += sprintf(p, ",\"languages\":");
        p += gen_list(p, langs, nl);
        p += sprintf(p, ",\"region\":\"%s\",\"rating\":%u.%u,"
                     "\"contact\":{\"uri\":\"client:W%zu\","
                     "\"email\":\"w%zu@example.com\"}}",
                     region, tenths / 10, tenths % 10, i, i);
    }
    p += sprintf(p, "\n]\n");
    *len = (size_t)(p - out);
    return out;
}
