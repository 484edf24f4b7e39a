/*
 * expr_eval.c - runs compiled programs: resolves references with
 * per-call inline caches, applies the specialised tests, and scans arrays
 * of subjects.  Programs are never written to here, so threads share them.
 */
#include <string.h>

#include "expr_impl.h"

#define ALWAYS_INLINE LW__ALWAYS_INLINE

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#define LOWEST_BIT(x) ((unsigned)__builtin_ctzll(x))
#define POPCOUNT(x) ((size_t)__builtin_popcountll(x))
#else
#define PREFETCH(p) ((void)(p))
#define LOWEST_BIT(x) lowest_bit(x)
#define POPCOUNT(x) popcount(x)

static unsigned lowest_bit(uint64_t x)
{
    unsigned n = 0;

    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
}

static size_t popcount(uint64_t x)
{
    size_t n = 0;

    for (; x != 0; x &= x - 1)
        n++;
    return n;
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

/* Member of obj with the given key; *hint is the inline cache. */
static ALWAYS_INLINE const lw__val *find(const lw__val *obj,
                                         const lw__sym *key, uint32_t *hint)
{
    uint32_t i = *hint;

    if (LW__LIKELY(i < obj->n && lw__obj_keys(obj)[i] == key))
        return &obj->u.items[i];
    i = find_slot(obj, key);
    if (i == obj->n)
        return NULL;
    *hint = i;
    return &obj->u.items[i];
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
static ALWAYS_INLINE const lw__val *find_root(const lw__subject *s,
                                              const lw__sym *key,
                                              uint32_t *hint,
                                              const lw__shape **shape)
{
    uint32_t i;

    /* mask_plain() expands a copy for CONTAINS_STR, which mask_test()
     * always sends to mask_two_phase(): that copy never runs.  The other
     * copies take every branch here (test/test_expr_paths.c). */
    /* GCOVR_EXCL_BR_START */
    if (LW__LIKELY(s->shape != NULL && s->shape == *shape))
        return *hint == NO_SLOT ? NULL : &s->values[*hint];
    i = find_slot(s->root, key);
    *shape = s->shape;
    *hint = i < s->root->n ? i : NO_SLOT;
    return i < s->root->n ? &s->root->u.items[i] : NULL;
    /* GCOVR_EXCL_BR_STOP */
}

/* ---- references --------------------------------------------------------- */

/* Walk the steps after the first from v; NULL when any is missing. */
static const lw__val *walk(const lw_expr *e, const lw__val *v, uint32_t step0,
                           uint32_t n, uint32_t *hints)
{
    const lw__step *s = &e->steps[step0];
    const lw__step *end = s + n;

    for (; s < end && v != NULL; s++) {
        if (s->key != NULL)
            v = v->tag == LW__OBJ ? find(v, s->key, &hints[s->slot])
                                  : NULL;
        else
            v = v->tag == LW__ARR && s->index < v->n ? &v->u.items[s->index]
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
        v = find(s->root, first->key, &hints[first->slot]);
    return walk(e, v, o->step0 + 1, o->nsteps - 1, hints);
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

/* Does an array hold string x?  All-string arrays skip the tag test. */
static ALWAYS_INLINE bool has_str(const lw__val *v, const lw__sym *x)
{
    const lw__val *it = v->u.items;
    const lw__val *end = it + v->n;

    if (v->flags & LW__VAL_ALL_STR) {
        for (; it < end; it++)
            if (it->u.s == x)
                return true;
        return false;
    }
    for (; it < end; it++)
        if (it->tag == LW__STR && it->u.s == x)
            return true;
    return false;
}

static ALWAYS_INLINE bool num_test(const lw__val *v, const lw__num *c, int *out)
{
    lw__num x;

    if (v->tag == LW__INT && c->is_int) {
        *out = v->u.i < c->i ? -1 : (v->u.i > c->i);
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
        v = find(s->root, in->key, &hints[in->slot]);
    if (LW__UNLIKELY(in->nsteps > 0))
        v = walk(e, v, in->step0, in->nsteps, hints);
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

    if (e == NULL || s == NULL || s->root == NULL)
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
            const lw__val *v = find_root(&s[j], in->key, &h, &sh);         \
                                                                           \
            r |= (uint64_t)check(CODE, in, v) << j;                        \
        }                                                                  \
        break;                                                             \
    }                                                                      \
    while (bits) {                                                         \
        const lw__val *v;                                                  \
                                                                           \
        j = next_bit(&bits);                                               \
        v = find_root(&s[j], in->key, &h, &sh);                            \
        r |= (uint64_t)check(CODE, in, v) << j;                            \
    }

static uint64_t mask_plain(const lw__insn *test, const lw__subject *s,
                           uint64_t bits, uint32_t *hint)
{
    const lw__insn copy = *test;  /* constants the loop keeps in registers */
    const lw__insn *in = &copy;
    uint64_t r = 0;
    uint32_t h = *hint;
    const lw__shape *sh = NULL;
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

#define MASK_VALUES(CODE)                                                  \
    while (bits) {                                                         \
        unsigned j = next_bit(&bits);                                      \
                                                                           \
        r |= (uint64_t)check(CODE, in, vals[j]) << j;                      \
    }

/*
 * Tests that follow pointers from the subject's value (further steps, a
 * string's bytes) first resolve every subject's value and prefetch what
 * it points to, then test: the memory accesses of one subject no longer
 * wait for those of the previous one.
 */
static uint64_t mask_two_phase(const lw_expr *e, const lw__insn *in,
                               const lw__subject *s, uint64_t bits,
                               uint32_t *hints)
{
    const lw__val *vals[64];
    const lw__step *next = in->nsteps > 0 ? &e->steps[in->step0] : NULL;
    bool one_key = in->nsteps == 1 && next->key != NULL;
    uint32_t h = hints[in->slot], h2 = one_key ? hints[next->slot] : 0;
    const lw__shape *sh = NULL;
    uint64_t todo = bits, r = 0;

    while (todo) {
        unsigned j = next_bit(&todo);
        const lw__val *v = find_root(&s[j], in->key, &h, &sh);

        /* One more key ("contact.email") is the common nested case. */
        if (one_key)
            v = v != NULL && v->tag == LW__OBJ ? find(v, next->key, &h2)
                                               : NULL;
        else if (in->nsteps > 0)
            v = walk(e, v, in->step0, in->nsteps, hints);
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
                          const lw__subject *s, uint64_t bits,
                          uint32_t *hints)
{
    uint64_t r = 0;

    if (in->code != LW__I_GENERIC && in->builtin < 0) {
        if (in->nsteps > 0 || in->code == LW__I_CONTAINS_STR)
            return mask_two_phase(e, in, s, bits, hints);
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
static void fix_absent_keys(const lw_expr *e, uint8_t *fixed)
{
    uint32_t pc;

    for (pc = 0; pc < e->ncode; pc++) {
        const lw__insn *in = &e->code[pc];

        fixed[pc] = RUN;
        if (in->code == LW__I_GENERIC || in->builtin >= 0 ||
            lw__sym_refs(e->syms, in->key) > in->own)
            continue;
        fixed[pc] = check(in->code, in, NULL) ? ALWAYS_TRUE : ALWAYS_FALSE;
    }
}

/* The subjects among the first n (<= 64) of s that the program takes. */
static uint64_t mask_block(const lw_expr *e, const lw__subject *s, size_t n,
                           uint32_t *hints, const uint8_t *fixed)
{
    uint64_t reach[BLOCK_MAX_TESTS];
    uint64_t yes = 0;
    uint32_t pc;

    memset(reach, 0, e->ncode * sizeof reach[0]);
    reach[e->entry] = n == 64 ? UINT64_MAX : (((uint64_t)1 << n) - 1);
    for (pc = e->entry + 1; pc-- > 0;) {
        const lw__insn *in = &e->code[pc];
        uint64_t r, no;

        if (reach[pc] == 0)
            continue;
        if (fixed[pc] != RUN)
            r = fixed[pc] == ALWAYS_TRUE ? reach[pc] : 0;
        else
            r = mask_test(e, in, s, reach[pc], hints);
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

/* out[i] = base + i for i < n, with vector stores where possible. */
static void fill_positions(uint32_t *out, uint32_t base, size_t n)
{
    size_t i = 0;

#if defined(__GNUC__)
    typedef uint32_t quad __attribute__((vector_size(16)));
    quad k = {base, base + 1, base + 2, base + 3};
    const quad four = {4, 4, 4, 4};

    for (; i + 4 <= n; i += 4) {
        memcpy(out + i, &k, sizeof k);
        k += four;
    }
#endif
    for (; i < n; i++)
        out[i] = base + (uint32_t)i;
}

static size_t scan_blocks(const lw_expr *e, const lw__subject *subjects,
                          size_t n, uint32_t *out_index)
{
    uint32_t hints[LW__EXPR_SLOTS] = {0};
    uint8_t fixed[BLOCK_MAX_TESTS] = {0};
    size_t base, count = 0;

    /* Worth a lock per test only when the scan is long. */
    if (n >= 32)
        fix_absent_keys(e, fixed);
    for (base = 0; base < n; base += 64) {
        size_t m = n - base < 64 ? n - base : 64;
        uint64_t yes = mask_block(e, subjects + base, m, hints, fixed);

        if (out_index == NULL) {
            count += POPCOUNT(yes);
            continue;
        }
        if (yes == UINT64_MAX) {
            fill_positions(out_index + count, (uint32_t)base, m);
            count += m;
            continue;
        }
        while (yes)
            out_index[count++] = (uint32_t)(base + next_bit(&yes));
    }
    return count;
}

size_t lw__expr_filter(const lw_expr *e, const lw__subject *subjects,
                       size_t n, uint32_t *out_index)
{
    uint32_t hints[LW__EXPR_SLOTS] = {0};
    size_t i, count = 0;

    if (e == NULL || (subjects == NULL && n > 0) || e->entry == LW__PC_FALSE)
        return 0;
    if (e->entry == LW__PC_TRUE) {
        if (out_index != NULL)
            fill_positions(out_index, 0, n);
        return n;
    }
    if (e->ncode <= BLOCK_MAX_TESTS)
        return scan_blocks(e, subjects, n, out_index);
    for (i = 0; i < n; i++) {
        bool r = run(e, &subjects[i], hints);

        if (out_index != NULL)
            out_index[count] = (uint32_t)i;
        count += r;
    }
    return count;
}

/* ---- public entry points ------------------------------------------------ */

/* An empty object, the root of a NULL document. */
static const lw__val empty_items[1];
static const lw__val empty_root = {LW__OBJ, 0, 0, 0, {.items = empty_items}};

void lw__subject_set(lw__subject *s, const lw_attrs *doc,
                     const lw__sym *const *builtins)
{
    s->builtins = builtins;
    s->root = doc != NULL ? lw__attrs_root(doc) : &empty_root;
    s->shape = doc != NULL ? doc->shape : NULL;
    s->values = s->root->u.items;
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
