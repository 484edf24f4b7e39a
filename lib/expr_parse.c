/*
 * expr_parse.c - recursive-descent parser of target-workers expressions:
 * builds the tree of comparisons, AND, OR and NOT, interns names and
 * strings, and enforces the nesting and array limits.
 */
#include <stdio.h>
#include <string.h>

#include "expr_impl.h"

#define DESC_SIZE 64

/* ---- growable arrays ---------------------------------------------------- */

static void vec_init(lw__vec *v, void *buf, uint32_t cap, uint32_t size)
{
    v->data = buf;
    v->n = 0;
    v->cap = cap;
    v->size = size;
    v->heap = false;
}

/* A zeroed new last element, or NULL (err filled) when out of memory. */
static void *vec_push(lw__parse *p, lw__vec *v)
{
    char *slot;

    if (v->n == v->cap) {
        size_t cap = (size_t)v->cap * 2;
        void *grown = lw__malloc(p->alloc, cap * v->size);

        if (grown == NULL) {
            lw__fail_code(p->err, LW_ERR_NOMEM);
            return NULL;
        }
        memcpy(grown, v->data, (size_t)v->n * v->size);
        if (v->heap)
            lw__free(p->alloc, v->data);
        v->data = grown;
        v->cap = (uint32_t)cap;
        v->heap = true;
    }
    slot = (char *)v->data + (size_t)v->n * v->size;
    memset(slot, 0, v->size);
    v->n++;
    return slot;
}

static void vec_free(lw__parse *p, lw__vec *v)
{
    if (v->heap)
        lw__free(p->alloc, v->data);
    v->heap = false;
    v->data = NULL;
    v->n = 0;
}

#define NODE(p, i) (&((lw__node *)(p)->nodes.data)[i])
#define OPD(p, i) (&((lw__operand *)(p)->opds.data)[i])
#define STEP(p, i) (&((lw__step *)(p)->steps.data)[i])

void lw__parse_release(lw__parse *p, bool release_syms)
{
    uint32_t i;

    if (release_syms) {
        const lw__sym **v = p->symv.data;

        for (i = 0; i < p->symv.n; i++)
            lw__sym_release(p->syms, v[i]);
    }
    vec_free(p, &p->nodes);
    vec_free(p, &p->opds);
    vec_free(p, &p->steps);
    vec_free(p, &p->pool);
    vec_free(p, &p->symv);
}

/* ---- tokens ------------------------------------------------------------- */

static lw_result advance(lw__parse *p)
{
    p->end = p->tok.off + p->tok.len;
    return lw__lex_next(&p->lx, &p->tok, p->err);
}

static void describe(lw__parse *p, char *buf)
{
    lw__tok_describe(p->lx.text, &p->tok, buf, DESC_SIZE);
}

/* "expected <what> at offset N, found <token><hint>" at the current token. */
static lw_result expected(lw__parse *p, const char *what, const char *hint)
{
    char found[DESC_SIZE];

    describe(p, found);
    return lw__fail(p->err, LW_ERR_SYNTAX, p->tok.off,
                    "expected %s at offset %u, found %s%s", what,
                    (unsigned)p->tok.off, found, hint);
}

/* Intern a token's bytes and keep the reference in symv. */
static lw_result intern(lw__parse *p, const char *s, size_t len,
                        const lw__sym **out)
{
    const lw__sym **slot = vec_push(p, &p->symv);
    lw_result rc;

    if (slot == NULL)
        return LW_ERR_NOMEM;
    rc = lw__sym_intern(p->syms, s, len, out);
    if (rc != LW_OK) {
        p->symv.n--;
        return lw__fail_code(p->err, rc);
    }
    *slot = *out;
    return LW_OK;
}

/* ---- constants ---------------------------------------------------------- */

static bool is_constant(lw__tok_kind k)
{
    return k == LW__T_STRING || k == LW__T_NUMBER || k == LW__T_TRUE ||
           k == LW__T_FALSE || k == LW__T_NULL;
}

