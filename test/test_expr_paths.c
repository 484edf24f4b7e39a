/*
 * test_expr_paths.c - every path of the evaluator: each specialised test
 * on each kind of value, through the single evaluation and the block scan
 * (full and partial blocks, shapes that repeat, change or are missing,
 * built-ins present or not), and the entry points' argument checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expr_impl.h"
#include "libworkers.h"
#include "testalloc.h"

#define S(x) (x), strlen(x)

static lw_attrs *parse(lw_symtab *t, const char *text)
{
    lw_attrs *doc = NULL;
    lw_error err;

    if (lw_attrs_parse(t, S(text), 0, &doc, &err) != LW_OK)
        fail_msg("document does not parse: %s (%s)", err.message, text);
    return doc;
}

static lw_expr *compile(lw_symtab *t, const char *text)
{
    lw_expr *e = NULL;
    lw_error err;

    if (lw_expr_compile(t, S(text), &e, &err) != LW_OK)
        fail_msg("'%s' does not compile: %s", text, err.message);
    return e;
}

/* ---- the scan matrix ---------------------------------------------------- */

/* The values "k" takes, every kind of JSON value and the strings and
 * numbers the constants below are near; "-" leaves the key out. */
static const char *const values[] = {
    "-", "null", "true", "false", "0", "5", "-3", "2.5", "5.0", "3",
    "9007199254740993", "\"x\"", "\"5\"", "\"abc\"", "\"b\"", "\"\"",
    "\"y\"", "\"a long string with abc and more\"", "\"ab\"", "\"xab\"",
    "[]", "[\"x\",\"y\"]", "[\"y\",1]", "[1,2.5]", "[\"q\"]", "{}",
    "{\"k\":\"x\"}", "\"a long strinG\"", "\"xa long string\"",
    "\"abd\"", "\"ng sz\"", "\"a long string with abc, but later\"",
    "[1,\"x\"]", "-9007199254740993",
};
#define NVALUES (sizeof values / sizeof values[0])

/* Documents around the value V: "k" at different slots, an object "o"
 * holding it (or not an object), "sid" (a built-in name, seen when the
 * subject has no built-ins) and no document at all (NULL). */
static const char *const templates[] = {
    "{\"k\":V,\"f\":1,\"o\":{\"k\":V,\"a\":[V]},\"sid\":V}",
    "{\"z\":0,\"o\":{\"a\":[V,1],\"k\":V},\"sid\":V,\"f\":0,\"k\":V}",
    "{\"o\":V,\"k\":V,\"f\":1}",
    "{\"f\":1}",
    NULL,
    "{\"k\":V,\"o\":{\"z\":1},\"f\":0}",
};
#define NTEMPLATES (sizeof templates / sizeof templates[0])

/* Left sides: top-level, one more key, a longer path, an index, a
 * built-in, and names no document holds. */
static const char *const lefts[] = {
    "k", "o.k", "o.a[0]", "k[0]", "sid", "sid[0]", "nowhere", "o.nowhere",
};

/* Right sides: one per specialised test (and its variants), and two
 * that stay generic. */
static const char *const rights[] = {
    "== 'x'", "!= 'x'", "== 5", "!= 5", "== 2.5", "!= 2.5", "> 3",
    ">= 5", "< 0", "<= 2.5", "> 2.5", "HAS 'x'", "IN ['x', 'abc']",
    "IN ['a', 'b', 'c', 'd', 'e', 'g', 'h', 'i', 'x', 'abc']",
    "NOT IN ['x']",
    "NOT IN ['a', 'b', 'c', 'd', 'e', 'g', 'h', 'i', 'x', 'abc']",
    "CONTAINS 'abc'", "CONTAINS 'b'", "CONTAINS 'ab'", "CONTAINS 'ng st'",
    "CONTAINS 'a long string'", "CONTAINS 'a long string with abc'",
    "CONTAINS ''", "== true", "IN [1, 'x']",
};

