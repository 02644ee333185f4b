/* Maps named by a path from a package-level variable, as Go code names
 * them: main.registry.m, main.shards[3].index, main.srv.routes (through the
 * pointer main.srv, as Go dereferences it for a field), html.entityMaps.d.r1
 * (a variable the closure in html.entityMaps captured, read as a field). The variable is
 * found in the DWARF index, then each step through the DWARF types; a step
 * through a pointer or a slice reads the target's memory. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "layout/dwarf_die.h"

#define MAX_STEPS 64

/* Where the walk is: a runtime address holding a value of type `type`,
 * reached by the path's first `walked` bytes. */
typedef struct place {
    const gmv_binary *bin;
    gmv_source *src;
    uint64_t bias;
    const char *path;
    size_t walked;
    uint64_t addr;
    Dwarf_Die type;
} place;

static const char *type_name(Dwarf_Die *die)
{
    const char *name = dwarf_diename(die);
    return name ? name : "an unnamed type";
}

/* Reads a pointer-sized word of the target at `addr`. */
static int read_word(place *p, uint64_t addr, uint64_t *out)
{
    uint8_t buf[8];
    uint32_t size = p->bin->ptr_size;
    if (!p->src)
        return gmv_fail(GMV_ERR_INVALID, "%.*s is reached through a pointer or a slice, which needs the target's "
                        "memory", (int)p->walked, p->path);
    int64_t got = gmv_source_read(p->src, addr, buf, size);
    if (got < 0)
        return (int)got;
    if (got != (int64_t)size)
        return gmv_fail(GMV_ERR_IO, "cannot read %.*s at 0x%" PRIx64 " in the target", (int)p->walked, p->path,
                        addr);
    *out = gmv_load_le(buf, size);
    return GMV_OK;
}

/* Steps through a pointer (Go does for a field or an index): the place now
 * is what it points to. */
static int through_pointer(place *p)
{
    uint64_t target = 0;
    Dwarf_Die pointee;
    int rc = read_word(p, p->addr, &target);
    if (rc != 0)
        return rc;
    if (target == 0)
        return gmv_fail(GMV_ERR_NOT_FOUND, "%.*s is a nil %s: no map there", (int)p->walked, p->path,
                        type_name(&p->type));
    if (!gmv_die_ref(&p->type, DW_AT_type, &pointee) || !gmv_die_described(&pointee))
        return gmv_fail(GMV_ERR_FORMAT, "the DWARF of %s does not say what %.*s points to", p->bin->path,
                        (int)p->walked, p->path);
    p->addr = target;
    p->type = pointee;
    return GMV_OK;
}

/* Lists the field names of struct `st` into `out`, for a message. */
static void field_names(Dwarf_Die *st, char *out, size_t size)
{
    Dwarf_Die m, next;
    size_t n = 0;
    out[0] = '\0';
    for (int more = dwarf_child(st, &m); more == 0 && n + 1 < size; more = dwarf_siblingof(&m, &next), m = next) {
        const char *name = dwarf_diename(&m);
        if (dwarf_tag(&m) != DW_TAG_member || !name || strcmp(name, "_") == 0)
            continue;
        int w = snprintf(out + n, size - n, "%s%s", n ? ", " : "", name);
        n += w > 0 ? (size_t)w : 0;
    }
}

#define MAX_CAPTURES 64

/* `.name` of a func value: a variable its closure captured (through its
 * pointer when captured by reference). */
