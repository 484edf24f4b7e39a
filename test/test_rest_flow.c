/*
 * test_rest_flow.c - the REST adapter over whole conversations: round
 * trips and page walks by next_page_url, meta URLs, hostile requests,
 * out-of-memory at every allocation, several workspaces, and the speed
 * of rendering a list page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>

#include "resttest.h"

#define WORKERS RT_WS_PATH "/Workers"
#define MAX_SEEN 2048

/* ---- helpers ------------------------------------------------------------- */

/* GET an absolute meta URL of this fixture, as a client following it. */
static lw_rest_response *follow(resttest *t, const char *url)
{
    static char path[4096];
    const char *q;

    assert_true(strncmp(url, RT_BASE, strlen(RT_BASE)) == 0);
    url += strlen(RT_BASE);
    q = strchr(url, '?');
    assert_non_null(q);
    assert_true((size_t)(q - url) < sizeof path);
    memcpy(path, url, (size_t)(q - url));
    path[q - url] = '\0';
    return rt_call(t, "GET", path, q + 1, NULL);
}

static const char *meta_string(const cJSON *page, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(page, "meta"),
                                         key);

    assert_non_null(v);
    return cJSON_IsNull(v) ? NULL : v->valuestring;
}

static int meta_int(const cJSON *page, const char *key)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(page, "meta"),
                               key)->valueint;
}

typedef struct seen {
    char sid[MAX_SEEN][35];
    size_t n;
} seen;

/* Add a page's workers to s; returns how many were on it. */
static size_t collect(seen *s, const cJSON *page)
{
    const cJSON *w;
    size_t n = 0;

    cJSON_ArrayForEach(w, cJSON_GetObjectItem(page, "workers")) {
        assert_true(s->n < MAX_SEEN);
        strcpy(s->sid[s->n++], cJSON_GetObjectItem(w, "sid")->valuestring);
        n++;
    }
    return n;
}

static size_t count_of(const seen *s, const char *sid)
{
    size_t i, n = 0;

    for (i = 0; i < s->n; i++)
        n += strcmp(s->sid[i], sid) == 0;
    return n;
}

static void create_n(resttest *t, size_t n, char (*sids)[35])
{
    size_t i;

    for (i = 0; i < n; i++)
        rt_create_worker(t, rt_fmt("FriendlyName=W%zu", i), sids[i]);
}

/* ---- round trips --------------------------------------------------------- */

static void test_round_trip(void **state)
{
    resttest t;
    char sids[7][35];
    seen s;
    lw_rest_response *r;
    cJSON *page;
    const char *next;
    size_t pages = 0, i;
    char etag[24], *item;

    (void)state;
    rt_setup(&t, true);
    create_n(&t, 7, sids);
    memset(&s, 0, sizeof s);

    /* List by 3, then follow next_page_url verbatim to the end. */
    r = rt_call(&t, "GET", WORKERS, "PageSize=3", NULL);
    for (;;) {
        page = rt_json(r);
        assert_int_equal(lw_rest_response_status(r), 200);
        assert_int_equal(meta_int(page, "page"), (int)pages);
        assert_int_equal(meta_int(page, "page_size"), 3);
        assert_true((meta_string(page, "previous_page_url") == NULL) ==
                    (pages == 0));
        assert_int_equal(collect(&s, page), pages < 2 ? 3 : 1);
        pages++;
        next = meta_string(page, "next_page_url");
        lw_rest_response_free(r);
        if (next == NULL) {
            cJSON_Delete(page);
            break;
        }
        assert_non_null(strstr(next, rt_fmt("&Page=%zu&PageToken=", pages)));
        r = follow(&t, next);
        cJSON_Delete(page);
    }
    assert_int_equal(pages, 3);
    assert_int_equal(s.n, 7);
    for (i = 0; i < 7; i++)
        assert_int_equal(count_of(&s, sids[i]), 1);
    for (i = 1; i < 7; i++)
        assert_true(strcmp(s.sid[i - 1], s.sid[i]) < 0);

    /* Update with the ETag as If-Match, then a stale one. */
    item = strdup(rt_fmt("%s/%s", WORKERS, sids[4]));
    r = rt_call(&t, "GET", item, NULL, NULL);
    strcpy(etag, lw_rest_response_header(r, "ETag"));
    rt_expect(r, 200);
    r = rt_call_if(&t, "POST", item, "FriendlyName=Renamed", etag);
    assert_string_equal(lw_rest_response_header(r, "ETag"), "1");
    rt_expect(r, 200);
    rt_assert_error(rt_call_if(&t, "POST", item, "FriendlyName=Again", etag),
                    412, 20412, NULL);

    /* Delete with the current version; the list shrinks. */
    rt_expect(rt_call_if(&t, "DELETE", item, NULL, "\"1\""), 204);
    r = rt_call(&t, "GET", WORKERS, NULL, NULL);
    page = rt_json(r);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(page,
                                                            "workers")), 6);
    cJSON_Delete(page);
    rt_expect(r, 200);
    free(item);
    rt_teardown(&t);
}

