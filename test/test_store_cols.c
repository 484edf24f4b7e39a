/*
 * test_store_cols.c - scans that read value columns agree with one
 * evaluation per worker, through random creates, updates and deletes,
 * documents of every value type, the column limit, trimming and
 * allocation failures; and the substring search against a plain one,
 * for one document and for a column scan.
 */
#include "store_fixture.h"

#define MAX_WORKERS 70
#define STEPS 400

/* Every test code, with and without columns of one kind of value. */
static const char *const exprs[] = {
    "name == 'W1'",
    "name != 'W1'",
    "name IN ['W1','W17']",
    "name NOT IN ['W1','W17','a']",
    "name IN ['a','b','c','d','W1']",
    "name NOT IN ['a','b','c','d','W1']",
    "name IN ['a']",
    "name NOT IN ['b']",
    "name CONTAINS 'W'",
    "skills HAS 'support'",
    "skills HAS 'x'",
    "skills[0] == 'support'",
    "level == 10",
    "level != 10",
    "level >= 5",
    "level < 0",
    "level == 0",
    "level != 0",
    "level > 9007199254740992",
    "level == 9007199254740993",
    "level > 5.5",
    "level <= 100000000000000000000.5",
    "level == '10'",
    "rating > 3.5",
    "rating == 2",
    "rating != 3.5",
    "rating <= 0.5",
    "contact.email CONTAINS '@example.com'",
    "contact.uri CONTAINS 'W1'",
    "contact.uri CONTAINS 'client:W1x'",
    "contact.email == 'a@example.com'",
    "contact.email != 'a@example.com'",
    "contact.x.y == 1",
    "contact.n > 2",
    "missing == 'x'",
    "missing != 'x'",
    "missing NOT IN ['x']",
    "skills HAS 'support' AND level >= 5",
    "name == 'W1' OR contact.uri CONTAINS 'W1'",
    "NOT (level > 3)",
    "friendly_name == 'w3' OR name == 'b'",
    "skills HAS 'a' OR skills HAS 'b'",
    "level IN [1, 2]",
    /* columns of strings only and of integers only */
    "team == 'x'",
    "team != 'x'",
    "team IN ['x','y']",
    "team NOT IN ['x','y']",
    "team IN ['x','y','z']",
    "team NOT IN ['x','y','z']",
    "grade == 3",
    "grade != 3",
    "grade > 3",
    "grade <= 0",
    "grade == 0",
    "grade != 0",
    "grade < 2.5",
};
#define NEXPR (sizeof exprs / sizeof exprs[0])

static uint64_t rng = 0x2545f4914f6cdd1du;

