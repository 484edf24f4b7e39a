/*
 * fuzz_rest.c - libFuzzer harness for the REST adapter: the input is up
 * to eight requests separated by blank lines, each six lines: method,
 * path, query, body, If-Match values (split at '|'), Authorization.  In
 * the path "~" stands for /v1/Workspaces/{WS} and "$0".."$3" for SIDs of
 * the fixed workspace; an Authorization of "+" is the good credentials.
 * Every request must get a response with a known status, a JSON body that
 * matches it, and a failed request must leave the workspace unchanged;
 * after a success the export must import back to the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "libworkers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define WORKSPACE "WS0123456789abcdef0123456789abcdef"
#define TOKEN "fuzz-token"
/* "Basic " and the base64 of ACCOUNT ":" TOKEN. */
#define GOOD_AUTH "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEy" \
    "MzQ1Njc4OWFiY2RlZjpmdXp6LXRva2Vu"
#define MAX_REQUESTS 8
#define FIELD_MAX 4096

typedef struct fx {
    lw_workspace *ws;
    lw_rest *rest;
    uint32_t seed;
    char sids[4][35];
} fx;

static int64_t fixed_clock(void *user)
{
    (void)user;
    return 1496185529000;
}

static void fixed_random(void *user, uint8_t *buf, size_t len)
{
    fx *f = user;
    size_t i;

    for (i = 0; i < len; i++) {
        f->seed ^= f->seed << 13;
        f->seed ^= f->seed >> 17;
        f->seed ^= f->seed << 5;
        buf[i] = (uint8_t)f->seed;
    }
}

static void must(lw_result rc)
{
    if (rc != LW_OK)
        abort();
}

static void populate(fx *f)
{
    lw_worker *w = NULL;
    lw_activity *a = NULL;
    lw_task_queue *q = NULL;

    must(lw_activity_create(f->ws, "Busy", 4, false, &a, NULL));
    strcpy(f->sids[2], lw_activity_sid(a));
    lw_activity_release(a);
    must(lw_task_queue_create(f->ws, "Support", 7, "skills HAS 'a'", 14,
                              &q, NULL));
    strcpy(f->sids[3], lw_task_queue_sid(q));
    lw_task_queue_release(q);
    must(lw_worker_create(f->ws, "alice", 5, "{\"skills\":[\"a\"]}", 16,
                          NULL, 0, &w, NULL));
    strcpy(f->sids[0], lw_worker_sid(w));
    lw_worker_release(w);
    must(lw_worker_create(f->ws, "bob", 3, NULL, 0, f->sids[2], 34, &w,
                          NULL));
    strcpy(f->sids[1], lw_worker_sid(w));
    lw_worker_release(w);
    must(lw_worker_set_pending_reservations(f->ws, f->sids[1], 34, 1,
                                            NULL));
}

static void fx_open(fx *f)
{
    lw_workspace_options *o;
    lw_rest_options ro;

    memset(f, 0, sizeof *f);
    f->seed = 77;
    must(lw_workspace_options_create(NULL, &o));
    must(lw_workspace_options_set_account_sid(o, ACCOUNT, 34));
    must(lw_workspace_options_set_workspace_sid(o, WORKSPACE, 34));
    must(lw_workspace_options_set_worker_cap(o, 6));
    must(lw_workspace_options_set_clock(o, fixed_clock, f));
    must(lw_workspace_options_set_random(o, fixed_random, f));
    must(lw_workspace_create(o, &f->ws, NULL));
    lw_workspace_options_free(o);
    populate(f);
    memset(&ro, 0, sizeof ro);
    ro.account_sid = ACCOUNT;
    ro.auth_token = TOKEN;
    must(lw_rest_create(&ro, &f->rest, NULL));
    must(lw_rest_attach(f->rest, f->ws, NULL));
}

static void fx_close(fx *f)
{
    must(lw_rest_detach(f->rest, f->ws, NULL));
    lw_rest_destroy(f->rest);
    lw_workspace_free(f->ws);
}

static char *export_text(lw_workspace *ws)
{
    char *text = NULL;

    must(lw_workspace_export(ws, &text, NULL, NULL));
    return text;
}

/* ---- decoding ---------------------------------------------------------- */

typedef struct field {
    char text[FIELD_MAX];
    size_t len;
    bool present;
} field;

/* Copy one line of the input (without '\n') into f, expanding markers. */
static void take_line(const fx *x, const uint8_t **p, const uint8_t *end,
                      field *f, bool expand)
{
    const uint8_t *s = *p;

    f->len = 0;
    f->present = s < end;
    while (s < end && *s != '\n') {
        const char *add = NULL;
        size_t n = 1;
        char one = (char)*s;

        if (expand && *s == '~')
            add = "/v1/Workspaces/" WORKSPACE;
        else if (expand && *s == '$' && s + 1 < end && s[1] >= '0' &&
                 s[1] <= '3')
            add = x->sids[*++s - '0'];
        if (add != NULL)
            n = strlen(add);
        if (f->len + n < FIELD_MAX) {
            memcpy(f->text + f->len, add ? add : &one, n);
            f->len += n;
        }
        s++;
    }
    if (s < end)
        s++;
    *p = s;
}

