/* The META section of a snapshot: layout, origin and map address as JSON
 * (read and written with jansson). A layout without "implementation" (every
 * snapshot before Swiss tables) is classic. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "snapshot/snapshot_impl.h"

#define KIND_COUNT ((int)GMV_KIND_POINTER + 1)

/* Formats an address as the "0x..." string used everywhere. */
static json_t *address_json(uint64_t addr)
{
    char text[24];
    snprintf(text, sizeof text, "0x%" PRIx64, addr);
    return json_string(text);
}

static json_t *type_json(const gmv_type *t)
{
    return json_pack("{s:s, s:s, s:I, s:b}", "name", t->name, "kind", gmv_kind_name(t->kind), "size",
                     (json_int_t)t->size, "indirect", t->indirect);
}

/* The classic part of a layout: bucket offsets, hmap, tophash marks. */
static int add_classic_json(json_t *obj, const gmv_layout *l)
{
    const gmv_hmap_layout *h = &l->hmap;
    const gmv_tophash_marks *m = &l->marks;
    json_t *hmap = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "count", h->count,
                             "flags", h->flags, "B", h->B, "noverflow", h->noverflow, "hash0", h->hash0, "buckets",
                             h->buckets, "oldbuckets", h->oldbuckets, "nevacuate", h->nevacuate, "extra", h->extra,
                             "size", h->size, "extra_overflow", h->extra_overflow, "extra_oldoverflow",
                             h->extra_oldoverflow, "extra_next_overflow", h->extra_next_overflow);
    json_t *marks = json_pack("{s:b, s:i, s:i, s:i, s:i, s:i, s:i}", "has_empty_rest", m->has_empty_rest,
                              "empty_rest", m->empty_rest, "empty_one", m->empty_one, "evacuated_x", m->evacuated_x,
                              "evacuated_y", m->evacuated_y, "evacuated_empty", m->evacuated_empty, "min_top_hash",
                              m->min_top_hash);
    json_t *part = json_pack("{s:i, s:i, s:i, s:i, s:o, s:o}", "bucket_size", l->bucket_size, "keys_offset",
                             l->keys_offset, "elems_offset", l->elems_offset, "overflow_offset", l->overflow_offset,
                             "hmap", hmap, "tophash", marks);
    int rc = part ? json_object_update(obj, part) : -1;
    json_decref(part);
    return rc;
}

/* An offset that may be absent (GMV_NO_FIELD): -1 in the file. */
static json_int_t optional_offset(uint32_t offset)
{
    return offset == GMV_NO_FIELD ? -1 : (json_int_t)offset;
}

/* The Swiss part of a layout: Map and table offsets, the group. */
static int add_swiss_json(json_t *obj, const gmv_layout *l)
{
    const gmv_swiss_layout *s = &l->swiss;
    const gmv_swiss_map_layout *m = &s->map;
    const gmv_swiss_table_layout *t = &s->table;
    json_t *map = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:I, s:i, s:i}", "used", m->used, "seed", m->seed,
                            "dirPtr", m->dir_ptr, "dirLen", m->dir_len, "globalDepth", m->global_depth, "globalShift",
                            m->global_shift, "writing", m->writing, "tombstonePossible",
                            optional_offset(m->tombstone_possible), "clearSeq", m->clear_seq, "size", m->size);
    json_t *table = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "used", t->used, "capacity", t->capacity,
                              "growthLeft", t->growth_left, "localDepth", t->local_depth, "index", t->index,
                              "groups_data", t->groups_data, "groups_lengthMask", t->groups_length_mask, "size",
                              t->size);
    json_t *part = json_pack("{s:i, s:i, s:i, s:b, s:i, s:o, s:o}", "keys_offset", l->keys_offset, "elems_offset",
                             l->elems_offset, "group_size", s->group_size, "split_groups", s->split_groups,
                             "ctrl_offset", s->ctrl_offset, "map", map, "table", table);
    return json_object_set_new(obj, "swiss", part);
}

static json_t *layout_json(const gmv_layout *l)
{
    json_t *obj = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:i, s:i, s:i, s:i}", "implementation",
                            gmv_map_impl_name(l->impl), "go_version", l->go_version, "map_type", l->map_type,
                            "ptr_size", l->ptr_size, "key", type_json(&l->key), "elem", type_json(&l->elem),
                            "key_slot", l->key_slot, "elem_slot", l->elem_slot, "key_stride", l->key_stride,
                            "elem_stride", l->elem_stride);
    if (obj && (l->impl == GMV_IMPL_SWISS ? add_swiss_json(obj, l) : add_classic_json(obj, l)) != 0) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

