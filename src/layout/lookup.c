/* Looking up a map variable or a map type by name, with messages that say
 * what to do when the name is wrong or the binary is stripped. */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "layout/binary_impl.h"

#define HINT_MAX 512

/* gmv_symtab_each_object visitor: offers a symbol name to a gmv_suggest. */
static void offer_symbol(const char *name, void *ctx)
{
    gmv_suggest_offer(ctx, name);
}

/* Writes the "did you mean" hint for variable `name`: from the DWARF
 * variables when there is DWARF, else from the data symbols. */
static void variable_hint(const gmv_binary *bin, const char *name, char *out, size_t out_size)
{
    gmv_suggest s;
    gmv_suggest_init(&s, name, false);
    if (bin->dwarf) {
        for (size_t i = 0; i < bin->nvars; i++)
            gmv_suggest_offer(&s, bin->vars[i].name);
    } else {
        gmv_symtab_each_object(bin, offer_symbol, &s);
    }
    gmv_suggest_format(&s, out, out_size);
    if (!s.count && !strchr(name, '.'))
        snprintf(out, out_size, "; names include the package, as in main.%s", name);
}

/* Fails with GMV_ERR_NOT_FOUND for an unknown variable `name`. */
static int unknown_variable(const gmv_binary *bin, const char *name)
{
    char hint[HINT_MAX];
    variable_hint(bin, name, hint, sizeof hint);
    return gmv_fail(GMV_ERR_NOT_FOUND, "no variable %s in %s%s", name, bin->path, hint);
}

/* The variable `name` is at `addr` by the symbol table, but nothing says
 * its type: fails with GMV_ERR_UNSUPPORTED, telling how to go on. */
static int untyped_variable(const gmv_binary *bin, const char *name, uint64_t addr)
{
    const char *why = bin->dwarf ? "its DWARF does not describe it"
                                 : "the file has no DWARF (built with -ldflags=-w?)";
    return gmv_fail(GMV_ERR_UNSUPPORTED,
                    "%s is at 0x%llx in %s but %s, so its map type is unknown; pass the map's own address "
                    "(the hmap pointer the variable holds, as fmt.Printf(\"%%p\", m) prints it) with %s "
                    "0xHMAP %s 'map[K]V', and %s a build of the same source with DWARF for the type",
                    name, (unsigned long long)addr, bin->path, why, gmv_option_name(GMV_OPTION_ADDR),
                    gmv_option_name(GMV_OPTION_TYPE), gmv_option_name(GMV_OPTION_EXE));
}

/* Looks `name` up without DWARF: in the symbol table if there is one. */
static int find_without_dwarf(const gmv_binary *bin, const char *name, uint64_t *addr_out)
{
    uint64_t addr = 0;
    if (!bin->has_symtab)
        return gmv_fail(GMV_ERR_UNSUPPORTED,
                        "%s is stripped (no symbols, no DWARF: built with -ldflags='-s -w'?), so "
                        "%s cannot be looked up in it; pass the map's own address (as fmt.Printf(\"%%p\", m) "
                        "prints it) with %s 0xHMAP %s 'map[K]V', and %s a build of the same source "
                        "with DWARF for the type",
                        bin->path, name, gmv_option_name(GMV_OPTION_ADDR), gmv_option_name(GMV_OPTION_TYPE),
                        gmv_option_name(GMV_OPTION_EXE));
    if (!gmv_symtab_find(bin, name, &addr, NULL))
        return unknown_variable(bin, name);
    *addr_out = addr;
    return untyped_variable(bin, name, addr);
}

/* Fails with GMV_ERR_INVALID: variable `name` has the non-map type `type`. */
static int not_a_map(const gmv_binary *bin, const char *name, Dwarf_Off type)
{
    const char *tname = gmv_dwarf_type_name(bin, type);
    if (!tname)
        return gmv_fail(GMV_ERR_INVALID, "%s is of an unnamed type, not a map", name);
    bool vowel = strchr("aeiouAEIOU", tname[0]) != NULL;
    return gmv_fail(GMV_ERR_INVALID, "%s is %s %s, not a map", name, vowel ? "an" : "a", tname);
}

int gmv_binary_find_map_variable(const gmv_binary *bin, const char *name, uint64_t *addr_out,
                                 gmv_layout *layout_out)
{
    if (!bin->dwarf)
        return find_without_dwarf(bin, name, addr_out);
    const gmv_dwarf_var *v = gmv_dwarf_find_var(bin, name);
    uint64_t addr = 0;
    if (!v && bin->has_symtab && gmv_symtab_find(bin, name, &addr, NULL)) {
        *addr_out = addr;
        return untyped_variable(bin, name, addr);
    }
    if (!v)
        return unknown_variable(bin, name);
    *addr_out = v->addr;
    Dwarf_Off map_die = 0;
    const char *map_name = NULL;
    if (!gmv_dwarf_is_map(bin, v->type, &map_die, &map_name))
        return not_a_map(bin, name, v->type);
    return layout_out ? gmv_dwarf_map_layout(bin, map_die, map_name, layout_out) : GMV_OK;
}

/* Writes the "did you mean" hint for the map type `map_type`. */
static void map_type_hint(const gmv_binary *bin, const char *map_type, char *out, size_t out_size)
{
    gmv_suggest s;
    gmv_suggest_init(&s, map_type, true);
    for (size_t i = 0; i < bin->nmaps; i++)
        gmv_suggest_offer(&s, bin->maps[i].name);
    gmv_suggest_format(&s, out, out_size);
    if (!s.count)
        snprintf(out, out_size, "; the program must use that map type somewhere, spelt as Go "
                                "prints it, e.g. map[string]int");
}

int gmv_binary_map_layout(const gmv_binary *bin, const char *map_type, gmv_layout *out)
{
    if (!bin->dwarf)
        return gmv_fail(GMV_ERR_UNSUPPORTED,
                        "%s has no DWARF (built with -ldflags=-w or stripped), so the layout of "
                        "%s is unknown; give %s a build of the same source with DWARF (any build that "
                        "uses this map type describes it)",
                        bin->path, map_type, gmv_option_name(GMV_OPTION_EXE));
    const gmv_dwarf_map *m = gmv_dwarf_find_map(bin, map_type);
    if (!m) {
        char hint[HINT_MAX];
        map_type_hint(bin, map_type, hint, sizeof hint);
        return gmv_fail(GMV_ERR_NOT_FOUND, "no map type %s in the DWARF of %s%s", map_type,
                        bin->path, hint);
    }
    return gmv_dwarf_map_layout(bin, m->die, m->name, out);
}
