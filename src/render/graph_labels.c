/* HTML-like labels of the diagram: header, buckets, summary, legend, notes.
 * Every text from map memory goes through gmv_text_append_html. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "render/graph_impl.h"

#define COLOR_HEAD "#3b4a6b"
#define COLOR_BUCKET_HEAD "#e6e9f0"
#define COLOR_OLD_HEAD "#f0e6d8"
#define COLOR_ANOMALY "#d62728"
#define COLOR_FOCUS_KEY "#fff1a8" /* the key --key asked for */

/* Background colour and short word for a cell state. */
static const char *state_color(gmv_cell_state s)
{
    switch (s) {
    case GMV_CELL_LIVE: return "#b7e4b0";
    case GMV_CELL_EMPTY_ONE: return "#d9d9d9";
    case GMV_CELL_EMPTY_REST: return "#ffffff";
    case GMV_CELL_EVACUATED_X: return "#a6cbf0";
    case GMV_CELL_EVACUATED_Y: return "#d4b8ec";
    default: return "#e4eef7";
    }
}

static const char *state_word(gmv_cell_state s)
{
    switch (s) {
    case GMV_CELL_LIVE: return "";
    case GMV_CELL_EMPTY_ONE: return " empty";
    case GMV_CELL_EMPTY_REST: return " rest";
    case GMV_CELL_EVACUATED_X: return " \xe2\x86\x92X";
    case GMV_CELL_EVACUATED_Y: return " \xe2\x86\x92Y";
    default: return " evac";
    }
}

/* Appends escaped plain text to the label. */
static void put_text(graph_ctx *ctx, const char *s)
{
    gmv_text_append_html(&ctx->html, s);
}

