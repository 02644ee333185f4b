/* The Swiss-table map layout (internal/runtime/maps, Go 1.24+): its rules,
 * and the checks on a Swiss layout read from a file or DWARF. */
#include <string.h>

#include "common/error.h"
#include "layout/layout_impl.h"

/* `n` rounded up to a multiple of `align` (a power of two). */
static uint32_t align_up(uint32_t n, uint32_t align)
{
    return (n + align - 1) & ~(align - 1);
}

/* The largest alignment of the target: 8-byte values are 4-aligned on 386. */
static uint32_t max_align(uint32_t ptr_size)
{
    return ptr_size == 8 ? 8 : 4;
}

/* The alignment of a cell of `slot` bytes: the largest power of two
 * dividing it, at most the target's largest (1 for an empty one). */
static uint32_t cell_align(uint32_t slot, uint32_t ptr_size)
{
    uint32_t a = 1;
    while (slot && slot % (a * 2) == 0 && a * 2 <= max_align(ptr_size))
        a *= 2;
    return a;
}

/* Go pads a non-empty struct that ends in a zero-size field by one byte. */
static uint32_t pad_trailing_empty(uint32_t end, uint32_t last_field_size)
{
    return end > 0 && last_field_size == 0 ? end + 1 : end;
}

/* Fills the Map and table offsets of internal/runtime/maps. */
static void swiss_headers(gmv_swiss_layout *s, uint32_t p, bool has_tombstone_possible)
{
    uint32_t a8 = max_align(p); /* alignment of uint64 */
    gmv_swiss_map_layout *m = &s->map;
    m->used = 0;
    m->seed = 8;
    m->dir_ptr = 8 + p;
    m->dir_len = 8 + 2 * p;
    m->global_depth = 8 + 3 * p;
    m->global_shift = m->global_depth + 1;
    m->writing = m->global_depth + 2;
    m->tombstone_possible = has_tombstone_possible ? m->global_depth + 3 : GMV_NO_FIELD;
    m->clear_seq = align_up(m->global_depth + 4, a8);
    m->size = align_up(m->clear_seq + 8, a8);
    gmv_swiss_table_layout *t = &s->table;
    t->used = 0;
    t->capacity = 2;
    t->growth_left = 4;
    t->local_depth = 6;
    t->index = align_up(7, p);
    t->groups_data = t->index + p;
    t->groups_length_mask = align_up(t->groups_data + p, a8);
    t->size = t->groups_length_mask + 8;
}

/* Fills the cell offsets and group size: 8 slots of {key, elem} after the
 * control word. */
static void interleaved_group(gmv_layout *l)
{
    uint32_t p = l->ptr_size, ka = cell_align(l->key_slot, p), ea = cell_align(l->elem_slot, p);
    uint32_t slot_align = ka > ea ? ka : ea;
    uint32_t elem_off = align_up(l->key_slot, ea);
    uint32_t slot = align_up(pad_trailing_empty(elem_off + l->elem_slot, l->elem_slot), slot_align);
    uint32_t slots = align_up(8, slot_align);
    l->keys_offset = slots;
    l->elems_offset = slots + elem_off;
    l->key_stride = l->elem_stride = slot;
    uint32_t group_align = slot_align > max_align(p) ? slot_align : max_align(p);
    l->swiss.group_size = align_up(pad_trailing_empty(slots + GMV_GROUP_SLOTS * slot, slot), group_align);
}

/* Fills the cell offsets and group size: 8 keys, then 8 values. */
static void split_group(gmv_layout *l)
{
    uint32_t p = l->ptr_size, ka = cell_align(l->key_slot, p), ea = cell_align(l->elem_slot, p);
    l->keys_offset = align_up(8, ka);
    l->key_stride = l->key_slot;
    l->elems_offset = align_up(l->keys_offset + GMV_GROUP_SLOTS * l->key_slot, ea);
    l->elem_stride = l->elem_slot;
    uint32_t group_align = max_align(p);
    group_align = ka > group_align ? ka : group_align;
    group_align = ea > group_align ? ea : group_align;
    uint32_t end = l->elems_offset + GMV_GROUP_SLOTS * l->elem_slot;
    l->swiss.group_size = align_up(pad_trailing_empty(end, l->elem_slot), group_align);
}

