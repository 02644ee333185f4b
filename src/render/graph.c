/* The classic map's diagram: the hmap, the bucket array (whole, or a
 * summary and the chains chosen), the old array of a grow with where its
 * buckets go, spares, legend and anomalies; built with the Graphviz adapter. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "render/graph_impl.h"
#include "render/render_impl.h"

#define DEFAULT_FULL_LIMIT 64
#define DEFAULT_LONGEST 8
#define DEFAULT_MAX_TEXT 20

/* Creates node `name` in `parent` with the label now in ctx->html, and the
 * paths of the func values in it. */
static gva_node *html_node(graph_ctx *ctx, gva_graph *parent, const char *name)
{
    gva_node *n = gva_node_new(parent, name);
    gva_node_set_html(n, ctx->html.data && !ctx->html.failed ? ctx->html.data : NULL);
    value_links_draw(&ctx->links, ctx->g, n);
    return n;
}

/* Creates an edge; `tailport` may be NULL. */
static gva_edge *edge(gva_node *from, gva_node *to, const char *tailport)
{
    gva_edge *e = gva_edge_new(from, to);
    if (tailport)
        gva_edge_set(e, "tailport", tailport);
    return e;
}

/* Sets the port of `e` at chain `pos` of `view` (`end`: "tailport" or
 * "headport", `side`: "e" or "w") when the chain sits in the array node. */
static void chain_port(const array_view *view, size_t pos, gva_edge *e, const char *end, const char *side)
{
    if (!view->array_node)
        return;
    char port[40];
    snprintf(port, sizeof port, "b%" PRIu64 ":%s", view->array->chains[pos].index, side);
    gva_edge_set(e, end, port);
}

/* Draws the overflow buckets of chain `pos` as nodes to the right of `from`. */
static void draw_overflow(graph_ctx *ctx, array_view *view, size_t pos, gva_node *from, const char *tailport)
{
    const gmv_chain *c = &view->array->chains[pos];
    char name[64];
    for (size_t r = c->first + 1; r < c->first + c->length; r++) {
        snprintf(name, sizeof name, "%s%" PRIu64 "_%zu", view->old ? "old" : "b", c->index, r - c->first);
        gmv_text_clear(&ctx->html);
        label_bucket(ctx, view, pos, r, "ovf");
        gva_node *n = html_node(ctx, view->cluster, name);
        gva_edge_set(edge(from, n, tailport), "headport", "w");
        from = n;
        tailport = "ovf:e";
    }
}

/* Up to this many drawn buckets stay in one column; more are wrapped into
 * columns side by side, so that a middle-sized map keeps a picture about as
 * wide as it is tall instead of one column of hundreds of buckets. */
#define ONE_COLUMN_MAX 16

/* How many columns `drawn` buckets are wrapped into, when the longest drawn
 * chain has `overflow` overflow buckets (drawn to the right of its column).
 * A bucket is drawn about 1.6 times as wide as it is tall (8 cells of
 * tophash, key and value, at most --max-text characters each), so K columns
 * of drawn/K buckets, each column (1 + overflow) buckets wide, are about 1.3
 * times as wide as tall (a screen's shape) for K*K*(1 + overflow) = 0.8 *
 * drawn; K is at most drawn/4 (columns of at least 4 buckets). */
static size_t column_count(uint64_t drawn, uint64_t overflow)
{
    if (drawn <= ONE_COLUMN_MAX)
        return 1;
    uint64_t k = 1;
    while (k < drawn / 4 && k * k * (1 + overflow) * 5 < drawn * 4)
        k++;
    return (size_t)k;
}

/* The overflow bucket count of the longest chain drawn among positions
 * [from, end) of the array. */
static uint64_t longest_drawn_overflow(const array_view *view, size_t from, size_t end)
{
    uint64_t longest = 0;
    for (size_t i = from; i < end; i++) {
        uint64_t len = view->array->chains[i].length;
        if (view->drawn[i] && len > 1 && len - 1 > longest)
            longest = len - 1;
    }
    return longest;
}

/* Draws the drawn chains from position `from` on, `rows` of them, as one
 * column node called `name` (primary buckets in index order from the top,
 * ports b<i> and ovf<i>), then each chain's overflow buckets to its right.
 * Returns the position after the last chain drawn. */
