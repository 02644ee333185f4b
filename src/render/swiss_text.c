/* A Swiss-table map's summary lines: the Map fields, slots by state, how
 * the tables and the directory are shaped, the bytes held. */
#include <inttypes.h>

#include "render/render_impl.h"
#include "render/text.h"

/* "used 12, seed 0x..., dirLen 4 (globalDepth 2, globalShift 62), ..." */
static void print_fields(FILE *out, const gmv_model *m)
{
    const gmv_swiss_header *h = gmv_model_swiss_header(m);
    fprintf(out, "used %" PRIu64 ", seed 0x%" PRIx64 ", dirPtr 0x%" PRIx64 ", dirLen %" PRIu64
                 " (globalDepth %u, globalShift %u), writing %u",
            h->used, h->seed, h->dir_ptr, h->dir_len, h->global_depth, h->global_shift, h->writing);
    if (h->has_tombstone_possible)
        fprintf(out, ", tombstonePossible %s", h->tombstone_possible ? "true" : "false");
    fprintf(out, ", clearSeq %" PRIu64 "\n", h->clear_seq);
}

/* Slots by state, against the 7/8 at which a table grows. */
static void print_slots(FILE *out, const gmv_model *m)
{
    const gmv_swiss_stats *s = &gmv_model_stats(m)->swiss;
    const gmv_layout *l = gmv_model_layout(m);
    if (gmv_model_small_group(m)) {
        fprintf(out, "small map: one group of 8 slots (%u bytes): %" PRIu64 " full, %" PRIu64
                     " empty; the 9th entry turns it into a table\n",
                l->swiss.group_size, s->full_slots, s->empty_slots);
        return;
    }
    if (s->tables == 0) {
        fputs("no storage yet: the first insert allocates a group\n", out);
        return;
    }
    fprintf(out, "%" PRIu64 " table%s, %" PRIu64 " group%s of %u bytes, %" PRIu64 " slots: %" PRIu64
                 " full (load %.1f%%, a table grows past 87.5%%), %" PRIu64 " empty, %" PRIu64
                 " deleted (tombstones); growth left %" PRIu64 "\n",
            s->tables, gmv_plural(s->tables), s->groups, gmv_plural(s->groups), l->swiss.group_size, s->capacity, s->full_slots,
            s->load_factor * 100, s->empty_slots, s->deleted_slots, s->growth_left);
}

/* "localDepth 1: 2 tables, 2: 2 tables; ..." from a histogram's non-zero slots. */
static void print_histogram(FILE *out, const char *title, const uint64_t *counts, bool powers)
{
    const char *sep = " ";
    fputs(title, out);
    for (int k = 0; k < GMV_DEPTH_SLOTS; k++) {
        if (!counts[k])
            continue;
        fprintf(out, "%s%" PRIu64 ": %" PRIu64, sep, powers ? UINT64_C(1) << (k < 64 ? k : 63) : (uint64_t)k,
                counts[k]);
        sep = ", ";
    }
}

static void print_tables(FILE *out, const gmv_model *m)
{
    const gmv_swiss_stats *s = &gmv_model_stats(m)->swiss;
    if (s->tables) {
        print_histogram(out, "tables by localDepth:", s->tables_by_local_depth, false);
        print_histogram(out, "; by directory entries pointing at them:", s->tables_by_share, true);
        fprintf(out, "; fullest table %.1f%%\n", s->max_table_load * 100);
    }
    fprintf(out, "bytes held: %" PRIu64 " (header, directory, tables, groups, indirect keys and values)\n",
            s->bytes_held);
}

void swiss_stats_lines(FILE *out, const gmv_model *m)
{
    print_fields(out, m);
    print_slots(out, m);
    print_tables(out, m);
}
