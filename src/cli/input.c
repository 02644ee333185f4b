/* Turning the input options into a snapshot: a file, or a fresh capture. */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gomapviz/layout.h"
#include "gomapviz/model.h"
#include "gomapviz/render.h"
#include "gomapviz/source.h"

/* What the last failed cli_load_input says instead of the library's message,
 * because it knows the command line (which pid, whether --exe was given); ""
 * when the library's message stands. */
static char input_message[2048];

const char *cli_failure_message(void)
{
    return input_message[0] ? input_message : gmv_error_last();
}

/* The file process `pid` runs, written into `buf`: its real path when
 * /proc/PID/exe leads to that very file, so that messages name it; else
 * (deleted or replaced since the process started) the /proc link, which
 * still opens the file the process runs. */
static const char *running_executable(long pid, char *buf, size_t size)
{
    char link[64];
    struct stat running, named;
    snprintf(link, sizeof link, "/proc/%ld/exe", pid);
    ssize_t n = readlink(link, buf, size - 1);
    if (n > 0 && (size_t)n < size - 1) {
        buf[n] = '\0';
        if (buf[0] == '/' && stat(link, &running) == 0 && stat(buf, &named) == 0 &&
            running.st_dev == named.st_dev && running.st_ino == named.st_ino)
            return buf;
    }
    snprintf(buf, size, "%s", link);
    return buf;
}

/* The executable to read symbols from: --exe, or the file the target runs. */
static const char *executable_path(const cli_options *o, char *buf, size_t size)
{
    return o->exe ? o->exe : running_executable(o->pid, buf, size);
}

/* True if process `pid` is gone or a zombie (it has exited). */
static bool process_gone(long pid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return true;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *paren = strrchr(text, ')');
    return !paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X';
}

/* The stages of a capture, for the messages that depend on where it failed. */
typedef enum { STAGE_OPEN, STAGE_BINARY, STAGE_CHECK, STAGE_LOCATE, STAGE_CAPTURE } capture_stage;

/* Sets input_message for an executable that is not the target's (stage
 * STAGE_CHECK failed with `rc`): names both files and both build IDs. */
static void explain_exe_mismatch(const cli_options *o, const char *exe, const gmv_build_id_check *id, int rc)
{
    const char *skip = "(--skip-exe-check reads anyway, at the risk of a wrong picture)";
    const char *theirs = id->in_memory[0] ? id->in_memory : "is not there (its memory holds no build ID at that place)";
    if (rc == GMV_ERR_NOT_FOUND && o->core) {
        snprintf(input_message, sizeof input_message,
                 "core file %.300s does not hold the bytes at 0x%" PRIx64 " where %.300s keeps its %.3s build ID, so "
                 "whether it is the program that dumped the core cannot be checked; give the right one to --exe %.80s",
                 o->core, id->address, exe, id->kind, skip);
    } else if (o->core) {
        snprintf(input_message, sizeof input_message,
                 "%.300s is not the executable core file %.300s was dumped from: its %.3s build ID is %.136s, the core's "
                 "%.160s; give --exe the program that dumped the core %.80s",
                 exe, o->core, id->kind, id->in_file, theirs, skip);
    } else {
        char running[PATH_MAX];
        snprintf(input_message, sizeof input_message,
                 "%.300s is not the executable of process %ld, which runs %.300s: the %.3s build ID of %.300s is %.136s, the "
                 "process's %.160s; leave --exe out to read the process's own executable %.80s",
                 exe, o->pid, running_executable(o->pid, running, sizeof running), id->kind, exe, id->in_file, theirs,
                 skip);
    }
}

/* Sets input_message when the command line allows a clearer message than the
 * library's for a capture from a live process that failed with `rc` at
 * `stage`. (For a core file the library's messages say it all.) */
