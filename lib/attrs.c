/*
 * attrs.c - attribute documents: strict scan, cJSON parse, conversion
 * into one compact block per document, release, and the read API.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "attrs_scan.h"

/*
 * Text over this is refused whatever max_bytes says.  A value costs at
 * most four times its text (a double in an array, "1.5," is a cell and
 * a box), so the block stays under 2 GiB and its offsets fit in cells.
 */
#define HARD_MAX_BYTES ((size_t)256 << 20)

/* Objects with at most this many members dedupe keys without the heap. */
#define SMALL_OBJECT 8

typedef struct builder {
    lw_symtab *syms;
    const lw_allocator *alloc;
    char *cursor;           /* next free payload byte of the block */
    char *end;              /* the end of the payload */
    const lw__val *nums;    /* number values from the scan, in order */
    size_t nnums;
    size_t next_num;
} builder;

/* What the strict scan found: the numbers, and the size of the block. */
typedef struct scanned {
    const lw__val *nums;
    size_t nnums;
    size_t payload;
} scanned;

static lw_result conv_value(builder *b, const cJSON *item, lw__cell *out);

/* ---- release ------------------------------------------------------------ */

/*
 * Drop the references a (possibly partly built) value holds; the caller
 * holds the table's lock.
 */
static void release_value(lw_symtab *t, const lw__cell *c)
{
    lw__val v = lw__val_of(c);
    const lw__sym *const *keys;
    uint32_t i;

    switch (v.tag) {
    case LW__STR:
        lw__sym_release_locked(t, v.u.s);
        break;
    case LW__ARR:
        for (i = 0; i < v.n; i++)
            release_value(t, &v.u.items[i]);
        break;
    case LW__OBJ:
        keys = lw__obj_keys(&v);
        for (i = 0; i < v.n; i++) {
            lw__sym_release_locked(t, keys[i]);
            release_value(t, &v.u.items[i]);
        }
        if (v.n > 0)
            lw__shape_release_locked(t, lw__obj_shape(&v));
        break;
    default:
        break;
    }
}

/* release_value() on a whole document, under one hold of the lock. */
static void release_root(lw_symtab *t, const lw__cell *root)
{
    lw__symtab_lock(t);
    release_value(t, root);
    lw__symtab_unlock(t);
}

/* ---- sizing ------------------------------------------------------------- */

static size_t child_count(const cJSON *item)
{
    const cJSON *c;
    size_t n = 0;

    for (c = item->child; c != NULL; c = c->next)
        n++;
    return n;
}

/*
 * Room for nvals cells and, when shaped, a shape pointer before them
 * (the cells are returned), or NULL when the scan's count of them falls
 * short (it never does: cJSON parsed the text the scan accepted).  A box
 * is one cell's room.
 */
static lw__cell *take(builder *b, size_t nvals, bool shaped)
{
    size_t head = shaped ? sizeof(const lw__shape *) : 0;
    size_t n = head + nvals * sizeof(lw__cell);
    lw__cell *p = (lw__cell *)(void *)(b->cursor + head);

    if (n > (size_t)(b->end - b->cursor)) /* GCOVR_EXCL_BR_LINE */
        return NULL;                       /* GCOVR_EXCL_LINE */
    b->cursor += n;
    return p;
}

/* Advance past the numbers of a subtree that is not converted. */
static void skip_numbers(builder *b, const cJSON *item)
{
    const cJSON *c;

    if (cJSON_IsNumber(item))
        b->next_num++;
    for (c = item->child; c != NULL; c = c->next)
        skip_numbers(b, c);
}

/* ---- scalars and arrays ------------------------------------------------- */

static lw_result conv_number(builder *b, lw__cell *out)
{
    const lw__val *v;
    lw__cell *box;

    /* The scan and cJSON saw the same text, so the counts agree. */
    if (b->next_num >= b->nnums)
        return LW_ERR_SYNTAX;
    v = &b->nums[b->next_num++];
    if (!lw__val_boxed(v)) {
        *out = lw__cell_scalar(v);
        return LW_OK;
    }
    box = take(b, 1, false);
    if (box == NULL)          /* GCOVR_EXCL_BR_LINE: see take() */
        return LW_ERR_SYNTAX; /* GCOVR_EXCL_LINE */
    *out = lw__cell_box(out, v, box);
    return LW_OK;
}