static json_t *origin_json(const gmv_origin *o)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:b, s:i}", "kind", o->kind, "variable", o->variable,
                     "variable_address", address_json(o->variable_address), "executable", o->executable, "core",
                     o->core, "pid", (json_int_t)o->pid, "captured_at", (json_int_t)o->captured_at, "frozen",
                     o->frozen, "writer_retries", (int)o->writer_retries);
}

/* --- the value types (docs/snapshot-format.md, "value_types") --- */

static json_int_t type_ref(uint32_t index)
{
    return index == GMV_NO_TYPE ? -1 : (json_int_t)index;
}

static json_t *fields_json(const gmv_go_field *fields, uint32_t n)
{
    json_t *list = json_array();
    for (uint32_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:b}", "name", fields[i].name, "offset",
                                              (json_int_t)fields[i].offset, "type", type_ref(fields[i].type),
                                              "embedded", fields[i].embedded));
    return list;
}

static json_t *go_type_json(const gmv_go_type *g)
{
    json_t *obj = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:b}", "name", g->name, "kind", gmv_go_kind_name(g->kind),
                            "size", (json_int_t)g->size, "elem", type_ref(g->elem), "key", type_ref(g->key), "len",
                            (json_int_t)g->len, "direct_iface", g->direct_iface);
    if (obj && g->nfields)
        json_object_set_new(obj, "fields", fields_json(g->fields, g->nfields));
    if (obj && g->nconsts) {
        json_t *consts = json_array();
        for (uint32_t i = 0; i < g->nconsts; i++)
            json_array_append_new(consts, json_pack("{s:s, s:I}", "name", g->consts[i].name, "value",
                                                    (json_int_t)g->consts[i].value));
        json_object_set_new(obj, "consts", consts);
    }
    if (obj && g->kind == GMV_GO_CHAN)
        json_object_set_new(obj, "chan", json_pack("{s:I, s:I}", "len_offset", optional_offset(g->chan_len_offset),
                                                   "cap_offset", optional_offset(g->chan_cap_offset)));
    if (obj && g->kind == GMV_GO_MAP) {
        json_t *map = json_pack("{s:s, s:i, s:i}", "implementation", gmv_map_impl_name(g->map_impl), "count_offset",
                                (int)g->map_count_offset, "count_size", (int)g->map_count_size);
        if (map && g->map_layout)
            json_object_set_new(map, "layout", layout_json(g->map_layout));
        json_object_set_new(obj, "map", map);
    }
    return obj;
}

static void runtime_type_json(void *ctx, uint64_t address, uint32_t type)
{
    json_array_append_new(ctx, json_pack("{s:o, s:I}", "address", address_json(address), "type", type_ref(type)));
}

static void func_json(void *ctx, uint64_t address, const gmv_go_func *func)
{
    json_t *obj = json_pack("{s:o, s:o}", "address", address_json(address), "name",
                            func->name ? json_string(func->name) : json_null());
    if (obj && func->ncaptures)
        json_object_set_new(obj, "captures", fields_json(func->captures, func->ncaptures));
    json_array_append_new(ctx, obj);
}

static json_t *value_types_json(const gmv_snapshot *snap)
{
    const gmv_types *t = snap->types;
    json_t *types = json_array(), *rts = json_array(), *funcs = json_array();
    for (uint32_t i = 0; i < gmv_types_count(t); i++)
        json_array_append_new(types, go_type_json(gmv_types_at(t, i)));
    gmv_types_each_runtime_type(t, runtime_type_json, rts);
    gmv_types_each_func(t, func_json, funcs);
    uint64_t image_start, image_end;
    gmv_types_image(t, &image_start, &image_end);
    json_t *obj = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "bias", address_json(gmv_types_bias(t)), "key",
                     type_ref(gmv_types_key(t)), "elem", type_ref(gmv_types_elem(t)), "follow_depth",
                     snap->follow_depth == GMV_FOLLOW_NONE ? (json_int_t)-1 : (json_int_t)snap->follow_depth,
                     "max_elems", (json_int_t)snap->max_elems, "nested_maps", (json_int_t)snap->nested_maps, "types",
                     types, "runtime_types", rts, "funcs", funcs);
    if (obj && image_end > image_start) {
        json_object_set_new(obj, "image_start", address_json(image_start));
        json_object_set_new(obj, "image_end", address_json(image_end));
    }
    return obj;
}

