/*
 * test_expr_oracle.c - expressions checked against a second, plain
 * implementation of the operator table of spec/expressions.md section 4,
 * written over cJSON: thousands of comparisons (references, constants and
 * arrays on either side, every operator) and their AND / OR / NOT
 * combinations are evaluated against generated documents, and eval,
 * filter, explain and the negation must all agree with the oracle.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "libworkers.h"

#define NDOCS 70
#define EXPLAINED 6

/* An operand: its expression text and, for constants, its JSON value;
 * for references, the path walked in the document. */
typedef struct operand {
    const char *text;
    const char *json;   /* constant as JSON; NULL for a reference */
} operand;

static const operand lefts[] = {
    {"a", NULL}, {"b", NULL}, {"s", NULL}, {"n", NULL}, {"arr", NULL},
    {"arr[0]", NULL}, {"arr[1]", NULL}, {"o.a", NULL}, {"o.arr[0]", NULL},
    {"missing", NULL}, {"arr[99999999999999999999999]", NULL},
    {"o", NULL}, {"s.x", NULL}, {"5", "5"}, {"'5'", "\"5\""},
    {"'abc'", "\"abc\""}, {"null", "null"}, {"true", "true"},
    {"[1, 'abc', null]", "[1,\"abc\",null]"},
};

static const operand rights[] = {
    {"5", "5"}, {"5.0", "5.0"}, {"0", "0"}, {"09", "9"}, {"2.5", "2.5"},
    {"'abc'", "\"abc\""}, {"'5'", "\"5\""}, {"'09'", "\"09\""},
    {"''", "\"\""}, {"'a'", "\"a\""}, {"\"b c\"", "\"b c\""},
    {"true", "true"}, {"false", "false"}, {"null", "null"},
    {"[1, 'abc', null]", "[1,\"abc\",null]"}, {"[]", "[]"},
    {"['5', 5, 2.5]", "[\"5\",5,2.5]"}, {"a", NULL}, {"s", NULL},
    {"['q', 'r', 't', 'u', 'v', 'w', 'y', 'z', 'abc', '5']",
     "[\"q\",\"r\",\"t\",\"u\",\"v\",\"w\",\"y\",\"z\",\"abc\",\"5\"]"},
    {"'xabcx'", "\"xabcx\""}, {"'zz'", "\"zz\""},
    {"'sixty-four bytes, with abc near its end zz'",
     "\"sixty-four bytes, with abc near its end zz\""},
    {"'sixty-four bytes, with abd near'",
     "\"sixty-four bytes, with abd near\""},
    {"'long string of'", "\"long string of\""},
    {"arr", NULL}, {"o.a", NULL},
};

static const char *const ops[] = {
    "==", "=", "!=", ">", ">=", "<", "<=", "HAS", ">-", "IN", "<-",
    "NOT IN", "CONTAINS"
};

#define NLEFT (sizeof lefts / sizeof lefts[0])
#define NRIGHT (sizeof rights / sizeof rights[0])
#define NOPS (sizeof ops / sizeof ops[0])

/* ---- generated documents ------------------------------------------------ */

static const char *const scalars[] = {
    "0", "1", "5", "-3", "2.5", "5.0", "9", "\"5\"", "\"09\"", "\"5.0\"",
    "\"abc\"", "\"Abc\"", "\"\"", "\"-3\"", "\"1e3\"", "\"a b c\"",
    "\"xabcx\"", "true", "false", "null", "\"b c\"", "\"a\"",
    "\"a long string of more than sixty-four bytes, with abc near its end "
    "zz\"", "[\"abc\",\"5\",\"q\"]"
};
#define NSCALARS (sizeof scalars / sizeof scalars[0])

static uint32_t rng = 12345;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng % n;
}