static lw_result conv_string(builder *b, const char *s, lw__cell *out)
{
    const lw__sym *sym;

    if (lw__sym_intern_locked(b->syms, s, strlen(s), &sym) != LW_OK)
        return LW_ERR_NOMEM;
    *out = lw__cell_str(sym);
    return LW_OK;
}

static lw_result conv_array(builder *b, const cJSON *arr, lw__cell *out)
{
    size_t n = child_count(arr), i = 0;
    bool all_str = n > 0;
    const cJSON *c;
    lw__cell *items = take(b, n, false);

    if (items == NULL)        /* GCOVR_EXCL_BR_LINE: see take() */
        return LW_ERR_SYNTAX; /* GCOVR_EXCL_LINE */
    *out = lw__cell_container(out, LW__C_ARR, (uint32_t)n, false, items);

    for (c = arr->child; c != NULL; c = c->next, i++) {
        lw_result rc = conv_value(b, c, &items[i]);

        if (rc != LW_OK)
            return rc;
        all_str = all_str && (items[i] & LW__C_KIND) == LW__C_STR;
    }
    *out = lw__cell_container(out, LW__C_ARR, (uint32_t)n, all_str, items);
    return LW_OK;
}

/* ---- objects ------------------------------------------------------------ */

/* The keys of one object's members and where each one lands. */
typedef struct members {
    size_t n;              /* members as written */
    size_t m;              /* distinct keys */
    const lw__sym **keys;  /* key of each member, one reference each */
    uint32_t *slot;        /* slot of each member among the distinct keys */
    uint32_t *last;        /* member whose value each slot takes */
    uint32_t *table;       /* open addressing: slot + 1, or 0 */
    const lw__sym **kv;    /* the distinct keys, in slot order */
    size_t mask;
    void *heap;            /* NULL when the small buffers sufficed */
} members;

typedef struct small_members {
    const lw__sym *keys[SMALL_OBJECT];
    uint32_t slot[SMALL_OBJECT];
    uint32_t last[SMALL_OBJECT];
    uint32_t table[2 * SMALL_OBJECT];
    const lw__sym *kv[SMALL_OBJECT];
} small_members;

static lw_result members_init(members *mb, size_t n, small_members *sm,
                              const lw_allocator *alloc)
{
    size_t tsize = 2 * SMALL_OBJECT;
    char *p;

    memset(mb, 0, sizeof *mb);
    mb->n = n;
    if (n <= SMALL_OBJECT) {
        memset(sm->table, 0, sizeof sm->table);
        memset(sm->kv, 0, sizeof sm->kv);
        mb->keys = sm->keys;
        mb->kv = sm->kv;
        mb->slot = sm->slot;
        mb->last = sm->last;
        mb->table = sm->table;
        mb->mask = tsize - 1;
        return LW_OK;
    }

    while (tsize < 2 * n)
        tsize *= 2;
    p = lw__calloc(alloc, 1,
                   2 * n * sizeof *mb->keys + (2 * n + tsize) * 4);
    if (p == NULL)
        return LW_ERR_NOMEM;
    mb->heap = p;
    mb->keys = (const lw__sym **)(void *)p;
    mb->kv = mb->keys + n;
    mb->slot = (uint32_t *)(void *)(p + 2 * n * sizeof *mb->keys);
    mb->last = mb->slot + n;
    mb->table = mb->last + n;
    mb->mask = tsize - 1;
    return LW_OK;
}

/* Intern every key, in order; on failure nothing stays referenced. */
static lw_result members_intern(members *mb, builder *b, const cJSON *obj)
{
    const cJSON *c;
    size_t i = 0;

    for (c = obj->child; c != NULL; c = c->next, i++) {
        const char *k = c->string;

        if (lw__sym_intern_locked(b->syms, k, strlen(k), &mb->keys[i]) !=
            LW_OK) {
            while (i > 0)
                lw__sym_release_locked(b->syms, mb->keys[--i]);
            return LW_ERR_NOMEM;
        }
    }
    return LW_OK;
}

