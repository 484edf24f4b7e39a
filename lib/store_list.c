/*
 * store_list.c - list queries and pages: filters, ordering and token
 * paging for workers, activities and task queues.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define TOKEN_MAX 72

typedef struct qstr {
    char *s;  /* NULL: absent */
    size_t len;
} qstr;

struct lw_query {
    lw_allocator alloc;
    qstr friendly_name;
    qstr activity_sid;
    qstr activity_name;
    qstr available;
    qstr queue_sid;
    qstr queue_name;
    qstr target;
    qstr token;
    lw_ordering order;
    uint32_t page_size;
};

enum { PAGE_WORKERS, PAGE_ACTIVITIES, PAGE_QUEUES };

struct lw_page {
    lw_allocator alloc;
    int kind;
    size_t count;
    uint32_t size;
    bool has_prev;
    bool has_next;
    char prev_token[TOKEN_MAX];
    char next_token[TOKEN_MAX];
    void *items[];
};

/* A record in list order: its status second (0 in SID order), its SID
 * and its snapshot. */
typedef struct cand {
    int64_t sec;
    const char *sid;
    void *snap;
} cand;

/* A parsed page token. */
typedef struct token {
    bool set;
    bool after;  /* PA: the page starts after it; PB: ends before it */
    int64_t sec;
    char sid[LW__SID_BUF];
} token;

/* ---- queries ----------------------------------------------------------- */

static const lw_query default_query = {
    {NULL, NULL}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0},
    {NULL, 0}, {NULL, 0}, {NULL, 0}, LW_ORDER_SID, LW_DEFAULT_PAGE_SIZE
};

lw_result lw_query_create(lw_workspace *ws, lw_query **out)
{
    lw_query *q;

    if (ws == NULL || out == NULL)
        return LW_ERR_INVALID;
    q = lw__malloc(&ws->alloc, sizeof *q);
    if (q == NULL)
        return LW_ERR_NOMEM;
    *q = default_query;
    q->alloc = ws->alloc;
    *out = q;
    return LW_OK;
}

void lw_query_free(lw_query *q)
{
    lw_allocator a;
    qstr *all[8];
    size_t i;

    if (q == NULL)
        return;
    a = q->alloc;
    all[0] = &q->friendly_name;
    all[1] = &q->activity_sid;
    all[2] = &q->activity_name;
    all[3] = &q->available;
    all[4] = &q->queue_sid;
    all[5] = &q->queue_name;
    all[6] = &q->target;
    all[7] = &q->token;
    for (i = 0; i < 8; i++)
        lw__free(&a, all[i]->s);
    lw__free(&a, q);
}

static lw_result set_qstr(lw_query *q, qstr *dst, const char *s, size_t len)
{
    char *copy = NULL;

    if (s != NULL && (copy = lw__strndup(&q->alloc, s, len)) == NULL)
        return LW_ERR_NOMEM;
    lw__free(&q->alloc, dst->s);
    dst->s = copy;
    dst->len = s ? len : 0;
    return LW_OK;
}

lw_result lw_query_set_friendly_name(lw_query *q, const char *s, size_t len)
{
    return q ? set_qstr(q, &q->friendly_name, s, len) : LW_ERR_INVALID;
}

lw_result lw_query_set_activity_sid(lw_query *q, const char *s, size_t len)
{
    return q ? set_qstr(q, &q->activity_sid, s, len) : LW_ERR_INVALID;
}

lw_result lw_query_set_activity_name(lw_query *q, const char *s, size_t len)
{
    return q ? set_qstr(q, &q->activity_name, s, len) : LW_ERR_INVALID;
}

lw_result lw_query_set_available(lw_query *q, const char *s, size_t len)
{
    return q ? set_qstr(q, &q->available, s, len) : LW_ERR_INVALID;
}

lw_result lw_query_set_task_queue_sid(lw_query *q, const char *s,
                                      size_t len)
{
    return q ? set_qstr(q, &q->queue_sid, s, len) : LW_ERR_INVALID;
}

lw_result lw_query_set_task_queue_name(lw_query *q, const char *s,
                                       size_t len)
{
    return q ? set_qstr(q, &q->queue_name, s, len) : LW_ERR_INVALID;
}

