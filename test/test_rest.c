/*
 * test_rest.c - the REST adapter, endpoint by endpoint: golden bodies,
 * headers, the shapes of the original page's examples, and every error
 * row of the contract with the order in which the checks answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "resttest.h"

#define WORKERS RT_WS_PATH "/Workers"
#define ACTIVITIES RT_WS_PATH "/Activities"
#define QUEUES RT_WS_PATH "/TaskQueues"
#define DATE0 "2017-05-30T23:05:29Z"

typedef struct fixture {
    resttest t;
    char offline[35];      /* the default activity */
    char available[35];    /* the "Available" activity */
} fixture;

/* Find an activity's SID by name through the list endpoint. */
static void activity_sid(resttest *t, const char *name, char *sid)
{
    lw_rest_response *r = rt_call(t, "GET", ACTIVITIES, NULL, NULL);
    cJSON *j = rt_json(r), *a;

    sid[0] = '\0';
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "activities")) {
        if (strcmp(cJSON_GetObjectItem(a, "friendly_name")->valuestring,
                   name) == 0)
            strcpy(sid, cJSON_GetObjectItem(a, "sid")->valuestring);
    }
    assert_int_equal(strlen(sid), 34);
    cJSON_Delete(j);
    lw_rest_response_free(r);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    rt_setup(&f->t, false);
    activity_sid(&f->t, "Offline", f->offline);
    activity_sid(&f->t, "Available", f->available);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    rt_teardown(&f->t);
    free(f);
    return 0;
}

static void assert_body(const lw_rest_response *r, const char *want)
{
    const char *got = lw_rest_response_body(r, NULL);

    if (strcmp(got, want) != 0)
        fail_msg("body\n got: %s\nwant: %s", got, want);
}

/* ---- golden bodies ------------------------------------------------------- */

static const char *worker_links(const char *wk, const char *wa)
{
    return rt_fmt(
        "\"links\":{\"channels\":\"%s/Workers/%s/Channels\","
        "\"activity\":\"%s/Activities/%s\",\"workspace\":\"%s\","
        "\"statistics\":\"%s/Workers/Statistics\","
        "\"real_time_statistics\":\"%s/Workers/RealTimeStatistics\","
        "\"cumulative_statistics\":\"%s/Workers/CumulativeStatistics\","
        "\"worker_statistics\":\"%s/Workers/%s/Statistics\","
        "\"worker_channels\":\"%s/Workers/%s/Channels\","
        "\"reservations\":\"%s/Workers/%s/Reservations\"}",
        RT_WS_URL, wk, RT_WS_URL, wa, RT_WS_URL, RT_WS_URL, RT_WS_URL,
        RT_WS_URL, RT_WS_URL, wk, RT_WS_URL, wk, RT_WS_URL, wk);
}

/* The exact JSON of a worker whose three dates are equal. */
static const char *worker_json(const char *wk, const char *name,
                               const char *wa, const char *wa_name,
                               const char *attrs_json, bool available,
                               const char *date)
{
    return rt_fmt(
        "{\"sid\":\"%s\",\"friendly_name\":\"%s\",\"account_sid\":\"%s\","
        "\"activity_sid\":\"%s\",\"activity_name\":\"%s\","
        "\"workspace_sid\":\"%s\",\"attributes\":%s,\"available\":%s,"
        "\"date_created\":\"%s\",\"date_updated\":\"%s\","
        "\"date_status_changed\":\"%s\",\"url\":\"%s/Workers/%s\",%s}",
        wk, name, RT_ACCOUNT, wa, wa_name, RT_WORKSPACE, attrs_json,
        available ? "true" : "false", date, date, date, RT_WS_URL, wk,
        worker_links(wk, wa));
}

static void test_worker_create(void **state)
{
    fixture *f = *state;
    lw_rest_response *r;
    cJSON *got, *want;
    const char *sid;

    r = rt_call(&f->t, "POST", WORKERS, NULL,
                "Attributes=%7B%22type%22%3A%22support%22%7D"
                "&FriendlyName=Support+Worker+1");
    assert_int_equal(lw_rest_response_status(r), 201);
    assert_int_equal(lw_rest_response_code(r), 0);
    assert_string_equal(lw_rest_response_header(r, "content-type"),
                        "application/json");
    assert_string_equal(lw_rest_response_header(r, "ETag"), "0");
    assert_int_equal(lw_rest_response_header_count(r), 2);

    got = rt_json(r);
    sid = cJSON_GetObjectItem(got, "sid")->valuestring;
    assert_body(r, worker_json(sid, "Support Worker 1", f->offline,
                               "Offline", "\"{\\\"type\\\":\\\"support\\\"}\"",
                               false, DATE0));

    /* Same keys, order, types and formats as the page's create example. */
    want = rt_load_json("test/data/twilio_worker.json");
    rt_assert_shape(got, want);
    cJSON_Delete(want);
    cJSON_Delete(got);
    lw_rest_response_free(r);
}

