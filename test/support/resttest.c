/*
 * resttest.c - fixtures for the REST adapter's tests (see resttest.h).
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

static int64_t fixed_clock(void *user)
{
    return ((resttest *)user)->now_ms;
}

/* xorshift32: the same SIDs on every run. */
static void fixed_random(void *user, uint8_t *buf, size_t len)
{
    resttest *t = user;
    size_t i;

    for (i = 0; i < len; i++) {
        t->seed ^= t->seed << 13;
        t->seed ^= t->seed >> 17;
        t->seed ^= t->seed << 5;
        buf[i] = (uint8_t)t->seed;
    }
}

void rt_setup(resttest *t, bool credentials)
{
    rt_setup_cap(t, credentials, 0);
}

void rt_setup_cap(resttest *t, bool credentials, uint32_t cap)
{
    lw_workspace_options *o;
    lw_rest_options ro;

    memset(t, 0, sizeof *t);
    testalloc_init(&t->ta);
    t->now_ms = RT_EPOCH_MS;
    t->seed = 20240601;
    t->credentials = credentials;

    assert_int_equal(lw_workspace_options_create(&t->ta.alloc, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_account_sid(o, RT_ACCOUNT,
                                                          34), LW_OK);
    assert_int_equal(lw_workspace_options_set_workspace_sid(o, RT_WORKSPACE,
                                                            34), LW_OK);
    assert_int_equal(lw_workspace_options_set_base_url(
                         o, RT_BASE "/", strlen(RT_BASE) + 1), LW_OK);
    assert_int_equal(lw_workspace_options_set_clock(o, fixed_clock, t),
                     LW_OK);
    assert_int_equal(lw_workspace_options_set_random(o, fixed_random, t),
                     LW_OK);
    if (cap > 0)
        assert_int_equal(lw_workspace_options_set_worker_cap(o, cap), LW_OK);
    assert_int_equal(lw_workspace_create(o, &t->ws, NULL), LW_OK);
    lw_workspace_options_free(o);

    memset(&ro, 0, sizeof ro);
    ro.alloc = &t->ta.alloc;
    if (credentials) {
        ro.account_sid = RT_ACCOUNT;
        ro.auth_token = RT_TOKEN;
    }
    assert_int_equal(lw_rest_create(&ro, &t->rest, NULL), LW_OK);
    assert_int_equal(lw_rest_attach(t->rest, t->ws, NULL), LW_OK);
}

void rt_teardown(resttest *t)
{
    assert_int_equal(lw_rest_detach(t->rest, t->ws, NULL), LW_OK);
    lw_rest_destroy(t->rest);
    lw_workspace_free(t->ws);
    assert_int_equal(t->ta.live, 0);
}

lw_rest_response *rt_send(resttest *t, const rt_request *r)
{
    lw_rest_request q;
    size_t lens[3], i;
    lw_rest_response *resp = NULL;

    memset(&q, 0, sizeof q);
    q.method = r->method;
    q.method_len = r->method ? strlen(r->method) : 0;
    q.path = r->path;
    q.path_len = r->path ? strlen(r->path) : 0;
    q.query = r->query;
    q.query_len = r->query ? strlen(r->query) : 0;
    q.body = r->body;
    q.body_len = r->body ? strlen(r->body) : 0;
    for (i = 0; i < r->if_match_count; i++)
        lens[i] = strlen(r->if_match[i]);
    q.if_match = r->if_match;
    q.if_match_len = lens;
    q.if_match_count = r->if_match_count;
    q.authorization = r->authorization;
    q.authorization_len = r->authorization ? strlen(r->authorization) : 0;

    assert_int_equal(lw_rest_handle(t->rest, &q, &resp, NULL), LW_OK);
    assert_non_null(resp);
    return resp;
}

lw_rest_response *rt_call(resttest *t, const char *method, const char *path,
                          const char *query, const char *body)
{
    rt_request r;

    memset(&r, 0, sizeof r);
    r.method = method;
    r.path = path;
    r.query = query;
    r.body = body;
    if (t->credentials)
        r.authorization = rt_basic(RT_ACCOUNT, RT_TOKEN);
    return rt_send(t, &r);
}

lw_rest_response *rt_call_if(resttest *t, const char *method,
                             const char *path, const char *body,
                             const char *if_match)
{
    rt_request r;

    memset(&r, 0, sizeof r);
    r.method = method;
    r.path = path;
    r.body = body;
    r.if_match[0] = if_match;
    r.if_match_count = 1;
    if (t->credentials)
        r.authorization = rt_basic(RT_ACCOUNT, RT_TOKEN);
    return rt_send(t, &r);
}

const char *rt_basic(const char *user, const char *password)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static char out[512];
    char plain[256];
    size_t n, i, o;

    n = (size_t)snprintf(plain, sizeof plain, "%s:%s", user, password);
    o = (size_t)snprintf(out, sizeof out, "Basic ");
    for (i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;

        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)plain[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

cJSON *rt_json(const lw_rest_response *r)
{
    size_t len;
    const char *body = lw_rest_response_body(r, &len);
    cJSON *j;

    assert_non_null(body);
    assert_int_equal(strlen(body), len);
    j = cJSON_ParseWithLength(body, len);
    if (j == NULL)
        fail_msg("not JSON: %s", body);
    return j;
}

void rt_assert_error(lw_rest_response *r, int32_t status, int32_t code,
                     const char *message)
{
    static const char *const keys[] = {"code", "message", "more_info",
                                       "status"};
    cJSON *j = rt_json(r), *item;
    size_t i = 0;
    char info[64];

    if (lw_rest_response_status(r) != status)
        fail_msg("status %d, expected %d: %s",
                 (int)lw_rest_response_status(r), (int)status,
                 lw_rest_response_body(r, NULL));
    assert_int_equal(lw_rest_response_code(r), code);
    assert_string_equal(lw_rest_response_header(r, "Content-Type"),
                        "application/json");
    cJSON_ArrayForEach(item, j) {
        assert_true(i < 4);
        assert_string_equal(item->string, keys[i]);
        i++;
    }
    assert_int_equal(i, 4);
    assert_int_equal(cJSON_GetObjectItem(j, "code")->valueint, code);
    assert_int_equal(cJSON_GetObjectItem(j, "status")->valueint, status);
    snprintf(info, sizeof info, "https://www.twilio.com/docs/errors/%d",
             (int)code);
    assert_string_equal(cJSON_GetObjectItem(j, "more_info")->valuestring,
                        info);
    assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "message")));
    if (message != NULL)
        assert_string_equal(
            cJSON_GetObjectItem(j, "message")->valuestring, message);
    cJSON_Delete(j);
    lw_rest_response_free(r);
}

