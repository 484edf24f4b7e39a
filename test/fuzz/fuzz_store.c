/*
 * fuzz_store.c - stateful libFuzzer harness for the worker store: the
 * input bytes are decoded into a sequence of workspace operations
 * (create, update with and without versions, delete, pending
 * reservations, page walks with filters and changes between pages,
 * task queues created, retargeted and deleted, activity renames and
 * refused deletions, export/import, clock moves).  A tiny reference
 * model predicts each answer; after every step the workspace must agree
 * with the model: the cap, names unique ignoring ASCII case, versions,
 * pending counts, activities, each queue's workers (listed by
 * TaskQueueSid) exactly those lw_worker_matches() selects, and a failed
 * step must change nothing.  Page walks must neither skip nor
 * repeat a worker present for the whole walk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libworkers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORKERS 8
#define MAX_STEPS 64
#define NACT 4
#define MAX_QUEUES 3

/* ---- the model ------------------------------------------------------ */

typedef struct mworker {
    char sid[35];
    char name[16];
    int attrs;         /* index into attrs_texts */
    int act;           /* index into the activities */
    int64_t version;
    uint32_t pending;
} mworker;

typedef struct model {
    lw_workspace *ws;
    uint32_t cap;
    int64_t now;
    uint64_t rng;
    char act_sid[NACT][35];
    mworker w[MAX_WORKERS];
    int n;
    int made;          /* names handed out to walk-time creations */
    struct {
        char sid[35];
        char name[8];
        int expr;      /* index into queue_exprs */
    } q[MAX_QUEUES];
    int nq;
} model;

typedef struct reader {
    const uint8_t *p, *end;
} reader;

static const char *const names[] = {
    "alice", "ALICE", "Bob", "bob", "carol", "Dave", "\xc3\xa9ve",
    "\xc3\x89ve"
};
#define NNAMES 8

/* Valid attribute texts first; then one syntax error, one non-object. */
static const char *const attrs_texts[] = {
    "{}", "{\"skills\":[\"a\"],\"level\":3}", "{\"level\":7}", "{", "[]"
};
#define NATTRS 5
#define NVALID_ATTRS 3

/* Target-workers expressions of the queues. */
static const char *const queue_exprs[] = {
    "skills HAS 'a'", "level > 3", "friendly_name == 'alice'",
    "activity_name == 'Available'", "1 == 1",
    "level >= 7 OR NOT skills HAS 'a'", "activity_name IN ['Ready', 'x']"
};
#define NQEXPRS 7

/* Offline (the default), Available, Unavailable, Busy. */
static const bool act_available[NACT] = {false, true, false, false};

static uint8_t next(reader *r)
{
    return r->p < r->end ? *r->p++ : 0;
}

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_store: %s\n", what);
    abort();
}

static void expect(lw_result got, lw_result want, const char *what)
{
    if (got != want) {
        fprintf(stderr, "fuzz_store: %s: %s, model says %s\n", what,
                lw_result_name(got), lw_result_name(want));
        abort();
    }
}

static int64_t model_clock(void *user)
{
    return ((model *)user)->now;
}

static void model_random(void *user, uint8_t *buf, size_t len)
{
    model *m = user;
    size_t i;

    for (i = 0; i < len; i++) {
        m->rng ^= m->rng << 13;
        m->rng ^= m->rng >> 7;
        m->rng ^= m->rng << 17;
        buf[i] = (uint8_t)m->rng;
    }
}

