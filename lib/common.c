/*
 * common.c - version, result codes and their REST mapping, the default
 * allocator, error filling, the growable buffer and text helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- version ------------------------------------------------------------ */

const char *lw_version(void)
{
    return LW_VERSION_STRING;
}

int32_t lw_version_number(void)
{
    return LW_VERSION_NUMBER;
}

/* ---- result codes ------------------------------------------------------- */

typedef struct code_info {
    const char *name;
    const char *text;
    int32_t http;
    int32_t twilio;
} code_info;

static const code_info codes[LW_RESULT_COUNT] = {
    [LW_OK] = {"LW_OK", "success", 200, 0},
    [LW_ERR_INVALID] = {"LW_ERR_INVALID", "invalid argument", 400, 20001},
    [LW_ERR_SYNTAX] = {"LW_ERR_SYNTAX", "syntax error", 400, 20001},
    [LW_ERR_NOT_FOUND] = {"LW_ERR_NOT_FOUND", "not found", 404, 20404},
    [LW_ERR_DUPLICATE] = {"LW_ERR_DUPLICATE",
                          "friendly name already exists", 409, 20001},
    [LW_ERR_IN_PROGRESS] = {"LW_ERR_IN_PROGRESS",
                            "an update is already in progress", 409, 20409},
    [LW_ERR_LIMIT] = {"LW_ERR_LIMIT", "limit reached", 409, 20409},
    [LW_ERR_IN_USE] = {"LW_ERR_IN_USE", "resource in use", 409, 20409},
    [LW_ERR_PENDING] = {"LW_ERR_PENDING",
                        "worker has pending reservations", 409, 20409},
    [LW_ERR_PRECONDITION] = {"LW_ERR_PRECONDITION",
                             "version does not match", 412, 20412},
    [LW_ERR_NOMEM] = {"LW_ERR_NOMEM", "out of memory", 503, 20503},
    [LW_ERR_AUTH] = {"LW_ERR_AUTH", "authentication failed", 401, 20003},
    [LW_ERR_METHOD] = {"LW_ERR_METHOD", "method not allowed", 405, 20004},
    [LW_ERR_TOO_LARGE] = {"LW_ERR_TOO_LARGE", "input too large", 400, 20001},
};

static const code_info *code_lookup(lw_result code)
{
    if (code < 0 || code >= LW_RESULT_COUNT)
        return NULL;
    return &codes[code];
}

const char *lw_strerror(lw_result code)
{
    const code_info *c = code_lookup(code);
    return c ? c->text : "unknown error";
}

const char *lw_result_name(lw_result code)
{
    const code_info *c = code_lookup(code);
    return c ? c->name : "LW_ERR_UNKNOWN";
}

int32_t lw_result_http_status(lw_result code)
{
    const code_info *c = code_lookup(code);
    return c ? c->http : 500;
}

int32_t lw_result_twilio_code(lw_result code)
{
    const code_info *c = code_lookup(code);
    return c ? c->twilio : 20500;
}

/* ---- allocation --------------------------------------------------------- */

static void *default_realloc(void *user, void *ptr, size_t size)
{
    (void)user;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

static const lw_allocator default_allocator = {default_realloc, NULL};

const lw_allocator *lw_allocator_default(void)
{
    return &default_allocator;
}

void *lw__malloc(const lw_allocator *a, size_t n)
{
    a = lw__alloc_or_default(a);
    return a->realloc(a->user, NULL, n ? n : 1);
}

void *lw__calloc(const lw_allocator *a, size_t n, size_t size)
{
    void *p;

    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    p = lw__malloc(a, n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

void *lw__realloc(const lw_allocator *a, void *p, size_t n)
{
    a = lw__alloc_or_default(a);
    return a->realloc(a->user, p, n ? n : 1);
}

void lw__free(const lw_allocator *a, void *p)
{
    if (p == NULL)
        return;
    a = lw__alloc_or_default(a);
    a->realloc(a->user, p, 0);
}

void lw_free(const lw_allocator *alloc, void *ptr)
{
    lw__free(alloc, ptr);
}

char *lw__strndup(const lw_allocator *a, const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        return NULL;
    p = lw__malloc(a, len + 1);
    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* ---- errors ------------------------------------------------------------- */

lw_result lw__vfail(lw_error *err, lw_result code, int64_t offset,
                    const char *fmt, va_list ap)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->reserved = 0;
    err->offset = offset;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

lw_result lw__fail(lw_error *err, lw_result code, int64_t offset,
                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    lw__vfail(err, code, offset, fmt, ap);
    va_end(ap);
    return code;
}

lw_result lw__fail_code(lw_error *err, lw_result code)
{
    return lw__fail(err, code, -1, "%s", lw_strerror(code));
}

/* ---- growable buffer ---------------------------------------------------- */

void lw__buf_init(lw__buf *b, const lw_allocator *alloc)
{
    b->alloc = alloc;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void lw__buf_release(lw__buf *b)
{
    lw__free(b->alloc, b->data);
    lw__buf_init(b, b->alloc);
}

bool lw__buf_reserve(lw__buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (b->failed)
        return false;
    if (extra > SIZE_MAX - b->len - 1)
        goto fail;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = lw__realloc(b->alloc, b->data, cap);
    if (p == NULL)
        goto fail;
    b->data = p;
    b->cap = cap;
    return true;

fail:
    b->failed = true;
    return false;
}

void lw__buf_append(lw__buf *b, const void *data, size_t len)
{
    if (!lw__buf_reserve(b, len))
        return;
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void lw__buf_puts(lw__buf *b, const char *s)
{
    lw__buf_append(b, s, strlen(s));
}

void lw__buf_putc(lw__buf *b, char c)
{
    lw__buf_append(b, &c, 1);
}

void lw__buf_printf(lw__buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[128];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        lw__buf_append(b, small, (size_t)n);
        return;
    }
    if (!lw__buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void lw__buf_json_string(lw__buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    lw__buf_putc(b, '"');
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];
        size_t n = 2;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        lw__buf_append(b, s + run, i - run);
        run = i + 1;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        lw__buf_append(b, esc, n);
    }
    lw__buf_append(b, s + run, len - run);
    lw__buf_putc(b, '"');
}

char *lw__buf_take(lw__buf *b, size_t *len)
{
    char *p;

    if (b->failed) {
        lw__buf_release(b);
        return NULL;
    }
    if (!lw__buf_reserve(b, 0))
        return NULL;
    p = b->data;
    if (len != NULL)
        *len = b->len;
    lw__buf_init(b, b->alloc);
    return p;
}

/* ---- text --------------------------------------------------------------- */

size_t lw__utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned char c;
        size_t n;
        uint32_t cp, min;
        uint64_t w;

        /* ASCII eight bytes at a time. */
        if (len - i >= 8) {
            memcpy(&w, p + i, 8);
            if ((w & 0x8080808080808080u) == 0) {
                i += 8;
                continue;
            }
        }
        c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (len - i <= n)
            return i;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += n + 1;
    }
    return len;
}

size_t lw__utf8_count(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

static inline unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

int lw__ascii_casecmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    for (i = 0; i < n; i++) {
        unsigned char x = fold((unsigned char)a[i]);
        unsigned char y = fold((unsigned char)b[i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return alen < blen ? -1 : alen > blen;
}

uint32_t lw__hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t h = 2166136261u;

    while (len--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

uint32_t lw__hash_nocase(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t h = 2166136261u;

    while (len--)
        h = (h ^ fold(*p++)) * 16777619u;
    return h;
}