static void test_worker_fetch(void **state)
{
    fixture *f = *state;
    char wk[35];
    lw_rest_response *r;
    cJSON *got, *want, *g, *w;

    rt_create_worker(&f->t, rt_fmt("FriendlyName=NewWorker3&ActivitySid=%s",
                                   f->available), wk);
    f->t.now_ms += 5000;
    r = rt_call(&f->t, "GET", rt_fmt("%s/%s", WORKERS, wk), NULL, NULL);
    assert_int_equal(lw_rest_response_status(r), 200);
    assert_string_equal(lw_rest_response_header(r, "ETag"), "0");
    assert_body(r, worker_json(wk, "NewWorker3", f->available, "Available",
                               "\"{}\"", true, DATE0));

    /* The fetch example lists the same keys (in another order). */
    got = rt_json(r);
    want = rt_load_json("test/data/twilio_worker_fetch.json");
    assert_int_equal(cJSON_GetArraySize(got), cJSON_GetArraySize(want));
    cJSON_ArrayForEach(w, want) {
        g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        assert_non_null(g);
        if (cJSON_IsBool(w))
            assert_true(cJSON_IsBool(g));
        else
            assert_int_equal(g->type & 0xff, w->type & 0xff);
    }
    cJSON_Delete(want);
    cJSON_Delete(got);
    lw_rest_response_free(r);
}

/* Form-encode every byte as %XX. */
static const char *form_encode(const char *s)
{
    static char out[4096];
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;

    for (; *s != '\0' && n + 4 < sizeof out; s++) {
        out[n++] = '%';
        out[n++] = hex[(unsigned char)*s >> 4];
        out[n++] = hex[(unsigned char)*s & 15];
    }
    out[n] = '\0';
    return out;
}

/* Attributes that need escaping come back intact at every alignment of
 * the escaped bytes (the renderer looks at eight bytes at a time). */
static void test_attributes_escaping(void **state)
{
    static const char tail[] =
        "\":\"q\\\"b\\\\s\\n\\t\\u0001\\u001f\xc3\xa9\\/"
        "\\u007f12345678\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\"}";
    fixture *f = *state;
    char wk[35], text[256], pad[17];
    int shift;

    for (shift = 0; shift < 16; shift++) {
        lw_rest_response *r;
        cJSON *body, *attrs;

        memset(pad, 'k', (size_t)shift);
        pad[shift] = '\0';
        snprintf(text, sizeof text, "{\"%s%s", pad, tail);
        rt_create_worker(&f->t, rt_fmt("FriendlyName=e%d&Attributes=%s",
                                       shift, form_encode(text)), wk);
        r = rt_call(&f->t, "GET", rt_fmt(WORKERS "/%s", wk), NULL, NULL);
        assert_int_equal(lw_rest_response_status(r), 200);
        body = rt_json(r);
        attrs = cJSON_GetObjectItemCaseSensitive(body, "attributes");
        assert_true(cJSON_IsString(attrs));
        assert_string_equal(attrs->valuestring, text);
        cJSON_Delete(body);
        lw_rest_response_free(r);

        /* Control characters in a name, at the same alignments. */
        snprintf(text, sizeof text, "%s\x01\t\x1f\"\\n%d", pad, shift);
        rt_expect(rt_call(&f->t, "POST", rt_fmt(WORKERS "/%s", wk), NULL,
                          rt_fmt("FriendlyName=%s", form_encode(text))),
                  200);
        r = rt_call(&f->t, "GET", rt_fmt(WORKERS "/%s", wk), NULL, NULL);
        body = rt_json(r);
        attrs = cJSON_GetObjectItemCaseSensitive(body, "friendly_name");
        assert_string_equal(attrs->valuestring, text);
        cJSON_Delete(body);
        lw_rest_response_free(r);
    }
}

/* The ETag of a page of workers: same page, same tag; any change of what
 * the page shows (a worker, its activity's name, the request) changes it. */
static char *page_etag(fixture *f, const char *query)
{
    static char tags[4][32];
    static int next;
    lw_rest_response *r = rt_call(&f->t, "GET", WORKERS, query, NULL);
    char *tag = tags[next++ % 4];

    assert_int_equal(lw_rest_response_status(r), 200);
    snprintf(tag, 32, "%s", lw_rest_response_header(r, "ETag"));
    lw_rest_response_free(r);
    return tag;
}

static void test_worker_list_etag(void **state)
{
    fixture *f = *state;
    char wk[35], before[32];

    rt_create_worker(&f->t, "FriendlyName=a", wk);
    rt_create_worker(&f->t, "FriendlyName=b", wk);
    snprintf(before, sizeof before, "%s", page_etag(f, NULL));
    assert_int_equal(before[0], '"');
    assert_string_equal(page_etag(f, NULL), before);
    assert_string_not_equal(page_etag(f, "PageSize=1"), before);
    assert_string_not_equal(page_etag(f, "FriendlyName=a"), before);

    /* An update bumps a version. */
    rt_expect(rt_call(&f->t, "POST", rt_fmt(WORKERS "/%s", wk), NULL,
                      "Attributes=%7B%22x%22%3A1%7D"), 200);
    assert_string_not_equal(page_etag(f, NULL), before);
    snprintf(before, sizeof before, "%s", page_etag(f, NULL));

    /* A rename of their activity keeps versions but changes the page. */
    rt_expect(rt_call(&f->t, "POST",
                      rt_fmt(RT_WS_PATH "/Activities/%s", f->offline), NULL,
                      "FriendlyName=Away"), 200);
    assert_string_not_equal(page_etag(f, NULL), before);
    snprintf(before, sizeof before, "%s", page_etag(f, NULL));

    /* Another worker in its place, with the same name, activity,
     * attributes and version: only the SID differs. */
    rt_expect(rt_call(&f->t, "DELETE", rt_fmt(WORKERS "/%s", wk), NULL,
                      NULL), 204);
    rt_create_worker(&f->t, "FriendlyName=b", wk);
    rt_expect(rt_call(&f->t, "POST", rt_fmt(WORKERS "/%s", wk), NULL,
                      "Attributes=%7B%22x%22%3A1%7D"), 200);
    assert_string_not_equal(page_etag(f, NULL), before);
}