int gmv_layout_swiss(gmv_layout *out, uint32_t ptr_size, const char *go_version, const char *map_type,
                     const gmv_type *key, const gmv_type *elem, bool split_groups)
{
    int rc = gmv_layout_common(out, GMV_IMPL_SWISS, ptr_size, go_version, map_type, key, elem);
    if (rc != GMV_OK)
        return rc;
    int minor = gmv_go_minor_version(go_version);
    swiss_headers(&out->swiss, ptr_size, minor < 0 || minor >= 25);
    out->swiss.ctrl_offset = 0;
    out->swiss.split_groups = split_groups;
    if (split_groups)
        split_group(out);
    else
        interleaved_group(out);
    return GMV_OK;
}

/* One field of a structure: where it is, how wide, whether a version may
 * lack it (its offset is then GMV_NO_FIELD). */
typedef struct field {
    const char *name;
    uint32_t offset, width;
    bool optional;
} field;

/* Checks that every field of `what` (a `size`-byte structure) fits in it. */
static int fields_fit(const char *what, const field *fields, size_t n, uint32_t size)
{
    if (size > 4096)
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s size %u is absurd", what, size);
    for (size_t i = 0; i < n; i++) {
        if (fields[i].optional && fields[i].offset == GMV_NO_FIELD)
            continue;
        if ((uint64_t)fields[i].offset + fields[i].width > size)
            return gmv_fail(GMV_ERR_FORMAT, "layout: %s field %s at %u lies outside its %u bytes", what,
                            fields[i].name, fields[i].offset, size);
    }
    return GMV_OK;
}

static int validate_map_header(const gmv_swiss_map_layout *m, uint32_t p)
{
    const field fields[] = {
        {"used", m->used, 8, false},         {"seed", m->seed, p, false},
        {"dirPtr", m->dir_ptr, p, false},    {"dirLen", m->dir_len, p, false},
        {"globalDepth", m->global_depth, 1, false}, {"globalShift", m->global_shift, 1, false},
        {"writing", m->writing, 1, false},   {"tombstonePossible", m->tombstone_possible, 1, true},
        {"clearSeq", m->clear_seq, 8, false},
    };
    return fields_fit("Map", fields, sizeof fields / sizeof fields[0], m->size);
}

static int validate_table(const gmv_swiss_table_layout *t, uint32_t p)
{
    const field fields[] = {
        {"used", t->used, 2, false},       {"capacity", t->capacity, 2, false},
        {"growthLeft", t->growth_left, 2, false}, {"localDepth", t->local_depth, 1, false},
        {"index", t->index, p, false},     {"groups.data", t->groups_data, p, false},
        {"groups.lengthMask", t->groups_length_mask, 8, false},
    };
    return fields_fit("table", fields, sizeof fields / sizeof fields[0], t->size);
}

/* Checks that the keys and the values of a group do not overlap. */
static int validate_cell_order(const gmv_layout *l)
{
    const gmv_swiss_layout *s = &l->swiss;
    bool ok;
    if (s->split_groups) {
        ok = l->key_stride == l->key_slot && l->elem_stride == l->elem_slot &&
             (uint64_t)l->elems_offset >= (uint64_t)l->keys_offset + GMV_GROUP_SLOTS * l->key_slot;
    } else {
        ok = l->key_stride == l->elem_stride && l->elems_offset >= l->keys_offset + l->key_slot &&
             (uint64_t)l->elems_offset + l->elem_slot <= (uint64_t)l->keys_offset + l->key_stride;
    }
    if (!ok)
        return gmv_fail(GMV_ERR_FORMAT,
                        "layout: %s group cells overlap (keys at %u every %u, values at %u every %u)",
                        s->split_groups ? "a split" : "an interleaved", l->keys_offset, l->key_stride,
                        l->elems_offset, l->elem_stride);
    return GMV_OK;
}

int gmv_layout_validate_swiss(const gmv_layout *l)
{
    const gmv_swiss_layout *s = &l->swiss;
    int rc = validate_map_header(&s->map, l->ptr_size);
    if (rc == GMV_OK)
        rc = validate_table(&s->table, l->ptr_size);
    if (rc != GMV_OK)
        return rc;
    if (s->group_size > (UINT32_C(1) << 16) || s->ctrl_offset != 0 || s->group_size < 8)
        return gmv_fail(GMV_ERR_FORMAT, "layout: a group of %u bytes with its control word at %u is impossible",
                        s->group_size, s->ctrl_offset);
    rc = gmv_layout_validate_cells(l, 8, s->group_size);
    return rc == GMV_OK ? validate_cell_order(l) : rc;
}
