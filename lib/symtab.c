/*
 * symtab.c - the symbol table: a reference-counted set of interned
 * strings shared by attribute documents and compiled expressions.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "attrs_int.h"

/* Buckets of a new table; they double past LOAD strings per bucket. */
#define FIRST_BUCKETS 64
#define LOAD 2

struct lw_symtab {
    atomic_uint refs;
    lw_allocator alloc;
    pthread_mutex_t lock;
    lw__sym **buckets;     /* chains, guarded by lock */
    size_t nbuckets;       /* a power of two */
    atomic_size_t count;   /* distinct strings; written under lock */
    size_t bytes;          /* memory of the strings, guarded by lock */
    lw__shape **shapes;    /* chains of object shapes, guarded by lock */
    size_t nshape_buckets; /* 0 (none made yet) or a power of two */
    size_t nshapes;
};

/* ---- helpers ------------------------------------------------------------ */

bool lw__is_plain_decimal(const char *s, size_t len)
{
    size_t i = 0, start;

    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0)
        return false;
    if (i == len)
        return true;
    if (s[i] != '.')
        return false;

    start = ++i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i > start && i == len;
}

static size_t sym_size(size_t len)
{
    return offsetof(lw__sym, bytes) + len + 1;
}

static lw__sym **chain_of(lw_symtab *t, uint32_t hash)
{
    return &t->buckets[hash & (t->nbuckets - 1)];
}

/*
 * The string's symbol, or NULL.  A symbol found past the head of its
 * chain moves to the head: strings interned again and again (keys,
 * common values) stay ahead of those interned once (SIDs, e-mails).
 */
static lw__sym *chain_find(lw_symtab *t, uint32_t hash, const char *s,
                           size_t len)
{
    lw__sym **head = chain_of(t, hash), **pp, *p;

    for (pp = head; (p = *pp) != NULL; pp = &p->next) {
        if (p->hash == hash && p->len == len &&
            memcmp(p->bytes, s, len) == 0) {
            if (pp != head) {
                *pp = p->next;
                p->next = *head;
                *head = p;
            }
            return p;
        }
    }
    return NULL;
}

/*
 * Double the bucket array.  A failed allocation is not an error: the
 * chains just stay longer until the next attempt.
 */
static void grow(lw_symtab *t)
{
    size_t n = t->nbuckets * 2, i;
    lw__sym **nb;

    if (n > SIZE_MAX / sizeof *nb)
        return;
    nb = lw__calloc(&t->alloc, n, sizeof *nb);
    if (nb == NULL)
        return;

    for (i = 0; i < t->nbuckets; i++) {
        lw__sym *p = t->buckets[i], *next;

        for (; p != NULL; p = next) {
            next = p->next;
            p->next = nb[p->hash & (n - 1)];
            nb[p->hash & (n - 1)] = p;
        }
    }
    lw__free(&t->alloc, t->buckets);
    t->buckets = nb;
    t->nbuckets = n;
}

static lw__sym *sym_new(lw_symtab *t, uint32_t hash, const char *s,
                        size_t len)
{
    lw__sym *p;

    if (len > LW__SYM_MAX_LEN)
        return NULL;
    p = lw__malloc(&t->alloc, sym_size(len));
    if (p == NULL)
        return NULL;

    p->hash = hash;
    p->len = (unsigned)len;
    p->refs = 1;
    p->decimal = lw__is_plain_decimal(s, len);
    if (len > 0)
        memcpy(p->bytes, s, len);
    p->bytes[len] = '\0';

    p->next = *chain_of(t, hash);
    *chain_of(t, hash) = p;
    t->bytes += sym_size(len);
    atomic_store(&t->count, atomic_load(&t->count) + 1);
    if (atomic_load(&t->count) / LOAD > t->nbuckets)
        grow(t);
    return p;
}

static void sym_unlink(lw_symtab *t, lw__sym *s)
{
    lw__sym **pp = chain_of(t, s->hash);

    while (*pp != s)
        pp = &(*pp)->next;
    *pp = s->next;
    t->bytes -= sym_size(s->len);
    atomic_store(&t->count, atomic_load(&t->count) - 1);
    lw__free(&t->alloc, s);
}

/* ---- table -------------------------------------------------------------- */

