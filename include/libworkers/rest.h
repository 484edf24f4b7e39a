/*
 * libworkers/rest.h - the Twilio TaskRouter wire format: turn one HTTP
 * request (method, path, query, form body, If-Match, Authorization) into
 * one response (status, headers, JSON body).  No I/O of its own.
 */
#ifndef LIBWORKERS_REST_H
#define LIBWORKERS_REST_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest body and query string accepted, in bytes (1 MiB). */
#define LW_REST_MAX_INPUT 1048576

/* ---------------------------------------------------------------------
 * The adapter
 *
 * One lw_rest serves the /v1/Workspaces/{WS}/... paths of every
 * workspace attached to it.  The adapter never owns a workspace: the host
 * keeps each one alive while it is attached and detaches it before
 * destroying it.
 * ------------------------------------------------------------------ */

typedef struct lw_rest lw_rest;

/* What lw_rest_create() takes.  Zero-fill it, then set what you need. */
typedef struct lw_rest_options {
    /* Allocator of the adapter and of every response; NULL: default. */
    const lw_allocator *alloc;
    /*
     * HTTP Basic credentials to demand, NUL-terminated UTF-8: the user is
     * the account SID, the password the auth token.  Both NULL: requests
     * are not authenticated.  Both are copied.
     */
    const char *account_sid;
    const char *auth_token;
} lw_rest_options;

/*
 * Create an adapter.  opts may be NULL (default allocator, no
 * credentials).  Returns LW_OK with the adapter in *out, LW_ERR_INVALID
 * (out is NULL; only one of account_sid and auth_token set, or one of
 * them empty) or LW_ERR_NOMEM.  Free it with lw_rest_destroy().
 * Since 0.1.0.
 */
LW_API lw_result lw_rest_create(const lw_rest_options *opts, lw_rest **out,
                                lw_error *err);

/*
 * Destroy an adapter; the attached workspaces are left alone.  NULL is
 * ignored.  No request may be running on it.  Since 0.1.0.
 */
LW_API void lw_rest_destroy(lw_rest *rest);

/*
 * Serve ws under /v1/Workspaces/{its SID}.  Returns LW_OK,
 * LW_ERR_INVALID (NULL argument), LW_ERR_DUPLICATE (a workspace with the
 * same SID is attached already) or LW_ERR_NOMEM.  The workspace is not
 * owned.  Thread-safe: may run while requests are being handled.
 * Since 0.1.0.
 */
LW_API lw_result lw_rest_attach(lw_rest *rest, lw_workspace *ws,
                                lw_error *err);

/*
 * Stop serving ws.  When this returns, no request of the adapter uses ws
 * any more and the host may destroy it.  Returns LW_OK, LW_ERR_INVALID or
 * LW_ERR_NOT_FOUND (ws is not attached).  Thread-safe, but not from
 * inside lw_rest_handle() on the same adapter (a workspace event callback
 * run by a request), which would wait for itself.  Since 0.1.0.
 */
LW_API lw_result lw_rest_detach(lw_rest *rest, lw_workspace *ws,
                                lw_error *err);

/* ---------------------------------------------------------------------
 * Requests and responses
 * ------------------------------------------------------------------ */

/*
 * One HTTP request as the host received it.  Every text comes with its
 * length and need not be NUL-terminated; a NULL pointer with length 0
 * means absent.  Nothing is kept after lw_rest_handle() returns.
 */
typedef struct lw_rest_request {
    const char *method;   /* "GET", "POST", "DELETE", ...: case-sensitive */
    size_t method_len;
    const char *path;     /* "/v1/Workspaces/WS.../Workers", no '?' part */
    size_t path_len;
    const char *query;    /* the text after '?', without the '?' */
    size_t query_len;
    const char *body;     /* application/x-www-form-urlencoded body */
    size_t body_len;
    /* The value of each If-Match header, in order; count 0: none. */
    const char *const *if_match;
    const size_t *if_match_len;
    size_t if_match_count;
    const char *authorization; /* the Authorization header's value */
    size_t authorization_len;
} lw_rest_request;

typedef struct lw_rest_response lw_rest_response;

/*
 * Answer one request.  Every outcome the REST contract defines, errors
 * included (400, 401, 404, 405, 409, 412, 503), is an LW_OK return with
 * a response whose status says what happened.  The response is the
 * caller's: free it with lw_rest_response_free().
 *
 * Returns LW_OK, LW_ERR_INVALID (NULL argument; a length without its
 * text) or LW_ERR_NOMEM when not even the response could be allocated.
 * A request that fails changes nothing.  Thread-safe: requests may be
 * handled from several threads at once.  Since 0.1.0.
 */
LW_API lw_result lw_rest_handle(lw_rest *rest, const lw_rest_request *req,
                                lw_rest_response **out, lw_error *err);

/* The HTTP status (200, 201, 204, 400, ...).  Since 0.1.0. */
LW_API int32_t lw_rest_response_status(const lw_rest_response *resp);

/* The Twilio error code of an error response, 0 on success.  Since 0.1.0. */
LW_API int32_t lw_rest_response_code(const lw_rest_response *resp);

/*
 * The body (NUL-terminated; empty for 204) and its length in *len when
 * len is not NULL.  Valid until the response is freed.  Since 0.1.0.
 */
LW_API const char *lw_rest_response_body(const lw_rest_response *resp,
                                         size_t *len);

/*
 * Headers to send: their number, then the name and value of header i
 * (NUL-terminated, valid until the response is freed; NULL when i is out
 * of range).  Content-Type (unless the body is empty), ETag on resources
 * and pages, WWW-Authenticate on 401 and Allow on 405.  Since 0.1.0.
 */
LW_API size_t lw_rest_response_header_count(const lw_rest_response *resp);
LW_API const char *lw_rest_response_header_name(
    const lw_rest_response *resp, size_t i);
LW_API const char *lw_rest_response_header_value(
    const lw_rest_response *resp, size_t i);

/*
 * The value of the header called name (ASCII case ignored), or NULL when
 * the response has none.  Since 0.1.0.
 */
LW_API const char *lw_rest_response_header(const lw_rest_response *resp,
                                           const char *name);

/* Free a response.  NULL is ignored.  Since 0.1.0. */
LW_API void lw_rest_response_free(lw_rest_response *resp);

#ifdef __cplusplus
}
#endif

#endif /* LIBWORKERS_REST_H */
