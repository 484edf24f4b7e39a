/*
 * test_store.c - the workspace and workers: creation options, defaults,
 * create/fetch/update/delete with every refusal of the contract in its
 * order, versions, dates, pending reservations, the cap and events.
 */
#include "store_fixture.h"

/* ---- workspace -------------------------------------------------------- */

static void test_workspace_defaults(void **state)
{
    fixture f;
    lw_workspace_info *info;
    lw_query *q;
    lw_page *p;

    (void)state;
    fixture_open(&f);
    lw_workspace_last_error(f.ws, &f.err);
    assert_int_equal(f.err.code, LW_OK);
    assert_string_equal(f.err.message, "");
    assert_int_equal(strlen(lw_workspace_sid(f.ws)), 34);
    assert_memory_equal(lw_workspace_sid(f.ws), "WS", 2);
    assert_memory_equal(lw_workspace_account_sid(f.ws), "AC", 2);
    assert_string_equal(lw_workspace_base_url(f.ws),
                        "https://taskrouter.twilio.com");
    assert_int_equal(lw_workspace_fetch(f.ws, &info, NULL), LW_OK);
    assert_string_equal(lw_workspace_info_friendly_name(info), "Workspace");
    assert_string_equal(lw_workspace_info_default_activity_name(info),
                        "Offline");
    assert_string_equal(lw_workspace_info_timeout_activity_name(info),
                        "Offline");
    assert_string_equal(lw_workspace_info_default_activity_sid(info),
                        lw_workspace_info_timeout_activity_sid(info));
    assert_int_equal(lw_workspace_info_date_created(info), f.clock.now);
    lw_workspace_info_release(info);

    /* Three activities, in SID order, with their availability. */
    assert_int_equal(lw_query_create(f.ws, &q), LW_OK);
    assert_int_equal(lw_query_set_available(q, S("true")), LW_OK);
    assert_int_equal(lw_activity_list(f.ws, q, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 1);
    assert_string_equal(lw_activity_friendly_name(lw_page_activity(p, 0)),
                        "Available");
    lw_page_free(p);
    lw_query_free(q);
    assert_int_equal(lw_activity_list(f.ws, NULL, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 3);
    assert_true(strcmp(lw_activity_sid(lw_page_activity(p, 0)),
                       lw_activity_sid(lw_page_activity(p, 1))) < 0);
    lw_page_free(p);
    fixture_close(&f);
}

static void test_workspace_options(void **state)
{
    static const char *acc = "AC0123456789abcdef0123456789abcdef";
    static const char *wsid = "WS0123456789abcdef0123456789abcdef";
    lw_workspace_options *o;
    lw_workspace *ws;

    (void)state;
    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_account_sid(o, S(acc)),
                     LW_OK);
    assert_int_equal(lw_workspace_options_set_workspace_sid(o, S(wsid)),
                     LW_OK);
    assert_int_equal(lw_workspace_options_set_account_sid(o, S(wsid)),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_workspace_sid(
                         o, S("WS0123456789ABCDEF0123456789abcdef")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_worker_cap(o, 0),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_base_url(o, S("localhost")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_base_url(
                         o, S("http://h/v1")), LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_base_url(
                         o, S("http://127.0.0.1:8080/")), LW_OK);
    assert_int_equal(lw_workspace_options_set_friendly_name(o, S("")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_friendly_name(o, S("Ops")),
                     LW_OK);
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    assert_string_equal(lw_workspace_sid(ws), wsid);
    assert_string_equal(lw_workspace_account_sid(ws), acc);
    assert_string_equal(lw_workspace_base_url(ws), "http://127.0.0.1:8080");
    lw_workspace_free(ws);
    assert_int_equal(lw_workspace_create(NULL, NULL, NULL), LW_ERR_INVALID);
}

static void test_workspace_default_activity(void **state)
{
    fixture f;
    char avail[40], sid[40];
    lw_workspace_info *info;
    lw_worker *w;

    (void)state;
    fixture_open(&f);
    activity_sid(&f, "Available", avail);
    assert_int_equal(lw_workspace_set_default_activity(
                         f.ws, S("WA0000000000000000000000000000dead"),
                         &f.err), LW_ERR_INVALID);
    f.clock.now += 5000;
    assert_int_equal(lw_workspace_set_default_activity(f.ws, S(avail),
                                                       &f.err), LW_OK);
    assert_int_equal(lw_workspace_fetch(f.ws, &info, NULL), LW_OK);
    assert_string_equal(lw_workspace_info_default_activity_name(info),
                        "Available");
    assert_string_equal(lw_workspace_info_timeout_activity_name(info),
                        "Offline");
    assert_int_equal(lw_workspace_info_date_updated(info), f.clock.now);
    lw_workspace_info_release(info);
    add_worker_sid(&f, "alice", NULL, sid);
    w = fetch(&f, sid);
    assert_string_equal(lw_worker_activity_name(w), "Available");
    assert_true(lw_worker_available(w));
    lw_worker_release(w);

    /* The default activity cannot be deleted, nor the timeout one. */
    assert_int_equal(lw_activity_delete(f.ws, S(avail), &f.err),
                     LW_ERR_IN_USE);
    assert_non_null(strstr(f.err.message, "default"));
    fixture_close(&f);
}

static void test_workspace_timeout_and_limits(void **state)
{
    fixture f;
    char brk[40], offline[40];
    lw_workspace_options *o;
    lw_workspace *ws;
    lw_activity *a;
    lw_error e;

    (void)state;
    fixture_open(&f);
    assert_int_equal(lw_activity_create(f.ws, S("Break"), false, &a, NULL),
                     LW_OK);
    strcpy(brk, lw_activity_sid(a));
    lw_activity_release(a);
    activity_sid(&f, "Offline", offline);
    assert_int_equal(lw_workspace_set_timeout_activity(f.ws, S(brk), &e),
                     LW_OK);
    assert_int_equal(lw_activity_delete(f.ws, S(brk), &e), LW_ERR_IN_USE);
    assert_non_null(strstr(e.message, "timeout"));
    assert_int_equal(lw_workspace_set_timeout_activity(f.ws, S("WA1"), &e),
                     LW_ERR_INVALID);
    assert_non_null(strstr(e.message, "TimeoutActivitySid"));
    assert_int_equal(lw_workspace_set_timeout_activity(f.ws, S(offline),
                                                       &e), LW_OK);
    assert_int_equal(lw_activity_delete(f.ws, S(brk), &e), LW_OK);

    /* NULL handles are refused, not dereferenced. */
    assert_int_equal(lw_workspace_set_default_activity(NULL, S(brk), &e),
                     LW_ERR_INVALID);
    assert_int_equal(lw_activity_fetch(NULL, S(brk), &a, &e),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_create(NULL, S("x"), NULL, 0, NULL, 0, NULL,
                                      &e), LW_ERR_INVALID);
    assert_int_equal(lw_worker_update(NULL, S(brk), NULL, NULL, &e),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_delete(NULL, S(brk), 0, &e), LW_ERR_INVALID);
    assert_int_equal(lw_worker_list(NULL, NULL, NULL, &e), LW_ERR_INVALID);
    assert_int_equal(lw_workspace_export(NULL, NULL, NULL, &e),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_import(NULL, NULL, 0, NULL, &e),
                     LW_ERR_INVALID);
    lw_workspace_last_error(NULL, &e);
    assert_int_equal(e.code, LW_OK);
    fixture_close(&f);

    /* A smaller attribute limit. */
    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_attrs_max_bytes(o, 10), LW_OK);
    assert_int_equal(lw_workspace_options_set_account_sid(o, NULL, 0),
                     LW_OK);
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    assert_int_equal(lw_worker_create(ws, S("a"), S("{\"k\":\"vvvvv\"}"),
                                      NULL, 0, NULL, &e), LW_ERR_TOO_LARGE);
    assert_int_equal(lw_worker_create(ws, S("a"), S("{\"k\":1}"), NULL, 0,
                                      NULL, &e), LW_OK);
    lw_workspace_free(ws);
}

/* ---- create ------------------------------------------------------------ */

static void test_worker_create(void **state)
{
    static const char *attrs = "{ \"skills\" : [\"a\",\"b\"], \"x\": 1.50 }";
    fixture f;
    lw_worker *w;
    size_t len;

    (void)state;
    fixture_open(&f);
    w = add_worker(&f, "alice", attrs);
    assert_int_equal(strlen(lw_worker_sid(w)), 34);
    assert_memory_equal(lw_worker_sid(w), "WK", 2);
    assert_string_equal(lw_worker_friendly_name(w), "alice");
    assert_string_equal(lw_worker_attributes(w, &len), attrs);
    assert_int_equal(len, strlen(attrs));
    assert_string_equal(lw_worker_activity_name(w), "Offline");
    assert_false(lw_worker_available(w));
    assert_int_equal(lw_worker_version(w), 0);
    assert_int_equal(lw_worker_date_created(w), f.clock.now);
    assert_int_equal(lw_worker_date_updated(w), f.clock.now);
    assert_int_equal(lw_worker_date_status_changed(w), f.clock.now);
    assert_int_equal(lw_worker_pending_reservations(w), 0);
    assert_string_equal(lw_worker_workspace_sid(w), lw_workspace_sid(f.ws));
    assert_string_equal(lw_worker_account_sid(w),
                        lw_workspace_account_sid(f.ws));
    assert_non_null(lw_worker_attrs(w));
    lw_worker_release(w);

    w = add_worker(&f, "bob", NULL);
    assert_string_equal(lw_worker_attributes(w, NULL), "{}");
    lw_worker_release(w);
    assert_int_equal(lw_workspace_worker_count(f.ws), 2);
    fixture_close(&f);
}

static void test_worker_create_with_activity(void **state)
{
    fixture f;
    char avail[40];
    lw_worker *w;

    (void)state;
    fixture_open(&f);
    activity_sid(&f, "Available", avail);
    assert_int_equal(lw_worker_create(f.ws, S("alice"), NULL, 0, S(avail),
                                      &w, NULL), LW_OK);
    assert_string_equal(lw_worker_activity_sid(w), avail);
    assert_string_equal(lw_worker_activity_name(w), "Available");
    assert_true(lw_worker_available(w));
    lw_worker_release(w);
    fixture_close(&f);
}

typedef struct create_case {
    const char *name;     /* NULL: absent */
    size_t name_len;      /* (size_t)-1: strlen */
    const char *attrs;    /* NULL: absent */
    const char *activity; /* NULL: absent */
    lw_result code;
    const char *message;  /* a part of the message */
} create_case;

#define L (size_t)-1
#define NAME65 \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "a"

static void test_worker_create_refusals(void **state)
{
    static const create_case cases[] = {
        {NULL, 0, NULL, NULL, LW_ERR_INVALID, "FriendlyName is required"},
        {"", L, NULL, NULL, LW_ERR_INVALID, "FriendlyName is required"},
        {NAME65, L, NULL, NULL, LW_ERR_INVALID, "at most 64"},
        {"a\xff", L, NULL, NULL, LW_ERR_INVALID, "UTF-8"},
        {"a\0b", 3, NULL, NULL, LW_ERR_INVALID, "NUL"},
        {"Alice", L, NULL, NULL, LW_ERR_DUPLICATE,
         "Worker with the same friendly name already exists"},
        {"ALICE", L, NULL, NULL, LW_ERR_DUPLICATE, "already exists"},
        {"x", L, "", NULL, LW_ERR_INVALID, "Attributes"},
        {"x", L, "[]", NULL, LW_ERR_INVALID, NULL},
        {"x", L, "1", NULL, LW_ERR_INVALID, NULL},
        {"x", L, "\"s\"", NULL, LW_ERR_INVALID, NULL},
        {"x", L, "{\"a\":}", NULL, LW_ERR_SYNTAX, NULL},
        {"x", L, "{\"a\":1e400}", NULL, LW_ERR_INVALID, NULL},
        {"x", L, "{} x", NULL, LW_ERR_SYNTAX, NULL},
        {"x", L, NULL, "WA123", LW_ERR_INVALID, "ActivitySid"},
        {"x", L, NULL, "WA0123456789abcdef0123456789abcdef",
         LW_ERR_INVALID, "not an activity"},
        /* Inputs answer before the duplicate name. */
        {"alice", L, "[]", NULL, LW_ERR_INVALID, NULL},
    };
    fixture f;
    char *before, *after;
    size_t i;

    (void)state;
    fixture_open(&f);
    lw_worker_release(add_worker(&f, "alice", NULL));
    before = export_text(&f);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const create_case *c = &cases[i];
        size_t nlen = c->name_len == L ? strlen(c->name) : c->name_len;
        lw_worker *w = NULL;
        lw_error e;

        memset(&e, 0, sizeof e);
        assert_int_equal(lw_worker_create(f.ws, c->name, nlen, c->attrs,
                                          c->attrs ? strlen(c->attrs) : 0,
                                          c->activity,
                                          c->activity ? strlen(c->activity)
                                                      : 0,
                                          &w, &e), c->code);
        assert_null(w);
        assert_int_equal(e.code, c->code);
        if (c->message != NULL && strstr(e.message, c->message) == NULL)
            fail_msg("case %zu: message \"%s\"", i, e.message);
        lw_workspace_last_error(f.ws, &f.err);
        assert_string_equal(f.err.message, e.message);
    }
    after = export_text(&f);
    assert_string_equal(before, after);
    free_text(&f, before);
    free_text(&f, after);
    fixture_close(&f);
}

static void test_worker_names(void **state)
{
    /* 64 code points of 2 bytes each: 128 bytes, allowed. */
    char name[200] = "";
    fixture f;
    int i;

    (void)state;
    fixture_open(&f);
    for (i = 0; i < 64; i++)
        strcat(name, "\xc3\xa9");
    lw_worker_release(add_worker(&f, name, NULL));
    strcat(name, "\xc3\xa9");
    assert_int_equal(lw_worker_create(f.ws, S(name), NULL, 0, NULL, 0, NULL,
                                      &f.err), LW_ERR_INVALID);

    /* Only ASCII letters fold: É and é are different names. */
    lw_worker_release(add_worker(&f, "\xc3\xa9t\xc3\xa9", NULL));
    lw_worker_release(add_worker(&f, "\xc3\x89T\xc3\x89", NULL));
    assert_int_equal(lw_worker_create(f.ws, S("\xc3\xa9T\xc3\xa9"), NULL, 0,
                                      NULL, 0, NULL, &f.err),
                     LW_ERR_DUPLICATE);
    fixture_close(&f);
}

static void test_worker_attrs_limit(void **state)
{
    char attrs[5000];
    fixture f;
    lw_worker *w;

    (void)state;
    fixture_open(&f);

    /* {"a":"xxx..."} of exactly 4096 bytes passes, 4097 does not. */
    memset(attrs, 'x', sizeof attrs);
    memcpy(attrs, "{\"a\":\"", 6);
    memcpy(attrs + 4094, "\"}", 2);
    assert_int_equal(lw_worker_create(f.ws, S("a"), attrs, 4096, NULL, 0,
                                      &w, NULL), LW_OK);
    assert_int_equal(strlen(lw_worker_attributes(w, NULL)), 4096);
    lw_worker_release(w);
    memset(attrs + 4094, 'x', 2);
    memcpy(attrs + 4095, "\"}", 2);
    assert_int_equal(lw_worker_create(f.ws, S("b"), attrs, 4097, NULL, 0,
                                      &w, &f.err), LW_ERR_TOO_LARGE);
    fixture_close(&f);
}

static void test_worker_cap(void **state)
{
    fixture f;
    char name[32], sid[40];
    lw_error e;
    int i;

    (void)state;
    fixture_open(&f);
    for (i = 1; i <= 1000; i++) {
        snprintf(name, sizeof name, "w%d", i);
        assert_int_equal(lw_worker_create(f.ws, S(name), NULL, 0, NULL, 0,
                                          NULL, NULL), LW_OK);
    }
    assert_int_equal(lw_workspace_worker_count(f.ws), 1000);
    assert_int_equal(lw_worker_create(f.ws, S("w1001"), NULL, 0, NULL, 0,
                                      NULL, &e), LW_ERR_LIMIT);
    assert_string_equal(e.message,
                        "Workspace has reached its limit of 1000 workers");

    /* A duplicate answers before the cap; invalid input before both. */
    assert_int_equal(lw_worker_create(f.ws, S("W7"), NULL, 0, NULL, 0, NULL,
                                      &e), LW_ERR_DUPLICATE);
    assert_int_equal(lw_worker_create(f.ws, S("W7"), S("[]"), NULL, 0, NULL,
                                      &e), LW_ERR_INVALID);

    /* Deleting one frees a place. */
    {
        lw_query *q;
        lw_page *p;

        assert_int_equal(lw_query_create(f.ws, &q), LW_OK);
        assert_int_equal(lw_query_set_friendly_name(q, S("w1")), LW_OK);
        assert_int_equal(lw_worker_list(f.ws, q, &p, NULL), LW_OK);
        strcpy(sid, lw_worker_sid(lw_page_worker(p, 0)));
        lw_page_free(p);
        lw_query_free(q);
    }
    assert_int_equal(lw_worker_delete(f.ws, S(sid), LW_VERSION_ANY, NULL),
                     LW_OK);
    assert_int_equal(lw_worker_create(f.ws, S("w1001"), NULL, 0, NULL, 0,
                                      NULL, NULL), LW_OK);
    assert_int_equal(lw_worker_create(f.ws, S("w1"), NULL, 0, NULL, 0,
                                      NULL, &e), LW_ERR_LIMIT);
    fixture_close(&f);
}

static void test_worker_cap_small(void **state)
{
    fixture f;
    char sid[40];
    lw_error e;

    (void)state;
    fixture_open_cap(&f, 2);
    add_worker_sid(&f, "a", NULL, sid);
    lw_worker_release(add_worker(&f, "b", NULL));
    assert_int_equal(lw_worker_create(f.ws, S("c"), NULL, 0, NULL, 0, NULL,
                                      &e), LW_ERR_LIMIT);
    assert_string_equal(e.message,
                        "Workspace has reached its limit of 2 workers");
    assert_int_equal(lw_worker_delete(f.ws, S(sid), LW_VERSION_ANY, NULL),
                     LW_OK);
    lw_worker_release(add_worker(&f, "a", NULL));
    assert_int_equal(lw_workspace_worker_count(f.ws), 2);
    fixture_close(&f);
}

/* ---- fetch and delete -------------------------------------------------- */

static void test_worker_fetch_not_found(void **state)
{
    static const char *bad[] = {
        "WK0123456789abcdef0123456789abcdef", "WK123", "",
        "WA0123456789abcdef0123456789abcdef",
    };
    fixture f;
    lw_worker *w = NULL;
    char expect[200];
    size_t i;

    (void)state;
    fixture_open(&f);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(lw_worker_fetch(f.ws, S(bad[i]), &w, &f.err),
                         LW_ERR_NOT_FOUND);
        assert_null(w);
        snprintf(expect, sizeof expect,
                 "The requested resource /Workspaces/%s/Workers/%s was not "
                 "found", lw_workspace_sid(f.ws), bad[i]);
        assert_string_equal(f.err.message, expect);
    }
    fixture_close(&f);
}

static void test_worker_delete(void **state)
{
    fixture f;
    recorder rec = {0};
    char sid[40];
    lw_worker *w = NULL;
    lw_page *p;

    (void)state;
    fixture_open(&f);
    add_worker_sid(&f, "alice", NULL, sid);
    lw_workspace_set_event_handler(f.ws, record_event, &rec);
    assert_int_equal(lw_worker_delete(f.ws, S(sid), 3, &f.err),
                     LW_ERR_PRECONDITION);
    assert_int_equal(lw_worker_delete(f.ws, S(sid), LW_VERSION_NONE,
                                      &f.err), LW_ERR_PRECONDITION);
    assert_int_equal(rec.n, 0);
    assert_int_equal(lw_worker_delete(f.ws, S(sid), 0, &f.err), LW_OK);
    assert_int_equal(rec.n, 1);
    assert_string_equal(rec.ev[0].type, "worker.deleted");
    assert_string_equal(rec.ev[0].sid, sid);
    assert_int_equal(lw_worker_fetch(f.ws, S(sid), &w, &f.err),
                     LW_ERR_NOT_FOUND);
    assert_int_equal(lw_worker_delete(f.ws, S(sid), LW_VERSION_ANY, &f.err),
                     LW_ERR_NOT_FOUND);
    assert_int_equal(lw_worker_list(f.ws, NULL, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 0);
    lw_page_free(p);

    /* The name is free again, in any case. */
    w = add_worker(&f, "ALICE", NULL);
    assert_string_not_equal(lw_worker_sid(w), sid);
    assert_int_equal(lw_worker_version(w), 0);
    lw_worker_release(w);
    fixture_close(&f);
}

/* ---- update ------------------------------------------------------------ */

static lw_result update(fixture *f, const char *sid, const char *name,
                        const char *attrs, const char *act, int reject,
                        int64_t expected, lw_worker **out)
{
    lw_worker_changes *c;
    lw_result rc;

    assert_int_equal(lw_worker_changes_create(f->ws, &c), LW_OK);
    if (name != NULL)
        assert_int_equal(lw_worker_changes_set_friendly_name(c, S(name)),
                         LW_OK);
    if (attrs != NULL)
        assert_int_equal(lw_worker_changes_set_attributes(c, S(attrs)),
                         LW_OK);
    if (act != NULL)
        assert_int_equal(lw_worker_changes_set_activity_sid(c, S(act)),
                         LW_OK);
    assert_int_equal(lw_worker_changes_set_reject_pending(c, reject != 0),
                     LW_OK);
    assert_int_equal(lw_worker_changes_set_expected_version(c, expected),
                     LW_OK);
    memset(&f->err, 0, sizeof f->err);
    rc = lw_worker_update(f->ws, S(sid), c, out, &f->err);
    lw_worker_changes_free(c);
    return rc;
}

static void test_worker_update_fields(void **state)
{
    fixture f;
    recorder rec = {0};
    char sid[40], avail[40], offline[40];
    lw_worker *w;
    int64_t t0;

    (void)state;
    fixture_open(&f);
    activity_sid(&f, "Available", avail);
    activity_sid(&f, "Offline", offline);
    add_worker_sid(&f, "alice", "{\"a\":1}", sid);
    t0 = f.clock.now;
    lw_workspace_set_event_handler(f.ws, record_event, &rec);

    /* Name only: worker.updated, status date unchanged. */
    f.clock.now += 1000;
    assert_int_equal(update(&f, sid, "Alice", NULL, NULL, 0, 0, &w), LW_OK);
    assert_string_equal(lw_worker_friendly_name(w), "Alice");
    assert_int_equal(lw_worker_version(w), 1);
    assert_int_equal(lw_worker_date_updated(w), f.clock.now);
    assert_int_equal(lw_worker_date_status_changed(w), t0);
    assert_int_equal(lw_worker_date_created(w), t0);
    lw_worker_release(w);
    assert_int_equal(rec.n, 1);
    assert_string_equal(rec.ev[0].type, "worker.updated");
    assert_int_equal(rec.ev[0].version, 1);

    /* Attributes only. */
    f.clock.now += 1000;
    assert_int_equal(update(&f, sid, NULL, "{ \"a\": 2 }", NULL, 0, 1, &w),
                     LW_OK);
    assert_string_equal(lw_worker_attributes(w, NULL), "{ \"a\": 2 }");
    assert_int_equal(lw_worker_version(w), 2);
    lw_worker_release(w);
    assert_string_equal(rec.ev[1].type, "worker.attributes.update");

    /* Activity and attributes at once: two events, activity first. */
    f.clock.now += 2500;
    assert_int_equal(update(&f, sid, NULL, "{\"a\":3}", avail, 0,
                            LW_VERSION_ANY, &w), LW_OK);
    assert_int_equal(lw_worker_version(w), 3);
    assert_true(lw_worker_available(w));
    assert_string_equal(lw_worker_activity_name(w), "Available");
    assert_int_equal(lw_worker_date_status_changed(w), f.clock.now);
    lw_worker_release(w);
    assert_int_equal(rec.n, 4);
    assert_string_equal(rec.ev[2].type, "worker.activity.update");
    assert_string_equal(rec.ev[2].prev_sid, offline);
    assert_string_equal(rec.ev[2].prev_name, "Offline");
    assert_int_equal(rec.ev[2].prev_ms, 4500);
    assert_int_equal(rec.ev[2].version, 3);
    assert_string_equal(rec.ev[3].type, "worker.attributes.update");
    assert_int_equal(rec.ev[3].version, 3);
    fixture_close(&f);
}

static void test_worker_update_noop(void **state)
{
    fixture f;
    recorder rec = {0};
    char sid[40], offline[40];
    lw_worker *w;
    int64_t t0;

    (void)state;
    fixture_open(&f);
    activity_sid(&f, "Offline", offline);
    add_worker_sid(&f, "Bob", "{\"a\": 1}", sid);
    t0 = f.clock.now;
    f.clock.now += 60000;
    lw_workspace_set_event_handler(f.ws, record_event, &rec);
    assert_int_equal(update(&f, sid, NULL, NULL, NULL, 0, LW_VERSION_ANY,
                            &w), LW_OK);
    lw_worker_release(w);
    assert_int_equal(update(&f, sid, "Bob", "{\"a\": 1}", offline, 0, 0,
                            &w), LW_OK);
    assert_int_equal(lw_worker_version(w), 0);
    assert_int_equal(lw_worker_date_updated(w), t0);
    lw_worker_release(w);
    assert_int_equal(lw_worker_update(f.ws, S(sid), NULL, NULL, NULL),
                     LW_OK);
    assert_int_equal(rec.n, 0);

    /* Byte-for-byte: the same document spelled differently is a change;
     * a case variant of the name is a change. */
    assert_int_equal(update(&f, sid, NULL, "{\"a\":1}", NULL, 0, 0, &w),
                     LW_OK);
    assert_int_equal(lw_worker_version(w), 1);
    lw_worker_release(w);
    assert_int_equal(update(&f, sid, "BOB", NULL, NULL, 0, 1, &w), LW_OK);
    assert_int_equal(lw_worker_version(w), 2);
    assert_string_equal(lw_worker_friendly_name(w), "BOB");
    lw_worker_release(w);
    assert_int_equal(rec.n, 2);
    fixture_close(&f);
}

typedef struct update_case {
    const char *name;
    const char *attrs;
    const char *act;  /* "avail", "unavail" or a literal SID */
    int reject;
    int64_t expected;
    lw_result code;
    const char *message;
} update_case;

static void test_worker_update_refusals(void **state)
{
    static const update_case cases[] = {
        {"", NULL, NULL, 0, LW_VERSION_ANY, LW_ERR_INVALID, "required"},
        {NAME65, NULL, NULL, 0, LW_VERSION_ANY, LW_ERR_INVALID, "64"},
        {NULL, "", NULL, 0, LW_VERSION_ANY, LW_ERR_INVALID, "Attributes"},
        {NULL, "[1]", NULL, 0, LW_VERSION_ANY, LW_ERR_INVALID, NULL},
        {NULL, NULL, "WAxyz", 0, LW_VERSION_ANY, LW_ERR_INVALID,
         "ActivitySid"},
        {NULL, NULL, "WA0123456789abcdef0123456789abcdef", 0,
         LW_VERSION_ANY, LW_ERR_INVALID, "not an activity"},
        {NULL, NULL, "avail", 1, LW_VERSION_ANY, LW_ERR_INVALID,
         "RejectPendingReservations"},
        {"x", NULL, NULL, 0, 7, LW_ERR_PRECONDITION, "If-Match"},
        {"x", NULL, NULL, 0, LW_VERSION_NONE, LW_ERR_PRECONDITION, NULL},
        {"BOB", NULL, NULL, 0, LW_VERSION_ANY, LW_ERR_DUPLICATE,
         "Worker with the same friendly name already exists"},
        {NULL, NULL, "avail", 0, LW_VERSION_ANY, LW_ERR_PENDING,
         "RejectPendingReservations"},
        /* Order: inputs, then If-Match, then the name, then pending. */
        {"", NULL, NULL, 0, 7, LW_ERR_INVALID, NULL},
        {"bob", NULL, NULL, 0, 7, LW_ERR_PRECONDITION, NULL},
        {"bob", NULL, "unavail", 0, 0, LW_ERR_DUPLICATE, NULL},
        /* A no-op still checks If-Match. */
        {NULL, NULL, NULL, 0, 1, LW_ERR_PRECONDITION, NULL},
    };
    fixture f;
    recorder rec = {0};
    char sid[40], avail[40], unavail[40], *before, *after;
    size_t i;

    (void)state;
    fixture_open(&f);
    activity_sid(&f, "Available", avail);
    activity_sid(&f, "Unavailable", unavail);
    add_worker_sid(&f, "alice", NULL, sid);
    lw_worker_release(add_worker(&f, "bob", NULL));
    assert_int_equal(lw_worker_set_pending_reservations(f.ws, S(sid), 2,
                                                        NULL), LW_OK);
    lw_workspace_set_event_handler(f.ws, record_event, &rec);
    before = export_text(&f);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const update_case *c = &cases[i];
        const char *act = c->act;
        lw_worker *w = NULL;

        if (act != NULL && strcmp(act, "avail") == 0)
            act = avail;
        else if (act != NULL && strcmp(act, "unavail") == 0)
            act = unavail;
        assert_int_equal(update(&f, sid, c->name, c->attrs, act, c->reject,
                                c->expected, &w), c->code);
        assert_null(w);
        assert_int_equal(f.err.code, c->code);
        if (c->message != NULL && strstr(f.err.message, c->message) == NULL)
            fail_msg("case %zu: message \"%s\"", i, f.err.message);
    }
    after = export_text(&f);
    assert_string_equal(before, after);
    assert_int_equal(rec.n, 0);
    free_text(&f, before);
    free_text(&f, after);

    /* Unknown worker: not found before anything else. */
    assert_int_equal(update(&f, "WK0123456789abcdef0123456789abcdef", "",
                            NULL, NULL, 0, 7, NULL), LW_ERR_NOT_FOUND);
    fixture_close(&f);
}

static void test_worker_pending_reservations(void **state)
{
    fixture f;
    recorder rec = {0};
    char sid[40], avail[40], unavail[40];
    lw_worker *w;

    (void)state;
    fixture_open(&f);
    activity_sid(&f, "Available", avail);
    activity_sid(&f, "Unavailable", unavail);
    add_worker_sid(&f, "alice", NULL, sid);
    assert_int_equal(lw_worker_add_pending_reservations(f.ws, S(sid), -1,
                                                        &f.err),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_add_pending_reservations(f.ws, S(sid), 3,
                                                        NULL), LW_OK);
    assert_int_equal(lw_worker_add_pending_reservations(f.ws, S(sid), -1,
                                                        NULL), LW_OK);
    assert_int_equal(lw_worker_set_pending_reservations(
                         f.ws, S("WK0123456789abcdef0123456789abcdef"), 1,
                         &f.err), LW_ERR_NOT_FOUND);
    w = fetch(&f, sid);
    assert_int_equal(lw_worker_pending_reservations(w), 2);
    assert_int_equal(lw_worker_version(w), 0);
    lw_worker_release(w);

    /* Blocked towards any activity, unless rejected towards an
     * unavailable one. */
    assert_int_equal(update(&f, sid, NULL, NULL, avail, 0, LW_VERSION_ANY,
                            NULL), LW_ERR_PENDING);
    assert_int_equal(update(&f, sid, NULL, NULL, unavail, 0, LW_VERSION_ANY,
                            NULL), LW_ERR_PENDING);
    assert_int_equal(update(&f, sid, NULL, NULL, avail, 1, LW_VERSION_ANY,
                            NULL), LW_ERR_INVALID);

    /* Attributes and name may change while reservations are pending. */
    assert_int_equal(update(&f, sid, "al", "{\"b\":1}", NULL, 0,
                            LW_VERSION_ANY, NULL), LW_OK);
    lw_workspace_set_event_handler(f.ws, record_event, &rec);
    assert_int_equal(update(&f, sid, NULL, NULL, unavail, 1, LW_VERSION_ANY,
                            &w), LW_OK);
    assert_int_equal(lw_worker_pending_reservations(w), 0);
    assert_string_equal(lw_worker_activity_name(w), "Unavailable");
    lw_worker_release(w);
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.ev[0].dropped, 2);

    /* Delete is allowed with pending ones and reports them dropped. */
    assert_int_equal(lw_worker_set_pending_reservations(f.ws, S(sid), 5,
                                                        NULL), LW_OK);
    assert_int_equal(update(&f, sid, NULL, NULL, avail, 0, LW_VERSION_ANY,
                            NULL), LW_ERR_PENDING);
    assert_int_equal(lw_worker_delete(f.ws, S(sid), LW_VERSION_ANY, NULL),
                     LW_OK);
    assert_string_equal(rec.ev[1].type, "worker.deleted");
    assert_int_equal(rec.ev[1].dropped, 5);
    fixture_close(&f);
}

