/*
 * rest.c - the REST adapter's handle and responses: credentials, path
 * routing to an attached workspace, and the error bodies of every
 * failure.
 */
#include <pthread.h>
#include <string.h>

#include "rest_int.h"

/* One attached workspace. */
typedef struct attached {
    lw_workspace *ws;
    char sid[LW_SID_LEN + 1];
} attached;

struct lw_rest {
    lw_allocator alloc;
    char *account_sid;     /* NULL: no credentials demanded */
    char *auth_token;
    pthread_rwlock_t lock; /* guards the attached list */
    attached *list;
    size_t count;
    size_t cap;
};

#define MAX_HEADERS 4

struct lw_rest_response {
    lw_allocator alloc;
    int32_t status;
    int32_t code;
    const char *body;      /* owned or static text */
    size_t body_len;
    char *owned;           /* the body when it is owned */
    size_t header_count;
    const char *names[MAX_HEADERS];
    const char *values[MAX_HEADERS];
    char etag[24];
};

static const char nomem_body[] =
    "{\"code\":20503,\"message\":\"Service unavailable: out of memory\","
    "\"more_info\":\"https://www.twilio.com/docs/errors/20503\","
    "\"status\":503}";

/* ---- the adapter ------------------------------------------------------- */

static lw_result copy_credentials(lw_rest *r, const lw_rest_options *o,
                                  lw_error *err)
{
    if (o == NULL || (o->account_sid == NULL && o->auth_token == NULL))
        return LW_OK;
    if (o->account_sid == NULL || o->auth_token == NULL ||
        o->account_sid[0] == '\0' || o->auth_token[0] == '\0')
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "account_sid and auth_token go together and may "
                        "not be empty");
    r->account_sid = lw__strndup(&r->alloc, o->account_sid,
                                 strlen(o->account_sid));
    r->auth_token = lw__strndup(&r->alloc, o->auth_token,
                                strlen(o->auth_token));
    if (r->account_sid == NULL || r->auth_token == NULL)
        return lw__fail_code(err, LW_ERR_NOMEM);
    return LW_OK;
}

static void free_adapter(lw_rest *r)
{
    lw__free(&r->alloc, r->account_sid);
    lw__free(&r->alloc, r->auth_token);
    lw__free(&r->alloc, r->list);
    lw__free(&r->alloc, r);
}

lw_result lw_rest_create(const lw_rest_options *opts, lw_rest **out,
                         lw_error *err)
{
    const lw_allocator *a;
    lw_rest *r;
    lw_result rc;

    if (out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "out is NULL");
    *out = NULL;
    a = lw__alloc_or_default(opts != NULL ? opts->alloc : NULL);
    r = lw__calloc(a, 1, sizeof *r);
    if (r == NULL)
        return lw__fail_code(err, LW_ERR_NOMEM);
    r->alloc = *a;

    rc = copy_credentials(r, opts, err);
    if (rc == LW_OK && pthread_rwlock_init(&r->lock, NULL) != 0)
        rc = lw__fail_code(err, LW_ERR_NOMEM);
    if (rc != LW_OK) {
        free_adapter(r);
        return rc;
    }
    *out = r;
    return LW_OK;
}

void lw_rest_destroy(lw_rest *rest)
{
    if (rest == NULL)
        return;
    pthread_rwlock_destroy(&rest->lock);
    free_adapter(rest);
}

static size_t find_attached(const lw_rest *r, const char *sid, size_t len)
{
    size_t i;

    for (i = 0; i < r->count; i++)
        if (len == LW_SID_LEN && memcmp(r->list[i].sid, sid, len) == 0)
            return i;
    return SIZE_MAX;
}

static lw_result grow_list(lw_rest *r, lw_error *err)
{
    size_t cap = r->cap ? r->cap * 2 : 4;
    attached *p;

    if (r->count < r->cap)
        return LW_OK;
    p = lw__realloc(&r->alloc, r->list, cap * sizeof *p);
    if (p == NULL)
        return lw__fail_code(err, LW_ERR_NOMEM);
    r->list = p;
    r->cap = cap;
    return LW_OK;
}

/* Links are written without escaping: no quote, backslash or control. */
static bool renderable_url(const char *url)
{
    for (; *url != '\0'; url++)
        if (*url == '"' || *url == '\\' || (unsigned char)*url < 0x20 ||
            (unsigned char)*url >= 0x7f)
            return false;
    return true;
}

