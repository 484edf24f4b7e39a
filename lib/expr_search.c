/*
 * expr_search.c - the substring search behind CONTAINS: short needles
 * eight positions at a time with word operations (expr_search.h), longer
 * ones by their first and last words, one byte with memchr().
 */
#include <string.h>

#include "expr_search.h"

/* w (1, 2, 4 or 8) bytes at p as an integer, for equality tests only. */
static LW__ALWAYS_INLINE uint64_t load_bytes(const char *p, size_t w)
{
    uint64_t v8;
    uint32_t v4;
    uint16_t v2;

    switch (w) {
    case 8:
        memcpy(&v8, p, 8);
        return v8;
    case 4:
        memcpy(&v4, p, 4);
        return v4;
    case 2:
        memcpy(&v2, p, 2);
        return v2;
    default:
        return (unsigned char)*p;
    }
}

/*
 * The substring search with w-byte words (w <= nlen <= hlen): each
 * position is tested with two word compares, the needle's first and last
 * w bytes, and only when middle is set (the needle may be longer than two
 * words) with a byte-wise compare of what lies between them.
 */
static LW__ALWAYS_INLINE bool substring_w(const char *hay, size_t hlen,
                                              const char *needle,
                                              size_t nlen, size_t w,
                                              bool middle)
{
    uint64_t first = load_bytes(needle, w);
    uint64_t last = load_bytes(needle + nlen - w, w);
    size_t i;

    for (i = 0; i + nlen <= hlen; i++) {
        if (load_bytes(hay + i, w) == first &&
            load_bytes(hay + i + nlen - w, w) == last &&
            (!middle || nlen <= 2 * w ||
             memcmp(hay + i + w, needle + w, nlen - 2 * w) == 0))
            return true;
    }
    return false;
}

/*
 * Is needle (nlen bytes) a substring of hay (hlen bytes), for the cases
 * lw__substring_inline() leaves: needles of 8 bytes or more by their
 * first and last words, shorter ones without room for a window by
 * 4- or 2-byte words, a single byte with memchr().
 */
bool lw__substring_words(const char *hay, size_t hlen, const char *needle,
                         size_t nlen)
{
    if (nlen == 0)
        return true;
    if (nlen > hlen)
        return false;
    if (nlen >= 8)
        return substring_w(hay, hlen, needle, nlen, 8, true);
    if (nlen >= 4)
        return substring_w(hay, hlen, needle, nlen, 4, false);
    if (nlen >= 2)
        return substring_w(hay, hlen, needle, nlen, 2, false);
    return memchr(hay, (unsigned char)needle[0], hlen) != NULL;
}

bool lw__substring(const char *hay, size_t hlen, const char *needle,
                   size_t nlen)
{
    return lw__substring_inline(hay, hlen, needle, nlen);
}
