/* A diff as a human summary: the title and a line per change here, the
 * implementation's summary lines and places from diff_impl_of(). */
#include <inttypes.h>

#include "common/error.h"
#include "diff/diff_impl.h"
#include "render/text.h"

#define MAX_LINES 2000

void diff_text_field(FILE *out, const char *name, uint64_t a, uint64_t b, bool hex, const char **sep)
{
    if (a == b)
        return;
    if (hex)
        fprintf(out, "%s%s 0x%" PRIx64 " -> 0x%" PRIx64, *sep, name, a, b);
    else
        fprintf(out, "%s%s %" PRIu64 " -> %" PRIu64, *sep, name, a, b);
    *sep = ", ";
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
            diff_impl_of(d)->text_place(t, d->before, c->before);
            gmv_text_puts(t, " -> ");
            diff_impl_of(d)->text_place(t, d->after, c->after);
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
    diff_impl_of(d)->text_summary(out, d, &t);
    size_t n;
    const gmv_entry_change *changes = gmv_diff_changes(d, &n);
    for (size_t i = 0; i < n && i < MAX_LINES; i++)
        change_line(out, &t, d, &changes[i]);
    if (n > MAX_LINES)
        fprintf(out, "... %zu more (the JSON output lists all)\n", n - MAX_LINES);
    gmv_text_free(&t);
    return ferror(out) ? gmv_fail(GMV_ERR_IO, "cannot write the diff") : 0;
}
