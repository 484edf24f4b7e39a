/*
 * attrs_int.h - the parsed form of attribute documents and the symbol
 * table, as the expression evaluator and the store see them.
 *
 * A document is one contiguous block: the lw_attrs header, the values,
 * then the original text.  Strings and keys are interned lw__sym pointers,
 * so string equality is pointer equality.
 */
#ifndef LW_ATTRS_INT_H
#define LW_ATTRS_INT_H

#include <stdatomic.h>
#include <string.h>

#include "internal.h"
#include "libworkers/attrs.h"

/*
 * An interned string.  Immutable once made, except its reference count.
 * Its block is offsetof(lw__sym, bytes) + len + 1 bytes: the bytes start
 * at byte 20, in what would be the struct's padding.
 */
typedef struct lw__sym {
    struct lw__sym *next;  /* hash chain, owned by the table */
    uint32_t hash;         /* lw__hash() of the bytes */
    unsigned len : 31;     /* byte length, at most LW__SYM_MAX_LEN */
    unsigned decimal : 1;  /* a plain decimal number (expressions.md, 4) */
    uint32_t refs;         /* guarded by the table's lock */
    char bytes[];          /* len bytes plus a NUL */
} lw__sym;

#define LW__SYM_MAX_LEN 0x7fffffffu

typedef enum lw__tag {
    LW__NULL = 0,
    LW__FALSE = 1,
    LW__TRUE = 2,
    LW__INT = 3,
    LW__DOUBLE = 4,
    LW__STR = 5,
    LW__ARR = 6,
    LW__OBJ = 7
} lw__tag;

/*
 * An object shape: the keys of an object in slot order, interned so that
 * objects with the same keys in the same order share one.  A program
 * that found a key at slot i of one object of a shape finds it at slot i
 * of every other (or, having missed it, misses it everywhere).  The keys
 * are not held: every document of the shape holds them.
 */
typedef struct lw__shape {
    struct lw__shape *next;  /* hash chain, owned by the table */
    uint32_t hash;
    uint32_t n;
    uint32_t refs;           /* guarded by the table's lock */
    uint32_t spare;
    const lw__sym *keys[];
} lw__shape;

/*
 * A value as a document stores it: one 64-bit cell.  The low three bits
 * are the kind; the rest is the value itself or says where it is:
 *
 *   CONST  bits 3..:   LW__NULL, LW__FALSE or LW__TRUE
 *   INT    bits 3..63: the integer, when it fits in 61 bits
 *   DOUBLE, BIG        bits 32..63: offset of an 8-byte box holding the
 *                      double or the integer
 *   STR    the lw__sym pointer (allocations are 8-aligned)
 *   ARR    bit 3: every element is a STR; bits 4..31: the element
 *          count; bits 32..63: offset of the elements
 *   OBJ    bits 3..31: the member count; bits 32..63: offset of the
 *          members, right after the object's shape (none when empty)
 *
 * Offsets count bytes from the cell itself to what it points at, which
 * always comes later in the same block, so a block can be copied as a
 * whole.  An array's payload is n cells; an object's is its shape, which
 * holds the keys, then n cells in slot order, keys unique.
 */
typedef uint64_t lw__cell;

enum {
    LW__C_CONST = 0,
    LW__C_INT = 1,
    LW__C_DOUBLE = 2,
    LW__C_BIG = 3,
    LW__C_STR = 4,
    LW__C_ARR = 5,
    LW__C_OBJ = 6
};

#define LW__C_KIND 7u
/* Integers in [LW__CELL_INT_MIN, LW__CELL_INT_MAX] fit in a cell. */
#define LW__CELL_INT_MAX (((int64_t)1 << 60) - 1)
#define LW__CELL_INT_MIN (-((int64_t)1 << 60))
/*
 * The most elements of an array and members of an object a cell counts:
 * more than a text of 256 MiB can hold (an element takes two bytes).
 */
#define LW__CELL_ARR_MAX ((1u << 28) - 1)
#define LW__CELL_OBJ_MAX ((1u << 29) - 1)