static void test_previous_page(void **state)
{
    resttest t;
    char sids[5][35];
    lw_rest_response *r;
    cJSON *p1, *p2, *back;
    const char *prev;

    (void)state;
    rt_setup(&t, false);
    create_n(&t, 5, sids);
    r = rt_call(&t, "GET", WORKERS, "PageSize=2", NULL);
    p1 = rt_json(r);
    lw_rest_response_free(r);
    r = follow(&t, meta_string(p1, "next_page_url"));
    p2 = rt_json(r);
    lw_rest_response_free(r);

    prev = meta_string(p2, "previous_page_url");
    assert_non_null(prev);
    assert_non_null(strstr(prev, "PageSize=2&Page=0&PageToken="));
    r = follow(&t, prev);
    back = rt_json(r);
    lw_rest_response_free(r);
    assert_true(cJSON_Compare(cJSON_GetObjectItem(back, "workers"),
                              cJSON_GetObjectItem(p1, "workers"), true));
    /* The page reached back has a record before it?  No: it is the first. */
    assert_null(meta_string(back, "previous_page_url"));

    cJSON_Delete(back);
    cJSON_Delete(p2);
    cJSON_Delete(p1);
    rt_teardown(&t);
}

static void test_walk_while_changing(void **state)
{
    resttest t;
    char sids[12][35], extra[35], gone[8][35];
    size_t ngone = 0;
    seen s;
    lw_rest_response *r;
    cJSON *page;
    char *next;
    size_t i, step = 0;

    (void)state;
    rt_setup(&t, false);
    create_n(&t, 12, sids);
    memset(&s, 0, sizeof s);

    r = rt_call(&t, "GET", WORKERS, "PageSize=4", NULL);
    for (;;) {
        page = rt_json(r);
        collect(&s, page);
        lw_rest_response_free(r);
        next = meta_string(page, "next_page_url")
                   ? strdup(meta_string(page, "next_page_url")) : NULL;
        cJSON_Delete(page);
        if (next == NULL)
            break;
        /* Between pages: delete the last worker seen, add a new one. */
        strcpy(gone[ngone], s.sid[s.n - 1]);
        rt_expect(rt_call(&t, "DELETE", rt_fmt("%s/%s", WORKERS,
                                               gone[ngone++]), NULL, NULL),
                  204);
        rt_create_worker(&t, rt_fmt("FriendlyName=New%zu", step++), extra);
        r = follow(&t, next);
        free(next);
    }
    assert_true(ngone >= 2);
    for (i = 0; i < 12; i++)
        assert_int_equal(count_of(&s, sids[i]), 1);
    for (i = 0; i < ngone; i++)
        rt_expect(rt_call(&t, "GET", rt_fmt("%s/%s", WORKERS, gone[i]), NULL,
                          NULL), 404);
    rt_teardown(&t);
}

/* ---- meta URLs and filters ----------------------------------------------- */

