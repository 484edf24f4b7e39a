/*
 * http.c - workers-server's HTTP side: read each request whole, hand it
 * to the REST adapter, send its answer and log one line per request.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>

#include "server.h"

/* If-Match headers passed on; more than two all mean "never matches". */
#define MAX_IF_MATCH 8

/* Room MHD keeps per connection: the request line and headers must fit,
 * and a query string may be as long as the adapter accepts. */
#define CONNECTION_MEMORY (LW_REST_MAX_INPUT + 256 * 1024)

/* One request in flight, from its first line to its completion. */
typedef struct request {
    struct timespec start;
    char *uri;                  /* as received: "path?query" */
    char *body;
    size_t body_len;
    size_t body_cap;
    bool started;               /* the header pass is done */
    char method[16];
    int status;                 /* 0 until answered */
    size_t bytes;               /* body bytes sent */
    const char *if_match[MAX_IF_MATCH];
    size_t if_match_len[MAX_IF_MATCH];
    size_t if_match_count;
} request;

static const char nomem_body[] =
    "{\"code\": 20503, \"message\": \"out of memory\", "
    "\"more_info\": \"https://www.twilio.com/docs/errors/20503\", "
    "\"status\": 503}";

/* ---- request bookkeeping ------------------------------------------- */

/* Called by MHD with the raw request target before anything else. */
static void *request_begin(void *cls, const char *uri,
                           struct MHD_Connection *con)
{
    request *r = calloc(1, sizeof *r);

    (void)cls;
    (void)con;
    if (r == NULL)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    r->uri = strdup(uri ? uri : "/");
    if (r->uri == NULL) {
        free(r);
        return NULL;
    }
    return r;
}

static long elapsed_us(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - start->tv_sec) * 1000000L +
           (now.tv_nsec - start->tv_nsec) / 1000L;
}

/* The path part of a request target, skipping "scheme://host" if the
 * client sent the absolute form. */
static const char *target_path(const char *uri, size_t *len)
{
    const char *p = uri;
    const char *q;

    if (*p != '/' && (q = strstr(p, "://")) != NULL) {
        p = strchr(q + 3, '/');
        if (p == NULL)
            p = "/";
    }
    q = strchr(p, '?');
    *len = q ? (size_t)(q - p) : strlen(p);
    return p;
}

/* Called by MHD when a request is over: log it and free it. */
static void request_end(void *cls, struct MHD_Connection *con,
                        void **con_cls, enum MHD_RequestTerminationCode toe)
{
    request *r = *con_cls;
    const char *path;
    size_t len;

    (void)cls;
    (void)con;
    (void)toe;
    if (r == NULL)
        return;
    if (r->status != 0) {
        path = target_path(r->uri, &len);
        printf("%s %.*s %d %zu %ldus\n", r->method, (int)len, path,
               r->status, r->bytes, elapsed_us(&r->start));
        fflush(stdout);
    }
    free(r->body);
    free(r->uri);
    free(r);
    *con_cls = NULL;
}

/* ---- reading ------------------------------------------------------- */

/* Keep up to one byte past the adapter's limit: enough for it to refuse
 * the body, without holding an unbounded upload. */
