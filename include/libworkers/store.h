/*
 * libworkers/store.h - the worker store: a workspace holding activities,
 * task queues and workers with TaskRouter's Worker resource semantics
 * (docs/store.md is the guide; spec/workers-api.md the contract).
 */
#ifndef LIBWORKERS_STORE_H
#define LIBWORKERS_STORE_H

#include <stdbool.h>

#include "attrs.h"
#include "common.h"
#include "expr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Conventions
 *
 * Strings go in as a pointer plus a byte length (no NUL needed); a NULL
 * pointer means "absent", which differs from a present empty string
 * (length 0).  Strings come out NUL-terminated, owned by the object they
 * were read from.
 *
 * Reads return immutable, reference-counted snapshots (lw_worker,
 * lw_activity, lw_task_queue, lw_workspace_info).  A snapshot never
 * changes; a later change of the resource makes a new one.  Release each
 * snapshot you receive exactly once; snapshots may outlive the workspace
 * and may be released from any thread.  Snapshot and event getters given
 * NULL return NULL, false or 0.
 *
 * Every fallible call returns an lw_result and fills the optional
 * lw_error *err on failure; the workspace also keeps a copy of the last
 * failure (lw_workspace_last_error()).  A failed call changes nothing.
 *
 * Times are milliseconds since the Unix epoch, UTC, from the workspace's
 * clock.  Since 0.1.0 for everything in this header.
 * ------------------------------------------------------------------ */

/* Limits and defaults of the contract. */
#define LW_DEFAULT_WORKER_CAP 1000
#define LW_MAX_ACTIVITIES 100
#define LW_MAX_TASK_QUEUES 5000
#define LW_NAME_MAX_CHARS 64
#define LW_DEFAULT_PAGE_SIZE 50
#define LW_MAX_PAGE_SIZE 1000
/* A SID: two letters and 32 lowercase hex digits. */
#define LW_SID_LEN 34

/* Expected versions for update and delete, besides a version >= 0. */
#define LW_VERSION_ANY (-1)   /* no precondition (If-Match absent or *) */
#define LW_VERSION_NONE (-2)  /* matches no version: always 412 */

typedef struct lw_workspace lw_workspace;
typedef struct lw_workspace_options lw_workspace_options;
typedef struct lw_workspace_info lw_workspace_info;
typedef struct lw_activity lw_activity;
typedef struct lw_task_queue lw_task_queue;
typedef struct lw_worker lw_worker;
typedef struct lw_worker_changes lw_worker_changes;
typedef struct lw_query lw_query;
typedef struct lw_page lw_page;
typedef struct lw_event lw_event;

/* A clock: milliseconds since the Unix epoch.  Called under the
 * workspace's exclusive lock; must not call back into the library. */
typedef int64_t (*lw_clock_fn)(void *user);

/* A random source: fill len bytes at buf.  Called under the workspace's
 * exclusive lock; must not call back into the library. */
typedef void (*lw_random_fn)(void *user, uint8_t *buf, size_t len);

/* ---------------------------------------------------------------------
 * Workspace options
 *
 * An options object collects creation settings; every setter copies
 * what it is given, so the object may be freed right after
 * lw_workspace_create().  Not thread-safe: one thread at a time.
 * ------------------------------------------------------------------ */

/*
 * Create options with every default: generated SIDs, friendly name
 * "Workspace", cap LW_DEFAULT_WORKER_CAP, base URL
 * "https://taskrouter.twilio.com", the system clock and random source,
 * attribute limit LW_ATTRS_DEFAULT_MAX_BYTES.  alloc (NULL: the C
 * library) serves the options and every workspace created from them; it
 * is copied.  Returns LW_OK, LW_ERR_INVALID (out is NULL), LW_ERR_NOMEM.
 */
LW_API lw_result lw_workspace_options_create(const lw_allocator *alloc,
                                             lw_workspace_options **out);

/* Free options.  NULL is ignored. */
LW_API void lw_workspace_options_free(lw_workspace_options *opts);

/*
 * Set the account SID ("AC" + 32 lowercase hex) or the workspace SID
 * ("WS" + 32 lowercase hex); NULL goes back to generating one.  Returns
 * LW_OK, LW_ERR_INVALID (malformed SID, opts NULL).
 */
