/*
 * store_int.h - the workspace's internal layout, shared by the store's
 * source files (store.c, store_names.c, store_activity.c, store_queue.c,
 * store_worker.c, store_list.c, store_io.c).
 */
#ifndef LW_STORE_INT_H
#define LW_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "attrs_int.h"
#include "expr_int.h"
#include "libworkers/store.h"

#define LW__SID_BUF (LW_SID_LEN + 1)

#define BASE_URL_MAX 256

/* System random bytes fetched at once (getrandom() never splits 256). */
#define LW__RANDOM_BUF 256

/* At most this many keys get a value column per workspace. */
#define LW__COLS_MAX 16

/* Creation settings (see lw_workspace_options_create()). */
struct lw_workspace_options {
    lw_allocator alloc;
    char account_sid[LW__SID_BUF];  /* empty: generate */
    char workspace_sid[LW__SID_BUF];
    char *friendly_name;            /* NULL: DEFAULT_WS_NAME */
    char base_url[BASE_URL_MAX + 1];
    uint32_t cap;
    uint32_t attrs_max;
    lw_clock_fn clock;
    void *clock_user;
    lw_random_fn random;
    void *random_user;
    bool cap_set;       /* set by the host: wins over an imported value */
    bool base_url_set;
};

/* ---- case-insensitive name index --------------------------------------- */

/* An item's current name: its bytes, and their number in *len. */
typedef const char *(*lw__name_of_fn)(const void *item, size_t *len);

/*
 * Open addressing, linear probing, at most half full.  A slot holds only
 * the item: its name, and so its hash, is read from the item through
 * name_of, so every item in the table must report the name it is
 * indexed under.  Only the item being inserted or removed may report
 * another, since those two calls take its name explicitly: a rename
 * removes under the old name, updates the item, then inserts under the
 * new one.
 */
typedef struct lw__names {
    void **slots;  /* NULL: empty slot */
    uint32_t cap;  /* 0 or a power of two */
    uint32_t count;
    lw__name_of_fn name_of;
} lw__names;

/* Make room for count entries in all; LW_OK or LW_ERR_NOMEM. */
lw_result lw__names_reserve(const lw_allocator *a, lw__names *t,
                            uint32_t count);
/* The item whose name equals name ignoring ASCII case, or NULL. */
void *lw__names_find(const lw__names *t, const char *name, size_t len);
/* Add item under name (room must have been reserved). */
void lw__names_insert(lw__names *t, const char *name, size_t len,
                      void *item);
/* Remove item, found under name, the one it was indexed under. */
void lw__names_remove(lw__names *t, const char *name, size_t len,
                      const void *item);
void lw__names_free(const lw_allocator *a, lw__names *t);

/* ---- worker SID index (store_sidx.c) ----------------------------------- */

struct lw__worker_rec;

/* Open addressing, linear probing, at most half full; a slot is a
 * record's address tagged with bits of its SID's hash, or 0. */
typedef struct lw__sid_index {
    uintptr_t *slots;
    uint32_t cap;  /* 0 or a power of two */
} lw__sid_index;

/* Make room for count entries; LW_OK or LW_ERR_NOMEM (index unchanged). */
lw_result lw__sidx_reserve(const lw_allocator *a, lw__sid_index *x,
                           uint32_t count);
/* The record with this SID (len bytes), or NULL. */
struct lw__worker_rec *lw__sidx_find(const lw__sid_index *x,
                                     const char *sid, size_t len);
/* Add a record (room must have been reserved) / remove one present. */
void lw__sidx_insert(lw__sid_index *x, struct lw__worker_rec *r);
void lw__sidx_remove(lw__sid_index *x, const struct lw__worker_rec *r);
void lw__sidx_free(const lw_allocator *a, lw__sid_index *x);

/* ---- snapshots --------------------------------------------------------- */

struct lw_activity {
    atomic_uint refs;
    bool available;
    lw_symtab *syms;  /* a reference: its allocator frees this block */
    int64_t date_created;
    int64_t date_updated;
    char sid[LW__SID_BUF];
    char account_sid[LW__SID_BUF];
    char workspace_sid[LW__SID_BUF];
    char name[];
};

struct lw_task_queue {
    atomic_uint refs;
    uint32_t target_len;
    lw_symtab *syms;
    int64_t date_created;
    int64_t date_updated;
    const char *name;    /* inside this block */
    const char *target;  /* inside this block */
    char sid[LW__SID_BUF];
    char account_sid[LW__SID_BUF];
    char workspace_sid[LW__SID_BUF];
    char text[];
};

