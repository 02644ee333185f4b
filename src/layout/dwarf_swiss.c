/* The Swiss-table map from Go's DWARF (Go 1.24+): `map<K,V>` is a copy of
 * internal/runtime/maps.Map whose dirPtr is typed `**table<K,V>`;
 * `table<K,V>` copies maps.table with `groups` typed `groupReference<K,V>`
 * {data *group, lengthMask}; the group (`noalg.map.group[K]V`) is
 * {ctrl uint64; slots [8]struct{key K; elem V}}, or with
 * GOEXPERIMENT=mapsplitgroup {ctrl uint64; keys [8]K; elems [8]V}. Keys or
 * values over 128 bytes are stored as pointers. Types are found by their
 * members, not their names. */
#include <stddef.h>

#include "common/error.h"
#include "layout/dwarf_die.h"

/* What the group's DIEs say. */
typedef struct swiss_group {
    uint64_t size, ctrl;
    uint64_t keys, elems, key_stride, elem_stride;
    bool split;
    Dwarf_Die key_cell, elem_cell; /* the types stored for a key and a value */
} swiss_group;

/* Stores the offsets of the `n` members named in `names` of `st` at the
 * uint32_t fields `fields` of `base`; Go 1.24's Map has no
 * tombstonePossible (marked optional). Returns 0 or GMV_ERR_FORMAT. */
typedef struct member_field {
    const char *name;
    size_t field;
    bool optional;
} member_field;

static int read_members(const gmv_dwarf_ctx *c, Dwarf_Die *st, const member_field *f, size_t n, void *base)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t *dst = (uint32_t *)((char *)base + f[i].field);
        uint64_t v = 0;
        int rc = f[i].optional ? gmv_die_optional_member_offset(c, st, f[i].name, dst)
                               : gmv_die_member_offset(c, st, f[i].name, &v);
        if (rc)
            return rc;
        if (!f[i].optional)
            *dst = (uint32_t)v;
    }
    return GMV_OK;
}

/* Fills the Map offsets and size from `map<K,V>`. */
static int read_map(const gmv_dwarf_ctx *c, Dwarf_Die *st, gmv_swiss_map_layout *m)
{
    static const member_field fields[] = {
        {"used", offsetof(gmv_swiss_map_layout, used), false},
        {"seed", offsetof(gmv_swiss_map_layout, seed), false},
        {"dirPtr", offsetof(gmv_swiss_map_layout, dir_ptr), false},
        {"dirLen", offsetof(gmv_swiss_map_layout, dir_len), false},
        {"globalDepth", offsetof(gmv_swiss_map_layout, global_depth), false},
        {"globalShift", offsetof(gmv_swiss_map_layout, global_shift), false},
        {"writing", offsetof(gmv_swiss_map_layout, writing), false},
        {"tombstonePossible", offsetof(gmv_swiss_map_layout, tombstone_possible), true},
        {"clearSeq", offsetof(gmv_swiss_map_layout, clear_seq), false},
    };
    uint64_t size = 0;
    int rc = read_members(c, st, fields, sizeof fields / sizeof fields[0], m);
    if (!rc)
        rc = gmv_die_size(c, st, &size);
    m->size = (uint32_t)size;
    return rc;
}

/* Finds the table structure: dirPtr is `**table<K,V>`. */
static bool find_table(Dwarf_Die *map_struct, Dwarf_Die *out)
{
    Dwarf_Die dir_ptr, type, ptr;
    /* dirPtr -> `**table` (ptr), whose pointee `*table` points at the table */
    return gmv_die_find_member(map_struct, "dirPtr", &dir_ptr) && gmv_die_ref(&dir_ptr, DW_AT_type, &type) &&
           gmv_die_strip_typedefs(&type, &ptr) && dwarf_tag(&ptr) == DW_TAG_pointer_type &&
           gmv_die_pointee_struct(&ptr, out);
}

/* Fills the table offsets and size from `table<K,V>` and its groups
 * reference, and finds the group structure. */
static int read_table(const gmv_dwarf_ctx *c, Dwarf_Die *st, gmv_swiss_table_layout *t, Dwarf_Die *group)
{
    static const member_field fields[] = {
        {"used", offsetof(gmv_swiss_table_layout, used), false},
        {"capacity", offsetof(gmv_swiss_table_layout, capacity), false},
        {"growthLeft", offsetof(gmv_swiss_table_layout, growth_left), false},
        {"localDepth", offsetof(gmv_swiss_table_layout, local_depth), false},
        {"index", offsetof(gmv_swiss_table_layout, index), false},
    };
    uint64_t size = 0, groups = 0, data = 0, mask = 0;
    Dwarf_Die member, ref, data_member;
    int rc = read_members(c, st, fields, sizeof fields / sizeof fields[0], t);
    if (!rc)
        rc = gmv_die_size(c, st, &size);
    if (!rc)
        rc = gmv_die_member_offset(c, st, "groups", &groups);
    if (rc)
        return rc;
    if (!gmv_die_find_member(st, "groups", &member) || !gmv_die_member_struct(&member, &ref) ||
        gmv_die_member_offset(c, &ref, "data", &data) || gmv_die_member_offset(c, &ref, "lengthMask", &mask) ||
        !gmv_die_find_member(&ref, "data", &data_member) || !gmv_die_pointee_struct(&data_member, group))
        return gmv_fail(GMV_ERR_FORMAT, "the groups of the tables of %s in %s are not {data *group, lengthMask}",
                        c->name, c->bin->path);
    t->size = (uint32_t)size;
    t->groups_data = (uint32_t)(groups + data);
    t->groups_length_mask = (uint32_t)(groups + mask);
    return GMV_OK;
}

