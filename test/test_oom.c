/*
 * test_oom.c - out of memory at every allocation of every public
 * operation: each one runs with the 1st, 2nd, 3rd ... allocation failing
 * (once, then from that point on) until it completes without a failure.
 * Every failed run must answer the documented out-of-memory code, leak
 * nothing and leave the workspace's export unchanged.  The number of
 * allocation points exercised is printed at the end.
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
#include "resttest.h"
#include "testalloc.h"

#define S(x) (x), strlen(x)
#define MAX_RUNS 100000

/* A populated workspace behind an adapter, set up afresh for each run. */
typedef struct env {
    resttest t;
    lw_symtab *syms;
    lw_attrs *doc;
    lw_expr *expr;
    char *exported;
    char alice[35], bob[35], busy[35], available[35], queue[35];
    int events;
} env;

typedef lw_result (*op_fn)(env *e, const void *arg);

typedef struct op {
    const char *name;
    op_fn fn;
    const void *arg;
    bool none;    /* allocates nothing: checked to succeed while armed */
} op;

static size_t total_points;
static size_t total_runs;

/* ---- environment ---------------------------------------------------- */

static void count_event(void *user, const lw_event *ev)
{
    env *e = user;

    (void)ev;
    e->events++;
}

static void new_worker(env *e, const char *name, const char *attrs,
                       char *sid)
{
    lw_worker *w = NULL;

    assert_int_equal(lw_worker_create(e->t.ws, S(name), S(attrs), NULL, 0,
                                      &w, NULL), LW_OK);
    strcpy(sid, lw_worker_sid(w));
    lw_worker_release(w);
}

