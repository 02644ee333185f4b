/* Following Go's DWARF: references, constants, typedefs, structure
 * members and their offsets, and the key and value types of a map (what the
 * classic and the Swiss readers both use). */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "layout/dwarf_die.h"

#define DW_AT_GO_KIND 0x2900
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

int gmv_dwarf_go_kind(Dwarf_Die *die)
{
    Dwarf_Attribute attr;
    Dwarf_Word kind = 0;
    if (!dwarf_attr(die, DW_AT_GO_KIND, &attr) || dwarf_formudata(&attr, &kind) != 0)
        return 0;
    return (int)(kind & 31); /* the runtime's kindMask */
}

bool gmv_die_ref(Dwarf_Die *die, unsigned name, Dwarf_Die *out)
{
    Dwarf_Attribute attr;
    return dwarf_attr(die, name, &attr) && dwarf_formref_die(&attr, out);
}

bool gmv_die_const(Dwarf_Die *die, unsigned name, uint64_t *out)
{
    Dwarf_Attribute attr;
    Dwarf_Word v = 0;
    if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &v) != 0)
        return false;
    *out = v;
    return true;
}

bool gmv_die_strip_typedefs(Dwarf_Die *die, Dwarf_Die *out)
{
    *out = *die;
    for (int i = 0; i < GMV_DWARF_MAX_HOPS; i++) {
        if (dwarf_tag(out) != DW_TAG_typedef)
            return true;
        Dwarf_Die next;
        if (!gmv_die_ref(out, DW_AT_type, &next))
            return false;
        *out = next;
    }
    return false;
}

bool gmv_die_pointee_struct(Dwarf_Die *die, Dwarf_Die *out)
{
    Dwarf_Die type, ptr, target;
    if (!gmv_die_ref(die, DW_AT_type, &type) || !gmv_die_strip_typedefs(&type, &ptr) ||
        dwarf_tag(&ptr) != DW_TAG_pointer_type || !gmv_die_ref(&ptr, DW_AT_type, &target))
        return false;
    return gmv_die_strip_typedefs(&target, out) && dwarf_tag(out) == DW_TAG_structure_type;
}

bool gmv_die_member_struct(Dwarf_Die *die, Dwarf_Die *out)
{
    Dwarf_Die type;
    return gmv_die_ref(die, DW_AT_type, &type) && gmv_die_strip_typedefs(&type, out) &&
           dwarf_tag(out) == DW_TAG_structure_type;
}

bool gmv_die_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *out)
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

bool gmv_die_member_location(Dwarf_Die *m, uint64_t *offset)
{
    Dwarf_Attribute attr;
    Dwarf_Op *ops = NULL;
    size_t n = 0;
    if (gmv_die_const(m, DW_AT_data_member_location, offset))
        return true;
    if (!dwarf_attr(m, DW_AT_data_member_location, &attr) ||
        dwarf_getlocation(&attr, &ops, &n) != 0 || n != 1 || ops[0].atom != DW_OP_plus_uconst)
        return false;
    *offset = ops[0].number;
    return true;
}

int gmv_die_member_offset(const gmv_dwarf_ctx *c, Dwarf_Die *st, const char *name, uint64_t *out)
{
    Dwarf_Die member;
    if (!gmv_die_find_member(st, name, &member) || !gmv_die_member_location(&member, out) ||
        *out > GMV_DWARF_MAX_OFFSET) {
        const char *sname = dwarf_diename(st);
        return gmv_fail(GMV_ERR_FORMAT,
                        "%s in the DWARF of %s has no usable member %s; gomapviz knows the map DWARF of "
                        "Go 1.11 to 1.27",
                        sname ? sname : "a map structure", c->bin->path, name);
    }
    return GMV_OK;
}

int gmv_die_optional_member_offset(const gmv_dwarf_ctx *c, Dwarf_Die *st, const char *name, uint32_t *out)
{
    Dwarf_Die member;
    uint64_t offset = 0;
    *out = GMV_NO_FIELD;
    if (!gmv_die_find_member(st, name, &member))
        return GMV_OK;
    int rc = gmv_die_member_offset(c, st, name, &offset);
    *out = (uint32_t)offset;
    return rc;
}

int gmv_die_size(const gmv_dwarf_ctx *c, Dwarf_Die *die, uint64_t *out)
{
    if (gmv_die_const(die, DW_AT_byte_size, out) && *out <= GMV_DWARF_MAX_OFFSET)
        return GMV_OK;
    const char *name = dwarf_diename(die);
    return gmv_fail(GMV_ERR_FORMAT, "%s in the DWARF of %s has no usable size",
                    name ? name : "a map structure", c->bin->path);
}

