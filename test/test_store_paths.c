/*
 * test_store_paths.c - the store's less travelled paths: NULL arguments,
 * the system random source and its fallback, SID collisions, names with
 * equal hashes, paging backwards, hand-made import documents and a task
 * queue deleted while its update is being compiled.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "store_fixture.h"

#define AC_SID "AC0123456789abcdef0123456789abcdef"
#define WK_SID "WK0123456789abcdef0123456789abcdef"
#define WK_LAST "WKffffffffffffffffffffffffffffffff"

/* ---- the system random source -------------------------------------------- */

/*
 * The library asks getrandom() for SID bytes when the host gives no
 * random source.  This definition stands in for the C library's in this
 * program: it hands out a counter, or fails like a kernel without the
 * call, so that both the system path and the fallback can be checked.
 */
static bool getrandom_broken;
static uint8_t getrandom_next;

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
    uint8_t *p = buf;
    size_t i;

    (void)flags;
    if (getrandom_broken)
        return -1;
    for (i = 0; i < len; i++)
        p[i] = getrandom_next++;
    return (ssize_t)len;
}

static bool sid_ok(const char *s, const char *prefix)
{
    size_t i;

    if (s == NULL || strlen(s) != LW_SID_LEN || memcmp(s, prefix, 2) != 0)
        return false;
    for (i = 2; i < LW_SID_LEN; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

static void test_system_random(void **state)
{
    lw_workspace *ws;
    lw_error err;

    (void)state;
    getrandom_broken = false;
    getrandom_next = 0;
    assert_int_equal(lw_workspace_create(NULL, &ws, &err), LW_OK);
    /* The account SID is drawn first: bytes 0..15. */
    assert_string_equal(lw_workspace_account_sid(ws),
                        "AC000102030405060708090a0b0c0d0e0f");
    assert_string_equal(lw_workspace_sid(ws),
                        "WS101112131415161718191a1b1c1d1e1f");
    lw_workspace_free(ws);
}

static void test_random_fallback(void **state)
{
    lw_workspace *ws;
    lw_worker *a = NULL, *b = NULL;
    lw_error err;

    (void)state;
    getrandom_broken = true;
    assert_int_equal(lw_workspace_create(NULL, &ws, &err), LW_OK);
    getrandom_broken = false;
    assert_true(sid_ok(lw_workspace_sid(ws), "WS"));
    assert_true(sid_ok(lw_workspace_account_sid(ws), "AC"));
    getrandom_broken = true;
    assert_int_equal(lw_worker_create(ws, S("a"), NULL, 0, NULL, 0, &a,
                                      &err), LW_OK);
    assert_int_equal(lw_worker_create(ws, S("b"), NULL, 0, NULL, 0, &b,
                                      &err), LW_OK);
    getrandom_broken = false;
    assert_true(sid_ok(lw_worker_sid(a), "WK"));
    assert_true(sid_ok(lw_worker_sid(b), "WK"));
    assert_string_not_equal(lw_worker_sid(a), lw_worker_sid(b));
    lw_worker_release(a);
    lw_worker_release(b);
    lw_workspace_free(ws);
}

/* ---- options ------------------------------------------------------------- */

static void test_options_null(void **state)
{
    lw_workspace_options *o;
    struct {
        const char *what;
        lw_result got;
    } rows[] = {
        {"account", lw_workspace_options_set_account_sid(NULL, S(AC_SID))},
        {"workspace", lw_workspace_options_set_workspace_sid(NULL, NULL,
                                                             0)},
        {"name", lw_workspace_options_set_friendly_name(NULL, S("x"))},
        {"url", lw_workspace_options_set_base_url(NULL, S("http://h"))},
        {"cap", lw_workspace_options_set_worker_cap(NULL, 5)},
        {"clock", lw_workspace_options_set_clock(NULL, NULL, NULL)},
        {"random", lw_workspace_options_set_random(NULL, NULL, NULL)},
        {"attrs", lw_workspace_options_set_attrs_max_bytes(NULL, 5)},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].got != LW_ERR_INVALID)
            fail_msg("%s: %d", rows[i].what, (int)rows[i].got);
    }
    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_base_url(o, NULL, 0),
                     LW_ERR_INVALID);
    assert_int_equal(lw_workspace_options_set_friendly_name(o, "", 0),
                     LW_ERR_INVALID);
    lw_workspace_options_free(o);
}

static void test_base_urls(void **state)
{
    static const struct {
        const char *url;
        lw_result want;
    } rows[] = {
        {"http://", LW_ERR_INVALID},
        {"http:///", LW_ERR_INVALID},
        {"://host", LW_ERR_INVALID},
        {"2http://host", LW_ERR_INVALID},
        {"ht_p://host", LW_ERR_INVALID},
        {"h:ttp://host", LW_ERR_INVALID},
        {"h2+-.x://host:8080", LW_OK},
        {"H2+-.X://host/", LW_OK},
    };
    lw_workspace_options *o;
    lw_workspace *ws;
    size_t i;

    (void)state;
    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (lw_workspace_options_set_base_url(o, S(rows[i].url)) !=
            rows[i].want)
            fail_msg("%s", rows[i].url);
    }
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    assert_string_equal(lw_workspace_base_url(ws), "H2+-.X://host");
    lw_workspace_free(ws);
    lw_workspace_options_free(o);
}

static void test_attrs_limit(void **state)
{
    static const char big[] = "{\"a\":\"0123456789\"}";
    lw_workspace_options *o;
    lw_workspace *ws;
    lw_error err;

    (void)state;
    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_attrs_max_bytes(o, 8), LW_OK);
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    assert_int_equal(lw_worker_create(ws, S("a"), S(big), NULL, 0, NULL,
                                      &err), LW_ERR_TOO_LARGE);
    assert_int_equal(lw_workspace_worker_count(ws), 0);
    lw_workspace_free(ws);

    /* 0 restores the default limit. */
    assert_int_equal(lw_workspace_options_set_attrs_max_bytes(o, 0), LW_OK);
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    assert_int_equal(lw_worker_create(ws, S("a"), S(big), NULL, 0, NULL,
                                      &err), LW_OK);
    lw_workspace_free(ws);
    lw_workspace_options_free(o);
}

/* ---- workspace ----------------------------------------------------------- */

static int64_t last_stamp;

static void stamp_event(void *user, const lw_event *ev)
{
    (void)user;
    last_stamp = lw_event_timestamp(ev);
}

/* ---- NULL handles -------------------------------------------------------- */

