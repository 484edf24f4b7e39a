/*
 * rest_resources.c - the REST adapter's resource handlers: methods of
 * each path, parameters of each operation, the store call, and the
 * list pages with their meta URLs.
 */
#include <string.h>

#include "rest_int.h"

#define PUT(b, lit) lw__buf_append((b), (lit), sizeof(lit) - 1)

/* The largest Page a request may carry (rule 6). */
#define MAX_PAGE 2147483647u

typedef enum method {
    METHOD_GET,
    METHOD_POST,
    METHOD_DELETE,
    METHOD_OTHER
} method;

static method request_method(const lw__ctx *c)
{
    const char *m = c->req->method;
    size_t n = c->req->method_len;

    if (n == 3 && memcmp(m, "GET", 3) == 0)
        return METHOD_GET;
    if (n == 4 && memcmp(m, "POST", 4) == 0)
        return METHOD_POST;
    if (n == 6 && memcmp(m, "DELETE", 6) == 0)
        return METHOD_DELETE;
    return METHOD_OTHER;
}

static bool printable_method(const char *m, size_t n)
{
    size_t i;

    if (n == 0 || n > 16)
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)m[i] <= 0x20 || (unsigned char)m[i] >= 0x7f)
            return false;
    return true;
}

static lw_result method_not_allowed(lw__ctx *c)
{
    const char *m = c->req->method;
    size_t n = c->req->method_len;

    if (!printable_method(m, n))
        return lw__fail(&c->err, LW_ERR_METHOD, -1,
                        "The requested method is not allowed on this "
                        "resource");
    return lw__fail(&c->err, LW_ERR_METHOD, -1,
                    "Method %.*s is not allowed on this resource", (int)n,
                    m);
}

/* ---- parameters ---------------------------------------------------------- */

/* Bodies over the limit are refused whatever the method (rule 9). */
static lw_result check_body_size(lw__ctx *c)
{
    if (c->req->body_len <= LW_REST_MAX_INPUT)
        return LW_OK;
    return lw__fail(&c->err, LW_ERR_TOO_LARGE, -1,
                    "The request body is larger than %d bytes",
                    LW_REST_MAX_INPUT);
}

/*
 * Decode the parameters an operation reads: the body for POST, the query
 * string for GET, nothing for DELETE.  f is left empty on failure.
 */
static lw_result read_params(lw__ctx *c, method m, lw__form *f)
{
    const lw_rest_request *q = c->req;
    lw_result rc;

    lw__form_init(f, c->alloc);
    rc = check_body_size(c);
    if (rc != LW_OK)
        return rc;
    if (m == METHOD_POST)
        return lw__form_parse(f, c->alloc, q->body, q->body_len, "body",
                              &c->err);
    if (m != METHOD_GET)
        return LW_OK;
    if (q->query_len > LW_REST_MAX_INPUT)
        return lw__fail(&c->err, LW_ERR_TOO_LARGE, -1,
                        "The query string is longer than %d bytes",
                        LW_REST_MAX_INPUT);
    return lw__form_parse(f, c->alloc, q->query, q->query_len,
                          "query string", &c->err);
}

/* The value of a parameter, or NULL (with *len 0) when it is absent. */
static const char *param(const lw__form *f, const char *name, size_t *len)
{
    const lw__param *p = lw__form_get(f, name);

    *len = p != NULL ? p->value_len : 0;
    return p != NULL ? p->value : NULL;
}

static lw_result missing(lw__ctx *c, const char *name)
{
    return lw__fail(&c->err, LW_ERR_INVALID, -1,
                    "Missing required parameter %s in the post body", name);
}

/* The expected version that the If-Match headers ask for. */
static int64_t expected_version(const lw__ctx *c)
{
    const lw_rest_request *q = c->req;
    uint64_t v = 0;

    switch (lw__if_match_parse(q->if_match, q->if_match_len,
                               q->if_match_count, &v)) {
    case LW__PRECOND_NONE:
    case LW__PRECOND_ANY:
        return LW_VERSION_ANY;
    case LW__PRECOND_VERSION:
        return v <= INT64_MAX ? (int64_t)v : LW_VERSION_NONE;
    default:
        return LW_VERSION_NONE;
    }
}