static int captured(place *p, const char *want)
{
    uint64_t funcval = 0, code = 0;
    int rc = read_word(p, p->addr, &funcval);
    if (rc != 0)
        return rc;
    if (funcval == 0)
        return gmv_fail(GMV_ERR_NOT_FOUND, "%.*s is a nil func: no map there", (int)p->walked, p->path);
    rc = read_word(p, funcval, &code);
    if (rc != 0)
        return rc;
    gmv_capture captures[MAX_CAPTURES];
    size_t n = gmv_dwarf_closure_captures(p->bin, code - p->bias, captures, MAX_CAPTURES);
    char names[512] = "";
    for (size_t i = 0, used = 0; i < n; i++) {
        if (strcmp(captures[i].name, want) == 0) {
            p->addr = funcval + captures[i].offset;
            p->type = captures[i].type;
            return captures[i].by_reference ? through_pointer(p) : GMV_OK;
        }
        int w = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", captures[i].name);
        used += w > 0 && (size_t)w < sizeof names - used ? (size_t)w : 0;
    }
    if (n == 0)
        return gmv_fail(GMV_ERR_NOT_FOUND, "%.*s is a func that captured no variable the DWARF describes (a "
                        "closure's variables are described from Go 1.23)", (int)p->walked, p->path);
    return gmv_fail(GMV_ERR_NOT_FOUND, "the closure in %.*s captured no %s; it captured %s", (int)p->walked,
                    p->path, want, names);
}

/* `.name`: the field of the struct here (through a pointer first), or a
 * variable the closure here captured. */
static int field(place *p, const char *name, size_t len)
{
    if (gmv_dwarf_go_kind(&p->type) == GMV_GO_KIND_POINTER) {
        int rc = through_pointer(p);
        if (rc != 0)
            return rc;
    }
    if (gmv_dwarf_go_kind(&p->type) == GMV_GO_KIND_FUNC) {
        char want[256];
        snprintf(want, sizeof want, "%.*s", (int)len, name);
        return captured(p, want);
    }
    if (gmv_dwarf_go_kind(&p->type) != GMV_GO_KIND_STRUCT)
        return gmv_fail(GMV_ERR_INVALID, "%.*s is %s, which has no fields", (int)p->walked, p->path,
                        type_name(&p->type));
    char want[256];
    snprintf(want, sizeof want, "%.*s", (int)len, name);
    Dwarf_Die member, mtype;
    uint64_t offset = 0;
    if (!gmv_die_find_member(&p->type, want, &member)) {
        char names[512];
        field_names(&p->type, names, sizeof names);
        return gmv_fail(GMV_ERR_NOT_FOUND, "%.*s (%s) has no field %s; its fields are %s", (int)p->walked, p->path,
                        type_name(&p->type), want, names[0] ? names : "none");
    }
    if (!gmv_die_member_location(&member, &offset) || !gmv_die_ref(&member, DW_AT_type, &mtype) ||
        !gmv_die_described(&mtype))
        return gmv_fail(GMV_ERR_FORMAT, "the DWARF of %s does not place the field %s of %s", p->bin->path, want,
                        type_name(&p->type));
    p->addr += offset;
    p->type = mtype;
    return GMV_OK;
}


/* `[index]` of an array or a slice here (through a pointer first). */
static int element(place *p, uint64_t index)
{
    if (gmv_dwarf_go_kind(&p->type) == GMV_GO_KIND_POINTER) {
        int rc = through_pointer(p);
        if (rc != 0)
            return rc;
    }
    int kind = gmv_dwarf_go_kind(&p->type);
    Dwarf_Die elem;
    uint64_t len = 0, base = p->addr;
    if (kind == GMV_GO_KIND_ARRAY) {
        if (!gmv_die_array_length(&p->type, &len) || !gmv_die_ref(&p->type, DW_AT_type, &elem))
            return gmv_fail(GMV_ERR_FORMAT, "the DWARF of %s does not describe the array %s", p->bin->path,
                            type_name(&p->type));
    } else if (kind == GMV_GO_KIND_SLICE) {
        int rc = read_word(p, p->addr, &base);
        if (rc == 0)
            rc = read_word(p, p->addr + p->bin->ptr_size, &len);
        if (rc != 0)
            return rc;
        if (!gmv_die_ref(&p->type, GMV_DW_AT_GO_ELEM, &elem))
            return gmv_fail(GMV_ERR_FORMAT, "the DWARF of %s does not name the elements of %s", p->bin->path,
                            type_name(&p->type));
    } else {
        return gmv_fail(GMV_ERR_INVALID, "%.*s is %s, which cannot be indexed (a map's values are listed by "
                        "gomapviz list)", (int)p->walked, p->path, type_name(&p->type));
    }
    if (!gmv_die_described(&elem))
        return gmv_fail(GMV_ERR_FORMAT, "the DWARF of %s does not describe the elements of %s", p->bin->path,
                        type_name(&p->type));
    if (index >= len)
        return gmv_fail(GMV_ERR_NOT_FOUND, "index %" PRIu64 " is out of range: %.*s has %" PRIu64 " element%s",
                        index, (int)p->walked, p->path, len, len == 1 ? "" : "s");
    uint64_t size = 0;
    if (!gmv_die_value_size(&elem, p->bin->ptr_size, &size))
        return gmv_fail(GMV_ERR_FORMAT, "the DWARF of %s does not give the size of the elements of %s", p->bin->path,
                        type_name(&p->type));
    p->addr = base + index * size;
    p->type = elem;
    return GMV_OK;
}