static unsigned pick(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const names[] = {
    "\"W1\"", "\"W17\"", "\"a\"", "\"b\"", "\"W\"", "5", "null",
    "[\"W1\"]", "{\"W1\":1}", "\"d\"", "true",
};
static const char *const skills[] = {
    "[\"support\",\"a\"]", "[\"b\"]", "[]", "[\"support\"]",
    "[1,\"support\",null]", "[[\"support\"]]", "\"support\"",
    "[\"x\",\"y\",\"z\",\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\"]",
    "{\"support\":1}", "[\"c\",\"support\"]",
};
static const char *const levels[] = {
    "10", "0", "5", "-3", "9007199254740993", "-9007199254740993",
    "9007199254740992", "5.5", "1e300", "\"10\"", "null", "[10]", "7",
};
static const char *const ratings[] = {
    "3.5", "4.25", "2", "-0.5", "3", "\"4\"", "{}", "2.0",
};
static const char *const teams[] = {"\"x\"", "\"y\"", "\"z\"", "\"w\""};
static const char *const grades[] = {"0", "3", "7", "-1"};
static const char *const contacts[] = {
    "{\"email\":\"a@example.com\",\"uri\":\"client:W1\"}",
    "{\"uri\":\"client:W17x\",\"email\":\"bb@example.org\"}",
    "{\"email\":5,\"uri\":\"sip:w1@W1.example.com\"}",
    "{\"x\":{\"y\":1},\"n\":3}",
    "{\"uri\":\"client:W1x\",\"n\":2.5}",
    "\"client:W1\"",
    "{}",
    "{\"email\":\"@example.co\",\"uri\":\"W\"}",
};

/* A random document over the keys the expressions read. */
static void random_doc(char *buf, size_t size)
{
    size_t n = 0;
    const char *sep = "";

    n += (size_t)snprintf(buf + n, size - n, "{");
#define MAYBE(key, table)                                                 \
    if (pick(5) != 0) {                                                   \
        n += (size_t)snprintf(buf + n, size - n, "%s\"%s\":%s", sep, key, \
                              table[pick(sizeof table / sizeof *table)]); \
        sep = ",";                                                        \
    }
    MAYBE("name", names)
    MAYBE("skills", skills)
    MAYBE("level", levels)
    MAYBE("rating", ratings)
    MAYBE("contact", contacts)
    MAYBE("team", teams)
    MAYBE("grade", grades)
#undef MAYBE
    snprintf(buf + n, size - n, "}");
}

typedef struct world {
    fixture f;
    char sids[MAX_WORKERS][LW_SID_LEN + 1];
    size_t n;
    unsigned serial;
    lw_expr *e[NEXPR];
} world;

static void world_open(world *w)
{
    size_t i;

    memset(w, 0, sizeof *w);
    fixture_open(&w->f);
    for (i = 0; i < NEXPR; i++)
        assert_int_equal(lw_expr_compile(lw_workspace_symtab(w->f.ws),
                                         S(exprs[i]), &w->e[i], NULL),
                         LW_OK);
}

static void world_close(world *w)
{
    size_t i;

    for (i = 0; i < NEXPR; i++)
        lw_expr_free(w->e[i]);
    fixture_close(&w->f);
}

static void create_one(world *w)
{
    char doc[512], name[32];

    random_doc(doc, sizeof doc);
    snprintf(name, sizeof name, "w%u", w->serial++);
    add_worker_sid(&w->f, name, doc, w->sids[w->n++]);
}

static void update_one(world *w)
{
    char doc[512];
    lw_worker_changes *c;
    size_t i = pick((unsigned)w->n);

    random_doc(doc, sizeof doc);
    assert_int_equal(lw_worker_changes_create(w->f.ws, &c), LW_OK);
    assert_int_equal(lw_worker_changes_set_attributes(c, S(doc)), LW_OK);
    assert_int_equal(lw_worker_update(w->f.ws, S(w->sids[i]), c, NULL,
                                      NULL), LW_OK);
    lw_worker_changes_free(c);
}

static void delete_one(world *w)
{
    size_t i = pick((unsigned)w->n);

    assert_int_equal(lw_worker_delete(w->f.ws, S(w->sids[i]),
                                      LW_VERSION_ANY, NULL), LW_OK);
    memmove(w->sids[i], w->sids[w->n - 1], sizeof w->sids[i]);
    w->n--;
}

/* Expression k, one worker at a time. */
static uint32_t count_one_by_one(world *w, size_t k)
{
    uint32_t n = 0;
    size_t i;

    for (i = 0; i < w->n; i++) {
        lw_worker *s = fetch(&w->f, w->sids[i]);

        n += lw_worker_matches(w->e[k], s);
        lw_worker_release(s);
    }
    return n;
}

typedef struct visit {
    const lw_expr *e;
    uint32_t n;
    char last[LW_SID_LEN + 1];
} visit;

static bool on_match(void *user, const lw_worker *s)
{
    visit *v = user;

    assert_true(lw_worker_matches(v->e, s));
    assert_true(strcmp(v->last, lw_worker_sid(s)) < 0);
    strcpy(v->last, lw_worker_sid(s));
    v->n++;
    return true;
}

static uint32_t count_listed(world *w, size_t k)
{
    lw_query *q;
    lw_page *p;
    uint32_t n;

    assert_int_equal(lw_query_create(w->f.ws, &q), LW_OK);
    assert_int_equal(lw_query_set_target_workers(q, S(exprs[k])), LW_OK);
    assert_int_equal(lw_query_set_page_size(q, 1000), LW_OK);
    assert_int_equal(lw_worker_list(w->f.ws, q, &p, NULL), LW_OK);
    n = (uint32_t)lw_page_count(p);
    lw_page_free(p);
    lw_query_free(q);
    return n;
}

static void check_all(world *w)
{
    size_t k;

    for (k = 0; k < NEXPR; k++) {
        uint32_t want = count_one_by_one(w, k), got = 0;
        visit v = {w->e[k], 0, ""};

        assert_int_equal(lw_worker_count_matching(w->f.ws, w->e[k], &got,
                                                  NULL), LW_OK);
        if (got != want)
            fail_msg("%s: scan %u, one by one %u", exprs[k], got, want);
        assert_int_equal(lw_worker_select(w->f.ws, w->e[k], on_match, &v,
                                          NULL), LW_OK);
        assert_int_equal(v.n, want);
        assert_int_equal(count_listed(w, k), want);
    }
}

static void test_random_changes(void **state)
{
    world w;
    int step;

    (void)state;
    world_open(&w);
    check_all(&w);  /* no workers: no columns */
    create_one(&w);
    check_all(&w);  /* the columns are made here, then kept current */
    for (step = 0; step < STEPS; step++) {
        unsigned r = pick(10);

        if (w.n == 0 || (r < 5 && w.n < MAX_WORKERS))
            create_one(&w);
        else if (r < 8)
            update_one(&w);
        else
            delete_one(&w);
        if (step % 25 == 0)
            check_all(&w);
        if (step % 150 == 149)
            lw_workspace_trim(w.f.ws);
    }
    check_all(&w);
    while (w.n > 0)
        delete_one(&w);
    check_all(&w);
    world_close(&w);
}

/* More keys than columns: the keys past the limit read the documents. */
static void test_column_limit(void **state)
{
    fixture f;
    lw_expr *e[24];
    char doc[64], text[64];
    int i, k;

    (void)state;
    fixture_open(&f);
    for (i = 0; i < 40; i++) {
        char name[16];
        lw_worker *s;

        snprintf(doc, sizeof doc, "{\"k%d\":%d,\"k%d\":\"v\"}", i % 24, i,
                 (i + 5) % 24);
        snprintf(name, sizeof name, "n%d", i);
        s = add_worker(&f, name, doc);
        lw_worker_release(s);
    }
    for (k = 0; k < 24; k++) {
        snprintf(text, sizeof text, "k%d >= 0 OR k%d == 'v'", k, k);
        assert_int_equal(lw_expr_compile(lw_workspace_symtab(f.ws),
                                         S(text), &e[k], NULL), LW_OK);
    }
    for (i = 0; i < 2; i++) {
        for (k = 0; k < 24; k++) {
            uint32_t n = 0;

            assert_int_equal(lw_worker_count_matching(f.ws, e[k], &n, NULL),
                             LW_OK);
            /* k gets a number from i = k, k + 24 and a "v" from the
             * workers five before those. */
            assert_int_equal(n, (k < 16 ? 2 : 1) + (k >= 5 && k < 21 ? 2
                                                                    : 1));
        }
    }
    for (k = 0; k < 24; k++)
        lw_expr_free(e[k]);
    lw_workspace_trim(f.ws);
    lw_workspace_trim(NULL);
    fixture_close(&f);
}

/* A column that cannot be made or grown leaves the answers unchanged. */
static void open_levels(fixture *f, lw_expr **e, int n)
{
    int i;

    fixture_open(f);
    assert_int_equal(lw_expr_compile(lw_workspace_symtab(f->ws),
                                     S("level > 2"), e, NULL), LW_OK);
    for (i = 0; i < n; i++) {
        char doc[32], name[16];

        snprintf(doc, sizeof doc, "{\"level\":%d}", i);
        snprintf(name, sizeof name, "n%d", i);
        lw_worker_release(add_worker(f, name, doc));
    }
}

static void expect_count(fixture *f, const lw_expr *e, uint32_t want)
{
    uint32_t n = 0;

    assert_int_equal(lw_worker_count_matching(f->ws, e, &n, NULL), LW_OK);
    assert_int_equal(n, want);
}

static void test_columns_without_memory(void **state)
{
    fixture f;
    lw_expr *e;
    size_t fail;

    (void)state;
    /* The column cannot be made: the scan reads the documents. */
    open_levels(&f, &e, 10);
    testalloc_fail_at(&f.ta, 1, true);
    expect_count(&f, e, 7);
    testalloc_fail_at(&f.ta, 0, false);
    expect_count(&f, e, 7);
    lw_expr_free(e);
    fixture_close(&f);

    /* The slots grow past 64 with a column in place. */
    for (fail = 1; fail < 60; fail++) {
        lw_result rc;

        open_levels(&f, &e, 64);
        expect_count(&f, e, 61);
        testalloc_fail_at(&f.ta, fail, false);
        rc = lw_worker_create(f.ws, S("late"), S("{\"level\":9}"), NULL,
                              0, NULL, NULL);
        testalloc_fail_at(&f.ta, 0, false);
        if (rc != LW_OK) {
            assert_int_equal(rc, LW_ERR_NOMEM);
            expect_count(&f, e, 61);
            assert_int_equal(lw_worker_create(f.ws, S("late"),
                                              S("{\"level\":9}"), NULL, 0,
                                              NULL, NULL), LW_OK);
        }
        expect_count(&f, e, 62);
        lw_expr_free(e);
        fixture_close(&f);
    }
}

/* Count e over ws, expecting want. */
static void count_is(lw_workspace *ws, const lw_expr *e, uint32_t want)
{
    uint32_t n = 0;

    assert_int_equal(lw_worker_count_matching(ws, e, &n, NULL), LW_OK);
    assert_int_equal(n, want);
}

static lw_expr *compile_for(lw_workspace *ws, const char *text)
{
    lw_expr *e = NULL;

    assert_int_equal(lw_expr_compile(lw_workspace_symtab(ws), S(text), &e,
                                     NULL), LW_OK);
    return e;
}

/*
 * An expression with keys that have columns and keys that do not, and
 * one that reaches the limit halfway through its keys.
 */
static void test_columns_for_some_keys(void **state)
{
    fixture f;
    lw_expr *e;
    char text[64];
    int i;

    (void)state;
    fixture_open(&f);
    lw_worker_release(add_worker(&f, "one", "{\"a\":1,\"b\":2,\"x0\":1}"));
    lw_worker_release(add_worker(&f, "two", "{\"a\":1,\"x1\":1}"));
    e = compile_for(f.ws, "b == 2");
    count_is(f.ws, e, 1);
    lw_expr_free(e);
    /* b has one already: before and after the key that has none */
    e = compile_for(f.ws, "a == 1 AND b == 2");
    count_is(f.ws, e, 1);
    lw_expr_free(e);
    e = compile_for(f.ws, "b == 2 AND c == 3");
    count_is(f.ws, e, 0);
    lw_expr_free(e);
    for (i = 0; i < 12; i++) {  /* a, b, c and 12 more: 15 */
        snprintf(text, sizeof text, "k%d == 1", i);
        e = compile_for(f.ws, text);
        count_is(f.ws, e, 0);
        lw_expr_free(e);
    }
    e = compile_for(f.ws, "x0 == 1 OR x1 == 1");  /* room for x0 only */
    count_is(f.ws, e, 2);
    count_is(f.ws, e, 2);
    lw_expr_free(e);
    fixture_close(&f);
}

/*
 * A scan that starts while another is making a column scans without
 * making one: the allocator, called for the first scan's column, runs
 * the second scan on the same thread.
 */
typedef struct nested {
    testalloc ta;
    lw_workspace *ws;
    lw_expr *inner;
    bool armed;
    uint32_t inner_count;
} nested;

static void *nested_realloc(void *user, void *p, size_t size)
{
    nested *n = user;

    if (n->armed && size > 0) {
        n->armed = false;
        assert_int_equal(lw_worker_count_matching(n->ws, n->inner,
                                                  &n->inner_count, NULL),
                         LW_OK);
    }
    return n->ta.alloc.realloc(n->ta.alloc.user, p, size);
}

static void test_scan_while_a_column_is_made(void **state)
{
    nested n;
    lw_allocator a;
    lw_workspace_options *o;
    lw_expr *outer;
    int i;

    (void)state;
    memset(&n, 0, sizeof n);
    testalloc_init(&n.ta);
    a.realloc = nested_realloc;
    a.user = &n;
    assert_int_equal(lw_workspace_options_create(&a, &o), LW_OK);
    assert_int_equal(lw_workspace_create(o, &n.ws, NULL), LW_OK);
    lw_workspace_options_free(o);
    for (i = 0; i < 5; i++) {
        char name[16];

        snprintf(name, sizeof name, "n%d", i);
        assert_int_equal(lw_worker_create(n.ws, S(name),
                                          S("{\"p\":1,\"q\":2}"), NULL, 0,
                                          NULL, NULL), LW_OK);
    }
    outer = compile_for(n.ws, "p == 1");
    n.inner = compile_for(n.ws, "q == 2");
    n.armed = true;
    count_is(n.ws, outer, 5);
    assert_false(n.armed);
    assert_int_equal(n.inner_count, 5);
    count_is(n.ws, n.inner, 5);  /* makes q's column now */
    lw_expr_free(outer);
    lw_expr_free(n.inner);
    lw_workspace_free(n.ws);
    assert_int_equal(n.ta.live, 0);
}

/*
 * Programs reading more keys than a SID-order scan gathers columns for,
 * and more than a workspace keeps columns for: the keys left over are
 * read from the documents.
 */
static void test_many_keys_in_order(void **state)
{
    fixture f;
    lw_expr *e[2];
    char text[2][400], doc[64];
    int i, k;

    (void)state;
    fixture_open(&f);
    for (i = 0; i < 100; i++) {
        char name[16];

        snprintf(doc, sizeof doc, "{\"k%d\":1,\"k%d\":2}", i % 20,
                 (i + 3) % 20);
        snprintf(name, sizeof name, "n%d", i);
        lw_worker_release(add_worker(&f, name, doc));
    }
    for (k = 0; k < 2; k++) {
        size_t n = 0;
        int keys = k == 0 ? 12 : 20;

        for (i = 0; i < keys; i++)
            n += (size_t)snprintf(text[k] + n, sizeof text[k] - n,
                                  "%sk%d == %d", i ? " OR " : "", i,
                                  k + 1);
        e[k] = compile_for(f.ws, text[k]);
    }
    for (i = 0; i < 2; i++) {  /* without columns, then with them */
        for (k = 0; k < 2; k++) {
            visit v = {e[k], 0, ""};
            uint32_t n = 0;
            lw_query *q;
            lw_page *p;

            assert_int_equal(lw_worker_count_matching(f.ws, e[k], &n,
                                                      NULL), LW_OK);
            /* k == 0: the workers with one of k0..k11 at 1; k == 1:
             * every worker (each has a key at 2). */
            assert_int_equal(n, k == 0 ? 60 : 100);
            assert_int_equal(lw_worker_select(f.ws, e[k], on_match, &v,
                                              NULL), LW_OK);
            assert_int_equal(v.n, n);
            assert_int_equal(lw_query_create(f.ws, &q), LW_OK);
            assert_int_equal(lw_query_set_target_workers(q, S(text[k])),
                             LW_OK);
            assert_int_equal(lw_query_set_page_size(q, 1000), LW_OK);
            assert_int_equal(lw_worker_list(f.ws, q, &p, NULL), LW_OK);
            assert_int_equal(lw_page_count(p), n);
            lw_page_free(p);
            lw_query_free(q);
        }
    }
    lw_expr_free(e[0]);
    lw_expr_free(e[1]);
    fixture_close(&f);
}

/* ---- the substring search ---------------------------------------------- */

static bool plain_contains(const char *h, size_t hl, const char *n,
                           size_t nl)
{
    size_t i;

    if (nl == 0)
        return true;
    for (i = 0; i + nl <= hl; i++)
        if (memcmp(h + i, n, nl) == 0)
            return true;
    return false;
}

static void random_text(char *buf, size_t len)
{
    static const char alphabet[] = "aab@W1.";
    size_t i;

    for (i = 0; i < len; i++)
        buf[i] = alphabet[pick(sizeof alphabet - 1)];
    buf[len] = '\0';
}

static void test_contains_matches_plain_search(void **state)
{
    lw_symtab *t;
    int round;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    for (round = 0; round < 4000; round++) {
        char hay[48], needle[16], doc[128], expr[64];
        size_t hl = pick(40), nl = pick(12);
        lw_attrs *a;
        lw_expr *e;

        random_text(hay, hl);
        if (nl <= hl && pick(2) == 0) {
            size_t at = pick((unsigned)(hl - nl + 1));

            memcpy(needle, hay + at, nl);
            needle[nl] = '\0';
        } else {
            random_text(needle, nl);
        }
        snprintf(doc, sizeof doc, "{\"s\":\"%s\"}", hay);
        snprintf(expr, sizeof expr, "s CONTAINS '%s'", needle);
        assert_int_equal(lw_attrs_parse(t, S(doc), 0, &a, NULL), LW_OK);
        assert_int_equal(lw_expr_compile(t, S(expr), &e, NULL), LW_OK);
        if (lw_expr_eval(e, a) != plain_contains(hay, hl, needle, nl))
            fail_msg("'%s' CONTAINS '%s'", hay, needle);
        lw_expr_free(e);
        lw_attrs_release(a);
    }
    lw_symtab_release(t);
}

/* Text from pieces of one to three bytes, high bytes included. */
static size_t random_utf8(char *buf, size_t pieces)
{
    static const char *const alphabet[] = {
        "a", "b", "W", "1", "@", "\xc3\xa9", "\xc3\xbf", "\xe2\x82\xac",
        "\x7f", "\xc2\x80",
    };
    size_t i, len = 0;

    for (i = 0; i < pieces; i++) {
        const char *p = alphabet[pick(sizeof alphabet / sizeof *alphabet)];

        memcpy(buf + len, p, strlen(p));
        len += strlen(p);
    }
    buf[len] = '\0';
    return len;
}

/*
 * CONTAINS through a column (byte pairs first, then the search) counts
 * what a plain search counts, for needles cut from the workers' strings
 * and made up, over strings with bytes above 0x7f.
 */
static void test_column_contains_matches_plain_search(void **state)
{
    enum { N = 150, ROUNDS = 600 };
    static char hay[N][80];
    size_t hl[N], i;
    fixture f;
    int round;

    (void)state;
    fixture_open(&f);
    for (i = 0; i < N; i++) {
        char name[16], doc[128];

        hl[i] = random_utf8(hay[i], pick(24));
        snprintf(name, sizeof name, "w%zu", i);
        snprintf(doc, sizeof doc, "{\"s\":\"%.72s\"}", hay[i]);
        lw_worker_release(add_worker(&f, name, doc));
    }
    for (round = 0; round < ROUNDS; round++) {
        char needle[64], expr[96];
        size_t nl, want = 0;
        lw_expr *e;

        if (pick(2) == 0) {
            size_t w = pick(N), at, len;

            at = hl[w] > 0 ? pick((unsigned)hl[w]) : 0;
            len = pick((unsigned)(hl[w] - at + 1));
            /* whole characters only: the expression must be UTF-8 */
            while (at > 0 && (hay[w][at] & 0xc0) == 0x80) {
                at--;
                len++;
            }
            while ((hay[w][at + len] & 0xc0) == 0x80)
                len++;
            memcpy(needle, hay[w] + at, len);
            nl = len;
            needle[nl] = '\0';
        } else {
            nl = random_utf8(needle, 1 + pick(4));
        }
        if (memchr(needle, '\'', nl) != NULL)
            continue;
        for (i = 0; i < N; i++)
            want += plain_contains(hay[i], hl[i], needle, nl);
        snprintf(expr, sizeof expr, "s CONTAINS '%s'", needle);
        e = compile_for(f.ws, expr);
        count_is(f.ws, e, (uint32_t)want);
        lw_expr_free(e);
    }
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_changes),
        cmocka_unit_test(test_column_limit),
        cmocka_unit_test(test_columns_without_memory),
        cmocka_unit_test(test_columns_for_some_keys),
        cmocka_unit_test(test_scan_while_a_column_is_made),
        cmocka_unit_test(test_many_keys_in_order),
        cmocka_unit_test(test_contains_matches_plain_search),
        cmocka_unit_test(test_column_contains_matches_plain_search),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
