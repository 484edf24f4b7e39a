/*
 * store_names.c - the index that keeps friendly names unique ignoring
 * ASCII case: open addressing with linear probing and backward-shift
 * deletion, so removal never allocates.
 */
#include <string.h>

#include "store_int.h"

/* The slot where the probe for item's current name starts. */
static uint32_t home(const lw__names *t, const void *item, uint32_t mask)
{
    size_t len;
    const char *name = t->name_of(item, &len);

    return lw__hash_nocase(name, len) & mask;
}

lw_result lw__names_reserve(const lw_allocator *a, lw__names *t,
                            uint32_t count)
{
    void **slots;
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
        void *item = t->slots[i];
        uint32_t j;

        if (item == NULL)
            continue;
        j = home(t, item, cap - 1);
        while (slots[j] != NULL)
            j = (j + 1) & (cap - 1);
        slots[j] = item;
    }
    lw__free(a, t->slots);
    t->slots = slots;
    t->cap = cap;
    return LW_OK;
}

void *lw__names_find(const lw__names *t, const char *name, size_t len)
{
    uint32_t i;

    /* Callers look up checked names only: name is never NULL. */
    if (t->cap == 0 || name == NULL)  /* GCOVR_EXCL_BR_LINE */
        return NULL;
    for (i = lw__hash_nocase(name, len) & (t->cap - 1);
         t->slots[i] != NULL; i = (i + 1) & (t->cap - 1)) {
        void *item = t->slots[i];
        size_t ilen;
        const char *iname = t->name_of(item, &ilen);

        if (lw__ascii_caseeq(iname, ilen, name, len))
            return item;
    }
    return NULL;
}

void lw__names_insert(lw__names *t, const char *name, size_t len,
                      void *item)
{
    uint32_t i = lw__hash_nocase(name, len) & (t->cap - 1);

    while (t->slots[i] != NULL)
        i = (i + 1) & (t->cap - 1);
    t->slots[i] = item;
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
    while (t->slots[i] != NULL && t->slots[i] != item)
        i = (i + 1) & mask;
    if (t->slots[i] == NULL)
        return;
    /* GCOVR_EXCL_BR_STOP */

    /* Shift later members of the cluster back over the hole; each one
     * reports the name it was indexed under, so its home is known. */
    for (j = (i + 1) & mask; t->slots[j] != NULL; j = (j + 1) & mask) {
        if (outside(home(t, t->slots[j], mask), i, j)) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    t->slots[i] = NULL;
    t->count--;
}

void lw__names_free(const lw_allocator *a, lw__names *t)
{
    lw__free(a, t->slots);
    t->slots = NULL;
    t->cap = 0;
    t->count = 0;
}
