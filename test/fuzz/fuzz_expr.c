/*
 * fuzz_expr.c - libFuzzer target for the expression compiler, evaluator
 * and explain, built and run by "make fuzz" (FUZZ_SECONDS each).
 *
 * The input is expression text.  A compile error must point inside the
 * text; a program must give the same answer through eval, both filters
 * and both explain formats on every sample document, NOT (text) must
 * give the opposite, and the symbol table must end as it started.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sample_docs[] = {
    "{\"skills\":[\"support\",\"sales\"],\"level\":5,\"name\":\"Alice\","
    "\"contact\":{\"email\":\"a@x.io\"},\"tags\":null,\"r\":2.5}",
    "{\"a\":[1,\"x\",null,[2],{\"k\":true}],\"s\":\"09\",\"t\":false,"
    "\"in\":{\"and\":\"x\"},\"n\":9007199254740993}",
    "{}",
};

#define NDOCS (sizeof sample_docs / sizeof sample_docs[0])

static lw_symtab *syms;
static lw_attrs *docs[NDOCS];
static lw__subject subj[NDOCS];

static void setup(void)
{
    size_t i;

    if (lw_symtab_create(NULL, &syms) != LW_OK)
        abort();
    for (i = 0; i < NDOCS; i++) {
        if (lw_attrs_parse(syms, sample_docs[i], strlen(sample_docs[i]), 0,
                           &docs[i], NULL) != LW_OK)
            abort();
        lw__subject_set(&subj[i], docs[i], NULL);
    }
}

static bool explained(const lw_expr *e, const lw_attrs *doc,
                      lw_explain_format f)
{
    char *out = NULL;
    size_t len;
    bool r;

    if (lw_expr_explain(e, doc, f, &out, &len, NULL) != LW_OK)
        abort();
    r = f == LW_EXPLAIN_TEXT ? strstr(out, "result: true\n") != NULL
                             : strncmp(out, "{\"result\":true", 14) == 0;
    lw_free(NULL, out);
    return r;
}

static void check_program(const lw_expr *e, const uint8_t *data, size_t size)
{
    uint32_t idx[NDOCS];
    size_t i, k = 0, n = lw__expr_filter(e, subj, NDOCS, idx);
    char *neg = malloc(size + 7);
    lw_expr *ne = NULL;

    memcpy(neg, "NOT (", 5);
    memcpy(neg + 5, data, size);
    neg[size + 5] = ')';
    if (lw_expr_compile(syms, neg, size + 6, &ne, NULL) != LW_OK)
        ne = NULL;
    for (i = 0; i < NDOCS; i++) {
        bool r = lw__expr_eval(e, &subj[i]);

        if (r != lw_expr_eval(e, docs[i]) ||
            r != explained(e, docs[i], LW_EXPLAIN_TEXT) ||
            r != explained(e, docs[i], LW_EXPLAIN_JSON) ||
            (ne != NULL && r == lw_expr_eval(ne, docs[i])))
            abort();
        if (r && idx[k++] != i)
            abort();
    }
    if (k != n || lw_expr_filter(e, (const lw_attrs *const *)docs, NDOCS,
                                 NULL) != n)
        abort();
    lw_expr_free(ne);
    free(neg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lw_expr *e = NULL;
    lw_error err;
    size_t before;

    if (syms == NULL)
        setup();
    before = lw_symtab_count(syms);
    if (lw_expr_compile(syms, (const char *)data, size, &e, &err) == LW_OK) {
        check_program(e, data, size);
        lw_expr_free(e);
    } else if ((err.code != LW_ERR_SYNTAX && err.code != LW_ERR_TOO_LARGE) ||
               err.offset < 0 || (size_t)err.offset > size ||
               strstr(err.message, "at offset") == NULL) {
        abort();
    }
    if (lw_symtab_count(syms) != before)
        abort();
    return 0;
}
