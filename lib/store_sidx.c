/*
 * store_sidx.c - the workspace's hash index from a worker SID to its
 * record, so that fetch, update and delete find a worker in constant
 * time however many workers the workspace holds.  It is the name index's
 * kind of table (store_names.c) cut down for fetch, the hottest call:
 * a SID's random digits are their own hash and compare exactly, where
 * names need a case-folding hash and comparison over every byte (with
 * them a fetch took 140 ns instead of 25).
 */
#include <string.h>

#include "store_int.h"

/* SIDs end in 32 random hex digits: eight of them make a good hash. */
static uint32_t sid_hash(const char *sid)
{
    uint64_t w;

    memcpy(&w, sid + 2, sizeof w);
    return (uint32_t)((w * 0x9e3779b97f4a7c15u) >> 32);
}

lw_result lw__sidx_reserve(const lw_allocator *a, lw__sid_index *x,
                           uint32_t count)
{
    lw__worker_rec **slots;
    uint32_t cap = x->cap ? x->cap : 16, i;

    while (cap / 2 < count) {
        /* Over 2^31 workers: their records would not fit in memory long
         * before, so the workspace never asks for this. */
        if (cap > UINT32_MAX / 2)  /* GCOVR_EXCL_BR_LINE */
            return LW_ERR_NOMEM;
        cap *= 2;
    }
    if (cap == x->cap)
        return LW_OK;
    slots = lw__calloc(a, cap, sizeof *slots);
    if (slots == NULL)
        return LW_ERR_NOMEM;
    for (i = 0; i < x->cap; i++) {
        uint32_t h;

        if (x->slots[i] == NULL)
            continue;
        h = sid_hash(lw__rec_sid(x->slots[i])) & (cap - 1);
        while (slots[h] != NULL)
            h = (h + 1) & (cap - 1);
        slots[h] = x->slots[i];
    }
    lw__free(a, x->slots);
    x->slots = slots;
    x->cap = cap;
    return LW_OK;
}

lw__worker_rec *lw__sidx_find(const lw__sid_index *x, const char *sid,
                              size_t len)
{
    uint32_t h;

    if (x->cap == 0 || len != LW_SID_LEN || sid == NULL)
        return NULL;
    for (h = sid_hash(sid) & (x->cap - 1); x->slots[h] != NULL;
         h = (h + 1) & (x->cap - 1)) {
        if (memcmp(lw__rec_sid(x->slots[h]), sid, LW_SID_LEN) == 0)
            return x->slots[h];
    }
    return NULL;
}

void lw__sidx_insert(lw__sid_index *x, lw__worker_rec *r)
{
    uint32_t h = sid_hash(lw__rec_sid(r)) & (x->cap - 1);

    while (x->slots[h] != NULL)
        h = (h + 1) & (x->cap - 1);
    x->slots[h] = r;
}

/* Remove r, then move later entries of its run back into the hole so
 * that every probe sequence stays unbroken. */
void lw__sidx_remove(lw__sid_index *x, const lw__worker_rec *r)
{
    uint32_t mask = x->cap - 1, hole, i;

    for (hole = sid_hash(lw__rec_sid(r)) & mask; x->slots[hole] != r;
         hole = (hole + 1) & mask)
        ;
    x->slots[hole] = NULL;
    for (i = (hole + 1) & mask; x->slots[i] != NULL; i = (i + 1) & mask) {
        uint32_t home = sid_hash(lw__rec_sid(x->slots[i])) & mask;

        /* Move it when its home is not in the cyclic range (hole, i]. */
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            x->slots[hole] = x->slots[i];
            x->slots[i] = NULL;
            hole = i;
        }
    }
}

void lw__sidx_free(const lw_allocator *a, lw__sid_index *x)
{
    lw__free(a, x->slots);
    x->slots = NULL;
    x->cap = 0;
}
