/* Decoding a key or value through its Go type (gmv_types) into a tree of
 * gmv_node: struct fields, array and slice elements, pointers followed (to
 * limits.follow_depth, a pointer already on the path shown as a cycle),
 * interfaces through their dynamic type, funcs through their funcval, maps
 * by their count. Every read goes through the builder, so it is bounded by
 * limits.max_bytes and recorded by a capture; every loop is bounded by the
 * type (read from DWARF or a checked snapshot) or by limits.max_elems. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "model/model_impl.h"

typedef struct tree {
    gmv_builder *b;
    gmv_types *types;
    gmv_arena *arena;      /* nodes and the bytes they point to */
    uint32_t ptr_size;
    uint64_t depth_limit;  /* pointers followed */
    uint64_t max_elems;
    uint64_t path[GMV_MAX_FOLLOW_DEPTH + 1]; /* the pointers followed to get here */
    uint64_t depth;
    unsigned outside;      /* > 0: in another allocation than the key or value (a slice's
                              array, an interface's value, a closure's funcval) */
    unsigned nesting;      /* values inside values on the way here */
    uint64_t nodes_left;   /* nodes one key or value may still take */
} tree;

#define MAX_NODES (UINT64_C(1) << 16) /* of one key or value: beyond, parts are left out */

#define MAX_NESTING 64 /* deeper is no Go type (a table read back may say otherwise) */

static void decode(tree *t, uint32_t type, const uint8_t *bytes, gmv_node *out);

static const gmv_go_type *type_at(const tree *t, uint32_t index)
{
    return gmv_types_at(t->types, index);
}

/* `n` nodes from the arena, zeroed; NULL (with b->error) when memory runs out. */
static gmv_node *new_nodes(tree *t, uint64_t n)
{
    if (n > t->nodes_left)
        return NULL;
    t->nodes_left -= n;
    gmv_node *nodes = gmv_arena_alloc(t->arena, (size_t)(n ? n : 1) * sizeof *nodes);
    if (!nodes) {
        t->b->error = GMV_ERR_NOMEM;
        return NULL;
    }
    memset(nodes, 0, (size_t)(n ? n : 1) * sizeof *nodes);
    return nodes;
}

/* Reads `len` bytes at `addr` into the arena. Returns them, or NULL when not
 * all were readable (or on failure, with b->error set). */
static const uint8_t *read_at(tree *t, uint64_t addr, uint64_t len)
{
    if (len > t->b->limits.max_bytes)
        return NULL;
    uint8_t *buf = gmv_arena_alloc(t->arena, (size_t)(len ? len : 1));
    if (!buf) {
        t->b->error = GMV_ERR_NOMEM;
        return NULL;
    }
    if (len == 0)
        return buf;
    int64_t got = gmv_builder_read(t->b, addr, buf, (size_t)len);
    if (got < 0)
        t->b->error = (int)got;
    return got == (int64_t)len ? buf : NULL;
}

static uint64_t word(const tree *t, const uint8_t *p)
{
    return gmv_load_le(p, t->ptr_size);
}

/* The name of the constant of `g` whose value is `v`, or NULL (a type has
 * few: a look at each). */
static const char *const_name(const gmv_go_type *g, int64_t v)
{
    for (uint32_t i = 0; i < g->nconsts; i++)
        if (g->consts[i].value == v)
            return g->consts[i].name;
    return NULL;
}