static void add_value(char *buf, size_t size, int depth)
{
    size_t at = strlen(buf);
    uint32_t k = rnd(10), i, n;

    if (k < 7 || depth > 1) {
        snprintf(buf + at, size - at, "%s", scalars[rnd(NSCALARS)]);
        return;
    }
    if (k < 9) {
        n = rnd(4);
        strncat(buf, "[", size - at - 1);
        for (i = 0; i < n; i++) {
            if (i)
                strncat(buf, ",", size - strlen(buf) - 1);
            add_value(buf, size, depth + 1);
        }
        strncat(buf, "]", size - strlen(buf) - 1);
        return;
    }
    strncat(buf, "{\"a\":", size - at - 1);
    add_value(buf, size, depth + 1);
    strncat(buf, ",\"arr\":[", size - strlen(buf) - 1);
    add_value(buf, size, depth + 1);
    strncat(buf, "]}", size - strlen(buf) - 1);
}

static void make_doc(char *buf, size_t size)
{
    static const char *const keys[] = {"a", "b", "s", "n", "arr", "o"};
    size_t i;

    strcpy(buf, "{");
    /* Sometimes a few more members, so that lookups miss their hint. */
    for (i = rnd(7); i < 6; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s\"x%zu\":%zu",
                 strlen(buf) > 1 ? "," : "", i, i);
    for (i = 0; i < 6; i++) {
        if (rnd(5) == 0)
            continue;
        if (strlen(buf) > 1)
            strncat(buf, ",", size - strlen(buf) - 1);
        snprintf(buf + strlen(buf), size - strlen(buf), "\"%s\":", keys[i]);
        if (i == 4) {
            strncat(buf, "[", size - strlen(buf) - 1);
            add_value(buf, size, 1);
            strncat(buf, ",", size - strlen(buf) - 1);
            add_value(buf, size, 1);
            strncat(buf, "]", size - strlen(buf) - 1);
        } else {
            add_value(buf, size, 0);
        }
    }
    strncat(buf, "}", size - strlen(buf) - 1);
}

/* ---- the oracle -------------------------------------------------------- */

/* Resolve a reference text ("o.arr[0]") in doc; NULL is the NULL value. */
static const cJSON *resolve(const cJSON *doc, const char *path)
{
    const cJSON *v = doc;
    char name[32];

    while (*path != '\0' && v != NULL) {
        size_t n = strcspn(path, ".[");

        if (n > 0) {
            snprintf(name, sizeof name, "%.*s", (int)n, path);
            v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, name)
                                  : NULL;
            path += n;
        } else if (*path == '.') {
            path++;
        } else {
            char *end;
            unsigned long long i;
            size_t len = strcspn(path + 1, "]");

            i = strtoull(path + 1, &end, 10);
            if (len > 18 || !cJSON_IsArray(v) ||
                i >= (unsigned long long)cJSON_GetArraySize(v))
                v = NULL;
            else
                v = cJSON_GetArrayItem(v, (int)i);
            path += len + 2;
        }
    }
    return cJSON_IsNull(v) ? NULL : v;
}

static bool is_comp(const cJSON *v)
{
    return cJSON_IsArray(v) || cJSON_IsObject(v);
}

static bool plain_decimal(const char *s)
{
    size_t i = 0, d;

    for (d = i; s[i] >= '0' && s[i] <= '9'; i++)
        ;
    if (i == d)
        return false;
    if (s[i] == '.') {
        for (d = ++i; s[i] >= '0' && s[i] <= '9'; i++)
            ;
        if (i == d)
            return false;
    }
    return s[i] == '\0';
}

static bool equal(const cJSON *l, const cJSON *r)
{
    if (l == NULL || r == NULL)
        return l == NULL && r == NULL;
    if (is_comp(l) || is_comp(r))
        return false;
    if (cJSON_IsNumber(l) && cJSON_IsNumber(r))
        return l->valuedouble == r->valuedouble;
    if (cJSON_IsString(l) && cJSON_IsString(r))
        return strcmp(l->valuestring, r->valuestring) == 0;
    if (cJSON_IsBool(l) && cJSON_IsBool(r))
        return cJSON_IsTrue(l) == cJSON_IsTrue(r);
    return false;
}

