/* Every map reachable from the package-level variables: in variables, in
 * struct fields, in array and slice elements, behind pointers (to a depth),
 * in the variables closures captured (a func variable's captures read as
 * its fields: html.entityMaps.d.r1), each named by its path as Go code
 * names it (main.reg.m, main.shards[3].index). Types come from the DWARF; pointers, slices and
 * the map pointers themselves are read from the target. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addrset.h"
#include "common/bytes.h"
#include "common/error.h"
#include "layout/dwarf_die.h"

#define MAX_ELEMS 4096      /* elements of one array or slice looked into */
#define MAX_NESTING 32      /* types inside types */
#define PATH_MAX_LEN 1024
#define MAX_PLACES (UINT64_C(1) << 22) /* values looked into in all: beyond, the search stops */
#define MAX_CAPTURES 64     /* variables of one closure looked into */

typedef struct finder {
    const gmv_binary *bin;
    gmv_source *src;
    uint64_t bias;
    unsigned depth;         /* pointers followed at most */
    gmv_map_visitor visit;
    void *ctx;
    gmv_addrset seen;       /* pointer targets already walked */
    gmv_addrset holds, holds_not; /* type DIE offsets + 1 known to hold maps, or not */
    char path[PATH_MAX_LEN];
    int rc;                 /* a visitor's stop, or a hard failure */
    uint64_t maps;
    uint64_t places;        /* values looked into so far (MAX_PLACES) */
    gmv_layout layout;      /* of the last map type read */
    Dwarf_Off layout_die;
} finder;

static void walk(finder *f, uint64_t addr, Dwarf_Die *type, unsigned depth, int nesting);

/* Reads a pointer-sized word; false when unreadable (a hard failure is kept in f->rc). */
static bool read_word(finder *f, uint64_t addr, uint64_t *out)
{
    uint8_t buf[8];
    if (!f->src)
        return false; /* an executable alone: no memory to read */
    int64_t got = gmv_source_read(f->src, addr, buf, f->bin->ptr_size);
    if (got < 0 && f->rc == 0 && got != GMV_ERR_IO && got != GMV_ERR_NOT_FOUND)
        f->rc = (int)got;
    if (got != (int64_t)f->bin->ptr_size)
        return false;
    *out = gmv_load_le(buf, f->bin->ptr_size);
    return true;
}