LW_API lw_result lw_workspace_options_set_account_sid(
    lw_workspace_options *opts, const char *sid, size_t len);
LW_API lw_result lw_workspace_options_set_workspace_sid(
    lw_workspace_options *opts, const char *sid, size_t len);

/* Set the friendly name (1-64 characters of UTF-8, no NUL).  Returns
 * LW_OK, LW_ERR_INVALID, LW_ERR_NOMEM. */
LW_API lw_result lw_workspace_options_set_friendly_name(
    lw_workspace_options *opts, const char *name, size_t len);

/* Set the worker cap (1 or more).  Returns LW_OK or LW_ERR_INVALID. */
LW_API lw_result lw_workspace_options_set_worker_cap(
    lw_workspace_options *opts, uint32_t cap);

/*
 * Set the base URL the REST layer renders links with:
 * "scheme://host[:port]", printable ASCII, at most 256 bytes; a trailing
 * '/' is dropped.  Returns LW_OK, LW_ERR_INVALID, LW_ERR_NOMEM.
 */
LW_API lw_result lw_workspace_options_set_base_url(
    lw_workspace_options *opts, const char *url, size_t len);

/* Set the clock; NULL selects the system clock.  Returns LW_OK or
 * LW_ERR_INVALID (opts NULL). */
LW_API lw_result lw_workspace_options_set_clock(lw_workspace_options *opts,
                                                lw_clock_fn fn, void *user);

/* Set the random source used for SIDs; NULL selects the system's.
 * Returns LW_OK or LW_ERR_INVALID (opts NULL). */
LW_API lw_result lw_workspace_options_set_random(
    lw_workspace_options *opts, lw_random_fn fn, void *user);

/* Set the attribute size limit in bytes (0: LW_ATTRS_DEFAULT_MAX_BYTES).
 * Returns LW_OK or LW_ERR_INVALID (opts NULL). */
LW_API lw_result lw_workspace_options_set_attrs_max_bytes(
    lw_workspace_options *opts, uint32_t max_bytes);

/* ---------------------------------------------------------------------
 * Workspace
 *
 * A workspace handle is safe to share between threads: reads run in
 * parallel, changes are serialised.  It must not be freed while another
 * thread uses it or from inside its own event callback.
 * ------------------------------------------------------------------ */

/*
 * Create a workspace from opts (NULL: every default).  It starts with
 * three activities, "Offline" (unavailable, the default and timeout
 * activity), "Available" and "Unavailable".  Returns LW_OK and the handle
 * in *out, LW_ERR_INVALID (out is NULL), LW_ERR_NOMEM.
 */
LW_API lw_result lw_workspace_create(const lw_workspace_options *opts,
                                     lw_workspace **out, lw_error *err);

/* Free a workspace and everything it holds (snapshots handed out stay
 * valid until released).  NULL is ignored. */
LW_API void lw_workspace_free(lw_workspace *ws);

/*
 * Copy the last failure of any call on ws into *out (code LW_OK and an
 * empty message when nothing failed yet).  With several threads the
 * "last" failure may be another thread's: prefer the err argument there.
 * Thread-safe.
 */
LW_API void lw_workspace_last_error(const lw_workspace *ws, lw_error *out);

/* Fixed properties, valid while ws lives: its SID, account SID and base
 * URL (without a trailing '/').  Thread-safe. */
LW_API const char *lw_workspace_sid(const lw_workspace *ws);
LW_API const char *lw_workspace_account_sid(const lw_workspace *ws);
LW_API const char *lw_workspace_base_url(const lw_workspace *ws);

/* The allocator the workspace uses (for lw_free() of exported text). */
LW_API const lw_allocator *lw_workspace_allocator(const lw_workspace *ws);

/* Number of workers now.  Thread-safe. */
LW_API uint32_t lw_workspace_worker_count(const lw_workspace *ws);

/* Snapshot of the workspace's own resource.  Returns LW_OK,
 * LW_ERR_INVALID, LW_ERR_NOMEM.  Thread-safe. */
LW_API lw_result lw_workspace_fetch(lw_workspace *ws,
                                    lw_workspace_info **out, lw_error *err);

/*
 * Make the activity with this SID the default activity (given to new
 * workers without ActivitySid) or the timeout activity.  Returns LW_OK,
 * LW_ERR_INVALID (malformed or unknown SID: it is a parameter).
 * Thread-safe.
 */