static size_t draw_column(graph_ctx *ctx, array_view *view, size_t from, uint64_t rows, const char *name,
                          gva_node **node)
{
    const gmv_array *a = view->array;
    char port[40];
    size_t end = from;
    gmv_text_clear(&ctx->html);
    gmv_text_puts(&ctx->html, "<TABLE BORDER=\"0\" CELLSPACING=\"12\" CELLPADDING=\"0\">");
    for (uint64_t n = 0; end < a->nchains && n < rows; end++) {
        if (!view->drawn[end])
            continue;
        gmv_text_printf(&ctx->html, "<TR><TD PORT=\"b%" PRIu64 "\">", a->chains[end].index);
        snprintf(port, sizeof port, "ovf%" PRIu64, a->chains[end].index);
        label_bucket(ctx, view, end, a->chains[end].first, port);
        gmv_text_puts(&ctx->html, "</TD></TR>");
        n++;
    }
    gmv_text_puts(&ctx->html, "</TABLE>");
    *node = html_node(ctx, view->cluster, name);
    gva_node_set(*node, "group", view->old ? "old" : "new");
    for (size_t i = from; i < end; i++) {
        if (!view->drawn[i])
            continue;
        view->first[i] = *node;
        snprintf(port, sizeof port, "ovf%" PRIu64 ":e", a->chains[i].index);
        draw_overflow(ctx, view, i, *node, port);
    }
    return end;
}

/* Draws the primary buckets of every drawn chain in one node, or for more
 * than ONE_COLUMN_MAX in several columns left to right (each placed past the
 * overflow buckets of the one before); view->array_node is the first. */
static void draw_array_node(graph_ctx *ctx, array_view *view)
{
    size_t columns = column_count(view->drawn_count, longest_drawn_overflow(view, 0, view->array->nchains));
    uint64_t rows = (view->drawn_count + columns - 1) / columns;
    const char *base = view->old ? "oldbuckets" : "buckets";
    gva_node *previous = NULL;
    uint64_t previous_overflow = 0;
    size_t pos = 0;
    for (size_t c = 0; c < columns && pos < view->array->nchains; c++) {
        char name[48], minlen[24];
        if (c == 0)
            snprintf(name, sizeof name, "%s", base);
        else
            snprintf(name, sizeof name, "%s_column%zu", base, c);
        gva_node *node = NULL;
        size_t first = pos;
        pos = draw_column(ctx, view, pos, rows, name, &node);
        if (c == 0)
            view->array_node = node;
        if (previous) {
            gva_edge *e = edge(previous, node, NULL);
            gva_edge_set(e, "style", "invis");
            snprintf(minlen, sizeof minlen, "%" PRIu64, previous_overflow + 1);
            gva_edge_set(e, "minlen", minlen);
        }
        previous = node;
        previous_overflow = longest_drawn_overflow(view, first, pos);
    }
}

/* Draws one array: a cluster holding its summary (if any) and its drawn chains. */
static void draw_array(graph_ctx *ctx, array_view *view)
{
    const gmv_array *a = view->array;
    char label[160];
    view->cluster = gva_subgraph(ctx->g, view->old ? "cluster_old" : "cluster_buckets");
    snprintf(label, sizeof label, "%s: %" PRIu64 " bucket%s at 0x%" PRIx64,
             view->old ? "oldbuckets (being evacuated)" : "buckets", a->nbuckets, gmv_plural(a->nbuckets), a->address);
    gva_graph_set(view->cluster, "label", label);
    gva_graph_set(view->cluster, "style", "rounded");
    gva_graph_set(view->cluster, "color", view->old ? "#b08850" : "#5a6b8c");
    if (!view->summary) {
        if (a->nchains)
            draw_array_node(ctx, view);
        view->anchor = view->array_node;
        return;
    }
    label_summary(ctx, view);
    gva_node *summary = html_node(ctx, view->cluster, view->old ? "old_summary" : "summary");
    view->anchor = summary;
    if (view->drawn_count) { /* the buckets drawn in full go right of the summary */
        draw_array_node(ctx, view);
        gva_edge_set(edge(summary, view->array_node, NULL), "style", "invis");
    }
}

/* The position of the drawn chain of bucket `index`, or SIZE_MAX. */
static size_t drawn_chain(const array_view *view, uint64_t index)
{
    for (size_t i = 0; i < view->array->nchains; i++) {
        if (view->array->chains[i].index == index)
            return view->first[i] ? i : SIZE_MAX;
    }
    return SIZE_MAX;
}

/* A dashed edge from old chain `from` to new chain `to`. */
static void destination_edge(graph_ctx *ctx, size_t from, size_t to, const char *color, const char *label)
{
    gva_edge *e = edge(ctx->old.first[from], ctx->current.first[to], NULL);
    chain_port(&ctx->old, from, e, "tailport", "e");
    chain_port(&ctx->current, to, e, "headport", "w");
    gva_edge_set(e, "style", "dashed");
    gva_edge_set(e, "color", color);
    gva_edge_set(e, "fontcolor", color);
    gva_edge_set(e, "label", label);
}

