/*
 * libworkers/attrs.h - worker attributes: JSON object text parsed once
 * into a compact, immutable, read-only document, plus the symbol table
 * that documents and compiled expressions share.
 */
#ifndef LIBWORKERS_ATTRS_H
#define LIBWORKERS_ATTRS_H

#include <stdbool.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default and hard limits of attribute text, in bytes. */
#define LW_ATTRS_DEFAULT_MAX_BYTES 4096
/* Deepest nesting of objects and arrays; the top object is level 1. */
#define LW_ATTRS_MAX_DEPTH 64

/* ---------------------------------------------------------------------
 * Symbol table
 *
 * Keys and string values of documents, and the names and strings of
 * compiled expressions, are interned in a symbol table so that equality
 * is a pointer comparison.  A workspace owns one; a host that parses and
 * evaluates on its own creates one.  The table is reference counted:
 * every document and expression made with it holds a reference, so the
 * release calls may come in any order.  Thread-safe: documents and
 * expressions may be created and freed from several threads at once.
 * ------------------------------------------------------------------ */

typedef struct lw_symtab lw_symtab;

/*
 * Create an empty table using alloc (NULL: the C library).  The allocator
 * is copied and also serves every document and expression made with the
 * table.  Returns LW_OK, LW_ERR_INVALID (out is NULL) or LW_ERR_NOMEM.
 * Since 0.1.0.
 */
LW_API lw_result lw_symtab_create(const lw_allocator *alloc,
                                  lw_symtab **out);
/* Add a reference; returns t (NULL for NULL).  Thread-safe.  Since 0.1.0. */
LW_API lw_symtab *lw_symtab_retain(lw_symtab *t);
/*
 * Drop a reference; the last one frees the table (documents and
 * expressions hold their own references).  NULL is ignored.  Thread-safe.
 * Since 0.1.0.
 */
LW_API void lw_symtab_release(lw_symtab *t);
/* Number of distinct strings currently interned (0 for NULL).
 * Thread-safe.  Since 0.1.0. */
LW_API size_t lw_symtab_count(const lw_symtab *t);

/* ---------------------------------------------------------------------
 * Documents
 * ------------------------------------------------------------------ */

typedef struct lw_attrs lw_attrs;

/*
 * Parse len bytes of text as a strict RFC 8259 JSON object (see
 * docs/attributes.md): UTF-8 only, no NUL bytes, at most max_bytes bytes
 * (0 selects LW_ATTRS_DEFAULT_MAX_BYTES; never over 256 MiB), nesting at most
 * LW_ATTRS_MAX_DEPTH, numbers finite as doubles, duplicate keys resolved
 * to their last occurrence.  Integers in [-2^63, 2^63-1] written without
 * fraction or exponent stay exact.  The text is kept byte for byte.
 *
 * Returns LW_OK and a document with one reference in *out, or:
 * LW_ERR_INVALID (NULL argument, not an object, invalid UTF-8, NUL byte,
 * number out of range, nesting too deep), LW_ERR_SYNTAX (malformed JSON),
 * LW_ERR_TOO_LARGE (over max_bytes), LW_ERR_NOMEM.  err gets the message
 * and the byte offset ("invalid JSON at offset 17: expected ':'").
 * On failure *out is left unchanged and nothing is kept or leaked.
 * Memory comes from the table's allocator; the document holds a
 * reference on syms.  text is copied and need not be NUL-terminated.
 * Thread-safe.  Since 0.1.0.
 */
LW_API lw_result lw_attrs_parse(lw_symtab *syms, const char *text,
                                size_t len, size_t max_bytes,
                                lw_attrs **out, lw_error *err);

/* Add a reference; returns doc.  Thread-safe.  Since 0.1.0. */
LW_API lw_attrs *lw_attrs_retain(lw_attrs *doc);
/* Drop a reference; the last frees the document.  NULL is ignored.
 * Thread-safe.  Since 0.1.0. */
LW_API void lw_attrs_release(lw_attrs *doc);

/* The original text, exactly as parsed (NUL-terminated); its length in
 * *len when len is not NULL.  Valid while the document lives; NULL for
 * NULL.  A document is immutable: every read function below may be
 * called from any number of threads at once.  Since 0.1.0. */
LW_API const char *lw_attrs_text(const lw_attrs *doc, size_t *len);

/* Bytes of memory the document occupies, text copy included, interned
 * strings (shared through the table) excluded.  Since 0.1.0. */
LW_API size_t lw_attrs_memory(const lw_attrs *doc);

/* ---------------------------------------------------------------------
 * Values
 *
 * A const lw_value * points into a document and stays valid while the
 * document lives.  Functions given NULL or a value of another type return
 * the zero of their result type.  All are thread-safe and since 0.1.0.
 * ------------------------------------------------------------------ */

typedef struct lw_value lw_value;

typedef int32_t lw_type;
enum {
    LW_TYPE_NULL = 0,
    LW_TYPE_BOOL = 1,
    LW_TYPE_INT = 2,      /* exact 64-bit integer */
    LW_TYPE_DOUBLE = 3,
    LW_TYPE_STRING = 4,
    LW_TYPE_ARRAY = 5,
    LW_TYPE_OBJECT = 6
};

/* The top-level object (NULL for NULL). */
LW_API const lw_value *lw_attrs_root(const lw_attrs *doc);

/*
 * Resolve a path the way expressions do: names separated by '.', each
 * followed by any number of [n] indexes ("contact.email", "skills[0]"),
 * whitespace allowed between tokens.  Names are [A-Za-z_$][A-Za-z0-9_$]*.
 * Returns NULL when any step is missing, indexes a non-array or goes out
 * of range (an index too large for 64 bits is out of range), or when the
 * path is not well formed.  path need not be NUL-terminated.
 */
LW_API const lw_value *lw_attrs_lookup(const lw_attrs *doc,
                                       const char *path, size_t len);

LW_API lw_type lw_value_type(const lw_value *v);
LW_API bool lw_value_bool(const lw_value *v);
/* An INT as is; a DOUBLE truncated toward zero when it fits, else 0. */
LW_API int64_t lw_value_int(const lw_value *v);
/* A DOUBLE as is; an INT converted to the nearest double. */
LW_API double lw_value_double(const lw_value *v);
/* A STRING's bytes (NUL-terminated, may contain no NUL) and length. */
LW_API const char *lw_value_string(const lw_value *v, size_t *len);
/* Elements of an ARRAY or members of an OBJECT; 0 for other types. */
LW_API size_t lw_value_count(const lw_value *v);
/* Element i of an ARRAY; NULL when out of range. */
LW_API const lw_value *lw_value_at(const lw_value *v, size_t i);
/* Member i of an OBJECT, in document order (a repeated key stands where
 * it first appeared, with its last value); its key in *key / *keylen. */
LW_API const lw_value *lw_value_member(const lw_value *v, size_t i,
                                       const char **key, size_t *keylen);
/* Member of an OBJECT by key (exact bytes); NULL when absent. */
LW_API const lw_value *lw_value_get(const lw_value *v, const char *key,
                                    size_t keylen);

#ifdef __cplusplus
}
#endif

#endif /* LIBWORKERS_ATTRS_H */
