/*
 * expr_eval.c - runs compiled programs: resolves references with
 * per-call inline caches, applies the specialised tests, and scans arrays
 * of subjects.  Programs are never written to here, so threads share them.
 */
#include <string.h>

#include "expr_search.h"

#define ALWAYS_INLINE LW__ALWAYS_INLINE

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#define LOWEST_BIT(x) ((unsigned)__builtin_ctzll(x))
#else
#define PREFETCH(p) ((void)(p))
#define LOWEST_BIT(x) lowest_bit(x)

static unsigned lowest_bit(uint64_t x)
{
    unsigned n = 0;

    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
}
#endif

#if defined(__POPCNT__)
#define POPCOUNT(x) ((size_t)__builtin_popcountll(x))
#else
#define POPCOUNT(x) popcount(x)

/* Bits set in x, in a few word operations (no library call). */
static inline size_t popcount(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555u;
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
    return (size_t)((x * 0x0101010101010101u) >> 56);
}
#endif

/* ---- object members ----------------------------------------------------- */

/* The slot of key in obj after a missed hint (four keys per step), or n. */
static uint32_t find_slot(const lw__val *obj, const lw__sym *key)
{
    const lw__sym *const *k = lw__obj_keys(obj);
    uint32_t n = obj->n;
    uint32_t i = 0;

    for (; i + 4 <= n; i += 4)
        if ((k[i] == key) | (k[i + 1] == key) | (k[i + 2] == key) |
            (k[i + 3] == key))
            break;
    for (; i < n; i++)
        if (k[i] == key)
            return i;
    return n;
}

/* The cell at c decoded into *tmp (which may be what c was read from). */
static ALWAYS_INLINE const lw__val *decode(const lw__cell *c, lw__val *tmp)
{
    *tmp = lw__val_of(c);
    return tmp;
}

/*
 * Member of obj with the given key, decoded into *tmp (which obj may
 * be), or NULL; *hint is the inline cache.
 */
static ALWAYS_INLINE const lw__val *find(const lw__val *obj,
                                         const lw__sym *key, uint32_t *hint,
                                         lw__val *tmp)
{
    uint32_t i = *hint;

    if (LW__LIKELY(i < obj->n && lw__obj_keys(obj)[i] == key))
        return decode(&obj->u.items[i], tmp);
    i = find_slot(obj, key);
    if (i == obj->n)
        return NULL;
    *hint = i;
    return decode(&obj->u.items[i], tmp);
}

/* A hint that says: this shape has no such key. */
#define NO_SLOT UINT32_MAX

/*
 * A top-level member of a subject.  Documents of one shape keep a key at
 * one slot, so once a scan has seen the subject's shape it knows the slot
 * (or that there is none) and reads the value straight from the subject's
 * values, without touching the document's header or keys.  The cache
 * lives in the caller's locals: nothing here takes their address, so
 * they stay in registers across a block.
 */
static ALWAYS_INLINE const lw__cell *find_root(const lw__subject *s,
                                               const lw__sym *key,
                                               uint32_t *hint,
                                               const lw__shape **shape)
{
    lw__val root;
    uint32_t i;

    /* mask_plain() expands a copy for CONTAINS_STR, which mask_test()
     * always sends to mask_two_phase(): that copy never runs.  The other
     * copies take every branch here (test/test_expr_paths.c). */
    /* GCOVR_EXCL_BR_START */
    const lw__shape *sh = lw__subject_shape(s);

    if (LW__LIKELY(sh != NULL && sh == *shape))
        return *hint == NO_SLOT ? NULL : &s->values[*hint];
    root = lw__subject_root(s);
    i = find_slot(&root, key);
    *shape = sh;
    *hint = i < root.n ? i : NO_SLOT;
    return i < root.n ? &root.u.items[i] : NULL;
    /* GCOVR_EXCL_BR_STOP */
}

/* Member of the subject's root, through the inline cache. */
static ALWAYS_INLINE const lw__val *root_find(const lw__subject *s,
                                              const lw__sym *key,
                                              uint32_t *hint, lw__val *tmp)
{
    lw__val root = lw__subject_root(s);

    return find(&root, key, hint, tmp);
}

/* ---- references --------------------------------------------------------- */

/* The value of cell c decoded into *tmp, or NULL when c is missing. */
static ALWAYS_INLINE const lw__val *load(const lw__cell *c, lw__val *tmp)
{
    if (c == NULL)
        return NULL;
    *tmp = lw__val_of(c);
    return tmp;
}

/*
 * Walk n steps from v (NULL: missing); the value reached is decoded into
 * *tmp (which v may be), or NULL when any step finds nothing.
 */
static const lw__val *walk(const lw_expr *e, const lw__val *v, uint32_t step0,
                           uint32_t n, uint32_t *hints, lw__val *tmp)
{
    const lw__step *s = &e->steps[step0];
    const lw__step *end = s + n;

    for (; s < end && v != NULL; s++) {
        if (s->key != NULL)
            v = v->tag == LW__OBJ ? find(v, s->key, &hints[s->slot], tmp)
                                  : NULL;
        else
            v = v->tag == LW__ARR && s->index < v->n
                    ? decode(&v->u.items[s->index], tmp)
                    : NULL;
    }
    return v;
}

