/*
 * test_expr.c - the expression language: every case of
 * test/data/expr_cases.txt, error messages, generated properties,
 * built-ins, explain, out-of-memory at every allocation and threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <pthread.h>

#include "expr_int.h"
#include "libworkers.h"
#include "testalloc.h"

#define CASES_FILE "test/data/expr_cases.txt"
#define MAX_TEXT (LW_EXPR_MAX_BYTES + 64)

/* ---- helpers ------------------------------------------------------------ */

static lw_attrs *parse_doc(lw_symtab *t, const char *json)
{
    lw_attrs *doc = NULL;
    lw_error err;

    if (lw_attrs_parse(t, json, strlen(json), 0, &doc, &err) != LW_OK)
        fail_msg("document does not parse: %s (%s)", err.message, json);
    return doc;
}

static lw_expr *compile_ok(lw_symtab *t, const char *text)
{
    lw_expr *e = NULL;
    lw_error err;

    if (lw_expr_compile(t, text, strlen(text), &e, &err) != LW_OK)
        fail_msg("'%s' does not compile: %s", text, err.message);
    return e;
}

/* The final result an explanation states, in either format. */
static bool explained_result(const lw_expr *e, const lw__subject *s,
                             lw_explain_format format)
{
    char *out = NULL;
    size_t len = 0;
    bool r;

    assert_int_equal(lw__expr_explain(e, s, format, &out, &len, NULL),
                     LW_OK);
    assert_int_equal(strlen(out), len);
    if (format == LW_EXPLAIN_TEXT) {
        const char *last = strstr(out, "result: ");

        assert_non_null(last);
        r = strcmp(last, "result: true\n") == 0;
        if (!r)
            assert_string_equal(last, "result: false\n");
    } else {
        cJSON *j = cJSON_Parse(out);
        cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");

        assert_non_null(j);
        assert_true(cJSON_IsBool(res));
        assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "steps")));
        r = cJSON_IsTrue(res);
        cJSON_Delete(j);
    }
    lw_free(NULL, out);
    return r;
}

/*
 * Evaluate e on s every way the library offers and check they agree:
 * single evaluation, both filters, the public calls when there are no
 * built-ins, and the result both explanations state.
 */
static bool eval_all(const lw_expr *e, const lw__subject *s,
                     const lw_attrs *doc)
{
    bool r = lw__expr_eval(e, s);
    uint32_t idx[1] = {99};

    assert_int_equal(lw__expr_filter(e, s, 1, idx), r ? 1 : 0);
    assert_int_equal(lw__expr_filter(e, s, 1, NULL), r ? 1 : 0);
    if (r)
        assert_int_equal(idx[0], 0);
    if (s->builtins == NULL) {
        assert_int_equal(lw_expr_eval(e, doc), r);
        assert_int_equal(lw_expr_filter(e, &doc, 1, NULL), r ? 1 : 0);
    }
    assert_int_equal(explained_result(e, s, LW_EXPLAIN_TEXT), r);
    assert_int_equal(explained_result(e, s, LW_EXPLAIN_JSON), r);
    return r;
}

/* ---- the case file ------------------------------------------------------ */

typedef struct case_state {
    lw_symtab *syms;
    lw_attrs *doc;
    const lw__sym *builtins[LW__BUILTIN_COUNT];
    bool has_builtins;
    int line;
    int cases;
} case_state;

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return (c | 0x20) - 'a' + 10;
}

/* Expand {N*text} repetitions and \xHH \t \n \r \\ escapes. */
static size_t expand(const char *in, char *out)
{
    size_t n = 0;

    while (*in != '\0') {
        if (*in == '{' && strchr(in, '*') != NULL) {
            char *star;
            long times = strtol(in + 1, &star, 10);
            const char *close = strchr(star, '}');
            size_t plen = (size_t)(close - star - 1);

            while (times-- > 0) {
                memcpy(out + n, star + 1, plen);
                n += plen;
            }
            in = close + 1;
        } else if (*in == '\\' && in[1] == 'x') {
            out[n++] = (char)(hexval(in[2]) * 16 + hexval(in[3]));
            in += 4;
        } else if (*in == '\\' && strchr("tnr\\", in[1]) != NULL) {
            out[n++] = in[1] == 't' ? '\t' : in[1] == 'n' ? '\n'
                     : in[1] == 'r' ? '\r' : '\\';
            in += 2;
        } else {
            out[n++] = *in++;
        }
    }
    return n;
}

static void set_builtins(case_state *st, char *args)
{
    char *tok = strtok(args, " ");
    int i;

    for (i = 0; i < LW__BUILTIN_COUNT; i++) {
        lw__sym_release(st->syms, st->builtins[i]);
        st->builtins[i] = NULL;
    }
    st->has_builtins = strcmp(tok, "none") != 0;
    for (i = 0; st->has_builtins && i < LW__BUILTIN_COUNT; i++) {
        assert_non_null(tok);
        if (strcmp(tok, "-") != 0)
            assert_int_equal(lw__sym_intern(st->syms, tok, strlen(tok),
                                             &st->builtins[i]), LW_OK);
        tok = strtok(NULL, " ");
    }
}

