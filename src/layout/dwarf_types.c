/* Map layouts from Go's DWARF. The linker (cmd/link/internal/ld/dwarf.go,
 * synthesizemaptypes) writes `map[K]V` as a typedef of `*hash<K,V>`, a copy
 * of runtime.hmap whose `buckets` points to `bucket<K,V>` with members
 * tophash, keys, values and overflow. Keys or values over 128 bytes are
 * stored as pointers: the keys/values arrays then hold `*K`/`*V`. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "layout/binary_impl.h"

#define DW_AT_GO_KIND 0x2900
#define DW_AT_GO_KEY 0x2901
#define DW_AT_GO_ELEM 0x2902
#define MAX_HOPS 16              /* typedef chains followed before giving up */
#define MAX_OFFSET (UINT32_C(1) << 26) /* any larger offset or size is nonsense */

/* reflect.Kind numbers used below. */
enum {
    KIND_BOOL = 1,
    KIND_INT = 2,
    KIND_INT64 = 6,
    KIND_UINT = 7,
    KIND_UINTPTR = 12,
    KIND_FLOAT32 = 13,
    KIND_FLOAT64 = 14,
    KIND_COMPLEX128 = 16,
    KIND_ARRAY = 17,
    KIND_CHAN = 18,
    KIND_FUNC = 19,
    KIND_MAP = 21,
    KIND_PTR = 22,
    KIND_STRING = 24,
    KIND_STRUCT = 25,
    KIND_UNSAFE_POINTER = 26
};

/* What the map's DIEs say, before it becomes a gmv_layout. */
typedef struct dwarf_map {
    const gmv_binary *bin;
    const char *name; /* "map[string]int" */
    gmv_hmap_layout hmap;
    uint64_t bucket_size, keys, elems, overflow; /* bucket<K,V> */
    uint64_t key_bytes, elem_bytes;              /* byte sizes of the 8-cell arrays */
    Dwarf_Die key_cell, elem_cell;               /* the arrays' element types */
} dwarf_map;

int gmv_dwarf_go_kind(Dwarf_Die *die)
{
    Dwarf_Attribute attr;
    Dwarf_Word kind = 0;
    if (!dwarf_attr(die, DW_AT_GO_KIND, &attr) || dwarf_formudata(&attr, &kind) != 0)
        return 0;
    return (int)(kind & 31); /* the runtime's kindMask */
}

/* Follows the reference attribute `name` of `die` into `out`. */
static bool ref_attr(Dwarf_Die *die, unsigned name, Dwarf_Die *out)
{
    Dwarf_Attribute attr;
    return dwarf_attr(die, name, &attr) && dwarf_formref_die(&attr, out);
}

/* Reads the constant attribute `name` of `die` into `out`. */
static bool const_attr(Dwarf_Die *die, unsigned name, uint64_t *out)
{
    Dwarf_Attribute attr;
    Dwarf_Word v = 0;
    if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &v) != 0)
        return false;
    *out = v;
    return true;
}

/* Stores in `out` the type `die` names once every typedef is followed. */
static bool strip_typedefs(Dwarf_Die *die, Dwarf_Die *out)
{
    *out = *die;
    for (int i = 0; i < MAX_HOPS; i++) {
        if (dwarf_tag(out) != DW_TAG_typedef)
            return true;
        Dwarf_Die next;
        if (!ref_attr(out, DW_AT_type, &next))
            return false;
        *out = next;
    }
    return false;
}

/* From `die` (a member or a map typedef), follows DW_AT_type to a pointer
 * and on to the structure it points at, typedefs followed; stores it. */
static bool pointee_struct(Dwarf_Die *die, Dwarf_Die *out)
{
    Dwarf_Die type, ptr, target;
    if (!ref_attr(die, DW_AT_type, &type) || !strip_typedefs(&type, &ptr) ||
        dwarf_tag(&ptr) != DW_TAG_pointer_type || !ref_attr(&ptr, DW_AT_type, &target))
        return false;
    return strip_typedefs(&target, out) && dwarf_tag(out) == DW_TAG_structure_type;
}