static void test_meta_urls(void **state)
{
    resttest t;
    char sids[3][35];
    lw_rest_response *r;
    cJSON *page;
    const char *filters =
        "FriendlyName=a%20b%2Bc%C3%A9&ActivitySid=WA1&ActivityName=Offline&"
        "Available=tRUE&TaskQueueSid=WQ1&TaskQueueName=x&"
        "TargetWorkersExpression=&Ordering=DateStatusChanged%3Adesc&";

    (void)state;
    rt_setup(&t, false);
    create_n(&t, 3, sids);

    /* Every recognised filter, verbatim, in the contract's order; unknown
     * parameters dropped; later repeats win. */
    r = rt_call(&t, "GET", WORKERS,
                "Unknown=1&TargetWorkersExpression=&Ordering=DateStatusChanged"
                "%3Adesc&Available=tRUE&FriendlyName=x&PageSize=7&"
                "ActivityName=Offline&TaskQueueName=x&TaskQueueSid=WQ1&"
                "ActivitySid=WA1&FriendlyName=a+b%2Bc%C3%A9",
                NULL);
    page = rt_json(r);
    assert_string_equal(meta_string(page, "url"),
                        rt_fmt("%s/Workers?%sPageSize=7&Page=0", RT_WS_URL,
                               filters));
    assert_string_equal(meta_string(page, "first_page_url"),
                        rt_fmt("%s/Workers?%sPageSize=7&Page=0", RT_WS_URL,
                               filters));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(page,
                                                            "workers")), 0);
    assert_null(meta_string(page, "next_page_url"));
    assert_null(meta_string(page, "previous_page_url"));
    cJSON_Delete(page);
    rt_expect(r, 200);

    /* PageSize above 1000 is served, and written, as 1000. */
    r = rt_call(&t, "GET", WORKERS, "PageSize=5000", NULL);
    page = rt_json(r);
    assert_int_equal(meta_int(page, "page_size"), 1000);
    assert_string_equal(meta_string(page, "url"),
                        RT_WS_URL "/Workers?PageSize=1000&Page=0");
    cJSON_Delete(page);
    rt_expect(r, 200);

    /* The current URL carries the request's own token, encoded. */
    r = rt_call(&t, "GET", WORKERS, "PageSize=1", NULL);
    page = rt_json(r);
    assert_string_equal(
        meta_string(page, "next_page_url"),
        rt_fmt("%s/Workers?PageSize=1&Page=1&PageToken=PA%s", RT_WS_URL,
               cJSON_GetObjectItem(cJSON_GetArrayItem(
                   cJSON_GetObjectItem(page, "workers"), 0), "sid")
                   ->valuestring));
    cJSON_Delete(page);
    lw_rest_response_free(r);
    rt_teardown(&t);
}

static size_t list_count(resttest *t, const char *query)
{
    lw_rest_response *r = rt_call(t, "GET", WORKERS, query, NULL);
    cJSON *page = rt_json(r);
    size_t n;

    if (lw_rest_response_status(r) != 200)
        fail_msg("%s: %s", query, lw_rest_response_body(r, NULL));
    n = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(page, "workers"));
    cJSON_Delete(page);
    lw_rest_response_free(r);
    return n;
}

static void test_filters(void **state)
{
    resttest t;
    char wk[35];

    (void)state;
    rt_setup(&t, false);
    rt_create_worker(&t, "FriendlyName=Alice&Attributes=%7B%22skills%22%3A"
                         "%5B%22support%22%5D%7D", wk);
    rt_create_worker(&t, "FriendlyName=Bob", wk);
    rt_expect(rt_call(&t, "POST", RT_WS_PATH "/TaskQueues", NULL,
                      "FriendlyName=Support&TargetWorkers=skills+HAS+"
                      "%27support%27"), 201);

    assert_int_equal(list_count(&t, "FriendlyName=alice"), 1);
    assert_int_equal(list_count(&t, "FriendlyName="), 0);
    assert_int_equal(list_count(&t, "ActivityName=OFFLINE"), 2);
    assert_int_equal(list_count(&t, "ActivityName="), 0);
    assert_int_equal(list_count(&t, "Available=no"), 2);
    assert_int_equal(list_count(&t, "Available="), 2);
    assert_int_equal(list_count(&t, "Available=Yes"), 0);
    assert_int_equal(list_count(&t, "TaskQueueName=support"), 1);
    assert_int_equal(list_count(&t, "TaskQueueName=nope"), 0);
    assert_int_equal(list_count(&t, "ActivitySid=WAbad"), 0);
    assert_int_equal(list_count(&t,
                                "TargetWorkersExpression=skills+HAS+"
                                "%22support%22"), 1);
    assert_int_equal(list_count(&t, "TargetWorkersExpression="), 2);
    assert_int_equal(list_count(&t, "Ordering=DateStatusChanged:desc"), 2);
    rt_teardown(&t);
}

/* ---- hostile requests ---------------------------------------------------- */