/* Reads an interleaved group's slots: [8]struct{key K; elem V}. */
static int read_slots(const gmv_dwarf_ctx *c, Dwarf_Die *group, swiss_group *g)
{
    uint64_t slots = 0, bytes = 0, key = 0, elem = 0;
    Dwarf_Die slot_type, slot, key_member, elem_member;
    int rc = gmv_die_member_offset(c, group, "slots", &slots);
    if (!rc)
        rc = gmv_die_array_member(c, group, "slots", GMV_GROUP_SLOTS, &bytes, &slot_type);
    if (rc)
        return rc;
    if (!gmv_die_strip_typedefs(&slot_type, &slot) || dwarf_tag(&slot) != DW_TAG_structure_type ||
        gmv_die_member_offset(c, &slot, "key", &key) || gmv_die_member_offset(c, &slot, "elem", &elem) ||
        !gmv_die_find_member(&slot, "key", &key_member) || !gmv_die_find_member(&slot, "elem", &elem_member) ||
        !gmv_die_ref(&key_member, DW_AT_type, &g->key_cell) || !gmv_die_ref(&elem_member, DW_AT_type, &g->elem_cell))
        return gmv_fail(GMV_ERR_FORMAT, "the slots of the groups of %s in %s are not {key, elem}", c->name,
                        c->bin->path);
    g->keys = slots + key;
    g->elems = slots + elem;
    g->key_stride = g->elem_stride = bytes / GMV_GROUP_SLOTS;
    return GMV_OK;
}

/* Reads a split group's arrays: keys [8]K, then elems [8]V. */
static int read_split(const gmv_dwarf_ctx *c, Dwarf_Die *group, swiss_group *g)
{
    uint64_t key_bytes = 0, elem_bytes = 0;
    int rc = gmv_die_member_offset(c, group, "keys", &g->keys);
    if (!rc)
        rc = gmv_die_member_offset(c, group, "elems", &g->elems);
    if (!rc)
        rc = gmv_die_array_member(c, group, "keys", GMV_GROUP_SLOTS, &key_bytes, &g->key_cell);
    if (!rc)
        rc = gmv_die_array_member(c, group, "elems", GMV_GROUP_SLOTS, &elem_bytes, &g->elem_cell);
    g->key_stride = key_bytes / GMV_GROUP_SLOTS;
    g->elem_stride = elem_bytes / GMV_GROUP_SLOTS;
    g->split = true;
    return rc;
}

/* Fills `g` from the group structure: a control word, then interleaved
 * slots or split arrays, told by the member names. */
static int read_group(const gmv_dwarf_ctx *c, Dwarf_Die *group, swiss_group *g)
{
    Dwarf_Die member;
    int rc = gmv_die_size(c, group, &g->size);
    if (!rc)
        rc = gmv_die_member_offset(c, group, "ctrl", &g->ctrl);
    if (rc)
        return rc;
    return gmv_die_find_member(group, "slots", &member) ? read_slots(c, group, g) : read_split(c, group, g);
}

int gmv_dwarf_swiss_layout(const gmv_dwarf_ctx *c, Dwarf_Die *map_die, Dwarf_Die *map_struct, gmv_layout *out)
{
    gmv_swiss_layout s = {0};
    swiss_group g = {0};
    Dwarf_Die table, group;
    gmv_type key, elem;
    int rc = read_map(c, map_struct, &s.map);
    if (rc)
        return rc;
    if (!find_table(map_struct, &table))
        return gmv_fail(GMV_ERR_FORMAT, "the directory of %s in %s is not a pointer to table pointers", c->name,
                        c->bin->path);
    rc = read_table(c, &table, &s.table, &group);
    if (!rc)
        rc = read_group(c, &group, &g);
    if (!rc)
        rc = gmv_die_cell_type(c, map_die, GMV_DW_AT_GO_KEY, &g.key_cell, &key);
    if (!rc)
        rc = gmv_die_cell_type(c, map_die, GMV_DW_AT_GO_ELEM, &g.elem_cell, &elem);
    if (!rc)
        rc = gmv_layout_swiss(out, c->bin->ptr_size, c->bin->go_version, c->name, &key, &elem, g.split);
    if (rc)
        return rc;
    /* the DWARF's offsets replace the rule's */
    out->key = key;
    out->elem = elem;
    s.group_size = (uint32_t)g.size;
    s.ctrl_offset = (uint32_t)g.ctrl;
    s.split_groups = g.split;
    out->swiss = s;
    out->keys_offset = (uint32_t)g.keys;
    out->elems_offset = (uint32_t)g.elems;
    out->key_stride = (uint32_t)g.key_stride;
    out->elem_stride = (uint32_t)g.elem_stride;
    return GMV_OK;
}