LW_API lw_result lw_workspace_set_default_activity(lw_workspace *ws,
                                                   const char *sid,
                                                   size_t len,
                                                   lw_error *err);
LW_API lw_result lw_workspace_set_timeout_activity(lw_workspace *ws,
                                                   const char *sid,
                                                   size_t len,
                                                   lw_error *err);

/*
 * Workspace snapshot.  retain adds a reference and returns its argument;
 * release drops one (the last frees it; NULL is ignored).  Getters never
 * fail and return strings owned by the snapshot.  All thread-safe.
 * Since 0.1.0.
 */
LW_API lw_workspace_info *lw_workspace_info_retain(lw_workspace_info *info);
LW_API void lw_workspace_info_release(lw_workspace_info *info);
LW_API const char *lw_workspace_info_sid(const lw_workspace_info *info);
LW_API const char *lw_workspace_info_account_sid(
    const lw_workspace_info *info);
LW_API const char *lw_workspace_info_friendly_name(
    const lw_workspace_info *info);
LW_API const char *lw_workspace_info_default_activity_sid(
    const lw_workspace_info *info);
LW_API const char *lw_workspace_info_default_activity_name(
    const lw_workspace_info *info);
LW_API const char *lw_workspace_info_timeout_activity_sid(
    const lw_workspace_info *info);
LW_API const char *lw_workspace_info_timeout_activity_name(
    const lw_workspace_info *info);
LW_API int64_t lw_workspace_info_date_created(const lw_workspace_info *info);
LW_API int64_t lw_workspace_info_date_updated(const lw_workspace_info *info);

/* ---------------------------------------------------------------------
 * Activities
 * ------------------------------------------------------------------ */

/*
 * Create an activity: name 1-64 characters of valid UTF-8 without NUL,
 * unique in the workspace ignoring ASCII case; available fixed for life.
 * Returns LW_OK and a snapshot in *out (may be NULL), or LW_ERR_INVALID,
 * LW_ERR_DUPLICATE, LW_ERR_LIMIT (LW_MAX_ACTIVITIES), LW_ERR_NOMEM.
 * Thread-safe.
 */
LW_API lw_result lw_activity_create(lw_workspace *ws, const char *name,
                                    size_t name_len, bool available,
                                    lw_activity **out, lw_error *err);

/* Fetch by SID.  LW_ERR_NOT_FOUND for an unknown or malformed SID. */
LW_API lw_result lw_activity_fetch(lw_workspace *ws, const char *sid,
                                   size_t sid_len, lw_activity **out,
                                   lw_error *err);

/*
 * Rename (name NULL: no change; the same name: no change).  Workers in
 * the activity see the new activity_name; their versions and dates stay.
 * Returns LW_OK and the snapshot in *out (may be NULL), LW_ERR_NOT_FOUND,
 * LW_ERR_INVALID, LW_ERR_DUPLICATE, LW_ERR_NOMEM.  Thread-safe.
 */
LW_API lw_result lw_activity_update(lw_workspace *ws, const char *sid,
                                    size_t sid_len, const char *name,
                                    size_t name_len, lw_activity **out,
                                    lw_error *err);

/*
 * Delete.  Returns LW_OK, LW_ERR_NOT_FOUND, LW_ERR_IN_USE (the default or
 * timeout activity, checked first; or a worker is in it).  Thread-safe.
 */
LW_API lw_result lw_activity_delete(lw_workspace *ws, const char *sid,
                                    size_t sid_len, lw_error *err);

/*
 * Activity snapshot: retain, release (NULL ignored) and getters, which
 * never fail and return strings owned by the snapshot.  Thread-safe.
 * Since 0.1.0.
 */
LW_API lw_activity *lw_activity_retain(lw_activity *a);
LW_API void lw_activity_release(lw_activity *a);
LW_API const char *lw_activity_sid(const lw_activity *a);
LW_API const char *lw_activity_friendly_name(const lw_activity *a);
LW_API bool lw_activity_available(const lw_activity *a);
LW_API const char *lw_activity_account_sid(const lw_activity *a);
LW_API const char *lw_activity_workspace_sid(const lw_activity *a);
LW_API int64_t lw_activity_date_created(const lw_activity *a);
LW_API int64_t lw_activity_date_updated(const lw_activity *a);

