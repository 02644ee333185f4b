/* A short human summary of a model: its title and anomalies here, its
 * implementation's lines from render_impl_of(). */
#include <inttypes.h>

#include "common/error.h"
#include "gomapviz/render.h"
#include "render/render_impl.h"

static void print_header(FILE *out, const gmv_model *m, const gmv_origin *o)
{
    const gmv_header *h = gmv_model_header(m);
    const gmv_layout *l = gmv_model_layout(m);
    fprintf(out, "%s %s at 0x%" PRIx64 " (%s, %u-bit, %s)\n", o && o->variable[0] ? o->variable : "map",
            l->map_type, h->address, l->go_version[0] ? l->go_version : "Go version unknown", l->ptr_size * 8,
            l->impl == GMV_IMPL_SWISS ? "Swiss tables" : "classic map");
    if (h->nil)
        fputs("nil map: no header, no buckets\n", out);
}

static void print_anomalies(FILE *out, const gmv_model *m)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(m, &n);
    if (n == 0) {
        fputs("no anomalies\n", out);
        return;
    }
    fprintf(out, "%zu anomalies:\n", n + (size_t)gmv_model_anomalies_dropped(m));
    for (size_t i = 0; i < n && i < 10; i++)
        fprintf(out, "  %s: %s\n", a[i].kind, a[i].message);
    if (n > 10)
        fprintf(out, "  ... (gomapviz dump lists them all)\n");
}

/* What the map holds on the Go heap, by kind and by use (gmv_model_memory). */
static void print_memory(FILE *out, const gmv_model *m)
{
    gmv_map_memory mem;
    gmv_model_memory(m, &mem);
    fprintf(out, "heap: %" PRIu64 " bytes held, as allocated: header %" PRIu64, mem.total, mem.header);
    if (gmv_model_implementation(m) == GMV_IMPL_SWISS)
        fprintf(out, ", directory %" PRIu64 ", tables %" PRIu64 ", groups %" PRIu64, mem.directory, mem.tables,
                mem.arrays);
    else
        fprintf(out, ", buckets %" PRIu64 ", overflow %" PRIu64 ", old buckets %" PRIu64 ", mapextra %" PRIu64,
                mem.arrays, mem.overflow, mem.old_arrays, mem.extra);
    fprintf(out, ", indirect keys and values %" PRIu64, mem.indirect);
    if (mem.strings_counted)
        fprintf(out, ", string bytes %" PRIu64 "\n", mem.strings);
    else /* literals cannot be told from heap strings */
        fputs(", string bytes not counted (a snapshot from before gomapviz counted them, or no DWARF)\n", out);
    fprintf(out, "  in use by %" PRIu64 " entr%s: %" PRIu64 "; wasted: %" PRIu64 " (empty cells %" PRIu64
                 ", deleted %" PRIu64,
            mem.live_entries, mem.live_entries == 1 ? "y" : "ies", mem.in_use, mem.wasted, mem.empty, mem.deleted);
    if (gmv_model_implementation(m) == GMV_IMPL_CLASSIC)
        fprintf(out, ", moved in the old array %" PRIu64 ", spare overflow buckets %" PRIu64, mem.old, mem.spare);
    fprintf(out, "); overhead %" PRIu64 " (headers, pointers, padding, size classes)\n", mem.overhead);
    fprintf(out, "  rebuilt with its %" PRIu64 " entr%s (a copy) it would hold %" PRIu64 ": a copy saves %" PRIu64
                 "\n",
            gmv_model_header(m)->count, gmv_model_header(m)->count == 1 ? "y" : "ies", mem.rebuilt, mem.saving);
}

int gmv_render_stats(FILE *out, const gmv_model *m, const gmv_origin *origin)
{
    print_header(out, m, origin);
    if (!gmv_model_header(m)->nil) {
        render_impl_of(m)->stats_lines(out, m);
        print_memory(out, m);
    }
    print_anomalies(out, m);
    if (ferror(out))
        return gmv_fail(GMV_ERR_IO, "cannot write the summary");
    return 0;
}
