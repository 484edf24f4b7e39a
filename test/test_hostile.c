/*
 * test_hostile.c - the hostile-input table: bad inputs at every entry
 * point (NULL handles and arguments, zero lengths, lengths past the data,
 * invalid UTF-8, NUL bytes, 10 MB strings, deep nesting, malformed and
 * foreign SIDs, stale and foreign paging tokens, out-of-range page sizes,
 * contradictory parameters), each with the code and message it must
 * produce, and a check that neither workspace changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libworkers.h"
#include "resttest.h"
#include "testalloc.h"

#define S(x) (x), strlen(x)
#define BIG (10u << 20)
#define DEEP 100000

/*
 * Workspace A (behind the adapter, cap 2, full): alice (Available) and
 * bob (Busy, two pending reservations); activities Offline, Available,
 * Unavailable, Busy; task queues Support and Everyone.  Workspace B is
 * another workspace whose SIDs and tokens are foreign to A.
 */
typedef struct ctx {
    resttest t;
    lw_workspace *b;
    lw_symtab *syms;
    lw_attrs *doc;
    lw_expr *expr;
    char alice[35], bob[35], busy[35], available[35], offline[35];
    char queue[35];
    char b_worker[35], b_activity[35], b_queue[35];
    char token[128], b_token[128], act_token[128], stale_token[128];
    char *big;        /* BIG bytes of 'a', NUL-terminated */
    char *deep_json;  /* {"a": then DEEP '[' */
    char *deep_expr;  /* DEEP '(' then "a == 1" */
    char *big_import; /* an export with a 10 MB attribute string */
} ctx;

static ctx C;

typedef lw_result (*case_fn)(ctx *c, lw_error *err);

typedef struct hostile {
    const char *what;
    case_fn fn;
    lw_result code;
    const char *message;  /* a part of err->message; NULL: not filled */
} hostile;

/* ---- set-up ------------------------------------------------------------ */

static void copy_first(lw_page *p, char *sid, bool worker)
{
    assert_true(lw_page_count(p) > 0);
    strcpy(sid, worker ? lw_worker_sid(lw_page_worker(p, 0))
                       : lw_activity_sid(lw_page_activity(p, 0)));
}

static void next_token(lw_workspace *ws, int kind, char *token)
{
    lw_query *q;
    lw_page *p;

    assert_int_equal(lw_query_create(ws, &q), LW_OK);
    assert_int_equal(lw_query_set_page_size(q, 1), LW_OK);
    if (kind == 0)
        assert_int_equal(lw_worker_list(ws, q, &p, NULL), LW_OK);
    else
        assert_int_equal(lw_activity_list(ws, q, &p, NULL), LW_OK);
    assert_non_null(lw_page_next_token(p));
    strcpy(token, lw_page_next_token(p));
    lw_page_free(p);
    lw_query_free(q);
}

static void named_activity(lw_workspace *ws, const char *name, char *sid)
{
    lw_query *q;
    lw_page *p;

    assert_int_equal(lw_query_create(ws, &q), LW_OK);
    assert_int_equal(lw_query_set_friendly_name(q, S(name)), LW_OK);
    assert_int_equal(lw_activity_list(ws, q, &p, NULL), LW_OK);
    copy_first(p, sid, false);
    lw_page_free(p);
    lw_query_free(q);
}

static void worker(lw_workspace *ws, const char *name, const char *attrs,
                   const char *activity, char *sid)
{
    lw_worker *w = NULL;

    assert_int_equal(lw_worker_create(ws, S(name), S(attrs), activity,
                                      activity ? strlen(activity) : 0, &w,
                                      NULL), LW_OK);
    strcpy(sid, lw_worker_sid(w));
    lw_worker_release(w);
}

static void set_up_a(ctx *c)
{
    lw_activity *a = NULL;
    lw_task_queue *q = NULL;

    rt_setup_cap(&c->t, true, 2);
    assert_int_equal(lw_activity_create(c->t.ws, S("Busy"), false, &a,
                                        NULL), LW_OK);
    strcpy(c->busy, lw_activity_sid(a));
    lw_activity_release(a);
    named_activity(c->t.ws, "Available", c->available);
    named_activity(c->t.ws, "Offline", c->offline);
    assert_int_equal(lw_task_queue_create(c->t.ws, S("Support"),
                                          S("skills HAS 'support'"), &q,
                                          NULL), LW_OK);
    strcpy(c->queue, lw_task_queue_sid(q));
    lw_task_queue_release(q);
    assert_int_equal(lw_task_queue_create(c->t.ws, S("Everyone"), NULL, 0,
                                          NULL, NULL), LW_OK);
    worker(c->t.ws, "alice", "{\"skills\":[\"support\"],\"level\":5}",
           c->available, c->alice);
    worker(c->t.ws, "bob", "{\"level\":1}", c->busy, c->bob);
    assert_int_equal(lw_worker_set_pending_reservations(c->t.ws, S(c->bob),
                                                        2, NULL), LW_OK);
    next_token(c->t.ws, 0, c->token);
    next_token(c->t.ws, 1, c->act_token);
}

static void set_up_b(ctx *c)
{
    lw_workspace *gone;
    lw_task_queue *q = NULL;
    char sid[35];

    assert_int_equal(lw_workspace_create(NULL, &c->b, NULL), LW_OK);
    worker(c->b, "alice", "{}", NULL, c->b_worker);
    worker(c->b, "bob", "{}", NULL, sid);
    named_activity(c->b, "Available", c->b_activity);
    assert_int_equal(lw_task_queue_create(c->b, S("Support"), NULL, 0, &q,
                                          NULL), LW_OK);
    strcpy(c->b_queue, lw_task_queue_sid(q));
    lw_task_queue_release(q);
    next_token(c->b, 0, c->b_token);

    /* A token of a workspace that no longer exists. */
    assert_int_equal(lw_workspace_create(NULL, &gone, NULL), LW_OK);
    worker(gone, "x", "{}", NULL, sid);
    worker(gone, "y", "{}", NULL, sid);
    next_token(gone, 0, c->stale_token);
    lw_workspace_free(gone);
}

static char *repeat(const char *head, char fill, size_t n, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    char *s = malloc(h + n + t + 1);

    assert_non_null(s);
    memcpy(s, head, h);
    memset(s + h, fill, n);
    memcpy(s + h + n, tail, t + 1);
    return s;
}

static int set_up(void **state)
{
    ctx *c = &C;

    (void)state;
    memset(c, 0, sizeof *c);
    set_up_a(c);
    set_up_b(c);
    assert_int_equal(lw_symtab_create(NULL, &c->syms), LW_OK);
    assert_int_equal(lw_attrs_parse(c->syms, S("{\"a\":1}"), 0, &c->doc,
                                    NULL), LW_OK);
    assert_int_equal(lw_expr_compile(c->syms, S("a == 1"), &c->expr, NULL),
                     LW_OK);
    c->big = repeat("", 'a', BIG, "");
    c->deep_json = repeat("{\"a\":", '[', DEEP, "");
    c->deep_expr = repeat("", '(', DEEP, "a == 1");
    c->big_import = repeat("{\"workspace\":\"", 'a', BIG, "\"}");
    return 0;
}

static int tear_down(void **state)
{
    ctx *c = &C;

    (void)state;
    free(c->big);
    free(c->deep_json);
    free(c->deep_expr);
    free(c->big_import);
    lw_expr_free(c->expr);
    lw_attrs_release(c->doc);
    lw_symtab_release(c->syms);
    lw_workspace_free(c->b);
    rt_teardown(&c->t);
    return 0;
}

/* ---- attributes and expressions ---------------------------------------- */

#define H(name) static lw_result name(ctx *c, lw_error *err)

/* Parse text of len bytes; a failure must leave *out alone. */
static lw_result parse(ctx *c, const char *text, size_t len, size_t max,
                       lw_error *err)
{
    lw_attrs *doc = NULL;
    lw_result rc = lw_attrs_parse(c->syms, text, len, max, &doc, err);

    assert_null(doc);
    if (rc == LW_OK)
        lw_attrs_release(doc);
    return rc;
}

H(attrs_null_syms)
{
    lw_attrs *doc = NULL;

    (void)c;
    return lw_attrs_parse(NULL, S("{}"), 0, &doc, err);
}
H(attrs_null_text)   { return parse(c, NULL, 5, 0, err); }
H(attrs_null_out)
{
    return lw_attrs_parse(c->syms, S("{}"), 0, NULL, err);
}
H(attrs_empty)       { return parse(c, "", 0, 0, err); }
H(attrs_array)       { return parse(c, S("[1,2]"), 0, err); }
H(attrs_string)      { return parse(c, S("\"x\""), 0, err); }
H(attrs_utf8)        { return parse(c, S("{\"a\":\"\xff\"}"), 0, err); }
H(attrs_overlong)    { return parse(c, S("{\"a\":\"\xc0\xaf\"}"), 0, err); }
H(attrs_utf8_key)    { return parse(c, S("{\"\xed\xa0\x80\":1}"), 0, err); }
H(attrs_nul)         { return parse(c, "{\"a\":\"x\0y\"}", 11, 0, err); }
H(attrs_nul_after)   { return parse(c, "{}\0", 3, 0, err); }
H(attrs_past_data)   { return parse(c, "{\"a\":1}xyz", 10, 0, err); }
H(attrs_10mb)        { return parse(c, c->big, BIG, 0, err); }
H(attrs_10mb_limit)  { return parse(c, c->big, BIG, BIG, err); }
H(attrs_deep)        { return parse(c, S(c->deep_json), 1 << 20, err); }
H(attrs_huge_number) { return parse(c, S("{\"a\":1e999}"), 0, err); }
H(attrs_trailing)    { return parse(c, S("{\"a\":1,}"), 0, err); }
H(attrs_surrogate)   { return parse(c, S("{\"a\":\"\\ud800\"}"), 0, err); }
H(attrs_unescaped)   { return parse(c, S("{\"a\":\"\x01\"}"), 0, err); }

