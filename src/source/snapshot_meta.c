/* The META section of a snapshot: layout, origin and hmap address as JSON
 * (read and written with jansson). */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "source/snapshot_impl.h"

static const char *const kind_names[] = {"other", "int", "uint", "bool", "float", "string", "pointer"};
#define KIND_COUNT (sizeof kind_names / sizeof kind_names[0])

/* Formats an address as the "0x..." string used everywhere. */
static json_t *address_json(uint64_t addr)
{
    char text[24];
    snprintf(text, sizeof text, "0x%" PRIx64, addr);
    return json_string(text);
}

static json_t *type_json(const gmv_type *t)
{
    return json_pack("{s:s, s:s, s:I, s:b}", "name", t->name, "kind", kind_names[t->kind], "size",
                     (json_int_t)t->size, "indirect", t->indirect);
}

static json_t *layout_json(const gmv_layout *l)
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
    return json_pack("{s:s, s:s, s:i, s:o, s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:o}", "go_version",
                     l->go_version, "map_type", l->map_type, "ptr_size", l->ptr_size, "key", type_json(&l->key),
                     "elem", type_json(&l->elem), "key_slot", l->key_slot, "elem_slot", l->elem_slot,
                     "bucket_size", l->bucket_size, "keys_offset", l->keys_offset, "elems_offset",
                     l->elems_offset, "overflow_offset", l->overflow_offset, "hmap", hmap, "tophash", marks);
}

static json_t *origin_json(const gmv_origin *o)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:b, s:i}", "kind", o->kind, "variable", o->variable,
                     "variable_address", address_json(o->variable_address), "executable", o->executable, "core",
                     o->core, "pid", (json_int_t)o->pid, "captured_at", (json_int_t)o->captured_at, "frozen",
                     o->frozen, "writer_retries", (int)o->writer_retries);
}

char *gmv_snapshot_meta_encode(const gmv_snapshot *snap)
{
    json_t *root = json_pack("{s:s, s:o, s:o, s:o}", "format", "gomapviz-snapshot", "hmap_address",
                             address_json(snap->hmap_address), "origin", origin_json(&snap->origin), "layout",
                             layout_json(&snap->layout));
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
    for (size_t k = 0; k < KIND_COUNT; k++) {
        if (strcmp(kind, kind_names[k]) == 0) {
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

static void get_layout(meta_reader *r, json_t *obj, gmv_layout *l)
{
    r->path = "layout";
    get_text(r, obj, "go_version", l->go_version, sizeof l->go_version);
    get_text(r, obj, "map_type", l->map_type, sizeof l->map_type);
    l->ptr_size = (uint32_t)get_uint(r, obj, "ptr_size", 8);
    l->key_slot = (uint32_t)get_uint(r, obj, "key_slot", 1u << 24);
    l->elem_slot = (uint32_t)get_uint(r, obj, "elem_slot", 1u << 24);
    l->bucket_size = (uint32_t)get_uint(r, obj, "bucket_size", 1u << 16);
    l->keys_offset = (uint32_t)get_uint(r, obj, "keys_offset", 1u << 16);
    l->elems_offset = (uint32_t)get_uint(r, obj, "elems_offset", 1u << 16);
    l->overflow_offset = (uint32_t)get_uint(r, obj, "overflow_offset", 1u << 16);
    r->path = "layout.key";
    get_type(r, member(r, obj, "key"), &l->key);
    r->path = "layout.elem";
    get_type(r, member(r, obj, "elem"), &l->elem);
    r->path = "layout.hmap";
    get_hmap(r, member(r, obj, "hmap"), &l->hmap);
    r->path = "layout.tophash";
    get_marks(r, member(r, obj, "tophash"), &l->marks);
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
    json_decref(root);
    if (r.rc != 0)
        return r.rc;
    return gmv_layout_validate(&snap->layout);
}
