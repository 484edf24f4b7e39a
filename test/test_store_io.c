/*
 * test_store_io.c - export and import (exact round trip, refusals), and
 * out-of-memory at every allocation of every store operation: each
 * failure answers LW_ERR_NOMEM, leaks nothing and changes nothing.
 */
#include "store_fixture.h"

/* A workspace with something of everything in it. */
static void populate(fixture *f)
{
    lw_worker_changes *c;
    lw_activity *a;
    char sid[40];

    assert_int_equal(lw_activity_create(f->ws, S("Break"), false, &a, NULL),
                     LW_OK);
    assert_int_equal(lw_task_queue_create(f->ws, S("Support"),
                                          S("skills HAS 'support'"), NULL,
                                          NULL), LW_OK);
    assert_int_equal(lw_task_queue_create(f->ws, S("Nobody"), "", 0, NULL,
                                          NULL), LW_OK);
    add_worker_sid(f, "alice", "{\"skills\":[\"support\"], \"n\": 1.50}",
                   sid);
    f->clock.now += 1234;
    lw_worker_changes_create(f->ws, &c);
    lw_worker_changes_set_activity_sid(c, S(lw_activity_sid(a)));
    lw_worker_changes_set_friendly_name(c, S("Alice \xc3\xa9\"q\""));
    assert_int_equal(lw_worker_update(f->ws, S(sid), c, NULL, NULL), LW_OK);
    lw_worker_changes_free(c);
    assert_int_equal(lw_worker_set_pending_reservations(f->ws, S(sid), 3,
                                                        NULL), LW_OK);
    lw_worker_release(add_worker(f, "bob", "{\"a\":\"\\u00e9\\n\"}"));
    lw_activity_release(a);
}

static lw_workspace_options *fixture_options(fixture *f)
{
    lw_workspace_options *o;

    assert_int_equal(lw_workspace_options_create(&f->ta.alloc, &o), LW_OK);
    lw_workspace_options_set_clock(o, fake_clock_read, &f->clock);
    lw_workspace_options_set_random(o, fake_random, &f->rng);
    return o;
}

