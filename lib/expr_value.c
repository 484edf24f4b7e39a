/*
 * expr_value.c - the value rules of the expression language: numbers by
 * exact value, plain-decimal strings, and the meaning of every comparison
 * operator on two values (expressions.md, sections 3 and 4).
 */
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_impl.h"

/* ---- numbers in the C locale -------------------------------------------- */

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

double lw__strtod_c(const char *s)
{
    locale_t old;
    double d;

    pthread_once(&c_locale_once, make_c_locale);
    /* newlocale() of "C" fails only when the C library is out of memory
     * at the first call, which no test can arrange. */
    if (c_locale == (locale_t)0) /* GCOVR_EXCL_BR_LINE */
        return strtod(s, NULL);
    old = uselocale(c_locale);
    d = strtod(s, NULL);
    uselocale(old);
    return d;
}

static void format_c(char *buf, size_t size, int prec, double d)
{
    locale_t old = (locale_t)0;

    pthread_once(&c_locale_once, make_c_locale);
    /* As in lw__strtod_c(): the C locale is there unless the C library
     * failed to allocate it. */
    if (c_locale != (locale_t)0) /* GCOVR_EXCL_BR_LINE */
        old = uselocale(c_locale);
    snprintf(buf, size, "%.*g", prec, d);
    if (c_locale != (locale_t)0) /* GCOVR_EXCL_BR_LINE */
        uselocale(old);
}

void lw__format_double(double d, char *buf, size_t size)
{
    int prec;

    for (prec = 15; prec < 17; prec++) {
        format_c(buf, size, prec, d);
        if (lw__strtod_c(buf) == d)
            break;
    }
    if (prec == 17)
        format_c(buf, size, 17, d);
    if (strpbrk(buf, ".eEni") == NULL && strlen(buf) + 2 < size)
        strcat(buf, ".0");
}

/* ---- decimal text ------------------------------------------------------- */

static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* A fraction with few significant digits is one exact division. */
static bool decimal_fast(const char *s, size_t len, double *out)
{
    uint64_t m = 0;
    unsigned digits = 0;
    unsigned frac = 0;
    bool in_frac = false;
    size_t i;

    /* len > 0 always holds: zeros are trimmed only while a '.' remains
     * before them, so the trim stops at the '.'. */
    /* GCOVR_EXCL_BR_START */
    while (len > 0 && s[len - 1] == '0' && memchr(s, '.', len) != NULL)
        len--;
    /* GCOVR_EXCL_BR_STOP */
    for (i = 0; i < len; i++) {
        if (s[i] == '.') {
            in_frac = true;
            continue;
        }
        if (m == 0 && s[i] == '0' && !in_frac)
            continue;
        if (++digits > 15)
            return false;
        m = m * 10 + (uint64_t)(s[i] - '0');
        frac += in_frac;
    }
    /* Fraction digits are digits, at most 15 here: the bound only keeps
     * the table index safe. */
    if (frac > 22) /* GCOVR_EXCL_BR_LINE */
        return false;
    *out = (double)m / pow10_exact[frac];
    return true;
}

void lw__decimal_value(const char *s, size_t len, lw__num *out)
{
    uint64_t v = 0;
    size_t i;

    out->is_int = false;
    out->i = 0;
    for (i = 0; i < len && s[i] != '.'; i++) {
        unsigned dig = (unsigned)(s[i] - '0');

        if (v > ((uint64_t)INT64_MAX - dig) / 10)
            break;
        v = v * 10 + dig;
    }
    if (i == len) {
        out->is_int = true;
        out->i = (int64_t)v;
        out->d = (double)v;
        return;
    }
    if (!decimal_fast(s, len, &out->d))
        out->d = lw__strtod_c(s);
}

/* ---- numbers by exact value --------------------------------------------- */

