/*
 * attrs_scan.h - the strict JSON scanner that validates attribute text
 * before cJSON sees it, and reads its numbers exactly.
 */
#ifndef LW_ATTRS_SCAN_H
#define LW_ATTRS_SCAN_H

#include "attrs_int.h"

/*
 * Validate len bytes of text as one JSON object (RFC 8259, depth at most
 * LW_ATTRS_MAX_DEPTH).  copy holds the same bytes plus a NUL; each
 * number in it is overwritten with "0" and spaces, so that cJSON never
 * reads a number itself.  The value of every number, as LW__INT or
 * LW__DOUBLE in document order, goes to small (nsmall values, nsmall > 0)
 * while it fits, then to an array from alloc: on LW_OK, *nums is small
 * or that array, which the caller frees, and *nnums the count; *payload
 * is the bytes the document's block needs for its arrays' values and
 * its objects' values and keys (repeated keys counted).  Errors:
 * LW_ERR_SYNTAX, LW_ERR_INVALID (not an object, NUL byte, invalid UTF-8,
 * too deep, number out of range, escaped NUL), LW_ERR_NOMEM; err gets
 * the message and offset.
 */
lw_result lw__attrs_scan(const char *text, size_t len, char *copy,
                         const lw_allocator *alloc, lw__val *small,
                         size_t nsmall, lw__val **nums, size_t *nnums,
                         size_t *payload, lw_error *err);

#endif /* LW_ATTRS_SCAN_H */