typedef struct request {
    field method, path, query, body, if_match, auth;
} request;

/* Fill req from the next request of the input; false when none is left. */
static bool decode(const fx *x, const uint8_t **p, const uint8_t *end,
                   request *r)
{
    if (*p >= end)
        return false;
    take_line(x, p, end, &r->method, false);
    take_line(x, p, end, &r->path, true);
    take_line(x, p, end, &r->query, true);
    take_line(x, p, end, &r->body, true);
    take_line(x, p, end, &r->if_match, false);
    take_line(x, p, end, &r->auth, false);
    /* A blank line ends the request. */
    while (*p < end && **p != '\n') {
        field skip;
        take_line(x, p, end, &skip, false);
    }
    if (*p < end)
        (*p)++;
    return true;
}

/* ---- checks -------------------------------------------------------------- */

static bool known_status(int32_t s)
{
    static const int32_t ok[] = {200, 201, 204, 400, 401, 404, 405, 409,
                                 412};
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (ok[i] == s)
            return true;
    return false;
}

static void check_response(const lw_rest_response *r)
{
    int32_t status = lw_rest_response_status(r);
    size_t len, i;
    const char *body = lw_rest_response_body(r, &len);
    cJSON *j;

    if (!known_status(status) || body == NULL || strlen(body) != len)
        abort();
    for (i = 0; i < lw_rest_response_header_count(r); i++)
        if (lw_rest_response_header_name(r, i) == NULL ||
            lw_rest_response_header_value(r, i) == NULL)
            abort();
    if (status == 204) {
        if (len != 0)
            abort();
        return;
    }
    j = cJSON_ParseWithLength(body, len);
    if (j == NULL || !cJSON_IsObject(j))
        abort();
    if (status >= 400) {
        const cJSON *code = cJSON_GetObjectItem(j, "code");
        const cJSON *st = cJSON_GetObjectItem(j, "status");

        if (!cJSON_IsNumber(code) || !cJSON_IsNumber(st) ||
            st->valueint != status ||
            code->valueint != lw_rest_response_code(r) ||
            !cJSON_IsString(cJSON_GetObjectItem(j, "message")))
            abort();
    } else if (lw_rest_response_code(r) != 0) {
        abort();
    }
    cJSON_Delete(j);
}

/* After a success: the export imports back to the same text. */
static void check_round_trip(lw_workspace *ws)
{
    char *text = export_text(ws), *again;
    lw_workspace *copy = NULL;

    if (lw_workspace_import(NULL, text, strlen(text), &copy, NULL) != LW_OK)
        abort();
    again = export_text(copy);
    if (strcmp(text, again) != 0)
        abort();
    lw_free(NULL, again);
    lw_free(NULL, text);
    lw_workspace_free(copy);
    if (lw_workspace_worker_count(ws) > 6)
        abort();
}

static void send(fx *f, request *q)
{
    lw_rest_request r;
    const char *vals[8];
    size_t lens[8], n = 0, i, start = 0;
    lw_rest_response *resp = NULL;
    char *before = export_text(f->ws), *after;
    int32_t status;

    memset(&r, 0, sizeof r);
    r.method = q->method.text;
    r.method_len = q->method.len;
    r.path = q->path.text;
    r.path_len = q->path.len;
    if (q->query.present && q->query.len > 0) {
        r.query = q->query.text;
        r.query_len = q->query.len;
    }
    if (q->body.present && q->body.len > 0) {
        r.body = q->body.text;
        r.body_len = q->body.len;
    }
    for (i = 0; q->if_match.len > 0 && i <= q->if_match.len && n < 8; i++)
        if (i == q->if_match.len || q->if_match.text[i] == '|') {
            vals[n] = q->if_match.text + start;
            lens[n++] = i - start;
            start = i + 1;
        }
    r.if_match = vals;
    r.if_match_len = lens;
    r.if_match_count = n;
    if (q->auth.len == 1 && q->auth.text[0] == '+') {
        r.authorization = GOOD_AUTH;
        r.authorization_len = strlen(GOOD_AUTH);
    } else if (q->auth.len > 0) {
        r.authorization = q->auth.text;
        r.authorization_len = q->auth.len;
    }

    if (lw_rest_handle(f->rest, &r, &resp, NULL) != LW_OK || resp == NULL)
        abort();
    check_response(resp);
    status = lw_rest_response_status(resp);
    lw_rest_response_free(resp);
    after = export_text(f->ws);
    if (status >= 400 && strcmp(before, after) != 0)
        abort();
    if (status < 300 && strcmp(before, after) != 0)
        check_round_trip(f->ws);
    lw_free(NULL, before);
    lw_free(NULL, after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static request q;
    const uint8_t *p = data, *end = data + size;
    fx f;
    int n = 0;

    fx_open(&f);
    while (n++ < MAX_REQUESTS && decode(&f, &p, end, &q))
        send(&f, &q);
    fx_close(&f);
    return 0;
}
