/*
 * expr_explain.c - explains one evaluation: walks the tree with the same
 * short-circuit order as the program and records every comparison made,
 * the values its operands resolved to and its result, as text or JSON.
 */
#include <inttypes.h>
#include <string.h>

#include "expr_impl.h"

typedef struct explainer {
    const lw_expr *e;
    const lw__subject *s;
    lw_explain_format format;
    uint32_t hints[LW__EXPR_SLOTS];
    uint32_t steps;
    lw__buf buf;
} explainer;

/* ---- values as JSON ----------------------------------------------------- */

static void put_value(lw__buf *b, const lw__val *v);

/* put_value() of the cell at c. */
static void put_cell(lw__buf *b, const lw__cell *c)
{
    lw__val v = lw__val_of(c);

    put_value(b, &v);
}

static void put_members(lw__buf *b, const lw__val *v)
{
    const lw__sym *const *keys = lw__obj_keys(v);
    uint32_t i;

    lw__buf_putc(b, '{');
    for (i = 0; i < v->n; i++) {
        if (i > 0)
            lw__buf_putc(b, ',');
        lw__buf_json_string(b, keys[i]->bytes, keys[i]->len);
        lw__buf_putc(b, ':');
        put_cell(b, &v->u.items[i]);
    }
    lw__buf_putc(b, '}');
}

static void put_value(lw__buf *b, const lw__val *v)
{
    char num[40];
    uint32_t i;

    switch (v->tag) {
    case LW__FALSE:
        lw__buf_puts(b, "false");
        break;
    case LW__TRUE:
        lw__buf_puts(b, "true");
        break;
    case LW__INT:
        lw__buf_printf(b, "%" PRId64, v->u.i);
        break;
    case LW__DOUBLE:
        lw__format_double(v->u.d, num, sizeof num);
        lw__buf_puts(b, num);
        break;
    case LW__STR:
        lw__buf_json_string(b, v->u.s->bytes, v->u.s->len);
        break;
    case LW__ARR:
        lw__buf_putc(b, '[');
        for (i = 0; i < v->n; i++) {
            if (i > 0)
                lw__buf_putc(b, ',');
            put_cell(b, &v->u.items[i]);
        }
        lw__buf_putc(b, ']');
        break;
    case LW__OBJ:
        put_members(b, v);
        break;
    default:
        lw__buf_puts(b, "null");
        break;
    }
}

/* ---- one comparison ----------------------------------------------------- */

static const char *truth(bool r)
{
    return r ? "true" : "false";
}

/*
 * Source text on one line: control characters (line breaks and tabs
 * between tokens, or inside strings) are shown as spaces.
 */
static void put_source(lw__buf *b, const char *s, size_t len)
{
    size_t i, start = 0;

    for (i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7F)
            continue;
        lw__buf_append(b, s + start, i - start);
        lw__buf_putc(b, ' ');
        start = i + 1;
    }
    lw__buf_append(b, s + start, len - start);
}

static void text_operand(explainer *x, const char *side, const lw__operand *o,
                         const lw__val *v)
{
    lw__buf_printf(&x->buf, "  %s ", side);
    put_source(&x->buf, x->e->text + o->off, o->len);
    lw__buf_puts(&x->buf, " = ");
    if (v == NULL)
        lw__buf_puts(&x->buf, "missing");
    else
        put_value(&x->buf, v);
    lw__buf_putc(&x->buf, '\n');
}

static void json_operand(explainer *x, const char *side, const lw__operand *o,
                         const lw__val *v)
{
    lw__buf_printf(&x->buf, ",\"%s\":{\"text\":", side);
    lw__buf_json_string(&x->buf, x->e->text + o->off, o->len);
    lw__buf_printf(&x->buf, ",\"kind\":\"%s\"",
                   o->kind == LW__OPD_REF ? "reference" : "constant");
    if (v == NULL)
        lw__buf_puts(&x->buf, ",\"missing\":true,\"value\":null}");
    else {
        lw__buf_puts(&x->buf, ",\"value\":");
        put_value(&x->buf, v);
        lw__buf_putc(&x->buf, '}');
    }
}

