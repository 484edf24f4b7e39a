/*
 * test_store_threads.c - several threads hammer one worker and many
 * workers while others read: no update is lost (each worker's final
 * version equals its successful updates) and every refusal is the
 * in-progress conflict; scans make value columns while a writer runs.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "store_fixture.h"

#define THREADS 4
#define UPDATES 1500
#define MANY 40

typedef struct shared {
    lw_workspace *ws;
    char sids[MANY][40];
    int nworkers;                 /* 1 or MANY */
    atomic_long ok[MANY];
    atomic_long refused;
    atomic_long other_errors;
    atomic_long events;
    atomic_bool stop;
} shared;

typedef struct worker_arg {
    shared *s;
    int id;
} worker_arg;

static void count_event(void *user, const lw_event *ev)
{
    shared *s = user;

    if (strcmp(lw_event_type(ev), "worker.attributes.update") == 0)
        atomic_fetch_add(&s->events, 1);
}

static void *updater(void *p)
{
    worker_arg *a = p;
    shared *s = a->s;
    lw_worker_changes *c;
    uint64_t rng = (uint64_t)a->id * 7919 + 1;
    char attrs[64];
    int j;

    /* No cmocka assertions off the main thread: count problems. */
    if (lw_worker_changes_create(s->ws, &c) != LW_OK) {
        atomic_fetch_add(&s->other_errors, 1);
        return NULL;
    }
    for (j = 0; j < UPDATES; j++) {
        int k;
        lw_result rc;

        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        k = (int)(rng % (uint64_t)s->nworkers);
        snprintf(attrs, sizeof attrs, "{\"t\":%d,\"j\":%d}", a->id, j);
        lw_worker_changes_set_attributes(c, S(attrs));
        rc = lw_worker_update(s->ws, S(s->sids[k]), c, NULL, NULL);
        if (rc == LW_OK)
            atomic_fetch_add(&s->ok[k], 1);
        else if (rc == LW_ERR_IN_PROGRESS)
            atomic_fetch_add(&s->refused, 1);
        else
            atomic_fetch_add(&s->other_errors, 1);
    }
    lw_worker_changes_free(c);
    return NULL;
}

static void *reader(void *p)
{
    shared *s = p;
    lw_query *q;

    if (lw_query_create(s->ws, &q) != LW_OK) {
        atomic_fetch_add(&s->other_errors, 1);
        return NULL;
    }
    lw_query_set_target_workers(q, S("t >= 0"));
    lw_query_set_ordering(q, LW_ORDER_STATUS_DESC);
    while (!atomic_load(&s->stop)) {
        lw_page *pg = NULL;
        lw_worker *w = NULL;

        if (lw_worker_list(s->ws, q, &pg, NULL) != LW_OK)
            atomic_fetch_add(&s->other_errors, 1);
        lw_page_free(pg);
        if (lw_worker_fetch(s->ws, S(s->sids[0]), &w, NULL) != LW_OK)
            atomic_fetch_add(&s->other_errors, 1);
        lw_worker_release(w);
    }
    lw_query_free(q);
    return NULL;
}

static void hammer(int nworkers)
{
    static shared s;
    pthread_t th[THREADS], rd;
    worker_arg args[THREADS];
    long total = 0;
    int i;

    memset(&s, 0, sizeof s);
    s.nworkers = nworkers;
    assert_int_equal(lw_workspace_create(NULL, &s.ws, NULL), LW_OK);
    for (i = 0; i < nworkers; i++) {
        char name[16];
        lw_worker *w;

        snprintf(name, sizeof name, "w%d", i);
        assert_int_equal(lw_worker_create(s.ws, S(name), NULL, 0, NULL, 0,
                                          &w, NULL), LW_OK);
        strcpy(s.sids[i], lw_worker_sid(w));
        lw_worker_release(w);
    }
    lw_workspace_set_event_handler(s.ws, count_event, &s);
    assert_int_equal(pthread_create(&rd, NULL, reader, &s), 0);
    for (i = 0; i < THREADS; i++) {
        args[i].s = &s;
        args[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, updater, &args[i]),
                         0);
    }
    for (i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    atomic_store(&s.stop, true);
    pthread_join(rd, NULL);

    /* Every attempt either applied or was refused as in progress. */
    assert_int_equal(atomic_load(&s.other_errors), 0);
    for (i = 0; i < nworkers; i++) {
        lw_worker *w;

        assert_int_equal(lw_worker_fetch(s.ws, S(s.sids[i]), &w, NULL),
                         LW_OK);
        assert_int_equal(lw_worker_version(w), atomic_load(&s.ok[i]));
        total += atomic_load(&s.ok[i]);
        lw_worker_release(w);
    }
    assert_int_equal(total + atomic_load(&s.refused), THREADS * UPDATES);
    assert_int_equal(atomic_load(&s.events), total);
    assert_true(total > 0);
    print_message("%d workers: %ld updates applied, %ld refused\n",
                  nworkers, total, (long)atomic_load(&s.refused));
    lw_workspace_free(s.ws);
}

static void test_hammer_one_worker(void **state)
{
    (void)state;
    hammer(1);
}

static void test_hammer_many_workers(void **state)
{
    (void)state;
    hammer(MANY);
}

/* Creations and deletions from several threads keep names unique. */
static void *creator(void *p)
{
    worker_arg *a = p;
    char name[16];
    int j;

    for (j = 0; j < 200; j++) {
        lw_worker *w = NULL;
        lw_result rc;

        snprintf(name, sizeof name, "n%d", j % 50);
        rc = lw_worker_create(a->s->ws, S(name), NULL, 0, NULL, 0, &w,
                              NULL);
        if (rc == LW_OK) {
            atomic_fetch_add(&a->s->ok[0], 1);
            if (j % 3 == 0)
                lw_worker_delete(a->s->ws, S(lw_worker_sid(w)),
                                 LW_VERSION_ANY, NULL);
        } else if (rc != LW_ERR_DUPLICATE) {
            atomic_fetch_add(&a->s->other_errors, 1);
        }
        lw_worker_release(w);
    }
    return NULL;
}