static void test_worker_list(void **state)
{
    fixture *f = *state;
    char wk[35];
    lw_rest_response *r;
    cJSON *got, *want;
    const char *first = RT_WS_URL "/Workers?PageSize=50&Page=0";

    rt_create_worker(&f->t, "FriendlyName=testWorker", wk);
    r = rt_call(&f->t, "GET", WORKERS, NULL, NULL);
    assert_int_equal(lw_rest_response_status(r), 200);
    assert_non_null(lw_rest_response_header(r, "ETag"));
    assert_body(r, rt_fmt("{\"workers\":[%s],\"meta\":{\"page\":0,"
                          "\"page_size\":50,\"first_page_url\":\"%s\","
                          "\"previous_page_url\":null,\"url\":\"%s\","
                          "\"next_page_url\":null,\"key\":\"workers\"}}",
                          worker_json(wk, "testWorker", f->offline,
                                      "Offline", "\"{}\"", false, DATE0),
                          first, first));

    /* Items and meta as in the page's list example; the list key comes
     * first, then meta, as the contract says. */
    got = rt_json(r);
    want = rt_load_json("test/data/twilio_worker_list.json");
    assert_string_equal(got->child->string, "workers");
    assert_string_equal(got->child->next->string, "meta");
    assert_null(got->child->next->next);
    rt_assert_shape(cJSON_GetObjectItem(got, "workers"),
                    cJSON_GetObjectItem(want, "workers"));
    rt_assert_shape(cJSON_GetObjectItem(got, "meta"),
                    cJSON_GetObjectItem(want, "meta"));
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(want, "meta"),
                            "first_page_url")->valuestring +
            strlen("https://taskrouter.twilio.com/v1/Workspaces/") + 34,
        "/Workers?PageSize=50&Page=0");
    cJSON_Delete(want);
    cJSON_Delete(got);
    lw_rest_response_free(r);
}

static void test_worker_update(void **state)
{
    fixture *f = *state;
    char wk[35];
    lw_rest_response *r;
    cJSON *j;

    rt_create_worker(&f->t, "FriendlyName=Bob", wk);
    f->t.now_ms += 61000;
    r = rt_call_if(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk),
                   rt_fmt("ActivitySid=%s&Attributes=%%7B%%22a%%22%%3A1%%7D"
                          "&Unknown=%%C3%%A9",
                          f->available),
                   "\"0\"");
    assert_int_equal(lw_rest_response_status(r), 200);
    assert_string_equal(lw_rest_response_header(r, "ETag"), "1");
    j = rt_json(r);
    assert_string_equal(cJSON_GetObjectItem(j, "activity_name")->valuestring,
                        "Available");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "available")));
    assert_string_equal(cJSON_GetObjectItem(j, "attributes")->valuestring,
                        "{\"a\":1}");
    assert_string_equal(cJSON_GetObjectItem(j, "date_created")->valuestring,
                        DATE0);
    assert_string_equal(cJSON_GetObjectItem(j, "date_updated")->valuestring,
                        "2017-05-30T23:06:30Z");
    assert_string_equal(
        cJSON_GetObjectItem(j, "date_status_changed")->valuestring,
        "2017-05-30T23:06:30Z");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "links"),
                            "activity")->valuestring,
        rt_fmt("%s/Activities/%s", RT_WS_URL, f->available));
    cJSON_Delete(j);
    lw_rest_response_free(r);

    /* A no-op update: 200, version unchanged. */
    r = rt_call(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk), NULL,
                "FriendlyName=Bob");
    assert_int_equal(lw_rest_response_status(r), 200);
    assert_string_equal(lw_rest_response_header(r, "ETag"), "1");
    lw_rest_response_free(r);
}

static void test_worker_delete(void **state)
{
    fixture *f = *state;
    char wk[35];
    lw_rest_response *r;
    size_t len = 99;

    rt_create_worker(&f->t, "FriendlyName=Gone", wk);
    r = rt_call_if(&f->t, "DELETE", rt_fmt("%s/%s", WORKERS, wk), NULL,
                   "0");
    assert_int_equal(lw_rest_response_status(r), 204);
    assert_string_equal(lw_rest_response_body(r, &len), "");
    assert_int_equal(len, 0);
    assert_int_equal(lw_rest_response_header_count(r), 0);
    assert_null(lw_rest_response_header(r, "Content-Type"));
    lw_rest_response_free(r);

    rt_assert_error(rt_call(&f->t, "GET", rt_fmt("%s/%s", WORKERS, wk),
                            NULL, NULL),
                    404, 20404,
                    rt_fmt("The requested resource /Workspaces/%s/Workers/%s "
                           "was not found", RT_WORKSPACE, wk));
    /* The name is free again. */
    rt_create_worker(&f->t, "FriendlyName=Gone", wk);
}

/* ---- activities, task queues, workspace ---------------------------------- */

