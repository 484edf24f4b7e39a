/*
 * test_expr_syntax.c - the expression language's lexical rules, grammar,
 * limits and error offsets (spec/expressions.md sections 1, 2 and 6) and
 * its worked examples (section 7), as tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libworkers.h"

/* The worked examples' attributes (section 7). */
static const char example_doc[] =
    "{\"skills\": [\"support\",\"sales\"], \"languages\": [\"english\"], "
    "\"level\": 5, \"name\": \"Alice\", \"contact\": {\"email\": "
    "\"a@x.io\"}, \"tags\": null, \"a\": {\"b\": [7, 8]}, "
    "\"task\": {\"in\": 1}, \"x\": [1, 2], \"n\": \"09\"}";

typedef struct valid {
    const char *text;
    bool result;
} valid;

static const valid valids[] = {
    /* Section 7. */
    {"skills HAS 'support'", true},
    {"skills HAS 'Support'", false},
    {"skills == 'support'", false},
    {"skills != 'billing'", false},
    {"name IN ['Alice', 'Bob']", true},
    {"name NOT IN ['Bob']", true},
    {"region NOT IN ['emea']", true},
    {"name NOT IN 'Bob'", false},
    {"level >= 5 AND level < 6", true},
    {"level == '5'", false},
    {"level > '4'", true},
    {"contact.email CONTAINS '@x.io'", true},
    {"tags == null", true},
    {"missing != 'x'", true},
    {"languages[0] == 'english'", true},
    {"NOT (level > 9) AND skills HAS 'sales'", true},
    {"level > 1 OR level > 2 AND level > 100", true},
    /* Section 4's consequences. */
    {"'a' IN 'abc'", false},
    {"level HAS 3", false},
    {"\"language\" == \"spanish\"", false},
    {"skills != null", true},
    {"0 == false", false},
    {"1 == 1.0", true},
    {"'6' > 5", true},
    {"n > 8", true},
    {"n == 9", false},
    {"'-3' < 0", false},
    /* Section 1: lexical rules. */
    {"1==1", true},
    {"level=5", true},
    {"0800 == 800", true},
    {"'a'IN ['a']", true},
    {"\"it's\" == \"it's\"", true},
    {"'back\\slash' CONTAINS '\\'", true},
    {"skills has 'sales' and NoT level > 9", true},
    {"skillsHAS == null", true},
    {"a . b [ 1 ] == 8", true},
    {"a.b[01] == 8", true},
    {"a.b[99999999999999999999999] == null", true},
    {"task.in == 1", true},
    {"x >-1", true},
    {"1 <-x", true},
    {"name\t==\r\n'Alice'", true},
    {"name == '\xc3\xa9t\xc3\xa9' OR true == true", true},
    {"[] == []", false},
    {"a.b == [7, 8]", false},
    {"level IN [1, 'x', true, null, 5.0]", true},
    {"level > 1 OR level > 2 OR level > 3 AND level < 0", true},
    {"((level == 5))", true},
};

typedef struct invalid {
    const char *text;
    lw_result code;
    int64_t offset;
    const char *message;  /* a part of the message, or NULL */
} invalid;

