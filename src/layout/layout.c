/* The classic (Go 1.11-1.23) map layout, and checks on layouts from files. */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "gomapviz/layout.h"

int gmv_go_minor_version(const char *go_version)
{
    unsigned minor = 0;
    int consumed = 0;
    if (!go_version || sscanf(go_version, "go1.%u%n", &minor, &consumed) != 1 || minor > 1000)
        return -1;
    return (int)minor;
}

/* Fills the hmap and mapextra offsets of runtime/map.go for pointer size `p`. */
static void classic_hmap_layout(gmv_hmap_layout *h, uint32_t p)
{
    h->count = 0;
    h->flags = p;
    h->B = p + 1;
    h->noverflow = p + 2;
    h->hash0 = p + 4;
    h->buckets = p + 8;
    h->oldbuckets = 2 * p + 8;
    h->nevacuate = 3 * p + 8;
    h->extra = 4 * p + 8;
    h->size = 5 * p + 8;
    h->extra_overflow = 0;
    h->extra_oldoverflow = p;
    h->extra_next_overflow = 2 * p;
}

/* Fills the tophash marks: Go 1.11 had no emptyRest and minTopHash 4. */
static void classic_marks(gmv_tophash_marks *m, const char *go_version)
{
    if (gmv_go_minor_version(go_version) == 11) {
        *m = (gmv_tophash_marks){.has_empty_rest = false, .empty_rest = 0, .empty_one = 0,
                                 .evacuated_empty = 1, .evacuated_x = 2, .evacuated_y = 3,
                                 .min_top_hash = 4};
        return;
    }
    *m = (gmv_tophash_marks){.has_empty_rest = true, .empty_rest = 0, .empty_one = 1,
                             .evacuated_x = 2, .evacuated_y = 3, .evacuated_empty = 4,
                             .min_top_hash = 5};
}

/* Copies `src` into the fixed buffer `dst` of `size` bytes, always terminated. */
static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

int gmv_layout_classic(gmv_layout *out, uint32_t ptr_size, const char *go_version,
                       const char *map_type, const gmv_type *key, const gmv_type *elem)
{
    memset(out, 0, sizeof *out);
    if (ptr_size != 4 && ptr_size != 8)
        return gmv_fail(GMV_ERR_INVALID, "pointer size %u is neither 4 nor 8", ptr_size);
    if (key->size > (UINT32_C(1) << 24) || elem->size > (UINT32_C(1) << 24))
        return gmv_fail(GMV_ERR_INVALID, "key or value size too large for a map");
    out->ptr_size = ptr_size;
    copy_text(out->go_version, sizeof out->go_version, go_version);
    copy_text(out->map_type, sizeof out->map_type, map_type);
    out->key = *key;
    out->elem = *elem;
    out->key.indirect = key->size > GMV_MAX_INLINE_SIZE;
    out->elem.indirect = elem->size > GMV_MAX_INLINE_SIZE;
    out->key_slot = out->key.indirect ? ptr_size : (uint32_t)key->size;
    out->elem_slot = out->elem.indirect ? ptr_size : (uint32_t)elem->size;
    out->keys_offset = GMV_BUCKET_CELLS;
    out->elems_offset = out->keys_offset + GMV_BUCKET_CELLS * out->key_slot;
    uint32_t end = out->elems_offset + GMV_BUCKET_CELLS * out->elem_slot;
    out->overflow_offset = (end + ptr_size - 1) / ptr_size * ptr_size;
    out->bucket_size = out->overflow_offset + ptr_size;
    classic_hmap_layout(&out->hmap, ptr_size);
    classic_marks(&out->marks, go_version);
    return GMV_OK;
}

/* Checks one decodable type against its slot. */
static int validate_type(const char *what, const gmv_type *t, uint32_t slot, uint32_t ptr_size)
{
    uint64_t expected_slot = t->indirect ? ptr_size : t->size;
    if (slot != expected_slot)
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s slot is %u bytes, expected %llu", what, slot,
                        (unsigned long long)expected_slot);
    if (t->indirect && t->size <= GMV_MAX_INLINE_SIZE)
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s is indirect but only %llu bytes", what,
                        (unsigned long long)t->size);
    if (t->size > (UINT64_C(1) << 24))
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s size %llu is absurd", what,
                        (unsigned long long)t->size);
    switch (t->kind) {
    case GMV_KIND_INT:
    case GMV_KIND_UINT:
        if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
            return gmv_fail(GMV_ERR_FORMAT, "layout: %s integer of %llu bytes", what,
                            (unsigned long long)t->size);
        break;
    case GMV_KIND_BOOL:
        if (t->size != 1)
            return gmv_fail(GMV_ERR_FORMAT, "layout: %s bool of %llu bytes", what,
                            (unsigned long long)t->size);
        break;
    case GMV_KIND_FLOAT:
        if (t->size != 4 && t->size != 8)
            return gmv_fail(GMV_ERR_FORMAT, "layout: %s float of %llu bytes", what,
                            (unsigned long long)t->size);
        break;
    case GMV_KIND_STRING:
        if (t->size != 2ull * ptr_size)
            return gmv_fail(GMV_ERR_FORMAT, "layout: %s string header of %llu bytes", what,
                            (unsigned long long)t->size);
        break;
    case GMV_KIND_POINTER:
        if (t->size != ptr_size)
            return gmv_fail(GMV_ERR_FORMAT, "layout: %s pointer of %llu bytes", what,
                            (unsigned long long)t->size);
        break;
    case GMV_KIND_OTHER:
        break;
    default:
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s has unknown kind %d", what, (int)t->kind);
    }
    return GMV_OK;
}

