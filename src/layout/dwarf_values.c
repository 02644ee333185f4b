/* Go types of keys and values from DWARF, into a gmv_types table. Go's
 * linker (cmd/link/internal/ld/dwarf.go) gives every type DIE its Go kind
 * (attribute 0x2900) and the offset of its runtime type descriptor from
 * runtime.types (0x2904); structs list their members (0x2903: embedded),
 * slices name their element (0x2902), and named types are DIEs of their
 * own, with DW_TAG_constant entries for their constants. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/sort.h"
#include "layout/dwarf_die.h"
#include "layout/types_impl.h"

#define DW_AT_GO_EMBEDDED 0x2903
#define MAX_NESTING 32 /* structs and arrays inside each other */
#define MAX_CAPTURES 256 /* variables one closure captures */


static uint32_t type_of(gmv_types *t, Dwarf_Die *die, int nesting);

/* The index of the type already read from DIE `die`, or GMV_NO_TYPE; *at
 * is where that DIE is, or would go, in t->dies. */
static uint32_t memo_get(const gmv_types *t, uint64_t die, size_t *at)
{
    *at = gmv_count_keys_below(t->dies, t->ndies, sizeof *t->dies, die);
    return *at < t->ndies && t->dies[*at].die == die ? t->dies[*at].type : GMV_NO_TYPE;
}

static bool memo_put(gmv_types *t, size_t at, uint64_t die, uint32_t type)
{
    if (t->ndies == t->dies_cap) {
        size_t cap = t->dies_cap ? t->dies_cap * 2 : 32;
        gmv_die_memo *grown = realloc(t->dies, cap * sizeof *grown);
        if (!grown)
            return false;
        t->dies = grown;
        t->dies_cap = cap;
    }
    memmove(t->dies + at + 1, t->dies + at, (t->ndies - at) * sizeof *t->dies);
    t->dies[at] = (gmv_die_memo){die, type};
    t->ndies++;
    return true;
}

/* The Go kind of a base type, grouped. */
static gmv_go_kind scalar_kind(int go_kind)
{
    if (go_kind == GMV_GO_KIND_BOOL)
        return GMV_GO_BOOL;
    if (go_kind <= GMV_GO_KIND_INT64)
        return GMV_GO_INT;
    if (go_kind <= GMV_GO_KIND_UINT64)
        return GMV_GO_UINT;
    if (go_kind == GMV_GO_KIND_UINTPTR)
        return GMV_GO_UINTPTR;
    if (go_kind <= GMV_GO_KIND_FLOAT64)
        return GMV_GO_FLOAT;
    return GMV_GO_COMPLEX;
}

/* True when the constant `name` belongs to the package of the named type
 * `type` ("main.Red" to "main.Color"). The compiler gives untyped constants
 * a default type (int, float64): those are no type's names for its values. */
static bool same_package(const char *type, const char *name)
{
    const char *dot = strrchr(type, '.');
    if (!dot || strchr(type, '[') || strchr(type, '*') || strchr(type, ' '))
        return false;
    size_t prefix = (size_t)(dot - type) + 1;
    return strncmp(type, name, prefix) == 0 && !strchr(name + prefix, '.');
}

/* The named constants of the integer type `die`, copied into the table. */
static bool read_consts(gmv_types *t, Dwarf_Die *die, gmv_go_type *g)
{
    size_t n = 0, kept = 0;
    const gmv_dwarf_const *c = gmv_dwarf_find_consts(t->bin, dwarf_dieoffset(die), &n);
    if (!n || !g->name)
        return true;
    gmv_go_const *out = gmv_arena_alloc(&t->strings, n * sizeof *out);
    if (!out)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!same_package(g->name, c[i].name) || (kept && out[kept - 1].value == c[i].value))
            continue; /* another package's, or a second name for a value: the first is shown */
        out[kept].value = c[i].value;
        if (!(out[kept++].name = gmv_types_intern(t, c[i].name)))
            return false;
    }
    g->consts = kept ? out : NULL;
    g->nconsts = (uint32_t)kept;
    return true;
}