static const char *activity_json(const char *wa, const char *name,
                                 bool available, const char *created,
                                 const char *updated)
{
    return rt_fmt("{\"sid\":\"%s\",\"friendly_name\":\"%s\","
                  "\"available\":%s,\"date_created\":\"%s\","
                  "\"date_updated\":\"%s\",\"account_sid\":\"%s\","
                  "\"workspace_sid\":\"%s\",\"url\":\"%s/Activities/%s\","
                  "\"links\":{\"workspace\":\"%s\"}}",
                  wa, name, available ? "true" : "false", created, updated,
                  RT_ACCOUNT, RT_WORKSPACE, RT_WS_URL, wa, RT_WS_URL);
}

static void test_activities(void **state)
{
    fixture *f = *state;
    lw_rest_response *r;
    cJSON *j;
    char wa[35];

    r = rt_call(&f->t, "POST", ACTIVITIES, NULL,
                "FriendlyName=Break&Available=True");
    assert_int_equal(lw_rest_response_status(r), 201);
    assert_non_null(lw_rest_response_header(r, "ETag"));
    j = rt_json(r);
    strcpy(wa, cJSON_GetObjectItem(j, "sid")->valuestring);
    assert_body(r, activity_json(wa, "Break", true, DATE0, DATE0));
    cJSON_Delete(j);
    lw_rest_response_free(r);

    /* Fetch, rename (Available is ignored), list, delete. */
    r = rt_call(&f->t, "GET", rt_fmt("%s/%s", ACTIVITIES, wa), NULL, NULL);
    assert_body(r, activity_json(wa, "Break", true, DATE0, DATE0));
    rt_expect(r, 200);
    f->t.now_ms += 1000;
    r = rt_call(&f->t, "POST", rt_fmt("%s/%s", ACTIVITIES, wa), NULL,
                "FriendlyName=Lunch&Available=false");
    assert_body(r, activity_json(wa, "Lunch", true, DATE0,
                                 "2017-05-30T23:05:30Z"));
    rt_expect(r, 200);

    r = rt_call(&f->t, "GET", ACTIVITIES, "FriendlyName=lunch", NULL);
    assert_body(r, rt_fmt("{\"activities\":[%s],\"meta\":{\"page\":0,"
                          "\"page_size\":50,\"first_page_url\":"
                          "\"%s/Activities?FriendlyName=lunch&PageSize=50&"
                          "Page=0\",\"previous_page_url\":null,\"url\":"
                          "\"%s/Activities?FriendlyName=lunch&PageSize=50&"
                          "Page=0\",\"next_page_url\":null,"
                          "\"key\":\"activities\"}}",
                          activity_json(wa, "Lunch", true, DATE0,
                                        "2017-05-30T23:05:30Z"),
                          RT_WS_URL, RT_WS_URL));
    rt_expect(r, 200);

    r = rt_call(&f->t, "GET", ACTIVITIES, "Available=1", NULL);
    j = rt_json(r);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j,
                                                            "activities")),
                     2);
    cJSON_Delete(j);
    rt_expect(r, 200);

    rt_expect(rt_call(&f->t, "DELETE", rt_fmt("%s/%s", ACTIVITIES, wa), NULL,
                      NULL), 204);
    rt_assert_error(rt_call(&f->t, "GET", rt_fmt("%s/%s", ACTIVITIES, wa), NULL,
                            NULL),
                    404, 20404,
                    rt_fmt("The requested resource /Workspaces/%s/"
                           "Activities/%s was not found", RT_WORKSPACE, wa));
}

static const char *queue_json(const char *wq, const char *name,
                              const char *target, const char *updated)
{
    return rt_fmt("{\"sid\":\"%s\",\"friendly_name\":\"%s\","
                  "\"target_workers\":\"%s\",\"date_created\":\"%s\","
                  "\"date_updated\":\"%s\",\"account_sid\":\"%s\","
                  "\"workspace_sid\":\"%s\",\"url\":\"%s/TaskQueues/%s\"}",
                  wq, name, target, DATE0, updated, RT_ACCOUNT,
                  RT_WORKSPACE, RT_WS_URL, wq);
}

