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

/* Write the escape of one byte that needs one; returns the new end. */
static char *escape_byte(char *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char e = escapes[c];

    if (e != 'u') {
        o[0] = '\\';
        o[1] = (char)e;
        return o + 2;
    }
    memcpy(o, "\\u00", 4);
    o[4] = hex[c >> 4];
    o[5] = hex[c & 15];
    return o + 6;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORD_SCAN 1

/* High bit set in each byte of t that is zero, and only in those. */
static inline uint64_t zero_bytes(uint64_t t)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fu;

    return ~(((t & low7) + low7) | t | low7);
}

/* High bit set in each byte of x that needs escaping: below 0x20, '"'
 * or '\\'. */
static inline uint64_t special_bytes(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u;

    return zero_bytes(x ^ (ones * '"')) | zero_bytes(x ^ (ones * '\\')) |
           zero_bytes(x & (ones * 0xe0));
}
#endif

/*
 * Append s as a JSON string, quotes included.  Room for the worst case
 * (every byte a \u00XX escape) is taken first, so the loop writes
 * without checks; callers that must not fail reserve that much.  Eight
 * bytes are looked at at once: runs without anything to escape are
 * copied a word at a time.
 */
static void put_json(lw__buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    char *o;
    size_t i = 0;

    if (len > (SIZE_MAX - 10) / 6 || !lw__buf_reserve(b, 6 * len + 10))
        return;
    o = b->data + b->len;
    *o++ = '"';
#ifdef WORD_SCAN
    for (; i + 8 <= len; i += 8) {
        uint64_t x, m;
        size_t run = 0;

        /* Copy the word, then redo it from each byte that needs an
         * escape: there is room for eight more bytes past any point. */
        memcpy(&x, p + i, 8);
        memcpy(o, p + i, 8);
        for (m = special_bytes(x); m != 0; m &= m - 1) {
            size_t k = (size_t)__builtin_ctzll(m) / 8;
            uint64_t rest;

            o = escape_byte(o + (k - run), p[i + k]);
            run = k + 1;
            rest = run < 8 ? x >> (8 * run) : 0;
            memcpy(o, &rest, 8);
        }
        o += 8 - run;
    }
#endif
    for (; i < len; i++) {
        if (LW__LIKELY(escapes[p[i]] == 0))
            *o++ = (char)p[i];
        else
            o = escape_byte(o, p[i]);
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

/* Append text to a tail being built (room is checked by the caller). */
static void tail_add(lw__worker_tail *t, const char *text)
{
    size_t n = strlen(text);

    memcpy(t->text + t->len, text, n);
    t->len += n;
}

/* "<base>/v1/Workspaces/<ws>" and, when wk_slot is not NULL,
 * "/Workers/<worker SID>" with the SID's place recorded there. */
static void tail_url(lw__worker_tail *t, const char *base, const char *ws,
                     size_t *wk_slot)
{
    tail_add(t, base);
    tail_add(t, "/v1/Workspaces/");
    tail_add(t, ws);
    if (wk_slot != NULL) {
        tail_add(t, "/Workers/");
        *wk_slot = t->len;
        memset(t->text + t->len, 'x', LW_SID_LEN);
        t->len += LW_SID_LEN;
    }
}

static void tail_link(lw__worker_tail *t, const char *key, const char *base,
                      const char *ws, size_t *wk_slot, const char *tail)
{
    tail_add(t, key);
    tail_url(t, base, ws, wk_slot);
    tail_add(t, tail);
    tail_add(t, "\"");
}

/* Build the tail for a workspace; false when its base URL is too long for
 * the fixed room (it never is: base URLs are at most 256 bytes). */
static bool tail_build(lw__worker_tail *t, const char *base, const char *ws)
{
    if (strlen(base) > 320)
        return false;
    t->len = 0;
    tail_link(t, ",\"url\":\"", base, ws, &t->wk_at[0], "");
    tail_link(t, ",\"links\":{\"channels\":\"", base, ws, &t->wk_at[1],
              "/Channels");
    tail_link(t, ",\"activity\":\"", base, ws, NULL, "/Activities/");
    t->wa_at = t->len - 1;
    t->len--;
    memset(t->text + t->len, 'x', LW_SID_LEN);
    t->len += LW_SID_LEN;
    tail_add(t, "\"");
    tail_link(t, ",\"workspace\":\"", base, ws, NULL, "");
    tail_link(t, ",\"statistics\":\"", base, ws, NULL, "/Workers/Statistics");
    tail_link(t, ",\"real_time_statistics\":\"", base, ws, NULL,
              "/Workers/RealTimeStatistics");
    tail_link(t, ",\"cumulative_statistics\":\"", base, ws, NULL,
              "/Workers/CumulativeStatistics");
    tail_link(t, ",\"worker_statistics\":\"", base, ws, &t->wk_at[2],
              "/Statistics");
    tail_link(t, ",\"worker_channels\":\"", base, ws, &t->wk_at[3],
              "/Channels");
    tail_link(t, ",\"reservations\":\"", base, ws, &t->wk_at[4],
              "/Reservations");
    tail_add(t, "}}");
    t->ready = true;
    return true;
}

/* Copy the tail with this worker's SIDs written in. */
static void put_tail(lw__buf *b, const lw__worker_tail *t, const char *wk,
                     const char *wa)
{
    char *o;
    size_t k;

    if (!lw__buf_reserve(b, t->len))
        return;
    o = b->data + b->len;
    memcpy(o, t->text, t->len);
    for (k = 0; k < 5; k++)
        memcpy(o + t->wk_at[k], wk, LW_SID_LEN);
    memcpy(o + t->wa_at, wa, LW_SID_LEN);
    b->len += t->len;
    b->data[b->len] = '\0';
}

void lw__render_worker(lw__buf *b, const char *base, const lw_worker *w,
                       lw__worker_tail *tail)
{
    const char *ws = lw_worker_workspace_sid(w);
    const char *wk = lw_worker_sid(w);
    size_t attrs_len;
    const char *attrs = lw_worker_attributes(w, &attrs_len);
    lw__worker_tail local;

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

    /* "url" and "links": the workspace's tail with the SIDs in place. */
    if (tail == NULL) {
        tail = &local;
        tail->ready = false;
    }
    if (!tail->ready && !tail_build(tail, base, ws)) {
        b->failed = true;
        return;
    }
    put_tail(b, tail, wk, lw_worker_activity_sid(w));
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