static void test_worker_rename_into_duplicate(void **state)
{
    fixture f;
    char a[40], b[40];
    lw_worker *w;

    (void)state;
    fixture_open(&f);
    add_worker_sid(&f, "alice", NULL, a);
    add_worker_sid(&f, "bob", NULL, b);
    assert_int_equal(update(&f, b, "Alice", NULL, NULL, 0, LW_VERSION_ANY,
                            NULL), LW_ERR_DUPLICATE);
    w = fetch(&f, b);
    assert_string_equal(lw_worker_friendly_name(w), "bob");
    assert_int_equal(lw_worker_version(w), 0);
    lw_worker_release(w);

    /* Once alice is renamed away, bob may take the name. */
    assert_int_equal(update(&f, a, "carol", NULL, NULL, 0, LW_VERSION_ANY,
                            NULL), LW_OK);
    assert_int_equal(update(&f, b, "ALICE", NULL, NULL, 0, LW_VERSION_ANY,
                            NULL), LW_OK);
    assert_int_equal(lw_worker_create(f.ws, S("bob"), NULL, 0, NULL, 0,
                                      NULL, NULL), LW_OK);
    assert_int_equal(lw_worker_create(f.ws, S("Carol"), NULL, 0, NULL, 0,
                                      NULL, NULL), LW_ERR_DUPLICATE);
    fixture_close(&f);
}