char *gmv_snapshot_meta_encode(const gmv_snapshot *snap)
{
    json_t *root = json_pack("{s:s, s:o, s:o, s:o}", "format", "gomapviz-snapshot", "hmap_address",
                             address_json(snap->hmap_address), "origin", origin_json(&snap->origin), "layout",
                             layout_json(&snap->layout));
    if (root && snap->types && json_object_set_new(root, "value_types", value_types_json(snap)) != 0) {
        json_decref(root);
        return NULL;
    }
    if (!root)
        return NULL;
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(1));
    json_decref(root);
    return text;
}

/* --- decoding: every field required, of the right type and range --- */

typedef struct meta_reader {
    const char *path; /* the object being read, for messages */
    int rc;
} meta_reader;

/* Fetches member `key` of `obj`; records a format error if it is missing. */
static json_t *member(meta_reader *r, json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!v && r->rc == 0)
        r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: %s.%s is missing", r->path, key);
    return v;
}

/* Reads an integer member within [0, max]. */
static uint64_t get_uint(meta_reader *r, json_t *obj, const char *key, uint64_t max)
{
    json_t *v = member(r, obj, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max) {
        if (r->rc == 0)
            r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: %s.%s is not an integer in [0, %" PRIu64 "]",
                             r->path, key, max);
        return 0;
    }
    return (uint64_t)json_integer_value(v);
}

/* Reads an integer member within [0, max] that older snapshots lack:
 * `absent` when it is not there. */
static uint64_t get_optional_uint(meta_reader *r, json_t *obj, const char *key, uint64_t max, uint64_t absent)
{
    return json_is_object(obj) && !json_object_get(obj, key) ? absent : get_uint(r, obj, key, max);
}

/* Reads an offset that may be absent from the version read: -1 means
 * GMV_NO_FIELD. */
static uint32_t get_optional_offset(meta_reader *r, json_t *obj, const char *key)
{
    json_t *v = member(r, obj, key);
    if (v && json_is_integer(v) && json_integer_value(v) == -1)
        return GMV_NO_FIELD;
    return (uint32_t)get_uint(r, obj, key, 4096);
}

static bool get_bool(meta_reader *r, json_t *obj, const char *key)
{
    json_t *v = member(r, obj, key);
    if (v && !json_is_boolean(v) && r->rc == 0)
        r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: %s.%s is not a boolean", r->path, key);
    return v && json_is_true(v);
}

/* Copies a string member into `dst` of `size` bytes; too long is an error. */
static void get_text(meta_reader *r, json_t *obj, const char *key, char *dst, size_t size)
{
    json_t *v = member(r, obj, key);
    dst[0] = '\0';
    if (!v)
        return;
    if (!json_is_string(v) || json_string_length(v) >= size || strlen(json_string_value(v)) != json_string_length(v)) {
        if (r->rc == 0)
            r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: %s.%s is not a string of under %zu bytes",
                             r->path, key, size);
        return;
    }
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
}

/* Reads an address string "0x...". */
static uint64_t get_address(meta_reader *r, json_t *obj, const char *key)
{
    char text[24];
    get_text(r, obj, key, text, sizeof text);
    uint64_t addr = 0;
    int used = 0;
    if (r->rc == 0 && (sscanf(text, "0x%" SCNx64 "%n", &addr, &used) != 1 || text[used] != '\0'))
        r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: %s.%s is not an address", r->path, key);
    return addr;
}

static void get_type(meta_reader *r, json_t *obj, gmv_type *t)
{
    char kind[16];
    get_text(r, obj, "name", t->name, sizeof t->name);
    get_text(r, obj, "kind", kind, sizeof kind);
    t->size = get_uint(r, obj, "size", UINT64_C(1) << 24);
    t->indirect = get_bool(r, obj, "indirect");
    for (int k = 0; k < KIND_COUNT; k++) {
        if (strcmp(kind, gmv_kind_name((gmv_kind)k)) == 0) {
            t->kind = (gmv_kind)k;
            return;
        }
    }
    if (r->rc == 0)
        r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: unknown kind \"%s\"", kind);
}

