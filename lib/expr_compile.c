/*
 * expr_compile.c - turns the parsed tree into a program: one block that
 * holds the tree (for explanations) and a flat array of tests wired with
 * true/false jumps, constants folded and common shapes specialised.
 */
#include <stdlib.h>
#include <string.h>

#include "expr_impl.h"

/* ---- layout ------------------------------------------------------------- */

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

typedef struct layout {
    size_t code, nodes, opds, steps, pool, ptrs, symv, total;
} layout;

static void plan(const lw__parse *p, layout *l)
{
    l->code = align16(sizeof(struct lw_expr));
    l->nodes = l->code + align16((size_t)p->ncmp * sizeof(lw__insn));
    l->opds = l->nodes + align16((size_t)p->nodes.n * sizeof(lw__node));
    l->steps = l->opds + align16((size_t)p->opds.n * sizeof(lw__operand));
    l->pool = l->steps + align16((size_t)p->steps.n * sizeof(lw__step));
    /* each element's cell, then a box for each (doubles use theirs) */
    l->ptrs = l->pool + align16((size_t)p->pool.n * 2 * sizeof(lw__cell));
    l->symv = l->ptrs + align16((size_t)p->pool.n * sizeof(lw__sym *));
    l->total = l->symv + (size_t)p->symv.n * sizeof(lw__sym *);
}

/*
 * Copy the parse into the block; array literals become cells in its
 * pool, as a document would hold them, and their operands point there.
 */
static void fill(struct lw_expr *e, char *base, const layout *l,
                 const lw__parse *p)
{
    lw__operand *opds = (lw__operand *)(void *)(base + l->opds);
    lw__cell *pool = (lw__cell *)(void *)(base + l->pool);
    const lw__val *vals = p->pool.data;
    uint32_t i;

    memcpy(base + l->nodes, p->nodes.data, p->nodes.n * sizeof(lw__node));
    memcpy(opds, p->opds.data, p->opds.n * sizeof(lw__operand));
    memcpy(base + l->steps, p->steps.data, p->steps.n * sizeof(lw__step));
    for (i = 0; i < p->pool.n; i++)
        lw__cell_set(&pool[i], &vals[i], &pool[p->pool.n + i]);
    memcpy(base + l->symv, p->symv.data, p->symv.n * sizeof(lw__sym *));
    for (i = 0; i < p->opds.n; i++)
        if (opds[i].kind == LW__OPD_ARRAY)
            opds[i].val.u.items = pool + opds[i].items;

    e->code = (const lw__insn *)(void *)(base + l->code);
    e->nodes = (const lw__node *)(void *)(base + l->nodes);
    e->opds = opds;
    e->steps = (const lw__step *)(void *)(base + l->steps);
    e->pool = pool;
    e->ptrs = (const lw__sym *const *)(void *)(base + l->ptrs);
    e->symv = (const lw__sym **)(void *)(base + l->symv);
    e->nnodes = p->nodes.n;
    e->nsymv = p->symv.n;
    e->root = p->root;
}

/* ---- code generation ---------------------------------------------------- */

typedef struct gen {
    struct lw_expr *e;
    lw__node *nodes;    /* the block's tree, writable while compiling */
    lw__insn *code;
    const lw__sym **ptrs;
    uint32_t nptrs;
} gen;

/* The operator seen from the other side: a OP b == b MIRROR(OP) a. */
static bool mirror(lw__op op, lw__op *out)
{
    static const int8_t m[] = {
        [LW__OP_EQ] = LW__OP_EQ,   [LW__OP_NE] = LW__OP_NE,
        [LW__OP_GT] = LW__OP_LT,   [LW__OP_GE] = LW__OP_LE,
        [LW__OP_LT] = LW__OP_GT,   [LW__OP_LE] = LW__OP_GE,
        [LW__OP_HAS] = LW__OP_IN,  [LW__OP_IN] = LW__OP_HAS,
        [LW__OP_NOT_IN] = -1,      [LW__OP_CONTAINS] = -1,
    };

    if (m[op] < 0)
        return false;
    *out = (lw__op)m[op];
    return true;
}

static int ptr_order(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const lw__sym *const *)a;
    uintptr_t y = (uintptr_t)*(const lw__sym *const *)b;

    return x < y ? -1 : (x > y);
}

/* The strings of an all-string array, sorted by address. */
static void make_set(gen *g, lw__insn *in, const lw__val *arr)
{
    const lw__sym **set = g->ptrs + g->nptrs;
    uint32_t i;

    for (i = 0; i < arr->n; i++)
        set[i] = lw__val_of(&arr->u.items[i]).u.s;
    qsort(set, arr->n, sizeof *set, ptr_order);
    in->set = set;
    in->nset = arr->n;
    g->nptrs += arr->n;
}

static uint8_t rel_mask(lw__op op)
{
    switch (op) {
    case LW__OP_GT: return 4;
    case LW__OP_GE: return 6;
    case LW__OP_LT: return 1;
    default: return 3;
    }
}

static bool is_number(const lw__val *v)
{
    return v->tag == LW__INT || v->tag == LW__DOUBLE;
}

