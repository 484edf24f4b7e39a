/*
 * store_cols.c - value columns and the scans that read them.  For each
 * key that expression scans have read, a column holds a copy of every
 * worker's value of it, indexed like the subjects by worker slot, so a
 * scan walks consecutive memory instead of one document per worker.
 * Made on the first scan that needs them and kept current by every
 * write; creating or deleting a worker moves nothing.  Counting scans
 * the slots in order; scans in SID order gather 64 workers at a time.
 */
#include <string.h>

#include "store_int.h"

uint32_t lw__cols_count(lw_workspace *ws)
{
    return atomic_load_explicit(&ws->ncols, memory_order_acquire);
}

/* The value of the worker in slot for column c, counted by tag. */
static void col_fill(const lw_workspace *ws, lw__column *c, uint32_t slot)
{
    uint32_t hint = 0;
    lw__val root = lw__subject_root(&ws->subjects[slot]), v;
    const lw__cell *cell = lw__obj_find(&root, c->key, &hint);

    if (cell != NULL && c->key2 != NULL) {
        v = lw__val_of(cell);
        cell = v.tag == LW__OBJ ? lw__obj_find(&v, c->key2, &hint) : NULL;
    }
    if (cell != NULL)
        v = lw__val_of(cell);
    lw__col_value(cell != NULL ? &v : NULL, &c->vals[slot]);
    c->ntag[lw__col_tag(&c->vals[slot])]++;
}

static bool has_column(lw_workspace *ws, uint32_t n, const lw__col_key *key)
{
    uint32_t k;

    for (k = 0; k < n; k++)
        if (ws->cols[k].key == key->key && ws->cols[k].key2 == key->key2)
            return true;
    return false;
}

/* Make and publish a column for key; the caller holds cols_busy. */
static void col_add(lw_workspace *ws, uint32_t n, const lw__col_key *key)
{
    lw__column *c = &ws->cols[n];
    size_t i;

    memset(c, 0, sizeof *c);
    c->vals = lw__malloc(&ws->alloc, (size_t)ws->slot_words * 64 *
                                         sizeof *c->vals);
    if (c->vals == NULL)
        return;
    c->key = key->key;
    c->key2 = key->key2;
    for (i = 0; i < ws->nworkers; i++)
        col_fill(ws, c, ws->workers[i]->slot);
    lw__sym_retain(ws->syms, c->key);
    if (c->key2 != NULL)
        lw__sym_retain(ws->syms, c->key2);
    atomic_store_explicit(&ws->ncols, n + 1, memory_order_release);
}

void lw__cols_prepare(lw_workspace *ws, const lw_expr *e)
{
    lw__col_key keys[LW__COLS_MAX];
    uint32_t nkeys = lw__expr_column_keys(e, keys, LW__COLS_MAX);
    uint32_t k, n = lw__cols_count(ws);

    for (k = 0; k < nkeys && has_column(ws, n, &keys[k]); k++)
        continue;
    if (k == nkeys || n == LW__COLS_MAX || ws->slot_words == 0)
        return;
    /* One reader builds at a time; the others scan without. */
    if (atomic_exchange(&ws->cols_busy, true))
        return;
    for (; k < nkeys; k++) {
        n = lw__cols_count(ws);
        if (n < LW__COLS_MAX && !has_column(ws, n, &keys[k]))
            col_add(ws, n, &keys[k]);
    }
    atomic_store(&ws->cols_busy, false);
}

/* Free column k and move the last one into its place. */
static void col_drop(lw_workspace *ws, uint32_t k)
{
    uint32_t n = lw__cols_count(ws) - 1;

    lw__free(&ws->alloc, ws->cols[k].vals);
    lw__sym_release(ws->syms, ws->cols[k].key);
    lw__sym_release(ws->syms, ws->cols[k].key2);
    ws->cols[k] = ws->cols[n];
    memset(&ws->cols[n], 0, sizeof ws->cols[n]);
    atomic_store_explicit(&ws->ncols, n, memory_order_release);
}

void lw__cols_grow(lw_workspace *ws, uint32_t cap)
{
    uint32_t k = 0;

    while (k < lw__cols_count(ws)) {
        lw__val *p = lw__realloc(&ws->alloc, ws->cols[k].vals,
                                 cap * sizeof *p);

        if (p == NULL) {
            col_drop(ws, k);
            continue;
        }
        ws->cols[k++].vals = p;
    }
}

void lw__cols_insert(lw_workspace *ws, uint32_t slot)
{
    uint32_t k, n = lw__cols_count(ws);

    for (k = 0; k < n; k++)
        col_fill(ws, &ws->cols[k], slot);
}

