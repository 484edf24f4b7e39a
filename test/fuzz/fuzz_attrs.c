/*
 * fuzz_attrs.c - libFuzzer target for lw_attrs_parse and the read API.
 * Built and run by "make fuzz" (FUZZ_SECONDS each).
 *
 * The first input byte picks the size limit; the rest is the text.  A
 * parsed document must give back its text byte for byte, and every value
 * in it must be reachable through the public read functions; whatever
 * happens, the symbol table must end up empty.
 */
#include <stdlib.h>
#include <string.h>

#include "attrs_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const lw_value *v, int depth)
{
    size_t i, n = lw_value_count(v), seen = 1;
    const char *key;
    size_t keylen;

    if (depth > LW_ATTRS_MAX_DEPTH)
        abort();
    switch (lw_value_type(v)) {
    case LW_TYPE_STRING:
        key = lw_value_string(v, &keylen);
        if (key == NULL || key[keylen] != '\0' || memchr(key, 0, keylen))
            abort();
        break;
    case LW_TYPE_ARRAY:
        for (i = 0; i < n; i++)
            seen += walk(lw_value_at(v, i), depth + 1);
        break;
    case LW_TYPE_OBJECT:
        for (i = 0; i < n; i++) {
            const lw_value *m = lw_value_member(v, i, &key, &keylen);

            if (m == NULL || lw_value_get(v, key, keylen) != m)
                abort();
            seen += walk(m, depth + 1);
        }
        break;
    default:
        (void)lw_value_int(v);
        (void)lw_value_double(v);
        break;
    }
    return seen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lw_symtab *t;
    lw_attrs *doc = NULL;
    const char *text;
    size_t max, len;
    lw_error err;
    lw_result rc;

    if (t == NULL && lw_symtab_create(NULL, &t) != LW_OK)
        abort();
    if (size == 0)
        return 0;
    max = data[0] < 128 ? 0 : (size_t)data[0] * 64;
    text = (const char *)data + 1;
    len = size - 1;

    rc = lw_attrs_parse(t, text, len, max, &doc, &err);
    if (rc != LW_OK) {
        if (doc != NULL || err.code != rc || err.message[0] == '\0')
            abort();
    } else {
        const char *back = lw_attrs_text(doc, &len);

        if (len != size - 1 || memcmp(back, text, len) != 0 || back[len])
            abort();
        walk(lw_attrs_root(doc), 1);
        (void)lw_attrs_lookup(doc, text, len < 32 ? len : 32);
        lw_attrs_release(doc);
    }
    if (lw_symtab_count(t) != 0)
        abort();
    return 0;
}