/* ---- single resources ---------------------------------------------------- */

static lw_result render_worker(lw__ctx *c, int32_t status, lw_worker *w)
{
    c->status = status;
    c->etag = LW__ETAG_VERSION;
    c->version = lw_worker_version(w);
    lw__render_worker(&c->out, c->base, w, NULL);
    lw_worker_release(w);
    return LW_OK;
}

static lw_result render_activity(lw__ctx *c, int32_t status,
                                 lw_activity *a)
{
    c->status = status;
    c->etag = LW__ETAG_BODY;
    lw__render_activity(&c->out, c->base, a);
    lw_activity_release(a);
    return LW_OK;
}

static lw_result render_queue(lw__ctx *c, int32_t status, lw_task_queue *q)
{
    c->status = status;
    c->etag = LW__ETAG_BODY;
    lw__render_task_queue(&c->out, c->base, q);
    lw_task_queue_release(q);
    return LW_OK;
}

/*
 * Take room for the whole rendered resource before the store commits a
 * change, so that rendering cannot run out of memory once the change is
 * made.  text_len is the longest escaped text the resource may carry
 * (attributes, an expression), which may grow sixfold when escaped;
 * names and links fit in the fixed part.
 */
static lw_result reserve_render(lw__ctx *c, size_t text_len)
{
    size_t need;

    if (text_len > SIZE_MAX / 8)
        return lw__fail_code(&c->err, LW_ERR_NOMEM);
    need = 6 * text_len + 8192 + 16 * (strlen(c->base) + 128);
    if (!lw__buf_reserve(&c->out, need))
        return lw__fail_code(&c->err, LW_ERR_NOMEM);
    return LW_OK;
}

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

static lw_result no_content(lw__ctx *c)
{
    c->status = 204;
    c->etag = LW__ETAG_NONE;
    return LW_OK;
}

static lw_result workspace_get(lw__ctx *c)
{
    lw_workspace_info *info;
    lw_result rc;

    if (request_method(c) != METHOD_GET)
        return method_not_allowed(c);
    rc = lw_workspace_fetch(c->ws, &info, &c->err);
    if (rc != LW_OK)
        return rc;
    c->status = 200;
    c->etag = LW__ETAG_BODY;
    lw__render_workspace(&c->out, c->base, info);
    lw_workspace_info_release(info);
    return LW_OK;
}

/* ---- workers ------------------------------------------------------------- */

static lw_result worker_create(lw__ctx *c, const lw__form *f)
{
    size_t nlen, alen, wlen;
    const char *name = param(f, "FriendlyName", &nlen);
    const char *attrs = param(f, "Attributes", &alen);
    const char *activity = param(f, "ActivitySid", &wlen);
    lw_worker *w;
    lw_result rc;

    if (name == NULL)
        return missing(c, "FriendlyName");
    rc = reserve_render(c, alen);
    if (rc == LW_OK)
        rc = lw_worker_create(c->ws, name, nlen, attrs, alen, activity,
                              wlen, &w, &c->err);
    return rc == LW_OK ? render_worker(c, 201, w) : rc;
}

/* Fill an update's inputs from the body and the If-Match headers. */
static lw_result worker_changes(lw__ctx *c, const lw__form *f,
                                lw_worker_changes *ch)
{
    size_t len;
    const char *s;
    lw_result rc = LW_OK;

    if ((s = param(f, "FriendlyName", &len)) != NULL)
        rc = lw_worker_changes_set_friendly_name(ch, s, len);
    if (rc == LW_OK && (s = param(f, "Attributes", &len)) != NULL)
        rc = lw_worker_changes_set_attributes(ch, s, len);
    if (rc == LW_OK && (s = param(f, "ActivitySid", &len)) != NULL)
        rc = lw_worker_changes_set_activity_sid(ch, s, len);
    if (rc == LW_OK &&
        (s = param(f, "RejectPendingReservations", &len)) != NULL)
        rc = lw_worker_changes_set_reject_pending(ch,
                                                  lw__form_bool(s, len));
    if (rc == LW_OK)
        rc = lw_worker_changes_set_expected_version(ch,
                                                    expected_version(c));
    return rc == LW_OK ? LW_OK : lw__fail_code(&c->err, rc);
}

