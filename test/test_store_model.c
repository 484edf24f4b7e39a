/*
 * test_store_model.c - random sequences of worker and activity changes
 * checked against a small model: result codes, versions, names, activity
 * names, token walks of every page size, and task queue eligibility kept
 * incrementally against a fresh evaluation of each queue's expression.
 */
#include <ctype.h>

#include "store_fixture.h"

#define POOL 40
#define MAXW 64
#define NACTS 4
#define NQUEUES 3
#define STEPS 3000

static const char *const attr_pool[] = {
    "{\"n\":0}", "{\"n\":1}", "{\"n\":2,\"skills\":[\"x\"]}",
    "{\"n\": 3}", "{\"skills\":[\"x\",\"y\"]}",
};

static const char *const queue_exprs[NQUEUES] = {
    "n >= 2", "activity_name == 'Available' OR skills HAS 'y'",
    "friendly_name IN ['a1','A3','a5']",
};

typedef struct mworker {
    char sid[40];
    char name[8];
    int act;
    int attr;
    int64_t version;
    uint32_t pending;
} mworker;

typedef struct model {
    fixture f;
    uint64_t rng;
    mworker w[MAXW];
    int n;
    char act_sid[NACTS][40];
    char act_name[NACTS][16];
    bool act_avail[NACTS];
    char queue_sid[NQUEUES][40];
} model;

static uint32_t rnd(model *m, uint32_t n)
{
    m->rng ^= m->rng << 13;
    m->rng ^= m->rng >> 7;
    m->rng ^= m->rng << 17;
    return (uint32_t)(m->rng % n);
}

static void random_name(model *m, char *out)
{
    int k = (int)rnd(m, POOL);

    snprintf(out, 8, "%c%d", rnd(m, 4) == 0 ? 'A' : 'a', k % 100);
}

/* The model worker with this name ignoring case, or -1. */
static int find_name(const model *m, const char *name)
{
    int i;

    for (i = 0; i < m->n; i++) {
        if (strlen(m->w[i].name) == strlen(name) &&
            tolower((unsigned char)m->w[i].name[0]) ==
                tolower((unsigned char)name[0]) &&
            strcmp(m->w[i].name + 1, name + 1) == 0)
            return i;
    }
    return -1;
}

static void model_open(model *m)
{
    static const char *const names[NACTS] = {"Offline", "Available",
                                             "Unavailable", "Break"};
    lw_task_queue *q;
    int i;

    memset(m, 0, sizeof *m);
    fixture_open(&m->f);
    m->rng = 88172645463325252u;
    assert_int_equal(lw_activity_create(m->f.ws, S("Break"), false, NULL,
                                        NULL), LW_OK);
    for (i = 0; i < NACTS; i++) {
        activity_sid(&m->f, names[i], m->act_sid[i]);
        strcpy(m->act_name[i], names[i]);
        m->act_avail[i] = i == 1;
    }
    for (i = 0; i < NQUEUES; i++) {
        char name[16];

        snprintf(name, sizeof name, "q%d", i);
        assert_int_equal(lw_task_queue_create(m->f.ws, S(name),
                                              S(queue_exprs[i]), &q, NULL),
                         LW_OK);
        strcpy(m->queue_sid[i], lw_task_queue_sid(q));
        lw_task_queue_release(q);
    }
}

static void step_create(model *m)
{
    char name[8];
    int attr = (int)rnd(m, 5), act = (int)rnd(m, NACTS);
    lw_worker *w = NULL;
    lw_result expect = LW_OK, rc;

    random_name(m, name);
    if (find_name(m, name) >= 0)
        expect = LW_ERR_DUPLICATE;
    else if (m->n >= MAXW)
        return;
    rc = lw_worker_create(m->f.ws, S(name), S(attr_pool[attr]),
                          S(m->act_sid[act]), &w, NULL);
    assert_int_equal(rc, expect);
    if (rc != LW_OK)
        return;
    strcpy(m->w[m->n].sid, lw_worker_sid(w));
    strcpy(m->w[m->n].name, name);
    m->w[m->n].act = act;
    m->w[m->n].attr = attr;
    m->w[m->n].version = 0;
    m->w[m->n].pending = 0;
    m->n++;
    lw_worker_release(w);
}

/* What the store must answer for an update of worker i. */
static long outcomes[LW_RESULT_COUNT];

