/*
 * json_alloc.c - cJSON's process-wide allocation hooks, routed to the
 * allocator the calling thread made current (malloc/free when none), or
 * to a bump arena whose blocks come from that allocator.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "attrs_int.h"

static _Thread_local const lw_allocator *current;
static _Thread_local lw__json_arena *arena;
static _Thread_local bool failed;

/* Pieces keep the alignment of the arena's start (the allocator's);
 * blocks start with the previous block's address. */
#define ARENA_ALIGN 16u
#define BLOCK_HEADER ARENA_ALIGN

/* n bytes from a new block of at least twice the last one's size. */
static void *arena_grow(lw__json_arena *a, size_t n)
{
    size_t size = a->grow * 2 > n + BLOCK_HEADER ? a->grow * 2
                                                 : n + BLOCK_HEADER;
    char *b = lw__malloc(a->alloc, size);

    if (b == NULL)
        return NULL;
    memcpy(b, &a->chain, sizeof a->chain);
    a->chain = b;
    a->grow = size;
    a->next = b + BLOCK_HEADER + n;
    a->end = b + size;
    return b + BLOCK_HEADER;
}

static void *arena_alloc(lw__json_arena *a, size_t n)
{
    char *p = a->next;

    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (n <= (size_t)(a->end - p)) {
        a->next = p + n;
        return p;
    }
    return arena_grow(a, n);
}
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *json_malloc(size_t n)
{
    const lw_allocator *a = current;
    void *p;

    if (arena != NULL)
        p = arena_alloc(arena, n ? n : 1);
    else if (a == NULL)
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

    if (arena != NULL)
        return;  /* freed with the arena */
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

void lw__json_arena_begin(lw__json_arena *a, const lw_allocator *alloc,
                          void *buf, size_t size)
{
    a->alloc = alloc;
    a->chain = NULL;
    a->next = buf;
    a->end = (char *)buf + size;
    a->grow = size;
    a->prev = lw__json_begin(alloc);
    a->prev_arena = arena;
    arena = a;
}

void lw__json_arena_end(lw__json_arena *a)
{
    while (a->chain != NULL) {
        void *b = a->chain;

        memcpy(&a->chain, b, sizeof a->chain);
        lw__free(a->alloc, b);
    }
    arena = a->prev_arena;
    lw__json_end(a->prev);
}

bool lw__json_failed(void)
{
    return failed;
}
