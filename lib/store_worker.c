/*
 * store_worker.c - workers: snapshots, create, fetch, update, delete,
 * pending reservations, the per-worker "update in progress" mark and the
 * delivery of events after commit.
 */
#include <string.h>

#include "store_int.h"

struct lw_worker_changes {
    lw_allocator alloc;
    char *name;       /* NULL: keep */
    size_t name_len;
    char *attrs;      /* NULL: keep */
    size_t attrs_len;
    char *act;        /* NULL: keep */
    size_t act_len;
    bool reject;
    int64_t expected;
};

struct lw_event {
    const char *type;
    lw_worker *worker;
    int64_t version;
    int64_t timestamp;
    const char *prev_sid;
    const char *prev_name;
    int64_t prev_ms;
    uint32_t dropped;
};

/* Events of one change, delivered after commit. */
typedef struct event_batch {
    lw_event ev[2];
    int n;
    lw_worker *old;  /* previous snapshot, kept alive for prev_* */
    lw_event_fn fn;
    void *user;
} event_batch;

/* ---- snapshots --------------------------------------------------------- */

/* Drop one reference on each built-in, under one hold of the lock. */
static void builtins_release(lw_symtab *syms, const lw__sym *const *b)
{
    int i;

    lw__symtab_lock(syms);
    for (i = 0; i < LW__BUILTIN_COUNT; i++)
        lw__sym_release_locked(syms, b[i]);
    lw__symtab_unlock(syms);
}

/*
 * A snapshot that takes over the caller's references on the built-ins;
 * on failure they are dropped.
 */
static lw_worker *snap_adopt(lw_workspace *ws, const lw__sym *const *b,
                             lw_attrs *attrs, bool available)
{
    lw_worker *w = lw__calloc(&ws->alloc, 1, sizeof *w);

    if (w == NULL) {
        builtins_release(ws->syms, b);
        return NULL;
    }
    atomic_init(&w->refs, 1);
    w->ident = lw__ws_ident_retain(ws->ident);
    memcpy(w->builtins, b, sizeof w->builtins);
    w->attrs = lw_attrs_retain(attrs);
    w->version_bits = available;
    return w;
}

static lw_worker *snap_new(lw_workspace *ws, const lw__sym *const *b,
                           lw_attrs *attrs, bool available)
{
    int i;

    lw__symtab_lock(ws->syms);
    for (i = 0; i < LW__BUILTIN_COUNT; i++)
        lw__sym_retain_locked(ws->syms, b[i]);
    lw__symtab_unlock(ws->syms);
    return snap_adopt(ws, b, attrs, available);
}

/* A copy of w's times, version and pending count into n. */
static void snap_copy_state(lw_worker *n, const lw_worker *w)
{
    n->pending = w->pending;
    lw__snap_set_version(n, lw__snap_version(w));
    n->date_created = w->date_created;
    n->date_updated = w->date_updated;
    n->date_status_changed = w->date_status_changed;
}

lw_worker *lw__worker_snap_rename_activity(lw_workspace *ws,
                                           const lw_worker *w,
                                           const lw__sym *name)
{
    const lw__sym *b[LW__BUILTIN_COUNT];
    lw_worker *n;

    memcpy(b, w->builtins, sizeof b);
    b[LW__BUILTIN_ACTIVITY_NAME] = name;
    n = snap_new(ws, b, w->attrs, lw__snap_available(w));
    if (n != NULL)
        snap_copy_state(n, w);
    return n;
}

lw_worker *lw_worker_retain(lw_worker *w)
{
    if (w != NULL)
        atomic_fetch_add(&w->refs, 1);
    return w;
}

void lw_worker_release(lw_worker *w)
{
    lw__ws_ident *id;

    if (w == NULL || atomic_fetch_sub(&w->refs, 1) != 1)
        return;
    id = w->ident;
    builtins_release(id->syms, w->builtins);
    lw_attrs_release(w->attrs);
    lw__free(lw__symtab_alloc(id->syms), w);
    lw__ws_ident_release(id);
}

const char *lw_worker_sid(const lw_worker *w)
{
    return w != NULL ? w->builtins[LW__BUILTIN_SID]->bytes : NULL;
}

const char *lw_worker_friendly_name(const lw_worker *w)
{
    return w != NULL ? w->builtins[LW__BUILTIN_FRIENDLY_NAME]->bytes : NULL;
}

const char *lw_worker_account_sid(const lw_worker *w)
{
    return w != NULL ? w->ident->account_sid : NULL;
}

const char *lw_worker_workspace_sid(const lw_worker *w)
{
    return w != NULL ? w->ident->workspace_sid : NULL;
}