/* Pick a specialised test for "reference OP constant", or GENERIC. */
static void specialise(gen *g, lw__insn *in, lw__op op, const lw__operand *c)
{
    const lw__val *v = &c->val;
    bool str = c->kind == LW__OPD_CONST && v->tag == LW__STR;
    bool num = c->kind == LW__OPD_CONST && is_number(v);
    bool strs = c->kind == LW__OPD_ARRAY && (v->flags & LW__VAL_ALL_STR);

    in->code = LW__I_GENERIC;
    in->sym = str ? v->u.s : NULL;
    if (num)
        lw__val_number(v, &in->num);
    if ((op == LW__OP_EQ || op == LW__OP_NE) && (str || num))
        in->code = str ? (op == LW__OP_EQ ? LW__I_EQ_STR : LW__I_NE_STR)
                       : (op == LW__OP_EQ ? LW__I_EQ_NUM : LW__I_NE_NUM);
    else if (op >= LW__OP_GT && op <= LW__OP_LE && num)
        in->code = LW__I_REL_NUM;
    else if (op == LW__OP_HAS && str)
        in->code = LW__I_HAS_STR;
    else if (op == LW__OP_CONTAINS && str) {
        in->code = LW__I_CONTAINS_STR;
        in->pairs = lw__pair_sig(v->u.s->bytes, v->u.s->len);
    }
    else if ((op == LW__OP_IN || op == LW__OP_NOT_IN) && strs)
        in->code = op == LW__OP_IN ? LW__I_IN_STRS : LW__I_NOT_IN_STRS;

    in->mask = rel_mask(op);
    if (in->code == LW__I_IN_STRS || in->code == LW__I_NOT_IN_STRS)
        make_set(g, in, v);
}

/*
 * How many references the program itself holds on sym.  Large programs
 * answer 0, which only turns off the absent-key shortcut of scans.
 */
static uint32_t own_refs(const struct lw_expr *e, const lw__sym *sym)
{
    uint32_t i, n = 0;

    if (e->nsymv > 256)
        return 0;
    for (i = 0; i < e->nsymv; i++)
        n += e->symv[i] == sym;
    return n;
}

static uint32_t emit_cmp(gen *g, uint32_t idx, uint32_t t, uint32_t f)
{
    const lw__node *n = &g->e->nodes[idx];
    const lw__operand *l = &g->e->opds[n->lhs];
    const lw__operand *r = &g->e->opds[n->rhs];
    lw__op op = (lw__op)n->op;
    lw__insn *in;

    if (l->kind != LW__OPD_REF && r->kind != LW__OPD_REF)
        return lw__val_compare(op, &l->val, &r->val) ? t : f;

    in = &g->code[g->e->ncode];
    memset(in, 0, sizeof *in);
    in->t = t;
    in->f = f;
    in->op = (uint8_t)op;
    in->lhs = n->lhs;
    in->rhs = n->rhs;
    in->node = idx;
    in->builtin = -1;
    if (l->kind != LW__OPD_REF && mirror(op, &op)) {
        const lw__operand *tmp = l;

        l = r;
        r = tmp;
    }
    if (l->kind == LW__OPD_REF && r->kind != LW__OPD_REF) {
        const lw__step *s = &g->e->steps[l->step0];

        in->key = s->key;
        in->slot = s->slot;
        in->builtin = l->builtin;
        in->step0 = l->step0 + 1;
        in->nsteps = l->nsteps - 1;
        in->own = own_refs(g->e, s->key);
        specialise(g, in, op, r);
    }
    return g->e->ncode++;
}

/* Reverse a sibling list in place; returns the new first. */
static uint32_t reverse(lw__node *nodes, uint32_t first)
{
    uint32_t prev = LW__NONE;
    uint32_t c = first;

    while (c != LW__NONE) {
        uint32_t next = nodes[c].next;

        nodes[c].next = prev;
        prev = c;
        c = next;
    }
    return prev;
}

/*
 * A rough cost of testing node idx once, kept in its spare field: a
 * substring search costs most, then a comparison of two references, a
 * path to walk, a HAS or an IN list; AND and OR add their children up.
 */
static uint32_t cost(gen *g, uint32_t idx)
{
    lw__node *n = &g->nodes[idx];
    uint32_t c = 0, k;

    if (n->kind == LW__N_CMP) {
        const lw__operand *l = &g->e->opds[n->lhs];
        const lw__operand *r = &g->e->opds[n->rhs];

        c = n->op == LW__OP_CONTAINS ? 8
            : n->op == LW__OP_HAS ? 3
            : n->op == LW__OP_IN || n->op == LW__OP_NOT_IN ? 2 : 1;
        if (l->kind == LW__OPD_REF && r->kind == LW__OPD_REF)
            c += 6;
        if ((l->kind == LW__OPD_REF && l->nsteps > 1) ||
            (r->kind == LW__OPD_REF && r->nsteps > 1))
            c += 2;
    } else {
        for (k = n->first; k != LW__NONE; k = g->nodes[k].next)
            c += cost(g, k);
    }
    n->spare = (uint16_t)(c < UINT16_MAX ? c : UINT16_MAX);
    return n->spare;
}