/* A built-in of the subject as a value in tmp. */
static const lw__val *builtin(const lw__subject *s, int which, lw__val *tmp)
{
    const lw__sym *b = s->builtins[which];

    memset(tmp, 0, sizeof *tmp);
    tmp->tag = b != NULL ? LW__STR : LW__NULL;
    tmp->u.s = b;
    return tmp;
}

const lw__val *lw__expr_resolve(const lw_expr *e, const lw__operand *o,
                                const lw__subject *s, uint32_t *hints,
                                lw__val *tmp)
{
    const lw__step *first = &e->steps[o->step0];
    const lw__val *v;

    if (o->builtin >= 0 && s->builtins != NULL)
        v = builtin(s, o->builtin, tmp);
    else
        v = root_find(s, first->key, &hints[first->slot], tmp);
    return walk(e, v, o->step0 + 1, o->nsteps - 1, hints, tmp);
}

const lw__val *lw__expr_operand(const lw_expr *e, const lw__operand *o,
                                const lw__subject *s, uint32_t *hints,
                                lw__val *tmp)
{
    if (o->kind == LW__OPD_REF)
        return lw__expr_resolve(e, o, s, hints, tmp);
    return &o->val;
}

/* ---- specialised tests -------------------------------------------------- */

static ALWAYS_INLINE bool set_holds(const lw__insn *in, const lw__sym *x)
{
    const lw__sym *const *set = in->set;
    uint32_t lo = 0, hi = in->nset;

    if (hi <= 8) {
        for (; lo < hi; lo++)
            if (set[lo] == x)
                return true;
        return false;
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (set[mid] == x)
            return true;
        if ((uintptr_t)set[mid] < (uintptr_t)x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Does an array hold string x?  A cell is x's exactly when it is x. */
static ALWAYS_INLINE bool has_str(const lw__val *v, const lw__sym *x)
{
    const lw__cell *it = v->u.items;
    const lw__cell *end = it + v->n;
    const lw__cell want = lw__cell_str(x);

    for (; it < end; it++)
        if (*it == want)
            return true;
    return false;
}

/* Integers up to 2^53 in magnitude convert to double exactly. */
#define EXACT_INT ((int64_t)1 << 53)

static ALWAYS_INLINE bool num_test(const lw__val *v, const lw__num *c, int *out)
{
    lw__num x;

    if (v->tag == LW__INT && c->is_int) {
        *out = v->u.i < c->i ? -1 : (v->u.i > c->i);
        return true;
    }
    /*
     * Doubles, and integers a double holds exactly, compare as doubles.
     * In the copies for EQ_NUM v is an INT or a DOUBLE, so there a value
     * that is not a DOUBLE is always an INT; the other copies take every
     * way of this condition.
     */
    if (!c->is_int && (v->tag == LW__DOUBLE || /* GCOVR_EXCL_BR_LINE */
                       (v->tag == LW__INT && v->u.i >= -EXACT_INT &&
                        v->u.i <= EXACT_INT))) {
        double d = v->tag == LW__DOUBLE ? v->u.d : (double)v->u.i;

        *out = (d > c->d) - (d < c->d);
        return true;
    }
    /* In the copy for EQ_NUM v is already an INT or a DOUBLE, so this
     * cannot fail there; the other copies take both ways. */
    if (!lw__val_number(v, &x)) /* GCOVR_EXCL_BR_LINE */
        return false;
    *out = lw__num_cmp(&x, c);
    return true;
}

static inline bool is_comp(const lw__val *v)
{
    return v->tag == LW__ARR || v->tag == LW__OBJ;
}

/* The left value of a specialised test. */
static ALWAYS_INLINE const lw__val *left(const lw_expr *e,
                                         const lw__insn *in,
                                         const lw__subject *s,
                                         uint32_t *hints, lw__val *tmp)
{
    const lw__val *v;

    if (LW__UNLIKELY(in->builtin >= 0) && s->builtins != NULL)
        v = builtin(s, in->builtin, tmp);
    else
        v = root_find(s, in->key, &hints[in->slot], tmp);
    if (LW__UNLIKELY(in->nsteps > 0))
        v = walk(e, v, in->step0, in->nsteps, hints, tmp);
    return v;
}

static bool generic(const lw_expr *e, const lw__insn *in,
                    const lw__subject *s, uint32_t *hints)
{
    lw__val tl, tr;
    const lw__val *l = lw__expr_operand(e, &e->opds[in->lhs], s, hints, &tl);
    const lw__val *r = lw__expr_operand(e, &e->opds[in->rhs], s, hints, &tr);

    return lw__val_compare((lw__op)in->op, l, r);
}

static ALWAYS_INLINE bool contains_str(const lw__val *v, const lw__sym *x)
{
    return lw__substring(v->u.s->bytes, v->u.s->len, x->bytes, x->len);
}

/* Does specialised test code hold for left value v (NULL: missing)? */
static ALWAYS_INLINE bool check(uint8_t code, const lw__insn *in,
                                const lw__val *v)
{
    int c;

    switch (code) {
    case LW__I_EQ_STR:
        return v != NULL && v->tag == LW__STR && v->u.s == in->sym;
    case LW__I_NE_STR:
        if (v == NULL || v->tag == LW__NULL)
            return true;
        return !is_comp(v) && !(v->tag == LW__STR && v->u.s == in->sym);
    case LW__I_EQ_NUM:
        return v != NULL && (v->tag == LW__INT || v->tag == LW__DOUBLE) &&
               num_test(v, &in->num, &c) && c == 0;
    case LW__I_NE_NUM:
        if (v == NULL || v->tag == LW__NULL)
            return true;
        if (is_comp(v))
            return false;
        return v->tag == LW__STR || !num_test(v, &in->num, &c) || c != 0;
    case LW__I_REL_NUM:
        return v != NULL && num_test(v, &in->num, &c) &&
               ((in->mask >> (c + 1)) & 1);
    case LW__I_HAS_STR:
        return v != NULL && v->tag == LW__ARR && has_str(v, in->sym);
    case LW__I_IN_STRS:
        return v != NULL && v->tag == LW__STR && set_holds(in, v->u.s);
    case LW__I_NOT_IN_STRS:
        if (v == NULL)
            return true;
        return !is_comp(v) && !(v->tag == LW__STR && set_holds(in, v->u.s));
    default: /* LW__I_CONTAINS_STR; never run in mask_plain (find_root) */
        /* GCOVR_EXCL_BR_START */
        return v != NULL && v->tag == LW__STR && contains_str(v, in->sym);
        /* GCOVR_EXCL_BR_STOP */
    }
}

/* Does the test hold for subject s? */
static ALWAYS_INLINE bool test(const lw_expr *e, const lw__insn *in,
                               const lw__subject *s, uint32_t *hints)
{
    lw__val tmp;

    if (in->code == LW__I_GENERIC)
        return generic(e, in, s, hints);
    /* mask_test() runs a specialised test here only for a built-in, so
     * its copy of left() never sees in->builtin < 0. */
    /* GCOVR_EXCL_BR_START */
    return check(in->code, in, left(e, in, s, hints, &tmp));
    /* GCOVR_EXCL_BR_STOP */
}

/* ---- running ------------------------------------------------------------ */

static ALWAYS_INLINE bool run(const lw_expr *e, const lw__subject *s,
                              uint32_t *hints)
{
    uint32_t pc = e->entry;

    while (pc < LW__PC_FALSE) {
        const lw__insn *in = &e->code[pc];

        pc = test(e, in, s, hints) ? in->t : in->f;
    }
    return pc == LW__PC_TRUE;
}

bool lw__expr_eval(const lw_expr *e, const lw__subject *s)
{
    uint32_t hints[LW__EXPR_SLOTS] = {0};

    if (e == NULL || s == NULL || s->values == NULL)
        return false;
    return run(e, s, hints);
}

/* ---- scanning in blocks of 64 ----------------------------------------- */

/*
 * Tests jump only to lower positions, so visiting them from the entry
 * down sees every test after all the tests that lead to it.  Each test
 * then runs once per block over the subjects that reach it (a bit mask),
 * in a loop specialised for its code: no dispatch per subject, and every
 * subject still sees exactly the tests a single evaluation would run.
 */
#define BLOCK_MAX_TESTS 64

static inline unsigned next_bit(uint64_t *bits)
{
    unsigned j = LOWEST_BIT(*bits);

    *bits &= *bits - 1;
    return j;
}

/* A full block walks the subjects in order; a partial one its bits. */
#define MASK_PLAIN(CODE)                                                   \
    if (bits == UINT64_MAX) {                                              \
        for (j = 0; j < 64; j++) {                                         \
            const lw__cell *c = find_root(&s[j], in->key, &h, &sh);        \
                                                                           \
            r |= (uint64_t)check(CODE, in, load(c, &t)) << j;              \
        }                                                                  \
        break;                                                             \
    }                                                                      \
    while (bits) {                                                         \
        const lw__cell *c;                                                 \
                                                                           \
        j = next_bit(&bits);                                               \
        c = find_root(&s[j], in->key, &h, &sh);                            \
        r |= (uint64_t)check(CODE, in, load(c, &t)) << j;                  \
    }

static uint64_t mask_plain(const lw__insn *test, const lw__subject *s,
                           uint64_t bits, uint32_t *hint)
{
    const lw__insn copy = *test;  /* constants the loop keeps in registers */
    const lw__insn *in = &copy;
    uint64_t r = 0;
    uint32_t h = *hint;
    const lw__shape *sh = NULL;
    lw__val t;
    unsigned j;

    /* CONTAINS_STR never comes here (mask_test); see find_root(). */
    switch (in->code) { /* GCOVR_EXCL_BR_LINE */
    case LW__I_EQ_STR: MASK_PLAIN(LW__I_EQ_STR); break;
    case LW__I_NE_STR: MASK_PLAIN(LW__I_NE_STR); break;
    case LW__I_EQ_NUM: MASK_PLAIN(LW__I_EQ_NUM); break;
    case LW__I_NE_NUM: MASK_PLAIN(LW__I_NE_NUM); break;
    case LW__I_REL_NUM: MASK_PLAIN(LW__I_REL_NUM); break;
    case LW__I_HAS_STR: MASK_PLAIN(LW__I_HAS_STR); break;
    case LW__I_IN_STRS: MASK_PLAIN(LW__I_IN_STRS); break;
    case LW__I_NOT_IN_STRS: MASK_PLAIN(LW__I_NOT_IN_STRS); break;
    default: MASK_PLAIN(LW__I_CONTAINS_STR); break; /* GCOVR_EXCL_BR_LINE */
    }
    *hint = h;
    return r;
}

/*
 * A test on a column value.  The signature tells most arrays that lack
 * a HAS test's string without reading their elements.
 */
static ALWAYS_INLINE bool check_col(uint8_t code, const lw__insn *in,
                                    const lw__val *c, uint16_t sig)
{
    if (code == LW__I_HAS_STR)
        return c->tag == LW__ARR && (c->spare & sig) != 0 &&
               has_str(c, in->sym);
    return check(code, in, c->tag == LW__COL_MISSING ? NULL : c);
}

#define MASK_COL(CODE)                                                     \
    if (bits == UINT64_MAX) {                                              \
        for (j = 0; j < 64; j++)                                           \
            r |= (uint64_t)check_col(CODE, in, &col[j], sig) << j;         \
        break;                                                             \
    }                                                                      \
    while (bits) {                                                         \
        j = next_bit(&bits);                                               \
        r |= (uint64_t)check_col(CODE, in, &col[j], sig) << j;             \
    }

/*
 * A column value against up to four strings, without a branch: is it
 * one of them (IN, ==), or, when out is set, is it not (NOT IN, !=: a
 * missing or scalar value is not one, an array or object never passes).
 */
static ALWAYS_INLINE bool str_test(const lw__val *c, const lw__sym *const *k,
                                   bool out)
{
    const lw__sym *p = c->u.s;
    bool hit = (c->tag == LW__STR) &
               ((p == k[0]) | (p == k[1]) | (p == k[2]) | (p == k[3]));
    bool comp = (unsigned)(c->tag - LW__ARR) < 2u;

    return out ? !hit & !comp : hit;
}

#define MASK_LOOP(EXPR)                                                    \
    do {                                                                   \
        if (bits == UINT64_MAX) {                                          \
            for (j = 0; j < 64; j += 2) {                                  \
                const lw__val *c = &col[j];                                \
                uint64_t two = (uint64_t)(EXPR);                           \
                                                                           \
                c = &col[j + 1];                                           \
                two |= (uint64_t)(EXPR) << 1;                              \
                r |= two << j;                                             \
            }                                                              \
            return r;                                                      \
        }                                                                  \
        while (bits) {                                                     \
            const lw__val *c;                                              \
                                                                           \
            j = next_bit(&bits);                                           \
            c = &col[j];                                                   \
            r |= (uint64_t)(EXPR) << j;                                    \
        }                                                                  \
        return r;                                                          \
    } while (0)

/*
 * A column of strings only (and missing values, whose pointer is NULL)
 * needs no tag test: a value is one of the strings when its pointer is.
 */
static uint64_t mask_strs_only(const lw__val *col, uint64_t bits,
                               const lw__sym *const *k, uint32_t n,
                               bool out)
{
    const lw__sym *a = k[0], *b = k[1];
    uint64_t r = 0;
    unsigned j;

    if (n == 1 && !out)
        MASK_LOOP(c->u.s == a);
    if (n == 1)
        MASK_LOOP(c->u.s != a);
    if (n == 2 && !out)
        MASK_LOOP((c->u.s == a) | (c->u.s == b));
    if (n == 2)
        MASK_LOOP((c->u.s != a) & (c->u.s != b));
    MASK_LOOP(str_test(c, k, out));
}

/* Tests of a column value against a few strings (see str_test). */
static uint64_t mask_strs(const lw__insn *in, const lw__val *col,
                          uint64_t bits, bool only_strs)
{
    const lw__sym *k[4];
    bool out = in->code == LW__I_NE_STR || in->code == LW__I_NOT_IN_STRS;
    uint32_t i, n = 1;
    uint64_t r = 0;
    unsigned j;

    if (in->code == LW__I_EQ_STR || in->code == LW__I_NE_STR) {
        k[0] = in->sym;
    } else {
        n = in->nset;
        for (i = 0; i < n; i++)
            k[i] = in->set[i];
    }
    for (i = n; i < 4; i++)
        k[i] = k[0];
    if (only_strs)
        return mask_strs_only(col, bits, k, n, out);
    if (out)
        MASK_LOOP(str_test(c, k, true));
    MASK_LOOP(str_test(c, k, false));
}

/*
 * Integer tests on a column of integers only (and missing values): the
 * comparison's sign picks the answer from the test's mask, and a
 * missing value is not equal to anything.  A missing value's payload is
 * zero, so against any other integer equality needs no tag test.
 */
static uint64_t mask_ints_only(const lw__insn *in, const lw__val *col,
                               uint64_t bits)
{
    const int64_t k = in->num.i;
    const unsigned mask = in->mask;
    uint64_t r = 0;
    unsigned j;

    if (in->code == LW__I_EQ_NUM && k != 0)
        MASK_LOOP(c->u.i == k);
    if (in->code == LW__I_NE_NUM && k != 0)
        MASK_LOOP(c->u.i != k);
    if (in->code == LW__I_EQ_NUM)
        MASK_LOOP((c->tag == LW__INT) & (c->u.i == k));
    if (in->code == LW__I_NE_NUM)
        MASK_LOOP((c->tag != LW__INT) | (c->u.i != k));
    MASK_LOOP((c->tag == LW__INT) &
              ((mask >> ((c->u.i > k) - (c->u.i < k) + 1)) & 1));
}

/* Can mask_strs run test in? */
static bool few_strings(const lw__insn *in)
{
    switch (in->code) {
    case LW__I_EQ_STR:
    case LW__I_NE_STR:
        return true;
    case LW__I_IN_STRS:
    case LW__I_NOT_IN_STRS:
        return in->nset >= 1 && in->nset <= 4;
    default:
        return false;
    }
}

/* Does a column hold values of one kind only (missing ones aside)? */
enum { COL_MIXED = 0, COL_STRS = 1, COL_INTS = 2, COL_ABSENT = 3 };

/* Can test in read its key from a column? */
static bool reads_column(const lw__insn *in)
{
    return in->code != LW__I_GENERIC && in->builtin < 0;
}

/* A test's column for a scan: its values and their kind. */
typedef struct col_ref {
    const lw__val *vals;
    uint8_t kind;
    bool whole;  /* the values tested, every step applied */
} col_ref;

/* A test's second key when its reference is two keys, else NULL. */
static const lw__sym *second_key(const lw_expr *e, const lw__insn *in)
{
    return in->nsteps == 1 ? e->steps[in->step0].key : NULL;
}

static bool int_test(const lw__insn *in)
{
    return (in->code == LW__I_EQ_NUM || in->code == LW__I_NE_NUM ||
            in->code == LW__I_REL_NUM) && in->num.is_int;
}

/* mask_plain for a key read from its column. */
static uint64_t mask_col(const lw__insn *test, const lw__val *col,
                         uint64_t bits, uint8_t kind)
{
    const lw__insn copy = *test;
    const lw__insn *in = &copy;
    const uint16_t sig = in->sym != NULL ? lw__col_sig(in->sym) : 0;
    uint64_t r = 0;
    unsigned j;

    if (few_strings(in))
        return mask_strs(in, col, bits, kind == COL_STRS);
    if (kind == COL_INTS && int_test(in))
        return mask_ints_only(in, col, bits);
    /* == and != on strings went to mask_strs. */
    switch (in->code) {
    case LW__I_EQ_NUM: MASK_COL(LW__I_EQ_NUM); break;
    case LW__I_NE_NUM: MASK_COL(LW__I_NE_NUM); break;
    case LW__I_REL_NUM: MASK_COL(LW__I_REL_NUM); break;
    case LW__I_HAS_STR: MASK_COL(LW__I_HAS_STR); break;
    case LW__I_IN_STRS: MASK_COL(LW__I_IN_STRS); break;
    default: MASK_COL(LW__I_NOT_IN_STRS); break;
    }
    return r;
}

#define MASK_VALUES(CODE)                                                  \
    while (bits) {                                                         \
        unsigned j = next_bit(&bits);                                      \
                                                                           \
        r |= (uint64_t)check(CODE, in, vals[j]) << j;                      \
    }

/* How many candidates ahead a column scan fetches strings' bytes. */
#define AHEAD 8

/*
 * CONTAINS on a column of the tested values ("contact.uri"): strings
 * whose byte pairs do not cover the needle's are false without being
 * read; the others, the candidates, are searched with the bytes of the
 * candidate AHEAD places on already being fetched.  Kept out of line:
 * its search, inlined here, would crowd the block scan's other loops.
 */
static LW__NOINLINE uint64_t mask_contains_col(const lw__insn *in,
                                               const lw__val *col,
                                               uint64_t bits)
{
    const lw__sym *x = in->sym;
    const uint32_t need = in->pairs;
    uint8_t cand[64];
    unsigned n = 0, i;
    uint64_t r = 0;

    while (bits) {
        unsigned j = next_bit(&bits);

        if (col[j].tag == LW__STR && (col[j].n & need) == need) {
            if (n < AHEAD)
                PREFETCH(col[j].u.s);
            cand[n++] = (uint8_t)j;
        }
    }
    for (i = 0; i < n; i++) {
        const lw__sym *h = col[cand[i]].u.s;

        if (i + AHEAD < n)
            PREFETCH(col[cand[i + AHEAD]].u.s);
        r |= (uint64_t)lw__substring_inline(h->bytes, h->len, x->bytes,
                                            x->len) << cand[i];
    }
    return r;
}

/*
 * Tests that follow pointers from the subject's value (further steps, a
 * string's bytes) first resolve every subject's value and prefetch what
 * it points to, then test: the memory accesses of one subject no longer
 * wait for those of the previous one.
 */
static uint64_t mask_two_phase(const lw_expr *e, const lw__insn *in,
                               const lw__subject *s, const lw__val *col,
                               uint64_t bits, uint32_t *hints)
{
    const lw__val *vals[64];
    lw__val tv[64];
    uint32_t nsteps = in->nsteps;
    const lw__step *next = nsteps > 0 ? &e->steps[in->step0] : NULL;
    bool one_key = nsteps == 1 && next->key != NULL;
    uint32_t h = hints[in->slot], h2 = one_key ? hints[next->slot] : 0;
    const lw__shape *sh = NULL;
    uint64_t todo = bits, r = 0;

    while (todo) {
        unsigned j = next_bit(&todo);
        const lw__val *v;

        if (col != NULL)
            v = col[j].tag == LW__COL_MISSING ? NULL : &col[j];
        else
            v = load(find_root(&s[j], in->key, &h, &sh), &tv[j]);

        /* One more key ("contact.email") is the common nested case. */
        if (one_key)
            v = v != NULL && v->tag == LW__OBJ
                    ? find(v, next->key, &h2, &tv[j])
                    : NULL;
        else if (nsteps > 0)
            v = walk(e, v, in->step0, nsteps, hints, &tv[j]);
        if (v != NULL)
            PREFETCH(v->u.items);
        vals[j] = v;
    }
    hints[in->slot] = h;
    if (one_key)
        hints[next->slot] = h2;
    switch (in->code) {
    case LW__I_HAS_STR: MASK_VALUES(LW__I_HAS_STR); break;
    case LW__I_CONTAINS_STR: MASK_VALUES(LW__I_CONTAINS_STR); break;
    case LW__I_EQ_STR: MASK_VALUES(LW__I_EQ_STR); break;
    case LW__I_NE_STR: MASK_VALUES(LW__I_NE_STR); break;
    case LW__I_EQ_NUM: MASK_VALUES(LW__I_EQ_NUM); break;
    case LW__I_NE_NUM: MASK_VALUES(LW__I_NE_NUM); break;
    case LW__I_REL_NUM: MASK_VALUES(LW__I_REL_NUM); break;
    case LW__I_IN_STRS: MASK_VALUES(LW__I_IN_STRS); break;
    default: MASK_VALUES(LW__I_NOT_IN_STRS); break;
    }
    return r;
}

/* The subjects among bits for which test in holds. */
static uint64_t mask_test(const lw_expr *e, const lw__insn *in,
                          const lw__subject *s, const col_ref *cr,
                          size_t base, uint64_t bits, uint32_t *hints)
{
    const lw__val *col = cr->vals != NULL ? cr->vals + base : NULL;
    uint64_t r = 0;

    if (in->code != LW__I_GENERIC && in->builtin < 0) {
        if (cr->whole)
            return in->code == LW__I_CONTAINS_STR
                       ? mask_contains_col(in, col, bits)
                       : mask_col(in, col, bits, cr->kind);
        if (in->nsteps > 0 || in->code == LW__I_CONTAINS_STR)
            return mask_two_phase(e, in, s, col, bits, hints);
        return mask_plain(in, s, bits, &hints[in->slot]);
    }
    while (bits) {
        unsigned j = next_bit(&bits);

        r |= (uint64_t)test(e, in, &s[j], hints) << j;
    }
    return r;
}

/* Results of tests fixed for a whole scan, per test. */
enum { RUN = 0, ALWAYS_FALSE = 1, ALWAYS_TRUE = 2 };

/*
 * A test whose key is held by no one but the program is in no document
 * of the table, so it sees a missing value in every subject of the scan
 * (the subjects' documents are alive, hence hold their keys, throughout).
 */
static void fix_absent_keys(const lw_expr *e, const col_ref *cols,
                            uint8_t *fixed)
{
    uint32_t pc;

    for (pc = 0; pc < e->ncode; pc++) {
        const lw__insn *in = &e->code[pc];

        fixed[pc] = RUN;
        if (!reads_column(in))
            continue;
        if (cols[pc].vals != NULL ? cols[pc].kind != COL_ABSENT
                                  : lw__sym_refs(e->syms, in->key) > in->own)
            continue;
        fixed[pc] = check(in->code, in, NULL) ? ALWAYS_TRUE : ALWAYS_FALSE;
    }
}

/* The subjects among the first n (<= 64) of s that the program takes. */
static uint64_t mask_block(const lw_expr *e, const lw__subject *s,
                           uint64_t start, uint32_t *hints,
                           const uint8_t *fixed, const col_ref *cols,
                           size_t base)
{
    uint64_t reach[BLOCK_MAX_TESTS];
    uint64_t yes = 0;
    uint32_t pc;

    memset(reach, 0, e->ncode * sizeof reach[0]);
    reach[e->entry] = start;
    for (pc = e->entry + 1; pc-- > 0;) {
        const lw__insn *in = &e->code[pc];
        uint64_t r, no;

        if (reach[pc] == 0)
            continue;
        if (fixed[pc] != RUN)
            r = fixed[pc] == ALWAYS_TRUE ? reach[pc] : 0;
        else
            r = mask_test(e, in, s, &cols[pc], base, reach[pc], hints);
        no = reach[pc] & ~r;
        if (in->t < LW__PC_FALSE)
            reach[in->t] |= r;
        else if (in->t == LW__PC_TRUE)
            yes |= r;
        if (in->f < LW__PC_FALSE)
            reach[in->f] |= no;
        else if (in->f == LW__PC_TRUE)
            yes |= no;
    }
    return yes;
}

/* out[i] = base + i for the 64 positions of a block. */
static void fill_block(uint32_t *out, uint32_t base)
{
    uint32_t i;

#if defined(__GNUC__)
    typedef uint32_t quad __attribute__((vector_size(16)));
    quad k = {base, base + 1, base + 2, base + 3};
    const quad four = {4, 4, 4, 4};

    for (i = 0; i < 64; i += 4) {
        memcpy(out + i, &k, sizeof k);
        k += four;
    }
#else
    for (i = 0; i < 64; i++)
        out[i] = base + i;
#endif
}

/* What kind of values column c holds. */
static uint8_t col_kind(const lw__column *c)
{
    uint32_t i, total = 0;

    for (i = 0; i < 9; i++)
        total += c->ntag[i];
    if (c->ntag[8] == total)
        return COL_ABSENT;
    if (c->ntag[LW__STR] + c->ntag[8] == total)
        return COL_STRS;
    if (c->ntag[LW__INT] + c->ntag[8] == total)
        return COL_INTS;
    return COL_MIXED;
}

/* The column of in's reference with key2, or NULL. */
static const lw__column *column_of(const lw__column *cols, uint32_t ncols,
                                   const lw__insn *in, const lw__sym *key2)
{
    uint32_t k;

    for (k = 0; k < ncols; k++)
        if (cols[k].key == in->key && cols[k].key2 == key2)
            return &cols[k];
    return NULL;
}

/*
 * Each test's column, from position first: the one holding the value
 * it tests ("contact.email"), else its top-level key's, else none.
 */
static void find_columns(const lw_expr *e, const lw__column *cols,
                         uint32_t ncols, size_t first, col_ref *out)
{
    uint32_t pc;

    for (pc = 0; pc < e->ncode; pc++) {
        const lw__insn *in = &e->code[pc];
        const lw__sym *key2 = reads_column(in) ? second_key(e, in) : NULL;
        const lw__column *c = NULL;

        if (reads_column(in)) {
            c = column_of(cols, ncols, in, key2);
            if (c == NULL && key2 != NULL)
                c = column_of(cols, ncols, in, NULL);
        }
        out[pc].vals = c != NULL ? c->vals + first : NULL;
        out[pc].kind = c != NULL ? col_kind(c) : COL_MIXED;
        out[pc].whole = c != NULL && (in->nsteps == 0 || c->key2 != NULL);
    }
}

/* The subjects of block base (m of them) that a scan visits. */
static uint64_t block_start(const uint64_t *used, size_t base, size_t m)
{
    if (used != NULL)
        return used[base / 64];
    return m == 64 ? UINT64_MAX : (((uint64_t)1 << m) - 1);
}

/* Programs too long for the block scan: one evaluation per subject. */
static uint64_t run_bits(const lw_expr *e, const lw__subject *s,
                         uint64_t bits, uint32_t *hints)
{
    uint64_t r = 0;

    while (bits) {
        unsigned j = next_bit(&bits);

        r |= (uint64_t)run(e, &s[j], hints) << j;
    }
    return r;
}

/* Write the positions of yes (block base) to out; how many. */
static size_t emit(uint64_t yes, size_t base, uint32_t *out)
{
    size_t count = 0;

    if (out == NULL)
        return POPCOUNT(yes);
    if (yes == UINT64_MAX) {  /* a full block */
        fill_block(out, (uint32_t)base);
        return 64;
    }
    while (yes)
        out[count++] = (uint32_t)(base + next_bit(&yes));
    return count;
}

/*
 * The scan behind every entry point: subjects[first, first + n), those
 * whose bit is set in used when used is given, 64 at a time.
 */
static size_t filter(const lw_expr *e, const lw__subject *subjects,
                     const lw__column *cols, uint32_t ncols, size_t first,
                     size_t n, const uint64_t *used, uint32_t *out_index)
{
    uint32_t hints[LW__EXPR_SLOTS] = {0};
    uint8_t fixed[BLOCK_MAX_TESTS] = {0};
    col_ref colv[BLOCK_MAX_TESTS];
    bool blocks = e->ncode <= BLOCK_MAX_TESTS;
    size_t base, count = 0;

    subjects += first;
    if (blocks) {
        find_columns(e, cols, ncols, first, colv);
        /* Worth a lock per test only when the scan is long. */
        if (n >= 32)
            fix_absent_keys(e, colv, fixed);
    }
    for (base = 0; base < n; base += 64) {
        size_t m = n - base < 64 ? n - base : 64;
        uint64_t yes = block_start(used, base, m);

        if (yes != 0 && e->entry != LW__PC_TRUE)
            yes = blocks ? mask_block(e, subjects + base, yes, hints, fixed,
                                      colv, base)
                         : run_bits(e, subjects + base, yes, hints);
        count += emit(yes, base, out_index ? out_index + count : NULL);
    }
    return count;
}

size_t lw__expr_filter(const lw_expr *e, const lw__subject *subjects,
                       size_t n, uint32_t *out_index)
{
    return lw__expr_filter_cols(e, subjects, NULL, 0, 0, n, out_index);
}

size_t lw__expr_filter_cols(const lw_expr *e, const lw__subject *subjects,
                            const lw__column *cols, uint32_t ncols,
                            size_t first, size_t n, uint32_t *out_index)
{
    if (e == NULL || (subjects == NULL && n > 0) || e->entry == LW__PC_FALSE)
        return 0;
    return filter(e, subjects, cols, ncols, first, n, NULL, out_index);
}

size_t lw__expr_count_masked(const lw_expr *e, const lw__subject *subjects,
                             const lw__column *cols, uint32_t ncols,
                             const uint64_t *used, size_t words)
{
    if (e == NULL || e->entry == LW__PC_FALSE || words == 0)
        return 0;  /* no slots yet: subjects may be NULL */
    return filter(e, subjects, cols, ncols, 0, words * 64, used, NULL);
}

bool lw__expr_reads_only_columns(const lw_expr *e)
{
    uint32_t pc;

    if (e == NULL || e->ncode > BLOCK_MAX_TESTS)
        return false;
    for (pc = 0; pc < e->ncode; pc++)
        if (!reads_column(&e->code[pc]))
            return false;
    return true;
}

uint32_t lw__expr_column_keys(const lw_expr *e, lw__col_key *keys,
                              uint32_t max)
{
    uint32_t pc, k, n = 0;

    if (e == NULL || e->ncode > BLOCK_MAX_TESTS)
        return 0;
    for (pc = 0; pc < e->ncode && n < max; pc++) {
        const lw__insn *in = &e->code[pc];
        const lw__sym *key2;

        if (!reads_column(in))
            continue;
        key2 = second_key(e, in);
        for (k = 0; k < n; k++)
            if (keys[k].key == in->key && keys[k].key2 == key2)
                break;
        if (k == n) {
            keys[n].key = in->key;
            keys[n++].key2 = key2;
        }
    }
    return n;
}

/* The signature of an array's string elements. */
static uint16_t array_sig(const lw__val *v)
{
    uint16_t sig = 0;
    uint32_t i;

    for (i = 0; i < v->n; i++)
        if ((v->u.items[i] & LW__C_KIND) == LW__C_STR)
            sig |= lw__col_sig(lw__cell_sym(v->u.items[i]));
    return sig;
}

void lw__col_value(const lw__val *v, lw__val *out)
{
    if (v == NULL) {
        memset(out, 0, sizeof *out);
        out->tag = LW__COL_MISSING;
        return;
    }
    *out = *v;
    out->spare = v->tag == LW__ARR ? array_sig(v) : 0;
    if (v->tag == LW__STR)
        out->n = lw__pair_sig(v->u.s->bytes, v->u.s->len);
}

/* ---- public entry points ------------------------------------------------ */

/* The members of an empty root: none, after a NULL shape. */
static const lw__cell empty_members[1];

void lw__subject_set(lw__subject *s, const lw_attrs *doc,
                     const lw__sym *const *builtins)
{
    lw__val root = {LW__OBJ, 0, 0, 0, {0}};

    if (doc != NULL)
        root = lw__val_of(lw__attrs_root(doc));
    s->builtins = builtins;
    s->values = root.n > 0 ? root.u.items : empty_members + 1;
}

/* The subject of a document, or false when it cannot be evaluated. */
static bool doc_subject(const lw_expr *e, const lw_attrs *doc,
                        lw__subject *s)
{
    if (doc != NULL && doc->syms != e->syms) {
        lw__subject_set(s, NULL, NULL);
        return false;
    }
    lw__subject_set(s, doc, NULL);
    return true;
}

bool lw_expr_eval(const lw_expr *e, const lw_attrs *root)
{
    lw__subject s;

    if (e == NULL || !doc_subject(e, root, &s))
        return false;
    return lw__expr_eval(e, &s);
}

/*
 * The public scan: documents go through the block scan 64 at a time;
 * one from another symbol table is evaluated as an empty object and then
 * left out.
 */
size_t lw_expr_filter(const lw_expr *e, const lw_attrs *const *docs,
                      size_t n, uint32_t *out_index)
{
    lw__subject subj[64];
    uint32_t idx[64];
    size_t base, i, count = 0;

    if (e == NULL || (docs == NULL && n > 0))
        return 0;
    for (base = 0; base < n; base += 64) {
        size_t m = n - base < 64 ? n - base : 64;
        uint64_t foreign = 0;
        size_t k;

        for (i = 0; i < m; i++)
            if (!doc_subject(e, docs[base + i], &subj[i]))
                foreign |= (uint64_t)1 << i;
        k = lw__expr_filter(e, subj, m, idx);
        for (i = 0; i < k; i++) {
            if ((foreign >> idx[i]) & 1)
                continue;
            if (out_index != NULL)
                out_index[count] = (uint32_t)(base + idx[i]);
            count++;
        }
    }
    return count;
}