const char *lw_worker_activity_sid(const lw_worker *w)
{
    return w != NULL ? w->builtins[LW__BUILTIN_ACTIVITY_SID]->bytes : NULL;
}

const char *lw_worker_activity_name(const lw_worker *w)
{
    return w != NULL ? w->builtins[LW__BUILTIN_ACTIVITY_NAME]->bytes : NULL;
}

bool lw_worker_available(const lw_worker *w)
{
    return w != NULL && lw__snap_available(w);
}

const char *lw_worker_attributes(const lw_worker *w, size_t *len)
{
    return lw_attrs_text(w != NULL ? w->attrs : NULL, len);
}

const lw_attrs *lw_worker_attrs(const lw_worker *w)
{
    return w != NULL ? w->attrs : NULL;
}

int64_t lw_worker_date_created(const lw_worker *w)
{
    return w != NULL ? w->date_created : 0;
}

int64_t lw_worker_date_updated(const lw_worker *w)
{
    return w != NULL ? w->date_updated : 0;
}

int64_t lw_worker_date_status_changed(const lw_worker *w)
{
    return w != NULL ? w->date_status_changed : 0;
}

int64_t lw_worker_version(const lw_worker *w)
{
    return w != NULL ? lw__snap_version(w) : 0;
}

uint32_t lw_worker_pending_reservations(const lw_worker *w)
{
    return w != NULL ? w->pending : 0;
}

static lw__subject worker_subject(const lw_worker *w)
{
    lw__subject s;

    lw__subject_set(&s, w->attrs, w->builtins);
    return s;
}

bool lw_worker_matches(const lw_expr *e, const lw_worker *w)
{
    lw__subject s;

    if (e == NULL || w == NULL || lw__expr_symtab(e) != w->ident->syms)
        return false;
    s = worker_subject(w);
    return lw__expr_eval(e, &s);
}

lw_result lw_worker_explain(const lw_expr *e, const lw_worker *w,
                            lw_explain_format format, char **out,
                            size_t *len, lw_error *err)
{
    lw__subject s;

    if (e == NULL || w == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "explain: expression, worker and out are required");
    if (lw__expr_symtab(e) != w->ident->syms)
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "explain: the expression was compiled with another "
                        "workspace's symbol table");
    s = worker_subject(w);
    return lw__expr_explain(e, &s, format, out, len, err);
}

/* ---- events ------------------------------------------------------------ */

const char *lw_event_type(const lw_event *ev)
{
    return ev != NULL ? ev->type : NULL;
}

lw_worker *lw_event_worker(const lw_event *ev)
{
    return ev != NULL ? ev->worker : NULL;
}

int64_t lw_event_version(const lw_event *ev)
{
    return ev != NULL ? ev->version : 0;
}

int64_t lw_event_timestamp(const lw_event *ev)
{
    return ev != NULL ? ev->timestamp : 0;
}

const char *lw_event_previous_activity_sid(const lw_event *ev)
{
    return ev != NULL ? ev->prev_sid : NULL;
}

const char *lw_event_previous_activity_name(const lw_event *ev)
{
    return ev != NULL ? ev->prev_name : NULL;
}

int64_t lw_event_previous_activity_ms(const lw_event *ev)
{
    return ev != NULL ? ev->prev_ms : 0;
}

uint32_t lw_event_reservations_dropped(const lw_event *ev)
{
    return ev != NULL ? ev->dropped : 0;
}

/* Add an event about w (retained) to the batch. */
static lw_event *batch_add(event_batch *b, const char *type, lw_worker *w,
                           int64_t now)
{
    lw_event *ev = &b->ev[b->n++];

    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->worker = lw_worker_retain(w);
    ev->version = lw__snap_version(w);
    ev->timestamp = now;
    return ev;
}

/* Deliver the batch (outside the lock) and drop its references. */
static void batch_deliver(event_batch *b)
{
    int i;

    for (i = 0; i < b->n; i++) {
        if (b->fn != NULL)
            b->fn(b->user, &b->ev[i]);
        lw_worker_release(b->ev[i].worker);
    }
    lw_worker_release(b->old);
    b->n = 0;
    b->old = NULL;
}

/* ---- records ----------------------------------------------------------- */