/* Reads the members of the struct `die` (blank ones left out). */
static bool read_fields(gmv_types *t, Dwarf_Die *die, gmv_go_type *g, int nesting)
{
    Dwarf_Die m, next, mtype;
    size_t n = 0, cap = 0;
    gmv_go_field *fields = NULL;
    bool ok = true;
    for (int more = dwarf_child(die, &m); more == 0 && ok; more = dwarf_siblingof(&m, &next), m = next) {
        const char *name = dwarf_diename(&m);
        uint64_t offset = 0, embedded = 0;
        if (dwarf_tag(&m) != DW_TAG_member || !name || strcmp(name, "_") == 0)
            continue;
        if (!gmv_die_member_location(&m, &offset) || !gmv_die_ref(&m, DW_AT_type, &mtype))
            continue;
        gmv_die_const(&m, DW_AT_GO_EMBEDDED, &embedded);
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            gmv_go_field *grown = realloc(fields, cap * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            fields = grown;
        }
        fields[n] = (gmv_go_field){.name = gmv_types_intern(t, name), .offset = offset,
                                   .type = type_of(t, &mtype, nesting + 1), .embedded = embedded != 0};
        ok = fields[n].name != NULL;
        n++;
    }
    if (ok && n) {
        gmv_go_field *kept = gmv_arena_alloc(&t->strings, n * sizeof *kept);
        ok = kept != NULL;
        if (ok) {
            memcpy(kept, fields, n * sizeof *kept);
            g->fields = kept;
            g->nfields = (uint32_t)n;
        }
    }
    free(fields);
    return ok;
}

/* True when an interface holding a value of type `g` stores it in its data
 * word (the compiler's isdirectiface): pointer-shaped types, and structs
 * and arrays of exactly one such thing. */
static bool is_direct_iface(const gmv_types *t, const gmv_go_type *g)
{
    switch (g->kind) {
    case GMV_GO_POINTER:
    case GMV_GO_UNSAFE_POINTER:
    case GMV_GO_CHAN:
    case GMV_GO_MAP:
    case GMV_GO_FUNC:
        return true;
    case GMV_GO_ARRAY:
        return g->len == 1 && g->elem != GMV_NO_TYPE && t->types[g->elem].direct_iface;
    case GMV_GO_STRUCT:
        return g->nfields == 1 && g->fields[0].type != GMV_NO_TYPE && t->types[g->fields[0].type].direct_iface &&
               g->size == t->types[g->fields[0].type].size;
    default:
        return false;
    }
}

/* Fills the map part of `g` from the map typedef `die` (its key and value
 * types are read once the map type is in the table: a map type may hold
 * itself, `type T map[string]T`). */
static bool read_map(gmv_types *t, Dwarf_Die *die, gmv_go_type *g)
{
    gmv_layout l;
    const char *name = dwarf_diename(die);
    if (gmv_dwarf_map_layout(t->bin, dwarf_dieoffset(die), name ? name : "map", &l) != 0)
        return false;
    gmv_layout *kept = gmv_arena_alloc(&t->strings, sizeof *kept);
    if (!kept)
        return false;
    *kept = l;
    g->map_layout = kept;
    g->map_impl = l.impl;
    if (l.impl == GMV_IMPL_SWISS) {
        g->map_count_offset = l.swiss.map.used;
        g->map_count_size = 8;
    } else {
        g->map_count_offset = l.hmap.count;
        g->map_count_size = l.ptr_size;
    }
    return true;
}

/* Finds where the chan's hchan keeps its length and capacity (qcount,
 * dataqsiz): the chan typedef points to a pointer to hchan<T>. */
