/*
 * store.c - the workspace: creation options, life cycle, errors, clock,
 * SIDs, the workspace snapshot and helpers the other store files share.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE  /* writer-preferring rwlocks of glibc */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "store_int.h"

#define DEFAULT_BASE_URL "https://taskrouter.twilio.com"
#define DEFAULT_WS_NAME "Workspace"


/* ---- options ----------------------------------------------------------- */

lw_result lw_workspace_options_create(const lw_allocator *alloc,
                                      lw_workspace_options **out)
{
    const lw_allocator *a = lw__alloc_or_default(alloc);
    lw_workspace_options *o;

    if (out == NULL)
        return LW_ERR_INVALID;
    o = lw__calloc(a, 1, sizeof *o);
    if (o == NULL)
        return LW_ERR_NOMEM;
    o->alloc = *a;
    strcpy(o->base_url, DEFAULT_BASE_URL);
    o->cap = LW_DEFAULT_WORKER_CAP;
    o->attrs_max = LW_ATTRS_DEFAULT_MAX_BYTES;
    *out = o;
    return LW_OK;
}

void lw_workspace_options_free(lw_workspace_options *opts)
{
    lw_allocator a;

    if (opts == NULL)
        return;
    a = opts->alloc;
    lw__free(&a, opts->friendly_name);
    lw__free(&a, opts);
}

static lw_result set_sid(char *dst, const char *sid, size_t len,
                         const char *prefix)
{
    if (sid == NULL) {
        dst[0] = '\0';
        return LW_OK;
    }
    if (!lw__sid_valid(sid, len, prefix))
        return LW_ERR_INVALID;
    memcpy(dst, sid, LW_SID_LEN);
    dst[LW_SID_LEN] = '\0';
    return LW_OK;
}

lw_result lw_workspace_options_set_account_sid(lw_workspace_options *opts,
                                               const char *sid, size_t len)
{
    if (opts == NULL)
        return LW_ERR_INVALID;
    return set_sid(opts->account_sid, sid, len, "AC");
}

lw_result lw_workspace_options_set_workspace_sid(lw_workspace_options *opts,
                                                 const char *sid, size_t len)
{
    if (opts == NULL)
        return LW_ERR_INVALID;
    return set_sid(opts->workspace_sid, sid, len, "WS");
}

lw_result lw_workspace_options_set_friendly_name(lw_workspace_options *opts,
                                                 const char *name,
                                                 size_t len)
{
    char *copy;

    if (opts == NULL || lw__check_name(NULL, name, len, "FriendlyName",
                                       NULL) != LW_OK)
        return LW_ERR_INVALID;
    copy = lw__strndup(&opts->alloc, name, len);
    if (copy == NULL)
        return LW_ERR_NOMEM;
    lw__free(&opts->alloc, opts->friendly_name);
    opts->friendly_name = copy;
    return LW_OK;
}

lw_result lw_workspace_options_set_worker_cap(lw_workspace_options *opts,
                                              uint32_t cap)
{
    if (opts == NULL || cap == 0)
        return LW_ERR_INVALID;
    opts->cap = cap;
    opts->cap_set = true;
    return LW_OK;
}

/* scheme://host[:port]: a letter-led scheme, then a host without '/'. */
static bool base_url_valid(const char *url, size_t len)
{
    const char *sep = NULL;
    size_t i;

    for (i = 0; i < len; i++) {
        if (url[i] <= ' ' || url[i] > '~')
            return false;
    }
    for (i = 0; i + 2 < len; i++) {
        if (memcmp(url + i, "://", 3) == 0) {
            sep = url + i;
            break;
        }
    }
    if (sep == NULL || sep == url || i + 3 == len)
        return false;
    if (memchr(sep + 3, '/', len - i - 3) != NULL)
        return false;
    for (i = 0; url + i < sep; i++) {
        char c = url[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '+' ||
                                   c == '-' || c == '.')))
            return false;
    }
    return true;
}

lw_result lw_workspace_options_set_base_url(lw_workspace_options *opts,
                                            const char *url, size_t len)
{
    if (opts == NULL || url == NULL)
        return LW_ERR_INVALID;
    if (len > 0 && url[len - 1] == '/')
        len--;
    if (len > BASE_URL_MAX || !base_url_valid(url, len))
        return LW_ERR_INVALID;
    memcpy(opts->base_url, url, len);
    opts->base_url[len] = '\0';
    opts->base_url_set = true;
    return LW_OK;
}

