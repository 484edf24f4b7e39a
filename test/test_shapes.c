/*
 * test_shapes.c - object shapes: documents whose top-level keys come in
 * the same order share one, and a scan that caches a key's slot per shape
 * gives the same answers as evaluating each document on its own, however
 * shapes alternate and whatever keys they lack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "expr_int.h"
#include "testalloc.h"

#define S(x) (x), strlen(x)

static lw_attrs *parse(lw_symtab *t, const char *text)
{
    lw_attrs *doc = NULL;

    assert_int_equal(lw_attrs_parse(t, S(text), 0, &doc, NULL), LW_OK);
    return doc;
}

static void test_shared_shapes(void **state)
{
    testalloc ta;
    lw_symtab *t;
    lw_attrs *a, *b, *c, *d, *e;
    lw__val root_a, inner_a, inner_e;

    (void)state;
    testalloc_init(&ta);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    a = parse(t, "{\"x\":1,\"y\":{\"u\":1,\"v\":2}}");
    b = parse(t, "{\"x\":\"other\",\"y\":{}}");
    c = parse(t, "{\"y\":1,\"x\":2}");
    d = parse(t, "{\"x\":1,\"y\":2,\"x\":3}");
    e = parse(t, "{}");
    assert_non_null(lw__attrs_shape(a));
    assert_ptr_equal(lw__attrs_shape(a), lw__attrs_shape(b));
    assert_ptr_not_equal(lw__attrs_shape(a), lw__attrs_shape(c));
    /* a repeated key stays first */
    assert_ptr_equal(lw__attrs_shape(a), lw__attrs_shape(d));
    root_a = lw__val_of(lw__attrs_root(a));
    assert_int_equal(lw__obj_shape(&root_a)->n, 2);
    assert_null(lw__attrs_shape(e));

    /* Nested objects are shaped too; an empty one has no shape. */
    inner_a = lw__val_of(&root_a.u.items[1]);
    assert_int_equal(inner_a.tag, LW__OBJ);
    assert_int_equal(lw__obj_shape(&inner_a)->n, 2);
    assert_string_equal(lw__obj_shape(&inner_a)->keys[1]->bytes, "v");
    assert_int_equal(
        lw__val_of(&lw__val_of(lw__attrs_root(b)).u.items[1]).n, 0);
    lw_attrs_release(e);
    e = parse(t, "{\"u\":0,\"v\":[]}");
    inner_e = lw__val_of(lw__attrs_root(e));
    assert_ptr_equal(lw__obj_shape(&inner_a), lw__obj_shape(&inner_e));

    lw_attrs_release(a);
    lw_attrs_release(b);
    lw_attrs_release(c);
    lw_attrs_release(d);
    lw_attrs_release(e);
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

/* With *refs at its limit, parsing text fails like memory would. */
static void refused_at_limit(lw_symtab *t, uint32_t *refs, const char *text)
{
    uint32_t saved = *refs;
    lw_attrs *doc = NULL;

    *refs = UINT32_MAX;
    assert_int_equal(lw_attrs_parse(t, S(text), 0, &doc, NULL),
                     LW_ERR_NOMEM);
    assert_null(doc);
    *refs = saved;
}

/* Reference counts that would wrap fail the parse like memory would. */
static void test_counts_that_would_wrap(void **state)
{
    testalloc ta;
    lw_symtab *t;
    lw_attrs *a, *b = NULL;
    lw__val root, inner;

    (void)state;
    testalloc_init(&ta);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    a = parse(t, "{\"k\":{\"j\":1}}");
    root = lw__val_of(lw__attrs_root(a));
    inner = lw__val_of(&root.u.items[0]);
    refused_at_limit(t, &((lw__shape *)(uintptr_t)lw__obj_shape(&inner))->refs,
                     "{\"k\":{\"j\":2}}");
    refused_at_limit(t,
                     &((lw__sym *)(uintptr_t)lw__obj_shape(&root)->keys[0])
                          ->refs,
                     "{\"k\":3}");

    /* Nothing was left behind: the same documents parse afterwards. */
    assert_int_equal(lw_attrs_parse(t, S("{\"k\":{\"j\":2}}"), 0, &b, NULL),
                     LW_OK);
    lw_attrs_release(b);
    lw_attrs_release(a);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

/* A failed shape allocation fails the parse cleanly. */
static void test_shape_out_of_memory(void **state)
{
    testalloc ta;
    lw_symtab *t;
    lw_attrs *doc = NULL;
    size_t n;
    lw_result rc = LW_ERR_NOMEM;

    (void)state;
    testalloc_init(&ta);
    assert_int_equal(lw_symtab_create(&ta.alloc, &t), LW_OK);
    for (n = 1; rc == LW_ERR_NOMEM; n++) {
        testalloc_fail_at(&ta, n, false);
        rc = lw_attrs_parse(t, S("{\"k\":[1,\"s\"],\"m\":{\"n\":null}}"), 0,
                            &doc, NULL);
        if (rc == LW_ERR_NOMEM)
            assert_int_equal(lw_symtab_count(t), 0);
    }
    assert_int_equal(rc, LW_OK);
    lw_attrs_release(doc);
    lw_symtab_release(t);
    assert_int_equal(ta.live, 0);
}

/* Shapes alternate in every pattern; some lack the key, some roots are
 * empty (no shape): a scan agrees with one-by-one evaluation. */
static void test_scan_across_shapes(void **state)
{
    static const char *const texts[] = {
        "{\"a\":1,\"b\":\"x\",\"c\":[\"x\"]}",
        "{\"b\":\"x\",\"a\":2}",
        "{\"c\":[\"y\",\"x\"],\"b\":\"y\"}",
        "{}",
        "{\"z\":0,\"y\":0,\"b\":\"x\",\"a\":1,\"c\":[]}",
    };
    static const char *const exprs[] = {
        "b == 'x'", "a == 1", "c HAS 'x'", "b IN ['x','y']",
        "b NOT IN ['y']", "a > 1 OR b == 'y'", "missing != 'q'",
    };
    enum { N = 300 };
    lw__subject subj[N];
    lw_attrs *docs[5];
    uint32_t idx[N];
    lw_symtab *t;
    size_t i, k, m, seed = 7;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (i = 0; i < 5; i++)
        docs[i] = parse(t, texts[i]);
    for (i = 0; i < N; i++) {
        seed = seed * 1103515245 + 12345;
        lw__subject_set(&subj[i], docs[(seed >> 16) % 5], NULL);
    }
    for (k = 0; k < sizeof exprs / sizeof exprs[0]; k++) {
        lw_expr *e;

        assert_int_equal(lw_expr_compile(t, S(exprs[k]), &e, NULL), LW_OK);
        m = lw__expr_filter(e, subj, N, idx);
        for (i = 0; i < N; i++) {
            bool want = lw__expr_eval(e, &subj[i]);
            bool got = false;
            size_t j;

            for (j = 0; j < m; j++)
                got |= idx[j] == i;
            assert_true(got == want);
        }
        lw_expr_free(e);
    }
    for (i = 0; i < 5; i++)
        lw_attrs_release(docs[i]);
    lw_symtab_release(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_shapes),
        cmocka_unit_test(test_shape_out_of_memory),
        cmocka_unit_test(test_counts_that_would_wrap),
        cmocka_unit_test(test_scan_across_shapes),
    };
    return cmocka_run_group_tests_name("shapes", tests, NULL, NULL);
}
