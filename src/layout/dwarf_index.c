/* An index of a Go binary's DWARF, built once at open: the package-level
 * variables and the map types, each sorted by name. Only top-level DIEs of
 * each compilation unit are looked at, so functions' children are skipped. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "layout/binary_impl.h"


typedef struct index_builder {
    gmv_binary *bin;
    size_t vars_cap, maps_cap;
} index_builder;

/* Grows the array `*items` of `size`-byte elements, holding `count`, so that
 * one more fits. Returns 0 or GMV_ERR_NOMEM. */
static int reserve(void **items, size_t size, size_t count, size_t *cap)
{
    if (count < *cap)
        return GMV_OK;
    size_t n = *cap ? *cap * 2 : 256;
    void *grown = realloc(*items, n * size);
    if (!grown)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory indexing DWARF");
    *items = grown;
    *cap = n;
    return GMV_OK;
}

/* Returns true with the address of a variable located by one DW_OP_addr.
 * Go writes the expression as DW_FORM_block1, which libdw's
 * dwarf_getlocation refuses in DWARF 4, so the block is decoded here. */
static bool static_address(const gmv_binary *bin, Dwarf_Die *die, uint64_t *addr)
{
    Dwarf_Attribute attr;
    Dwarf_Op *ops = NULL;
    size_t n = 0;
    Dwarf_Block block;
    if (!dwarf_attr(die, DW_AT_location, &attr))
        return false;
    if (dwarf_getlocation(&attr, &ops, &n) == 0) {
        if (n != 1 || ops[0].atom != DW_OP_addr)
            return false;
        *addr = ops[0].number;
        return true;
    }
    if (dwarf_formblock(&attr, &block) != 0 || block.length != 1u + bin->ptr_size ||
        block.data[0] != DW_OP_addr)
        return false;
    *addr = gmv_image_uint(&bin->image, block.data + 1, bin->ptr_size);
    return true;
}

/* Returns true with the offset of the DIE that `die`'s DW_AT_type names. */
static bool type_offset(Dwarf_Die *die, Dwarf_Off *off)
{
    Dwarf_Attribute attr;
    Dwarf_Die type;
    if (!dwarf_attr(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &type))
        return false;
    *off = dwarf_dieoffset(&type);
    return true;
}

/* Adds a DW_TAG_variable with a name, a static address and a type. */
static int index_variable(index_builder *b, Dwarf_Die *die)
{
    gmv_dwarf_var v = {.name = dwarf_diename(die)};
    if (!v.name || !static_address(b->bin, die, &v.addr) || !type_offset(die, &v.type))
        return GMV_OK;
    gmv_binary *bin = b->bin;
    int rc = reserve((void **)&bin->vars, sizeof *bin->vars, bin->nvars, &b->vars_cap);
    if (!rc)
        bin->vars[bin->nvars++] = v;
    return rc;
}

/* Adds a DW_TAG_typedef that is a map type: Go kind map, or named "map[". */
static int index_typedef(index_builder *b, Dwarf_Die *die)
{
    const char *name = dwarf_diename(die);
    if (!name || (strncmp(name, "map[", 4) != 0 && gmv_dwarf_go_kind(die) != GMV_GO_KIND_MAP))
        return GMV_OK;
    gmv_binary *bin = b->bin;
    int rc = reserve((void **)&bin->maps, sizeof *bin->maps, bin->nmaps, &b->maps_cap);
    if (!rc)
        bin->maps[bin->nmaps++] = (gmv_dwarf_map){name, dwarf_dieoffset(die)};
    return rc;
}

/* Indexes the top-level DIEs under the compilation unit `cu`. */
static int index_unit(index_builder *b, Dwarf_Die *cu)
{
    Dwarf_Die die, next;
    int more = dwarf_child(cu, &die);
    while (more == 0) {
        int tag = dwarf_tag(&die);
        int rc = tag == DW_TAG_variable ? index_variable(b, &die)
                 : tag == DW_TAG_typedef ? index_typedef(b, &die)
                                         : GMV_OK;
        if (rc)
            return rc;
        more = dwarf_siblingof(&die, &next);
        die = next;
    }
    if (more < 0)
        return gmv_fail(GMV_ERR_FORMAT, "malformed DWARF in %s: %s", b->bin->path,
                        dwarf_errmsg(-1));
    return GMV_OK;
}

/* qsort/bsearch comparator on the leading `const char *name` of an entry. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int gmv_dwarf_index(gmv_binary *bin)
{
    index_builder b = {.bin = bin};
    Dwarf_Off off = 0, next = 0;
    size_t header = 0;
    int more;
    while ((more = dwarf_nextcu(bin->dwarf, off, &next, &header, NULL, NULL, NULL)) == 0) {
        Dwarf_Die cu;
        if (dwarf_offdie(bin->dwarf, off + header, &cu)) {
            int rc = index_unit(&b, &cu);
            if (rc)
                return rc;
        }
        off = next;
    }
    if (more < 0)
        return gmv_fail(GMV_ERR_FORMAT, "malformed DWARF in %s: %s", bin->path, dwarf_errmsg(-1));
    if (bin->nvars)
        qsort(bin->vars, bin->nvars, sizeof *bin->vars, by_name);
    if (bin->nmaps)
        qsort(bin->maps, bin->nmaps, sizeof *bin->maps, by_name);
    return GMV_OK;
}

const gmv_dwarf_var *gmv_dwarf_find_var(const gmv_binary *bin, const char *name)
{
    if (!bin->nvars)
        return NULL;
    return bsearch(&name, bin->vars, bin->nvars, sizeof *bin->vars, by_name);
}

const gmv_dwarf_map *gmv_dwarf_find_map(const gmv_binary *bin, const char *name)
{
    const gmv_dwarf_map *hit = NULL;
    if (bin->nmaps)
        hit = bsearch(&name, bin->maps, bin->nmaps, sizeof *bin->maps, by_name);
    if (hit)
        return hit;
    char want[GMV_TYPE_NAME_MAX], have[GMV_TYPE_NAME_MAX];
    if (!gmv_normalize_type_name(name, want, sizeof want))
        return NULL;
    for (size_t i = 0; i < bin->nmaps; i++) {
        if (gmv_normalize_type_name(bin->maps[i].name, have, sizeof have) &&
            strcmp(want, have) == 0)
            return &bin->maps[i];
    }
    return NULL;
}