/*
 * A value as the evaluator sees it: 16 bytes, decoded from a cell (or
 * built by the expression compiler).  A container's payload is cells.
 */
typedef struct lw__val {
    uint8_t tag;           /* lw__tag */
    uint8_t flags;         /* LW__VAL_* */
    uint16_t spare;
    uint32_t n;            /* element or member count (ARR, OBJ) */
    union {
        int64_t i;
        double d;
        const lw__sym *s;
        const lw__cell *items;  /* ARR and OBJ payload */
    } u;
} lw__val;

/* Every element of this array is a STR (set only when n > 0). */
#define LW__VAL_ALL_STR 1u

/* The cell of a string: its pointer and kind. */
static inline lw__cell lw__cell_str(const lw__sym *s)
{
    return (lw__cell)(uintptr_t)s | LW__C_STR;
}

/* The cell of null, false or true. */
static inline lw__cell lw__cell_const(lw__tag tag)
{
    return (lw__cell)tag << 3 | LW__C_CONST;
}

/* The string of a STR cell. */
static inline const lw__sym *lw__cell_sym(lw__cell c)
{
    return (const lw__sym *)(uintptr_t)(c & ~(lw__cell)LW__C_KIND);
}

/* The thing cell c (at address at) points at by its offset. */
static inline const void *lw__cell_target(const lw__cell *at, lw__cell c)
{
    return (const char *)at + (uint32_t)(c >> 32);
}

/* Decode the cell at c. */
static inline lw__val lw__val_of(const lw__cell *c)
{
    lw__cell x = *c;
    lw__val v = {0, 0, 0, 0, {0}};

    switch (x & LW__C_KIND) {
    case LW__C_CONST:
        v.tag = (uint8_t)(x >> 3);
        break;
    case LW__C_INT:
        v.tag = LW__INT;
        /* an arithmetic shift, without relying on one */
        v.u.i = (int64_t)(x >> 3) - (int64_t)((x >> 63) << 61);
        break;
    case LW__C_DOUBLE:
        v.tag = LW__DOUBLE;
        memcpy(&v.u.d, lw__cell_target(c, x), sizeof v.u.d);
        break;
    case LW__C_BIG:
        v.tag = LW__INT;
        memcpy(&v.u.i, lw__cell_target(c, x), sizeof v.u.i);
        break;
    case LW__C_STR:
        v.tag = LW__STR;
        v.u.s = lw__cell_sym(x);
        break;
    case LW__C_ARR:
        v.tag = LW__ARR;
        v.flags = (uint8_t)((x >> 3) & LW__VAL_ALL_STR);
        v.n = (uint32_t)(x >> 4) & LW__CELL_ARR_MAX;
        v.u.items = lw__cell_target(c, x);
        break;
    default:
        v.tag = LW__OBJ;
        v.n = (uint32_t)(x >> 3) & LW__CELL_OBJ_MAX;
        v.u.items = lw__cell_target(c, x);
        break;
    }
    return v;
}

/* The cell of kind DOUBLE or BIG at c whose box is at box. */
static inline lw__cell lw__cell_boxed(const lw__cell *c, const void *box,
                                      int kind)
{
    return (uint64_t)((const char *)box - (const char *)c) << 32 |
           (lw__cell)kind;
}

/* Does the scalar v need a box of its own in a cell? */
static inline bool lw__val_boxed(const lw__val *v)
{
    return v->tag == LW__DOUBLE ||
           (v->tag == LW__INT &&
            (v->u.i < LW__CELL_INT_MIN || v->u.i > LW__CELL_INT_MAX));
}

/* The cell of a scalar (not ARR or OBJ) that needs no box. */
static inline lw__cell lw__cell_scalar(const lw__val *v)
{
    switch (v->tag) {
    case LW__INT:
        return ((lw__cell)v->u.i << 3) | LW__C_INT;
    case LW__STR:
        return lw__cell_str(v->u.s);
    default:
        return lw__cell_const((lw__tag)v->tag);
    }
}

