/*
 * quickstart.c - the first program a new user reads: a tour of
 * libworkers' C API.  It makes a workspace, adds workers and task queues,
 * lists with every filter, changes an activity, explains an expression
 * and shows two refusals.  Run it with `make run`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libworkers.h>

/* A fixed clock and random source make every run print the same thing:
 * 2025-01-06 09:00:00 UTC, moved forward by the tour itself. */
static int64_t now_ms = 1736154000000;

static int64_t tour_clock(void *user)
{
    (void)user;
    return now_ms;
}

static void tour_random(void *user, uint8_t *buf, size_t len)
{
    uint32_t *state = user;
    size_t i;

    for (i = 0; i < len; i++) {
        *state ^= *state << 13;
        *state ^= *state >> 17;
        *state ^= *state << 5;
        buf[i] = (uint8_t)*state;
    }
}

/* Every call in the tour is expected to work; say so loudly if not. */
static int check(lw_result rc, const lw_error *err, const char *what)
{
    if (rc != LW_OK)
        fprintf(stderr, "%s failed: %s\n", what, err->message);
    return rc == LW_OK ? 0 : 1;
}

static void heading(const char *title)
{
    printf("\n== %s\n\n", title);
}

static const char *hhmmss(int64_t ms)
{
    static char buf[16];
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%H:%M:%S", &tm);
    return buf;
}

/* ---- tables --------------------------------------------------------- */

static void worker_row(const lw_worker *w)
{
    printf("  %-7s %-12s %-5s %3" PRId64 "  %s\n", lw_worker_friendly_name(w),
           lw_worker_activity_name(w), lw_worker_available(w) ? "yes" : "no",
           lw_worker_version(w), lw_worker_attributes(w, NULL));
}

static void worker_table(const lw_page *page)
{
    size_t i;

    printf("  %-7s %-12s %-5s %3s  %s\n", "name", "activity", "avail",
           "ver", "attributes");
    for (i = 0; i < lw_page_count(page); i++)
        worker_row(lw_page_worker(page, i));
}

/* The names on a page, comma-separated, into buf. */
static const char *names(const lw_page *page, char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < lw_page_count(page) && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 i ? ", " : "",
                                 lw_worker_friendly_name(
                                     lw_page_worker(page, i)));
    return lw_page_count(page) ? buf : "(nobody)";
}

/* ---- listing -------------------------------------------------------- */

typedef lw_result (*query_setter)(lw_query *, const char *, size_t);

/* List with one filter and print one row: filter, value, who matched. */
static int list_by(lw_workspace *ws, const char *label, query_setter set,
                   const char *value)
{
    lw_query *q = NULL;
    lw_page *page = NULL;
    lw_error err;
    char buf[256];
    int bad;

    lw_query_create(ws, &q);
    set(q, value, strlen(value));
    bad = check(lw_worker_list(ws, q, &page, &err), &err, label);
    if (!bad)
        printf("  %-23s %-34s %s\n", label, value,
               names(page, buf, sizeof buf));
    lw_page_free(page);
    lw_query_free(q);
    return bad;
}

static int list_with_each_filter(lw_workspace *ws, const char *offline,
                                 const char *support_sid)
{
    int bad = 0;

    printf("  %-23s %-34s %s\n", "filter", "value", "workers");
    bad |= list_by(ws, "FriendlyName", lw_query_set_friendly_name, "bob");
    bad |= list_by(ws, "ActivitySid", lw_query_set_activity_sid, offline);
    bad |= list_by(ws, "ActivityName", lw_query_set_activity_name,
                   "available");
    bad |= list_by(ws, "Available", lw_query_set_available, "true");
    bad |= list_by(ws, "TaskQueueSid", lw_query_set_task_queue_sid,
                   support_sid);
    bad |= list_by(ws, "TaskQueueName", lw_query_set_task_queue_name,
                   "Spanish Sales");
    bad |= list_by(ws, "TargetWorkersExpression",
                   lw_query_set_target_workers, "level >= 2");
    return bad;
}

/* Walk all workers two at a time, following the page tokens. */
static int list_in_pages(lw_workspace *ws)
{
    lw_query *q = NULL;
    lw_page *page = NULL;
    lw_error err;
    char buf[256];
    const char *token;
    int n = 0, bad = 0;
    bool more = true;

    lw_query_create(ws, &q);
    lw_query_set_page_size(q, 2);
    while (more && !bad) {
        bad = check(lw_worker_list(ws, q, &page, &err), &err, "page");
        if (bad)
            break;
        token = lw_page_next_token(page);
        printf("  page %d: %-20s next PageToken: %s\n", n++,
               names(page, buf, sizeof buf), token ? token : "(none)");

        /* The next request starts after this page's last worker. */
        more = token != NULL;
        if (more)
            lw_query_set_page_token(q, token, strlen(token));
        lw_page_free(page);
    }
    lw_query_free(q);
    return bad;
}

/* ---- the tour ------------------------------------------------------- */

