/*
 * rest_wire.c - the byte-level pieces of the REST adapter: form and query
 * decoding, percent-encoding of meta URLs, If-Match, Basic credentials,
 * dates and error bodies.
 */
#include <string.h>

#include "rest_int.h"

/* ---- form decoding ----------------------------------------------------- */

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Decode src[from..to) into dst; returns the decoded length, or
 * SIZE_MAX with *bad the offset of a malformed escape.
 */
static size_t decode_span(const char *src, size_t from, size_t to,
                          char *dst, size_t *bad)
{
    size_t i, n = 0;

    for (i = from; i < to; i++) {
        unsigned char c = (unsigned char)src[i];
        int hi, lo;

        if (c == '+') {
            dst[n++] = ' ';
            continue;
        }
        if (c != '%') {
            dst[n++] = (char)c;
            continue;
        }
        hi = i + 1 < to ? hex_value((unsigned char)src[i + 1]) : -1;
        lo = i + 2 < to ? hex_value((unsigned char)src[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            *bad = i;
            return SIZE_MAX;
        }
        dst[n++] = (char)(hi * 16 + lo);
        i += 2;
    }
    return n;
}

static size_t count_pairs(const char *src, size_t len)
{
    size_t i, n = 1;

    for (i = 0; i < len; i++)
        n += src[i] == '&';
    return n;
}

static lw_result bad_escape(lw_error *err, size_t at, const char *what)
{
    return lw__fail(err, LW_ERR_INVALID, (int64_t)at,
                    "Invalid percent-encoding at offset %zu of the %s: "
                    "'%%' must be followed by two hexadecimal digits",
                    at, what);
}

static lw_result bad_utf8(lw_error *err, const lw__param *p, size_t at,
                          const char *what)
{
    if (!lw__utf8_valid(p->name, p->name_len) || p->name_len > 64)
        return lw__fail(err, LW_ERR_INVALID, (int64_t)at,
                        "Invalid UTF-8 in the parameter at offset %zu "
                        "of the %s", at, what);
    return lw__fail(err, LW_ERR_INVALID, (int64_t)at,
                    "Invalid UTF-8 in the value of parameter %.*s "
                    "in the %s", (int)p->name_len, p->name, what);
}

/* Decode the pair src[from..to) into f's next slot. */
static lw_result decode_pair(lw__form *f, const char *src, size_t from,
                             size_t to, char **cursor, const char *what,
                             lw_error *err)
{
    lw__param *p = &f->params[f->count];
    size_t eq = from, bad = 0;

    while (eq < to && src[eq] != '=')
        eq++;

    p->name = *cursor;
    p->name_len = decode_span(src, from, eq, *cursor, &bad);
    if (p->name_len == SIZE_MAX)
        return bad_escape(err, bad, what);
    *cursor += p->name_len;

    p->value = *cursor;
    p->value_len = eq < to ? decode_span(src, eq + 1, to, *cursor, &bad) : 0;
    if (p->value_len == SIZE_MAX)
        return bad_escape(err, bad, what);
    *cursor += p->value_len;

    if (!lw__utf8_valid(p->name, p->name_len) ||
        !lw__utf8_valid(p->value, p->value_len))
        return bad_utf8(err, p, from, what);
    f->count++;
    return LW_OK;
}

void lw__form_init(lw__form *f, const lw_allocator *a)
{
    f->alloc = a;
    f->params = NULL;
    f->count = 0;
    f->text = NULL;
}

void lw__form_release(lw__form *f)
{
    lw__free(f->alloc, f->params);
    lw__free(f->alloc, f->text);
    lw__form_init(f, f->alloc);
}

lw_result lw__form_parse(lw__form *f, const lw_allocator *a,
                         const char *src, size_t len, const char *what,
                         lw_error *err)
{
    size_t start = 0, i;
    char *cursor;

    lw__form_init(f, a);
    if (len == 0)
        return LW_OK;

    /* Decoded text is never longer than the source: one block for all. */
    f->params = lw__calloc(a, count_pairs(src, len), sizeof *f->params);
    f->text = lw__malloc(a, len);
    if (f->params == NULL || f->text == NULL) {
        lw__form_release(f);
        return lw__fail_code(err, LW_ERR_NOMEM);
    }

    cursor = f->text;
    for (i = 0; i <= len; i++) {
        lw_result rc;

        if (i < len && src[i] != '&')
            continue;
        rc = i > start ? decode_pair(f, src, start, i, &cursor, what, err)
                       : LW_OK;
        if (rc != LW_OK) {
            lw__form_release(f);
            return rc;
        }
        start = i + 1;
    }
    return LW_OK;
}

const lw__param *lw__form_get(const lw__form *f, const char *name)
{
    size_t n = strlen(name), i = f->count;

    while (i-- > 0) {
        const lw__param *p = &f->params[i];
        if (p->name_len == n && memcmp(p->name, name, n) == 0)
            return p;
    }
    return NULL;
}

bool lw__form_bool(const char *v, size_t len)
{
    return lw__ascii_caseeq(v, len, "true", 4) ||
           lw__ascii_caseeq(v, len, "yes", 3) || (len == 1 && v[0] == '1');
}

bool lw__parse_digits(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (len == 0)
        return false;
    for (i = 0; i < len; i++) {
        unsigned d = (unsigned char)s[i] - '0';

        if (d > 9)
            return false;
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return true;
}

/* ---- output helpers ---------------------------------------------------- */

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

void lw__buf_url_encode(lw__buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i, run = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[3];

        if (unreserved(c))
            continue;
        lw__buf_append(b, s + run, i - run);
        esc[0] = '%';
        esc[1] = hex[c >> 4];
        esc[2] = hex[c & 15];
        lw__buf_append(b, esc, 3);
        run = i + 1;
    }
    lw__buf_append(b, s + run, len - run);
}

/* Days since 1970-01-01 to a proleptic Gregorian date. */
static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    days += 719468;
    era = (days >= 0 ? days : days - 146096) / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* "00" to "99", so that two digits cost one copy. */
static const char two_digits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* Write v (0..99) as exactly two decimal digits. */
static void put_two(char *p, int v)
{
    memcpy(p, two_digits + 2 * v, 2);
}

/* The text of one second, as the wire format writes it. */
static void format_date(char t[20], int64_t seconds)
{
    /* The wire format has four year digits: 0000-01-01 .. 9999-12-31. */
    static const int64_t lo = -62167219200, hi = 253402300799;
    int64_t days, rem, y;
    int m, d;

    if (seconds < lo)
        seconds = lo;
    if (seconds > hi)
        seconds = hi;
    days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    rem = seconds - days * 86400;
    civil_from_days(days, &y, &m, &d);

    memcpy(t, "0000-00-00T00:00:00Z", 20);
    put_two(t, (int)(y / 100));
    put_two(t + 2, (int)(y % 100));
    put_two(t + 5, m);
    put_two(t + 8, d);
    put_two(t + 11, (int)(rem / 3600));
    put_two(t + 14, (int)(rem / 60 % 60));
    put_two(t + 17, (int)(rem % 60));
}

void lw__buf_date(lw__buf *b, int64_t seconds)
{
    /* A worker's dates, and those of workers made together, are mostly
     * the same second: each thread remembers the last one it wrote. */
    static _Thread_local int64_t last = INT64_MIN;
    static _Thread_local char text[20];

    if (seconds != last) {
        format_date(text, seconds);
        last = seconds;
    }
    lw__buf_append(b, text, sizeof text);
}

void lw__buf_error_body(lw__buf *b, int32_t code, const char *message,
                        int32_t status)
{
    size_t len = strlen(message);

    /* A message cut short by its buffer may end inside a character. */
    len = lw__utf8_valid_prefix(message, len);
    lw__buf_printf(b, "{\"code\":%d,\"message\":", (int)code);
    lw__buf_json_string(b, message, len);
    lw__buf_printf(b, ",\"more_info\":\"https://www.twilio.com/docs/errors/"
                   "%d\",\"status\":%d}", (int)code, (int)status);
}

/* ---- If-Match ------------------------------------------------------------ */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

lw__precond lw__if_match_parse(const char *const *vals, const size_t *lens,
                               size_t count, uint64_t *version)
{
    const char *s;
    size_t len;

    if (count == 0)
        return LW__PRECOND_NONE;
    if (count > 1 || (vals[0] == NULL && lens[0] != 0))
        return LW__PRECOND_NEVER;

    s = vals[0];
    len = lens[0];
    while (len > 0 && is_blank(s[0]))
        s++, len--;
    while (len > 0 && is_blank(s[len - 1]))
        len--;

    if (len == 0)
        return LW__PRECOND_NONE;
    if (len == 1 && s[0] == '*')
        return LW__PRECOND_ANY;
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
        s++, len -= 2;
    if (!lw__parse_digits(s, len, version))
        return LW__PRECOND_NEVER;
    return LW__PRECOND_VERSION;
}

/* ---- Basic credentials --------------------------------------------------- */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/*
 * Decode base64 (padding optional) into out (room for cap bytes); returns
 * the length, or SIZE_MAX when the text is not base64 or too long.
 */
static size_t b64_decode(const char *s, size_t len, char *out, size_t cap)
{
    uint32_t acc = 0;
    size_t i, n = 0, bits = 0;

    while (len > 0 && s[len - 1] == '=')
        len--;
    for (i = 0; i < len; i++) {
        int v = b64_value((unsigned char)s[i]);

        if (v < 0)
            return SIZE_MAX;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits < 8)
            continue;
        bits -= 8;
        if (n == cap)
            return SIZE_MAX;
        out[n++] = (char)((acc >> bits) & 0xff);
    }
    return len % 4 == 1 ? SIZE_MAX : n;
}

