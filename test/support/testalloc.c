/*
 * testalloc.c - counting, failing allocator for tests.  Each block carries
 * a small header with its size so that live bytes can be tracked.
 */
#include <stdlib.h>
#include <string.h>

#include "testalloc.h"

typedef union header {
    size_t size;
    max_align_t align;
} header;

static bool should_fail(testalloc *ta)
{
    ta->calls++;
    if (ta->fail_at == 0 || ta->calls < ta->fail_at)
        return false;
    if (ta->calls == ta->fail_at || ta->fail_after) {
        ta->failures++;
        return true;
    }
    return false;
}

static void *test_realloc(void *user, void *ptr, size_t size)
{
    testalloc *ta = user;
    header *h = ptr ? (header *)ptr - 1 : NULL;
    size_t old = h ? h->size : 0;
    header *n;

    if (size == 0) {
        if (h != NULL) {
            ta->live--;
            ta->live_bytes -= old;
            free(h);
        }
        return NULL;
    }
    if (size > old && should_fail(ta))
        return NULL;
    n = realloc(h, sizeof *n + size);
    if (n == NULL)
        return NULL;
    if (h == NULL)
        ta->live++;
    n->size = size;
    ta->live_bytes += size - old;
    if (ta->live_bytes > ta->peak_bytes)
        ta->peak_bytes = ta->live_bytes;
    return n + 1;
}

void testalloc_init(testalloc *ta)
{
    memset(ta, 0, sizeof *ta);
    ta->alloc.realloc = test_realloc;
    ta->alloc.user = ta;
}

void testalloc_fail_at(testalloc *ta, size_t n, bool sticky)
{
    ta->fail_at = n ? ta->calls + n : 0;
    ta->fail_after = sticky;
}