static bool explain_cmp(explainer *x, const lw__node *n)
{
    const lw__operand *lo = &x->e->opds[n->lhs];
    const lw__operand *ro = &x->e->opds[n->rhs];
    lw__val tl, tr;
    const lw__val *l = lw__expr_operand(x->e, lo, x->s, x->hints, &tl);
    const lw__val *r = lw__expr_operand(x->e, ro, x->s, x->hints, &tr);
    bool result = lw__val_compare((lw__op)n->op, l, r);
    const char *src = x->e->text + n->off;

    x->steps++;
    if (x->format == LW_EXPLAIN_TEXT) {
        lw__buf_printf(&x->buf, "%u. ", (unsigned)x->steps);
        put_source(&x->buf, src, n->len);
        lw__buf_printf(&x->buf, " -> %s\n", truth(result));
        text_operand(x, "left ", lo, l);
        text_operand(x, "right", ro, r);
        return result;
    }
    lw__buf_puts(&x->buf, x->steps > 1 ? ",{" : "{");
    lw__buf_puts(&x->buf, "\"comparison\":");
    lw__buf_json_string(&x->buf, src, n->len);
    lw__buf_printf(&x->buf, ",\"offset\":%u,\"operator\":\"%s\"",
                   (unsigned)n->off, lw__op_name((lw__op)n->op));
    json_operand(x, "left", lo, l);
    json_operand(x, "right", ro, r);
    lw__buf_printf(&x->buf, ",\"result\":%s}", truth(result));
    return result;
}

/* ---- the tree ----------------------------------------------------------- */

/* Evaluate node idx as the program does, recording each comparison. */
static bool explain_node(explainer *x, uint32_t idx)
{
    const lw__node *n = &x->e->nodes[idx];
    uint32_t c;

    switch (n->kind) {
    case LW__N_CMP:
        return explain_cmp(x, n);
    case LW__N_NOT:
        return !explain_node(x, n->first);
    case LW__N_AND:
        for (c = n->first; c != LW__NONE; c = x->e->nodes[c].next)
            if (!explain_node(x, c))
                return false;
        return true;
    default:
        for (c = n->first; c != LW__NONE; c = x->e->nodes[c].next)
            if (explain_node(x, c))
                return true;
        return false;
    }
}

/* Put the result first: {"result":…,"steps":[<steps in b>]}. */
static void wrap_json(lw__buf *b, bool result)
{
    lw__buf whole;

    lw__buf_init(&whole, b->alloc);
    lw__buf_printf(&whole, "{\"result\":%s,\"steps\":[", truth(result));
    if (!lw__buf_failed(b))
        lw__buf_append(&whole, b->data, b->len);
    lw__buf_puts(&whole, "]}");
    if (lw__buf_failed(b))
        whole.failed = true;
    lw__buf_release(b);
    *b = whole;
}

lw_result lw__expr_explain(const lw_expr *e, const lw__subject *s,
                           lw_explain_format format, char **out,
                           size_t *len, lw_error *err)
{
    explainer x;
    bool result;

    if (e == NULL || s == NULL || s->values == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "explain: program, subject and out are required");
    if (format != LW_EXPLAIN_TEXT && format != LW_EXPLAIN_JSON)
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "explain: unknown format %d", (int)format);

    memset(&x, 0, sizeof x);
    x.e = e;
    x.s = s;
    x.format = format;
    lw__buf_init(&x.buf, e->alloc);
    result = explain_node(&x, e->root);
    if (format == LW_EXPLAIN_TEXT)
        lw__buf_printf(&x.buf, "result: %s\n", truth(result));
    else
        wrap_json(&x.buf, result);

    if (lw__buf_failed(&x.buf)) {
        lw__buf_release(&x.buf);
        return lw__fail_code(err, LW_ERR_NOMEM);
    }
    *out = lw__buf_take(&x.buf, len);
    return LW_OK;
}

lw_result lw_expr_explain(const lw_expr *e, const lw_attrs *root,
                          lw_explain_format format, char **out,
                          size_t *len, lw_error *err)
{
    lw__subject s;

    if (e != NULL && root != NULL && root->syms != e->syms)
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "explain: the document was parsed with another "
                        "symbol table than the expression");
    lw__subject_set(&s, root, NULL);
    return lw__expr_explain(e, &s, format, out, len, err);
}