static lw_result compile(ctx *c, const char *text, size_t len, lw_error *err)
{
    lw_expr *e = NULL;
    lw_result rc = lw_expr_compile(c->syms, text, len, &e, err);

    assert_null(e);
    if (rc == LW_OK)
        lw_expr_free(e);
    return rc;
}

H(expr_null_syms)
{
    lw_expr *e = NULL;

    (void)c;
    return lw_expr_compile(NULL, S("a == 1"), &e, err);
}
H(expr_null_text)    { return compile(c, NULL, 3, err); }
H(expr_null_out)
{
    return lw_expr_compile(c->syms, S("a == 1"), NULL, err);
}
H(expr_empty)        { return compile(c, "", 0, err); }
H(expr_dangling)     { return compile(c, S("a =="), err); }
H(expr_hyphen)       { return compile(c, S("first-name == 'x'"), err); }
H(expr_utf8)         { return compile(c, S("a == '\xff'"), err); }
H(expr_nul)          { return compile(c, "a == 1\0", 7, err); }
H(expr_10mb)         { return compile(c, c->big, BIG, err); }
H(expr_deep)         { return compile(c, S(c->deep_expr), err); }
H(expr_deep_short)
{
    char *text = repeat("", '(', 1000, "a == 1");
    lw_result rc = compile(c, S(text), err);

    free(text);
    return rc;
}
H(expr_unterminated) { return compile(c, S("a == 'x"), err); }
H(expr_unbalanced)   { return compile(c, S("(a == 1"), err); }

H(expr_long_array)
{
    char *text = repeat("a IN [", '1', 0, "");
    size_t i, at = strlen(text);
    lw_result rc;

    text = realloc(text, at + 2 * 1100 + 2);
    assert_non_null(text);
    for (i = 0; i < 1100; i++) {
        text[at++] = i ? ',' : '1';
        text[at++] = i ? '1' : ' ';
    }
    text[at++] = ']';
    text[at] = '\0';
    rc = compile(c, text, at, err);
    free(text);
    return rc;
}

H(explain_null_expr)
{
    char *out = NULL;
    lw_result rc = lw_expr_explain(NULL, c->doc, LW_EXPLAIN_TEXT, &out, NULL,
                                   err);

    assert_null(out);
    return rc;
}

H(explain_format)
{
    char *out = NULL;
    lw_result rc = lw_expr_explain(c->expr, c->doc, 7, &out, NULL, err);

    assert_null(out);
    return rc;
}

H(explain_null_out)
{
    return lw_expr_explain(c->expr, c->doc, LW_EXPLAIN_JSON, NULL, NULL,
                           err);
}

/* Explain alice against e (NULL: one of A's own table). */
static lw_result w_explain(ctx *c, const lw_expr *e, bool own, int format,
                           bool out, lw_error *err)
{
    lw_worker *w = NULL;
    lw_expr *mine = NULL;
    char *text = NULL;
    lw_result rc;

    assert_int_equal(lw_worker_fetch(c->t.ws, S(c->alice), &w, NULL),
                     LW_OK);
    if (own)
        assert_int_equal(lw_expr_compile(lw_workspace_symtab(c->t.ws),
                                         S("a == 1"), &mine, NULL), LW_OK);
    rc = lw_worker_explain(own ? mine : e, w, format, out ? &text : NULL,
                           NULL, err);
    assert_null(text);
    lw_expr_free(mine);
    lw_worker_release(w);
    return rc;
}

H(wx_null_expr)   { return w_explain(c, NULL, false, 0, true, err); }
H(wx_foreign)     { return w_explain(c, c->expr, false, 0, true, err); }
H(wx_format)      { return w_explain(c, NULL, true, 9, true, err); }
H(wx_null_out)    { return w_explain(c, NULL, true, 1, false, err); }
H(wx_null_worker)
{
    char *text = NULL;

    return lw_worker_explain(c->expr, NULL, 0, &text, NULL, err);
}

/* ---- options and workspaces ------------------------------------------- */

/* Run set on fresh options and free them. */
typedef lw_result (*opt_fn)(lw_workspace_options *o);

static lw_result with_options(opt_fn set)
{
    lw_workspace_options *o;
    lw_result rc;

    assert_int_equal(lw_workspace_options_create(NULL, &o), LW_OK);
    rc = set(o);
    lw_workspace_options_free(o);
    return rc;
}

static lw_result o_account_short(lw_workspace_options *o)
{
    return lw_workspace_options_set_account_sid(o, S("AC123"));
}
static lw_result o_account_upper(lw_workspace_options *o)
{
    return lw_workspace_options_set_account_sid(
        o, S("AC0123456789ABCDEF0123456789ABCDEF"));
}
static lw_result o_ws_prefix(lw_workspace_options *o)
{
    return lw_workspace_options_set_workspace_sid(o, S(RT_ACCOUNT));
}
static lw_result o_name_empty(lw_workspace_options *o)
{
    return lw_workspace_options_set_friendly_name(o, "", 0);
}
static lw_result o_name_long(lw_workspace_options *o)
{
    return lw_workspace_options_set_friendly_name(o, C.big, 65);
}
static lw_result o_name_utf8(lw_workspace_options *o)
{
    return lw_workspace_options_set_friendly_name(o, S("ab\xfe"));
}
static lw_result o_cap_zero(lw_workspace_options *o)
{
    return lw_workspace_options_set_worker_cap(o, 0);
}
static lw_result o_url_scheme(lw_workspace_options *o)
{
    return lw_workspace_options_set_base_url(o, S("no-scheme-here"));
}
static lw_result o_url_space(lw_workspace_options *o)
{
    return lw_workspace_options_set_base_url(o, S("http://a b"));
}
static lw_result o_url_10mb(lw_workspace_options *o)
{
    return lw_workspace_options_set_base_url(o, C.big, BIG);
}
static lw_result o_url_nul(lw_workspace_options *o)
{
    return lw_workspace_options_set_base_url(o, "http://a\0b", 10);
}

#define OPT(name, fn)                                                       \
    H(name)                                                                 \
    {                                                                       \
        (void)c;                                                            \
        (void)err;                                                          \
        return with_options(fn);                                            \
    }

OPT(opt_account_short, o_account_short)
OPT(opt_account_upper, o_account_upper)
OPT(opt_workspace_prefix, o_ws_prefix)
OPT(opt_name_empty, o_name_empty)
OPT(opt_name_long, o_name_long)
OPT(opt_name_utf8, o_name_utf8)
OPT(opt_cap_zero, o_cap_zero)
OPT(opt_url_scheme, o_url_scheme)
OPT(opt_url_space, o_url_space)
OPT(opt_url_10mb, o_url_10mb)
OPT(opt_url_nul, o_url_nul)

H(opt_null_out)
{
    (void)c;
    (void)err;
    return lw_workspace_options_create(NULL, NULL);
}
H(opt_null_clock)
{
    (void)c;
    (void)err;
    return lw_workspace_options_set_clock(NULL, NULL, NULL);
}
H(symtab_null_out)
{
    (void)c;
    (void)err;
    return lw_symtab_create(NULL, NULL);
}
H(ws_null_out)
{
    (void)c;
    return lw_workspace_create(NULL, NULL, err);
}
H(ws_fetch_null)
{
    lw_workspace_info *i = NULL;

    (void)c;
    return lw_workspace_fetch(NULL, &i, err);
}
H(ws_default_malformed)
{
    return lw_workspace_set_default_activity(c->t.ws, S("WA123"), err);
}
H(ws_default_foreign)
{
    return lw_workspace_set_default_activity(c->t.ws, S(c->b_activity),
                                             err);
}
H(ws_timeout_null)
{
    return lw_workspace_set_timeout_activity(c->t.ws, NULL, 0, err);
}
H(ws_timeout_worker_sid)
{
    return lw_workspace_set_timeout_activity(c->t.ws, S(c->alice), err);
}
H(export_null_out)
{
    return lw_workspace_export(c->t.ws, NULL, NULL, err);
}
H(export_null_ws)
{
    char *text = NULL;

    (void)c;
    return lw_workspace_export(NULL, &text, NULL, err);
}

/* ---- activities ----------------------------------------------------- */

static lw_result act_create(ctx *c, const char *name, size_t len,
                            lw_error *err)
{
    lw_activity *a = NULL;
    lw_result rc = lw_activity_create(c->t.ws, name, len, true, &a, err);

    assert_null(a);
    return rc;
}

H(act_null_ws)
{
    lw_activity *a = NULL;

    (void)c;
    return lw_activity_create(NULL, S("x"), true, &a, err);
}
H(act_null_name)   { return act_create(c, NULL, 0, err); }
H(act_empty_name)  { return act_create(c, "", 0, err); }
H(act_long_name)
{
    char name[200] = "";
    int i;

    for (i = 0; i < 65; i++)
        strcat(name, "\xc3\xa9");
    return act_create(c, S(name), err);
}
H(act_nul_name)    { return act_create(c, "Lu\0ch", 5, err); }
H(act_overlong)    { return act_create(c, S("\xc0\xaf"), err); }
H(act_10mb_name)   { return act_create(c, c->big, BIG, err); }
H(act_duplicate)   { return act_create(c, S("AVAILABLE"), err); }