/* Give each member a slot: a repeated key reuses its first slot. */
static void members_dedupe(members *mb)
{
    size_t i;

    for (i = 0; i < mb->n; i++) {
        const lw__sym *k = mb->keys[i];
        size_t h = k->hash & mb->mask;

        while (mb->table[h] != 0 && mb->keys[mb->last[mb->table[h] - 1]] !=
                                        k)
            h = (h + 1) & mb->mask;
        if (mb->table[h] == 0) {
            mb->table[h] = (uint32_t)(mb->m + 1);
            mb->slot[i] = (uint32_t)mb->m++;
        } else {
            mb->slot[i] = mb->table[h] - 1;
        }
        mb->last[mb->slot[i]] = (uint32_t)i;
    }
}

/*
 * Put the distinct keys in slot order: the first occurrence of each key
 * keeps its reference, the references taken for repeats are dropped.
 */
static void members_place(members *mb, builder *b)
{
    size_t i;

    for (i = 0; i < mb->n; i++) {
        if (mb->kv[mb->slot[i]] == NULL)
            mb->kv[mb->slot[i]] = mb->keys[i];
        else
            lw__sym_release_locked(b->syms, mb->keys[i]);
    }
}

/* Convert each key's last value; skip the values it replaced. */
static lw_result members_values(members *mb, builder *b, const cJSON *obj,
                                lw__cell *vals)
{
    const cJSON *c;
    size_t i = 0;

    for (c = obj->child; c != NULL; c = c->next, i++) {
        uint32_t s = mb->slot[i];
        lw_result rc;

        if (mb->last[s] != i) {
            skip_numbers(b, c);
            continue;
        }
        rc = conv_value(b, c, &vals[s]);
        if (rc != LW_OK)
            return rc;
    }
    return LW_OK;
}

static lw_result conv_object(builder *b, const cJSON *obj, lw__cell *out)
{
    const lw__shape *shape = NULL;
    small_members sm;
    members mb;
    lw__cell *vals;
    lw_result rc;

    rc = members_init(&mb, child_count(obj), &sm, b->alloc);
    if (rc != LW_OK)
        return rc;
    rc = members_intern(&mb, b, obj);
    if (rc != LW_OK) {
        lw__free(b->alloc, mb.heap);
        return rc;
    }
    members_dedupe(&mb);
    members_place(&mb, b);

    /* An object with members starts its payload with its shape. */
    vals = take(b, mb.m, mb.m > 0);
    if (vals == NULL)       /* GCOVR_EXCL_BR_LINE: see take() */
        rc = LW_ERR_SYNTAX; /* GCOVR_EXCL_LINE */
    else if (mb.m > 0)
        rc = lw__shape_intern_locked(b->syms, mb.kv, (uint32_t)mb.m,
                                     &shape);
    if (rc != LW_OK) {
        for (size_t i = 0; i < mb.m; i++)
            lw__sym_release_locked(b->syms, mb.kv[i]);
        lw__free(b->alloc, mb.heap);
        return rc;
    }
    *out = lw__cell_container(out, LW__C_OBJ, (uint32_t)mb.m, false, vals);
    if (mb.m > 0)
        memcpy(vals - 1, &shape, sizeof shape);

    rc = members_values(&mb, b, obj, vals);
    lw__free(b->alloc, mb.heap);
    return rc;
}

static lw_result conv_value(builder *b, const cJSON *item, lw__cell *out)
{
    switch (item->type & 0xff) {
    case cJSON_NULL:
        *out = lw__cell_const(LW__NULL);
        return LW_OK;
    case cJSON_False:
        *out = lw__cell_const(LW__FALSE);
        return LW_OK;
    case cJSON_True:
        *out = lw__cell_const(LW__TRUE);
        return LW_OK;
    case cJSON_Number:
        return conv_number(b, out);
    case cJSON_String:
        return conv_string(b, item->valuestring, out);
    case cJSON_Array:
        return conv_array(b, item, out);
    case cJSON_Object:
        return conv_object(b, item, out);
    default:
        return LW_ERR_SYNTAX;
    }
}

/* ---- parse -------------------------------------------------------------- */