lw_result lw_workspace_options_set_clock(lw_workspace_options *opts,
                                         lw_clock_fn fn, void *user)
{
    if (opts == NULL)
        return LW_ERR_INVALID;
    opts->clock = fn;
    opts->clock_user = user;
    return LW_OK;
}

lw_result lw_workspace_options_set_random(lw_workspace_options *opts,
                                          lw_random_fn fn, void *user)
{
    if (opts == NULL)
        return LW_ERR_INVALID;
    opts->random = fn;
    opts->random_user = user;
    return LW_OK;
}

lw_result lw_workspace_options_set_attrs_max_bytes(
    lw_workspace_options *opts, uint32_t max_bytes)
{
    if (opts == NULL)
        return LW_ERR_INVALID;
    opts->attrs_max = max_bytes ? max_bytes : LW_ATTRS_DEFAULT_MAX_BYTES;
    return LW_OK;
}

/* ---- errors ------------------------------------------------------------ */

static void ws_record(lw_workspace *ws, const lw_error *e)
{
    if (ws == NULL)
        return;
    pthread_mutex_lock(&ws->err_lock);
    ws->last = *e;
    pthread_mutex_unlock(&ws->err_lock);
}

lw_result lw__ws_fail(lw_workspace *ws, lw_error *err, lw_result code,
                      const char *fmt, ...)
{
    lw_error e;
    va_list ap;

    va_start(ap, fmt);
    lw__vfail(&e, code, -1, fmt, ap);
    va_end(ap);
    ws_record(ws, &e);
    if (err != NULL)
        *err = e;
    return code;
}

lw_result lw__ws_forward(lw_workspace *ws, lw_error *err, const lw_error *e)
{
    ws_record(ws, e);
    if (err != NULL)
        *err = *e;
    return e->code;
}

void lw_workspace_last_error(const lw_workspace *ws, lw_error *out)
{
    lw_workspace *w = (lw_workspace *)(uintptr_t)ws;

    if (out == NULL)
        return;
    if (w == NULL) {
        memset(out, 0, sizeof *out);
        out->offset = -1;
        return;
    }
    pthread_mutex_lock(&w->err_lock);
    *out = w->last;
    pthread_mutex_unlock(&w->err_lock);
}

/* ---- clock and SIDs ---------------------------------------------------- */

int64_t lw__ws_now(lw_workspace *ws)
{
    struct timespec ts;

    if (ws->clock != NULL)
        return ws->clock(ws->clock_user);
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* splitmix64: the fallback when the system has no random bytes. */
static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/*
 * len (at most LW__RANDOM_BUF) random bytes: the host's source, else the
 * system's, asked for a buffer's worth at a time (a system call per SID
 * would cost more than the rest of a create), else the fallback.  Called
 * with the workspace to itself (creation, or the exclusive lock held).
 */
static void ws_random(lw_workspace *ws, uint8_t *buf, size_t len)
{
    size_t i;

    if (ws->random != NULL) {
        ws->random(ws->random_user, buf, len);
        return;
    }
    if (ws->random_left < len) {
        if (getrandom(ws->random_buf, sizeof ws->random_buf, 0) !=
            (ssize_t)sizeof ws->random_buf) {
            for (i = 0; i < len; i++)
                buf[i] = (uint8_t)splitmix(&ws->rng_state);
            return;
        }
        ws->random_left = sizeof ws->random_buf;
    }
    memcpy(buf, ws->random_buf + sizeof ws->random_buf - ws->random_left,
           len);
    ws->random_left -= (uint32_t)len;
}

void lw__ws_new_sid(lw_workspace *ws, const char *prefix, char *out)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t bytes[16];
    size_t i;

    ws_random(ws, bytes, sizeof bytes);
    out[0] = prefix[0];
    out[1] = prefix[1];
    for (i = 0; i < sizeof bytes; i++) {
        out[2 + 2 * i] = hex[bytes[i] >> 4];
        out[3 + 2 * i] = hex[bytes[i] & 15];
    }
    out[LW_SID_LEN] = '\0';
}

