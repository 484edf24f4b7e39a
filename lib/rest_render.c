/*
 * rest_render.c - hand-written JSON of workers, activities, task queues
 * and the workspace, with the keys, order and links of the REST contract.
 */
#include <string.h>

#include "rest_int.h"

/* Append a string literal without measuring it at run time. */
#define PUT(b, lit) lw__buf_append((b), (lit), sizeof(lit) - 1)

static void put_text(lw__buf *b, const char *s)
{
    lw__buf_append(b, s, strlen(s));
}

/* "key":"value" with value JSON-escaped; the key literal has its quotes
 * and colon, and a leading comma when one is needed. */
static void put_string(lw__buf *b, const char *key, size_t key_len,
                       const char *value)
{
    lw__buf_append(b, key, key_len);
    lw__buf_json_string(b, value, strlen(value));
}

#define STRING(b, key, value) put_string((b), (key), sizeof(key) - 1, (value))

/* The same for a SID, which never needs escaping. */
static void put_sid(lw__buf *b, const char *key, size_t key_len,
                    const char *sid)
{
    lw__buf_append(b, key, key_len);
    lw__buf_putc(b, '"');
    put_text(b, sid);
    lw__buf_putc(b, '"');
}

#define SID(b, key, sid) put_sid((b), (key), sizeof(key) - 1, (sid))

/* "key":"YYYY-MM-DDTHH:MM:SSZ" from milliseconds (whole seconds). */
static void put_date(lw__buf *b, const char *key, size_t key_len,
                     int64_t ms)
{
    int64_t s = ms >= 0 ? ms / 1000 : -((-(ms + 1)) / 1000) - 1;

    lw__buf_append(b, key, key_len);
    lw__buf_putc(b, '"');
    lw__buf_date(b, s);
    lw__buf_putc(b, '"');
}

#define DATE(b, key, ms) put_date((b), (key), sizeof(key) - 1, (ms))

static void put_bool(lw__buf *b, const char *key, size_t key_len, bool v)
{
    lw__buf_append(b, key, key_len);
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
    lw__buf_putc(b, '"');
    lw__render_ws_url(b, base, ws);
    put_text(b, mid);
    put_text(b, sid);
    put_text(b, tail);
    lw__buf_putc(b, '"');
}

/* ---- worker -------------------------------------------------------------- */

static void worker_links(lw__buf *b, const char *base, const char *ws,
                         const char *wk, const char *wa)
{
    const char *w = "/Workers/";

    put_url(b, ",\"links\":{\"channels\":", base, ws, w, wk, "/Channels");
    put_url(b, ",\"activity\":", base, ws, "/Activities/", wa, "");
    put_url(b, ",\"workspace\":", base, ws, "", "", "");
    put_url(b, ",\"statistics\":", base, ws, "/Workers/Statistics", "", "");
    put_url(b, ",\"real_time_statistics\":", base, ws,
            "/Workers/RealTimeStatistics", "", "");
    put_url(b, ",\"cumulative_statistics\":", base, ws,
            "/Workers/CumulativeStatistics", "", "");
    put_url(b, ",\"worker_statistics\":", base, ws, w, wk, "/Statistics");
    put_url(b, ",\"worker_channels\":", base, ws, w, wk, "/Channels");
    put_url(b, ",\"reservations\":", base, ws, w, wk, "/Reservations");
    lw__buf_putc(b, '}');
}

void lw__render_worker(lw__buf *b, const char *base, const lw_worker *w)
{
    const char *ws = lw_worker_workspace_sid(w);
    const char *wk = lw_worker_sid(w);
    size_t attrs_len;
    const char *attrs = lw_worker_attributes(w, &attrs_len);

    SID(b, "{\"sid\":", wk);
    STRING(b, ",\"friendly_name\":", lw_worker_friendly_name(w));
    SID(b, ",\"account_sid\":", lw_worker_account_sid(w));
    SID(b, ",\"activity_sid\":", lw_worker_activity_sid(w));
    STRING(b, ",\"activity_name\":", lw_worker_activity_name(w));
    SID(b, ",\"workspace_sid\":", ws);

    PUT(b, ",\"attributes\":");
    lw__buf_json_string(b, attrs, attrs_len);
    BOOL(b, ",\"available\":", lw_worker_available(w));
    DATE(b, ",\"date_created\":", lw_worker_date_created(w));
    DATE(b, ",\"date_updated\":", lw_worker_date_updated(w));
    DATE(b, ",\"date_status_changed\":", lw_worker_date_status_changed(w));

    put_url(b, ",\"url\":", base, ws, "/Workers/", wk, "");
    worker_links(b, base, ws, wk, lw_worker_activity_sid(w));
    lw__buf_putc(b, '}');
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
    lw__buf_json_string(b, target, target_len);
    DATE(b, ",\"date_created\":", lw_task_queue_date_created(q));
    DATE(b, ",\"date_updated\":", lw_task_queue_date_updated(q));
    SID(b, ",\"account_sid\":", lw_task_queue_account_sid(q));
    SID(b, ",\"workspace_sid\":", ws);
    put_url(b, ",\"url\":", base, ws, "/TaskQueues/", lw_task_queue_sid(q),
            "");
    lw__buf_putc(b, '}');
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
            lw__buf_putc(b, ',');
        lw__buf_putc(b, '"');
        put_text(b, links[i][0]);
        put_url(b, "\":", base, ws, links[i][1], "", "");
    }
    lw__buf_putc(b, '}');
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
    lw__buf_putc(b, '}');
}