static void test_export_import_round_trip(void **state)
{
    fixture f;
    lw_workspace_options *o;
    lw_workspace *copy;
    char *text, *again;
    size_t len;
    lw_worker *w;
    lw_page *p;

    (void)state;
    fixture_open(&f);
    populate(&f);
    text = export_text(&f);
    o = fixture_options(&f);
    assert_int_equal(lw_workspace_import(o, S(text), &copy, &f.err), LW_OK);
    lw_workspace_options_free(o);
    assert_int_equal(lw_workspace_export(copy, &again, &len, NULL), LW_OK);
    assert_string_equal(again, text);
    assert_string_equal(lw_workspace_sid(copy), lw_workspace_sid(f.ws));

    /* The copy works: versions, pending counts and queues came along. */
    assert_int_equal(lw_worker_list(copy, NULL, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 2);
    lw_page_free(p);
    {
        lw_query *q;

        assert_int_equal(lw_query_create(copy, &q), LW_OK);
        lw_query_set_task_queue_name(q, S("support"));
        assert_int_equal(lw_worker_list(copy, q, &p, NULL), LW_OK);
        assert_int_equal(lw_page_count(p), 1);
        w = lw_page_worker(p, 0);
        assert_int_equal(lw_worker_version(w), 1);
        assert_int_equal(lw_worker_pending_reservations(w), 3);
        assert_string_equal(lw_worker_activity_name(w), "Break");
        assert_int_equal(lw_worker_date_status_changed(w) -
                             lw_worker_date_created(w), 1234);
        lw_page_free(p);
        lw_query_free(q);
    }
    assert_int_equal(lw_worker_create(copy, S("ALICE \xc3\xa9\"q\""), NULL,
                                      0, NULL, 0, NULL, &f.err),
                     LW_ERR_DUPLICATE);
    lw_free(lw_workspace_allocator(copy), again);
    lw_workspace_free(copy);
    free_text(&f, text);
    fixture_close(&f);
}

/* A base URL or cap set on the options replaces the saved one. */
static void test_import_overrides(void **state)
{
    fixture f;
    lw_workspace_options *o;
    lw_workspace *copy;
    char *text;

    (void)state;
    fixture_open(&f);
    populate(&f);
    text = export_text(&f);

    o = fixture_options(&f);
    assert_int_equal(lw_workspace_options_set_base_url(
                         o, S("http://127.0.0.1:9999/")), LW_OK);
    assert_int_equal(lw_workspace_options_set_worker_cap(o, 5), LW_OK);
    assert_int_equal(lw_workspace_import(o, S(text), &copy, &f.err), LW_OK);
    assert_string_equal(lw_workspace_base_url(copy),
                        "http://127.0.0.1:9999");
    assert_int_equal(lw_workspace_worker_count(copy), 2);
    lw_workspace_free(copy);

    /* A cap below the saved workers refuses the import. */
    assert_int_equal(lw_workspace_options_set_worker_cap(o, 1), LW_OK);
    assert_int_not_equal(lw_workspace_import(o, S(text), &copy, &f.err),
                         LW_OK);
    lw_workspace_options_free(o);

    /* Without them the saved values stay. */
    o = fixture_options(&f);
    assert_int_equal(lw_workspace_import(o, S(text), &copy, &f.err), LW_OK);
    assert_string_equal(lw_workspace_base_url(copy),
                        lw_workspace_base_url(f.ws));
    lw_workspace_free(copy);
    lw_workspace_options_free(o);
    free_text(&f, text);
    fixture_close(&f);
}

typedef struct import_case {
    const char *from;  /* text to replace in a valid export */
    const char *to;
    lw_result code;
    const char *message;
} import_case;

/* text with the first occurrence of from replaced by to (malloc'd). */
static char *replace(const char *text, const char *from, const char *to)
{
    size_t tlen = strlen(text), flen = strlen(from), head = 0;
    char *out = malloc(tlen + strlen(to) + 1);

    while (head + flen <= tlen && memcmp(text + head, from, flen) != 0)
        head++;
    assert_true(head + flen <= tlen);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, text + head + flen);
    return out;
}

static void test_import_refusals(void **state)
{
    static const import_case cases[] = {
        {"{", "[", LW_ERR_SYNTAX, "not valid JSON"},
        {"\"format\":\"libworkers-workspace\"", "\"format\":\"x\"",
         LW_ERR_INVALID, "format"},
        {"\"format_version\":1", "\"format_version\":2", LW_ERR_INVALID,
         "format_version"},
        {"\"sid\":\"WS", "\"sid\":\"XX", LW_ERR_INVALID, "sid"},
        {"\"worker_cap\":1000", "\"worker_cap\":0", LW_ERR_INVALID,
         "worker_cap"},
        {"\"worker_cap\":1000", "\"worker_cap\":1", LW_ERR_INVALID,
         "workers"},
        {"\"base_url\":\"https://", "\"base_url\":\"", LW_ERR_INVALID,
         "base_url"},
        {"\"friendly_name\":\"Break\"", "\"friendly_name\":\"offline\"",
         LW_ERR_INVALID, "activities[3].friendly_name is used twice"},
        {"\"available\":false", "\"available\":0", LW_ERR_INVALID,
         "available"},
        {"skills HAS 'support'", "skills HAS", LW_ERR_SYNTAX, NULL},
        {"\"version\":1", "\"version\":-1", LW_ERR_INVALID, "version"},
        {"\"version\":1", "\"version\":1.5", LW_ERR_INVALID, "version"},
        {"\"pending_reservations\":3", "\"pending_reservations\":\"3\"",
         LW_ERR_INVALID, "pending_reservations"},
        {"{\\\"a\\\"", "[\\\"a\\\"", LW_ERR_INVALID, NULL},
        {"\"friendly_name\":\"bob\"", "\"friendly_name\":\"\"",
         LW_ERR_INVALID, "friendly_name"},
        {"\"workers\":[", "\"workers\":{", LW_ERR_SYNTAX, NULL},
        {"\"task_queues\":[", "\"task_queues\":7,\"x\":[", LW_ERR_INVALID,
         "task_queues must be an array"},
        {"\"default_activity_sid\":\"WA", "\"default_activity_sid\":\"WA0",
         LW_ERR_INVALID, "default_activity_sid"},
        {"\"activity_sid\":\"WA", "\"activity_sid\":\"WA0", LW_ERR_INVALID,
         "activity_sid"},
        {"\"format\":", "\"x\":", LW_ERR_INVALID, "format must be"},
    };
    fixture f;
    char *text;
    size_t i;

    (void)state;
    fixture_open(&f);
    populate(&f);
    text = export_text(&f);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *bad = replace(text, cases[i].from, cases[i].to);
        lw_workspace *ws = NULL;
        lw_workspace_options *o = fixture_options(&f);
        lw_error e;
        lw_result rc;

        memset(&e, 0, sizeof e);
        rc = lw_workspace_import(o, S(bad), &ws, &e);
        lw_workspace_options_free(o);
        if (rc != cases[i].code)
            fail_msg("case %zu: %s (%s)", i, lw_result_name(rc), e.message);
        assert_null(ws);
        if (cases[i].message && strstr(e.message, cases[i].message) == NULL)
            fail_msg("case %zu: message \"%s\"", i, e.message);
        free(bad);
    }
    free_text(&f, text);
    fixture_close(&f);
}

