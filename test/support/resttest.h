/*
 * resttest.h - fixtures for the REST adapter's tests: a workspace with a
 * fixed clock, SIDs and base URL, an adapter serving it, and helpers to
 * send requests and check responses.
 */
#ifndef LW_RESTTEST_H
#define LW_RESTTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "libworkers.h"
#include "testalloc.h"

#define RT_ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define RT_WORKSPACE "WS0123456789abcdef0123456789abcdef"
#define RT_BASE "https://taskrouter.example.com"
#define RT_TOKEN "secret-token"
#define RT_WS_PATH "/v1/Workspaces/" RT_WORKSPACE
#define RT_WS_URL RT_BASE RT_WS_PATH
/* 2017-05-30T23:05:29Z, the date of the original page's examples. */
#define RT_EPOCH_MS 1496185529000

typedef struct resttest {
    testalloc ta;          /* serves the workspace and the adapter */
    lw_workspace *ws;
    lw_rest *rest;
    int64_t now_ms;        /* the workspace's clock */
    uint32_t seed;         /* its random source */
    bool credentials;      /* the adapter demands Basic credentials */
} resttest;

/* Set up a workspace and an adapter serving it. */
void rt_setup(resttest *t, bool credentials);
/* The same with a worker cap (0: the default). */
void rt_setup_cap(resttest *t, bool credentials, uint32_t cap);
/* Tear both down and check that nothing leaked. */
void rt_teardown(resttest *t);

/* A request in NUL-terminated pieces; NULL means absent. */
typedef struct rt_request {
    const char *method;
    const char *path;
    const char *query;
    const char *body;
    const char *if_match[3];
    size_t if_match_count;
    const char *authorization;
} rt_request;

/* Send a request as it is; fails the test when no response comes. */
lw_rest_response *rt_send(resttest *t, const rt_request *r);

/* Send method path?query with body, with good credentials when needed. */
lw_rest_response *rt_call(resttest *t, const char *method, const char *path,
                          const char *query, const char *body);

/* The same with one If-Match header. */
lw_rest_response *rt_call_if(resttest *t, const char *method,
                             const char *path, const char *body,
                             const char *if_match);

/* The "Basic ..." header value for user:password (static storage). */
const char *rt_basic(const char *user, const char *password);

/* The body parsed as JSON (fails the test when it is not JSON). */
cJSON *rt_json(const lw_rest_response *r);

/*
 * Check an error response: status, Twilio code, the body's four keys in
 * order and, when message is not NULL, the message; then free it.
 */
void rt_assert_error(lw_rest_response *r, int32_t status, int32_t code,
                     const char *message);

/* Check the status and free; returns nothing. */
void rt_expect(lw_rest_response *r, int32_t status);

/* Create a worker through the API; returns its SID (static storage is
 * not used: sid must have room for 35 bytes). */
void rt_create_worker(resttest *t, const char *body, char *sid);

/* The whole workspace state, for "nothing changed" checks; free(). */
char *rt_state(resttest *t);

/* snprintf into a rotating static buffer (8 slots of 8 KiB). */
const char *rt_fmt(const char *fmt, ...);

/* Assert that s is a date of the form YYYY-MM-DDTHH:MM:SSZ. */
void rt_assert_date(const char *s);

/*
 * Compare the shape of got with want: same keys in the same order, same
 * value types, dates formatted alike and SIDs alike, recursively; array
 * elements are compared with want's first element.
 */
void rt_assert_shape(const cJSON *got, const cJSON *want);

/* Read a test data file as JSON. */
cJSON *rt_load_json(const char *path);

#endif /* LW_RESTTEST_H */
