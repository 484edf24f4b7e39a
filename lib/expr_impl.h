/*
 * expr_impl.h - the inside of the expression module: tokens, the parsed
 * tree kept for explanations, the flat test program the evaluator runs,
 * and the value rules shared by folding, evaluation and explanation.
 */
#ifndef LW_EXPR_IMPL_H
#define LW_EXPR_IMPL_H

#include <string.h>

#include "expr_int.h"

/* ---- tokens ------------------------------------------------------------- */

typedef enum lw__tok_kind {
    LW__T_END = 0,
    LW__T_STRING,
    LW__T_NUMBER,
    LW__T_IDENT,
    /* keywords */
    LW__T_AND,
    LW__T_OR,
    LW__T_NOT,
    LW__T_IN,
    LW__T_HAS,
    LW__T_CONTAINS,
    LW__T_TRUE,
    LW__T_FALSE,
    LW__T_NULL,
    /* symbolic operators */
    LW__T_EQ,       /* == and = */
    LW__T_NE,       /* != */
    LW__T_GT,
    LW__T_GE,
    LW__T_LT,
    LW__T_LE,
    LW__T_HAS_SYM,  /* >- */
    LW__T_IN_SYM,   /* <- */
    /* punctuation */
    LW__T_LPAREN,
    LW__T_RPAREN,
    LW__T_LBRACK,
    LW__T_RBRACK,
    LW__T_COMMA,
    LW__T_DOT
} lw__tok_kind;

/* A number as written: exact integer when it fits, else a double. */
typedef struct lw__num {
    bool is_int;
    int64_t i;
    double d;
} lw__num;

typedef struct lw__tok {
    lw__tok_kind kind;
    uint32_t off;     /* byte offset of the first character */
    uint32_t len;     /* bytes of the token (quotes included) */
    lw__num num;      /* NUMBER */
    bool integral;    /* NUMBER written without a fraction */
    uint64_t index;   /* NUMBER without fraction, saturated at UINT64_MAX */
} lw__tok;

/* The lexer walks NUL-terminated text of known length. */
typedef struct lw__lexer {
    const char *text;
    uint32_t len;
    uint32_t pos;
    lw__tok prev;     /* the token before the current one, for hints */
} lw__lexer;

/*
 * Read the next token into *tok.  LW_OK, or LW_ERR_SYNTAX with err filled
 * (malformed number, unterminated string, stray character, bad UTF-8).
 */
lw_result lw__lex_next(lw__lexer *lx, lw__tok *tok, lw_error *err);

/* A short description of a token for messages ("'skills'", "the end"). */
void lw__tok_describe(const char *text, const lw__tok *tok, char *buf,
                      size_t size);

/*
 * The value of a plain decimal number (digits with an optional fraction)
 * of len bytes at s; s[len] must not be a digit or '.'.
 */
void lw__decimal_value(const char *s, size_t len, lw__num *out);

/* strtod() and "%.17g" in the C locale, whatever the host's locale. */
double lw__strtod_c(const char *s);
/* Shortest text that reads back as d, always with a '.' or exponent. */
void lw__format_double(double d, char *buf, size_t size);

#if defined(__GNUC__)
#define LW__ALWAYS_INLINE inline __attribute__((always_inline))
#define LW__NOINLINE __attribute__((noinline))
#else
#define LW__ALWAYS_INLINE inline
#define LW__NOINLINE
#endif

/* Is needle (nlen bytes) a substring of hay (hlen bytes)? */
bool lw__substring(const char *hay, size_t hlen, const char *needle,
                   size_t nlen);

/* ---- comparison operators ----------------------------------------------- */

typedef enum lw__op {
    LW__OP_EQ = 0,
    LW__OP_NE,
    LW__OP_GT,
    LW__OP_GE,
    LW__OP_LT,
    LW__OP_LE,
    LW__OP_HAS,
    LW__OP_IN,
    LW__OP_NOT_IN,
    LW__OP_CONTAINS
} lw__op;

/* The operator's canonical spelling ("==", "HAS", "NOT IN"). */
const char *lw__op_name(lw__op op);