static void test_task_queues(void **state)
{
    fixture *f = *state;
    lw_rest_response *r;
    cJSON *j;
    char wq[35];

    r = rt_call(&f->t, "POST", QUEUES, NULL,
                "FriendlyName=Sales&TargetWorkers=skills+HAS+%27sales%27");
    assert_int_equal(lw_rest_response_status(r), 201);
    j = rt_json(r);
    strcpy(wq, cJSON_GetObjectItem(j, "sid")->valuestring);
    assert_body(r, queue_json(wq, "Sales", "skills HAS 'sales'", DATE0));
    cJSON_Delete(j);
    lw_rest_response_free(r);

    r = rt_call(&f->t, "POST", QUEUES, NULL, "FriendlyName=All");
    j = rt_json(r);
    assert_string_equal(cJSON_GetObjectItem(j, "target_workers")->valuestring,
                        "1==1");
    cJSON_Delete(j);
    rt_expect(r, 201);

    r = rt_call(&f->t, "GET", rt_fmt("%s/%s", QUEUES, wq), NULL, NULL);
    assert_body(r, queue_json(wq, "Sales", "skills HAS 'sales'", DATE0));
    assert_non_null(lw_rest_response_header(r, "ETag"));
    rt_expect(r, 200);

    f->t.now_ms += 2000;
    r = rt_call(&f->t, "POST", rt_fmt("%s/%s", QUEUES, wq), NULL,
                "TargetWorkers=level+%3E+3");
    assert_body(r, queue_json(wq, "Sales", "level > 3",
                              "2017-05-30T23:05:31Z"));
    rt_expect(r, 200);

    /* The queue list takes no filters: FriendlyName is not repeated. */
    r = rt_call(&f->t, "GET", QUEUES, "FriendlyName=zzz&PageSize=1", NULL);
    j = rt_json(r);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j,
                                                            "task_queues")),
                     1);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "meta"), "url")
            ->valuestring,
        RT_WS_URL "/TaskQueues?PageSize=1&Page=0");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "meta"), "key")
            ->valuestring,
        "task_queues");
    assert_true(cJSON_IsString(cJSON_GetObjectItem(
        cJSON_GetObjectItem(j, "meta"), "next_page_url")));
    cJSON_Delete(j);
    rt_expect(r, 200);

    rt_expect(rt_call(&f->t, "DELETE", rt_fmt("%s/%s", QUEUES, wq), NULL,
                      NULL), 204);
    rt_expect(rt_call(&f->t, "GET", rt_fmt("%s/%s", QUEUES, wq), NULL,
                      NULL), 404);
}

static void test_workspace(void **state)
{
    fixture *f = *state;
    lw_rest_response *r;
    const char *links = rt_fmt(
        "\"links\":{\"activities\":\"%s/Activities\","
        "\"statistics\":\"%s/Statistics\","
        "\"real_time_statistics\":\"%s/RealTimeStatistics\","
        "\"cumulative_statistics\":\"%s/CumulativeStatistics\","
        "\"task_channels\":\"%s/TaskChannels\","
        "\"task_queues\":\"%s/TaskQueues\",\"tasks\":\"%s/Tasks\","
        "\"workers\":\"%s/Workers\",\"workflows\":\"%s/Workflows\","
        "\"events\":\"%s/Events\"}",
        RT_WS_URL, RT_WS_URL, RT_WS_URL, RT_WS_URL, RT_WS_URL, RT_WS_URL,
        RT_WS_URL, RT_WS_URL, RT_WS_URL, RT_WS_URL);

    r = rt_call(&f->t, "GET", RT_WS_PATH, NULL, NULL);
    assert_body(r, rt_fmt("{\"sid\":\"%s\",\"account_sid\":\"%s\","
                          "\"friendly_name\":\"Workspace\","
                          "\"default_activity_sid\":\"%s\","
                          "\"default_activity_name\":\"Offline\","
                          "\"timeout_activity_sid\":\"%s\","
                          "\"timeout_activity_name\":\"Offline\","
                          "\"date_created\":\"%s\",\"date_updated\":\"%s\","
                          "\"url\":\"%s\",%s}",
                          RT_WORKSPACE, RT_ACCOUNT, f->offline, f->offline,
                          DATE0, DATE0, RT_WS_URL, links));
    assert_non_null(lw_rest_response_header(r, "ETag"));
    rt_expect(r, 200);
}

/* ---- error rows ---------------------------------------------------------- */

static void test_missing_and_invalid(void **state)
{
    fixture *f = *state;
    static const char *const paths[] = {WORKERS, ACTIVITIES, QUEUES};
    size_t i;

    for (i = 0; i < 3; i++)
        rt_assert_error(rt_call(&f->t, "POST", paths[i], NULL,
                                "Attributes=%7B%7D&Available=true"),
                        400, 20001,
                        "Missing required parameter FriendlyName in the "
                        "post body");

    /* Invalid inputs the store refuses: 400 / 20001, its message. */
    rt_expect(rt_call(&f->t, "POST", WORKERS, NULL, "FriendlyName="), 400);
    rt_assert_error(rt_call(&f->t, "POST", WORKERS, NULL,
                            "FriendlyName=A&Attributes=%5B%5D"),
                    400, 20001, NULL);
    rt_assert_error(rt_call(&f->t, "POST", WORKERS, NULL,
                            "FriendlyName=A&Attributes="),
                    400, 20001, NULL);
    rt_assert_error(rt_call(&f->t, "POST", WORKERS, NULL,
                            "FriendlyName=A&ActivitySid=WAnope"),
                    400, 20001, NULL);
    rt_assert_error(rt_call(&f->t, "POST", QUEUES, NULL,
                            "FriendlyName=Q&TargetWorkers=skill-level%3E3"),
                    400, 20001, NULL);
    rt_assert_error(rt_call(&f->t, "GET", WORKERS,
                            "TargetWorkersExpression=skill-level%3E3", NULL),
                    400, 20001, NULL);
}