lw_result lw_symtab_create(const lw_allocator *alloc, lw_symtab **out)
{
    const lw_allocator *a = lw__alloc_or_default(alloc);
    lw_symtab *t;

    if (out == NULL)
        return LW_ERR_INVALID;
    t = lw__malloc(a, sizeof *t);
    if (t == NULL)
        return LW_ERR_NOMEM;

    t->alloc = *a;
    t->nbuckets = FIRST_BUCKETS;
    t->buckets = lw__calloc(a, t->nbuckets, sizeof *t->buckets);
    if (t->buckets == NULL || pthread_mutex_init(&t->lock, NULL) != 0) {
        lw__free(a, t->buckets);
        lw__free(a, t);
        return LW_ERR_NOMEM;
    }

    atomic_init(&t->refs, 1);
    atomic_init(&t->count, 0);
    t->bytes = 0;
    t->shapes = NULL;
    t->nshape_buckets = 0;
    t->nshapes = 0;
    *out = t;
    return LW_OK;
}

lw_symtab *lw_symtab_retain(lw_symtab *t)
{
    if (t != NULL)
        atomic_fetch_add(&t->refs, 1);
    return t;
}

void lw_symtab_release(lw_symtab *t)
{
    lw_allocator a;
    size_t i;

    if (t == NULL || atomic_fetch_sub(&t->refs, 1) != 1)
        return;

    /* Strings still interned belong to nobody any more. */
    a = t->alloc;
    for (i = 0; i < t->nbuckets; i++) {
        lw__sym *p = t->buckets[i], *next;

        for (; p != NULL; p = next) {
            next = p->next;
            lw__free(&a, p);
        }
    }
    for (i = 0; i < t->nshape_buckets; i++) {
        lw__shape *p = t->shapes[i], *next;

        for (; p != NULL; p = next) {
            next = p->next;
            lw__free(&a, p);
        }
    }
    pthread_mutex_destroy(&t->lock);
    lw__free(&a, t->shapes);
    lw__free(&a, t->buckets);
    lw__free(&a, t);
}

size_t lw_symtab_count(const lw_symtab *t)
{
    return t != NULL ? atomic_load(&t->count) : 0;
}

const lw_allocator *lw__symtab_alloc(const lw_symtab *t)
{
    return &t->alloc;
}

size_t lw__symtab_memory(lw_symtab *t)
{
    size_t n;

    pthread_mutex_lock(&t->lock);
    n = sizeof *t + t->nbuckets * sizeof *t->buckets + t->bytes;
    pthread_mutex_unlock(&t->lock);
    return n;
}

/* ---- symbols ------------------------------------------------------------ */

void lw__symtab_lock(lw_symtab *t)
{
    pthread_mutex_lock(&t->lock);
}

void lw__symtab_unlock(lw_symtab *t)
{
    pthread_mutex_unlock(&t->lock);
}

lw_result lw__sym_intern_locked(lw_symtab *t, const char *s, size_t len,
                                const lw__sym **out)
{
    uint32_t hash = lw__hash(s, len);
    lw__sym *p = chain_find(t, hash, s, len);

    if (p != NULL) {
        /* A count that would wrap is refused like memory that ran out. */
        if (p->refs == UINT32_MAX)
            return LW_ERR_NOMEM;
        p->refs++;
    } else {
        p = sym_new(t, hash, s, len);
        if (p == NULL)
            return LW_ERR_NOMEM;
    }
    *out = p;
    return LW_OK;
}

