/*
 * store_cols.c - value columns: for each top-level key that expression
 * scans have read, a copy of every worker's value of it in SID order, so
 * a scan walks consecutive memory instead of one document per worker.
 * Made on the first scan that needs them and kept current by every write.
 */
#include <string.h>

#include "store_int.h"

uint32_t lw__cols_count(lw_workspace *ws)
{
    return atomic_load_explicit(&ws->ncols, memory_order_acquire);
}

/* Worker pos's value into column c at i, counted by tag. */
static void col_fill(const lw_workspace *ws, lw__column *c, size_t pos,
                     size_t i)
{
    uint32_t hint = 0;
    const lw__val *v = lw__obj_find(ws->subjects[pos].root, c->key, &hint);

    if (c->key2 != NULL)
        v = v != NULL && v->tag == LW__OBJ ? lw__obj_find(v, c->key2, &hint)
                                           : NULL;
    lw__col_value(v, &c->vals[i]);
    c->ntag[lw__col_tag(&c->vals[i])]++;
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
    c->vals = lw__malloc(&ws->alloc, ws->workers_cap * sizeof *c->vals);
    if (c->vals == NULL)
        return;
    c->key = key->key;
    c->key2 = key->key2;
    for (i = 0; i < ws->nworkers; i++)
        col_fill(ws, c, i, i);
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
    if (k == nkeys || n == LW__COLS_MAX || ws->workers_cap == 0)
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

void lw__cols_insert(lw_workspace *ws, size_t pos)
{
    uint32_t k, n = lw__cols_count(ws);

    for (k = 0; k < n; k++) {
        lw__val *v = ws->cols[k].vals;

        memmove(v + pos + 1, v + pos, (ws->nworkers - 1 - pos) * sizeof *v);
        col_fill(ws, &ws->cols[k], pos, pos);
    }
}

void lw__cols_remove(lw_workspace *ws, size_t pos)
{
    uint32_t k, n = lw__cols_count(ws);

    for (k = 0; k < n; k++) {
        lw__val *v = ws->cols[k].vals;

        ws->cols[k].ntag[lw__col_tag(&v[pos])]--;
        memmove(v + pos, v + pos + 1, (ws->nworkers - 1 - pos) * sizeof *v);
    }
}

void lw__cols_set(lw_workspace *ws, size_t pos)
{
    uint32_t k, n = lw__cols_count(ws);

    for (k = 0; k < n; k++) {
        ws->cols[k].ntag[lw__col_tag(&ws->cols[k].vals[pos])]--;
        col_fill(ws, &ws->cols[k], pos, pos);
    }
}

void lw__cols_free(lw_workspace *ws)
{
    while (lw__cols_count(ws) > 0)
        col_drop(ws, 0);
}

size_t lw__cols_memory(lw_workspace *ws)
{
    return (size_t)lw__cols_count(ws) * ws->workers_cap * sizeof(lw__val);
}

size_t lw__ws_filter(lw_workspace *ws, const lw_expr *e, size_t first,
                     size_t n, uint32_t *out_index)
{
    return lw__expr_filter_cols(e, ws->subjects, ws->cols,
                                lw__cols_count(ws), first, n, out_index);
}

void lw_workspace_trim(lw_workspace *ws)
{
    if (ws == NULL)
        return;
    pthread_rwlock_wrlock(&ws->lock);
    lw__cols_free(ws);
    pthread_rwlock_unlock(&ws->lock);
}
