/*
 * attrs_scan.c - strict RFC 8259 validation of attribute text, with byte
 * offsets in every message, and exact reading of its numbers.
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "attrs_scan.h"

typedef struct scanner {
    const char *s;
    size_t len;
    size_t pos;
    char *copy;              /* the text given to cJSON */
    const lw_allocator *alloc;
    lw__val *nums;           /* number values in document order */
    lw__val *small;          /* the caller's array, nums until it fills */
    size_t payload;          /* bytes of the document's cells, boxes, shapes */
    size_t nnums;
    size_t cap;
    lw_error *err;
} scanner;

static lw_result scan_value(scanner *sc, int depth);

/* ---- errors ------------------------------------------------------------- */

static lw_result syntax_at(scanner *sc, size_t off, const char *what)
{
    return lw__fail(sc->err, LW_ERR_SYNTAX, (int64_t)off,
                    "invalid JSON at offset %zu: %s", off, what);
}

/* A syntax error at the current byte, or at the end when there is none. */
static lw_result expected(scanner *sc, const char *what)
{
    if (sc->pos >= sc->len)
        return syntax_at(sc, sc->len, "unexpected end of text");
    return syntax_at(sc, sc->pos, what);
}

static lw_result invalid_at(scanner *sc, size_t off, const char *what)
{
    return lw__fail(sc->err, LW_ERR_INVALID, (int64_t)off,
                    "%s at offset %zu", what, off);
}

/* ---- characters --------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool at_digit(const scanner *sc)
{
    return sc->pos < sc->len && is_digit(sc->s[sc->pos]);
}

static bool at_char(const scanner *sc, char c)
{
    return sc->pos < sc->len && sc->s[sc->pos] == c;
}

static void skip_ws(scanner *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->s[sc->pos];

        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        sc->pos++;
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code unit of \uXXXX at off (the backslash), or -1. */
static long read_u_escape(const scanner *sc, size_t off)
{
    long cp = 0;
    size_t i;

    if (sc->len - off < 6 || sc->s[off] != '\\' || sc->s[off + 1] != 'u')
        return -1;
    for (i = 2; i < 6; i++) {
        int h = hex_value(sc->s[off + i]);

        if (h < 0)
            return -1;
        cp = cp * 16 + h;
    }
    return cp;
}

/* ---- numbers ------------------------------------------------------------ */

static pthread_mutex_t c_locale_lock = PTHREAD_MUTEX_INITIALIZER;
static locale_t c_locale;

/* The "C" numeric locale, made on first use (NULL if that failed). */
static locale_t numeric_locale(void)
{
    locale_t l;

    pthread_mutex_lock(&c_locale_lock);
    if (c_locale == (locale_t)0)
        c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    l = c_locale;
    pthread_mutex_unlock(&c_locale_lock);
    return l;
}

/* An integer token that fits in 64 bits, exactly; false otherwise. */
static bool read_int(const char *p, size_t n, int64_t *out)
{
    bool neg = p[0] == '-';
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    size_t i;

    for (i = neg; i < n; i++) {
        uint64_t d = (uint64_t)(p[i] - '0');

        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg)
        *out = v == 0 ? 0 : -(int64_t)(v - 1) - 1;
    else
        *out = (int64_t)v;
    return true;
}

/*
 * The nearest double of a valid number token whose digits, read as one
 * integer, stay within 2^53 and whose decimal exponent is within 22 of
 * it: both are then exact doubles and one multiplication or division
 * rounds correctly (Clinger's fast path).  False for any other token.
 */
