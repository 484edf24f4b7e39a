/*
 * test_rest_wire.c - the byte-level pieces of the REST adapter: form
 * decoding, percent-encoding, If-Match, Basic credentials, dates and
 * error bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rest_int.h"
#include "testalloc.h"

/* ---- form decoding ----------------------------------------------------- */

static void assert_param(const lw__form *f, const char *name,
                         const char *value)
{
    const lw__param *p = lw__form_get(f, name);

    assert_non_null(p);
    assert_int_equal(p->value_len, strlen(value));
    assert_memory_equal(p->value, value, p->value_len);
}

static void test_form_decodes(void **state)
{
    static const char q[] =
        "FriendlyName=Support+Worker%201&Attributes=%7B%22a%22%3A1%7D"
        "&&Empty=&Flag&na%6De=%C3%A9t%c3%a9&FriendlyName=Last";
    lw__form f;

    (void)state;
    assert_int_equal(lw__form_parse(&f, NULL, q, strlen(q), "body", NULL),
                     LW_OK);
    assert_int_equal(f.count, 6);
    assert_param(&f, "FriendlyName", "Last");
    assert_param(&f, "Attributes", "{\"a\":1}");
    assert_param(&f, "Empty", "");
    assert_param(&f, "Flag", "");
    assert_param(&f, "name", "\xc3\xa9t\xc3\xa9");
    assert_null(lw__form_get(&f, "friendlyname"));
    assert_null(lw__form_get(&f, "Missing"));
    assert_memory_equal(f.text, "FriendlyNameSupport Worker 1", 28);
    lw__form_release(&f);
    lw__form_release(&f);
}

static void test_form_empty(void **state)
{
    lw__form f;

    (void)state;
    assert_int_equal(lw__form_parse(&f, NULL, NULL, 0, "body", NULL), LW_OK);
    assert_int_equal(f.count, 0);
    assert_null(lw__form_get(&f, "A"));
    assert_int_equal(lw__form_parse(&f, NULL, "&&&", 3, "body", NULL),
                     LW_OK);
    assert_int_equal(f.count, 0);
    lw__form_release(&f);
}

static void test_form_keeps_nul_and_equals(void **state)
{
    static const char q[] = "A=x%00y&B==1=2";
    lw__form f;

    (void)state;
    assert_int_equal(lw__form_parse(&f, NULL, q, strlen(q), "body", NULL),
                     LW_OK);
    assert_int_equal(lw__form_get(&f, "A")->value_len, 3);
    assert_memory_equal(lw__form_get(&f, "A")->value, "x\0y", 3);
    assert_param(&f, "B", "=1=2");
    lw__form_release(&f);
}