static void explain_failure(const cli_options *o, const char *exe, const gmv_binary *bin, capture_stage stage, int rc)
{
    if (o->core)
        return;
    if (stage == STAGE_OPEN && rc == GMV_ERR_NOT_FOUND) {
        snprintf(input_message, sizeof input_message,
                 "no process with pid %ld; check the pid (pgrep -a NAME lists the running processes)", o->pid);
    } else if (stage != STAGE_OPEN && rc != GMV_ERR_NIL_MAP && process_gone(o->pid)) {
        /* whatever failed (/proc/PID/exe, auxv, a read), the cause is the exit */
        snprintf(input_message, sizeof input_message, "process %ld exited while being read", o->pid);
    } else if (stage == STAGE_BINARY && !o->exe && rc == GMV_ERR_FORMAT &&
               strstr(gmv_error_last(), "not a Go program")) {
        snprintf(input_message, sizeof input_message,
                 "process %ld runs %.300s, which is not a Go program; check the pid (pgrep -a NAME lists the running "
                 "processes), or pass the Go executable with --exe if it was started through another program",
                 o->pid, exe);
    } else if (stage == STAGE_LOCATE && o->var && rc == GMV_ERR_UNSUPPORTED && bin && !gmv_binary_has_dwarf(bin)) {
        /* a build with DWARF made apart has other addresses (the build records its flags), hence the two ways */
        char places[1024], looked[1100] = "";
        gmv_binary_debug_places(bin, o->debug_dir, places, sizeof places);
        if (places[0])
            snprintf(looked, sizeof looked, "; none found at %.1000s", places);
        snprintf(input_message, sizeof input_message,
                 "%.300s has no DWARF (built with -ldflags='-s -w' or -w, or stripped), so %.200s cannot be looked up in "
                 "it: give its DWARF kept apart with --debug-file FILE (objcopy --only-keep-debug%.1000s), run a build "
                 "with DWARF (to ship a small file, strip a copy with strip(1), which keeps the addresses, and give "
                 "the unstripped one to --exe), or pass --addr 0xHMAP --type 'map[K]V' --exe BUILD, with the address "
                 "fmt.Printf(\"%%p\", m) prints and any build of the program with DWARF as BUILD",
                 exe, o->var, looked);
    }
}

#define MAX_HELD_DEPTH 8 /* [KEY] steps of one path */

