/*
 * store_activity.c - activities: create, fetch, rename (which renames the
 * activity of every worker in it), delete with its protections, and the
 * activity snapshot.
 */
#include <string.h>

#include "store_int.h"

/* ---- snapshots --------------------------------------------------------- */

lw_activity *lw__act_snap_new(lw_workspace *ws, const char *sid,
                              const char *name, size_t len, bool available,
                              int64_t created, int64_t updated)
{
    lw_activity *a = lw__malloc(&ws->alloc, sizeof *a + len + 1);

    if (a == NULL)
        return NULL;
    atomic_init(&a->refs, 1);
    a->available = available;
    a->syms = lw_symtab_retain(ws->syms);
    a->date_created = created;
    a->date_updated = updated;
    memcpy(a->sid, sid, LW__SID_BUF);
    strcpy(a->account_sid, ws->account_sid);
    strcpy(a->workspace_sid, ws->sid);
    memcpy(a->name, name, len);
    a->name[len] = '\0';
    return a;
}

lw_activity *lw_activity_retain(lw_activity *a)
{
    if (a != NULL)
        atomic_fetch_add(&a->refs, 1);
    return a;
}

void lw_activity_release(lw_activity *a)
{
    lw_symtab *syms;

    if (a == NULL || atomic_fetch_sub(&a->refs, 1) != 1)
        return;
    syms = a->syms;
    lw__free(lw__symtab_alloc(syms), a);
    lw_symtab_release(syms);
}

const char *lw_activity_sid(const lw_activity *a)
{
    return a != NULL ? a->sid : NULL;
}

const char *lw_activity_friendly_name(const lw_activity *a)
{
    return a != NULL ? a->name : NULL;
}

bool lw_activity_available(const lw_activity *a)
{
    return a != NULL ? a->available : false;
}

const char *lw_activity_account_sid(const lw_activity *a)
{
    return a != NULL ? a->account_sid : NULL;
}

const char *lw_activity_workspace_sid(const lw_activity *a)
{
    return a != NULL ? a->workspace_sid : NULL;
}

int64_t lw_activity_date_created(const lw_activity *a)
{
    return a != NULL ? a->date_created : 0;
}

int64_t lw_activity_date_updated(const lw_activity *a)
{
    return a != NULL ? a->date_updated : 0;
}

/* ---- records ----------------------------------------------------------- */

lw__act_rec *lw__act_find(lw_workspace *ws, const char *sid, size_t len)
{
    return lw__sid_find((void *const *)ws->acts, ws->nacts, sid, len);
}

lw__act_rec *lw__worker_act(lw_workspace *ws, const lw__worker_rec *r)
{
    const lw__sym *sid = r->snap->builtins[LW__BUILTIN_ACTIVITY_SID];

    return lw__act_find(ws, sid->bytes, sid->len);
}

void lw__act_rec_free(lw_workspace *ws, lw__act_rec *r)
{
    /* Every caller holds a record: the NULL case is only a guard. */
    if (r == NULL)  /* GCOVR_EXCL_BR_LINE */
        return;
    lw_activity_release(r->snap);
    lw__sym_release(ws->syms, r->sid_sym);
    lw__sym_release(ws->syms, r->name_sym);
    lw__free(&ws->alloc, r);
}

static lw__act_rec *act_rec_new(lw_workspace *ws, const char *sid,
                                const char *name, size_t len,
                                bool available, int64_t created,
                                int64_t updated)
{
    lw__act_rec *r = lw__calloc(&ws->alloc, 1, sizeof *r);

    if (r == NULL)
        return NULL;
    memcpy(r->sid, sid, LW__SID_BUF);
    r->snap = lw__act_snap_new(ws, sid, name, len, available, created,
                               updated);
    if (r->snap == NULL ||
        lw__sym_intern(ws->syms, sid, LW_SID_LEN, &r->sid_sym) != LW_OK ||
        lw__sym_intern(ws->syms, name, len, &r->name_sym) != LW_OK) {
        lw__act_rec_free(ws, r);
        return NULL;
    }
    return r;
}

