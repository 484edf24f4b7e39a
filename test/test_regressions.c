/*
 * test_regressions.c - one test per defect the reliability checks found,
 * named after it, so that it stays fixed.
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
#include "testalloc.h"

#define S(x) (x), strlen(x)

/*
 * Found by fuzz_store: an update of a task queue's expression alone made
 * a new snapshot but left the name index pointing into the old one, which
 * the update then freed; the next name lookup read freed memory (and a
 * duplicate name could get through).
 */
static void test_queue_retarget_keeps_name_index(void **state)
{
    testalloc ta;
    lw_workspace_options *o;
    lw_workspace *ws;
    lw_task_queue *q = NULL, *q2 = NULL;
    lw_query *query;
    lw_page *p;
    char sid[35];
    int i;

    (void)state;
    testalloc_init(&ta);
    assert_int_equal(lw_workspace_options_create(&ta.alloc, &o), LW_OK);
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    assert_int_equal(lw_task_queue_create(ws, S("Support"), S("1 == 1"), &q,
                                          NULL), LW_OK);
    strcpy(sid, lw_task_queue_sid(q));
    lw_task_queue_release(q);
    for (i = 0; i < 3; i++) {
        const char *target = i % 2 ? "2 == 2" : "level > 1";

        assert_int_equal(lw_task_queue_update(ws, S(sid), NULL, 0,
                                              S(target), NULL, NULL),
                         LW_OK);
        /* Reuse freed blocks with other text of the same size. */
        assert_int_equal(lw_task_queue_create(ws, S("Xxxxxxx"), S("1 == 1"),
                                              &q2, NULL), LW_OK);
        assert_int_equal(lw_task_queue_delete(ws, lw_task_queue_sid(q2),
                                              34, NULL), LW_OK);
        lw_task_queue_release(q2);
        assert_int_equal(lw_task_queue_create(ws, S("SUPPORT"), NULL, 0,
                                              NULL, NULL), LW_ERR_DUPLICATE);
    }
    assert_int_equal(lw_query_create(ws, &query), LW_OK);
    assert_int_equal(lw_query_set_task_queue_name(query, S("support")),
                     LW_OK);
    assert_int_equal(lw_worker_create(ws, S("w"), S("{\"level\":2}"), NULL,
                                      0, NULL, NULL), LW_OK);
    assert_int_equal(lw_worker_list(ws, query, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 1);
    lw_page_free(p);
    lw_query_free(query);
    /* Renaming after retargeting still frees the old name. */
    assert_int_equal(lw_task_queue_update(ws, S(sid), S("Help"), NULL, 0,
                                          NULL, NULL), LW_OK);
    assert_int_equal(lw_task_queue_create(ws, S("support"), NULL, 0, NULL,
                                          NULL), LW_OK);
    assert_int_equal(lw_task_queue_create(ws, S("HELP"), NULL, 0, NULL,
                                          NULL), LW_ERR_DUPLICATE);
    lw_workspace_free(ws);
    assert_int_equal(ta.live, 0);
}

/*
 * Found by fuzz_rest: a task queue whose expression held a NUL byte
 * inside a string literal was accepted, but its export could not be
 * imported back (the NUL cut the text short).  Such an expression is now
 * refused at create and update, as NUL is in names and attributes.
 */
static void test_queue_expression_nul_refused(void **state)
{
    static const char nul_expr[] = "a HAS \"b\x0f\0c\"";
    lw_workspace *ws, *copy = NULL;
    lw_task_queue *q = NULL;
    lw_error e;
    char *text = NULL, *again = NULL;

    (void)state;
    assert_int_equal(lw_workspace_create(NULL, &ws, NULL), LW_OK);
    assert_int_equal(lw_task_queue_create(ws, S("Q"), nul_expr,
                                          sizeof nul_expr - 1, &q, &e),
                     LW_ERR_INVALID);
    assert_null(q);
    assert_int_equal(e.offset, 9);
    assert_string_equal(e.message, "TargetWorkers must not contain NUL "
                        "characters (offset 9)");
    assert_int_equal(lw_task_queue_create(ws, S("Q"), S("a HAS 'b\x0f'"),
                                          &q, NULL), LW_OK);
    assert_int_equal(lw_task_queue_update(ws, S(lw_task_queue_sid(q)), NULL,
                                          0, nul_expr, sizeof nul_expr - 1,
                                          NULL, &e), LW_ERR_INVALID);
    /* What is accepted survives export and import. */
    assert_int_equal(lw_workspace_export(ws, &text, NULL, NULL), LW_OK);
    assert_int_equal(lw_workspace_import(NULL, S(text), &copy, &e), LW_OK);
    assert_int_equal(lw_workspace_export(copy, &again, NULL, NULL), LW_OK);
    assert_string_equal(text, again);
    lw_free(NULL, text);
    lw_free(NULL, again);
    lw_task_queue_release(q);
    lw_workspace_free(copy);
    lw_workspace_free(ws);
}

/*
 * Found by fuzz_store: counting the workers of a workspace that never
 * had one offset its (NULL) slot array, undefined behaviour that clang's
 * UBSan reports (gcc's does not check it); the count itself was right.
 * The fuzzer's input is kept as test/fuzz/corpus/store/count_empty.bin,
 * which `make fuzz` replays under clang first.
 */
static void test_count_before_any_worker(void **state)
{
    lw_workspace *ws;
    lw_expr *e;
    uint32_t n = 7;

    (void)state;
    assert_int_equal(lw_workspace_create(NULL, &ws, NULL), LW_OK);
    assert_int_equal(lw_expr_compile(lw_workspace_symtab(ws),
                                     S("level > 3"), &e, NULL), LW_OK);
    assert_int_equal(lw_worker_count_matching(ws, e, &n, NULL), LW_OK);
    assert_int_equal(n, 0);
    lw_expr_free(e);
    assert_int_equal(lw_expr_compile(lw_workspace_symtab(ws), S("1 == 1"),
                                     &e, NULL), LW_OK);
    n = 7;
    assert_int_equal(lw_worker_count_matching(ws, e, &n, NULL), LW_OK);
    assert_int_equal(n, 0);
    lw_expr_free(e);
    lw_workspace_free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_retarget_keeps_name_index),
        cmocka_unit_test(test_queue_expression_nul_refused),
        cmocka_unit_test(test_count_before_any_worker),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