/* The first eight bytes of a SID as a number that orders like memcmp. */
static uint64_t sid_head(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 |
           (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 |
           (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

/*
 * A binary search over the SIDs, each read through its record.  The
 * heads decide almost every step without a call to memcmp: after the
 * common "WK" they hold 24 random bits.
 */
size_t lw__worker_lower_bound(const lw_workspace *ws, const char *sid)
{
    size_t lo = 0, hi = ws->nworkers;
    uint64_t head = sid_head(sid);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *at = lw__rec_sid(ws->workers[mid]);
        uint64_t h = sid_head(at);

        if (h < head || (h == head && memcmp(at + 8, sid + 8,
                                             LW_SID_LEN - 8) < 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t lw__worker_pos(lw_workspace *ws, const lw__worker_rec *r)
{
    return lw__worker_lower_bound(ws, lw__rec_sid(r));
}

void lw__worker_replace(lw_workspace *ws, size_t pos, lw_worker *snap)
{
    lw__worker_rec *r = ws->workers[pos];

    lw_worker_release(r->snap);
    r->snap = snap;
    lw__subject_set(&ws->subjects[r->slot], snap->attrs, snap->builtins);
    lw__cols_set(ws, r->slot);
}

void lw__worker_rec_free(lw_workspace *ws, lw__worker_rec *r)
{
    /* Every caller holds a record: the NULL case is only a guard. */
    if (r == NULL)  /* GCOVR_EXCL_BR_LINE */
        return;
    lw_worker_release(r->snap);
    lw__free(&ws->alloc, r);
}

static lw__worker_rec *worker_find(lw_workspace *ws, const char *sid,
                                   size_t len)
{
    return lw__sidx_find(&ws->worker_sids, sid, len);
}

/* Room for one more worker in the SID-ordered array. */
static lw_result grow_workers(lw_workspace *ws)
{
    uint32_t cap = ws->workers_cap ? ws->workers_cap * 2 : 16;
    void *p;

    if (ws->nworkers < ws->workers_cap)
        return LW_OK;
    p = lw__realloc(&ws->alloc, ws->workers, cap * sizeof *ws->workers);
    if (p == NULL)
        return LW_ERR_NOMEM;
    ws->workers = p;
    ws->workers_cap = cap;
    return LW_OK;
}

/*
 * A free worker slot, growing the slot space (the subjects, the value
 * columns and the queues' bit sets, all indexed by slot) when every
 * slot is taken.
 */
static lw_result reserve_slot(lw_workspace *ws, uint32_t *slot)
{
    uint32_t i, words;
    uint64_t *used;
    lw__subject *subj;

    for (i = 0; i < ws->slot_words; i++) {
        if (ws->slots_used[i] != UINT64_MAX) {
            *slot = i * 64 + (uint32_t)__builtin_ctzll(~ws->slots_used[i]);
            return LW_OK;
        }
    }
    words = ws->slot_words ? ws->slot_words * 2 : 1;
    subj = lw__realloc(&ws->alloc, ws->subjects,
                       (size_t)words * 64 * sizeof *subj);
    if (subj == NULL)
        return LW_ERR_NOMEM;
    ws->subjects = subj;
    used = lw__realloc(&ws->alloc, ws->slots_used, words * sizeof *used);
    if (used == NULL)
        return LW_ERR_NOMEM;
    memset(used + ws->slot_words, 0,
           (words - ws->slot_words) * sizeof *used);
    ws->slots_used = used;
    if (lw__queues_grow_bits(ws, words) != LW_OK)
        return LW_ERR_NOMEM;
    lw__cols_grow(ws, words * 64);
    *slot = ws->slot_words * 64;
    ws->slot_words = words;
    return LW_OK;
}

static lw_worker *worker_snap_build(lw_workspace *ws,
                                    const lw__worker_init *in,
                                    const char *sid)
{
    const lw__sym *b[LW__BUILTIN_COUNT];
    lw_worker *w;
    bool ok;

    /* One hold of the lock takes every reference the snapshot keeps. */
    b[LW__BUILTIN_ACTIVITY_SID] = in->act->sid_sym;
    b[LW__BUILTIN_ACTIVITY_NAME] = in->act->name_sym;
    lw__symtab_lock(ws->syms);
    ok = lw__sym_intern_locked(ws->syms, sid, LW_SID_LEN,
                               &b[LW__BUILTIN_SID]) == LW_OK;
    if (ok && lw__sym_intern_locked(ws->syms, in->name, in->name_len,
                                    &b[LW__BUILTIN_FRIENDLY_NAME]) != LW_OK) {
        lw__sym_release_locked(ws->syms, b[LW__BUILTIN_SID]);
        ok = false;
    }
    if (ok) {
        lw__sym_retain_locked(ws->syms, b[LW__BUILTIN_ACTIVITY_SID]);
        lw__sym_retain_locked(ws->syms, b[LW__BUILTIN_ACTIVITY_NAME]);
    }
    lw__symtab_unlock(ws->syms);
    if (!ok)
        return NULL;
    w = snap_adopt(ws, b, in->attrs, in->act->snap->available);
    if (w == NULL)
        return NULL;
    w->pending = in->pending;
    lw__snap_set_version(w, in->version);
    w->date_created = in->date_created;
    w->date_updated = in->date_updated;
    w->date_status_changed = in->date_status_changed;
    return w;
}

/* Put a prepared record of activity act in place; nothing here can
 * fail. */
static void worker_insert(lw_workspace *ws, lw__worker_rec *r,
                          lw__act_rec *act)
{
    size_t pos = lw__worker_pos(ws, r);
    const lw__sym *name = r->snap->builtins[LW__BUILTIN_FRIENDLY_NAME];

    lw__ptrs_insert((void **)ws->workers, ws->nworkers, pos, r);
    ws->nworkers++;
    lw__subject_set(&ws->subjects[r->slot], r->snap->attrs,
                    r->snap->builtins);
    lw__cols_insert(ws, r->slot);
    ws->slots_used[r->slot / 64] |= (uint64_t)1 << (r->slot % 64);
    lw__names_insert(&ws->worker_names, name->bytes, name->len, r);
    lw__sidx_insert(&ws->worker_sids, r);
    act->nworkers++;
    lw__queues_eval_worker(ws, pos);
}

lw_result lw__worker_add(lw_workspace *ws, const lw__worker_init *in,
                         lw__worker_rec **out, lw_error *err)
{
    char sid[LW__SID_BUF];
    lw__worker_rec *r;
    uint32_t slot;

    if (in->sid != NULL)
        memcpy(sid, in->sid, LW__SID_BUF);
    else {
        do
            lw__ws_new_sid(ws, "WK", sid);
        while (worker_find(ws, sid, LW_SID_LEN) != NULL);
    }
    if (grow_workers(ws) != LW_OK || reserve_slot(ws, &slot) != LW_OK ||
        lw__names_reserve(&ws->alloc, &ws->worker_names,
                          ws->nworkers + 1) != LW_OK ||
        lw__sidx_reserve(&ws->alloc, &ws->worker_sids,
                         ws->nworkers + 1) != LW_OK)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    r = lw__calloc(&ws->alloc, 1, sizeof *r);
    if (r == NULL || (r->snap = worker_snap_build(ws, in, sid)) == NULL) {
        lw__free(&ws->alloc, r);
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    }
    r->sid = r->snap->builtins[LW__BUILTIN_SID];
    r->slot = slot;
    atomic_init(&r->busy, false);
    worker_insert(ws, r, in->act);
    *out = r;
    return LW_OK;
}

/* ---- validation shared by create and update ---------------------------- */

lw_result lw__worker_parse_attrs(lw_workspace *ws, const char *text,
                                 size_t len, lw_attrs **out, lw_error *err)
{
    lw_error e;

    if (text == NULL) {
        text = "{}";
        len = 2;
    }
    if (len == 0)
        return lw__ws_fail(ws, err, LW_ERR_INVALID,
                           "Attributes must be a JSON object, not empty");
    if (lw_attrs_parse(ws->syms, text, len, ws->attrs_max, out, &e) !=
        LW_OK)
        return lw__ws_forward(ws, err, &e);
    return LW_OK;
}

static lw_result check_activity_param(lw_workspace *ws, const char *sid,
                                      size_t len, lw_error *err)
{
    if (sid == NULL || lw__sid_valid(sid, len, "WA"))
        return LW_OK;
    return lw__ws_fail(ws, err, LW_ERR_INVALID,
                       "ActivitySid is not a valid activity SID");
}

static lw_result unknown_activity(lw_workspace *ws, const char *sid,
                                  lw_error *err)
{
    return lw__ws_fail(ws, err, LW_ERR_INVALID,
                       "ActivitySid %.34s is not an activity of this "
                       "workspace", sid);
}

static lw_result not_found(lw_workspace *ws, const char *sid, size_t len,
                           lw_error *err)
{
    if (sid == NULL || len > 64)
        len = 0;
    return lw__ws_fail(ws, err, LW_ERR_NOT_FOUND,
                       "The requested resource /Workspaces/%s/Workers/"
                       "%.*s was not found", ws->sid, (int)len,
                       sid ? sid : "");
}

static lw_result duplicate(lw_workspace *ws, lw_error *err)
{
    return lw__ws_fail(ws, err, LW_ERR_DUPLICATE,
                       "Worker with the same friendly name already exists");
}

/* ---- create ------------------------------------------------------------ */

static lw_result create_locked(lw_workspace *ws, lw__worker_init *in,
                               const char *act_sid, size_t act_len,
                               lw__worker_rec **rec, lw_error *err)
{
    in->act = act_sid ? lw__act_find(ws, act_sid, act_len)
                      : ws->default_act;
    if (in->act == NULL)
        return unknown_activity(ws, act_sid, err);
    if (lw__names_find(&ws->worker_names, in->name, in->name_len) != NULL)
        return duplicate(ws, err);
    if (ws->nworkers >= ws->cap)
        return lw__ws_fail(ws, err, LW_ERR_LIMIT,
                           "Workspace has reached its limit of %u workers",
                           (unsigned)ws->cap);
    in->date_created = lw__ws_now(ws);
    in->date_updated = in->date_status_changed = in->date_created;
    return lw__worker_add(ws, in, rec, err);
}

lw_result lw_worker_create(lw_workspace *ws, const char *name,
                           size_t name_len, const char *attributes,
                           size_t attributes_len, const char *activity_sid,
                           size_t activity_len, lw_worker **out,
                           lw_error *err)
{
    lw__worker_init in;
    lw__worker_rec *r = NULL;
    event_batch b;
    lw_result rc;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    memset(&in, 0, sizeof in);
    memset(&b, 0, sizeof b);
    in.name = name;
    in.name_len = name_len;
    rc = lw__check_name(ws, name, name_len, "FriendlyName", err);
    if (rc == LW_OK)
        rc = lw__worker_parse_attrs(ws, attributes, attributes_len,
                                    &in.attrs, err);
    if (rc == LW_OK)
        rc = check_activity_param(ws, activity_sid, activity_len, err);
    if (rc != LW_OK) {
        lw_attrs_release(in.attrs);
        return rc;
    }

    pthread_rwlock_wrlock(&ws->lock);
    rc = create_locked(ws, &in, activity_sid, activity_len, &r, err);
    if (rc == LW_OK) {
        atomic_store(&r->busy, true);
        batch_add(&b, "worker.created", r->snap, r->snap->date_created);
        b.fn = ws->on_event;
        b.user = ws->event_user;
        if (out != NULL)
            *out = lw_worker_retain(r->snap);
    }
    pthread_rwlock_unlock(&ws->lock);
    lw_attrs_release(in.attrs);
    if (rc == LW_OK) {
        batch_deliver(&b);
        atomic_store(&r->busy, false);
    }
    return rc;
}

lw_result lw_worker_fetch(lw_workspace *ws, const char *sid,
                          size_t sid_len, lw_worker **out, lw_error *err)
{
    lw__worker_rec *r;

    if (ws == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    pthread_rwlock_rdlock(&ws->lock);
    r = worker_find(ws, sid, sid_len);
    if (r != NULL)
        *out = lw_worker_retain(r->snap);
    pthread_rwlock_unlock(&ws->lock);
    return r ? LW_OK : not_found(ws, sid, sid_len, err);
}

/* ---- the change set ---------------------------------------------------- */

lw_result lw_worker_changes_create(lw_workspace *ws, lw_worker_changes **out)
{
    lw_worker_changes *c;

    if (ws == NULL || out == NULL)
        return LW_ERR_INVALID;
    c = lw__calloc(&ws->alloc, 1, sizeof *c);
    if (c == NULL)
        return LW_ERR_NOMEM;
    c->alloc = ws->alloc;
    c->expected = LW_VERSION_ANY;
    *out = c;
    return LW_OK;
}

void lw_worker_changes_free(lw_worker_changes *c)
{
    lw_allocator a;

    if (c == NULL)
        return;
    a = c->alloc;
    lw__free(&a, c->name);
    lw__free(&a, c->attrs);
    lw__free(&a, c->act);
    lw__free(&a, c);
}

static lw_result set_text(lw_worker_changes *c, char **dst, size_t *dlen,
                          const char *s, size_t len)
{
    char *copy = NULL;

    if (c == NULL)
        return LW_ERR_INVALID;
    if (s != NULL && (copy = lw__strndup(&c->alloc, s, len)) == NULL)
        return LW_ERR_NOMEM;
    lw__free(&c->alloc, *dst);
    *dst = copy;
    *dlen = len;
    return LW_OK;
}

lw_result lw_worker_changes_set_friendly_name(lw_worker_changes *c,
                                              const char *name, size_t len)
{
    return set_text(c, c ? &c->name : NULL, c ? &c->name_len : NULL, name,
                    len);
}

lw_result lw_worker_changes_set_attributes(lw_worker_changes *c,
                                           const char *text, size_t len)
{
    return set_text(c, c ? &c->attrs : NULL, c ? &c->attrs_len : NULL,
                    text, len);
}

lw_result lw_worker_changes_set_activity_sid(lw_worker_changes *c,
                                             const char *sid, size_t len)
{
    return set_text(c, c ? &c->act : NULL, c ? &c->act_len : NULL, sid,
                    len);
}

lw_result lw_worker_changes_set_reject_pending(lw_worker_changes *c,
                                               bool reject)
{
    if (c == NULL)
        return LW_ERR_INVALID;
    c->reject = reject;
    return LW_OK;
}

lw_result lw_worker_changes_set_expected_version(lw_worker_changes *c,
                                                 int64_t version)
{
    if (c == NULL || version < LW_VERSION_NONE)
        return LW_ERR_INVALID;
    c->expected = version;
    return LW_OK;
}

/* ---- update ------------------------------------------------------------ */

/* Find the worker and take its "update in progress" mark. */
static lw_result mark(lw_workspace *ws, const char *sid, size_t len,
                      lw__worker_rec **out, lw_error *err)
{
    lw__worker_rec *r;
    bool idle = false;

    pthread_rwlock_rdlock(&ws->lock);
    r = worker_find(ws, sid, len);
    if (r != NULL && !atomic_compare_exchange_strong(&r->busy, &idle, true))
        r = NULL;
    pthread_rwlock_unlock(&ws->lock);
    if (r != NULL) {
        *out = r;
        return LW_OK;
    }
    if (!idle)
        return not_found(ws, sid, len, err);
    return lw__ws_fail(ws, err, LW_ERR_IN_PROGRESS,
                       "Worker %.34s cannot be updated: an update is "
                       "already in progress", sid);
}

static bool version_matches(int64_t expected, int64_t version)
{
    return expected == LW_VERSION_ANY || expected == version;
}

static lw_result precondition(lw_workspace *ws, int64_t expected,
                              int64_t version, lw_error *err)
{
    if (version_matches(expected, version))
        return LW_OK;
    return lw__ws_fail(ws, err, LW_ERR_PRECONDITION,
                       "The worker's version is %lld, not the expected "
                       "one (If-Match)", (long long)version);
}

/* What an update changes, decided under the lock. */
typedef struct update_plan {
    const lw_worker_changes *c;
    lw_attrs *attrs;       /* parsed new attributes, or NULL */
    lw__act_rec *act;      /* target activity, or NULL */
    bool name_changed;
    bool attrs_changed;
    bool act_changed;
} update_plan;

static bool same_bytes(const char *a, size_t alen, const char *b,
                       size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* Inputs needing the workspace (activity existence), then the diff. */
static lw_result plan_inputs(lw_workspace *ws, lw__worker_rec *r,
                             update_plan *p, lw_error *err)
{
    const lw_worker_changes *c = p->c;
    const lw_worker *cur = r->snap;
    size_t tlen;
    const char *text;

    if (c->act != NULL) {
        p->act = lw__act_find(ws, c->act, c->act_len);
        if (p->act == NULL)
            return unknown_activity(ws, c->act, err);
        if (c->reject && p->act->snap->available)
            return lw__ws_fail(ws, err, LW_ERR_INVALID,
                               "RejectPendingReservations needs an "
                               "unavailable target activity");
        p->act_changed = !lw__rec_in_act(r, p->act);
    }
    if (c->name != NULL) {
        const lw__sym *n = cur->builtins[LW__BUILTIN_FRIENDLY_NAME];

        p->name_changed = !same_bytes(c->name, c->name_len, n->bytes,
                                      n->len);
    }
    if (p->attrs != NULL) {
        text = lw_attrs_text(cur->attrs, &tlen);
        p->attrs_changed = !same_bytes(c->attrs, c->attrs_len, text, tlen);
    }
    return LW_OK;
}

/* The conflicts that come after the inputs, in the contract's order. */
static lw_result plan_conflicts(lw_workspace *ws, lw__worker_rec *r,
                                const update_plan *p, lw_error *err)
{
    const lw__worker_rec *other;
    lw_result rc = precondition(ws, p->c->expected,
                                lw__snap_version(r->snap), err);

    if (rc != LW_OK)
        return rc;
    if (p->name_changed) {
        other = lw__names_find(&ws->worker_names, p->c->name,
                               p->c->name_len);
        if (other != NULL && other != r)
            return duplicate(ws, err);
    }
    if (p->act_changed && r->snap->pending > 0 && !p->c->reject)
        return lw__ws_fail(ws, err, LW_ERR_PENDING,
                           "Worker %s has %u pending reservations; set "
                           "RejectPendingReservations to change its "
                           "activity", lw__rec_sid(r),
                           (unsigned)r->snap->pending);
    return LW_OK;
}

static lw_worker *plan_snapshot(lw_workspace *ws, lw__worker_rec *r,
                                const update_plan *p, int64_t now)
{
    const lw_worker *cur = r->snap;
    const lw__sym *b[LW__BUILTIN_COUNT];
    const lw__sym *name = NULL;
    bool available = lw__snap_available(cur);
    lw_worker *n;

    memcpy(b, cur->builtins, sizeof b);
    if (p->name_changed) {
        if (lw__sym_intern(ws->syms, p->c->name, p->c->name_len, &name) !=
            LW_OK)
            return NULL;
        b[LW__BUILTIN_FRIENDLY_NAME] = name;
    }
    if (p->act_changed) {
        b[LW__BUILTIN_ACTIVITY_SID] = p->act->sid_sym;
        b[LW__BUILTIN_ACTIVITY_NAME] = p->act->name_sym;
        available = p->act->snap->available;
    }
    n = snap_new(ws, b, p->attrs_changed ? p->attrs : cur->attrs,
                 available);
    lw__sym_release(ws->syms, name);
    if (n == NULL)
        return NULL;
    snap_copy_state(n, cur);
    lw__snap_set_version(n, lw__snap_version(cur) + 1);
    n->date_updated = now;
    if (p->act_changed) {
        n->date_status_changed = now;
        if (p->c->reject)
            n->pending = 0;
    }
    return n;
}

static void plan_events(event_batch *b, const update_plan *p,
                        lw_worker *old, lw_worker *n, int64_t now)
{
    lw_event *ev;

    b->old = lw_worker_retain(old);
    if (p->act_changed) {
        ev = batch_add(b, "worker.activity.update", n, now);
        ev->prev_sid = old->builtins[LW__BUILTIN_ACTIVITY_SID]->bytes;
        ev->prev_name = old->builtins[LW__BUILTIN_ACTIVITY_NAME]->bytes;
        ev->prev_ms = now - old->date_status_changed;
        ev->dropped = old->pending - n->pending;
    }
    if (p->attrs_changed)
        batch_add(b, "worker.attributes.update", n, now);
    if (!p->act_changed && !p->attrs_changed)
        batch_add(b, "worker.updated", n, now);
}

static void plan_commit(lw_workspace *ws, lw__worker_rec *r,
                        const update_plan *p, lw_worker *n)
{
    const lw__sym *old = r->snap->builtins[LW__BUILTIN_FRIENDLY_NAME];
    const lw__sym *name = n->builtins[LW__BUILTIN_FRIENDLY_NAME];
    size_t pos = lw__worker_pos(ws, r);

    /* The index reads names from the records: r leaves it under its old
     * name and comes back once its snapshot carries the new one. */
    if (p->name_changed)
        lw__names_remove(&ws->worker_names, old->bytes, old->len, r);
    if (p->act_changed) {
        lw__worker_act(ws, r)->nworkers--;
        p->act->nworkers++;
    }
    lw__worker_replace(ws, pos, n);
    if (p->name_changed)
        lw__names_insert(&ws->worker_names, name->bytes, name->len, r);
    lw__queues_eval_worker(ws, pos);
}

static lw_result update_locked(lw_workspace *ws, lw__worker_rec *r,
                               update_plan *p, event_batch *b,
                               lw_error *err)
{
    lw_worker *old = r->snap, *n;
    int64_t now;
    lw_result rc = plan_inputs(ws, r, p, err);

    if (rc == LW_OK)
        rc = plan_conflicts(ws, r, p, err);
    if (rc != LW_OK || !(p->name_changed || p->attrs_changed ||
                         p->act_changed))
        return rc;
    now = lw__ws_now(ws);
    n = plan_snapshot(ws, r, p, now);
    if (n == NULL)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    plan_events(b, p, old, n, now);
    b->fn = ws->on_event;
    b->user = ws->event_user;
    plan_commit(ws, r, p, n);
    return LW_OK;
}

static lw_result update_inputs(lw_workspace *ws, update_plan *p,
                               lw_error *err)
{
    const lw_worker_changes *c = p->c;
    lw_result rc = LW_OK;

    if (c->name != NULL)
        rc = lw__check_name(ws, c->name, c->name_len, "FriendlyName", err);
    if (rc == LW_OK && c->attrs != NULL)
        rc = lw__worker_parse_attrs(ws, c->attrs, c->attrs_len, &p->attrs,
                                    err);
    if (rc == LW_OK)
        rc = check_activity_param(ws, c->act, c->act_len, err);
    return rc;
}

lw_result lw_worker_update(lw_workspace *ws, const char *sid,
                           size_t sid_len, const lw_worker_changes *changes,
                           lw_worker **out, lw_error *err)
{
    static const lw_worker_changes none = {{NULL, NULL}, NULL, 0, NULL, 0,
                                           NULL, 0, false, LW_VERSION_ANY};
    update_plan p;
    event_batch b;
    lw__worker_rec *r;
    lw_result rc;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    memset(&p, 0, sizeof p);
    memset(&b, 0, sizeof b);
    p.c = changes ? changes : &none;
    rc = mark(ws, sid, sid_len, &r, err);
    if (rc != LW_OK)
        return rc;
    rc = update_inputs(ws, &p, err);
    if (rc == LW_OK) {
        pthread_rwlock_wrlock(&ws->lock);
        rc = update_locked(ws, r, &p, &b, err);
        if (rc == LW_OK && out != NULL)
            *out = lw_worker_retain(r->snap);
        pthread_rwlock_unlock(&ws->lock);
    }
    lw_attrs_release(p.attrs);
    batch_deliver(&b);
    atomic_store(&r->busy, false);
    return rc;
}

/* ---- delete ------------------------------------------------------------ */

static lw_result delete_locked(lw_workspace *ws, lw__worker_rec *r,
                               int64_t expected, lw_error *err)
{
    const lw__sym *name = r->snap->builtins[LW__BUILTIN_FRIENDLY_NAME];
    size_t pos;
    lw_result rc = precondition(ws, expected, lw__snap_version(r->snap),
                                err);

    if (rc != LW_OK)
        return rc;
    pos = lw__worker_pos(ws, r);
    lw__ptrs_remove((void **)ws->workers, ws->nworkers, pos);
    lw__cols_remove(ws, r->slot);
    ws->nworkers--;
    ws->slots_used[r->slot / 64] &= ~((uint64_t)1 << (r->slot % 64));
    lw__names_remove(&ws->worker_names, name->bytes, name->len, r);
    lw__sidx_remove(&ws->worker_sids, r);
    lw__worker_act(ws, r)->nworkers--;
    return LW_OK;
}

lw_result lw_worker_delete(lw_workspace *ws, const char *sid,
                           size_t sid_len, int64_t expected_version,
                           lw_error *err)
{
    event_batch b;
    lw__worker_rec *r;
    lw_result rc;
    lw_event *ev;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    memset(&b, 0, sizeof b);
    rc = mark(ws, sid, sid_len, &r, err);
    if (rc != LW_OK)
        return rc;
    pthread_rwlock_wrlock(&ws->lock);
    rc = delete_locked(ws, r, expected_version, err);
    if (rc == LW_OK) {
        ev = batch_add(&b, "worker.deleted", r->snap, lw__ws_now(ws));
        ev->dropped = r->snap->pending;
        b.fn = ws->on_event;
        b.user = ws->event_user;
    }
    pthread_rwlock_unlock(&ws->lock);
    if (rc != LW_OK) {
        atomic_store(&r->busy, false);
        return rc;
    }
    batch_deliver(&b);
    lw__worker_rec_free(ws, r);
    return LW_OK;
}

/* ---- pending reservations ---------------------------------------------- */

static lw_result set_pending(lw_workspace *ws, const char *sid, size_t len,
                             int64_t count, bool relative, lw_error *err)
{
    lw__worker_rec *r;
    lw_worker *n;
    lw_result rc = LW_OK;

    pthread_rwlock_wrlock(&ws->lock);
    r = worker_find(ws, sid, len);
    if (r == NULL)
        rc = not_found(ws, sid, len, err);
    else if (relative)
        count += r->snap->pending;
    if (rc == LW_OK && (count < 0 || count > UINT32_MAX))
        rc = lw__ws_fail(ws, err, LW_ERR_INVALID,
                         "pending reservations must stay within 0 and %u",
                         (unsigned)UINT32_MAX);
    if (rc == LW_OK && count != r->snap->pending) {
        n = snap_new(ws, r->snap->builtins, r->snap->attrs,
                     lw__snap_available(r->snap));
        if (n == NULL)
            rc = lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
        else {
            snap_copy_state(n, r->snap);
            n->pending = (uint32_t)count;
            lw__worker_replace(ws, lw__worker_pos(ws, r), n);
        }
    }
    pthread_rwlock_unlock(&ws->lock);
    return rc;
}

lw_result lw_worker_set_pending_reservations(lw_workspace *ws,
                                             const char *sid,
                                             size_t sid_len, uint32_t count,
                                             lw_error *err)
{
    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    return set_pending(ws, sid, sid_len, count, false, err);
}

lw_result lw_worker_add_pending_reservations(lw_workspace *ws,
                                             const char *sid,
                                             size_t sid_len, int32_t delta,
                                             lw_error *err)
{
    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    return set_pending(ws, sid, sid_len, delta, true, err);
}