#define NLEFTS (sizeof lefts / sizeof lefts[0])
#define NRIGHTS (sizeof rights / sizeof rights[0])
#define NSUBJ 200

#define NCOLS 16

typedef struct matrix {
    lw_symtab *t;
    lw_attrs *docs[NTEMPLATES][NVALUES];
    const lw__sym *builtins[LW__BUILTIN_COUNT];
    lw__subject subj[NSUBJ];
    uint32_t idx[NSUBJ];
    size_t matched, evaluated;
    lw__column cols[NCOLS];
    lw__val colvals[NCOLS][NSUBJ];
} matrix;

/* The document of template tpl around value v (NULL for no document);
 * a missing value is laid out with the template that lacks "k". */
static lw_attrs *make_doc(lw_symtab *t, const char *tpl, const char *v)
{
    char text[512];
    size_t n = 0;

    if (tpl == NULL)
        return NULL;
    if (strcmp(v, "-") == 0)
        v = "null";
    for (; *tpl != '\0'; tpl++) {
        if (*tpl == 'V') {
            n += (size_t)snprintf(text + n, sizeof text - n, "%s", v);
            continue;
        }
        text[n++] = *tpl;
    }
    text[n] = '\0';
    return parse(t, text);
}

static void matrix_init(matrix *m)
{
    static const char *const b[] = {"WKx", "x", "WAabc", "abc"};
    size_t i, j;

    memset(m, 0, sizeof *m);
    assert_int_equal(lw_symtab_create(NULL, &m->t), LW_OK);
    for (i = 0; i < NTEMPLATES; i++)
        for (j = 0; j < NVALUES; j++)
            m->docs[i][j] = make_doc(m->t, templates[i], values[j]);
    for (i = 0; i < LW__BUILTIN_COUNT; i++)
        assert_int_equal(lw__sym_intern(m->t, S(b[i]), &m->builtins[i]),
                         LW_OK);
}

static void matrix_free(matrix *m)
{
    size_t i, j;

    for (i = 0; i < NTEMPLATES; i++)
        for (j = 0; j < NVALUES; j++)
            lw_attrs_release(m->docs[i][j]);
    for (i = 0; i < LW__BUILTIN_COUNT; i++)
        lw__sym_release(m->t, m->builtins[i]);
    lw_symtab_release(m->t);
}

/*
 * Lay out the subjects.  Order 0: one template throughout (the shape
 * repeats); 1: templates in turn (the shape changes at every subject);
 * 2: runs of eight of one template.  A missing value ("-") drops the
 * document to the one-key template, so "k" is absent.
 */
static size_t value_of(int order, size_t i)
{
    /* Orders 3 to 5: strings only, integers only, missing only. */
    static const size_t strs[] = {11, 12, 13, 14, 15, 16, 17, 18, 19, 0};
    static const size_t ints[] = {4, 5, 6, 9, 10, 0, NVALUES - 1};

    if (order == 3)
        return strs[i % (sizeof strs / sizeof strs[0])];
    if (order == 4)
        return ints[i % (sizeof ints / sizeof ints[0])];
    if (order == 5)
        return 0;
    return (i * 7 + (size_t)order) % NVALUES;
}

static void matrix_layout(matrix *m, int order, int tpl, bool builtins)
{
    size_t i;

    for (i = 0; i < NSUBJ; i++) {
        size_t v = value_of(order, i);
        size_t k = order == 0 || order >= 3 ? (size_t)tpl
                   : order == 1 ? i % NTEMPLATES
                   : (i / 8) % NTEMPLATES;

        if (strcmp(values[v], "-") == 0 && templates[k] != NULL)
            k = 3;
        lw__subject_set(&m->subj[i], m->docs[k][v],
                        builtins ? m->builtins : NULL);
    }
}

