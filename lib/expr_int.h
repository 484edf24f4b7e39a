/*
 * expr_int.h - what the store needs of the expression module beyond the
 * public API: evaluation with the worker built-ins and batch filtering
 * over the store's subject array.
 */
#ifndef LW_EXPR_INT_H
#define LW_EXPR_INT_H

#include "attrs_int.h"
#include "libworkers/expr.h"

/* The worker built-ins, in this order, in lw__subject.builtins. */
enum {
    LW__BUILTIN_SID = 0,
    LW__BUILTIN_FRIENDLY_NAME = 1,
    LW__BUILTIN_ACTIVITY_SID = 2,
    LW__BUILTIN_ACTIVITY_NAME = 3,
    LW__BUILTIN_COUNT = 4
};

/*
 * What one evaluation sees: the members of the attributes root (an OBJ)
 * and, for a worker, the four built-ins as interned strings of the
 * program's table.  The root's shape sits just before its members (a
 * NULL shape for an empty root), so a scan reads a top-level member
 * from the document without its header.  builtins == NULL means no
 * built-ins: those names resolve in the root like any other.  A
 * built-in wins over an attribute of the same name.
 */
typedef struct lw__subject {
    const lw__cell *values;  /* the root's members, after its shape */
    const lw__sym *const *builtins;
} lw__subject;

/* Fill a subject for a document (NULL: the empty object) and optional
 * built-ins. */
void lw__subject_set(lw__subject *s, const lw_attrs *doc,
                     const lw__sym *const *builtins);

/* The shape of a subject's root, or NULL when it has no members. */
static inline const lw__shape *lw__subject_shape(const lw__subject *s)
{
    return lw__members_shape(s->values);
}

/* A subject's root as a value. */
static inline lw__val lw__subject_root(const lw__subject *s)
{
    const lw__shape *shape = lw__subject_shape(s);
    lw__val root = {LW__OBJ, 0, 0, 0, {0}};

    root.n = shape != NULL ? shape->n : 0;
    root.u.items = s->values;
    return root;
}

/* Evaluate one subject. */
bool lw__expr_eval(const lw_expr *e, const lw__subject *s);

/*
 * Evaluate subjects[0..n) and write the positions of the matches,
 * ascending, to out_index when not NULL; return the match count.
 */
size_t lw__expr_filter(const lw_expr *e, const lw__subject *subjects,
                       size_t n, uint32_t *out_index);

/*
 * A value column: each subject's member of one top-level key (or, with
 * key2, that member's member key2, as in "contact.email"), by position,
 * copied so that a scan reads the values of one key from consecutive
 * memory instead of from each document.  A subject without the value
 * has tag LW__COL_MISSING (and a zero payload).  An array's copy
 * carries in spare the signature of its string elements (the OR of
 * lw__col_sig() over them), so a HAS test can skip most arrays that do
 * not hold its string without reading their elements.  A string's copy
 * carries in n the set of its byte pairs (lw__pair_sig()), so CONTAINS
 * reads only the strings that hold every pair of its needle.
 */
#define LW__COL_MISSING 0xFFu

typedef struct lw__column {
    const lw__sym *key;
    const lw__sym *key2;  /* a member of key's object ("contact.email") */
    lw__val *vals;
    uint32_t ntag[9];  /* entries by tag; [8]: missing */
} lw__column;

/* The ntag index of a column entry. */
static inline unsigned lw__col_tag(const lw__val *v)
{
    return v->tag == LW__COL_MISSING ? 8u : v->tag;
}

/* The signature bit of string s. */
static inline uint16_t lw__col_sig(const lw__sym *s)
{
    return (uint16_t)(1u << (s->hash >> 28));
}

/*
 * The byte pairs of s[0, len) as a 32-bit set: bit h(a, b) for each two
 * adjacent bytes a, b.  A string can contain a needle only when its set
 * holds every bit of the needle's set (the empty set for needles of
 * fewer than two bytes).
 */
static inline uint32_t lw__pair_sig(const char *s, size_t len)
{
    uint32_t sig = 0;
    size_t i;

    for (i = 0; i + 1 < len; i++) {
        uint32_t pair = (uint32_t)(unsigned char)s[i] << 8 |
                        (unsigned char)s[i + 1];

        sig |= 1u << ((pair * 0x9E3779B1u) >> 27);
    }
    return sig;
}

/* The column copy of v (NULL: missing) into *out. */
void lw__col_value(const lw__val *v, lw__val *out);

/*
 * As lw__expr_filter over subjects[first, first + n), reading the keys
 * that have one of the ncols columns from them; positions in out_index
 * count from first.
 */
size_t lw__expr_filter_cols(const lw_expr *e, const lw__subject *subjects,
                            const lw__column *cols, uint32_t ncols,
                            size_t first, size_t n, uint32_t *out_index);

/* What a column holds: key's value, or with key2 its member key2. */
typedef struct lw__col_key {
    const lw__sym *key;
    const lw__sym *key2;
} lw__col_key;

/*
 * Count the subjects e selects among those whose bit is set in used
 * (words words: subject i is bit i % 64 of used[i / 64]); columns as in
 * lw__expr_filter_cols, from position 0.
 */
size_t lw__expr_count_masked(const lw_expr *e, const lw__subject *subjects,
                             const lw__column *cols, uint32_t ncols,
                             const uint64_t *used, size_t words);

/*
 * The distinct columns a scan of e can read, at most max of them into
 * keys; returns how many.
 */
uint32_t lw__expr_column_keys(const lw_expr *e, lw__col_key *keys,
                              uint32_t max);

/*
 * Does every test of e read a member of the root, so that a block scan
 * with a column for each of lw__expr_column_keys() never reads the
 * subjects themselves?
 */
bool lw__expr_reads_only_columns(const lw_expr *e);

/* Explain one subject (format, ownership and errors as lw_expr_explain). */
lw_result lw__expr_explain(const lw_expr *e, const lw__subject *s,
                           lw_explain_format format, char **out,
                           size_t *len, lw_error *err);

/* The symbol table the program was compiled with. */
lw_symtab *lw__expr_symtab(const lw_expr *e);

#endif /* LW_EXPR_INT_H */
