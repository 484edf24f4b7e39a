/*
 * libworkers/expr.h - TaskRouter target-workers expressions: compile text
 * once into a program, evaluate it against attribute documents, and
 * explain a result comparison by comparison.
 */
#ifndef LIBWORKERS_EXPR_H
#define LIBWORKERS_EXPR_H

#include <stdbool.h>

#include "attrs.h"
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the language (docs/expressions.md). */
#define LW_EXPR_MAX_BYTES 16384
#define LW_EXPR_MAX_DEPTH 64
#define LW_EXPR_MAX_ARRAY 1024

typedef struct lw_expr lw_expr;

/*
 * Compile len bytes of expression text.  Names and strings are interned in
 * syms, so the program can be evaluated against documents parsed with the
 * same table (and only those).  The program holds a reference on syms.
 *
 * Returns LW_OK and the program in *out, or LW_ERR_SYNTAX with err->offset
 * the byte offset of the problem and a message naming what was found and
 * what was expected ("unexpected '-' at offset 5 (hyphens are not allowed
 * in names)"), LW_ERR_TOO_LARGE (over LW_EXPR_MAX_BYTES, offset 16384),
 * LW_ERR_INVALID (NULL argument) or LW_ERR_NOMEM.
 * Thread-safe.  Since 0.1.0.
 */
LW_API lw_result lw_expr_compile(lw_symtab *syms, const char *text,
                                 size_t len, lw_expr **out, lw_error *err);

/* Free a program.  NULL is ignored.  Since 0.1.0. */
LW_API void lw_expr_free(lw_expr *e);

/* The source text (NUL-terminated) and its length.  Since 0.1.0. */
LW_API const char *lw_expr_text(const lw_expr *e, size_t *len);

/*
 * Evaluate against a document used as the root (any JSON object: worker
 * attributes, task attributes, a {"task":…,"worker":…} root).  Evaluation
 * never fails: type mismatches are false.  NULL root is an empty object.
 * The document must come from the program's symbol table; otherwise the
 * result is false.  Thread-safe (a program may be shared by threads).
 * Since 0.1.0.
 */
LW_API bool lw_expr_eval(const lw_expr *e, const lw_attrs *root);

/*
 * Evaluate against every document of an array; writes the positions of
 * the matching ones, ascending, to out_index (room for n) when it is not
 * NULL, and returns how many matched.  Since 0.1.0.
 */
LW_API size_t lw_expr_filter(const lw_expr *e, const lw_attrs *const *docs,
                             size_t n, uint32_t *out_index);

/* Output formats of explanations. */
typedef int32_t lw_explain_format;
enum {
    LW_EXPLAIN_TEXT = 0,  /* lines a person reads */
    LW_EXPLAIN_JSON = 1   /* {"result":…,"steps":[…]} */
};

/*
 * Explain the evaluation of e against root: every comparison with the
 * values its operands resolved to and its result, then the final result.
 * On LW_OK *out holds NUL-terminated text (length in *len when len is not
 * NULL) that the caller frees with lw_free() and the table's allocator
 * (lw_free(NULL, p) when the table uses the default).  Errors:
 * LW_ERR_INVALID, LW_ERR_NOMEM.  Since 0.1.0.
 */
LW_API lw_result lw_expr_explain(const lw_expr *e, const lw_attrs *root,
                                 lw_explain_format format, char **out,
                                 size_t *len, lw_error *err);

#ifdef __cplusplus
}
#endif

#endif /* LIBWORKERS_EXPR_H */
