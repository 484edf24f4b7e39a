/*
 * store_match.c - evaluating an expression over a workspace's workers:
 * counting them (in slot order) and visiting the matches in SID order,
 * with the worker built-ins in scope.
 */
#include <string.h>

#include "store_int.h"

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
    lw__cols_prepare(ws, e);
    *count = (uint32_t)lw__ws_count(ws, e);
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
    lw__cols_prepare(ws, e);
    for (start = 0; more && start < ws->nworkers; start += SELECT_BLOCK) {
        size_t len = ws->nworkers - start;

        if (len > SELECT_BLOCK)
            len = SELECT_BLOCK;
        n = lw__ws_filter(ws, e, start, len, idx);
        for (i = 0; more && i < n; i++)
            more = fn(user, ws->workers[start + idx[i]]->snap);
    }
    pthread_rwlock_unlock(&ws->lock);
    return LW_OK;
}