/* Send and check a 4xx that changed nothing. */
static void refused(resttest *t, const rt_request *q, int32_t status,
                    const char *message)
{
    char *before = rt_state(t), *after;

    rt_assert_error(rt_send(t, q), status, status == 405 ? 20004
                                           : status == 404 ? 20404 : 20001,
                    message);
    after = rt_state(t);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_huge_inputs(void **state)
{
    resttest t;
    rt_request q;
    size_t n = LW_REST_MAX_INPUT;
    char *big = malloc(n + 2);

    (void)state;
    rt_setup(&t, false);
    assert_non_null(big);
    memset(&q, 0, sizeof q);

    /* Exactly 1 MiB is accepted; one byte more is not. */
    memset(big, 'a', n + 1);
    memcpy(big, "FriendlyName=Big&Pad=", 21);
    big[n] = '\0';
    q.method = "POST";
    q.path = WORKERS;
    q.body = big;
    rt_expect(rt_send(&t, &q), 201);
    big[n] = 'a';
    big[n + 1] = '\0';
    memcpy(big, "FriendlyName=Bigger", 19);
    refused(&t, &q, 400, "The request body is larger than 1048576 bytes");

    q.method = "GET";
    q.body = NULL;
    q.query = big;
    refused(&t, &q, 400, "The query string is longer than 1048576 bytes");
    q.method = "DELETE";
    q.path = RT_WS_PATH "/TaskQueues/WQffffffffffffffffffffffffffffffff";
    refused(&t, &q, 404, NULL);
    free(big);
    rt_teardown(&t);
}

static void test_broken_encodings(void **state)
{
    static const struct {
        const char *body;
        const char *message;
    } rows[] = {
        {"FriendlyName=%E0%A4", "Invalid UTF-8 in the value of parameter "
                                "FriendlyName in the body"},
        {"FriendlyName=abc%2", "Invalid percent-encoding at offset 16 of "
                               "the body: '%' must be followed by two "
                               "hexadecimal digits"},
        {"FriendlyName=ok&Ignored=%G0", NULL},
        {"FriendlyName=ok&Ignored=\xc3(", NULL},
        {"FriendlyName=ok&%FF=1", NULL},
        {"FriendlyName=%ED%BF%BF", NULL},
        {"FriendlyName=%F4%90%80%80", NULL},
        {"FriendlyName=%C0%AF", NULL},
    };
    resttest t;
    rt_request q;
    size_t i;

    (void)state;
    rt_setup(&t, false);
    memset(&q, 0, sizeof q);
    q.method = "POST";
    q.path = WORKERS;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        q.body = rows[i].body;
        refused(&t, &q, 400, rows[i].message);
    }

    /* What is not read is not checked. */
    q.query = "%%%&\xff";
    q.body = "FriendlyName=Fine";
    rt_expect(rt_send(&t, &q), 201);
    q.method = "GET";
    q.query = NULL;
    q.body = "%%%&\xff";
    rt_expect(rt_send(&t, &q), 200);
    q.query = "X=%ZZ";
    refused(&t, &q, 400, NULL);
    rt_teardown(&t);
}

static char *many_params(size_t n, const char *first, const char *last)
{
    char *s = malloc(n * 24 + 64);
    size_t len, i;

    assert_non_null(s);
    len = (size_t)sprintf(s, "%s", first);
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(s + len, "&P%zu=%zu", i, i);
    sprintf(s + len, "%s", last);
    return s;
}

static void test_many_params(void **state)
{
    resttest t;
    rt_request q;
    char *body;
    lw_rest_response *r;
    cJSON *j;

    (void)state;
    rt_setup(&t, false);
    memset(&q, 0, sizeof q);
    q.method = "POST";
    q.path = WORKERS;

    /* 10,000 unknown parameters are decoded and ignored... */
    body = many_params(10000, "FriendlyName=First", "&FriendlyName=Last");
    q.body = body;
    r = rt_send(&t, &q);
    j = rt_json(r);
    assert_string_equal(cJSON_GetObjectItem(j, "friendly_name")->valuestring,
                        "Last");
    cJSON_Delete(j);
    rt_expect(r, 201);
    free(body);

    /* The same on a list, as a query string. */
    body = many_params(10000, "FriendlyName=Last", "&Available=false");
    q.method = "GET";
    q.body = NULL;
    q.query = body;
    r = rt_send(&t, &q);
    j = rt_json(r);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "workers")),
                     1);
    assert_non_null(strstr(lw_rest_response_body(r, NULL),
                           "Workers?FriendlyName=Last&Available=false&"
                           "PageSize=50&Page=0\""));
    cJSON_Delete(j);
    rt_expect(r, 200);
    free(body);
    q.method = "POST";
    q.query = NULL;

    /* ... but one broken among them refuses the request. */
    body = many_params(10000, "FriendlyName=Other", "&Z=%Z");
    q.body = body;
    refused(&t, &q, 400, NULL);
    q.method = "GET";
    q.body = NULL;
    q.query = body;
    refused(&t, &q, 400, NULL);
    free(body);
    rt_teardown(&t);
}

