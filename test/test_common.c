/*
 * test_common.c - result codes, their REST mapping, version, allocator
 * hook, error filling, the growable buffer and the text helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "libworkers.h"
#include "testalloc.h"

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(lw_version(), LW_VERSION_STRING);
    assert_int_equal(lw_version_number(), LW_VERSION_NUMBER);
    assert_int_equal(LW_VERSION_NUMBER,
                     LW_VERSION_MAJOR * 10000 + LW_VERSION_MINOR * 100 +
                         LW_VERSION_PATCH);
}

static void test_rest_mapping(void **state)
{
    static const struct {
        lw_result code;
        int32_t http;
        int32_t twilio;
    } rows[] = {
        {LW_OK, 200, 0},
        {LW_ERR_INVALID, 400, 20001},
        {LW_ERR_SYNTAX, 400, 20001},
        {LW_ERR_TOO_LARGE, 400, 20001},
        {LW_ERR_AUTH, 401, 20003},
        {LW_ERR_NOT_FOUND, 404, 20404},
        {LW_ERR_METHOD, 405, 20004},
        {LW_ERR_DUPLICATE, 409, 20001},
        {LW_ERR_IN_PROGRESS, 409, 20409},
        {LW_ERR_LIMIT, 409, 20409},
        {LW_ERR_IN_USE, 409, 20409},
        {LW_ERR_PENDING, 409, 20409},
        {LW_ERR_PRECONDITION, 412, 20412},
        {LW_ERR_NOMEM, 503, 20503},
    };
    size_t i;

    (void)state;
    assert_int_equal(sizeof rows / sizeof rows[0], LW_RESULT_COUNT);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(lw_result_http_status(rows[i].code), rows[i].http);
        assert_int_equal(lw_result_twilio_code(rows[i].code),
                         rows[i].twilio);
        assert_non_null(lw_strerror(rows[i].code));
        assert_true(strncmp(lw_result_name(rows[i].code), "LW_", 3) == 0);
    }
    assert_int_equal(lw_result_http_status(-1), 500);
    assert_int_equal(lw_result_twilio_code(LW_RESULT_COUNT), 20500);
    assert_string_equal(lw_strerror(99), "unknown error");
    assert_string_equal(lw_strerror(LW_ERR_NOMEM), "out of memory");
    assert_string_equal(lw_result_name(LW_ERR_PRECONDITION),
                        "LW_ERR_PRECONDITION");
}

static void test_fail_fills_error(void **state)
{
    lw_error err;

    (void)state;
    memset(&err, 0, sizeof err);
    assert_int_equal(lw__fail(&err, LW_ERR_SYNTAX, 17,
                              "invalid JSON at offset %d: expected ':'", 17),
                     LW_ERR_SYNTAX);
    assert_int_equal(err.code, LW_ERR_SYNTAX);
    assert_int_equal(err.offset, 17);
    assert_string_equal(err.message,
                        "invalid JSON at offset 17: expected ':'");
    assert_int_equal(lw__fail(NULL, LW_ERR_NOMEM, -1, "x"), LW_ERR_NOMEM);
    lw__fail_code(&err, LW_ERR_NOMEM);
    assert_string_equal(err.message, "out of memory");
    assert_int_equal(err.offset, -1);
}

static void test_allocator_hook(void **state)
{
    testalloc ta;
    void *p;

    (void)state;
    testalloc_init(&ta);
    p = lw__malloc(&ta.alloc, 10);
    assert_non_null(p);
    assert_int_equal(ta.live, 1);
    p = lw__realloc(&ta.alloc, p, 100);
    assert_non_null(p);
    lw_free(&ta.alloc, p);
    assert_int_equal(ta.live, 0);
    assert_int_equal(ta.live_bytes, 0);

    testalloc_fail_at(&ta, 1, false);
    assert_null(lw__malloc(&ta.alloc, 10));
    p = lw__malloc(&ta.alloc, 10);
    assert_non_null(p);
    lw__free(&ta.alloc, p);
    assert_null(lw__calloc(&ta.alloc, SIZE_MAX / 2, 4));

    /* NULL selects the C library. */
    p = lw__calloc(NULL, 4, 4);
    assert_non_null(p);
    assert_memory_equal(p, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    lw_free(NULL, p);
    assert_ptr_equal(lw__alloc_or_default(NULL), lw_allocator_default());
}