/*
 * A request refused before the store saw it still answers 409 when the
 * worker is being updated, as that check comes first: ask the store with
 * an update that changes nothing.
 */
static lw_result in_progress_first(lw__ctx *c, lw_result rc)
{
    lw_error probe;

    if (rc == LW_ERR_NOMEM)
        return rc;
    if (lw_worker_update(c->ws, c->route.sid, c->route.sid_len, NULL, NULL,
                         &probe) == LW_ERR_IN_PROGRESS) {
        c->err = probe;
        return LW_ERR_IN_PROGRESS;
    }
    return rc;
}

/* cur_len: the length of the worker's attributes before the update. */
static lw_result worker_update(lw__ctx *c, size_t cur_len)
{
    lw_worker_changes *ch;
    lw_worker *w;
    lw__form f;
    size_t alen;
    lw_result rc;

    rc = read_params(c, METHOD_POST, &f);
    if (rc != LW_OK)
        return in_progress_first(c, rc);
    param(&f, "Attributes", &alen);
    if (reserve_render(c, max_size(cur_len, alen)) != LW_OK ||
        lw_worker_changes_create(c->ws, &ch) != LW_OK) {
        lw__form_release(&f);
        return lw__fail_code(&c->err, LW_ERR_NOMEM);
    }

    rc = worker_changes(c, &f, ch);
    if (rc == LW_OK)
        rc = lw_worker_update(c->ws, c->route.sid, c->route.sid_len, ch,
                              &w, &c->err);
    lw_worker_changes_free(ch);
    lw__form_release(&f);
    return rc == LW_OK ? render_worker(c, 200, w) : rc;
}

static lw_result worker_item(lw__ctx *c)
{
    const lw__route *r = &c->route;
    lw_worker *w;
    size_t len;
    lw_result rc;

    rc = lw_worker_fetch(c->ws, r->sid, r->sid_len, &w, &c->err);
    if (rc != LW_OK)
        return rc;
    switch (request_method(c)) {
    case METHOD_GET:
        return render_worker(c, 200, w);
    case METHOD_POST:
        lw_worker_attributes(w, &len);
        lw_worker_release(w);
        return worker_update(c, len);
    case METHOD_DELETE:
        lw_worker_release(w);
        rc = check_body_size(c);
        if (rc != LW_OK)
            return in_progress_first(c, rc);
        rc = lw_worker_delete(c->ws, r->sid, r->sid_len, expected_version(c),
                              &c->err);
        return rc == LW_OK ? no_content(c) : rc;
    default:
        lw_worker_release(w);
        return method_not_allowed(c);
    }
}

/* ---- activities ---------------------------------------------------------- */

static lw_result activity_create(lw__ctx *c, const lw__form *f)
{
    size_t nlen, alen;
    const char *name = param(f, "FriendlyName", &nlen);
    const char *avail = param(f, "Available", &alen);
    lw_activity *a;
    lw_result rc;

    if (name == NULL)
        return missing(c, "FriendlyName");
    if (reserve_render(c, 0) != LW_OK)
        return LW_ERR_NOMEM;
    rc = lw_activity_create(c->ws, name, nlen,
                            avail != NULL && lw__form_bool(avail, alen), &a,
                            &c->err);
    return rc == LW_OK ? render_activity(c, 201, a) : rc;
}

/* Only the name changes; Available is ignored, as the real service does. */
static lw_result activity_update(lw__ctx *c)
{
    const lw__route *r = &c->route;
    lw_activity *a;
    lw__form f;
    const char *name;
    size_t nlen;
    lw_result rc;

    rc = read_params(c, METHOD_POST, &f);
    if (rc != LW_OK)
        return rc;
    name = param(&f, "FriendlyName", &nlen);
    rc = reserve_render(c, 0);
    if (rc == LW_OK)
        rc = lw_activity_update(c->ws, r->sid, r->sid_len, name, nlen, &a,
                            &c->err);
    lw__form_release(&f);
    return rc == LW_OK ? render_activity(c, 200, a) : rc;
}