/* The current token, a constant, as a value (and number for strings). */
static lw_result constant(lw__parse *p, lw__val *v, lw__num *num)
{
    const lw__tok *t = &p->tok;
    lw_result rc;

    memset(v, 0, sizeof *v);
    switch (t->kind) {
    case LW__T_STRING:
        v->tag = LW__STR;
        rc = intern(p, p->lx.text + t->off + 1, t->len - 2, &v->u.s);
        if (rc != LW_OK)
            return rc;
        if (num != NULL && v->u.s->decimal)
            lw__decimal_value(v->u.s->bytes, v->u.s->len, num);
        break;
    case LW__T_NUMBER:
        v->tag = t->num.is_int ? LW__INT : LW__DOUBLE;
        if (t->num.is_int)
            v->u.i = t->num.i;
        else
            v->u.d = t->num.d;
        if (num != NULL)
            *num = t->num;
        break;
    case LW__T_TRUE:
        v->tag = LW__TRUE;
        break;
    case LW__T_FALSE:
        v->tag = LW__FALSE;
        break;
    default:
        v->tag = LW__NULL;
        break;
    }
    return advance(p);
}

/* ---- array literals ----------------------------------------------------- */

/* Why the token at an element's place is no constant.  ']' comes here
 * only after a comma: an empty array ends before the first element. */
static lw_result array_element_error(lw__parse *p)
{
    if (p->tok.kind == LW__T_RBRACK)
        return expected(p, "a constant after ','",
                        " (trailing commas are not allowed)");
    if (p->tok.kind == LW__T_LBRACK)
        return expected(p, "a constant", " (arrays cannot be nested)");
    if (p->tok.kind == LW__T_IDENT)
        return expected(p, "a constant",
                        " (arrays hold constants only, not references)");
    return expected(p, "a constant or ']'", "");
}

static lw_result parse_array(lw__parse *p, lw__operand *o)
{
    uint32_t count = 0;
    bool all_str = true;
    lw_result rc;

    o->kind = LW__OPD_ARRAY;
    o->items = p->pool.n;
    rc = advance(p);
    while (rc == LW_OK && !(p->tok.kind == LW__T_RBRACK && count == 0)) {
        lw__val *slot;

        if (!is_constant(p->tok.kind))
            return array_element_error(p);
        if (count == LW_EXPR_MAX_ARRAY)
            return lw__fail(p->err, LW_ERR_SYNTAX, p->tok.off,
                            "too many elements in the array at offset %u "
                            "(at most %d)", (unsigned)p->tok.off,
                            LW_EXPR_MAX_ARRAY);
        slot = vec_push(p, &p->pool);
        if (slot == NULL)
            return LW_ERR_NOMEM;
        rc = constant(p, slot, NULL);
        all_str = all_str && slot->tag == LW__STR;
        count++;
        if (rc != LW_OK || p->tok.kind == LW__T_RBRACK)
            break;
        if (p->tok.kind != LW__T_COMMA)
            return expected(p, "',' or ']'", "");
        rc = advance(p);
    }
    if (rc != LW_OK)
        return rc;

    o->val.tag = LW__ARR;
    o->val.n = count;
    o->val.flags = all_str ? LW__VAL_ALL_STR : 0;
    return advance(p);
}

/* ---- references --------------------------------------------------------- */