static void test_worker_changes_setters(void **state)
{
    fixture f;
    lw_worker_changes *c;

    (void)state;
    fixture_open(&f);
    assert_int_equal(lw_worker_changes_create(f.ws, &c), LW_OK);
    assert_int_equal(lw_worker_changes_set_expected_version(c, -3),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_changes_set_friendly_name(c, S("x")), LW_OK);
    assert_int_equal(lw_worker_changes_set_friendly_name(c, NULL, 0), LW_OK);
    assert_int_equal(lw_worker_changes_set_friendly_name(NULL, S("x")),
                     LW_ERR_INVALID);
    lw_worker_changes_free(c);
    lw_worker_changes_free(NULL);
    assert_int_equal(lw_worker_changes_create(f.ws, NULL), LW_ERR_INVALID);
    fixture_close(&f);
}

/* ---- events and calls from inside them --------------------------------- */

typedef struct reentry {
    fixture *f;
    char other[40];
    int calls;
    lw_result self_update;
    lw_result self_delete;
    lw_result other_update;
    lw_result fetch;
    int64_t seen_version;
} reentry;

static void reenter(void *user, const lw_event *ev)
{
    reentry *r = user;
    const char *sid = lw_worker_sid(lw_event_worker(ev));
    lw_worker_changes *c;
    lw_worker *w = NULL;

    if (r->calls++ > 0)
        return;
    lw_worker_changes_create(r->f->ws, &c);
    lw_worker_changes_set_attributes(c, S("{\"from\":\"callback\"}"));
    r->self_update = lw_worker_update(r->f->ws, S(sid), c, NULL, NULL);
    r->self_delete = lw_worker_delete(r->f->ws, S(sid), LW_VERSION_ANY,
                                      NULL);
    r->other_update = lw_worker_update(r->f->ws, S(r->other), c, NULL, NULL);
    r->fetch = lw_worker_fetch(r->f->ws, S(sid), &w, NULL);
    r->seen_version = w ? lw_worker_version(w) : -1;
    lw_worker_release(w);
    lw_worker_changes_free(c);
}

