/*
 * test_attrs.c - attribute documents: strict parsing, limits, numbers,
 * duplicate keys, lookups, the read API, interning, out-of-memory at
 * every allocation, and concurrent use of one symbol table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <locale.h>
#include <pthread.h>
#include <time.h>

#include "attrs_int.h"
#include "libworkers.h"
#include "testalloc.h"

#define ROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------ */

static lw_symtab *new_table(void)
{
    lw_symtab *t = NULL;

    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    assert_non_null(t);
    return t;
}

static lw_attrs *parse_ok(lw_symtab *t, const char *text)
{
    lw_attrs *doc = NULL;
    lw_error err;

    memset(&err, 0, sizeof err);
    if (lw_attrs_parse(t, text, strlen(text), 0, &doc, &err) != LW_OK)
        fail_msg("parse of %s failed: %s", text, err.message);
    assert_non_null(doc);
    return doc;
}

static const lw_value *look(const lw_attrs *doc, const char *path)
{
    return lw_attrs_lookup(doc, path, strlen(path));
}

/* A string of n copies of c. */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* {"a": + depth-1 nested arrays + 1 + closers + } : nesting `depth`. */
static char *nested_arrays(int depth)
{
    size_t n = (size_t)depth - 1, len = 5 + n + 1 + n + 1;
    char *s = malloc(len + 1);

    assert_non_null(s);
    memcpy(s, "{\"a\":", 5);
    memset(s + 5, '[', n);
    s[5 + n] = '1';
    memset(s + 6 + n, ']', n);
    s[len - 1] = '}';
    s[len] = '\0';
    return s;
}

/* ---- valid and invalid documents ---------------------------------------- */

static void test_valid_documents(void **state)
{
    static const char *const rows[] = {
        "{}",
        " \t\r\n{ } \n",
        "{\"a\":null,\"b\":true,\"c\":false}",
        "{\"a\":[],\"b\":{},\"c\":[[]],\"d\":[{}]}",
        "{\"\":\"\"}",
        "{\"a\":-0,\"b\":0.5e-3,\"c\":1E+2,\"d\":1e-2,\"e\":-1.5}",
        "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\"}",
        "{\"a\":\"\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
        "{\"a\":\"\\ud83d\\ude00\",\"\\u00e9\":1}",
        "{ \"a\" : [ 1 , 2 ] , \"b\" : { \"c\" : \"d\" } }",
    };
    lw_symtab *t = new_table();
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(rows); i++)
        lw_attrs_release(parse_ok(t, rows[i]));
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

typedef struct bad_row {
    const char *text;
    size_t len;            /* 0: strlen(text) */
    lw_result code;
    int64_t offset;
    const char *message;
} bad_row;

