/*
 * store_fixture.h - helpers shared by the store tests: a deterministic
 * clock and random source, workspace set-up, an event recorder and
 * shorthands for the length-taking API.
 */
#ifndef LW_STORE_FIXTURE_H
#define LW_STORE_FIXTURE_H

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

/* A string argument as pointer and length. */
#define S(x) (x), strlen(x)

/* A clock the test moves by hand. */
typedef struct fake_clock {
    int64_t now;
} fake_clock;

static inline int64_t fake_clock_read(void *user)
{
    return ((fake_clock *)user)->now;
}

/* xorshift64: the same SIDs on every run. */
static inline void fake_random(void *user, uint8_t *buf, size_t len)
{
    uint64_t *s = user;
    size_t i;

    for (i = 0; i < len; i++) {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        buf[i] = (uint8_t)*s;
    }
}

/* What a test needs: the workspace, its clock and allocator. */
typedef struct fixture {
    lw_workspace *ws;
    fake_clock clock;
    uint64_t rng;
    testalloc ta;
    lw_error err;
} fixture;

static inline void fixture_open_cap(fixture *f, uint32_t cap)
{
    lw_workspace_options *o;

    memset(f, 0, sizeof *f);
    testalloc_init(&f->ta);
    f->clock.now = 1700000000000;
    f->rng = 0x9e3779b97f4a7c15u;
    assert_int_equal(lw_workspace_options_create(&f->ta.alloc, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_clock(o, fake_clock_read,
                                                    &f->clock), LW_OK);
    assert_int_equal(lw_workspace_options_set_random(o, fake_random,
                                                     &f->rng), LW_OK);
    if (cap != 0)
        assert_int_equal(lw_workspace_options_set_worker_cap(o, cap),
                         LW_OK);
    assert_int_equal(lw_workspace_create(o, &f->ws, &f->err), LW_OK);
    lw_workspace_options_free(o);
}

static inline void fixture_open(fixture *f)
{
    fixture_open_cap(f, 0);
}

static inline void fixture_close(fixture *f)
{
    lw_workspace_free(f->ws);
    f->ws = NULL;
    assert_int_equal(f->ta.live, 0);
}

/* Create a worker and return its snapshot (the test releases it). */
static inline lw_worker *add_worker(fixture *f, const char *name,
                                    const char *attrs)
{
    lw_worker *w = NULL;

    assert_int_equal(lw_worker_create(f->ws, S(name), attrs,
                                      attrs ? strlen(attrs) : 0, NULL, 0,
                                      &w, &f->err), LW_OK);
    return w;
}

/* Create a worker and copy its SID into sid (35 bytes). */
static inline void add_worker_sid(fixture *f, const char *name,
                                  const char *attrs, char *sid)
{
    lw_worker *w = add_worker(f, name, attrs);

    strcpy(sid, lw_worker_sid(w));
    lw_worker_release(w);
}

/* The SID of the activity with this name (35 bytes into sid). */
static inline void activity_sid(fixture *f, const char *name, char *sid)
{
    lw_query *q;
    lw_page *p;

    assert_int_equal(lw_query_create(f->ws, &q), LW_OK);
    assert_int_equal(lw_query_set_friendly_name(q, S(name)), LW_OK);
    assert_int_equal(lw_activity_list(f->ws, q, &p, NULL), LW_OK);
    assert_int_equal(lw_page_count(p), 1);
    strcpy(sid, lw_activity_sid(lw_page_activity(p, 0)));
    lw_page_free(p);
    lw_query_free(q);
}

/* The export text, for "nothing changed" checks (caller frees). */
static inline char *export_text(fixture *f)
{
    char *text = NULL;
    size_t len;

    assert_int_equal(lw_workspace_export(f->ws, &text, &len, NULL), LW_OK);
    assert_int_equal(strlen(text), len);
    return text;
}

static inline void free_text(fixture *f, char *text)
{
    lw_free(lw_workspace_allocator(f->ws), text);
}

/* Fetch a worker by SID (the test releases it). */
static inline lw_worker *fetch(fixture *f, const char *sid)
{
    lw_worker *w = NULL;

    assert_int_equal(lw_worker_fetch(f->ws, S(sid), &w, NULL), LW_OK);
    return w;
}

/* ---- event recorder ---------------------------------------------------- */

#define MAX_EVENTS 16

typedef struct recorded {
    char type[40];
    char sid[40];
    int64_t version;
    char prev_sid[40];
    char prev_name[80];
    int64_t prev_ms;
    uint32_t dropped;
} recorded;

typedef struct recorder {
    int n;
    recorded ev[MAX_EVENTS];
} recorder;

static inline void record_event(void *user, const lw_event *ev)
{
    recorder *r = user;
    recorded *e;
    const char *s;

    if (r->n >= MAX_EVENTS)
        return;
    e = &r->ev[r->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->type, sizeof e->type, "%s", lw_event_type(ev));
    snprintf(e->sid, sizeof e->sid, "%s", lw_worker_sid(lw_event_worker(ev)));
    e->version = lw_event_version(ev);
    s = lw_event_previous_activity_sid(ev);
    snprintf(e->prev_sid, sizeof e->prev_sid, "%s", s ? s : "");
    s = lw_event_previous_activity_name(ev);
    snprintf(e->prev_name, sizeof e->prev_name, "%s", s ? s : "");
    e->prev_ms = lw_event_previous_activity_ms(ev);
    e->dropped = lw_event_reservations_dropped(ev);
}

#endif /* LW_STORE_FIXTURE_H */