static lw_result act_fetch(ctx *c, const char *sid, lw_error *err)
{
    lw_activity *a = NULL;
    lw_result rc = lw_activity_fetch(c->t.ws, S(sid), &a, err);

    assert_null(a);
    return rc;
}

H(act_fetch_malformed) { return act_fetch(c, "WA123", err); }
H(act_fetch_foreign)   { return act_fetch(c, c->b_activity, err); }
H(act_fetch_worker)    { return act_fetch(c, c->alice, err); }
H(act_fetch_upper)
{
    char sid[35];
    size_t i;

    strcpy(sid, c->busy);
    for (i = 2; i < 34; i++)
        if (sid[i] >= 'a' && sid[i] <= 'f')
            sid[i] = (char)(sid[i] - 'a' + 'A');
    return act_fetch(c, sid, err);
}
H(act_update_foreign)
{
    return lw_activity_update(c->t.ws, S(c->b_activity), S("x"), NULL,
                              err);
}
H(act_update_duplicate)
{
    return lw_activity_update(c->t.ws, S(c->busy), S("offline"), NULL,
                              err);
}
H(act_update_empty)
{
    return lw_activity_update(c->t.ws, S(c->busy), "", 0, NULL, err);
}
H(act_delete_default)
{
    return lw_activity_delete(c->t.ws, S(c->offline), err);
}
H(act_delete_in_use)
{
    return lw_activity_delete(c->t.ws, S(c->busy), err);
}
H(act_delete_null_ws)
{
    return lw_activity_delete(NULL, S(c->busy), err);
}
H(act_delete_foreign)
{
    return lw_activity_delete(c->t.ws, S(c->b_activity), err);
}

/* ---- task queues ---------------------------------------------------- */

static lw_result queue_create(ctx *c, const char *name, const char *expr,
                              size_t len, lw_error *err)
{
    lw_task_queue *q = NULL;
    lw_result rc = lw_task_queue_create(c->t.ws, name,
                                        name ? strlen(name) : 0, expr, len,
                                        &q, err);

    assert_null(q);
    return rc;
}

H(queue_bad_expr)   { return queue_create(c, "Q", S("a ==== 1"), err); }
H(queue_10mb_expr)  { return queue_create(c, "Q", c->big, BIG, err); }
H(queue_duplicate)  { return queue_create(c, "SUPPORT", NULL, 0, err); }
H(queue_null_name)  { return queue_create(c, NULL, NULL, 0, err); }
H(queue_nul_expr)
{
    return queue_create(c, "Q", "a == 'x\0'", 10, err);
}
H(queue_deep_expr)
{
    return queue_create(c, "Q", S(c->deep_expr), err);
}
H(queue_fetch_foreign)
{
    lw_task_queue *q = NULL;
    lw_result rc = lw_task_queue_fetch(c->t.ws, S(c->b_queue), &q, err);

    assert_null(q);
    return rc;
}
H(queue_update_malformed)
{
    return lw_task_queue_update(c->t.ws, S("WQ12"), S("x"), NULL, 0, NULL,
                                err);
}
H(queue_update_bad_expr)
{
    return lw_task_queue_update(c->t.ws, S(c->queue), NULL, 0,
                                S("skills HAS"), NULL, err);
}
H(queue_update_duplicate)
{
    return lw_task_queue_update(c->t.ws, S(c->queue), S("everyone"), NULL,
                                0, NULL, err);
}
H(queue_delete_foreign)
{
    return lw_task_queue_delete(c->t.ws, S(c->b_queue), err);
}

/* ---- workers -------------------------------------------------------- */

static lw_result w_create(ctx *c, const char *name, size_t name_len,
                          const char *attrs, size_t attrs_len,
                          const char *act, lw_error *err)
{
    lw_worker *w = NULL;
    lw_result rc = lw_worker_create(c->t.ws, name, name_len, attrs,
                                    attrs_len, act, act ? strlen(act) : 0,
                                    &w, err);

    assert_null(w);
    return rc;
}

H(w_null_ws)
{
    lw_worker *w = NULL;

    (void)c;
    return lw_worker_create(NULL, S("x"), NULL, 0, NULL, 0, &w, err);
}
H(w_null_name)      { return w_create(c, NULL, 0, NULL, 0, NULL, err); }
H(w_empty_name)     { return w_create(c, "", 0, NULL, 0, NULL, err); }
H(w_10mb_name)      { return w_create(c, c->big, BIG, NULL, 0, NULL, err); }
H(w_nul_name)       { return w_create(c, "ca\0rol", 6, NULL, 0, NULL, err); }
H(w_utf8_name)      { return w_create(c, S("car\x80l"), NULL, 0, NULL, err); }
H(w_duplicate)      { return w_create(c, S("ALICE"), NULL, 0, NULL, err); }
H(w_cap)            { return w_create(c, S("carol"), NULL, 0, NULL, err); }
H(w_empty_attrs)    { return w_create(c, S("carol"), "", 0, NULL, err); }
H(w_array_attrs)    { return w_create(c, S("carol"), S("[]"), NULL, err); }
H(w_broken_attrs)   { return w_create(c, S("carol"), S("{"), NULL, err); }
H(w_10mb_attrs)
{
    return w_create(c, S("carol"), c->big, BIG, NULL, err);
}
H(w_deep_attrs)
{
    return w_create(c, S("carol"), c->deep_json, 4000, NULL, err);
}
H(w_attrs_nul)
{
    return w_create(c, S("carol"), "{\"a\":\0}", 7, NULL, err);
}
H(w_bad_activity)
{
    return w_create(c, S("carol"), NULL, 0, "WAxyz", err);
}
H(w_foreign_activity)
{
    return w_create(c, S("carol"), NULL, 0, c->b_activity, err);
}
H(w_empty_activity)
{
    return w_create(c, S("carol"), NULL, 0, "", err);
}
H(w_dup_and_bad_attrs)
{
    return w_create(c, S("alice"), S("{]"), NULL, err);
}
H(w_dup_over_cap)
{
    return w_create(c, S("Bob"), NULL, 0, NULL, err);
}

static lw_result w_fetch(ctx *c, const char *sid, size_t len, lw_error *err)
{
    lw_worker *w = NULL;
    lw_result rc = lw_worker_fetch(c->t.ws, sid, len, &w, err);

    assert_null(w);
    return rc;
}

H(w_fetch_malformed) { return w_fetch(c, S("WK0"), err); }
H(w_fetch_foreign)   { return w_fetch(c, S(c->b_worker), err); }
H(w_fetch_activity)  { return w_fetch(c, S(c->busy), err); }
H(w_fetch_empty)     { return w_fetch(c, "", 0, err); }
H(w_fetch_null)      { return w_fetch(c, NULL, 34, err); }
H(w_fetch_long)
{
    char sid[40];

    snprintf(sid, sizeof sid, "%sff", c->alice);
    return w_fetch(c, S(sid), err);
}

/* Which input of an update is hostile. */
enum {
    U_EMPTY_NAME, U_DUP_NAME, U_BAD_ATTRS, U_FOREIGN_ACT, U_REJECT_AVAIL,
    U_VERSION, U_VERSION_NONE, U_PENDING, U_BAD_ATTRS_AND_VERSION,
    U_10MB_ATTRS, U_NUL_NAME
};

static void fill(ctx *c, lw_worker_changes *ch, int what)
{
    lw_result rc = LW_OK;

    switch (what) {
    case U_EMPTY_NAME:
        rc = lw_worker_changes_set_friendly_name(ch, "", 0);
        break;
    case U_DUP_NAME:
        rc = lw_worker_changes_set_friendly_name(ch, S("BOB"));
        break;
    case U_NUL_NAME:
        rc = lw_worker_changes_set_friendly_name(ch, "b\0b", 3);
        break;
    case U_BAD_ATTRS_AND_VERSION:
        rc = lw_worker_changes_set_expected_version(ch, 9);
        /* fall through */
    case U_BAD_ATTRS:
        if (rc == LW_OK)
            rc = lw_worker_changes_set_attributes(ch, S("{\"a\" 1}"));
        break;
    case U_10MB_ATTRS:
        rc = lw_worker_changes_set_attributes(ch, c->big, BIG);
        break;
    case U_FOREIGN_ACT:
        rc = lw_worker_changes_set_activity_sid(ch, S(c->b_activity));
        break;
    case U_REJECT_AVAIL:
        rc = lw_worker_changes_set_activity_sid(ch, S(c->available));
        if (rc == LW_OK)
            rc = lw_worker_changes_set_reject_pending(ch, true);
        break;
    case U_VERSION:
        rc = lw_worker_changes_set_expected_version(ch, 5);
        break;
    case U_VERSION_NONE:
        rc = lw_worker_changes_set_expected_version(ch, LW_VERSION_NONE);
        break;
    default:
        rc = lw_worker_changes_set_activity_sid(ch, S(c->offline));
        break;
    }
    assert_int_equal(rc, LW_OK);
}

static lw_result update(ctx *c, const char *sid, int what, lw_error *err)
{
    lw_worker_changes *ch;
    lw_worker *w = NULL;
    lw_result rc;

    assert_int_equal(lw_worker_changes_create(c->t.ws, &ch), LW_OK);
    fill(c, ch, what);
    rc = lw_worker_update(c->t.ws, S(sid), ch, &w, err);
    lw_worker_changes_free(ch);
    assert_null(w);
    return rc;
}

