/* The classic map's summary lines: header fields, occupancy, chains, grow. */
#include <inttypes.h>

#include "render/render_impl.h"

/* Prints the flag names of `flags` ("iterator|sameSizeGrow", or "none"). */
static void print_flags(FILE *out, uint8_t flags)
{
    static const char *const names[] = {"iterator", "oldIterator", "hashWriting", "sameSizeGrow"};
    const char *sep = "";
    if (flags == 0)
        fputs("none", out);
    for (int bit = 0; bit < 8; bit++) {
        if (!(flags & (1u << bit)))
            continue;
        if (bit < 4)
            fprintf(out, "%s%s", sep, names[bit]);
        else
            fprintf(out, "%s0x%x", sep, 1u << bit);
        sep = "|";
    }
}

/* "count 200, B 6 (64 buckets of 208 bytes), flags none, noverflow 0, hash0 0x..." */
static void print_fields(FILE *out, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    fprintf(out, "count %" PRIu64 ", B %u (%" PRIu64 " buckets of %u bytes), flags ", h->count, h->B,
            gmv_model_stats(m)->buckets, gmv_model_layout(m)->bucket_size);
    print_flags(out, h->flags);
    fprintf(out, ", noverflow %u, hash0 0x%08x\n", h->noverflow, h->hash0);
}

static void print_occupancy(FILE *out, const gmv_model *m)
{
    const gmv_stats *s = gmv_model_stats(m);
    fprintf(out, "load factor %.2f (the runtime grows past 6.5), %" PRIu64 " live entries, %" PRIu64
                 " empty cells (%" PRIu64 " deleted)\n",
            s->load_factor, s->live_entries, s->empty_cells, s->deleted_cells);
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
