/*
 * store_queue.c - task queues: their snapshots, create/fetch/update/delete,
 * and the eligibility bit sets (one bit per worker slot) kept current so
 * that filtering workers by queue evaluates nothing.
 */
#include <string.h>

#include "store_int.h"

#define DEFAULT_TARGET "1==1"

/* ---- snapshots --------------------------------------------------------- */

static lw_task_queue *queue_snap_new(lw_workspace *ws, const char *sid,
                                     const char *name, size_t len,
                                     const char *target, size_t tlen,
                                     int64_t created, int64_t updated)
{
    lw_task_queue *q = lw__malloc(&ws->alloc, sizeof *q + len + tlen + 2);
    char *p;

    if (q == NULL)
        return NULL;
    atomic_init(&q->refs, 1);
    q->target_len = (uint32_t)tlen;
    q->syms = lw_symtab_retain(ws->syms);
    q->date_created = created;
    q->date_updated = updated;
    memcpy(q->sid, sid, LW__SID_BUF);
    strcpy(q->account_sid, ws->account_sid);
    strcpy(q->workspace_sid, ws->sid);
    p = q->text;
    q->name = p;
    memcpy(p, name, len);
    p[len] = '\0';
    q->target = p += len + 1;
    if (tlen > 0)
        memcpy(p, target, tlen);
    p[tlen] = '\0';
    return q;
}

lw_task_queue *lw_task_queue_retain(lw_task_queue *q)
{
    if (q != NULL)
        atomic_fetch_add(&q->refs, 1);
    return q;
}

void lw_task_queue_release(lw_task_queue *q)
{
    lw_symtab *syms;

    if (q == NULL || atomic_fetch_sub(&q->refs, 1) != 1)
        return;
    syms = q->syms;
    lw__free(lw__symtab_alloc(syms), q);
    lw_symtab_release(syms);
}

const char *lw_task_queue_sid(const lw_task_queue *q)
{
    return q != NULL ? q->sid : NULL;
}

const char *lw_task_queue_friendly_name(const lw_task_queue *q)
{
    return q != NULL ? q->name : NULL;
}

const char *lw_task_queue_target_workers(const lw_task_queue *q,
                                         size_t *len)
{
    if (len != NULL)
        *len = q != NULL ? q->target_len : 0;
    return q != NULL ? q->target : NULL;
}

const char *lw_task_queue_account_sid(const lw_task_queue *q)
{
    return q != NULL ? q->account_sid : NULL;
}

const char *lw_task_queue_workspace_sid(const lw_task_queue *q)
{
    return q != NULL ? q->workspace_sid : NULL;
}

int64_t lw_task_queue_date_created(const lw_task_queue *q)
{
    return q != NULL ? q->date_created : 0;
}

int64_t lw_task_queue_date_updated(const lw_task_queue *q)
{
    return q != NULL ? q->date_updated : 0;
}

/* ---- eligibility ------------------------------------------------------- */

lw_result lw__queues_grow_bits(lw_workspace *ws, uint32_t words)
{
    uint32_t i;

    for (i = 0; i < ws->nqueues; i++) {
        lw__queue_rec *q = ws->queues[i];
        uint64_t *bits;

        if (q->nwords >= words)
            continue;
        bits = lw__realloc(&ws->alloc, q->bits, words * sizeof *bits);
        if (bits == NULL)
            return LW_ERR_NOMEM;
        memset(bits + q->nwords, 0, (words - q->nwords) * sizeof *bits);
        q->bits = bits;
        q->nwords = words;
    }
    return LW_OK;
}

static void set_bit(uint64_t *bits, uint32_t slot, bool on)
{
    uint64_t mask = (uint64_t)1 << (slot % 64);

    if (on)
        bits[slot / 64] |= mask;
    else
        bits[slot / 64] &= ~mask;
}

void lw__queues_eval_worker(lw_workspace *ws, size_t pos)
{
    uint32_t slot = ws->workers[pos]->slot;
    const lw__subject *s = &ws->subjects[slot];
    uint32_t i;

    for (i = 0; i < ws->nqueues; i++) {
        lw__queue_rec *q = ws->queues[i];

        set_bit(q->bits, slot, q->expr != NULL && lw__expr_eval(q->expr, s));
    }
}