/* -1, 0, 1 in *out when l and r are ordered; false when they are not. */
static bool order(const cJSON *l, const cJSON *r, int *out)
{
    double a, b;

    if (l == NULL || r == NULL)
        return false;
    if (cJSON_IsString(l) && cJSON_IsString(r) &&
        !(plain_decimal(l->valuestring) && plain_decimal(r->valuestring))) {
        int c = strcmp(l->valuestring, r->valuestring);

        *out = (c > 0) - (c < 0);
        return true;
    }
    if (cJSON_IsNumber(l))
        a = l->valuedouble;
    else if (cJSON_IsString(l) && plain_decimal(l->valuestring))
        a = strtod(l->valuestring, NULL);
    else
        return false;
    if (cJSON_IsNumber(r))
        b = r->valuedouble;
    else if (cJSON_IsString(r) && plain_decimal(r->valuestring))
        b = strtod(r->valuestring, NULL);
    else
        return false;
    *out = (a > b) - (a < b);
    return true;
}

static bool holds(const cJSON *arr, const cJSON *x)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, arr) {
        if (equal(cJSON_IsNull(e) ? NULL : e, x))
            return true;
    }
    return false;
}

static bool oracle(const char *op, const cJSON *l, const cJSON *r)
{
    int c;

    if (strcmp(op, "==") == 0 || strcmp(op, "=") == 0)
        return equal(l, r);
    if (strcmp(op, "!=") == 0) {
        if ((l == NULL) != (r == NULL))
            return true;
        if (l == NULL || is_comp(l) || is_comp(r))
            return false;
        return !equal(l, r);
    }
    if (op[0] == '>' || op[0] == '<') {
        if (op[1] == '-')
            return op[0] == '>' ? oracle("HAS", l, r) : oracle("IN", l, r);
        if (!order(l, r, &c))
            return false;
        if (op[0] == '>')
            return op[1] == '=' ? c >= 0 : c > 0;
        return op[1] == '=' ? c <= 0 : c < 0;
    }
    if (strcmp(op, "HAS") == 0)
        return cJSON_IsArray(l) && !is_comp(r) && holds(l, r);
    if (strcmp(op, "IN") == 0)
        return cJSON_IsArray(r) && !is_comp(l) && holds(r, l);
    if (strcmp(op, "NOT IN") == 0)
        return cJSON_IsArray(r) && !is_comp(l) && !holds(r, l);
    return cJSON_IsString(l) && cJSON_IsString(r) &&
           strstr(l->valuestring, r->valuestring) != NULL;
}

/* ---- the run ----------------------------------------------------------- */

typedef struct world {
    lw_symtab *syms;
    lw_attrs *docs[NDOCS];
    cJSON *json[NDOCS];
    cJSON *lconst[NLEFT];
    cJSON *rconst[NRIGHT];
    size_t checked;
} world;

static const cJSON *value(const world *w, const operand *o, cJSON *c,
                          size_t d)
{
    if (o->json == NULL)
        return resolve(w->json[d], o->text);
    return cJSON_IsNull(c) ? NULL : c;
}

static bool compile(world *w, const char *text, lw_expr **e)
{
    lw_error err;
    lw_result rc = lw_expr_compile(w->syms, text, strlen(text), e, &err);

    if (rc != LW_OK)
        fail_msg("\"%s\" does not compile: %s", text, err.message);
    return true;
}

static void check_explain(const lw_expr *e, const lw_attrs *doc, bool want)
{
    char *out = NULL;
    size_t len;
    cJSON *j;

    assert_int_equal(lw_expr_explain(e, doc, LW_EXPLAIN_JSON, &out, &len,
                                     NULL), LW_OK);
    j = cJSON_Parse(out);
    assert_non_null(j);
    assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(j, "result")), want);
    cJSON_Delete(j);
    lw_free(NULL, out);
    assert_int_equal(lw_expr_explain(e, doc, LW_EXPLAIN_TEXT, &out, &len,
                                     NULL), LW_OK);
    assert_int_equal(strlen(out), len);
    lw_free(NULL, out);
}