/* Appends one "name | value" row of the header table. */
static void header_row(graph_ctx *ctx, const char *name, const char *port, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void header_row(graph_ctx *ctx, const char *name, const char *port, const char *fmt, ...)
{
    char value[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(value, sizeof value, fmt, args);
    va_end(args);
    gmv_text_printf(&ctx->html, "<TR><TD ALIGN=\"LEFT\">%s</TD><TD ALIGN=\"LEFT\"%s%s%s>", name,
                    port ? " PORT=\"" : "", port ? port : "", port ? "\"" : "");
    put_text(ctx, value);
    gmv_text_puts(&ctx->html, "</TD></TR>");
}


void label_header(graph_ctx *ctx)
{
    const gmv_header *h = gmv_model_header(ctx->model);
    const gmv_stats *s = gmv_model_stats(ctx->model);
    char flags[64];
    gmv_classic_flag_names(h->flags, flags, sizeof flags);
    gmv_text_clear(&ctx->html);
    gmv_text_printf(&ctx->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
                                "<TR><TD COLSPAN=\"2\" BGCOLOR=\"%s\"><FONT COLOR=\"white\"><B>hmap</B> ",
                    COLOR_HEAD);
    put_text(ctx, gmv_model_layout(ctx->model)->map_type);
    gmv_text_puts(&ctx->html, "</FONT></TD></TR>");
    header_row(ctx, "address", NULL, "0x%" PRIx64, h->address);
    if (h->nil) {
        header_row(ctx, "nil map", NULL, "no header, no buckets");
        gmv_text_puts(&ctx->html, "</TABLE>");
        return;
    }
    header_row(ctx, "count", NULL, "%" PRIu64, h->count);
    header_row(ctx, "B", NULL, "%u (%" PRIu64 " bucket%s)", h->B, s->buckets, gmv_plural(s->buckets));
    header_row(ctx, "load factor", NULL, "%.2f (grows past 6.5)", s->load_factor);
    header_row(ctx, "flags", NULL, "%s", flags);
    header_row(ctx, "noverflow", NULL, "%u", h->noverflow);
    header_row(ctx, "hash0", NULL, "0x%08x", h->hash0);
    header_row(ctx, "buckets", "buckets", "0x%" PRIx64, h->buckets);
    char old[24] = "nil";
    if (h->oldbuckets)
        snprintf(old, sizeof old, "0x%" PRIx64, h->oldbuckets);
    header_row(ctx, "oldbuckets", "oldbuckets", "%s", old);
    header_row(ctx, "nevacuate", NULL, "%" PRIu64, h->nevacuate);
    header_row(ctx, "extra.nextOverflow", "extra", "0x%" PRIx64, h->next_overflow);
    gmv_text_puts(&ctx->html, "</TABLE>");
}

/* The heading row of a bucket table. */
static void bucket_heading(graph_ctx *ctx, const array_view *view, const gmv_chain *c, const gmv_bucket *b,
                           int columns)
{
    const char *where = view->old ? "old bucket" : "bucket";
    char link[96] = "";
    if (ctx->opt.page_links)
        snprintf(link, sizeof link, " HREF=\"#%s=%" PRIu64 "\" TOOLTIP=\"open this bucket\"",
                 view->old ? "oldbucket" : "bucket", c->index);
    gmv_text_printf(&ctx->html, "<TR><TD COLSPAN=\"%d\" BGCOLOR=\"%s\"%s><B>%s %" PRIu64 "</B>", columns,
                    view->old ? COLOR_OLD_HEAD : COLOR_BUCKET_HEAD, link, where, c->index);
    if (b->depth > 0)
        gmv_text_printf(&ctx->html, " \xc2\xb7 overflow %u", b->depth);
    if (view->old && b->depth == 0)
        gmv_text_puts(&ctx->html, c->evacuated ? " \xc2\xb7 evacuated" : " \xc2\xb7 not evacuated");
    gmv_text_printf(&ctx->html, "<BR/><FONT POINT-SIZE=\"8\">0x%" PRIx64 "</FONT></TD></TR>", b->address);
}

/* One row per cell: slot, tophash (coloured by state), key, value. */
static void bucket_cell(graph_ctx *ctx, const gmv_bucket *b, int slot, bool with_values)
{
    size_t n;
    const gmv_entry *entries = gmv_model_entries(ctx->model, &n);
    const gmv_layout *l = gmv_model_layout(ctx->model);
    gmv_cell_state s = b->state[slot];
    uint32_t e = b->entry[slot];
    bool live = e != GMV_NO_ENTRY && e < n;
    bool focus = live && ctx->opt.focus_key && graph_entry_has_key(ctx, &entries[e], ctx->opt.focus_key);
    gmv_text_printf(&ctx->html, "<TR><TD>%d</TD><TD BGCOLOR=\"%s\">%02x%s</TD>", slot, state_color(s),
                    b->tophash[slot], state_word(s));
    gmv_value_cell(&ctx->html, &ctx->scratch, live ? &entries[e].key : NULL, l->key.size, ctx->opt.max_text,
                   focus ? COLOR_FOCUS_KEY : NULL, NULL, "");
    if (with_values)
        gmv_value_cell(&ctx->html, &ctx->scratch, live ? &entries[e].elem : NULL, l->elem.size, ctx->opt.max_text,
                       NULL, live ? value_links_add(&ctx->links, &entries[e].elem) : NULL, "");
    gmv_text_puts(&ctx->html, "</TR>");
}

void label_bucket(graph_ctx *ctx, const array_view *view, size_t chain_pos, size_t record, const char *ovf_port)
{
    const gmv_chain *c = &view->array->chains[chain_pos];
    const gmv_bucket *b = &view->array->buckets[record];
    bool with_values = gmv_model_layout(ctx->model)->elem.size > 0;
    int columns = with_values ? 4 : 3;
    bool bad = bucket_has_anomaly(ctx, view, c->index);
    gmv_text_printf(&ctx->html, "<TABLE BORDER=\"%d\" COLOR=\"%s\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">",
                    bad ? 2 : 0, bad ? COLOR_ANOMALY : "black");
    bucket_heading(ctx, view, c, b, columns);
    if (!b->readable) {
        gmv_text_printf(&ctx->html, "<TR><TD COLSPAN=\"%d\" BGCOLOR=\"%s\"><FONT COLOR=\"white\">unreadable memory</FONT></TD></TR>",
                        columns, COLOR_ANOMALY);
    } else {
        for (int i = 0; i < GMV_BUCKET_CELLS; i++)
            bucket_cell(ctx, b, i, with_values);
    }
    gmv_text_printf(&ctx->html, "<TR><TD COLSPAN=\"%d\" PORT=\"%s\" ALIGN=\"LEFT\">overflow: ", columns, ovf_port);
    if (!b->readable)
        gmv_text_puts(&ctx->html, "?");
    else if (b->overflow)
        gmv_text_printf(&ctx->html, "0x%" PRIx64, b->overflow);
    else
        gmv_text_puts(&ctx->html, "nil");
    gmv_text_puts(&ctx->html, "</TD></TR></TABLE>");
}

size_t summary_rows(uint64_t n)
{
    return n < 16 ? (size_t)n : 16;
}

void summary_row_range(uint64_t n, size_t row, uint64_t *first, uint64_t *last)
{
    /* n * row / rows without the product: it overflows for n >= 2^60 */
    uint64_t rows = summary_rows(n), q = n / rows, r = n % rows;
    *first = q * row + r * row / rows;
    *last = q * (row + 1) + r * (row + 1) / rows - 1;
}

/* Counts entries, overflow buckets, longest chain and evacuated buckets of rows. */
typedef struct row_stats {
    uint64_t entries, overflow, longest, evacuated, chains;
} row_stats;

static void count_row(const gmv_array *a, uint64_t first, uint64_t last, row_stats *out)
{
    *out = (row_stats){0};
    for (size_t i = 0; i < a->nchains; i++) {
        const gmv_chain *c = &a->chains[i];
        if (c->index < first || c->index > last)
            continue;
        out->chains++;
        out->overflow += c->length ? c->length - 1 : 0;
        out->evacuated += c->evacuated;
        if (c->length > out->longest)
            out->longest = c->length;
        for (size_t r = c->first; r < c->first + c->length; r++) {
            for (int k = 0; k < GMV_BUCKET_CELLS; k++)
                out->entries += a->buckets[r].entry[k] != GMV_NO_ENTRY;
        }
    }
}

/* A white-to-green shade for how full a range is (0..1). */
static void fill_color(double fill, char *out, size_t size)
{
    if (fill > 1)
        fill = 1;
    int g = 255 - (int)(fill * 80), rb = 255 - (int)(fill * 120);
    snprintf(out, size, "#%02x%02x%02x", rb, g, rb);
}

void label_summary(graph_ctx *ctx, const array_view *view)
{
    const gmv_array *a = view->array;
    uint64_t bsize = gmv_model_layout(ctx->model)->bucket_size;
    int columns = view->old ? 6 : 5;
    gmv_text_clear(&ctx->html);
    gmv_text_printf(&ctx->html,
                    "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
                    "<TR><TD COLSPAN=\"%d\" BGCOLOR=\"%s\"><B>%s 0 \xe2\x80\x93 %" PRIu64 "</B><BR/>"
                    "<FONT POINT-SIZE=\"8\">%" PRIu64 " \xc3\x97 %" PRIu64 " bytes at 0x%" PRIx64 "</FONT></TD></TR>"
                    "<TR><TD>buckets</TD><TD>entries</TD><TD>fill</TD><TD>overflow</TD><TD>longest chain</TD>%s</TR>",
                    columns, view->old ? COLOR_OLD_HEAD : COLOR_BUCKET_HEAD, view->old ? "old buckets" : "buckets",
                    a->nbuckets ? a->nbuckets - 1 : 0, a->nbuckets, bsize, a->address,
                    view->old ? "<TD>evacuated</TD>" : "");
    for (size_t row = 0; row < summary_rows(a->nbuckets); row++) {
        uint64_t first, last;
        row_stats rs;
        summary_row_range(a->nbuckets, row, &first, &last);
        count_row(a, first, last, &rs);
        /* the share of the cells (of overflow buckets too) that hold an entry */
        uint64_t records = rs.chains + rs.overflow;
        double fill = records ? (double)rs.entries / (double)(records * GMV_BUCKET_CELLS) : 0;
        fill = fill > 1 ? 1 : fill; /* only a corrupt map has more entries than cells */
        char color[16], range[48];
        fill_color(fill, color, sizeof color);
        if (first == last)
            snprintf(range, sizeof range, "%" PRIu64, first);
        else
            snprintf(range, sizeof range, "%" PRIu64 " \xe2\x80\x93 %" PRIu64, first, last);
        char link[96] = "";
        if (ctx->opt.page_links)
            snprintf(link, sizeof link, " HREF=\"#%s=%" PRIu64 "-%" PRIu64 "\" TOOLTIP=\"open these buckets\"",
                     view->old ? "oldbuckets" : "buckets", first, last);
        gmv_text_printf(&ctx->html,
                        "<TR><TD ALIGN=\"LEFT\"%s>%s</TD><TD>%" PRIu64 "</TD><TD BGCOLOR=\"%s\">%.0f%%</TD><TD>%" PRIu64
                        "</TD>", link, range, rs.entries, color, fill * 100, rs.overflow);
        /* the row's port is its last cell, so links leave from the table's edge */
        if (view->old)
            gmv_text_printf(&ctx->html, "<TD>%" PRIu64 "</TD><TD PORT=\"r%zu\">%" PRIu64 "</TD></TR>", rs.longest,
                            row, rs.evacuated);
        else
            gmv_text_printf(&ctx->html, "<TD PORT=\"r%zu\">%" PRIu64 "</TD></TR>", row, rs.longest);
    }
    gmv_text_printf(&ctx->html,
                    "<TR><TD COLSPAN=\"%d\" ALIGN=\"LEFT\"><I>%" PRIu64 " of %" PRIu64
                    " buckets drawn in full (%s)</I></TD></TR></TABLE>",
                    columns, view->drawn_count, a->nbuckets,
                    ctx->opt.has_focus_range || ctx->opt.focus_key ? "the focus"
                    : ctx->opt.focus_longest                       ? "the longest chains"
                                                                   : "the longest chains and any with anomalies");
}

void label_legend(graph_ctx *ctx)
{
    static const gmv_cell_state states[] = {GMV_CELL_LIVE, GMV_CELL_EMPTY_ONE, GMV_CELL_EMPTY_REST,
                                            GMV_CELL_EVACUATED_X, GMV_CELL_EVACUATED_Y, GMV_CELL_EVACUATED_EMPTY};
    static const char *const meaning[] = {
        "live: top 8 bits of the key's hash (5 and up)",  "empty (1): deleted or unused, the search goes on",
        "empty rest (0): nothing after this in the chain", "evacuated to X (2): same index in the new array",
        "evacuated to Y (3): index + old size",          "evacuated empty (4): was empty when moved"};
    gmv_text_clear(&ctx->html);
    gmv_text_puts(&ctx->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                                "<TR><TD COLSPAN=\"2\"><B>tophash cells</B></TD></TR>");
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        gmv_text_printf(&ctx->html, "<TR><TD BGCOLOR=\"%s\">%s</TD><TD ALIGN=\"LEFT\">%s</TD></TR>",
                        state_color(states[i]), i == 0 ? "a7" : state_word(states[i]), meaning[i]);
    gmv_text_printf(&ctx->html, "<TR><TD BGCOLOR=\"%s\"> </TD><TD ALIGN=\"LEFT\">anomaly (see the list)</TD></TR></TABLE>",
                    COLOR_ANOMALY);
}

void label_anomalies(graph_ctx *ctx)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(ctx->model, &n);
    gmv_text_clear(&ctx->html);
    gmv_text_printf(&ctx->html, "<TABLE BORDER=\"2\" COLOR=\"%s\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                                "<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"%s\"><B>%zu anomalies</B></FONT></TD></TR>",
                    COLOR_ANOMALY, COLOR_ANOMALY, n + (size_t)gmv_model_anomalies_dropped(ctx->model));
    for (size_t i = 0; i < n && i < 12; i++) {
        gmv_text_puts(&ctx->html, "<TR><TD ALIGN=\"LEFT\"><B>");
        put_text(ctx, a[i].kind);
        gmv_text_puts(&ctx->html, "</B>: ");
        put_text(ctx, a[i].message);
        gmv_text_puts(&ctx->html, "</TD></TR>");
    }
    if (n > 12)
        gmv_text_puts(&ctx->html, "<TR><TD ALIGN=\"LEFT\">\xe2\x80\xa6 (gomapviz dump lists all)</TD></TR>");
    gmv_text_puts(&ctx->html, "</TABLE>");
}

void label_spares(graph_ctx *ctx)
{
    size_t n;
    const uint64_t *spares = gmv_model_spare_overflow(ctx->model, &n);
    gmv_text_clear(&ctx->html);
    gmv_text_printf(&ctx->html,
                    "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\" STYLE=\"dashed\">"
                    "<TR><TD BGCOLOR=\"%s\"><B>%zu spare overflow bucket%s</B></TD></TR>"
                    "<TR><TD ALIGN=\"LEFT\">preallocated after the array, not yet used</TD></TR>",
                    COLOR_BUCKET_HEAD, n, n == 1 ? "" : "s");
    if (n)
        gmv_text_printf(&ctx->html, "<TR><TD ALIGN=\"LEFT\">0x%" PRIx64 " \xe2\x80\x93 0x%" PRIx64 "</TD></TR>",
                        spares[0], spares[n - 1]);
    gmv_text_puts(&ctx->html, "</TABLE>");
}

void label_title(graph_ctx *ctx)
{
    const gmv_header *h = gmv_model_header(ctx->model);
    const gmv_stats *s = gmv_model_stats(ctx->model);
    const gmv_layout *l = gmv_model_layout(ctx->model);
    gmv_text_clear(&ctx->html);
    gmv_text_puts(&ctx->html, "<B>");
    put_text(ctx, ctx->origin && ctx->origin->variable[0] ? ctx->origin->variable : "map");
    gmv_text_puts(&ctx->html, "</B> ");
    put_text(ctx, l->map_type);
    if (h->nil) {
        gmv_text_puts(&ctx->html, " \xc2\xb7 nil map");
        return;
    }
    gmv_text_printf(&ctx->html, " \xc2\xb7 %" PRIu64 " entr%s in %" PRIu64 " bucket%s", h->count,
                    h->count == 1 ? "y" : "ies", s->buckets, gmv_plural(s->buckets));
    if (h->growing)
        gmv_text_printf(&ctx->html, " \xc2\xb7 %s in progress: %" PRIu64 " of %" PRIu64 " old buckets evacuated",
                        h->same_size_grow ? "same-size grow" : "doubling grow", s->evacuated_old_buckets,
                        s->old_buckets);
    gmv_text_printf(&ctx->html, " \xc2\xb7 ");
    put_text(ctx, l->go_version[0] ? l->go_version : "Go ?");
    gmv_text_printf(&ctx->html, " %s", l->ptr_size == 8 ? "64-bit" : "32-bit");
}