/* ---------------------------------------------------------------------
 * Task queues
 * ------------------------------------------------------------------ */

/*
 * Create a task queue: name as for activities; target_workers an
 * expression (NULL: "1==1"; length 0: selects nobody), compiled here.
 * Returns LW_OK and a snapshot in *out (may be NULL), or LW_ERR_INVALID,
 * LW_ERR_SYNTAX / LW_ERR_TOO_LARGE (expression, with err->offset),
 * LW_ERR_DUPLICATE, LW_ERR_LIMIT (LW_MAX_TASK_QUEUES), LW_ERR_NOMEM.
 * Thread-safe; the expression is compiled outside the exclusive lock.
 */
LW_API lw_result lw_task_queue_create(lw_workspace *ws, const char *name,
                                      size_t name_len,
                                      const char *target_workers,
                                      size_t target_len,
                                      lw_task_queue **out, lw_error *err);

/* Fetch by SID.  LW_ERR_NOT_FOUND for an unknown or malformed SID. */
LW_API lw_result lw_task_queue_fetch(lw_workspace *ws, const char *sid,
                                     size_t sid_len, lw_task_queue **out,
                                     lw_error *err);

/* Update the name and/or the expression (NULL: keep).  Errors as create,
 * plus LW_ERR_NOT_FOUND.  Eligibility is recomputed once, here. */
LW_API lw_result lw_task_queue_update(lw_workspace *ws, const char *sid,
                                      size_t sid_len, const char *name,
                                      size_t name_len,
                                      const char *target_workers,
                                      size_t target_len,
                                      lw_task_queue **out, lw_error *err);

/* Delete.  Returns LW_OK or LW_ERR_NOT_FOUND.  Thread-safe. */
LW_API lw_result lw_task_queue_delete(lw_workspace *ws, const char *sid,
                                      size_t sid_len, lw_error *err);

/*
 * Task queue snapshot: retain, release (NULL ignored) and getters, which
 * never fail and return strings owned by the snapshot.  Thread-safe.
 * Since 0.1.0.
 */
LW_API lw_task_queue *lw_task_queue_retain(lw_task_queue *q);
LW_API void lw_task_queue_release(lw_task_queue *q);
LW_API const char *lw_task_queue_sid(const lw_task_queue *q);
LW_API const char *lw_task_queue_friendly_name(const lw_task_queue *q);
/* The expression text exactly as given; its length in *len if not NULL. */
LW_API const char *lw_task_queue_target_workers(const lw_task_queue *q,
                                                size_t *len);
LW_API const char *lw_task_queue_account_sid(const lw_task_queue *q);
LW_API const char *lw_task_queue_workspace_sid(const lw_task_queue *q);
LW_API int64_t lw_task_queue_date_created(const lw_task_queue *q);
LW_API int64_t lw_task_queue_date_updated(const lw_task_queue *q);

/* ---------------------------------------------------------------------
 * Workers
 * ------------------------------------------------------------------ */

/*
 * Create a worker.  name required (1-64 characters, valid UTF-8, no NUL,
 * unique ignoring ASCII case); attributes a JSON object text (NULL: "{}";
 * length 0 is invalid); activity_sid NULL for the default activity.
 * Checks in the contract's order: every input (LW_ERR_INVALID,
 * LW_ERR_SYNTAX, LW_ERR_TOO_LARGE), then the name (LW_ERR_DUPLICATE),
 * then the cap (LW_ERR_LIMIT); LW_ERR_NOMEM at any point.  Returns LW_OK
 * and the snapshot (version 0) in *out (may be NULL).  Emits
 * "worker.created".  Thread-safe; attributes are parsed outside the
 * exclusive lock.
 */
LW_API lw_result lw_worker_create(lw_workspace *ws, const char *name,
                                  size_t name_len, const char *attributes,
                                  size_t attributes_len,
                                  const char *activity_sid,
                                  size_t activity_len, lw_worker **out,
                                  lw_error *err);

/* Fetch by SID.  LW_ERR_NOT_FOUND for an unknown or malformed SID.
 * Takes only a shared lock.  Thread-safe. */
LW_API lw_result lw_worker_fetch(lw_workspace *ws, const char *sid,
                                 size_t sid_len, lw_worker **out,
                                 lw_error *err);