/* Check e against want[] over every document: eval, filter, explain. */
static void check_all(world *w, const char *text, const bool *want)
{
    lw_expr *e = NULL;
    uint32_t idx[NDOCS];
    size_t d, n, k = 0;

    compile(w, text, &e);
    for (d = 0; d < NDOCS; d++) {
        if (lw_expr_eval(e, w->docs[d]) != want[d])
            fail_msg("\"%s\" on %s: %d, the oracle says %d", text,
                     lw_attrs_text(w->docs[d], NULL), !want[d], want[d]);
        if (d < EXPLAINED)
            check_explain(e, w->docs[d], want[d]);
    }
    n = lw_expr_filter(e, (const lw_attrs *const *)w->docs, NDOCS, idx);
    for (d = 0; d < NDOCS; d++)
        if (want[d]) {
            assert_true(k < n);
            assert_int_equal(idx[k++], d);
        }
    assert_int_equal(k, n);
    lw_expr_free(e);
    w->checked++;
}

static void comparison(world *w, size_t l, size_t o, size_t r, bool *want,
                       char *text, size_t size)
{
    size_t d;

    snprintf(text, size, "%s %s %s", lefts[l].text, ops[o], rights[r].text);
    for (d = 0; d < NDOCS; d++)
        want[d] = oracle(ops[o], value(w, &lefts[l], w->lconst[l], d),
                         value(w, &rights[r], w->rconst[r], d));
}

static void test_comparisons(void **state)
{
    world *w = *state;
    size_t l, o, r, d;
    bool want[NDOCS], neg[NDOCS];
    char text[256], negated[300];

    for (l = 0; l < NLEFT; l++)
        for (o = 0; o < NOPS; o++)
            for (r = 0; r < NRIGHT; r++) {
                comparison(w, l, o, r, want, text, sizeof text);
                check_all(w, text, want);
                for (d = 0; d < NDOCS; d++)
                    neg[d] = !want[d];
                snprintf(negated, sizeof negated, "NOT (%s)", text);
                check_all(w, negated, neg);
            }
    printf("oracle: %zu expressions on %d documents\n", w->checked, NDOCS);
}

static void test_combinations(void **state)
{
    world *w = *state;
    bool a[NDOCS], b[NDOCS], want[NDOCS];
    char ta[256], tb[256], text[800];
    size_t i, d;

    for (i = 0; i < 1500; i++) {
        comparison(w, rnd(NLEFT), rnd(NOPS), rnd(NRIGHT), a, ta, sizeof ta);
        comparison(w, rnd(NLEFT), rnd(NOPS), rnd(NRIGHT), b, tb, sizeof tb);
        switch (i % 3) {
        case 0:
            snprintf(text, sizeof text, "%s AND %s", ta, tb);
            for (d = 0; d < NDOCS; d++)
                want[d] = a[d] && b[d];
            break;
        case 1:
            snprintf(text, sizeof text, "%s OR NOT %s", ta, tb);
            for (d = 0; d < NDOCS; d++)
                want[d] = a[d] || !b[d];
            break;
        default:
            snprintf(text, sizeof text, "NOT ((%s) OR %s) AND %s", ta, tb,
                     ta);
            for (d = 0; d < NDOCS; d++)
                want[d] = !(a[d] || b[d]) && a[d];
            break;
        }
        check_all(w, text, want);
    }
}

/* ---- the same through the store, with the worker built-ins ------------ */

static const operand builtin_lefts[] = {
    {"friendly_name", NULL}, {"activity_name", NULL}, {"sid", NULL},
    {"activity_sid", NULL}, {"a", NULL}, {"arr", NULL}, {"s", NULL},
};

static const operand builtin_rights[] = {
    {"'w3'", "\"w3\""}, {"'Available'", "\"Available\""},
    {"['Available', 'Busy']", "[\"Available\",\"Busy\"]"},
    {"'1'", "\"1\""}, {"'w'", "\"w\""}, {"null", "null"},
    {"'abc'", "\"abc\""}, {"5", "5"}, {"friendly_name", NULL},
};

#define NBL (sizeof builtin_lefts / sizeof builtin_lefts[0])
#define NBR (sizeof builtin_rights / sizeof builtin_rights[0])

typedef struct shop {
    lw_workspace *ws;
    char sids[NDOCS][35];
    cJSON *roots[NDOCS];   /* attributes with the built-ins set */
} shop;