/* Subject i's value for a column of key (and key2). */
static void column_value(const matrix *m, size_t i, const lw__col_key *key,
                         lw__val *out)
{
    uint32_t hint = 0;
    lw__val root = lw__subject_root(&m->subj[i]), v;
    const lw__cell *c = lw__obj_find(&root, key->key, &hint);

    if (c != NULL && key->key2 != NULL) {
        v = lw__val_of(c);
        c = v.tag == LW__OBJ ? lw__obj_find(&v, key->key2, &hint) : NULL;
    }
    if (c != NULL)
        v = lw__val_of(c);
    lw__col_value(c != NULL ? &v : NULL, out);
}

/*
 * The columns a store would keep for e over the n subjects: mode 1 as
 * asked, mode 2 only top-level ones (a path reads its first key's
 * column, then walks), mode 0 none.  Returns how many.
 */
static uint32_t make_columns(matrix *m, const lw_expr *e, size_t n,
                             int mode)
{
    lw__col_key keys[NCOLS];
    uint32_t k, nk = mode == 0 ? 0 : lw__expr_column_keys(e, keys, NCOLS);
    size_t i;

    for (k = 0; k < nk; k++) {
        lw__column *c = &m->cols[k];

        if (mode == 2)
            keys[k].key2 = NULL;
        memset(c, 0, sizeof *c);
        c->key = keys[k].key;
        c->key2 = keys[k].key2;
        c->vals = m->colvals[k];
        for (i = 0; i < n; i++) {
            column_value(m, i, &keys[k], &c->vals[i]);
            c->ntag[lw__col_tag(&c->vals[i])]++;
        }
    }
    return nk;
}

/* The scan with columns, from position first, agrees with the one
 * without. */
static void columns_agree(matrix *m, const lw_expr *e, const char *text,
                          size_t n, size_t want)
{
    uint32_t idx[NSUBJ];
    int mode;

    for (mode = 1; mode <= 2; mode++) {
        uint32_t nc = make_columns(m, e, n, mode);
        size_t first = n > 70 ? 67 : 0;
        size_t got = lw__expr_filter_cols(e, m->subj, m->cols, nc, 0, n,
                                          idx);
        size_t i, j = 0;

        if (got != want || memcmp(idx, m->idx, got * sizeof *idx) != 0)
            fail_msg("'%s' with columns (mode %d): %zu, without %zu",
                     text, mode, got, want);
        got = lw__expr_filter_cols(e, m->subj, m->cols, nc, first,
                                   n - first, idx);
        for (i = 0; i < want; i++)
            j += m->idx[i] >= first;
        assert_int_equal(got, j);
        for (i = 0; i < got; i++)
            assert_int_equal(idx[i] + first, m->idx[want - j + i]);
    }
}

/* Counting the subjects of a mask agrees with the scan's positions. */
static void masked_count_agrees(matrix *m, const lw_expr *e, size_t want)
{
    uint64_t used[(NSUBJ + 63) / 64 + 1] = {0};
    uint32_t nc = make_columns(m, e, NSUBJ, 1);
    size_t i, expect = 0;

    for (i = 0; i < NSUBJ; i++)
        if (i % 3 != 1 && i < 128)  /* one empty block, two partial */
            used[i / 64] |= (uint64_t)1 << (i % 64);
    for (i = 0; i < want; i++)
        expect += (used[m->idx[i] / 64] >> (m->idx[i] % 64)) & 1;
    assert_int_equal(lw__expr_count_masked(e, m->subj, m->cols, nc, used,
                                           NSUBJ / 64), expect);
}