/* ---- the parsed tree ---------------------------------------------------- */

typedef enum lw__operand_kind {
    LW__OPD_CONST = 0,  /* scalar constant in val */
    LW__OPD_ARRAY,      /* array literal in val (items into the pool) */
    LW__OPD_REF         /* reference: steps[step0 .. step0 + nsteps) */
} lw__operand_kind;

/* One step of a reference: a key, or an index when key is NULL. */
typedef struct lw__step {
    const lw__sym *key;
    uint64_t index;
    uint32_t slot;      /* inline-cache slot of a key step */
    uint32_t pos;       /* position of the step in its reference */
} lw__step;

typedef struct lw__operand {
    uint8_t kind;       /* lw__operand_kind */
    int8_t builtin;     /* LW__BUILTIN_* when the first name is one, or -1 */
    uint16_t spare;
    uint32_t step0;
    uint32_t nsteps;
    uint32_t off;       /* source span */
    uint32_t len;
    uint32_t items;     /* ARRAY: first element in the pool */
    lw__val val;        /* CONST and ARRAY */
    lw__num num;        /* CONST STR: numeric value when decimal */
} lw__operand;

typedef enum lw__node_kind {
    LW__N_CMP = 0,
    LW__N_AND,
    LW__N_OR,
    LW__N_NOT
} lw__node_kind;

/*
 * A node of the tree.  AND and OR hold count children linked through
 * next, starting at first; NOT holds one child at first.
 */
typedef struct lw__node {
    uint8_t kind;       /* lw__node_kind */
    uint8_t op;         /* lw__op of a CMP */
    uint16_t spare;
    uint32_t first;
    uint32_t next;      /* next sibling, or LW__NONE */
    uint32_t count;
    uint32_t lhs;       /* CMP operands */
    uint32_t rhs;
    uint32_t off;       /* CMP source span */
    uint32_t len;
} lw__node;

#define LW__NONE UINT32_MAX

/* ---- parsing ------------------------------------------------------------ */

/*
 * A growable array that starts in storage inside the parse state and
 * moves to the heap only when an expression outgrows it.
 */
typedef struct lw__vec {
    void *data;
    uint32_t n;
    uint32_t cap;
    uint32_t size;      /* bytes per element */
    bool heap;
} lw__vec;

#define LW__INLINE_NODES 32
#define LW__INLINE_VALS 64

/* Everything the parser produces, before the program is laid out. */
typedef struct lw__parse {
    lw_symtab *syms;
    const lw_allocator *alloc;
    lw_error *err;
    lw__lexer lx;
    lw__tok tok;        /* the current token */
    uint32_t end;       /* end offset of the token before it */
    uint32_t depth;     /* '(' and NOT enclosing the current point */
    uint32_t root;
    uint32_t ncmp;
    lw__vec nodes;      /* lw__node */
    lw__vec opds;       /* lw__operand */
    lw__vec steps;      /* lw__step */
    lw__vec pool;       /* lw__val */
    lw__vec symv;       /* const lw__sym * */
    lw__node node_buf[LW__INLINE_NODES];
    lw__operand opd_buf[LW__INLINE_NODES];
    lw__step step_buf[LW__INLINE_NODES];
    lw__val pool_buf[LW__INLINE_VALS];
    const lw__sym *sym_buf[LW__INLINE_VALS];
} lw__parse;

/*
 * Parse len bytes of NUL-terminated text into p.  On failure everything
 * is released and err filled; on success the caller owns p's contents
 * and ends with lw__parse_release().
 */
lw_result lw__expr_parse(lw__parse *p, lw_symtab *syms, const char *text,
                         uint32_t len, lw_error *err);

/* Free p's heap storage; release its interned strings when asked. */
void lw__parse_release(lw__parse *p, bool release_syms);

/* ---- the flat program --------------------------------------------------- */

/* Jump targets at or past LW__PC_FALSE end the run with that result. */
#define LW__PC_FALSE (UINT32_MAX - 1)
#define LW__PC_TRUE UINT32_MAX

