/* An index of a Go binary's DWARF, built once at open: the package-level
 * variables and the map types, each sorted by name. Only top-level DIEs of
 * each compilation unit are looked at, so functions' children are skipped. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/sort.h"
#include "layout/binary_impl.h"
#include "layout/dwarf_die.h"


typedef struct index_builder {
    gmv_binary *bin;
    size_t vars_cap, maps_cap, consts_cap, rtypes_cap, funcs_cap;
} index_builder;

#define DW_AT_GO_RUNTIME_TYPE 0x2904

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

/* Adds a DW_TAG_constant with a name, a type and a value. */
static int index_constant(index_builder *b, Dwarf_Die *die)
{
    gmv_dwarf_const c = {.name = dwarf_diename(die)};
    Dwarf_Attribute attr;
    Dwarf_Sword value;
    if (!c.name || !type_offset(die, &c.type) || !dwarf_attr(die, DW_AT_const_value, &attr) ||
        dwarf_formsdata(&attr, &value) != 0)
        return GMV_OK;
    c.value = (int64_t)value;
    gmv_binary *bin = b->bin;
    int rc = reserve((void **)&bin->consts, sizeof *bin->consts, bin->nconsts, &b->consts_cap);
    if (!rc)
        bin->consts[bin->nconsts++] = c;
    return rc;
}

/* Adds a type DIE that names its runtime type descriptor. */
static int index_runtime_type(index_builder *b, Dwarf_Die *die)
{
    Dwarf_Attribute attr;
    Dwarf_Addr addr = 0;
    Dwarf_Word word = 0;
    if (!dwarf_attr(die, DW_AT_GO_RUNTIME_TYPE, &attr))
        return GMV_OK;
    if (dwarf_formaddr(&attr, &addr) != 0 && dwarf_formudata(&attr, &word) == 0)
        addr = word;
    if (addr == 0)
        return GMV_OK;
    gmv_binary *bin = b->bin;
    int rc = reserve((void **)&bin->rtypes, sizeof *bin->rtypes, bin->nrtypes, &b->rtypes_cap);
    if (!rc)
        bin->rtypes[bin->nrtypes++] = (gmv_dwarf_rtype){addr, dwarf_dieoffset(die)};
    return rc;
}

/* Adds a DW_TAG_subprogram with an entry address. */
static int index_subprogram(index_builder *b, Dwarf_Die *die)
{
    Dwarf_Addr pc = 0;
    if (dwarf_lowpc(die, &pc) != 0 || pc == 0)
        return GMV_OK;
    gmv_binary *bin = b->bin;
    int rc = reserve((void **)&bin->funcs, sizeof *bin->funcs, bin->nfuncs, &b->funcs_cap);
    if (!rc)
        bin->funcs[bin->nfuncs++] = (gmv_dwarf_func){pc, dwarf_dieoffset(die)};
    return rc;
}

/* Indexes one top-level DIE. */
static int index_die(index_builder *b, Dwarf_Die *die)
{
    switch (dwarf_tag(die)) {
    case DW_TAG_variable: return index_variable(b, die);
    case DW_TAG_constant: return index_constant(b, die);
    case DW_TAG_subprogram: return index_subprogram(b, die);
    case DW_TAG_typedef: {
        int rc = index_typedef(b, die);
        return rc ? rc : index_runtime_type(b, die);
    }
    case DW_TAG_base_type:
    case DW_TAG_structure_type:
    case DW_TAG_pointer_type:
    case DW_TAG_array_type:
    case DW_TAG_subroutine_type:
        return index_runtime_type(b, die);
    default:
        return GMV_OK;
    }
}