static void set_doc(case_state *st, const char *json)
{
    lw_attrs_release(st->doc);
    st->doc = strcmp(json, "none") == 0 ? NULL : parse_doc(st->syms, json);
}

static void check_error(case_state *st, const char *text, size_t len,
                        lw_result want, long offset)
{
    lw_expr *e = NULL;
    lw_error err;
    char at[40];
    size_t before = lw_symtab_count(st->syms);

    memset(&err, 0, sizeof err);
    if (lw_expr_compile(st->syms, text, len, &e, &err) == LW_OK)
        fail_msg("line %d: compiled, expected an error at %ld", st->line,
                 offset);
    if (err.code != want || err.offset != offset)
        fail_msg("line %d: code %d offset %lld (%s), expected %d at %ld",
                 st->line, (int)err.code, (long long)err.offset,
                 err.message, (int)want, offset);
    snprintf(at, sizeof at, "at offset %ld", offset);
    if (strstr(err.message, at) == NULL)
        fail_msg("line %d: message lacks '%s': %s", st->line, at,
                 err.message);
    assert_null(e);
    assert_int_equal(lw_symtab_count(st->syms), before);
}

static void check_value(case_state *st, const char *text, size_t len,
                        bool want)
{
    lw_expr *e = NULL;
    lw__subject s;
    lw_error err;

    if (lw_expr_compile(st->syms, text, len, &e, &err) != LW_OK)
        fail_msg("line %d: error at %lld: %s", st->line,
                 (long long)err.offset, err.message);
    lw__subject_set(&s, st->doc, st->has_builtins ? st->builtins : NULL);
    if (eval_all(e, &s, st->doc) != want)
        fail_msg("line %d: '%.60s' gave %s", st->line, text,
                 want ? "false" : "true");
    lw_expr_free(e);
}

static void run_case(case_state *st, char *line, char *text)
{
    bool tilde = line[0] == '~';
    char *expect = line + tilde;
    char *sp = strchr(expect, ' ');
    const char *src = sp != NULL ? sp + 1 : "";
    size_t len;

    if (sp != NULL)
        *sp = '\0';
    len = tilde ? expand(src, text) : strlen(src);
    if (!tilde)
        memcpy(text, src, len);
    text[len] = '\0';

    st->cases++;
    if (strcmp(expect, "true") == 0 || strcmp(expect, "false") == 0)
        check_value(st, text, len, strcmp(expect, "true") == 0);
    else if (strncmp(expect, "error@", 6) == 0)
        check_error(st, text, len, LW_ERR_SYNTAX, atol(expect + 6));
    else if (strncmp(expect, "toolarge@", 9) == 0)
        check_error(st, text, len, LW_ERR_TOO_LARGE, atol(expect + 9));
    else
        fail_msg("line %d: unknown expectation '%s'", st->line, expect);
}

static void test_case_file(void **state)
{
    static char line[MAX_TEXT];
    static char text[MAX_TEXT];
    case_state st;
    FILE *f = fopen(CASES_FILE, "r");
    int i;

    (void)state;
    assert_non_null(f);
    memset(&st, 0, sizeof st);
    assert_int_equal(lw_symtab_create(NULL, &st.syms), LW_OK);
    while (fgets(line, sizeof line, f) != NULL) {
        st.line++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (strncmp(line, "doc ", 4) == 0)
            set_doc(&st, line + 4);
        else if (strncmp(line, "builtins ", 9) == 0)
            set_builtins(&st, line + 9);
        else
            run_case(&st, line, text);
    }
    fclose(f);
    assert_true(st.cases >= 200);
    for (i = 0; i < LW__BUILTIN_COUNT; i++)
        lw__sym_release(st.syms, st.builtins[i]);
    lw_attrs_release(st.doc);
    assert_int_equal(lw_symtab_count(st.syms), 0);
    lw_symtab_release(st.syms);
}

/* ---- error messages ----------------------------------------------------- */

static void test_messages(void **state)
{
    static const struct {
        const char *text;
        const char *message;
    } rows[] = {
        {"skill-level > 3",
         "unexpected '-' at offset 5 (hyphens are not allowed in names)"},
        {"skills 'support'",
         "expected an operator after 'skills' at offset 7"},
        {"level == -1",
         "unexpected '-' at offset 9 (numbers cannot have a sign)"},
        {"level", "expected an operator after 'level' at offset 5 (the "
                  "expression ends there)"},
        {"", "expected a comparison at offset 0, found the end of the "
             "expression"},
        {"a == 1e3", "malformed number '1e3' at offset 5 (numbers are "
                     "digits with an optional fraction, like 12 or 3.5)"},
        {"a == 'x", "unterminated string at offset 5 (expected a closing "
                    "')"},
        {"a == b == c", "expected AND, OR or the end of the expression at "
                        "offset 7, found '==' (comparisons cannot be "
                        "chained)"},
        {"a IN ['x',]", "expected a constant after ',' at offset 10, found "
                        "']' (trailing commas are not allowed)"},
        {"a NOT HAS 'x'", "expected IN after NOT at offset 6, found 'HAS' "
                          "(NOT IN is the only operator with NOT; write "
                          "NOT (a HAS b) to negate a comparison)"},
        {"a && b", "unexpected '&' at offset 2 (use AND)"},
        {"a <> 1", "expected a value after '<' at offset 3, found '>' (<> "
                   "is not an operator; use !=)"},
        {"(a == 1", "expected AND, OR or ')' at offset 7, found the end of "
                    "the expression (to close the '(' at offset 0)"},
        {"a IN [b]", "expected a constant at offset 6, found 'b' (arrays "
                     "hold constants only, not references)"},
        {"a == 'x' AND \"unfinished business",
         "unterminated string at offset 13 (expected a closing \")"},
    };
    lw_symtab *t;
    size_t i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        lw_expr *e = NULL;
        lw_error err;

        assert_int_equal(lw_expr_compile(t, rows[i].text,
                                         strlen(rows[i].text), &e, &err),
                         LW_ERR_SYNTAX);
        assert_string_equal(err.message, rows[i].message);
    }
    lw_symtab_release(t);
}