static void read_chan(Dwarf_Die *die, gmv_go_type *g)
{
    Dwarf_Die hchan, member;
    uint64_t len = 0, cap = 0;
    g->chan_len_offset = g->chan_cap_offset = GMV_NO_FIELD;
    if (gmv_die_pointee_struct(die, &hchan) && gmv_die_find_member(&hchan, "qcount", &member) &&
        gmv_die_member_location(&member, &len) && gmv_die_find_member(&hchan, "dataqsiz", &member) &&
        gmv_die_member_location(&member, &cap) && len < 4096 && cap < 4096) {
        g->chan_len_offset = (uint32_t)len;
        g->chan_cap_offset = (uint32_t)cap;
    }
}

/* Fills `g` for a DIE of Go kind `kind`. Returns false for what is not read. */
static bool describe(gmv_types *t, Dwarf_Die *die, int kind, gmv_go_type *g, uint64_t *pending, int nesting)
{
    uint32_t p = t->bin->ptr_size;
    Dwarf_Die inner;
    switch (kind) {
    case GMV_GO_KIND_STRING: g->kind = GMV_GO_STRING; g->size = 2 * p; return true;
    case GMV_GO_KIND_UNSAFE_POINTER: g->kind = GMV_GO_UNSAFE_POINTER; g->size = p; return true;
    case GMV_GO_KIND_CHAN: g->kind = GMV_GO_CHAN; g->size = p; read_chan(die, g); return true;
    case GMV_GO_KIND_FUNC: g->kind = GMV_GO_FUNC; g->size = p; return true;
    case GMV_GO_KIND_MAP: g->kind = GMV_GO_MAP; g->size = p; return read_map(t, die, g);
    case GMV_GO_KIND_POINTER:
        g->kind = GMV_GO_POINTER;
        g->size = p;
        if (gmv_die_ref(die, DW_AT_type, &inner))
            *pending = dwarf_dieoffset(&inner);
        return true;
    case GMV_GO_KIND_SLICE:
        g->kind = GMV_GO_SLICE;
        g->size = 3 * (uint64_t)p;
        if (gmv_die_ref(die, GMV_DW_AT_GO_ELEM, &inner))
            *pending = dwarf_dieoffset(&inner);
        return true;
    case GMV_GO_KIND_INTERFACE: {
        Dwarf_Die st, member;
        g->size = 2 * (uint64_t)p;
        g->kind = gmv_die_strip_typedefs(die, &st) && gmv_die_find_member(&st, "_type", &member)
                      ? GMV_GO_EMPTY_INTERFACE
                      : GMV_GO_INTERFACE;
        return true;
    }
    case GMV_GO_KIND_ARRAY:
        g->kind = GMV_GO_ARRAY;
        if (!gmv_die_array_length(die, &g->len))
            g->len = 0;
        g->elem = gmv_die_ref(die, DW_AT_type, &inner) ? type_of(t, &inner, nesting + 1) : GMV_NO_TYPE;
        return g->elem != GMV_NO_TYPE && gmv_die_const(die, DW_AT_byte_size, &g->size);
    case GMV_GO_KIND_STRUCT:
        g->kind = GMV_GO_STRUCT;
        return gmv_die_const(die, DW_AT_byte_size, &g->size) && read_fields(t, die, g, nesting);
    default:
        if (kind < GMV_GO_KIND_BOOL || kind > GMV_GO_KIND_COMPLEX128)
            return false;
        g->kind = scalar_kind(kind);
        if (!gmv_die_const(die, DW_AT_byte_size, &g->size))
            return false;
        return (g->kind != GMV_GO_INT && g->kind != GMV_GO_UINT) || read_consts(t, die, g);
    }
}

static uint32_t type_of(gmv_types *t, Dwarf_Die *given, int nesting);

/* The key and value types of the map type `index` (typedef `die`), if
 * they have the layout's sizes; else the map is read by its count only. */