static void test_hostile_paths(void **state)
{
    static const char nul_path[] = RT_WS_PATH "\0/Workers";
    resttest t;
    lw_rest_request q;
    lw_rest_response *r = NULL;
    char *long_path = malloc(10001);

    (void)state;
    rt_setup(&t, false);
    memset(&q, 0, sizeof q);
    q.method = "GET";

    /* A NUL inside the path: not found, and not echoed. */
    q.path = nul_path;
    q.path_len = sizeof nul_path - 1;
    q.method_len = 3;
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, NULL), LW_OK);
    rt_assert_error(r, 404, 20404, "The requested resource was not found");

    q.path = RT_WS_PATH "/Workers/\xff\xfe";
    q.path_len = strlen(q.path);
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, NULL), LW_OK);
    rt_assert_error(r, 404, 20404, "The requested resource was not found");

    memset(long_path, 'a', 10000);
    long_path[0] = '/';
    q.path = long_path;
    q.path_len = 10000;
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, NULL), LW_OK);
    rt_assert_error(r, 404, 20404, "The requested resource was not found");

    q.path = RT_WS_PATH "/Workers/../../" RT_WORKSPACE;
    q.path_len = strlen(q.path);
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, NULL), LW_OK);
    rt_assert_error(r, 404, 20404, NULL);

    /* A method of control bytes is not echoed either. */
    q.path = WORKERS;
    q.path_len = strlen(q.path);
    q.method = "G\nT";
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, NULL), LW_OK);
    rt_assert_error(r, 405, 20004,
                    "The requested method is not allowed on this resource");
    free(long_path);
    rt_teardown(&t);
}

static void test_bad_arguments(void **state)
{
    resttest t;
    lw_rest_request q;
    lw_rest_response *r = (lw_rest_response *)&q;
    lw_error err;
    size_t lens[1] = {1};

    (void)state;
    rt_setup(&t, false);
    memset(&q, 0, sizeof q);
    assert_int_equal(lw_rest_handle(NULL, &q, &r, &err), LW_ERR_INVALID);
    assert_null(r);
    assert_int_equal(lw_rest_handle(t.rest, NULL, &r, &err), LW_ERR_INVALID);
    assert_int_equal(lw_rest_handle(t.rest, &q, NULL, &err), LW_ERR_INVALID);
    q.path_len = 3;
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, &err), LW_ERR_INVALID);
    assert_int_equal(err.code, LW_ERR_INVALID);
    q.path_len = 0;
    q.if_match_count = 1;
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, &err), LW_ERR_INVALID);
    q.if_match_len = lens;
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, &err), LW_ERR_INVALID);

    /* An empty request is a request for "": not found. */
    q.if_match_count = 0;
    assert_int_equal(lw_rest_handle(t.rest, &q, &r, &err), LW_OK);
    rt_assert_error(r, 404, 20404, "The requested resource was not found");

    assert_int_equal(lw_rest_response_status(NULL), 0);
    assert_null(lw_rest_response_body(NULL, NULL));
    assert_int_equal(lw_rest_response_header_count(NULL), 0);
    assert_null(lw_rest_response_header(NULL, "ETag"));
    lw_rest_response_free(NULL);
    rt_teardown(&t);
}

/* ---- the adapter itself -------------------------------------------------- */

static void test_adapter(void **state)
{
    lw_rest_options o;
    lw_rest *rest;
    lw_workspace *a, *b;
    lw_error err;
    lw_rest_response *r = NULL;
    lw_rest_request q;
    char path[64];

    (void)state;
    memset(&o, 0, sizeof o);
    o.account_sid = RT_ACCOUNT;
    assert_int_equal(lw_rest_create(&o, &rest, &err), LW_ERR_INVALID);
    o.auth_token = "";
    assert_int_equal(lw_rest_create(&o, &rest, &err), LW_ERR_INVALID);
    assert_int_equal(lw_rest_create(NULL, NULL, &err), LW_ERR_INVALID);
    assert_int_equal(lw_rest_create(NULL, &rest, &err), LW_OK);

    /* One adapter, two workspaces. */
    assert_int_equal(lw_workspace_create(NULL, &a, NULL), LW_OK);
    assert_int_equal(lw_workspace_create(NULL, &b, NULL), LW_OK);
    assert_int_equal(lw_rest_attach(rest, a, &err), LW_OK);
    assert_int_equal(lw_rest_attach(rest, b, &err), LW_OK);
    assert_int_equal(lw_rest_attach(rest, a, &err), LW_ERR_DUPLICATE);
    assert_int_equal(lw_rest_attach(NULL, a, &err), LW_ERR_INVALID);

    memset(&q, 0, sizeof q);
    q.method = "GET";
    q.method_len = 3;
    q.path = path;
    q.path_len = (size_t)sprintf(path, "/v1/Workspaces/%s",
                                 lw_workspace_sid(b));
    assert_int_equal(lw_rest_handle(rest, &q, &r, NULL), LW_OK);
    assert_int_equal(lw_rest_response_status(r), 200);
    assert_non_null(strstr(lw_rest_response_body(r, NULL),
                           lw_workspace_sid(b)));
    assert_non_null(strstr(lw_rest_response_body(r, NULL),
                           "\"url\":\"https://taskrouter.twilio.com/v1/"));
    lw_rest_response_free(r);

    /* Detached: not found any more. */
    assert_int_equal(lw_rest_detach(rest, b, &err), LW_OK);
    assert_int_equal(lw_rest_detach(rest, b, &err), LW_ERR_NOT_FOUND);
    assert_int_equal(lw_rest_handle(rest, &q, &r, NULL), LW_OK);
    assert_int_equal(lw_rest_response_status(r), 404);
    lw_rest_response_free(r);

    lw_rest_destroy(rest);
    lw_rest_destroy(NULL);
    lw_workspace_free(a);
    lw_workspace_free(b);
}

