/* The classic map from Go's DWARF: `hash<K,V>` is a copy of runtime.hmap
 * whose `buckets` points to `bucket<K,V>` with members tophash, keys, values
 * and overflow. Keys or values over 128 bytes are stored as pointers: the
 * keys/values arrays then hold `*K`/`*V`. */
#include <stddef.h>

#include "common/error.h"
#include "layout/dwarf_die.h"

/* What the bucket's DIEs say. */
typedef struct classic_bucket {
    uint64_t size, keys, elems, overflow;
    uint64_t key_bytes, elem_bytes; /* byte sizes of the 8-cell arrays */
    Dwarf_Die key_cell, elem_cell;  /* the arrays' element types */
} classic_bucket;

/* Fills the hmap offsets and size from the `hash<K,V>` structure. */
static int read_hash(const gmv_dwarf_ctx *c, Dwarf_Die *hash, gmv_hmap_layout *h)
{
    static const struct {
        const char *name;
        size_t field;
    } fields[] = {
        {"count", offsetof(gmv_hmap_layout, count)},
        {"flags", offsetof(gmv_hmap_layout, flags)},
        {"B", offsetof(gmv_hmap_layout, B)},
        {"noverflow", offsetof(gmv_hmap_layout, noverflow)},
        {"hash0", offsetof(gmv_hmap_layout, hash0)},
        {"buckets", offsetof(gmv_hmap_layout, buckets)},
        {"oldbuckets", offsetof(gmv_hmap_layout, oldbuckets)},
        {"nevacuate", offsetof(gmv_hmap_layout, nevacuate)},
        {"extra", offsetof(gmv_hmap_layout, extra)},
    };
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        int rc = gmv_die_member_offset(c, hash, fields[i].name, &v);
        if (rc)
            return rc;
        *(uint32_t *)((char *)h + fields[i].field) = (uint32_t)v;
    }
    int rc = gmv_die_size(c, hash, &v);
    h->size = (uint32_t)v;
    return rc;
}

/* Fills the mapextra offsets from the structure `extra` points to, or with
 * the runtime's rule (0, p, 2p) when the DWARF lacks it. */
static void read_extra(const gmv_dwarf_ctx *c, Dwarf_Die *hash, gmv_hmap_layout *h)
{
    uint32_t p = c->bin->ptr_size;
    Dwarf_Die member, extra;
    uint64_t overflow = 0, old = p, next = 2ull * p;
    if (gmv_die_find_member(hash, "extra", &member) && gmv_die_pointee_struct(&member, &extra)) {
        Dwarf_Die f;
        if (!gmv_die_find_member(&extra, "overflow", &f) || !gmv_die_member_location(&f, &overflow) ||
            !gmv_die_find_member(&extra, "oldoverflow", &f) || !gmv_die_member_location(&f, &old) ||
            !gmv_die_find_member(&extra, "nextOverflow", &f) || !gmv_die_member_location(&f, &next) ||
            overflow > GMV_DWARF_MAX_OFFSET || old > GMV_DWARF_MAX_OFFSET || next > GMV_DWARF_MAX_OFFSET) {
            overflow = 0;
            old = p;
            next = 2ull * p;
        }
    }
    h->extra_overflow = (uint32_t)overflow;
    h->extra_oldoverflow = (uint32_t)old;
    h->extra_next_overflow = (uint32_t)next;
}

/* Fills `b` from `bucket<K,V>`. */
static int read_bucket(const gmv_dwarf_ctx *c, Dwarf_Die *bucket, classic_bucket *b)
{
    uint64_t tophash = 0;
    int rc = gmv_die_size(c, bucket, &b->size);
    if (!rc)
        rc = gmv_die_member_offset(c, bucket, "tophash", &tophash);
    if (!rc)
        rc = gmv_die_member_offset(c, bucket, "keys", &b->keys);
    if (!rc)
        rc = gmv_die_member_offset(c, bucket, "values", &b->elems);
    if (!rc)
        rc = gmv_die_member_offset(c, bucket, "overflow", &b->overflow);
    if (!rc)
        rc = gmv_die_array_member(c, bucket, "keys", GMV_BUCKET_CELLS, &b->key_bytes, &b->key_cell);
    if (!rc)
        rc = gmv_die_array_member(c, bucket, "values", GMV_BUCKET_CELLS, &b->elem_bytes, &b->elem_cell);
    if (!rc && tophash != 0)
        rc = gmv_fail(GMV_ERR_FORMAT, "the buckets of %s in %s do not start with tophash", c->name,
                      c->bin->path);
    return rc;
}

int gmv_dwarf_classic_layout(const gmv_dwarf_ctx *c, Dwarf_Die *map_die, Dwarf_Die *hash, gmv_layout *out)
{
    gmv_hmap_layout hmap = {0};
    classic_bucket b = {0};
    Dwarf_Die buckets, bucket;
    gmv_type key, elem;
    int rc = read_hash(c, hash, &hmap);
    if (rc)
        return rc;
    read_extra(c, hash, &hmap);
    if (!gmv_die_find_member(hash, "buckets", &buckets) || !gmv_die_pointee_struct(&buckets, &bucket))
        return gmv_fail(GMV_ERR_FORMAT, "the buckets of %s in %s are not a pointer to a structure", c->name,
                        c->bin->path);
    rc = read_bucket(c, &bucket, &b);
    if (!rc)
        rc = gmv_die_cell_type(c, map_die, GMV_DW_AT_GO_KEY, &b.key_cell, &key);
    if (!rc)
        rc = gmv_die_cell_type(c, map_die, GMV_DW_AT_GO_ELEM, &b.elem_cell, &elem);
    if (!rc)
        rc = gmv_layout_classic(out, c->bin->ptr_size, c->bin->go_version, c->name, &key, &elem);
    if (rc)
        return rc;
    /* the DWARF's offsets replace the rule's */
    out->key = key;
    out->elem = elem;
    out->hmap = hmap;
    out->bucket_size = (uint32_t)b.size;
    out->keys_offset = (uint32_t)b.keys;
    out->elems_offset = (uint32_t)b.elems;
    out->overflow_offset = (uint32_t)b.overflow;
    out->key_slot = out->key_stride = (uint32_t)(b.key_bytes / GMV_BUCKET_CELLS);
    out->elem_slot = out->elem_stride = (uint32_t)(b.elem_bytes / GMV_BUCKET_CELLS);
    return GMV_OK;
}