/*
 * The inputs of an update, each optional.  Made for one workspace (its
 * allocator); free before the workspace.  Setters copy their input and
 * return LW_OK, LW_ERR_INVALID (NULL changes) or LW_ERR_NOMEM; a NULL
 * string clears that input.  Validation happens in lw_worker_update().
 * Not thread-safe (one thread at a time per object).
 */
LW_API lw_result lw_worker_changes_create(lw_workspace *ws,
                                          lw_worker_changes **out);
LW_API void lw_worker_changes_free(lw_worker_changes *c);
LW_API lw_result lw_worker_changes_set_friendly_name(lw_worker_changes *c,
                                                     const char *name,
                                                     size_t len);
LW_API lw_result lw_worker_changes_set_attributes(lw_worker_changes *c,
                                                  const char *text,
                                                  size_t len);
LW_API lw_result lw_worker_changes_set_activity_sid(lw_worker_changes *c,
                                                    const char *sid,
                                                    size_t len);
/* RejectPendingReservations; false by default. */
LW_API lw_result lw_worker_changes_set_reject_pending(lw_worker_changes *c,
                                                      bool reject);
/* Expected version (If-Match): a version >= 0, LW_VERSION_ANY (default)
 * or LW_VERSION_NONE.  Other negative values are LW_ERR_INVALID. */
LW_API lw_result lw_worker_changes_set_expected_version(
    lw_worker_changes *c, int64_t version);

/*
 * Apply changes (NULL: none) to the worker with this SID, completely or
 * not at all.  Checks in the contract's order: LW_ERR_NOT_FOUND, then
 * LW_ERR_IN_PROGRESS (another update of this worker is under way,
 * including one whose events are being delivered), then every input
 * (LW_ERR_INVALID, LW_ERR_SYNTAX, LW_ERR_TOO_LARGE; an unknown ActivitySid
 * and RejectPendingReservations towards an available activity are
 * LW_ERR_INVALID), then LW_ERR_PRECONDITION, LW_ERR_DUPLICATE,
 * LW_ERR_PENDING (pending reservations block an activity change);
 * LW_ERR_NOMEM at any point.  An update that changes nothing bumps
 * nothing and emits nothing.  Returns LW_OK and the new snapshot in *out
 * (may be NULL).  Events: "worker.activity.update", then
 * "worker.attributes.update", or "worker.updated" for a name-only change.
 * Thread-safe.
 */
LW_API lw_result lw_worker_update(lw_workspace *ws, const char *sid,
                                  size_t sid_len,
                                  const lw_worker_changes *changes,
                                  lw_worker **out, lw_error *err);

/*
 * Delete, with an expected version (LW_VERSION_ANY for none).  Returns
 * LW_OK, LW_ERR_NOT_FOUND, LW_ERR_IN_PROGRESS, LW_ERR_PRECONDITION.
 * Pending reservations do not block; the "worker.deleted" event reports
 * them as dropped.  The name is free again at once.  Thread-safe.
 */
LW_API lw_result lw_worker_delete(lw_workspace *ws, const char *sid,
                                  size_t sid_len, int64_t expected_version,
                                  lw_error *err);

/*
 * Pending reservations, kept for the host (the library has no task
 * engine): set the count, or add delta (negative to remove; the result
 * may not go below 0 or past UINT32_MAX: LW_ERR_INVALID).  The version,
 * dates and events are not affected.  Returns LW_OK, LW_ERR_NOT_FOUND,
 * LW_ERR_INVALID, LW_ERR_NOMEM.  Thread-safe.
 */
LW_API lw_result lw_worker_set_pending_reservations(lw_workspace *ws,
                                                    const char *sid,
                                                    size_t sid_len,
                                                    uint32_t count,
                                                    lw_error *err);
LW_API lw_result lw_worker_add_pending_reservations(lw_workspace *ws,
                                                    const char *sid,
                                                    size_t sid_len,
                                                    int32_t delta,
                                                    lw_error *err);

/*
 * Worker snapshot.  retain adds a reference and returns its argument;
 * release drops one (the last frees it; NULL is ignored).  Getters never
 * fail and return strings owned by the snapshot; dates are milliseconds
 * since the epoch; the version starts at 0.  All thread-safe.
 * Since 0.1.0.
 */
