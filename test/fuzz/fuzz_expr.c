/*
 * fuzz_expr.c - libFuzzer harness for expressions: compile any text; when
 * it compiles, evaluate it against a fixed set of documents and explain
 * each evaluation, checking that explain's final result agrees with eval
 * and that NOT (e) is the negation of e.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libworkers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const documents[] = {
    "{}",
    "{\"skills\":[\"support\",\"sales\"],\"languages\":[\"english\"],"
    "\"level\":5,\"name\":\"Alice\",\"contact\":{\"email\":\"a@x.io\"},"
    "\"tags\":null}",
    "{\"name\":\"W2\",\"level\":10,\"skills\":[\"chat\",\"support\"],"
    "\"languages\":[\"english\",\"german\"],\"region\":\"amer\","
    "\"rating\":2.7,\"contact\":{\"uri\":\"client:W2\","
    "\"email\":\"w2@example.com\"}}",
    "{\"a\":{\"b\":[1,2.5,\"3\",true,false,null,[1],{\"c\":\"09\"}]},"
    "\"n\":9007199254740993,\"d\":9007199254740992.0,\"s\":\"5.0\","
    "\"e\":\"\",\"u\":\"\\u00e9t\\u00e9\",\"big\":-9223372036854775808}",
};
#define NDOCS (sizeof documents / sizeof documents[0])

static lw_symtab *syms;
static lw_attrs *docs[NDOCS];

static void setup(void)
{
    size_t i;

    if (lw_symtab_create(NULL, &syms) != LW_OK)
        abort();
    for (i = 0; i < NDOCS; i++)
        if (lw_attrs_parse(syms, documents[i], strlen(documents[i]), 0,
                           &docs[i], NULL) != LW_OK)
            abort();
}

static void check_explain(const lw_expr *e, const lw_attrs *doc, bool r)
{
    char *out = NULL;
    size_t len = 0;
    const char *want = r ? "\"result\":true" : "\"result\":false";

    if (lw_expr_explain(e, doc, LW_EXPLAIN_JSON, &out, &len, NULL) != LW_OK)
        abort();
    if (strstr(out, want) == NULL)
        abort();
    lw_free(NULL, out);
    if (lw_expr_explain(e, doc, LW_EXPLAIN_TEXT, &out, &len, NULL) != LW_OK)
        abort();
    lw_free(NULL, out);
}

static lw_expr *negate(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 8);
    lw_expr *n = NULL;

    if (text == NULL)
        abort();
    memcpy(text, "NOT (", 5);
    memcpy(text + 5, data, size);
    text[size + 5] = ')';
    if (lw_expr_compile(syms, text, size + 6, &n, NULL) != LW_OK)
        n = NULL;
    free(text);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lw_expr *e = NULL, *n;
    lw_error err;
    lw_result rc;
    size_t i;

    if (syms == NULL)
        setup();
    rc = lw_expr_compile(syms, (const char *)data, size, &e, &err);
    if (rc != LW_OK) {
        if (rc != LW_ERR_SYNTAX && rc != LW_ERR_TOO_LARGE)
            abort();
        if (err.offset < 0 || (size_t)err.offset > size ||
            err.message[0] == '\0')
            abort();
        return 0;
    }
    n = negate(data, size);
    for (i = 0; i < NDOCS; i++) {
        bool r = lw_expr_eval(e, docs[i]);
        check_explain(e, docs[i], r);
        if (n != NULL && lw_expr_eval(n, docs[i]) == r)
            abort();
    }
    if (lw_expr_filter(e, (const lw_attrs *const *)docs, NDOCS, NULL) >
        NDOCS)
        abort();
    lw_expr_free(n);
    lw_expr_free(e);
    return 0;
}
