/*
 * expr_search.h - the part of the CONTAINS substring search that scans
 * inline: needles of 2 to 7 bytes, eight haystack positions per step.
 * Everything else goes through lw__substring_words() (expr_search.c).
 */
#ifndef LW_EXPR_SEARCH_H
#define LW_EXPR_SEARCH_H

#include <string.h>

#include "expr_impl.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
#define LW__SWAR_SEARCH 1

static LW__ALWAYS_INLINE uint64_t lw__load8(const char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

/*
 * Does needle (2 <= nlen) start at one of the eight positions i..i+7?
 * Byte k of the window word stands for position i + k; z has a zero
 * byte where both the needle's first and last bytes are in place.  The
 * high-bit test below flags exactly the zero bytes (adding 0x7f to the
 * low seven bits carries into bit 7 only for a nonzero byte), so a
 * two-byte needle needs nothing more and a longer one compares its
 * middle bytes at each candidate.
 */
static LW__ALWAYS_INLINE bool lw__window8(const char *hay, size_t i,
                                          const char *needle, size_t nlen,
                                          uint64_t f, uint64_t l)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fu;
    uint64_t z = (lw__load8(hay + i) ^ f) |
                 (lw__load8(hay + i + nlen - 1) ^ l);
    uint64_t m = ~(((z & low7) + low7) | z | low7);

    if (nlen == 2 || m == 0)
        return m != 0;
    for (; m != 0; m &= m - 1)
        if (memcmp(hay + i + (size_t)__builtin_ctzll(m) / 8 + 1,
                   needle + 1, nlen - 2) == 0)
            return true;
    return false;
}

/*
 * The search eight positions at a time, for 2 <= nlen < 8 and
 * nlen + 7 <= hlen: windows from the start, and a last one that ends at
 * the last position (it may overlap the one before; only whether the
 * needle occurs matters).  No load reads past hay + hlen.
 */
static LW__ALWAYS_INLINE bool lw__substring_swar(const char *hay,
                                                 size_t hlen,
                                                 const char *needle,
                                                 size_t nlen)
{
    const uint64_t ones = 0x0101010101010101u;
    const uint64_t f = ones * (unsigned char)needle[0];
    const uint64_t l = ones * (unsigned char)needle[nlen - 1];
    size_t i, last = hlen - nlen - 7;

    for (i = 0; i < last; i += 8)
        if (lw__window8(hay, i, needle, nlen, f, l))
            return true;
    return lw__window8(hay, last, needle, nlen, f, l);
}
#endif

/* lw__substring() for every case but the windowed one below. */
bool lw__substring_words(const char *hay, size_t hlen, const char *needle,
                         size_t nlen);

/*
 * lw__substring() with its most common case, a needle of 2 to 7 bytes in
 * a string with room for a window, searched in place; every other case
 * goes to lw__substring_words().
 */
static LW__ALWAYS_INLINE bool lw__substring_inline(const char *hay,
                                                   size_t hlen,
                                                   const char *needle,
                                                   size_t nlen)
{
#if defined(LW__SWAR_SEARCH)
    if (nlen >= 2 && nlen < 8 && nlen + 7 <= hlen)
        return lw__substring_swar(hay, hlen, needle, nlen);
#endif
    return lw__substring_words(hay, hlen, needle, nlen);
}

#endif