static bool body_append(request *r, const char *data, size_t n)
{
    size_t room = LW_REST_MAX_INPUT + 1 - r->body_len;
    size_t cap;
    char *p;

    if (n > room)
        n = room;
    if (n == 0)
        return true;
    if (r->body_len + n > r->body_cap) {
        cap = r->body_cap ? r->body_cap : 4096;
        while (cap < r->body_len + n)
            cap *= 2;
        p = realloc(r->body, cap);
        if (p == NULL)
            return false;
        r->body = p;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    return true;
}

static enum MHD_Result collect_if_match(void *cls, enum MHD_ValueKind kind,
                                        const char *key, size_t key_len,
                                        const char *value, size_t value_len)
{
    request *r = cls;

    (void)kind;
    (void)key_len;
    if (strcasecmp(key, "If-Match") != 0)
        return MHD_YES;
    if (r->if_match_count < MAX_IF_MATCH) {
        r->if_match[r->if_match_count] = value ? value : "";
        r->if_match_len[r->if_match_count] = value ? value_len : 0;
        r->if_match_count++;
    }
    return MHD_YES;
}

/* ---- answering ----------------------------------------------------- */

static enum MHD_Result send_answer(request *r, struct MHD_Connection *con,
                                   int status, const char *body, size_t len,
                                   const lw_rest_response *resp)
{
    struct MHD_Response *m;
    enum MHD_Result ok;
    size_t i, n = resp ? lw_rest_response_header_count(resp) : 0;

    m = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
                                        MHD_RESPMEM_MUST_COPY);
    if (m == NULL)
        return MHD_NO;
    for (i = 0; i < n; i++)
        MHD_add_response_header(m, lw_rest_response_header_name(resp, i),
                                lw_rest_response_header_value(resp, i));
    if (resp == NULL)
        MHD_add_response_header(m, "Content-Type", "application/json");

    ok = MHD_queue_response(con, (unsigned)status, m);
    MHD_destroy_response(m);
    if (ok == MHD_YES) {
        r->status = status;
        r->bytes = strcmp(r->method, "HEAD") == 0 ? 0 : len;
    }
    return ok;
}

static void fill_request(request *r, struct MHD_Connection *con,
                         lw_rest_request *q)
{
    const char *mark;

    memset(q, 0, sizeof *q);
    q->method = r->method;
    q->method_len = strlen(r->method);
    q->path = target_path(r->uri, &q->path_len);
    mark = strchr(q->path, '?');
    if (mark != NULL) {
        q->query = mark + 1;
        q->query_len = strlen(mark + 1);
    }
    q->body = r->body;
    q->body_len = r->body_len;

    MHD_get_connection_values_n(con, MHD_HEADER_KIND, collect_if_match, r);
    q->if_match = r->if_match;
    q->if_match_len = r->if_match_len;
    q->if_match_count = r->if_match_count;
    q->authorization = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
                                                   "Authorization");
    if (q->authorization != NULL)
        q->authorization_len = strlen(q->authorization);
}

static enum MHD_Result answer(server *s, request *r,
                              struct MHD_Connection *con)
{
    lw_rest_request q;
    lw_rest_response *resp = NULL;
    const char *body;
    size_t len;
    enum MHD_Result ok;

    fill_request(r, con, &q);
    if (lw_rest_handle(s->rest, &q, &resp, NULL) != LW_OK)
        return send_answer(r, con, 503, nomem_body, sizeof nomem_body - 1,
                           NULL);

    body = lw_rest_response_body(resp, &len);
    ok = send_answer(r, con, (int)lw_rest_response_status(resp), body, len,
                     resp);
    lw_rest_response_free(resp);
    return ok;
}

/* MHD's access handler: called once for the headers, once per piece of
 * the body, and once more when the body is complete. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *con,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    request *r = *con_cls;

    (void)url;
    (void)version;
    if (r == NULL)
        return MHD_NO;
    if (!r->started) {
        r->started = true;
        snprintf(r->method, sizeof r->method, "%s", method);
        return MHD_YES;
    }

    if (*upload_data_size != 0) {
        if (!body_append(r, upload_data, *upload_data_size))
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    return answer(cls, r, con);
}

/* ---- the daemon ---------------------------------------------------- */

int server_http_start(server *s)
{
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG;

    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
        MHD_OPTION_URI_LOG_CALLBACK, request_begin, (void *)s,
        MHD_OPTION_NOTIFY_COMPLETED, request_end, (void *)s,
        MHD_OPTION_THREAD_POOL_SIZE, s->cfg.threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, 120u,
        MHD_OPTION_END);
    if (s->daemon == NULL) {
        fprintf(stderr, "workers-server: cannot start the HTTP daemon\n");
        return -1;
    }
    return 0;
}

void server_http_stop(server *s)
{
    if (s->daemon != NULL)
        MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
}
