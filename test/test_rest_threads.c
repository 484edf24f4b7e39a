/*
 * test_rest_threads.c - one adapter serving two workspaces to several
 * threads at once (creates, updates with If-Match, lists, deletes) while
 * another thread attaches and detaches a third workspace: every answer is
 * one the contract allows, and the final worker counts match the
 * successful creates and deletes.  Run under ThreadSanitizer by make tsan.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libworkers.h"

#define THREADS 4
#define ROUNDS 150
#define AUTH "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjp0"

typedef struct shared {
    lw_rest *rest;
    lw_workspace *ws[3];
    char paths[3][64];
    atomic_long created[2];
    atomic_long deleted[2];
    atomic_long unexpected;
    atomic_bool stop;
} shared;

typedef struct arg {
    shared *s;
    int id;
} arg;

static lw_rest_response *send(shared *s, const char *method,
                              const char *path, const char *query,
                              const char *body, const char *if_match)
{
    lw_rest_request q;
    lw_rest_response *r = NULL;
    size_t im_len = if_match ? strlen(if_match) : 0;

    memset(&q, 0, sizeof q);
    q.method = method;
    q.method_len = strlen(method);
    q.path = path;
    q.path_len = strlen(path);
    q.query = query;
    q.query_len = query ? strlen(query) : 0;
    q.body = body;
    q.body_len = body ? strlen(body) : 0;
    q.authorization = AUTH;
    q.authorization_len = strlen(AUTH);
    if (if_match != NULL) {
        q.if_match = &if_match;
        q.if_match_len = &im_len;
        q.if_match_count = 1;
    }
    if (lw_rest_handle(s->rest, &q, &r, NULL) != LW_OK)
        return NULL;
    return r;
}

/* Status of a request, the response freed; -1 when none came. */
static int32_t status_of(lw_rest_response *r)
{
    int32_t st = r ? lw_rest_response_status(r) : -1;

    lw_rest_response_free(r);
    return st;
}

/* The "sid" of a created worker's body (35 bytes into sid). */
static bool body_sid(const lw_rest_response *r, char *sid)
{
    const char *b = lw_rest_response_body(r, NULL);
    const char *at = strstr(b, "\"sid\":");

    if (at == NULL)
        return false;
    at = strchr(at + 6, 'W');
    if (at == NULL)
        return false;
    memcpy(sid, at, 34);
    sid[34] = '\0';
    return true;
}

static void one_round(shared *s, int id, int round)
{
    int w = (id + round) % 2;
    char path[128], body[96], sid[35];
    lw_rest_response *r;
    int32_t st;

    snprintf(body, sizeof body, "FriendlyName=t%d-%d", id, round);
    snprintf(path, sizeof path, "%s/Workers", s->paths[w]);
    r = send(s, "POST", path, NULL, body, NULL);
    if (r == NULL || lw_rest_response_status(r) != 201 ||
        !body_sid(r, sid)) {
        atomic_fetch_add(&s->unexpected, 1);
        lw_rest_response_free(r);
        return;
    }
    lw_rest_response_free(r);
    atomic_fetch_add(&s->created[w], 1);

    snprintf(path, sizeof path, "%s/Workers/%s", s->paths[w], sid);
    st = status_of(send(s, "POST", path, NULL,
                        "Attributes=%7B%22n%22%3A1%7D", "\"0\""));
    if (st != 200)
        atomic_fetch_add(&s->unexpected, 1);
    st = status_of(send(s, "GET", s->paths[w], NULL, NULL, NULL));
    if (st != 200)
        atomic_fetch_add(&s->unexpected, 1);
    snprintf(path, sizeof path, "%s/Workers", s->paths[w]);
    st = status_of(send(s, "GET", path, "PageSize=5&Ordering="
                        "DateStatusChanged:desc", NULL, NULL));
    if (st != 200)
        atomic_fetch_add(&s->unexpected, 1);
    if (round % 3 == 0) {
        snprintf(path, sizeof path, "%s/Workers/%s", s->paths[w], sid);
        st = status_of(send(s, "DELETE", path, NULL, NULL, "\"1\""));
        if (st != 204)
            atomic_fetch_add(&s->unexpected, 1);
        else
            atomic_fetch_add(&s->deleted[w], 1);
    }
    /* The third workspace comes and goes: 200 or 404, nothing else. */
    st = status_of(send(s, "GET", s->paths[2], NULL, NULL, NULL));
    if (st != 200 && st != 404)
        atomic_fetch_add(&s->unexpected, 1);
}

static void *client(void *p)
{
    arg *a = p;
    int round;

    for (round = 0; round < ROUNDS; round++)
        one_round(a->s, a->id, round);
    return NULL;
}

static void *flapper(void *p)
{
    shared *s = p;

    while (!atomic_load(&s->stop)) {
        if (lw_rest_attach(s->rest, s->ws[2], NULL) != LW_OK ||
            lw_rest_detach(s->rest, s->ws[2], NULL) != LW_OK)
            atomic_fetch_add(&s->unexpected, 1);
    }
    return NULL;
}

static void open_all(shared *s)
{
    lw_rest_options ro;
    int i;

    memset(&ro, 0, sizeof ro);
    ro.account_sid = "AC0123456789abcdef0123456789abcdef";
    ro.auth_token = "t";
    assert_int_equal(lw_rest_create(&ro, &s->rest, NULL), LW_OK);
    for (i = 0; i < 3; i++) {
        lw_workspace_options *o;

        assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
        assert_int_equal(lw_workspace_options_set_account_sid(
                             o, ro.account_sid, 34), LW_OK);
        assert_int_equal(lw_workspace_options_set_worker_cap(o, 10000),
                         LW_OK);
        assert_int_equal(lw_workspace_create(o, &s->ws[i], NULL), LW_OK);
        lw_workspace_options_free(o);
        snprintf(s->paths[i], sizeof s->paths[i], "/v1/Workspaces/%s",
                 lw_workspace_sid(s->ws[i]));
        if (i < 2)
            assert_int_equal(lw_rest_attach(s->rest, s->ws[i], NULL),
                             LW_OK);
    }
}

static void test_clients_and_attach(void **state)
{
    static shared s;
    pthread_t t[THREADS], f;
    arg args[THREADS];
    int i;

    (void)state;
    memset(&s, 0, sizeof s);
    open_all(&s);
    assert_int_equal(pthread_create(&f, NULL, flapper, &s), 0);
    for (i = 0; i < THREADS; i++) {
        args[i].s = &s;
        args[i].id = i;
        assert_int_equal(pthread_create(&t[i], NULL, client, &args[i]), 0);
    }
    for (i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    atomic_store(&s.stop, true);
    pthread_join(f, NULL);

    assert_int_equal(atomic_load(&s.unexpected), 0);
    for (i = 0; i < 2; i++)
        assert_int_equal(lw_workspace_worker_count(s.ws[i]),
                         atomic_load(&s.created[i]) -
                         atomic_load(&s.deleted[i]));
    assert_int_equal(atomic_load(&s.created[0]) +
                     atomic_load(&s.created[1]), THREADS * ROUNDS);
    for (i = 0; i < 2; i++)
        assert_int_equal(lw_rest_detach(s.rest, s.ws[i], NULL), LW_OK);
    lw_rest_destroy(s.rest);
    for (i = 0; i < 3; i++)
        lw_workspace_free(s.ws[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clients_and_attach),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
