/*
 * store_io.c - save and restore: a whole workspace as JSON text and
 * back, exactly (versions, dates and pending counts included).  Import
 * reads the text with cJSON, allocating through the options' allocator.
 */
#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "store_int.h"

#define FORMAT_NAME "libworkers-workspace"
#define FORMAT_VERSION 1
#define MAX_EXACT 9007199254740992.0  /* 2^53 */

/* ---- export ------------------------------------------------------------ */

static void put_key(lw__buf *b, const char *key, bool first)
{
    if (!first)
        lw__buf_putc(b, ',');
    lw__buf_json_string(b, key, strlen(key));
    lw__buf_putc(b, ':');
}

static void put_str(lw__buf *b, const char *key, const char *s, size_t len,
                    bool first)
{
    put_key(b, key, first);
    lw__buf_json_string(b, s, len);
}

static void put_int(lw__buf *b, const char *key, int64_t v)
{
    put_key(b, key, false);
    lw__buf_printf(b, "%lld", (long long)v);
}

static void export_header(lw__buf *b, const lw_workspace *ws)
{
    lw__buf_putc(b, '{');
    put_str(b, "format", FORMAT_NAME, strlen(FORMAT_NAME), true);
    put_int(b, "format_version", FORMAT_VERSION);
    put_str(b, "sid", ws->sid, LW_SID_LEN, false);
    put_str(b, "account_sid", ws->account_sid, LW_SID_LEN, false);
    put_str(b, "friendly_name", ws->friendly_name,
            strlen(ws->friendly_name), false);
    put_str(b, "base_url", ws->base_url, strlen(ws->base_url), false);
    put_int(b, "worker_cap", ws->cap);
    put_int(b, "attributes_max_bytes", ws->attrs_max);
    put_int(b, "date_created", ws->date_created);
    put_int(b, "date_updated", ws->date_updated);
    put_str(b, "default_activity_sid", ws->default_act->sid, LW_SID_LEN,
            false);
    put_str(b, "timeout_activity_sid", ws->timeout_act->sid, LW_SID_LEN,
            false);
}

static void export_activities(lw__buf *b, const lw_workspace *ws)
{
    uint32_t i;

    put_key(b, "activities", false);
    lw__buf_putc(b, '[');
    for (i = 0; i < ws->nacts; i++) {
        const lw_activity *a = ws->acts[i]->snap;

        lw__buf_puts(b, i ? ",\n{" : "\n{");
        put_str(b, "sid", a->sid, LW_SID_LEN, true);
        put_str(b, "friendly_name", a->name, strlen(a->name), false);
        put_key(b, "available", false);
        lw__buf_puts(b, a->available ? "true" : "false");
        put_int(b, "date_created", a->date_created);
        put_int(b, "date_updated", a->date_updated);
        lw__buf_putc(b, '}');
    }
    lw__buf_putc(b, ']');
}

static void export_queues(lw__buf *b, const lw_workspace *ws)
{
    uint32_t i;

    put_key(b, "task_queues", false);
    lw__buf_putc(b, '[');
    for (i = 0; i < ws->nqueues; i++) {
        const lw_task_queue *q = ws->queues[i]->snap;

        lw__buf_puts(b, i ? ",\n{" : "\n{");
        put_str(b, "sid", q->sid, LW_SID_LEN, true);
        put_str(b, "friendly_name", q->name, strlen(q->name), false);
        put_str(b, "target_workers", q->target, q->target_len, false);
        put_int(b, "date_created", q->date_created);
        put_int(b, "date_updated", q->date_updated);
        lw__buf_putc(b, '}');
    }
    lw__buf_putc(b, ']');
}