static bool same_name(const char *a, const char *b)
{
    size_t i;

    for (i = 0; a[i] && b[i]; i++) {
        char x = a[i], y = b[i];

        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return a[i] == b[i];
}

/* Index of a live worker other than self named like name, or -1. */
static int name_taken(const model *m, const char *name, int self)
{
    int i;

    for (i = 0; i < m->n; i++)
        if (i != self && same_name(m->w[i].name, name))
            return i;
    return -1;
}

static int find_sid(const model *m, const char *sid)
{
    int i;

    for (i = 0; i < m->n; i++)
        if (strcmp(m->w[i].sid, sid) == 0)
            return i;
    return -1;
}

static char *export_text(lw_workspace *ws)
{
    char *text = NULL;

    if (lw_workspace_export(ws, &text, NULL, NULL) != LW_OK)
        fail("export");
    return text;
}

/* ---- set-up ------------------------------------------------------------- */

static void find_activity(model *m, const char *name, int i)
{
    lw_query *q = NULL;
    lw_page *p = NULL;

    if (lw_query_create(m->ws, &q) != LW_OK ||
        lw_query_set_friendly_name(q, name, strlen(name)) != LW_OK ||
        lw_activity_list(m->ws, q, &p, NULL) != LW_OK ||
        lw_page_count(p) != 1)
        fail("activity set-up");
    strcpy(m->act_sid[i], lw_activity_sid(lw_page_activity(p, 0)));
    lw_page_free(p);
    lw_query_free(q);
}

static void model_open(model *m, uint32_t cap)
{
    lw_workspace_options *o;

    memset(m, 0, sizeof *m);
    m->cap = cap;
    m->now = 1700000000000;
    m->rng = 0x9e3779b97f4a7c15u;
    if (lw_workspace_options_create(NULL, &o) != LW_OK ||
        lw_workspace_options_set_worker_cap(o, cap) != LW_OK ||
        lw_workspace_options_set_clock(o, model_clock, m) != LW_OK ||
        lw_workspace_options_set_random(o, model_random, m) != LW_OK ||
        lw_workspace_create(o, &m->ws, NULL) != LW_OK)
        fail("workspace set-up");
    lw_workspace_options_free(o);
    if (lw_activity_create(m->ws, "Busy", 4, false, NULL, NULL) != LW_OK)
        fail("activity create");
    find_activity(m, "Offline", 0);
    find_activity(m, "Available", 1);
    find_activity(m, "Unavailable", 2);
    find_activity(m, "Busy", 3);
}

/* ---- invariants ------------------------------------------------------- */

static void check_worker(const model *m, const mworker *w)
{
    lw_worker *s = NULL;
    size_t len;
    const char *attrs;

    if (lw_worker_fetch(m->ws, w->sid, 34, &s, NULL) != LW_OK)
        fail("a worker of the model is missing");
    attrs = lw_worker_attributes(s, &len);
    if (strcmp(lw_worker_friendly_name(s), w->name) != 0 ||
        lw_worker_version(s) != w->version ||
        lw_worker_pending_reservations(s) != w->pending ||
        strcmp(lw_worker_activity_sid(s), m->act_sid[w->act]) != 0 ||
        lw_worker_available(s) != act_available[w->act] ||
        strcmp(attrs, attrs_texts[w->attrs]) != 0 ||
        len != strlen(attrs))
        fail("a worker differs from the model");
    lw_worker_release(s);
}

/* The workers listed for queue qi are those its expression matches. */
static void check_queue(const model *m, int qi)
{
    const char *text = queue_exprs[m->q[qi].expr];
    lw_expr *e = NULL;
    lw_query *q;
    lw_page *p = NULL;
    uint32_t count = 0;
    int i, want = 0;

    if (lw_expr_compile(lw_workspace_symtab(m->ws), text, strlen(text), &e,
                        NULL) != LW_OK ||
        lw_query_create(m->ws, &q) != LW_OK ||
        lw_query_set_task_queue_sid(q, m->q[qi].sid, 34) != LW_OK ||
        lw_query_set_page_size(q, 1000) != LW_OK ||
        lw_worker_list(m->ws, q, &p, NULL) != LW_OK)
        fail("queue listing");
    for (i = 0; i < m->n; i++) {
        lw_worker *w = NULL;
        bool listed = false;
        size_t k;

        if (lw_worker_fetch(m->ws, m->w[i].sid, 34, &w, NULL) != LW_OK)
            fail("fetch");
        for (k = 0; k < lw_page_count(p); k++)
            listed = listed || strcmp(lw_worker_sid(lw_page_worker(p, k)),
                                      m->w[i].sid) == 0;
        if (listed != lw_worker_matches(e, w))
            fail("a queue's workers differ from its expression");
        want += listed;
        lw_worker_release(w);
    }
    if (lw_page_count(p) != (size_t)want)
        fail("a queue lists a worker that is not in the model");
    /* The scan (value columns made here are kept current by the next
     * operations) counts what the list holds. */
    if (lw_worker_count_matching(m->ws, e, &count, NULL) != LW_OK ||
        count != (uint32_t)want)
        fail("counting a queue's expression");
    lw_page_free(p);
    lw_query_free(q);
    lw_expr_free(e);
}

static void check_model(const model *m)
{
    int i;

    for (i = 0; i < m->nq; i++)
        check_queue(m, i);

    if (lw_workspace_worker_count(m->ws) != (uint32_t)m->n ||
        (uint32_t)m->n > m->cap)
        fail("worker count");
    for (i = 0; i < m->n; i++)
        check_worker(m, &m->w[i]);
}

/* ---- operations ------------------------------------------------------- */

static lw_result do_create(model *m, const char *name, int attrs, int act)
{
    lw_worker *w = NULL;
    mworker *nw;
    const char *text = attrs_texts[attrs];
    const char *sid = act < NACT ? m->act_sid[act] : NULL;
    lw_result want = LW_OK, rc;

    if (attrs == 3)
        want = LW_ERR_SYNTAX;
    else if (attrs == 4)
        want = LW_ERR_INVALID;
    else if (name_taken(m, name, -1) >= 0)
        want = LW_ERR_DUPLICATE;
    else if ((uint32_t)m->n >= m->cap)
        want = LW_ERR_LIMIT;
    rc = lw_worker_create(m->ws, name, strlen(name), text, strlen(text),
                          sid, sid ? 34 : 0, &w, NULL);
    expect(rc, want, "create");
    if (rc != LW_OK)
        return rc;
    if (m->n >= MAX_WORKERS || lw_worker_version(w) != 0)
        fail("create went past the cap or did not start at version 0");
    nw = &m->w[m->n++];
    memset(nw, 0, sizeof *nw);
    strcpy(nw->sid, lw_worker_sid(w));
    snprintf(nw->name, sizeof nw->name, "%s", name);
    nw->attrs = attrs;
    nw->act = act < NACT ? act : 0;
    lw_worker_release(w);
    return rc;
}

static void op_create(model *m, reader *r)
{
    uint8_t a = next(r), b = next(r);

    do_create(m, names[a % NNAMES], b % NATTRS, (b / NATTRS) % (NACT + 1));
}

/* The update a few bytes describe. */
typedef struct upd {
    int target;
    const char *name;  /* NULL: no change asked */
    int attrs;         /* -1: none */
    int act;           /* -1: none */
    int vmode;         /* 0 none, 1 the right version, 2 wrong, 3 NONE */
    bool reject;
} upd;

static lw_result predict_update(const model *m, const upd *u)
{
    const mworker *w = &m->w[u->target];

    if (u->attrs == 3)
        return LW_ERR_SYNTAX;
    if (u->attrs == 4)
        return LW_ERR_INVALID;
    if (u->reject && act_available[u->act])
        return LW_ERR_INVALID;
    if (u->vmode >= 2)
        return LW_ERR_PRECONDITION;
    if (u->name != NULL && name_taken(m, u->name, u->target) >= 0)
        return LW_ERR_DUPLICATE;
    if (u->act >= 0 && u->act != w->act && w->pending > 0 && !u->reject)
        return LW_ERR_PENDING;
    return LW_OK;
}

static lw_worker_changes *make_changes(const model *m, const upd *u)
{
    const mworker *w = &m->w[u->target];
    lw_worker_changes *c;
    lw_result rc;

    if (lw_worker_changes_create(m->ws, &c) != LW_OK)
        fail("changes");
    rc = u->name ? lw_worker_changes_set_friendly_name(c, u->name,
                                                       strlen(u->name))
                 : LW_OK;
    if (rc == LW_OK && u->attrs >= 0)
        rc = lw_worker_changes_set_attributes(
            c, attrs_texts[u->attrs], strlen(attrs_texts[u->attrs]));
    if (rc == LW_OK && u->act >= 0)
        rc = lw_worker_changes_set_activity_sid(c, m->act_sid[u->act], 34);
    if (rc == LW_OK && u->reject)
        rc = lw_worker_changes_set_reject_pending(c, true);
    if (rc == LW_OK && u->vmode > 0)
        rc = lw_worker_changes_set_expected_version(
            c, u->vmode == 1 ? w->version
               : u->vmode == 2 ? w->version + 1 : LW_VERSION_NONE);
    if (rc != LW_OK)
        fail("changes setter");
    return c;
}

static void apply_update(model *m, const upd *u, const lw_worker *s)
{
    mworker *w = &m->w[u->target];
    bool changed = false;

    if (u->name != NULL && strcmp(u->name, w->name) != 0) {
        snprintf(w->name, sizeof w->name, "%s", u->name);
        changed = true;
    }
    if (u->attrs >= 0 && u->attrs != w->attrs) {
        w->attrs = u->attrs;
        changed = true;
    }
    if (u->act >= 0 && u->act != w->act) {
        w->act = u->act;
        changed = true;
        if (u->reject)
            w->pending = 0;
    }
    if (changed)
        w->version++;
    if (lw_worker_version(s) != w->version)
        fail("update version");
}

static void op_update(model *m, reader *r)
{
    uint8_t a = next(r), b = next(r), c = next(r);
    lw_worker_changes *ch;
    lw_worker *s = NULL;
    lw_result rc;
    upd u;

    if (m->n == 0)
        return;
    u.target = a % m->n;
    u.name = (b & 1) ? names[(a / 8) % NNAMES] : NULL;
    u.attrs = (b & 2) ? (b / 8) % NATTRS : -1;
    u.act = (b & 4) ? c % NACT : -1;
    u.vmode = (c / 4) % 4;
    /* RejectPendingReservations only with an activity change. */
    u.reject = u.act >= 0 && u.act != m->w[u.target].act && (c & 64);
    ch = make_changes(m, &u);
    rc = lw_worker_update(m->ws, m->w[u.target].sid, 34, ch, &s, NULL);
    lw_worker_changes_free(ch);
    expect(rc, predict_update(m, &u), "update");
    if (rc == LW_OK) {
        apply_update(m, &u, s);
        lw_worker_release(s);
    }
}

static void remove_worker(model *m, int i)
{
    m->w[i] = m->w[--m->n];
}

static void op_delete(model *m, reader *r)
{
    uint8_t a = next(r), b = next(r);
    int i;
    int64_t v;
    lw_result rc;

    if (m->n == 0)
        return;
    i = a % m->n;
    v = b % 3 == 0 ? LW_VERSION_ANY
        : b % 3 == 1 ? m->w[i].version : m->w[i].version + 1 + b;
    rc = lw_worker_delete(m->ws, m->w[i].sid, 34, v, NULL);
    expect(rc, b % 3 == 2 ? LW_ERR_PRECONDITION : LW_OK, "delete");
    if (rc == LW_OK)
        remove_worker(m, i);
}

static void op_pending(model *m, reader *r)
{
    uint8_t a = next(r), b = next(r);
    int i;
    int64_t want;
    lw_result rc;

    if (m->n == 0)
        return;
    i = a % m->n;
    if (a & 128) {
        rc = lw_worker_set_pending_reservations(m->ws, m->w[i].sid, 34, b,
                                                NULL);
        expect(rc, LW_OK, "set pending");
        m->w[i].pending = b;
        return;
    }
    want = (int64_t)m->w[i].pending + (int8_t)b;
    rc = lw_worker_add_pending_reservations(m->ws, m->w[i].sid, 34,
                                            (int8_t)b, NULL);
    expect(rc, want < 0 ? LW_ERR_INVALID : LW_OK, "add pending");
    if (rc == LW_OK)
        m->w[i].pending = (uint32_t)want;
}

/* ---- page walks --------------------------------------------------------- */

typedef struct walk {
    int filter;             /* 0 none, 1 name, 2 available, 3 not */
    const char *name;
    lw_ordering order;
    char stable[MAX_WORKERS][35];   /* present and matching throughout */
    int nstable;
    char seen[64][35];
    int nseen;
} walk;

static bool matches(const walk *k, const mworker *w)
{
    switch (k->filter) {
    case 1:
        return same_name(w->name, k->name);
    case 2:
        return act_available[w->act];
    case 3:
        return !act_available[w->act];
    default:
        return true;
    }
}

static lw_query *walk_query(const model *m, const walk *k, uint32_t size)
{
    lw_query *q;
    lw_result rc;

    if (lw_query_create(m->ws, &q) != LW_OK)
        fail("query");
    rc = lw_query_set_page_size(q, size);
    if (rc == LW_OK && k->filter == 1)
        rc = lw_query_set_friendly_name(q, k->name, strlen(k->name));
    if (rc == LW_OK && k->filter >= 2)
        rc = lw_query_set_available(q, k->filter == 2 ? "true" : "false",
                                    k->filter == 2 ? 4 : 5);
    if (rc == LW_OK)
        rc = lw_query_set_ordering(q, k->order);
    if (rc != LW_OK)
        fail("query setters");
    return q;
}

/* A change between pages: nothing, a creation, or a deletion. */
static void between_pages(model *m, walk *k, uint8_t b)
{
    char name[16];
    int i, j;

    if (b % 3 == 1) {
        snprintf(name, sizeof name, "w%d", m->made++);
        do_create(m, name, 0, (b / 3) % (NACT + 1));
    } else if (b % 3 == 2 && m->n > 0) {
        i = (b / 3) % m->n;
        if (lw_worker_delete(m->ws, m->w[i].sid, 34, LW_VERSION_ANY,
                             NULL) != LW_OK)
            fail("delete between pages");
        for (j = 0; j < k->nstable; j++)
            if (strcmp(k->stable[j], m->w[i].sid) == 0)
                k->stable[j][0] = '\0';
        remove_worker(m, i);
    }
}

static void record_page(const model *m, walk *k, const lw_page *p)
{
    size_t i;
    int j;

    for (i = 0; i < lw_page_count(p); i++) {
        const char *sid = lw_worker_sid(lw_page_worker(p, i));
        int w = find_sid(m, sid);

        if (w < 0 || !matches(k, &m->w[w]))
            fail("a page lists a worker that is gone or does not match");
        for (j = 0; j < k->nseen; j++)
            if (strcmp(k->seen[j], sid) == 0)
                fail("a walk repeats a worker");
        if (k->order == LW_ORDER_SID && k->nseen > 0 &&
            strcmp(k->seen[k->nseen - 1], sid) >= 0)
            fail("a walk is not in SID order");
        if (k->nseen < 64)
            strcpy(k->seen[k->nseen++], sid);
    }
}

static void check_walk(const walk *k)
{
    int i, j;

    for (i = 0; i < k->nstable; i++) {
        bool found = false;

        if (k->stable[i][0] == '\0')
            continue;
        for (j = 0; j < k->nseen; j++)
            found = found || strcmp(k->stable[i], k->seen[j]) == 0;
        if (!found)
            fail("a walk skipped a worker present throughout");
    }
}

static void op_walk(model *m, reader *r)
{
    uint8_t a = next(r), b = next(r);
    walk k;
    lw_query *q;
    char token[128] = "";
    int i, pages;

    memset(&k, 0, sizeof k);
    k.filter = a % 4;
    k.name = names[(a / 4) % NNAMES];
    k.order = (lw_ordering)(b % 3);
    for (i = 0; i < m->n; i++)
        if (matches(&k, &m->w[i]))
            strcpy(k.stable[k.nstable++], m->w[i].sid);
    for (pages = 0; pages < 40; pages++) {
        lw_page *p = NULL;
        const char *t;

        q = walk_query(m, &k, 1 + (b / 3) % 4);
        if (token[0] != '\0' &&
            lw_query_set_page_token(q, token, strlen(token)) != LW_OK)
            fail("token setter");
        expect(lw_worker_list(m->ws, q, &p, NULL), LW_OK, "list");
        lw_query_free(q);
        record_page(m, &k, p);
        t = lw_page_next_token(p);
        if (t != NULL)
            snprintf(token, sizeof token, "%s", t);
        lw_page_free(p);
        if (t == NULL)
            break;
        between_pages(m, &k, next(r));
        m->now += 1000;
    }
    if (pages < 40)
        check_walk(&k);
}

/* ---- task queues ------------------------------------------------------- */

static int queue_named(const model *m, const char *name)
{
    int i;

    for (i = 0; i < m->nq; i++)
        if (same_name(m->q[i].name, name))
            return i;
    return -1;
}

static void op_queue(model *m, reader *r)
{
    uint8_t a = next(r), b = next(r);
    const char *text = queue_exprs[b % NQEXPRS];
    char name[8];
    lw_task_queue *tq = NULL;
    lw_result rc;
    int i;

    snprintf(name, sizeof name, "%c%d", (a & 4) ? 'Q' : 'q', a % 4);
    if (a % 3 == 0 || m->nq == 0) {
        bool dup = queue_named(m, name) >= 0;

        if (m->nq >= MAX_QUEUES && !dup)
            return;
        rc = lw_task_queue_create(m->ws, name, strlen(name), text,
                                  strlen(text), &tq, NULL);
        expect(rc, dup ? LW_ERR_DUPLICATE : LW_OK, "queue create");
        if (rc == LW_OK) {
            strcpy(m->q[m->nq].sid, lw_task_queue_sid(tq));
            strcpy(m->q[m->nq].name, name);
            m->q[m->nq++].expr = b % NQEXPRS;
            lw_task_queue_release(tq);
        }
        return;
    }
    i = (a / 4) % m->nq;
    if (a % 3 == 1) {
        expect(lw_task_queue_update(m->ws, m->q[i].sid, 34, NULL, 0, text,
                                    strlen(text), NULL, NULL), LW_OK,
               "queue update");
        m->q[i].expr = b % NQEXPRS;
        return;
    }
    expect(lw_task_queue_delete(m->ws, m->q[i].sid, 34, NULL), LW_OK,
           "queue delete");
    m->q[i] = m->q[--m->nq];
}

/* Rename the Busy activity (the queue on activity_name must follow), or
 * try to delete an activity: refused while a worker is in it or while it
 * is the default. */
static void op_activity(model *m, reader *r)
{
    static const char *const names_busy[] = {"Busy", "busy-2", "Ready"};
    uint8_t a = next(r);
    int i, act = a % NACT;
    lw_result rc, want = LW_OK;

    if (a & 4) {
        const char *name = names_busy[(a / 8) % 3];

        rc = lw_activity_update(m->ws, m->act_sid[3], 34, name,
                                strlen(name), NULL, NULL);
        expect(rc, LW_OK, "activity rename");
        return;
    }
    for (i = 0; i < m->n; i++)
        if (m->w[i].act == act)
            want = LW_ERR_IN_USE;
    if (act == 0)
        want = LW_ERR_IN_USE;
    if (want == LW_OK)
        return;     /* the model keeps its four activities */
    expect(lw_activity_delete(m->ws, m->act_sid[act], 34, NULL), want,
           "activity delete");
}

/* ---- export and import -------------------------------------------------- */

static void op_reload(model *m)
{
    char *text = export_text(m->ws), *again;
    lw_workspace_options *o;
    lw_workspace *copy = NULL;

    if (lw_workspace_options_create(NULL, &o) != LW_OK ||
        lw_workspace_options_set_clock(o, model_clock, m) != LW_OK ||
        lw_workspace_options_set_random(o, model_random, m) != LW_OK)
        fail("options");
    expect(lw_workspace_import(o, text, strlen(text), &copy, NULL), LW_OK,
           "import");
    lw_workspace_options_free(o);
    again = export_text(copy);
    if (strcmp(text, again) != 0)
        fail("export of the import differs");
    lw_free(NULL, text);
    lw_free(NULL, again);
    lw_workspace_free(m->ws);
    m->ws = copy;
}

/* ---- the loop ---------------------------------------------------- */

static void step(model *m, reader *r)
{
    uint8_t op = next(r);
    char *before = export_text(m->ws), *after;
    model saved = *m;

    switch (op % 8) {
    case 0:
    case 1:
        op_create(m, r);
        break;
    case 2:
    case 3:
        op_update(m, r);
        break;
    case 4:
        op_delete(m, r);
        break;
    case 5:
        op_pending(m, r);
        break;
    case 6:
        op_walk(m, r);
        break;
    default:
        if (((op >> 3) & 3) == 0)
            m->now += 1000 * (int64_t)(op >> 5);
        else if (((op >> 3) & 3) == 1)
            op_reload(m);
        else if (((op >> 3) & 3) == 2)
            op_queue(m, r);
        else
            op_activity(m, r);
        break;
    }
    /* A step that left the model alone must have left the store alone. */
    after = export_text(m->ws);
    if (op % 8 != 6 && op % 8 != 7 && memcmp(&saved.w, &m->w, sizeof m->w)
        == 0 && saved.n == m->n && strcmp(before, after) != 0)
        fail("a failed step changed the workspace");
    lw_free(NULL, before);
    lw_free(NULL, after);
    check_model(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, data + size};
    model m;
    int steps;

    model_open(&m, 1 + next(&r) % MAX_WORKERS);
    for (steps = 0; steps < MAX_STEPS && r.p < r.end; steps++)
        step(&m, &r);
    lw_workspace_free(m.ws);
    return 0;
}