void rt_expect(lw_rest_response *r, int32_t status)
{
    if (lw_rest_response_status(r) != status)
        fail_msg("status %d, expected %d: %s",
                 (int)lw_rest_response_status(r), (int)status,
                 lw_rest_response_body(r, NULL));
    lw_rest_response_free(r);
}

void rt_create_worker(resttest *t, const char *body, char *sid)
{
    lw_rest_response *r = rt_call(t, "POST", RT_WS_PATH "/Workers", NULL,
                                  body);
    cJSON *j;

    if (lw_rest_response_status(r) != 201)
        fail_msg("create: %s", lw_rest_response_body(r, NULL));
    j = rt_json(r);
    strcpy(sid, cJSON_GetObjectItem(j, "sid")->valuestring);
    cJSON_Delete(j);
    lw_rest_response_free(r);
}

char *rt_state(resttest *t)
{
    char *text, *copy;
    size_t len;

    assert_int_equal(lw_workspace_export(t->ws, &text, &len, NULL), LW_OK);
    copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, text, len + 1);
    lw_free(lw_workspace_allocator(t->ws), text);
    return copy;
}

const char *rt_fmt(const char *fmt, ...)
{
    static char slots[8][8192];
    static size_t next;
    char *s = slots[next++ % 8];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s, sizeof slots[0], fmt, ap);
    va_end(ap);
    return s;
}

void rt_assert_date(const char *s)
{
    static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
    size_t i;

    assert_int_equal(strlen(s), sizeof pattern - 1);
    for (i = 0; i < sizeof pattern - 1; i++) {
        if (pattern[i] == 'd')
            assert_true(s[i] >= '0' && s[i] <= '9');
        else
            assert_int_equal(s[i], pattern[i]);
    }
}

static bool looks_like_date(const char *s)
{
    return strlen(s) == 20 && s[4] == '-' && s[10] == 'T' && s[19] == 'Z';
}

static bool looks_like_sid(const char *s)
{
    return strlen(s) == 34 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
           s[1] <= 'Z';
}

static void assert_same_string_kind(const cJSON *got, const cJSON *want)
{
    const char *g = got->valuestring, *w = want->valuestring;

    if (looks_like_date(w))
        rt_assert_date(g);
    if (looks_like_sid(w)) {
        assert_int_equal(strlen(g), 34);
        assert_memory_equal(g, w, 2);
    }
    if (strncmp(w, "https://", 8) == 0)
        assert_true(strncmp(g, "https://", 8) == 0 ||
                    strncmp(g, "http://", 7) == 0);
}

void rt_assert_shape(const cJSON *got, const cJSON *want)
{
    const cJSON *g, *w;

    if (cJSON_IsNull(want))
        return;   /* a null link may be a URL on another page */
    if (cJSON_IsBool(want)) {
        assert_true(cJSON_IsBool(got));
        return;
    }
    assert_int_equal(got->type & 0xff, want->type & 0xff);
    if (cJSON_IsString(want))
        assert_same_string_kind(got, want);
    if (cJSON_IsArray(want)) {
        cJSON_ArrayForEach(g, got)
            rt_assert_shape(g, want->child);
    }
    if (!cJSON_IsObject(want))
        return;
    for (g = got->child, w = want->child; g && w; g = g->next, w = w->next) {
        if (strcmp(g->string, w->string) != 0)
            fail_msg("key %s where %s was expected", g->string, w->string);
        rt_assert_shape(g, w);
    }
    if (g != NULL || w != NULL)
        fail_msg("extra or missing key: %s / %s", g ? g->string : "-",
                 w ? w->string : "-");
}

cJSON *rt_load_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    char buf[65536];
    size_t n;
    cJSON *j;

    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    j = cJSON_Parse(buf);
    assert_non_null(j);
    return j;
}