/* Reorder up to this many children of an AND or OR, cheapest first. */
#define ORDER_MAX 16

/*
 * The children of n in the order they are tested: cheapest first, ties
 * in the order written.  Evaluation has no side effects and never fails,
 * so the order changes how much work a scan does, never its result.
 */
static uint32_t test_order(const gen *g, const lw__node *n, uint32_t *kids)
{
    uint32_t k = 0, c, i;

    for (c = n->first; c != LW__NONE; c = g->nodes[c].next) {
        uint32_t at = k++;

        for (i = at; i > 0 && g->nodes[kids[i - 1]].spare >
                                  g->nodes[c].spare; i--)
            kids[i] = kids[i - 1];
        kids[i] = c;
    }
    return k;
}

/* Emit code for node idx that jumps to t when it holds, f otherwise. */
static uint32_t emit(gen *g, uint32_t idx, uint32_t t, uint32_t f)
{
    lw__node *n = &g->nodes[idx];
    bool and = n->kind == LW__N_AND;
    uint32_t entry = and ? t : f;
    uint32_t kids[ORDER_MAX];
    uint32_t last, c, k;

    if (n->kind == LW__N_CMP)
        return emit_cmp(g, idx, t, f);
    if (n->kind == LW__N_NOT)
        return emit(g, n->first, f, t);

    /* Children are emitted last to first so each knows its successor. */
    if (n->count <= ORDER_MAX) {
        for (k = test_order(g, n, kids); k-- > 0;)
            entry = and ? emit(g, kids[k], entry, f)
                        : emit(g, kids[k], t, entry);
        return entry;
    }
    last = reverse(g->nodes, n->first);
    for (c = last; c != LW__NONE; c = g->nodes[c].next)
        entry = and ? emit(g, c, entry, f) : emit(g, c, t, entry);
    reverse(g->nodes, last);
    return entry;
}

/* ---- compile ------------------------------------------------------------ */

static lw_result build(lw__parse *p, const char *text, uint32_t len,
                       lw_expr **out, lw_error *err)
{
    layout l;
    char *base;
    struct lw_expr *e;
    gen g;

    plan(p, &l);
    base = lw__malloc(p->alloc, l.total);
    if (base == NULL)
        return lw__fail_code(err, LW_ERR_NOMEM);
    e = (struct lw_expr *)(void *)base;
    memset(e, 0, sizeof *e);
    e->syms = p->syms;
    e->alloc = p->alloc;
    e->text = text;
    e->text_len = len;
    fill(e, base, &l, p);

    g.e = e;
    g.nodes = (lw__node *)(void *)(base + l.nodes);
    g.code = (lw__insn *)(void *)(base + l.code);
    g.ptrs = (const lw__sym **)(void *)(base + l.ptrs);
    g.nptrs = 0;
    cost(&g, e->root);
    e->entry = emit(&g, e->root, LW__PC_TRUE, LW__PC_FALSE);
    *out = e;
    return LW_OK;
}

lw_result lw_expr_compile(lw_symtab *syms, const char *text, size_t len,
                          lw_expr **out, lw_error *err)
{
    lw__parse p;
    char *copy;
    lw_result rc;

    if (syms == NULL || out == NULL || (text == NULL && len > 0))
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "lw_expr_compile: syms, text and out are required");
    if (len > LW_EXPR_MAX_BYTES)
        return lw__fail(err, LW_ERR_TOO_LARGE, LW_EXPR_MAX_BYTES,
                        "expression too long at offset %d (at most %d "
                        "bytes)", LW_EXPR_MAX_BYTES, LW_EXPR_MAX_BYTES);

    copy = lw__strndup(lw__symtab_alloc(syms), text != NULL ? text : "",
                       len);
    if (copy == NULL)
        return lw__fail_code(err, LW_ERR_NOMEM);
    rc = lw__expr_parse(&p, syms, copy, (uint32_t)len, err);
    if (rc == LW_OK) {
        rc = build(&p, copy, (uint32_t)len, out, err);
        lw__parse_release(&p, rc != LW_OK);
    }
    if (rc != LW_OK) {
        lw__free(lw__symtab_alloc(syms), copy);
        return rc;
    }
    lw_symtab_retain(syms);
    return LW_OK;
}

void lw_expr_free(lw_expr *e)
{
    const lw_allocator *alloc;
    lw_symtab *syms;
    uint32_t i;

    if (e == NULL)
        return;
    alloc = e->alloc;
    syms = e->syms;
    for (i = 0; i < e->nsymv; i++)
        lw__sym_release(syms, e->symv[i]);
    lw__free(alloc, (void *)(uintptr_t)e->text);
    lw__free(alloc, e);
    lw_symtab_release(syms);
}

const char *lw_expr_text(const lw_expr *e, size_t *len)
{
    if (e == NULL) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = e->text_len;
    return e->text;
}

lw_symtab *lw__expr_symtab(const lw_expr *e)
{
    return e != NULL ? e->syms : NULL;
}