lw_result lw_rest_attach(lw_rest *rest, lw_workspace *ws, lw_error *err)
{
    const char *sid;
    lw_result rc;

    if (rest == NULL || ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "rest or ws is NULL");
    if (!renderable_url(lw_workspace_base_url(ws)))
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "the workspace's base URL cannot be rendered in "
                        "JSON unescaped");
    sid = lw_workspace_sid(ws);

    pthread_rwlock_wrlock(&rest->lock);
    if (find_attached(rest, sid, strlen(sid)) != SIZE_MAX) {
        rc = lw__fail(err, LW_ERR_DUPLICATE, -1,
                      "workspace %s is attached already", sid);
    } else {
        rc = grow_list(rest, err);
    }
    if (rc == LW_OK) {
        attached *at = &rest->list[rest->count++];
        at->ws = ws;
        memcpy(at->sid, sid, LW_SID_LEN);
        at->sid[LW_SID_LEN] = '\0';
    }
    pthread_rwlock_unlock(&rest->lock);
    return rc;
}

lw_result lw_rest_detach(lw_rest *rest, lw_workspace *ws, lw_error *err)
{
    lw_result rc = LW_OK;
    size_t i;

    if (rest == NULL || ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "rest or ws is NULL");

    pthread_rwlock_wrlock(&rest->lock);
    for (i = 0; i < rest->count && rest->list[i].ws != ws; i++)
        continue;
    if (i == rest->count) {
        rc = lw__fail(err, LW_ERR_NOT_FOUND, -1,
                      "the workspace is not attached");
    } else {
        rest->list[i] = rest->list[rest->count - 1];
        rest->count--;
    }
    pthread_rwlock_unlock(&rest->lock);
    return rc;
}

/* ---- responses ----------------------------------------------------------- */

static void add_header(lw_rest_response *r, const char *name,
                       const char *value)
{
    r->names[r->header_count] = name;
    r->values[r->header_count] = value;
    r->header_count++;
}

static void set_static_body(lw_rest_response *r, const char *body)
{
    r->body = body;
    r->body_len = strlen(body);
}

/* Turn the response into 503 / 20503, whatever it held. */
static void set_nomem(lw_rest_response *r)
{
    lw__free(&r->alloc, r->owned);
    r->owned = NULL;
    r->status = 503;
    r->code = 20503;
    r->header_count = 0;
    set_static_body(r, nomem_body);
    add_header(r, "Content-Type", "application/json");
}

/*
 * A 64-bit hash of the body: the opaque ETag of pages and of resources
 * other than workers.  Eight lanes each fold eight bytes per step with a
 * 32 x 32 -> 64 bit product, which vector units do in one instruction,
 * so a page of a hundred kilobytes hashes in a few microseconds.
 */
static const uint64_t lane_keys[8] = {
    0x9e3779b97f4a7c15u, 0xc2b2ae3d27d4eb4fu, 0x165667b19e3779f9u,
    0xd6e8feb86659fd93u, 0xa0761d6478bd642fu, 0xe7037ed1a0b428dbu,
    0x8ebc6af09c88c6e3u, 0x589965cc75374cc3u,
};

uint64_t lw__hash64(const void *data, size_t len, uint64_t seed)
{
    const char *p = data;
    uint64_t lane[8] = {len, 1, 2, 3, 4, 5, 6, 7}, w, h = seed ^ len;
    size_t i, k;

    for (i = 0; i + 64 <= len; i += 64) {
        for (k = 0; k < 8; k++)
            lane[k] += lw__hash_fold(p + i + 8 * k, lane_keys[k]);
    }
    if (len >= 64) {
        for (k = 0; k < 8; k++)
            h = lw__hash_mix(h, lane[k]);
    }
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, p + i, 8);
        h = lw__hash_mix(h, w);
    }
    if (i < len) {
        w = 0;
        memcpy(&w, p + i, len - i);
        h = lw__hash_mix(h, w);
    }
    return lw__hash_mix(h, len);
}

static void hash_etag(lw_rest_response *r, uint64_t h)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    r->etag[0] = '"';
    for (i = 0; i < 16; i++)
        r->etag[1 + i] = hex[(h >> (60 - 4 * i)) & 15];
    r->etag[17] = '"';
    r->etag[18] = '\0';
}

static void version_etag(lw_rest_response *r, int64_t version)
{
    char digits[24];
    size_t n = 0, i;
    uint64_t v = version < 0 ? 0 : (uint64_t)version;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    for (i = 0; i < n; i++)
        r->etag[i] = digits[n - 1 - i];
    r->etag[n] = '\0';
}

/* Move a rendered success into the response. */
static void finish_success(lw_rest_response *r, lw__ctx *c)
{
    r->status = c->status;
    r->code = 0;
    if (c->status == 204) {
        lw__buf_release(&c->out);
        set_static_body(r, "");
        return;
    }
    r->body = r->owned = lw__buf_take(&c->out, &r->body_len);
    if (r->owned == NULL) {
        set_nomem(r);
        return;
    }
    add_header(r, "Content-Type", "application/json");
    if (c->etag == LW__ETAG_VERSION)
        version_etag(r, c->version);
    else if (c->etag == LW__ETAG_HASH)
        hash_etag(r, c->hash);
    else
        hash_etag(r, lw__hash64(r->body, r->body_len, 0));
    add_header(r, "ETag", r->etag);
}