static double float_at(const uint8_t *p, uint64_t size)
{
    if (size == 4) {
        uint32_t bits = (uint32_t)gmv_load_le(p, 4);
        float f;
        memcpy(&f, &bits, sizeof f);
        return f;
    }
    uint64_t bits = gmv_load_le(p, 8);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* Scalars: bool, integers (with their constant's name), floats, complex, unsafe.Pointer. */
static void decode_scalar(const gmv_go_type *g, const uint8_t *bytes, gmv_node *out)
{
    gmv_value *v = &out->value;
    uint64_t size = g->size <= 8 ? g->size : 8;
    switch (g->kind) {
    case GMV_GO_BOOL:
        v->kind = GMV_KIND_BOOL;
        v->as.b = bytes[0] != 0;
        break;
    case GMV_GO_INT: {
        unsigned shift = 64 - 8 * (unsigned)size;
        v->kind = GMV_KIND_INT;
        v->as.i = size ? (int64_t)(gmv_load_le(bytes, (uint32_t)size) << shift) >> shift : 0;
        out->name = const_name(g, v->as.i);
        break;
    }
    case GMV_GO_UINT:
    case GMV_GO_UINTPTR:
        v->kind = GMV_KIND_UINT;
        v->as.u = size ? gmv_load_le(bytes, (uint32_t)size) : 0;
        out->name = g->kind == GMV_GO_UINT ? const_name(g, (int64_t)v->as.u) : NULL;
        break;
    case GMV_GO_FLOAT:
        v->kind = GMV_KIND_FLOAT;
        v->as.f = float_at(bytes, g->size);
        break;
    case GMV_GO_COMPLEX:
        v->kind = GMV_KIND_FLOAT;
        v->as.f = float_at(bytes, g->size / 2);
        out->imag = float_at(bytes + g->size / 2, g->size / 2);
        break;
    default: /* unsafe.Pointer */
        v->kind = GMV_KIND_POINTER;
        v->as.u = size ? gmv_load_le(bytes, (uint32_t)size) : 0;
        break;
    }
}

/* A string header: its bytes, up to limits.max_string. */
static void decode_string(tree *t, const uint8_t *bytes, gmv_node *out)
{
    gmv_value *v = &out->value;
    uint64_t ptr = word(t, bytes), len = word(t, bytes + t->ptr_size);
    v->kind = GMV_KIND_STRING;
    v->full_len = len;
    if ((t->ptr_size == 8 && (int64_t)len < 0) || (len > 0 && ptr == 0)) {
        v->readable = false;
        return;
    }
    if (t->depth == 0 && t->outside == 0 && gmv_builder_own_string(t->b, ptr, len) != 0) {
        t->b->error = GMV_ERR_NOMEM;
        return;
    }
    uint64_t want = len < t->b->limits.max_string ? len : t->b->limits.max_string;
    v->truncated = want < len;
    const uint8_t *s = read_at(t, ptr, want);
    v->readable = s != NULL;
    v->bytes = s;
    v->len = s ? (uint32_t)want : 0;
}

/* `n` elements of type `elem` laid out from `bytes`. */
static void decode_elems(tree *t, uint32_t elem, uint64_t n, const uint8_t *bytes, gmv_node *out)
{
    const gmv_go_type *e = type_at(t, elem);
    gmv_node *kids = e ? new_nodes(t, n) : NULL;
    if (!kids) {
        out->note = e ? GMV_NODE_LEFT_OUT : GMV_NODE_UNKNOWN_TYPE;
        return;
    }
    for (uint64_t i = 0; i < n && !t->b->error; i++)
        decode(t, elem, bytes + i * e->size, &kids[i]);
    out->children = kids;
    out->nchildren = (uint32_t)n;
}

/* True for [N]uint8: shown from its bytes, not element by element. */
static bool is_byte_array(const tree *t, const gmv_go_type *g)
{
    const gmv_go_type *e = type_at(t, g->elem);
    return e && e->kind == GMV_GO_UINT && e->size == 1;
}

static void decode_array(tree *t, const gmv_go_type *g, const uint8_t *bytes, gmv_node *out)
{
    out->len = g->len;
    if (is_byte_array(t, g))
        return;
    uint64_t n = g->len < t->max_elems ? g->len : t->max_elems;
    out->truncated = n < g->len;
    decode_elems(t, g->elem, n, bytes, out);
}

static void decode_slice(tree *t, uint32_t type, const uint8_t *bytes, gmv_node *out)
{
    out->address = word(t, bytes);
    out->len = word(t, bytes + t->ptr_size);
    out->cap = word(t, bytes + 2 * t->ptr_size);
    if (out->address == 0) {
        out->note = GMV_NODE_NIL;
        return;
    }
    uint32_t elem = gmv_types_elem_of(t->types, type);
    const gmv_go_type *e = type_at(t, elem);
    if (!e) {
        out->note = GMV_NODE_UNKNOWN_TYPE;
        return;
    }
    if (out->len > out->cap || (t->ptr_size == 8 && (int64_t)out->cap < 0)) {
        out->note = GMV_NODE_UNREADABLE; /* no runtime writes such a header */
        return;
    }
    uint64_t n = out->len < t->max_elems ? out->len : t->max_elems;
    out->truncated = n < out->len;
    const uint8_t *data = e->size && n > t->b->limits.max_bytes / e->size ? NULL : read_at(t, out->address, n * e->size);
    if (!data) {
        out->note = GMV_NODE_UNREADABLE;
        return;
    }
    t->outside++;
    decode_elems(t, elem, n, data, out);
    t->outside--;
}

static void decode_struct(tree *t, const gmv_go_type *g, const uint8_t *bytes, gmv_node *out)
{
    gmv_node *kids = new_nodes(t, g->nfields);
    if (!kids) {
        out->note = GMV_NODE_LEFT_OUT;
        return;
    }
    for (uint32_t i = 0; i < g->nfields && !t->b->error; i++) {
        if (g->fields[i].type == GMV_NO_TYPE)
            kids[i].note = GMV_NODE_UNKNOWN_TYPE;
        else
            decode(t, g->fields[i].type, bytes + g->fields[i].offset, &kids[i]);
    }
    out->children = kids;
    out->nchildren = g->nfields;
}

/* Decodes the `target` type's value at `addr` into a single child of `out`. */
static void decode_target(tree *t, uint32_t target, uint64_t addr, gmv_node *out)
{
    const gmv_go_type *g = type_at(t, target);
    if (!g) {
        out->note = GMV_NODE_UNKNOWN_TYPE;
        return;
    }
    const uint8_t *data = read_at(t, addr, g->size);
    gmv_node *kid = data ? new_nodes(t, 1) : NULL;
    if (!kid) {
        out->note = GMV_NODE_UNREADABLE;
        return;
    }
    decode(t, target, data, kid);
    out->children = kid;
    out->nchildren = 1;
}

static bool on_path(const tree *t, uint64_t addr)
{
    for (uint64_t i = 0; i < t->depth; i++)
        if (t->path[i] == addr)
            return true;
    return false;
}

static void decode_pointer(tree *t, uint32_t type, const uint8_t *bytes, gmv_node *out)
{
    out->address = word(t, bytes);
    if (out->address == 0) {
        out->note = GMV_NODE_NIL;
        return;
    }
    if (on_path(t, out->address)) {
        out->note = GMV_NODE_CYCLE;
        return;
    }
    if (t->depth >= t->depth_limit) {
        out->note = GMV_NODE_DEPTH;
        return;
    }
    t->path[t->depth++] = out->address;
    decode_target(t, gmv_types_elem_of(t->types, type), out->address, out);
    t->depth--;
}

static void decode_interface(tree *t, const gmv_go_type *g, const uint8_t *bytes, gmv_node *out)
{
    uint64_t first = word(t, bytes);
    out->address = word(t, bytes + t->ptr_size);
    if (first == 0) {
        out->note = GMV_NODE_NIL;
        return;
    }
    out->dynamic_type = first;
    if (g->kind == GMV_GO_INTERFACE) { /* first is the itab: its _type follows the interface type */
        const uint8_t *itab = read_at(t, first + t->ptr_size, t->ptr_size);
        if (!itab) {
            out->note = GMV_NODE_UNREADABLE;
            return;
        }
        out->dynamic_type = word(t, itab);
    }
    uint32_t dyn = gmv_types_by_runtime_type(t->types, out->dynamic_type);
    out->dynamic = type_at(t, dyn);
    if (!out->dynamic) {
        out->note = GMV_NODE_UNKNOWN_TYPE;
        return;
    }
    if (!out->dynamic->direct_iface) {
        t->outside++;
        decode_target(t, dyn, out->address, out);
        t->outside--;
        return;
    }
    gmv_node *kid = out->dynamic->size <= t->ptr_size ? new_nodes(t, 1) : NULL;
    if (!kid) {
        out->note = GMV_NODE_UNKNOWN_TYPE;
        return;
    }
    decode(t, dyn, bytes + t->ptr_size, kid); /* the data word is the value */
    out->children = kid;
    out->nchildren = 1;
}

/* The variables a closure captured: each in its funcval at its offset. */
static void decode_captures(tree *t, const gmv_go_func *fn, gmv_node *out)
{
    gmv_node *kids = new_nodes(t, fn->ncaptures);
    if (!kids) {
        out->note = GMV_NODE_LEFT_OUT;
        return;
    }
    for (uint32_t i = 0; i < fn->ncaptures && !t->b->error; i++) {
        const gmv_go_type *g = type_at(t, fn->captures[i].type);
        const uint8_t *data = g ? read_at(t, out->address + fn->captures[i].offset, g->size) : NULL;
        if (!data) {
            kids[i] = (gmv_node){.type = g, .note = g ? GMV_NODE_UNREADABLE : GMV_NODE_UNKNOWN_TYPE};
            continue;
        }
        t->outside++;
        decode(t, fn->captures[i].type, data, &kids[i]);
        t->outside--;
    }
    out->captures = fn->captures;
    out->children = kids;
    out->nchildren = fn->ncaptures;
}

static void decode_func(tree *t, const uint8_t *bytes, gmv_node *out)
{
    out->address = word(t, bytes);
    if (out->address == 0) {
        out->note = GMV_NODE_NIL;
        return;
    }
    const uint8_t *funcval = read_at(t, out->address, t->ptr_size);
    if (!funcval) {
        out->note = GMV_NODE_UNREADABLE;
        return;
    }
    out->code = word(t, funcval);
    const gmv_go_func *fn = gmv_types_func(t->types, out->code);
    if (!fn) {
        t->b->error = GMV_ERR_NOMEM;
        return;
    }
    out->name = fn->name;
    if (fn->ncaptures)
        decode_captures(t, fn, out);
}

/* A chan: its address, and its length and capacity from its hchan. */
static void decode_chan(tree *t, const gmv_go_type *g, const uint8_t *bytes, gmv_node *out)
{
    out->address = word(t, bytes);
    if (out->address == 0) {
        out->note = GMV_NODE_NIL;
        return;
    }
    if (g->chan_len_offset == GMV_NO_FIELD)
        return;
    const uint8_t *len = read_at(t, out->address + g->chan_len_offset, t->ptr_size);
    const uint8_t *cap = len ? read_at(t, out->address + g->chan_cap_offset, t->ptr_size) : NULL;
    if (cap) {
        out->len = word(t, len);
        out->cap = word(t, cap);
        out->has_count = true;
    }
}

/* Reads the map `out` points to whole (limits.nested_maps): its model is
 * kept with the key or value, or only read when nobody will look at it (a
 * capture records the memory). */
static void read_nested(tree *t, const gmv_go_type *g, gmv_node *out)
{
    gmv_builder *b = t->b;
    gmv_model *m = NULL;
    uint32_t roots[2] = {g->key, g->elem};
    int rc = gmv_model_build_nested(b, g->map_layout, roots, out->address, &m);
    if (rc == GMV_ERR_NOMEM)
        b->error = rc;
    if (rc != 0)
        return; /* else its header was unreadable: the count says as much */
    if (!b->keep_entries && b->release_views) {
        gmv_model_free(m); /* a capture: the reads are recorded, that was all */
        return;
    }
    gmv_model_list *owner = b->keep_entries ? &b->model->nested : &b->scratch_models;
    if (gmv_model_list_add(owner, m) != 0) {
        b->error = GMV_ERR_NOMEM;
        return;
    }
    out->nested = m;
}

static void decode_map(tree *t, const gmv_go_type *g, const uint8_t *bytes, gmv_node *out)
{
    out->address = word(t, bytes);
    if (out->address == 0) {
        out->note = GMV_NODE_NIL;
        return;
    }
    const uint8_t *count = g->map_count_size ? read_at(t, out->address + g->map_count_offset, g->map_count_size)
                                             : NULL;
    if (count) {
        out->count = gmv_load_le(count, g->map_count_size);
        out->has_count = true;
    }
    if (t->b->limits.nested_maps && g->map_layout && g->key != GMV_NO_TYPE && g->elem != GMV_NO_TYPE &&
        !gmv_model_reading(t->b->model, out->address))
        read_nested(t, g, out);
}

/* True when `g` has the size its kind has on a target of `ptr_size`. */
static bool shape_ok(const gmv_go_type *g, uint32_t ptr_size)
{
    switch (g->kind) {
    case GMV_GO_BOOL: return g->size == 1;
    case GMV_GO_INT:
    case GMV_GO_UINT:
    case GMV_GO_UINTPTR: return g->size == 1 || g->size == 2 || g->size == 4 || g->size == 8;
    case GMV_GO_FLOAT: return g->size == 4 || g->size == 8;
    case GMV_GO_COMPLEX: return g->size == 8 || g->size == 16;
    case GMV_GO_STRING:
    case GMV_GO_INTERFACE:
    case GMV_GO_EMPTY_INTERFACE: return g->size == 2 * (uint64_t)ptr_size;
    case GMV_GO_SLICE: return g->size == 3 * (uint64_t)ptr_size;
    case GMV_GO_ARRAY:
    case GMV_GO_STRUCT: return true; /* checked against their parts (gmv_types_validate) */
    default: return g->size == ptr_size;
    }
}

static void decode_checked(tree *t, uint32_t type, const gmv_go_type *g, const uint8_t *bytes, gmv_node *out);

static void decode(tree *t, uint32_t type, const uint8_t *bytes, gmv_node *out)
{
    const gmv_go_type *g = type_at(t, type);
    out->type = g;
    out->value.readable = true;
    if (!g || !shape_ok(g, t->ptr_size) || t->nesting >= MAX_NESTING) {
        out->note = GMV_NODE_UNKNOWN_TYPE;
        return;
    }
    t->nesting++;
    decode_checked(t, type, g, bytes, out);
    t->nesting--;
}

/* Decodes a value of a type of the right shape. */
static void decode_checked(tree *t, uint32_t type, const gmv_go_type *g, const uint8_t *bytes, gmv_node *out)
{
    out->value.bytes = bytes;
    out->value.len = g->size < UINT32_MAX ? (uint32_t)g->size : UINT32_MAX;
    switch (g->kind) {
    case GMV_GO_STRING: decode_string(t, bytes, out); return;
    case GMV_GO_ARRAY: decode_array(t, g, bytes, out); return;
    case GMV_GO_SLICE: decode_slice(t, type, bytes, out); return;
    case GMV_GO_STRUCT: decode_struct(t, g, bytes, out); return;
    case GMV_GO_POINTER: decode_pointer(t, type, bytes, out); return;
    case GMV_GO_INTERFACE:
    case GMV_GO_EMPTY_INTERFACE: decode_interface(t, g, bytes, out); return;
    case GMV_GO_FUNC: decode_func(t, bytes, out); return;
    case GMV_GO_MAP: decode_map(t, g, bytes, out); return;
    case GMV_GO_CHAN: decode_chan(t, g, bytes, out); return;
    default: decode_scalar(g, bytes, out); return;
    }
}

bool gmv_type_is_tree(const gmv_types *types, uint32_t type)
{
    const gmv_go_type *g = gmv_types_at(types, type);
    if (!g)
        return false;
    switch (g->kind) {
    case GMV_GO_BOOL:
    case GMV_GO_UINTPTR:
    case GMV_GO_FLOAT:
    case GMV_GO_STRING:
    case GMV_GO_UNSAFE_POINTER:
        return false;
    case GMV_GO_INT:
    case GMV_GO_UINT:
        return g->nconsts > 0;
    default:
        return true;
    }
}

int gmv_decode_tree(gmv_builder *b, uint32_t type, const uint8_t *data, gmv_value *out)
{
    gmv_arena *arena = b->keep_entries ? &b->model->arena : &b->tree_scratch;
    tree t = {.b = b, .types = b->types, .arena = arena, .ptr_size = b->model->layout.ptr_size,
              .depth_limit = b->limits.follow_depth == GMV_FOLLOW_NONE ? 0 : b->limits.follow_depth,
              .max_elems = b->limits.max_elems, .nodes_left = MAX_NODES};
    gmv_node *root = new_nodes(&t, 1);
    if (!root)
        return b->error;
    decode(&t, type, data, root);
    out->kind = GMV_KIND_NODE;
    out->as.node = root;
    out->bytes = data;
    out->len = root->value.len;
    return b->error;
}