static void export_workers(lw__buf *b, const lw_workspace *ws)
{
    uint32_t i;

    put_key(b, "workers", false);
    lw__buf_putc(b, '[');
    for (i = 0; i < ws->nworkers; i++) {
        const lw_worker *w = ws->workers[i]->snap;
        const lw__sym *name = w->builtins[LW__BUILTIN_FRIENDLY_NAME];
        size_t len;
        const char *text = lw_attrs_text(w->attrs, &len);

        lw__buf_puts(b, i ? ",\n{" : "\n{");
        put_str(b, "sid", lw__rec_sid(ws->workers[i]), LW_SID_LEN, true);
        put_str(b, "friendly_name", name->bytes, name->len, false);
        put_str(b, "activity_sid",
                w->builtins[LW__BUILTIN_ACTIVITY_SID]->bytes, LW_SID_LEN,
                false);
        put_str(b, "attributes", text, len, false);
        put_int(b, "version", lw__snap_version(w));
        put_int(b, "pending_reservations", w->pending);
        put_int(b, "date_created", w->date_created);
        put_int(b, "date_updated", w->date_updated);
        put_int(b, "date_status_changed", w->date_status_changed);
        lw__buf_putc(b, '}');
    }
    lw__buf_putc(b, ']');
}

lw_result lw_workspace_export(lw_workspace *ws, char **out, size_t *len,
                              lw_error *err)
{
    lw__buf b;

    if (ws == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    lw__buf_init(&b, &ws->alloc);
    pthread_rwlock_rdlock(&ws->lock);
    export_header(&b, ws);
    export_activities(&b, ws);
    export_queues(&b, ws);
    export_workers(&b, ws);
    pthread_rwlock_unlock(&ws->lock);
    lw__buf_puts(&b, "}\n");
    if (lw__buf_failed(&b)) {
        lw__buf_release(&b);
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    }
    *out = lw__buf_take(&b, len);
    return LW_OK;
}

/* ---- import: reading fields -------------------------------------------- */

/* Where in the document a field is read, for messages. */
typedef struct reader {
    lw_workspace *ws;  /* NULL until the workspace exists */
    lw_error *err;
    const char *where;
    int index;         /* item number, or -1 */
} reader;

static lw_result bad(const reader *r, const char *key, const char *what)
{
    lw_error e;

    if (r->index >= 0)
        lw__fail(&e, LW_ERR_INVALID, -1, "import: %s[%d].%s %s", r->where,
                 r->index, key, what);
    else
        lw__fail(&e, LW_ERR_INVALID, -1, "import: %s %s", key, what);
    if (r->ws != NULL)
        return lw__ws_forward(r->ws, r->err, &e);
    if (r->err != NULL)
        *r->err = e;
    return LW_ERR_INVALID;
}

static lw_result get_str(const reader *r, const cJSON *obj, const char *key,
                         const char **out, size_t *len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = "";
    *len = 0;
    /* cJSON's parser gives every string a value: NULL is only a guard. */
    if (!cJSON_IsString(v) || v->valuestring == NULL)  /* GCOVR_EXCL_BR_LINE */
        return bad(r, key, "must be a string");
    *out = v->valuestring;
    *len = strlen(v->valuestring);
    return LW_OK;
}

static lw_result get_int(const reader *r, const cJSON *obj, const char *key,
                         int64_t lo, int64_t hi, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    double d;

    if (!cJSON_IsNumber(v))
        return bad(r, key, "must be a number");
    d = v->valuedouble;
    if (d != floor(d) || fabs(d) > MAX_EXACT || d < (double)lo ||
        d > (double)hi)
        return bad(r, key, "is out of range");
    *out = (int64_t)d;
    return LW_OK;
}

static lw_result get_sid(const reader *r, const cJSON *obj, const char *key,
                         const char *prefix, const char **out)
{
    size_t len;
    lw_result rc = get_str(r, obj, key, out, &len);

    if (rc == LW_OK && !lw__sid_valid(*out, len, prefix))
        return bad(r, key, "is not a valid SID");
    return rc;
}

static lw_result get_name(const reader *r, const cJSON *obj,
                          const char **out, size_t *len)
{
    lw_result rc = get_str(r, obj, "friendly_name", out, len);

    if (rc == LW_OK && lw__check_name(NULL, *out, *len, "friendly_name",
                                      NULL) != LW_OK)
        return bad(r, "friendly_name", "is not a valid friendly name");
    return rc;
}

static const cJSON *get_array(const reader *r, const cJSON *root,
                              const char *key, int limit, lw_result *rc)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

    if (!cJSON_IsArray(v))
        *rc = bad(r, key, "must be an array");
    else if (cJSON_GetArraySize(v) > limit)
        *rc = bad(r, key, "has more items than the workspace allows");
    return v;
}