/* Fill bits (ws->slot_words words, zeroed) with the workers e selects. */
static void queue_fill_bits(lw_workspace *ws, const lw_expr *e,
                            uint64_t *bits)
{
    uint32_t i;

    if (e == NULL)
        return;
    for (i = 0; i < ws->nworkers; i++) {
        uint32_t slot = ws->workers[i]->slot;

        if (lw__expr_eval(e, &ws->subjects[slot]))
            set_bit(bits, slot, true);
    }
}

lw_result lw__queue_compile(lw_workspace *ws, const char *text, size_t len,
                            lw_expr **out, lw_error *err)
{
    lw_error e;
    const char *nul;

    *out = NULL;
    if (text == NULL) {
        text = DEFAULT_TARGET;
        len = strlen(DEFAULT_TARGET);
    }
    if (len == 0)
        return LW_OK;
    /* A NUL inside a string literal compiles, but the export could not
     * carry it back through import: refuse it as names and attributes
     * refuse theirs. */
    nul = memchr(text, '\0', len);
    if (nul != NULL) {
        lw__fail(&e, LW_ERR_INVALID, (int64_t)(nul - text),
                 "TargetWorkers must not contain NUL characters "
                 "(offset %lld)", (long long)(nul - text));
        return lw__ws_forward(ws, err, &e);
    }
    if (lw_expr_compile(ws->syms, text, len, out, &e) != LW_OK)
        return lw__ws_forward(ws, err, &e);
    return LW_OK;
}

/* ---- records ----------------------------------------------------------- */

lw__queue_rec *lw__queue_find(lw_workspace *ws, const char *sid,
                              size_t len)
{
    return lw__sid_find((void *const *)ws->queues, ws->nqueues, sid, len);
}

void lw__queue_rec_free(lw_workspace *ws, lw__queue_rec *r)
{
    /* Every caller holds a record: the NULL case is only a guard. */
    if (r == NULL)  /* GCOVR_EXCL_BR_LINE */
        return;
    lw_task_queue_release(r->snap);
    lw_expr_free(r->expr);
    lw__free(&ws->alloc, r->bits);
    lw__free(&ws->alloc, r);
}

static lw__queue_rec *queue_rec_new(lw_workspace *ws, const char *sid,
                                    const char *name, size_t len,
                                    const char *target, size_t tlen,
                                    int64_t created, int64_t updated)
{
    lw__queue_rec *r = lw__calloc(&ws->alloc, 1, sizeof *r);

    if (r == NULL)
        return NULL;
    memcpy(r->sid, sid, LW__SID_BUF);
    r->nwords = ws->slot_words;
    r->bits = lw__calloc(&ws->alloc, r->nwords + 1, sizeof *r->bits);
    r->snap = queue_snap_new(ws, sid, name, len, target, tlen, created,
                             updated);
    if (r->bits == NULL || r->snap == NULL) {
        lw__queue_rec_free(ws, r);
        return NULL;
    }
    return r;
}

lw_result lw__queue_add(lw_workspace *ws, const char *sid, const char *name,
                        size_t len, const char *target, size_t tlen,
                        lw_expr *expr, int64_t created, int64_t updated,
                        lw__queue_rec **out, lw_error *err)
{
    lw__queue_rec *r;
    size_t pos;

    if (target == NULL) {
        target = DEFAULT_TARGET;
        tlen = strlen(DEFAULT_TARGET);
    }
    if (lw__grow_ptrs(&ws->alloc, (void ***)&ws->queues, &ws->queues_cap,
                      ws->nqueues, sizeof *ws->queues) != LW_OK ||
        lw__names_reserve(&ws->alloc, &ws->queue_names,
                          ws->nqueues + 1) != LW_OK)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    r = queue_rec_new(ws, sid, name, len, target, tlen, created, updated);
    if (r == NULL)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");

    /* Committed from here: nothing below can fail. */
    r->expr = expr;
    queue_fill_bits(ws, expr, r->bits);
    pos = lw__sid_lower_bound((void *const *)ws->queues, ws->nqueues, sid);
    lw__ptrs_insert((void **)ws->queues, ws->nqueues, pos, r);
    ws->nqueues++;
    lw__names_insert(&ws->queue_names, r->snap->name, len, r);
    if (out != NULL)
        *out = r;
    return LW_OK;
}