/* Appends `fmt` to the path for the walk below, then cuts it back. */
static size_t push(finder *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t push(finder *f, const char *fmt, ...)
{
    size_t len = strlen(f->path);
    va_list args;
    va_start(args, fmt);
    vsnprintf(f->path + len, sizeof f->path - len, fmt, args);
    va_end(args);
    return len;
}

/* A map type at `addr`: reads the map pointer and hands the map on. */
static void found_map(finder *f, uint64_t addr, Dwarf_Off map_die, const char *map_name)
{
    uint64_t map = 0;
    if (f->src && (!read_word(f, addr, &map) || map == 0))
        return; /* unreadable, or a nil map: nothing held */
    if (f->layout_die != map_die) {
        if (gmv_dwarf_map_layout(f->bin, map_die, map_name, &f->layout) != 0)
            return;
        f->layout_die = map_die;
    }
    gmv_map_place place = {.path = f->path, .address = addr, .map = map, .layout = &f->layout};
    f->maps++;
    int rc = f->visit(f->ctx, &place);
    if (rc != 0 && f->rc == 0)
        f->rc = rc;
}

static void walk_struct(finder *f, uint64_t addr, Dwarf_Die *st, unsigned depth, int nesting)
{
    Dwarf_Die m, next, mtype;
    for (int more = dwarf_child(st, &m); more == 0 && !f->rc; more = dwarf_siblingof(&m, &next), m = next) {
        const char *name = dwarf_diename(&m);
        uint64_t offset = 0;
        if (dwarf_tag(&m) != DW_TAG_member || !name || strcmp(name, "_") == 0 ||
            !gmv_die_member_location(&m, &offset) || !gmv_die_ref(&m, DW_AT_type, &mtype) || !gmv_die_described(&mtype))
            continue;
        size_t cut = push(f, ".%s", name);
        walk(f, addr + offset, &mtype, depth, nesting + 1);
        f->path[cut] = '\0';
    }
}

/* The elements [0, n) of `elem_type` from `base`. */
static void walk_elems(finder *f, uint64_t base, uint64_t n, Dwarf_Die *elem, unsigned depth, int nesting)
{
    uint64_t size = 0;
    if (!gmv_die_value_size(elem, f->bin->ptr_size, &size))
        return;
    for (uint64_t i = 0; i < n && i < MAX_ELEMS && !f->rc; i++) {
        size_t cut = push(f, "[%" PRIu64 "]", i);
        walk(f, base + i * size, elem, depth, nesting + 1);
        f->path[cut] = '\0';
    }
}

/* Whether values of a type can hold a map (directly, in fields or
 * elements, or behind pointers), computed once a type: answers found
 * while the type itself (or one around it) was being looked into are not
 * remembered when negative, as they may be wrong only then. */
typedef struct holds_query {
    finder *f;
    Dwarf_Off open[MAX_NESTING + 2]; /* the types being looked into */
    int nopen;
    bool hit_open;                   /* an answer depended on an open type */
} holds_query;

static bool holds_map(holds_query *q, Dwarf_Die *type);

static bool inner_holds(holds_query *q, Dwarf_Die *die, unsigned attr)
{
    Dwarf_Die inner;
    return gmv_die_ref(die, attr, &inner) && gmv_die_described(&inner) && holds_map(q, &inner);
}

static bool compute_holds(holds_query *q, Dwarf_Die *type)
{
    Dwarf_Die m, next;
    Dwarf_Off map_die = 0;
    const char *name = NULL;
    if (gmv_dwarf_is_map(q->f->bin, dwarf_dieoffset(type), &map_die, &name))
        return true;
    switch (gmv_dwarf_go_kind(type)) {
    case GMV_GO_KIND_POINTER:
    case GMV_GO_KIND_ARRAY: return inner_holds(q, type, DW_AT_type);
    case GMV_GO_KIND_SLICE: return inner_holds(q, type, GMV_DW_AT_GO_ELEM);
    case GMV_GO_KIND_FUNC: return q->f->src != NULL; /* a closure may have captured one */
    case GMV_GO_KIND_STRUCT:
        for (int more = dwarf_child(type, &m); more == 0; more = dwarf_siblingof(&m, &next), m = next)
            if (dwarf_tag(&m) == DW_TAG_member && inner_holds(q, &m, DW_AT_type))
                return true;
        return false;
    default: return false;
    }
}

static bool holds_map(holds_query *q, Dwarf_Die *type)
{
    finder *f = q->f;
    uint64_t key = dwarf_dieoffset(type) + 1;
    if (gmv_addrset_contains(&f->holds, key))
        return true;
    if (gmv_addrset_contains(&f->holds_not, key))
        return false;
    for (int i = 0; i < q->nopen; i++)
        if (q->open[i] == key) {
            q->hit_open = true;
            return false;
        }
    if (q->nopen > MAX_NESTING) {
        q->hit_open = true;
        return false;
    }
    q->open[q->nopen++] = key;
    bool before = q->hit_open;
    q->hit_open = false;
    bool yes = compute_holds(q, type);
    q->nopen--;
    if (yes)
        gmv_addrset_add(&f->holds, key);
    else if (!q->hit_open)
        gmv_addrset_add(&f->holds_not, key);
    q->hit_open = before || (q->hit_open && !yes);
    return yes;
}

/* True when values of `type` can hold a map: the rest is not walked. */
static bool may_hold_map(finder *f, Dwarf_Die *type)
{
    holds_query q = {.f = f};
    return holds_map(&q, type);
}

/* The value a pointer at `addr` points to, of the type `pointer` points
 * to; `depth`: pointers still to follow after this one. */
static void walk_target(finder *f, uint64_t addr, Dwarf_Die *pointer, unsigned depth, int nesting)
{
    uint64_t target = 0;
    Dwarf_Die inner;
    if (!gmv_die_ref(pointer, DW_AT_type, &inner) || !gmv_die_described(&inner) || !may_hold_map(f, &inner) ||
        !read_word(f, addr, &target) || target == 0)
        return;
    if (gmv_addrset_add(&f->seen, target) != 1)
        return; /* walked before (or out of memory): once is enough */
    walk(f, target, &inner, depth, nesting + 1);
}

/* A func value at `addr`: a closure's captured variables, as fields (one
 * captured by reference through its pointer, as Go code reads it). */
static void walk_closure(finder *f, uint64_t addr, unsigned depth, int nesting)
{
    uint64_t funcval = 0, code = 0;
    if (!read_word(f, addr, &funcval) || funcval == 0 || gmv_addrset_add(&f->seen, funcval) != 1 ||
        !read_word(f, funcval, &code))
        return;
    gmv_capture captures[MAX_CAPTURES];
    size_t n = gmv_dwarf_closure_captures(f->bin, code - f->bias, captures, MAX_CAPTURES);
    for (size_t i = 0; i < n && !f->rc; i++) {
        gmv_capture *c = &captures[i];
        if (!gmv_die_described(&c->type) || !may_hold_map(f, &c->type))
            continue;
        size_t cut = push(f, ".%s", c->name);
        if (c->by_reference)
            walk_target(f, funcval + c->offset, &c->type, depth, nesting);
        else
            walk(f, funcval + c->offset, &c->type, depth, nesting + 1);
        f->path[cut] = '\0';
    }
}

static void walk(finder *f, uint64_t addr, Dwarf_Die *type, unsigned depth, int nesting)
{
    Dwarf_Off map_die = 0;
    const char *map_name = NULL;
    Dwarf_Die inner;
    if (f->rc || nesting > MAX_NESTING || ++f->places > MAX_PLACES)
        return;
    if (gmv_dwarf_is_map(f->bin, dwarf_dieoffset(type), &map_die, &map_name)) {
        found_map(f, addr, map_die, map_name);
        return;
    }
    switch (gmv_dwarf_go_kind(type)) {
    case GMV_GO_KIND_STRUCT:
        walk_struct(f, addr, type, depth, nesting);
        return;
    case GMV_GO_KIND_ARRAY: {
        uint64_t n = 0;
        if (gmv_die_array_length(type, &n) && gmv_die_ref(type, DW_AT_type, &inner) && gmv_die_described(&inner) &&
            may_hold_map(f, &inner))
            walk_elems(f, addr, n, &inner, depth, nesting);
        return;
    }
    case GMV_GO_KIND_SLICE: {
        uint64_t data = 0, len = 0;
        if (gmv_die_ref(type, GMV_DW_AT_GO_ELEM, &inner) && gmv_die_described(&inner) && may_hold_map(f, &inner) &&
            read_word(f, addr, &data) && data && read_word(f, addr + f->bin->ptr_size, &len))
            walk_elems(f, data, len, &inner, depth, nesting);
        return;
    }
    case GMV_GO_KIND_POINTER:
        if (depth > 0)
            walk_target(f, addr, type, depth - 1, nesting);
        return;
    case GMV_GO_KIND_FUNC:
        walk_closure(f, addr, depth, nesting);
        return;
    default:
        return;
    }
}

int gmv_binary_each_map(const gmv_binary *bin, gmv_source *src, uint64_t bias, unsigned depth,
                        gmv_map_visitor visit, void *ctx, uint64_t *found)
{
    if (!bin->dwarf)
        return gmv_fail(GMV_ERR_UNSUPPORTED, "%s has no DWARF (built with -ldflags=-w or stripped), so its "
                        "variables and their types are unknown; list needs a build with DWARF", bin->path);
    finder f = {.bin = bin, .src = src, .bias = bias, .depth = depth, .visit = visit, .ctx = ctx};
    for (size_t i = 0; i < bin->nvars && !f.rc; i++) {
        Dwarf_Die type;
        if (!dwarf_offdie(bin->dwarf, bin->vars[i].type, &type) || !gmv_die_described(&type) ||
            !may_hold_map(&f, &type))
            continue;
        snprintf(f.path, sizeof f.path, "%s", bin->vars[i].name);
        walk(&f, bin->vars[i].addr + bias, &type, depth, 0);
    }
    gmv_addrset_release(&f.seen);
    gmv_addrset_release(&f.holds);
    gmv_addrset_release(&f.holds_not);
    if (found)
        *found = f.maps;
    return f.rc;
}
