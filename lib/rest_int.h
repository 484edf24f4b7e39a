/*
 * rest_int.h - what the REST adapter's source files share: form decoding,
 * URL encoding, If-Match and Basic credentials, dates and error bodies.
 */
#ifndef LW_REST_INT_H
#define LW_REST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "libworkers/rest.h"

/* ---- form decoding ----------------------------------------------------- */

/* One decoded name=value pair; both are valid UTF-8, not NUL-terminated. */
typedef struct lw__param {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} lw__param;

/* A decoded application/x-www-form-urlencoded text. */
typedef struct lw__form {
    const lw_allocator *alloc;
    lw__param *params;   /* in the order they came */
    size_t count;
    char *text;          /* storage of every decoded name and value */
} lw__form;

/*
 * Decode len bytes of src ('+' is a space, %XX an escaped byte, '&'
 * separates pairs, empty pairs are skipped, a pair without '=' has an
 * empty value).  what names the source in messages ("query string",
 * "body").  Returns LW_OK, LW_ERR_INVALID (a bad escape or invalid UTF-8
 * in any name or value, with its offset in src) or LW_ERR_NOMEM; on
 * failure f is empty and owns nothing.
 */
lw_result lw__form_parse(lw__form *f, const lw_allocator *a,
                         const char *src, size_t len, const char *what,
                         lw_error *err);

/* An empty form (nothing to free). */
void lw__form_init(lw__form *f, const lw_allocator *a);

/* Free what a form holds; it is empty afterwards. */
void lw__form_release(lw__form *f);

/* The last parameter called name (case-sensitive), or NULL. */
const lw__param *lw__form_get(const lw__form *f, const char *name);

/* true, 1 or yes in any case. */
bool lw__form_bool(const char *v, size_t len);

/*
 * Parse plain decimal digits (at least one, nothing else) into *out,
 * saturating at UINT64_MAX.  False when the text is not plain digits.
 */
bool lw__parse_digits(const char *s, size_t len, uint64_t *out);

/* ---- output helpers ---------------------------------------------------- */

/*
 * Append s percent-encoded as RFC 3986 does for a query value: the
 * unreserved characters A-Z a-z 0-9 - . _ ~ as they are, every other
 * byte as %XX with upper-case hex digits.
 */
void lw__buf_url_encode(lw__buf *b, const char *s, size_t len);

/* Append a UTC time, in seconds since 1970, as YYYY-MM-DDTHH:MM:SSZ. */
void lw__buf_date(lw__buf *b, int64_t seconds);

/*
 * Append an error body {"code":C,"message":M,"more_info":U,"status":S}
 * with U the Twilio page of code C.
 */
void lw__buf_error_body(lw__buf *b, int32_t code, const char *message,
                        int32_t status);

/* ---- request headers ----------------------------------------------------- */

/* What an If-Match header list asks for. */
typedef enum lw__precond {
    LW__PRECOND_NONE = 0,    /* no header, or an empty value */
    LW__PRECOND_ANY = 1,     /* "*" */
    LW__PRECOND_VERSION = 2, /* one version, bare or quoted */
    LW__PRECOND_NEVER = 3    /* anything else, or several headers */
} lw__precond;

/*
 * Read count If-Match values (rule 5 of the REST contract).  For
 * LW__PRECOND_VERSION the version is stored in *version.
 */
lw__precond lw__if_match_parse(const char *const *vals, const size_t *lens,
                               size_t count, uint64_t *version);

/*
 * True when an Authorization header value carries HTTP Basic credentials
 * whose user and password equal user and password (NUL-terminated).
 */
bool lw__basic_auth_ok(const char *hdr, size_t len, const char *user,
                       const char *password);

/* ---- one request in flight ---------------------------------------------- */

