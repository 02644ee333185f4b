/* The maps of a program (gomapviz list): a text table or JSON
 * (docs/json-schema.md, "gomapviz list"). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "gomapviz/render.h"
#include "render/json_writer.h"
#include "render/render_impl.h"
#include "render/text.h"

/* `bytes` as a short size: 512 B, 1.5 KiB, 12.0 MiB. */
static void short_size(uint64_t bytes, char *out, size_t size)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        snprintf(out, size, "%" PRIu64 " B", bytes);
        return;
    }
    double v = (double)bytes / 1024;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    snprintf(out, size, "%.1f %s", v, units[u]);
}

static int list_json(FILE *out, const gmv_map_row *rows, size_t n)
{
    jw w;
    uint64_t total = 0;
    jw_init(&w, out, 3);
    jw_object_begin(&w);
    jw_key(&w, "format"); jw_cstring(&w, "gomapviz-list");
    jw_key(&w, "version"); jw_uint(&w, 1);
    jw_key(&w, "maps");
    jw_array_begin(&w);
    for (size_t i = 0; i < n; i++) {
        const gmv_map_row *r = &rows[i];
        jw_object_begin(&w);
        jw_key(&w, "path"); jw_cstring(&w, r->path);
        jw_key(&w, "type"); jw_cstring(&w, r->type);
        jw_key(&w, "implementation"); jw_cstring(&w, gmv_map_impl_name(r->impl));
        if (r->address) { /* read from a process or a core */
            jw_key(&w, "address"); jw_address(&w, r->address);
            jw_key(&w, "count"); jw_uint(&w, r->count);
            render_memory_members(&w, &r->memory);
        }
        jw_object_end(&w);
        total += r->memory.total;
    }
    jw_array_end(&w);
    if (!n || rows[0].address) {
        jw_key(&w, "bytes_held"); jw_uint(&w, total);
    }
    jw_object_end(&w);
    return jw_finish(&w) == 0 ? 0 : gmv_fail(GMV_ERR_IO, "cannot write the list");
}

static int list_text(FILE *out, const gmv_map_row *rows, size_t n)
{
    uint64_t total = 0, wasted_total = 0;
    fprintf(out, "%10s %10s %10s %10s %10s  %-7s %-30s %s\n", "held", "wasted", "saving", "entries", "slots", "impl",
            "type", "path");
    for (size_t i = 0; i < n; i++) {
        const gmv_map_row *r = &rows[i];
        char held[32] = "-", wasted[32] = "-", saving[32] = "-", count[24] = "-", slots[24] = "-";
        if (r->address) {
            short_size(r->memory.total, held, sizeof held);
            short_size(r->memory.wasted, wasted, sizeof wasted);
            short_size(r->memory.saving, saving, sizeof saving);
            snprintf(count, sizeof count, "%" PRIu64, r->count);
            snprintf(slots, sizeof slots, "%" PRIu64, r->memory.capacity);
        }
        fprintf(out, "%10s %10s %10s %10s %10s  %-7s %-30s %s\n", held, wasted, saving, count, slots,
                gmv_map_impl_name(r->impl), r->type, r->path);
        total += r->memory.total;
        wasted_total += r->memory.wasted;
    }
    char held[32], wasted[32];
    short_size(total, held, sizeof held);
    short_size(wasted_total, wasted, sizeof wasted);
    if (n && !rows[0].address)
        fprintf(out, "%zu map%s the executable places (gomapviz list --pid or --core reads what they hold)\n", n,
                gmv_plural(n));
    else
        fprintf(out, "%zu map%s, %s held (%" PRIu64 " bytes), %s of it wasted in empty, deleted and moved cells; "
                     "read from the headers: string bytes are counted by gomapviz stats\n",
                n, gmv_plural(n), held, total, wasted);
    return ferror(out) ? gmv_fail(GMV_ERR_IO, "cannot write the list") : 0;
}

int gmv_render_map_list(FILE *out, const gmv_map_row *rows, size_t n, bool json)
{
    return json ? list_json(out, rows, n) : list_text(out, rows, n);
}
