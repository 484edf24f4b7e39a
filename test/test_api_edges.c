/*
 * test_api_edges.c - the corners of the public API that the module tests
 * pass by: option resets, the last-error copy, the workspace snapshot
 * after changing the special activities, names with every character JSON
 * must escape going through REST and back, header getters out of range,
 * and an adapter refusing a base URL it cannot render.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "libworkers.h"
#include "resttest.h"

#define S(x) (x), strlen(x)

static void test_option_resets(void **state)
{
    lw_workspace_options *o;
    lw_workspace *ws;
    char *text = NULL;

    (void)state;
    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_account_sid(o, S(RT_ACCOUNT)),
                     LW_OK);
    assert_int_equal(lw_workspace_options_set_workspace_sid(
                         o, S(RT_WORKSPACE)), LW_OK);
    /* NULL goes back to generating one. */
    assert_int_equal(lw_workspace_options_set_account_sid(o, NULL, 0),
                     LW_OK);
    assert_int_equal(lw_workspace_options_set_workspace_sid(o, NULL, 0),
                     LW_OK);
    assert_int_equal(lw_workspace_options_set_attrs_max_bytes(o, 8), LW_OK);
    assert_int_equal(lw_workspace_options_set_attrs_max_bytes(NULL, 8),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_random(NULL, NULL, NULL),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_worker_cap(NULL, 1),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    lw_workspace_options_free(o);

    assert_string_not_equal(lw_workspace_account_sid(ws), RT_ACCOUNT);
    assert_int_equal(strncmp(lw_workspace_account_sid(ws), "AC", 2), 0);
    assert_string_not_equal(lw_workspace_sid(ws), RT_WORKSPACE);
    assert_int_equal(strlen(lw_workspace_sid(ws)), LW_SID_LEN);
    /* The attribute limit of 8 bytes holds. */
    assert_int_equal(lw_worker_create(ws, S("a"), S("{\"k\":12345}"), NULL,
                                      0, NULL, NULL), LW_ERR_TOO_LARGE);
    assert_int_equal(lw_worker_create(ws, S("a"), S("{\"k\":1}"), NULL, 0,
                                      NULL, NULL), LW_OK);
    assert_int_equal(lw_workspace_export(ws, &text, NULL, NULL), LW_OK);
    assert_non_null(strstr(text, "\"a\""));
    lw_free(NULL, text);
    lw_workspace_free(ws);
}

static void test_last_error(void **state)
{
    lw_workspace *ws;
    lw_error e;

    (void)state;
    memset(&e, 0x55, sizeof e);
    lw_workspace_last_error(NULL, &e);
    assert_int_equal(e.code, LW_OK);
    assert_int_equal(e.offset, -1);
    assert_string_equal(e.message, "");

    assert_int_equal(lw_workspace_create(NULL, &ws, NULL), LW_OK);
    lw_workspace_last_error(ws, &e);
    assert_int_equal(e.code, LW_OK);
    assert_int_equal(lw_worker_create(ws, S(""), NULL, 0, NULL, 0, NULL,
                                      NULL), LW_ERR_INVALID);
    lw_workspace_last_error(ws, &e);
    assert_int_equal(e.code, LW_ERR_INVALID);
    assert_string_equal(e.message, "FriendlyName is required");
    lw_workspace_last_error(ws, NULL);
    lw_workspace_free(ws);
}

/* The SID of the activity with this name. */
static void activity(lw_workspace *ws, const char *name, char *sid)
{
    lw_query *q;
    lw_page *p;

    assert_int_equal(lw_query_create(ws, &q), LW_OK);
    assert_int_equal(lw_query_set_friendly_name(q, S(name)), LW_OK);
    assert_int_equal(lw_activity_list(ws, q, &p, NULL), LW_OK);
    strcpy(sid, lw_activity_sid(lw_page_activity(p, 0)));
    lw_page_free(p);
    lw_query_free(q);
}