static void test_snapshots_null(void **state)
{
    size_t len = 7;

    (void)state;
    assert_null(lw_activity_retain(NULL));
    assert_null(lw_task_queue_retain(NULL));
    assert_null(lw_worker_retain(NULL));
    assert_null(lw_workspace_info_retain(NULL));
    lw_workspace_info_release(NULL);
    assert_null(lw_task_queue_target_workers(NULL, &len));
    assert_null(lw_task_queue_target_workers(NULL, NULL));
    lw_workspace_set_event_handler(NULL, stamp_event, NULL);
    assert_int_equal(len, 0);
    assert_null(lw_workspace_info_sid(NULL));
    assert_null(lw_workspace_info_account_sid(NULL));
    assert_null(lw_workspace_info_friendly_name(NULL));
    assert_null(lw_workspace_info_default_activity_sid(NULL));
    assert_null(lw_workspace_info_default_activity_name(NULL));
    assert_null(lw_workspace_info_timeout_activity_sid(NULL));
    assert_null(lw_workspace_info_timeout_activity_name(NULL));
    assert_int_equal(lw_workspace_info_date_created(NULL), 0);
    assert_int_equal(lw_workspace_info_date_updated(NULL), 0);
    assert_null(lw_event_type(NULL));
    assert_null(lw_event_worker(NULL));
    assert_int_equal(lw_event_version(NULL), 0);
    assert_int_equal(lw_event_timestamp(NULL), 0);
    assert_null(lw_event_previous_activity_sid(NULL));
    assert_null(lw_event_previous_activity_name(NULL));
    assert_int_equal(lw_event_previous_activity_ms(NULL), 0);
    assert_int_equal(lw_event_reservations_dropped(NULL), 0);
}