/* ---- operations -------------------------------------------------------- */

static lw_result not_found(lw_workspace *ws, const char *sid, size_t len,
                           lw_error *err)
{
    if (sid == NULL || len > 64)
        len = 0;
    return lw__ws_fail(ws, err, LW_ERR_NOT_FOUND,
                       "The requested resource /Workspaces/%s/TaskQueues/"
                       "%.*s was not found", ws->sid, (int)len,
                       sid ? sid : "");
}

static lw_result duplicate(lw_workspace *ws, lw_error *err)
{
    return lw__ws_fail(ws, err, LW_ERR_DUPLICATE,
                       "TaskQueue with the same friendly name already "
                       "exists");
}

static lw_result queue_create_locked(lw_workspace *ws, const char *name,
                                     size_t len, const char *target,
                                     size_t tlen, lw_expr *expr,
                                     lw_task_queue **out, lw_error *err)
{
    char sid[LW__SID_BUF];
    lw__queue_rec *r;
    int64_t now;
    lw_result rc;

    if (lw__names_find(&ws->queue_names, name, len) != NULL)
        return duplicate(ws, err);
    if (ws->nqueues >= LW_MAX_TASK_QUEUES)
        return lw__ws_fail(ws, err, LW_ERR_LIMIT,
                           "Workspace has reached its limit of %d task "
                           "queues", LW_MAX_TASK_QUEUES);
    do
        lw__ws_new_sid(ws, "WQ", sid);
    while (lw__queue_find(ws, sid, LW_SID_LEN) != NULL);
    now = lw__ws_now(ws);
    rc = lw__queue_add(ws, sid, name, len, target, tlen, expr, now, now, &r,
                       err);
    if (rc == LW_OK && out != NULL)
        *out = lw_task_queue_retain(r->snap);
    return rc;
}

lw_result lw_task_queue_create(lw_workspace *ws, const char *name,
                               size_t name_len, const char *target_workers,
                               size_t target_len, lw_task_queue **out,
                               lw_error *err)
{
    lw_expr *expr;
    lw_result rc;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    rc = lw__check_name(ws, name, name_len, "FriendlyName", err);
    if (rc == LW_OK)
        rc = lw__queue_compile(ws, target_workers, target_len, &expr, err);
    if (rc != LW_OK)
        return rc;
    pthread_rwlock_wrlock(&ws->lock);
    rc = queue_create_locked(ws, name, name_len, target_workers, target_len,
                             expr, out, err);
    pthread_rwlock_unlock(&ws->lock);
    if (rc != LW_OK)
        lw_expr_free(expr);
    return rc;
}