/*
 * What every worker snapshot of a workspace shares: the symbol table and
 * the two SIDs.  The workspace and each snapshot hold a reference, so it
 * lives as long as the last snapshot does.
 */
typedef struct lw__ws_ident {
    atomic_uint refs;
    lw_symtab *syms;  /* held; its allocator frees this block */
    char account_sid[LW__SID_BUF];
    char workspace_sid[LW__SID_BUF];
} lw__ws_ident;

/* A new identity holding syms, or NULL (out of memory). */
lw__ws_ident *lw__ws_ident_new(lw_symtab *syms, const char *account_sid,
                               const char *workspace_sid);
lw__ws_ident *lw__ws_ident_retain(lw__ws_ident *id);
void lw__ws_ident_release(lw__ws_ident *id);

struct lw_worker {
    atomic_uint refs;
    uint32_t pending;
    lw__ws_ident *ident;  /* held */
    /* sid, friendly name, activity sid, activity name, each held once */
    const lw__sym *builtins[LW__BUILTIN_COUNT];
    lw_attrs *attrs;  /* a reference */
    /* version << 1 | available: versions start at most at 2^53 (an
     * import's exact integers) and count up by one per update */
    uint64_t version_bits;
    int64_t date_created;
    int64_t date_updated;
    int64_t date_status_changed;
};

static inline int64_t lw__snap_version(const lw_worker *w)
{
    return (int64_t)(w->version_bits >> 1);
}

static inline bool lw__snap_available(const lw_worker *w)
{
    return (w->version_bits & 1) != 0;
}

static inline void lw__snap_set_version(lw_worker *w, int64_t version)
{
    w->version_bits = (uint64_t)version << 1 | (w->version_bits & 1);
}

struct lw_workspace_info {
    atomic_uint refs;
    lw_symtab *syms;
    int64_t date_created;
    int64_t date_updated;
    char sid[LW__SID_BUF];
    char account_sid[LW__SID_BUF];
    char default_sid[LW__SID_BUF];
    char timeout_sid[LW__SID_BUF];
    const char *default_name;  /* inside this block */
    const char *timeout_name;
    char text[];
};

/* ---- records: what the workspace keeps per resource -------------------- */

/* Activity and queue records start with their SID: one search serves
 * both sorted arrays (worker records have theirs in lw__worker_pos). */
typedef struct lw__act_rec {
    char sid[LW__SID_BUF];
    lw_activity *snap;
    const lw__sym *sid_sym;   /* held */
    const lw__sym *name_sym;  /* held */
    uint32_t nworkers;        /* workers in this activity */
} lw__act_rec;

typedef struct lw__queue_rec {
    char sid[LW__SID_BUF];
    lw_task_queue *snap;
    lw_expr *expr;    /* NULL: the empty expression, selects nobody */
    uint64_t *bits;   /* eligibility, one bit per worker slot */
    uint32_t nwords;
} lw__queue_rec;

/*
 * A worker's record.  Its SID is the interned one every snapshot of the
 * worker holds, borrowed from them: searches by SID read it one load
 * from the record.  Its activity is the one whose SID the snapshot
 * carries (lw__worker_act()).
 */
typedef struct lw__worker_rec {
    lw_worker *snap;     /* never NULL */
    const lw__sym *sid;  /* snap->builtins[LW__BUILTIN_SID] */
    uint32_t slot;       /* stable index into the queues' bit sets */
    atomic_bool busy;    /* an update or delete is under way */
} lw__worker_rec;

/* The SID of a worker's record. */
static inline const char *lw__rec_sid(const lw__worker_rec *r)
{
    return r->sid->bytes;
}

/* Whether the worker's current activity is act. */
static inline bool lw__rec_in_act(const lw__worker_rec *r,
                                  const lw__act_rec *act)
{
    return r->snap->builtins[LW__BUILTIN_ACTIVITY_SID] == act->sid_sym;
}

/* ---- the workspace ----------------------------------------------------- */

struct lw_workspace {
    lw_allocator alloc;
    lw_symtab *syms;
    pthread_rwlock_t lock;

    pthread_mutex_t err_lock;
    lw_error last;

    /* fixed at creation */
    char sid[LW__SID_BUF];
    char account_sid[LW__SID_BUF];
    lw__ws_ident *ident;             /* shared with worker snapshots */
    char *friendly_name;
    char base_url[BASE_URL_MAX + 1];
    uint32_t cap;
    uint32_t attrs_max;
    lw_clock_fn clock;
    void *clock_user;
    lw_random_fn random;
    void *random_user;
    uint64_t rng_state;  /* fallback generator */
    uint8_t random_buf[LW__RANDOM_BUF];  /* system bytes not used yet: */
    uint32_t random_left;                /* the last random_left of them */

