/* What a diff of two classic maps compares and writes beyond the entries:
 * the X/Y half of a doubling grow each moved entry went to, chain lengths,
 * evacuation progress. */
#include <inttypes.h>
#include <stdlib.h>

#include "diff/diff_impl.h"

/* The array an entry lives in. */
static const gmv_array *array_of(const gmv_model *m, const gmv_entry *e)
{
    return e->old ? gmv_model_oldbuckets(m) : gmv_model_buckets(m);
}

/* Judged by the sizes of the arrays it left and entered: a doubling grow
 * sends bucket i to i (X) or i + old size (Y). */
gmv_destination classic_diff_destination(const gmv_diff *d, const gmv_entry *from, const gmv_entry *to)
{
    const gmv_array *a = array_of(d->before, from), *b = array_of(d->after, to);
    if (!a || !b || a->address == b->address)
        return GMV_DEST_NONE;
    if (b->nbuckets == 2 * a->nbuckets) {
        if (to->bucket == from->bucket)
            return GMV_DEST_X;
        if (to->bucket == from->bucket + a->nbuckets)
            return GMV_DEST_Y;
        return GMV_DEST_ELSEWHERE;
    }
    if (b->nbuckets == a->nbuckets)
        return to->bucket == from->bucket ? GMV_DEST_SAME : GMV_DEST_ELSEWHERE;
    return GMV_DEST_ELSEWHERE;
}

/* Records every bucket index whose chain length differs between the two
 * current arrays. */
int classic_diff_compare_structure(gmv_diff *d)
{
    const gmv_array *a = gmv_model_buckets(d->before), *b = gmv_model_buckets(d->after);
    size_t n = a->nchains > b->nchains ? a->nchains : b->nchains;
    d->chains = malloc((n ? n : 1) * sizeof *d->chains);
    if (!d->chains)
        return GMV_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        uint64_t before = i < a->nchains ? a->chains[i].length : 0;
        uint64_t after = i < b->nchains ? b->chains[i].length : 0;
        if (before != after)
            d->chains[d->nchains++] = (gmv_chain_change){.bucket = i, .before = before, .after = after};
    }
    return 0;
}

/* ---- text ---- */

static void print_header(FILE *out, const gmv_diff *d)
{
    const gmv_header *a = gmv_model_header(d->before), *b = gmv_model_header(d->after);
    const char *sep = "header: ";
    diff_text_field(out, "count", a->count, b->count, false, &sep);
    diff_text_field(out, "B", a->B, b->B, false, &sep);
    diff_text_field(out, "flags", a->flags, b->flags, false, &sep);
    diff_text_field(out, "noverflow", a->noverflow, b->noverflow, false, &sep);
    diff_text_field(out, "hash0", a->hash0, b->hash0, true, &sep);
    diff_text_field(out, "buckets", a->buckets, b->buckets, true, &sep);
    diff_text_field(out, "oldbuckets", a->oldbuckets, b->oldbuckets, true, &sep);
    diff_text_field(out, "nevacuate", a->nevacuate, b->nevacuate, false, &sep);
    fputs(sep[0] == 'h' ? "header: unchanged\n" : "\n", out);
}

/* "not growing", or "doubling grow, 3 of 32 old buckets evacuated". */
static void grow_state(gmv_text *t, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    const gmv_stats *s = gmv_model_stats(m);
    if (!h->growing) {
        gmv_text_puts(t, "not growing");
        return;
    }
    gmv_text_printf(t, "%s, %" PRIu64 " of %" PRIu64 " old buckets evacuated", h->same_size_grow ? "same-size grow"
                    : "doubling grow", s->evacuated_old_buckets, s->old_buckets);
}

void classic_diff_text_summary(FILE *out, const gmv_diff *d, gmv_text *t)
{
    print_header(out, d);
    gmv_text_clear(t);
    grow_state(t, d->before);
    gmv_text_puts(t, " -> ");
    grow_state(t, d->after);
    fprintf(out, "grow: %s\n", t->data ? t->data : "");
    gmv_diff_counts c = gmv_diff_count(d);
    fprintf(out, "entries: %" PRIu64 " added, %" PRIu64 " removed, %" PRIu64 " changed, %" PRIu64 " moved (%" PRIu64
                 " to X, %" PRIu64 " to Y, %" PRIu64 " to the same index, %" PRIu64 " elsewhere), %" PRIu64
                 " unchanged\n",
            c.added, c.removed, c.changed, c.moved, c.to_x, c.to_y, c.to_same, c.elsewhere, c.unchanged);
    fprintf(out, "chains: %zu bucket indexes changed length\n", d->nchains);
}

/* "bucket 3 slot 2 (old)". */
void classic_diff_text_place(gmv_text *t, const gmv_model *m, const gmv_entry *e)
{
    (void)m;
    gmv_text_printf(t, "%sbucket %" PRIu64 " slot %u", e->old ? "old " : "", e->bucket, e->slot);
    if (e->overflow_depth)
        gmv_text_printf(t, " (overflow %u)", e->overflow_depth);
}

/* ---- JSON ---- */

/* {"bucket", "slot", "overflow_depth", "old"} of an entry. */
void classic_diff_json_place(jw *w, const gmv_entry *e)
{
    jw_object_begin(w);
    jw_key(w, "bucket"); jw_uint(w, e->bucket);
    jw_key(w, "slot"); jw_uint(w, e->slot);
    jw_key(w, "overflow_depth"); jw_uint(w, e->overflow_depth);
    jw_key(w, "old"); jw_bool(w, e->old);
    jw_object_end(w);
}

/* {"growing", "same_size_grow", "old_buckets", "evacuated", "nevacuate"}. */
static void write_evacuation(jw *w, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    const gmv_stats *s = gmv_model_stats(m);
    jw_object_begin(w);
    jw_key(w, "growing"); jw_bool(w, h->growing);
    jw_key(w, "same_size_grow"); jw_bool(w, h->same_size_grow);
    jw_key(w, "old_buckets"); jw_uint(w, s->old_buckets);
    jw_key(w, "evacuated"); jw_uint(w, s->evacuated_old_buckets);
    jw_key(w, "nevacuate"); jw_uint(w, h->nevacuate);
    jw_object_end(w);
}

void classic_diff_json_counts(jw *w, const gmv_diff *d)
{
    gmv_diff_counts c = gmv_diff_count(d);
    jw_key(w, "to_x"); jw_uint(w, c.to_x);
    jw_key(w, "to_y"); jw_uint(w, c.to_y);
    jw_key(w, "to_same"); jw_uint(w, c.to_same);
    jw_key(w, "elsewhere"); jw_uint(w, c.elsewhere);
}

void classic_diff_json_structure(jw *w, const gmv_diff *d)
{
    jw_key(w, "evacuation");
    jw_object_begin(w);
    jw_key(w, "before"); write_evacuation(w, d->before);
    jw_key(w, "after"); write_evacuation(w, d->after);
    jw_object_end(w);
    jw_key(w, "chains");
    jw_array_begin(w);
    for (size_t i = 0; i < d->nchains; i++) {
        jw_object_begin(w);
        jw_key(w, "bucket"); jw_uint(w, d->chains[i].bucket);
        jw_key(w, "before"); jw_uint(w, d->chains[i].before);
        jw_key(w, "after"); jw_uint(w, d->chains[i].after);
        jw_object_end(w);
    }
    jw_array_end(w);
}