static const char *const people[][2] = {
    {"Alice", "{\"skills\":[\"support\",\"sales\"],"
              "\"languages\":[\"english\"]}"},
    {"Bob", "{\"skills\":[\"sales\"],\"languages\":[\"spanish\","
            "\"english\"]}"},
    {"Connie", "{\"skills\":[\"support\"],\"languages\":[\"spanish\"],"
               "\"level\":3}"},
    {"David", "{\"skills\":[\"billing\"],\"languages\":[\"english\","
              "\"french\"]}"},
    {"Eve", "{\"skills\":[\"support\",\"billing\"],"
            "\"languages\":[\"english\"],\"level\":1}"},
};
#define PEOPLE (sizeof people / sizeof people[0])

/* Print each event the workspace delivers after a change. */
static void on_event(void *user, const lw_event *ev)
{
    (void)user;
    printf("  event %-24s %s, version %" PRId64, lw_event_type(ev),
           lw_worker_friendly_name(lw_event_worker(ev)),
           lw_event_version(ev));
    if (lw_event_previous_activity_name(ev) != NULL)
        printf(", was %s for %" PRId64 " s",
               lw_event_previous_activity_name(ev),
               lw_event_previous_activity_ms(ev) / 1000);
    printf("\n");
}

static int add_workers(lw_workspace *ws, lw_worker **out)
{
    lw_error err;
    size_t i;

    for (i = 0; i < PEOPLE; i++) {
        if (check(lw_worker_create(ws, people[i][0], strlen(people[i][0]),
                                   people[i][1], strlen(people[i][1]),
                                   NULL, 0, &out[i], &err),
                  &err, people[i][0]))
            return 1;
        now_ms += 60000; /* one a minute */
    }
    return 0;
}

static int add_queue(lw_workspace *ws, const char *name, const char *expr,
                     lw_task_queue **out)
{
    lw_error err;

    printf("  %-14s %s\n", name, expr);
    return check(lw_task_queue_create(ws, name, strlen(name), expr,
                                      strlen(expr), out, &err),
                 &err, name);
}

static int show_all(lw_workspace *ws, const char *expr)
{
    lw_query *q = NULL;
    lw_page *page = NULL;
    lw_error err;
    int bad;

    lw_query_create(ws, &q);
    if (expr != NULL)
        lw_query_set_target_workers(q, expr, strlen(expr));
    bad = check(lw_worker_list(ws, q, &page, &err), &err, "list");
    if (!bad)
        worker_table(page);
    lw_page_free(page);
    lw_query_free(q);
    return bad;
}

/* Find an activity by name: activities list like workers do. */
static const char *activity_sid(lw_workspace *ws, const char *name,
                                char sid[LW_SID_LEN + 1])
{
    lw_query *q = NULL;
    lw_page *page = NULL;

    lw_query_create(ws, &q);
    lw_query_set_friendly_name(q, name, strlen(name));
    sid[0] = '\0';
    if (lw_activity_list(ws, q, &page, NULL) == LW_OK &&
        lw_page_count(page) == 1)
        snprintf(sid, LW_SID_LEN + 1, "%s",
                 lw_activity_sid(lw_page_activity(page, 0)));
    lw_page_free(page);
    lw_query_free(q);
    return sid;
}

/* Move a worker to another activity; the event handler prints what
 * happened. */
static int change_activity(lw_workspace *ws, lw_worker *w, const char *sid)
{
    lw_worker_changes *c = NULL;
    lw_worker *after = NULL;
    lw_error err;
    int bad;

    lw_worker_changes_create(ws, &c);
    lw_worker_changes_set_activity_sid(c, sid, strlen(sid));
    bad = check(lw_worker_update(ws, lw_worker_sid(w), LW_SID_LEN, c, &after,
                                 &err), &err, "update");
    if (!bad)
        printf("  %s is now %s (status changed %s, version %" PRId64 ")\n",
               lw_worker_friendly_name(after), lw_worker_activity_name(after),
               hhmmss(lw_worker_date_status_changed(after)),
               lw_worker_version(after));
    lw_worker_release(after);
    lw_worker_changes_free(c);
    return bad;
}

static void print_indented(const char *text)
{
    const char *nl;
    size_t len;

    while (*text != '\0') {
        nl = strchr(text, '\n');
        len = nl ? (size_t)(nl - text) : strlen(text);
        printf("    %.*s\n", (int)len, text);
        text += len + (nl != NULL);
    }
}

/*
 * Why does a worker not match?  Compile the expression with the
 * workspace's symbol table, then ask for the steps: the worker's
 * attributes and its built-in names (friendly_name, activity_name, ...)
 * are what the expression sees, exactly as a queue sees them.
 */
static int explain(lw_workspace *ws, const lw_worker *w, const char *expr)
{
    lw_expr *prog = NULL;
    char *text = NULL;
    lw_error err;
    int bad;

    bad = check(lw_expr_compile(lw_workspace_symtab(ws), expr, strlen(expr),
                                &prog, &err), &err, "compile");
    if (!bad)
        bad = check(lw_worker_explain(prog, w, LW_EXPLAIN_TEXT, &text, NULL,
                                      &err), &err, "explain");
    if (!bad)
        print_indented(text);
    lw_free(lw_workspace_allocator(ws), text);
    lw_expr_free(prog);
    return bad;
}