static void read_map_parts(gmv_types *t, Dwarf_Die *die, uint32_t index, int nesting)
{
    Dwarf_Die key, elem;
    if (!gmv_die_ref(die, GMV_DW_AT_GO_KEY, &key) || !gmv_die_ref(die, GMV_DW_AT_GO_ELEM, &elem))
        return;
    uint32_t k = type_of(t, &key, nesting + 1), e = type_of(t, &elem, nesting + 1);
    const gmv_layout *l = t->types[index].map_layout;
    if (k != GMV_NO_TYPE && e != GMV_NO_TYPE && t->types[k].size == l->key.size && t->types[e].size == l->elem.size) {
        t->types[index].key = k;
        t->types[index].elem = e;
    }
}

/* The Go kind of `die`; unsafe.Pointer has none, only its name. */
static int go_kind_of(Dwarf_Die *die)
{
    int kind = gmv_dwarf_go_kind(die);
    const char *name = dwarf_diename(die);
    if (!kind && dwarf_tag(die) == DW_TAG_pointer_type && name && strcmp(name, "unsafe.Pointer") == 0)
        return GMV_GO_KIND_UNSAFE_POINTER;
    return kind;
}

static uint32_t type_of(gmv_types *t, Dwarf_Die *given, int nesting)
{
    Dwarf_Die die = *given;
    size_t at;
    if (nesting > MAX_NESTING || !gmv_die_described(&die))
        return GMV_NO_TYPE;
    uint64_t off = dwarf_dieoffset(&die);
    uint32_t known = memo_get(t, off, &at);
    if (known != GMV_NO_TYPE)
        return known;
    gmv_go_type g = {.elem = GMV_NO_TYPE, .key = GMV_NO_TYPE};
    uint64_t pending = 0;
    const char *name = dwarf_diename(&die);
    g.name = gmv_types_intern(t, name ? name : "?");
    if (!g.name || !describe(t, &die, go_kind_of(&die), &g, &pending, nesting) || g.size > GMV_MAX_VALUE_SIZE)
        return GMV_NO_TYPE;
    g.direct_iface = is_direct_iface(t, &g);
    uint32_t index = gmv_types_push(t, &g);
    if (index == GMV_NO_TYPE)
        return GMV_NO_TYPE;
    t->pending[index] = pending;
    memo_get(t, off, &at); /* reading the fields may have added DIEs */
    if (!memo_put(t, at, off, index))
        return GMV_NO_TYPE;
    if (g.kind == GMV_GO_MAP)
        read_map_parts(t, &die, index, nesting);
    return index;
}

uint32_t gmv_dwarf_value_type(gmv_types *t, uint64_t off)
{
    Dwarf_Die die;
    if (!t->bin || !t->bin->dwarf || !dwarf_offdie(t->bin->dwarf, off, &die))
        return GMV_NO_TYPE;
    return type_of(t, &die, 0);
}

/* Fills out->captures (in the table's storage) with the variables the
 * closure whose code starts at link address `pc` captured (DWARF's
 * DW_AT_go_closure_offset); none when it is no closure or the DWARF says
 * nothing. Returns false only when memory runs out. */
static bool closure_captures(gmv_types *t, uint64_t pc, gmv_go_func *out)
{
    gmv_capture captures[MAX_CAPTURES];
    size_t n = gmv_dwarf_closure_captures(t->bin, pc, captures, MAX_CAPTURES);
    gmv_go_field found[MAX_CAPTURES];
    uint32_t kept_n = 0;
    for (size_t i = 0; i < n; i++) {
        if (captures[i].offset > GMV_MAX_VALUE_SIZE)
            continue;
        uint32_t type = type_of(t, &captures[i].type, 0);
        if (type == GMV_NO_TYPE)
            continue;
        found[kept_n] = (gmv_go_field){.name = gmv_types_intern(t, captures[i].dwarf_name),
                                       .offset = captures[i].offset, .type = type};
        if (!found[kept_n++].name)
            return false;
    }
    if (!kept_n)
        return true;
    gmv_go_field *kept = gmv_arena_alloc(&t->strings, kept_n * sizeof *kept);
    if (!kept)
        return false;
    memcpy(kept, found, kept_n * sizeof *kept);
    out->captures = kept;
    out->ncaptures = kept_n;
    return true;
}