/* Finds the member called `name` of the structure `st` and stores it. */
static bool find_member(Dwarf_Die *st, const char *name, Dwarf_Die *out)
{
    Dwarf_Die m, next;
    int more = dwarf_child(st, &m);
    while (more == 0) {
        const char *mname = dwarf_tag(&m) == DW_TAG_member ? dwarf_diename(&m) : NULL;
        if (mname && strcmp(mname, name) == 0) {
            *out = m;
            return true;
        }
        more = dwarf_siblingof(&m, &next);
        m = next;
    }
    return false;
}

/* Reads the byte offset of the member `m`: a constant, or the DWARF 2 form
 * DW_OP_plus_uconst. */
static bool member_location(Dwarf_Die *m, uint64_t *offset)
{
    Dwarf_Attribute attr;
    Dwarf_Op *ops = NULL;
    size_t n = 0;
    if (const_attr(m, DW_AT_data_member_location, offset))
        return true;
    if (!dwarf_attr(m, DW_AT_data_member_location, &attr) ||
        dwarf_getlocation(&attr, &ops, &n) != 0 || n != 1 || ops[0].atom != DW_OP_plus_uconst)
        return false;
    *offset = ops[0].number;
    return true;
}

/* Reads the offset of member `name` of `st` (at most MAX_OFFSET) into `out`.
 * Returns 0 or GMV_ERR_FORMAT naming the structure. */
static int member_offset(const dwarf_map *m, Dwarf_Die *st, const char *name, uint64_t *out)
{
    Dwarf_Die member;
    if (!find_member(st, name, &member) || !member_location(&member, out) || *out > MAX_OFFSET) {
        const char *sname = dwarf_diename(st);
        return gmv_fail(GMV_ERR_FORMAT,
                        "%s in the DWARF of %s has no usable member %s; gomapviz knows the "
                        "map DWARF of Go 1.11 to 1.23",
                        sname ? sname : "a map structure", m->bin->path, name);
    }
    return GMV_OK;
}

/* Reads DW_AT_byte_size of `die` (at most MAX_OFFSET) into `out`. Returns 0
 * or GMV_ERR_FORMAT. */
static int struct_size(const dwarf_map *m, Dwarf_Die *die, uint64_t *out)
{
    if (const_attr(die, DW_AT_byte_size, out) && *out <= MAX_OFFSET)
        return GMV_OK;
    const char *name = dwarf_diename(die);
    return gmv_fail(GMV_ERR_FORMAT, "%s in the DWARF of %s has no usable size",
                    name ? name : "a map structure", m->bin->path);
}

/* Fills m->hmap's offsets and size from the `hash<K,V>` structure. */
static int read_hash(dwarf_map *m, Dwarf_Die *hash)
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
        int rc = member_offset(m, hash, fields[i].name, &v);
        if (rc)
            return rc;
        *(uint32_t *)((char *)&m->hmap + fields[i].field) = (uint32_t)v;
    }
    int rc = struct_size(m, hash, &v);
    m->hmap.size = (uint32_t)v;
    return rc;
}

/* Fills the mapextra offsets from the structure `extra` points to, or with
 * the runtime's rule (0, p, 2p) when the DWARF lacks it. */
static void read_extra(dwarf_map *m, Dwarf_Die *hash)
{
    uint32_t p = m->bin->ptr_size;
    Dwarf_Die member, extra;
    uint64_t overflow = 0, old = p, next = 2ull * p;
    if (find_member(hash, "extra", &member) && pointee_struct(&member, &extra)) {
        Dwarf_Die f;
        if (!find_member(&extra, "overflow", &f) || !member_location(&f, &overflow) ||
            !find_member(&extra, "oldoverflow", &f) || !member_location(&f, &old) ||
            !find_member(&extra, "nextOverflow", &f) || !member_location(&f, &next) ||
            overflow > MAX_OFFSET || old > MAX_OFFSET || next > MAX_OFFSET) {
            overflow = 0;
            old = p;
            next = 2ull * p;
        }
    }
    m->hmap.extra_overflow = (uint32_t)overflow;
    m->hmap.extra_oldoverflow = (uint32_t)old;
    m->hmap.extra_next_overflow = (uint32_t)next;
}