static void open_shop(const world *w, shop *s)
{
    static const char *const acts[] = {"Available", "Offline", "Busy"};
    lw_workspace_options *o;
    lw_worker *wk;
    char name[16], act_sid[3][35];
    size_t i;

    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    assert_int_equal(lw_workspace_options_set_worker_cap(o, NDOCS), LW_OK);
    assert_int_equal(lw_workspace_create(o, &s->ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    for (i = 0; i < 3; i++) {
        lw_query *q;
        lw_page *p;

        if (i == 2)
            assert_int_equal(lw_activity_create(s->ws, "Busy", 4, false,
                                                NULL, NULL), LW_OK);
        assert_int_equal(lw_query_create(s->ws, &q), LW_OK);
        assert_int_equal(lw_query_set_friendly_name(q, acts[i],
                                                    strlen(acts[i])), LW_OK);
        assert_int_equal(lw_activity_list(s->ws, q, &p, NULL), LW_OK);
        strcpy(act_sid[i], lw_activity_sid(lw_page_activity(p, 0)));
        lw_page_free(p);
        lw_query_free(q);
    }
    for (i = 0; i < NDOCS; i++) {
        size_t len;
        const char *text = lw_attrs_text(w->docs[i], &len);
        cJSON *r = cJSON_Duplicate(w->json[i], true);

        snprintf(name, sizeof name, "w%zu", i);
        assert_int_equal(lw_worker_create(s->ws, name, strlen(name), text,
                                          len, act_sid[i % 3], 34, &wk,
                                          NULL), LW_OK);
        strcpy(s->sids[i], lw_worker_sid(wk));
        cJSON_DeleteItemFromObjectCaseSensitive(r, "sid");
        cJSON_AddStringToObject(r, "sid", s->sids[i]);
        cJSON_DeleteItemFromObjectCaseSensitive(r, "friendly_name");
        cJSON_AddStringToObject(r, "friendly_name", name);
        cJSON_DeleteItemFromObjectCaseSensitive(r, "activity_sid");
        cJSON_AddStringToObject(r, "activity_sid", act_sid[i % 3]);
        cJSON_DeleteItemFromObjectCaseSensitive(r, "activity_name");
        cJSON_AddStringToObject(r, "activity_name", acts[i % 3]);
        s->roots[i] = r;
        lw_worker_release(wk);
    }
}

/* The workers a list with this expression (or this queue) returns. */
static void listed(shop *s, const char *text, const char *queue,
                   bool *got)
{
    lw_query *q;
    lw_page *p;
    size_t i, k;

    memset(got, 0, NDOCS * sizeof *got);
    assert_int_equal(lw_query_create(s->ws, &q), LW_OK);
    assert_int_equal(lw_query_set_page_size(q, 1000), LW_OK);
    if (queue != NULL)
        assert_int_equal(lw_query_set_task_queue_sid(q, queue, 34), LW_OK);
    else
        assert_int_equal(lw_query_set_target_workers(q, text, strlen(text)),
                         LW_OK);
    assert_int_equal(lw_worker_list(s->ws, q, &p, NULL), LW_OK);
    assert_false(lw_page_has_next(p));
    for (i = 0; i < lw_page_count(p); i++) {
        const char *sid = lw_worker_sid(lw_page_worker(p, i));

        for (k = 0; k < NDOCS && strcmp(s->sids[k], sid) != 0; k++)
            ;
        assert_true(k < NDOCS);
        got[k] = true;
    }
    lw_page_free(p);
    lw_query_free(q);
}

/* lw_worker_matches() on each worker's snapshot agrees with want. */
static void check_matches(shop *s, const char *text, const bool *want)
{
    lw_expr *e = NULL;
    size_t d;

    assert_int_equal(lw_expr_compile(lw_workspace_symtab(s->ws), text,
                                     strlen(text), &e, NULL), LW_OK);
    for (d = 0; d < NDOCS; d++) {
        lw_worker *w = NULL;

        assert_int_equal(lw_worker_fetch(s->ws, s->sids[d], 34, &w, NULL),
                         LW_OK);
        if (lw_worker_matches(e, w) != want[d])
            fail_msg("\"%s\" (matches) on w%zu: %d, the oracle says %d",
                     text, d, !want[d], want[d]);
        lw_worker_release(w);
    }
    lw_expr_free(e);
}

static void check_store(shop *s, const char *text, const bool *want)
{
    bool got[NDOCS];
    lw_task_queue *tq = NULL;
    size_t d, pass;

    check_matches(s, text, want);

    assert_int_equal(lw_task_queue_create(s->ws, "Q", 1, text, strlen(text),
                                          &tq, NULL), LW_OK);
    for (pass = 0; pass < 2; pass++) {
        listed(s, text, pass ? lw_task_queue_sid(tq) : NULL, got);
        for (d = 0; d < NDOCS; d++)
            if (got[d] != want[d])
                fail_msg("\"%s\" (%s) on w%zu: %d, the oracle says %d",
                         text, pass ? "queue" : "list", d, got[d], want[d]);
    }
    assert_int_equal(lw_task_queue_delete(s->ws, lw_task_queue_sid(tq), 34,
                                          NULL), LW_OK);
    lw_task_queue_release(tq);
}

static void test_worker_builtins(void **state)
{
    world *w = *state;
    shop s;
    size_t l, o, r, d, n = 0;
    bool want[NDOCS];
    char text[256];

    open_shop(w, &s);
    for (l = 0; l < NBL; l++)
        for (o = 0; o < NOPS; o++)
            for (r = 0; r < NBR; r++) {
                cJSON *c = builtin_rights[r].json
                               ? cJSON_Parse(builtin_rights[r].json)
                               : NULL;

                snprintf(text, sizeof text, "%s %s %s",
                         builtin_lefts[l].text, ops[o],
                         builtin_rights[r].text);
                for (d = 0; d < NDOCS; d++) {
                    const cJSON *lv = resolve(s.roots[d],
                                              builtin_lefts[l].text);
                    const cJSON *rv = c ? (cJSON_IsNull(c) ? NULL : c)
                                        : resolve(s.roots[d],
                                                  builtin_rights[r].text);

                    want[d] = oracle(ops[o], lv, rv);
                }
                check_store(&s, text, want);
                cJSON_Delete(c);
                n++;
            }
    printf("oracle: %zu expressions through the store\n", n);
    for (d = 0; d < NDOCS; d++)
        cJSON_Delete(s.roots[d]);
    lw_workspace_free(s.ws);
}

static int set_up(void **state)
{
    world *w = calloc(1, sizeof *w);
    char buf[2048];
    size_t i;

    assert_non_null(w);
    assert_int_equal(lw_symtab_create(NULL, &w->syms), LW_OK);
    for (i = 0; i < NDOCS; i++) {
        make_doc(buf, sizeof buf);
        assert_int_equal(lw_attrs_parse(w->syms, buf, strlen(buf), 0,
                                        &w->docs[i], NULL), LW_OK);
        w->json[i] = cJSON_Parse(buf);
        assert_non_null(w->json[i]);
    }
    for (i = 0; i < NLEFT; i++)
        w->lconst[i] = lefts[i].json ? cJSON_Parse(lefts[i].json) : NULL;
    for (i = 0; i < NRIGHT; i++)
        w->rconst[i] = rights[i].json ? cJSON_Parse(rights[i].json) : NULL;
    *state = w;
    return 0;
}

static int tear_down(void **state)
{
    world *w = *state;
    size_t i;

    for (i = 0; i < NDOCS; i++) {
        lw_attrs_release(w->docs[i]);
        cJSON_Delete(w->json[i]);
    }
    for (i = 0; i < NLEFT; i++)
        cJSON_Delete(w->lconst[i]);
    for (i = 0; i < NRIGHT; i++)
        cJSON_Delete(w->rconst[i]);
    lw_symtab_release(w->syms);
    free(w);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_combinations),
        cmocka_unit_test(test_worker_builtins),
    };

    return cmocka_run_group_tests(tests, set_up, tear_down);
}