lw_result lw_task_queue_fetch(lw_workspace *ws, const char *sid,
                              size_t sid_len, lw_task_queue **out,
                              lw_error *err)
{
    lw__queue_rec *r;

    if (ws == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    pthread_rwlock_rdlock(&ws->lock);
    r = lw__queue_find(ws, sid, sid_len);
    if (r != NULL)
        *out = lw_task_queue_retain(r->snap);
    pthread_rwlock_unlock(&ws->lock);
    return r ? LW_OK : not_found(ws, sid, sid_len, err);
}

/* What an update asks for, validated outside the lock. */
typedef struct queue_update {
    const char *name;    /* NULL: keep */
    size_t len;
    const char *target;  /* NULL: keep */
    size_t tlen;
    lw_expr *expr;       /* compiled target */
} queue_update;

static bool same_text(const char *a, size_t alen, const char *b,
                      size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static void queue_update_commit(lw_workspace *ws, lw__queue_rec *r,
                                queue_update *u, lw_task_queue *snap,
                                uint64_t *bits)
{
    /* The index reads names from the records: on a rename r leaves it
     * under its old name and comes back once r->snap has the new one. */
    if (u->name != NULL)
        lw__names_remove(&ws->queue_names, r->snap->name,
                         strlen(r->snap->name), r);
    lw_task_queue_release(r->snap);
    r->snap = snap;
    if (u->name != NULL)
        lw__names_insert(&ws->queue_names, snap->name, strlen(snap->name),
                         r);
    if (bits != NULL) {
        queue_fill_bits(ws, u->expr, bits);
        lw_expr_free(r->expr);
        r->expr = u->expr;
        u->expr = NULL;
        lw__free(&ws->alloc, r->bits);
        r->bits = bits;
        r->nwords = ws->slot_words;
    }
}

static lw_result queue_update_locked(lw_workspace *ws, lw__queue_rec *r,
                                     queue_update *u, lw_error *err)
{
    const lw_task_queue *cur = r->snap;
    uint64_t *bits = NULL;
    lw_task_queue *snap;
    lw__queue_rec *other;

    if (u->name != NULL &&
        same_text(u->name, u->len, cur->name, strlen(cur->name)))
        u->name = NULL;
    if (u->target != NULL &&
        same_text(u->target, u->tlen, cur->target, cur->target_len))
        u->target = NULL;
    if (u->name == NULL && u->target == NULL)
        return LW_OK;
    other = u->name ? lw__names_find(&ws->queue_names, u->name, u->len)
                    : NULL;
    if (other != NULL && other != r)
        return duplicate(ws, err);
    snap = queue_snap_new(ws, r->sid, u->name ? u->name : cur->name,
                          u->name ? u->len : strlen(cur->name),
                          u->target ? u->target : cur->target,
                          u->target ? u->tlen : cur->target_len,
                          cur->date_created, lw__ws_now(ws));
    if (snap != NULL && u->target != NULL)
        bits = lw__calloc(&ws->alloc, ws->slot_words + 1, sizeof *bits);
    if (snap == NULL || (u->target != NULL && bits == NULL)) {
        lw_task_queue_release(snap);
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    }
    queue_update_commit(ws, r, u, snap, bits);
    return LW_OK;
}

static lw_result queue_exists(lw_workspace *ws, const char *sid,
                              size_t len, lw_error *err)
{
    bool found;

    pthread_rwlock_rdlock(&ws->lock);
    found = lw__queue_find(ws, sid, len) != NULL;
    pthread_rwlock_unlock(&ws->lock);
    return found ? LW_OK : not_found(ws, sid, len, err);
}

lw_result lw_task_queue_update(lw_workspace *ws, const char *sid,
                               size_t sid_len, const char *name,
                               size_t name_len, const char *target_workers,
                               size_t target_len, lw_task_queue **out,
                               lw_error *err)
{
    queue_update u = {name, name_len, target_workers, target_len, NULL};
    lw__queue_rec *r;
    lw_result rc;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    rc = queue_exists(ws, sid, sid_len, err);
    if (rc == LW_OK && name != NULL)
        rc = lw__check_name(ws, name, name_len, "FriendlyName", err);
    if (rc == LW_OK && target_workers != NULL)
        rc = lw__queue_compile(ws, target_workers, target_len, &u.expr, err);
    if (rc != LW_OK)
        return rc;
    pthread_rwlock_wrlock(&ws->lock);
    r = lw__queue_find(ws, sid, sid_len);
    rc = r ? queue_update_locked(ws, r, &u, err)
           : not_found(ws, sid, sid_len, err);
    if (rc == LW_OK && out != NULL)
        *out = lw_task_queue_retain(r->snap);
    pthread_rwlock_unlock(&ws->lock);
    lw_expr_free(u.expr);
    return rc;
}

lw_result lw_task_queue_delete(lw_workspace *ws, const char *sid,
                               size_t sid_len, lw_error *err)
{
    lw__queue_rec *r;
    size_t pos;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    pthread_rwlock_wrlock(&ws->lock);
    r = lw__queue_find(ws, sid, sid_len);
    if (r != NULL) {
        pos = lw__sid_lower_bound((void *const *)ws->queues, ws->nqueues,
                                  r->sid);
        lw__ptrs_remove((void **)ws->queues, ws->nqueues, pos);
        ws->nqueues--;
        lw__names_remove(&ws->queue_names, r->snap->name,
                         strlen(r->snap->name), r);
        lw__queue_rec_free(ws, r);
    }
    pthread_rwlock_unlock(&ws->lock);
    return r ? LW_OK : not_found(ws, sid, sid_len, err);
}