/*
 * The cell at c of a scalar that needs a box (a double or a wide
 * integer), whose 8 bytes go to box: after c in its block, less than
 * 4 GiB after.
 */
static inline lw__cell lw__cell_box(const lw__cell *c, const lw__val *v,
                                    void *box)
{
    memcpy(box, &v->u.i, sizeof v->u.i);
    return lw__cell_boxed(c, box,
                          v->tag == LW__DOUBLE ? LW__C_DOUBLE : LW__C_BIG);
}

/* Encode a scalar into *c, with room for its box, if it needs one, at box. */
static inline void lw__cell_set(lw__cell *c, const lw__val *v, void *box)
{
    *c = lw__val_boxed(v) ? lw__cell_box(c, v, box) : lw__cell_scalar(v);
}

/* A container's cell: kind, count (and flag), payload at items. */
static inline lw__cell lw__cell_container(const lw__cell *c, int kind,
                                          uint32_t n, bool all_str,
                                          const void *items)
{
    uint64_t off = (uint64_t)((const char *)items - (const char *)c) << 32;

    if (kind == LW__C_ARR)
        return off | (lw__cell)n << 4 | (lw__cell)all_str << 3 | LW__C_ARR;
    return off | (lw__cell)n << 3 | LW__C_OBJ;
}

/* The shape stored before the members at items (of an OBJ with some). */
static inline const lw__shape *lw__members_shape(const lw__cell *items)
{
    const lw__shape *shape;

    memcpy(&shape, items - 1, sizeof shape);
    return shape;
}

/* The shape of an OBJ with at least one member. */
static inline const lw__shape *lw__obj_shape(const lw__val *obj)
{
    return lw__members_shape(obj->u.items);
}

/*
 * The keys of an OBJ in slot order, or NULL when it has none: loops over
 * its n members never read them then.
 */
static inline const lw__sym *const *lw__obj_keys(const lw__val *obj)
{
    return obj->n > 0 ? lw__obj_shape(obj)->keys : NULL;
}

/*
 * Member of obj with the given key, or NULL.  *hint is a slot guess that
 * a caller keeps between calls (an inline cache): documents of one shape
 * hold a key at one slot, so the first comparison usually hits.
 */
static inline const lw__cell *lw__obj_find(const lw__val *obj,
                                           const lw__sym *key,
                                           uint32_t *hint)
{
    const lw__sym *const *keys = lw__obj_keys(obj);
    uint32_t i = *hint;

    if (LW__LIKELY(i < obj->n && keys[i] == key))
        return &obj->u.items[i];
    for (i = 0; i < obj->n; i++) {
        if (keys[i] == key) {
            *hint = i;
            return &obj->u.items[i];
        }
    }
    return NULL;
}

/*
 * The document block: this header, then the payloads of every array and
 * object (each container's payload contiguous, children after parents)
 * and the boxes of its numbers, then the text.  Every STR value and every
 * key holds one reference on its lw__sym, and every object with members
 * one on its shape; releasing the document walks the tree to drop them.
 */
struct lw_attrs {
    atomic_uint refs;
    uint32_t text_len;
    lw_symtab *syms;       /* holds a reference */
    uint32_t bytes;        /* size of this block; it ends with the text */
    uint32_t spare;
    lw__cell root;         /* always an OBJ */
};

static inline const lw__cell *lw__attrs_root(const lw_attrs *doc)
{
    return &doc->root;
}

/* The text, NUL-terminated, at the end of the block. */
static inline const char *lw__attrs_text(const lw_attrs *doc)
{
    return (const char *)doc + doc->bytes - doc->text_len - 1;
}

/* The root object's shape, or NULL when it has no members. */
static inline const lw__shape *lw__attrs_shape(const lw_attrs *doc)
{
    lw__val root = lw__val_of(&doc->root);

    return root.n > 0 ? lw__obj_shape(&root) : NULL;
}

/* ---- symbol table ------------------------------------------------------- */

/* The allocator the table was created with (never NULL). */
const lw_allocator *lw__symtab_alloc(const lw_symtab *t);