static void test_special_activities(void **state)
{
    lw_workspace *ws;
    lw_workspace_info *info = NULL;
    char avail[35], offline[35];

    (void)state;
    assert_int_equal(lw_workspace_create(NULL, &ws, NULL), LW_OK);
    activity(ws, "Available", avail);
    activity(ws, "Offline", offline);
    assert_int_equal(lw_workspace_set_timeout_activity(ws, S(avail), NULL),
                     LW_OK);
    assert_int_equal(lw_workspace_set_default_activity(NULL, S(avail),
                                                       NULL),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_fetch(ws, &info, NULL), LW_OK);
    assert_string_equal(lw_workspace_info_timeout_activity_sid(info), avail);
    assert_string_equal(lw_workspace_info_timeout_activity_name(info),
                        "Available");
    assert_string_equal(lw_workspace_info_default_activity_sid(info),
                        offline);
    assert_string_equal(lw_workspace_info_default_activity_name(info),
                        "Offline");
    assert_ptr_equal(lw_workspace_info_retain(info), info);
    lw_workspace_info_release(info);
    lw_workspace_info_release(info);
    assert_null(lw_workspace_info_retain(NULL));
    lw_workspace_info_release(NULL);
    /* Now in use as the timeout activity: it cannot go. */
    assert_int_equal(lw_activity_delete(ws, S(avail), NULL), LW_ERR_IN_USE);
    lw_workspace_free(ws);
}

/* A name with every character JSON escapes goes through REST intact. */
static void test_escaped_names(void **state)
{
    static const char name[] = "q\"b\\n\nr\rt\tb\bf\fc\x01\x1f/\x7f\xc3\xa9";
    resttest t;
    lw_rest_response *r;
    cJSON *j;
    char sid[35], body[256];

    (void)state;
    rt_setup(&t, false);
    snprintf(body, sizeof body, "FriendlyName=%s",
             "q%22b%5Cn%0Ar%0Dt%09b%08f%0Cc%01%1F%2F%7F%C3%A9");
    rt_create_worker(&t, body, sid);
    r = rt_call(&t, "GET", rt_fmt(RT_WS_PATH "/Workers/%s", sid), NULL,
                NULL);
    assert_int_equal(lw_rest_response_status(r), 200);
    j = rt_json(r);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
                            j, "friendly_name")), name);
    cJSON_Delete(j);
    lw_rest_response_free(r);
    rt_teardown(&t);
}

static void test_response_getters(void **state)
{
    resttest t;
    lw_rest_response *r;
    size_t n;

    (void)state;
    rt_setup(&t, false);
    r = rt_call(&t, "GET", RT_WS_PATH "/Workers", NULL, NULL);
    n = lw_rest_response_header_count(r);
    assert_true(n > 0);
    assert_null(lw_rest_response_header_name(r, n));
    assert_null(lw_rest_response_header_value(r, n));
    assert_null(lw_rest_response_header_name(NULL, 0));
    assert_null(lw_rest_response_header_value(NULL, 0));
    assert_int_equal(lw_rest_response_header_count(NULL), 0);
    assert_null(lw_rest_response_header(r, "X-Nothing"));
    assert_non_null(lw_rest_response_header(r, "content-TYPE"));
    lw_rest_response_free(r);
    lw_rest_response_free(NULL);
    assert_int_equal(lw_rest_detach(NULL, t.ws, NULL), LW_ERR_INVALID);
    rt_teardown(&t);
}

static void test_unrenderable_base_url(void **state)
{
    lw_workspace_options *o;
    lw_workspace *ws;
    lw_rest *rest;
    lw_error e;

    (void)state;
    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_base_url(o, S("http://a\"b")),
                     LW_OK);
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    assert_int_equal(lw_rest_create(NULL, &rest, NULL), LW_OK);
    assert_int_equal(lw_rest_attach(rest, ws, &e), LW_ERR_INVALID);
    assert_non_null(strstr(e.message, "base URL"));
    assert_int_equal(lw_rest_detach(rest, ws, NULL), LW_ERR_NOT_FOUND);
    lw_rest_destroy(rest);
    lw_workspace_free(ws);
}