lw_result lw__act_add(lw_workspace *ws, const char *sid, const char *name,
                      size_t len, bool available, int64_t created,
                      int64_t updated, lw_error *err)
{
    lw__act_rec *r;
    size_t pos;

    if (lw__grow_ptrs(&ws->alloc, (void ***)&ws->acts, &ws->acts_cap,
                      ws->nacts,
                      sizeof *ws->acts) != LW_OK ||
        lw__names_reserve(&ws->alloc, &ws->act_names, ws->nacts + 1) !=
            LW_OK)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    r = act_rec_new(ws, sid, name, len, available, created, updated);
    if (r == NULL)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    pos = lw__sid_lower_bound((void *const *)ws->acts, ws->nacts, sid);
    lw__ptrs_insert((void **)ws->acts, ws->nacts, pos, r);
    ws->nacts++;
    lw__names_insert(&ws->act_names, r->name_sym->bytes, len, r);
    return LW_OK;
}

/* ---- operations -------------------------------------------------------- */

static lw_result not_found(lw_workspace *ws, const char *sid, size_t len,
                           lw_error *err)
{
    if (sid == NULL || len > 64)
        len = 0;
    return lw__ws_fail(ws, err, LW_ERR_NOT_FOUND,
                       "The requested resource /Workspaces/%s/Activities/"
                       "%.*s was not found", ws->sid, (int)len,
                       sid ? sid : "");
}

static lw_result act_create_locked(lw_workspace *ws, const char *name,
                                   size_t len, bool available,
                                   lw_activity **out, lw_error *err)
{
    char sid[LW__SID_BUF];
    int64_t now;
    lw_result rc;

    if (lw__names_find(&ws->act_names, name, len) != NULL)
        return lw__ws_fail(ws, err, LW_ERR_DUPLICATE,
                           "Activity with the same friendly name already "
                           "exists");
    if (ws->nacts >= LW_MAX_ACTIVITIES)
        return lw__ws_fail(ws, err, LW_ERR_LIMIT,
                           "Workspace has reached its limit of %d "
                           "activities", LW_MAX_ACTIVITIES);
    do
        lw__ws_new_sid(ws, "WA", sid);
    while (lw__act_find(ws, sid, LW_SID_LEN) != NULL);
    now = lw__ws_now(ws);
    rc = lw__act_add(ws, sid, name, len, available, now, now, err);
    if (rc == LW_OK && out != NULL)
        *out = lw_activity_retain(lw__act_find(ws, sid, LW_SID_LEN)->snap);
    return rc;
}

lw_result lw_activity_create(lw_workspace *ws, const char *name,
                             size_t name_len, bool available,
                             lw_activity **out, lw_error *err)
{
    lw_result rc;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    rc = lw__check_name(ws, name, name_len, "FriendlyName", err);
    if (rc != LW_OK)
        return rc;
    pthread_rwlock_wrlock(&ws->lock);
    rc = act_create_locked(ws, name, name_len, available, out, err);
    pthread_rwlock_unlock(&ws->lock);
    return rc;
}