static bool fast_double(const char *p, size_t n, double *out)
{
    static const double pow10[23] = {
        1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    const uint64_t max = (uint64_t)1 << 53;
    bool neg = p[0] == '-', eneg = false, frac = false;
    uint64_t m = 0;
    long exp10 = 0, e = 0;
    size_t i = neg;
    double d;

#if FLT_EVAL_METHOD != 0
    return false;
#endif
    /* The digits, a '.' among them: each one after it divides by 10. */
    for (; i < n && p[i] != 'e' && p[i] != 'E'; i++) {
        if (p[i] == '.') {
            frac = true;
            continue;
        }
        m = m * 10 + (uint64_t)(p[i] - '0');
        if (m > max)
            return false;
        exp10 -= frac;
    }
    if (i < n) {  /* 'e' or 'E', an optional sign, digits */
        i++;
        if (p[i] == '+' || p[i] == '-')
            eneg = p[i++] == '-';
        for (; i < n; i++) {
            e = e * 10 + (p[i] - '0');
            if (e > 100)
                return false;
        }
        exp10 += eneg ? -e : e;
    }
    if (exp10 < -22 || exp10 > 22)
        return false;
    d = (double)m;
    d = exp10 < 0 ? d / pow10[-exp10] : d * pow10[exp10];
    *out = neg ? -d : d;
    return true;
}

/*
 * The nearest double of a token (read from the NUL-terminated copy, in
 * the "C" locale whatever the process locale is).
 */
static lw_result read_double(scanner *sc, size_t off, size_t n, double *out)
{
    locale_t c, prev;
    char *end;
    double d;

    if (fast_double(sc->s + off, n, out))
        return LW_OK;
    c = numeric_locale();

    if (c == (locale_t)0)
        return lw__fail_code(sc->err, LW_ERR_NOMEM);
    prev = uselocale(c);
    d = strtod(sc->copy + off, &end);
    uselocale(prev);

    /* strtod may read on ("0x1"); the scan then fails on the next byte. */
    if (end != sc->copy + off + n)
        d = 0.0;
    if (isinf(d))
        return invalid_at(sc, off, "number out of range");
    *out = d;
    return LW_OK;
}

static lw_result push_number(scanner *sc, const lw__val *v)
{
    if (sc->nnums == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 16;
        lw__val *p;

        if (cap > SIZE_MAX / sizeof *p)
            return lw__fail_code(sc->err, LW_ERR_NOMEM);
        if (sc->nums == sc->small) {
            p = lw__malloc(sc->alloc, cap * sizeof *p);
            if (p != NULL)
                memcpy(p, sc->small, sc->nnums * sizeof *p);
        } else {
            p = lw__realloc(sc->alloc, sc->nums, cap * sizeof *p);
        }
        if (p == NULL)
            return lw__fail_code(sc->err, LW_ERR_NOMEM);
        sc->nums = p;
        sc->cap = cap;
    }
    sc->nums[sc->nnums++] = *v;
    if (lw__val_boxed(v))
        sc->payload += sizeof(lw__cell);
    return LW_OK;
}

/* Record the value of the token at off, then blank it for cJSON. */
static lw_result add_number(scanner *sc, size_t off, bool integral)
{
    size_t n = sc->pos - off;
    lw__val v;
    lw_result rc;

    memset(&v, 0, sizeof v);
    v.tag = LW__INT;
    if (!integral || !read_int(sc->s + off, n, &v.u.i)) {
        v.tag = LW__DOUBLE;
        rc = read_double(sc, off, n, &v.u.d);
        if (rc != LW_OK)
            return rc;
    }
    rc = push_number(sc, &v);
    if (rc != LW_OK)
        return rc;

    sc->copy[off] = '0';
    memset(sc->copy + off + 1, ' ', n - 1);
    return LW_OK;
}

static void skip_digits(scanner *sc)
{
    while (at_digit(sc))
        sc->pos++;
}

static lw_result scan_number(scanner *sc)
{
    size_t start = sc->pos;
    bool integral = true;

    if (at_char(sc, '-'))
        sc->pos++;
    if (!at_digit(sc))
        return expected(sc, "expected a digit");
    if (at_char(sc, '0')) {
        sc->pos++;
        if (at_digit(sc))
            return syntax_at(sc, start, "leading zeros are not allowed");
    } else {
        skip_digits(sc);
    }

    if (at_char(sc, '.')) {
        integral = false;
        sc->pos++;
        if (!at_digit(sc))
            return expected(sc, "expected a digit after '.'");
        skip_digits(sc);
    }

    if (at_char(sc, 'e') || at_char(sc, 'E')) {
        integral = false;
        sc->pos++;
        if (at_char(sc, '+') || at_char(sc, '-'))
            sc->pos++;
        if (!at_digit(sc))
            return expected(sc, "expected a digit in the exponent");
        skip_digits(sc);
    }
    return add_number(sc, start, integral);
}

/* ---- strings ------------------------------------------------------------ */

static bool is_high(long cp)
{
    return cp >= 0xd800 && cp <= 0xdbff;
}

static bool is_low(long cp)
{
    return cp >= 0xdc00 && cp <= 0xdfff;
}

/* A \u escape (a surrogate pair counts as one) at the backslash. */
static lw_result scan_u_escape(scanner *sc)
{
    size_t at = sc->pos;
    long cp = read_u_escape(sc, at);

    if (cp < 0)
        return syntax_at(sc, at, "invalid \\u escape");
    if (cp == 0)
        return invalid_at(sc, at, "escaped NUL (\\u0000)");
    if (is_low(cp))
        return syntax_at(sc, at, "lone surrogate escape");
    if (is_high(cp)) {
        if (!is_low(read_u_escape(sc, at + 6)))
            return syntax_at(sc, at, "lone surrogate escape");
        sc->pos += 6;
    }
    sc->pos += 6;
    return LW_OK;
}

static lw_result scan_escape(scanner *sc)
{
    switch (sc->s[sc->pos + 1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        sc->pos += 2;
        return LW_OK;
    case 'u':
        return scan_u_escape(sc);
    default:
        return syntax_at(sc, sc->pos, "invalid escape");
    }
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
/*
 * The bytes of w (first byte lowest) that may end a plain run of string
 * bytes: below 0x20, '"' or '\\', flagged in their high bits.  A flag
 * can also appear above a real one (a borrow), never below: the lowest
 * flag is the first such byte.
 */
static uint64_t special_bytes(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');

    return (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
            ((b - ones) & ~b)) & (ones << 7);
}

/* Move past plain string bytes eight at a time. */
static void skip_plain(scanner *sc)
{
    while (sc->len - sc->pos >= 8) {
        uint64_t w, m;

        memcpy(&w, sc->s + sc->pos, 8);
        m = special_bytes(w);
        if (m != 0) {
            sc->pos += (size_t)__builtin_ctzll(m) / 8;
            return;
        }
        sc->pos += 8;
    }
}
#else
static void skip_plain(scanner *sc)
{
    (void)sc;
}
#endif

/* A string at its opening quote.  The text is valid UTF-8 already. */
static lw_result scan_string(scanner *sc)
{
    size_t start = sc->pos++;

    for (;;) {
        unsigned char c;
        lw_result rc;

        skip_plain(sc);
        if (sc->pos >= sc->len || (sc->s[sc->pos] == '\\' &&
                                   sc->pos + 1 >= sc->len))
            return syntax_at(sc, start, "unterminated string");
        c = (unsigned char)sc->s[sc->pos];
        if (c == '"') {
            sc->pos++;
            return LW_OK;
        }
        if (c < 0x20)
            return syntax_at(sc, sc->pos, "control character in string");
        if (c != '\\') {
            sc->pos++;
            continue;
        }
        rc = scan_escape(sc);
        if (rc != LW_OK)
            return rc;
    }
}

/* ---- structure ---------------------------------------------------------- */

static lw_result scan_literal(scanner *sc, const char *word, size_t n)
{
    if (sc->len - sc->pos < n || memcmp(sc->s + sc->pos, word, n) != 0)
        return syntax_at(sc, sc->pos, "expected a value");
    sc->pos += n;
    return LW_OK;
}

static lw_result scan_object(scanner *sc, int depth)
{
    lw_result rc;

    sc->pos++;
    skip_ws(sc);
    if (at_char(sc, '}')) {
        sc->pos++;
        return LW_OK;
    }
    sc->payload += sizeof(const lw__shape *);
    for (;;) {
        skip_ws(sc);
        if (!at_char(sc, '"'))
            return expected(sc, "expected a string key");
        if ((rc = scan_string(sc)) != LW_OK)
            return rc;

        skip_ws(sc);
        if (!at_char(sc, ':'))
            return expected(sc, "expected ':'");
        sc->pos++;
        skip_ws(sc);
        if ((rc = scan_value(sc, depth)) != LW_OK)
            return rc;
        sc->payload += sizeof(lw__cell);

        skip_ws(sc);
        if (at_char(sc, '}')) {
            sc->pos++;
            return LW_OK;
        }
        if (!at_char(sc, ','))
            return expected(sc, "expected ',' or '}'");
        sc->pos++;
    }
}

static lw_result scan_array(scanner *sc, int depth)
{
    lw_result rc;

    sc->pos++;
    skip_ws(sc);
    if (at_char(sc, ']')) {
        sc->pos++;
        return LW_OK;
    }
    for (;;) {
        skip_ws(sc);
        if ((rc = scan_value(sc, depth)) != LW_OK)
            return rc;
        sc->payload += sizeof(lw__cell);

        skip_ws(sc);
        if (at_char(sc, ']')) {
            sc->pos++;
            return LW_OK;
        }
        if (!at_char(sc, ','))
            return expected(sc, "expected ',' or ']'");
        sc->pos++;
    }
}

/* A value inside a container at level depth. */
static lw_result scan_value(scanner *sc, int depth)
{
    char c;

    if (sc->pos >= sc->len)
        return expected(sc, "expected a value");
    c = sc->s[sc->pos];
    switch (c) {
    case '{':
    case '[':
        if (depth >= LW_ATTRS_MAX_DEPTH)
            return lw__fail(sc->err, LW_ERR_INVALID, (int64_t)sc->pos,
                            "Attributes nest deeper than %d levels "
                            "at offset %zu", LW_ATTRS_MAX_DEPTH, sc->pos);
        if (c == '{')
            return scan_object(sc, depth + 1);
        return scan_array(sc, depth + 1);
    case '"':
        return scan_string(sc);
    case 't':
        return scan_literal(sc, "true", 4);
    case 'f':
        return scan_literal(sc, "false", 5);
    case 'n':
        return scan_literal(sc, "null", 4);
    default:
        if (c == '-' || is_digit(c))
            return scan_number(sc);
        return syntax_at(sc, sc->pos, "expected a value");
    }
}

/* Could a JSON value other than an object start with c? */
static bool starts_value(char c)
{
    return c == '[' || c == '"' || c == '-' || is_digit(c) || c == 't' ||
           c == 'f' || c == 'n';
}

static lw_result scan_top(scanner *sc)
{
    lw_result rc;

    skip_ws(sc);
    if (sc->len - sc->pos >= 3 && memcmp(sc->s + sc->pos, "\xef\xbb\xbf",
                                         3) == 0)
        return syntax_at(sc, sc->pos, "byte order mark is not allowed");
    if (sc->pos >= sc->len || starts_value(sc->s[sc->pos]))
        return lw__fail(sc->err, LW_ERR_INVALID, (int64_t)sc->pos,
                        "Attributes must be a JSON object");
    if (!at_char(sc, '{'))
        return syntax_at(sc, sc->pos, "expected '{'");

    if ((rc = scan_object(sc, 1)) != LW_OK)
        return rc;
    skip_ws(sc);
    if (sc->pos < sc->len)
        return syntax_at(sc, sc->pos, "unexpected text after the object");
    return LW_OK;
}

/* NUL bytes and invalid UTF-8, wherever they are, before the structure. */
static lw_result check_bytes(scanner *sc)
{
    const char *nul = memchr(sc->s, '\0', sc->len);
    size_t bad = lw__utf8_valid_prefix(sc->s, sc->len);

    if (nul != NULL && (size_t)(nul - sc->s) < bad)
        return invalid_at(sc, (size_t)(nul - sc->s), "NUL byte");
    if (bad < sc->len)
        return invalid_at(sc, bad, "invalid UTF-8");
    return LW_OK;
}

lw_result lw__attrs_scan(const char *text, size_t len, char *copy,
                         const lw_allocator *alloc, lw__val *small,
                         size_t nsmall, lw__val **nums, size_t *nnums,
                         size_t *payload, lw_error *err)
{
    scanner sc;
    lw_result rc;

    memset(&sc, 0, sizeof sc);
    sc.s = text;
    sc.len = len;
    sc.copy = copy;
    sc.alloc = alloc;
    sc.err = err;
    sc.nums = sc.small = small;
    sc.cap = nsmall;

    rc = check_bytes(&sc);
    if (rc == LW_OK)
        rc = scan_top(&sc);
    if (rc != LW_OK) {
        if (sc.nums != small)
            lw__free(alloc, sc.nums);
        return rc;
    }
    *nums = sc.nums;
    *nnums = sc.nnums;
    *payload = sc.payload;
    return LW_OK;
}