static void get_hmap(meta_reader *r, json_t *obj, gmv_hmap_layout *h)
{
    h->count = (uint32_t)get_uint(r, obj, "count", 4096);
    h->flags = (uint32_t)get_uint(r, obj, "flags", 4096);
    h->B = (uint32_t)get_uint(r, obj, "B", 4096);
    h->noverflow = (uint32_t)get_uint(r, obj, "noverflow", 4096);
    h->hash0 = (uint32_t)get_uint(r, obj, "hash0", 4096);
    h->buckets = (uint32_t)get_uint(r, obj, "buckets", 4096);
    h->oldbuckets = (uint32_t)get_uint(r, obj, "oldbuckets", 4096);
    h->nevacuate = (uint32_t)get_uint(r, obj, "nevacuate", 4096);
    h->extra = (uint32_t)get_uint(r, obj, "extra", 4096);
    h->size = (uint32_t)get_uint(r, obj, "size", 4096);
    h->extra_overflow = (uint32_t)get_uint(r, obj, "extra_overflow", 64);
    h->extra_oldoverflow = (uint32_t)get_uint(r, obj, "extra_oldoverflow", 64);
    h->extra_next_overflow = (uint32_t)get_uint(r, obj, "extra_next_overflow", 64);
}

static void get_marks(meta_reader *r, json_t *obj, gmv_tophash_marks *m)
{
    m->has_empty_rest = get_bool(r, obj, "has_empty_rest");
    m->empty_rest = (uint8_t)get_uint(r, obj, "empty_rest", 255);
    m->empty_one = (uint8_t)get_uint(r, obj, "empty_one", 255);
    m->evacuated_x = (uint8_t)get_uint(r, obj, "evacuated_x", 255);
    m->evacuated_y = (uint8_t)get_uint(r, obj, "evacuated_y", 255);
    m->evacuated_empty = (uint8_t)get_uint(r, obj, "evacuated_empty", 255);
    m->min_top_hash = (uint8_t)get_uint(r, obj, "min_top_hash", 255);
}

/* Reads "implementation" (absent: classic, as in every snapshot before
 * Swiss tables). */
static gmv_map_impl get_impl(meta_reader *r, json_t *obj)
{
    char name[16] = "classic";
    if (json_is_object(obj) && json_object_get(obj, "implementation"))
        get_text(r, obj, "implementation", name, sizeof name);
    if (strcmp(name, gmv_map_impl_name(GMV_IMPL_SWISS)) == 0)
        return GMV_IMPL_SWISS;
    if (strcmp(name, gmv_map_impl_name(GMV_IMPL_CLASSIC)) != 0 && r->rc == 0)
        r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: unknown map implementation \"%s\"", name);
    return GMV_IMPL_CLASSIC;
}

static void get_classic(meta_reader *r, json_t *obj, gmv_layout *l)
{
    l->bucket_size = (uint32_t)get_uint(r, obj, "bucket_size", 1u << 16);
    l->keys_offset = (uint32_t)get_uint(r, obj, "keys_offset", 1u << 16);
    l->elems_offset = (uint32_t)get_uint(r, obj, "elems_offset", 1u << 16);
    l->overflow_offset = (uint32_t)get_uint(r, obj, "overflow_offset", 1u << 16);
    r->path = "layout.hmap";
    get_hmap(r, member(r, obj, "hmap"), &l->hmap);
    r->path = "layout.tophash";
    get_marks(r, member(r, obj, "tophash"), &l->marks);
}

static void get_swiss_map(meta_reader *r, json_t *obj, gmv_swiss_map_layout *m)
{
    r->path = "layout.swiss.map";
    m->used = (uint32_t)get_uint(r, obj, "used", 4096);
    m->seed = (uint32_t)get_uint(r, obj, "seed", 4096);
    m->dir_ptr = (uint32_t)get_uint(r, obj, "dirPtr", 4096);
    m->dir_len = (uint32_t)get_uint(r, obj, "dirLen", 4096);
    m->global_depth = (uint32_t)get_uint(r, obj, "globalDepth", 4096);
    m->global_shift = (uint32_t)get_uint(r, obj, "globalShift", 4096);
    m->writing = (uint32_t)get_uint(r, obj, "writing", 4096);
    m->tombstone_possible = get_optional_offset(r, obj, "tombstonePossible");
    m->clear_seq = (uint32_t)get_uint(r, obj, "clearSeq", 4096);
    m->size = (uint32_t)get_uint(r, obj, "size", 4096);
}