/* Sets the message of a failure found here; returns `rc`. */
static int say(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(int rc, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(input_message, sizeof input_message, fmt, args);
    va_end(args);
    return rc;
}

/* A map whose values are maps, read (read_held_maps): its entries, keys
 * and values decoded through `types`, and the layout of the maps it holds.
 * free_held_maps frees it, whatever read_held_maps returned. */
typedef struct held_maps {
    gmv_types *types;
    gmv_model *model;
    bool not_maps;            /* read_held_maps failed because its values are no maps */
    const gmv_layout *layout; /* of the maps held (in `types`) */
} held_maps;

static int read_held_maps(const gmv_binary *bin, gmv_source *src, uint64_t bias, const gmv_layout *outer,
                          uint64_t map, held_maps *out)
{
    *out = (held_maps){0};
    out->not_maps = outer->elem.kind != GMV_KIND_POINTER; /* a map value is a pointer: no type table needed */
    if (out->not_maps)
        return GMV_ERR_INVALID;
    int rc = gmv_binary_value_types(bin, outer->map_type, bias, &out->types);
    const gmv_go_type *elem = rc == 0 ? gmv_types_at(out->types, gmv_types_elem(out->types)) : NULL;
    out->not_maps = rc == 0 && !(elem && elem->kind == GMV_GO_MAP && elem->map_layout);
    if (out->not_maps)
        rc = GMV_ERR_INVALID;
    if (rc == 0) {
        out->layout = elem->map_layout;
        rc = gmv_model_build_typed(&out->model, src, outer, out->types, map, NULL, GMV_ENTRIES_KEEP);
    }
    return rc;
}

static void free_held_maps(held_maps *h)
{
    gmv_model_free(h->model);
    gmv_types_free(h->types);
}

/* The map an entry of a held_maps holds as its value, or 0 (nil, or unread). */
static uint64_t held_address(const gmv_entry *e)
{
    const gmv_node *v = e->elem.kind == GMV_KIND_NODE ? e->elem.as.node : NULL;
    return v && v->note == GMV_NODE_OK ? v->address : 0;
}

/* The map held under `key` by the map at `map` (`outer` its layout, `path`
 * its name): into *hmap and *layout. */
static int held_map(const gmv_binary *bin, gmv_source *src, uint64_t bias, const char *path, uint64_t map,
                    const gmv_layout *outer, const char *key, uint64_t *hmap, gmv_layout *layout)
{
    if (map == 0)
        return say(GMV_ERR_NOT_FOUND, "%.400s is a nil map: it holds no key %.400s", path, key);
    held_maps h;
    int rc = read_held_maps(bin, src, bias, outer, map, &h);
    if (h.not_maps)
        rc = say(GMV_ERR_INVALID, "%.400s is a %.300s: its values are no maps, so [%.400s] names none", path,
                 outer->map_type, key);
    if (rc == 0) {
        size_t n = 0, i = 0;
        const gmv_entry *e = gmv_model_entries(h.model, &n);
        while (i < n && !gmv_render_key_matches(&e[i].key, outer->key.size, key))
            i++;
        if (i == n)
            rc = say(GMV_ERR_NOT_FOUND, "%.400s holds no key %.400s (gomapviz list names the maps it holds)", path,
                     key);
        else if (!held_address(&e[i]))
            rc = say(GMV_ERR_NOT_FOUND, "%.400s[%.400s] is a nil map", path, key);
        else {
            *hmap = held_address(&e[i]);
            *layout = *h.layout;
        }
    }
    free_held_maps(&h);
    return rc;
}

/* Finds the map `path` names: a variable, field or element (*var_addr: where
 * the map pointer is; *hmap 0), or, for a path ending in [KEY] as gomapviz
 * list names a map held as a value of another (main.byUser["ann"]), the
 * map itself (*hmap). */
static int locate_path(const gmv_binary *bin, gmv_source *src, uint64_t bias, const char *path, unsigned depth,
                       uint64_t *var_addr, uint64_t *hmap, gmv_layout *layout)
{
    *hmap = 0;
    int rc = gmv_binary_find_map_path(bin, src, bias, path, var_addr, layout);
    size_t len = strlen(path);
    if (rc == 0 || !src || depth >= MAX_HELD_DEPTH || len < 3 || path[len - 1] != ']')
        return rc;
    char why[1024];
    snprintf(why, sizeof why, "%s", gmv_error_last());
    for (size_t i = len - 2; i > 0; i--) {
        if (path[i] != '[')
            continue;
        char *prefix = strndup(path, i), *key = strndup(path + i + 1, len - i - 2);
        uint64_t outer_var = 0, outer_map = 0;
        gmv_layout outer;
        int found = prefix && key ? locate_path(bin, src, bias, prefix, depth + 1, &outer_var, &outer_map, &outer)
                                  : GMV_ERR_NOMEM;
        if (found == 0 && outer_map == 0) {
            uint8_t word[8] = {0};
            uint32_t size = outer.ptr_size <= 8 ? outer.ptr_size : 8;
            found = gmv_source_read_exact(src, outer_var, word, size);
            for (uint32_t b = 0; found == 0 && b < size; b++)
                outer_map |= (uint64_t)word[b] << (8 * b);
        }
        if (found == 0) {
            rc = held_map(bin, src, bias, prefix, outer_map, &outer, key, hmap, layout);
            *var_addr = 0;
            if (rc == 0)
                input_message[0] = '\0'; /* a split tried before may have failed: not this one */
        }
        free(prefix);
        free(key);
        if (found == 0 || found == GMV_ERR_NOMEM)
            return found == 0 ? rc : found;
    }
    return say(rc, "%s", why); /* no [KEY] of a map either: the path's own failure */
}

/* Finds the map: its layout and either the runtime address of the variable
 * (or field, or element) holding it, or the hmap address. `bias` is the PIE
 * load bias; a path through pointers reads `src`. */
static int locate_map(const cli_options *o, const gmv_binary *bin, gmv_source *src, uint64_t bias,
                      gmv_capture_request *req, gmv_layout *layout)
{
    if (o->var) {
        uint64_t addr = 0, held = 0;
        int rc = locate_path(bin, src, bias, o->var, 0, &addr, &held, layout);
        if (rc != 0)
            return rc;
        req->variable_address = addr;
        req->hmap_address = held;
        snprintf(req->origin.variable, sizeof req->origin.variable, "%s", o->var);
        req->origin.variable_address = req->variable_address;
        return 0;
    }
    int rc = gmv_binary_map_layout(bin, o->type, layout);
    req->hmap_address = o->addr;
    return rc;
}

/* Refuses an --addr that holds no plausible header of the map type, and
 * recognises the address of a map variable (what a debugger's `print &m`
 * gives: a pointer to the header). Returns 0 or a negative status with
 * input_message set. */
static int check_map_address(const cli_options *o, gmv_source *src, const gmv_layout *layout)
{
    int rc = gmv_model_probe_header(src, layout, o->addr);
    if (rc != GMV_ERR_INVALID)
        return rc;
    char why[512];
    snprintf(why, sizeof why, "%s", gmv_error_last());
    uint64_t held = 0;
    if (gmv_model_probe_map_pointer(src, layout, o->addr, &held) == 0) {
        snprintf(input_message, sizeof input_message,
                 "0x%" PRIx64 " is the address of a map variable (what print &m gives); the map it holds is at "
                 "0x%" PRIx64 ": use --addr 0x%" PRIx64, o->addr, held, held);
    } else {
        snprintf(input_message, sizeof input_message,
                 "%.400s, for a %.200s; give --addr the map's own address: the value of the map variable, as "
                 "fmt.Printf(\"%%p\", m) or a debugger's print m shows it",
                 why, layout->map_type);
    }
    return rc;
}

/* The load bias of a PIE: where the target's entry point is minus where the
 * executable says it is. 0 for non-PIE executables. */
static int load_bias(gmv_source *src, const gmv_binary *bin, uint64_t *bias)
{
    *bias = 0;
    if (!gmv_binary_is_pie(bin))
        return 0;
    uint64_t entry = 0;
    int rc = gmv_source_entry_point(src, &entry);
    if (rc != 0)
        return rc;
    *bias = entry - gmv_binary_entry(bin);
    return 0;
}

/* Opens the live process or the core named by the options. */
static int open_target(const cli_options *o, const char *exe, gmv_source **src)
{
    if (o->core)
        return gmv_source_open_core(src, o->core, exe);
    gmv_process_options popts = {.no_freeze = o->no_freeze};
    return gmv_source_open_process(src, (int)o->pid, &popts);
}

/* Fills the origin's paths, readable ones rather than /proc links. */
static void describe_origin(const cli_options *o, const char *exe, gmv_origin *origin)
{
    snprintf(origin->kind, sizeof origin->kind, "%s", o->core ? "core" : "process");
    origin->pid = o->core ? 0 : o->pid;
    if (o->core)
        snprintf(origin->core, sizeof origin->core, "%s", o->core);
    char resolved[GMV_ORIGIN_TEXT_MAX];
    ssize_t n = o->exe ? -1 : readlink(exe, resolved, sizeof resolved - 1);
    if (n > 0) {
        resolved[n] = '\0';
        exe = resolved;
    }
    snprintf(origin->executable, sizeof origin->executable, "%.*s", (int)sizeof origin->executable - 1, exe);
}

/* The key and value types of the map for decoding (NULL in *out: shown as
 * bytes, numbers and strings, when the DWARF does not describe them in a
 * way gomapviz reads). Fails only when memory runs out. */
static int value_types(const gmv_binary *bin, const gmv_layout *layout, uint64_t bias, gmv_types **out)
{
    int rc = gmv_binary_value_types(bin, layout->map_type, bias, out);
    return rc == GMV_ERR_NOMEM ? rc : 0;
}

/* Captures from a live process or core file: into *out, or with `path`
 * straight into that file (then *res says what it found). */
/* An opened target: its memory, its executable, the load bias. */
typedef struct target {
    char exe_buf[PATH_MAX];
    const char *exe;
    gmv_source *src;
    gmv_binary *bin;
    uint64_t bias;
    capture_stage stage;
} target;

/* Opens the process or core and its executable, and checks that they go
 * together: when `own_addresses`, every address will come from the
 * executable, which must then be the target's own (with --addr --type on a
 * live process it only describes the map type, and any build of the
 * program with DWARF does: the way to read a -s -w build, docs/errors.md);
 * a core takes the bytes it lacks from it, so for a core it must always be
 * the one. */
static int open_checked(const cli_options *o, bool own_addresses, target *t)
{
    gmv_build_id_check id;
    t->exe = executable_path(o, t->exe_buf, sizeof t->exe_buf);
    t->stage = STAGE_OPEN;
    int rc = open_target(o, t->exe, &t->src);
    if (rc == 0) {
        t->stage = STAGE_BINARY;
        rc = gmv_binary_open_with_debug(&t->bin, t->exe, o->debug_file, o->debug_dir);
    }
    if (rc == 0) {
        t->stage = STAGE_CHECK;
        rc = load_bias(t->src, t->bin, &t->bias);
    }
    if (rc == 0 && !o->skip_exe_check && (own_addresses || o->core)) {
        rc = gmv_binary_check_build_id(t->bin, t->src, t->bias, &id);
        if (rc == GMV_ERR_NOT_FOUND && !o->core)
            rc = GMV_ERR_MISMATCH; /* a live process holds all its text: the note is not this program's */
        if (rc == GMV_ERR_MISMATCH || rc == GMV_ERR_NOT_FOUND)
            explain_exe_mismatch(o, t->exe, &id, rc);
    }
    return rc;
}

/* Explains a failure at the target's stage (unless explained), closes it. */
static int close_target(const cli_options *o, target *t, int rc)
{
    if (rc != 0 && !input_message[0])
        explain_failure(o, t->exe, t->bin, t->stage, rc);
    gmv_binary_free(t->bin);
    gmv_source_free(t->src);
    return rc;
}

static int capture_target(const cli_options *o, gmv_snapshot **out, const char *path, cli_capture_result *res)
{
    target t = {0};
    gmv_layout layout;
    gmv_capture_request req = {.layout = &layout, .limits = o->limits};
    int rc = open_checked(o, o->var != NULL, &t);
    if (rc == 0) {
        t.stage = STAGE_LOCATE;
        rc = locate_map(o, t.bin, t.src, t.bias, &req, &layout);
    }
    if (rc == 0 && o->has_addr)
        rc = check_map_address(o, t.src, &layout);
    if (rc == 0)
        rc = value_types(t.bin, &layout, t.bias, &req.types);
    if (rc == 0) {
        t.stage = STAGE_CAPTURE;
        describe_origin(o, t.exe, &req.origin);
        if (path) {
            snprintf(res->map_type, sizeof res->map_type, "%s", layout.map_type);
            rc = gmv_snapshot_capture_to_file(path, t.src, &req, o->allow_nil, &res->summary, &res->bytes);
        } else {
            rc = gmv_snapshot_capture(out, t.src, &req, o->allow_nil);
        }
    }
    gmv_types_free(req.types);
    return close_target(o, &t, rc);
}

/* What cli_list_maps gathers as it finds the maps. */
typedef struct list_gather {
    gmv_source *src;
    const gmv_binary *bin;
    uint64_t bias;
    cli_map_list *list;
} list_gather;

static int add_row(list_gather *g, const gmv_map_place *place);

/* The maps a map holds as its values (map[string]map[string]int): each
 * listed as PATH[KEY]. Reads the outer map's entries. */
static int gather_held_maps(list_gather *g, const gmv_map_place *place)
{
    held_maps h;
    int rc = 0;
    if (read_held_maps(g->bin, g->src, g->bias, place->layout, place->map, &h) == 0) {
        size_t n = 0;
        const gmv_entry *e = gmv_model_entries(h.model, &n);
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (!held_address(&e[i]))
                continue;
            char key[256], path[1024];
            gmv_render_value_text(&e[i].key, place->layout->key.size, key, sizeof key);
            snprintf(path, sizeof path, "%s[%s]", place->path, key);
            gmv_map_place held = {.path = path, .address = 0, .map = held_address(&e[i]), .layout = h.layout};
            rc = add_row(g, &held);
        }
    }
    free_held_maps(&h);
    return rc;
}