static int builtin_of(const char *s, size_t len)
{
    static const char *const names[LW__BUILTIN_COUNT] = {
        [LW__BUILTIN_SID] = "sid",
        [LW__BUILTIN_FRIENDLY_NAME] = "friendly_name",
        [LW__BUILTIN_ACTIVITY_SID] = "activity_sid",
        [LW__BUILTIN_ACTIVITY_NAME] = "activity_name",
    };
    int i;

    for (i = 0; i < LW__BUILTIN_COUNT; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return i;
    return -1;
}

/* Steps with the same key at the same position share a cache slot. */
static uint32_t slot_for(lw__parse *p, const lw__sym *key, uint32_t pos)
{
    uint32_t i;
    uint32_t n = p->steps.n - 1;

    for (i = 0; i < n && i < 64; i++) {
        const lw__step *s = STEP(p, i);

        if (s->key == key && s->pos == pos)
            return s->slot;
    }
    return n % LW__EXPR_SLOTS;
}

static lw_result add_key_step(lw__parse *p, lw__operand *o)
{
    lw__step *s = vec_push(p, &p->steps);
    const lw__sym *key;
    lw_result rc;

    if (s == NULL)
        return LW_ERR_NOMEM;
    rc = intern(p, p->lx.text + p->tok.off, p->tok.len, &key);
    if (rc != LW_OK)
        return rc;
    s = STEP(p, p->steps.n - 1);
    s->key = key;
    s->pos = o->nsteps;
    s->slot = slot_for(p, key, o->nsteps);
    o->nsteps++;
    return advance(p);
}

static lw_result add_index_step(lw__parse *p, lw__operand *o)
{
    lw__step *s;
    lw_result rc = advance(p);

    if (rc != LW_OK)
        return rc;
    if (p->tok.kind != LW__T_NUMBER || !p->tok.integral)
        return expected(p, "an index (digits) after '['", "");
    s = vec_push(p, &p->steps);
    if (s == NULL)
        return LW_ERR_NOMEM;
    s->index = p->tok.index;
    s->pos = o->nsteps;
    o->nsteps++;
    rc = advance(p);
    if (rc != LW_OK)
        return rc;
    if (p->tok.kind != LW__T_RBRACK)
        return expected(p, "']' after the index", "");
    return advance(p);
}

static lw_result parse_reference(lw__parse *p, lw__operand *o)
{
    lw_result rc;

    o->kind = LW__OPD_REF;
    o->step0 = p->steps.n;
    o->builtin = (int8_t)builtin_of(p->lx.text + p->tok.off, p->tok.len);
    rc = add_key_step(p, o);
    while (rc == LW_OK) {
        if (p->tok.kind == LW__T_LBRACK) {
            rc = add_index_step(p, o);
        } else if (p->tok.kind == LW__T_DOT) {
            rc = advance(p);
            if (rc == LW_OK && p->tok.kind != LW__T_IDENT)
                return expected(p, "a name after '.'", "");
            if (rc == LW_OK)
                rc = add_key_step(p, o);
        } else {
            break;
        }
    }
    return rc;
}

/* ---- operands and comparisons ------------------------------------------- */

static bool starts_operand(lw__tok_kind k)
{
    return is_constant(k) || k == LW__T_IDENT || k == LW__T_LBRACK;
}

/* Parse an operand at the current token (which starts one). */
static lw_result parse_operand(lw__parse *p, uint32_t *out)
{
    lw__operand *o = vec_push(p, &p->opds);
    uint32_t idx = p->opds.n - 1;
    uint32_t start = p->tok.off;
    lw__operand tmp;
    lw_result rc;

    if (o == NULL)
        return LW_ERR_NOMEM;
    memset(&tmp, 0, sizeof tmp);
    tmp.builtin = -1;
    tmp.off = start;
    if (p->tok.kind == LW__T_IDENT) {
        rc = parse_reference(p, &tmp);
    } else if (p->tok.kind == LW__T_LBRACK) {
        rc = parse_array(p, &tmp);
    } else {
        tmp.kind = LW__OPD_CONST;
        rc = constant(p, &tmp.val, &tmp.num);
    }
    if (rc != LW_OK)
        return rc;

    tmp.len = p->end - start;
    *OPD(p, idx) = tmp;
    *out = idx;
    return LW_OK;
}

/* Map the current token to a comparison operator; false when none. */
static bool token_op(lw__tok_kind k, lw__op *op)
{
    switch (k) {
    case LW__T_EQ: *op = LW__OP_EQ; return true;
    case LW__T_NE: *op = LW__OP_NE; return true;
    case LW__T_GT: *op = LW__OP_GT; return true;
    case LW__T_GE: *op = LW__OP_GE; return true;
    case LW__T_LT: *op = LW__OP_LT; return true;
    case LW__T_LE: *op = LW__OP_LE; return true;
    case LW__T_HAS:
    case LW__T_HAS_SYM: *op = LW__OP_HAS; return true;
    case LW__T_IN:
    case LW__T_IN_SYM: *op = LW__OP_IN; return true;
    case LW__T_CONTAINS: *op = LW__OP_CONTAINS; return true;
    case LW__T_NOT: *op = LW__OP_NOT_IN; return true;
    default: return false;
    }
}

static lw_result missing_operator(lw__parse *p, const lw__operand *left)
{
    uint32_t n = left->len > 40 ? 37 : left->len;

    /* The operand's text is valid UTF-8 (the lexer checks), so at most
     * three continuation bytes are stepped back over: n > 0 holds. */
    /* GCOVR_EXCL_BR_START */
    while (n < left->len && n > 0 &&
           ((unsigned char)p->lx.text[left->off + n] & 0xC0) == 0x80)
        n--;
    /* GCOVR_EXCL_BR_STOP */
    return lw__fail(p->err, LW_ERR_SYNTAX, p->tok.off,
                    "expected an operator after '%.*s%s' at offset %u%s",
                    (int)n, p->lx.text + left->off,
                    n < left->len ? "..." : "", (unsigned)p->tok.off,
                    p->tok.kind == LW__T_END ? " (the expression ends there)"
                                             : "");
}

/* After NOT in operator position only IN may follow. */
static lw_result operator_not(lw__parse *p)
{
    lw_result rc = advance(p);

    if (rc != LW_OK)
        return rc;
    if (p->tok.kind != LW__T_IN)
        return expected(p, "IN after NOT",
                        " (NOT IN is the only operator with NOT; write "
                        "NOT (a HAS b) to negate a comparison)");
    return LW_OK;
}

static lw_result right_operand_error(lw__parse *p, lw__op op, uint32_t at)
{
    char what[DESC_SIZE];
    bool ne_hint = op == LW__OP_LT && p->tok.kind == LW__T_GT &&
                   p->tok.off == at + 1;

    snprintf(what, sizeof what, "a value after '%s'", lw__op_name(op));
    return expected(p, what, ne_hint ? " (<> is not an operator; use !=)"
                                     : "");
}

static lw_result parse_comparison(lw__parse *p, uint32_t *out)
{
    uint32_t start = p->tok.off;
    uint32_t lhs, rhs, op_at;
    lw__node *n;
    lw__op op;
    lw_result rc;

    if (!starts_operand(p->tok.kind))
        return expected(p, "a comparison", "");
    rc = parse_operand(p, &lhs);
    if (rc != LW_OK)
        return rc;
    if (!token_op(p->tok.kind, &op))
        return missing_operator(p, OPD(p, lhs));

    op_at = p->tok.off;
    rc = op == LW__OP_NOT_IN ? operator_not(p) : LW_OK;
    if (rc == LW_OK)
        rc = advance(p);
    if (rc != LW_OK)
        return rc;
    if (!starts_operand(p->tok.kind))
        return right_operand_error(p, op, op_at);
    rc = parse_operand(p, &rhs);
    if (rc != LW_OK)
        return rc;

    n = vec_push(p, &p->nodes);
    if (n == NULL)
        return LW_ERR_NOMEM;
    n->kind = LW__N_CMP;
    n->op = (uint8_t)op;
    n->next = LW__NONE;
    n->lhs = lhs;
    n->rhs = rhs;
    n->off = start;
    n->len = p->end - start;
    p->ncmp++;
    *out = p->nodes.n - 1;
    return LW_OK;
}

/* ---- boolean structure -------------------------------------------------- */

static lw_result parse_or(lw__parse *p, uint32_t *out);

/* A token that cannot follow a complete comparison or group. */
static lw_result after_comparison(lw__parse *p, const char *what,
                                  const char *hint)
{
    lw__op op;

    if (token_op(p->tok.kind, &op) && p->tok.kind != LW__T_NOT)
        return expected(p, what, " (comparisons cannot be chained)");
    return expected(p, what, hint);
}

static lw_result enter(lw__parse *p)
{
    if (p->depth == LW_EXPR_MAX_DEPTH)
        return lw__fail(p->err, LW_ERR_SYNTAX, p->tok.off,
                        "too deeply nested at offset %u (at most %d levels "
                        "of '(' and NOT)", (unsigned)p->tok.off,
                        LW_EXPR_MAX_DEPTH);
    p->depth++;
    return advance(p);
}

static lw_result push_node(lw__parse *p, lw__node_kind kind, uint32_t first,
                           uint32_t count, uint32_t *out)
{
    lw__node *n = vec_push(p, &p->nodes);

    if (n == NULL)
        return LW_ERR_NOMEM;
    n->kind = (uint8_t)kind;
    n->first = first;
    n->count = count;
    n->next = LW__NONE;
    *out = p->nodes.n - 1;
    return LW_OK;
}

static lw_result parse_group(lw__parse *p, uint32_t *out)
{
    uint32_t open = p->tok.off;
    lw_result rc = enter(p);
    char hint[DESC_SIZE];

    if (rc == LW_OK)
        rc = parse_or(p, out);
    if (rc != LW_OK)
        return rc;
    if (p->tok.kind != LW__T_RPAREN) {
        snprintf(hint, sizeof hint, " (to close the '(' at offset %u)",
                 (unsigned)open);
        return after_comparison(p, "AND, OR or ')'", hint);
    }
    p->depth--;
    return advance(p);
}

static lw_result parse_unary(lw__parse *p, uint32_t *out)
{
    uint32_t child;
    lw_result rc;

    if (p->tok.kind == LW__T_LPAREN)
        return parse_group(p, out);
    if (p->tok.kind != LW__T_NOT)
        return parse_comparison(p, out);

    rc = enter(p);
    if (rc == LW_OK)
        rc = parse_unary(p, &child);
    if (rc != LW_OK)
        return rc;
    p->depth--;
    return push_node(p, LW__N_NOT, child, 1, out);
}

typedef lw_result (*parse_fn)(lw__parse *p, uint32_t *out);

/* One AND or OR chain of sub's: children linked through next. */
static lw_result parse_chain(lw__parse *p, lw__tok_kind sep, parse_fn sub,
                             uint32_t *out)
{
    uint32_t first, last, child, count = 1;
    lw_result rc = sub(p, &first);

    if (rc != LW_OK || p->tok.kind != sep) {
        *out = first;
        return rc;
    }
    last = first;
    while (p->tok.kind == sep) {
        rc = advance(p);
        if (rc == LW_OK)
            rc = sub(p, &child);
        if (rc != LW_OK)
            return rc;
        NODE(p, last)->next = child;
        last = child;
        count++;
    }
    return push_node(p, sep == LW__T_OR ? LW__N_OR : LW__N_AND, first,
                     count, out);
}

static lw_result parse_and(lw__parse *p, uint32_t *out)
{
    return parse_chain(p, LW__T_AND, parse_unary, out);
}

static lw_result parse_or(lw__parse *p, uint32_t *out)
{
    return parse_chain(p, LW__T_OR, parse_and, out);
}

/* ---- entry -------------------------------------------------------------- */

static lw_result trailing(lw__parse *p)
{
    const char *what = "AND, OR or the end of the expression";

    if (p->tok.kind == LW__T_RPAREN)
        return expected(p, what, " (no '(' to close)");
    return after_comparison(p, what, "");
}

lw_result lw__expr_parse(lw__parse *p, lw_symtab *syms, const char *text,
                         uint32_t len, lw_error *err)
{
    lw_result rc;

    memset(p, 0, offsetof(lw__parse, node_buf));
    p->syms = syms;
    p->alloc = lw__symtab_alloc(syms);
    p->err = err;
    p->lx.text = text;
    p->lx.len = len;
    p->lx.prev.kind = LW__T_END;
    vec_init(&p->nodes, p->node_buf, LW__INLINE_NODES, sizeof(lw__node));
    vec_init(&p->opds, p->opd_buf, LW__INLINE_NODES, sizeof(lw__operand));
    vec_init(&p->steps, p->step_buf, LW__INLINE_NODES, sizeof(lw__step));
    vec_init(&p->pool, p->pool_buf, LW__INLINE_VALS, sizeof(lw__val));
    vec_init(&p->symv, p->sym_buf, LW__INLINE_VALS, sizeof(lw__sym *));

    rc = advance(p);
    if (rc == LW_OK)
        rc = parse_or(p, &p->root);
    if (rc == LW_OK && p->tok.kind != LW__T_END)
        rc = trailing(p);
    if (rc != LW_OK)
        lw__parse_release(p, true);
    return rc;
}
