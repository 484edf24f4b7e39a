/*
 * store_match.c - evaluating an expression over a workspace's workers:
 * counting and visiting the matches in SID order, and explaining one
 * worker's result, with the worker built-ins in scope.
 */
#include <string.h>

#include "store_int.h"

lw_symtab *lw_workspace_symtab(lw_workspace *ws)
{
    return ws != NULL ? ws->syms : NULL;
}

/* The program must come from the workspace's own symbol table. */
static lw_result check_expr(lw_workspace *ws, const lw_expr *e,
                            lw_error *err)
{
    if (ws == NULL || e == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "a workspace and an expression are required");
    if (lw__expr_symtab(e) != ws->syms)
        return lw__ws_fail(ws, err, LW_ERR_INVALID,
                           "the expression was not compiled with this "
                           "workspace's symbol table");
    return LW_OK;
}

lw_result lw_worker_count_matching(lw_workspace *ws, const lw_expr *e,
                                   uint32_t *count, lw_error *err)
{
    lw_result rc = check_expr(ws, e, err);

    if (rc != LW_OK)
        return rc;
    if (count == NULL)
        return lw__ws_fail(ws, err, LW_ERR_INVALID, "count is required");
    pthread_rwlock_rdlock(&ws->lock);
    *count = (uint32_t)lw__expr_filter(e, ws->subjects, ws->nworkers, NULL);
    pthread_rwlock_unlock(&ws->lock);
    return LW_OK;
}

/* Visit matches in blocks so the scan itself stays the batch loop. */
#define SELECT_BLOCK 256

lw_result lw_worker_select(lw_workspace *ws, const lw_expr *e,
                           lw_worker_visit_fn fn, void *user, lw_error *err)
{
    uint32_t idx[SELECT_BLOCK];
    lw_result rc = check_expr(ws, e, err);
    size_t start, i, n;
    bool more = true;

    if (rc != LW_OK)
        return rc;
    if (fn == NULL)
        return lw__ws_fail(ws, err, LW_ERR_INVALID, "a visitor is required");
    pthread_rwlock_rdlock(&ws->lock);
    for (start = 0; more && start < ws->nworkers; start += SELECT_BLOCK) {
        size_t len = ws->nworkers - start;

        if (len > SELECT_BLOCK)
            len = SELECT_BLOCK;
        n = lw__expr_filter(e, ws->subjects + start, len, idx);
        for (i = 0; more && i < n; i++)
            more = fn(user, ws->workers[start + idx[i]]->snap);
    }
    pthread_rwlock_unlock(&ws->lock);
    return LW_OK;
}

lw_result lw_worker_explain(lw_workspace *ws, const char *sid,
                            size_t sid_len, const char *expr,
                            size_t expr_len, lw_explain_format format,
                            char **out, size_t *len, lw_error *err)
{
    lw__worker_rec *r;
    lw_worker *snap;
    lw__subject subject;
    lw_expr *e = NULL;
    lw_error local;
    lw_result rc;

    if (ws == NULL || sid == NULL || expr == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "a workspace, a worker SID, an expression and an "
                        "output pointer are required");

    /* Compile outside the lock. */
    rc = lw_expr_compile(ws->syms, expr, expr_len, &e, &local);
    if (rc != LW_OK)
        return lw__ws_forward(ws, err, &local);

    /* Take a snapshot of the worker; explain it without the lock. */
    pthread_rwlock_rdlock(&ws->lock);
    r = lw__sid_find((void *const *)ws->workers, ws->nworkers, sid, sid_len);
    snap = r != NULL ? lw_worker_retain(r->snap) : NULL;
    pthread_rwlock_unlock(&ws->lock);
    if (snap == NULL) {
        lw_expr_free(e);
        return lw__ws_fail(ws, err, LW_ERR_NOT_FOUND,
                           "Worker %.*s was not found",
                           (int)(sid_len > 34 ? 34 : sid_len), sid);
    }
    subject.root = lw__attrs_root(snap->attrs);
    subject.builtins = snap->builtins;
    rc = lw__expr_explain(e, &subject, format, out, len, &local);
    if (rc != LW_OK)
        lw__ws_forward(ws, err, &local);
    lw_worker_release(snap);
    lw_expr_free(e);
    return rc;
}