/* The Allow header of the path a 405 answers. */
static const char *allowed_methods(lw__route_kind kind)
{
    switch (kind) {
    case LW__ROUTE_WORKSPACE:
        return "GET";
    case LW__ROUTE_WORKERS:
    case LW__ROUTE_ACTIVITIES:
    case LW__ROUTE_QUEUES:
        return "GET, POST";
    default:
        return "GET, POST, DELETE";
    }
}

/* Render an error answer for code with message into the response. */
static void finish_error(lw_rest_response *r, lw__ctx *c, lw_result code)
{
    lw__buf b;

    if (code == LW_ERR_NOMEM) {
        set_nomem(r);
        return;
    }
    r->status = lw_result_http_status(code);
    r->code = lw_result_twilio_code(code);
    lw__buf_init(&b, &r->alloc);
    lw__buf_error_body(&b, r->code, c->err.message, r->status);
    r->body = r->owned = lw__buf_take(&b, &r->body_len);
    if (r->owned == NULL) {
        set_nomem(r);
        return;
    }
    add_header(r, "Content-Type", "application/json");
    if (code == LW_ERR_AUTH)
        add_header(r, "WWW-Authenticate", "Basic realm=\"Twilio API\"");
    if (code == LW_ERR_METHOD)
        add_header(r, "Allow", allowed_methods(c->route.kind));
}

int32_t lw_rest_response_status(const lw_rest_response *resp)
{
    return resp != NULL ? resp->status : 0;
}

int32_t lw_rest_response_code(const lw_rest_response *resp)
{
    return resp != NULL ? resp->code : 0;
}

const char *lw_rest_response_body(const lw_rest_response *resp, size_t *len)
{
    if (len != NULL)
        *len = resp != NULL ? resp->body_len : 0;
    return resp != NULL ? resp->body : NULL;
}

size_t lw_rest_response_header_count(const lw_rest_response *resp)
{
    return resp != NULL ? resp->header_count : 0;
}

const char *lw_rest_response_header_name(const lw_rest_response *resp,
                                         size_t i)
{
    if (resp == NULL || i >= resp->header_count)
        return NULL;
    return resp->names[i];
}

const char *lw_rest_response_header_value(const lw_rest_response *resp,
                                          size_t i)
{
    if (resp == NULL || i >= resp->header_count)
        return NULL;
    return resp->values[i];
}

const char *lw_rest_response_header(const lw_rest_response *resp,
                                    const char *name)
{
    size_t i, n;

    if (resp == NULL || name == NULL)
        return NULL;
    n = strlen(name);
    for (i = 0; i < resp->header_count; i++)
        if (lw__ascii_caseeq(resp->names[i], strlen(resp->names[i]), name,
                             n))
            return resp->values[i];
    return NULL;
}

void lw_rest_response_free(lw_rest_response *resp)
{
    lw_allocator a;

    if (resp == NULL)
        return;
    a = resp->alloc;
    lw__free(&a, resp->owned);
    lw__free(&a, resp);
}

/* ---- routing ------------------------------------------------------------- */

/* Take the next "/segment" of path[*at..len); false when there is none. */
static bool next_segment(const char *path, size_t len, size_t *at,
                         const char **seg, size_t *seg_len)
{
    size_t i = *at;

    if (i >= len || path[i] != '/')
        return false;
    i++;
    *seg = path + i;
    while (i < len && path[i] != '/')
        i++;
    *seg_len = (size_t)(path + i - *seg);
    *at = i;
    return *seg_len > 0;
}

static bool segment_is(const char *seg, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(seg, word, len) == 0;
}

static bool collection_kind(const char *seg, size_t len, lw__route_kind *k)
{
    if (segment_is(seg, len, "Workers"))
        *k = LW__ROUTE_WORKERS;
    else if (segment_is(seg, len, "Activities"))
        *k = LW__ROUTE_ACTIVITIES;
    else if (segment_is(seg, len, "TaskQueues"))
        *k = LW__ROUTE_QUEUES;
    else
        return false;
    return true;
}

