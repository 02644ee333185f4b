/* The classic map's summary lines: header fields, occupancy, chains, grow. */
#include <inttypes.h>

#include "render/render_impl.h"
#include "render/text.h"


/* "count 200, B 6 (64 buckets of 208 bytes), flags none, noverflow 0, hash0 0x..." */
static void print_fields(FILE *out, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    uint64_t buckets = gmv_model_stats(m)->buckets;
    char flags[96];
    gmv_classic_flag_names(h->flags, flags, sizeof flags);
    fprintf(out, "count %" PRIu64 ", B %u (%" PRIu64 " bucket%s of %u bytes), flags %s, noverflow %u, hash0 0x%08x\n",
            h->count, h->B, buckets, gmv_plural(buckets), gmv_model_layout(m)->bucket_size, flags, h->noverflow,
            h->hash0);
}

static void print_occupancy(FILE *out, const gmv_model *m)
{
    const gmv_stats *s = gmv_model_stats(m);
    fprintf(out, "load factor %.2f (the runtime grows past 6.5), %" PRIu64 " live entr%s, %" PRIu64
                 " empty cell%s (%" PRIu64 " deleted)\n",
            s->load_factor, s->live_entries, s->live_entries == 1 ? "y" : "ies", s->empty_cells,
            gmv_plural(s->empty_cells), s->deleted_cells);
    fprintf(out, "chains: longest %" PRIu64 " bucket%s, average %.2f, %" PRIu64 " overflow buckets, %" PRIu64
                 " spare overflow buckets free\n",
            s->max_chain_length, s->max_chain_length == 1 ? "" : "s", s->average_chain_length, s->overflow_buckets,
            s->spare_overflow_buckets);
    fputs("chain lengths:", out);
    for (int i = 0; i < 9; i++) {
        if (s->chain_length_histogram[i])
            fprintf(out, " %s%d: %" PRIu64, i == 8 ? ">=" : "", i + 1, s->chain_length_histogram[i]);
    }
    fputc('\n', out);
}

static void print_grow(FILE *out, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    const gmv_stats *s = gmv_model_stats(m);
    if (!h->growing)
        return;
    fprintf(out, "growing (%s): %" PRIu64 " of %" PRIu64 " old buckets evacuated, nevacuate %" PRIu64 "\n",
            h->same_size_grow ? "same-size grow" : "doubling grow", s->evacuated_old_buckets, s->old_buckets,
            h->nevacuate);
}

void classic_stats_lines(FILE *out, const gmv_model *m)
{
    print_fields(out, m);
    print_occupancy(out, m);
    print_grow(out, m);
}
