/* Turning the input options into a snapshot: a file, or a fresh capture. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gomapviz/layout.h"
#include "gomapviz/source.h"

/* The executable to read symbols from: --exe, or the target's own. */
static const char *executable_path(const cli_options *o, char *buf, size_t size)
{
    if (o->exe)
        return o->exe;
    snprintf(buf, size, "/proc/%ld/exe", o->pid);
    return buf;
}

/* Finds the map: its layout and either the variable's runtime address or the
 * hmap address. `bias` is the PIE load bias. */
static int locate_map(const cli_options *o, const gmv_binary *bin, uint64_t bias, gmv_capture_request *req,
                      gmv_layout *layout)
{
    if (o->var) {
        uint64_t link_addr = 0;
        int rc = gmv_binary_find_map_variable(bin, o->var, &link_addr, layout);
        if (rc != 0)
            return rc;
        req->variable_address = link_addr + bias;
        snprintf(req->origin.variable, sizeof req->origin.variable, "%s", o->var);
        req->origin.variable_address = req->variable_address;
        return 0;
    }
    int rc = gmv_binary_map_layout(bin, o->type, layout);
    req->hmap_address = o->addr;
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
    snprintf(origin->executable, sizeof origin->executable, "%s", exe);
}

/* Captures from a live process or core file. */
static int capture_target(const cli_options *o, gmv_snapshot **out)
{
    char proc_exe[64];
    const char *exe = executable_path(o, proc_exe, sizeof proc_exe);
    gmv_source *src = NULL;
    gmv_binary *bin = NULL;
    gmv_layout layout;
    gmv_capture_request req = {.layout = &layout, .limits = o->limits};
    uint64_t bias = 0;
    int rc = open_target(o, exe, &src);
    if (rc == 0)
        rc = gmv_binary_open(&bin, exe);
    if (rc == 0)
        rc = load_bias(src, bin, &bias);
    if (rc == 0)
        rc = locate_map(o, bin, bias, &req, &layout);
    if (rc == 0) {
        describe_origin(o, exe, &req.origin);
        rc = gmv_snapshot_capture(out, src, &req, o->allow_nil);
    }
    gmv_binary_free(bin);
    gmv_source_free(src);
    return rc;
}

int cli_load_input(const cli_options *o, gmv_snapshot **out)
{
    if (o->snapshot)
        return gmv_snapshot_read_file(out, o->snapshot);
    return capture_target(o, out);
}