lw_result lw__sym_intern(lw_symtab *t, const char *s, size_t len,
                         const lw__sym **out)
{
    lw_result rc;

    pthread_mutex_lock(&t->lock);
    rc = lw__sym_intern_locked(t, s, len, out);
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void lw__sym_retain_locked(lw_symtab *t, const lw__sym *s)
{
    (void)t;
    ((lw__sym *)(uintptr_t)s)->refs++;
}

void lw__sym_retain(lw_symtab *t, const lw__sym *s)
{
    pthread_mutex_lock(&t->lock);
    lw__sym_retain_locked(t, s);
    pthread_mutex_unlock(&t->lock);
}

void lw__sym_release_locked(lw_symtab *t, const lw__sym *s)
{
    lw__sym *p = (lw__sym *)(uintptr_t)s;

    if (s != NULL && --p->refs == 0)
        sym_unlink(t, p);
}

void lw__sym_release(lw_symtab *t, const lw__sym *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    lw__sym_release_locked(t, s);
    pthread_mutex_unlock(&t->lock);
}

const lw__sym *lw__sym_find(lw_symtab *t, const char *s, size_t len)
{
    uint32_t hash = lw__hash(s, len);
    const lw__sym *p;

    pthread_mutex_lock(&t->lock);
    p = chain_find(t, hash, s, len);
    pthread_mutex_unlock(&t->lock);
    return p;
}

uint32_t lw__sym_refs(lw_symtab *t, const lw__sym *s)
{
    uint32_t n;

    pthread_mutex_lock(&t->lock);
    n = s->refs;
    pthread_mutex_unlock(&t->lock);
    return n;
}

/* ---- shapes ------------------------------------------------------------- */

static uint32_t shape_hash(const lw__sym *const *keys, uint32_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ n;
    uint32_t i;

    for (i = 0; i < n; i++) {
        h ^= (uint64_t)(uintptr_t)keys[i];
        h *= 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    return (uint32_t)h;
}

/* Rehash into twice the buckets (or the first 16); failure is fine. */
static void shapes_grow(lw_symtab *t)
{
    size_t n = t->nshape_buckets ? t->nshape_buckets * 2 : 16, i;
    lw__shape **nb = lw__calloc(&t->alloc, n, sizeof *nb);

    if (nb == NULL)
        return;
    for (i = 0; i < t->nshape_buckets; i++) {
        lw__shape *p = t->shapes[i], *next;

        for (; p != NULL; p = next) {
            next = p->next;
            p->next = nb[p->hash & (n - 1)];
            nb[p->hash & (n - 1)] = p;
        }
    }
    lw__free(&t->alloc, t->shapes);
    t->shapes = nb;
    t->nshape_buckets = n;
}

static lw__shape *shape_find(lw_symtab *t, uint32_t hash,
                             const lw__sym *const *keys, uint32_t n)
{
    lw__shape *p;

    if (t->nshape_buckets == 0)
        return NULL;
    for (p = t->shapes[hash & (t->nshape_buckets - 1)]; p != NULL;
         p = p->next) {
        if (p->hash == hash && p->n == n &&
            memcmp(p->keys, keys, n * sizeof *keys) == 0)
            return p;
    }
    return NULL;
}

lw_result lw__shape_intern_locked(lw_symtab *t, const lw__sym *const *keys,
                                  uint32_t n, const lw__shape **out)
{
    uint32_t hash = shape_hash(keys, n);
    lw__shape *p;

    p = shape_find(t, hash, keys, n);
    if (p != NULL) {
        /* A count that would wrap is refused like memory that ran out. */
        if (p->refs == UINT32_MAX)
            return LW_ERR_NOMEM;
        p->refs++;
        *out = p;
        return LW_OK;
    }
    if (t->nshapes >= t->nshape_buckets * 2)
        shapes_grow(t);
    p = t->nshape_buckets == 0 ||
                (uint64_t)n * sizeof *keys > SIZE_MAX - sizeof *p
            ? NULL
            : lw__malloc(&t->alloc, sizeof *p + (size_t)n * sizeof *keys);
    if (p == NULL)
        return LW_ERR_NOMEM;
    p->hash = hash;
    p->n = n;
    p->refs = 1;
    memcpy(p->keys, keys, n * sizeof *keys);
    p->next = t->shapes[hash & (t->nshape_buckets - 1)];
    t->shapes[hash & (t->nshape_buckets - 1)] = p;
    t->nshapes++;
    *out = p;
    return LW_OK;
}

void lw__shape_release_locked(lw_symtab *t, const lw__shape *shape)
{
    lw__shape *s = (lw__shape *)(uintptr_t)shape, **pp;

    if (--s->refs == 0) {
        pp = &t->shapes[s->hash & (t->nshape_buckets - 1)];
        while (*pp != s)
            pp = &(*pp)->next;
        *pp = s->next;
        t->nshapes--;
        lw__free(&t->alloc, s);
    }
}