/* Compare without stopping at the first difference. */
static bool same_bytes(const char *a, size_t alen, const char *b,
                       size_t blen)
{
    unsigned char diff = alen != blen;
    size_t i;

    for (i = 0; i < alen && i < blen; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

bool lw__basic_auth_ok(const char *hdr, size_t len, const char *user,
                       const char *password)
{
    char plain[512];
    size_t n, colon, ulen = strlen(user);

    if (hdr == NULL || len < 6 || !lw__ascii_caseeq(hdr, 5, "basic", 5) ||
        !is_blank(hdr[5]))
        return false;
    hdr += 6, len -= 6;
    while (len > 0 && is_blank(hdr[0]))
        hdr++, len--;
    while (len > 0 && is_blank(hdr[len - 1]))
        len--;

    n = b64_decode(hdr, len, plain, sizeof plain);
    if (n == SIZE_MAX)
        return false;
    colon = 0;
    while (colon < n && plain[colon] != ':')
        colon++;
    if (colon == n)
        return false;
    /* Both halves are compared whatever the first gives, so the time
     * taken does not say which one was wrong. */
    return ((int)same_bytes(plain, colon, user, ulen) &
            (int)same_bytes(plain + colon + 1, n - colon - 1, password,
                            strlen(password))) != 0;
}