/* ---- out of memory ------------------------------------------------------ */

typedef lw_result (*op_fn)(fixture *f, const void *arg);

/*
 * Run op with the 1st, 2nd, ... allocation failing until it succeeds.
 * Each failure must be LW_ERR_NOMEM and leave the export unchanged.
 * Returns how many failures were injected.
 */
static size_t each_allocation(fixture *f, op_fn op, const void *arg)
{
    size_t n;

    for (n = 1;; n++) {
        char *before = export_text(f), *after;
        size_t live = f->ta.live;
        lw_result rc;

        testalloc_fail_at(&f->ta, n, false);
        rc = op(f, arg);
        testalloc_fail_at(&f->ta, 0, false);
        if (rc == LW_OK) {
            /* Done; or the failure hit a growth that is optional (the
             * symbol table's buckets), which the call survives. */
            free_text(f, before);
            return n - 1;
        }
        assert_int_equal(rc, LW_ERR_NOMEM);
        if (f->ta.live != live)
            fail_msg("allocation %zu: %zu blocks live, was %zu", n,
                     f->ta.live, live);
        after = export_text(f);
        assert_string_equal(before, after);
        free_text(f, before);
        free_text(f, after);
        f->ta.failures = 0;
    }
}

static lw_result op_create(fixture *f, const void *arg)
{
    lw_worker *w = NULL;
    lw_result rc = lw_worker_create(f->ws, S((const char *)arg),
                                    S("{\"skills\":[\"support\",\"x\"]}"),
                                    NULL, 0, &w, NULL);

    lw_worker_release(w);
    return rc;
}

static lw_result op_update(fixture *f, const void *arg)
{
    const char *const *a = arg;  /* sid, name, attrs, activity */
    lw_worker_changes *c = NULL;
    lw_worker *w = NULL;
    lw_result rc = lw_worker_changes_create(f->ws, &c);

    if (rc == LW_OK && a[1] != NULL)
        rc = lw_worker_changes_set_friendly_name(c, S(a[1]));
    if (rc == LW_OK && a[2] != NULL)
        rc = lw_worker_changes_set_attributes(c, S(a[2]));
    if (rc == LW_OK && a[3] != NULL)
        rc = lw_worker_changes_set_activity_sid(c, S(a[3]));
    if (rc == LW_OK)
        rc = lw_worker_update(f->ws, S(a[0]), c, &w, NULL);
    lw_worker_release(w);
    lw_worker_changes_free(c);
    return rc;
}

