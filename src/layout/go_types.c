/* The gmv_types table: Go types by index, their strings, and the
 * remembered look-ups of runtime types and functions. What the table asks
 * its binary (and when) is in dwarf_values.c. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "common/sort.h"
#include "layout/types_impl.h"

const char *gmv_go_kind_name(gmv_go_kind kind)
{
    static const char *const names[GMV_GO_KIND_COUNT] = {
        "bool",      "int",         "uint",      "uintptr", "float",     "complex",
        "string",    "unsafe_pointer", "pointer", "array",  "slice",     "struct",
        "interface", "empty_interface", "func",  "chan",    "map"};
    return (unsigned)kind < GMV_GO_KIND_COUNT ? names[kind] : "unknown";
}

gmv_types *gmv_types_new(uint64_t bias)
{
    gmv_types *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->key = t->elem = GMV_NO_TYPE;
    t->bias = bias;
    return t;
}

void gmv_types_free(gmv_types *t)
{
    if (!t)
        return;
    free(t->types);
    free(t->rts);
    free(t->funcs);
    free(t->dies);
    free(t->pending);
    gmv_arena_release(&t->strings);
    free(t);
}

void gmv_types_detach(gmv_types *t)
{
    t->bin = NULL;
}

uint32_t gmv_types_key(const gmv_types *t) { return t->key; }
uint32_t gmv_types_elem(const gmv_types *t) { return t->elem; }
uint64_t gmv_types_bias(const gmv_types *t) { return t->bias; }

void gmv_types_set_image(gmv_types *t, uint64_t start, uint64_t end)
{
    t->image_start = start;
    t->image_end = end > start ? end : start;
}

void gmv_types_image(const gmv_types *t, uint64_t *start, uint64_t *end)
{
    *start = t->image_start;
    *end = t->image_end;
}

bool gmv_types_in_image(const gmv_types *t, uint64_t address)
{
    return t && address >= t->image_start && address < t->image_end;
}

/* Types nested deeper than this are taken to hold pointers. */
#define MAX_POINTER_SEARCH 64

static bool holds_pointers_at(const gmv_types *t, uint32_t type, unsigned depth)
{
    const gmv_go_type *g = gmv_types_at(t, type);
    if (!g || depth >= MAX_POINTER_SEARCH)
        return true;
    switch (g->kind) {
    case GMV_GO_BOOL:
    case GMV_GO_INT:
    case GMV_GO_UINT:
    case GMV_GO_UINTPTR:
    case GMV_GO_FLOAT:
    case GMV_GO_COMPLEX:
        return false;
    case GMV_GO_ARRAY:
        return g->len > 0 && holds_pointers_at(t, g->elem, depth + 1);
    case GMV_GO_STRUCT:
        for (uint32_t i = 0; i < g->nfields; i++)
            if (holds_pointers_at(t, g->fields[i].type, depth + 1))
                return true;
        return false;
    default:
        return true;
    }
}

bool gmv_types_hold_pointers(const gmv_types *t, uint32_t type)
{
    return holds_pointers_at(t, type, 0);
}
uint32_t gmv_types_count(const gmv_types *t) { return (uint32_t)t->ntypes; }

const gmv_go_type *gmv_types_at(const gmv_types *t, uint32_t index)
{
    return t && index < t->ntypes ? &t->types[index] : NULL;
}

int gmv_types_set_roots(gmv_types *t, uint32_t key, uint32_t elem)
{
    if (key >= t->ntypes || elem >= t->ntypes)
        return gmv_fail(GMV_ERR_INVALID, "the key or value type is not in the type table");
    t->key = key;
    t->elem = elem;
    return GMV_OK;
}