/* Links are written unescaped: a base URL that would break the JSON is
 * refused when the workspace is attached. */
static void test_unrenderable_base_url(void **state)
{
    static const char *const urls[] = {"http://a\"b", "http://a\\b"};
    lw_workspace_options *o;
    lw_workspace *ws;
    lw_rest *rest;
    lw_error err;
    size_t i;

    (void)state;
    assert_int_equal(lw_rest_create(NULL, &rest, NULL), LW_OK);
    for (i = 0; i < 2; i++) {
        assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
        if (lw_workspace_options_set_base_url(o, urls[i],
                                              strlen(urls[i])) != LW_OK) {
            lw_workspace_options_free(o);
            continue;
        }
        assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
        lw_workspace_options_free(o);
        assert_int_equal(lw_rest_attach(rest, ws, &err), LW_ERR_INVALID);
        assert_int_equal(lw_rest_detach(rest, ws, NULL), LW_ERR_NOT_FOUND);
        lw_workspace_free(ws);
    }
    lw_rest_destroy(rest);
}

/* ---- out of memory ------------------------------------------------------- */

typedef void (*prepare_fn)(resttest *t, char *sid);

static void prepare_worker(resttest *t, char *sid)
{
    rt_create_worker(t, "FriendlyName=Prepared&Attributes=%7B%22a%22%3A1%7D",
                     sid);
}

static void prepare_five(resttest *t, char *sid)
{
    char more[4][35];
    size_t i;

    prepare_worker(t, sid);
    for (i = 0; i < 4; i++)
        rt_create_worker(t, rt_fmt("FriendlyName=More%zu", i), more[i]);
}

/*
 * Fail the n-th allocation of one request, for n = 1, 2, ... until the
 * request goes through without a failure: each time the answer is 503 /
 * 20503 (or LW_ERR_NOMEM without a response) or the full success, and a
 * 503 leaks nothing and changes nothing.
 */
static void oom_case(prepare_fn prepare, const char *method,
                     const char *path_fmt, const char *query,
                     const char *body, int32_t ok)
{
    size_t n;

    for (n = 1; n < 10000; n++) {
        resttest t;
        char sid[35] = "", *before;
        rt_request q;
        lw_rest_response *r = NULL;
        size_t failures;

        rt_setup(&t, true);
        if (prepare != NULL)
            prepare(&t, sid);
        memset(&q, 0, sizeof q);
        q.method = method;
        q.path = rt_fmt(path_fmt, sid);
        q.query = query;
        q.body = body;
        q.authorization = rt_basic(RT_ACCOUNT, RT_TOKEN);
        before = rt_state(&t);
        failures = t.ta.failures;

        testalloc_fail_at(&t.ta, n, false);
        {
            lw_rest_request raw;
            memset(&raw, 0, sizeof raw);
            raw.method = q.method;
            raw.method_len = strlen(q.method);
            raw.path = q.path;
            raw.path_len = strlen(q.path);
            raw.query = query;
            raw.query_len = query ? strlen(query) : 0;
            raw.body = body;
            raw.body_len = body ? strlen(body) : 0;
            raw.authorization = q.authorization;
            raw.authorization_len = strlen(q.authorization);
            if (lw_rest_handle(t.rest, &raw, &r, NULL) != LW_OK)
                assert_null(r);
        }
        testalloc_fail_at(&t.ta, 0, false);

        if (t.ta.failures == failures) {
            /* Nothing failed: the request went through whole. */
            rt_expect(r, ok);
            free(before);
            rt_teardown(&t);
            return;
        }
        if (r != NULL && lw_rest_response_status(r) == ok) {
            lw_rest_response_free(r);
        } else {
            char *after;

            if (r != NULL)
                rt_assert_error(r, 503, 20503, NULL);
            after = rt_state(&t);
            if (strcmp(before, after) != 0) {
                size_t d = 0;
                while (before[d] == after[d])
                    d++;
                d = d > 40 ? d - 40 : 0;
                fail_msg("allocation %zu changed the state:\n%.120s\n%.120s",
                         n, before + d, after + d);
            }
            free(after);
        }
        free(before);
        rt_teardown(&t);
    }
    fail_msg("the request never succeeded");
}