static lw_result op_list(fixture *f, const void *arg)
{
    lw_query *q = NULL;
    lw_page *p = NULL;
    lw_result rc = lw_query_create(f->ws, &q);

    if (rc == LW_OK)
        rc = lw_query_set_target_workers(q, S((const char *)arg));
    if (rc == LW_OK)
        rc = lw_query_set_ordering(q, LW_ORDER_STATUS_DESC);
    if (rc == LW_OK)
        rc = lw_query_set_page_size(q, 1);
    if (rc == LW_OK)
        rc = lw_worker_list(f->ws, q, &p, NULL);
    lw_page_free(p);
    lw_query_free(q);
    return rc;
}

static lw_result op_list_activities(fixture *f, const void *arg)
{
    lw_page *p = NULL;
    lw_result rc = lw_activity_list(f->ws, NULL, &p, NULL);

    (void)arg;
    lw_page_free(p);
    return rc;
}

static lw_result op_activity_create(fixture *f, const void *arg)
{
    lw_activity *a = NULL;
    lw_result rc = lw_activity_create(f->ws, S((const char *)arg), true, &a,
                                      NULL);

    lw_activity_release(a);
    return rc;
}

static lw_result op_activity_rename(fixture *f, const void *arg)
{
    const char *const *a = arg;  /* sid, name */

    return lw_activity_update(f->ws, S(a[0]), S(a[1]), NULL, NULL);
}

static lw_result op_queue_create(fixture *f, const void *arg)
{
    return lw_task_queue_create(f->ws, S((const char *)arg),
                                S("n > 0 AND skills HAS 'x'"), NULL, NULL);
}

static lw_result op_queue_update(fixture *f, const void *arg)
{
    const char *const *a = arg;  /* sid, name, expression */

    return lw_task_queue_update(f->ws, S(a[0]), S(a[1]), S(a[2]), NULL,
                                NULL);
}

static lw_result op_pending(fixture *f, const void *arg)
{
    return lw_worker_set_pending_reservations(f->ws, S((const char *)arg),
                                              7, NULL);
}

static lw_result op_fetch_workspace(fixture *f, const void *arg)
{
    lw_workspace_info *info = NULL;
    lw_result rc = lw_workspace_fetch(f->ws, &info, NULL);

    (void)arg;
    lw_workspace_info_release(info);
    return rc;
}

static lw_result op_export(fixture *f, const void *arg)
{
    char *text = NULL;
    lw_result rc = lw_workspace_export(f->ws, &text, NULL, NULL);

    (void)arg;
    free_text(f, text);
    return rc;
}

static lw_result op_import(fixture *f, const void *arg)
{
    lw_workspace *ws = NULL;
    char *again = NULL;
    lw_result rc = lw_workspace_import(NULL, S((const char *)arg), &ws,
                                       NULL);

    (void)f;
    if (rc == LW_OK) {
        /* Options NULL: the default allocator; only check the result. */
        assert_int_equal(lw_workspace_export(ws, &again, NULL, NULL), LW_OK);
        assert_string_equal(again, (const char *)arg);
        lw_free(NULL, again);
        lw_workspace_free(ws);
    }
    return rc;
}

/* Import with the fixture's allocator failing at allocation n. */
static lw_result import_failing(fixture *f, const char *text, size_t n)
{
    lw_workspace_options *o = fixture_options(f);
    lw_workspace *ws = NULL;
    lw_result rc;

    testalloc_fail_at(&f->ta, n, false);
    rc = lw_workspace_import(o, S(text), &ws, NULL);
    testalloc_fail_at(&f->ta, 0, false);
    if (rc != LW_OK)
        assert_null(ws);
    lw_workspace_free(ws);
    lw_workspace_options_free(o);
    return rc;
}