/* The resources a path can name. */
typedef enum lw__route_kind {
    LW__ROUTE_WORKSPACE = 0,
    LW__ROUTE_WORKERS,
    LW__ROUTE_WORKER,
    LW__ROUTE_ACTIVITIES,
    LW__ROUTE_ACTIVITY,
    LW__ROUTE_QUEUES,
    LW__ROUTE_QUEUE
} lw__route_kind;

/* A parsed path: /v1/Workspaces/{ws}[/{collection}[/{sid}]]. */
typedef struct lw__route {
    lw__route_kind kind;
    const char *ws_sid;
    size_t ws_len;
    const char *sid;     /* the item's SID, or NULL for a collection */
    size_t sid_len;
} lw__route;

/*
 * Split a path into a route; false when it names no resource of the
 * contract (wrong prefix, unknown collection, empty or extra segments).
 */
bool lw__route_parse(const char *path, size_t len, lw__route *r);

/* What kind of ETag a successful response carries. */
typedef enum lw__etag {
    LW__ETAG_NONE = 0,
    LW__ETAG_VERSION,    /* a worker: its version in bare digits */
    LW__ETAG_BODY,       /* a hash of the body */
    LW__ETAG_HASH        /* a hash the handler computed (lw__ctx.hash) */
} lw__etag;

/* 64-bit hash of len bytes, chained from seed. */
uint64_t lw__hash64(const void *data, size_t len, uint64_t seed);

/* The steps lw__hash64 is made of, for hashes of fixed shapes: fold eight
 * bytes with a key (independent folds run side by side), and mix a word
 * into a running hash. */
static inline uint64_t lw__hash_fold(const void *p, uint64_t key)
{
    uint64_t w, x;

    memcpy(&w, p, sizeof w);
    x = w ^ key;
    return w + (uint64_t)(uint32_t)x * (uint32_t)(x >> 32);
}

static inline uint64_t lw__hash_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15u;
    return h ^ (h >> 29);
}

/* The state of one request while it is being answered. */
typedef struct lw__ctx {
    const lw_allocator *alloc;
    const lw_rest_request *req;
    lw__route route;
    lw_workspace *ws;
    const char *base;       /* the workspace's base URL */
    lw__buf out;            /* the response body being rendered */
    int32_t status;         /* of a success */
    lw__etag etag;
    int64_t version;        /* for LW__ETAG_VERSION */
    uint64_t hash;          /* for LW__ETAG_HASH */
    lw_error err;           /* of a failure */
} lw__ctx;

/*
 * Answer a request whose path named an attached workspace: check the
 * method, read the parameters, call the store and render.  Returns LW_OK
 * with c->status, c->out and c->etag set, or an error code with c->err
 * filled (LW_ERR_NOT_FOUND may leave the message to the caller).
 */
lw_result lw__rest_dispatch(lw__ctx *c);

/* ---- rendering ----------------------------------------------------------- */

/* Append "<base>/v1/Workspaces/<WS>" (no quotes). */
void lw__render_ws_url(lw__buf *b, const char *base, const char *ws_sid);

/*
 * The end of a worker's JSON, its "url" and "links", is the same text for
 * every worker of a workspace but for the worker's and its activity's
 * SIDs: it is built once per page and copied with those written in.
 */
#define LW__WORKER_TAIL_MAX 4608
typedef struct lw__worker_tail {
    bool ready;
    size_t len;
    size_t wk_at[6];   /* where the worker SID goes */
    size_t wa_at;      /* where the activity SID goes */
    char text[LW__WORKER_TAIL_MAX];
} lw__worker_tail;

/* Render a worker; tail (zeroed before the first call) may be shared by
 * the workers of one page, or NULL. */
void lw__render_worker(lw__buf *b, const char *base, const lw_worker *w,
                       lw__worker_tail *tail);
void lw__render_activity(lw__buf *b, const char *base,
                         const lw_activity *a);
void lw__render_task_queue(lw__buf *b, const char *base,
                           const lw_task_queue *q);
void lw__render_workspace(lw__buf *b, const char *base,
                          const lw_workspace_info *info);

#endif /* LW_REST_INT_H */