/* gmv_binary_each_map visitor: lists the map and the maps it holds as values
 * (with memory to read). */
static int gather_map(void *ctx, const gmv_map_place *place)
{
    list_gather *g = ctx;
    int rc = add_row(g, place);
    return rc || !g->src ? rc : gather_held_maps(g, place);
}

/* Reads the map's header (and a Swiss map's tables) and adds its row. */
static int add_row(list_gather *g, const gmv_map_place *place)
{
    cli_map_list *l = g->list;
    gmv_model *m = NULL;
    if (g->src && gmv_model_build_with(&m, g->src, place->layout, place->map, NULL, GMV_HEADERS_ONLY) != 0)
        return 0; /* an unreadable header: not listed */
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        gmv_map_row *grown = realloc(l->rows, cap * sizeof *grown);
        if (!grown) {
            gmv_model_free(m);
            return GMV_ERR_NOMEM;
        }
        l->rows = grown;
        l->cap = cap;
    }
    gmv_map_row *r = &l->rows[l->n];
    *r = (gmv_map_row){.path = strdup(place->path), .type = strdup(place->layout->map_type),
                       .impl = place->layout->impl, .address = place->map, .count = m ? gmv_model_header(m)->count : 0};
    if (m)
        gmv_model_memory(m, &r->memory);
    gmv_model_free(m);
    if (!r->path || !r->type) {
        free((void *)r->path);
        free((void *)r->type);
        return GMV_ERR_NOMEM;
    }
    l->n++;
    return 0;
}