static void test_oom_operations(void **state)
{
    fixture f;
    char alice[40], bob[40], brk[40], qsid[40];
    const char *upd_name[] = {alice, "Alicia", NULL, NULL};
    const char *upd_attrs[] = {alice, NULL, "{\"skills\":[\"x\"],\"n\":2}",
                               NULL};
    const char *upd_act[] = {bob, "Robert", NULL, brk};
    const char *rename[] = {brk, "Pause"};
    const char *qupd[] = {qsid, "Q2", "n == 2"};
    lw_task_queue *q;
    size_t n;

    (void)state;
    fixture_open(&f);
    populate(&f);
    activity_sid(&f, "Break", brk);
    add_worker_sid(&f, "al", "{\"n\":1}", alice);
    add_worker_sid(&f, "bo", "{\"n\":2}", bob);
    assert_int_equal(lw_task_queue_create(f.ws, S("Q"), S("n == 1"), &q,
                                          NULL), LW_OK);
    strcpy(qsid, lw_task_queue_sid(q));
    lw_task_queue_release(q);

    assert_true(each_allocation(&f, op_create, "carol") > 0);
    assert_true(each_allocation(&f, op_update, upd_name) > 0);
    assert_true(each_allocation(&f, op_update, upd_attrs) > 0);
    assert_true(each_allocation(&f, op_update, upd_act) > 0);
    assert_true(each_allocation(&f, op_list, "n > 0") > 0);
    assert_true(each_allocation(&f, op_list_activities, NULL) > 0);
    assert_true(each_allocation(&f, op_activity_create, "Lunch") > 0);
    assert_true(each_allocation(&f, op_activity_rename, rename) > 0);
    assert_true(each_allocation(&f, op_queue_create, "Q3") > 0);
    assert_true(each_allocation(&f, op_queue_update, qupd) > 0);
    assert_true(each_allocation(&f, op_pending, alice) > 0);
    assert_true(each_allocation(&f, op_fetch_workspace, NULL) > 0);
    assert_true(each_allocation(&f, op_export, NULL) > 0);

    /* Many creations: the arrays and slot space grow on the way. */
    for (n = 0; n < 70; n++) {
        char name[16];

        snprintf(name, sizeof name, "x%zu", n);
        each_allocation(&f, op_create, name);
    }
    fixture_close(&f);
}

static void test_oom_create_workspace(void **state)
{
    testalloc ta;
    size_t n;

    (void)state;
    testalloc_init(&ta);
    for (n = 1;; n++) {
        lw_workspace_options *o;
        lw_workspace *ws = NULL;
        lw_result rc;

        assert_int_equal(lw_workspace_options_create(&ta.alloc, &o), LW_OK);
        testalloc_fail_at(&ta, n, false);
        rc = lw_workspace_create(o, &ws, NULL);
        testalloc_fail_at(&ta, 0, false);
        lw_workspace_options_free(o);
        if (rc == LW_OK && ta.failures == 0) {
            lw_workspace_free(ws);
            break;
        }
        assert_int_equal(rc, LW_ERR_NOMEM);
        assert_null(ws);
        assert_int_equal(ta.live, 0);
        ta.failures = 0;
    }
    assert_true(n > 5);
    assert_int_equal(ta.live, 0);
}

static void test_oom_import(void **state)
{
    fixture f;
    char *text;
    size_t n;

    (void)state;
    fixture_open(&f);
    populate(&f);
    text = export_text(&f);
    for (n = 1;; n++) {
        size_t live = f.ta.live;
        lw_result rc = import_failing(&f, text, n);

        assert_int_equal(f.ta.live, live);
        if (rc == LW_OK && f.ta.failures == 0)
            break;
        assert_int_equal(rc, LW_ERR_NOMEM);
        f.ta.failures = 0;
    }
    assert_true(n > 10);
    free_text(&f, text);

    /* Without options the default allocator serves. */
    text = export_text(&f);
    assert_int_equal(op_import(&f, text), LW_OK);
    free_text(&f, text);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_import_round_trip),
        cmocka_unit_test(test_import_refusals),
        cmocka_unit_test(test_import_overrides),
        cmocka_unit_test(test_oom_operations),
        cmocka_unit_test(test_oom_create_workspace),
        cmocka_unit_test(test_oom_import),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
