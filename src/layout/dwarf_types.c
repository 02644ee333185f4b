/* Map layouts from Go's DWARF. The linker (cmd/link/internal/ld/dwarf.go,
 * synthesizemaptypes) writes `map[K]V` as a typedef of a pointer to a
 * structure built from the runtime's own: `hash<K,V>` (a copy of
 * runtime.hmap, classic maps) or `map<K,V>` (a copy of
 * internal/runtime/maps.Map, Swiss tables). Which one it is decides the
 * reader (dwarf_classic.c or dwarf_swiss.c): this file is where that is
 * decided; what both readers use is in dwarf_die.c. */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "layout/dwarf_die.h"

static bool is_swiss(Dwarf_Die *st)
{
    Dwarf_Die member;
    return !gmv_die_find_member(st, "buckets", &member) && gmv_die_find_member(st, "dirPtr", &member);
}

int gmv_dwarf_map_layout(const gmv_binary *bin, Dwarf_Off die, const char *map_name, gmv_layout *out)
{
    gmv_dwarf_ctx c = {.bin = bin, .name = map_name};
    Dwarf_Die map_die, st;
    memset(out, 0, sizeof *out);
    if (!dwarf_offdie(bin->dwarf, die, &map_die))
        return gmv_fail(GMV_ERR_FORMAT, "cannot read the DWARF of %s in %s: %s", map_name, bin->path,
                        dwarf_errmsg(-1));
    if (!gmv_die_pointee_struct(&map_die, &st))
        return gmv_fail(GMV_ERR_FORMAT, "%s in the DWARF of %s is not a pointer to a map structure", map_name,
                        bin->path);
    int rc = is_swiss(&st) ? gmv_dwarf_swiss_layout(&c, &map_die, &st, out)
                           : gmv_dwarf_classic_layout(&c, &map_die, &st, out);
    return rc ? rc : gmv_layout_validate(out);
}

bool gmv_dwarf_is_map(const gmv_binary *bin, Dwarf_Off type, Dwarf_Off *map_die, const char **map_name)
{
    Dwarf_Die cur, next;
    if (!dwarf_offdie(bin->dwarf, type, &cur))
        return false;
    for (int i = 0; i < GMV_DWARF_MAX_HOPS && dwarf_tag(&cur) == DW_TAG_typedef; i++) {
        const char *name = dwarf_diename(&cur);
        int kind = gmv_dwarf_go_kind(&cur);
        if (kind == GMV_GO_KIND_MAP || (!kind && name && strncmp(name, "map[", 4) == 0)) {
            *map_die = dwarf_dieoffset(&cur);
            *map_name = name ? name : "map";
            if (strncmp(*map_name, GMV_SHAPE_PREFIX, strlen(GMV_SHAPE_PREFIX)) == 0)
                *map_name += strlen(GMV_SHAPE_PREFIX);
            return true;
        }
        if (kind || !gmv_die_ref(&cur, DW_AT_type, &next))
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
