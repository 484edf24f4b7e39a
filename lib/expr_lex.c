/*
 * expr_lex.c - the lexer of target-workers expressions: strings, numbers,
 * names, case-insensitive keywords and operators, with an error message
 * for every character that cannot start or continue a token.
 */
#include <float.h>
#include <stdio.h>
#include <string.h>

#include "expr_impl.h"

/* ---- character classes -------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '$';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || is_digit(c);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- keywords ----------------------------------------------------------- */

static const struct {
    const char *word;
    lw__tok_kind kind;
} keywords[] = {
    {"AND", LW__T_AND},     {"OR", LW__T_OR},
    {"NOT", LW__T_NOT},     {"IN", LW__T_IN},
    {"HAS", LW__T_HAS},     {"CONTAINS", LW__T_CONTAINS},
    {"TRUE", LW__T_TRUE},   {"FALSE", LW__T_FALSE},
    {"NULL", LW__T_NULL},
};

static lw__tok_kind keyword_kind(const char *s, size_t len)
{
    size_t i;

    if (len < 2 || len > 8)
        return LW__T_IDENT;
    for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        const char *w = keywords[i].word;

        if (lw__ascii_caseeq(s, len, w, strlen(w)))
            return keywords[i].kind;
    }
    return LW__T_IDENT;
}

/* ---- token descriptions ------------------------------------------------- */

void lw__tok_describe(const char *text, const lw__tok *tok, char *buf,
                      size_t size)
{
    size_t n = tok->len;
    const char *dots = "";

    if (tok->kind == LW__T_END) {
        snprintf(buf, size, "the end of the expression");
        return;
    }
    if (n > 40) {
        n = 37;
        /* Tokens are valid UTF-8 (the lexer checks), so at most three
         * continuation bytes are stepped back over: n > 0 always holds. */
        /* GCOVR_EXCL_BR_START */
        while (n > 0 && ((unsigned char)text[tok->off + n] & 0xC0) == 0x80)
            n--;
        /* GCOVR_EXCL_BR_STOP */
        dots = "...";
    }
    if (tok->kind == LW__T_STRING)
        snprintf(buf, size, "%.*s%s", (int)n, text + tok->off, dots);
    else
        snprintf(buf, size, "'%.*s%s'", (int)n, text + tok->off, dots);
}

/* ---- errors ------------------------------------------------------------- */

/* The message for a character that cannot start a token. */
static lw_result stray(lw__lexer *lx, lw_error *err)
{
    uint32_t at = lx->pos;
    unsigned char c = (unsigned char)lx->text[at];
    size_t ok;

    if (c == '-') {
        bool sign = at + 1 < lx->len &&
                    (is_digit(lx->text[at + 1]) || lx->text[at + 1] == '.');
        bool after_name = lx->prev.kind == LW__T_IDENT &&
                          lx->prev.off + lx->prev.len == at;

        if (sign && !after_name)
            return lw__fail(err, LW_ERR_SYNTAX, at,
                            "unexpected '-' at offset %u (numbers cannot "
                            "have a sign)", (unsigned)at);
        return lw__fail(err, LW_ERR_SYNTAX, at,
                        "unexpected '-' at offset %u (hyphens are not "
                        "allowed in names)", (unsigned)at);
    }
    if (c == '!')
        return lw__fail(err, LW_ERR_SYNTAX, at,
                        "unexpected '!' at offset %u (use != or NOT)",
                        (unsigned)at);
    if (c == '&' || c == '|')
        return lw__fail(err, LW_ERR_SYNTAX, at,
                        "unexpected '%c' at offset %u (use %s)", c,
                        (unsigned)at, c == '&' ? "AND" : "OR");
    if (c >= 0x80) {
        size_t clen = c >= 0xF0 ? 4 : (c >= 0xE0 ? 3 : 2);

        ok = clen <= lx->len - at
                 ? lw__utf8_valid_prefix(lx->text + at, clen) : 0;
        if (ok != clen)
            return lw__fail(err, LW_ERR_SYNTAX, at,
                            "invalid UTF-8 at offset %u", (unsigned)at);
        return lw__fail(err, LW_ERR_SYNTAX, at,
                        "unexpected '%.*s' at offset %u (only strings may "
                        "contain non-ASCII characters)", (int)ok,
                        lx->text + at, (unsigned)at);
    }
    if (c < 0x20 || c == 0x7F)
        return lw__fail(err, LW_ERR_SYNTAX, at,
                        "unexpected control character 0x%02X at offset %u",
                        c, (unsigned)at);
    return lw__fail(err, LW_ERR_SYNTAX, at,
                    "unexpected '%c' at offset %u", c, (unsigned)at);
}

/* ---- strings ------------------------------------------------------------ */

static lw_result lex_string(lw__lexer *lx, lw__tok *tok, lw_error *err)
{
    uint32_t start = lx->pos;
    const char *body = lx->text + start + 1;
    size_t room = lx->len - start - 1;
    const char *close = memchr(body, lx->text[start], room);
    size_t blen = close != NULL ? (size_t)(close - body) : room;
    size_t ok = lw__utf8_valid_prefix(body, blen);

    if (ok < blen)
        return lw__fail(err, LW_ERR_SYNTAX, (int64_t)(start + 1 + ok),
                        "invalid UTF-8 at offset %u inside the string "
                        "starting at offset %u", (unsigned)(start + 1 + ok),
                        (unsigned)start);
    if (close == NULL)
        return lw__fail(err, LW_ERR_SYNTAX, start,
                        "unterminated string at offset %u (expected a "
                        "closing %c)", (unsigned)start, lx->text[start]);

    tok->kind = LW__T_STRING;
    tok->len = (uint32_t)blen + 2;
    return LW_OK;
}