/* Checks that every hmap field fits inside the stated hmap size. */
static int validate_hmap(const gmv_hmap_layout *h, uint32_t p)
{
    const struct {
        const char *name;
        uint32_t offset, width;
    } fields[] = {
        {"count", h->count, p},         {"flags", h->flags, 1},
        {"B", h->B, 1},                 {"noverflow", h->noverflow, 2},
        {"hash0", h->hash0, 4},         {"buckets", h->buckets, p},
        {"oldbuckets", h->oldbuckets, p}, {"nevacuate", h->nevacuate, p},
        {"extra", h->extra, p},
    };
    if (h->size > 4096)
        return gmv_fail(GMV_ERR_FORMAT, "layout: hmap size %u is absurd", h->size);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if ((uint64_t)fields[i].offset + fields[i].width > h->size)
            return gmv_fail(GMV_ERR_FORMAT, "layout: hmap field %s at %u lies outside the %u-byte header",
                            fields[i].name, fields[i].offset, h->size);
    }
    if (h->extra_overflow > 64 || h->extra_oldoverflow > 64 || h->extra_next_overflow > 64)
        return gmv_fail(GMV_ERR_FORMAT, "layout: mapextra offsets are absurd");
    return GMV_OK;
}

/* Checks the marks are distinct and ordered as the runtime needs. */
static int validate_marks(const gmv_tophash_marks *m)
{
    if (m->min_top_hash < 4 || m->min_top_hash > 8 || m->evacuated_x >= m->min_top_hash ||
        m->evacuated_y >= m->min_top_hash || m->evacuated_empty >= m->min_top_hash ||
        m->empty_one >= m->min_top_hash || m->evacuated_x == m->evacuated_y)
        return gmv_fail(GMV_ERR_FORMAT, "layout: tophash marks are inconsistent");
    return GMV_OK;
}

int gmv_layout_validate(const gmv_layout *l)
{
    if (l->ptr_size != 4 && l->ptr_size != 8)
        return gmv_fail(GMV_ERR_FORMAT, "layout: pointer size %u is neither 4 nor 8", l->ptr_size);
    int rc = validate_type("key", &l->key, l->key_slot, l->ptr_size);
    if (rc == GMV_OK)
        rc = validate_type("value", &l->elem, l->elem_slot, l->ptr_size);
    if (rc == GMV_OK)
        rc = validate_hmap(&l->hmap, l->ptr_size);
    if (rc == GMV_OK)
        rc = validate_marks(&l->marks);
    if (rc != GMV_OK)
        return rc;
    uint64_t keys_end = (uint64_t)l->keys_offset + GMV_BUCKET_CELLS * (uint64_t)l->key_slot;
    uint64_t elems_end = (uint64_t)l->elems_offset + GMV_BUCKET_CELLS * (uint64_t)l->elem_slot;
    if (l->keys_offset < GMV_BUCKET_CELLS || keys_end > l->elems_offset ||
        elems_end > l->overflow_offset ||
        (uint64_t)l->overflow_offset + l->ptr_size > l->bucket_size)
        return gmv_fail(GMV_ERR_FORMAT, "layout: bucket offsets (keys %u, values %u, overflow %u, size %u) overlap",
                        l->keys_offset, l->elems_offset, l->overflow_offset, l->bucket_size);
    if (l->bucket_size > (UINT32_C(1) << 16))
        return gmv_fail(GMV_ERR_FORMAT, "layout: bucket size %u is absurd", l->bucket_size);
    if (memchr(l->go_version, 0, sizeof l->go_version) == NULL ||
        memchr(l->map_type, 0, sizeof l->map_type) == NULL ||
        memchr(l->key.name, 0, sizeof l->key.name) == NULL ||
        memchr(l->elem.name, 0, sizeof l->elem.name) == NULL)
        return gmv_fail(GMV_ERR_FORMAT, "layout: a name is not terminated");
    return GMV_OK;
}