H(u_unknown)
{
    return update(c, "WK00000000000000000000000000000000", U_VERSION, err);
}
H(u_foreign)        { return update(c, c->b_worker, U_DUP_NAME, err); }
H(u_empty_name)     { return update(c, c->alice, U_EMPTY_NAME, err); }
H(u_nul_name)       { return update(c, c->alice, U_NUL_NAME, err); }
H(u_dup_name)       { return update(c, c->alice, U_DUP_NAME, err); }
H(u_bad_attrs)      { return update(c, c->alice, U_BAD_ATTRS, err); }
H(u_10mb_attrs)     { return update(c, c->alice, U_10MB_ATTRS, err); }
H(u_foreign_act)    { return update(c, c->alice, U_FOREIGN_ACT, err); }
H(u_reject_avail)   { return update(c, c->bob, U_REJECT_AVAIL, err); }
H(u_version)        { return update(c, c->alice, U_VERSION, err); }
H(u_version_none)   { return update(c, c->alice, U_VERSION_NONE, err); }
H(u_pending)        { return update(c, c->bob, U_PENDING, err); }
H(u_attrs_version)
{
    return update(c, c->alice, U_BAD_ATTRS_AND_VERSION, err);
}
H(u_null_ws)
{
    return lw_worker_update(NULL, S(c->alice), NULL, NULL, err);
}
H(u_changes_bad_version)
{
    lw_worker_changes *ch;
    lw_result rc;

    (void)err;
    assert_int_equal(lw_worker_changes_create(c->t.ws, &ch), LW_OK);
    rc = lw_worker_changes_set_expected_version(ch, -3);
    lw_worker_changes_free(ch);
    return rc;
}
H(u_changes_null)
{
    (void)c;
    (void)err;
    return lw_worker_changes_set_friendly_name(NULL, S("x"));
}
H(d_version)
{
    return lw_worker_delete(c->t.ws, S(c->alice), 3, err);
}
H(d_version_none)
{
    return lw_worker_delete(c->t.ws, S(c->alice), LW_VERSION_NONE, err);
}
H(d_foreign)
{
    return lw_worker_delete(c->t.ws, S(c->b_worker), LW_VERSION_ANY, err);
}
H(d_malformed)
{
    return lw_worker_delete(c->t.ws, S("WK!"), LW_VERSION_ANY, err);
}
H(p_below_zero)
{
    return lw_worker_add_pending_reservations(c->t.ws, S(c->bob), -5, err);
}
H(p_unknown)
{
    return lw_worker_set_pending_reservations(c->t.ws, S(c->b_worker), 1,
                                              err);
}

/* ---- lists ---------------------------------------------------------- */

static lw_result list(ctx *c, int kind, const char *token, const char *tw,
                      size_t tw_len, lw_error *err)
{
    lw_query *q;
    lw_page *p = NULL;
    lw_result rc;

    assert_int_equal(lw_query_create(c->t.ws, &q), LW_OK);
    if (token != NULL)
        assert_int_equal(lw_query_set_page_token(q, S(token)), LW_OK);
    if (tw != NULL)
        assert_int_equal(lw_query_set_target_workers(q, tw, tw_len), LW_OK);
    if (kind == 0)
        rc = lw_worker_list(c->t.ws, q, &p, err);
    else if (kind == 1)
        rc = lw_activity_list(c->t.ws, q, &p, err);
    else
        rc = lw_task_queue_list(c->t.ws, q, &p, err);
    lw_query_free(q);
    if (rc == LW_OK)
        lw_page_free(p);
    else
        assert_null(p);
    return rc;
}

H(l_garbage_token)  { return list(c, 0, "garbage", NULL, 0, err); }
H(l_prefix_token)   { return list(c, 0, "PA", NULL, 0, err); }
H(l_foreign_token)  { return list(c, 0, c->b_token, NULL, 0, err); }
H(l_stale_token)    { return list(c, 0, c->stale_token, NULL, 0, err); }
H(l_kind_token)     { return list(c, 0, c->act_token, NULL, 0, err); }
H(l_order_token)
{
    lw_query *q;
    lw_page *p = NULL;
    lw_result rc;

    assert_int_equal(lw_query_create(c->t.ws, &q), LW_OK);
    assert_int_equal(lw_query_set_page_token(q, S(c->token)), LW_OK);
    assert_int_equal(lw_query_set_ordering(q, LW_ORDER_STATUS_DESC), LW_OK);
    rc = lw_worker_list(c->t.ws, q, &p, err);
    lw_query_free(q);
    assert_null(p);
    return rc;
}
H(l_token_on_queues) { return list(c, 2, c->token, NULL, 0, err); }
H(l_token_cut)
{
    char t[128];

    strcpy(t, c->token);
    t[strlen(t) - 3] = '\0';
    return list(c, 0, t, NULL, 0, err);
}
H(l_bad_target)     { return list(c, 0, NULL, S("level >"), err); }
H(l_10mb_target)    { return list(c, 0, NULL, c->big, BIG, err); }
H(l_deep_target)    { return list(c, 0, NULL, S(c->deep_expr), err); }
H(l_null_out)
{
    return lw_worker_list(c->t.ws, NULL, NULL, err);
}
H(l_null_ws)
{
    lw_page *p = NULL;

    (void)c;
    return lw_activity_list(NULL, NULL, &p, err);
}
H(q_page_size_zero)
{
    lw_query *q;
    lw_result rc;

    (void)err;
    assert_int_equal(lw_query_create(c->t.ws, &q), LW_OK);
    rc = lw_query_set_page_size(q, 0);
    lw_query_free(q);
    return rc;
}
H(q_ordering)
{
    lw_query *q;
    lw_result rc;

    (void)err;
    assert_int_equal(lw_query_create(c->t.ws, &q), LW_OK);
    rc = lw_query_set_ordering(q, 3);
    lw_query_free(q);
    return rc;
}
H(q_null_out)
{
    (void)err;
    return lw_query_create(c->t.ws, NULL);
}

/* ---- import --------------------------------------------------------- */

static lw_result import(const char *text, size_t len, lw_error *err)
{
    lw_workspace *ws = NULL;
    lw_result rc = lw_workspace_import(NULL, text, len, &ws, err);

    assert_null(ws);
    if (rc == LW_OK)
        lw_workspace_free(ws);
    return rc;
}

/* A's export with the first occurrence of from replaced by to. */
static lw_result import_edited(ctx *c, const char *from, const char *to,
                               lw_error *err)
{
    char *text = rt_state(&c->t), *at = strstr(text, from), *edited;
    lw_result rc;

    assert_non_null(at);
    edited = malloc(strlen(text) + strlen(to) + 1);
    assert_non_null(edited);
    memcpy(edited, text, (size_t)(at - text));
    strcpy(edited + (at - text), to);
    strcat(edited, at + strlen(from));
    rc = import(edited, strlen(edited), err);
    free(edited);
    free(text);
    return rc;
}

H(i_null)      { (void)c; return import(NULL, 10, err); }
H(i_empty)     { (void)c; return import("", 0, err); }
H(i_object)    { (void)c; return import(S("{}"), err); }
H(i_10mb)      { return import(c->big_import, strlen(c->big_import), err); }
H(i_deep)      { return import(S(c->deep_json), err); }
H(i_nul)       { (void)c; return import("{\"a\":\0}", 7, err); }
H(i_dup_name)  { return import_edited(c, "\"bob\"", "\"ALICE\"", err); }
H(i_activity)
{
    return import_edited(c, c->busy, "WA00000000000000000000000000000000",
                         err);
}
H(i_bad_sid)   { return import_edited(c, c->alice, "WKnothex", err); }
H(i_null_out)  { (void)c; return lw_workspace_import(NULL, S("{}"), NULL,
                                                     err); }

/* ---- REST: argument checks ----------------------------------------- */

static lw_result handle(ctx *c, lw_rest_request *q, lw_error *err)
{
    lw_rest_response *r = NULL;
    lw_result rc = lw_rest_handle(c->t.rest, q, &r, err);

    assert_null(r);
    return rc;
}

static void base_request(lw_rest_request *q)
{
    memset(q, 0, sizeof *q);
    q->method = "GET";
    q->method_len = 3;
    q->path = RT_WS_PATH;
    q->path_len = strlen(RT_WS_PATH);
}

H(r_null_rest)
{
    lw_rest_request q;
    lw_rest_response *r = NULL;

    (void)c;
    base_request(&q);
    return lw_rest_handle(NULL, &q, &r, err);
}
H(r_null_request)
{
    lw_rest_response *r = NULL;

    return lw_rest_handle(c->t.rest, NULL, &r, err);
}
H(r_null_out)
{
    lw_rest_request q;

    base_request(&q);
    return lw_rest_handle(c->t.rest, &q, NULL, err);
}
H(r_path_past)
{
    lw_rest_request q;

    base_request(&q);
    q.path = NULL;
    return handle(c, &q, err);
}
H(r_body_past)
{
    lw_rest_request q;

    base_request(&q);
    q.body_len = 10;
    return handle(c, &q, err);
}
H(r_if_match_past)
{
    lw_rest_request q;
    static const char *const vals[1] = {NULL};
    static const size_t lens[1] = {4};

    base_request(&q);
    q.if_match = vals;
    q.if_match_len = lens;
    q.if_match_count = 1;
    return handle(c, &q, err);
}
H(r_attach_null)
{
    return lw_rest_attach(c->t.rest, NULL, err);
}
H(r_attach_twice)
{
    return lw_rest_attach(c->t.rest, c->t.ws, err);
}
H(r_detach_unknown)
{
    return lw_rest_detach(c->t.rest, c->b, err);
}
H(r_create_half)
{
    lw_rest_options o;
    lw_rest *r = NULL;
    lw_result rc;

    (void)c;
    memset(&o, 0, sizeof o);
    o.account_sid = RT_ACCOUNT;
    rc = lw_rest_create(&o, &r, err);
    assert_null(r);
    return rc;
}