    /* guarded by lock */
    lw_event_fn on_event;
    void *event_user;
    int64_t date_created;
    int64_t date_updated;
    lw__act_rec *default_act;
    lw__act_rec *timeout_act;

    lw__act_rec **acts;  /* sorted by SID */
    uint32_t nacts;
    uint32_t acts_cap;
    lw__names act_names;

    lw__queue_rec **queues;  /* sorted by SID */
    uint32_t nqueues;
    uint32_t queues_cap;
    lw__names queue_names;

    lw__worker_rec **workers;  /* sorted by SID */
    lw__subject *subjects;     /* by worker slot, slot_words * 64 */
    uint32_t nworkers;
    uint32_t workers_cap;
    lw__names worker_names;
    lw__sid_index worker_sids;
    uint64_t *slots_used;  /* bit set of worker slots */
    uint32_t slot_words;

    /*
     * Value columns of the keys scans have asked for (store_cols.c),
     * indexed by worker slot, slot_words * 64 entries each.  A reader that
     * adds one holds the read lock and cols_busy; others read the first
     * ncols; writers change them under the write lock.
     */
    lw__column cols[LW__COLS_MAX];
    atomic_uint ncols;
    atomic_bool cols_busy;
};

/* ---- store.c: helpers shared by the store's files ---------------------- */

static inline const lw_allocator *lw__ws_alloc(const lw_workspace *ws)
{
    return &ws->alloc;
}

/* Record a failure on ws and in err; returns code. */
lw_result lw__ws_fail(lw_workspace *ws, lw_error *err, lw_result code,
                      const char *fmt, ...) LW__PRINTF(4, 5);
/* Record a failure already described in e. */
lw_result lw__ws_forward(lw_workspace *ws, lw_error *err, const lw_error *e);

/* The workspace's clock, now. */
int64_t lw__ws_now(lw_workspace *ws);
/* A fresh SID with this two-letter prefix into out (35 bytes). */
void lw__ws_new_sid(lw_workspace *ws, const char *prefix, char *out);

/* Is s a SID with this prefix: two letters and 32 lowercase hex? */
bool lw__sid_valid(const char *s, size_t len, const char *prefix);

/*
 * Check a friendly name: present, 1-64 code points of valid UTF-8 without
 * NUL.  what names the parameter in the message.
 */
lw_result lw__check_name(lw_workspace *ws, const char *name, size_t len,
                         const char *what, lw_error *err);

/* First position in a SID-sorted record array whose SID is >= sid. */
size_t lw__sid_lower_bound(void *const *recs, size_t n, const char *sid);
/* The record with this SID (len bytes), or NULL. */
void *lw__sid_find(void *const *recs, size_t n, const char *sid,
                   size_t len);
/* Grow a pointer array to hold n + 1 items; LW_OK or LW_ERR_NOMEM. */
lw_result lw__grow_ptrs(const lw_allocator *a, void ***arr, uint32_t *cap,
                        uint32_t n, size_t item_size);
/* Insert / remove item at pos of an array of n pointers. */
void lw__ptrs_insert(void **arr, size_t n, size_t pos, void *item);
void lw__ptrs_remove(void **arr, size_t n, size_t pos);

/* ---- activities (store_activity.c) ------------------------------------- */

/* The activity with this SID parameter, or NULL. */
lw__act_rec *lw__act_find(lw_workspace *ws, const char *sid, size_t len);
/* The activity a worker's record is in (never NULL). */
lw__act_rec *lw__worker_act(lw_workspace *ws, const lw__worker_rec *r);
/* Insert a new activity record (under the exclusive lock). */
lw_result lw__act_add(lw_workspace *ws, const char *sid, const char *name,
                      size_t len, bool available, int64_t created,
                      int64_t updated, lw_error *err);
void lw__act_rec_free(lw_workspace *ws, lw__act_rec *r);
lw_activity *lw__act_snap_new(lw_workspace *ws, const char *sid,
                              const char *name, size_t len, bool available,
                              int64_t created, int64_t updated);

/* ---- task queues (store_queue.c) --------------------------------------- */

lw__queue_rec *lw__queue_find(lw_workspace *ws, const char *sid,
                              size_t len);