static void test_bad_paging(void **state)
{
    static const char *const queries[] = {
        "PageSize=0", "PageSize=", "PageSize=-1", "PageSize=1.5",
        "PageSize=abc", "PageSize=+5", "Page=", "Page=-1", "Page=x",
        "Page=1", "Page=1&PageToken=", "Page=2147483648&PageToken=PAx",
        "PageToken=garbage", "PageToken=PAWK0", "Ordering=",
        "Ordering=DateStatusChanged", "Ordering=datestatuschanged:asc",
        "Ordering=DateStatusChanged:ASC", "Ordering=Sid:asc",
    };
    fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof queries / sizeof queries[0]; i++)
        rt_assert_error(rt_call(&f->t, "GET", WORKERS, queries[i], NULL),
                        400, 20001, NULL);
    rt_assert_error(rt_call(&f->t, "GET", WORKERS, "PageSize=0", NULL), 400,
                    20001, "Invalid PageSize: expected a positive integer");
    rt_assert_error(rt_call(&f->t, "GET", WORKERS, "Page=3", NULL), 400,
                    20001, "Invalid Page: a Page above 0 needs a PageToken");
    /* Ordering is a worker filter only: ignored on the other lists. */
    rt_expect(rt_call(&f->t, "GET", ACTIVITIES, "Ordering=x", NULL), 200);
    rt_expect(rt_call(&f->t, "GET", QUEUES, "PageSize=0", NULL), 400);
    rt_expect(rt_call(&f->t, "GET", WORKERS, "Page=0&PageSize=0050", NULL),
              200);
    rt_expect(rt_call(&f->t, "GET", WORKERS, "Page=2147483647&PageToken=",
                      NULL), 400);
}

static void test_not_found(void **state)
{
    static const char *const paths[] = {
        "/v1/Workspaces/WSffffffffffffffffffffffffffffffff",
        "/v1/Workspaces/WSffffffffffffffffffffffffffffffff/Workers",
        RT_WS_PATH "/Workers/WKffffffffffffffffffffffffffffffff",
        RT_WS_PATH "/Workers/WKnot-a-sid",
        RT_WS_PATH "/Activities/WAffffffffffffffffffffffffffffffff",
        RT_WS_PATH "/TaskQueues/WQffffffffffffffffffffffffffffffff",
        RT_WS_PATH "/Tasks",
        RT_WS_PATH "/workers",
        RT_WS_PATH "/Workers/",
        RT_WS_PATH "/",
        RT_WS_PATH "/Workers/WKffffffffffffffffffffffffffffffff/Channels",
        "/v1/Workspaces",
        "/v1/Workspaces/",
        "/v2/Workspaces/" RT_WORKSPACE,
        "/v1",
        "/",
        "",
        "v1/Workspaces/" RT_WORKSPACE,
        "//v1/Workspaces/" RT_WORKSPACE,
        RT_WS_PATH "/Workers/../Workers",
        RT_WS_PATH "/../" RT_WORKSPACE,
    };
    fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
        rt_assert_error(rt_call(&f->t, "GET", paths[i], NULL, NULL), 404,
                        20404, NULL);
    rt_assert_error(rt_call(&f->t, "GET", paths[2], NULL, NULL), 404, 20404,
                    "The requested resource /Workspaces/" RT_WORKSPACE
                    "/Workers/WKffffffffffffffffffffffffffffffff was not "
                    "found");
    rt_assert_error(rt_call(&f->t, "GET", RT_WS_PATH "/Tasks", NULL, NULL),
                    404, 20404,
                    "The requested resource /Workspaces/" RT_WORKSPACE
                    "/Tasks was not found");
    rt_assert_error(rt_call(&f->t, "GET", "/nope", NULL, NULL), 404, 20404,
                    "The requested resource /nope was not found");
}

static void test_method_not_allowed(void **state)
{
    static const struct {
        const char *method;
        const char *path;
        const char *allow;
    } rows[] = {
        {"POST", RT_WS_PATH, "GET"},
        {"DELETE", RT_WS_PATH, "GET"},
        {"OPTIONS", RT_WS_PATH, "GET"},
        {"PUT", WORKERS, "GET, POST"},
        {"DELETE", WORKERS, "GET, POST"},
        {"HEAD", WORKERS, "GET, POST"},
        {"PATCH", ACTIVITIES, "GET, POST"},
        {"DELETE", QUEUES, "GET, POST"},
        {"get", WORKERS, "GET, POST"},
        {"", WORKERS, "GET, POST"},
    };
    fixture *f = *state;
    lw_rest_response *r;
    char wk[35];
    size_t i;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        r = rt_call(&f->t, rows[i].method, rows[i].path, NULL, NULL);
        assert_string_equal(lw_rest_response_header(r, "Allow"),
                            rows[i].allow);
        rt_assert_error(r, 405, 20004, NULL);
    }
    rt_create_worker(&f->t, "FriendlyName=W", wk);
    r = rt_call(&f->t, "HEAD", rt_fmt("%s/%s", WORKERS, wk), NULL, NULL);
    assert_string_equal(lw_rest_response_header(r, "Allow"),
                        "GET, POST, DELETE");
    rt_assert_error(r, 405, 20004,
                    "Method HEAD is not allowed on this resource");
    rt_expect(rt_call(&f->t, "PUT", rt_fmt("%s/%s", ACTIVITIES, f->offline),
                      NULL, NULL), 405);
}