LW_API lw_worker *lw_worker_retain(lw_worker *w);
LW_API void lw_worker_release(lw_worker *w);
LW_API const char *lw_worker_sid(const lw_worker *w);
LW_API const char *lw_worker_friendly_name(const lw_worker *w);
LW_API const char *lw_worker_account_sid(const lw_worker *w);
LW_API const char *lw_worker_workspace_sid(const lw_worker *w);
LW_API const char *lw_worker_activity_sid(const lw_worker *w);
LW_API const char *lw_worker_activity_name(const lw_worker *w);
LW_API bool lw_worker_available(const lw_worker *w);
/* Attributes exactly as sent; length in *len when len is not NULL. */
LW_API const char *lw_worker_attributes(const lw_worker *w, size_t *len);
/* The parsed attributes (valid while the snapshot lives). */
LW_API const lw_attrs *lw_worker_attrs(const lw_worker *w);
LW_API int64_t lw_worker_date_created(const lw_worker *w);
LW_API int64_t lw_worker_date_updated(const lw_worker *w);
LW_API int64_t lw_worker_date_status_changed(const lw_worker *w);
LW_API int64_t lw_worker_version(const lw_worker *w);
LW_API uint32_t lw_worker_pending_reservations(const lw_worker *w);

/*
 * The symbol table of the workspace, for compiling expressions to use
 * with lw_worker_matches() and lw_worker_explain().  Borrowed: valid
 * while ws lives (lw_symtab_retain() to keep it).  Thread-safe.
 */
LW_API lw_symtab *lw_workspace_symtab(const lw_workspace *ws);

/*
 * Evaluate e against a worker snapshot as lists and task queues do: its
 * attributes plus the built-ins sid, friendly_name, activity_sid and
 * activity_name.  e must be compiled with the worker's workspace's
 * symbol table; otherwise (or with a NULL argument) the result is false.
 * Thread-safe.
 */
LW_API bool lw_worker_matches(const lw_expr *e, const lw_worker *w);

/*
 * Explain that evaluation comparison by comparison (formats, ownership
 * and text as lw_expr_explain(); free *out with lw_free() and the
 * workspace's allocator).  Returns LW_OK, LW_ERR_INVALID (NULL argument,
 * another symbol table), LW_ERR_NOMEM.  Thread-safe.
 */
LW_API lw_result lw_worker_explain(const lw_expr *e, const lw_worker *w,
                                   lw_explain_format format, char **out,
                                   size_t *len, lw_error *err);

/* ---------------------------------------------------------------------
 * Listing
 *
 * A query holds the filters and paging of one list request; the same
 * query type serves workers, activities and task queues, each list using
 * only the settings that apply to it (workers: all; activities:
 * friendly name, available and paging; task queues: paging).  Made for
 * one workspace; free before it.  Setters copy their input; a NULL
 * string removes that filter, a present empty string is kept as given.
 * Setters return LW_OK, LW_ERR_INVALID or LW_ERR_NOMEM.  Not thread-safe
 * (one thread at a time per query).
 * ------------------------------------------------------------------ */

typedef int32_t lw_ordering;
enum {
    LW_ORDER_SID = 0,            /* default: ascending SID */
    LW_ORDER_STATUS_ASC = 1,     /* DateStatusChanged:asc */
    LW_ORDER_STATUS_DESC = 2     /* DateStatusChanged:desc */
};

LW_API lw_result lw_query_create(lw_workspace *ws, lw_query **out);
LW_API void lw_query_free(lw_query *q);

/* FriendlyName: equal ignoring ASCII case (empty matches nothing). */
LW_API lw_result lw_query_set_friendly_name(lw_query *q, const char *s,
                                            size_t len);
/* ActivitySid: in that activity (malformed or unknown: nothing). */
LW_API lw_result lw_query_set_activity_sid(lw_query *q, const char *s,
                                           size_t len);
/* ActivityName: activity name equal ignoring ASCII case. */
LW_API lw_result lw_query_set_activity_name(lw_query *q, const char *s,
                                            size_t len);
/* Available: "true", "1", "yes" (any case) select available ones; any
 * other value, empty included, unavailable ones. */
LW_API lw_result lw_query_set_available(lw_query *q, const char *s,
                                        size_t len);
/* TaskQueueSid / TaskQueueName: eligible for that queue. */
LW_API lw_result lw_query_set_task_queue_sid(lw_query *q, const char *s,
                                             size_t len);
