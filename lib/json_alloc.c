/*
 * json_alloc.c - cJSON's process-wide allocation hooks, routed to the
 * allocator the calling thread made current (malloc/free when none).
 */
#include <pthread.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "attrs_int.h"

static _Thread_local const lw_allocator *current;
static _Thread_local bool failed;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *json_malloc(size_t n)
{
    const lw_allocator *a = current;
    void *p;

    if (a == NULL)
        p = malloc(n);
    else
        p = a->realloc(a->user, NULL, n ? n : 1);
    if (p == NULL)
        failed = true;
    return p;
}

static void json_free(void *p)
{
    const lw_allocator *a = current;

    if (a == NULL)
        free(p);
    else if (p != NULL)
        a->realloc(a->user, p, 0);
}

static void install_hooks(void)
{
    cJSON_Hooks hooks = {json_malloc, json_free};

    cJSON_InitHooks(&hooks);
}

const lw_allocator *lw__json_begin(const lw_allocator *alloc)
{
    const lw_allocator *prev = current;

    pthread_once(&hooks_once, install_hooks);
    current = alloc;
    failed = false;
    return prev;
}

void lw__json_end(const lw_allocator *prev)
{
    current = prev;
}

bool lw__json_failed(void)
{
    return failed;
}