static void test_conflicts(void **state)
{
    fixture *f = *state;
    char wk[35], other[35], wq[35];
    lw_rest_response *r;
    cJSON *j;

    /* Duplicate names: 409 with the service's 20001. */
    rt_create_worker(&f->t, "FriendlyName=Alice", wk);
    rt_create_worker(&f->t, "FriendlyName=Bob", other);
    rt_assert_error(rt_call(&f->t, "POST", WORKERS, NULL,
                            "FriendlyName=ALICE"), 409, 20001, NULL);
    rt_assert_error(rt_call(&f->t, "POST", rt_fmt("%s/%s", WORKERS, other),
                            NULL, "FriendlyName=alice"), 409, 20001, NULL);
    rt_assert_error(rt_call(&f->t, "POST", ACTIVITIES, NULL,
                            "FriendlyName=offline"), 409, 20001, NULL);
    r = rt_call(&f->t, "POST", QUEUES, NULL, "FriendlyName=Q");
    j = rt_json(r);
    strcpy(wq, cJSON_GetObjectItem(j, "sid")->valuestring);
    cJSON_Delete(j);
    rt_expect(r, 201);
    rt_assert_error(rt_call(&f->t, "POST", QUEUES, NULL, "FriendlyName=q"),
                    409, 20001, NULL);

    /* Default activity and an activity in use: 409 / 20409. */
    rt_assert_error(rt_call(&f->t, "DELETE",
                            rt_fmt("%s/%s", ACTIVITIES, f->offline), NULL,
                            NULL), 409, 20409, NULL);
    rt_expect(rt_call(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk), NULL,
                      rt_fmt("ActivitySid=%s", f->available)), 200);
    rt_assert_error(rt_call(&f->t, "DELETE",
                            rt_fmt("%s/%s", ACTIVITIES, f->available), NULL,
                            NULL), 409, 20409, NULL);

    /* Pending reservations block an activity change... */
    assert_int_equal(lw_worker_set_pending_reservations(f->t.ws, wk, 34, 2,
                                                        NULL), LW_OK);
    rt_assert_error(rt_call(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk),
                            NULL, rt_fmt("ActivitySid=%s", f->offline)),
                    409, 20409, NULL);
    /* ... unless rejected towards an unavailable activity. */
    rt_assert_error(rt_call(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk),
                            NULL, rt_fmt("ActivitySid=%s&Reject"
                                         "PendingReservations=yes",
                                         f->available)),
                    400, 20001, NULL);
    rt_expect(rt_call(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk), NULL,
                      rt_fmt("ActivitySid=%s&RejectPendingReservations=TRUE",
                             f->offline)), 200);
}

static void test_worker_cap(void **state)
{
    resttest t;
    char wk[35];

    (void)state;
    rt_setup_cap(&t, false, 2);
    rt_create_worker(&t, "FriendlyName=A", wk);
    rt_create_worker(&t, "FriendlyName=B", wk);
    rt_assert_error(rt_call(&t, "POST", WORKERS, NULL, "FriendlyName=C"),
                    409, 20409, NULL);
    /* A duplicate name answers before the cap. */
    rt_assert_error(rt_call(&t, "POST", WORKERS, NULL, "FriendlyName=a"),
                    409, 20001, NULL);
    rt_teardown(&t);
}

static void test_if_match(void **state)
{
    static const struct {
        const char *value;
        int32_t status;
    } rows[] = {
        {"1", 200}, {"\"1\"", 200}, {" \"01\"\t", 200}, {"*", 200},
        {"", 200}, {"0", 412}, {"2", 412}, {"W/\"1\"", 412}, {"x", 412},
        {"1, 1", 412}, {"99999999999999999999", 412},
    };
    fixture *f = *state;
    char wk[35];
    rt_request q;
    size_t i;
    char *before;

    rt_create_worker(&f->t, "FriendlyName=V", wk);
    rt_expect(rt_call(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk), NULL,
                      "Attributes=%7B%22v%22%3A1%7D"), 200);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        lw_rest_response *r;

        before = rt_state(&f->t);
        /* A no-op update keeps the version at 1 for the next row. */
        r = rt_call_if(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk),
                       "FriendlyName=V", rows[i].value);
        if (rows[i].status == 412)
            rt_assert_error(r, 412, 20412, NULL);
        else
            rt_expect(r, rows[i].status);
        {
            char *after = rt_state(&f->t);
            assert_string_equal(before, after);
            free(after);
        }
        free(before);
    }

    /* Two If-Match headers never match; none at all is no precondition. */
    memset(&q, 0, sizeof q);
    q.method = "DELETE";
    q.path = rt_fmt("%s/%s", WORKERS, wk);
    q.if_match[0] = "1";
    q.if_match[1] = "1";
    q.if_match_count = 2;
    rt_assert_error(rt_send(&f->t, &q), 412, 20412, NULL);
    rt_assert_error(rt_call_if(&f->t, "DELETE", q.path, NULL, "0"), 412,
                    20412, NULL);

    /* Not honoured on activities and queues. */
    rt_expect(rt_call_if(&f->t, "POST",
                         rt_fmt("%s/%s", ACTIVITIES, f->available), NULL,
                         "12345"), 200);
    rt_expect(rt_call_if(&f->t, "DELETE", q.path, NULL, "\"1\""), 204);
}

/* ---- the order in which checks answer ------------------------------------ */

typedef struct nested {
    fixture *f;
    const char *sid;
    const char *body;
    const char *if_match;
    int32_t status;
    int32_t code;
    int calls;
} nested;