/* Edges from unevacuated old buckets to where their entries will go. */
static void draw_destinations(graph_ctx *ctx)
{
    const gmv_header *h = gmv_model_header(ctx->model);
    uint64_t newbit = ctx->old.array->nbuckets;
    for (size_t i = 0; i < ctx->old.array->nchains; i++) {
        const gmv_chain *c = &ctx->old.array->chains[i];
        if (!ctx->old.first[i] || c->evacuated)
            continue;
        size_t x = drawn_chain(&ctx->current, c->index);
        size_t y = h->same_size_grow ? SIZE_MAX : drawn_chain(&ctx->current, c->index + newbit);
        if (x != SIZE_MAX)
            destination_edge(ctx, i, x, "#2f6fb3", h->same_size_grow ? "moves here" : "X");
        if (y != SIZE_MAX)
            destination_edge(ctx, i, y, "#7b3fb3", "Y");
    }
}

/* The nevacuate mark: an arrow to the first old bucket not yet known evacuated. */
static void draw_nevacuate(graph_ctx *ctx)
{
    const gmv_header *h = gmv_model_header(ctx->model);
    size_t target = drawn_chain(&ctx->old, h->nevacuate);
    char label[64];
    snprintf(label, sizeof label, "nevacuate = %" PRIu64, h->nevacuate);
    gva_node *mark = gva_node_new(ctx->old.cluster, "nevacuate");
    gva_node_set(mark, "shape", "cds");
    gva_node_set(mark, "style", "filled");
    gva_node_set(mark, "fillcolor", "#f6d8a8");
    gva_node_set(mark, "label", label);
    if (target != SIZE_MAX)
        chain_port(&ctx->old, target, edge(mark, ctx->old.first[target], NULL), "headport", "w");
}

/* Header, notes and the edges from the header to what it points at. */
static void draw_header_and_notes(graph_ctx *ctx)
{
    const gmv_header *h = gmv_model_header(ctx->model);
    label_header(ctx);
    ctx->header = html_node(ctx, ctx->g, "hmap");
    if (ctx->current.anchor)
        gva_edge_set(edge(ctx->header, ctx->current.anchor, "buckets:e"), "lhead", "cluster_buckets");
    if (ctx->old.anchor)
        gva_edge_set(edge(ctx->header, ctx->old.anchor, "oldbuckets:e"), "lhead", "cluster_old");
    size_t nspares, nanomalies;
    gmv_model_spare_overflow(ctx->model, &nspares);
    gmv_model_anomalies(ctx->model, &nanomalies);
    if (h->next_overflow) {
        label_spares(ctx);
        edge(ctx->header, html_node(ctx, ctx->g, "spares"), "extra:e");
    }
    if (nanomalies) {
        label_anomalies(ctx);
        html_node(ctx, ctx->g, "anomalies");
    }
    label_legend(ctx);
    gva_node *legend = html_node(ctx, ctx->g, "legend");
    gva_edge_set(edge(ctx->header, legend, NULL), "style", "invis");
}

/* Graph-wide attributes and defaults. */
static void set_defaults(graph_ctx *ctx)
{
    gva_graph_set(ctx->g, "rankdir", "LR");
    gva_graph_set(ctx->g, "compound", "true");
    gva_graph_set(ctx->g, "fontname", "Helvetica");
    gva_graph_set(ctx->g, "fontsize", "12");
    gva_graph_set(ctx->g, "labelloc", "t");
    gva_graph_set(ctx->g, "nodesep", "0.2");
    gva_graph_set(ctx->g, "ranksep", "0.5");
    label_title(ctx);
    gva_graph_set_html(ctx->g, ctx->html.data && !ctx->html.failed ? ctx->html.data : NULL);
    gva_default_node(ctx->g, "shape", "plain");
    gva_default_node(ctx->g, "fontname", "Helvetica");
    gva_default_node(ctx->g, "fontsize", "10");
    gva_default_edge(ctx->g, "fontname", "Helvetica");
    gva_default_edge(ctx->g, "fontsize", "9");
}