/* Reads the 8-cell array member `name` ("keys" or "values") of `bucket`:
 * its byte size into `bytes` and its element type into `cell`. */
static int read_cells(const dwarf_map *m, Dwarf_Die *bucket, const char *name, uint64_t *bytes,
                      Dwarf_Die *cell)
{
    Dwarf_Die member, type, array;
    if (find_member(bucket, name, &member) && ref_attr(&member, DW_AT_type, &type) &&
        strip_typedefs(&type, &array) && dwarf_tag(&array) == DW_TAG_array_type &&
        const_attr(&array, DW_AT_byte_size, bytes) && *bytes <= MAX_OFFSET &&
        *bytes % GMV_BUCKET_CELLS == 0 && ref_attr(&array, DW_AT_type, cell))
        return GMV_OK;
    return gmv_fail(GMV_ERR_FORMAT, "the %s of the buckets of %s in %s are not an array of %d cells",
                    name, m->name, m->bin->path, GMV_BUCKET_CELLS);
}

/* Fills the bucket fields of `m` from `bucket<K,V>`. */
static int read_bucket(dwarf_map *m, Dwarf_Die *bucket)
{
    uint64_t tophash = 0;
    int rc = struct_size(m, bucket, &m->bucket_size);
    if (!rc)
        rc = member_offset(m, bucket, "tophash", &tophash);
    if (!rc)
        rc = member_offset(m, bucket, "keys", &m->keys);
    if (!rc)
        rc = member_offset(m, bucket, "values", &m->elems);
    if (!rc)
        rc = member_offset(m, bucket, "overflow", &m->overflow);
    if (!rc)
        rc = read_cells(m, bucket, "keys", &m->key_bytes, &m->key_cell);
    if (!rc)
        rc = read_cells(m, bucket, "values", &m->elem_bytes, &m->elem_cell);
    if (!rc && tophash != 0)
        rc = gmv_fail(GMV_ERR_FORMAT, "the buckets of %s in %s do not start with tophash",
                      m->name, m->bin->path);
    return rc;
}

/* Returns the gmv_kind for a reflect.Kind. */
static gmv_kind kind_from_go(int kind)
{
    if (kind == KIND_BOOL)
        return GMV_KIND_BOOL;
    if (kind >= KIND_INT && kind <= KIND_INT64)
        return GMV_KIND_INT;
    if (kind >= KIND_UINT && kind <= KIND_UINTPTR)
        return GMV_KIND_UINT;
    if (kind == KIND_FLOAT32 || kind == KIND_FLOAT64)
        return GMV_KIND_FLOAT;
    if (kind == KIND_STRING)
        return GMV_KIND_STRING;
    if (kind == KIND_PTR || kind == KIND_CHAN || kind == KIND_FUNC || kind == KIND_MAP ||
        kind == KIND_UNSAFE_POINTER)
        return GMV_KIND_POINTER;
    return GMV_KIND_OTHER;
}

/* Guesses the reflect.Kind of a DIE without the Go kind attribute from its
 * tag and DW_AT_encoding. Returns 0 when nothing fits. */