/* Build the document block from cJSON's tree and the scanned numbers. */
static lw_result build(lw_symtab *syms, const cJSON *tree, const char *text,
                       size_t len, const scanned *sd, lw_attrs **out)
{
    const lw_allocator *alloc = lw__symtab_alloc(syms);
    size_t payload = sd->payload, total;
    lw_attrs *doc;
    builder b;
    lw_result rc;
    char *t;

    total = sizeof *doc + payload;
    if (total < payload || total > SIZE_MAX - len - 1)
        return LW_ERR_NOMEM;
    total += len + 1;
    doc = lw__calloc(alloc, 1, total);
    if (doc == NULL)
        return LW_ERR_NOMEM;

    /* One lock round trip for every key and string of the document. */
    b = (builder){syms, alloc, (char *)(doc + 1),
                  (char *)(doc + 1) + payload, sd->nums, sd->nnums, 0};
    lw__symtab_lock(syms);
    rc = conv_object(&b, tree, &doc->root);
    if (rc == LW_OK && b.next_num != sd->nnums)
        rc = LW_ERR_SYNTAX;
    lw__symtab_unlock(syms);
    if (rc != LW_OK) {
        release_root(syms, &doc->root);
        lw__free(alloc, doc);
        return rc;
    }

    t = (char *)(doc + 1) + payload;
    memcpy(t, text, len);
    t[len] = '\0';
    atomic_init(&doc->refs, 1);
    doc->text_len = (uint32_t)len;
    doc->syms = lw_symtab_retain(syms);
    doc->bytes = (uint32_t)total;
    *out = doc;
    return LW_OK;
}

/*
 * cJSON on the scanned copy, then the block.  cJSON allocates from an
 * arena that starts in the size bytes before the copy and grows through
 * the workspace's allocator; the tree goes with the arena.  (The copy
 * ends its block, so a read past it is still caught by sanitizers.)
 */
static lw_result parse_tree(lw_symtab *syms, const char *text, size_t len,
                            char *copy, size_t size, const scanned *sd,
                            lw_attrs **out, lw_error *err)
{
    lw__json_arena arena;
    cJSON *tree;
    lw_result rc;

    lw__json_arena_begin(&arena, lw__symtab_alloc(syms), copy - size, size);
    /* The copy ends with a NUL, so cJSON cannot read past the buffer. */
    tree = cJSON_ParseWithLengthOpts(copy, len, NULL, 0);
    if (tree == NULL)
        rc = lw__json_failed() ? LW_ERR_NOMEM : LW_ERR_SYNTAX;
    else
        rc = build(syms, tree, text, len, sd, out);
    lw__json_arena_end(&arena);

    if (rc == LW_ERR_NOMEM)
        return lw__fail_code(err, rc);
    if (rc != LW_OK)
        return lw__fail(err, rc, -1, "invalid JSON");
    return LW_OK;
}

/*
 * The arena room given with the copy: cJSON's tree of a typical document
 * (64-byte items, short strings) takes about ten times its text.  Larger
 * trees continue in blocks of their own.
 */
static size_t arena_size(size_t len)
{
    return len < 4096 ? (12 * len + 256 + 15) & ~(size_t)15 : 48 * 1024;
}

/*
 * Documents whose arena and copy fit in this many bytes parse on the
 * stack (texts up to 294 bytes), without a heap block.
 */
#define STACK_BLOCK 4096

lw_result lw_attrs_parse(lw_symtab *syms, const char *text, size_t len,
                         size_t max_bytes, lw_attrs **out, lw_error *err)
{
    size_t limit = max_bytes ? max_bytes : LW_ATTRS_DEFAULT_MAX_BYTES;
    const lw_allocator *alloc;
    lw__val small[16], *nums = small;
    _Alignas(16) char stack_block[STACK_BLOCK];
    scanned sd = {NULL, 0, 0};
    size_t arena;
    lw_result rc;
    char *block, *copy;

    if (syms == NULL || text == NULL || out == NULL)
        return lw__fail(err, LW_ERR_INVALID, -1,
                        "lw_attrs_parse: syms, text and out are required");
    if (limit > HARD_MAX_BYTES)
        limit = HARD_MAX_BYTES;
    if (len > limit)
        return lw__fail(err, LW_ERR_TOO_LARGE, (int64_t)limit,
                        "Attributes are %zu bytes, over the limit of %zu",
                        len, limit);

    alloc = lw__symtab_alloc(syms);
    arena = arena_size(len);
    if (arena + len + 1 <= sizeof stack_block) {
        /* The copy ends the array, as it would end a heap block. */
        block = stack_block;
        arena = sizeof stack_block - len - 1;
    } else {
        block = lw__malloc(alloc, arena + len + 1);
        if (block == NULL)
            return lw__fail_code(err, LW_ERR_NOMEM);
    }
    copy = block + arena;
    memcpy(copy, text, len);
    copy[len] = '\0';
    rc = lw__attrs_scan(text, len, copy, alloc, small,
                        sizeof small / sizeof *small, &nums, &sd.nnums,
                        &sd.payload, err);
    sd.nums = nums;
    if (rc == LW_OK)
        rc = parse_tree(syms, text, len, copy, arena, &sd, out, err);
    if (nums != small)
        lw__free(alloc, nums);
    if (block != stack_block)
        lw__free(alloc, block);
    return rc;
}