static lw_result update_expect(const model *m, int i, const char *name,
                               int attr, int act, bool reject,
                               int64_t expected, bool *changed)
{
    const mworker *w = &m->w[i];
    int other = name ? find_name(m, name) : -1;

    if (act >= 0 && reject && m->act_avail[act])
        return LW_ERR_INVALID;
    if (expected != LW_VERSION_ANY && expected != w->version)
        return LW_ERR_PRECONDITION;
    *changed = (name && strcmp(name, w->name) != 0) ||
               (attr >= 0 && attr != w->attr) || (act >= 0 && act != w->act);
    if (name && strcmp(name, w->name) != 0 && other >= 0 && other != i)
        return LW_ERR_DUPLICATE;
    if (act >= 0 && act != w->act && w->pending > 0 && !reject)
        return LW_ERR_PENDING;
    return LW_OK;
}

static void step_update(model *m)
{
    int i = (int)rnd(m, (uint32_t)m->n);
    mworker *w = &m->w[i];
    char name[8];
    bool has_name = rnd(m, 3) == 0, reject = rnd(m, 4) == 0;
    bool changed = false;
    int attr = rnd(m, 2) ? (int)rnd(m, 5) : -1;
    int act = rnd(m, 2) ? (int)rnd(m, NACTS) : -1;
    int64_t expected = rnd(m, 3) == 0 ? w->version - (int64_t)rnd(m, 2)
                                      : LW_VERSION_ANY;
    lw_worker_changes *c;
    lw_result expect;

    random_name(m, name);
    expect = update_expect(m, i, has_name ? name : NULL, attr, act, reject,
                           expected, &changed);
    lw_worker_changes_create(m->f.ws, &c);
    if (has_name)
        lw_worker_changes_set_friendly_name(c, S(name));
    if (attr >= 0)
        lw_worker_changes_set_attributes(c, S(attr_pool[attr]));
    if (act >= 0)
        lw_worker_changes_set_activity_sid(c, S(m->act_sid[act]));
    lw_worker_changes_set_reject_pending(c, reject);
    lw_worker_changes_set_expected_version(c, expected);
    assert_int_equal(lw_worker_update(m->f.ws, S(w->sid), c, NULL, NULL),
                     expect);
    outcomes[expect]++;
    lw_worker_changes_free(c);
    if (expect != LW_OK || !changed)
        return;
    if (has_name)
        strcpy(w->name, name);
    if (attr >= 0)
        w->attr = attr;
    if (act >= 0 && act != w->act) {
        w->act = act;
        if (reject)
            w->pending = 0;
    }
    w->version++;
}

static void step_delete(model *m)
{
    int i = (int)rnd(m, (uint32_t)m->n);

    assert_int_equal(lw_worker_delete(m->f.ws, S(m->w[i].sid),
                                      LW_VERSION_ANY, NULL), LW_OK);
    m->w[i] = m->w[--m->n];
}

static void step_other(model *m)
{
    int i;

    if (rnd(m, 2) == 0 && m->n > 0) {
        i = (int)rnd(m, (uint32_t)m->n);
        m->w[i].pending = rnd(m, 3);
        assert_int_equal(lw_worker_set_pending_reservations(
                             m->f.ws, S(m->w[i].sid), m->w[i].pending,
                             NULL), LW_OK);
        return;
    }
    strcpy(m->act_name[3], strcmp(m->act_name[3], "Break") == 0
                               ? "Pause" : "Break");
    assert_int_equal(lw_activity_update(m->f.ws, S(m->act_sid[3]),
                                        S(m->act_name[3]), NULL, NULL),
                     LW_OK);
}

static const mworker *model_find(const model *m, const char *sid)
{
    int i;

    for (i = 0; i < m->n; i++)
        if (strcmp(m->w[i].sid, sid) == 0)
            return &m->w[i];
    return NULL;
}