/*
 * The table: the case (its function above says what it sends), the code
 * it must answer and a part of the message err receives (NULL for calls
 * without an lw_error).  After each case both workspaces' exports must
 * be what they were before the first.
 */
#define CASE(fn, code, msg) {#fn, fn, code, msg}

static const hostile cases[] = {
    CASE(attrs_null_syms, LW_ERR_INVALID,
         "lw_attrs_parse: syms, text and out are required"),
    CASE(attrs_null_text, LW_ERR_INVALID,
         "lw_attrs_parse: syms, text and out are required"),
    CASE(attrs_null_out, LW_ERR_INVALID,
         "lw_attrs_parse: syms, text and out are required"),
    CASE(attrs_empty, LW_ERR_INVALID, "Attributes must be a JSON object"),
    CASE(attrs_array, LW_ERR_INVALID, "Attributes must be a JSON object"),
    CASE(attrs_string, LW_ERR_INVALID, "Attributes must be a JSON object"),
    CASE(attrs_utf8, LW_ERR_INVALID, "invalid UTF-8 at offset 6"),
    CASE(attrs_overlong, LW_ERR_INVALID, "invalid UTF-8 at offset 6"),
    CASE(attrs_utf8_key, LW_ERR_INVALID, "invalid UTF-8 at offset 2"),
    CASE(attrs_nul, LW_ERR_INVALID, "NUL byte at offset 7"),
    CASE(attrs_nul_after, LW_ERR_INVALID, "NUL byte at offset 2"),
    CASE(attrs_past_data, LW_ERR_SYNTAX,
         "invalid JSON at offset 7: unexpected text after the object"),
    CASE(attrs_10mb, LW_ERR_TOO_LARGE,
         "Attributes are 10485760 bytes, over the limit of 4096"),
    CASE(attrs_10mb_limit, LW_ERR_SYNTAX,
         "invalid JSON at offset 0: expected '{'"),
    CASE(attrs_deep, LW_ERR_INVALID,
         "Attributes nest deeper than 64 levels at offset 68"),
    CASE(attrs_huge_number, LW_ERR_INVALID, "number out of range at offset 5"),
    CASE(attrs_trailing, LW_ERR_SYNTAX,
         "invalid JSON at offset 7: expected a string key"),
    CASE(attrs_surrogate, LW_ERR_SYNTAX,
         "invalid JSON at offset 6: lone surrogate escape"),
    CASE(attrs_unescaped, LW_ERR_SYNTAX,
         "invalid JSON at offset 6: control character in string"),
    CASE(expr_null_syms, LW_ERR_INVALID,
         "lw_expr_compile: syms, text and out are required"),
    CASE(expr_null_text, LW_ERR_INVALID,
         "lw_expr_compile: syms, text and out are required"),
    CASE(expr_null_out, LW_ERR_INVALID,
         "lw_expr_compile: syms, text and out are required"),
    CASE(expr_empty, LW_ERR_SYNTAX,
         "expected a comparison at offset 0, found the end of the expression"),
    CASE(expr_dangling, LW_ERR_SYNTAX,
         "expected a value after '==' at offset 4, found the end of the "
         "expression"),
    CASE(expr_hyphen, LW_ERR_SYNTAX,
         "unexpected '-' at offset 5 (hyphens are not allowed in names)"),
    CASE(expr_utf8, LW_ERR_SYNTAX,
         "invalid UTF-8 at offset 6 inside the string starting at offset 5"),
    CASE(expr_nul, LW_ERR_SYNTAX,
         "unexpected control character 0x00 at offset 6"),
    CASE(expr_10mb, LW_ERR_TOO_LARGE,
         "expression too long at offset 16384 (at most 16384 bytes)"),
    CASE(expr_deep, LW_ERR_TOO_LARGE,
         "expression too long at offset 16384 (at most 16384 bytes)"),
    CASE(expr_deep_short, LW_ERR_SYNTAX,
         "too deeply nested at offset 64 (at most 64 levels of '(' and NOT)"),
    CASE(expr_unterminated, LW_ERR_SYNTAX,
         "unterminated string at offset 5 (expected a closing ')"),
    CASE(expr_unbalanced, LW_ERR_SYNTAX,
         "expected AND, OR or ')' at offset 7, found the end of the "
         "expression (to close the '(' at offset 0)"),
    CASE(expr_long_array, LW_ERR_SYNTAX,
         "too many elements in the array at offset 2055 (at most 1024)"),
    CASE(explain_null_expr, LW_ERR_INVALID,
         "explain: program, subject and out are required"),
    CASE(explain_format, LW_ERR_INVALID, "explain: unknown format 7"),
    CASE(explain_null_out, LW_ERR_INVALID,
         "explain: program, subject and out are required"),
    CASE(wx_null_expr, LW_ERR_INVALID,
         "explain: expression, worker and out are required"),
    CASE(wx_foreign, LW_ERR_INVALID,
         "explain: the expression was compiled with another workspace's "
         "symbol table"),
    CASE(wx_format, LW_ERR_INVALID, "explain: unknown format 9"),
    CASE(wx_null_out, LW_ERR_INVALID,
         "explain: expression, worker and out are required"),
    CASE(wx_null_worker, LW_ERR_INVALID,
         "explain: expression, worker and out are required"),
    CASE(opt_account_short, LW_ERR_INVALID, NULL),
    CASE(opt_account_upper, LW_ERR_INVALID, NULL),
    CASE(opt_workspace_prefix, LW_ERR_INVALID, NULL),
    CASE(opt_name_empty, LW_ERR_INVALID, NULL),
    CASE(opt_name_long, LW_ERR_INVALID, NULL),
    CASE(opt_name_utf8, LW_ERR_INVALID, NULL),
    CASE(opt_cap_zero, LW_ERR_INVALID, NULL),
    CASE(opt_url_scheme, LW_ERR_INVALID, NULL),
    CASE(opt_url_space, LW_ERR_INVALID, NULL),
    CASE(opt_url_10mb, LW_ERR_INVALID, NULL),
    CASE(opt_url_nul, LW_ERR_INVALID, NULL),
    CASE(opt_null_out, LW_ERR_INVALID, NULL),
    CASE(opt_null_clock, LW_ERR_INVALID, NULL),
    CASE(symtab_null_out, LW_ERR_INVALID, NULL),
    CASE(ws_null_out, LW_ERR_INVALID, "out must not be NULL"),
    CASE(ws_fetch_null, LW_ERR_INVALID, "invalid argument"),
    CASE(ws_default_malformed, LW_ERR_INVALID,
         "DefaultActivitySid is not an activity of this workspace"),
    CASE(ws_default_foreign, LW_ERR_INVALID,
         "DefaultActivitySid is not an activity of this workspace"),
    CASE(ws_timeout_null, LW_ERR_INVALID,
         "TimeoutActivitySid is not an activity of this workspace"),
    CASE(ws_timeout_worker_sid, LW_ERR_INVALID,
         "TimeoutActivitySid is not an activity of this workspace"),
    CASE(export_null_out, LW_ERR_INVALID, "invalid argument"),
    CASE(export_null_ws, LW_ERR_INVALID, "invalid argument"),
    CASE(act_null_ws, LW_ERR_INVALID, "invalid argument"),
    CASE(act_null_name, LW_ERR_INVALID, "FriendlyName is required"),
    CASE(act_empty_name, LW_ERR_INVALID, "FriendlyName is required"),
    CASE(act_long_name, LW_ERR_INVALID,
         "FriendlyName must be at most 64 characters long"),
    CASE(act_nul_name, LW_ERR_INVALID,
         "FriendlyName must not contain NUL characters"),
    CASE(act_overlong, LW_ERR_INVALID, "FriendlyName must be valid UTF-8"),
    CASE(act_10mb_name, LW_ERR_INVALID,
         "FriendlyName must be at most 64 characters long"),
    CASE(act_duplicate, LW_ERR_DUPLICATE,
         "Activity with the same friendly name already exists"),
    CASE(act_fetch_malformed, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Activities/WA123 "
         "was not found"),
    CASE(act_fetch_foreign, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Activities/"),
    CASE(act_fetch_worker, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Activities/"),
    CASE(act_fetch_upper, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Activities/"),
    CASE(act_update_foreign, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Activities/"),
    CASE(act_update_duplicate, LW_ERR_DUPLICATE,
         "Activity with the same friendly name already exists"),
    CASE(act_update_empty, LW_ERR_INVALID, "FriendlyName is required"),
    CASE(act_delete_default, LW_ERR_IN_USE, "Activity "),
    CASE(act_delete_in_use, LW_ERR_IN_USE, "Activity "),
    CASE(act_delete_null_ws, LW_ERR_INVALID, "invalid argument"),
    CASE(act_delete_foreign, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Activities/"),
    CASE(queue_bad_expr, LW_ERR_SYNTAX,
         "expected a value after '==' at offset 4, found '=='"),
    CASE(queue_10mb_expr, LW_ERR_TOO_LARGE,
         "expression too long at offset 16384 (at most 16384 bytes)"),
    CASE(queue_duplicate, LW_ERR_DUPLICATE,
         "TaskQueue with the same friendly name already exists"),
    CASE(queue_null_name, LW_ERR_INVALID, "FriendlyName is required"),
    CASE(queue_nul_expr, LW_ERR_INVALID,
         "TargetWorkers must not contain NUL characters (offset 7)"),
    CASE(queue_deep_expr, LW_ERR_TOO_LARGE,
         "expression too long at offset 16384 (at most 16384 bytes)"),
    CASE(queue_fetch_foreign, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/TaskQueues/"),
    CASE(queue_update_malformed, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/TaskQueues/WQ12 was "
         "not found"),
    CASE(queue_update_bad_expr, LW_ERR_SYNTAX,
         "expected a value after 'HAS' at offset 10, found the end of the "
         "expression"),
    CASE(queue_update_duplicate, LW_ERR_DUPLICATE,
         "TaskQueue with the same friendly name already exists"),
    CASE(queue_delete_foreign, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/TaskQueues/"),
    CASE(w_null_ws, LW_ERR_INVALID, "invalid argument"),
    CASE(w_null_name, LW_ERR_INVALID, "FriendlyName is required"),
    CASE(w_empty_name, LW_ERR_INVALID, "FriendlyName is required"),
    CASE(w_10mb_name, LW_ERR_INVALID,
         "FriendlyName must be at most 64 characters long"),
    CASE(w_nul_name, LW_ERR_INVALID,
         "FriendlyName must not contain NUL characters"),
    CASE(w_utf8_name, LW_ERR_INVALID, "FriendlyName must be valid UTF-8"),
    CASE(w_duplicate, LW_ERR_DUPLICATE,
         "Worker with the same friendly name already exists"),
    CASE(w_cap, LW_ERR_LIMIT, "Workspace has reached its limit of 2 workers"),
    CASE(w_empty_attrs, LW_ERR_INVALID,
         "Attributes must be a JSON object, not empty"),
    CASE(w_array_attrs, LW_ERR_INVALID, "Attributes must be a JSON object"),
    CASE(w_broken_attrs, LW_ERR_SYNTAX,
         "invalid JSON at offset 1: unexpected end of text"),
    CASE(w_10mb_attrs, LW_ERR_TOO_LARGE,
         "Attributes are 10485760 bytes, over the limit of 4096"),
    CASE(w_deep_attrs, LW_ERR_INVALID,
         "Attributes nest deeper than 64 levels at offset 68"),
    CASE(w_attrs_nul, LW_ERR_INVALID, "NUL byte at offset 5"),
    CASE(w_bad_activity, LW_ERR_INVALID,
         "ActivitySid is not a valid activity SID"),
    CASE(w_foreign_activity, LW_ERR_INVALID, "ActivitySid "),
    CASE(w_empty_activity, LW_ERR_INVALID,
         "ActivitySid is not a valid activity SID"),
    CASE(w_dup_and_bad_attrs, LW_ERR_SYNTAX,
         "invalid JSON at offset 1: expected a string key"),
    CASE(w_dup_over_cap, LW_ERR_DUPLICATE,
         "Worker with the same friendly name already exists"),
    CASE(w_fetch_malformed, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/WK0 was not "
         "found"),
    CASE(w_fetch_foreign, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"),
    CASE(w_fetch_activity, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"),
    CASE(w_fetch_empty, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/ was not "
         "found"),
    CASE(w_fetch_null, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/ was not "
         "found"),
    CASE(w_fetch_long, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"),
    CASE(u_unknown, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"),
    CASE(u_foreign, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"),
    CASE(u_empty_name, LW_ERR_INVALID, "FriendlyName is required"),
    CASE(u_nul_name, LW_ERR_INVALID,
         "FriendlyName must not contain NUL characters"),
    CASE(u_dup_name, LW_ERR_DUPLICATE,
         "Worker with the same friendly name already exists"),
    CASE(u_bad_attrs, LW_ERR_SYNTAX, "invalid JSON at offset 5: expected ':'"),
    CASE(u_10mb_attrs, LW_ERR_TOO_LARGE,
         "Attributes are 10485760 bytes, over the limit of 4096"),
    CASE(u_foreign_act, LW_ERR_INVALID, "ActivitySid "),
    CASE(u_reject_avail, LW_ERR_INVALID,
         "RejectPendingReservations needs an unavailable target activity"),
    CASE(u_version, LW_ERR_PRECONDITION,
         "The worker's version is 0, not the expected one (If-Match)"),
    CASE(u_version_none, LW_ERR_PRECONDITION,
         "The worker's version is 0, not the expected one (If-Match)"),
    CASE(u_pending, LW_ERR_PENDING, "Worker "),
    CASE(u_attrs_version, LW_ERR_SYNTAX,
         "invalid JSON at offset 5: expected ':'"),
    CASE(u_null_ws, LW_ERR_INVALID, "invalid argument"),
    CASE(u_changes_bad_version, LW_ERR_INVALID, NULL),
    CASE(u_changes_null, LW_ERR_INVALID, NULL),
    CASE(d_version, LW_ERR_PRECONDITION,
         "The worker's version is 0, not the expected one (If-Match)"),
    CASE(d_version_none, LW_ERR_PRECONDITION,
         "The worker's version is 0, not the expected one (If-Match)"),
    CASE(d_foreign, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"),
    CASE(d_malformed, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/WK! was not "
         "found"),
    CASE(p_below_zero, LW_ERR_INVALID,
         "pending reservations must stay within 0 and 4294967295"),
    CASE(p_unknown, LW_ERR_NOT_FOUND,
         "The requested resource "
         "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"),
    CASE(l_garbage_token, LW_ERR_INVALID,
         "PageToken is not a valid token for this list"),
    CASE(l_prefix_token, LW_ERR_INVALID,
         "PageToken is not a valid token for this list"),
    /* In the default order a token is exactly "PA<sid>" (the contract),
     * and a token must keep working after its worker is deleted, so a
     * well-formed token of another or a freed workspace cannot be told
     * from one of this workspace: it is served as a position. */
    CASE(l_foreign_token, LW_OK, NULL),
    CASE(l_stale_token, LW_OK, NULL),
    CASE(l_kind_token, LW_ERR_INVALID,
         "PageToken is not a valid token for this list"),
    CASE(l_order_token, LW_ERR_INVALID,
         "PageToken is not a valid token for this list"),
    CASE(l_token_on_queues, LW_ERR_INVALID,
         "PageToken is not a valid token for this list"),
    CASE(l_token_cut, LW_ERR_INVALID,
         "PageToken is not a valid token for this list"),
    CASE(l_bad_target, LW_ERR_SYNTAX,
         "expected a value after '>' at offset 7, found the end of the "
         "expression"),
    CASE(l_10mb_target, LW_ERR_TOO_LARGE,
         "expression too long at offset 16384 (at most 16384 bytes)"),
    CASE(l_deep_target, LW_ERR_TOO_LARGE,
         "expression too long at offset 16384 (at most 16384 bytes)"),
    CASE(l_null_out, LW_ERR_INVALID, "invalid argument"),
    CASE(l_null_ws, LW_ERR_INVALID, "invalid argument"),
    CASE(q_page_size_zero, LW_ERR_INVALID, NULL),
    CASE(q_ordering, LW_ERR_INVALID, NULL),
    CASE(q_null_out, LW_ERR_INVALID, NULL),
    CASE(i_null, LW_ERR_INVALID, "invalid argument"),
    CASE(i_empty, LW_ERR_SYNTAX, "import: the text is not valid JSON"),
    CASE(i_object, LW_ERR_INVALID, "import: format must be a string"),
    CASE(i_10mb, LW_ERR_INVALID, "import: format must be a string"),
    CASE(i_deep, LW_ERR_SYNTAX, "import: the text is not valid JSON"),
    CASE(i_nul, LW_ERR_SYNTAX, "import: the text is not valid JSON"),
    CASE(i_dup_name, LW_ERR_INVALID,
         "import: workers[1].friendly_name is used twice"),
    CASE(i_activity, LW_ERR_INVALID,
         "import: workers[0].activity_sid names no activity"),
    CASE(i_bad_sid, LW_ERR_INVALID,
         "import: workers[1].sid is not a valid SID"),
    CASE(i_null_out, LW_ERR_INVALID, "invalid argument"),
    CASE(r_null_rest, LW_ERR_INVALID,
         "NULL argument or a length without its text"),
    CASE(r_null_request, LW_ERR_INVALID,
         "NULL argument or a length without its text"),
    CASE(r_null_out, LW_ERR_INVALID,
         "NULL argument or a length without its text"),
    CASE(r_path_past, LW_ERR_INVALID,
         "NULL argument or a length without its text"),
    CASE(r_body_past, LW_ERR_INVALID,
         "NULL argument or a length without its text"),
    CASE(r_if_match_past, LW_ERR_INVALID,
         "NULL argument or a length without its text"),
    CASE(r_attach_null, LW_ERR_INVALID, "rest or ws is NULL"),
    CASE(r_attach_twice, LW_ERR_DUPLICATE,
         "workspace WS0123456789abcdef0123456789abcdef is attached already"),
    CASE(r_detach_unknown, LW_ERR_NOT_FOUND, "the workspace is not attached"),
    CASE(r_create_half, LW_ERR_INVALID,
         "account_sid and auth_token go together and may not be empty"),
};

#define NCASES (sizeof cases / sizeof cases[0])

/* ---- REST requests ------------------------------------------------- */

/*
 * A request answered with an error response.  In path, query and body
 * "$w" stands for alice's SID, "$b" for bob's, "$a" for the Busy
 * activity, "$A" for the Available one, "$F" for a worker SID of the
 * other workspace, "$T" for a worker page token, "$X" for the other
 * workspace's token.
 */
typedef struct rest_case {
    const char *method;
    const char *path;   /* after RT_WS_PATH unless it starts with '!' */
    const char *query;
    const char *body;
    const char *if_match;
    int auth;           /* 0 good credentials, 1 none, 2 wrong token */
    int32_t status;
    int32_t code;
    const char *message;
} rest_case;

static const rest_case rest_cases[] = {
    {"GET", "/Workers", NULL, NULL, NULL, 1, 401, 20003, "Authenticate"},
    {"GET", "/Workers", NULL, NULL, NULL, 2, 401, 20003, "Authenticate"},
    {"GET", "!/v1/Workspaces/WS00000000000000000000000000000000/Workers",
     NULL, NULL, NULL, 0, 404, 20404, "The requested resource /Workspaces/"},
    {"GET", "/Workers/$F", NULL, NULL, NULL, 0, 404, 20404,
     "The requested resource "
     "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"},
    {"GET", "/Workers/WK12", NULL, NULL, NULL, 0, 404, 20404,
     "The requested resource "
     "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/WK12 was not "
     "found"},
    {"GET", "/Workers/$w/extra", NULL, NULL, NULL, 0, 404, 20404,
     "The requested resource "
     "/Workspaces/WS0123456789abcdef0123456789abcdef/Workers/"},
    {"GET", "/../Workers", NULL, NULL, NULL, 0, 404, 20404,
     "The requested resource "
     "/Workspaces/WS0123456789abcdef0123456789abcdef/../Workers was not found"},
    {"GET", "!", NULL, NULL, NULL, 0, 404, 20404,
     "The requested resource was not found"},
    {"PATCH", "/Workers/$w", NULL, NULL, NULL, 0, 405, 20004,
     "Method PATCH is not allowed on this resource"},
    {"get", "/Workers", NULL, NULL, NULL, 0, 405, 20004,
     "Method get is not allowed on this resource"},
    {"DELETE", "", NULL, NULL, NULL, 0, 405, 20004,
     "Method DELETE is not allowed on this resource"},
    {"POST", "/Workers", NULL, "Attributes=%7B%7D", NULL, 0, 400, 20001,
     "Missing required parameter FriendlyName in the post body"},
    {"POST", "/Workers", NULL, "FriendlyName=", NULL, 0, 400, 20001,
     "FriendlyName is required"},
    {"POST", "/Workers", NULL, "FriendlyName=c&Attributes=%7B", NULL, 0,
     400, 20001, "invalid JSON at offset 1: unexpected end of text"},
    {"POST", "/Workers", NULL, "FriendlyName=c%FF", NULL, 0, 400, 20001,
     "Invalid UTF-8 in the value of parameter FriendlyName in the body"},
    {"POST", "/Workers", NULL, "FriendlyName=c%00d", NULL, 0, 400, 20001,
     "FriendlyName must not contain NUL characters"},
    {"POST", "/Workers", NULL, "FriendlyName=c%ZZ", NULL, 0, 400, 20001,
     "Invalid percent-encoding at offset 14 of the body: '%' must be "
     "followed by two hexadecimal digits"},
    {"POST", "/Workers", NULL, "FriendlyName=ALICE", NULL, 0, 409, 20001,
     "Worker with the same friendly name already exists"},
    {"POST", "/Workers", NULL, "FriendlyName=carol", NULL, 0, 409, 20409,
     "Workspace has reached its limit of 2 workers"},
    {"POST", "/Workers", NULL, "FriendlyName=c&ActivitySid=$F", NULL, 0,
     400, 20001, "ActivitySid is not a valid activity SID"},
    {"GET", "/Workers", "PageSize=0", NULL, NULL, 0, 400, 20001,
     "Invalid PageSize: expected a positive integer"},
    {"GET", "/Workers", "PageSize=-1", NULL, NULL, 0, 400, 20001,
     "Invalid PageSize: expected a positive integer"},
    {"GET", "/Workers", "PageSize=abc", NULL, NULL, 0, 400, 20001,
     "Invalid PageSize: expected a positive integer"},
    {"GET", "/Workers", "PageSize=1.5", NULL, NULL, 0, 400, 20001,
     "Invalid PageSize: expected a positive integer"},
    {"GET", "/Workers", "Page=2&PageSize=1", NULL, NULL, 0, 400, 20001,
     "Invalid Page: a Page above 0 needs a PageToken"},
    {"GET", "/Workers", "PageToken=junk", NULL, NULL, 0, 400, 20001,
     "PageToken is not a valid token for this list"},
    {"GET", "/Workers", "PageToken=$T&Ordering=DateStatusChanged:asc",
     NULL, NULL, 0, 400, 20001, "PageToken is not a valid token for this list"},
    {"GET", "/Activities", "PageToken=$T", NULL, NULL, 0, 400, 20001,
     "PageToken is not a valid token for this list"},
    {"GET", "/Workers", "Ordering=sideways", NULL, NULL, 0, 400, 20001,
     "Invalid Ordering: expected DateStatusChanged:asc or "
     "DateStatusChanged:desc"},
    {"GET", "/Workers", "TargetWorkersExpression=a%20%3D%3D", NULL, NULL,
     0, 400, 20001,
     "expected a value after '==' at offset 4, found the end of the "
     "expression"},
    {"POST", "/Workers/$w", NULL, "FriendlyName=x", "\"9\"", 0, 412, 20412,
     "The worker's version is 0, not the expected one (If-Match)"},
    {"POST", "/Workers/$w", NULL, "FriendlyName=x", "banana", 0, 412,
     20412, "The worker's version is 0, not the expected one (If-Match)"},
    {"POST", "/Workers/$b", NULL,
     "ActivitySid=$A&RejectPendingReservations=true", NULL, 0, 400, 20001,
     "RejectPendingReservations needs an unavailable target activity"},
    {"POST", "/Workers/$b", NULL, "ActivitySid=$A", NULL, 0, 409, 20409,
     "Worker "},
    {"POST", "/Workers/$w", NULL, "FriendlyName=Bob", NULL, 0, 409, 20001,
     "Worker with the same friendly name already exists"},
    {"POST", "/Workers/$w", NULL, "Attributes=%5B%5D", NULL, 0, 400, 20001,
     "Attributes must be a JSON object"},
    {"DELETE", "/Workers/$w", NULL, NULL, "\"4\"", 0, 412, 20412,
     "The worker's version is 0, not the expected one (If-Match)"},
    {"DELETE", "/Activities/$a", NULL, NULL, NULL, 0, 409, 20409, "Activity "},
    {"POST", "/Activities", NULL, "FriendlyName=Busy", NULL, 0, 409, 20001,
     "Activity with the same friendly name already exists"},
    {"POST", "/TaskQueues", NULL, "FriendlyName=Q&TargetWorkers=a%20%3D",
     NULL, 0, 400, 20001,
     "expected a value after '==' at offset 3, found the end of the "
     "expression"},
    {"POST", "/TaskQueues", NULL, "FriendlyName=Q&TargetWorkers=a%3D%3D'%00'",
     NULL, 0, 400, 20001, "TargetWorkers must not contain NUL characters"},
    {"POST", "/TaskQueues", NULL, "TargetWorkers=1%3D%3D1", NULL, 0, 400,
     20001, "Missing required parameter FriendlyName in the post body"},
};

#define NREST (sizeof rest_cases / sizeof rest_cases[0])

/* Expand the "$x" markers of a rest_case string. */
static const char *expand(ctx *c, const char *s)
{
    char out[1024];
    size_t at = 0;

    for (; *s && at < sizeof out - 200; s++) {
        const char *v = NULL;

        if (*s == '$') {
            switch (*++s) {
            case 'w': v = c->alice; break;
            case 'b': v = c->bob; break;
            case 'a': v = c->busy; break;
            case 'A': v = c->available; break;
            case 'F': v = c->b_worker; break;
            case 'T': v = c->token; break;
            default: v = c->b_token; break;
            }
            at += (size_t)snprintf(out + at, sizeof out - at, "%s", v);
        } else {
            out[at++] = *s;
        }
    }
    out[at] = '\0';
    return rt_fmt("%s", out);
}

/* Set HOSTILE_SHOW=1 to print what each case answers instead. */
static bool show(void)
{
    return getenv("HOSTILE_SHOW") != NULL;
}

/* Status, Twilio code and a part of the message of an error response. */
static void check_body(lw_rest_response *resp, const rest_case *rc,
                       size_t i, const char *path)
{
    cJSON *j = rt_json(resp);
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(j,
                                                               "message"));

    if (show())
        printf("rest %zu: %d %d \"%s\"\n", i,
               (int)lw_rest_response_status(resp),
               (int)lw_rest_response_code(resp), msg ? msg : "(null)");
    else if (lw_rest_response_status(resp) != rc->status ||
             lw_rest_response_code(resp) != rc->code || msg == NULL ||
             strstr(msg, rc->message) == NULL)
        fail_msg("rest case %zu (%s %s): %d/%d %s", i, rc->method, path,
                 (int)lw_rest_response_status(resp),
                 (int)lw_rest_response_code(resp),
                 lw_rest_response_body(resp, NULL));
    cJSON_Delete(j);
}

static void check_rest(ctx *c, const rest_case *rc, size_t i)
{
    rt_request r;
    lw_rest_response *resp;
    const char *path;

    memset(&r, 0, sizeof r);
    r.method = rc->method;
    path = rc->path[0] == '!' ? rc->path + 1 : rt_fmt("%s%s", RT_WS_PATH,
                                                       rc->path);
    r.path = expand(c, path);
    r.query = rc->query ? expand(c, rc->query) : NULL;
    r.body = rc->body ? expand(c, rc->body) : NULL;
    if (rc->if_match != NULL) {
        r.if_match[0] = rc->if_match;
        r.if_match_count = 1;
    }
    if (rc->auth == 0)
        r.authorization = rt_basic(RT_ACCOUNT, RT_TOKEN);
    else if (rc->auth == 2)
        r.authorization = rt_basic(RT_ACCOUNT, "wrong");
    resp = rt_send(&c->t, &r);
    check_body(resp, rc, i, r.path);
    if (show())
        lw_rest_response_free(resp);
    else
        rt_assert_error(resp, rc->status, rc->code, NULL);
}

/* ---- the runs ------------------------------------------------------ */

static char *export_of(lw_workspace *ws)
{
    char *text = NULL, *copy;

    assert_int_equal(lw_workspace_export(ws, &text, NULL, NULL), LW_OK);
    copy = strdup(text);
    lw_free(lw_workspace_allocator(ws), text);
    return copy;
}

static void check_case(ctx *c, const hostile *h)
{
    lw_error err;
    lw_result rc;

    memset(&err, 0, sizeof err);
    err.code = -1;
    rc = h->fn(c, &err);
    if (show()) {
        printf("%s: %s \"%s\"\n", h->what, lw_result_name(rc),
               err.code == rc ? err.message : "-");
        return;
    }
    if (rc != h->code || (h->message != NULL && err.code != rc) ||
        (h->message != NULL &&
         (err.message[0] == '\0' || strstr(err.message, h->message) ==
          NULL)))
        fail_msg("%s: %s \"%s\", want %s \"%s\"", h->what,
                 lw_result_name(rc), err.code == rc ? err.message : "-",
                 lw_result_name(h->code), h->message ? h->message : "-");
}

static void test_table(void **state)
{
    ctx *c = &C;
    char *a = export_of(c->t.ws), *b = export_of(c->b), *a2, *b2;
    size_t i;

    (void)state;
    for (i = 0; i < NCASES; i++) {
        check_case(c, &cases[i]);
        a2 = export_of(c->t.ws);
        b2 = export_of(c->b);
        if (strcmp(a, a2) != 0 || strcmp(b, b2) != 0)
            fail_msg("%s changed a workspace", cases[i].what);
        free(a2);
        free(b2);
    }
    free(a);
    free(b);
}

static void test_rest_table(void **state)
{
    ctx *c = &C;
    char *a = export_of(c->t.ws), *a2;
    size_t i;

    (void)state;
    for (i = 0; i < NREST; i++) {
        check_rest(c, &rest_cases[i], i);
        a2 = export_of(c->t.ws);
        if (strcmp(a, a2) != 0)
            fail_msg("rest case %zu changed the workspace", i);
        free(a2);
    }
    free(a);
}

/* ---- REST: 10 MB in every part of a request ----------------------------- */

typedef struct huge_case {
    int part;          /* 0 method, 1 path, 2 query, 3 body, 4 If-Match,
                        * 5 Authorization */
    int32_t status;
    const char *message;
} huge_case;

static const huge_case huge_cases[] = {
    {0, 405, "is not allowed on this resource"},
    {1, 404, "The requested resource was not found"},
    {2, 400, "1048576"},
    {3, 400, "1048576"},
    {4, 412, "not the expected one"},
    {5, 401, "Authenticate"},
};

static void test_rest_huge(void **state)
{
    ctx *c = &C;
    char *before = export_of(c->t.ws), *after;
    const char *auth = rt_basic(RT_ACCOUNT, RT_TOKEN);
    const char *list = RT_WS_PATH "/Workers";
    char path[1024];
    size_t i, big_len = strlen(c->big);

    (void)state;
    snprintf(path, sizeof path, "%s/Workers/%s", RT_WS_PATH, c->alice);
    for (i = 0; i < sizeof huge_cases / sizeof huge_cases[0]; i++) {
        const huge_case *h = &huge_cases[i];
        const char *im[1] = {c->big};
        size_t iml[1] = {big_len};
        lw_rest_request q;
        lw_rest_response *r = NULL;
        cJSON *j;

        memset(&q, 0, sizeof q);
        /* The query is read by GET only (a POST ignores it). */
        q.method = h->part == 0 ? c->big : h->part == 2 ? "GET" : "POST";
        q.method_len = h->part == 0 ? big_len : strlen(q.method);
        q.path = h->part == 1 ? c->big : h->part == 2 ? list : path;
        q.path_len = h->part == 1 ? big_len : strlen(q.path);
        q.query = h->part == 2 ? c->big : NULL;
        q.query_len = h->part == 2 ? big_len : 0;
        q.body = h->part == 3 ? c->big : "FriendlyName=x";
        q.body_len = h->part == 3 ? big_len : 14;
        if (h->part == 4) {
            q.if_match = im;
            q.if_match_len = iml;
            q.if_match_count = 1;
        }
        q.authorization = h->part == 5 ? c->big : auth;
        q.authorization_len = h->part == 5 ? big_len : strlen(auth);
        assert_int_equal(lw_rest_handle(c->t.rest, &q, &r, NULL), LW_OK);
        j = rt_json(r);
        if (lw_rest_response_status(r) != h->status ||
            strstr(cJSON_GetStringValue(cJSON_GetObjectItem(j, "message")),
                   h->message) == NULL)
            fail_msg("huge part %d: %d %.200s", h->part,
                     (int)lw_rest_response_status(r),
                     lw_rest_response_body(r, NULL));
        cJSON_Delete(j);
        lw_rest_response_free(r);
        after = export_of(c->t.ws);
        assert_string_equal(before, after);
        free(after);
    }
    free(before);
}

/* ---- import of every field spoiled ------------------------------------ */

/* Replacement values a field is spoiled with (NULL: the field removed). */
static const char *const spoilers[] = {
    NULL, "1.5", "-1", "\"x\"", "null", "{}", "[]", "true",
    "\"WK0123456789abcdef0123456789abcdef\"", "1e300", "\"\"",
};
#define NSPOIL (sizeof spoilers / sizeof spoilers[0])

typedef struct spoil_count {
    size_t tried, refused;
} spoil_count;

/* Import text: refused with LW_ERR_INVALID and a message (or the code of
 * an attribute document or expression inside that does not parse), or
 * accepted, exporting text that imports back to itself. */
static void import_spoiled(const char *text, spoil_count *n)
{
    testalloc ta;
    lw_workspace_options *o;
    lw_workspace *ws = NULL;
    lw_error e;
    lw_result rc;

    testalloc_init(&ta);
    assert_int_equal(lw_workspace_options_create(&ta.alloc, &o), LW_OK);
    rc = lw_workspace_import(o, text, strlen(text), &ws, &e);
    n->tried++;
    if (rc != LW_OK) {
        if ((rc != LW_ERR_INVALID && rc != LW_ERR_SYNTAX &&
             rc != LW_ERR_TOO_LARGE) || e.code != rc || e.message[0] == 0)
            fail_msg("%s \"%s\" for %.300s", lw_result_name(rc), e.message,
                     text);
        assert_null(ws);
        n->refused++;
    } else {
        char *out = NULL;
        lw_workspace *again = NULL;

        assert_int_equal(lw_workspace_export(ws, &out, NULL, NULL), LW_OK);
        assert_int_equal(lw_workspace_import(o, out, strlen(out), &again,
                                             NULL), LW_OK);
        lw_free(&ta.alloc, out);
        lw_workspace_free(again);
        lw_workspace_free(ws);
    }
    lw_workspace_options_free(o);
    assert_int_equal(ta.live, 0);
}

/* Spoil member path[depth - 1] (indexes from the root) of a fresh copy
 * of text with spoiler k, and import the result. */
static void spoil_one(const char *text, const int *path, int depth, size_t k,
                      spoil_count *n)
{
    cJSON *root = cJSON_Parse(text), *node = root, *it;
    char *out, *key;
    int d;

    for (d = 0; d + 1 < depth; d++)
        node = cJSON_GetArrayItem(node, path[d]);
    it = cJSON_GetArrayItem(node, path[depth - 1]);
    key = strdup(it->string);
    if (spoilers[k] != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(node, key,
                                               cJSON_Parse(spoilers[k]));
    else
        cJSON_DeleteItemFromObjectCaseSensitive(node, key);
    out = cJSON_PrintUnformatted(root);
    import_spoiled(out, n);
    free(out);
    free(key);
    cJSON_Delete(root);
}

/* Spoil every member of every object under node, one at a time. */
static void spoil_all(const char *text, const cJSON *node, int *path,
                      int depth, spoil_count *n)
{
    int i, size = cJSON_GetArraySize(node);
    size_t k;

    for (i = 0; i < size && depth < 16; i++) {
        const cJSON *it = cJSON_GetArrayItem(node, i);

        path[depth] = i;
        for (k = 0; cJSON_IsObject(node) && k < NSPOIL; k++)
            spoil_one(text, path, depth + 1, k, n);
        if (cJSON_IsObject(it) || cJSON_IsArray(it))
            spoil_all(text, it, path, depth + 1, n);
    }
}

static void test_import_spoiled(void **state)
{
    ctx *c = &C;
    char *text = export_of(c->t.ws);
    cJSON *root = cJSON_Parse(text);
    spoil_count n = {0, 0};
    int path[16];

    (void)state;
    assert_non_null(root);
    spoil_all(text, root, path, 0, &n);
    printf("import: %zu spoiled exports, %zu refused\n", n.tried,
           n.refused);
    assert_true(n.refused * 2 > n.tried);
    cJSON_Delete(root);
    free(text);
}

static void test_count(void **state)
{
    (void)state;
    printf("hostile inputs: %zu calls, %zu requests\n", NCASES, NREST);
    assert_true(NCASES + NREST >= 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_rest_table),
        cmocka_unit_test(test_import_spoiled),
        cmocka_unit_test(test_rest_huge),
        cmocka_unit_test(test_count),
    };

    return cmocka_run_group_tests(tests, set_up, tear_down);
}