static const bad_row bad_rows[] = {
    /* not an object */
    {"", 0, LW_ERR_INVALID, 0, "Attributes must be a JSON object"},
    {"   ", 0, LW_ERR_INVALID, 3, "Attributes must be a JSON object"},
    {"[1]", 0, LW_ERR_INVALID, 0, "Attributes must be a JSON object"},
    {" [", 0, LW_ERR_INVALID, 1, "Attributes must be a JSON object"},
    {"\"x\"", 0, LW_ERR_INVALID, 0, "Attributes must be a JSON object"},
    {"1", 0, LW_ERR_INVALID, 0, "Attributes must be a JSON object"},
    {"-1", 0, LW_ERR_INVALID, 0, "Attributes must be a JSON object"},
    {"null", 0, LW_ERR_INVALID, 0, "Attributes must be a JSON object"},
    {"true", 0, LW_ERR_INVALID, 0, "Attributes must be a JSON object"},
    {"x", 0, LW_ERR_SYNTAX, 0, "invalid JSON at offset 0: expected '{'"},
    {"\xef\xbb\xbf{}", 0, LW_ERR_SYNTAX, 0,
     "invalid JSON at offset 0: byte order mark is not allowed"},
    /* structure */
    {"{\"a\" 1}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected ':'"},
    {"{\"1\":1,", 0, LW_ERR_SYNTAX, 7,
     "invalid JSON at offset 7: unexpected end of text"},
    {"{", 0, LW_ERR_SYNTAX, 1,
     "invalid JSON at offset 1: unexpected end of text"},
    {"{\"a\":", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: unexpected end of text"},
    {"{\"a\":1", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: unexpected end of text"},
    {"{\"a\":[1", 0, LW_ERR_SYNTAX, 7,
     "invalid JSON at offset 7: unexpected end of text"},
    {"{} x", 0, LW_ERR_SYNTAX, 3,
     "invalid JSON at offset 3: unexpected text after the object"},
    {"{}{}", 0, LW_ERR_SYNTAX, 2,
     "invalid JSON at offset 2: unexpected text after the object"},
    {"{'a':1}", 0, LW_ERR_SYNTAX, 1,
     "invalid JSON at offset 1: expected a string key"},
    {"{a:1}", 0, LW_ERR_SYNTAX, 1,
     "invalid JSON at offset 1: expected a string key"},
    {"{\"a\":1,}", 0, LW_ERR_SYNTAX, 7,
     "invalid JSON at offset 7: expected a string key"},
    {"{\"a\":1 \"b\":2}", 0, LW_ERR_SYNTAX, 7,
     "invalid JSON at offset 7: expected ',' or '}'"},
    {"{\"a\":[1,]}", 0, LW_ERR_SYNTAX, 8,
     "invalid JSON at offset 8: expected a value"},
    {"{\"a\":[1 2]}", 0, LW_ERR_SYNTAX, 8,
     "invalid JSON at offset 8: expected ',' or ']'"},
    {"{\"a\":'x'}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected a value"},
    {"{\"a\":tru}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected a value"},
    {"{\"a\":True}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected a value"},
    {"{\"a\":undefined}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected a value"},
    /* numbers */
    {"{\"a\":NaN}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected a value"},
    {"{\"a\":Infinity}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected a value"},
    {"{\"a\":-Infinity}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: expected a digit"},
    {"{\"a\":01}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: leading zeros are not allowed"},
    {"{\"a\":-00}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: leading zeros are not allowed"},
    {"{\"a\":1.}", 0, LW_ERR_SYNTAX, 7,
     "invalid JSON at offset 7: expected a digit after '.'"},
    {"{\"a\":1.e5}", 0, LW_ERR_SYNTAX, 7,
     "invalid JSON at offset 7: expected a digit after '.'"},
    {"{\"a\":.5}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected a value"},
    {"{\"a\":+1}", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: expected a value"},
    {"{\"a\":1e}", 0, LW_ERR_SYNTAX, 7,
     "invalid JSON at offset 7: expected a digit in the exponent"},
    {"{\"a\":1e+}", 0, LW_ERR_SYNTAX, 8,
     "invalid JSON at offset 8: expected a digit in the exponent"},
    {"{\"a\":0x10}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: expected ',' or '}'"},
    {"{\"a\":1e400}", 0, LW_ERR_INVALID, 5, "number out of range at offset 5"},
    {"{\"a\":-1e400}", 0, LW_ERR_INVALID, 5,
     "number out of range at offset 5"},
    {"{\"a\":[0,1.8e308]}", 0, LW_ERR_INVALID, 8,
     "number out of range at offset 8"},
    /* strings */
    {"{\"a\":\"x\ny\"}", 0, LW_ERR_SYNTAX, 7,
     "invalid JSON at offset 7: control character in string"},
    {"{\"a\":\"\t\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: control character in string"},
    {"{\"a\x1f\":1}", 0, LW_ERR_SYNTAX, 3,
     "invalid JSON at offset 3: control character in string"},
    {"{\"a\":\"\\q\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: invalid escape"},
    {"{\"a\":\"\\x41\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: invalid escape"},
    {"{\"a\":\"\\u12\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: invalid \\u escape"},
    {"{\"a\":\"\\u12g4\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: invalid \\u escape"},
    {"{\"a\":\"\\ud800\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: lone surrogate escape"},
    {"{\"a\":\"\\udc00\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: lone surrogate escape"},
    {"{\"a\":\"\\ud800\\u0041\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: lone surrogate escape"},
    {"{\"a\":\"\\ud800\\ud800\"}", 0, LW_ERR_SYNTAX, 6,
     "invalid JSON at offset 6: lone surrogate escape"},
    {"{\"\\udfff\":1}", 0, LW_ERR_SYNTAX, 2,
     "invalid JSON at offset 2: lone surrogate escape"},
    {"{\"a\":\"\\u0000\"}", 0, LW_ERR_INVALID, 6,
     "escaped NUL (\\u0000) at offset 6"},
    {"{\"a\":\"x", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: unterminated string"},
    {"{\"a\":\"x\\", 0, LW_ERR_SYNTAX, 5,
     "invalid JSON at offset 5: unterminated string"},
    {"{\"a", 0, LW_ERR_SYNTAX, 1,
     "invalid JSON at offset 1: unterminated string"},
    /* bytes */
    {"{\"a\":\"x\0\"}", 10, LW_ERR_INVALID, 7, "NUL byte at offset 7"},
    {"{}\0", 3, LW_ERR_INVALID, 2, "NUL byte at offset 2"},
    {"\0{}", 3, LW_ERR_INVALID, 0, "NUL byte at offset 0"},
    {"{\"a\":\"\xff\"}", 0, LW_ERR_INVALID, 6, "invalid UTF-8 at offset 6"},
    {"{\"\xc0\xaf\":1}", 0, LW_ERR_INVALID, 2, "invalid UTF-8 at offset 2"},
    {"{\"a\":\"\xed\xa0\x80\"}", 0, LW_ERR_INVALID, 6,
     "invalid UTF-8 at offset 6"},
    {"{\"a\":\"\xf4\x90\x80\x80\"}", 0, LW_ERR_INVALID, 6,
     "invalid UTF-8 at offset 6"},
    {"{\"a\":\"\xe2\x82", 0, LW_ERR_INVALID, 6, "invalid UTF-8 at offset 6"},
    {"{}\xc3", 0, LW_ERR_INVALID, 2, "invalid UTF-8 at offset 2"},
    {"\xef\xbb{}", 0, LW_ERR_INVALID, 0, "invalid UTF-8 at offset 0"},
    /* the first problem in the text wins between NUL and UTF-8 */
    {"{\"\xff\":\"\0\"}", 9, LW_ERR_INVALID, 2, "invalid UTF-8 at offset 2"},
    {"{\"\0\":\"\xff\"}", 9, LW_ERR_INVALID, 2, "NUL byte at offset 2"},
};

static void test_invalid_documents(void **state)
{
    lw_symtab *t = new_table();
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(bad_rows); i++) {
        const bad_row *r = &bad_rows[i];
        size_t len = r->len ? r->len : strlen(r->text);
        lw_attrs *doc = (lw_attrs *)&doc;
        char *heap = malloc(len + 1);
        lw_error err;
        lw_result rc;

        /* An exact-size buffer: any read past the text is caught. */
        assert_non_null(heap);
        memcpy(heap, r->text, len);
        heap = realloc(heap, len ? len : 1);
        assert_non_null(heap);
        memset(&err, 0, sizeof err);
        rc = lw_attrs_parse(t, heap, len, 0, &doc, &err);
        if (rc != r->code || err.offset != r->offset ||
            strcmp(err.message, r->message) != 0)
            fail_msg("row %zu: got %d at %lld \"%s\"", i, (int)rc,
                     (long long)err.offset, err.message);
        assert_int_equal(err.code, r->code);
        assert_ptr_equal(doc, (lw_attrs *)&doc);
        assert_int_equal(lw_symtab_count(t), 0);
        free(heap);
    }
    lw_symtab_release(t);
}

/* cJSON 1.7.15 reads past unterminated input; the text here is given in
 * a buffer of exactly its size, so AddressSanitizer sees any such read. */
static void test_truncated_input_regression(void **state)
{
    static const char full[] =
        "{\"1\":1,\"s\":\"a\\u00e9\\ud83d\\ude00\",\"n\":[-1.5e3,true,"
        "false,null,{\"x\":{}}],\"k\":9223372036854775808}";
    lw_symtab *t = new_table();
    size_t len;

    (void)state;
    for (len = 0; len <= sizeof full - 1; len++) {
        char *heap = malloc(len ? len : 1);
        lw_attrs *doc = NULL;
        lw_error err;
        lw_result rc;

        assert_non_null(heap);
        memcpy(heap, full, len);
        rc = lw_attrs_parse(t, heap, len, 0, &doc, &err);
        if (len == sizeof full - 1) {
            assert_int_equal(rc, LW_OK);
            lw_attrs_release(doc);
        } else {
            assert_true(rc == LW_ERR_SYNTAX || rc == LW_ERR_INVALID);
            assert_null(doc);
        }
        free(heap);
    }
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

/* Every byte of a document replaced by a few others: never a crash, a
 * leak or an unexpected code. */
static void test_mutations(void **state)
{
    static const char base[] =
        "{\"a\":[1,-2.5e1,\"x\\n\"],\"b\":{\"c\":null,\"d\":true},\"e\":0}";
    static const char subst[] = "{}[]\":,\\0-.eE+ \x01\xc3\xff\"tfn";
    lw_symtab *t = new_table();
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof base - 1; i++) {
        for (k = 0; k < sizeof subst - 1; k++) {
            char text[sizeof base];
            lw_attrs *doc = NULL;
            lw_result rc;

            memcpy(text, base, sizeof base);
            text[i] = subst[k];
            rc = lw_attrs_parse(t, text, sizeof base - 1, 0, &doc, NULL);
            assert_true(rc == LW_OK || rc == LW_ERR_SYNTAX ||
                        rc == LW_ERR_INVALID);
            if (rc == LW_OK) {
                size_t len;

                assert_memory_equal(lw_attrs_text(doc, &len), text,
                                    sizeof base - 1);
                lw_attrs_release(doc);
            }
        }
    }
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

static void test_bad_arguments(void **state)
{
    lw_symtab *t = new_table();
    lw_attrs *doc = NULL;
    lw_error err;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, NULL), LW_ERR_INVALID);
    assert_int_equal(lw_attrs_parse(NULL, "{}", 2, 0, &doc, &err),
                     LW_ERR_INVALID);
    assert_int_equal(err.code, LW_ERR_INVALID);
    assert_int_equal(err.offset, -1);
    assert_int_equal(lw_attrs_parse(t, NULL, 0, 0, &doc, &err),
                     LW_ERR_INVALID);
    assert_int_equal(lw_attrs_parse(t, "{}", 2, 0, NULL, NULL),
                     LW_ERR_INVALID);
    assert_null(doc);

    /* Success leaves err untouched. */
    memset(&err, 0x5a, sizeof err);
    assert_int_equal(lw_attrs_parse(t, "{}", 2, 0, &doc, &err), LW_OK);
    assert_int_equal(err.offset, 0x5a5a5a5a5a5a5a5aLL);
    lw_attrs_release(doc);
    lw_attrs_release(NULL);
    lw_symtab_release(NULL);
    assert_null(lw_symtab_retain(NULL));
    assert_null(lw_attrs_retain(NULL));
    assert_int_equal(lw_symtab_count(NULL), 0);
    lw_symtab_release(t);
}

/* ---- limits ------------------------------------------------------------- */

/* A valid object of exactly n bytes: {"a":"xxx..."}. */
static char *object_of_size(size_t n)
{
    char *s = repeat('x', n);

    memcpy(s, "{\"a\":\"", 6);
    s[n - 2] = '"';
    s[n - 1] = '}';
    return s;
}

static void test_size_limit(void **state)
{
    lw_symtab *t = new_table();
    char *s = object_of_size(4097);
    lw_attrs *doc = NULL;
    lw_error err;

    (void)state;
    assert_int_equal(lw_attrs_parse(t, s, 4097, 0, &doc, &err),
                     LW_ERR_TOO_LARGE);
    assert_int_equal(err.code, LW_ERR_TOO_LARGE);
    assert_int_equal(err.offset, 4096);
    assert_string_equal(err.message,
                        "Attributes are 4097 bytes, over the limit of 4096");
    assert_null(doc);
    free(s);

    s = object_of_size(4096);
    assert_int_equal(lw_attrs_parse(t, s, 4096, 0, &doc, &err), LW_OK);
    assert_int_equal(lw_value_count(lw_attrs_root(doc)), 1);
    lw_attrs_release(doc);
    assert_int_equal(lw_attrs_parse(t, s, 4096, 4095, &doc, &err),
                     LW_ERR_TOO_LARGE);
    assert_int_equal(err.offset, 4095);
    free(s);

    /* A larger limit chosen per workspace. */
    s = object_of_size(10000);
    assert_int_equal(lw_attrs_parse(t, s, 10000, 0, &doc, &err),
                     LW_ERR_TOO_LARGE);
    assert_int_equal(lw_attrs_parse(t, s, 10000, 10000, &doc, &err), LW_OK);
    lw_attrs_release(doc);
    free(s);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

static void test_depth_limit(void **state)
{
    lw_symtab *t = new_table();
    char *s = nested_arrays(64);
    lw_attrs *doc = NULL;
    const lw_value *v;
    lw_error err;
    int i;

    (void)state;
    doc = parse_ok(t, s);
    v = lw_attrs_root(doc);
    for (i = 0; i < 63; i++) {
        v = i == 0 ? lw_value_get(v, "a", 1) : lw_value_at(v, 0);
        assert_int_equal(lw_value_type(v), LW_TYPE_ARRAY);
    }
    assert_int_equal(lw_value_int(lw_value_at(v, 0)), 1);
    lw_attrs_release(doc);
    free(s);

    s = nested_arrays(65);
    assert_int_equal(lw_attrs_parse(t, s, strlen(s), 0, &doc, &err),
                     LW_ERR_INVALID);
    assert_int_equal(err.offset, 5 + 63);
    assert_string_equal(err.message,
                        "Attributes nest deeper than 64 levels at offset 68");
    free(s);

    /* Objects count the same way. */
    s = malloc(64 * 6 + 64 + 1);
    assert_non_null(s);
    s[0] = '\0';
    for (i = 0; i < 64; i++)
        strcat(s, i < 63 ? "{\"k\":" : "{");
    for (i = 0; i < 64; i++)
        strcat(s, "}");
    doc = parse_ok(t, s);
    lw_attrs_release(doc);
    memmove(s + 5, s, strlen(s) + 1);
    memcpy(s, "{\"k\":", 5);
    strcat(s, "}");
    assert_int_equal(lw_attrs_parse(t, s, strlen(s), 0, &doc, &err),
                     LW_ERR_INVALID);
    assert_int_equal(err.offset, 64 * 5);
    free(s);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_megabyte_of_brackets(void **state)
{
    size_t n = 1 << 20;
    char *s = repeat('[', n + 5);
    lw_symtab *t = new_table();
    lw_attrs *doc = NULL;
    lw_error err;
    double t0 = seconds();

    (void)state;
    assert_int_equal(lw_attrs_parse(t, s, n, n, &doc, &err),
                     LW_ERR_INVALID);
    assert_int_equal(err.offset, 0);
    assert_int_equal(lw_attrs_parse(t, s, n, 0, &doc, &err),
                     LW_ERR_TOO_LARGE);

    memcpy(s, "{\"a\":", 5);
    assert_int_equal(lw_attrs_parse(t, s, n + 5, n + 5, &doc, &err),
                     LW_ERR_INVALID);
    assert_int_equal(err.offset, 68);
    assert_true(seconds() - t0 < 1.0);
    assert_null(doc);
    free(s);
    lw_symtab_release(t);
}

/* ---- numbers ------------------------------------------------------------ */

typedef struct num_row {
    const char *token;
    lw_type type;
    int64_t i;
    double d;
} num_row;


/* Values a and b are the same number: type, and value bit for bit. */
static void same_number(const lw_value *a, const lw_value *b)
{
    double da = lw_value_double(a), db = lw_value_double(b);

    assert_int_equal(lw_value_type(a), lw_value_type(b));
    assert_int_equal(lw_value_int(a), lw_value_int(b));
    assert_memory_equal(&da, &db, sizeof da);
}
static void test_numbers(void **state)
{
    static const num_row rows[] = {
        {"0", LW_TYPE_INT, 0, 0},
        {"-0", LW_TYPE_INT, 0, 0},
        {"42", LW_TYPE_INT, 42, 0},
        {"-17", LW_TYPE_INT, -17, 0},
        {"9223372036854775807", LW_TYPE_INT, INT64_MAX, 0},
        {"-9223372036854775808", LW_TYPE_INT, INT64_MIN, 0},
        {"9007199254740993", LW_TYPE_INT, 9007199254740993LL, 0},
        {"9223372036854775808", LW_TYPE_DOUBLE, 0, 9223372036854775808.0},
        {"-9223372036854775809", LW_TYPE_DOUBLE, 0, -9223372036854775808.0},
        {"18446744073709551616", LW_TYPE_DOUBLE, 0, 18446744073709551616.0},
        {"1.0", LW_TYPE_DOUBLE, 0, 1.0},
        {"-0.0", LW_TYPE_DOUBLE, 0, -0.0},
        {"1e2", LW_TYPE_DOUBLE, 0, 100.0},
        {"1E+2", LW_TYPE_DOUBLE, 0, 100.0},
        {"25e-1", LW_TYPE_DOUBLE, 0, 2.5},
        {"3.141592653589793", LW_TYPE_DOUBLE, 0, 3.141592653589793},
        {"1e-400", LW_TYPE_DOUBLE, 0, 0.0},
        {"-1e-400", LW_TYPE_DOUBLE, 0, -0.0},
        {"4.9e-324", LW_TYPE_DOUBLE, 0, 4.9e-324},
        {"1.7976931348623157e308", LW_TYPE_DOUBLE, 0, 1.7976931348623157e308},
        {"1000000000000000000000000000000000000000000000000000000000000000"
         "0000000000",
         LW_TYPE_DOUBLE, 0, 1e73},
        {"0.00000000000000000000000000000000000000000000000000000000000000"
         "0000000001e80",
         LW_TYPE_DOUBLE, 0, 1e8},
    };
    lw_symtab *t = new_table();
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(rows); i++) {
        char text[256];
        lw_attrs *doc;
        const lw_value *v;

        snprintf(text, sizeof text, "{\"n\":%s,\"m\":[%s]}", rows[i].token,
                 rows[i].token);
        doc = parse_ok(t, text);
        v = look(doc, "n");
        if (lw_value_type(v) != rows[i].type)
            fail_msg("row %zu (%s): type %d", i, rows[i].token,
                     (int)lw_value_type(v));
        if (rows[i].type == LW_TYPE_INT) {
            assert_int_equal(lw_value_int(v), rows[i].i);
        } else {
            double d = lw_value_double(v);

            assert_memory_equal(&d, &rows[i].d, sizeof d);
        }
        same_number(look(doc, "m[0]"), v);
        lw_attrs_release(doc);
    }
    lw_symtab_release(t);
}

/*
 * Random decimal tokens read as strtod() reads them, bit for bit: short
 * ones (the exact fast path) and ones past it (long mantissas, large
 * exponents, both near the edge of 2^53 and 10^22).
 */
static void test_numbers_match_strtod(void **state)
{
    static const char *const mantissas[] = {
        "9007199254740992", "9007199254740993", "900719925474099",
        "4.5", "0.1", "123456789012345678", "0.000001", "1", "0",
        "17.25", "99999999999999999", "3.0000000000000004",
    };
    uint64_t rng = 0x9e3779b97f4a7c15u;
    lw_symtab *t = new_table();
    int round;

    (void)state;
    for (round = 0; round < 20000; round++) {
        char token[64], text[96];
        size_t len = 0;
        int digits, k, exp;
        lw_attrs *doc;
        double got, want;

        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        if (rng % 2)
            token[len++] = '-';
        if (rng % 5 == 0) {
            len += (size_t)snprintf(token + len, sizeof token - len, "%s",
                                    mantissas[(rng >> 8) % 12]);
        } else {
            digits = 1 + (int)((rng >> 8) % 19);
            token[len++] = (char)('1' + (rng >> 16) % 9);
            for (k = 1; k < digits; k++)
                token[len++] = (char)('0' + (rng >> (k * 3 % 60)) % 10);
            if ((rng >> 20) % 2) {
                size_t dot = 1 + (size_t)((rng >> 24) % (unsigned)digits);

                memmove(token + len - digits + dot + 1,
                        token + len - digits + dot, (size_t)digits - dot);
                token[len - digits + dot] = '.';
                len++;
                if (token[len - 1] == '.')
                    token[len++] = '0';
            }
        }
        exp = (int)((rng >> 32) % 61) - 30;
        if ((rng >> 40) % 3 == 0)
            len += (size_t)snprintf(token + len, sizeof token - len, "e%d",
                                    exp);
        token[len] = '\0';

        snprintf(text, sizeof text, "{\"n\":%s}", token);
        doc = parse_ok(t, text);
        if (lw_value_type(look(doc, "n")) == LW_TYPE_DOUBLE) {
            got = lw_value_double(look(doc, "n"));
            want = strtod(token, NULL);
            if (memcmp(&got, &want, sizeof got) != 0)
                fail_msg("%s: %.17g, strtod %.17g", token, got, want);
        }
        lw_attrs_release(doc);
    }
    lw_symtab_release(t);
}

/* Numbers are read the same whatever the process locale says. */
static void test_numbers_ignore_locale(void **state)
{
    static const char *const locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8",
                                          "de_DE", "C.UTF-8"};
    lw_symtab *t = new_table();
    lw_attrs *doc;
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(locales); i++) {
        if (setlocale(LC_NUMERIC, locales[i]) == NULL)
            continue;
        doc = parse_ok(t, "{\"r\":2.5,\"e\":1.5e1}");
        assert_true(lw_value_double(look(doc, "r")) == 2.5);
        assert_true(lw_value_double(look(doc, "e")) == 15.0);
        lw_attrs_release(doc);
    }
    setlocale(LC_NUMERIC, "C");
    lw_symtab_release(t);
}

/* ---- duplicate keys ----------------------------------------------------- */

static void test_duplicate_keys(void **state)
{
    lw_symtab *t = new_table();
    lw_attrs *doc;
    const lw_value *root, *v;
    const char *key;
    size_t keylen;

    (void)state;
    doc = parse_ok(t, "{\"a\":1,\"b\":2,\"a\":3}");
    root = lw_attrs_root(doc);
    assert_int_equal(lw_value_count(root), 2);
    v = lw_value_member(root, 0, &key, &keylen);
    assert_string_equal(key, "a");
    assert_int_equal(keylen, 1);
    assert_int_equal(lw_value_int(v), 3);
    v = lw_value_member(root, 1, &key, &keylen);
    assert_string_equal(key, "b");
    assert_int_equal(lw_value_int(v), 2);
    lw_attrs_release(doc);

    /* Replaced values may hold numbers: later numbers stay in step. */
    doc = parse_ok(t, "{\"a\":[1,2,{\"x\":3}],\"b\":4.5,\"a\":{\"y\":5},"
                      "\"c\":6,\"b\":\"s\",\"c\":[7,{\"z\":8}]}");
    root = lw_attrs_root(doc);
    assert_int_equal(lw_value_count(root), 3);
    assert_int_equal(lw_value_int(look(doc, "a.y")), 5);
    assert_null(look(doc, "a[0]"));
    assert_string_equal(lw_value_string(look(doc, "b"), NULL), "s");
    assert_int_equal(lw_value_int(look(doc, "c[0]")), 7);
    assert_int_equal(lw_value_int(look(doc, "c[1].z")), 8);
    lw_attrs_release(doc);

    /* Nested objects dedupe on their own. */
    doc = parse_ok(t, "{\"o\":{\"k\":1,\"k\":2},\"k\":0}");
    assert_int_equal(lw_value_count(look(doc, "o")), 1);
    assert_int_equal(lw_value_int(look(doc, "o.k")), 2);
    assert_int_equal(lw_value_int(look(doc, "k")), 0);
    lw_attrs_release(doc);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

/* Large objects (past the small-object buffers) with many repeats. */
static void test_duplicate_keys_large(void **state)
{
    lw_symtab *t = new_table();
    char text[4096], *p = text;
    const lw_value *root;
    lw_attrs *doc;
    int i;

    (void)state;
    p += sprintf(p, "{");
    for (i = 0; i < 150; i++)
        p += sprintf(p, "%s\"k%d\":%d", i ? "," : "", i % 50, i);
    sprintf(p, "}");
    doc = parse_ok(t, text);
    root = lw_attrs_root(doc);
    assert_int_equal(lw_value_count(root), 50);
    for (i = 0; i < 50; i++) {
        char key[16];
        const char *k;
        const lw_value *v = lw_value_member(root, (size_t)i, &k, NULL);

        snprintf(key, sizeof key, "k%d", i);
        assert_string_equal(k, key);
        assert_int_equal(lw_value_int(v), 100 + i);
        assert_ptr_equal(lw_value_get(root, key, strlen(key)), v);
    }
    lw_attrs_release(doc);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

/* ---- strings and text --------------------------------------------------- */

static void test_strings(void **state)
{
    static const struct {
        const char *path;
        const char *bytes;
        size_t len;
    } rows[] = {
        {"e", "\xc3\xa9", 2},
        {"p", "\xf0\x9f\x98\x80", 4},
        {"q", "a\"b\\c/d\b\f\n\r\t", 12},
        {"raw", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac", 9},
        {"u", "A\xe2\x82\xac\xef\xbf\xbf", 7},
        {"empty", "", 0},
        {"A", "key escaped", 11},
    };
    const char *text =
        "{\"e\":\"\\u00e9\",\"p\":\"\\ud83d\\ude00\","
        "\"q\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\",\"raw\":\"\xc3\xa9t\xc3\xa9 "
        "\xe2\x82\xac\",\"u\":\"\\u0041\\u20AC\\uffff\",\"empty\":\"\","
        "\"\\u0041\":\"key escaped\"}";
    lw_symtab *t = new_table();
    lw_attrs *doc = parse_ok(t, text);
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(rows); i++) {
        size_t len = 99;
        const char *s = lw_value_string(look(doc, rows[i].path), &len);

        assert_non_null(s);
        assert_int_equal(len, rows[i].len);
        assert_memory_equal(s, rows[i].bytes, len);
        assert_int_equal(s[len], '\0');
    }
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

static void test_round_trip(void **state)
{
    static const char *const rows[] = {
        "{}",
        "  {\n  \"a\" : [ 1.50 , 2E3, -0 ],\r\n\t\"b\":\"\\u00e9\\/\" }\n",
        "{\"a\":1,\"a\":2}",
        "{\"n\":100000000000000000000000000000000000000000000000000000000000"
        "0000000000000000,\"x\":1e-400}",
    };
    lw_symtab *t = new_table();
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(rows); i++) {
        lw_attrs *doc = parse_ok(t, rows[i]);
        size_t len = 0;
        const char *s = lw_attrs_text(doc, &len);

        assert_int_equal(len, strlen(rows[i]));
        assert_memory_equal(s, rows[i], len + 1);
        assert_true(lw_attrs_memory(doc) > len);
        lw_attrs_release(doc);
    }
    assert_null(lw_attrs_text(NULL, NULL));
    assert_int_equal(lw_attrs_memory(NULL), 0);
    lw_symtab_release(t);
}

/* ---- lookups and values ------------------------------------------------- */

static const char lookup_doc[] =
    "{\"skills\":[\"support\",\"sales\"],\"level\":5,\"name\":\"Alice\","
    "\"contact\":{\"email\":\"a@x.io\",\"in\":1},\"tags\":null,"
    "\"m\":[[10,11],[12]],\"$x\":1,\"_y\":2,\"a1\":3,\"skill-level\":4,"
    "\"o\":[{\"k\":\"v\"}],\"e\":{}}";

static void test_lookup(void **state)
{
    static const struct {
        const char *path;
        lw_type type;      /* -1: NULL pointer */
        int64_t i;
    } rows[] = {
        {"level", LW_TYPE_INT, 5},
        {"name", LW_TYPE_STRING, 0},
        {"skills", LW_TYPE_ARRAY, 0},
        {"skills[0]", LW_TYPE_STRING, 0},
        {"skills[1]", LW_TYPE_STRING, 0},
        {"skills[2]", -1, 0},
        {"skills[00]", LW_TYPE_STRING, 0},
        {"skills [ 1 ]", LW_TYPE_STRING, 0},
        {"contact.email", LW_TYPE_STRING, 0},
        {" contact . email ", LW_TYPE_STRING, 0},
        {"\tcontact\n.\r\nin", LW_TYPE_INT, 1},
        {"contact.in", LW_TYPE_INT, 1},
        {"tags", LW_TYPE_NULL, 0},
        {"m[0][1]", LW_TYPE_INT, 11},
        {"m[1][0]", LW_TYPE_INT, 12},
        {"m[1] [0]", LW_TYPE_INT, 12},
        {"m[1][1]", -1, 0},
        {"o[0].k", LW_TYPE_STRING, 0},
        {"$x", LW_TYPE_INT, 1},
        {"_y", LW_TYPE_INT, 2},
        {"a1", LW_TYPE_INT, 3},
        {"e", LW_TYPE_OBJECT, 0},
        /* missing, wrong type, out of range */
        {"missing", -1, 0},
        {"Level", -1, 0},
        {"skills.name", -1, 0},
        {"contact[0]", -1, 0},
        {"level[0]", -1, 0},
        {"name.first", -1, 0},
        {"tags.x", -1, 0},
        {"skills[18446744073709551615]", -1, 0},
        {"skills[18446744073709551616]", -1, 0},
        {"skills[18446744073709551617]", -1, 0},
        {"skills[99999999999999999999999999999]", -1, 0},
        {"m[0][4294967296]", -1, 0},
        /* not well formed */
        {"", -1, 0},
        {" ", -1, 0},
        {".", -1, 0},
        {"level.", -1, 0},
        {".level", -1, 0},
        {"contact..email", -1, 0},
        {"skills[", -1, 0},
        {"skills[]", -1, 0},
        {"skills[x]", -1, 0},
        {"skills[-1]", -1, 0},
        {"skills[1.0]", -1, 0},
        {"skills[0", -1, 0},
        {"skills]", -1, 0},
        {"skills[0]x", -1, 0},
        {"1a", -1, 0},
        {"level level", -1, 0},
        {"skill-level", -1, 0},
        {"[0]", -1, 0},
        {"name\xc3\xa9", -1, 0},
    };
    lw_symtab *t = new_table();
    lw_attrs *doc = parse_ok(t, lookup_doc);
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(rows); i++) {
        const lw_value *v = look(doc, rows[i].path);

        if (rows[i].type < 0) {
            if (v != NULL)
                fail_msg("row %zu (%s): expected NULL", i, rows[i].path);
            continue;
        }
        if (v == NULL || lw_value_type(v) != rows[i].type)
            fail_msg("row %zu (%s): wrong type", i, rows[i].path);
        if (rows[i].type == LW_TYPE_INT)
            assert_int_equal(lw_value_int(v), rows[i].i);
    }
    assert_string_equal(lw_value_string(look(doc, "skills[1]"), NULL),
                        "sales");
    assert_null(lw_attrs_lookup(NULL, "level", 5));
    assert_null(lw_attrs_lookup(doc, NULL, 0));
    /* Length given explicitly: the rest of the buffer is ignored. */
    assert_non_null(lw_attrs_lookup(doc, "level.xyz", 5));
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

static void test_values(void **state)
{
    lw_symtab *t = new_table();
    lw_attrs *doc = parse_ok(
        t, "{\"t\":true,\"f\":false,\"z\":null,\"i\":-7,\"d\":-2.75,"
           "\"big\":1e300,\"lim\":-9223372036854775808.0,"
           "\"top\":9223372036854775808.0,\"s\":\"str\","
           "\"a\":[1,\"x\"],\"o\":{\"k\":[]}}");
    const lw_value *root = lw_attrs_root(doc), *v;
    const char *key = "sentinel";
    size_t len = 7;

    (void)state;
    assert_int_equal(lw_value_type(root), LW_TYPE_OBJECT);
    assert_int_equal(lw_value_count(root), 11);
    assert_true(lw_value_bool(look(doc, "t")));
    assert_int_equal(lw_value_type(look(doc, "t")), LW_TYPE_BOOL);
    assert_false(lw_value_bool(look(doc, "f")));
    assert_int_equal(lw_value_type(look(doc, "f")), LW_TYPE_BOOL);
    assert_false(lw_value_bool(look(doc, "i")));
    assert_int_equal(lw_value_type(look(doc, "z")), LW_TYPE_NULL);

    assert_int_equal(lw_value_int(look(doc, "i")), -7);
    assert_true(lw_value_double(look(doc, "i")) == -7.0);
    assert_int_equal(lw_value_int(look(doc, "d")), -2);
    assert_true(lw_value_double(look(doc, "d")) == -2.75);
    assert_int_equal(lw_value_int(look(doc, "big")), 0);
    assert_int_equal(lw_value_int(look(doc, "lim")), INT64_MIN);
    assert_int_equal(lw_value_int(look(doc, "top")), 0);
    assert_int_equal(lw_value_int(look(doc, "s")), 0);
    assert_true(lw_value_double(look(doc, "s")) == 0.0);

    /* The zero of each result type for NULL or another type. */
    assert_null(lw_value_string(look(doc, "i"), &len));
    assert_int_equal(len, 0);
    assert_null(lw_value_string(NULL, NULL));
    assert_int_equal(lw_value_type(NULL), LW_TYPE_NULL);
    assert_false(lw_value_bool(NULL));
    assert_int_equal(lw_value_int(NULL), 0);
    assert_true(lw_value_double(NULL) == 0.0);
    assert_int_equal(lw_value_count(look(doc, "s")), 0);
    assert_int_equal(lw_value_count(NULL), 0);
    assert_null(lw_value_at(root, 0));
    assert_null(lw_value_at(NULL, 0));
    assert_null(lw_value_get(look(doc, "a"), "k", 1));
    assert_null(lw_value_get(NULL, "k", 1));
    assert_null(lw_value_member(look(doc, "a"), 0, &key, &len));
    assert_null(key);
    assert_int_equal(len, 0);
    assert_null(lw_value_member(root, 11, NULL, NULL));

    v = look(doc, "a");
    assert_int_equal(lw_value_count(v), 2);
    assert_int_equal(lw_value_int(lw_value_at(v, 0)), 1);
    assert_string_equal(lw_value_string(lw_value_at(v, 1), NULL), "x");
    assert_null(lw_value_at(v, 2));
    assert_null(lw_value_at(v, SIZE_MAX));

    v = lw_value_member(root, 10, &key, &len);
    assert_string_equal(key, "o");
    assert_int_equal(len, 1);
    assert_ptr_equal(v, look(doc, "o"));
    assert_ptr_equal(lw_value_get(v, "k", 1), look(doc, "o.k"));
    assert_null(lw_value_get(v, "k\0", 2));
    assert_null(lw_value_get(v, NULL, 1));
    assert_int_equal(lw_value_count(look(doc, "o.k")), 0);
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

/* ---- the compact form --------------------------------------------------- */

/* Member of root by key text through lw__obj_find, decoded. */
static lw__val member(lw_symtab *t, const lw__val *root, const char *key,
                      uint32_t *hint)
{
    const lw__sym *k = lw__sym_find(t, key, strlen(key));
    const lw__cell *c;

    if (k == NULL)
        abort();
    c = lw__obj_find(root, k, hint);
    if (c == NULL)
        abort();
    return lw__val_of(c);
}

/* The string of element i of array v. */
static const lw__sym *elem_sym(const lw__val *v, uint32_t i)
{
    lw__val e = lw__val_of(&v->u.items[i]);

    return e.tag == LW__STR ? e.u.s : NULL;
}

/*
 * Integers of up to 61 bits sit in their cell; wider ones and doubles
 * take an 8-byte box after it.  Either way the value reads back exactly
 * and compares as a number.
 */
static void test_cell_numbers(void **state)
{
    static const struct {
        const char *token;
        bool boxed;
        bool is_double;
        int64_t i;
        double d;
    } rows[] = {
        {"0", false, false, 0, 0},
        {"-1", false, false, -1, 0},
        {"1152921504606846975", false, false, INT64_C(1152921504606846975),
         0},
        {"1152921504606846976", true, false, INT64_C(1152921504606846976),
         0},
        {"-1152921504606846976", false, false,
         -INT64_C(1152921504606846976), 0},
        {"-1152921504606846977", true, false, -INT64_C(1152921504606846977),
         0},
        {"9223372036854775807", true, false, INT64_MAX, 0},
        {"-9223372036854775808", true, false, INT64_MIN, 0},
        {"2.5", true, true, 0, 2.5},
        {"-0.0", true, true, 0, -0.0},
    };
    lw_symtab *t = new_table();
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(rows); i++) {
        char text[64], expr[64];
        size_t len = (size_t)snprintf(text, sizeof text, "{\"n\":[%s]}",
                                      rows[i].token);
        lw_attrs *doc = parse_ok(t, text);
        const lw_value *v = look(doc, "n[0]");
        size_t want = sizeof(lw_attrs) + sizeof(const lw__shape *) +
                      2 * sizeof(lw__cell) + len + 1;
        lw_expr *e;

        if (rows[i].boxed)
            want += sizeof(lw__cell);
        assert_int_equal(lw_attrs_memory(doc), want);
        if (rows[i].is_double) {
            double d = lw_value_double(v);

            assert_int_equal(lw_value_type(v), LW_TYPE_DOUBLE);
            assert_memory_equal(&d, &rows[i].d, sizeof d);
        } else {
            assert_int_equal(lw_value_type(v), LW_TYPE_INT);
            assert_true(lw_value_int(v) == rows[i].i);
        }
        /* The language has no negative literals: look for the magnitude,
         * which only a value that is not below zero (-0.0 is not) has. */
        snprintf(expr, sizeof expr, "n HAS %s",
                 rows[i].token + (rows[i].token[0] == '-'));
        assert_int_equal(lw_expr_compile(t, expr, strlen(expr), &e, NULL),
                         LW_OK);
        assert_true(lw_expr_eval(e, doc) ==
                    (rows[i].token[0] != '-' || rows[i].is_double));
        lw_expr_free(e);
        lw_attrs_release(doc);
    }
    lw_symtab_release(t);
}

/* Text over 256 MiB is refused whatever the limit: offsets are 32-bit. */
static void test_hard_size_limit(void **state)
{
    static const char text[] = "{}";
    size_t hard = (size_t)256 << 20;
    lw_symtab *t = new_table();
    lw_attrs *doc = NULL;
    lw_error err;

    (void)state;
    /* The length is refused before any byte is read. */
    assert_int_equal(lw_attrs_parse(t, text, hard + 1, SIZE_MAX, &doc, &err),
                     LW_ERR_TOO_LARGE);
    assert_int_equal(err.offset, (int64_t)hard);
    assert_null(doc);
    lw_symtab_release(t);
}

static void test_internal_form(void **state)
{
    lw_symtab *t = new_table();
    lw_attrs *doc = parse_ok(
        t, "{\"s\":[\"x\",\"y\"],\"m\":[\"x\",1],\"e\":[],\"n\":7,"
           "\"o\":{\"x\":\"s\"}}");
    lw__val root = lw__val_of(lw__attrs_root(doc)), v;
    const lw__sym *x = lw__sym_find(t, "x", 1);
    uint32_t hint = 99;

    (void)state;
    assert_int_equal(sizeof(lw__cell), 8);
    assert_int_equal(offsetof(lw__sym, bytes), 20);
    assert_int_equal(sizeof(lw__val), 16);
    assert_int_equal(root.tag, LW__OBJ);
    if (x == NULL)
        abort();

    v = member(t, &root, "s", &hint);
    assert_int_equal(hint, 0);
    assert_int_equal(v.tag, LW__ARR);
    assert_true(v.flags & LW__VAL_ALL_STR);
    assert_ptr_equal(elem_sym(&v, 0), x);

    v = member(t, &root, "m", &hint);
    assert_int_equal(hint, 1);
    assert_false(v.flags & LW__VAL_ALL_STR);
    assert_ptr_equal(elem_sym(&v, 0), x);
    v = member(t, &root, "e", &hint);
    assert_false(v.flags & LW__VAL_ALL_STR);

    /* The hint hits without a search when the slot matches. */
    hint = 3;
    v = member(t, &root, "n", &hint);
    assert_int_equal(v.tag, LW__INT);
    assert_int_equal(v.u.i, 7);

    /* The key "x" of o and the string "x" are one symbol. */
    v = member(t, &root, "o", &hint);
    assert_ptr_equal(lw__obj_shape(&v)->keys[0], x);
    assert_null(lw__obj_find(&root, x, &hint));
    assert_int_equal(x->refs, 3);
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

/* ---- symbol table ------------------------------------------------------- */

static void test_interning_shared(void **state)
{
    lw_symtab *t = new_table();
    lw_attrs *a = parse_ok(t, "{\"name\":\"Alice\",\"n\":\"Alice\"}");
    lw_attrs *b;
    const lw__sym *alice;
    lw__val ra, rb;

    (void)state;
    assert_int_equal(lw_symtab_count(t), 3);
    b = parse_ok(t, "{\"who\":\"Alice\",\"name\":1}");
    assert_int_equal(lw_symtab_count(t), 4);
    alice = lw__sym_find(t, "Alice", 5);
    if (alice == NULL)
        abort();
    assert_int_equal(alice->refs, 3);
    ra = lw__val_of(lw__attrs_root(a));
    rb = lw__val_of(lw__attrs_root(b));
    assert_ptr_equal(lw__val_of(&ra.u.items[0]).u.s, alice);
    assert_ptr_equal(lw__val_of(&rb.u.items[0]).u.s, alice);
    assert_ptr_equal(lw__obj_shape(&ra)->keys[0],
                     lw__obj_shape(&rb)->keys[1]);

    lw_attrs_release(a);
    assert_int_equal(lw_symtab_count(t), 3);
    assert_int_equal(alice->refs, 1);
    assert_null(lw__sym_find(t, "n", 1));
    lw_attrs_release(b);
    assert_int_equal(lw_symtab_count(t), 0);
    assert_null(lw__sym_find(t, "Alice", 5));
    lw_symtab_release(t);
}

static void test_plain_decimal(void **state)
{
    static const struct {
        const char *s;
        bool decimal;
    } rows[] = {
        {"0", true},     {"09", true},    {"5.0", true},  {"0800", true},
        {"3.141529", true},               {"-3", false},  {" 7", false},
        {"7 ", false},   {"1e3", false},  {"+4", false},  {"1.", false},
        {".5", false},   {"", false},     {"1.2.3", false},
        {"x", false},    {"1,5", false},
    };
    lw_symtab *t = new_table();
    size_t i;

    (void)state;
    for (i = 0; i < ROWS(rows); i++) {
        const lw__sym *s = NULL;
        size_t len = strlen(rows[i].s);

        assert_int_equal(lw__is_plain_decimal(rows[i].s, len),
                         rows[i].decimal);
        assert_int_equal(lw__sym_intern(t, rows[i].s, len, &s), LW_OK);
        assert_int_equal(s->decimal, rows[i].decimal);
        assert_int_equal(s->len, len);
        assert_int_equal(s->hash, lw__hash(rows[i].s, len));
        lw__sym_release(t, s);
    }
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

static void test_symtab_grows(void **state)
{
    testalloc ta;
    lw_symtab *t = NULL;
    const lw__sym *syms[1000];
    char name[16];
    size_t i;

    (void)state;
    testalloc_init(&ta);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    assert_ptr_equal(lw__symtab_alloc(t)->user, &ta);
    for (i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "s%zu", i);
        /* The 130th string would double the 64 buckets: refuse that
         * once; interning still succeeds and a later one grows them. */
        if (i == 129)
            testalloc_fail_at(&ta, 2, false);
        assert_int_equal(lw__sym_intern(t, name, strlen(name), &syms[i]),
                         LW_OK);
    }
    assert_int_equal(ta.failures, 1);
    assert_int_equal(lw_symtab_count(t), 1000);
    assert_true(lw__symtab_memory(t) > 1000 * sizeof(lw__sym));
    for (i = 0; i < 1000; i++) {
        const lw__sym *again = NULL;

        snprintf(name, sizeof name, "s%zu", i);
        assert_ptr_equal(lw__sym_find(t, name, strlen(name)), syms[i]);
        assert_int_equal(lw__sym_intern(t, name, strlen(name), &again),
                         LW_OK);
        assert_ptr_equal(again, syms[i]);
        lw__sym_retain(t, again);
        assert_int_equal(again->refs, 3);
        lw__sym_release(t, again);
        lw__sym_release(t, again);
    }
    for (i = 0; i < 1000; i++)
        lw__sym_release(t, syms[i]);
    lw__sym_release(t, NULL);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

/* Documents keep their table alive: releases may come in any order. */
static void test_table_lifetime(void **state)
{
    testalloc ta;
    lw_symtab *t = NULL;
    lw_attrs *doc = NULL;

    (void)state;
    testalloc_init(&ta);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    assert_int_equal(lw_attrs_parse(t, "{\"a\":\"b\"}", 9, 0, &doc, NULL),
                     LW_OK);
    assert_ptr_equal(lw_symtab_retain(t), t);
    lw_symtab_release(t);
    lw_symtab_release(t);
    assert_ptr_equal(lw_attrs_retain(doc), doc);
    lw_attrs_release(doc);
    assert_string_equal(lw_value_string(lw_attrs_lookup(doc, "a", 1), NULL),
                        "b");
    assert_true(ta.live > 0);
    lw_attrs_release(doc);
    assert_int_equal(ta.live, 0);

    /* Strings a careless caller left interned go with the table. */
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    {
        const lw__sym *s;

        assert_int_equal(lw__sym_intern(t, "left", 4, &s), LW_OK);
    }
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

/* ---- out of memory ------------------------------------------------------ */

/* Under 128 distinct strings (no bucket growth), over 16 numbers,
 * an object past the small buffers, repeats, nesting. */
static const char oom_doc[] =
    "{\"name\":\"W1\",\"level\":2,\"skills\":[\"chat\",\"vip\"],"
    "\"n\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,1.5,-2e3],"
    "\"big\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,"
    "\"h\":8,\"i\":9,\"a\":10},\"name\":\"W2\","
    "\"contact\":{\"uri\":\"client:W1\",\"e\":[{\"x\":[\"y\",null]}]}}";

static void oom_round(bool sticky)
{
    testalloc ta;
    lw_symtab *t = NULL;
    lw_attrs *keep = NULL;
    size_t n, base;

    testalloc_init(&ta);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    /* Some strings already interned, as in a live workspace. */
    assert_int_equal(lw_attrs_parse(t, "{\"name\":\"chat\"}", 15, 0, &keep,
                                    NULL),
                     LW_OK);
    base = ta.live;

    for (n = 1;; n++) {
        lw_attrs *doc = (lw_attrs *)&doc;
        lw_error err;
        lw_result rc;

        testalloc_fail_at(&ta, n, sticky);
        rc = lw_attrs_parse(t, oom_doc, sizeof oom_doc - 1, 0, &doc, &err);
        testalloc_fail_at(&ta, 0, false);
        if (rc == LW_OK) {
            assert_int_equal(ta.failures, n - 1);
            assert_int_equal(lw_value_int(lw_attrs_lookup(doc, "big.a", 5)),
                             10);
            lw_attrs_release(doc);
            break;
        }
        assert_int_equal(rc, LW_ERR_NOMEM);
        assert_int_equal(err.code, LW_ERR_NOMEM);
        assert_string_equal(err.message, "out of memory");
        assert_ptr_equal(doc, (lw_attrs *)&doc);
        assert_int_equal(lw_symtab_count(t), 2);
        assert_int_equal(ta.live, base);
        assert_true(n < 1000);
    }
    assert_true(n > 10);
    assert_int_equal(lw_symtab_count(t), 2);
    lw_attrs_release(keep);
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    oom_round(false);
    oom_round(true);
}

static void test_symtab_create_oom(void **state)
{
    testalloc ta;
    lw_symtab *t = (lw_symtab *)&t;
    size_t n;

    (void)state;
    testalloc_init(&ta);
    for (n = 1; n <= 2; n++) {
        testalloc_fail_at(&ta, n, false);
        assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_ERR_NOMEM);
        assert_ptr_equal(t, (lw_symtab *)&t);
        assert_int_equal(ta.live, 0);
    }
    testalloc_fail_at(&ta, 0, false);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    testalloc_fail_at(&ta, 1, false);
    {
        const lw__sym *s = NULL;

        assert_int_equal(lw__sym_intern(t, "x", 1, &s), LW_ERR_NOMEM);
        assert_null(s);
    }
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

/* ---- threads ------------------------------------------------------------ */

typedef struct worker_arg {
    lw_symtab *t;
    int id;
    int failures;
} worker_arg;


/* The cell of member i of doc's root. */
static lw__cell root_member(const lw_attrs *doc, uint32_t i)
{
    return lw__val_of(lw__attrs_root(doc)).u.items[i];
}
static void *parse_loop(void *p)
{
    worker_arg *a = p;
    int i;

    for (i = 0; i < 2000; i++) {
        char text[256];
        lw_attrs *doc = NULL, *other = NULL;
        int len = snprintf(text, sizeof text,
                           "{\"name\":\"W%d\",\"shared\":\"vip\",\"id\":%d,"
                           "\"skills\":[\"chat\",\"t%d\"],\"r\":%d.5}",
                           i % 37, a->id, a->id, i);

        if (lw_attrs_parse(a->t, text, (size_t)len, 0, &doc, NULL) != LW_OK ||
            lw_attrs_parse(a->t, text, (size_t)len, 0, &other, NULL) !=
                LW_OK) {
            a->failures++;
            lw_attrs_release(doc);
            continue;
        }
        if (lw_value_int(lw_attrs_lookup(doc, "id", 2)) != a->id ||
            root_member(doc, 1) != root_member(other, 1))
            a->failures++;
        lw_attrs_release(doc);
        lw_attrs_release(other);
    }
    return NULL;
}

static void test_threads(void **state)
{
    enum { N = 4 };
    lw_symtab *t = new_table();
    pthread_t th[N];
    worker_arg args[N];
    lw_attrs *keep = parse_ok(t, "{\"shared\":\"vip\"}");
    int i;

    (void)state;
    for (i = 0; i < N; i++) {
        args[i] = (worker_arg){t, i, 0};
        assert_int_equal(pthread_create(&th[i], NULL, parse_loop, &args[i]),
                         0);
    }
    for (i = 0; i < N; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(args[i].failures, 0);
    }
    assert_int_equal(lw_symtab_count(t), 2);
    lw_attrs_release(keep);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_documents),
        cmocka_unit_test(test_invalid_documents),
        cmocka_unit_test(test_truncated_input_regression),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_megabyte_of_brackets),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_numbers_match_strtod),
        cmocka_unit_test(test_numbers_ignore_locale),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_duplicate_keys_large),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_cell_numbers),
        cmocka_unit_test(test_hard_size_limit),
        cmocka_unit_test(test_internal_form),
        cmocka_unit_test(test_interning_shared),
        cmocka_unit_test(test_plain_decimal),
        cmocka_unit_test(test_symtab_grows),
        cmocka_unit_test(test_table_lifetime),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_symtab_create_oom),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests_name("attrs", tests, NULL, NULL);
}
