/*
 * store_names.c - the index that keeps friendly names unique ignoring
 * ASCII case: open addressing with linear probing and backward-shift
 * deletion, so removal never allocates.
 */
#include <string.h>

#include "store_int.h"

lw_result lw__names_reserve(const lw_allocator *a, lw__names *t,
                            uint32_t count)
{
    lw__name_slot *slots;
    uint32_t cap = t->cap ? t->cap : 16;
    uint32_t i;

    while (count > cap / 2)
        cap *= 2;
    if (cap == t->cap)
        return LW_OK;
    slots = lw__calloc(a, cap, sizeof *slots);
    if (slots == NULL)
        return LW_ERR_NOMEM;

    /* Rehash the old entries into the new table. */
    for (i = 0; i < t->cap; i++) {
        const lw__name_slot *s = &t->slots[i];
        uint32_t j;

        if (s->item == NULL)
            continue;
        j = s->hash & (cap - 1);
        while (slots[j].item != NULL)
            j = (j + 1) & (cap - 1);
        slots[j] = *s;
    }
    lw__free(a, t->slots);
    t->slots = slots;
    t->cap = cap;
    return LW_OK;
}

void *lw__names_find(const lw__names *t, const char *name, size_t len)
{
    uint32_t hash, i;

    /* Callers look up checked names only: name is never NULL. */
    if (t->cap == 0 || name == NULL)  /* GCOVR_EXCL_BR_LINE */
        return NULL;
    hash = lw__hash_nocase(name, len);
    for (i = hash & (t->cap - 1); t->slots[i].item != NULL;
         i = (i + 1) & (t->cap - 1)) {
        const lw__name_slot *s = &t->slots[i];

        if (s->hash == hash &&
            lw__ascii_caseeq(t->name_of(s->item), s->len, name, len))
            return s->item;
    }
    return NULL;
}

void lw__names_insert(lw__names *t, const char *name, size_t len,
                      void *item)
{
    uint32_t hash = lw__hash_nocase(name, len);
    uint32_t i = hash & (t->cap - 1);

    while (t->slots[i].item != NULL)
        i = (i + 1) & (t->cap - 1);
    t->slots[i].len = (uint32_t)len;
    t->slots[i].hash = hash;
    t->slots[i].item = item;
    t->count++;
}

/* Is home position k outside the cyclic range (i, j]? */
static bool outside(uint32_t k, uint32_t i, uint32_t j)
{
    return i <= j ? (k <= i || k > j) : (k <= i && k > j);
}

void lw__names_remove(lw__names *t, const char *name, size_t len,
                      const void *item)
{
    uint32_t mask = t->cap - 1;
    uint32_t i, j;

    /* Callers remove only entries they inserted, so the table is never
     * empty and the probe always finds item: the early returns are
     * guards. */
    /* GCOVR_EXCL_BR_START */
    if (t->cap == 0)
        return;
    i = lw__hash_nocase(name, len) & mask;
    while (t->slots[i].item != NULL && t->slots[i].item != item)
        i = (i + 1) & mask;
    if (t->slots[i].item == NULL)
        return;
    /* GCOVR_EXCL_BR_STOP */

    /* Shift later members of the cluster back over the hole. */
    for (j = (i + 1) & mask; t->slots[j].item != NULL; j = (j + 1) & mask) {
        if (outside(t->slots[j].hash & mask, i, j)) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    t->slots[i].item = NULL;
    t->count--;
}

void lw__names_free(const lw_allocator *a, lw__names *t)
{
    lw__free(a, t->slots);
    t->slots = NULL;
    t->cap = 0;
    t->count = 0;
}