static void get_swiss_table(meta_reader *r, json_t *obj, gmv_swiss_table_layout *t)
{
    r->path = "layout.swiss.table";
    t->used = (uint32_t)get_uint(r, obj, "used", 4096);
    t->capacity = (uint32_t)get_uint(r, obj, "capacity", 4096);
    t->growth_left = (uint32_t)get_uint(r, obj, "growthLeft", 4096);
    t->local_depth = (uint32_t)get_uint(r, obj, "localDepth", 4096);
    t->index = (uint32_t)get_uint(r, obj, "index", 4096);
    t->groups_data = (uint32_t)get_uint(r, obj, "groups_data", 4096);
    t->groups_length_mask = (uint32_t)get_uint(r, obj, "groups_lengthMask", 4096);
    t->size = (uint32_t)get_uint(r, obj, "size", 4096);
}

static void get_swiss(meta_reader *r, json_t *obj, gmv_layout *l)
{
    gmv_swiss_layout *s = &l->swiss;
    r->path = "layout.swiss";
    l->keys_offset = (uint32_t)get_uint(r, obj, "keys_offset", 1u << 16);
    l->elems_offset = (uint32_t)get_uint(r, obj, "elems_offset", 1u << 16);
    s->group_size = (uint32_t)get_uint(r, obj, "group_size", 1u << 16);
    s->split_groups = get_bool(r, obj, "split_groups");
    s->ctrl_offset = (uint32_t)get_uint(r, obj, "ctrl_offset", 1u << 16);
    get_swiss_map(r, member(r, obj, "map"), &s->map);
    get_swiss_table(r, member(r, obj, "table"), &s->table);
}

static void get_layout(meta_reader *r, json_t *obj, gmv_layout *l)
{
    r->path = "layout";
    l->impl = get_impl(r, obj);
    get_text(r, obj, "go_version", l->go_version, sizeof l->go_version);
    get_text(r, obj, "map_type", l->map_type, sizeof l->map_type);
    l->ptr_size = (uint32_t)get_uint(r, obj, "ptr_size", 8);
    l->key_slot = (uint32_t)get_uint(r, obj, "key_slot", 1u << 24);
    l->elem_slot = (uint32_t)get_uint(r, obj, "elem_slot", 1u << 24);
    l->key_stride = (uint32_t)get_optional_uint(r, obj, "key_stride", 1u << 24, l->key_slot);
    l->elem_stride = (uint32_t)get_optional_uint(r, obj, "elem_stride", 1u << 24, l->elem_slot);
    r->path = "layout.key";
    get_type(r, member(r, obj, "key"), &l->key);
    r->path = "layout.elem";
    get_type(r, member(r, obj, "elem"), &l->elem);
    r->path = "layout";
    if (l->impl == GMV_IMPL_SWISS)
        get_swiss(r, member(r, obj, "swiss"), l);
    else
        get_classic(r, obj, l);
}

static void get_origin(meta_reader *r, json_t *obj, gmv_origin *o)
{
    r->path = "origin";
    get_text(r, obj, "kind", o->kind, sizeof o->kind);
    get_text(r, obj, "variable", o->variable, sizeof o->variable);
    o->variable_address = get_address(r, obj, "variable_address");
    get_text(r, obj, "executable", o->executable, sizeof o->executable);
    get_text(r, obj, "core", o->core, sizeof o->core);
    o->pid = (int64_t)get_uint(r, obj, "pid", UINT32_MAX);
    o->captured_at = (int64_t)get_uint(r, obj, "captured_at", INT64_MAX);
    o->frozen = get_bool(r, obj, "frozen");
    o->writer_retries = (uint32_t)get_uint(r, obj, "writer_retries", 1000);
}

/* A type reference: -1 (none) or an index below `count`. */
static uint32_t get_type_ref(meta_reader *r, json_t *obj, const char *key, uint64_t count)
{
    json_t *v = member(r, obj, key);
    if (v && json_is_integer(v) && json_integer_value(v) == -1)
        return GMV_NO_TYPE;
    return (uint32_t)get_uint(r, obj, key, count ? count - 1 : 0);
}

/* A string member of any length, or NULL (with an error). Borrowed from `obj`. */
static const char *get_string(meta_reader *r, json_t *obj, const char *key)
{
    json_t *v = member(r, obj, key);
    if (v && json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v))
        return json_string_value(v);
    if (r->rc == 0)
        r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: %s.%s is not a string", r->path, key);
    return NULL;
}

