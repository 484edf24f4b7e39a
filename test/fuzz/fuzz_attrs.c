/*
 * fuzz_attrs.c - libFuzzer harness for attribute parsing: any input either
 * parses into a document that echoes the text byte for byte and can be
 * walked completely, or fails with a documented code; nothing leaks and
 * every interned string is released.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libworkers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lw_symtab *syms;

static void walk(const lw_value *v, int depth)
{
    size_t i, n, len;
    const char *key;

    if (depth > LW_ATTRS_MAX_DEPTH)
        abort();
    switch (lw_value_type(v)) {
    case LW_TYPE_STRING:
        if (lw_value_string(v, &len) == NULL)
            abort();
        break;
    case LW_TYPE_ARRAY:
        n = lw_value_count(v);
        for (i = 0; i < n; i++)
            walk(lw_value_at(v, i), depth + 1);
        if (lw_value_at(v, n) != NULL)
            abort();
        break;
    case LW_TYPE_OBJECT:
        n = lw_value_count(v);
        for (i = 0; i < n; i++) {
            const lw_value *m = lw_value_member(v, i, &key, &len);
            if (m == NULL || lw_value_get(v, key, len) != m)
                abort();
            walk(m, depth + 1);
        }
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    lw_attrs *doc = NULL;
    lw_error err;
    lw_result rc;
    size_t len;

    if (syms == NULL && lw_symtab_create(NULL, &syms) != LW_OK)
        abort();
    rc = lw_attrs_parse(syms, text, size, 1 << 20, &doc, &err);
    if (rc != LW_OK) {
        if (rc != LW_ERR_INVALID && rc != LW_ERR_SYNTAX &&
            rc != LW_ERR_TOO_LARGE)
            abort();
        if (err.code != rc || err.message[0] == '\0')
            abort();
        if (lw_symtab_count(syms) != 0)
            abort();
        return 0;
    }
    if (lw_attrs_text(doc, &len) == NULL || len != size ||
        memcmp(lw_attrs_text(doc, NULL), data, size) != 0)
        abort();
    if (lw_value_type(lw_attrs_root(doc)) != LW_TYPE_OBJECT)
        abort();
    walk(lw_attrs_root(doc), 1);
    lw_attrs_lookup(doc, text, size < 64 ? size : 64);
    lw_attrs_release(doc);
    if (lw_symtab_count(syms) != 0)
        abort();
    return 0;
}