static void test_oom_create(void **state)
{
    (void)state;
    oom_case(NULL, "POST", WORKERS "%s", NULL,
             "FriendlyName=New&Attributes=%7B%22skills%22%3A%5B%22a%22%5D%7D",
             201);
}

static void test_oom_update(void **state)
{
    (void)state;
    oom_case(prepare_worker, "POST", WORKERS "/%s", NULL,
             "FriendlyName=Changed&Attributes=%7B%22b%22%3A2%7D", 200);
}

static void test_oom_list(void **state)
{
    (void)state;
    oom_case(prepare_five, "GET", WORKERS "%.0s",
             "PageSize=2&FriendlyName=more1&Available=false", NULL, 200);
    oom_case(prepare_five, "GET", WORKERS "%.0s",
             "PageSize=2&TargetWorkersExpression=a+%3D%3D+1", NULL, 200);
}

static void test_oom_fetch_and_errors(void **state)
{
    (void)state;
    oom_case(prepare_worker, "GET", WORKERS "/%s", NULL, NULL, 200);
    oom_case(prepare_worker, "DELETE", WORKERS "/%s", NULL, NULL, 204);
    oom_case(NULL, "GET", RT_WS_PATH "/Nothing%s", NULL, NULL, 404);
    oom_case(NULL, "POST", WORKERS "%s", NULL, "FriendlyName=%ZZ", 400);
    oom_case(NULL, "GET", RT_WS_PATH "%s", NULL, NULL, 200);
}

static void test_oom_adapter(void **state)
{
    testalloc ta;
    lw_rest_options o;
    lw_rest *rest;
    lw_workspace *ws;
    lw_result rc;
    size_t n;

    (void)state;
    assert_int_equal(lw_workspace_create(NULL, &ws, NULL), LW_OK);
    memset(&o, 0, sizeof o);
    o.alloc = &ta.alloc;
    o.account_sid = RT_ACCOUNT;
    o.auth_token = RT_TOKEN;
    for (n = 1;; n++) {
        testalloc_init(&ta);
        testalloc_fail_at(&ta, n, false);
        rc = lw_rest_create(&o, &rest, NULL);
        if (rc == LW_OK)
            rc = lw_rest_attach(rest, ws, NULL);
        if (rc == LW_OK) {
            lw_rest_destroy(rest);
            assert_int_equal(ta.live, 0);
            break;
        }
        assert_int_equal(rc, LW_ERR_NOMEM);
        if (ta.live > 0)
            lw_rest_destroy(rest);
        assert_int_equal(ta.live, 0);
    }
    assert_true(n > 3);
    lw_workspace_free(ws);
}

/* ---- threads ------------------------------------------------------------ */

typedef struct racer {
    resttest *t;
    int id;
    int failures;
} racer;

/* Create, list, update and delete workers of its own, many times. */
static void *race(void *arg)
{
    racer *r = arg;
    int i;

    for (i = 0; i < 200; i++) {
        lw_rest_response *resp;
        char body[64], path[128];
        cJSON *j;

        snprintf(body, sizeof body, "FriendlyName=T%d-%d", r->id, i);
        resp = rt_call(r->t, "POST", WORKERS, NULL, body);
        if (lw_rest_response_status(resp) != 201) {
            r->failures++;
            lw_rest_response_free(resp);
            continue;
        }
        j = rt_json(resp);
        snprintf(path, sizeof path, "%s/%s", WORKERS,
                 cJSON_GetObjectItem(j, "sid")->valuestring);
        cJSON_Delete(j);
        lw_rest_response_free(resp);

        resp = rt_call(r->t, "GET", WORKERS, "PageSize=5", NULL);
        r->failures += lw_rest_response_status(resp) != 200;
        lw_rest_response_free(resp);
        resp = rt_call(r->t, "POST", path, NULL, "Attributes=%7B%7D");
        r->failures += lw_rest_response_status(resp) != 200;
        lw_rest_response_free(resp);
        resp = rt_call(r->t, "DELETE", path, NULL, NULL);
        r->failures += lw_rest_response_status(resp) != 204;
        lw_rest_response_free(resp);
    }
    return NULL;
}