static void test_event_reentry(void **state)
{
    fixture f;
    reentry r;
    char sid[40];
    lw_worker *w;

    (void)state;
    fixture_open(&f);
    memset(&r, 0, sizeof r);
    r.f = &f;
    add_worker_sid(&f, "other", NULL, r.other);
    add_worker_sid(&f, "alice", NULL, sid);
    lw_workspace_set_event_handler(f.ws, reenter, &r);
    assert_int_equal(update(&f, sid, "Alice", NULL, NULL, 0, LW_VERSION_ANY,
                            NULL), LW_OK);
    assert_int_equal(r.self_update, LW_ERR_IN_PROGRESS);
    assert_int_equal(r.self_delete, LW_ERR_IN_PROGRESS);
    assert_int_equal(r.other_update, LW_OK);
    assert_int_equal(r.fetch, LW_OK);
    assert_int_equal(r.seen_version, 1);
    assert_int_equal(r.calls, 2);  /* the nested event of "other" */

    /* After delivery the mark is gone. */
    w = NULL;
    assert_int_equal(update(&f, sid, "A", NULL, NULL, 0, 1, &w), LW_OK);
    assert_int_equal(lw_worker_version(w), 2);
    lw_worker_release(w);

    /* The created event holds the mark too. */
    r.calls = 0;
    lw_worker_release(add_worker(&f, "new", NULL));
    assert_int_equal(r.self_update, LW_ERR_IN_PROGRESS);
    assert_int_equal(r.other_update, LW_OK);
    lw_workspace_set_event_handler(f.ws, NULL, NULL);
    fixture_close(&f);
}