static void test_limit_messages(void **state)
{
    static char text[LW_EXPR_MAX_BYTES + 2];
    lw_symtab *t;
    lw_expr *e = NULL;
    lw_error err;
    size_t n = 0;
    int i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    memset(text, ' ', sizeof text);
    assert_int_equal(lw_expr_compile(t, text, sizeof text, &e, &err),
                     LW_ERR_TOO_LARGE);
    assert_int_equal(err.offset, LW_EXPR_MAX_BYTES);
    assert_string_equal(err.message, "expression too long at offset 16384 "
                                     "(at most 16384 bytes)");

    for (i = 0; i < 65; i++)
        text[n++] = '(';
    assert_int_equal(lw_expr_compile(t, text, n, &e, &err), LW_ERR_SYNTAX);
    assert_string_equal(err.message, "too deeply nested at offset 64 (at "
                                     "most 64 levels of '(' and NOT)");
    assert_null(e);
    lw_symtab_release(t);
}

/* ---- generated properties ----------------------------------------------- */

typedef struct rng {
    uint32_t x;
} rng;

static uint32_t next(rng *r)
{
    r->x ^= r->x << 13;
    r->x ^= r->x >> 17;
    r->x ^= r->x << 5;
    return r->x;
}

static const char *pick(rng *r, const char *const *v, size_t n)
{
    return v[next(r) % n];
}

#define PICK(r, v) pick(r, v, sizeof v / sizeof v[0])

static const char *const refs[] = {
    "s", "n", "d", "z", "t", "strs", "nums", "obj.a", "obj.k", "missing",
    "strs[0]", "strs[7]", "mixed", "dec", "obj", "nums[1]",
};
static const char *const consts[] = {
    "'x'", "'y'", "\"abc\"", "''", "5", "5.0", "2.5", "0", "'5'", "'09'",
    "true", "false", "null", "[]", "['x', 'y']", "[1, 'x', null]",
    "[5, 2.5]", "'b'", "7",
};
static const char *const ops[] = {
    "==", "=", "!=", ">", ">=", "<", "<=", "HAS", ">-", "IN", "<-",
    "NOT IN", "CONTAINS",
};

static const char *operand(rng *r)
{
    return next(r) % 2 ? PICK(r, refs) : PICK(r, consts);
}

typedef struct sbuf {
    char data[2048];
    size_t n;
} sbuf;

static void put(sbuf *b, const char *s)
{
    size_t l = strlen(s);

    assert_true(b->n + l < sizeof b->data);
    memcpy(b->data + b->n, s, l + 1);
    b->n += l;
}

/* Append a random expression of at most the given depth to b. */
static void gen_expr(rng *r, int depth, sbuf *b)
{
    uint32_t k = depth > 0 ? next(r) % 5 : 0;
    sbuf a = {{0}, 0};

    if (k == 0) {
        put(b, operand(r));
        put(b, " ");
        put(b, PICK(r, ops));
        put(b, " ");
        put(b, operand(r));
        return;
    }
    gen_expr(r, depth - 1, &a);
    put(b, k == 1 ? "NOT (" : "(");
    put(b, a.data);
    put(b, k == 1 ? ")" : k == 2 ? ") AND (" : ") OR (");
    if (k == 1)
        return;
    gen_expr(r, depth - 1, b);
    put(b, ")");
    if (k == 4) {
        put(b, " AND NOT ");
        put(b, a.data);
    }
}

static const char *const gen_docs[] = {
    "{\"s\":\"x\",\"n\":5,\"d\":2.5,\"z\":null,\"t\":true,"
    "\"strs\":[\"x\",\"y\"],\"nums\":[5,2.5],\"obj\":{\"a\":\"abc\"},"
    "\"mixed\":[1,\"x\",null,[5]],\"dec\":\"09\"}",
    "{\"s\":\"abc\",\"n\":7,\"d\":5.0,\"t\":false,\"strs\":[],"
    "\"nums\":[0],\"obj\":{\"a\":5,\"k\":\"y\"},\"dec\":\"b\"}",
    "{\"s\":5,\"n\":\"5\",\"strs\":\"x\",\"obj\":[1],\"missing\":null}",
    "{}",
};