/* ---- import: the workspace itself -------------------------------------- */

static lw_result import_options(const reader *r, const cJSON *root,
                                lw_workspace_options *o)
{
    const char *s;
    size_t len;
    int64_t v;
    lw_result rc = get_sid(r, root, "sid", "WS", &s);

    if (rc == LW_OK)
        rc = lw_workspace_options_set_workspace_sid(o, s, LW_SID_LEN);
    /* Setting a SID get_sid() accepted cannot fail: rc is LW_OK here. */
    /* GCOVR_EXCL_BR_START */
    if (rc == LW_OK && (rc = get_sid(r, root, "account_sid", "AC", &s)) ==
                           LW_OK)
        rc = lw_workspace_options_set_account_sid(o, s, LW_SID_LEN);
    /* GCOVR_EXCL_BR_STOP */
    if (rc == LW_OK && (rc = get_name(r, root, &s, &len)) == LW_OK &&
        lw_workspace_options_set_friendly_name(o, s, len) != LW_OK)
        rc = lw__fail_code(r->err, LW_ERR_NOMEM);
    if (rc == LW_OK && (rc = get_str(r, root, "base_url", &s, &len)) ==
                           LW_OK &&
        lw_workspace_options_set_base_url(o, s, len) != LW_OK)
        rc = bad(r, "base_url", "is not a valid base URL");
    if (rc == LW_OK &&
        (rc = get_int(r, root, "worker_cap", 1, UINT32_MAX, &v)) == LW_OK)
        o->cap = (uint32_t)v;
    if (rc == LW_OK && (rc = get_int(r, root, "attributes_max_bytes", 1,
                                     UINT32_MAX, &v)) == LW_OK)
        o->attrs_max = (uint32_t)v;
    return rc;
}

static lw_result import_format(const reader *r, const cJSON *root)
{
    const char *s;
    size_t len;
    int64_t v;
    lw_result rc;

    if (!cJSON_IsObject(root))
        return bad(r, "the document", "must be a JSON object");
    rc = get_str(r, root, "format", &s, &len);
    if (rc == LW_OK && strcmp(s, FORMAT_NAME) != 0)
        return bad(r, "format", "is not \"" FORMAT_NAME "\"");
    if (rc == LW_OK)
        rc = get_int(r, root, "format_version", FORMAT_VERSION,
                     FORMAT_VERSION, &v);
    return rc;
}

/* ---- import: activities, queues, workers ------------------------------- */

static lw_result import_activity(reader *r, const cJSON *it)
{
    lw_workspace *ws = r->ws;
    const char *sid, *name;
    size_t len;
    int64_t created, updated;
    const cJSON *avail = cJSON_GetObjectItemCaseSensitive(it, "available");
    lw_result rc = get_sid(r, it, "sid", "WA", &sid);

    if (rc == LW_OK && lw__act_find(ws, sid, LW_SID_LEN) != NULL)
        rc = bad(r, "sid", "is used twice");
    if (rc == LW_OK && (rc = get_name(r, it, &name, &len)) == LW_OK &&
        lw__names_find(&ws->act_names, name, len) != NULL)
        rc = bad(r, "friendly_name", "is used twice");
    if (rc == LW_OK && !cJSON_IsBool(avail))
        rc = bad(r, "available", "must be true or false");
    if (rc == LW_OK)
        rc = get_int(r, it, "date_created", INT64_MIN, INT64_MAX, &created);
    if (rc == LW_OK)
        rc = get_int(r, it, "date_updated", INT64_MIN, INT64_MAX, &updated);
    if (rc == LW_OK)
        rc = lw__act_add(ws, sid, name, len, cJSON_IsTrue(avail), created,
                         updated, r->err);
    return rc;
}