/* Scan n subjects and compare with evaluating each on its own. */
static void scan_agrees(matrix *m, const lw_expr *e, const char *text,
                        size_t n)
{
    size_t got = lw__expr_filter(e, m->subj, n, m->idx);
    size_t i, j = 0;

    assert_int_equal(lw__expr_filter(e, m->subj, n, NULL), got);
    columns_agree(m, e, text, n, got);
    if (n == NSUBJ)
        masked_count_agrees(m, e, got);
    for (i = 0; i < n; i++) {
        bool want = lw__expr_eval(e, &m->subj[i]);
        bool in_scan = j < got && m->idx[j] == i;

        if (want != in_scan)
            fail_msg("'%s' subject %zu: eval %d, scan %d", text, i,
                     (int)want, (int)in_scan);
        j += in_scan;
        m->matched += want;
        m->evaluated++;
    }
    assert_int_equal(j, got);
}

/* The test, then 64 more that never hold: a program too long for the
 * block scan, which then runs it subject by subject. */
static void scan_long(matrix *m, const char *test)
{
    char text[2048];
    size_t n = 0;
    int i;
    lw_expr *e;

    n += (size_t)snprintf(text, sizeof text, "%s", test);
    for (i = 0; i < 64; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              " OR nowhere%d == 'q'", i);
    e = compile(m->t, text);
    scan_agrees(m, e, text, NSUBJ);
    lw_expr_free(e);
}

/* Every left side with every right side, alone and after a test that
 * holds for part of a block; 200 subjects are three full blocks and a
 * partial one, 20 subjects a scan without the absent-key shortcut. */
static void run_matrix(matrix *m, bool long_programs)
{
    size_t l, r;
    char text[256];

    for (l = 0; l < NLEFTS; l++) {
        for (r = 0; r < NRIGHTS; r++) {
            lw_expr *e;

            snprintf(text, sizeof text, "%s %s", lefts[l], rights[r]);
            e = compile(m->t, text);
            scan_agrees(m, e, text, NSUBJ);
            scan_agrees(m, e, text, 20);
            lw_expr_free(e);
            if (long_programs)
                scan_long(m, text);
            snprintf(text, sizeof text, "f == 1 AND %s %s", lefts[l],
                     rights[r]);
            e = compile(m->t, text);
            scan_agrees(m, e, text, NSUBJ);
            lw_expr_free(e);
        }
    }
}

static void test_scan_matrix(void **state)
{
    matrix *m = malloc(sizeof *m);
    int order, tpl;

    (void)state;
    assert_non_null(m);
    matrix_init(m);
    for (order = 0; order < 6; order++) {
        for (tpl = 0; tpl < (order == 0 ? (int)NTEMPLATES : 1); tpl++) {
            matrix_layout(m, order, tpl, false);
            run_matrix(m, order == 1);
            matrix_layout(m, order, tpl, true);
            run_matrix(m, order == 1);
        }
    }

    /* Neither all true nor all false: the comparison above means
     * something. */
    assert_true(m->matched > m->evaluated / 10);
    assert_true(m->matched < m->evaluated - m->evaluated / 10);
    matrix_free(m);
    free(m);
}


static bool has_column_key(const lw__col_key *keys, uint32_t n,
                           const char *key, const char *key2)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        if (strcmp(keys[i].key->bytes, key) == 0 &&
            (key2 == NULL ? keys[i].key2 == NULL
                          : keys[i].key2 != NULL &&
                                strcmp(keys[i].key2->bytes, key2) == 0))
            return true;
    return false;
}

/* The columns a program reads: each key (and second key) once, a path
 * through an index by its first key, at most as many as asked for. */