/* ---- documents ---------------------------------------------------------- */

lw_attrs *lw_attrs_retain(lw_attrs *doc)
{
    if (doc != NULL)
        atomic_fetch_add(&doc->refs, 1);
    return doc;
}

void lw_attrs_release(lw_attrs *doc)
{
    lw_symtab *syms;

    if (doc == NULL || atomic_fetch_sub(&doc->refs, 1) != 1)
        return;
    syms = doc->syms;
    release_root(syms, &doc->root);
    lw__free(lw__symtab_alloc(syms), doc);
    lw_symtab_release(syms);
}

const char *lw_attrs_text(const lw_attrs *doc, size_t *len)
{
    if (len != NULL)
        *len = doc != NULL ? doc->text_len : 0;
    return doc != NULL ? lw__attrs_text(doc) : NULL;
}

size_t lw_attrs_memory(const lw_attrs *doc)
{
    return doc != NULL ? doc->bytes : 0;
}

/* ---- values ------------------------------------------------------------- */

/* A public value is a document's cell. */
static const lw__cell *cell_of(const lw_value *v)
{
    return (const lw__cell *)(const void *)v;
}

static const lw_value *value_of(const lw__cell *c)
{
    return (const lw_value *)(const void *)c;
}

/* The decoded value of v; a missing one reads as null. */
static lw__val val_of(const lw_value *v)
{
    static const lw__cell null_cell = LW__C_CONST;

    return lw__val_of(v != NULL ? cell_of(v) : &null_cell);
}

const lw_value *lw_attrs_root(const lw_attrs *doc)
{
    return doc != NULL ? value_of(lw__attrs_root(doc)) : NULL;
}

lw_type lw_value_type(const lw_value *v)
{
    static const lw_type types[] = {
        [LW__NULL] = LW_TYPE_NULL,     [LW__FALSE] = LW_TYPE_BOOL,
        [LW__TRUE] = LW_TYPE_BOOL,     [LW__INT] = LW_TYPE_INT,
        [LW__DOUBLE] = LW_TYPE_DOUBLE, [LW__STR] = LW_TYPE_STRING,
        [LW__ARR] = LW_TYPE_ARRAY,     [LW__OBJ] = LW_TYPE_OBJECT,
    };

    return types[val_of(v).tag];
}

bool lw_value_bool(const lw_value *v)
{
    return val_of(v).tag == LW__TRUE;
}

int64_t lw_value_int(const lw_value *v)
{
    lw__val p = val_of(v);

    if (p.tag == LW__INT)
        return p.u.i;
    if (p.tag == LW__DOUBLE && p.u.d >= -9223372036854775808.0 &&
        p.u.d < 9223372036854775808.0)
        return (int64_t)p.u.d;
    return 0;
}

double lw_value_double(const lw_value *v)
{
    lw__val p = val_of(v);

    if (p.tag == LW__DOUBLE)
        return p.u.d;
    if (p.tag == LW__INT)
        return (double)p.u.i;
    return 0.0;
}

const char *lw_value_string(const lw_value *v, size_t *len)
{
    lw__val p = val_of(v);
    const lw__sym *s = p.tag == LW__STR ? p.u.s : NULL;

    if (len != NULL)
        *len = s != NULL ? s->len : 0;
    return s != NULL ? s->bytes : NULL;
}

size_t lw_value_count(const lw_value *v)
{
    lw__val p = val_of(v);

    if (p.tag != LW__ARR && p.tag != LW__OBJ)
        return 0;
    return p.n;
}