static lw_result activity_item(lw__ctx *c)
{
    const lw__route *r = &c->route;
    lw_activity *a;
    lw_result rc;

    rc = lw_activity_fetch(c->ws, r->sid, r->sid_len, &a, &c->err);
    if (rc != LW_OK)
        return rc;
    if (request_method(c) == METHOD_GET)
        return render_activity(c, 200, a);
    lw_activity_release(a);

    switch (request_method(c)) {
    case METHOD_POST:
        return activity_update(c);
    case METHOD_DELETE:
        rc = check_body_size(c);
        if (rc == LW_OK)
            rc = lw_activity_delete(c->ws, r->sid, r->sid_len, &c->err);
        return rc == LW_OK ? no_content(c) : rc;
    default:
        return method_not_allowed(c);
    }
}

/* ---- task queues --------------------------------------------------------- */

static lw_result queue_create(lw__ctx *c, const lw__form *f)
{
    size_t nlen, tlen;
    const char *name = param(f, "FriendlyName", &nlen);
    const char *target = param(f, "TargetWorkers", &tlen);
    lw_task_queue *q;
    lw_result rc;

    if (name == NULL)
        return missing(c, "FriendlyName");
    rc = reserve_render(c, tlen);
    if (rc == LW_OK)
        rc = lw_task_queue_create(c->ws, name, nlen, target, tlen, &q,
                                  &c->err);
    return rc == LW_OK ? render_queue(c, 201, q) : rc;
}

/* cur_len: the length of the queue's expression before the update. */
static lw_result queue_update(lw__ctx *c, size_t cur_len)
{
    const lw__route *r = &c->route;
    lw_task_queue *q;
    lw__form f;
    const char *name, *target;
    size_t nlen, tlen;
    lw_result rc;

    rc = read_params(c, METHOD_POST, &f);
    if (rc != LW_OK)
        return rc;
    name = param(&f, "FriendlyName", &nlen);
    target = param(&f, "TargetWorkers", &tlen);
    rc = reserve_render(c, max_size(cur_len, tlen));
    if (rc == LW_OK)
        rc = lw_task_queue_update(c->ws, r->sid, r->sid_len, name, nlen, target,
                              tlen, &q, &c->err);
    lw__form_release(&f);
    return rc == LW_OK ? render_queue(c, 200, q) : rc;
}

static lw_result queue_item(lw__ctx *c)
{
    const lw__route *r = &c->route;
    lw_task_queue *q;
    size_t len;
    lw_result rc;

    rc = lw_task_queue_fetch(c->ws, r->sid, r->sid_len, &q, &c->err);
    if (rc != LW_OK)
        return rc;
    if (request_method(c) == METHOD_GET)
        return render_queue(c, 200, q);
    lw_task_queue_target_workers(q, &len);
    lw_task_queue_release(q);

    switch (request_method(c)) {
    case METHOD_POST:
        return queue_update(c, len);
    case METHOD_DELETE:
        rc = check_body_size(c);
        if (rc == LW_OK)
            rc = lw_task_queue_delete(c->ws, r->sid, r->sid_len, &c->err);
        return rc == LW_OK ? no_content(c) : rc;
    default:
        return method_not_allowed(c);
    }
}

/* ---- lists --------------------------------------------------------------- */

typedef lw_result (*filter_fn)(lw_query *q, const char *s, size_t len);
typedef lw_result (*list_fn)(lw_workspace *ws, const lw_query *q,
                             lw_page **out, lw_error *err);
typedef void (*item_fn)(lw__buf *b, const char *base, const lw_page *p,
                        size_t i, lw__worker_tail *tail);

typedef struct filter {
    const char *name;
    filter_fn set;
} filter;

/* What differs between the three lists. */
typedef struct list_spec {
    const char *key;          /* "workers": the list's key and meta.key */
    const char *path;         /* "/Workers" */
    const filter *filters;    /* in the order meta URLs repeat them */
    size_t filter_count;
    bool ordering;            /* takes Ordering */
    list_fn list;
    item_fn item;
} list_spec;

/* Paging of one list request. */
typedef struct paging {
    uint64_t page;            /* Page, echoed back */
    const lw__param *token;   /* a non-empty PageToken, or NULL */
} paging;

static void worker_item_json(lw__buf *b, const char *base, const lw_page *p,
                             size_t i, lw__worker_tail *tail)
{
    lw__render_worker(b, base, lw_page_worker(p, i), tail);
}