static const invalid invalids[] = {
    {"", LW_ERR_SYNTAX, 0, NULL},
    {"   ", LW_ERR_SYNTAX, 3, NULL},
    {"level", LW_ERR_SYNTAX, 5, NULL},
    {"true", LW_ERR_SYNTAX, 4, NULL},
    {"skill-level > 3", LW_ERR_SYNTAX, 5,
     "unexpected '-' at offset 5 (hyphens are not allowed in names)"},
    {"level == -1", LW_ERR_SYNTAX, 9, NULL},
    {"1e3 == 1", LW_ERR_SYNTAX, 0, NULL},
    {"a == 1AND b == 2", LW_ERR_SYNTAX, 5, NULL},
    {"a == 0x1F", LW_ERR_SYNTAX, 5, NULL},
    {"a == .5", LW_ERR_SYNTAX, 5, NULL},
    {"a == 1.", LW_ERR_SYNTAX, 5, NULL},
    {"a == 'x", LW_ERR_SYNTAX, 5, NULL},
    {"a == \"x'", LW_ERR_SYNTAX, 5, NULL},
    {"a == b == c", LW_ERR_SYNTAX, 7, NULL},
    {"a ! b", LW_ERR_SYNTAX, 2, NULL},
    {"a && b", LW_ERR_SYNTAX, 2, NULL},
    {"a || b", LW_ERR_SYNTAX, 2, NULL},
    {"a NOT HAS b", LW_ERR_SYNTAX, 6, NULL},
    {"a NOT CONTAINS b", LW_ERR_SYNTAX, 6, NULL},
    {"(a == 1", LW_ERR_SYNTAX, 7, NULL},
    {"a == 1)", LW_ERR_SYNTAX, 6, NULL},
    {"a == [1, [2]]", LW_ERR_SYNTAX, 9, NULL},
    {"a IN [1,]", LW_ERR_SYNTAX, 8, NULL},
    {"a IN [b]", LW_ERR_SYNTAX, 6, NULL},
    {"a IN [1 2]", LW_ERR_SYNTAX, 8, NULL},
    {"NOT", LW_ERR_SYNTAX, 3, NULL},
    {"a == 1 AND", LW_ERR_SYNTAX, 10, NULL},
    {"a == 1 OR OR b == 2", LW_ERR_SYNTAX, 10, NULL},
    {"a[1.5] == 1", LW_ERR_SYNTAX, 2, NULL},
    {"a[b] == 1", LW_ERR_SYNTAX, 2, NULL},
    {"a. == 1", LW_ERR_SYNTAX, 3, NULL},
    {"a.1 == 1", LW_ERR_SYNTAX, 2, NULL},
    {"\xc3\xa9 == 1", LW_ERR_SYNTAX, 0, NULL},
    {"a == '\xff'", LW_ERR_SYNTAX, 6, NULL},
    {"a == 1 \x01", LW_ERR_SYNTAX, 7, NULL},
    {"== 1", LW_ERR_SYNTAX, 0, NULL},
    {"a ==", LW_ERR_SYNTAX, 4, NULL},
    {"a IN", LW_ERR_SYNTAX, 4, NULL},
    {"a NOT", LW_ERR_SYNTAX, 5, NULL},
    {"a == ()", LW_ERR_SYNTAX, 5, NULL},
    {"() == 1", LW_ERR_SYNTAX, 1, NULL},
    {"a == 1 b == 2", LW_ERR_SYNTAX, 7, NULL},
    {"a <> b", LW_ERR_SYNTAX, 3, NULL},
    {"a =! b", LW_ERR_SYNTAX, 3, NULL},
    {"[1, 2", LW_ERR_SYNTAX, 5, NULL},
    {"a == [", LW_ERR_SYNTAX, 6, NULL},
};

static void test_valid(void **state)
{
    lw_symtab *syms;
    lw_attrs *doc;
    size_t i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &syms), LW_OK);
    assert_int_equal(lw_attrs_parse(syms, example_doc, strlen(example_doc),
                                    0, &doc, NULL), LW_OK);
    for (i = 0; i < sizeof valids / sizeof valids[0]; i++) {
        lw_expr *e = NULL;
        lw_error err;

        if (lw_expr_compile(syms, valids[i].text, strlen(valids[i].text),
                            &e, &err) != LW_OK)
            fail_msg("\"%s\": %s", valids[i].text, err.message);
        if (lw_expr_eval(e, doc) != valids[i].result)
            fail_msg("\"%s\" is %d", valids[i].text, !valids[i].result);
        lw_expr_free(e);
    }
    lw_attrs_release(doc);
    lw_symtab_release(syms);
}