static bool eval_text(lw_symtab *t, const char *text, const lw_attrs *doc)
{
    lw_expr *e = compile_ok(t, text);
    lw__subject s;
    bool r;

    lw__subject_set(&s, doc, NULL);
    r = eval_all(e, &s, doc);

    lw_expr_free(e);
    return r;
}

static bool is_keyword(const char *w, size_t n)
{
    static const char *const kw[] = {
        "AND", "OR", "NOT", "IN", "HAS", "CONTAINS", "TRUE", "FALSE", "NULL",
    };
    size_t i, k;

    for (i = 0; i < sizeof kw / sizeof kw[0]; i++) {
        if (strlen(kw[i]) != n)
            continue;
        for (k = 0; k < n && (w[k] & ~0x20) == kw[i][k]; k++)
            ;
        if (k == n)
            return true;
    }
    return false;
}

static bool is_word_char(char c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* Copy in to out with the letters of every keyword in a random case. */
static void vary_keywords(const char *in, char *out, rng *r)
{
    char quote = 0;
    size_t i = 0, k, w, n = strlen(in);

    memcpy(out, in, n + 1);
    while (i < n) {
        if (quote != 0 || in[i] == '\'' || in[i] == '"') {
            quote = quote == 0 ? in[i] : (in[i] == quote ? 0 : quote);
            i++;
            continue;
        }
        for (w = i; w < n && is_word_char(in[w]); w++)
            ;
        if (w > i && is_keyword(in + i, w - i) &&
            (i == 0 || in[i - 1] != '.'))
            for (k = i; k < w; k++)
                out[k] = (char)(next(r) % 2 ? in[k] | 0x20 : in[k] & ~0x20);
        i = w > i ? w : i + 1;
    }
}

static void check_properties(lw_symtab *t, const lw_attrs *doc, rng *r)
{
    static sbuf sa, sb;
    static char buf[4200];
    const char *a = sa.data, *b = sb.data;
    bool ra, rb;

    sa.n = sb.n = 0;
    gen_expr(r, (int)(next(r) % 3), &sa);
    gen_expr(r, (int)(next(r) % 3), &sb);
    ra = eval_text(t, a, doc);
    rb = eval_text(t, b, doc);

    snprintf(buf, sizeof buf, "NOT (%s)", a);
    assert_int_equal(eval_text(t, buf, doc), !ra);
    snprintf(buf, sizeof buf, "(%s) OR (%s)", a, b);
    assert_int_equal(eval_text(t, buf, doc), ra || rb);
    snprintf(buf, sizeof buf, "(%s) OR (%s)", b, a);
    assert_int_equal(eval_text(t, buf, doc), ra || rb);
    snprintf(buf, sizeof buf, "(%s) AND (%s)", a, b);
    assert_int_equal(eval_text(t, buf, doc), ra && rb);
    snprintf(buf, sizeof buf, "(%s) AND (%s)", b, a);
    assert_int_equal(eval_text(t, buf, doc), ra && rb);
    vary_keywords(a, buf, r);
    assert_int_equal(eval_text(t, buf, doc), ra);
}

static void test_properties(void **state)
{
    rng r = {20261203};
    lw_symtab *t;
    size_t d;
    int i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (d = 0; d < sizeof gen_docs / sizeof gen_docs[0]; d++) {
        lw_attrs *doc = parse_doc(t, gen_docs[d]);

        for (i = 0; i < 150; i++)
            check_properties(t, doc, &r);
        lw_attrs_release(doc);
    }
    lw_symtab_release(t);
}

/* Token soup and random bytes: compile never crashes, errors stay inside. */
static void test_random_texts(void **state)
{
    static const char *const toks[] = {
        "a", "b.c", "x[1]", "'s'", "\"t\"", "5", "2.5", "==", "!=", ">",
        "<=", ">-", "<-", "HAS", "IN", "NOT", "CONTAINS", "AND", "OR",
        "(", ")", "[", "]", ",", ".", "true", "null", "-", "!", "1e3", "'",
        " ", "\t", "\xc3\xa9", "\xff", "0x", "NOT IN",
    };
    rng r = {77};
    lw_symtab *t;
    lw_attrs *doc;
    int i, k;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    doc = parse_doc(t, "{\"a\":5,\"b\":{\"c\":\"s\"},\"x\":[1,2]}");
    for (i = 0; i < 3000; i++) {
        char text[256];
        size_t n = 0, len = 0;
        lw_expr *e = NULL;
        lw_error err;

        for (k = (int)(next(&r) % 12); k >= 0; k--)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s ",
                                  PICK(&r, toks));
        len = i % 2 ? n : n - 1;
        if (i % 7 == 0)
            for (k = 0; k < 8; k++)
                text[next(&r) % len] = (char)next(&r);
        if (lw_expr_compile(t, text, len, &e, &err) == LW_OK) {
            lw__subject s;

            lw__subject_set(&s, doc, NULL);
            eval_all(e, &s, doc);
            lw_expr_free(e);
            continue;
        }
        assert_int_equal(err.code, LW_ERR_SYNTAX);
        assert_true(err.offset >= 0 && (size_t)err.offset <= len);
        assert_non_null(strstr(err.message, "offset"));
    }
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

/* Keyword case never changes a result (names keep their case). */
static void test_keyword_case(void **state)
{
    static const char *const pairs[][2] = {
        {"strs HAS 'x' AND NOT n IN [1, 2]",
         "strs has 'x' and not n in [1, 2]"},
        {"s NOT IN ['q'] OR d CONTAINS 'x'",
         "s nOt In ['q'] oR d cOnTaInS 'x'"},
        {"t == TRUE AND z == NULL", "t == true AND z == null"},
        {"t == FALSE OR n == 5", "t == False Or n == 5"},
    };
    lw_symtab *t;
    size_t i, d;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (d = 0; d < sizeof gen_docs / sizeof gen_docs[0]; d++) {
        lw_attrs *doc = parse_doc(t, gen_docs[d]);

        for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
            assert_int_equal(eval_text(t, pairs[i][0], doc),
                             eval_text(t, pairs[i][1], doc));
        lw_attrs_release(doc);
    }
    lw_symtab_release(t);
}

/* ---- scans -------------------------------------------------------------- */

/* A worker like the benchmark's, varied by i. */
static lw_attrs *worker_doc(lw_symtab *t, unsigned i)
{
    static const char *const skills[] = {"support", "sales", "vip", "chat"};
    char json[512];

    if (i % 13 == 0)
        snprintf(json, sizeof json, "{\"name\":\"W%u\",\"team\":[\"x\"]}",
                 i);
    else
        snprintf(json, sizeof json,
                 "{\"name\":\"W%u\",\"level\":%u,\"skills\":[\"%s\",\"%s\"],"
                 "\"rating\":%u.5,\"contact\":{\"uri\":\"client:W%u\"}}",
                 i, i % 10 + 1, skills[i % 4], skills[(i / 4) % 4], i % 5,
                 i);
    return parse_doc(t, json);
}

/* Every program scanned over 0..300 subjects matches one-by-one eval. */
static void test_scan_matches_eval(void **state)
{
    static const char *const texts[] = {
        "skills HAS 'support'", "level >= 5 AND skills HAS 'vip'",
        "name IN ['W17', 'W64', 'W200']", "name NOT IN ['W1']",
        "contact.uri CONTAINS 'W1'", "team HAS 'x' OR level == 10",
        "NOT (rating > 2.5) OR (skills HAS 'chat' AND level < 3)",
        "1 == 1", "1 == 2", "level == rating", "skills[1] == 'sales'",
        "level != 3 AND name != 'W5' AND rating <= 3",
        "absent HAS 'x' OR level == 10", "NOT absent == 1 AND level > 5",
        "absent != 'q'", "absent.deep NOT IN ['a'] AND absent.x != 1",
        "level > 1 AND name NOT IN ['W3'] AND (absent > 1 OR absent < 1)",
    };
    enum { N = 300 };
    lw_symtab *t;
    lw_attrs *docs[N];
    lw__subject subj[N];
    uint32_t idx[N], pub[N];
    size_t i, k, n;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (i = 0; i < N; i++) {
        docs[i] = worker_doc(t, (unsigned)i);
        lw__subject_set(&subj[i], docs[i], NULL);
    }
    for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        lw_expr *e = compile_ok(t, texts[k]);

        for (n = 0; n <= N; n += n < 70 ? 1 : 23) {
            size_t count = lw__expr_filter(e, subj, n, idx), j = 0;

            for (i = 0; i < n; i++)
                if (lw__expr_eval(e, &subj[i]))
                    assert_int_equal(idx[j++], i);
            assert_int_equal(count, j);
            assert_int_equal(lw__expr_filter(e, subj, n, NULL), count);
            assert_int_equal(lw_expr_filter(e, (const lw_attrs *const *)docs,
                                            n, pub), count);
            assert_memory_equal(pub, idx, count * sizeof idx[0]);
        }
        lw_expr_free(e);
    }
    for (i = 0; i < N; i++)
        lw_attrs_release(docs[i]);
    lw_symtab_release(t);
}