static lw_result import_queue(reader *r, const cJSON *it)
{
    lw_workspace *ws = r->ws;
    const char *sid, *name, *target;
    size_t len, tlen;
    int64_t created, updated;
    lw_expr *expr = NULL;
    lw_result rc = get_sid(r, it, "sid", "WQ", &sid);

    if (rc == LW_OK && lw__queue_find(ws, sid, LW_SID_LEN) != NULL)
        rc = bad(r, "sid", "is used twice");
    if (rc == LW_OK && (rc = get_name(r, it, &name, &len)) == LW_OK &&
        lw__names_find(&ws->queue_names, name, len) != NULL)
        rc = bad(r, "friendly_name", "is used twice");
    if (rc == LW_OK)
        rc = get_str(r, it, "target_workers", &target, &tlen);
    if (rc == LW_OK)
        rc = get_int(r, it, "date_created", INT64_MIN, INT64_MAX, &created);
    if (rc == LW_OK)
        rc = get_int(r, it, "date_updated", INT64_MIN, INT64_MAX, &updated);
    if (rc == LW_OK)
        rc = lw__queue_compile(ws, target, tlen, &expr, r->err);
    if (rc == LW_OK)
        rc = lw__queue_add(ws, sid, name, len, target, tlen, expr, created,
                           updated, NULL, r->err);
    if (rc != LW_OK)
        lw_expr_free(expr);
    return rc;
}

static lw_result worker_fields(reader *r, const cJSON *it,
                               lw__worker_init *in)
{
    int64_t v = 0;
    lw_result rc = get_int(r, it, "version", 0, INT64_MAX, &in->version);

    if (rc == LW_OK)
        rc = get_int(r, it, "pending_reservations", 0, UINT32_MAX, &v);
    in->pending = (uint32_t)v;
    if (rc == LW_OK)
        rc = get_int(r, it, "date_created", INT64_MIN, INT64_MAX,
                     &in->date_created);
    if (rc == LW_OK)
        rc = get_int(r, it, "date_updated", INT64_MIN, INT64_MAX,
                     &in->date_updated);
    if (rc == LW_OK)
        rc = get_int(r, it, "date_status_changed", INT64_MIN, INT64_MAX,
                     &in->date_status_changed);
    return rc;
}

static lw_result import_worker(reader *r, const cJSON *it)
{
    lw_workspace *ws = r->ws;
    lw__worker_init in;
    lw__worker_rec *rec;
    const char *act, *text;
    size_t tlen;
    lw_result rc;

    memset(&in, 0, sizeof in);
    rc = get_sid(r, it, "sid", "WK", &in.sid);
    if (rc == LW_OK &&
        lw__sidx_find(&ws->worker_sids, in.sid, LW_SID_LEN) != NULL)
        rc = bad(r, "sid", "is used twice");
    if (rc == LW_OK && (rc = get_name(r, it, &in.name, &in.name_len)) ==
                           LW_OK &&
        lw__names_find(&ws->worker_names, in.name, in.name_len) != NULL)
        rc = bad(r, "friendly_name", "is used twice");
    if (rc == LW_OK && (rc = get_sid(r, it, "activity_sid", "WA", &act)) ==
                           LW_OK &&
        (in.act = lw__act_find(ws, act, LW_SID_LEN)) == NULL)
        rc = bad(r, "activity_sid", "names no activity");
    if (rc == LW_OK)
        rc = worker_fields(r, it, &in);
    if (rc == LW_OK && (rc = get_str(r, it, "attributes", &text, &tlen)) ==
                           LW_OK)
        rc = lw__worker_parse_attrs(ws, text, tlen, &in.attrs, r->err);
    if (rc == LW_OK)
        rc = lw__worker_add(ws, &in, &rec, r->err);
    lw_attrs_release(in.attrs);
    return rc;
}

typedef lw_result (*import_item_fn)(reader *r, const cJSON *it);

static lw_result import_items(reader *r, const cJSON *root, const char *key,
                              int limit, import_item_fn fn)
{
    lw_result rc = LW_OK;
    const cJSON *arr = get_array(r, root, key, limit, &rc);
    const cJSON *it;

    r->where = key;
    r->index = 0;
    cJSON_ArrayForEach(it, arr) {
        if (rc != LW_OK)
            break;
        rc = cJSON_IsObject(it) ? fn(r, it)
                                : bad(r, "item", "must be an object");
        r->index++;
    }
    r->index = -1;
    return rc;
}

