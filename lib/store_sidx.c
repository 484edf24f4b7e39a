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

/*
 * A slot holds a record's address with the low bits, zero in any
 * record's address, set to bits of its SID's hash: a probe passes most
 * records of other SIDs without reading them (a read past the caches
 * costs more than the rest of a fetch).
 */
#define TAG_MASK ((uintptr_t)_Alignof(lw__worker_rec) - 1)

_Static_assert(_Alignof(lw__worker_rec) >= 4, "records leave two tag bits");

typedef struct sid_hash {
    uint32_t index;  /* before the table's mask */
    uintptr_t tag;
} sid_hash;

/* SIDs end in 32 random hex digits: eight of them make a good hash. */
static sid_hash hash_of(const char *sid)
{
    uint64_t w, p;
    sid_hash h;

    memcpy(&w, sid + 2, sizeof w);
    p = w * 0x9e3779b97f4a7c15u;
    h.index = (uint32_t)(p >> 32);
    h.tag = (uintptr_t)(p >> 24) & TAG_MASK;
    return h;
}

static lw__worker_rec *rec_of(uintptr_t slot)
{
    return (lw__worker_rec *)(slot & ~TAG_MASK);
}

static uint32_t home_of(uintptr_t slot, uint32_t mask)
{
    return hash_of(lw__rec_sid(rec_of(slot))).index & mask;
}

lw_result lw__sidx_reserve(const lw_allocator *a, lw__sid_index *x,
                           uint32_t count)
{
    uintptr_t *slots;
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

        if (x->slots[i] == 0)
            continue;
        h = home_of(x->slots[i], cap - 1);
        while (slots[h] != 0)
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
    sid_hash h;
    uint32_t i;

    if (x->cap == 0 || len != LW_SID_LEN || sid == NULL)
        return NULL;
    h = hash_of(sid);
    for (i = h.index & (x->cap - 1); x->slots[i] != 0;
         i = (i + 1) & (x->cap - 1)) {
        if ((x->slots[i] & TAG_MASK) == h.tag &&
            memcmp(lw__rec_sid(rec_of(x->slots[i])), sid, LW_SID_LEN) == 0)
            return rec_of(x->slots[i]);
    }
    return NULL;
}

void lw__sidx_insert(lw__sid_index *x, lw__worker_rec *r)
{
    sid_hash h = hash_of(lw__rec_sid(r));
    uint32_t i = h.index & (x->cap - 1);

    while (x->slots[i] != 0)
        i = (i + 1) & (x->cap - 1);
    x->slots[i] = (uintptr_t)r | h.tag;
}

/* Remove r, then move later entries of its run back into the hole so
 * that every probe sequence stays unbroken. */
void lw__sidx_remove(lw__sid_index *x, const lw__worker_rec *r)
{
    uint32_t mask = x->cap - 1, hole, i;

    for (hole = hash_of(lw__rec_sid(r)).index & mask;
         rec_of(x->slots[hole]) != r; hole = (hole + 1) & mask)
        ;
    x->slots[hole] = 0;
    for (i = (hole + 1) & mask; x->slots[i] != 0; i = (i + 1) & mask) {
        uint32_t home = home_of(x->slots[i], mask);

        /* Move it when its home is not in the cyclic range (hole, i]. */
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            x->slots[hole] = x->slots[i];
            x->slots[i] = 0;
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