/* list on an executable alone: the maps it places, without their memory. */
static int list_executable(const cli_options *o, unsigned depth, cli_map_list *out)
{
    gmv_binary *bin = NULL;
    int rc = gmv_binary_open_with_debug(&bin, o->snapshot, o->debug_file, o->debug_dir);
    if (rc == GMV_ERR_FORMAT)
        snprintf(input_message, sizeof input_message,
                 "%s is not a Go executable: gomapviz list reads a live process (--pid PID), a core "
                 "(--core CORE --exe PATH) or a Go executable", o->snapshot);
    if (rc == 0) {
        list_gather g = {.bin = bin, .list = out};
        rc = gmv_binary_each_map(bin, NULL, 0, depth, gather_map, &g, NULL);
    }
    if (rc == GMV_ERR_NOMEM)
        snprintf(input_message, sizeof input_message, "out of memory listing the maps");
    gmv_binary_free(bin);
    return rc;
}

int cli_list_maps(const cli_options *o, unsigned depth, cli_map_list *out)
{
    input_message[0] = '\0';
    *out = (cli_map_list){0};
    if (o->snapshot)
        return list_executable(o, depth, out);
    target t = {0};
    int rc = open_checked(o, true, &t);
    if (rc == 0) {
        t.stage = STAGE_LOCATE;
        rc = gmv_source_freeze(t.src);
    }
    if (rc == 0) {
        list_gather g = {.src = t.src, .bin = t.bin, .bias = t.bias, .list = out};
        rc = gmv_binary_each_map(t.bin, t.src, t.bias, depth, gather_map, &g, NULL);
        gmv_source_thaw(t.src);
    }
    if (rc == GMV_ERR_NOMEM)
        snprintf(input_message, sizeof input_message, "out of memory listing the maps");
    return close_target(o, &t, rc);
}

void cli_map_list_free(cli_map_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free((void *)list->rows[i].path);
        free((void *)list->rows[i].type);
    }
    free(list->rows);
    *list = (cli_map_list){0};
}

int cli_read_snapshot(const char *path, gmv_snapshot **out)
{
    input_message[0] = '\0';
    int rc = gmv_snapshot_read_file(out, path); /* "-" reads standard input */
    if (rc == GMV_ERR_NOT_FOUND)
        snprintf(input_message, sizeof input_message,
                 "no snapshot file %s; check the path (gomapviz capture ... -o FILE.gmvs writes one)", path);
    return rc;
}

int cli_load_input(const cli_options *o, gmv_snapshot **out)
{
    input_message[0] = '\0';
    if (!o->snapshot)
        return capture_target(o, out, NULL, NULL);
    return cli_read_snapshot(o->snapshot, out);
}

int cli_capture_to_file(const cli_options *o, const char *path, cli_capture_result *out)
{
    input_message[0] = '\0';
    *out = (cli_capture_result){0};
    return capture_target(o, NULL, path, out);
}
