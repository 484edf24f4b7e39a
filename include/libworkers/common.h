/*
 * libworkers/common.h - version, result codes, errors and the allocator
 * hook shared by every libworkers module.
 */
#ifndef LIBWORKERS_COMMON_H
#define LIBWORKERS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define LW_API
#elif defined(__GNUC__)
#define LW_API __attribute__((visibility("default")))
#else
#define LW_API
#endif

/* ---------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------ */

#define LW_VERSION_MAJOR 0
#define LW_VERSION_MINOR 1
#define LW_VERSION_PATCH 0
#define LW_VERSION_STRING "0.1.0"

/* MAJOR * 10000 + MINOR * 100 + PATCH, comparable with < and >. */
#define LW_VERSION_NUMBER \
    (LW_VERSION_MAJOR * 10000 + LW_VERSION_MINOR * 100 + LW_VERSION_PATCH)

/*
 * lw_version() returns the version string of the library actually linked
 * ("0.1.0"); lw_version_number() returns its LW_VERSION_NUMBER.  Compare
 * them with the macros to detect a header/library mismatch.
 * Thread-safe.  Since 0.1.0.
 */
LW_API const char *lw_version(void);
LW_API int32_t lw_version_number(void);

/* ---------------------------------------------------------------------
 * Result codes
 *
 * Every function that can fail returns an lw_result: 0 (LW_OK) on success,
 * one of the positive codes below otherwise.  A failed call changes
 * nothing.  The REST mapping of each code is given by
 * lw_result_http_status() and lw_result_twilio_code().
 * ------------------------------------------------------------------ */

typedef int32_t lw_result;

enum {
    LW_OK = 0,
    LW_ERR_INVALID = 1,      /* invalid or missing argument: 400 / 20001 */
    LW_ERR_SYNTAX = 2,       /* invalid JSON or expression: 400 / 20001 */
    LW_ERR_NOT_FOUND = 3,    /* no such resource: 404 / 20404 */
    LW_ERR_DUPLICATE = 4,    /* friendly name already used: 409 / 20001 */
    LW_ERR_IN_PROGRESS = 5,  /* an update is already in progress: 409/20409 */
    LW_ERR_LIMIT = 6,        /* a count limit was reached: 409 / 20409 */
    LW_ERR_IN_USE = 7,       /* activity in use or default/timeout: 409/20409 */
    LW_ERR_PENDING = 8,      /* pending reservations: 409 / 20409 */
    LW_ERR_PRECONDITION = 9, /* expected version differs: 412 / 20412 */
    LW_ERR_NOMEM = 10,       /* out of memory: 503 / 20503 */
    LW_ERR_AUTH = 11,        /* bad credentials: 401 / 20003 */
    LW_ERR_METHOD = 12,      /* method not allowed on a path: 405 / 20004 */
    LW_ERR_TOO_LARGE = 13    /* input over a size limit: 400 / 20001 */
};

/* Number of result codes, for tables indexed by code. */
#define LW_RESULT_COUNT 14

/*
 * lw_strerror() returns a fixed English sentence for a code ("out of
 * memory"); an unknown code gives "unknown error".  Never NULL, static
 * storage.  Thread-safe.  Since 0.1.0.
 */
LW_API const char *lw_strerror(lw_result code);

/*
 * lw_result_name() returns the constant's name ("LW_ERR_NOMEM"), or
 * "LW_ERR_UNKNOWN".  Static storage.  Since 0.1.0.
 */
LW_API const char *lw_result_name(lw_result code);

/*
 * The HTTP status (200 for LW_OK, 400, 401, 404, 405, 409, 412, 503) and
 * the Twilio error code (0 for LW_OK, 20001, 20003, 20004, 20404, 20409,
 * 20412, 20503) that the REST mapping answers for a code.  An unknown code
 * maps to 500 / 20500.  Since 0.1.0.
 */
LW_API int32_t lw_result_http_status(lw_result code);
LW_API int32_t lw_result_twilio_code(lw_result code);

/* ---------------------------------------------------------------------
 * Error details
 *
 * Fallible functions take an optional lw_error * (NULL when the caller
 * does not want details).  On failure it receives the code, a message a
 * person can act on and, for parsers, the byte offset of the problem.
 * On success it is left untouched.
 * ------------------------------------------------------------------ */

#define LW_ERROR_MESSAGE_SIZE 256

typedef struct lw_error {
    lw_result code;     /* the code the call returned */
    int32_t reserved;   /* zero */
    int64_t offset;     /* byte offset into the parsed text, or -1 */
    char message[LW_ERROR_MESSAGE_SIZE]; /* NUL-terminated UTF-8 */
} lw_error;

/* ---------------------------------------------------------------------
 * Allocator hook
 *
 * One realloc-style function plus a user pointer, given per handle:
 *   fn(user, NULL, n)  allocates n bytes (n > 0);
 *   fn(user, p, n)     resizes p to n bytes (n > 0), like realloc;
 *   fn(user, p, 0)     frees p and returns NULL.
 * A failed allocation or resize returns NULL and leaves p untouched; the
 * library then answers LW_ERR_NOMEM and changes nothing.  Memory must be
 * aligned for any type, as malloc's is.  Passing NULL where an allocator is
 * taken selects the C library's realloc/free.  The function may be called
 * from any thread that uses the handle.
 * ------------------------------------------------------------------ */

typedef void *(*lw_realloc_fn)(void *user, void *ptr, size_t size);

typedef struct lw_allocator {
    lw_realloc_fn realloc;  /* never NULL in a valid allocator */
    void *user;             /* passed back unchanged */
} lw_allocator;

/*
 * lw_allocator_default() returns the allocator used when NULL is given:
 * the C library's realloc and free.  Static storage.  Since 0.1.0.
 */
LW_API const lw_allocator *lw_allocator_default(void);

/*
 * lw_free() releases memory that a libworkers function returned to the
 * caller (rendered text, for example), using the allocator that function
 * was given (NULL for the default).  lw_free(a, NULL) does nothing.
 * Since 0.1.0.
 */
LW_API void lw_free(const lw_allocator *alloc, void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* LIBWORKERS_COMMON_H */