LW_API lw_result lw_query_set_task_queue_name(lw_query *q, const char *s,
                                              size_t len);
/* TargetWorkersExpression: compiled by the list call (empty: no filter). */
LW_API lw_result lw_query_set_target_workers(lw_query *q, const char *s,
                                             size_t len);
/* Ordering; LW_ERR_INVALID for a value outside lw_ordering. */
LW_API lw_result lw_query_set_ordering(lw_query *q, lw_ordering order);
/* PageSize: 1 or more (0 is LW_ERR_INVALID); above LW_MAX_PAGE_SIZE it is
 * served as LW_MAX_PAGE_SIZE.  Default LW_DEFAULT_PAGE_SIZE. */
LW_API lw_result lw_query_set_page_size(lw_query *q, uint32_t size);
/* PageToken as received (NULL or empty: first page).  Checked by the
 * list call: a malformed or foreign token is LW_ERR_INVALID there. */
LW_API lw_result lw_query_set_page_token(lw_query *q, const char *s,
                                         size_t len);

/*
 * List one page (q NULL: first page, every default).  Returns LW_OK and
 * the page in *out, or LW_ERR_INVALID (bad token), LW_ERR_SYNTAX /
 * LW_ERR_TOO_LARGE (bad TargetWorkersExpression), LW_ERR_NOMEM.  Unknown
 * activities or queues in filters give an empty page.  Token paging
 * neither skips nor repeats a record present for the whole walk while
 * others are created or deleted.  Thread-safe (shared lock only).
 */
LW_API lw_result lw_worker_list(lw_workspace *ws, const lw_query *q,
                                lw_page **out, lw_error *err);
LW_API lw_result lw_activity_list(lw_workspace *ws, const lw_query *q,
                                  lw_page **out, lw_error *err);
LW_API lw_result lw_task_queue_list(lw_workspace *ws, const lw_query *q,
                                    lw_page **out, lw_error *err);

/* Free a page and its references.  NULL is ignored. */
LW_API void lw_page_free(lw_page *p);
/* Number of records on the page. */
LW_API size_t lw_page_count(const lw_page *p);
/* The page size served (the request's, at most LW_MAX_PAGE_SIZE). */
LW_API uint32_t lw_page_size(const lw_page *p);
/* Does a record precede the first / follow the last of this page? */
LW_API bool lw_page_has_previous(const lw_page *p);
LW_API bool lw_page_has_next(const lw_page *p);
/* Tokens for the previous and next page ("PB…" / "PA…"), or NULL when
 * there is no such page.  Valid while the page lives. */
LW_API const char *lw_page_previous_token(const lw_page *p);
LW_API const char *lw_page_next_token(const lw_page *p);
/* Record i (borrowed: retain to keep past lw_page_free()); NULL when i is
 * out of range or the page lists another kind. */
LW_API lw_worker *lw_page_worker(const lw_page *p, size_t i);
LW_API lw_activity *lw_page_activity(const lw_page *p, size_t i);
LW_API lw_task_queue *lw_page_task_queue(const lw_page *p, size_t i);

/* ---------------------------------------------------------------------
 * Events
 *
 * One callback per workspace, called after a worker change is committed,
 * outside the exclusive lock, on the thread that made the change.  The
 * event and what its getters return are valid during the call only
 * (retain the worker to keep it).  Inside the callback the library may be
 * called again: reads and changes of other workers work (their events
 * are delivered nested); a change of the worker the event is about fails
 * with LW_ERR_IN_PROGRESS; lw_workspace_free() is not allowed.
 * ------------------------------------------------------------------ */

typedef void (*lw_event_fn)(void *user, const lw_event *ev);

/* Set (or with NULL remove) the callback.  Changes committed after this
 * returns use the new one; a call already under way on another thread may
 * still be running the old one.  Thread-safe. */
LW_API void lw_workspace_set_event_handler(lw_workspace *ws,
                                           lw_event_fn fn, void *user);

/* "worker.created", "worker.activity.update", "worker.attributes.update",
 * "worker.updated" (name only) or "worker.deleted". */