static void test_concurrent_creates(void **state)
{
    static shared s;
    pthread_t th[THREADS];
    worker_arg args[THREADS];
    lw_page *p;
    lw_query *q;
    int i;

    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(lw_workspace_create(NULL, &s.ws, NULL), LW_OK);
    for (i = 0; i < THREADS; i++) {
        args[i].s = &s;
        args[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, creator, &args[i]),
                         0);
    }
    for (i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&s.other_errors), 0);

    /* At most one worker per name; the list agrees with the count. */
    assert_int_equal(lw_query_create(s.ws, &q), LW_OK);
    lw_query_set_page_size(q, 1000);
    assert_int_equal(lw_worker_list(s.ws, q, &p, NULL), LW_OK);
    assert_true(lw_page_count(p) <= 50);
    assert_int_equal(lw_page_count(p), lw_workspace_worker_count(s.ws));
    lw_page_free(p);
    lw_query_free(q);
    lw_workspace_free(s.ws);
}

/*
 * Scans on several threads make value columns while a writer updates,
 * creates and deletes workers: every scan sees each base worker with a
 * value of 1 or 2 under every key, and the extra workers with none.
 */
#define BASE 200
#define KEYS 10

typedef struct scan_shared {
    lw_workspace *ws;
    char sids[BASE][40];
    atomic_bool stop;
    atomic_long scans;
    atomic_long wrong;
} scan_shared;

typedef struct scan_arg {
    scan_shared *s;
    int id;
} scan_arg;

static void scan_doc(char *buf, size_t size, int v)
{
    size_t n = (size_t)snprintf(buf, size, "{\"g\":%d", v);
    int k;

    for (k = 0; k < KEYS; k++)
        n += (size_t)snprintf(buf + n, size - n, ",\"k%d\":%d", k, v);
    snprintf(buf + n, size - n, "}");
}

static void *scanner(void *p)
{
    scan_arg *a = p;
    scan_shared *s = a->s;
    lw_symtab *t = lw_workspace_symtab(s->ws);
    int round = 0;

    while (!atomic_load(&s->stop) || round < 20) {
        char text[64];
        lw_expr *e;
        uint32_t n = 0;
        int k = (round++ * 3 + a->id) % (KEYS + 1);

        if (k == KEYS)
            snprintf(text, sizeof text, "g == 3");
        else
            snprintf(text, sizeof text, "k%d == 1 OR k%d == 2", k, k);
        if (lw_expr_compile(t, S(text), &e, NULL) != LW_OK ||
            lw_worker_count_matching(s->ws, e, &n, NULL) != LW_OK ||
            n != (k == KEYS ? 0u : BASE))
            atomic_fetch_add(&s->wrong, 1);
        atomic_fetch_add(&s->scans, 1);
        lw_expr_free(e);
    }
    return NULL;
}

static void *scan_writer(void *p)
{
    scan_shared *s = p;
    char doc[256];
    int j;

    for (j = 0; j < 600; j++) {
        lw_worker_changes *c;
        lw_worker *w = NULL;
        char name[16];

        scan_doc(doc, sizeof doc, 1 + j % 2);
        if (lw_worker_changes_create(s->ws, &c) != LW_OK ||
            lw_worker_changes_set_attributes(c, S(doc)) != LW_OK ||
            lw_worker_update(s->ws, S(s->sids[j % BASE]), c, NULL,
                             NULL) != LW_OK)
            atomic_fetch_add(&s->wrong, 1);
        lw_worker_changes_free(c);
        snprintf(name, sizeof name, "x%d", j);
        if (lw_worker_create(s->ws, S(name), NULL, 0, NULL, 0, &w,
                             NULL) != LW_OK ||
            (j % 2 == 0 && lw_worker_delete(s->ws, S(lw_worker_sid(w)),
                                            LW_VERSION_ANY, NULL) != LW_OK))
            atomic_fetch_add(&s->wrong, 1);
        lw_worker_release(w);
        if (j % 200 == 199)
            lw_workspace_trim(s->ws);
    }
    atomic_store(&s->stop, true);
    return NULL;
}

static void test_concurrent_scans(void **state)
{
    static scan_shared s;
    pthread_t th[THREADS], wr;
    scan_arg args[THREADS];
    char doc[256], name[16];
    int i;

    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(lw_workspace_create(NULL, &s.ws, NULL), LW_OK);
    for (i = 0; i < BASE; i++) {
        lw_worker *w;

        scan_doc(doc, sizeof doc, 1 + i % 2);
        snprintf(name, sizeof name, "b%d", i);
        assert_int_equal(lw_worker_create(s.ws, S(name), S(doc), NULL, 0,
                                          &w, NULL), LW_OK);
        strcpy(s.sids[i], lw_worker_sid(w));
        lw_worker_release(w);
    }
    for (i = 0; i < THREADS - 1; i++) {
        args[i].s = &s;
        args[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, scanner, &args[i]),
                         0);
    }
    assert_int_equal(pthread_create(&wr, NULL, scan_writer, &s), 0);
    pthread_join(wr, NULL);
    for (i = 0; i < THREADS - 1; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&s.wrong), 0);
    assert_true(atomic_load(&s.scans) >= 60);
    lw_workspace_free(s.ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hammer_one_worker),
        cmocka_unit_test(test_hammer_many_workers),
        cmocka_unit_test(test_concurrent_creates),
        cmocka_unit_test(test_concurrent_scans),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