static void test_event_created(void **state)
{
    fixture f;
    recorder rec = {0};
    lw_worker *w;

    (void)state;
    fixture_open(&f);
    lw_workspace_set_event_handler(f.ws, record_event, &rec);
    w = add_worker(&f, "alice", NULL);
    assert_int_equal(rec.n, 1);
    assert_string_equal(rec.ev[0].type, "worker.created");
    assert_string_equal(rec.ev[0].sid, lw_worker_sid(w));
    assert_int_equal(rec.ev[0].version, 0);
    assert_string_equal(rec.ev[0].prev_sid, "");
    lw_worker_release(w);
    fixture_close(&f);
}

static void test_worker_matches_and_explain(void **state)
{
    fixture f;
    lw_worker *w;
    lw_expr *e, *foreign;
    lw_symtab *other;
    char *text = NULL;

    (void)state;
    fixture_open(&f);
    w = add_worker(&f, "alice", "{\"skills\":[\"x\"],\"friendly_name\":1}");
    assert_int_equal(lw_expr_compile(lw_workspace_symtab(f.ws),
                                     S("friendly_name == 'alice' AND "
                                       "skills HAS 'x' AND "
                                       "activity_name == 'Offline'"),
                                     &e, NULL), LW_OK);
    assert_true(lw_worker_matches(e, w));
    assert_int_equal(lw_worker_explain(e, w, LW_EXPLAIN_TEXT, &text, NULL,
                                       &f.err), LW_OK);
    assert_non_null(strstr(text, "result: true"));
    free_text(&f, text);

    /* A program of another table never matches. */
    assert_int_equal(lw_symtab_create(NULL, &other), LW_OK);
    assert_int_equal(lw_expr_compile(other, S("1 == 1"), &foreign, NULL),
                     LW_OK);
    assert_false(lw_worker_matches(foreign, w));
    assert_false(lw_worker_matches(NULL, w));
    assert_int_equal(lw_worker_explain(foreign, w, LW_EXPLAIN_JSON, &text,
                                       NULL, &f.err), LW_ERR_INVALID);
    lw_expr_free(foreign);
    lw_symtab_release(other);
    lw_expr_free(e);
    lw_worker_release(w);
    fixture_close(&f);
}