lw_result lw_query_set_target_workers(lw_query *q, const char *s,
                                      size_t len)
{
    return q ? set_qstr(q, &q->target, s, len) : LW_ERR_INVALID;
}

lw_result lw_query_set_ordering(lw_query *q, lw_ordering order)
{
    if (q == NULL || order < LW_ORDER_SID || order > LW_ORDER_STATUS_DESC)
        return LW_ERR_INVALID;
    q->order = order;
    return LW_OK;
}

lw_result lw_query_set_page_size(lw_query *q, uint32_t size)
{
    if (q == NULL || size == 0)
        return LW_ERR_INVALID;
    q->page_size = size;
    return LW_OK;
}

lw_result lw_query_set_page_token(lw_query *q, const char *s, size_t len)
{
    return q ? set_qstr(q, &q->token, s, len) : LW_ERR_INVALID;
}

/* ---- pages ------------------------------------------------------------- */

void lw_page_free(lw_page *p)
{
    lw_allocator a;
    size_t i;

    if (p == NULL)
        return;
    for (i = 0; i < p->count; i++) {
        if (p->kind == PAGE_WORKERS)
            lw_worker_release(p->items[i]);
        else if (p->kind == PAGE_ACTIVITIES)
            lw_activity_release(p->items[i]);
        else
            lw_task_queue_release(p->items[i]);
    }
    a = p->alloc;
    lw__free(&a, p);
}

size_t lw_page_count(const lw_page *p)
{
    return p ? p->count : 0;
}

uint32_t lw_page_size(const lw_page *p)
{
    return p ? p->size : 0;
}

bool lw_page_has_previous(const lw_page *p)
{
    return p != NULL && p->has_prev;
}

bool lw_page_has_next(const lw_page *p)
{
    return p != NULL && p->has_next;
}

const char *lw_page_previous_token(const lw_page *p)
{
    return p != NULL && p->has_prev ? p->prev_token : NULL;
}

const char *lw_page_next_token(const lw_page *p)
{
    return p != NULL && p->has_next ? p->next_token : NULL;
}

static void *page_item(const lw_page *p, size_t i, int kind)
{
    if (p == NULL || p->kind != kind || i >= p->count)
        return NULL;
    return p->items[i];
}

lw_worker *lw_page_worker(const lw_page *p, size_t i)
{
    return page_item(p, i, PAGE_WORKERS);
}

lw_activity *lw_page_activity(const lw_page *p, size_t i)
{
    return page_item(p, i, PAGE_ACTIVITIES);
}

lw_task_queue *lw_page_task_queue(const lw_page *p, size_t i)
{
    return page_item(p, i, PAGE_QUEUES);
}

/* ---- tokens ------------------------------------------------------------ */

static int64_t floor_seconds(int64_t ms)
{
    return ms >= 0 ? ms / 1000 : -((-(ms + 1)) / 1000) - 1;
}