void lw__cols_remove(lw_workspace *ws, uint32_t slot)
{
    uint32_t k, n = lw__cols_count(ws);

    for (k = 0; k < n; k++)
        ws->cols[k].ntag[lw__col_tag(&ws->cols[k].vals[slot])]--;
}

void lw__cols_set(lw_workspace *ws, uint32_t slot)
{
    uint32_t k, n = lw__cols_count(ws);

    for (k = 0; k < n; k++) {
        ws->cols[k].ntag[lw__col_tag(&ws->cols[k].vals[slot])]--;
        col_fill(ws, &ws->cols[k], slot);
    }
}

void lw__cols_free(lw_workspace *ws)
{
    while (lw__cols_count(ws) > 0)
        col_drop(ws, 0);
}

size_t lw__cols_memory(lw_workspace *ws)
{
    return (size_t)lw__cols_count(ws) * ws->slot_words * 64 *
           sizeof(lw__val);
}

size_t lw__ws_count(lw_workspace *ws, const lw_expr *e)
{
    return lw__expr_count_masked(e, ws->subjects, ws->cols,
                                 lw__cols_count(ws), ws->slots_used,
                                 ws->slot_words);
}

/* Up to this many of a program's columns are gathered for a SID-order
 * scan; its other keys are read from the documents. */
#define GATHER_COLS 8

/* The subjects and columns of workers [first, first + m) (m <= 64), in
 * SID order, copied into g. */
typedef struct gathered {
    lw__subject subj[64];
    lw__column cols[GATHER_COLS];
    lw__val vals[GATHER_COLS][64];
    uint32_t ncols;
    bool subjects;  /* the scan reads subjects, not only columns */
} gathered;

/* The column of key among ws's, or NULL. */
static const lw__column *column_for(lw_workspace *ws, const lw__col_key *key)
{
    uint32_t j, n = lw__cols_count(ws);

    for (j = 0; j < n; j++)
        if (ws->cols[j].key == key->key && ws->cols[j].key2 == key->key2)
            return &ws->cols[j];
    return NULL;
}

/*
 * The columns e reads, pointed at g's copies (filled by gather()), and
 * whether the scan also needs the subjects: when a test reads something
 * other than a member, or a key has no column here (a program with more
 * keys than listed included).
 */
static void gather_columns(lw_workspace *ws, const lw_expr *e, gathered *g,
                           const lw__column **src)
{
    lw__col_key keys[LW__COLS_MAX];
    uint32_t nkeys = lw__expr_column_keys(e, keys, LW__COLS_MAX);
    uint32_t k;

    g->ncols = 0;
    g->subjects = nkeys == LW__COLS_MAX || !lw__expr_reads_only_columns(e);
    for (k = 0; k < nkeys; k++) {
        const lw__column *c = column_for(ws, &keys[k]);

        if (c == NULL || g->ncols == GATHER_COLS) {
            g->subjects = true;
            continue;
        }
        src[g->ncols] = c;
        g->cols[g->ncols] = *c;
        g->cols[g->ncols].vals = g->vals[g->ncols];
        g->ncols++;
    }
}

static void gather(lw_workspace *ws, gathered *g,
                   const lw__column *const *src, size_t first, size_t m)
{
    uint32_t k;
    size_t i;

    for (i = 0; i < m; i++) {
        uint32_t slot = ws->workers[first + i]->slot;

        if (g->subjects)
            g->subj[i] = ws->subjects[slot];
        for (k = 0; k < g->ncols; k++)
            g->vals[k][i] = src[k]->vals[slot];
    }
}

size_t lw__ws_filter(lw_workspace *ws, const lw_expr *e, size_t first,
                     size_t n, uint32_t *out_index)
{
    gathered g;
    const lw__column *src[GATHER_COLS];
    uint32_t idx[64];
    size_t base, i, count = 0;

    gather_columns(ws, e, &g, src);
    for (base = 0; base < n; base += 64) {
        size_t m = n - base < 64 ? n - base : 64;
        size_t got;

        gather(ws, &g, src, first + base, m);
        got = lw__expr_filter_cols(e, g.subj, g.cols, g.ncols, 0, m, idx);
        for (i = 0; i < got; i++)
            out_index[count + i] = (uint32_t)(base + idx[i]);
        count += got;
    }
    return count;
}

void lw_workspace_trim(lw_workspace *ws)
{
    if (ws == NULL)
        return;
    pthread_rwlock_wrlock(&ws->lock);
    lw__cols_free(ws);
    pthread_rwlock_unlock(&ws->lock);
}