static void test_calls_null(void **state)
{
    fixture f;
    lw_worker *w = NULL;
    lw_error err;
    char *before;
    struct {
        const char *what;
        lw_result got;
    } rows[6];
    size_t i, n = 0;

    (void)state;
    fixture_open(&f);
    before = export_text(&f);
    rows[n].what = "activity update";
    rows[n++].got = lw_activity_update(NULL, S(WK_SID), S("x"), NULL, &err);
    rows[n].what = "default activity";
    rows[n++].got = lw_workspace_set_default_activity(NULL, S(WK_SID), &err);
    rows[n].what = "queue create";
    rows[n++].got = lw_task_queue_create(NULL, S("q"), NULL, 0, NULL, &err);
    rows[n].what = "queue fetch";
    rows[n++].got = lw_task_queue_fetch(f.ws, S(WK_SID), NULL, &err);
    rows[n].what = "queue update";
    rows[n++].got = lw_task_queue_update(NULL, S(WK_SID), S("q"), NULL, 0,
                                         NULL, &err);
    rows[n].what = "queue delete";
    rows[n++].got = lw_task_queue_delete(NULL, S(WK_SID), &err);
    for (i = 0; i < n; i++) {
        if (rows[i].got != LW_ERR_INVALID)
            fail_msg("%s: %d", rows[i].what, (int)rows[i].got);
    }
    assert_string_equal(err.message, "invalid argument");
    assert_int_equal(lw_worker_fetch(NULL, S(WK_SID), &w, &err),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_fetch(f.ws, S(WK_SID), NULL, &err),
                     LW_ERR_INVALID);
    assert_null(w);
    assert_int_equal(lw_worker_set_pending_reservations(NULL, S(WK_SID), 1,
                                                        &err),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_add_pending_reservations(NULL, S(WK_SID), 1,
                                                        &err),
                     LW_ERR_INVALID);
    assert_string_equal(err.message, "invalid argument");
    assert_int_equal(lw_worker_changes_set_friendly_name(NULL, S("x")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_changes_set_attributes(NULL, S("{}")),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_changes_set_activity_sid(NULL, S(WK_SID)),
                     LW_ERR_INVALID);
    assert_int_equal(lw_worker_changes_set_reject_pending(NULL, true),
                     LW_ERR_INVALID);
    {
        char *after = export_text(&f);

        assert_string_equal(before, after);
        free_text(&f, after);
    }
    free_text(&f, before);
    fixture_close(&f);
}

/* Unknown SIDs: the message quotes a SID of sane length, never NULL. */
static void test_not_found_messages(void **state)
{
    char longsid[80];
    fixture f;
    lw_activity *a = NULL;
    lw_task_queue *q = NULL;
    lw_worker *w = NULL;
    char want[200];

    (void)state;
    memset(longsid, 'x', sizeof longsid - 1);
    longsid[sizeof longsid - 1] = '\0';
    fixture_open(&f);
    snprintf(want, sizeof want, "The requested resource /Workspaces/%s/"
             "Activities/ was not found", lw_workspace_sid(f.ws));
    assert_int_equal(lw_activity_fetch(f.ws, NULL, 0, &a, &f.err),
                     LW_ERR_NOT_FOUND);
    assert_string_equal(f.err.message, want);
    assert_int_equal(lw_activity_update(f.ws, S(longsid), S("x"), &a,
                                        &f.err), LW_ERR_NOT_FOUND);
    assert_string_equal(f.err.message, want);
    snprintf(want, sizeof want, "The requested resource /Workspaces/%s/"
             "TaskQueues/ was not found", lw_workspace_sid(f.ws));
    assert_int_equal(lw_task_queue_fetch(f.ws, NULL, 0, &q, &f.err),
                     LW_ERR_NOT_FOUND);
    assert_string_equal(f.err.message, want);
    assert_int_equal(lw_task_queue_delete(f.ws, S(longsid), &f.err),
                     LW_ERR_NOT_FOUND);
    assert_string_equal(f.err.message, want);
    snprintf(want, sizeof want, "The requested resource /Workspaces/%s/"
             "Workers/ was not found", lw_workspace_sid(f.ws));
    assert_int_equal(lw_worker_fetch(f.ws, NULL, 0, &w, &f.err),
                     LW_ERR_NOT_FOUND);
    assert_string_equal(f.err.message, want);
    assert_int_equal(lw_worker_fetch(f.ws, S(longsid), &w, &f.err),
                     LW_ERR_NOT_FOUND);
    assert_string_equal(f.err.message, want);
    assert_null(a);
    assert_null(q);
    assert_null(w);
    fixture_close(&f);
}

static void test_event_timestamp(void **state)
{
    fixture f;

    (void)state;
    fixture_open(&f);
    lw_workspace_set_event_handler(f.ws, stamp_event, NULL);
    f.clock.now = 1700000123456;
    lw_worker_release(add_worker(&f, "a", NULL));
    assert_int_equal(last_stamp, 1700000123456);
    fixture_close(&f);
}

static void test_special_activities(void **state)
{
    char offline[LW_SID_LEN + 1], avail[LW_SID_LEN + 1];
    lw_workspace_info *info = NULL;
    fixture f;

    (void)state;
    fixture_open(&f);
    activity_sid(&f, "Offline", offline);
    activity_sid(&f, "Available", avail);
    f.clock.now += 1000;
    assert_int_equal(lw_workspace_set_default_activity(f.ws, S(offline),
                                                       NULL), LW_OK);
    assert_int_equal(lw_workspace_fetch(f.ws, &info, NULL), LW_OK);
    assert_int_equal(lw_workspace_info_date_updated(info),
                     f.clock.now - 1000);
    lw_workspace_info_release(info);
    assert_int_equal(lw_workspace_set_timeout_activity(f.ws, S(avail),
                                                       NULL), LW_OK);
    assert_int_equal(lw_workspace_fetch(f.ws, &info, NULL), LW_OK);
    assert_int_equal(lw_workspace_info_date_updated(info), f.clock.now);
    assert_string_equal(lw_workspace_info_timeout_activity_name(info),
                        "Available");
    assert_string_equal(lw_workspace_info_default_activity_name(info),
                        "Offline");
    lw_workspace_info_release(info);
    fixture_close(&f);
}

static void test_create_oom(void **state)
{
    lw_workspace_options *o;
    lw_workspace *ws;
    lw_error err;
    testalloc ta;
    size_t n;
    lw_result rc;

    (void)state;
    for (n = 1; n < 1000; n++) {
        testalloc_init(&ta);
        assert_int_equal(lw_workspace_options_create(&ta.alloc, &o), LW_OK);
        testalloc_fail_at(&ta, n, false);
        ws = NULL;
        rc = lw_workspace_create(o, &ws, &err);
        lw_workspace_options_free(o);
        if (ta.failures == 0) {
            assert_int_equal(rc, LW_OK);
            lw_workspace_free(ws);
            assert_int_equal(ta.live, 0);
            break;
        }
        assert_int_equal(rc, LW_ERR_NOMEM);
        assert_int_equal(err.code, LW_ERR_NOMEM);
        assert_null(ws);
        assert_int_equal(ta.live, 0);
    }
    assert_true(n > 5 && n < 1000);
}

static void test_fetch_info_oom(void **state)
{
    lw_workspace_info *info = NULL;
    char *before, *after;
    size_t live;
    fixture f;

    (void)state;
    fixture_open(&f);
    before = export_text(&f);
    live = f.ta.live;
    testalloc_fail_at(&f.ta, 1, false);
    assert_int_equal(lw_workspace_fetch(f.ws, &info, &f.err), LW_ERR_NOMEM);
    assert_string_equal(f.err.message, "out of memory");
    assert_null(info);
    assert_int_equal(f.ta.live, live);
    after = export_text(&f);
    assert_string_equal(before, after);
    free_text(&f, before);
    free_text(&f, after);
    assert_int_equal(lw_workspace_fetch(f.ws, &info, &f.err), LW_OK);
    assert_string_equal(lw_workspace_info_default_activity_name(info),
                        "Offline");
    lw_workspace_info_release(info);
    fixture_close(&f);
}

/* ---- SID collisions ------------------------------------------------------ */

/* A random source that can hand out the bytes of a given SID once. */
typedef struct replay {
    uint64_t rng;
    bool repeat;
    uint8_t bytes[16];
} replay;

static void replay_random(void *user, uint8_t *buf, size_t len)
{
    replay *r = user;

    if (r->repeat && len == sizeof r->bytes) {
        r->repeat = false;
        memcpy(buf, r->bytes, len);
        return;
    }
    fake_random(&r->rng, buf, len);
}

/* Hand out sid's 16 bytes at the next draw. */
static void replay_sid(replay *r, const char *sid)
{
    size_t i;

    for (i = 0; i < sizeof r->bytes; i++) {
        unsigned v;

        assert_int_equal(sscanf(sid + 2 + 2 * i, "%2x", &v), 1);
        r->bytes[i] = (uint8_t)v;
    }
    r->repeat = true;
}

static lw_workspace *open_replay(testalloc *ta, replay *r)
{
    lw_workspace_options *o;
    lw_workspace *ws;

    testalloc_init(ta);
    memset(r, 0, sizeof *r);
    r->rng = 0x9e3779b97f4a7c15u;
    assert_int_equal(lw_workspace_options_create(&ta->alloc, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_random(o, replay_random, r),
                     LW_OK);
    assert_int_equal(lw_workspace_create(o, &ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    return ws;
}

static void test_sid_collisions(void **state)
{
    char first[3][LW_SID_LEN + 1], second[3][LW_SID_LEN + 1];
    lw_activity *a = NULL;
    lw_task_queue *q = NULL;
    lw_worker *w = NULL;
    testalloc ta;
    replay r;
    lw_workspace *ws = open_replay(&ta, &r);
    int i;

    (void)state;
    for (i = 0; i < 2; i++) {
        char (*out)[LW_SID_LEN + 1] = i == 0 ? first : second;
        char name[16];

        /* The second round draws each first SID again, then a new one. */
        snprintf(name, sizeof name, "n%d", i);
        if (i == 1)
            replay_sid(&r, first[0]);
        assert_int_equal(lw_activity_create(ws, S(name), true, &a, NULL),
                         LW_OK);
        assert_false(r.repeat);
        if (i == 1)
            replay_sid(&r, first[1]);
        assert_int_equal(lw_task_queue_create(ws, S(name), NULL, 0, &q,
                                              NULL), LW_OK);
        assert_false(r.repeat);
        if (i == 1)
            replay_sid(&r, first[2]);
        assert_int_equal(lw_worker_create(ws, S(name), NULL, 0, NULL, 0,
                                          &w, NULL), LW_OK);
        assert_false(r.repeat);
        strcpy(out[0], lw_activity_sid(a));
        strcpy(out[1], lw_task_queue_sid(q));
        strcpy(out[2], lw_worker_sid(w));
        lw_activity_release(a);
        lw_task_queue_release(q);
        lw_worker_release(w);
    }
    for (i = 0; i < 3; i++)
        assert_string_not_equal(first[i], second[i]);
    assert_int_equal(lw_activity_fetch(ws, S(first[0]), &a, NULL), LW_OK);
    assert_string_equal(lw_activity_friendly_name(a), "n0");
    lw_activity_release(a);
    assert_int_equal(lw_task_queue_fetch(ws, S(second[1]), &q, NULL),
                     LW_OK);
    assert_string_equal(lw_task_queue_friendly_name(q), "n1");
    lw_task_queue_release(q);
    assert_int_equal(lw_worker_fetch(ws, S(second[2]), &w, NULL), LW_OK);
    assert_string_equal(lw_worker_friendly_name(w), "n1");
    lw_worker_release(w);
    assert_int_equal(lw_workspace_worker_count(ws), 2);
    lw_workspace_free(ws);
    assert_int_equal(ta.live, 0);
}

/*
 * SIDs that agree on their first ten characters land in the same slot of
 * the SID index with the same tag, and the SID-ordered search must go
 * past its eight-byte comparison to order them.
 */
static void test_sids_sharing_a_prefix(void **state)
{
    static const char *const sids[4] = {
        "WKabcdef01f00000000000000000000000",
        "WKabcdef01099999999999999999999999",
        "WKabcdef01711111111111111111111111",
        "WKabcdef0109999999999999999999999a",
    };
    static const int sorted[4] = {1, 3, 2, 0};
    lw_worker *w = NULL;
    lw_page *p = NULL;
    testalloc ta;
    replay r;
    lw_workspace *ws = open_replay(&ta, &r);
    char name[16];
    int i;

    (void)state;
    for (i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "w%d", i);
        replay_sid(&r, sids[i]);
        assert_int_equal(lw_worker_create(ws, S(name), NULL, 0, NULL, 0,
                                          &w, NULL), LW_OK);
        assert_string_equal(lw_worker_sid(w), sids[i]);
        lw_worker_release(w);
    }
    assert_int_equal(lw_worker_list(ws, NULL, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 4);
    for (i = 0; i < 4; i++)
        assert_string_equal(lw_worker_sid(lw_page_worker(p, (size_t)i)),
                            sids[sorted[i]]);
    lw_page_free(p);
    for (i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "w%d", i);
        assert_int_equal(lw_worker_fetch(ws, S(sids[i]), &w, NULL), LW_OK);
        assert_string_equal(lw_worker_friendly_name(w), name);
        lw_worker_release(w);
    }

    /* Deleting one moves the others of its run in the index. */
    assert_int_equal(lw_worker_delete(ws, S(sids[1]), LW_VERSION_ANY, NULL),
                     LW_OK);
    assert_int_equal(lw_worker_fetch(ws, S(sids[1]), &w, NULL),
                     LW_ERR_NOT_FOUND);
    for (i = 0; i < 4; i++) {
        if (i == 1)
            continue;
        assert_int_equal(lw_worker_fetch(ws, S(sids[i]), &w, NULL), LW_OK);
        lw_worker_release(w);
    }
    assert_int_equal(lw_worker_list(ws, NULL, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 3);
    assert_string_equal(lw_worker_sid(lw_page_worker(p, 0)), sids[3]);
    assert_string_equal(lw_worker_sid(lw_page_worker(p, 1)), sids[2]);
    assert_string_equal(lw_worker_sid(lw_page_worker(p, 2)), sids[0]);
    lw_page_free(p);
    lw_workspace_free(ws);
    assert_int_equal(ta.live, 0);
}

/* ---- names whose hashes are equal ---------------------------------------- */

/* "nooczw" and "nufbpa" have the same case-folding FNV-1a hash. */
static void test_equal_name_hashes(void **state)
{
    char a[LW_SID_LEN + 1], b[LW_SID_LEN + 1];
    lw_worker_changes *c;
    lw_activity *act = NULL;
    lw_query *q;
    lw_page *p;
    fixture f;

    (void)state;
    fixture_open(&f);
    add_worker_sid(&f, "nooczw", NULL, a);
    add_worker_sid(&f, "nufbpa", NULL, b);
    assert_int_equal(lw_query_create(f.ws, &q), LW_OK);
    assert_int_equal(lw_query_set_friendly_name(q, S("NUFBPA")), LW_OK);
    assert_int_equal(lw_worker_list(f.ws, q, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 1);
    assert_string_equal(lw_worker_sid(lw_page_worker(p, 0)), b);
    lw_page_free(p);

    /* Renaming onto the other name is a duplicate, in any case. */
    assert_int_equal(lw_worker_changes_create(f.ws, &c), LW_OK);
    assert_int_equal(lw_worker_changes_set_friendly_name(c, S("NoOcZw")),
                     LW_OK);
    assert_int_equal(lw_worker_update(f.ws, S(b), c, NULL, &f.err),
                     LW_ERR_DUPLICATE);
    lw_worker_changes_free(c);

    /* Removing the first leaves the second findable. */
    assert_int_equal(lw_worker_delete(f.ws, S(a), LW_VERSION_ANY, NULL),
                     LW_OK);
    assert_int_equal(lw_worker_list(f.ws, q, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 1);
    assert_string_equal(lw_worker_sid(lw_page_worker(p, 0)), b);
    lw_page_free(p);
    lw_query_free(q);

    assert_int_equal(lw_activity_create(f.ws, S("nooczw"), true, &act,
                                        NULL), LW_OK);
    lw_activity_release(act);
    assert_int_equal(lw_activity_create(f.ws, S("nufbpa"), true, NULL,
                                        NULL), LW_OK);
    assert_int_equal(lw_activity_create(f.ws, S("NUFBPA"), true, NULL,
                                        &f.err), LW_ERR_DUPLICATE);
    fixture_close(&f);
}

/* ---- activities ---------------------------------------------------------- */

static void test_activity_rename_delete(void **state)
{
    char sid[LW_SID_LEN + 1];
    lw_activity *a = NULL;
    lw_query *q;
    lw_page *p;
    fixture f;

    (void)state;
    fixture_open(&f);
    assert_int_equal(lw_activity_create(f.ws, S("Busy"), false, &a, NULL),
                     LW_OK);
    strcpy(sid, lw_activity_sid(a));
    lw_activity_release(a);

    /* Same length, other letters: a rename. */
    f.clock.now += 1000;
    assert_int_equal(lw_activity_update(f.ws, S(sid), S("Idle"), &a, NULL),
                     LW_OK);
    assert_string_equal(lw_activity_friendly_name(a), "Idle");
    assert_int_equal(lw_activity_date_updated(a), f.clock.now);
    lw_activity_release(a);

    /* The same name again changes nothing. */
    f.clock.now += 1000;
    assert_int_equal(lw_activity_update(f.ws, S(sid), S("Idle"), &a, NULL),
                     LW_OK);
    assert_int_equal(lw_activity_date_updated(a), f.clock.now - 1000);
    lw_activity_release(a);
    assert_int_equal(lw_query_create(f.ws, &q), LW_OK);
    assert_int_equal(lw_query_set_friendly_name(q, S("busy")), LW_OK);
    assert_int_equal(lw_activity_list(f.ws, q, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 0);
    lw_page_free(p);
    lw_query_free(q);

    assert_int_equal(lw_activity_delete(f.ws, S(sid), NULL), LW_OK);
    assert_int_equal(lw_activity_fetch(f.ws, S(sid), &a, &f.err),
                     LW_ERR_NOT_FOUND);
    assert_int_equal(lw_activity_list(f.ws, NULL, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 3);
    lw_page_free(p);
    /* The name is free again. */
    assert_int_equal(lw_activity_create(f.ws, S("Idle"), false, NULL, NULL),
                     LW_OK);
    fixture_close(&f);
}

/* ---- task queues --------------------------------------------------------- */

static size_t eligible(fixture *f, const char *queue_sid)
{
    lw_query *q;
    lw_page *p;
    size_t n;

    assert_int_equal(lw_query_create(f->ws, &q), LW_OK);
    assert_int_equal(lw_query_set_task_queue_sid(q, S(queue_sid)), LW_OK);
    assert_int_equal(lw_worker_list(f->ws, q, &p, NULL), LW_OK);
    n = lw_page_count(p);
    lw_page_free(p);
    lw_query_free(q);
    return n;
}

static void test_queue_updates(void **state)
{
    char sid[LW_SID_LEN + 1];
    lw_task_queue *q = NULL;
    size_t len;
    fixture f;

    (void)state;
    fixture_open(&f);
    lw_worker_release(add_worker(&f, "a", "{\"level\":1}"));
    lw_worker_release(add_worker(&f, "b", "{\"level\":2}"));
    assert_int_equal(lw_task_queue_create(f.ws, S("Q1"), S("level > 1"), &q,
                                          NULL), LW_OK);
    strcpy(sid, lw_task_queue_sid(q));
    lw_task_queue_release(q);
    assert_int_equal(eligible(&f, sid), 1);

    /* The same name and target: nothing changes, not even the date. */
    f.clock.now += 1000;
    assert_int_equal(lw_task_queue_update(f.ws, S(sid), S("Q1"),
                                          S("level > 1"), &q, NULL), LW_OK);
    assert_int_equal(lw_task_queue_date_updated(q), f.clock.now - 1000);
    lw_task_queue_release(q);

    /* A new name of the same length keeps the target and its workers. */
    assert_int_equal(lw_task_queue_update(f.ws, S(sid), S("Q2"), NULL, 0,
                                          &q, NULL), LW_OK);
    assert_string_equal(lw_task_queue_friendly_name(q), "Q2");
    assert_string_equal(lw_task_queue_target_workers(q, &len), "level > 1");
    assert_int_equal(lw_task_queue_date_updated(q), f.clock.now);
    lw_task_queue_release(q);
    assert_int_equal(eligible(&f, sid), 1);

    /* A new target of the same length re-selects the workers. */
    assert_int_equal(lw_task_queue_update(f.ws, S(sid), NULL, 0,
                                          S("level > 0"), &q, NULL), LW_OK);
    assert_string_equal(lw_task_queue_friendly_name(q), "Q2");
    lw_task_queue_release(q);
    assert_int_equal(eligible(&f, sid), 2);

    /* An empty target stays empty: nobody is eligible, nothing changes. */
    assert_int_equal(lw_task_queue_update(f.ws, S(sid), NULL, 0, S(""), &q,
                                          NULL), LW_OK);
    lw_task_queue_release(q);
    assert_int_equal(eligible(&f, sid), 0);
    f.clock.now += 1000;
    assert_int_equal(lw_task_queue_update(f.ws, S(sid), NULL, 0, S(""), &q,
                                          NULL), LW_OK);
    assert_int_equal(lw_task_queue_date_updated(q), f.clock.now - 1000);
    lw_task_queue_release(q);
    fixture_close(&f);
}

/* An allocator that deletes a task queue at its first allocation. */
typedef struct deleter {
    testalloc ta;
    lw_workspace *ws;
    const char *victim;
    bool armed;
    lw_result rc;
} deleter;

static void *deleting_realloc(void *user, void *ptr, size_t size)
{
    deleter *d = user;

    if (d->armed && ptr == NULL && size > 0) {
        d->armed = false;
        d->rc = lw_task_queue_delete(d->ws, S(d->victim), NULL);
    }
    return d->ta.alloc.realloc(d->ta.alloc.user, ptr, size);
}

/* The queue disappears between the update's check and its lock. */
static void test_queue_deleted_during_update(void **state)
{
    char sid[LW_SID_LEN + 1], want[200];
    lw_workspace_options *o;
    lw_allocator alloc;
    lw_task_queue *q = NULL;
    lw_error err;
    deleter d;

    (void)state;
    memset(&d, 0, sizeof d);
    testalloc_init(&d.ta);
    alloc.realloc = deleting_realloc;
    alloc.user = &d;
    assert_int_equal(lw_workspace_options_create(&alloc, &o), LW_OK);
    assert_int_equal(lw_workspace_create(o, &d.ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    /* An empty target: deleting the queue releases no symbol. */
    assert_int_equal(lw_task_queue_create(d.ws, S("Q"), S(""), &q, NULL),
                     LW_OK);
    strcpy(sid, lw_task_queue_sid(q));
    lw_task_queue_release(q);
    q = NULL;

    d.victim = sid;
    d.armed = true;
    assert_int_equal(lw_task_queue_update(d.ws, S(sid), NULL, 0,
                                          S("level > 1"), &q, &err),
                     LW_ERR_NOT_FOUND);
    assert_false(d.armed);
    assert_int_equal(d.rc, LW_OK);
    snprintf(want, sizeof want, "The requested resource /Workspaces/%s/"
             "TaskQueues/%s was not found", lw_workspace_sid(d.ws), sid);
    assert_string_equal(err.message, want);
    assert_null(q);
    lw_workspace_free(d.ws);
    assert_int_equal(d.ta.live, 0);
}

/* ---- lists --------------------------------------------------------------- */

/* A list call with one query; returns the result, the page in *out. */
typedef struct listing {
    int kind;  /* 0 workers, 1 activities, 2 task queues */
    lw_ordering order;
    uint32_t size;
    const char *token;
} listing;

static lw_result run_list(fixture *f, const listing *l, lw_page **out)
{
    lw_query *q;
    lw_result rc;

    *out = NULL;
    assert_int_equal(lw_query_create(f->ws, &q), LW_OK);
    assert_int_equal(lw_query_set_ordering(q, l->order), LW_OK);
    if (l->size != 0)
        assert_int_equal(lw_query_set_page_size(q, l->size), LW_OK);
    if (l->token != NULL)
        assert_int_equal(lw_query_set_page_token(q, S(l->token)), LW_OK);
    rc = l->kind == 0   ? lw_worker_list(f->ws, q, out, &f->err)
         : l->kind == 1 ? lw_activity_list(f->ws, q, out, &f->err)
                        : lw_task_queue_list(f->ws, q, out, &f->err);
    lw_query_free(q);
    return rc;
}

static const char *item_sid(const lw_page *p, int kind, size_t i)
{
    return kind == 0   ? lw_worker_sid(lw_page_worker(p, i))
           : kind == 1 ? lw_activity_sid(lw_page_activity(p, i))
                       : lw_task_queue_sid(lw_page_task_queue(p, i));
}

static void test_malformed_tokens(void **state)
{
    static const struct {
        int kind;
        lw_ordering order;
        const char *token;
        lw_result want;
    } rows[] = {
        {0, LW_ORDER_SID, "XA" WK_SID, LW_ERR_INVALID},
        {0, LW_ORDER_SID, "PC" WK_SID, LW_ERR_INVALID},
        {1, LW_ORDER_SID, "pBWA0123456789abcdef0123456789abcdef",
         LW_ERR_INVALID},
        {0, LW_ORDER_STATUS_ASC, "PA-_" WK_SID, LW_ERR_INVALID},
        {0, LW_ORDER_STATUS_ASC, "PA1234567890123456789_" WK_SID,
         LW_ERR_INVALID},
        {0, LW_ORDER_STATUS_DESC, "PB123456789012345678_" WK_SID, LW_OK},
        {0, LW_ORDER_STATUS_ASC, "PA-12_" WK_SID, LW_OK},
        {0, LW_ORDER_SID, "PB" WK_SID, LW_OK},
        {0, LW_ORDER_SID, "PA" WK_LAST, LW_OK},
    };
    fixture f;
    size_t i;

    (void)state;
    fixture_open(&f);
    lw_worker_release(add_worker(&f, "a", NULL));
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        listing l = {rows[i].kind, rows[i].order, 0, rows[i].token};
        lw_page *p;
        lw_result rc = run_list(&f, &l, &p);

        if (rc != rows[i].want)
            fail_msg("%s: %d", rows[i].token, (int)rc);
        if (rc != LW_OK)
            assert_string_equal(f.err.message, "PageToken is not a valid "
                                "token for this list");
        lw_page_free(p);
    }
    fixture_close(&f);
}

/* Before 1970 the token's seconds round down: -1.5 s is -2. */
static void test_negative_clock(void **state)
{
    char a[LW_SID_LEN + 1], b[LW_SID_LEN + 1], want[64];
    listing l = {0, LW_ORDER_STATUS_ASC, 1, NULL};
    lw_page *p;
    fixture f;

    (void)state;
    fixture_open(&f);
    f.clock.now = -1500;
    add_worker_sid(&f, "a", NULL, a);
    f.clock.now = -500;
    add_worker_sid(&f, "b", NULL, b);
    assert_int_equal(run_list(&f, &l, &p), LW_OK);
    assert_string_equal(item_sid(p, 0, 0), a);
    snprintf(want, sizeof want, "PA-2_%s", a);
    assert_string_equal(lw_page_next_token(p), want);
    l.token = want;
    lw_page_free(p);
    assert_int_equal(run_list(&f, &l, &p), LW_OK);
    assert_int_equal(lw_page_count(p), 1);
    assert_string_equal(item_sid(p, 0, 0), b);
    assert_false(lw_page_has_next(p));
    lw_page_free(p);
    fixture_close(&f);
}

/*
 * Walk every page forward, then back from the last one with the previous
 * tokens: each page must come back the same, the first without a
 * previous page.
 */
static void page_back_and_forth(fixture *f, int kind, lw_ordering order,
                                size_t total)
{
    char sids[8][LW_SID_LEN + 1], tok[8][96];
    listing l = {kind, order, 2, NULL};
    size_t pages = 0, n = 0, i;
    lw_page *p;

    for (;;) {
        assert_int_equal(run_list(f, &l, &p), LW_OK);
        for (i = 0; i < lw_page_count(p); i++)
            strcpy(sids[n++], item_sid(p, kind, i));
        assert_int_equal(lw_page_has_previous(p), pages > 0);
        if (pages > 0)
            strcpy(tok[pages], lw_page_previous_token(p));
        pages++;
        if (!lw_page_has_next(p)) {
            lw_page_free(p);
            break;
        }
        strcpy(tok[0], lw_page_next_token(p));
        l.token = tok[0];
        lw_page_free(p);
    }
    assert_int_equal(n, total);
    for (i = pages - 1; i > 0; i--) {
        /* tok[i] leads from page i to page i - 1. */
        l.token = tok[i];
        assert_int_equal(run_list(f, &l, &p), LW_OK);
        assert_int_equal(lw_page_count(p), 2);
        assert_string_equal(item_sid(p, kind, 0), sids[2 * (i - 1)]);
        assert_string_equal(item_sid(p, kind, 1), sids[2 * (i - 1) + 1]);
        assert_true(lw_page_has_next(p));
        assert_int_equal(lw_page_has_previous(p), i > 1);
        lw_page_free(p);
    }
}

static void test_paging_backwards(void **state)
{
    fixture f;
    int i;

    (void)state;
    fixture_open(&f);
    for (i = 0; i < 2; i++) {
        char name[16];

        snprintf(name, sizeof name, "a%d", i);
        assert_int_equal(lw_activity_create(f.ws, S(name), true, NULL,
                                            NULL), LW_OK);
    }
    for (i = 0; i < 5; i++) {
        char name[16];

        snprintf(name, sizeof name, "w%d", i);
        f.clock.now += (i % 2) * 1000;
        lw_worker_release(add_worker(&f, name, NULL));
        assert_int_equal(lw_task_queue_create(f.ws, S(name), NULL, 0, NULL,
                                              NULL), LW_OK);
    }
    page_back_and_forth(&f, 1, LW_ORDER_SID, 5);
    page_back_and_forth(&f, 2, LW_ORDER_SID, 5);
    page_back_and_forth(&f, 0, LW_ORDER_STATUS_ASC, 5);
    page_back_and_forth(&f, 0, LW_ORDER_STATUS_DESC, 5);
    page_back_and_forth(&f, 0, LW_ORDER_SID, 5);
    fixture_close(&f);
}

/* Previous-page tokens that do not come from a page of this list. */
static void test_paging_back_from_anywhere(void **state)
{
    char sids[5][LW_SID_LEN + 1], tok[64];
    listing l = {0, LW_ORDER_SID, 5, NULL};
    lw_page *p;
    fixture f;
    size_t i;

    (void)state;
    fixture_open(&f);
    for (i = 0; i < 5; i++) {
        char name[16];

        snprintf(name, sizeof name, "w%zu", i);
        lw_worker_release(add_worker(&f, name, NULL));
    }
    assert_int_equal(run_list(&f, &l, &p), LW_OK);
    for (i = 0; i < 5; i++)
        strcpy(sids[i], item_sid(p, 0, i));
    lw_page_free(p);

    /* Past the last SID: the last two, nothing after them. */
    l.size = 2;
    l.token = "PB" WK_LAST;
    assert_int_equal(run_list(&f, &l, &p), LW_OK);
    assert_int_equal(lw_page_count(p), 2);
    assert_string_equal(item_sid(p, 0, 0), sids[3]);
    assert_string_equal(item_sid(p, 0, 1), sids[4]);
    assert_false(lw_page_has_next(p));
    assert_true(lw_page_has_previous(p));
    snprintf(tok, sizeof tok, "PB%s", sids[3]);
    assert_string_equal(lw_page_previous_token(p), tok);
    lw_page_free(p);

    /* Before the second: only the first, nothing before it. */
    snprintf(tok, sizeof tok, "PB%s", sids[1]);
    l.token = tok;
    assert_int_equal(run_list(&f, &l, &p), LW_OK);
    assert_int_equal(lw_page_count(p), 1);
    assert_string_equal(item_sid(p, 0, 0), sids[0]);
    assert_true(lw_page_has_next(p));
    assert_false(lw_page_has_previous(p));
    lw_page_free(p);
    fixture_close(&f);
}

/* Count the workers a query with these filters lists. */
typedef struct filters {
    const char *name, *act_sid, *queue_sid, *queue_name, *target, *avail;
    lw_ordering order;
} filters;

static size_t count_listed(fixture *f, const filters *x)
{
    lw_query *q;
    lw_page *p;
    size_t n;

    assert_int_equal(lw_query_create(f->ws, &q), LW_OK);
    if (x->name)
        assert_int_equal(lw_query_set_friendly_name(q, S(x->name)), LW_OK);
    if (x->act_sid)
        assert_int_equal(lw_query_set_activity_sid(q, S(x->act_sid)),
                         LW_OK);
    if (x->queue_sid)
        assert_int_equal(lw_query_set_task_queue_sid(q, S(x->queue_sid)),
                         LW_OK);
    if (x->queue_name)
        assert_int_equal(lw_query_set_task_queue_name(q, S(x->queue_name)),
                         LW_OK);
    if (x->target)
        assert_int_equal(lw_query_set_target_workers(q, S(x->target)),
                         LW_OK);
    if (x->avail)
        assert_int_equal(lw_query_set_available(q, S(x->avail)), LW_OK);
    assert_int_equal(lw_query_set_ordering(q, x->order), LW_OK);
    assert_int_equal(lw_worker_list(f->ws, q, &p, NULL), LW_OK);
    n = lw_page_count(p);
    lw_page_free(p);
    lw_query_free(q);
    return n;
}

static void test_filter_combinations(void **state)
{
    char q1[LW_SID_LEN + 1], q2[LW_SID_LEN + 1], avail[LW_SID_LEN + 1];
    char offline[LW_SID_LEN + 1];
    lw_task_queue *tq = NULL;
    fixture f;
    size_t i;

    (void)state;
    fixture_open(&f);
    activity_sid(&f, "Available", avail);
    activity_sid(&f, "Offline", offline);
    lw_worker_release(add_worker(&f, "a", "{\"level\":1}"));
    lw_worker_release(add_worker(&f, "b", "{\"level\":2}"));
    assert_int_equal(lw_worker_create(f.ws, S("c"), S("{\"level\":3}"),
                                      S(avail), NULL, NULL), LW_OK);
    assert_int_equal(lw_task_queue_create(f.ws, S("Q1"), S("level > 1"),
                                          &tq, NULL), LW_OK);
    strcpy(q1, lw_task_queue_sid(tq));
    lw_task_queue_release(tq);
    assert_int_equal(lw_task_queue_create(f.ws, S("Q2"), S("level > 2"),
                                          &tq, NULL), LW_OK);
    strcpy(q2, lw_task_queue_sid(tq));
    lw_task_queue_release(tq);
    {
        const struct {
            filters x;
            size_t want;
        } rows[] = {
            {{NULL, NULL, q1, "q1", NULL, NULL, LW_ORDER_SID}, 2},
            {{NULL, NULL, q1, "Q2", NULL, NULL, LW_ORDER_SID}, 0},
            {{NULL, NULL, q2, "Q2", NULL, NULL, LW_ORDER_STATUS_ASC}, 1},
            {{NULL, NULL, NULL, "Q3", NULL, NULL, LW_ORDER_SID}, 0},
            {{"a", offline, NULL, NULL, NULL, NULL, LW_ORDER_SID}, 1},
            {{"a", avail, NULL, NULL, NULL, NULL, LW_ORDER_SID}, 0},
            {{"c", NULL, NULL, NULL, "level == 3", NULL, LW_ORDER_SID}, 1},
            {{"c", NULL, NULL, NULL, "level == 2", NULL, LW_ORDER_SID}, 0},
            {{NULL, NULL, NULL, NULL, NULL, "true", LW_ORDER_STATUS_ASC},
             1},
            {{NULL, NULL, NULL, NULL, NULL, "no", LW_ORDER_STATUS_DESC},
             2},
            {{NULL, NULL, NULL, NULL, "level > 1", "false",
              LW_ORDER_STATUS_ASC}, 1},
        };

        for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            size_t got = count_listed(&f, &rows[i].x);

            if (got != rows[i].want)
                fail_msg("row %zu: %zu workers", i, got);
        }
    }
    fixture_close(&f);
}

static void test_empty_queue_list(void **state)
{
    listing l = {2, LW_ORDER_SID, 0, NULL};
    lw_page *p;
    fixture f;

    (void)state;
    fixture_open(&f);
    assert_int_equal(run_list(&f, &l, &p), LW_OK);
    assert_int_equal(lw_page_count(p), 0);
    assert_false(lw_page_has_next(p));
    assert_null(lw_page_next_token(p));
    lw_page_free(p);
    fixture_close(&f);
}

/* ---- import -------------------------------------------------------------- */

typedef void (*doc_edit)(cJSON *root);

static cJSON *item(cJSON *root, const char *array, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(root, array), i);
}

/* Give item i of array the value of key from item j. */
static void copy_field(cJSON *root, const char *array, int i, int j,
                       const char *key)
{
    const char *v = cJSON_GetObjectItem(item(root, array, j),
                                        key)->valuestring;

    cJSON_ReplaceItemInObject(item(root, array, i), key,
                              cJSON_CreateString(v));
}

static void same_activity_sid(cJSON *root)
{
    copy_field(root, "activities", 2, 1, "sid");
}

static void same_queue_sid(cJSON *root)
{
    copy_field(root, "task_queues", 1, 0, "sid");
}

/* The first queue's name in capitals: names are equal ignoring case. */
static void same_queue_name(cJSON *root)
{
    char name[16];
    size_t i;

    snprintf(name, sizeof name, "%s", cJSON_GetObjectItem(
                 item(root, "task_queues", 0), "friendly_name")->valuestring);
    for (i = 0; name[i] != '\0'; i++)
        name[i] = (char)(name[i] & ~0x20);
    cJSON_ReplaceItemInObject(item(root, "task_queues", 1), "friendly_name",
                              cJSON_CreateString(name));
}

static void same_worker_sid(cJSON *root)
{
    copy_field(root, "workers", 1, 0, "sid");
}

static void activity_not_object(cJSON *root)
{
    cJSON_AddItemToArray(cJSON_GetObjectItem(root, "activities"),
                         cJSON_CreateNumber(1));
}

static void unknown_timeout(cJSON *root)
{
    cJSON_ReplaceItemInObject(root, "timeout_activity_sid",
                              cJSON_CreateString("WA0000000000000000000000"
                                                 "0000000000"));
}

static void huge_cap(cJSON *root)
{
    cJSON_ReplaceItemInObject(root, "worker_cap",
                              cJSON_CreateNumber(3000000000.0));
}

static char *edited_export(fixture *f, doc_edit edit)
{
    char *text = export_text(f), *out;
    cJSON *root = cJSON_Parse(text);

    assert_non_null(root);
    free_text(f, text);
    edit(root);
    out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    assert_non_null(out);
    return out;
}

static void test_import_documents(void **state)
{
    static const struct {
        doc_edit edit;
        const char *message;  /* NULL: imports */
    } rows[] = {
        {same_activity_sid, "import: activities[2].sid is used twice"},
        {same_queue_sid, "import: task_queues[1].sid is used twice"},
        {same_queue_name,
         "import: task_queues[1].friendly_name is used twice"},
        {same_worker_sid, "import: workers[1].sid is used twice"},
        {activity_not_object,
         "import: activities[4].item must be an object"},
        {unknown_timeout, "import: timeout_activity_sid names no activity"},
        {huge_cap, NULL},
    };
    lw_workspace_options *o;
    lw_workspace *ws;
    testalloc ta;
    fixture f;
    size_t i;

    (void)state;
    fixture_open(&f);
    assert_int_equal(lw_activity_create(f.ws, S("Busy"), false, NULL, NULL),
                     LW_OK);
    assert_int_equal(lw_task_queue_create(f.ws, S("First"), S("a == 1"),
                                          NULL, NULL), LW_OK);
    assert_int_equal(lw_task_queue_create(f.ws, S("Second"), S(""), NULL,
                                          NULL), LW_OK);
    lw_worker_release(add_worker(&f, "a", "{\"a\":1}"));
    lw_worker_release(add_worker(&f, "b", NULL));
    testalloc_init(&ta);
    assert_int_equal(lw_workspace_options_create(&ta.alloc, &o), LW_OK);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *text = edited_export(&f, rows[i].edit);
        lw_error err;
        lw_result rc;

        ws = NULL;
        rc = lw_workspace_import(o, S(text), &ws, &err);
        free(text);
        if (rows[i].message == NULL) {
            assert_int_equal(rc, LW_OK);
            assert_int_equal(lw_workspace_worker_count(ws), 2);
            lw_workspace_free(ws);
            continue;
        }
        if (rc != LW_ERR_INVALID)
            fail_msg("%s: %d", rows[i].message, (int)rc);
        assert_string_equal(err.message, rows[i].message);
        assert_null(ws);
        assert_int_equal(ta.live, 1);  /* the options */
    }
    lw_workspace_options_free(o);
    assert_int_equal(ta.live, 0);
    fixture_close(&f);
}

/* A document that is not an object, with and without err. */
static void test_import_not_object(void **state)
{
    lw_workspace *ws = NULL;
    lw_error err;

    (void)state;
    assert_int_equal(lw_workspace_import(NULL, S("[1]"), &ws, &err),
                     LW_ERR_INVALID);
    assert_string_equal(err.message,
                        "import: the document must be a JSON object");
    assert_int_equal(lw_workspace_import(NULL, S("{}"), &ws, NULL),
                     LW_ERR_INVALID);
    assert_null(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system_random),
        cmocka_unit_test(test_random_fallback),
        cmocka_unit_test(test_options_null),
        cmocka_unit_test(test_base_urls),
        cmocka_unit_test(test_attrs_limit),
        cmocka_unit_test(test_snapshots_null),
        cmocka_unit_test(test_calls_null),
        cmocka_unit_test(test_not_found_messages),
        cmocka_unit_test(test_event_timestamp),
        cmocka_unit_test(test_special_activities),
        cmocka_unit_test(test_create_oom),
        cmocka_unit_test(test_fetch_info_oom),
        cmocka_unit_test(test_sid_collisions),
        cmocka_unit_test(test_sids_sharing_a_prefix),
        cmocka_unit_test(test_equal_name_hashes),
        cmocka_unit_test(test_activity_rename_delete),
        cmocka_unit_test(test_queue_updates),
        cmocka_unit_test(test_queue_deleted_during_update),
        cmocka_unit_test(test_malformed_tokens),
        cmocka_unit_test(test_negative_clock),
        cmocka_unit_test(test_paging_backwards),
        cmocka_unit_test(test_paging_back_from_anywhere),
        cmocka_unit_test(test_filter_combinations),
        cmocka_unit_test(test_empty_queue_list),
        cmocka_unit_test(test_import_documents),
        cmocka_unit_test(test_import_not_object),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