/*
 * Intern len bytes and take one reference on the result.  LW_OK or
 * LW_ERR_NOMEM.  Thread-safe.
 */
lw_result lw__sym_intern(lw_symtab *t, const char *s, size_t len,
                         const lw__sym **out);
/* Take one more reference on s. */
void lw__sym_retain(lw_symtab *t, const lw__sym *s);
/* Drop one reference; the last removes the string.  NULL is ignored. */
void lw__sym_release(lw_symtab *t, const lw__sym *s);
/*
 * The table's lock, held across many of the calls below to pay for it
 * once: between lw__symtab_lock() and lw__symtab_unlock() only the
 * _locked variants may be called.
 */
void lw__symtab_lock(lw_symtab *t);
void lw__symtab_unlock(lw_symtab *t);
lw_result lw__sym_intern_locked(lw_symtab *t, const char *s, size_t len,
                                const lw__sym **out);
void lw__sym_retain_locked(lw_symtab *t, const lw__sym *s);
void lw__sym_release_locked(lw_symtab *t, const lw__sym *s);
/* The interned string equal to s, without taking a reference, or NULL. */
const lw__sym *lw__sym_find(lw_symtab *t, const char *s, size_t len);
/*
 * References held on s right now (a snapshot taken under the lock).  A
 * document holds one on each of its keys, so a key whose only holders are
 * known is in no live document.
 */
uint32_t lw__sym_refs(lw_symtab *t, const lw__sym *s);

/*
 * Bytes the table occupies: its header, buckets and every interned
 * string (header and bytes).  Thread-safe.
 */
size_t lw__symtab_memory(lw_symtab *t);

/* The shared shape of these n > 0 keys, with one more reference; LW_OK
 * or LW_ERR_NOMEM.  The caller holds the table's lock. */
lw_result lw__shape_intern_locked(lw_symtab *t, const lw__sym *const *keys,
                                  uint32_t n, const lw__shape **out);
/* Drop one reference; the last removes the shape.  Under the lock. */
void lw__shape_release_locked(lw_symtab *t, const lw__shape *shape);

/* Is s (len bytes) a plain decimal number: DIGITS [ '.' DIGITS ]? */
bool lw__is_plain_decimal(const char *s, size_t len);

/* ---- cJSON allocation --------------------------------------------------- */

/*
 * cJSON's hooks are process-wide.  The library installs them once: they
 * allocate through the allocator made current on the calling thread by
 * lw__json_begin(), or through malloc/free when none is.  Wrap every
 * cJSON call that allocates or frees in begin/end with the same allocator:
 *
 *     const lw_allocator *prev = lw__json_begin(alloc);
 *     ... cJSON_Parse..., cJSON_Delete ...
 *     lw__json_end(prev);
 *
 * lw__json_failed() tells whether an allocation failed since begin.
 */
const lw_allocator *lw__json_begin(const lw_allocator *alloc);
void lw__json_end(const lw_allocator *prev);
bool lw__json_failed(void);

/*
 * A bump arena for the cJSON allocations of one parse: they come from
 * buf (size bytes, the caller's, aligned as the allocator aligns), then
 * from blocks of the allocator,
 * and cJSON's frees do nothing, so the tree needs no cJSON_Delete():
 *
 *     lw__json_arena a;
 *     lw__json_arena_begin(&a, alloc, buf, size);
 *     ... cJSON_Parse... (the tree is dropped, never deleted) ...
 *     lw__json_arena_end(&a);
 *
 * Arenas nest inside lw__json_begin()/lw__json_end(), not the reverse.
 */
typedef struct lw__json_arena {
    const lw_allocator *alloc;
    char *next;
    char *end;
    void *chain;  /* blocks from alloc, newest first */
    size_t grow;
    const lw_allocator *prev;
    struct lw__json_arena *prev_arena;
} lw__json_arena;

void lw__json_arena_begin(lw__json_arena *a, const lw_allocator *alloc,
                          void *buf, size_t size);
void lw__json_arena_end(lw__json_arena *a);

#endif /* LW_ATTRS_INT_H */