/* Indexes the top-level DIEs under the compilation unit `cu`. */
static int index_unit(index_builder *b, Dwarf_Die *cu)
{
    Dwarf_Die die, next;
    int more = dwarf_child(cu, &die);
    while (more == 0) {
        int rc = index_die(b, &die);
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

static int by_const_type(const void *a, const void *b)
{
    const gmv_dwarf_const *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return x->value < y->value ? -1 : x->value > y->value;
}

static int by_low_pc(const void *a, const void *b)
{
    const gmv_dwarf_func *x = a, *y = b;
    if (x->low_pc != y->low_pc)
        return x->low_pc < y->low_pc ? -1 : 1;
    return x->die < y->die ? -1 : x->die > y->die;
}

static int by_runtime_type(const void *a, const void *b)
{
    const gmv_dwarf_rtype *x = a, *y = b;
    if (x->runtime_type != y->runtime_type)
        return x->runtime_type < y->runtime_type ? -1 : 1;
    return x->die < y->die ? -1 : x->die > y->die;
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
    if (bin->nconsts)
        qsort(bin->consts, bin->nconsts, sizeof *bin->consts, by_const_type);
    /* DW_AT_go_runtime_type is the descriptor's offset from runtime.types */
    uint64_t types_base = 0;
    if (!bin->has_symtab || !gmv_symtab_find(bin, "runtime.types", &types_base, NULL))
        bin->nrtypes = 0;
    for (size_t i = 0; i < bin->nrtypes; i++)
        bin->rtypes[i].runtime_type += types_base;
    if (bin->nfuncs)
        qsort(bin->funcs, bin->nfuncs, sizeof *bin->funcs, by_low_pc);
    if (bin->nrtypes)
        qsort(bin->rtypes, bin->nrtypes, sizeof *bin->rtypes, by_runtime_type);
    return GMV_OK;
}

const gmv_dwarf_const *gmv_dwarf_find_consts(const gmv_binary *bin, Dwarf_Off type, size_t *count)
{
    size_t lo = gmv_count_keys_below(bin->consts, bin->nconsts, sizeof *bin->consts, type);
    size_t end = lo;
    while (end < bin->nconsts && bin->consts[end].type == type)
        end++;
    *count = end - lo;
    return *count ? &bin->consts[lo] : NULL;
}

Dwarf_Off gmv_dwarf_find_func(const gmv_binary *bin, uint64_t pc)
{
    const gmv_dwarf_func *f = gmv_find_key(bin->funcs, bin->nfuncs, sizeof *bin->funcs, pc);
    return f ? f->die : 0;
}

#define DW_AT_GO_CLOSURE_OFFSET 0x2907

size_t gmv_dwarf_closure_captures(const gmv_binary *bin, uint64_t pc, gmv_capture *out, size_t max)
{
    Dwarf_Die fn, v, next;
    Dwarf_Off off = bin->dwarf ? gmv_dwarf_find_func(bin, pc) : 0;
    if (!off || !dwarf_offdie(bin->dwarf, off, &fn))
        return 0;
    size_t n = 0;
    for (int more = dwarf_child(&fn, &v); more == 0 && n < max; more = dwarf_siblingof(&v, &next), v = next) {
        gmv_capture *c = &out[n];
        c->dwarf_name = dwarf_diename(&v);
        if (dwarf_tag(&v) != DW_TAG_variable || !c->dwarf_name ||
            !gmv_die_const(&v, DW_AT_GO_CLOSURE_OFFSET, &c->offset) || c->offset == 0 ||
            c->offset > GMV_DWARF_MAX_OFFSET || !gmv_die_ref(&v, DW_AT_type, &c->type))
            continue;
        c->by_reference = c->dwarf_name[0] == '&';
        c->name = c->dwarf_name + c->by_reference;
        n++;
    }
    return n;
}

Dwarf_Off gmv_dwarf_find_rtype(const gmv_binary *bin, uint64_t runtime_type)
{
    const gmv_dwarf_rtype *r = gmv_find_key(bin->rtypes, bin->nrtypes, sizeof *bin->rtypes, runtime_type);
    return r ? r->die : 0;
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
    if (strncmp(name, GMV_SHAPE_PREFIX, strlen(GMV_SHAPE_PREFIX)) != 0 &&
        snprintf(want, sizeof want, GMV_SHAPE_PREFIX "%s", name) < (int)sizeof want) {
        const char *shape = want; /* a map of a generic function's instance, named by its shape */
        if (bin->nmaps && (hit = bsearch(&shape, bin->maps, bin->nmaps, sizeof *bin->maps, by_name)))
            return hit;
    }
    if (!gmv_normalize_type_name(name, want, sizeof want))
        return NULL;
    for (size_t i = 0; i < bin->nmaps; i++) {
        if (gmv_normalize_type_name(bin->maps[i].name, have, sizeof have) &&
            strcmp(want, have) == 0)
            return &bin->maps[i];
    }
    return NULL;
}
