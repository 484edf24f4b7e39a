/*
 * rest_render.c - hand-written JSON of workers, activities, task queues
 * and the workspace, with the keys, order and links of the REST contract.
 */
#include <string.h>

#include "rest_int.h"

/*
 * Append n bytes.  The common case, room already there, is a copy and no
 * call: a page of workers is made of thousands of small pieces.
 */
static inline void emit(lw__buf *b, const char *s, size_t n)
{
    if (LW__LIKELY(!b->failed && b->cap - b->len > n)) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    lw__buf_append(b, s, n);
}

/* Append a string literal without measuring it at run time. */
#define PUT(b, lit) emit((b), (lit), sizeof(lit) - 1)

static void put_text(lw__buf *b, const char *s)
{
    emit(b, s, strlen(s));
}

/*
 * How each byte is written inside a JSON string: 0 as itself, 'u' as a
 * \u00XX escape, any other value as a backslash and that character.
 */
static const unsigned char escapes[256] = {
    ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
    [0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u',
    [0x05] = 'u', [0x06] = 'u', [0x07] = 'u', [0x0b] = 'u', [0x0e] = 'u',
    [0x0f] = 'u', [0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u',
    [0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u', [0x18] = 'u',
    [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u', [0x1d] = 'u',
    [0x1e] = 'u', [0x1f] = 'u', ['"'] = '"', ['\\'] = '\\',
};

/*
 * Append s as a JSON string, quotes included.  Room for the worst case
 * (every byte a \u00XX escape) is taken first, so the loop writes
 * without checks; callers that must not fail reserve that much.
 */
static void put_json(lw__buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    char *o;
    size_t i;

    if (len > (SIZE_MAX - 3) / 6 || !lw__buf_reserve(b, 6 * len + 2))
        return;
    o = b->data + b->len;
    *o++ = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = p[i], e = escapes[c];

        if (LW__LIKELY(e == 0)) {
            *o++ = (char)c;
        } else if (e != 'u') {
            o[0] = '\\';
            o[1] = (char)e;
            o += 2;
        } else {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
        }
    }
    *o++ = '"';
    *o = '\0';
    b->len = (size_t)(o - b->data);
}

/* "key":"value" with value JSON-escaped; the key literal has its quotes
 * and colon, and a leading comma when one is needed. */
static void put_string(lw__buf *b, const char *key, size_t key_len,
                       const char *value)
{
    emit(b, key, key_len);
    put_json(b, value, strlen(value));
}

#define STRING(b, key, value) put_string((b), (key), sizeof(key) - 1, (value))

/* The same for a SID, which never needs escaping. */
static void put_sid(lw__buf *b, const char *key, size_t key_len,
                    const char *sid)
{
    emit(b, key, key_len);
    PUT(b, "\"");
    put_text(b, sid);
    PUT(b, "\"");
}

#define SID(b, key, sid) put_sid((b), (key), sizeof(key) - 1, (sid))

/* "key":"YYYY-MM-DDTHH:MM:SSZ" from milliseconds (whole seconds). */
static void put_date(lw__buf *b, const char *key, size_t key_len,
                     int64_t ms)
{
    int64_t s = ms >= 0 ? ms / 1000 : -((-(ms + 1)) / 1000) - 1;

    emit(b, key, key_len);
    PUT(b, "\"");
    lw__buf_date(b, s);
    PUT(b, "\"");
}

#define DATE(b, key, ms) put_date((b), (key), sizeof(key) - 1, (ms))

static void put_bool(lw__buf *b, const char *key, size_t key_len, bool v)
{
    emit(b, key, key_len);
    if (v)
        PUT(b, "true");
    else
        PUT(b, "false");
}

#define BOOL(b, key, v) put_bool((b), (key), sizeof(key) - 1, (v))

void lw__render_ws_url(lw__buf *b, const char *base, const char *ws_sid)
{
    put_text(b, base);
    PUT(b, "/v1/Workspaces/");
    put_text(b, ws_sid);
}

/*
 * "key":"<base>/v1/Workspaces/<ws><mid><sid><tail>" where mid, sid and
 * tail may be empty.
 */
static void put_url(lw__buf *b, const char *key, const char *base,
                    const char *ws, const char *mid, const char *sid,
                    const char *tail)
{
    put_text(b, key);
    PUT(b, "\"");
    lw__render_ws_url(b, base, ws);
    put_text(b, mid);
    put_text(b, sid);
    put_text(b, tail);
    PUT(b, "\"");
}

/* ---- worker -------------------------------------------------------------- */

/* Append again len bytes found at off in the same buffer. */
static void again(lw__buf *b, size_t off, size_t len)
{
    if (!lw__buf_reserve(b, len))
        return;
    memcpy(b->data + b->len, b->data + off, len);
    b->len += len;
    b->data[b->len] = '\0';
}

/* Where the worker's URL sits in the buffer, to copy it into links. */
typedef struct url_at {
    size_t off;
    size_t ws_len;   /* of "<base>/v1/Workspaces/<WS>" */
    size_t wk_len;   /* of the whole "<...>/Workers/<WK>" */
} url_at;

/* "key":"<the URL's first len bytes><tail>" */
static void link(lw__buf *b, const char *key, size_t key_len,
                 const url_at *u, size_t len, const char *tail,
                 size_t tail_len)
{
    emit(b, key, key_len);
    PUT(b, "\"");
    again(b, u->off, len);
    emit(b, tail, tail_len);
    PUT(b, "\"");
}

#define WS_LINK(b, key, u, tail) \
    link((b), (key), sizeof(key) - 1, (u), (u)->ws_len, (tail), \
         sizeof(tail) - 1)
#define WK_LINK(b, key, u, tail) \
    link((b), (key), sizeof(key) - 1, (u), (u)->wk_len, (tail), \
         sizeof(tail) - 1)

static void worker_links(lw__buf *b, const url_at *u, const char *wa)
{
    WK_LINK(b, ",\"links\":{\"channels\":", u, "/Channels");
    PUT(b, ",\"activity\":\"");
    again(b, u->off, u->ws_len);
    PUT(b, "/Activities/");
    put_text(b, wa);
    PUT(b, "\"");
    WS_LINK(b, ",\"workspace\":", u, "");
    WS_LINK(b, ",\"statistics\":", u, "/Workers/Statistics");
    WS_LINK(b, ",\"real_time_statistics\":", u,
            "/Workers/RealTimeStatistics");
    WS_LINK(b, ",\"cumulative_statistics\":", u,
            "/Workers/CumulativeStatistics");
    WK_LINK(b, ",\"worker_statistics\":", u, "/Statistics");
    WK_LINK(b, ",\"worker_channels\":", u, "/Channels");
    WK_LINK(b, ",\"reservations\":", u, "/Reservations");
    PUT(b, "}");
}

void lw__render_worker(lw__buf *b, const char *base, const lw_worker *w)
{
    const char *ws = lw_worker_workspace_sid(w);
    const char *wk = lw_worker_sid(w);
    size_t attrs_len;
    const char *attrs = lw_worker_attributes(w, &attrs_len);
    url_at u;

    SID(b, "{\"sid\":", wk);
    STRING(b, ",\"friendly_name\":", lw_worker_friendly_name(w));
    SID(b, ",\"account_sid\":", lw_worker_account_sid(w));
    SID(b, ",\"activity_sid\":", lw_worker_activity_sid(w));
    STRING(b, ",\"activity_name\":", lw_worker_activity_name(w));
    SID(b, ",\"workspace_sid\":", ws);

    PUT(b, ",\"attributes\":");
    put_json(b, attrs, attrs_len);
    BOOL(b, ",\"available\":", lw_worker_available(w));
    DATE(b, ",\"date_created\":", lw_worker_date_created(w));
    DATE(b, ",\"date_updated\":", lw_worker_date_updated(w));
    DATE(b, ",\"date_status_changed\":", lw_worker_date_status_changed(w));

    /* The URL once; the links copy its prefixes. */
    PUT(b, ",\"url\":\"");
    u.off = b->len;
    lw__render_ws_url(b, base, ws);
    u.ws_len = b->len - u.off;
    PUT(b, "/Workers/");
    put_text(b, wk);
    u.wk_len = b->len - u.off;
    PUT(b, "\"");
    worker_links(b, &u, lw_worker_activity_sid(w));
    PUT(b, "}");
}

/* ---- activity and task queue --------------------------------------------- */

void lw__render_activity(lw__buf *b, const char *base,
                         const lw_activity *a)
{
    const char *ws = lw_activity_workspace_sid(a);

    SID(b, "{\"sid\":", lw_activity_sid(a));
    STRING(b, ",\"friendly_name\":", lw_activity_friendly_name(a));
    BOOL(b, ",\"available\":", lw_activity_available(a));
    DATE(b, ",\"date_created\":", lw_activity_date_created(a));
    DATE(b, ",\"date_updated\":", lw_activity_date_updated(a));
    SID(b, ",\"account_sid\":", lw_activity_account_sid(a));
    SID(b, ",\"workspace_sid\":", ws);
    put_url(b, ",\"url\":", base, ws, "/Activities/", lw_activity_sid(a),
            "");
    put_url(b, ",\"links\":{\"workspace\":", base, ws, "", "", "");
    PUT(b, "}}");
}

void lw__render_task_queue(lw__buf *b, const char *base,
                           const lw_task_queue *q)
{
    const char *ws = lw_task_queue_workspace_sid(q);
    size_t target_len;
    const char *target = lw_task_queue_target_workers(q, &target_len);

    SID(b, "{\"sid\":", lw_task_queue_sid(q));
    STRING(b, ",\"friendly_name\":", lw_task_queue_friendly_name(q));
    PUT(b, ",\"target_workers\":");
    put_json(b, target, target_len);
    DATE(b, ",\"date_created\":", lw_task_queue_date_created(q));
    DATE(b, ",\"date_updated\":", lw_task_queue_date_updated(q));
    SID(b, ",\"account_sid\":", lw_task_queue_account_sid(q));
    SID(b, ",\"workspace_sid\":", ws);
    put_url(b, ",\"url\":", base, ws, "/TaskQueues/", lw_task_queue_sid(q),
            "");
    PUT(b, "}");
}

/* ---- workspace ----------------------------------------------------------- */

static void workspace_links(lw__buf *b, const char *base, const char *ws)
{
    static const char *const links[][2] = {
        {"activities", "/Activities"},
        {"statistics", "/Statistics"},
        {"real_time_statistics", "/RealTimeStatistics"},
        {"cumulative_statistics", "/CumulativeStatistics"},
        {"task_channels", "/TaskChannels"},
        {"task_queues", "/TaskQueues"},
        {"tasks", "/Tasks"},
        {"workers", "/Workers"},
        {"workflows", "/Workflows"},
        {"events", "/Events"},
    };
    size_t i;

    PUT(b, ",\"links\":{");
    for (i = 0; i < sizeof links / sizeof links[0]; i++) {
        if (i > 0)
            PUT(b, ",");
        PUT(b, "\"");
        put_text(b, links[i][0]);
        put_url(b, "\":", base, ws, links[i][1], "", "");
    }
    PUT(b, "}");
}

void lw__render_workspace(lw__buf *b, const char *base,
                          const lw_workspace_info *info)
{
    const char *ws = lw_workspace_info_sid(info);

    SID(b, "{\"sid\":", ws);
    SID(b, ",\"account_sid\":", lw_workspace_info_account_sid(info));
    STRING(b, ",\"friendly_name\":", lw_workspace_info_friendly_name(info));
    SID(b, ",\"default_activity_sid\":",
        lw_workspace_info_default_activity_sid(info));
    STRING(b, ",\"default_activity_name\":",
           lw_workspace_info_default_activity_name(info));
    SID(b, ",\"timeout_activity_sid\":",
        lw_workspace_info_timeout_activity_sid(info));
    STRING(b, ",\"timeout_activity_name\":",
           lw_workspace_info_timeout_activity_name(info));
    DATE(b, ",\"date_created\":", lw_workspace_info_date_created(info));
    DATE(b, ",\"date_updated\":", lw_workspace_info_date_updated(info));
    put_url(b, ",\"url\":", base, ws, "", "", "");
    workspace_links(b, base, ws);
    PUT(b, "}");
}