/* Grow every queue's bit set to slot_words words. */
lw_result lw__queues_grow_bits(lw_workspace *ws, uint32_t words);
/* Re-evaluate every queue for the worker at position pos. */
void lw__queues_eval_worker(lw_workspace *ws, size_t pos);
/* Is the worker in this slot eligible for q?  Every queue's bit set spans
 * ws->slot_words words and every slot is below that, so the first test
 * only guards against a slot from elsewhere. */
static inline bool lw__queue_has(const lw__queue_rec *q, uint32_t slot)
{
    return slot / 64 < q->nwords &&  /* GCOVR_EXCL_BR_LINE */
           (q->bits[slot / 64] >> (slot % 64) & 1u) != 0;
}
/* Compile target text (NULL: "1==1"; empty: no program). */
lw_result lw__queue_compile(lw_workspace *ws, const char *text, size_t len,
                            lw_expr **out, lw_error *err);
/* Insert a queue (under the exclusive lock); takes expr on success. */
lw_result lw__queue_add(lw_workspace *ws, const char *sid, const char *name,
                        size_t len, const char *target, size_t tlen,
                        lw_expr *expr, int64_t created, int64_t updated,
                        lw__queue_rec **out, lw_error *err);
void lw__queue_rec_free(lw_workspace *ws, lw__queue_rec *r);

/* ---- workers (store_worker.c) ------------------------------------------ */

/* Parse attribute text (NULL: "{}") with the workspace's limit. */
lw_result lw__worker_parse_attrs(lw_workspace *ws, const char *text,
                                 size_t len, lw_attrs **out, lw_error *err);

/* The fields of a worker being built. */
typedef struct lw__worker_init {
    const char *sid;  /* NULL: generate */
    const char *name;
    size_t name_len;
    lw_attrs *attrs;   /* borrowed */
    lw__act_rec *act;
    int64_t version;
    int64_t date_created;
    int64_t date_updated;
    int64_t date_status_changed;
    uint32_t pending;
} lw__worker_init;

/* Insert a worker (under the exclusive lock; checks nothing but memory
 * and SID uniqueness). */
lw_result lw__worker_add(lw_workspace *ws, const lw__worker_init *in,
                         lw__worker_rec **out, lw_error *err);
void lw__worker_rec_free(lw_workspace *ws, lw__worker_rec *r);
/* A copy of w with another activity name; NULL on failure. */
lw_worker *lw__worker_snap_rename_activity(lw_workspace *ws,
                                           const lw_worker *w,
                                           const lw__sym *name);
/* Put a new snapshot in place at position pos (takes snap). */
void lw__worker_replace(lw_workspace *ws, size_t pos, lw_worker *snap);
/* Position of a worker record. */
size_t lw__worker_pos(lw_workspace *ws, const lw__worker_rec *r);
/* Position of the first worker whose SID is not below sid. */
size_t lw__worker_lower_bound(const lw_workspace *ws, const char *sid);

/* ---- workspace life (store.c) ------------------------------------------ */

/* An empty workspace (no activities) from opts. */
lw_result lw__ws_new(const lw_workspace_options *opts, lw_workspace **out,
                     lw_error *err);

/* ---- store_cols.c: value columns ------------------------------------- */

/*
 * With the read lock held: give the top-level keys e's scans read a
 * column each, while there is room.  Never fails: a column that cannot
 * be made is read from the documents instead.
 */
void lw__cols_prepare(lw_workspace *ws, const lw_expr *e);
/* The columns readers may use now (read lock held). */
uint32_t lw__cols_count(lw_workspace *ws);

/* Write lock held.  Capacity for cap slots; a column that cannot grow
 * is dropped. */
void lw__cols_grow(lw_workspace *ws, uint32_t cap);
/* A worker now holds slot (its subject already set). */
void lw__cols_insert(lw_workspace *ws, uint32_t slot);
/* The worker in slot is being removed. */
void lw__cols_remove(lw_workspace *ws, uint32_t slot);
/* The worker in slot has a new document (its subject already set). */
void lw__cols_set(lw_workspace *ws, uint32_t slot);
/* Free every column. */
void lw__cols_free(lw_workspace *ws);
/* Bytes the columns occupy. */
size_t lw__cols_memory(lw_workspace *ws);

/*
 * Filter the workers at SID positions [first, first + n) by e, columns
 * included; out_index gets positions counted from first, ascending.
 */
size_t lw__ws_filter(lw_workspace *ws, const lw_expr *e, size_t first,
                     size_t n, uint32_t *out_index);
/* Count the workers e selects, scanning the slots in order. */
size_t lw__ws_count(lw_workspace *ws, const lw_expr *e);

#endif /* LW_STORE_INT_H */