/* Keys held by no document: the scan decides without looking. */
static void test_absent_keys(void **state)
{
    lw_symtab *t;
    lw_attrs *docs[40];
    lw__subject subj[40];
    lw_expr *e, *other;
    size_t i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (i = 0; i < 40; i++) {
        docs[i] = parse_doc(t, i == 39 ? "{\"v\":\"team\",\"n\":1}"
                                        : "{\"n\":1}");
        lw__subject_set(&subj[i], docs[i], NULL);
    }
    /* "team" is held by one document as a value, and by the program. */
    e = compile_ok(t, "team != 'x' AND region NOT IN ['a'] AND n == 1");
    assert_int_equal(lw__expr_filter(e, subj, 40, NULL), 40);
    other = compile_ok(t, "region == 'q'");
    assert_int_equal(lw__expr_filter(e, subj, 40, NULL), 40);
    lw_expr_free(other);
    lw_expr_free(e);

    e = compile_ok(t, "NOT (team HAS 'x') AND NOT (region == 'a')");
    assert_int_equal(lw__expr_filter(e, subj, 40, NULL), 40);
    lw_expr_free(e);
    e = compile_ok(t, "team == null AND region CONTAINS ''");
    assert_int_equal(lw__expr_filter(e, subj, 40, NULL), 0);
    lw_expr_free(e);
    for (i = 0; i < 40; i++)
        lw_attrs_release(docs[i]);
    lw_symtab_release(t);
}