/* From inside an event, the same worker is "being updated". */
static void on_event(void *user, const lw_event *ev)
{
    nested *n = user;
    lw_rest_response *r;

    if (n->calls++ > 0 ||
        strcmp(lw_worker_sid(lw_event_worker(ev)), n->sid) != 0)
        return;
    if (n->if_match != NULL)
        r = rt_call_if(&n->f->t, "POST", rt_fmt("%s/%s", WORKERS, n->sid),
                       n->body, n->if_match);
    else
        r = rt_call(&n->f->t, "POST", rt_fmt("%s/%s", WORKERS, n->sid),
                    NULL, n->body);
    n->status = lw_rest_response_status(r);
    n->code = lw_rest_response_code(r);
    lw_rest_response_free(r);
}

static void test_in_progress_first(void **state)
{
    static const char *const bodies[] = {
        "FriendlyName=Z", "Attributes=%5B%5D", "FriendlyName=%ZZ",
        "ActivitySid=WAbad", "X=%FF",
    };
    fixture *f = *state;
    char wk[35];
    nested n;
    size_t i;

    rt_create_worker(&f->t, "FriendlyName=Busy", wk);
    for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        memset(&n, 0, sizeof n);
        n.f = f;
        n.sid = wk;
        n.body = bodies[i];
        n.if_match = i == 1 ? "77" : NULL;
        lw_workspace_set_event_handler(f->t.ws, on_event, &n);
        rt_expect(rt_call(&f->t, "POST", rt_fmt("%s/%s", WORKERS, wk), NULL,
                          rt_fmt("Attributes=%%7B%%22i%%22%%3A%zu%%7D", i)),
                  200);
        lw_workspace_set_event_handler(f->t.ws, NULL, NULL);
        assert_int_equal(n.calls, 1);
        assert_int_equal(n.status, 409);
        assert_int_equal(n.code, 20409);
    }
}

static void test_check_order(void **state)
{
    fixture *f = *state;
    char wk[35], other[35];
    char *big = malloc(LW_REST_MAX_INPUT + 2);
    const char *item;

    assert_non_null(big);
    memset(big, 'a', LW_REST_MAX_INPUT + 1);
    big[LW_REST_MAX_INPUT + 1] = '\0';
    rt_create_worker(&f->t, "FriendlyName=One", wk);
    rt_create_worker(&f->t, "FriendlyName=Two", other);
    item = rt_fmt("%s/%s", WORKERS, wk);

    /* 404 (unknown SID) before 405; 405 before 400 (body too large). */
    rt_expect(rt_call(&f->t, "PUT", WORKERS "/WKffffffffffffffffffffffffffff"
                      "ffff", NULL, big), 404);
    rt_expect(rt_call(&f->t, "PUT", item, NULL, big), 405);
    rt_assert_error(rt_call(&f->t, "POST", item, NULL, big), 400, 20001,
                    "The request body is larger than 1048576 bytes");

    /* 400 before 412; 412 before the duplicate name; the duplicate name
     * before pending reservations. */
    rt_expect(rt_call_if(&f->t, "POST", item, "Attributes=%5B", "9"), 400);
    rt_expect(rt_call_if(&f->t, "POST", item, "FriendlyName=two", "9"), 412);
    assert_int_equal(lw_worker_set_pending_reservations(f->t.ws, wk, 34, 1,
                                                        NULL), LW_OK);
    rt_assert_error(rt_call(&f->t, "POST", item, NULL,
                            rt_fmt("FriendlyName=TWO&ActivitySid=%s",
                                   f->available)), 409, 20001, NULL);
    rt_assert_error(rt_call(&f->t, "POST", item, NULL,
                            rt_fmt("ActivitySid=%s", f->available)), 409,
                    20409, NULL);
    free(big);
}

static void test_credentials(void **state)
{
    resttest t;
    rt_request q;
    lw_rest_response *r;
    size_t i;
    static const char *const bad[] = {
        NULL, "", "Basic", "Bearer abc", "Basic !!!!",
    };

    (void)state;
    rt_setup(&t, true);
    memset(&q, 0, sizeof q);
    q.method = "GET";
    q.path = "/no/such/path";

    /* 401 before routing, with WWW-Authenticate. */
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        q.authorization = bad[i];
        r = rt_send(&t, &q);
        assert_string_equal(lw_rest_response_header(r, "WWW-Authenticate"),
                            "Basic realm=\"Twilio API\"");
        rt_assert_error(r, 401, 20003, "Authenticate");
    }
    q.path = WORKERS;
    q.authorization = rt_basic(RT_ACCOUNT, "wrong");
    rt_assert_error(rt_send(&t, &q), 401, 20003, NULL);
    q.authorization = rt_basic("ACffffffffffffffffffffffffffffffff",
                               RT_TOKEN);
    rt_assert_error(rt_send(&t, &q), 401, 20003, NULL);
    q.authorization = rt_basic(RT_ACCOUNT, RT_TOKEN "x");
    rt_assert_error(rt_send(&t, &q), 401, 20003, NULL);

    q.authorization = rt_basic(RT_ACCOUNT, RT_TOKEN);
    rt_expect(rt_send(&t, &q), 200);
    q.path = "/no/such/path";
    rt_expect(rt_send(&t, &q), 404);
    rt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_worker_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worker_fetch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worker_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worker_list_etag, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_attributes_escaping, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_worker_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worker_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_task_queues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workspace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_invalid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_not_allowed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conflicts, setup, teardown),
        cmocka_unit_test(test_worker_cap),
        cmocka_unit_test_setup_teardown(test_if_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_progress_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_check_order, setup, teardown),
        cmocka_unit_test(test_credentials),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