const lw_value *lw_value_at(const lw_value *v, size_t i)
{
    lw__val p = val_of(v);

    if (p.tag != LW__ARR || i >= p.n)
        return NULL;
    return value_of(&p.u.items[i]);
}

const lw_value *lw_value_member(const lw_value *v, size_t i,
                                const char **key, size_t *keylen)
{
    lw__val p = val_of(v);
    const lw__sym *k = NULL;

    if (p.tag == LW__OBJ && i < p.n)
        k = lw__obj_keys(&p)[i];
    if (key != NULL)
        *key = k != NULL ? k->bytes : NULL;
    if (keylen != NULL)
        *keylen = k != NULL ? k->len : 0;
    return k != NULL ? value_of(&p.u.items[i]) : NULL;
}

/* Member of the OBJ at c by key bytes, or NULL. */
static const lw__cell *member_by_bytes(const lw__cell *c, const char *key,
                                       size_t len)
{
    const lw__sym *const *keys;
    lw__val p;
    uint32_t i;

    if (c == NULL)
        return NULL;
    p = lw__val_of(c);
    if (p.tag != LW__OBJ)
        return NULL;
    keys = lw__obj_keys(&p);
    for (i = 0; i < p.n; i++) {
        if (keys[i]->len == len && memcmp(keys[i]->bytes, key, len) == 0)
            return &p.u.items[i];
    }
    return NULL;
}

const lw_value *lw_value_get(const lw_value *v, const char *key,
                             size_t keylen)
{
    if (key == NULL && keylen > 0)
        return NULL;
    return value_of(member_by_bytes(v != NULL ? cell_of(v) : NULL,
                                    key ? key : "", keylen));
}

/* ---- lookup ------------------------------------------------------------- */

typedef struct path {
    const char *s;
    size_t len;
    size_t pos;
} path;

static void path_ws(path *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\r' || p->s[p->pos] == '\n'))
        p->pos++;
}

static bool path_at(const path *p, char c)
{
    return p->pos < p->len && p->s[p->pos] == c;
}

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '$' || (!first && c >= '0' && c <= '9');
}

/* A name: [A-Za-z_$][A-Za-z0-9_$]*. */
static bool path_name(path *p, const char **name, size_t *n)
{
    size_t start = p->pos;

    if (p->pos >= p->len || !name_char(p->s[p->pos], true))
        return false;
    while (p->pos < p->len && name_char(p->s[p->pos], false))
        p->pos++;
    *name = p->s + start;
    *n = p->pos - start;
    return true;
}

/* "[ DIGITS ]" after the '['; an index past 64 bits saturates. */
static bool path_index(path *p, uint64_t *index)
{
    uint64_t v = 0;
    size_t start;

    p->pos++;
    path_ws(p);
    start = p->pos;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
        uint64_t d = (uint64_t)(p->s[p->pos++] - '0');

        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    if (p->pos == start)
        return false;
    path_ws(p);
    if (!path_at(p, ']'))
        return false;
    p->pos++;
    *index = v;
    return true;
}

/* One segment: a name and its indexes, applied to v. */
static const lw__cell *path_segment(path *p, const lw__cell *v)
{
    const char *name;
    size_t n;
    uint64_t index;
    lw__val a;

    path_ws(p);
    if (!path_name(p, &name, &n))
        return NULL;
    v = member_by_bytes(v, name, n);
    path_ws(p);
    while (v != NULL && path_at(p, '[')) {
        if (!path_index(p, &index))
            return NULL;
        a = lw__val_of(v);
        if (a.tag != LW__ARR || index >= a.n)
            return NULL;
        v = &a.u.items[index];
        path_ws(p);
    }
    return v;
}

const lw_value *lw_attrs_lookup(const lw_attrs *doc, const char *s,
                                size_t len)
{
    path p = {s, len, 0};
    const lw__cell *v;

    if (doc == NULL || s == NULL)
        return NULL;
    v = lw__attrs_root(doc);
    for (;;) {
        v = path_segment(&p, v);
        if (v == NULL)
            return NULL;
        if (p.pos == p.len)
            return value_of(v);
        if (!path_at(&p, '.'))
            return NULL;
        p.pos++;
    }
}