static lw_result import_special(reader *r, const cJSON *root)
{
    lw_workspace *ws = r->ws;
    const char *sid;
    lw_result rc = get_sid(r, root, "default_activity_sid", "WA", &sid);

    if (rc == LW_OK &&
        (ws->default_act = lw__act_find(ws, sid, LW_SID_LEN)) == NULL)
        rc = bad(r, "default_activity_sid", "names no activity");
    if (rc == LW_OK)
        rc = get_sid(r, root, "timeout_activity_sid", "WA", &sid);
    if (rc == LW_OK &&
        (ws->timeout_act = lw__act_find(ws, sid, LW_SID_LEN)) == NULL)
        rc = bad(r, "timeout_activity_sid", "names no activity");
    if (rc == LW_OK)
        rc = get_int(r, root, "date_created", INT64_MIN, INT64_MAX,
                     &ws->date_created);
    if (rc == LW_OK)
        rc = get_int(r, root, "date_updated", INT64_MIN, INT64_MAX,
                     &ws->date_updated);
    return rc;
}

static lw_result import_contents(reader *r, const cJSON *root)
{
    lw_result rc = import_items(r, root, "activities", LW_MAX_ACTIVITIES,
                                import_activity);

    if (rc == LW_OK)
        rc = import_special(r, root);
    if (rc == LW_OK)
        rc = import_items(r, root, "task_queues", LW_MAX_TASK_QUEUES,
                          import_queue);
    if (rc == LW_OK)
        rc = import_items(r, root, "workers",
                          r->ws->cap > INT32_MAX ? INT32_MAX
                                                 : (int)r->ws->cap,
                          import_worker);
    return rc;
}

static lw_result import_root(const lw_workspace_options *opts,
                             const cJSON *root, lw_workspace **out,
                             lw_error *err)
{
    reader r = {NULL, err, NULL, -1};
    lw_workspace_options *o = NULL;
    lw_result rc = import_format(&r, root);

    if (rc == LW_OK &&
        lw_workspace_options_create(opts ? &opts->alloc : NULL, &o) != LW_OK)
        rc = lw__fail_code(err, LW_ERR_NOMEM);
    if (rc == LW_OK && opts != NULL) {
        lw_workspace_options_set_clock(o, opts->clock, opts->clock_user);
        lw_workspace_options_set_random(o, opts->random, opts->random_user);
    }
    if (rc == LW_OK)
        rc = import_options(&r, root, o);

    /* What the host set explicitly wins: a restarted host may serve the
     * workspace on another address or with another cap. */
    if (rc == LW_OK && opts != NULL && opts->base_url_set)
        memcpy(o->base_url, opts->base_url, sizeof o->base_url);
    if (rc == LW_OK && opts != NULL && opts->cap_set)
        o->cap = opts->cap;
    if (rc == LW_OK)
        rc = lw__ws_new(o, &r.ws, err);
    lw_workspace_options_free(o);
    if (rc == LW_OK)
        rc = import_contents(&r, root);
    if (rc != LW_OK) {
        lw_workspace_free(r.ws);
        return rc;
    }
    *out = r.ws;
    return LW_OK;
}

lw_result lw_workspace_import(const lw_workspace_options *opts,
                              const char *text, size_t len,
                              lw_workspace **out, lw_error *err)
{
    const lw_allocator *prev;
    cJSON *root;
    lw_result rc;

    if (text == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    prev = lw__json_begin(lw__alloc_or_default(opts ? &opts->alloc : NULL));
    root = cJSON_ParseWithLength(text, len);
    if (root == NULL) {
        rc = lw__json_failed()
                 ? lw__fail_code(err, LW_ERR_NOMEM)
                 : lw__fail(err, LW_ERR_SYNTAX, -1,
                            "import: the text is not valid JSON");
        lw__json_end(prev);
        return rc;
    }
    rc = import_root(opts, root, out, err);
    cJSON_Delete(root);
    lw__json_end(prev);
    return rc;
}