LW_API const char *lw_event_type(const lw_event *ev);
/* The worker after the change (before it, for "worker.deleted"). */
LW_API lw_worker *lw_event_worker(const lw_event *ev);
/* Version after the change. */
LW_API int64_t lw_event_version(const lw_event *ev);
/* Time of the change. */
LW_API int64_t lw_event_timestamp(const lw_event *ev);
/* For "worker.activity.update": the previous activity (NULL otherwise)
 * and the milliseconds the worker spent in it (0 otherwise). */
LW_API const char *lw_event_previous_activity_sid(const lw_event *ev);
LW_API const char *lw_event_previous_activity_name(const lw_event *ev);
LW_API int64_t lw_event_previous_activity_ms(const lw_event *ev);
/* Pending reservations dropped by this change (RejectPendingReservations
 * or delete); 0 otherwise. */
LW_API uint32_t lw_event_reservations_dropped(const lw_event *ev);

/* ---------------------------------------------------------------------
 * Save and restore
 * ------------------------------------------------------------------ */

/*
 * Export the whole workspace (its settings, activities, task queues and
 * workers with versions, dates and pending counts) as JSON text.  On LW_OK
 * *out holds NUL-terminated text (length in *len when not NULL) to free
 * with lw_free(lw_workspace_allocator(ws), text).  Returns LW_OK,
 * LW_ERR_INVALID, LW_ERR_NOMEM.  Thread-safe (shared lock).
 */
LW_API lw_result lw_workspace_export(lw_workspace *ws, char **out,
                                     size_t *len, lw_error *err);

/*
 * Create a workspace from exported text.  opts (NULL: defaults) gives the
 * allocator, clock and random source, and, when set on opts, the base URL
 * and the worker cap, which then replace the saved ones (a host restarted
 * on another address keeps rendering links clients can follow); everything
 * else comes from the text, so exporting the result of an import without
 * those two settings gives the same text back.  Returns LW_OK
 * and the handle in *out, LW_ERR_SYNTAX (not JSON), LW_ERR_INVALID (a
 * missing or wrong field, an inconsistency: the message names it), the
 * code of an attribute document or expression in it that does not parse,
 * LW_ERR_NOMEM.  Thread-safe.
 */
LW_API lw_result lw_workspace_import(const lw_workspace_options *opts,
                                     const char *text, size_t len,
                                     lw_workspace **out, lw_error *err);

/* ---------------------------------------------------------------------
 * Matching workers against an expression
 * ------------------------------------------------------------------ */

/*
 * Count the workers for which e is true, with the worker built-ins (sid,
 * friendly_name, activity_sid, activity_name) in scope.  e must have been
 * compiled with lw_workspace_symtab(ws).  LW_OK, or LW_ERR_INVALID (NULL
 * argument, foreign expression).  Takes only a shared lock.  Thread-safe.
 * Since 0.1.0.
 */
LW_API lw_result lw_worker_count_matching(lw_workspace *ws,
                                          const lw_expr *e,
                                          uint32_t *count, lw_error *err);

/*
 * Free the value columns of ws.  Scans (the two calls here and lists
 * filtered by an expression) keep a column for each top-level attribute
 * key they read, up to 16 keys per workspace: a copy of every worker's
 * value of that key, 16 bytes a worker, kept current by every change, so
 * that a scan reads one key's values from consecutive memory.  Making one
 * never fails a call (without memory, the scan reads the documents), and
 * later scans make them again as needed.  Call this to give the memory
 * back, for example after a burst of ad hoc queries.  NULL is ignored.
 * Takes the exclusive lock.  Thread-safe.  Since 0.1.0.
 */
LW_API void lw_workspace_trim(lw_workspace *ws);

/*
 * Called for each matching worker in ascending SID order; return false to
 * stop.  The snapshot is borrowed: retain it to keep it.  The workspace's
 * shared lock is held during the call: the visitor may read the workspace
 * but must not change it.
 */
typedef bool (*lw_worker_visit_fn)(void *user, const lw_worker *w);

/*
 * Visit every worker for which e is true, in ascending SID order.
 * Errors as lw_worker_count_matching, plus LW_ERR_INVALID for a NULL
 * visitor.  Thread-safe.  Since 0.1.0.
 */
LW_API lw_result lw_worker_select(lw_workspace *ws, const lw_expr *e,
                                  lw_worker_visit_fn fn, void *user,
                                  lw_error *err);

#ifdef __cplusplus
}
#endif

#endif /* LIBWORKERS_STORE_H */
