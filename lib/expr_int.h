/*
 * expr_int.h - what the store needs of the expression module beyond the
 * public API: evaluation with the worker built-ins and batch filtering
 * over the store's subject array.
 */
#ifndef LW_EXPR_INT_H
#define LW_EXPR_INT_H

#include "attrs_int.h"
#include "libworkers/expr.h"

/* The worker built-ins, in this order, in lw__subject.builtins. */
enum {
    LW__BUILTIN_SID = 0,
    LW__BUILTIN_FRIENDLY_NAME = 1,
    LW__BUILTIN_ACTIVITY_SID = 2,
    LW__BUILTIN_ACTIVITY_NAME = 3,
    LW__BUILTIN_COUNT = 4
};

/*
 * What one evaluation sees: the attributes root (an OBJ value) and, for a
 * worker, the four built-ins as interned strings of the program's table;
 * with the root's shape and values when it has a shape.
 * builtins == NULL means no built-ins: those names resolve in the root
 * like any other.  A built-in wins over an attribute of the same name.
 */
typedef struct lw__subject {
    const lw__val *root;
    const lw__sym *const *builtins;
    const lw__shape *shape;  /* of root, or NULL */
    const lw__val *values;   /* root->u.items, when shape is set */
} lw__subject;

/*
 * Fill a subject for a document (NULL: the empty object) and optional
 * built-ins.  The shape and values let a scan read a top-level member
 * without touching the document's header.
 */
void lw__subject_set(lw__subject *s, const lw_attrs *doc,
                     const lw__sym *const *builtins);

/* Evaluate one subject. */
bool lw__expr_eval(const lw_expr *e, const lw__subject *s);

/*
 * Evaluate subjects[0..n) and write the positions of the matches,
 * ascending, to out_index when not NULL; return the match count.
 */
size_t lw__expr_filter(const lw_expr *e, const lw__subject *subjects,
                       size_t n, uint32_t *out_index);

/* Explain one subject (format, ownership and errors as lw_expr_explain). */
lw_result lw__expr_explain(const lw_expr *e, const lw__subject *s,
                           lw_explain_format format, char **out,
                           size_t *len, lw_error *err);

/* The symbol table the program was compiled with. */
lw_symtab *lw__expr_symtab(const lw_expr *e);

#endif /* LW_EXPR_INT_H */