/* ---- built-ins ---------------------------------------------------------- */

static void test_builtins(void **state)
{
    lw_symtab *t;
    lw_attrs *doc;
    const lw__sym *b[2][LW__BUILTIN_COUNT];
    lw__subject subj[3];
    uint32_t idx[3];
    lw_expr *e;
    int i;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    doc = parse_doc(t, "{\"activity_name\":\"Idle\",\"skills\":[\"vip\"]}");
    for (i = 0; i < LW__BUILTIN_COUNT; i++) {
        static const char *const v[2][LW__BUILTIN_COUNT] = {
            {"WK1", "Alice", "WA1", "Available"},
            {"WK2", "Bob", "WA2", "Break"},
        };

        lw__sym_intern(t, v[0][i], strlen(v[0][i]), &b[0][i]);
        lw__sym_intern(t, v[1][i], strlen(v[1][i]), &b[1][i]);
    }
    for (i = 0; i < 3; i++)
        lw__subject_set(&subj[i], doc, NULL);
    subj[0].builtins = b[0];
    subj[1].builtins = b[1];
    subj[2].builtins = NULL;

    e = compile_ok(t, "activity_name IN ['Available', 'Idle'] AND "
                      "skills HAS 'vip'");
    assert_int_equal(lw__expr_filter(e, subj, 3, idx), 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    lw_expr_free(e);
    e = compile_ok(t, "friendly_name == 'Bob' OR sid == 'WK1'");
    assert_int_equal(lw__expr_filter(e, subj, 3, idx), 2);
    assert_int_equal(idx[1], 1);
    lw_expr_free(e);

    for (i = 0; i < LW__BUILTIN_COUNT; i++) {
        lw__sym_release(t, b[0][i]);
        lw__sym_release(t, b[1][i]);
    }
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

/* ---- explain ------------------------------------------------------------ */

static char *explain(lw_symtab *t, const char *text, const lw_attrs *doc,
                     lw_explain_format format)
{
    lw_expr *e = compile_ok(t, text);
    char *out = NULL;

    assert_int_equal(lw_expr_explain(e, doc, format, &out, NULL, NULL),
                     LW_OK);
    lw_expr_free(e);
    return out;
}

static void test_explain_text(void **state)
{
    lw_symtab *t;
    lw_attrs *doc;
    char *out;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    doc = parse_doc(t, "{\"skills\":[\"support\",\"sales\"],\"level\":5,"
                       "\"rating\":4.0}");
    out = explain(t, "skills HAS 'support' AND team HAS 'x' OR level > 9",
                  doc, LW_EXPLAIN_TEXT);
    assert_string_equal(out,
                        "1. skills HAS 'support' -> true\n"
                        "  left  skills = [\"support\",\"sales\"]\n"
                        "  right 'support' = \"support\"\n"
                        "2. team HAS 'x' -> false\n"
                        "  left  team = missing\n"
                        "  right 'x' = \"x\"\n"
                        "3. level > 9 -> false\n"
                        "  left  level = 5\n"
                        "  right 9 = 9\n"
                        "result: false\n");
    lw_free(NULL, out);

    /* Short-circuit: the second comparison is never evaluated. */
    out = explain(t, "rating == 4 OR level > 9", doc, LW_EXPLAIN_TEXT);
    assert_string_equal(out, "1. rating == 4 -> true\n"
                             "  left  rating = 4.0\n"
                             "  right 4 = 4\n"
                             "result: true\n");
    lw_free(NULL, out);

    /* Line breaks and tabs of the source stay on one line. */
    out = explain(t, "level\t==\n5", doc, LW_EXPLAIN_TEXT);
    assert_string_equal(out, "1. level == 5 -> true\n"
                             "  left  level = 5\n"
                             "  right 5 = 5\n"
                             "result: true\n");
    lw_free(NULL, out);
    lw_attrs_release(doc);

    /* Objects print their members in order; an empty one prints {}. */
    doc = parse_doc(t, "{\"o\":{\"a\":1,\"b\":[]},\"e\":{}}");
    out = explain(t, "o == 1 OR e == 1", doc, LW_EXPLAIN_TEXT);
    assert_string_equal(out, "1. o == 1 -> false\n"
                             "  left  o = {\"a\":1,\"b\":[]}\n"
                             "  right 1 = 1\n"
                             "2. e == 1 -> false\n"
                             "  left  e = {}\n"
                             "  right 1 = 1\n"
                             "result: false\n");
    lw_free(NULL, out);
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

static void test_explain_json(void **state)
{
    lw_symtab *t;
    lw_attrs *doc;
    char *out;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    doc = parse_doc(t, "{\"c\":{\"e\":\"a\\\"b\"},\"z\":null}");
    out = explain(t, "NOT c.e != z AND x >- 'q'", doc, LW_EXPLAIN_JSON);
    assert_string_equal(out,
        "{\"result\":false,\"steps\":[{\"comparison\":\"c.e != z\","
        "\"offset\":4,\"operator\":\"!=\",\"left\":{\"text\":\"c.e\","
        "\"kind\":\"reference\",\"value\":\"a\\\"b\"},\"right\":{\"text\":"
        "\"z\",\"kind\":\"reference\",\"value\":null},\"result\":true}]}");
    lw_free(NULL, out);

    out = explain(t, "x >- 'q' OR c == [1, 2.5, true]", NULL,
                  LW_EXPLAIN_JSON);
    assert_string_equal(out,
        "{\"result\":false,\"steps\":[{\"comparison\":\"x >- 'q'\","
        "\"offset\":0,\"operator\":\"HAS\",\"left\":{\"text\":\"x\","
        "\"kind\":\"reference\",\"missing\":true,\"value\":null},"
        "\"right\":{\"text\":\"'q'\",\"kind\":\"constant\",\"value\":\"q\"},"
        "\"result\":false},{\"comparison\":\"c == [1, 2.5, true]\","
        "\"offset\":12,\"operator\":\"==\",\"left\":{\"text\":\"c\","
        "\"kind\":\"reference\",\"missing\":true,\"value\":null},"
        "\"right\":{\"text\":\"[1, 2.5, true]\",\"kind\":\"constant\","
        "\"value\":[1,2.5,true]},\"result\":false}]}");
    lw_free(NULL, out);
    lw_attrs_release(doc);
    lw_symtab_release(t);
}

static void test_explain_errors(void **state)
{
    lw_symtab *t, *other;
    lw_attrs *doc;
    lw_expr *e;
    lw_error err;
    char *out = NULL;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    assert_int_equal(lw_symtab_create(NULL, &other), LW_OK);
    doc = parse_doc(other, "{\"a\":1}");
    e = compile_ok(t, "a == 1");
    assert_int_equal(lw_expr_explain(e, doc, LW_EXPLAIN_TEXT, &out, NULL,
                                     &err), LW_ERR_INVALID);
    assert_null(out);
    assert_false(lw_expr_eval(e, doc));
    assert_int_equal(lw_expr_filter(e, (const lw_attrs *const *)&doc, 1,
                                    NULL), 0);
    {
        lw_attrs *mine = parse_doc(t, "{\"a\":1}");
        const lw_attrs *mix[3] = {mine, doc, mine};
        uint32_t idx[3];

        assert_int_equal(lw_expr_filter(e, mix, 3, idx), 2);
        assert_int_equal(idx[0], 0);
        assert_int_equal(idx[1], 2);
        lw_attrs_release(mine);
    }
    assert_int_equal(lw_expr_explain(e, NULL, 7, &out, NULL, &err),
                     LW_ERR_INVALID);
    assert_int_equal(lw_expr_explain(e, NULL, LW_EXPLAIN_TEXT, NULL, NULL,
                                     &err), LW_ERR_INVALID);
    assert_int_equal(lw_expr_explain(NULL, NULL, LW_EXPLAIN_TEXT, &out,
                                     NULL, &err), LW_ERR_INVALID);
    lw_expr_free(e);
    lw_attrs_release(doc);
    lw_symtab_release(other);
    lw_symtab_release(t);
}

/* ---- API ---------------------------------------------------------------- */

static void test_api(void **state)
{
    lw_symtab *t;
    lw_expr *e = NULL;
    lw_error err;
    size_t len = 0;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    assert_int_equal(lw_expr_compile(NULL, "a == 1", 6, &e, &err),
                     LW_ERR_INVALID);
    assert_int_equal(lw_expr_compile(t, "a == 1", 6, NULL, &err),
                     LW_ERR_INVALID);
    assert_int_equal(lw_expr_compile(t, NULL, 6, &e, &err), LW_ERR_INVALID);
    assert_int_equal(lw_expr_compile(t, NULL, 0, &e, &err), LW_ERR_SYNTAX);
    assert_int_equal(err.offset, 0);

    /* Explicit length: bytes past len are not part of the text. */
    assert_int_equal(lw_expr_compile(t, "a == 1 garbage", 6, &e, &err),
                     LW_OK);
    assert_string_equal(lw_expr_text(e, &len), "a == 1");
    assert_int_equal(len, 6);
    assert_ptr_equal(lw__expr_symtab(e), t);
    assert_true(lw_expr_eval(e, NULL) == false);
    lw_expr_free(e);
    lw_expr_free(NULL);
    assert_null(lw_expr_text(NULL, &len));
    assert_false(lw_expr_eval(NULL, NULL));
    assert_int_equal(lw_expr_filter(NULL, NULL, 3, NULL), 0);

    /* The program keeps the table alive after the caller's release. */
    e = compile_ok(t, "missing != 'x'");
    lw_symtab_release(t);
    assert_true(lw_expr_eval(e, NULL));
    lw_expr_free(e);
}

/* ---- out of memory ------------------------------------------------------ */

static void oom_compile(const char *text)
{
    testalloc ta;
    lw_symtab *t;
    lw_expr *e;
    lw_error err;
    size_t n;
    lw_result rc;

    testalloc_init(&ta);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    for (n = 1;; n++) {
        e = NULL;
        testalloc_fail_at(&ta, n, false);
        rc = lw_expr_compile(t, text, strlen(text), &e, &err);
        if (rc == LW_OK)
            break;
        assert_int_equal(rc, LW_ERR_NOMEM);
        assert_int_equal(err.code, LW_ERR_NOMEM);
        assert_null(e);
        assert_int_equal(lw_symtab_count(t), 0);
    }
    assert_true(n > 1);
    assert_non_null(e);
    lw_expr_free(e);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

static void test_oom_compile(void **state)
{
    static char big[4096];
    size_t n = 0;
    int i;

    (void)state;
    oom_compile("missing != 'x'");
    oom_compile("a.b[2] IN ['x', 'y', 3] OR NOT c HAS 'z' AND d CONTAINS ''");
    for (i = 0; i < 100; i++)
        n += (size_t)snprintf(big + n, sizeof big - n,
                              "k%d.x[%d] != 'v%d' AND ", i, i, i);
    snprintf(big + n, sizeof big - n, "z IN [1,2,3,4,5,6,7,8,9,10,11,12,"
             "13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,"
             "33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,"
             "53,54,55,56,57,58,59,60,61,62,63,64,65,66,67] OR z == null");
    oom_compile(big);
}

static void test_oom_explain(void **state)
{
    testalloc ta;
    lw_symtab *t;
    lw_attrs *doc;
    lw_expr *e;
    size_t n;
    lw_explain_format f;

    (void)state;
    for (f = LW_EXPLAIN_TEXT; f <= LW_EXPLAIN_JSON; f++) {
        testalloc_init(&ta);
        assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
        doc = parse_doc(t, "{\"a\":[\"x\",{\"k\":[1,2.5,null]}],\"b\":\"q\"}");
        e = compile_ok(t, "a HAS 'y' OR b == 'q' AND NOT a[1].k HAS 3");
            for (n = 1;; n++) {
            char *out = NULL;
            lw_error err;
            lw_result rc;

                testalloc_fail_at(&ta, n, false);
            rc = lw_expr_explain(e, doc, f, &out, NULL, &err);
            if (rc == LW_OK) {
                lw_free(&ta.alloc, out);
                break;
            }
            assert_int_equal(rc, LW_ERR_NOMEM);
            assert_null(out);
        }
        assert_true(n > 1);
        lw_expr_free(e);
        lw_attrs_release(doc);
        lw_symtab_release(t);
        assert_int_equal(ta.live, 0);
    }
}

/* ---- threads ------------------------------------------------------------ */

typedef struct shared {
    const lw_expr *e;
    const lw__subject *subj;
    size_t n;
    size_t expect;
    int bad;
} shared;

static void *scan_many(void *arg)
{
    shared *sh = arg;
    uint32_t idx[64];
    int i;

    for (i = 0; i < 2000; i++) {
        size_t k = (size_t)i % sh->n;

        if (lw__expr_filter(sh->e, sh->subj, sh->n, NULL) != sh->expect)
            sh->bad = 1;
        if (lw__expr_eval(sh->e, &sh->subj[k]) !=
            (lw__expr_filter(sh->e, &sh->subj[k], 1, idx) == 1))
            sh->bad = 1;
    }
    return NULL;
}

static void test_threads(void **state)
{
    enum { N = 64, THREADS = 4 };
    lw_symtab *t;
    lw_attrs *docs[N];
    lw__subject subj[N];
    pthread_t th[THREADS];
    shared sh[THREADS];
    lw_expr *e;
    size_t i, expect;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (i = 0; i < N; i++) {
        docs[i] = worker_doc(t, (unsigned)i);
        lw__subject_set(&subj[i], docs[i], NULL);
    }
    e = compile_ok(t, "skills HAS 'vip' AND level > 3 OR team HAS 'x'");
    expect = lw__expr_filter(e, subj, N, NULL);
    assert_true(expect > 0 && expect < N);
    for (i = 0; i < THREADS; i++) {
        sh[i] = (shared){e, subj, N, expect, 0};
        assert_int_equal(pthread_create(&th[i], NULL, scan_many, &sh[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(sh[i].bad, 0);
    }
    lw_expr_free(e);
    for (i = 0; i < N; i++)
        lw_attrs_release(docs[i]);
    lw_symtab_release(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_file),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_limit_messages),
        cmocka_unit_test(test_properties),
        cmocka_unit_test(test_keyword_case),
        cmocka_unit_test(test_random_texts),
        cmocka_unit_test(test_scan_matches_eval),
        cmocka_unit_test(test_absent_keys),
        cmocka_unit_test(test_builtins),
        cmocka_unit_test(test_explain_text),
        cmocka_unit_test(test_explain_json),
        cmocka_unit_test(test_explain_errors),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_oom_compile),
        cmocka_unit_test(test_oom_explain),
        cmocka_unit_test(test_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