/* ---- snapshots --------------------------------------------------------- */

static void test_snapshot_outlives_workspace(void **state)
{
    fixture f;
    lw_worker *w;
    testalloc ta;

    (void)state;
    fixture_open(&f);
    w = add_worker(&f, "alice", "{\"k\":\"v\"}");
    ta = f.ta;
    lw_workspace_free(f.ws);
    assert_string_equal(lw_worker_friendly_name(w), "alice");
    assert_string_equal(lw_worker_attributes(w, NULL), "{\"k\":\"v\"}");
    lw_worker_release(w);
    assert_int_equal(f.ta.live, 0);
    (void)ta;
}

/* Snapshot and event getters given NULL answer NULL, false or 0. */
static void test_null_getters(void **state)
{
    size_t len = 7;

    (void)state;
    assert_null(lw_worker_sid(NULL));
    assert_null(lw_worker_friendly_name(NULL));
    assert_null(lw_worker_account_sid(NULL));
    assert_null(lw_worker_workspace_sid(NULL));
    assert_null(lw_worker_activity_sid(NULL));
    assert_null(lw_worker_activity_name(NULL));
    assert_false(lw_worker_available(NULL));
    assert_null(lw_worker_attributes(NULL, &len));
    assert_int_equal(len, 0);
    assert_null(lw_worker_attrs(NULL));
    assert_int_equal(lw_worker_date_created(NULL), 0);
    assert_int_equal(lw_worker_date_updated(NULL), 0);
    assert_int_equal(lw_worker_date_status_changed(NULL), 0);
    assert_int_equal(lw_worker_version(NULL), 0);
    assert_int_equal(lw_worker_pending_reservations(NULL), 0);
    assert_null(lw_activity_sid(NULL));
    assert_null(lw_activity_friendly_name(NULL));
    assert_false(lw_activity_available(NULL));
    assert_null(lw_activity_account_sid(NULL));
    assert_null(lw_activity_workspace_sid(NULL));
    assert_int_equal(lw_activity_date_created(NULL), 0);
    assert_int_equal(lw_activity_date_updated(NULL), 0);
    len = 7;
    assert_null(lw_task_queue_target_workers(NULL, &len));
    assert_int_equal(len, 0);
    assert_null(lw_task_queue_sid(NULL));
    assert_null(lw_task_queue_friendly_name(NULL));
    assert_null(lw_task_queue_account_sid(NULL));
    assert_null(lw_task_queue_workspace_sid(NULL));
    assert_int_equal(lw_task_queue_date_created(NULL), 0);
    assert_int_equal(lw_task_queue_date_updated(NULL), 0);
    assert_null(lw_workspace_info_sid(NULL));
    assert_null(lw_workspace_info_default_activity_sid(NULL));
    assert_null(lw_workspace_info_timeout_activity_name(NULL));
    assert_int_equal(lw_workspace_info_date_created(NULL), 0);
    assert_null(lw_event_type(NULL));
    assert_null(lw_event_worker(NULL));
    assert_int_equal(lw_event_version(NULL), 0);
    assert_null(lw_event_previous_activity_sid(NULL));
    assert_int_equal(lw_event_reservations_dropped(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_getters),
        cmocka_unit_test(test_workspace_defaults),
        cmocka_unit_test(test_workspace_options),
        cmocka_unit_test(test_workspace_default_activity),
        cmocka_unit_test(test_workspace_timeout_and_limits),
        cmocka_unit_test(test_worker_create),
        cmocka_unit_test(test_worker_create_with_activity),
        cmocka_unit_test(test_worker_create_refusals),
        cmocka_unit_test(test_worker_names),
        cmocka_unit_test(test_worker_attrs_limit),
        cmocka_unit_test(test_worker_cap),
        cmocka_unit_test(test_worker_cap_small),
        cmocka_unit_test(test_worker_fetch_not_found),
        cmocka_unit_test(test_worker_delete),
        cmocka_unit_test(test_worker_update_fields),
        cmocka_unit_test(test_worker_update_noop),
        cmocka_unit_test(test_worker_update_refusals),
        cmocka_unit_test(test_worker_pending_reservations),
        cmocka_unit_test(test_worker_rename_into_duplicate),
        cmocka_unit_test(test_worker_changes_setters),
        cmocka_unit_test(test_event_reentry),
        cmocka_unit_test(test_event_created),
        cmocka_unit_test(test_worker_matches_and_explain),
        cmocka_unit_test(test_snapshot_outlives_workspace),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