/* Records where the executable's file-backed bytes lie once loaded. */
static void set_image_span(gmv_types *t, const gmv_file_image *image, uint64_t bias)
{
    uint64_t start = UINT64_MAX, end = 0;
    for (size_t i = 0; i < image->nranges; i++) {
        const gmv_file_range *r = &image->ranges[i];
        if (r->size == 0)
            continue;
        start = r->vaddr < start ? r->vaddr : start;
        end = r->vaddr + r->size > end ? r->vaddr + r->size : end;
    }
    if (start < end)
        gmv_types_set_image(t, start + bias, end + bias);
}

int gmv_binary_value_types(const gmv_binary *bin, const char *map_type, uint64_t bias, gmv_types **out)
{
    *out = NULL;
    if (!bin->dwarf)
        return gmv_fail(GMV_ERR_UNSUPPORTED, "%s has no DWARF: keys and values of %s are shown as bytes", bin->path,
                        map_type);
    const gmv_dwarf_map *m = gmv_dwarf_find_map(bin, map_type);
    Dwarf_Die die, key, elem;
    if (!m || !dwarf_offdie(bin->dwarf, m->die, &die))
        return gmv_fail(GMV_ERR_NOT_FOUND, "no map type %s in the DWARF of %s", map_type, bin->path);
    if (!gmv_die_ref(&die, GMV_DW_AT_GO_KEY, &key) || !gmv_die_ref(&die, GMV_DW_AT_GO_ELEM, &elem))
        return gmv_fail(GMV_ERR_FORMAT, "the DWARF of %s in %s does not name its key and value types", map_type,
                        bin->path);
    gmv_types *t = gmv_types_new(bias);
    if (!t)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory reading types");
    t->bin = bin;
    set_image_span(t, &bin->image, bias);
    t->key = type_of(t, &key, 0);
    t->elem = type_of(t, &elem, 0);
    if (t->key == GMV_NO_TYPE || t->elem == GMV_NO_TYPE) {
        gmv_types_free(t);
        return gmv_fail(GMV_ERR_FORMAT, "the key or value type of %s in %s is not one gomapviz can read", map_type,
                        bin->path);
    }
    *out = t;
    return GMV_OK;
}

/* ---- what a table asks its binary while decoding ---- */

uint32_t gmv_types_by_runtime_type(gmv_types *t, uint64_t address)
{
    const uint32_t *known = gmv_types_recall_runtime_type(t, address);
    if (known)
        return *known;
    if (!t->bin)
        return GMV_NO_TYPE;
    uint64_t die = gmv_dwarf_find_rtype(t->bin, address - t->bias);
    uint32_t type = die ? gmv_dwarf_value_type(t, die) : GMV_NO_TYPE;
    gmv_types_remember_runtime_type(t, address, type);
    return type;
}

uint32_t gmv_types_elem_of(gmv_types *t, uint32_t index)
{
    if (index >= t->ntypes)
        return GMV_NO_TYPE;
    if (t->types[index].elem == GMV_NO_TYPE && t->pending[index] && t->bin) {
        uint64_t die = t->pending[index];
        t->pending[index] = 0;
        uint32_t elem = gmv_dwarf_value_type(t, die);
        t->types[index].elem = elem;
    }
    return t->types[index].elem;
}

const gmv_go_func *gmv_types_func(gmv_types *t, uint64_t address)
{
    static const gmv_go_func unknown = {0};
    const gmv_go_func *known = gmv_types_recall_func(t, address);
    if (known)
        return known;
    if (!t->bin)
        return &unknown;
    gmv_go_func found = {.name = gmv_symtab_func_named_at(t->bin, address - t->bias)};
    if (!closure_captures(t, address - t->bias, &found) || gmv_types_remember_func(t, address, &found) != 0)
        return NULL;
    return gmv_types_recall_func(t, address);
}