static void activity_item_json(lw__buf *b, const char *base,
                               const lw_page *p, size_t i,
                               lw__worker_tail *tail)
{
    (void)tail;
    lw__render_activity(b, base, lw_page_activity(p, i));
}

static void queue_item_json(lw__buf *b, const char *base, const lw_page *p,
                            size_t i, lw__worker_tail *tail)
{
    (void)tail;
    lw__render_task_queue(b, base, lw_page_task_queue(p, i));
}

static const filter worker_filters[] = {
    {"FriendlyName", lw_query_set_friendly_name},
    {"ActivitySid", lw_query_set_activity_sid},
    {"ActivityName", lw_query_set_activity_name},
    {"Available", lw_query_set_available},
    {"TaskQueueSid", lw_query_set_task_queue_sid},
    {"TaskQueueName", lw_query_set_task_queue_name},
    {"TargetWorkersExpression", lw_query_set_target_workers},
};

static const filter activity_filters[] = {
    {"FriendlyName", lw_query_set_friendly_name},
    {"Available", lw_query_set_available},
};

static const list_spec worker_spec = {
    "workers", "/Workers", worker_filters,
    sizeof worker_filters / sizeof worker_filters[0], true,
    lw_worker_list, worker_item_json,
};

static const list_spec activity_spec = {
    "activities", "/Activities", activity_filters,
    sizeof activity_filters / sizeof activity_filters[0], false,
    lw_activity_list, activity_item_json,
};

static const list_spec queue_spec = {
    "task_queues", "/TaskQueues", NULL, 0, false, lw_task_queue_list,
    queue_item_json,
};

static lw_result set_filters(lw__ctx *c, const list_spec *s,
                             const lw__form *f, lw_query *q)
{
    size_t i;

    for (i = 0; i < s->filter_count; i++) {
        const lw__param *p = lw__form_get(f, s->filters[i].name);
        lw_result rc;

        if (p == NULL)
            continue;
        rc = s->filters[i].set(q, p->value, p->value_len);
        if (rc == LW_ERR_NOMEM)
            return lw__fail_code(&c->err, rc);
        if (rc != LW_OK)
            return lw__fail(&c->err, rc, -1, "Invalid value for %s",
                            s->filters[i].name);
    }
    return LW_OK;
}

static lw_result set_ordering(lw__ctx *c, const lw__form *f, lw_query *q)
{
    const lw__param *p = lw__form_get(f, "Ordering");
    lw_ordering order;

    if (p == NULL)
        return LW_OK;
    if (p->value_len == 22 &&
        memcmp(p->value, "DateStatusChanged:desc", 22) == 0)
        order = LW_ORDER_STATUS_DESC;
    else if (p->value_len == 21 &&
             memcmp(p->value, "DateStatusChanged:asc", 21) == 0)
        order = LW_ORDER_STATUS_ASC;
    else
        return lw__fail(&c->err, LW_ERR_INVALID, -1,
                        "Invalid Ordering: expected DateStatusChanged:asc "
                        "or DateStatusChanged:desc");
    return lw_query_set_ordering(q, order) == LW_OK
               ? LW_OK
               : lw__fail_code(&c->err, LW_ERR_INVALID);
}

static lw_result set_page_size(lw__ctx *c, const lw__form *f, lw_query *q)
{
    const lw__param *p = lw__form_get(f, "PageSize");
    uint64_t size;

    if (p == NULL)
        return LW_OK;
    if (!lw__parse_digits(p->value, p->value_len, &size) || size == 0)
        return lw__fail(&c->err, LW_ERR_INVALID, -1,
                        "Invalid PageSize: expected a positive integer");
    if (size > LW_MAX_PAGE_SIZE)
        size = LW_MAX_PAGE_SIZE;
    if (lw_query_set_page_size(q, (uint32_t)size) != LW_OK)
        return lw__fail_code(&c->err, LW_ERR_INVALID);
    return LW_OK;
}