/* ---- numbers ------------------------------------------------------------ */

static lw_result bad_number(lw__lexer *lx, uint32_t start, const char *why,
                            lw_error *err)
{
    uint32_t end = start;

    while (end < lx->len && end - start < 32 &&
           (is_name_char(lx->text[end]) || lx->text[end] == '.'))
        end++;
    return lw__fail(err, LW_ERR_SYNTAX, start,
                    "malformed number '%.*s' at offset %u (%s)",
                    (int)(end - start), lx->text + start, (unsigned)start,
                    why);
}

static lw_result lex_number(lw__lexer *lx, lw__tok *tok, lw_error *err)
{
    uint32_t start = lx->pos;
    uint32_t p = start;
    uint64_t index = 0;

    while (p < lx->len && is_digit(lx->text[p])) {
        unsigned dig = (unsigned)(lx->text[p] - '0');

        index = index > (UINT64_MAX - dig) / 10 ? UINT64_MAX
                                                : index * 10 + dig;
        p++;
    }
    tok->integral = true;
    if (p < lx->len && lx->text[p] == '.') {
        if (p + 1 >= lx->len || !is_digit(lx->text[p + 1]))
            return bad_number(lx, start, "a '.' must be followed by digits",
                              err);
        p++;
        while (p < lx->len && is_digit(lx->text[p]))
            p++;
        tok->integral = false;
    }
    if (p < lx->len && is_name_char(lx->text[p]))
        return bad_number(lx, start,
                          "numbers are digits with an optional fraction, "
                          "like 12 or 3.5", err);

    tok->kind = LW__T_NUMBER;
    tok->len = p - start;
    tok->index = index;
    lw__decimal_value(lx->text + start, tok->len, &tok->num);
    if (!tok->num.is_int && tok->num.d > DBL_MAX)
        return bad_number(lx, start, "too large for a double", err);
    return LW_OK;
}

/* ---- names and operators ------------------------------------------------ */

static void lex_name(lw__lexer *lx, lw__tok *tok)
{
    uint32_t p = lx->pos + 1;

    while (p < lx->len && is_name_char(lx->text[p]))
        p++;
    tok->len = p - lx->pos;

    /* The token after '.' is always a name, even when it spells a keyword. */
    if (lx->prev.kind == LW__T_DOT)
        tok->kind = LW__T_IDENT;
    else
        tok->kind = keyword_kind(lx->text + lx->pos, tok->len);
}

/* Operators and punctuation, longest match first; false when none. */
static bool lex_symbol(lw__lexer *lx, lw__tok *tok)
{
    char c = lx->text[lx->pos];
    char d = lx->pos + 1 < lx->len ? lx->text[lx->pos + 1] : '\0';

    tok->len = 2;
    if (c == '=' && d == '=')
        tok->kind = LW__T_EQ;
    else if (c == '!' && d == '=')
        tok->kind = LW__T_NE;
    else if (c == '>' && d == '=')
        tok->kind = LW__T_GE;
    else if (c == '<' && d == '=')
        tok->kind = LW__T_LE;
    else if (c == '>' && d == '-')
        tok->kind = LW__T_HAS_SYM;
    else if (c == '<' && d == '-')
        tok->kind = LW__T_IN_SYM;
    else {
        static const char singles[] = "=><()[],.";
        static const lw__tok_kind kinds[] = {
            LW__T_EQ,     LW__T_GT,     LW__T_LT,
            LW__T_LPAREN, LW__T_RPAREN, LW__T_LBRACK,
            LW__T_RBRACK, LW__T_COMMA,  LW__T_DOT,
        };
        const char *hit = c != '\0' ? strchr(singles, c) : NULL;

        if (hit == NULL)
            return false;
        tok->kind = kinds[hit - singles];
        tok->len = 1;
    }
    return true;
}

/* ---- the lexer ---------------------------------------------------------- */

lw_result lw__lex_next(lw__lexer *lx, lw__tok *tok, lw_error *err)
{
    lw_result rc = LW_OK;
    char c;

    while (lx->pos < lx->len && is_space(lx->text[lx->pos]))
        lx->pos++;
    memset(tok, 0, sizeof *tok);
    tok->off = lx->pos;
    if (lx->pos >= lx->len) {
        tok->kind = LW__T_END;
        return LW_OK;
    }

    c = lx->text[lx->pos];
    if (c == '\'' || c == '"')
        rc = lex_string(lx, tok, err);
    else if (is_digit(c))
        rc = lex_number(lx, tok, err);
    else if (is_name_start(c))
        lex_name(lx, tok);
    else if (!lex_symbol(lx, tok))
        rc = stray(lx, err);
    if (rc != LW_OK)
        return rc;

    lx->pos += tok->len;
    lx->prev = *tok;
    return LW_OK;
}