static void test_column_keys(void **state)
{
    lw_symtab *t;
    lw_expr *e;
    lw__col_key keys[8];
    char *big;
    size_t n;
    int i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    e = compile(t, "o.k == 1 OR o == 2 OR o.a[0] == 3 OR o.k > 4 OR "
                   "sid == 'x' OR k HAS 'y' OR k == 5");
    assert_int_equal(lw__expr_column_keys(e, keys, 8), 3);
    assert_true(has_column_key(keys, 3, "k", NULL));
    assert_true(has_column_key(keys, 3, "o", NULL));
    assert_true(has_column_key(keys, 3, "o", "k"));
    assert_int_equal(lw__expr_column_keys(e, keys, 1), 1);
    assert_false(lw__expr_reads_only_columns(e));  /* sid is a built-in */
    lw_expr_free(e);
    e = compile(t, "1 == 2");
    assert_int_equal(lw__expr_count_masked(e, NULL, NULL, 0, NULL, 0), 0);
    lw_expr_free(e);
    big = malloc(4096);
    assert_non_null(big);
    for (i = 0, n = 0; i < 70; i++)
        n += (size_t)snprintf(big + n, 4096 - n, "%sk%d == 1",
                              i ? " OR " : "", i);
    e = compile(t, big);  /* too long for the block scan */
    assert_false(lw__expr_reads_only_columns(e));
    assert_int_equal(lw__expr_column_keys(e, keys, 8), 0);
    lw_expr_free(e);
    free(big);
    lw_symtab_release(t);
}

/* ---- entry points ------------------------------------------------------- */

/* The internal entry points answer false, 0 or LW_ERR_INVALID for
 * missing arguments, as the public ones do. */
static void test_entry_arguments(void **state)
{
    lw_symtab *t;
    lw_expr *e;
    lw_attrs *doc;
    lw__subject s, bare;
    uint32_t idx[4] = {7, 7, 7, 7};
    const uint64_t one = 1;
    char *out = NULL;
    size_t len = 9;
    lw_error err;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    doc = parse(t, "{\"k\":\"y\"}");
    e = compile(t, "k != 'x'");
    lw__subject_set(&s, doc, NULL);
    bare = s;
    bare.values = NULL;

    assert_true(lw__expr_eval(e, &s));
    assert_false(lw__expr_eval(NULL, &s));
    assert_false(lw__expr_eval(e, NULL));
    assert_false(lw__expr_eval(e, &bare));

    assert_int_equal(lw__expr_filter(e, &s, 1, idx), 1);
    assert_int_equal(idx[0], 0);
    assert_int_equal(lw__expr_filter(NULL, &s, 1, idx), 0);
    assert_int_equal(lw__expr_filter(e, NULL, 3, idx), 0);
    assert_int_equal(lw__expr_filter(e, NULL, 0, idx), 0);
    assert_int_equal(lw_expr_filter(e, NULL, 0, idx), 0);
    assert_int_equal(lw_expr_filter(e, NULL, 2, idx), 0);
    assert_int_equal(lw__expr_column_keys(NULL, NULL, 4), 0);
    assert_false(lw__expr_reads_only_columns(NULL));
    assert_true(lw__expr_reads_only_columns(e));
    assert_int_equal(lw__expr_count_masked(NULL, &s, NULL, 0, &one, 1), 0);
    assert_int_equal(lw__expr_count_masked(e, &s, NULL, 0, &one, 1), 1);
    assert_int_equal(idx[1], 7);

    assert_int_equal(lw__expr_explain(e, &bare, LW_EXPLAIN_TEXT, &out,
                                      &len, &err), LW_ERR_INVALID);
    assert_int_equal(err.offset, -1);
    assert_non_null(strstr(err.message, "subject"));
    assert_int_equal(lw__expr_explain(e, NULL, LW_EXPLAIN_JSON, &out,
                                      &len, &err), LW_ERR_INVALID);
    assert_null(out);

    assert_null(lw_expr_text(NULL, NULL));
    assert_string_equal(lw_expr_text(e, NULL), "k != 'x'");
    assert_null(lw__expr_symtab(NULL));
    assert_ptr_equal(lw__expr_symtab(e), t);

    lw_expr_free(e);
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

/* Documents of another symbol table are left out of a public scan even
 * when the program holds for the empty object they are taken as. */
static void test_foreign_documents_left_out(void **state)
{
    lw_symtab *t, *other;
    lw_attrs *docs[5];
    lw_expr *e;
    uint32_t idx[5];
    size_t i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    assert_int_equal(lw_symtab_create(NULL, &other), LW_OK);
    docs[0] = parse(t, "{\"k\":\"x\"}");
    docs[1] = parse(other, "{\"k\":\"y\"}");
    docs[2] = parse(t, "{\"k\":\"y\"}");
    docs[3] = parse(other, "{\"k\":\"x\"}");
    docs[4] = NULL;
    e = compile(t, "k != 'x'");

    /* Evaluated one by one, a foreign document is false. */
    assert_false(lw_expr_eval(e, docs[1]));
    assert_true(lw_expr_eval(e, docs[2]));
    assert_int_equal(lw_expr_filter(e, (const lw_attrs *const *)docs, 5,
                                    idx), 2);
    assert_int_equal(idx[0], 2);
    assert_int_equal(idx[1], 4);
    assert_int_equal(lw_expr_filter(e, (const lw_attrs *const *)docs, 5,
                                    NULL), 2);

    lw_expr_free(e);
    for (i = 0; i < 4; i++)
        lw_attrs_release(docs[i]);
    lw_symtab_release(t);
    lw_symtab_release(other);
}

/* ---- messages ----------------------------------------------------------- */

typedef struct bad_case {
    const char *text;
    long offset;
    const char *has;       /* in the message */
    const char *lacks;     /* not in the message, or NULL */
} bad_case;

#define A40 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define E20 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" \
            "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" \
            "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"

/* Is s valid UTF-8?  A description cut inside a character is not. */
static bool utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != 0) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1
                : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;

        if (n < 0)
            return false;
        for (p++; n > 0; n--, p++)
            if ((*p & 0xC0) != 0x80)
                return false;
    }
    return true;
}

