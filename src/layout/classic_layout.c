/* The classic map layout (runtime/map.go hmap, Go 1.11-1.23): its rules, and
 * the checks on a classic layout read from a file or DWARF. */
#include <string.h>

#include "common/error.h"
#include "layout/layout_impl.h"

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

int gmv_layout_classic(gmv_layout *out, uint32_t ptr_size, const char *go_version,
                       const char *map_type, const gmv_type *key, const gmv_type *elem)
{
    int rc = gmv_layout_common(out, GMV_IMPL_CLASSIC, ptr_size, go_version, map_type, key, elem);
    if (rc != GMV_OK)
        return rc;
    out->keys_offset = GMV_BUCKET_CELLS;
    out->key_stride = out->key_slot;
    out->elems_offset = out->keys_offset + GMV_BUCKET_CELLS * out->key_slot;
    out->elem_stride = out->elem_slot;
    uint32_t end = out->elems_offset + GMV_BUCKET_CELLS * out->elem_slot;
    out->overflow_offset = (end + ptr_size - 1) / ptr_size * ptr_size;
    out->bucket_size = out->overflow_offset + ptr_size;
    classic_hmap_layout(&out->hmap, ptr_size);
    classic_marks(&out->marks, go_version);
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

int gmv_layout_validate_classic(const gmv_layout *l)
{
    int rc = validate_hmap(&l->hmap, l->ptr_size);
    if (rc == GMV_OK)
        rc = validate_marks(&l->marks);
    if (rc != GMV_OK)
        return rc;
    if (l->bucket_size > (UINT32_C(1) << 16))
        return gmv_fail(GMV_ERR_FORMAT, "layout: bucket size %u is absurd", l->bucket_size);
    if (l->key_stride != l->key_slot || l->elem_stride != l->elem_slot)
        return gmv_fail(GMV_ERR_FORMAT, "layout: a classic bucket's cells are %u and %u bytes apart, not %u and %u",
                        l->key_stride, l->elem_stride, l->key_slot, l->elem_slot);
    uint64_t keys_end = (uint64_t)l->keys_offset + GMV_BUCKET_CELLS * (uint64_t)l->key_slot;
    uint64_t elems_end = (uint64_t)l->elems_offset + GMV_BUCKET_CELLS * (uint64_t)l->elem_slot;
    if (l->keys_offset < GMV_BUCKET_CELLS || keys_end > l->elems_offset || elems_end > l->overflow_offset ||
        (uint64_t)l->overflow_offset + l->ptr_size > l->bucket_size)
        return gmv_fail(GMV_ERR_FORMAT, "layout: bucket offsets (keys %u, values %u, overflow %u, size %u) overlap",
                        l->keys_offset, l->elems_offset, l->overflow_offset, l->bucket_size);
    return gmv_layout_validate_cells(l, GMV_BUCKET_CELLS, l->bucket_size);
}