/* Applies the step at p->path + p->walked (".name" or "[N]"). */
static int step(place *p)
{
    const char *s = p->path + p->walked;
    if (s[0] == '.') {
        size_t len = strcspn(s + 1, ".[");
        if (len == 0)
            return gmv_fail(GMV_ERR_INVALID, "%s: a field name is missing after '.'", p->path);
        int rc = field(p, s + 1, len);
        p->walked += 1 + len;
        return rc;
    }
    if (s[0] == '[') {
        char *end = NULL;
        unsigned long long index = strtoull(s + 1, &end, 10);
        if (end == s + 1 || *end != ']' || s[1] == '-')
            return gmv_fail(GMV_ERR_INVALID, "%s: an index is written [N], with N a number from 0", p->path);
        int rc = element(p, index);
        p->walked = (size_t)(end + 1 - p->path);
        return rc;
    }
    return gmv_fail(GMV_ERR_INVALID, "%s: after %.*s comes '%c', not '.' or '['", p->path, (int)p->walked, p->path,
                    s[0]);
}

/* The longest prefix of `path` ending before a '.' or '[' that names a
 * package-level variable, or NULL. */
static const gmv_dwarf_var *variable_of(const gmv_binary *bin, const char *path, size_t *len)
{
    char name[512];
    for (size_t n = strlen(path); n > 0; n--) {
        if (path[n] != '\0' && path[n] != '.' && path[n] != '[')
            continue;
        if (n >= sizeof name)
            continue;
        memcpy(name, path, n);
        name[n] = '\0';
        const gmv_dwarf_var *v = gmv_dwarf_find_var(bin, name);
        if (v) {
            *len = n;
            return v;
        }
    }
    return NULL;
}

int gmv_binary_find_map_path(const gmv_binary *bin, gmv_source *src, uint64_t bias, const char *path,
                             uint64_t *addr_out, gmv_layout *layout_out)
{
    size_t len = 0;
    const gmv_dwarf_var *v = bin->dwarf ? variable_of(bin, path, &len) : NULL;
    if (!v || path[len] == '\0') { /* a variable: as it always was, with its messages */
        uint64_t link = 0;
        int rc = gmv_binary_find_map_variable(bin, path, &link, layout_out);
        *addr_out = link + bias;
        return rc;
    }
    place p = {.bin = bin, .src = src, .bias = bias, .path = path, .walked = len, .addr = v->addr + bias};
    if (!dwarf_offdie(bin->dwarf, v->type, &p.type) || !gmv_die_described(&p.type))
        return gmv_fail(GMV_ERR_FORMAT, "the DWARF of %s does not describe the type of %.*s", bin->path, (int)len,
                        path);
    for (int i = 0; path[p.walked] != '\0'; i++) {
        int rc = i < MAX_STEPS ? step(&p) : gmv_fail(GMV_ERR_INVALID, "%s: more than %d steps", path, MAX_STEPS);
        if (rc != 0)
            return rc;
    }
    Dwarf_Off map_die = 0;
    const char *map_name = NULL;
    if (!gmv_dwarf_is_map(bin, dwarf_dieoffset(&p.type), &map_die, &map_name))
        return gmv_fail(GMV_ERR_INVALID, "%s is %s, not a map", path, type_name(&p.type));
    *addr_out = p.addr;
    return layout_out ? gmv_dwarf_map_layout(bin, map_die, map_name, layout_out) : GMV_OK;
}