/* Long tokens and operands are described by their first 37 bytes, cut
 * back to a whole character; the hints depend on exact spellings. */
static void test_error_messages(void **state)
{
    static const bad_case cases[] = {
        /* a long token where an operator was expected */
        {"a == 1 'b" A40 "'", 7, "'b" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...",
         A40},
        {"a == 1 'b" E20 "'", 7, "...", NULL},
        {"a == 1 " A40 "x", 7,
         "found 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'", NULL},
        /* a long left operand without an operator */
        {A40 "bbb ccc", 44, "after '" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."
         "' at offset 44", "bbb"},
        {"'x" E20 "' 5", 44, "...' at offset 44", NULL},
        {"a 5", 2, "after 'a' at offset 2", "..."},
        /* <> hints at != only when written as one word */
        {"a <> 5", 3, "use !=", NULL},
        {"a < > 5", 4, "a value after '<'", "use !="},
        {"a < )", 4, "a value after '<'", "use !="},
        {"a > < 5", 4, "a value after '>'", "use !="},
        /* a sign before a fraction */
        {"a == -.5", 5, "numbers cannot have a sign", NULL},
        {"a == -x", 5, "at offset 5", "sign"},
        /* the lexer fails right after '[' */
        {"a['x", 2, "at offset 2", NULL},
        {"a[0'x", 3, "at offset 3", NULL},
        {"[1,]", 3, "trailing commas", NULL},
    };
    lw_symtab *t;
    size_t i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case *c = &cases[i];
        lw_expr *e = NULL;
        lw_error err;

        memset(&err, 0, sizeof err);
        assert_int_equal(lw_expr_compile(t, S(c->text), &e, &err),
                         LW_ERR_SYNTAX);
        assert_null(e);
        if (err.offset != c->offset || strstr(err.message, c->has) == NULL ||
            (c->lacks != NULL && strstr(err.message, c->lacks) != NULL) ||
            !utf8_ok(err.message))
            fail_msg("case %zu: offset %lld: %s", i, (long long)err.offset,
                     err.message);
    }
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

/* ---- out of memory ------------------------------------------------------ */