static int kind_from_dwarf(Dwarf_Die *die)
{
    uint64_t enc = 0;
    const char *name = dwarf_diename(die);
    switch (dwarf_tag(die)) {
    case DW_TAG_base_type:
        if (!const_attr(die, DW_AT_encoding, &enc))
            return 0;
        return enc == DW_ATE_boolean                                 ? KIND_BOOL
               : enc == DW_ATE_signed || enc == DW_ATE_signed_char     ? KIND_INT
               : enc == DW_ATE_unsigned || enc == DW_ATE_unsigned_char ? KIND_UINT
               : enc == DW_ATE_float                                 ? KIND_FLOAT64
               : enc == DW_ATE_complex_float                         ? KIND_COMPLEX128
                                                                     : 0;
    case DW_TAG_pointer_type:
        return KIND_PTR;
    case DW_TAG_subroutine_type:
        return KIND_FUNC;
    case DW_TAG_array_type:
        return KIND_ARRAY;
    case DW_TAG_structure_type:
        return name && strcmp(name, "string") == 0 ? KIND_STRING : KIND_STRUCT;
    default:
        return 0;
    }
}

/* Fills `out` (name, kind, size; not indirect) for the Go type at `die`.
 * The kind and size are the first found along the typedef chain, so a named
 * type decodes as its underlying type. */
static int describe_type(const dwarf_map *m, Dwarf_Die *die, gmv_type *out)
{
    const char *name = dwarf_diename(die);
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name ? name : "?");
    Dwarf_Die cur = *die, next;
    int kind = 0;
    bool sized = false;
    for (int i = 0; i < MAX_HOPS; i++) {
        kind = kind ? kind : gmv_dwarf_go_kind(&cur);
        sized = sized || const_attr(&cur, DW_AT_byte_size, &out->size);
        if (dwarf_tag(&cur) != DW_TAG_typedef || (kind && sized) ||
            !ref_attr(&cur, DW_AT_type, &next))
            break;
        cur = next;
    }
    kind = kind ? kind : kind_from_dwarf(&cur);
    out->kind = kind_from_go(kind);
    if (!sized && (out->kind == GMV_KIND_POINTER || dwarf_tag(&cur) == DW_TAG_pointer_type)) {
        out->size = m->bin->ptr_size;
        sized = true;
    }
    if (!sized || out->size > MAX_OFFSET)
        return gmv_fail(GMV_ERR_FORMAT, "type %s of %s in %s has no usable size", out->name,
                        m->name, m->bin->path);
    return GMV_OK;
}

/* Describes a key (`go_attr` = DW_AT_GO_KEY) or value (DW_AT_GO_ELEM) type:
 * from the typedef's Go attribute when present, else from the bucket
 * array's element `cell` (a pointer to a type over 128 bytes means the
 * pointee is stored indirectly). */
static int cell_type(const dwarf_map *m, Dwarf_Die *map_die, unsigned go_attr, Dwarf_Die *cell,
                     gmv_type *out)
{
    Dwarf_Die go_type, pointee;
    int rc;
    if (ref_attr(map_die, go_attr, &go_type)) {
        rc = describe_type(m, &go_type, out);
        out->indirect = out->size > GMV_MAX_INLINE_SIZE;
        return rc;
    }
    rc = describe_type(m, cell, out);
    if (rc || dwarf_tag(cell) != DW_TAG_pointer_type || !ref_attr(cell, DW_AT_type, &pointee))
        return rc;
    gmv_type target;
    if (describe_type(m, &pointee, &target) == GMV_OK && target.size > GMV_MAX_INLINE_SIZE) {
        *out = target;
        out->indirect = true;
    }
    return GMV_OK;
}

/* Returns true when `hash` is a Go 1.24+ Swiss-table map (`map<K,V>`). */
static bool is_swiss(Dwarf_Die *hash)
{
    Dwarf_Die member;
    const char *name = dwarf_diename(hash);
    return (name && strncmp(name, "map<", 4) == 0) || (!find_member(hash, "buckets", &member) &&
                                                       find_member(hash, "dirPtr", &member));
}