static gmv_go_kind get_go_kind(meta_reader *r, json_t *obj)
{
    char name[32];
    get_text(r, obj, "kind", name, sizeof name);
    for (int k = 0; k < GMV_GO_KIND_COUNT; k++)
        if (strcmp(name, gmv_go_kind_name((gmv_go_kind)k)) == 0)
            return (gmv_go_kind)k;
    if (r->rc == 0)
        r->rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: a value type has kind \"%s\"", name);
    return GMV_GO_BOOL;
}

/* Reads a list of fields (a struct's, or a closure's captured variables)
 * into a malloc'd array (NULL for none); sets *n. */
static gmv_go_field *get_fields(meta_reader *r, json_t *fields, uint64_t count, uint32_t *n)
{
    json_t *item;
    size_t i;
    *n = 0;
    if (!fields || !json_is_array(fields) || json_array_size(fields) >= UINT32_MAX)
        return NULL;
    gmv_go_field *out = calloc(json_array_size(fields) + 1, sizeof *out);
    json_array_foreach(fields, i, item) {
        if (!out)
            break;
        out[i] = (gmv_go_field){.name = get_string(r, item, "name"),
                                .offset = get_uint(r, item, "offset", GMV_MAX_VALUE_SIZE),
                                .type = get_type_ref(r, item, "type", count),
                                .embedded = get_bool(r, item, "embedded")};
    }
    *n = out ? (uint32_t)json_array_size(fields) : 0;
    return out;
}

/* Reads the optional fields and constants of a type into malloc'd arrays. */
static void get_members(meta_reader *r, json_t *obj, gmv_go_type *g, uint64_t count)
{
    json_t *consts = json_object_get(obj, "consts"), *item;
    size_t i;
    g->fields = get_fields(r, json_object_get(obj, "fields"), count, &g->nfields);
    if (consts && json_is_array(consts) && json_array_size(consts) < UINT32_MAX) {
        gmv_go_const *out = calloc(json_array_size(consts) + 1, sizeof *out);
        json_array_foreach(consts, i, item) {
            json_t *value = out ? member(r, item, "value") : NULL;
            if (!value)
                break;
            out[i] = (gmv_go_const){.name = get_string(r, item, "name"), .value = json_integer_value(value)};
        }
        g->consts = out;
        g->nconsts = out ? (uint32_t)json_array_size(consts) : 0;
    }
}

static void get_go_type(meta_reader *r, json_t *obj, gmv_types *t, uint64_t count)
{
    gmv_go_type g = {.name = get_string(r, obj, "name"), .kind = get_go_kind(r, obj),
                     .size = get_uint(r, obj, "size", GMV_MAX_VALUE_SIZE), .elem = get_type_ref(r, obj, "elem", count),
                     .key = get_type_ref(r, obj, "key", count), .len = get_uint(r, obj, "len", GMV_MAX_VALUE_SIZE),
                     .direct_iface = get_bool(r, obj, "direct_iface")};
    get_members(r, obj, &g, count);
    json_t *map = json_object_get(obj, "map");
    if (g.kind == GMV_GO_CHAN) {
        json_t *chan = json_object_get(obj, "chan"); /* absent: not known */
        g.chan_len_offset = chan ? get_optional_offset(r, chan, "len_offset") : GMV_NO_FIELD;
        g.chan_cap_offset = chan ? get_optional_offset(r, chan, "cap_offset") : GMV_NO_FIELD;
    }
    gmv_layout nested = {0};
    if (g.kind == GMV_GO_MAP && json_object_get(map, "layout")) {
        get_layout(r, json_object_get(map, "layout"), &nested);
        g.map_layout = &nested;
    }
    if (g.kind == GMV_GO_MAP) {
        g.map_impl = get_impl(r, map);
        g.map_count_offset = (uint32_t)get_uint(r, map, "count_offset", 4096);
        g.map_count_size = (uint32_t)get_uint(r, map, "count_size", 8);
    }
    if (r->rc == 0 && gmv_types_add(t, &g) == GMV_NO_TYPE)
        r->rc = gmv_fail(GMV_ERR_NOMEM, "out of memory reading the snapshot's types");
    free((void *)g.fields);
    free((void *)g.consts);
}

