/*
 * internal.h - helpers shared by the library's source files: allocation
 * through the per-handle hook, error filling, a growable byte buffer,
 * UTF-8 checks and hashing.  Names here carry the internal prefix lw__.
 */
#ifndef LW_INTERNAL_H
#define LW_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libworkers/common.h"

#if defined(__GNUC__)
#define LW__LIKELY(x) __builtin_expect(!!(x), 1)
#define LW__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define LW__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LW__LIKELY(x) (x)
#define LW__UNLIKELY(x) (x)
#define LW__PRINTF(f, a)
#endif

/* ---- allocation ------------------------------------------------------ */

/* The allocator to use for a possibly NULL hook. */
static inline const lw_allocator *lw__alloc_or_default(const lw_allocator *a)
{
    return (a != NULL && a->realloc != NULL) ? a : lw_allocator_default();
}

/* Allocate n bytes (n == 0 allocates 1); NULL on failure. */
void *lw__malloc(const lw_allocator *a, size_t n);
/* Allocate n zeroed bytes; NULL on failure or on overflow of n * size. */
void *lw__calloc(const lw_allocator *a, size_t n, size_t size);
/* Resize p to n bytes (n == 0 resizes to 1); NULL leaves p untouched. */
void *lw__realloc(const lw_allocator *a, void *p, size_t n);
/* Free p (NULL does nothing). */
void lw__free(const lw_allocator *a, void *p);
/* Copy len bytes into a new NUL-terminated block; NULL on failure. */
char *lw__strndup(const lw_allocator *a, const char *s, size_t len);

/* ---- errors ---------------------------------------------------------- */

/*
 * Fill err (when not NULL) with code, offset (-1 when none) and a
 * formatted message, and return code, so that callers can write
 * "return lw__fail(err, LW_ERR_INVALID, -1, "...")".
 */
lw_result lw__fail(lw_error *err, lw_result code, int64_t offset,
                   const char *fmt, ...) LW__PRINTF(4, 5);
lw_result lw__vfail(lw_error *err, lw_result code, int64_t offset,
                    const char *fmt, va_list ap) LW__PRINTF(4, 0);

/* Fill err with the fixed lw_strerror() message of code. */
lw_result lw__fail_code(lw_error *err, lw_result code);

/* ---- growable buffer --------------------------------------------------- */

/*
 * A byte buffer that grows through an allocator.  Once an append fails
 * the buffer is marked failed and every later append does nothing, so a
 * renderer checks lw__buf_failed() once at the end.
 */
typedef struct lw__buf {
    const lw_allocator *alloc;
    char *data;       /* NUL-terminated when len > 0 or after reserve */
    size_t len;
    size_t cap;
    bool failed;
} lw__buf;

void lw__buf_init(lw__buf *b, const lw_allocator *alloc);
void lw__buf_release(lw__buf *b);
bool lw__buf_reserve(lw__buf *b, size_t extra);
void lw__buf_append(lw__buf *b, const void *data, size_t len);
void lw__buf_puts(lw__buf *b, const char *s);
void lw__buf_putc(lw__buf *b, char c);
void lw__buf_printf(lw__buf *b, const char *fmt, ...) LW__PRINTF(2, 3);
/* Append s as a JSON string literal, quotes included. */
void lw__buf_json_string(lw__buf *b, const char *s, size_t len);
static inline bool lw__buf_failed(const lw__buf *b)
{
    return b->failed;
}
/* Hand the data to the caller (NUL-terminated); the buffer is reset. */
char *lw__buf_take(lw__buf *b, size_t *len);

/* ---- text ---------------------------------------------------------------- */

/*
 * Length of the valid UTF-8 prefix of s (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF).  Equal to len when s is valid.
 */
size_t lw__utf8_valid_prefix(const char *s, size_t len);
static inline bool lw__utf8_valid(const char *s, size_t len)
{
    return lw__utf8_valid_prefix(s, len) == len;
}
/* Number of code points in valid UTF-8 text. */
size_t lw__utf8_count(const char *s, size_t len);

/* Compare ignoring the case of ASCII letters only: <0, 0, >0. */
int lw__ascii_casecmp(const char *a, size_t alen, const char *b, size_t blen);
static inline bool lw__ascii_caseeq(const char *a, size_t alen,
                                    const char *b, size_t blen)
{
    return alen == blen && lw__ascii_casecmp(a, alen, b, blen) == 0;
}

/* 32-bit FNV-1a hash of bytes, and of bytes with ASCII letters folded. */
uint32_t lw__hash(const void *data, size_t len);
uint32_t lw__hash_nocase(const void *data, size_t len);

#endif /* LW_INTERNAL_H */