/* An expression of another table, or NULL, matches nothing. */
static void test_matches_foreign(void **state)
{
    lw_workspace *ws;
    lw_symtab *other;
    lw_expr *mine = NULL, *theirs = NULL;
    lw_worker *w = NULL;

    (void)state;
    assert_int_equal(lw_workspace_create(NULL, &ws, NULL), LW_OK);
    assert_int_equal(lw_symtab_create(NULL, &other), LW_OK);
    assert_int_equal(lw_worker_create(ws, S("a"), NULL, 0, NULL, 0, &w,
                                      NULL), LW_OK);
    assert_int_equal(lw_expr_compile(lw_workspace_symtab(ws), S("1 == 1"),
                                     &mine, NULL), LW_OK);
    assert_int_equal(lw_expr_compile(other, S("1 == 1"), &theirs, NULL),
                     LW_OK);
    assert_true(lw_worker_matches(mine, w));
    assert_false(lw_worker_matches(theirs, w));
    assert_false(lw_worker_matches(NULL, w));
    assert_false(lw_worker_matches(mine, NULL));
    assert_null(lw_workspace_symtab(NULL));
    lw_expr_free(mine);
    lw_expr_free(theirs);
    lw_symtab_release(other);
    lw_worker_release(w);
    lw_workspace_free(ws);
}

/* NULL handles: setters refuse, frees ignore, page and workspace getters
 * answer nothing, a page of one kind yields no record of another. */
static void test_null_handles(void **state)
{
    lw_workspace *ws;
    lw_page *p;

    (void)state;
    assert_int_equal(lw_query_set_friendly_name(NULL, S("a")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_query_set_activity_sid(NULL, S("a")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_query_set_activity_name(NULL, S("a")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_query_set_available(NULL, S("a")), LW_ERR_INVALID);
    assert_int_equal(lw_query_set_task_queue_sid(NULL, S("a")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_query_set_task_queue_name(NULL, S("a")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_query_set_target_workers(NULL, S("a")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_query_set_ordering(NULL, LW_ORDER_SID),
                     LW_ERR_INVALID);
    assert_int_equal(lw_query_set_page_size(NULL, 5), LW_ERR_INVALID);
    assert_int_equal(lw_query_set_page_token(NULL, S("a")), LW_ERR_INVALID);
    assert_int_equal(lw_page_count(NULL), 0);
    assert_int_equal(lw_page_size(NULL), 0);
    assert_false(lw_page_has_previous(NULL));
    assert_false(lw_page_has_next(NULL));
    assert_null(lw_page_previous_token(NULL));
    assert_null(lw_page_next_token(NULL));
    assert_null(lw_page_worker(NULL, 0));
    assert_null(lw_workspace_sid(NULL));
    assert_null(lw_workspace_account_sid(NULL));
    assert_null(lw_workspace_base_url(NULL));
    assert_ptr_equal(lw_workspace_allocator(NULL), lw_allocator_default());
    assert_int_equal(lw_workspace_worker_count(NULL), 0);
    lw_workspace_free(NULL);
    lw_workspace_options_free(NULL);
    lw_query_free(NULL);
    lw_page_free(NULL);
    lw_worker_changes_free(NULL);
    lw_worker_release(NULL);
    lw_activity_release(NULL);
    lw_task_queue_release(NULL);
    lw_expr_free(NULL);
    lw_attrs_release(NULL);
    lw_symtab_release(NULL);
    lw_rest_destroy(NULL);
    lw_free(NULL, NULL);

    assert_int_equal(lw_workspace_create(NULL, &ws, NULL), LW_OK);
    assert_int_equal(lw_activity_list(ws, NULL, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 3);
    assert_null(lw_page_worker(p, 0));
    assert_null(lw_page_task_queue(p, 0));
    assert_non_null(lw_page_activity(p, 2));
    assert_null(lw_page_activity(p, 3));
    lw_page_free(p);
    lw_workspace_free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_resets),
        cmocka_unit_test(test_last_error),
        cmocka_unit_test(test_special_activities),
        cmocka_unit_test(test_escaped_names),
        cmocka_unit_test(test_response_getters),
        cmocka_unit_test(test_unrenderable_base_url),
        cmocka_unit_test(test_matches_foreign),
        cmocka_unit_test(test_null_handles),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