/* Print a refusal the way a REST client would see it. */
static void refusal(const char *what, lw_result rc, const lw_error *err)
{
    printf("  %s\n    -> %s, HTTP %d, Twilio code %d\n    -> \"%s\"\n",
           what, lw_result_name(rc), (int)lw_result_http_status(rc),
           (int)lw_result_twilio_code(rc), err->message);
}

static int conflicts(lw_workspace *ws, const lw_worker *bob)
{
    lw_worker_changes *c = NULL;
    lw_error err;
    lw_result rc;
    int bad;

    /* Names are unique ignoring ASCII case: 409. */
    rc = lw_worker_create(ws, "ALICE", 5, NULL, 0, NULL, 0, NULL, &err);
    refusal("create another worker named \"ALICE\"", rc, &err);
    bad = rc != LW_ERR_DUPLICATE;

    /* Bob changes (version 1), then an update still expecting version 0
     * (an HTTP If-Match: 0) is refused: 412, and nothing changes. */
    lw_worker_changes_create(ws, &c);
    lw_worker_changes_set_attributes(c, "{\"skills\":[\"sales\",\"vip\"]}",
                                     26);
    lw_worker_update(ws, lw_worker_sid(bob), LW_SID_LEN, c, NULL, NULL);
    lw_worker_changes_set_friendly_name(c, "Robert", 6);
    lw_worker_changes_set_expected_version(c, 0);
    rc = lw_worker_update(ws, lw_worker_sid(bob), LW_SID_LEN, c, NULL, &err);
    refusal("rename Bob expecting version 0 (it is 1 now)", rc, &err);
    lw_worker_changes_free(c);
    return bad || rc != LW_ERR_PRECONDITION;
}

static int tour(lw_workspace *ws, lw_worker **w)
{
    lw_task_queue *support = NULL, *spanish = NULL;
    char offline[LW_SID_LEN + 1], available[LW_SID_LEN + 1];
    int bad = 0;

    heading("Workers");
    bad |= add_workers(ws, w);
    bad |= bad ? 1 : show_all(ws, NULL);

    heading("Task queues");
    bad |= add_queue(ws, "Support", "skills HAS 'support'", &support);
    bad |= add_queue(ws, "Spanish Sales",
                     "skills HAS 'sales' AND languages HAS 'spanish'",
                     &spanish);
    if (bad)
        return bad;

    heading("Activity change: Alice and Connie become Available");
    lw_workspace_set_event_handler(ws, on_event, NULL);
    now_ms += 15 * 60000;
    activity_sid(ws, "Available", available);
    activity_sid(ws, "Offline", offline);
    bad |= change_activity(ws, w[0], available);
    bad |= change_activity(ws, w[2], available);
    lw_workspace_set_event_handler(ws, NULL, NULL);

    heading("Listing with each filter");
    bad |= list_with_each_filter(ws, offline, lw_task_queue_sid(support));

    /* Built-in names (sid, friendly_name, activity_sid, activity_name)
     * sit beside the attributes: this selects four workers by name. */
    heading("TargetWorkersExpression");
    printf("  friendly_name IN ['Alice','Bob','Connie','David']\n\n");
    bad |= show_all(ws, "friendly_name IN ['Alice','Bob','Connie','David']");

    heading("Paging: PageSize=2");
    bad |= list_in_pages(ws);

    heading("Explain: why is Alice not in the Spanish Sales queue?");
    printf("  %s\n\n", lw_task_queue_target_workers(spanish, NULL));
    bad |= explain(ws, w[0], lw_task_queue_target_workers(spanish, NULL));

    heading("Refusals");
    bad |= conflicts(ws, w[1]);
    lw_task_queue_release(support);
    lw_task_queue_release(spanish);
    return bad;
}

int main(void)
{
    lw_workspace_options *opts = NULL;
    lw_workspace *ws = NULL;
    lw_worker *w[PEOPLE] = {NULL};
    uint32_t seed = 20250106;
    lw_error err;
    size_t i;
    int bad;

    /* Options: a name, and the fixed clock and random source. */
    lw_workspace_options_create(NULL, &opts);
    lw_workspace_options_set_friendly_name(opts, "Quickstart", 10);
    lw_workspace_options_set_clock(opts, tour_clock, NULL);
    lw_workspace_options_set_random(opts, tour_random, &seed);
    bad = check(lw_workspace_create(opts, &ws, &err), &err, "workspace");
    lw_workspace_options_free(opts);
    if (bad)
        return 1;

    printf("libworkers %s: workspace %s\n", lw_version(),
           lw_workspace_sid(ws));
    bad = tour(ws, w);

    /* Snapshots are released, then the workspace is freed. */
    for (i = 0; i < PEOPLE; i++)
        lw_worker_release(w[i]);
    lw_workspace_free(ws);
    return bad ? 1 : 0;
}