static void test_form_errors(void **state)
{
    static const struct {
        const char *src;
        int64_t offset;
        const char *message;
    } rows[] = {
        {"A=%", 2, "Invalid percent-encoding at offset 2 of the query "
                   "string: '%' must be followed by two hexadecimal digits"},
        {"A=1&B=%4", 6, NULL},
        {"A=1&B=%G1", 6, NULL},
        {"A=%%41", 2, NULL},
        {"%zz=1", 0, NULL},
        {"A=1&FriendlyName=%FF", 4, "Invalid UTF-8 in the value of "
                                    "parameter FriendlyName in the query "
                                    "string"},
        {"A=%C3", 0, NULL},
        {"A=%ED%A0%80", 0, NULL},
        {"A=1&%C0%80=1", 4, "Invalid UTF-8 in the parameter at offset 4 "
                            "of the query string"},
        {"A=1&Unknown=\xff", 4, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        lw__form f;
        lw_error err;

        memset(&err, 0, sizeof err);
        assert_int_equal(lw__form_parse(&f, NULL, rows[i].src,
                                        strlen(rows[i].src), "query string",
                                        &err),
                         LW_ERR_INVALID);
        assert_int_equal(err.code, LW_ERR_INVALID);
        assert_int_equal(err.offset, rows[i].offset);
        if (rows[i].message != NULL)
            assert_string_equal(err.message, rows[i].message);
        assert_null(f.params);
        assert_null(f.text);
        assert_int_equal(f.count, 0);
    }
}

static void test_form_many_params(void **state)
{
    size_t n = 10000, i, len = 0;
    char *q = malloc(n * 16);
    lw__form f;

    (void)state;
    assert_non_null(q);
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(q + len, "%sP%zu=%zu", i ? "&" : "", i, i);
    assert_int_equal(lw__form_parse(&f, NULL, q, len, "body", NULL), LW_OK);
    assert_int_equal(f.count, n);
    assert_param(&f, "P9999", "9999");
    assert_param(&f, "P0", "0");
    lw__form_release(&f);
    free(q);
}

static void test_form_nomem(void **state)
{
    static const char q[] = "A=1&B=2";
    testalloc ta;
    size_t n;

    (void)state;
    for (n = 1;; n++) {
        lw__form f;
        lw_error err;
        lw_result rc;

        testalloc_init(&ta);
        testalloc_fail_at(&ta, n, false);
        rc = lw__form_parse(&f, &ta.alloc, q, strlen(q), "body", &err);
        if (rc == LW_OK) {
            assert_int_equal(f.count, 2);
            lw__form_release(&f);
            assert_int_equal(ta.live, 0);
            break;
        }
        assert_int_equal(rc, LW_ERR_NOMEM);
        assert_string_equal(err.message, "out of memory");
        assert_int_equal(ta.live, 0);
    }
    assert_int_equal(n, 3);
}

static void test_form_bool(void **state)
{
    static const struct {
        const char *text;
        bool value;
    } rows[] = {
        {"true", true}, {"True", true}, {"TRUE", true}, {"1", true},
        {"yes", true},  {"YeS", true},  {"false", false}, {"0", false},
        {"", false},    {"no", false},  {"2", false},   {"truee", false},
        {" true", false}, {"on", false}, {"11", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(lw__form_bool(rows[i].text, strlen(rows[i].text)),
                         rows[i].value);
}

static void test_parse_digits(void **state)
{
    uint64_t v = 7;

    (void)state;
    assert_true(lw__parse_digits("0", 1, &v));
    assert_int_equal(v, 0);
    assert_true(lw__parse_digits("0042", 4, &v));
    assert_int_equal(v, 42);
    assert_true(lw__parse_digits("18446744073709551615", 20, &v));
    assert_true(v == UINT64_MAX);
    assert_true(lw__parse_digits("99999999999999999999999", 23, &v));
    assert_true(v == UINT64_MAX);
    v = 7;
    assert_false(lw__parse_digits("", 0, &v));
    assert_false(lw__parse_digits("-1", 2, &v));
    assert_false(lw__parse_digits("+1", 2, &v));
    assert_false(lw__parse_digits("1.0", 3, &v));
    assert_false(lw__parse_digits(" 1", 2, &v));
    assert_int_equal(v, 7);
}

/* ---- output helpers ---------------------------------------------------- */

static void test_url_encode(void **state)
{
    static const struct {
        const char *in;
        const char *out;
    } rows[] = {
        {"", ""},
        {"AZaz09-._~", "AZaz09-._~"},
        {"a b+c", "a%20b%2Bc"},
        {"skills HAS 'support'", "skills%20HAS%20%27support%27"},
        {"x=y&z/?#%", "x%3Dy%26z%2F%3F%23%25"},
        {"\xc3\xa9", "%C3%A9"},
        {"DateStatusChanged:desc", "DateStatusChanged%3Adesc"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        lw__buf b;

        lw__buf_init(&b, NULL);
        lw__buf_url_encode(&b, rows[i].in, strlen(rows[i].in));
        lw__buf_putc(&b, '|');
        assert_false(lw__buf_failed(&b));
        assert_int_equal(b.len, strlen(rows[i].out) + 1);
        assert_memory_equal(b.data, rows[i].out, b.len - 1);
        lw__buf_release(&b);
    }
}

static void test_dates(void **state)
{
    static const struct {
        int64_t seconds;
        const char *text;
    } rows[] = {
        {0, "1970-01-01T00:00:00Z"},
        {1496185529, "2017-05-30T23:05:29Z"},
        {951782400, "2000-02-29T00:00:00Z"},
        {951868799, "2000-02-29T23:59:59Z"},
        {4107542400, "2100-03-01T00:00:00Z"},
        {-1, "1969-12-31T23:59:59Z"},
        {-86400, "1969-12-31T00:00:00Z"},
        {-62167219200, "0000-01-01T00:00:00Z"},
        {INT64_MIN, "0000-01-01T00:00:00Z"},
        {253402300799, "9999-12-31T23:59:59Z"},
        {INT64_MAX, "9999-12-31T23:59:59Z"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        lw__buf b;

        lw__buf_init(&b, NULL);
        lw__buf_date(&b, rows[i].seconds);
        assert_string_equal(b.data, rows[i].text);
        lw__buf_release(&b);
    }
}

static void test_error_body(void **state)
{
    lw__buf b;

    (void)state;
    lw__buf_init(&b, NULL);
    lw__buf_error_body(&b, 20404, "The requested resource /Workspaces/WS1 "
                       "was not found", 404);
    assert_string_equal(b.data,
                        "{\"code\":20404,\"message\":\"The requested "
                        "resource /Workspaces/WS1 was not found\","
                        "\"more_info\":\"https://www.twilio.com/docs/errors/"
                        "20404\",\"status\":404}");
    lw__buf_release(&b);

    /* Quotes escaped; a character cut in half by truncation dropped. */
    lw__buf_init(&b, NULL);
    lw__buf_error_body(&b, 20001, "bad \"x\" \xc3", 400);
    assert_string_equal(b.data,
                        "{\"code\":20001,\"message\":\"bad \\\"x\\\" \","
                        "\"more_info\":\"https://www.twilio.com/docs/errors/"
                        "20001\",\"status\":400}");
    lw__buf_release(&b);
}

/* ---- If-Match ------------------------------------------------------------ */

static void test_if_match(void **state)
{
    static const struct {
        const char *value;
        lw__precond kind;
        uint64_t version;
    } rows[] = {
        {"3", LW__PRECOND_VERSION, 3},
        {"\"3\"", LW__PRECOND_VERSION, 3},
        {" \t\"03\" ", LW__PRECOND_VERSION, 3},
        {"0", LW__PRECOND_VERSION, 0},
        {"*", LW__PRECOND_ANY, 0},
        {" * ", LW__PRECOND_ANY, 0},
        {"", LW__PRECOND_NONE, 0},
        {"  ", LW__PRECOND_NONE, 0},
        {"W/\"3\"", LW__PRECOND_NEVER, 0},
        {"\"3", LW__PRECOND_NEVER, 0},
        {"3\"", LW__PRECOND_NEVER, 0},
        {"\"\"", LW__PRECOND_NEVER, 0},
        {"\" 3\"", LW__PRECOND_NEVER, 0},
        {"-1", LW__PRECOND_NEVER, 0},
        {"1, 2", LW__PRECOND_NEVER, 0},
        {"abc", LW__PRECOND_NEVER, 0},
        {"\"*\"", LW__PRECOND_NEVER, 0},
        {"**", LW__PRECOND_NEVER, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *v = rows[i].value;
        size_t len = strlen(v);
        uint64_t version = 0;

        assert_int_equal(lw__if_match_parse(&v, &len, 1, &version),
                         rows[i].kind);
        if (rows[i].kind == LW__PRECOND_VERSION)
            assert_int_equal(version, rows[i].version);
    }
}

static void test_if_match_count(void **state)
{
    const char *vals[2] = {"1", "1"};
    size_t lens[2] = {1, 1};
    uint64_t version = 0;

    (void)state;
    assert_int_equal(lw__if_match_parse(NULL, NULL, 0, &version),
                     LW__PRECOND_NONE);
    assert_int_equal(lw__if_match_parse(vals, lens, 2, &version),
                     LW__PRECOND_NEVER);
    vals[0] = NULL;
    lens[0] = 0;
    assert_int_equal(lw__if_match_parse(vals, lens, 1, &version),
                     LW__PRECOND_NONE);
}

/* ---- Basic credentials --------------------------------------------------- */

static void test_basic_auth(void **state)
{
    /* "ACx:tok" and variants, encoded by hand. */
    static const struct {
        const char *header;
        bool ok;
    } rows[] = {
        {"Basic QUN4OnRvaw==", true},
        {"basic QUN4OnRvaw==", true},
        {"BASIC   QUN4OnRvaw  ", true},
        {"Basic\tQUN4OnRvaw==", true},
        {"Basic QUN4OnRvaw=", true},
        {"Basic QUN4OnRvaA==", false},      /* ACx:toh */
        {"Basic QUN5OnRvaw==", false},      /* ACy:tok */
        {"Basic QUN4dG9r", false},          /* ACxtok, no colon */
        {"Basic QUN4OnRvazE=", false},      /* ACx:tok1 */
        {"Basic QUN4OnRv", false},          /* ACx:to */
        {"Basic QUN4OnRvaw*=", false},
        {"Basic Q", false},
        {"Bearer QUN4OnRvaw==", false},
        {"BasicQUN4OnRvaw==", false},
        {"Basic ", false},
        {"", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(lw__basic_auth_ok(rows[i].header,
                                           strlen(rows[i].header), "ACx",
                                           "tok"),
                         rows[i].ok);
    assert_false(lw__basic_auth_ok(NULL, 0, "ACx", "tok"));
}

static void test_basic_auth_long(void **state)
{
    char hdr[2048] = "Basic ";
    size_t i;

    (void)state;
    for (i = 6; i < sizeof hdr - 1; i++)
        hdr[i] = 'A';
    hdr[sizeof hdr - 1] = '\0';
    assert_false(lw__basic_auth_ok(hdr, strlen(hdr), "ACx", "tok"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_decodes),
        cmocka_unit_test(test_form_empty),
        cmocka_unit_test(test_form_keeps_nul_and_equals),
        cmocka_unit_test(test_form_errors),
        cmocka_unit_test(test_form_many_params),
        cmocka_unit_test(test_form_nomem),
        cmocka_unit_test(test_form_bool),
        cmocka_unit_test(test_parse_digits),
        cmocka_unit_test(test_url_encode),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_error_body),
        cmocka_unit_test(test_if_match),
        cmocka_unit_test(test_if_match_count),
        cmocka_unit_test(test_basic_auth),
        cmocka_unit_test(test_basic_auth_long),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