/* Walk all workers with a page size; compare each with the model. */
static void check_walk(model *m, uint32_t size, lw_ordering order)
{
    char tok[80] = "", last[40] = "";
    int seen = 0;
    lw_query *q;

    assert_int_equal(lw_query_create(m->f.ws, &q), LW_OK);
    lw_query_set_page_size(q, size);
    lw_query_set_ordering(q, order);
    for (;;) {
        lw_page *p;
        size_t i;

        lw_query_set_page_token(q, tok[0] ? tok : NULL, strlen(tok));
        assert_int_equal(lw_worker_list(m->f.ws, q, &p, NULL), LW_OK);
        for (i = 0; i < lw_page_count(p); i++) {
            const lw_worker *w = lw_page_worker(p, i);
            const mworker *mw = model_find(m, lw_worker_sid(w));

            if (mw == NULL) {
                fail_msg("listed worker %s is not in the model",
                         lw_worker_sid(w));
                return;
            }
            assert_string_equal(lw_worker_friendly_name(w), mw->name);
            assert_int_equal(lw_worker_version(w), mw->version);
            assert_int_equal(lw_worker_pending_reservations(w), mw->pending);
            assert_string_equal(lw_worker_activity_name(w),
                                m->act_name[mw->act]);
            assert_string_equal(lw_worker_attributes(w, NULL),
                                attr_pool[mw->attr]);
            if (order == LW_ORDER_SID)
                assert_true(strcmp(last, lw_worker_sid(w)) < 0);
            strcpy(last, lw_worker_sid(w));
            seen++;
        }
        tok[0] = '\0';
        if (lw_page_has_next(p))
            strcpy(tok, lw_page_next_token(p));
        lw_page_free(p);
        if (!tok[0])
            break;
    }
    assert_int_equal(seen, m->n);
    lw_query_free(q);
}

/* Each queue's list equals a fresh evaluation of its expression. */
static void check_queues(model *m)
{
    int k;

    for (k = 0; k < NQUEUES; k++) {
        lw_expr *e;
        lw_query *q;
        lw_page *all, *in;
        size_t i, want = 0;

        assert_int_equal(lw_expr_compile(lw_workspace_symtab(m->f.ws),
                                         S(queue_exprs[k]), &e, NULL),
                         LW_OK);
        assert_int_equal(lw_query_create(m->f.ws, &q), LW_OK);
        lw_query_set_page_size(q, 1000);
        assert_int_equal(lw_worker_list(m->f.ws, q, &all, NULL), LW_OK);
        lw_query_set_task_queue_sid(q, S(m->queue_sid[k]));
        assert_int_equal(lw_worker_list(m->f.ws, q, &in, NULL), LW_OK);
        for (i = 0; i < lw_page_count(all); i++) {
            const lw_worker *w = lw_page_worker(all, i);

            if (!lw_worker_matches(e, w))
                continue;
            assert_true(want < lw_page_count(in));
            assert_string_equal(lw_worker_sid(lw_page_worker(in, want)),
                                lw_worker_sid(w));
            want++;
        }
        assert_int_equal(want, lw_page_count(in));
        lw_page_free(all);
        lw_page_free(in);
        lw_query_free(q);
        lw_expr_free(e);
    }
}

static void test_random_model(void **state)
{
    model *m = malloc(sizeof *m);
    int s;

    (void)state;
    model_open(m);
    for (s = 0; s < STEPS; s++) {
        uint32_t r = rnd(m, 10);

        m->f.clock.now += rnd(m, 1500);
        if (r < 3 || m->n == 0)
            step_create(m);
        else if (r < 7)
            step_update(m);
        else if (r < 8)
            step_delete(m);
        else
            step_other(m);
        if (s % 50 == 0) {
            check_walk(m, 1 + rnd(m, 7), (lw_ordering)rnd(m, 3));
            check_queues(m);
        }
    }
    check_walk(m, 1000, LW_ORDER_SID);
    check_queues(m);

    /* The sequence reached every kind of answer of an update. */
    assert_true(outcomes[LW_OK] > 100);
    assert_true(outcomes[LW_ERR_INVALID] > 10);
    assert_true(outcomes[LW_ERR_PRECONDITION] > 10);
    assert_true(outcomes[LW_ERR_DUPLICATE] > 10);
    assert_true(outcomes[LW_ERR_PENDING] > 10);
    print_message("updates: %ld ok, %ld invalid, %ld stale, %ld duplicate, "
                  "%ld pending; %d workers at the end\n", outcomes[LW_OK],
                  outcomes[LW_ERR_INVALID], outcomes[LW_ERR_PRECONDITION],
                  outcomes[LW_ERR_DUPLICATE], outcomes[LW_ERR_PENDING],
                  m->n);
    fixture_close(&m->f);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_model),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
