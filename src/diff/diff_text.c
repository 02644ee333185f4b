/* A diff as a human summary. */
#include <inttypes.h>

#include "common/error.h"
#include "diff/diff_impl.h"
#include "render/text.h"

#define MAX_LINES 2000

/* Prints "name a -> b" for a header field that changed. */
static void field(FILE *out, const char *name, uint64_t a, uint64_t b, bool hex, const char **sep)
{
    if (a == b)
        return;
    if (hex)
        fprintf(out, "%s%s 0x%" PRIx64 " -> 0x%" PRIx64, *sep, name, a, b);
    else
        fprintf(out, "%s%s %" PRIu64 " -> %" PRIu64, *sep, name, a, b);
    *sep = ", ";
}

static void print_header(FILE *out, const gmv_diff *d)
{
    const gmv_header *a = gmv_model_header(d->before), *b = gmv_model_header(d->after);
    const char *sep = "header: ";
    field(out, "count", a->count, b->count, false, &sep);
    field(out, "B", a->B, b->B, false, &sep);
    field(out, "flags", a->flags, b->flags, false, &sep);
    field(out, "noverflow", a->noverflow, b->noverflow, false, &sep);
    field(out, "hash0", a->hash0, b->hash0, true, &sep);
    field(out, "buckets", a->buckets, b->buckets, true, &sep);
    field(out, "oldbuckets", a->oldbuckets, b->oldbuckets, true, &sep);
    field(out, "nevacuate", a->nevacuate, b->nevacuate, false, &sep);
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

/* Key text of a change, shortened. */
static void key_text(gmv_text *t, const gmv_diff *d, const gmv_entry *e)
{
    gmv_value_to_text(t, &e->key, gmv_model_layout(d->after)->key.size, 40);
}

/* Value text of an entry of `m`. */
static void value_text(gmv_text *t, const gmv_model *m, const gmv_entry *e)
{
    gmv_value_to_text(t, &e->elem, gmv_model_layout(m)->elem.size, 40);
}

/* "bucket 3 slot 2 (old)". */
static void place_text(gmv_text *t, const gmv_entry *e)
{
    gmv_text_printf(t, "%sbucket %" PRIu64 " slot %u", e->old ? "old " : "", e->bucket, e->slot);
    if (e->overflow_depth)
        gmv_text_printf(t, " (overflow %u)", e->overflow_depth);
}

/* One line for a change: "+ key = value", "- key = value", "~ key: a -> b",
 * "> key: place -> place (X)". */
static void change_line(FILE *out, gmv_text *t, const gmv_diff *d, const gmv_entry_change *c)
{
    gmv_text_clear(t);
    const gmv_entry *e = c->after ? c->after : c->before;
    gmv_text_puts(t, !c->before ? "+ " : !c->after ? "- " : c->value_changed ? "~ " : "> ");
    key_text(t, d, e);
    if (!c->before || !c->after) {
        gmv_text_puts(t, " = ");
        value_text(t, c->after ? d->after : d->before, e);
    } else {
        if (c->value_changed) {
            gmv_text_puts(t, ": ");
            value_text(t, d->before, c->before);
            gmv_text_puts(t, " -> ");
            value_text(t, d->after, c->after);
        }
        if (c->moved) {
            gmv_text_puts(t, c->value_changed ? "; moved " : ": ");
            place_text(t, c->before);
            gmv_text_puts(t, " -> ");
            place_text(t, c->after);
            if (c->destination != GMV_DEST_NONE)
                gmv_text_printf(t, " (%s)", gmv_destination_name(c->destination));
        }
    }
    fprintf(out, "%s\n", t->data ? t->data : "");
}

int gmv_diff_render_text(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after)
{
    gmv_text t = {0};
    const gmv_layout *l = gmv_model_layout(d->after);
    fprintf(out, "diff of %s %s at 0x%" PRIx64 "\n", after && after->variable[0] ? after->variable : "map",
            l->map_type, gmv_model_header(d->after)->address);
    (void)before;
    print_header(out, d);
    grow_state(&t, d->before);
    gmv_text_puts(&t, " -> ");
    grow_state(&t, d->after);
    fprintf(out, "grow: %s\n", t.data);
    gmv_diff_counts c = gmv_diff_count(d);
    fprintf(out, "entries: %" PRIu64 " added, %" PRIu64 " removed, %" PRIu64 " changed, %" PRIu64 " moved (%" PRIu64
                 " to X, %" PRIu64 " to Y, %" PRIu64 " to the same index, %" PRIu64 " elsewhere), %" PRIu64
                 " unchanged\n",
            c.added, c.removed, c.changed, c.moved, c.to_x, c.to_y, c.to_same, c.elsewhere, c.unchanged);
    size_t n, nchains;
    const gmv_entry_change *changes = gmv_diff_changes(d, &n);
    gmv_diff_chain_changes(d, &nchains);
    fprintf(out, "chains: %zu bucket indexes changed length\n", nchains);
    for (size_t i = 0; i < n && i < MAX_LINES; i++)
        change_line(out, &t, d, &changes[i]);
    if (n > MAX_LINES)
        fprintf(out, "... %zu more (the JSON output lists all)\n", n - MAX_LINES);
    gmv_text_free(&t);
    return ferror(out) ? gmv_fail(GMV_ERR_IO, "cannot write the diff") : 0;
}