static void get_memos(meta_reader *r, json_t *root, gmv_types *t, uint64_t count)
{
    json_t *rts = member(r, root, "runtime_types"), *funcs = member(r, root, "funcs"), *item;
    size_t i;
    json_array_foreach(rts, i, item) {
        uint64_t address = get_address(r, item, "address");
        uint32_t type = get_type_ref(r, item, "type", count);
        if (r->rc == 0)
            r->rc = gmv_types_remember_runtime_type(t, address, type);
    }
    json_array_foreach(funcs, i, item) {
        uint64_t address = get_address(r, item, "address");
        json_t *name = member(r, item, "name");
        gmv_go_func func = {.name = name && !json_is_null(name) ? get_string(r, item, "name") : NULL};
        gmv_go_field *captures = get_fields(r, json_object_get(item, "captures"), count, &func.ncaptures);
        func.captures = captures;
        if (r->rc == 0)
            r->rc = gmv_types_remember_func(t, address, &func);
        free(captures);
    }
}

/* Reads "value_types" (absent in snapshots from before them: no types). */
static void get_value_types(meta_reader *r, json_t *root, gmv_snapshot *snap)
{
    json_t *obj = json_object_get(root, "value_types");
    if (!obj || r->rc != 0)
        return;
    meta_reader sub = {.path = "value_types"};
    json_t *types = member(&sub, obj, "types"), *item;
    uint64_t count = json_is_array(types) ? json_array_size(types) : 0;
    gmv_types *t = gmv_types_new(get_address(&sub, obj, "bias"));
    if (!t) {
        r->rc = gmv_fail(GMV_ERR_NOMEM, "out of memory reading the snapshot's types");
        return;
    }
    size_t i;
    json_array_foreach(types, i, item) {
        if (sub.rc == 0)
            get_go_type(&sub, item, t, count);
    }
    uint32_t key = get_type_ref(&sub, obj, "key", count), elem = get_type_ref(&sub, obj, "elem", count);
    json_t *depth = member(&sub, obj, "follow_depth");
    snap->follow_depth = depth && json_is_integer(depth) && json_integer_value(depth) == -1
                             ? GMV_FOLLOW_NONE
                             : get_uint(&sub, obj, "follow_depth", GMV_MAX_FOLLOW_DEPTH);
    snap->max_elems = get_uint(&sub, obj, "max_elems", GMV_MAX_ELEMS);
    snap->nested_maps = get_optional_uint(&sub, obj, "nested_maps", GMV_MAX_NESTED_MAPS, 0);
    get_memos(&sub, obj, t, count);
    if (json_object_get(obj, "image_start")) /* absent before gomapviz counted string bytes */
        gmv_types_set_image(t, get_address(&sub, obj, "image_start"), get_address(&sub, obj, "image_end"));
    if (sub.rc == 0)
        sub.rc = gmv_types_set_roots(t, key, elem);
    if (sub.rc == 0)
        sub.rc = gmv_types_validate(t);
    if (sub.rc == 0 && (gmv_types_at(t, key)->size != snap->layout.key.size ||
                        gmv_types_at(t, elem)->size != snap->layout.elem.size))
        sub.rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata: the key and value types are not of the layout's sizes");
    if (sub.rc != 0) {
        gmv_types_free(t);
        r->rc = sub.rc == GMV_ERR_NOMEM ? sub.rc : GMV_ERR_FORMAT;
        return;
    }
    snap->types = t;
}

int gmv_snapshot_meta_decode(gmv_snapshot *snap, const char *text, size_t len)
{
    json_error_t error;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &error);
    if (!root)
        return gmv_fail(GMV_ERR_FORMAT, "snapshot metadata is not valid JSON (line %d: %s)", error.line, error.text);
    meta_reader r = {.path = "snapshot"};
    char format[32];
    get_text(&r, root, "format", format, sizeof format);
    if (r.rc == 0 && strcmp(format, "gomapviz-snapshot") != 0)
        r.rc = gmv_fail(GMV_ERR_FORMAT, "snapshot metadata has format \"%s\"", format);
    snap->hmap_address = get_address(&r, root, "hmap_address");
    get_origin(&r, member(&r, root, "origin"), &snap->origin);
    get_layout(&r, member(&r, root, "layout"), &snap->layout);
    get_value_types(&r, root, snap);
    json_decref(root);
    if (r.rc != 0)
        return r.rc;
    return gmv_layout_validate(&snap->layout);
}