bool lw__route_parse(const char *path, size_t len, lw__route *r)
{
    const char *seg;
    size_t at = 0, n;

    if (path == NULL)
        return false;
    if (!next_segment(path, len, &at, &seg, &n) || !segment_is(seg, n, "v1"))
        return false;
    if (!next_segment(path, len, &at, &seg, &n) ||
        !segment_is(seg, n, "Workspaces"))
        return false;
    if (!next_segment(path, len, &at, &r->ws_sid, &r->ws_len))
        return false;
    r->kind = LW__ROUTE_WORKSPACE;
    r->sid = NULL;
    r->sid_len = 0;
    if (at == len)
        return true;

    if (!next_segment(path, len, &at, &seg, &n) ||
        !collection_kind(seg, n, &r->kind))
        return false;
    if (at == len)
        return true;
    if (!next_segment(path, len, &at, &r->sid, &r->sid_len) || at != len)
        return false;
    r->kind = (lw__route_kind)(r->kind + 1);
    return true;
}

/* ---- answering ----------------------------------------------------------- */

/* Is the path fit to be quoted in a message? */
static bool quotable(const char *path, size_t len)
{
    size_t i;

    if (path == NULL || len == 0 || len > 160 || !lw__utf8_valid(path, len))
        return false;
    for (i = 0; i < len; i++)
        if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
            return false;
    return true;
}

static lw_result not_found(lw__ctx *c)
{
    const char *path = c->req->path;
    size_t len = c->req->path_len;

    if (!quotable(path, len))
        return lw__fail(&c->err, LW_ERR_NOT_FOUND, -1,
                        "The requested resource was not found");
    if (len >= 3 && memcmp(path, "/v1", 3) == 0 && (len == 3 ||
                                                    path[3] == '/'))
        path += 3, len -= 3;
    return lw__fail(&c->err, LW_ERR_NOT_FOUND, -1,
                    "The requested resource %.*s was not found",
                    (int)len, len ? path : "/");
}

static bool credentials_ok(const lw_rest *r, const lw_rest_request *req)
{
    if (r->account_sid == NULL)
        return true;
    return lw__basic_auth_ok(req->authorization, req->authorization_len,
                             r->account_sid, r->auth_token);
}

/* Find the workspace and dispatch, under the adapter's shared lock. */
static lw_result route_and_dispatch(lw_rest *r, lw__ctx *c)
{
    size_t i;
    lw_result rc;

    if (!lw__route_parse(c->req->path, c->req->path_len, &c->route))
        return not_found(c);

    pthread_rwlock_rdlock(&r->lock);
    i = find_attached(r, c->route.ws_sid, c->route.ws_len);
    if (i == SIZE_MAX) {
        rc = LW_ERR_NOT_FOUND;
    } else {
        c->ws = r->list[i].ws;
        c->base = lw_workspace_base_url(c->ws);
        rc = lw__rest_dispatch(c);
    }
    pthread_rwlock_unlock(&r->lock);

    if (rc == LW_ERR_NOT_FOUND)
        return not_found(c);
    return rc;
}

static lw_result serve(lw_rest *r, lw__ctx *c)
{
    if (!credentials_ok(r, c->req))
        return lw__fail(&c->err, LW_ERR_AUTH, -1, "Authenticate");
    return route_and_dispatch(r, c);
}

static bool request_ok(const lw_rest_request *q)
{
    size_t i;

    if ((q->method == NULL && q->method_len) ||
        (q->path == NULL && q->path_len) ||
        (q->query == NULL && q->query_len) ||
        (q->body == NULL && q->body_len) ||
        (q->authorization == NULL && q->authorization_len) ||
        (q->if_match_count && (q->if_match == NULL || !q->if_match_len)))
        return false;
    for (i = 0; i < q->if_match_count; i++)
        if (q->if_match[i] == NULL && q->if_match_len[i])
            return false;
    return true;
}

lw_result lw_rest_handle(lw_rest *rest, const lw_rest_request *req,
                         lw_rest_response **out, lw_error *err)
{
    lw_rest_response *resp;
    lw__ctx c;
    lw_result rc;

    if (out != NULL)
        *out = NULL;
    if (rest == NULL || req == NULL || out == NULL || !request_ok(req))
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "NULL argument or a length without its text");
    resp = lw__calloc(&rest->alloc, 1, sizeof *resp);
    if (resp == NULL)
        return lw__fail_code(err, LW_ERR_NOMEM);
    resp->alloc = rest->alloc;

    memset(&c, 0, sizeof c);
    c.alloc = &resp->alloc;
    c.req = req;
    lw__buf_init(&c.out, c.alloc);
    rc = serve(rest, &c);
    if (rc == LW_OK && lw__buf_failed(&c.out))
        rc = LW_ERR_NOMEM;

    if (rc == LW_OK) {
        finish_success(resp, &c);
    } else {
        lw__buf_release(&c.out);
        finish_error(resp, &c, rc);
    }
    *out = resp;
    return LW_OK;
}