static void test_threads(void **state)
{
    resttest t;
    racer racers[4];
    pthread_t threads[4];
    lw_workspace *other;
    lw_workspace_options *o;
    size_t i;

    /* The counting allocator is not thread-safe: the C library's here. */
    (void)state;
    memset(&t, 0, sizeof t);
    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_workspace_sid(o, RT_WORKSPACE,
                                                            34), LW_OK);
    assert_int_equal(lw_workspace_create(o, &t.ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    assert_int_equal(lw_rest_create(NULL, &t.rest, NULL), LW_OK);
    assert_int_equal(lw_rest_attach(t.rest, t.ws, NULL), LW_OK);
    assert_int_equal(lw_workspace_create(NULL, &other, NULL), LW_OK);
    for (i = 0; i < 4; i++) {
        racers[i].t = &t;
        racers[i].id = (int)i;
        racers[i].failures = 0;
        assert_int_equal(pthread_create(&threads[i], NULL, race,
                                        &racers[i]), 0);
    }
    /* Attach and detach another workspace meanwhile. */
    for (i = 0; i < 200; i++) {
        assert_int_equal(lw_rest_attach(t.rest, other, NULL), LW_OK);
        assert_int_equal(lw_rest_detach(t.rest, other, NULL), LW_OK);
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(racers[i].failures, 0);
    }
    assert_int_equal(lw_workspace_worker_count(t.ws), 0);
    lw_workspace_free(other);
    lw_rest_destroy(t.rest);
    lw_workspace_free(t.ws);
}

/* ---- speed --------------------------------------------------------------- */

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void test_page_speed(void **state)
{
    static const char attrs[] =
        "{\"name\":\"W2\",\"level\":10,\"skills\":[\"chat\",\"support\"],"
        "\"languages\":[\"english\",\"german\"],\"region\":\"amer\","
        "\"rating\":2.7,\"contact\":{\"uri\":\"client:W2\","
        "\"email\":\"w2@example.com\"}}";
    resttest t;
    lw_rest_response *r;
    cJSON *page;
    char *next;
    double start, best = 1e18;
    size_t i, round;

    (void)state;
    rt_setup(&t, false);
    for (i = 0; i < 1000; i++) {
        char name[16];
        int n = snprintf(name, sizeof name, "W%zu", i);
        assert_int_equal(lw_worker_create(t.ws, name, (size_t)n, attrs,
                                          sizeof attrs - 1, NULL, 0, NULL,
                                          NULL), LW_OK);
    }

    /* A page in the middle of the list, reached by its token. */
    r = rt_call(&t, "GET", WORKERS, "PageSize=50", NULL);
    for (i = 0; i < 9; i++) {
        page = rt_json(r);
        next = strdup(meta_string(page, "next_page_url"));
        cJSON_Delete(page);
        lw_rest_response_free(r);
        r = follow(&t, next);
        free(next);
    }
    page = rt_json(r);
    next = strdup(meta_string(page, "url"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(page,
                                                            "workers")), 50);
    cJSON_Delete(page);
    lw_rest_response_free(r);

    for (round = 0; round < 5; round++) {
        start = now_us();
        for (i = 0; i < 200; i++)
            lw_rest_response_free(follow(&t, next));
        if ((now_us() - start) / 200 < best)
            best = (now_us() - start) / 200;
    }
    printf("    one page of 50 workers (of 1,000), request to response: "
           "%.1f us\n", best);
    assert_true(best < 20000);
    free(next);
    rt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_previous_page),
        cmocka_unit_test(test_walk_while_changing),
        cmocka_unit_test(test_meta_urls),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_huge_inputs),
        cmocka_unit_test(test_broken_encodings),
        cmocka_unit_test(test_many_params),
        cmocka_unit_test(test_hostile_paths),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_adapter),
        cmocka_unit_test(test_unrenderable_base_url),
        cmocka_unit_test(test_oom_create),
        cmocka_unit_test(test_oom_update),
        cmocka_unit_test(test_oom_list),
        cmocka_unit_test(test_oom_fetch_and_errors),
        cmocka_unit_test(test_oom_adapter),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_page_speed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