int gmv_die_array_member(const gmv_dwarf_ctx *c, Dwarf_Die *st, const char *name, uint64_t count,
                         uint64_t *bytes, Dwarf_Die *element)
{
    Dwarf_Die member, type, array;
    if (gmv_die_find_member(st, name, &member) && gmv_die_ref(&member, DW_AT_type, &type) &&
        gmv_die_strip_typedefs(&type, &array) && dwarf_tag(&array) == DW_TAG_array_type &&
        gmv_die_const(&array, DW_AT_byte_size, bytes) && *bytes <= GMV_DWARF_MAX_OFFSET &&
        *bytes % count == 0 && gmv_die_ref(&array, DW_AT_type, element))
        return GMV_OK;
    return gmv_fail(GMV_ERR_FORMAT, "the %s of %s in %s are not an array of %llu cells", name, c->name,
                    c->bin->path, (unsigned long long)count);
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
        if (!gmv_die_const(die, DW_AT_encoding, &enc))
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
static int describe_type(const gmv_dwarf_ctx *c, Dwarf_Die *die, gmv_type *out)
{
    const char *name = dwarf_diename(die);
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name ? name : "?");
    Dwarf_Die cur = *die, next;
    int kind = 0;
    bool sized = false;
    for (int i = 0; i < GMV_DWARF_MAX_HOPS; i++) {
        kind = kind ? kind : gmv_dwarf_go_kind(&cur);
        sized = sized || gmv_die_const(&cur, DW_AT_byte_size, &out->size);
        if (dwarf_tag(&cur) != DW_TAG_typedef || (kind && sized) || !gmv_die_ref(&cur, DW_AT_type, &next))
            break;
        cur = next;
    }
    kind = kind ? kind : kind_from_dwarf(&cur);
    out->kind = kind_from_go(kind);
    if (!sized && (out->kind == GMV_KIND_POINTER || dwarf_tag(&cur) == DW_TAG_pointer_type)) {
        out->size = c->bin->ptr_size;
        sized = true;
    }
    if (!sized || out->size > GMV_DWARF_MAX_OFFSET)
        return gmv_fail(GMV_ERR_FORMAT, "type %s of %s in %s has no usable size", out->name, c->name,
                        c->bin->path);
    return GMV_OK;
}

int gmv_die_cell_type(const gmv_dwarf_ctx *c, Dwarf_Die *map_die, unsigned go_attr, Dwarf_Die *cell,
                      gmv_type *out)
{
    Dwarf_Die go_type, pointee;
    int rc;
    if (gmv_die_ref(map_die, go_attr, &go_type)) {
        rc = describe_type(c, &go_type, out);
        out->indirect = out->size > GMV_MAX_INLINE_SIZE;
        return rc;
    }
    rc = describe_type(c, cell, out);
    if (rc || dwarf_tag(cell) != DW_TAG_pointer_type || !gmv_die_ref(cell, DW_AT_type, &pointee))
        return rc;
    gmv_type target;
    if (describe_type(c, &pointee, &target) == GMV_OK && target.size > GMV_MAX_INLINE_SIZE) {
        *out = target;
        out->indirect = true;
    }
    return GMV_OK;
}

bool gmv_die_value_size(Dwarf_Die *die, uint32_t ptr_size, uint64_t *out)
{
    Dwarf_Die cur = *die, next;
    for (int i = 0; i < GMV_DWARF_MAX_HOPS; i++) {
        if (gmv_die_const(&cur, DW_AT_byte_size, out))
            return *out <= GMV_DWARF_MAX_OFFSET;
        int tag = dwarf_tag(&cur);
        if (tag == DW_TAG_pointer_type || tag == DW_TAG_subroutine_type) {
            *out = ptr_size; /* unsafe.Pointer, and funcs */
            return true;
        }
        if (tag != DW_TAG_typedef || !gmv_die_ref(&cur, DW_AT_type, &next))
            return false;
        if (gmv_dwarf_go_kind(&cur) == GMV_GO_KIND_MAP) { /* a map typedef: a pointer to its header */
            *out = ptr_size;
            return true;
        }
        cur = next;
    }
    return false;
}

bool gmv_die_described(Dwarf_Die *die)
{
    Dwarf_Die next;
    for (int i = 0; i < GMV_DWARF_MAX_HOPS; i++) {
        if (dwarf_tag(die) != DW_TAG_typedef || gmv_dwarf_go_kind(die) != 0)
            return true;
        if (!gmv_die_ref(die, DW_AT_type, &next))
            return false;
        *die = next;
    }
    return false;
}

bool gmv_die_array_length(Dwarf_Die *die, uint64_t *n)
{
    Dwarf_Die sub;
    if (dwarf_child(die, &sub) != 0 || dwarf_tag(&sub) != DW_TAG_subrange_type)
        return false;
    if (gmv_die_const(&sub, DW_AT_count, n))
        return true;
    if (!gmv_die_const(&sub, DW_AT_upper_bound, n))
        return false;
    (*n)++;
    return true;
}