static int cmp_int_double(int64_t i, double d)
{
    int64_t t;
    double frac;

    if (d >= 9223372036854775808.0)
        return -1;
    if (d < -9223372036854775808.0)
        return 1;
    t = (int64_t)d;
    if (i != t)
        return i < t ? -1 : 1;
    frac = d - (double)t;
    return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

int lw__num_cmp(const lw__num *a, const lw__num *b)
{
    if (a->is_int && b->is_int)
        return a->i < b->i ? -1 : (a->i > b->i);
    if (a->is_int)
        return cmp_int_double(a->i, b->d);
    if (b->is_int)
        return -cmp_int_double(b->i, a->d);
    return a->d < b->d ? -1 : (a->d > b->d);
}

bool lw__val_number(const lw__val *v, lw__num *out)
{
    switch (v->tag) {
    case LW__INT:
        out->is_int = true;
        out->i = v->u.i;
        return true;
    case LW__DOUBLE:
        out->is_int = false;
        out->d = v->u.d;
        return true;
    case LW__STR:
        if (!v->u.s->decimal)
            return false;
        lw__decimal_value(v->u.s->bytes, v->u.s->len, out);
        return true;
    default:
        return false;
    }
}

/* ---- operators ---------------------------------------------------------- */

static bool is_comp(const lw__val *v)
{
    return v != NULL && (v->tag == LW__ARR || v->tag == LW__OBJ);
}

static bool is_null(const lw__val *v)
{
    return v == NULL || v->tag == LW__NULL;
}

bool lw__val_equal(const lw__val *a, const lw__val *b)
{
    lw__num x, y;

    if (is_null(a) || is_null(b))
        return is_null(a) && is_null(b);
    if (is_comp(a) || is_comp(b))
        return false;
    if (a->tag == LW__STR || b->tag == LW__STR)
        return a->tag == b->tag && a->u.s == b->u.s;
    if (a->tag == LW__INT || a->tag == LW__DOUBLE) {
        if (b->tag != LW__INT && b->tag != LW__DOUBLE)
            return false;
        lw__val_number(a, &x);
        lw__val_number(b, &y);
        return lw__num_cmp(&x, &y) == 0;
    }
    return a->tag == b->tag;
}

static int bytes_cmp(const lw__sym *a, const lw__sym *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->bytes, b->bytes, n);

    if (c != 0)
        return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : (a->len > b->len);
}

static bool relational(lw__op op, const lw__val *l, const lw__val *r)
{
    lw__num x, y;
    int c;

    if (l == NULL || r == NULL)
        return false;
    if (l->tag == LW__STR && r->tag == LW__STR &&
        !(l->u.s->decimal & r->u.s->decimal))
        c = bytes_cmp(l->u.s, r->u.s);
    else if (lw__val_number(l, &x) && lw__val_number(r, &y))
        c = lw__num_cmp(&x, &y);
    else
        return false;

    switch (op) {
    case LW__OP_GT:
        return c > 0;
    case LW__OP_GE:
        return c >= 0;
    case LW__OP_LT:
        return c < 0;
    default:
        return c <= 0;
    }
}

static bool array_holds(const lw__val *arr, const lw__val *x)
{
    uint32_t i;

    for (i = 0; i < arr->n; i++) {
        lw__val item = lw__val_of(&arr->u.items[i]);

        if (lw__val_equal(&item, x))
            return true;
    }
    return false;
}

bool lw__val_compare(lw__op op, const lw__val *l, const lw__val *r)
{
    switch (op) {
    case LW__OP_EQ:
        return lw__val_equal(l, r);
    case LW__OP_NE:
        if (is_null(l) || is_null(r))
            return is_null(l) != is_null(r);
        return !is_comp(l) && !is_comp(r) && !lw__val_equal(l, r);
    case LW__OP_HAS:
        return l != NULL && l->tag == LW__ARR && !is_comp(r) &&
               array_holds(l, r);
    case LW__OP_IN:
        return r != NULL && r->tag == LW__ARR && !is_comp(l) &&
               array_holds(r, l);
    case LW__OP_NOT_IN:
        return r != NULL && r->tag == LW__ARR && !is_comp(l) &&
               !array_holds(r, l);
    case LW__OP_CONTAINS:
        return l != NULL && r != NULL && l->tag == LW__STR &&
               r->tag == LW__STR &&
               lw__substring(l->u.s->bytes, l->u.s->len, r->u.s->bytes,
                             r->u.s->len);
    default:
        return relational(op, l, r);
    }
}

const char *lw__op_name(lw__op op)
{
    static const char *const names[] = {
        "==", "!=", ">", ">=", "<", "<=", "HAS", "IN", "NOT IN", "CONTAINS",
    };

    return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "?";
}