/* An expression that outgrows every inline store of the parser: more
 * than 32 nodes, operands and steps, more than 64 array elements. */
static void big_expression(char *text, size_t size)
{
    size_t n = 0;
    int i;

    n += (size_t)snprintf(text, size, "k IN [");
    for (i = 0; i < 70; i++)
        n += (size_t)snprintf(text + n, size - n, "%s'v%d'", i ? "," : "",
                              i);
    n += (size_t)snprintf(text + n, size - n, "] OR a");
    for (i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, size - n, i % 2 ? ".s%d" : "[%d]",
                              i);
    n += (size_t)snprintf(text + n, size - n, " == 1");
    for (i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, size - n, " OR x%d == %d", i, i);
}

/* Out of memory at each allocation of one compile: the code, nothing
 * interned left behind, and the program right once memory is there. */
static void compile_out_of_memory(const char *text, const char *json)
{
    testalloc ta;
    lw_symtab *t;
    lw_attrs *doc;
    lw_expr *e = NULL;
    lw_result rc = LW_ERR_NOMEM;
    size_t n, before;

    testalloc_init(&ta);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    doc = parse(t, json);
    before = lw_symtab_count(t);
    for (n = 1; rc == LW_ERR_NOMEM; n++) {
        lw_error err;

        testalloc_fail_at(&ta, n, false);
        rc = lw_expr_compile(t, S(text), &e, &err);
        if (rc != LW_ERR_NOMEM)
            break;
        assert_null(e);
        assert_int_equal(err.code, LW_ERR_NOMEM);
        assert_int_equal(lw_symtab_count(t), before);
    }
    testalloc_fail_at(&ta, 0, false);
    assert_int_equal(rc, LW_OK);
    assert_true(n > 3);
    assert_true(lw_expr_eval(e, doc));
    lw_expr_free(e);
    lw_attrs_release(doc);
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

static void test_compile_out_of_memory(void **state)
{
    static char text[4096];
    size_t n = 0;
    int i;

    (void)state;
    big_expression(text, sizeof text);
    compile_out_of_memory(text, "{\"k\":\"v69\"}");

    /* 32 comparisons fill the inline nodes: the OR node is the 33rd. */
    for (i = 0; i < 32; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sx%d == %d",
                              i ? " OR " : "", i, i);
    compile_out_of_memory(text, "{\"x31\":31}");
}

/* ---- numbers ------------------------------------------------------------ */

/* A double is written with ".0" only when the buffer has room for it. */
static void test_format_double(void **state)
{
    char buf[8];

    (void)state;
    lw__format_double(5.0, buf, sizeof buf);
    assert_string_equal(buf, "5.0");
    lw__format_double(2.5, buf, sizeof buf);
    assert_string_equal(buf, "2.5");
    lw__format_double(123.0, buf, 5);
    assert_string_equal(buf, "123");
    lw__format_double(12.0, buf, 5);
    assert_string_equal(buf, "12.0");
}

/* Operators are named by their canonical spelling; a value outside the
 * enumeration has the name "?". */
static void test_operator_names(void **state)
{
    (void)state;
    assert_string_equal(lw__op_name(LW__OP_EQ), "==");
    assert_string_equal(lw__op_name(LW__OP_NOT_IN), "NOT IN");
    assert_string_equal(lw__op_name(LW__OP_CONTAINS), "CONTAINS");
    assert_string_equal(lw__op_name((lw__op)(LW__OP_CONTAINS + 1)), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_matrix),
        cmocka_unit_test(test_column_keys),
        cmocka_unit_test(test_entry_arguments),
        cmocka_unit_test(test_foreign_documents_left_out),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_compile_out_of_memory),
        cmocka_unit_test(test_format_double),
        cmocka_unit_test(test_operator_names),
    };

    return cmocka_run_group_tests_name("expr_paths", tests, NULL, NULL);
}