static void find_activity(env *e, const char *name, char *sid)
{
    lw_query *q;
    lw_page *p;

    assert_int_equal(lw_query_create(e->t.ws, &q), LW_OK);
    assert_int_equal(lw_query_set_friendly_name(q, S(name)), LW_OK);
    assert_int_equal(lw_activity_list(e->t.ws, q, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 1);
    strcpy(sid, lw_activity_sid(lw_page_activity(p, 0)));
    lw_page_free(p);
    lw_query_free(q);
}

static void populate(env *e)
{
    lw_activity *a = NULL;
    lw_task_queue *q = NULL;

    assert_int_equal(lw_activity_create(e->t.ws, S("Busy"), false, &a,
                                        NULL), LW_OK);
    strcpy(e->busy, lw_activity_sid(a));
    lw_activity_release(a);
    find_activity(e, "Available", e->available);
    assert_int_equal(lw_task_queue_create(e->t.ws, S("Support"),
                                          S("skills HAS 'support'"), &q,
                                          NULL), LW_OK);
    strcpy(e->queue, lw_task_queue_sid(q));
    lw_task_queue_release(q);
    assert_int_equal(lw_task_queue_create(e->t.ws, S("Everyone"), NULL, 0,
                                          NULL, NULL), LW_OK);
    new_worker(e, "alice", "{\"skills\":[\"support\",\"sales\"],"
               "\"level\":5,\"contact\":{\"email\":\"a@x.io\"}}", e->alice);
    new_worker(e, "bob", "{\"skills\":[\"chat\"],\"level\":2}", e->bob);
    assert_int_equal(lw_worker_set_pending_reservations(
                         e->t.ws, S(e->bob), 2, NULL), LW_OK);
}

static void env_open(env *e)
{
    static const char doc[] = "{\"skills\":[\"support\"],\"level\":5}";
    static const char ex[] = "skills HAS 'support' AND level > 3";

    memset(e, 0, sizeof *e);
    rt_setup(&e->t, true);
    populate(e);
    assert_int_equal(lw_symtab_create(&e->t.ta.alloc, &e->syms), LW_OK);
    assert_int_equal(lw_attrs_parse(e->syms, S(doc), 0, &e->doc, NULL),
                     LW_OK);
    assert_int_equal(lw_expr_compile(e->syms, S(ex), &e->expr, NULL),
                     LW_OK);
    e->exported = rt_state(&e->t);
    lw_workspace_set_event_handler(e->t.ws, count_event, e);
}

static void env_close(env *e)
{
    free(e->exported);
    lw_expr_free(e->expr);
    lw_attrs_release(e->doc);
    lw_symtab_release(e->syms);
    rt_teardown(&e->t);
}

/* ---- the runner -------------------------------------------------------- */

/* One run with the n-th allocation failing; true when nothing failed. */
static bool run_once(const op *o, size_t n, bool sticky)
{
    env e;
    char *before;
    size_t live, failures, syms;
    int events;
    lw_result rc;

    env_open(&e);
    before = rt_state(&e.t);
    live = e.t.ta.live;
    failures = e.t.ta.failures;
    syms = lw_symtab_count(e.syms);
    events = e.events;

    testalloc_fail_at(&e.t.ta, n, sticky);
    rc = o->fn(&e, o->arg);
    testalloc_fail_at(&e.t.ta, 0, false);
    total_runs++;

    if (e.t.ta.failures == failures) {
        if (rc != LW_OK)
            fail_msg("%s: %s without a failure", o->name,
                     lw_result_name(rc));
        free(before);
        env_close(&e);
        return true;
    }
    if (rc != LW_OK) {
        char *after = rt_state(&e.t);

        if (rc != LW_ERR_NOMEM)
            fail_msg("%s, allocation %zu%s: %s", o->name, n,
                     sticky ? "+" : "", lw_result_name(rc));
        if (strcmp(before, after) != 0)
            fail_msg("%s, allocation %zu: the workspace changed", o->name,
                     n);
        if (e.events != events)
            fail_msg("%s, allocation %zu: an event for a failed call",
                     o->name, n);
        if (lw_symtab_count(e.syms) != syms)
            fail_msg("%s, allocation %zu: symbols kept", o->name, n);
        free(after);
    }
    /* Value columns a scan made are kept on purpose; trim frees them. */
    lw_workspace_trim(e.t.ws);
    if (e.t.ta.live != live)
        fail_msg("%s, allocation %zu%s: %zu blocks live, was %zu", o->name,
                 n, sticky ? "+" : "", e.t.ta.live, live);
    free(before);
    env_close(&e);
    return false;
}

static void run_op(void **state)
{
    const op *o = *state;
    size_t n;

    for (n = 1; n < MAX_RUNS; n++)
        if (run_once(o, n, false))
            break;
    assert_true(n < MAX_RUNS);
    /* Every operation listed allocates: a run that never failed would
     * test nothing. */
    if (n == 1 && !o->none)
        fail_msg("%s: no allocation to fail", o->name);
    total_points += n - 1;
    for (n = 1; n < MAX_RUNS; n++)
        if (run_once(o, n, true))
            break;
}

/* Release what a call handed out; on failure it must hand out nothing. */
#define HANDED(rc, p, release)                                              \
    do {                                                                    \
        if ((rc) == LW_OK)                                                  \
            release(p);                                                     \
        else                                                                \
            assert_null(p);                                                 \
    } while (0)

/* ---- attributes and expressions --------------------------------------- */

static lw_result op_symtab_create(env *e, const void *arg)
{
    lw_symtab *t = NULL;
    lw_result rc = lw_symtab_create(&e->t.ta.alloc, &t);

    (void)arg;
    HANDED(rc, t, lw_symtab_release);
    return rc;
}

static lw_result op_attrs_parse(env *e, const void *arg)
{
    lw_attrs *doc = NULL;
    lw_error err;
    lw_result rc = lw_attrs_parse(e->syms, S((const char *)arg), 1 << 20,
                                  &doc, &err);

    if (rc != LW_OK)
        assert_int_equal(err.code, rc);
    HANDED(rc, doc, lw_attrs_release);
    return rc;
}

/* Many distinct keys: the symbol table has to grow. */
static const char *many_keys(void)
{
    static char text[8192];
    size_t at = 0;
    int i;

    text[at++] = '{';
    for (i = 0; i < 300; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "%s\"k%d\":%d",
                               i ? "," : "", i, i);
    text[at++] = '}';
    text[at] = '\0';
    return text;
}

static lw_result op_expr_compile(env *e, const void *arg)
{
    lw_expr *x = NULL;
    lw_error err;
    lw_result rc = lw_expr_compile(e->syms, S((const char *)arg), &x, &err);

    if (rc != LW_OK)
        assert_int_equal(err.code, rc);
    HANDED(rc, x, lw_expr_free);
    return rc;
}

static lw_result op_expr_explain(env *e, const void *arg)
{
    char *out = NULL;
    size_t len = 0;
    lw_result rc = lw_expr_explain(e->expr, e->doc, *(const int *)arg,
                                   &out, &len, NULL);

    if (rc == LW_OK)
        assert_int_equal(strlen(out), len);
    if (rc == LW_OK)
        lw_free(&e->t.ta.alloc, out);
    else
        assert_null(out);
    return rc;
}

/* Explain a worker against an expression of its workspace's table. */
static lw_result op_worker_explain(env *e, const void *arg)
{
    static const char text[] = "friendly_name == 'alice' AND level > 3";
    lw_expr *x = NULL;
    lw_worker *w = NULL;
    char *out = NULL;
    size_t len = 0, calls = e->t.ta.calls, fail_at = e->t.ta.fail_at;
    lw_result rc;

    /* The expression and the snapshot are set-up, outside the window. */
    e->t.ta.fail_at = 0;
    assert_int_equal(lw_expr_compile(lw_workspace_symtab(e->t.ws), S(text),
                                     &x, NULL), LW_OK);
    assert_int_equal(lw_worker_fetch(e->t.ws, S(e->alice), &w, NULL),
                     LW_OK);
    e->t.ta.calls = calls;
    e->t.ta.fail_at = fail_at;
    assert_true(lw_worker_matches(x, w));
    rc = lw_worker_explain(x, w, *(const int *)arg, &out, &len, NULL);
    if (rc == LW_OK) {
        assert_int_equal(strlen(out), len);
        lw_free(lw_workspace_allocator(e->t.ws), out);
    } else {
        assert_null(out);
    }
    lw_worker_release(w);
    lw_expr_free(x);
    return rc;
}

/* ---- workspace ------------------------------------------------------- */

static lw_result op_options(env *e, const void *arg)
{
    lw_workspace_options *o = NULL;
    lw_result rc = lw_workspace_options_create(&e->t.ta.alloc, &o);

    (void)arg;
    if (rc != LW_OK)
        return rc;
    rc = lw_workspace_options_set_friendly_name(o, S("Support center"));
    if (rc == LW_OK)
        rc = lw_workspace_options_set_base_url(o, S("http://h:8080/"));
    if (rc == LW_OK)
        rc = lw_workspace_options_set_account_sid(o, S(RT_ACCOUNT));
    if (rc == LW_OK)
        rc = lw_workspace_options_set_worker_cap(o, 5);
    lw_workspace_options_free(o);
    return rc;
}

static lw_result op_workspace_create(env *e, const void *arg)
{
    lw_workspace_options *o = NULL;
    lw_workspace *ws = NULL;
    lw_result rc = lw_workspace_options_create(&e->t.ta.alloc, &o);

    (void)arg;
    if (rc != LW_OK)
        return rc;
    rc = lw_workspace_create(o, &ws, NULL);
    lw_workspace_options_free(o);
    HANDED(rc, ws, lw_workspace_free);
    return rc;
}

static lw_result op_workspace_fetch(env *e, const void *arg)
{
    lw_workspace_info *i = NULL;
    lw_result rc = lw_workspace_fetch(e->t.ws, &i, NULL);

    (void)arg;
    HANDED(rc, i, lw_workspace_info_release);
    return rc;
}

static lw_result op_set_default(env *e, const void *arg)
{
    (void)arg;
    return lw_workspace_set_default_activity(e->t.ws, S(e->available),
                                             NULL);
}

static lw_result op_set_timeout(env *e, const void *arg)
{
    (void)arg;
    return lw_workspace_set_timeout_activity(e->t.ws, S(e->busy), NULL);
}

static lw_result op_export(env *e, const void *arg)
{
    char *text = NULL;
    size_t len = 0;
    lw_result rc = lw_workspace_export(e->t.ws, &text, &len, NULL);

    (void)arg;
    if (rc == LW_OK) {
        assert_string_equal(text, e->exported);
        lw_free(lw_workspace_allocator(e->t.ws), text);
    }
    return rc;
}

static lw_result op_import(env *e, const void *arg)
{
    lw_workspace_options *o = NULL;
    lw_workspace *ws = NULL;
    lw_result rc = lw_workspace_options_create(&e->t.ta.alloc, &o);
    char *text = NULL;

    (void)arg;
    if (rc != LW_OK)
        return rc;
    rc = lw_workspace_import(o, S(e->exported), &ws, NULL);
    lw_workspace_options_free(o);
    if (rc != LW_OK) {
        assert_null(ws);
        return rc;
    }
    rc = lw_workspace_export(ws, &text, NULL, NULL);
    if (rc == LW_OK)
        assert_string_equal(text, e->exported);
    lw_free(lw_workspace_allocator(ws), text);
    lw_workspace_free(ws);
    return rc;
}

/* ---- activities and task queues ----------------------------------------- */

static lw_result op_activity_create(env *e, const void *arg)
{
    lw_activity *a = NULL;
    lw_result rc = lw_activity_create(e->t.ws, S("On break"), false, &a,
                                      NULL);

    (void)arg;
    HANDED(rc, a, lw_activity_release);
    return rc;
}

static lw_result op_activity_fetch(env *e, const void *arg)
{
    lw_activity *a = NULL;
    lw_result rc = lw_activity_fetch(e->t.ws, S(e->busy), &a, NULL);

    (void)arg;
    HANDED(rc, a, lw_activity_release);
    return rc;
}

static lw_result op_activity_update(env *e, const void *arg)
{
    lw_activity *a = NULL;
    lw_result rc = lw_activity_update(e->t.ws, S(e->busy), S("Occupied"),
                                      &a, NULL);

    (void)arg;
    HANDED(rc, a, lw_activity_release);
    return rc;
}

static lw_result op_activity_delete(env *e, const void *arg)
{
    (void)arg;
    return lw_activity_delete(e->t.ws, S(e->busy), NULL);
}

static lw_result op_queue_create(env *e, const void *arg)
{
    lw_task_queue *q = NULL;
    lw_result rc = lw_task_queue_create(e->t.ws, S("Sales"),
                                        S("skills HAS 'sales' OR level>4"),
                                        &q, NULL);

    (void)arg;
    HANDED(rc, q, lw_task_queue_release);
    return rc;
}

static lw_result op_queue_fetch(env *e, const void *arg)
{
    lw_task_queue *q = NULL;
    lw_result rc = lw_task_queue_fetch(e->t.ws, S(e->queue), &q, NULL);

    (void)arg;
    HANDED(rc, q, lw_task_queue_release);
    return rc;
}

static lw_result op_queue_update(env *e, const void *arg)
{
    lw_task_queue *q = NULL;
    lw_result rc = lw_task_queue_update(e->t.ws, S(e->queue), S("Help"),
                                        S("level IN [2, 5]"), &q, NULL);

    (void)arg;
    HANDED(rc, q, lw_task_queue_release);
    return rc;
}

static lw_result op_queue_delete(env *e, const void *arg)
{
    (void)arg;
    return lw_task_queue_delete(e->t.ws, S(e->queue), NULL);
}

/* ---- workers ------------------------------------------------------------ */

static lw_result op_worker_create(env *e, const void *arg)
{
    lw_worker *w = NULL;
    lw_result rc = lw_worker_create(e->t.ws, S("carol"),
                                    S("{\"skills\":[\"support\"],"
                                      "\"level\":7,\"x\":{\"y\":[1,2]}}"),
                                    S(e->available), &w, NULL);

    (void)arg;
    HANDED(rc, w, lw_worker_release);
    return rc;
}

static lw_result op_worker_fetch(env *e, const void *arg)
{
    lw_worker *w = NULL;
    lw_result rc = lw_worker_fetch(e->t.ws, S(e->alice), &w, NULL);

    (void)arg;
    HANDED(rc, w, lw_worker_release);
    return rc;
}

/* Which fields an update sets. */
enum { U_NAME = 1, U_ATTRS = 2, U_ACTIVITY = 4, U_VERSION = 8, U_REJECT = 16 };

static lw_result fill_changes(env *e, lw_worker_changes *c, int what)
{
    lw_result rc = LW_OK;

    if (what & U_NAME)
        rc = lw_worker_changes_set_friendly_name(c, S("alicia"));
    if (rc == LW_OK && (what & U_ATTRS))
        rc = lw_worker_changes_set_attributes(
            c, S("{\"skills\":[\"chat\",\"support\"],\"level\":9}"));
    if (rc == LW_OK && (what & U_ACTIVITY))
        rc = lw_worker_changes_set_activity_sid(
            c, S((what & U_REJECT) ? e->busy : e->available));
    if (rc == LW_OK && (what & U_VERSION))
        rc = lw_worker_changes_set_expected_version(c, 0);
    if (rc == LW_OK && (what & U_REJECT))
        rc = lw_worker_changes_set_reject_pending(c, true);
    return rc;
}

static lw_result op_worker_update(env *e, const void *arg)
{
    int what = *(const int *)arg;
    const char *sid = (what & U_REJECT) ? e->bob : e->alice;
    lw_worker_changes *c = NULL;
    lw_worker *w = NULL;
    lw_result rc = lw_worker_changes_create(e->t.ws, &c);

    if (rc != LW_OK) {
        assert_null(c);
        return rc;
    }
    rc = fill_changes(e, c, what);
    if (rc == LW_OK) {
        rc = lw_worker_update(e->t.ws, S(sid), c, &w, NULL);
        HANDED(rc, w, lw_worker_release);
    }
    lw_worker_changes_free(c);
    return rc;
}

static lw_result op_worker_delete(env *e, const void *arg)
{
    (void)arg;
    return lw_worker_delete(e->t.ws, S(e->bob), 0, NULL);
}

static lw_result op_pending_set(env *e, const void *arg)
{
    (void)arg;
    return lw_worker_set_pending_reservations(e->t.ws, S(e->alice), 3,
                                              NULL);
}

static lw_result op_pending_add(env *e, const void *arg)
{
    (void)arg;
    return lw_worker_add_pending_reservations(e->t.ws, S(e->bob), -1, NULL);
}

/* ---- lists ------------------------------------------------------------ */

/* One list request: which list, which filter, and its value. */
typedef struct list_case {
    int kind;           /* 0 workers, 1 activities, 2 task queues */
    int filter;
    const char *value;  /* "$queue" etc. pick a SID of the environment */
} list_case;

enum {
    F_NONE, F_NAME, F_ACT_SID, F_ACT_NAME, F_AVAILABLE, F_QUEUE_SID,
    F_QUEUE_NAME, F_TARGET, F_ORDER_ASC, F_ORDER_DESC, F_SECOND_PAGE
};

static const char *case_value(env *e, const char *v)
{
    if (strcmp(v, "$queue") == 0)
        return e->queue;
    if (strcmp(v, "$busy") == 0)
        return e->busy;
    return v;
}

static lw_result set_filter(env *e, lw_query *q, const list_case *lc)
{
    const char *v = lc->value ? case_value(e, lc->value) : "";

    switch (lc->filter) {
    case F_NAME:
        return lw_query_set_friendly_name(q, S(v));
    case F_ACT_SID:
        return lw_query_set_activity_sid(q, S(v));
    case F_ACT_NAME:
        return lw_query_set_activity_name(q, S(v));
    case F_AVAILABLE:
        return lw_query_set_available(q, S(v));
    case F_QUEUE_SID:
        return lw_query_set_task_queue_sid(q, S(v));
    case F_QUEUE_NAME:
        return lw_query_set_task_queue_name(q, S(v));
    case F_TARGET:
        return lw_query_set_target_workers(q, S(v));
    case F_ORDER_ASC:
        return lw_query_set_ordering(q, LW_ORDER_STATUS_ASC);
    case F_ORDER_DESC:
        return lw_query_set_ordering(q, LW_ORDER_STATUS_DESC);
    default:
        return lw_query_set_page_size(q, 1);
    }
}

static lw_result list_page(env *e, int kind, const lw_query *q,
                           lw_page **p)
{
    if (kind == 0)
        return lw_worker_list(e->t.ws, q, p, NULL);
    if (kind == 1)
        return lw_activity_list(e->t.ws, q, p, NULL);
    return lw_task_queue_list(e->t.ws, q, p, NULL);
}

/* Ask for the page after a one-record first page (taken unfailed). */
static lw_result second_page(env *e, const list_case *lc, lw_query *q)
{
    lw_page *p = NULL;
    size_t calls = e->t.ta.calls, fail_at = e->t.ta.fail_at;
    lw_result rc;

    /* The first page is set-up: keep it out of the failure window. */
    e->t.ta.fail_at = 0;
    assert_int_equal(list_page(e, lc->kind, q, &p), LW_OK);
    e->t.ta.calls = calls;
    e->t.ta.fail_at = fail_at;
    assert_non_null(lw_page_next_token(p));
    rc = lw_query_set_page_token(q, S(lw_page_next_token(p)));
    lw_page_free(p);
    return rc;
}

static lw_result op_list(env *e, const void *arg)
{
    const list_case *lc = arg;
    lw_query *q = NULL;
    lw_page *p = NULL;
    lw_result rc = lw_query_create(e->t.ws, &q);

    if (rc != LW_OK) {
        assert_null(q);
        return rc;
    }
    if (lc->filter != F_NONE)
        rc = set_filter(e, q, lc);
    if (rc == LW_OK && lc->filter == F_SECOND_PAGE)
        rc = second_page(e, lc, q);
    if (rc == LW_OK) {
        rc = list_page(e, lc->kind, q, &p);
        HANDED(rc, p, lw_page_free);
    }
    lw_query_free(q);
    return rc;
}

/* ---- REST ---------------------------------------------------------------- */

static lw_result op_rest_create(env *e, const void *arg)
{
    lw_rest_options ro;
    lw_rest *r = NULL;
    lw_result rc;

    (void)arg;
    memset(&ro, 0, sizeof ro);
    ro.alloc = &e->t.ta.alloc;
    ro.account_sid = RT_ACCOUNT;
    ro.auth_token = RT_TOKEN;
    rc = lw_rest_create(&ro, &r, NULL);
    if (rc != LW_OK) {
        assert_null(r);
        return rc;
    }
    rc = lw_rest_attach(r, e->t.ws, NULL);
    if (rc == LW_OK)
        assert_int_equal(lw_rest_detach(r, e->t.ws, NULL), LW_OK);
    lw_rest_destroy(r);
    return rc;
}

/* One request: the path's "%s" is filled with a SID of the environment. */
typedef struct rest_case {
    const char *method;
    const char *path;
    char sid;            /* 'w' alice, 'b' bob, 'a' busy, 'q' queue, 0 */
    const char *query;
    const char *body;
    const char *if_match;
    int32_t status;      /* the answer when nothing fails */
    bool anonymous;      /* send no Authorization header */
} rest_case;

static const char *rest_sid(env *e, char which)
{
    switch (which) {
    case 'w':
        return e->alice;
    case 'b':
        return e->bob;
    case 'a':
        return e->busy;
    case 'q':
        return e->queue;
    default:
        return "";
    }
}

static lw_result op_rest(env *e, const void *arg)
{
    const rest_case *rc = arg;
    const char *path = rt_fmt(rc->path, rest_sid(e, rc->sid));
    const char *auth = rt_basic(RT_ACCOUNT, RT_TOKEN);
    const char *im[1];
    size_t iml[1];
    lw_rest_request q;
    lw_rest_response *r = NULL;
    lw_result res;
    int32_t status;

    memset(&q, 0, sizeof q);
    q.method = rc->method;
    q.method_len = strlen(rc->method);
    q.path = path;
    q.path_len = strlen(path);
    q.query = rc->query;
    q.query_len = rc->query ? strlen(rc->query) : 0;
    q.body = rc->body;
    q.body_len = rc->body ? strlen(rc->body) : 0;
    q.authorization = rc->anonymous ? NULL : auth;
    q.authorization_len = rc->anonymous ? 0 : strlen(auth);
    if (rc->if_match != NULL) {
        im[0] = rc->if_match;
        iml[0] = strlen(rc->if_match);
        q.if_match = im;
        q.if_match_len = iml;
        q.if_match_count = 1;
    }
    res = lw_rest_handle(e->t.rest, &q, &r, NULL);
    if (res != LW_OK) {
        assert_int_equal(res, LW_ERR_NOMEM);
        assert_null(r);
        return res;
    }
    status = lw_rest_response_status(r);
    if (status == 503) {
        assert_int_equal(lw_rest_response_code(r), 20503);
        lw_rest_response_free(r);
        return LW_ERR_NOMEM;
    }
    if (status != rc->status)
        fail_msg("%s %s: status %d, want %d: %s", rc->method, path,
                 (int)status, (int)rc->status,
                 lw_rest_response_body(r, NULL));
    lw_rest_response_free(r);
    return LW_OK;
}

#define WS RT_WS_PATH

static const rest_case rest_cases[] = {
    {"GET", WS, 0, NULL, NULL, NULL, 200, false},
    {"GET", WS "/Workers", 0, NULL, NULL, NULL, 200, false},
    {"GET", WS "/Workers", 0, "FriendlyName=ALICE&PageSize=1", NULL, NULL,
     200, false},
    {"GET", WS "/Workers", 0, "TargetWorkersExpression=level%3E1"
     "&Ordering=DateStatusChanged:desc", NULL, NULL, 200, false},
    {"GET", WS "/Workers", 0, "TaskQueueName=Support&Available=false",
     NULL, NULL, 200, false},
    {"GET", WS "/Workers", 0, "ActivityName=Offline&PageSize=1&Page=0",
     NULL, NULL, 200, false},
    {"POST", WS "/Workers", 0, NULL,
     "FriendlyName=carol&Attributes=%7B%22a%22%3A%5B1%2C2%5D%7D", NULL,
     201, false},
    {"POST", WS "/Workers", 0, NULL, "FriendlyName=alice", NULL, 409, false},
    {"GET", WS "/Workers/%s", 'w', NULL, NULL, NULL, 200, false},
    {"POST", WS "/Workers/%s", 'w', NULL,
     "Attributes=%7B%22level%22%3A6%7D&FriendlyName=al", "0", 200, false},
    {"POST", WS "/Workers/%s", 'w', NULL, "FriendlyName=x", "\"7\"", 412,
     false},
    {"POST", WS "/Workers/%s", 'b', NULL,
     "ActivitySid=WA" "00000000000000000000000000000000", NULL, 400, false},
    {"DELETE", WS "/Workers/%s", 'b', NULL, NULL, NULL, 204, false},
    {"GET", WS "/Workers/WK00000000000000000000000000000000", 0, NULL,
     NULL, NULL, 404, false},
    {"GET", WS "/Activities", 0, "Available=true", NULL, NULL, 200, false},
    {"POST", WS "/Activities", 0, NULL,
     "FriendlyName=Lunch&Available=false", NULL, 201, false},
    {"GET", WS "/Activities/%s", 'a', NULL, NULL, NULL, 200, false},
    {"POST", WS "/Activities/%s", 'a', NULL, "FriendlyName=Away", NULL,
     200, false},
    {"DELETE", WS "/Activities/%s", 'a', NULL, NULL, NULL, 204, false},
    {"GET", WS "/TaskQueues", 0, "PageSize=1", NULL, NULL, 200, false},
    {"POST", WS "/TaskQueues", 0, NULL,
     "FriendlyName=Sales&TargetWorkers=skills%20HAS%20%22sales%22", NULL,
     201, false},
    {"GET", WS "/TaskQueues/%s", 'q', NULL, NULL, NULL, 200, false},
    {"POST", WS "/TaskQueues/%s", 'q', NULL,
     "TargetWorkers=level%20%3E%3D%205", NULL, 200, false},
    {"DELETE", WS "/TaskQueues/%s", 'q', NULL, NULL, NULL, 204, false},
    {"PUT", WS "/Workers", 0, NULL, NULL, NULL, 405, false},
    {"GET", "/v1/Nothing", 0, NULL, NULL, NULL, 404, false},
    {"GET", WS "/Workers", 0, "PageToken=bogus", NULL, NULL, 400, false},
    {"GET", WS "/Workers", 0, NULL, NULL, NULL, 401, true},
};

/* ---- the table -------------------------------------------------------- */

static const int explain_text = LW_EXPLAIN_TEXT;
static const int explain_json = LW_EXPLAIN_JSON;
static const int u_name = U_NAME;
static const int u_attrs = U_ATTRS | U_VERSION;
static const int u_activity = U_ACTIVITY;
static const int u_all = U_NAME | U_ATTRS | U_ACTIVITY;
static const int u_reject = U_ACTIVITY | U_REJECT;

static const list_case list_cases[] = {
    {0, F_NONE, NULL},
    {0, F_NAME, "ALICE"},
    {0, F_ACT_SID, "$busy"},
    {0, F_ACT_NAME, "offline"},
    {0, F_AVAILABLE, "false"},
    {0, F_QUEUE_SID, "$queue"},
    {0, F_QUEUE_NAME, "Support"},
    {0, F_TARGET, "level > 1 AND skills HAS 'chat'"},
    {0, F_ORDER_ASC, NULL},
    {0, F_ORDER_DESC, NULL},
    {0, F_SECOND_PAGE, NULL},
    {1, F_NONE, NULL},
    {1, F_NAME, "busy"},
    {1, F_AVAILABLE, "true"},
    {1, F_SECOND_PAGE, NULL},
    {2, F_NONE, NULL},
    {2, F_SECOND_PAGE, NULL},
};

static const op fixed_ops[] = {
    {"symtab_create", op_symtab_create, NULL, false},
    {"attrs_parse", op_attrs_parse,
     "{\"a\":{\"b\":[1,2.5,\"x\",true,null]},\"s\":\"\\u00e9\"}", false},
    {"attrs_parse_deep", op_attrs_parse,
     "{\"a\":[[[[[[[[{\"b\":[[[[1]]]]}]]]]]]]]}", false},
    {"expr_compile", op_expr_compile,
     "skills HAS 'support' AND (level >= 3 OR name IN ['a', 'b'])", false},
    {"expr_compile_not", op_expr_compile,
     "NOT contact.email CONTAINS '@x' AND tags[0] != 1.5", false},
    {"expr_explain_text", op_expr_explain, &explain_text, false},
    {"expr_explain_json", op_expr_explain, &explain_json, false},
    {"worker_explain_text", op_worker_explain, &explain_text, false},
    {"worker_explain_json", op_worker_explain, &explain_json, false},
    {"options", op_options, NULL, false},
    {"workspace_create", op_workspace_create, NULL, false},
    {"workspace_fetch", op_workspace_fetch, NULL, false},
    {"set_default_activity", op_set_default, NULL, true},
    {"set_timeout_activity", op_set_timeout, NULL, true},
    {"export", op_export, NULL, false},
    {"import", op_import, NULL, false},
    {"activity_create", op_activity_create, NULL, false},
    {"activity_fetch", op_activity_fetch, NULL, true},
    {"activity_update", op_activity_update, NULL, false},
    {"activity_delete", op_activity_delete, NULL, true},
    {"queue_create", op_queue_create, NULL, false},
    {"queue_fetch", op_queue_fetch, NULL, true},
    {"queue_update", op_queue_update, NULL, false},
    {"queue_delete", op_queue_delete, NULL, true},
    {"worker_create", op_worker_create, NULL, false},
    {"worker_fetch", op_worker_fetch, NULL, true},
    {"worker_update_name", op_worker_update, &u_name, false},
    {"worker_update_attrs_version", op_worker_update, &u_attrs, false},
    {"worker_update_activity", op_worker_update, &u_activity, false},
    {"worker_update_all", op_worker_update, &u_all, false},
    {"worker_update_reject", op_worker_update, &u_reject, false},
    {"worker_delete", op_worker_delete, NULL, true},
    {"pending_set", op_pending_set, NULL, false},
    {"pending_add", op_pending_add, NULL, false},
    {"rest_create_attach", op_rest_create, NULL, false},
};

#define NFIXED (sizeof fixed_ops / sizeof fixed_ops[0])
#define NLIST (sizeof list_cases / sizeof list_cases[0])
#define NREST (sizeof rest_cases / sizeof rest_cases[0])
#define NOPS (NFIXED + 1 + NLIST + NREST)

static op all_ops[NOPS];
static char names[NOPS][160];
static struct CMUnitTest tests[NOPS];

static void add_test(size_t i, const op *o)
{
    all_ops[i] = *o;
    tests[i].name = o->name;
    tests[i].test_func = run_op;
    tests[i].initial_state = &all_ops[i];
}

int main(void)
{
    size_t i, n = 0;
    int failed;

    for (i = 0; i < NFIXED; i++)
        add_test(n++, &fixed_ops[i]);
    add_test(n++, &(op){"attrs_parse_many_keys", op_attrs_parse,
                        many_keys(), false});
    for (i = 0; i < NLIST; i++) {
        snprintf(names[n], sizeof names[n], "list_%d_filter_%d",
                 list_cases[i].kind, list_cases[i].filter);
        add_test(n, &(op){names[n], op_list, &list_cases[i], false});
        n++;
    }
    for (i = 0; i < NREST; i++) {
        snprintf(names[n], sizeof names[n], "rest %s %s%s%s",
                 rest_cases[i].method,
                 rest_cases[i].path + (rest_cases[i].path[1] == 'v' &&
                                       strlen(rest_cases[i].path) >
                                       strlen(WS) ? strlen(WS) : 0),
                 rest_cases[i].query ? "?" : "",
                 rest_cases[i].query ? rest_cases[i].query : "");
        add_test(n, &(op){names[n], op_rest, &rest_cases[i], false});
        n++;
    }
    failed = _cmocka_run_group_tests("oom", tests, n, NULL, NULL);
    printf("out of memory: %zu operations, %zu allocation points, "
           "%zu runs\n", n, total_points, total_runs);
    return failed;
}