static lw_result set_paging(lw__ctx *c, const lw__form *f, lw_query *q,
                            paging *pg)
{
    const lw__param *page = lw__form_get(f, "Page");
    const lw__param *token = lw__form_get(f, "PageToken");
    lw_result rc;

    rc = set_page_size(c, f, q);
    if (rc != LW_OK)
        return rc;
    pg->page = 0;
    if (page != NULL && (!lw__parse_digits(page->value, page->value_len,
                                           &pg->page) ||
                         pg->page > MAX_PAGE))
        return lw__fail(&c->err, LW_ERR_INVALID, -1,
                        "Invalid Page: expected an integer from 0 to %u",
                        MAX_PAGE);

    pg->token = token != NULL && token->value_len > 0 ? token : NULL;
    if (pg->page > 0 && pg->token == NULL)
        return lw__fail(&c->err, LW_ERR_INVALID, -1,
                        "Invalid Page: a Page above 0 needs a PageToken");
    if (pg->token == NULL)
        return LW_OK;
    rc = lw_query_set_page_token(q, token->value, token->value_len);
    return rc == LW_OK ? LW_OK : lw__fail_code(&c->err, rc);
}

static void put_param(lw__buf *b, const lw__param *p)
{
    lw__buf_append(b, p->name, p->name_len);
    lw__buf_putc(b, '=');
    lw__buf_url_encode(b, p->value, p->value_len);
    lw__buf_putc(b, '&');
}

/* A quoted meta URL: the filters, Ordering, PageSize, Page, PageToken. */
static void put_list_url(lw__buf *b, const lw__ctx *c, const list_spec *s,
                         const lw__form *f, uint32_t size, uint64_t page,
                         const char *token)
{
    const lw__param *p;
    size_t i;

    lw__buf_putc(b, '"');
    lw__render_ws_url(b, c->base, lw_workspace_sid(c->ws));
    lw__buf_puts(b, s->path);
    lw__buf_putc(b, '?');
    for (i = 0; i < s->filter_count; i++)
        if ((p = lw__form_get(f, s->filters[i].name)) != NULL)
            put_param(b, p);
    if (s->ordering && (p = lw__form_get(f, "Ordering")) != NULL)
        put_param(b, p);

    lw__buf_printf(b, "PageSize=%u&Page=%llu", (unsigned)size,
                   (unsigned long long)page);
    if (token != NULL) {
        PUT(b, "&PageToken=");
        lw__buf_url_encode(b, token, strlen(token));
    }
    lw__buf_putc(b, '"');
}

static void put_meta(lw__ctx *c, const list_spec *s, const lw__form *f,
                     const paging *pg, const lw_page *page)
{
    lw__buf *b = &c->out;
    uint32_t size = lw_page_size(page);
    const char *prev = lw_page_has_previous(page)
                           ? lw_page_previous_token(page) : NULL;
    const char *next = lw_page_has_next(page) ? lw_page_next_token(page)
                                              : NULL;
    char *own = NULL;

    lw__buf_printf(b, "],\"meta\":{\"page\":%llu,\"page_size\":%u",
                   (unsigned long long)pg->page, (unsigned)size);
    PUT(b, ",\"first_page_url\":");
    put_list_url(b, c, s, f, size, 0, NULL);
    PUT(b, ",\"previous_page_url\":");
    if (prev != NULL)
        put_list_url(b, c, s, f, size, pg->page ? pg->page - 1 : 0, prev);
    else
        PUT(b, "null");

    /* The request's own token, as a NUL-terminated copy. */
    if (pg->token != NULL) {
        own = lw__strndup(c->alloc, pg->token->value, pg->token->value_len);
        if (own == NULL)
            b->failed = true;
    }
    PUT(b, ",\"url\":");
    put_list_url(b, c, s, f, size, pg->page, own);
    lw__free(c->alloc, own);

    PUT(b, ",\"next_page_url\":");
    if (next != NULL)
        put_list_url(b, c, s, f, size, pg->page + 1, next);
    else
        PUT(b, "null");
    PUT(b, ",\"key\":\"");
    lw__buf_puts(b, s->key);
    PUT(b, "\"}}");
}

/*
 * The ETag of a page of workers without hashing a hundred kilobytes: what
 * a worker renders to is fixed by its SID, version and activity name (an
 * activity rename keeps the version), and the rest of the page by its
 * meta, which repeats the request.  A SID's 32 hex digits are folded four
 * words at once, and an activity name is hashed once per run of workers
 * that share it: two dependent mixes per worker instead of a dozen.
 */