typedef enum lw__opcode {
    LW__I_GENERIC = 0,  /* any comparison of two operands */
    LW__I_EQ_STR,       /* ref == string constant */
    LW__I_NE_STR,       /* ref != string constant */
    LW__I_EQ_NUM,       /* ref == number constant */
    LW__I_NE_NUM,       /* ref != number constant */
    LW__I_REL_NUM,      /* ref > >= < <= number constant (mask) */
    LW__I_HAS_STR,      /* ref HAS string constant */
    LW__I_IN_STRS,      /* ref IN array of string constants */
    LW__I_NOT_IN_STRS,  /* ref NOT IN array of string constants */
    LW__I_CONTAINS_STR  /* ref CONTAINS string constant */
} lw__opcode;

/*
 * One test.  The left reference is inlined (first key, its cache slot,
 * further steps); the right side is a constant in sym / num / set, or for
 * GENERIC the operands lhs and rhs of the tree.
 */
typedef struct lw__insn {
    uint8_t code;       /* lw__opcode */
    uint8_t op;         /* lw__op (GENERIC) */
    uint8_t mask;       /* REL_NUM: bit c+1 set when cmp c in -1..1 holds */
    int8_t builtin;     /* left is a built-in name, or -1 */
    uint32_t t;         /* next pc when the test holds */
    uint32_t f;         /* next pc when it does not */
    uint32_t slot;      /* cache slot of the first key */
    const lw__sym *key; /* first key of the left reference */
    uint32_t step0;     /* further steps of the left reference */
    uint32_t nsteps;
    uint32_t lhs;       /* GENERIC operands */
    uint32_t rhs;
    uint32_t nset;      /* IN_STRS / NOT_IN_STRS */
    uint32_t node;      /* the CMP node this test comes from */
    uint32_t own;       /* references the program holds on key */
    uint32_t pairs;     /* CONTAINS_STR: lw__pair_sig() of sym */
    const lw__sym *sym; /* string constant */
    const lw__sym *const *set;  /* sorted string constants */
    lw__num num;        /* number constant */
} lw__insn;

/* Inline-cache slots kept per evaluation call. */
#define LW__EXPR_SLOTS 32u

struct lw_expr {
    lw_symtab *syms;            /* holds a reference */
    const lw_allocator *alloc;
    const char *text;           /* NUL-terminated copy */
    uint32_t text_len;
    uint32_t entry;             /* first pc, or a result */
    uint32_t ncode;
    uint32_t nnodes;
    uint32_t root;              /* root node of the tree */
    uint32_t nsymv;
    const lw__insn *code;
    const lw__node *nodes;
    const lw__operand *opds;
    const lw__step *steps;
    const lw__cell *pool;       /* array literal elements, as cells */
    const lw__sym *const *ptrs; /* string sets of IN tests */
    const lw__sym **symv;       /* interned strings, released on free */
};

/* ---- values ------------------------------------------------------------- */

/* Compare two numbers by exact value: -1, 0 or 1. */
int lw__num_cmp(const lw__num *a, const lw__num *b);

/* The number in v (INT or DOUBLE), or a decimal string's value. */
bool lw__val_number(const lw__val *v, lw__num *out);

/*
 * Apply a comparison operator to two values; NULL pointers stand for
 * NULL (a missing reference).  Never fails.
 */
bool lw__val_compare(lw__op op, const lw__val *l, const lw__val *r);

/* Equality of the contract (==) on two values, NULL pointers as NULL. */
bool lw__val_equal(const lw__val *a, const lw__val *b);

/*
 * Resolve a reference operand for a subject.  tmp receives a built-in
 * string when one is used; hints are the caller's cache slots (at least
 * LW__EXPR_SLOTS).  Returns NULL for a missing value.
 */
const lw__val *lw__expr_resolve(const lw_expr *e, const lw__operand *o,
                                const lw__subject *s, uint32_t *hints,
                                lw__val *tmp);

/* Value of an operand: a constant's own value or a resolved reference. */
const lw__val *lw__expr_operand(const lw_expr *e, const lw__operand *o,
                                const lw__subject *s, uint32_t *hints,
                                lw__val *tmp);

#endif /* LW_EXPR_IMPL_H */