static void test_buffer(void **state)
{
    testalloc ta;
    lw__buf b;
    char *s;
    size_t len;
    int i;

    (void)state;
    testalloc_init(&ta);
    lw__buf_init(&b, &ta.alloc);
    lw__buf_puts(&b, "ab");
    lw__buf_printf(&b, "%d-%s", 42, "x");
    for (i = 0; i < 100; i++)
        lw__buf_putc(&b, 'z');
    lw__buf_json_string(&b, "q\"\\\n\x01\xc3\xa9", 7);
    s = lw__buf_take(&b, &len);
    assert_non_null(s);
    assert_int_equal(len, strlen(s));
    assert_true(strncmp(s, "ab42-xzzz", 9) == 0);
    assert_string_equal(s + 106, "\"q\\\"\\\\\\n\\u0001\xc3\xa9\"");
    lw_free(&ta.alloc, s);

    /* A failed append poisons the buffer; take() then returns NULL. */
    lw__buf_init(&b, &ta.alloc);
    testalloc_fail_at(&ta, 1, true);
    lw__buf_puts(&b, "hello");
    assert_true(lw__buf_failed(&b));
    testalloc_fail_at(&ta, 0, false);
    lw__buf_puts(&b, "more");
    assert_null(lw__buf_take(&b, NULL));
    assert_int_equal(ta.live, 0);
}

static void test_utf8(void **state)
{
    static const struct {
        const char *s;
        size_t len;
        size_t valid;
    } rows[] = {
        {"plain", 5, 5},
        {"\xc3\xa9t\xc3\xa9", 5, 5},
        {"\xe2\x82\xac", 3, 3},
        {"\xf0\x9f\x98\x80", 4, 4},
        {"a\xc0\xaf", 3, 1},          /* overlong '/' */
        {"\xed\xa0\x80", 3, 0},       /* surrogate */
        {"\xf4\x90\x80\x80", 4, 0},   /* past U+10FFFF */
        {"ab\xe2\x82", 4, 2},         /* truncated */
        {"\x80", 1, 0},               /* lone continuation */
        {"\xff", 1, 0},
        {"a\0b", 3, 3},               /* NUL is valid UTF-8 */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(lw__utf8_valid_prefix(rows[i].s, rows[i].len),
                         rows[i].valid);
    assert_int_equal(lw__utf8_count("\xc3\xa9t\xc3\xa9", 5), 3);
}

static void test_case_and_hash(void **state)
{
    (void)state;
    assert_true(lw__ascii_caseeq("Bob", 3, "bOB", 3));
    assert_false(lw__ascii_caseeq("Bob", 3, "Bobs", 4));
    /* Only ASCII letters fold: E-acute does not match e-acute. */
    assert_false(lw__ascii_caseeq("\xc3\x89", 2, "\xc3\xa9", 2));
    assert_true(lw__ascii_casecmp("a", 1, "B", 1) < 0);
    assert_int_equal(lw__hash_nocase("ALICE", 5), lw__hash_nocase("alice", 5));
    assert_int_equal(lw__hash("alice", 5), lw__hash_nocase("alice", 5));
    assert_int_not_equal(lw__hash("alice", 5), lw__hash("Alice", 5));
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/*
 * The case-blind hash is the hash of the text with ASCII capitals made
 * small, at every length around the word boundaries and with bytes
 * above 0x7f; and different texts rarely share a hash.
 */
static void test_hash_properties(void **state)
{
    static const char alphabet[] = "aAzZ@[`{\x80\xc1\xdaq09";
    static uint32_t seen[4096];
    uint64_t rng = 0x2545f4914f6cdd1du;
    size_t round, same = 0, n = 0;

    (void)state;
    for (round = 0; round < 4096; round++) {
        char text[40], lower[40];
        size_t len = round % 40, i;

        for (i = 0; i < len; i++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            text[i] = alphabet[rng % (sizeof alphabet - 1)];
            lower[i] = text[i] >= 'A' && text[i] <= 'Z'
                           ? (char)(text[i] + 32) : text[i];
        }
        assert_int_equal(lw__hash_nocase(text, len), lw__hash(lower, len));
        assert_int_equal(lw__hash_nocase(lower, len), lw__hash(lower, len));
        if (len >= 8)  /* shorter texts repeat themselves */
            seen[n++] = lw__hash(text, len);
    }
    qsort(seen, n, sizeof *seen, cmp_u32);
    for (round = 1; round < n; round++)
        same += seen[round] == seen[round - 1];
    assert_true(same <= 1);
    /* One byte more, one byte changed: another hash. */
    assert_int_not_equal(lw__hash("abcdefgh", 8), lw__hash("abcdefgh\0", 9));
    assert_int_not_equal(lw__hash("abcdefghi", 9), lw__hash("abcdefgha", 9));
    assert_int_not_equal(lw__hash("", 0), lw__hash("\0", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_rest_mapping),
        cmocka_unit_test(test_fail_fills_error),
        cmocka_unit_test(test_allocator_hook),
        cmocka_unit_test(test_buffer),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_case_and_hash),
        cmocka_unit_test(test_hash_properties),
    };
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
