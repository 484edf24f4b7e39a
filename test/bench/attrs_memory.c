/*
 * attrs_memory.c - bytes per worker of parsed attributes: the compact
 * form against a cJSON tree of the same text.  Not part of "make check";
 * build it by hand from the repository root:
 *
 *   make
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude -Ilib \
 *       -o build/attrs_memory test/bench/attrs_memory.c \
 *       build/libworkers.a -lcjson -lpthread -lm
 *   build/attrs_memory [../shared/bench/workers-1000.json]
 *
 * The workers file is a JSON array with one worker object per line; each
 * line is parsed on its own.  Both forms are measured through counting
 * allocators: bytes requested, blocks, and the bytes glibc's malloc would
 * really use for those blocks (8 bytes of header, 16-byte granules, 32
 * bytes at least).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "attrs_int.h"

#define DEFAULT_FILE "../shared/bench/workers-1000.json"

/* Live blocks and bytes of one allocator. */
typedef struct counter {
    lw_allocator alloc;
    size_t blocks;
    size_t bytes;
    size_t chunks;         /* bytes as glibc malloc chunks */
} counter;

typedef union header {
    size_t size;
    max_align_t align;
} header;

typedef struct totals {
    size_t workers;
    size_t text_bytes;
    size_t ours_docs;      /* lw_attrs_memory() summed */
    counter cjson;         /* the live trees, summed */
} totals;

static size_t chunk_of(size_t n)
{
    size_t c = (n + 8 + 15) & ~(size_t)15;

    return c < 32 ? 32 : c;
}

static void *count_realloc(void *user, void *ptr, size_t size)
{
    counter *c = user;
    header *h = ptr ? (header *)ptr - 1 : NULL;
    header *n;

    if (h != NULL) {
        c->blocks--;
        c->bytes -= h->size;
        c->chunks -= chunk_of(h->size);
    }
    if (size == 0) {
        free(h);
        return NULL;
    }
    n = realloc(h, sizeof *n + size);
    if (n == NULL)
        return NULL;
    n->size = size;
    c->blocks++;
    c->bytes += size;
    c->chunks += chunk_of(size);
    return n + 1;
}

static void counter_init(counter *c)
{
    memset(c, 0, sizeof *c);
    c->alloc.realloc = count_realloc;
    c->alloc.user = c;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

/* One worker line: from its '{' to its last '}' (the ',' dropped). */
static bool worker_text(const char *line, size_t n, size_t *len)
{
    while (n > 0 && line[n - 1] != '}')
        n--;
    if (n == 0 || line[0] != '{')
        return false;
    *len = n;
    return true;
}

/* Parse a worker's text with cJSON through a counting allocator. */
static int measure_cjson(const char *text, size_t len, totals *tot)
{
    counter c;
    const lw_allocator *prev;
    char *copy = malloc(len + 1);
    cJSON *tree;

    if (copy == NULL)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    counter_init(&c);
    prev = lw__json_begin(&c.alloc);
    tree = cJSON_ParseWithLengthOpts(copy, len, NULL, 0);
    if (tree != NULL) {
        tot->cjson.bytes += c.bytes;
        tot->cjson.blocks += c.blocks;
        tot->cjson.chunks += c.chunks;
    }
    cJSON_Delete(tree);
    lw__json_end(prev);
    free(copy);
    return tree != NULL && c.blocks == 0 ? 0 : -1;
}

static int grow(lw_attrs ***docs, size_t *cap)
{
    lw_attrs **p = realloc(*docs, *cap * 2 * sizeof *p);

    if (p == NULL)
        return -1;
    *docs = p;
    *cap *= 2;
    return 0;
}

static int load(lw_symtab *t, char *data, size_t size, lw_attrs ***docs,
                totals *tot)
{
    size_t cap = 1024, pos = 0;

    *docs = malloc(cap * sizeof **docs);
    while (*docs != NULL && pos < size) {
        char *nl = memchr(data + pos, '\n', size - pos);
        size_t n = (nl ? (size_t)(nl - data) : size) - pos, len;
        lw_error err;

        if (worker_text(data + pos, n, &len)) {
            if (tot->workers == cap && grow(docs, &cap) != 0)
                return -1;
            if (lw_attrs_parse(t, data + pos, len, 0,
                               &(*docs)[tot->workers], &err) != LW_OK ||
                measure_cjson(data + pos, len, tot) != 0) {
                fprintf(stderr, "worker %zu: failed\n", tot->workers);
                return -1;
            }
            tot->ours_docs += lw_attrs_memory((*docs)[tot->workers]);
            tot->text_bytes += len;
            tot->workers++;
        }
        pos += n + 1;
    }
    return *docs != NULL && tot->workers > 0 ? 0 : -1;
}

static void report(const totals *tot, const counter *ours_c, size_t table)
{
    double w = (double)tot->workers;
    size_t ours = ours_c->bytes;

    printf("workers                      %zu\n", tot->workers);
    printf("attribute text               %.1f bytes/worker\n",
           (double)tot->text_bytes / w);
    printf("ours: documents              %.1f bytes/worker "
           "(text copy included)\n", (double)tot->ours_docs / w);
    printf("ours: symbol table share     %.1f bytes/worker "
           "(table %zu bytes)\n", (double)table / w, table);
    printf("ours: total                  %.1f bytes/worker, "
           "%.2f blocks/worker, %.1f bytes/worker as malloc chunks\n",
           (double)ours / w, (double)ours_c->blocks / w,
           (double)ours_c->chunks / w);
    printf("ours: total without the text %.1f bytes/worker\n",
           (double)(ours - tot->text_bytes - tot->workers) / w);
    printf("cJSON tree                   %.1f bytes/worker, "
           "%.2f blocks/worker, %.1f bytes/worker as malloc chunks\n",
           (double)tot->cjson.bytes / w, (double)tot->cjson.blocks / w,
           (double)tot->cjson.chunks / w);
    printf("ratio ours / cJSON           %.2f requested, %.2f as chunks\n",
           (double)ours / (double)tot->cjson.bytes,
           (double)ours_c->chunks / (double)tot->cjson.chunks);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DEFAULT_FILE;
    totals tot;
    counter ours;
    lw_symtab *t = NULL;
    lw_attrs **docs = NULL;
    size_t size = 0, i;
    char *data = read_file(path, &size);
    int rc = 1;

    memset(&tot, 0, sizeof tot);
    counter_init(&ours);
    if (data == NULL || lw_symtab_create(&ours.alloc, &t) != LW_OK) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    if (load(t, data, size, &docs, &tot) == 0) {
        report(&tot, &ours, lw__symtab_memory(t));
        printf("distinct strings             %zu\n", lw_symtab_count(t));
        rc = 0;
    }
    for (i = 0; docs != NULL && i < tot.workers; i++)
        lw_attrs_release(docs[i]);
    lw_symtab_release(t);
    free(docs);
    free(data);
    return rc;
}