/* Decides what to draw; fails if a focus names nothing in the map. */
static int select_all(graph_ctx *ctx)
{
    if (ctx->opt.has_focus_table || ctx->opt.has_focus_groups)
        return gmv_fail(GMV_ERR_INVALID, "a classic map has buckets, not tables or groups: draw some with "
                                         "%s A-B, the longest chains with %s N, or a key with %s",
                        gmv_option_name(GMV_OPTION_BUCKETS), gmv_option_name(GMV_OPTION_LONGEST),
                        gmv_option_name(GMV_OPTION_KEY));
    int rc_new = graph_select_chains(ctx, &ctx->current);
    int rc_old = ctx->old.array ? graph_select_chains(ctx, &ctx->old) : 1;
    if (rc_new < 0 || rc_old < 0)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory laying out the diagram");
    if (rc_new == 1 && rc_old == 1) {
        if (ctx->opt.focus_key)
            return gmv_fail(GMV_ERR_INVALID, "no entry has the key %s (write it as Go prints it, without quotes)",
                            ctx->opt.focus_key);
        if (!ctx->opt.has_focus_range)
            return gmv_fail(GMV_ERR_INVALID, "no bucket of the map has an overflow chain, so %s draws "
                                             "nothing; draw the whole map without it",
                            gmv_option_name(GMV_OPTION_LONGEST));
        return gmv_fail(GMV_ERR_INVALID, "no bucket in %" PRIu64 "-%" PRIu64 " (the map has %" PRIu64 " buckets)",
                        ctx->opt.focus_first, ctx->opt.focus_last, ctx->current.array->nbuckets);
    }
    return 0;
}

/* Builds the whole graph into ctx->g. */
static int build_graph(graph_ctx *ctx)
{
    ctx->g = gva_open("gomapviz");
    if (!ctx->g)
        return gmv_fail(GMV_ERR_NOMEM, "Graphviz could not create a graph");
    set_defaults(ctx);
    ctx->current.array = gmv_model_buckets(ctx->model);
    ctx->old.array = gmv_model_oldbuckets(ctx->model);
    ctx->old.old = true;
    if (gmv_model_header(ctx->model)->nil) {
        label_header(ctx);
        html_node(ctx, ctx->g, "hmap");
        return 0;
    }
    int rc = select_all(ctx);
    if (rc != 0)
        return rc;
    draw_array(ctx, &ctx->current);
    if (ctx->old.array) {
        draw_array(ctx, &ctx->old);
        draw_destinations(ctx);
        draw_nevacuate(ctx);
    }
    draw_header_and_notes(ctx);
    return 0;
}

static gmv_graph_options resolve_options(const gmv_graph_options *in)
{
    gmv_graph_options o = in ? *in : (gmv_graph_options){0};
    if (!o.full_limit)
        o.full_limit = DEFAULT_FULL_LIMIT;
    if (!o.longest_chains)
        o.longest_chains = DEFAULT_LONGEST;
    if (!o.max_text)
        o.max_text = DEFAULT_MAX_TEXT;
    return o;
}

int gmv_render_graph(FILE *out, const gmv_model *model, const gmv_origin *origin, const gmv_graph_options *options,
                     gmv_graph_format format)
{
    if (format == GMV_GRAPH_HTML)
        return gmv_fail(GMV_ERR_INVALID, "a page is written by gmv_render_html, not gmv_render_graph");
    gmv_graph_options opt = resolve_options(options);
    return render_impl_of(model)->render_graph(out, model, origin, &opt, format);
}

int classic_render_graph(FILE *out, const gmv_model *model, const gmv_origin *origin, const gmv_graph_options *opt,
                         gmv_graph_format format)
{
    graph_ctx ctx = {.model = model, .origin = origin, .opt = *opt};
    int rc = build_graph(&ctx);
    if (rc == 0)
        rc = gva_emit(ctx.g, out, format);
    gva_close(ctx.g);
    free(ctx.current.drawn);
    free(ctx.current.first);
    free(ctx.old.drawn);
    free(ctx.old.first);
    gmv_text_free(&ctx.scratch);
    value_links_free(&ctx.links);
    gmv_text_free(&ctx.html);
    return rc;
}

int gmv_graph_format_from_name(const char *name, gmv_graph_format *out)
{
    const char *dot = strrchr(name, '.');
    const char *ext = dot ? dot + 1 : name;
    if (strcmp(ext, "dot") == 0 || strcmp(ext, "gv") == 0)
        *out = GMV_GRAPH_DOT;
    else if (strcmp(ext, "svg") == 0)
        *out = GMV_GRAPH_SVG;
    else if (strcmp(ext, "png") == 0)
        *out = GMV_GRAPH_PNG;
    else if (strcmp(ext, "html") == 0 || strcmp(ext, "htm") == 0)
        *out = GMV_GRAPH_HTML;
    else
        return gmv_fail(GMV_ERR_INVALID, "unknown picture format '%s': use .dot, .svg, .png or .html (or %s)", ext,
                        gmv_option_name(GMV_OPTION_FORMAT));
    return 0;
}