static void check_invalid(lw_symtab *syms, const char *text, size_t len,
                          const invalid *want)
{
    lw_expr *e = NULL;
    lw_error err;
    lw_result rc;

    memset(&err, 0, sizeof err);
    rc = lw_expr_compile(syms, text, len, &e, &err);
    if (rc != want->code || err.code != rc || err.offset != want->offset ||
        (want->message && strstr(err.message, want->message) == NULL))
        fail_msg("\"%.60s\": %s at %lld \"%s\", want %s at %lld", text,
                 lw_result_name(rc), (long long)err.offset, err.message,
                 lw_result_name(want->code), (long long)want->offset);
    assert_null(e);
    assert_int_equal(lw_symtab_count(syms), 0);
}

static void test_invalid(void **state)
{
    lw_symtab *syms;
    size_t i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &syms), LW_OK);
    for (i = 0; i < sizeof invalids / sizeof invalids[0]; i++)
        check_invalid(syms, invalids[i].text, strlen(invalids[i].text),
                      &invalids[i]);
    lw_symtab_release(syms);
}

/* n copies of open, then core, then n copies of close. */
static char *nested(const char *open, size_t n, const char *core,
                    const char *close)
{
    size_t o = strlen(open), c = strlen(close), k = strlen(core), i;
    char *s = malloc(n * (o + c) + k + 1), *at = s;

    assert_non_null(s);
    for (i = 0; i < n; i++, at += o)
        memcpy(at, open, o);
    memcpy(at, core, k);
    at += k;
    for (i = 0; i < n; i++, at += c)
        memcpy(at, close, c);
    *at = '\0';
    return s;
}

/* Compile text: LW_OK, or the error's code with its offset in *offset. */
static lw_result try(lw_symtab *syms, char *text, int64_t *offset)
{
    lw_expr *e = NULL;
    lw_error err;
    lw_result rc = lw_expr_compile(syms, text, strlen(text), &e, &err);

    *offset = rc == LW_OK ? -1 : err.offset;
    lw_expr_free(e);
    free(text);
    return rc;
}

/* "a IN [1, 1, ...]" with n elements. */
static char *array_of(size_t n)
{
    char *s = nested("", 0, "a IN [", ""), *t;
    size_t i, at;

    t = realloc(s, 8 + 3 * n);
    assert_non_null(t);
    at = strlen(t);
    for (i = 0; i < n; i++)
        at += (size_t)sprintf(t + at, i ? ", 1" : "1");
    strcpy(t + at, "]");
    return t;
}

static void test_limits(void **state)
{
    lw_symtab *syms;
    int64_t off;
    char *t;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &syms), LW_OK);

    /* At most 64 '(' and NOT together around any point. */
    assert_int_equal(try(syms, nested("(", 64, "a == 1", ")"), &off), LW_OK);
    assert_int_equal(try(syms, nested("(", 65, "a == 1", ")"), &off),
                     LW_ERR_SYNTAX);
    assert_int_equal(off, 64);
    assert_int_equal(try(syms, nested("NOT ", 64, "a == 1", ""), &off),
                     LW_OK);
    assert_int_equal(try(syms, nested("NOT ", 65, "a == 1", ""), &off),
                     LW_ERR_SYNTAX);
    assert_int_equal(off, 256);
    assert_int_equal(try(syms, nested("NOT (", 32, "a == 1", ")"), &off),
                     LW_OK);
    assert_int_equal(try(syms, nested("NOT (", 33, "a == 1", ")"), &off),
                     LW_ERR_SYNTAX);
    assert_int_equal(off, 160);

    /* 1,024 elements in one array literal; the 1,025th is the error. */
    assert_int_equal(try(syms, array_of(1024), &off), LW_OK);
    assert_int_equal(try(syms, array_of(1025), &off), LW_ERR_SYNTAX);
    assert_int_equal(off, 6 + 3 * 1024);

    /* 16,384 bytes of text; one more is too large, at offset 16384. */
    t = nested(" ", 16384 - 6, "a == 1", "");
    assert_int_equal(try(syms, t, &off), LW_OK);
    t = nested(" ", 16385 - 6, "a == 1", "");
    assert_int_equal(try(syms, t, &off), LW_ERR_TOO_LARGE);
    assert_int_equal(off, 16384);

    assert_int_equal(lw_symtab_count(syms), 0);
    lw_symtab_release(syms);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