/* Reads the hash and bucket structures of the map typedef `map_die`. */
static int read_structures(dwarf_map *m, Dwarf_Die *map_die)
{
    Dwarf_Die hash, buckets, bucket;
    if (!pointee_struct(map_die, &hash))
        return gmv_fail(GMV_ERR_FORMAT, "%s in the DWARF of %s is not a pointer to a hash structure",
                        m->name, m->bin->path);
    if (is_swiss(&hash))
        return gmv_fail(GMV_ERR_UNSUPPORTED,
                        "%s in %s is a Go 1.24+ Swiss-table map, which gomapviz cannot read yet; "
                        "build the program with GOEXPERIMENT=noswissmap",
                        m->name, m->bin->path);
    int rc = read_hash(m, &hash);
    if (rc)
        return rc;
    read_extra(m, &hash);
    if (!find_member(&hash, "buckets", &buckets) || !pointee_struct(&buckets, &bucket))
        return gmv_fail(GMV_ERR_FORMAT, "the buckets of %s in %s are not a pointer to a structure",
                        m->name, m->bin->path);
    return read_bucket(m, &bucket);
}

/* Overwrites the offsets of `out` (from the classic rule) with DWARF's. */
static void apply_dwarf_offsets(gmv_layout *out, const dwarf_map *m)
{
    out->hmap = m->hmap;
    out->bucket_size = (uint32_t)m->bucket_size;
    out->keys_offset = (uint32_t)m->keys;
    out->elems_offset = (uint32_t)m->elems;
    out->overflow_offset = (uint32_t)m->overflow;
    out->key_slot = (uint32_t)(m->key_bytes / GMV_BUCKET_CELLS);
    out->elem_slot = (uint32_t)(m->elem_bytes / GMV_BUCKET_CELLS);
}

int gmv_dwarf_map_layout(const gmv_binary *bin, Dwarf_Off die, const char *map_name,
                         gmv_layout *out)
{
    dwarf_map m = {.bin = bin, .name = map_name};
    Dwarf_Die map_die;
    gmv_type key, elem;
    memset(out, 0, sizeof *out);
    if (!dwarf_offdie(bin->dwarf, die, &map_die))
        return gmv_fail(GMV_ERR_FORMAT, "cannot read the DWARF of %s in %s: %s", map_name,
                        bin->path, dwarf_errmsg(-1));
    int rc = read_structures(&m, &map_die);
    if (!rc)
        rc = cell_type(&m, &map_die, DW_AT_GO_KEY, &m.key_cell, &key);
    if (!rc)
        rc = cell_type(&m, &map_die, DW_AT_GO_ELEM, &m.elem_cell, &elem);
    if (!rc)
        rc = gmv_layout_classic(out, bin->ptr_size, bin->go_version, map_name, &key, &elem);
    if (rc)
        return rc;
    out->key = key;
    out->elem = elem;
    apply_dwarf_offsets(out, &m);
    return gmv_layout_validate(out);
}

bool gmv_dwarf_is_map(const gmv_binary *bin, Dwarf_Off type, Dwarf_Off *map_die,
                      const char **map_name)
{
    Dwarf_Die cur, next;
    if (!dwarf_offdie(bin->dwarf, type, &cur))
        return false;
    for (int i = 0; i < MAX_HOPS && dwarf_tag(&cur) == DW_TAG_typedef; i++) {
        const char *name = dwarf_diename(&cur);
        int kind = gmv_dwarf_go_kind(&cur);
        if (kind == KIND_MAP || (!kind && name && strncmp(name, "map[", 4) == 0)) {
            *map_die = dwarf_dieoffset(&cur);
            *map_name = name ? name : "map";
            return true;
        }
        if (kind || !ref_attr(&cur, DW_AT_type, &next))
            return false;
        cur = next;
    }
    return false;
}

const char *gmv_dwarf_type_name(const gmv_binary *bin, Dwarf_Off type)
{
    Dwarf_Die die;
    return dwarf_offdie(bin->dwarf, type, &die) ? dwarf_diename(&die) : NULL;
}