bool lw__sid_valid(const char *s, size_t len, const char *prefix)
{
    size_t i;

    if (s == NULL || len != LW_SID_LEN || s[0] != prefix[0] ||
        s[1] != prefix[1])
        return false;
    for (i = 2; i < LW_SID_LEN; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

lw_result lw__check_name(lw_workspace *ws, const char *name, size_t len,
                         const char *what, lw_error *err)
{
    if (name == NULL || len == 0)
        return lw__ws_fail(ws, err, LW_ERR_INVALID, "%s is required", what);
    if (memchr(name, '\0', len) != NULL)
        return lw__ws_fail(ws, err, LW_ERR_INVALID,
                           "%s must not contain NUL characters", what);
    if (!lw__utf8_valid(name, len))
        return lw__ws_fail(ws, err, LW_ERR_INVALID,
                           "%s must be valid UTF-8", what);
    if (lw__utf8_count(name, len) > LW_NAME_MAX_CHARS)
        return lw__ws_fail(ws, err, LW_ERR_INVALID,
                           "%s must be at most %d characters long", what,
                           LW_NAME_MAX_CHARS);
    return LW_OK;
}

/* ---- sorted record arrays ---------------------------------------------- */

size_t lw__sid_lower_bound(void *const *recs, size_t n, const char *sid)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (memcmp((const char *)recs[mid], sid, LW_SID_LEN) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void *lw__sid_find(void *const *recs, size_t n, const char *sid, size_t len)
{
    size_t pos;

    if (sid == NULL || len != LW_SID_LEN)
        return NULL;
    pos = lw__sid_lower_bound(recs, n, sid);
    if (pos < n && memcmp((const char *)recs[pos], sid, LW_SID_LEN) == 0)
        return recs[pos];
    return NULL;
}

lw_result lw__grow_ptrs(const lw_allocator *a, void ***arr, uint32_t *cap,
                        uint32_t n, size_t item_size)
{
    uint32_t ncap;
    void *p;

    if (n < *cap)
        return LW_OK;
    ncap = *cap ? *cap * 2 : 16;
    p = lw__realloc(a, *arr, (size_t)ncap * item_size);
    if (p == NULL)
        return LW_ERR_NOMEM;
    *arr = p;
    *cap = ncap;
    return LW_OK;
}

void lw__ptrs_insert(void **arr, size_t n, size_t pos, void *item)
{
    memmove(arr + pos + 1, arr + pos, (n - pos) * sizeof *arr);
    arr[pos] = item;
}

void lw__ptrs_remove(void **arr, size_t n, size_t pos)
{
    memmove(arr + pos, arr + pos + 1, (n - pos - 1) * sizeof *arr);
}

/* ---- life cycle -------------------------------------------------------- */

/*
 * The workspace lock.  Where the C library offers it, waiting writers go
 * before new readers, so that a stream of lists cannot starve changes
 * (the library never takes the lock twice on one thread).
 */
static int ws_rwlock_init(pthread_rwlock_t *lock)
{
#if defined(__GLIBC__)
    pthread_rwlockattr_t attr;
    int rc;

    /* glibc's pthread_rwlockattr_init() only stores defaults: never fails. */
    if (pthread_rwlockattr_init(&attr) != 0)  /* GCOVR_EXCL_BR_LINE */
        return -1;
    pthread_rwlockattr_setkind_np(&attr,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    rc = pthread_rwlock_init(lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    return rc;
#else
    return pthread_rwlock_init(lock, NULL);
#endif
}

/*
 * glibc initialises a lock without allocating and never fails with valid
 * attributes, so the failure branches here and in lw__ws_new() are only
 * for other C libraries.
 */
static lw_result ws_init_locks(lw_workspace *ws)
{
    /* GCOVR_EXCL_BR_START */
    if (ws_rwlock_init(&ws->lock) != 0)
        return LW_ERR_NOMEM;
    if (pthread_mutex_init(&ws->err_lock, NULL) != 0) {
        pthread_rwlock_destroy(&ws->lock);
        return LW_ERR_NOMEM;
    }
    /* GCOVR_EXCL_BR_STOP */
    return LW_OK;
}

/* The names the three name indexes read from their items. */
static const char *worker_name_of(const void *item, size_t *len)
{
    const lw__worker_rec *r = item;
    const lw__sym *name = r->snap->builtins[LW__BUILTIN_FRIENDLY_NAME];

    *len = name->len;
    return name->bytes;
}

static const char *act_name_of(const void *item, size_t *len)
{
    const lw__sym *name = ((const lw__act_rec *)item)->name_sym;

    *len = name->len;
    return name->bytes;
}

static const char *queue_name_of(const void *item, size_t *len)
{
    const char *name = ((const lw__queue_rec *)item)->snap->name;

    *len = strlen(name);
    return name;
}

static void ws_copy_options(lw_workspace *ws, const lw_workspace_options *o)
{
    ws->cap = o->cap;
    ws->attrs_max = o->attrs_max;
    ws->clock = o->clock;
    ws->clock_user = o->clock_user;
    ws->random = o->random;
    ws->random_user = o->random_user;
    strcpy(ws->base_url, o->base_url);
    ws->rng_state = (uint64_t)(uintptr_t)ws ^ (uint64_t)time(NULL);
    ws->last.offset = -1;
}

lw__ws_ident *lw__ws_ident_new(lw_symtab *syms, const char *account_sid,
                               const char *workspace_sid)
{
    lw__ws_ident *id = lw__calloc(lw__symtab_alloc(syms), 1, sizeof *id);

    if (id == NULL)
        return NULL;
    atomic_init(&id->refs, 1);
    id->syms = lw_symtab_retain(syms);
    strcpy(id->account_sid, account_sid);
    strcpy(id->workspace_sid, workspace_sid);
    return id;
}

lw__ws_ident *lw__ws_ident_retain(lw__ws_ident *id)
{
    atomic_fetch_add(&id->refs, 1);
    return id;
}

void lw__ws_ident_release(lw__ws_ident *id)
{
    lw_symtab *syms;

    if (id == NULL || atomic_fetch_sub(&id->refs, 1) != 1)
        return;
    syms = id->syms;
    lw__free(lw__symtab_alloc(syms), id);
    lw_symtab_release(syms);
}

static lw_result ws_fill_ids(lw_workspace *ws, const lw_workspace_options *o)
{
    const char *name = o->friendly_name ? o->friendly_name
                                        : DEFAULT_WS_NAME;

    ws->friendly_name = lw__strndup(&ws->alloc, name, strlen(name));
    if (ws->friendly_name == NULL)
        return LW_ERR_NOMEM;
    if (o->account_sid[0] != '\0')
        strcpy(ws->account_sid, o->account_sid);
    else
        lw__ws_new_sid(ws, "AC", ws->account_sid);
    if (o->workspace_sid[0] != '\0')
        strcpy(ws->sid, o->workspace_sid);
    else
        lw__ws_new_sid(ws, "WS", ws->sid);

    /* Worker snapshots share these instead of copying them. */
    ws->ident = lw__ws_ident_new(ws->syms, ws->account_sid, ws->sid);
    return ws->ident != NULL ? LW_OK : LW_ERR_NOMEM;
}

static void ws_destroy(lw_workspace *ws);

lw_result lw__ws_new(const lw_workspace_options *opts, lw_workspace **out,
                     lw_error *err)
{
    lw_workspace_options defaults;
    const lw_allocator *a;
    lw_workspace *ws;

    if (opts == NULL) {
        memset(&defaults, 0, sizeof defaults);
        defaults.alloc = *lw_allocator_default();
        strcpy(defaults.base_url, DEFAULT_BASE_URL);
        defaults.cap = LW_DEFAULT_WORKER_CAP;
        defaults.attrs_max = LW_ATTRS_DEFAULT_MAX_BYTES;
        opts = &defaults;
    }
    a = &opts->alloc;
    ws = lw__calloc(a, 1, sizeof *ws);
    if (ws == NULL)
        return lw__fail_code(err, LW_ERR_NOMEM);
    ws->alloc = *a;
    ws->worker_names.name_of = worker_name_of;
    ws->act_names.name_of = act_name_of;
    ws->queue_names.name_of = queue_name_of;
    ws_copy_options(ws, opts);
    if (ws_init_locks(ws) != LW_OK) {  /* GCOVR_EXCL_BR_LINE */
        lw__free(a, ws);
        return lw__fail_code(err, LW_ERR_NOMEM);
    }
    if (lw_symtab_create(a, &ws->syms) != LW_OK ||
        ws_fill_ids(ws, opts) != LW_OK) {
        ws_destroy(ws);
        return lw__fail_code(err, LW_ERR_NOMEM);
    }
    *out = ws;
    return LW_OK;
}

static lw_result ws_default_activities(lw_workspace *ws, lw_error *err)
{
    static const struct {
        const char *name;
        bool available;
    } defs[] = {
        {"Offline", false}, {"Available", true}, {"Unavailable", false}
    };
    int64_t now = lw__ws_now(ws);
    char sid[LW__SID_BUF];
    size_t i;
    lw_result rc;

    ws->date_created = ws->date_updated = now;
    for (i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        lw__ws_new_sid(ws, "WA", sid);
        rc = lw__act_add(ws, sid, defs[i].name, strlen(defs[i].name),
                         defs[i].available, now, now, err);
        if (rc != LW_OK)
            return rc;
        if (i == 0)
            ws->default_act = ws->timeout_act = lw__act_find(
                ws, sid, LW_SID_LEN);
    }
    return LW_OK;
}

lw_result lw_workspace_create(const lw_workspace_options *opts,
                              lw_workspace **out, lw_error *err)
{
    lw_workspace *ws;
    lw_result rc;

    if (out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "out must not be NULL");
    rc = lw__ws_new(opts, &ws, err);
    if (rc != LW_OK)
        return rc;
    rc = ws_default_activities(ws, err);
    if (rc != LW_OK) {
        ws_destroy(ws);
        return rc;
    }
    *out = ws;
    return LW_OK;
}

static void ws_destroy(lw_workspace *ws)
{
    lw_allocator a = ws->alloc;
    uint32_t i;

    for (i = 0; i < ws->nworkers; i++)
        lw__worker_rec_free(ws, ws->workers[i]);
    for (i = 0; i < ws->nqueues; i++)
        lw__queue_rec_free(ws, ws->queues[i]);
    for (i = 0; i < ws->nacts; i++)
        lw__act_rec_free(ws, ws->acts[i]);
    lw__free(&a, ws->workers);
    lw__free(&a, ws->subjects);
    lw__cols_free(ws);
    lw__free(&a, ws->queues);
    lw__free(&a, ws->acts);
    lw__free(&a, ws->slots_used);
    lw__names_free(&a, &ws->worker_names);
    lw__sidx_free(&a, &ws->worker_sids);
    lw__names_free(&a, &ws->queue_names);
    lw__names_free(&a, &ws->act_names);
    lw__free(&a, ws->friendly_name);
    lw__ws_ident_release(ws->ident);
    lw_symtab_release(ws->syms);
    pthread_mutex_destroy(&ws->err_lock);
    pthread_rwlock_destroy(&ws->lock);
    lw__free(&a, ws);
}

void lw_workspace_free(lw_workspace *ws)
{
    if (ws != NULL)
        ws_destroy(ws);
}

const char *lw_workspace_sid(const lw_workspace *ws)
{
    return ws ? ws->sid : NULL;
}

const char *lw_workspace_account_sid(const lw_workspace *ws)
{
    return ws ? ws->account_sid : NULL;
}

const char *lw_workspace_base_url(const lw_workspace *ws)
{
    return ws ? ws->base_url : NULL;
}

lw_symtab *lw_workspace_symtab(const lw_workspace *ws)
{
    return ws ? ws->syms : NULL;
}

const lw_allocator *lw_workspace_allocator(const lw_workspace *ws)
{
    return ws ? &ws->alloc : lw_allocator_default();
}

uint32_t lw_workspace_worker_count(const lw_workspace *ws)
{
    lw_workspace *w = (lw_workspace *)(uintptr_t)ws;
    uint32_t n;

    if (w == NULL)
        return 0;
    pthread_rwlock_rdlock(&w->lock);
    n = w->nworkers;
    pthread_rwlock_unlock(&w->lock);
    return n;
}

void lw_workspace_set_event_handler(lw_workspace *ws, lw_event_fn fn,
                                    void *user)
{
    if (ws == NULL)
        return;
    pthread_rwlock_wrlock(&ws->lock);
    ws->on_event = fn;
    ws->event_user = user;
    pthread_rwlock_unlock(&ws->lock);
}

/* ---- the workspace snapshot -------------------------------------------- */

static lw_workspace_info *info_new(lw_workspace *ws)
{
    const char *dn = ws->default_act->snap->name;
    const char *tn = ws->timeout_act->snap->name;
    size_t flen = strlen(ws->friendly_name), dlen = strlen(dn);
    size_t tlen = strlen(tn);
    lw_workspace_info *info;
    char *p;

    info = lw__malloc(&ws->alloc, sizeof *info + flen + dlen + tlen + 3);
    if (info == NULL)
        return NULL;
    atomic_init(&info->refs, 1);
    info->syms = lw_symtab_retain(ws->syms);
    info->date_created = ws->date_created;
    info->date_updated = ws->date_updated;
    strcpy(info->sid, ws->sid);
    strcpy(info->account_sid, ws->account_sid);
    strcpy(info->default_sid, ws->default_act->sid);
    strcpy(info->timeout_sid, ws->timeout_act->sid);
    p = info->text;
    memcpy(p, ws->friendly_name, flen + 1);
    info->default_name = p += flen + 1;
    memcpy(p, dn, dlen + 1);
    info->timeout_name = p += dlen + 1;
    memcpy(p, tn, tlen + 1);
    return info;
}

lw_result lw_workspace_fetch(lw_workspace *ws, lw_workspace_info **out,
                             lw_error *err)
{
    lw_workspace_info *info;

    if (ws == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    pthread_rwlock_rdlock(&ws->lock);
    info = info_new(ws);
    pthread_rwlock_unlock(&ws->lock);
    if (info == NULL)
        return lw__ws_fail(ws, err, LW_ERR_NOMEM, "out of memory");
    *out = info;
    return LW_OK;
}

static lw_result set_special(lw_workspace *ws, const char *sid, size_t len,
                             bool timeout, lw_error *err)
{
    lw__act_rec *act;

    if (ws == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1, "invalid argument");
    pthread_rwlock_wrlock(&ws->lock);
    act = lw__act_find(ws, sid, len);
    if (act == NULL) {
        pthread_rwlock_unlock(&ws->lock);
        return lw__ws_fail(ws, err, LW_ERR_INVALID,
                           "%s is not an activity of this workspace",
                           timeout ? "TimeoutActivitySid"
                                   : "DefaultActivitySid");
    }
    if ((timeout ? ws->timeout_act : ws->default_act) != act) {
        if (timeout)
            ws->timeout_act = act;
        else
            ws->default_act = act;
        ws->date_updated = lw__ws_now(ws);
    }
    pthread_rwlock_unlock(&ws->lock);
    return LW_OK;
}

lw_result lw_workspace_set_default_activity(lw_workspace *ws,
                                            const char *sid, size_t len,
                                            lw_error *err)
{
    return set_special(ws, sid, len, false, err);
}

lw_result lw_workspace_set_timeout_activity(lw_workspace *ws,
                                            const char *sid, size_t len,
                                            lw_error *err)
{
    return set_special(ws, sid, len, true, err);
}

lw_workspace_info *lw_workspace_info_retain(lw_workspace_info *info)
{
    if (info != NULL)
        atomic_fetch_add(&info->refs, 1);
    return info;
}

void lw_workspace_info_release(lw_workspace_info *info)
{
    lw_symtab *syms;

    if (info == NULL || atomic_fetch_sub(&info->refs, 1) != 1)
        return;
    syms = info->syms;
    lw__free(lw__symtab_alloc(syms), info);
    lw_symtab_release(syms);
}

const char *lw_workspace_info_sid(const lw_workspace_info *info)
{
    return info != NULL ? info->sid : NULL;
}

const char *lw_workspace_info_account_sid(const lw_workspace_info *info)
{
    return info != NULL ? info->account_sid : NULL;
}

const char *lw_workspace_info_friendly_name(const lw_workspace_info *info)
{
    return info != NULL ? info->text : NULL;
}

const char *lw_workspace_info_default_activity_sid(
    const lw_workspace_info *info)
{
    return info != NULL ? info->default_sid : NULL;
}

const char *lw_workspace_info_default_activity_name(
    const lw_workspace_info *info)
{
    return info != NULL ? info->default_name : NULL;
}

const char *lw_workspace_info_timeout_activity_sid(
    const lw_workspace_info *info)
{
    return info != NULL ? info->timeout_sid : NULL;
}

const char *lw_workspace_info_timeout_activity_name(
    const lw_workspace_info *info)
{
    return info != NULL ? info->timeout_name : NULL;
}

int64_t lw_workspace_info_date_created(const lw_workspace_info *info)
{
    return info != NULL ? info->date_created : 0;
}

int64_t lw_workspace_info_date_updated(const lw_workspace_info *info)
{
    return info != NULL ? info->date_updated : 0;
}