lw_result lw_activity_fetch(lw_workspace *ws, const char *sid,
                            size_t sid_len, lw_activity **out,
                            lw_error *err)
{
    lw__act_rec *r;

    if (ws == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    pthread_rwlock_rdlock(&ws->lock);
    r = lw__act_find(ws, sid, sid_len);
    if (r != NULL)
        *out = lw_activity_retain(r->snap);
    pthread_rwlock_unlock(&ws->lock);
    return r ? LW_OK : not_found(ws, sid, sid_len, err);
}

/* New snapshots of every worker in r, named name; NULL on failure. */
static lw_worker **renamed_workers(lw_workspace *ws, const lw__act_rec *r,
                                   const lw__sym *name)
{
    lw_worker **v = lw__calloc(&ws->alloc, r->nworkers + 1, sizeof *v);
    uint32_t i, k = 0;

    if (v == NULL)
        return NULL;
    for (i = 0; i < ws->nworkers && k < r->nworkers; i++) {
        if (!lw__rec_in_act(ws->workers[i], r))
            continue;
        v[k] = lw__worker_snap_rename_activity(ws, ws->workers[i]->snap,
                                               name);
        if (v[k++] == NULL) {
            while (k > 0)
                lw_worker_release(v[--k]);
            lw__free(&ws->alloc, v);
            return NULL;
        }
    }
    return v;
}

/* Commit a rename prepared by act_rename_locked(). */
static void act_rename_commit(lw_workspace *ws, lw__act_rec *r,
                              lw_activity *snap, const lw__sym *name,
                              lw_worker **renamed)
{
    uint32_t i, k = 0;

    lw__names_remove(&ws->act_names, r->name_sym->bytes, r->name_sym->len,
                     r);
    lw__sym_release(ws->syms, r->name_sym);
    r->name_sym = name;
    lw__names_insert(&ws->act_names, name->bytes, name->len, r);
    lw_activity_release(r->snap);
    r->snap = snap;
    for (i = 0; i < ws->nworkers && k < r->nworkers; i++) {
        if (!lw__rec_in_act(ws->workers[i], r))
            continue;
        lw__worker_replace(ws, i, renamed[k++]);
        lw__queues_eval_worker(ws, i);
    }
}

static lw_result act_rename_locked(lw_workspace *ws, lw__act_rec *r,
                                   const char *name, size_t len,
                                   lw_error *err)
{
    lw__act_rec *other = lw__names_find(&ws->act_names, name, len);
    const lw__sym *sym = NULL;
    lw_activity *snap;
    lw_worker **renamed = NULL;

    if (other != NULL && other != r)
        return lw__ws_fail(ws, err, LW_ERR_DUPLICATE,
                           "Activity with the same friendly name already "
                           "exists");
    snap = lw__act_snap_new(ws, r->sid, name, len, r->snap->available,
                            r->snap->date_created, lw__ws_now(ws));
    if (snap == NULL ||
        lw__sym_intern(ws->syms, name, len, &sym) != LW_OK ||
        (renamed = renamed_workers(ws, r, sym)) == NULL) {
        lw__sym_release(ws->syms, sym);
        lw_activity_release(snap);
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    }
    act_rename_commit(ws, r, snap, sym, renamed);
    lw__free(&ws->alloc, renamed);
    return LW_OK;
}

lw_result lw_activity_update(lw_workspace *ws, const char *sid,
                             size_t sid_len, const char *name,
                             size_t name_len, lw_activity **out,
                             lw_error *err)
{
    lw__act_rec *r;
    lw_result rc = LW_OK;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    pthread_rwlock_wrlock(&ws->lock);
    r = lw__act_find(ws, sid, sid_len);
    if (r == NULL)
        rc = not_found(ws, sid, sid_len, err);
    else if (name != NULL)
        rc = lw__check_name(ws, name, name_len, "FriendlyName", err);
    if (rc == LW_OK && name != NULL &&
        !(name_len == r->name_sym->len &&
          memcmp(name, r->name_sym->bytes, name_len) == 0))
        rc = act_rename_locked(ws, r, name, name_len, err);
    if (rc == LW_OK && out != NULL)
        *out = lw_activity_retain(r->snap);
    pthread_rwlock_unlock(&ws->lock);
    return rc;
}

lw_result lw_activity_delete(lw_workspace *ws, const char *sid,
                             size_t sid_len, lw_error *err)
{
    lw__act_rec *r;
    lw_result rc = LW_OK;
    size_t pos;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    pthread_rwlock_wrlock(&ws->lock);
    r = lw__act_find(ws, sid, sid_len);
    if (r == NULL)
        rc = not_found(ws, sid, sid_len, err);
    else if (r == ws->default_act || r == ws->timeout_act)
        rc = lw__ws_fail(ws, err, LW_ERR_IN_USE,
                         "Activity %s is the workspace's %s activity and "
                         "cannot be deleted", r->sid,
                         r == ws->default_act ? "default" : "timeout");
    else if (r->nworkers > 0)
        rc = lw__ws_fail(ws, err, LW_ERR_IN_USE,
                         "Activity %s cannot be deleted while %u workers "
                         "are in it", r->sid, (unsigned)r->nworkers);
    else {
        pos = lw__sid_lower_bound((void *const *)ws->acts, ws->nacts,
                                  r->sid);
        lw__ptrs_remove((void **)ws->acts, ws->nacts, pos);
        ws->nacts--;
        lw__names_remove(&ws->act_names, r->name_sym->bytes,
                         r->name_sym->len, r);
        lw__act_rec_free(ws, r);
    }
    pthread_rwlock_unlock(&ws->lock);
    return rc;
}