static uint64_t page_hash(const char *meta, size_t len, const lw_page *p)
{
    uint64_t h = lw__hash64(meta, len, 0), act_h = 0;
    const char *last_act = NULL;
    size_t i, n = lw_page_count(p);

    for (i = 0; i < n; i++) {
        const lw_worker *w = lw_page_worker(p, i);
        const char *sid = lw_worker_sid(w) + 2;  /* after "WK" */
        const char *act = lw_worker_activity_name(w);
        uint64_t d = lw__hash_fold(sid, 0x243f6a8885a308d3u) +
                     lw__hash_fold(sid + 8, 0x13198a2e03707344u) +
                     lw__hash_fold(sid + 16, 0xa4093822299f31d0u) +
                     lw__hash_fold(sid + 24, 0x082efa98ec4e6c89u);

        if (act != last_act) {
            act_h = lw__hash64(act, strlen(act), 0);
            last_act = act;
        }
        h = lw__hash_mix(lw__hash_mix(h, d),
                         (uint64_t)lw_worker_version(w) ^ act_h);
    }
    return h;
}

static void render_page(lw__ctx *c, const list_spec *s, const lw__form *f,
                        const paging *pg, const lw_page *page)
{
    lw__buf *b = &c->out;
    size_t i, meta, n = lw_page_count(page);
    lw__worker_tail tail;

    /* A guess of the size, to spare most of the growing. */
    tail.ready = false;
    lw__buf_reserve(b, n * 2560 + 4096);
    PUT(b, "{\"");
    lw__buf_puts(b, s->key);
    PUT(b, "\":[");
    for (i = 0; i < n; i++) {
        if (i > 0)
            lw__buf_putc(b, ',');
        s->item(b, c->base, page, i, &tail);
    }
    meta = b->len;
    put_meta(c, s, f, pg, page);
    c->status = 200;
    c->etag = LW__ETAG_BODY;
    if (s->item == worker_item_json && !lw__buf_failed(b)) {
        c->etag = LW__ETAG_HASH;
        c->hash = page_hash(b->data + meta, b->len - meta, page);
    }
}

static lw_result list(lw__ctx *c, const list_spec *s, const lw__form *f)
{
    lw_query *q;
    lw_page *page = NULL;
    paging pg;
    lw_result rc;

    if (lw_query_create(c->ws, &q) != LW_OK)
        return lw__fail_code(&c->err, LW_ERR_NOMEM);
    rc = set_filters(c, s, f, q);
    if (rc == LW_OK && s->ordering)
        rc = set_ordering(c, f, q);
    if (rc == LW_OK)
        rc = set_paging(c, f, q, &pg);
    if (rc == LW_OK)
        rc = s->list(c->ws, q, &page, &c->err);
    if (rc == LW_OK)
        render_page(c, s, f, &pg, page);
    lw_page_free(page);
    lw_query_free(q);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------ */

typedef lw_result (*create_fn)(lw__ctx *c, const lw__form *f);

static lw_result collection(lw__ctx *c, const list_spec *s,
                            create_fn create)
{
    method m = request_method(c);
    lw__form f;
    lw_result rc;

    if (m != METHOD_GET && m != METHOD_POST)
        return method_not_allowed(c);
    rc = read_params(c, m, &f);
    if (rc == LW_OK)
        rc = m == METHOD_GET ? list(c, s, &f) : create(c, &f);
    lw__form_release(&f);
    return rc;
}

lw_result lw__rest_dispatch(lw__ctx *c)
{
    switch (c->route.kind) {
    case LW__ROUTE_WORKSPACE:
        return workspace_get(c);
    case LW__ROUTE_WORKERS:
        return collection(c, &worker_spec, worker_create);
    case LW__ROUTE_WORKER:
        return worker_item(c);
    case LW__ROUTE_ACTIVITIES:
        return collection(c, &activity_spec, activity_create);
    case LW__ROUTE_ACTIVITY:
        return activity_item(c);
    case LW__ROUTE_QUEUES:
        return collection(c, &queue_spec, queue_create);
    case LW__ROUTE_QUEUE:
        return queue_item(c);
    }
    return LW_ERR_NOT_FOUND;
}