/* Parse "-?DIGITS" (at most 18 digits, len >= 1) into *out. */
static bool parse_seconds(const char *s, size_t len, int64_t *out)
{
    bool neg = s[0] == '-';
    int64_t v = 0;
    size_t i = neg ? 1 : 0;

    if (len == i || len - i > 18)
        return false;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

static lw_result parse_token(lw_workspace *ws, const lw_query *q,
                             const char *prefix, token *t, lw_error *err)
{
    const char *s = q->token.s, *sid;
    size_t len = q->token.len;

    memset(t, 0, sizeof *t);
    if (s == NULL || len == 0)
        return LW_OK;
    t->set = true;
    t->after = len > 2 && s[1] == 'A';
    if (len < 2 + LW_SID_LEN || s[0] != 'P' || (s[1] != 'A' && s[1] != 'B'))
        goto bad;
    sid = s + len - LW_SID_LEN;
    if (!lw__sid_valid(sid, LW_SID_LEN, prefix))
        goto bad;
    if (q->order == LW_ORDER_SID) {
        if (len != 2 + LW_SID_LEN)
            goto bad;
    } else if (len < 4 + LW_SID_LEN || sid[-1] != '_' ||
               !parse_seconds(s + 2, len - 3 - LW_SID_LEN, &t->sec)) {
        goto bad;
    }
    memcpy(t->sid, sid, LW_SID_LEN);
    return LW_OK;
bad:
    return lw__ws_fail(ws, err, LW_ERR_INVALID,
                       "PageToken is not a valid token for this list");
}

static void render_token(char *buf, char dir, const cand *c,
                         lw_ordering order)
{
    if (order == LW_ORDER_SID)
        snprintf(buf, TOKEN_MAX, "P%c%s", dir, c->sid);
    else
        snprintf(buf, TOKEN_MAX, "P%c%lld_%s", dir, (long long)c->sec,
                 c->sid);
}

/* ---- paging ------------------------------------------------------------ */

/* Compare in list order. */
static int cand_cmp(const cand *a, int64_t sec, const char *sid,
                    lw_ordering order)
{
    int c = a->sec < sec ? -1 : a->sec > sec ? 1 : 0;

    if (c == 0)
        c = memcmp(a->sid, sid, LW_SID_LEN);
    return order == LW_ORDER_STATUS_DESC ? -c : c;
}

static int cand_sort_asc(const void *x, const void *y)
{
    const cand *a = x, *b = y;

    return cand_cmp(a, b->sec, b->sid, LW_ORDER_STATUS_ASC);
}

static int cand_sort_desc(const void *x, const void *y)
{
    return -cand_sort_asc(x, y);
}

/* First position whose record is after the token (PA) or at or after it
 * (PB), in list order. */
static size_t token_position(const cand *c, size_t m, const token *t,
                             lw_ordering order)
{
    size_t lo = 0, hi = m;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = cand_cmp(&c[mid], t->sec, t->sid, order);

        if (r < 0 || (r == 0 && t->after))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void *retain_snap(int kind, void *snap)
{
    if (kind == PAGE_WORKERS)
        return lw_worker_retain(snap);
    if (kind == PAGE_ACTIVITIES)
        return lw_activity_retain(snap);
    return lw_task_queue_retain(snap);
}

/* Build the page of candidates c[0..m) (already in list order). */
static lw_result page_build(lw_workspace *ws, int kind, const cand *c,
                            size_t m, const lw_query *q, const token *t,
                            lw_page **out, lw_error *err)
{
    uint32_t size = q->page_size > LW_MAX_PAGE_SIZE ? LW_MAX_PAGE_SIZE
                                                    : q->page_size;
    size_t start = 0, end, i;
    lw_page *p;

    if (t->set && t->after) {
        start = token_position(c, m, t, q->order);
        end = m - start > size ? start + size : m;
    } else {
        end = t->set ? token_position(c, m, t, q->order) : m;
        if (!t->set)
            end = m > size ? size : m;
        else
            start = end > size ? end - size : 0;
    }
    p = lw__calloc(&ws->alloc, 1, sizeof *p + (end - start) * sizeof(void *));
    if (p == NULL)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    p->alloc = ws->alloc;
    p->kind = kind;
    p->size = size;
    p->count = end - start;
    for (i = start; i < end; i++)
        p->items[i - start] = retain_snap(kind, c[i].snap);
    p->has_prev = p->count > 0 && start > 0;
    p->has_next = p->count > 0 && end < m;
    if (p->has_prev)
        render_token(p->prev_token, 'B', &c[start], q->order);
    if (p->has_next)
        render_token(p->next_token, 'A', &c[end - 1], q->order);
    *out = p;
    return LW_OK;
}

/* ---- workers ----------------------------------------------------------- */

static bool truthy(const qstr *s)
{
    return lw__ascii_caseeq(s->s, s->len, "true", 4) ||
           lw__ascii_caseeq(s->s, s->len, "1", 1) ||
           lw__ascii_caseeq(s->s, s->len, "yes", 3);
}

/* Filters resolved against the workspace. */
typedef struct wfilter {
    bool empty;  /* some filter names nothing: no worker matches */
    const lw__worker_rec *named;
    const lw__act_rec *act;
    int available;  /* -1: any */
    const lw__queue_rec *queue;
} wfilter;

static void resolve_activity(lw_workspace *ws, const lw_query *q,
                             wfilter *f)
{
    const lw__act_rec *by_name;

    if (q->activity_sid.s != NULL) {
        f->act = lw__act_find(ws, q->activity_sid.s, q->activity_sid.len);
        f->empty |= f->act == NULL;
    }
    if (q->activity_name.s != NULL) {
        by_name = lw__names_find(&ws->act_names, q->activity_name.s,
                                 q->activity_name.len);
        f->empty |= by_name == NULL || (f->act && f->act != by_name);
        f->act = by_name;
    }
}

static void resolve_queue(lw_workspace *ws, const lw_query *q, wfilter *f)
{
    const lw__queue_rec *by_name;

    if (q->queue_sid.s != NULL) {
        f->queue = lw__queue_find(ws, q->queue_sid.s, q->queue_sid.len);
        f->empty |= f->queue == NULL;
    }
    if (q->queue_name.s != NULL) {
        by_name = lw__names_find(&ws->queue_names, q->queue_name.s,
                                 q->queue_name.len);
        f->empty |= by_name == NULL || (f->queue && f->queue != by_name);
        f->queue = by_name;
    }
}

static void resolve_filters(lw_workspace *ws, const lw_query *q,
                            wfilter *f)
{
    memset(f, 0, sizeof *f);
    f->available = -1;
    if (q->friendly_name.s != NULL) {
        f->named = lw__names_find(&ws->worker_names, q->friendly_name.s,
                                  q->friendly_name.len);
        f->empty |= f->named == NULL;
    }
    resolve_activity(ws, q, f);
    resolve_queue(ws, q, f);
    if (q->available.s != NULL)
        f->available = truthy(&q->available);
}

static bool worker_matches(const lw__worker_rec *r, const wfilter *f)
{
    /* With a name filter only the named record is ever tested, so r
     * differs from it only in a future caller: a guard. */
    if (f->named != NULL && r != f->named)  /* GCOVR_EXCL_BR_LINE */
        return false;
    if (f->act != NULL && !lw__rec_in_act(r, f->act))
        return false;
    if (f->available >= 0 &&
        lw__snap_available(r->snap) != (f->available == 1))
        return false;
    return f->queue == NULL || lw__queue_has(f->queue, r->slot);
}

static void add_worker_cand(cand *c, size_t *m, const lw__worker_rec *r,
                            lw_ordering order)
{
    c[*m].sec = order == LW_ORDER_SID
                    ? 0
                    : floor_seconds(r->snap->date_status_changed);
    c[*m].sid = lw__rec_sid(r);
    c[*m].snap = r->snap;
    (*m)++;
}

/* Collect the matching workers into c; returns their number. */
static size_t collect_workers(lw_workspace *ws, const lw_query *q,
                              const wfilter *f, const lw_expr *e,
                              uint32_t *idx, cand *c)
{
    size_t n = ws->nworkers, m = 0, i;

    if (f->empty)
        return 0;
    if (f->named != NULL) {
        if (worker_matches(f->named, f) &&
            (e == NULL || lw__expr_eval(e, &ws->subjects[f->named->slot])))
            add_worker_cand(c, &m, f->named, q->order);
        return m;
    }
    if (e != NULL)
        n = lw__ws_filter(ws, e, 0, ws->nworkers, idx);
    for (i = 0; i < n; i++) {
        const lw__worker_rec *r = ws->workers[e ? idx[i] : i];

        if (worker_matches(r, f))
            add_worker_cand(c, &m, r, q->order);
    }
    return m;
}

static void sort_cands(cand *c, size_t m, lw_ordering order)
{
    if (order == LW_ORDER_STATUS_ASC)
        qsort(c, m, sizeof *c, cand_sort_asc);
    else if (order == LW_ORDER_STATUS_DESC)
        qsort(c, m, sizeof *c, cand_sort_desc);
}

/*
 * SID order, the default, needs no sort: the workers array is the list
 * order.  A page is found by walking from the token and stopping once the
 * page and one more match are known, so page 100 costs what page 1 does.
 */
#define SCAN_BLOCK 64

/* Does position i pass the filters (the expression included)? */
typedef struct sid_walk {
    lw_workspace *ws;
    const wfilter *f;
    const lw_expr *e;
} sid_walk;

/*
 * Matches in [lo, hi) in walk order (ascending when forward), at most
 * want of them, into out; returns how many.
 */
static size_t walk_block(const sid_walk *w, size_t lo, size_t hi,
                         bool forward, size_t want, uint32_t *out)
{
    uint32_t idx[SCAN_BLOCK];
    size_t n, k, got = 0;

    if (w->e != NULL) {
        n = lw__ws_filter(w->ws, w->e, lo, hi - lo, idx);
    } else {
        for (n = 0; n < hi - lo; n++)
            idx[n] = (uint32_t)n;
    }
    for (k = 0; k < n && got < want; k++) {
        size_t pos = lo + idx[forward ? k : n - 1 - k];

        if (worker_matches(w->ws->workers[pos], w->f))
            out[got++] = (uint32_t)pos;
    }
    return got;
}

/* Up to want matches walking from pos (inclusive) forward, or backward
 * from pos - 1; positions into out in walk order. */
static size_t walk(const sid_walk *w, size_t pos, bool forward,
                   size_t want, uint32_t *out)
{
    size_t got = 0, n = w->ws->nworkers;

    while (got < want && (forward ? pos < n : pos > 0)) {
        size_t lo = forward ? pos : (pos > SCAN_BLOCK ? pos - SCAN_BLOCK : 0);
        size_t hi = forward ? (n - pos > SCAN_BLOCK ? pos + SCAN_BLOCK : n)
                            : pos;

        got += walk_block(w, lo, hi, forward, want - got, out + got);
        pos = forward ? hi : lo;
    }
    return got;
}

static void sid_token(char *buf, char dir, const lw__worker_rec *r)
{
    cand c = {0, lw__rec_sid(r), r->snap};

    render_token(buf, dir, &c, LW_ORDER_SID);
}

static lw_result list_workers_by_sid(lw_workspace *ws, const lw_query *q,
                                     const wfilter *f, const lw_expr *e,
                                     const token *t, lw_page **out,
                                     lw_error *err)
{
    uint32_t size = q->page_size > LW_MAX_PAGE_SIZE ? LW_MAX_PAGE_SIZE
                                                    : q->page_size;
    sid_walk w = {ws, f, e};
    bool forward = !t->set || t->after;
    size_t from = 0, got, count, i, one;
    uint32_t *pos, probe;
    lw_page *p;

    if (t->set) {
        from = lw__worker_lower_bound(ws, t->sid);
        if (t->after && from < ws->nworkers &&
            memcmp(lw__rec_sid(ws->workers[from]), t->sid, LW_SID_LEN) == 0)
            from++;
    }
    pos = lw__malloc(&ws->alloc, ((size_t)size + 1) * sizeof *pos);
    if (pos == NULL)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    got = walk(&w, from, forward, (size_t)size + 1, pos);
    count = got > size ? size : got;
    p = lw__calloc(&ws->alloc, 1, sizeof *p + count * sizeof(void *));
    if (p == NULL) {
        lw__free(&ws->alloc, pos);
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    }
    p->alloc = ws->alloc;
    p->kind = PAGE_WORKERS;
    p->size = size;
    p->count = count;
    for (i = 0; i < count; i++)
        p->items[forward ? i : count - 1 - i] =
            lw_worker_retain(ws->workers[pos[i]]->snap);

    /* One record beyond the page on the far side is already known; on
     * the near side, look for one. */
    one = count > 0 ? walk(&w, from, !forward, 1, &probe) : 0;
    p->has_next = count > 0 && (forward ? got > size : one > 0);
    p->has_prev = count > 0 && (forward ? one > 0 : got > size);
    if (p->has_prev)
        sid_token(p->prev_token, 'B',
                  ws->workers[pos[forward ? 0 : count - 1]]);
    if (p->has_next)
        sid_token(p->next_token, 'A',
                  ws->workers[pos[forward ? count - 1 : 0]]);
    lw__free(&ws->alloc, pos);
    *out = p;
    return LW_OK;
}

static lw_result list_workers_locked(lw_workspace *ws, const lw_query *q,
                                     const lw_expr *e, const token *t,
                                     lw_page **out, lw_error *err)
{
    size_t n = ws->nworkers ? ws->nworkers : 1, m;
    uint32_t *idx = NULL;
    wfilter f;
    cand *c;
    lw_result rc;

    resolve_filters(ws, q, &f);
    if (q->order == LW_ORDER_SID && !f.empty && f.named == NULL)
        return list_workers_by_sid(ws, q, &f, e, t, out, err);
    c = lw__malloc(&ws->alloc, n * sizeof *c);
    if (c != NULL && e != NULL)
        idx = lw__malloc(&ws->alloc, n * sizeof *idx);
    if (c == NULL || (e != NULL && idx == NULL)) {
        lw__free(&ws->alloc, c);
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    }
    m = collect_workers(ws, q, &f, e, idx, c);
    sort_cands(c, m, q->order);
    rc = page_build(ws, PAGE_WORKERS, c, m, q, t, out, err);
    lw__free(&ws->alloc, idx);
    lw__free(&ws->alloc, c);
    return rc;
}

static lw_result list_prepare(lw_workspace *ws, const lw_query *q,
                              const char *prefix, token *t,
                              lw_page **out, lw_error *err)
{
    if (ws == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    return parse_token(ws, q, prefix, t, err);
}

lw_result lw_worker_list(lw_workspace *ws, const lw_query *q,
                         lw_page **out, lw_error *err)
{
    lw_expr *e = NULL;
    lw_error ce;
    token t;
    lw_result rc;

    q = q ? q : &default_query;
    rc = list_prepare(ws, q, "WK", &t, out, err);
    if (rc != LW_OK)
        return rc;
    if (q->target.s != NULL && q->target.len > 0 &&
        lw_expr_compile(ws->syms, q->target.s, q->target.len, &e, &ce) !=
            LW_OK)
        return lw__ws_forward(ws, err, &ce);
    pthread_rwlock_rdlock(&ws->lock);
    if (e != NULL)
        lw__cols_prepare(ws, e);
    rc = list_workers_locked(ws, q, e, &t, out, err);
    pthread_rwlock_unlock(&ws->lock);
    lw_expr_free(e);
    return rc;
}

/* ---- activities and task queues ---------------------------------------- */

static bool activity_matches(const lw__act_rec *r, const lw_query *q)
{
    if (q->friendly_name.s != NULL &&
        !lw__ascii_caseeq(r->name_sym->bytes, r->name_sym->len,
                          q->friendly_name.s, q->friendly_name.len))
        return false;
    return q->available.s == NULL ||
           r->snap->available == truthy(&q->available);
}

static lw_result list_simple_locked(lw_workspace *ws, const lw_query *q,
                                    int kind, const token *t,
                                    lw_page **out, lw_error *err)
{
    size_t n = kind == PAGE_ACTIVITIES ? ws->nacts : ws->nqueues;
    size_t m = 0, i;
    lw_query sidq = *q;
    cand *c = lw__malloc(&ws->alloc, (n ? n : 1) * sizeof *c);
    lw_result rc;

    if (c == NULL)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        if (kind == PAGE_ACTIVITIES && !activity_matches(ws->acts[i], q))
            continue;
        c[m].sec = 0;
        c[m].sid = kind == PAGE_ACTIVITIES ? ws->acts[i]->sid
                                           : ws->queues[i]->sid;
        c[m++].snap = kind == PAGE_ACTIVITIES ? (void *)ws->acts[i]->snap
                                              : (void *)ws->queues[i]->snap;
    }
    sidq.order = LW_ORDER_SID;
    rc = page_build(ws, kind, c, m, &sidq, t, out, err);
    lw__free(&ws->alloc, c);
    return rc;
}

static lw_result list_simple(lw_workspace *ws, const lw_query *q, int kind,
                             lw_page **out, lw_error *err)
{
    lw_query sidq;
    token t;
    lw_result rc;

    sidq = q ? *q : default_query;
    sidq.order = LW_ORDER_SID;
    if (kind == PAGE_QUEUES) {
        sidq.friendly_name.s = NULL;
        sidq.available.s = NULL;
    }
    rc = list_prepare(ws, &sidq, kind == PAGE_ACTIVITIES ? "WA" : "WQ", &t,
                      out, err);
    if (rc != LW_OK)
        return rc;
    pthread_rwlock_rdlock(&ws->lock);
    rc = list_simple_locked(ws, &sidq, kind, &t, out, err);
    pthread_rwlock_unlock(&ws->lock);
    return rc;
}

lw_result lw_activity_list(lw_workspace *ws, const lw_query *q,
                           lw_page **out, lw_error *err)
{
    return list_simple(ws, q, PAGE_ACTIVITIES, out, err);
}

lw_result lw_task_queue_list(lw_workspace *ws, const lw_query *q,
                             lw_page **out, lw_error *err)
{
    return list_simple(ws, q, PAGE_QUEUES, out, err);
}