const char *gmv_types_intern(gmv_types *t, const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = gmv_arena_alloc(&t->strings, n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

/* True when `index` names a type of the table or is GMV_NO_TYPE. */
static bool ref_ok(const gmv_types *t, uint32_t index)
{
    return index == GMV_NO_TYPE || index < t->ntypes;
}

/* Checks the references and sizes of one type. */
static bool type_ok(const gmv_types *t, const gmv_go_type *g)
{
    if ((unsigned)g->kind >= GMV_GO_KIND_COUNT || !ref_ok(t, g->elem) || !ref_ok(t, g->key) ||
        g->size > GMV_MAX_VALUE_SIZE)
        return false;
    switch (g->kind) {
    case GMV_GO_ARRAY:
        return g->elem != GMV_NO_TYPE && (g->len == 0 || t->types[g->elem].size <= g->size / g->len) &&
               g->len * t->types[g->elem].size == g->size;
    case GMV_GO_STRUCT:
        for (uint32_t i = 0; i < g->nfields; i++) {
            const gmv_go_field *f = &g->fields[i];
            if (!ref_ok(t, f->type) || f->offset > g->size ||
                (f->type != GMV_NO_TYPE && t->types[f->type].size > g->size - f->offset))
                return false;
        }
        return true;
    case GMV_GO_MAP:
        if (g->map_layout && (gmv_layout_validate(g->map_layout) != 0 ||
                              (g->key != GMV_NO_TYPE && g->key < t->ntypes &&
                               t->types[g->key].size != g->map_layout->key.size) ||
                              (g->elem != GMV_NO_TYPE && g->elem < t->ntypes &&
                               t->types[g->elem].size != g->map_layout->elem.size)))
            return false;
        return g->map_count_size <= 8 && g->map_count_offset <= 4096;
    case GMV_GO_CHAN:
        return (g->chan_len_offset <= 4096 && g->chan_cap_offset <= 4096) ||
               (g->chan_len_offset == GMV_NO_FIELD && g->chan_cap_offset == GMV_NO_FIELD);
    default:
        return true;
    }
}

static uint32_t push_unchecked(gmv_types *t, const gmv_go_type *type);

uint32_t gmv_types_push(gmv_types *t, const gmv_go_type *type)
{
    return type_ok(t, type) ? push_unchecked(t, type) : GMV_NO_TYPE;
}

/* Appends `type`, whose references may name types still to come (a table
 * read back is checked as a whole by gmv_types_validate). */
static uint32_t push_unchecked(gmv_types *t, const gmv_go_type *type)
{
    if (t->ntypes >= GMV_NO_TYPE - 1)
        return GMV_NO_TYPE;
    gmv_go_type *grown = gmv_grow(t->types, &t->types_cap, t->ntypes, sizeof *t->types, 16);
    if (!grown)
        return GMV_NO_TYPE;
    t->types = grown;
    if (t->pending_cap < t->types_cap) {
        uint64_t *pending = realloc(t->pending, t->types_cap * sizeof *pending);
        if (!pending)
            return GMV_NO_TYPE;
        memset(pending + t->pending_cap, 0, (t->types_cap - t->pending_cap) * sizeof *pending);
        t->pending = pending;
        t->pending_cap = t->types_cap;
    }
    t->types[t->ntypes] = *type;
    return (uint32_t)t->ntypes++;
}

uint32_t gmv_types_add(gmv_types *t, const gmv_go_type *type)
{
    gmv_go_type copy = *type;
    copy.name = gmv_types_intern(t, type->name ? type->name : "");
    gmv_go_field *fields = type->nfields ? gmv_arena_alloc(&t->strings, type->nfields * sizeof *fields) : NULL;
    gmv_go_const *consts = type->nconsts ? gmv_arena_alloc(&t->strings, type->nconsts * sizeof *consts) : NULL;
    if (!copy.name || (type->nfields && !fields) || (type->nconsts && !consts))
        return GMV_NO_TYPE;
    for (uint32_t i = 0; i < type->nfields; i++) {
        fields[i] = type->fields[i];
        if (!(fields[i].name = gmv_types_intern(t, type->fields[i].name ? type->fields[i].name : "")))
            return GMV_NO_TYPE;
    }
    for (uint32_t i = 0; i < type->nconsts; i++) {
        consts[i] = type->consts[i];
        if (!(consts[i].name = gmv_types_intern(t, type->consts[i].name ? type->consts[i].name : "")))
            return GMV_NO_TYPE;
    }
    copy.fields = fields;
    copy.consts = consts;
    if (type->map_layout) {
        gmv_layout *layout = gmv_arena_alloc(&t->strings, sizeof *layout);
        if (!layout)
            return GMV_NO_TYPE;
        *layout = *type->map_layout;
        copy.map_layout = layout;
    }
    return push_unchecked(t, &copy);
}

/* True when the types type `index` holds by value (array elements, struct
 * fields) come before it: no type holds itself, as in any table made from
 * DWARF, where the parts are read first. */
static bool parts_first(const gmv_types *t, uint32_t index)
{
    const gmv_go_type *g = &t->types[index];
    if (g->kind == GMV_GO_ARRAY && g->elem >= index)
        return false;
    for (uint32_t i = 0; g->kind == GMV_GO_STRUCT && i < g->nfields; i++)
        if (g->fields[i].type != GMV_NO_TYPE && g->fields[i].type >= index)
            return false;
    return true;
}

int gmv_types_validate(const gmv_types *t)
{
    for (size_t i = 0; i < t->ntypes; i++)
        if (!type_ok(t, &t->types[i]) || !parts_first(t, (uint32_t)i))
            return gmv_fail(GMV_ERR_FORMAT, "type %zu (%s) of the type table does not add up", i,
                            t->types[i].name ? t->types[i].name : "?");
    for (size_t i = 0; i < t->nfuncs; i++)
        for (uint32_t c = 0; c < t->funcs[i].func.ncaptures; c++)
            if (t->funcs[i].func.captures[c].type >= t->ntypes ||
                t->funcs[i].func.captures[c].offset > GMV_MAX_VALUE_SIZE)
                return gmv_fail(GMV_ERR_FORMAT, "a captured variable of the function at 0x%llx has no type of the table",
                                (unsigned long long)t->funcs[i].address);
    if (t->ntypes && (t->key >= t->ntypes || t->elem >= t->ntypes))
        return gmv_fail(GMV_ERR_FORMAT, "the type table names no key or value type");
    return GMV_OK;
}

/* ---- remembered look-ups, sorted by address ---- */

/* The position of `address` in `memo` (n entries), or where it would go. */
static size_t memo_find(const gmv_type_memo *memo, size_t n, uint64_t address)
{
    return gmv_count_keys_below(memo, n, sizeof *memo, address);
}

/* Inserts `entry` at its place in *memo; replaces one at the same address. */
static int memo_put(gmv_type_memo **memo, size_t *n, size_t *cap, gmv_type_memo entry)
{
    size_t at = memo_find(*memo, *n, entry.address);
    if (at < *n && (*memo)[at].address == entry.address) {
        (*memo)[at] = entry;
        return GMV_OK;
    }
    gmv_type_memo *grown = gmv_grow(*memo, cap, *n, sizeof **memo, 16);
    if (!grown)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory looking up types");
    *memo = grown;
    memmove(grown + at + 1, grown + at, (*n - at) * sizeof *grown);
    grown[at] = entry;
    (*n)++;
    return GMV_OK;
}

int gmv_types_remember_runtime_type(gmv_types *t, uint64_t address, uint32_t type)
{
    return memo_put(&t->rts, &t->nrts, &t->rts_cap, (gmv_type_memo){.address = address, .type = type});
}

int gmv_types_remember_func(gmv_types *t, uint64_t address, const gmv_go_func *func)
{
    gmv_go_func copy = {.name = func->name ? gmv_types_intern(t, func->name) : NULL, .ncaptures = func->ncaptures};
    gmv_go_field *captures = func->ncaptures ? gmv_arena_alloc(&t->strings, func->ncaptures * sizeof *captures) : NULL;
    bool ok = (!func->name || copy.name) && (!func->ncaptures || captures);
    for (uint32_t i = 0; ok && i < func->ncaptures; i++) {
        captures[i] = func->captures[i];
        ok = (captures[i].name = gmv_types_intern(t, func->captures[i].name ? func->captures[i].name : "")) != NULL;
    }
    if (!ok)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory looking up functions");
    copy.captures = captures;
    return memo_put(&t->funcs, &t->nfuncs, &t->funcs_cap, (gmv_type_memo){.address = address, .func = copy});
}

const uint32_t *gmv_types_recall_runtime_type(const gmv_types *t, uint64_t address)
{
    size_t at = memo_find(t->rts, t->nrts, address);
    return at < t->nrts && t->rts[at].address == address ? &t->rts[at].type : NULL;
}

const gmv_go_func *gmv_types_recall_func(const gmv_types *t, uint64_t address)
{
    size_t at = memo_find(t->funcs, t->nfuncs, address);
    return at < t->nfuncs && t->funcs[at].address == address ? &t->funcs[at].func : NULL;
}

void gmv_types_each_runtime_type(const gmv_types *t, void (*visit)(void *, uint64_t, uint32_t), void *ctx)
{
    for (size_t i = 0; i < t->nrts; i++)
        visit(ctx, t->rts[i].address, t->rts[i].type);
}

void gmv_types_each_func(const gmv_types *t, void (*visit)(void *, uint64_t, const gmv_go_func *), void *ctx)
{
    for (size_t i = 0; i < t->nfuncs; i++)
        visit(ctx, t->funcs[i].address, &t->funcs[i].func);
}

gmv_types *gmv_types_copy(const gmv_types *from)
{
    gmv_types *t = gmv_types_new(from->bias);
    bool ok = t != NULL;
    for (size_t i = 0; ok && i < from->ntypes; i++)
        ok = gmv_types_add(t, &from->types[i]) != GMV_NO_TYPE;
    for (size_t i = 0; ok && i < from->nrts; i++)
        ok = gmv_types_remember_runtime_type(t, from->rts[i].address, from->rts[i].type) == GMV_OK;
    for (size_t i = 0; ok && i < from->nfuncs; i++)
        ok = gmv_types_remember_func(t, from->funcs[i].address, &from->funcs[i].func) == GMV_OK;
    if (!ok) {
        gmv_types_free(t);
        return NULL;
    }
    t->key = from->key;
    t->elem = from->elem;
    t->image_start = from->image_start;
    t->image_end = from->image_end;
    return t;
}
