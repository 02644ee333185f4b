/* A diff of two classic maps drawn with Graphviz: both states side by side, one node per bucket
 * array (a row per bucket, a cell per slot), moved entries as arrows. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "diff/diff_impl.h"
#include "render/graphviz.h"
#include "render/text.h"

#define FULL_ROWS 64     /* arrays up to this many buckets show every bucket */
#define MAX_ROWS 32      /* otherwise only buckets with changes, at most this many */
#define MAX_ARROWS 400
#define KEY_CHARS 10

typedef enum cell_status {
    CELL_SAME = 0, CELL_ADDED, CELL_REMOVED, CELL_CHANGED, CELL_MOVED_X, CELL_MOVED_Y, CELL_MOVED_SAME, CELL_MOVED_OTHER
} cell_status;

static const char *const STATUS_COLOR[] = {"#eeeeee", "#8fd18b", "#f4a3a3", "#fdc98a",
                                           "#a6cbf0", "#d4b8ec", "#a8e0d8", "#c9c9c9"};
static const char *const STATUS_NAME[] = {"unchanged", "added", "removed", "value changed",
                                          "moved to X", "moved to Y", "moved, same index", "moved elsewhere"};
static const char *const ARROW_COLOR[] = {"#2f6fb3", "#7b3fb3", "#2a9d8f", "#555555"}; /* X, Y, same, other */

/* Moves of entries from one bucket to another, drawn as one arrow. */
typedef struct move_group {
    uint64_t from_bucket, to_bucket;
    uint8_t from_old, to_old; /* in the old array, before / after */
    uint8_t destination;      /* gmv_destination */
    uint64_t entries;
} move_group;

static int compare_groups(const void *pa, const void *pb)
{
    const move_group *a = pa, *b = pb;
    if (a->from_old != b->from_old)
        return a->from_old < b->from_old ? -1 : 1;
    if (a->from_bucket != b->from_bucket)
        return a->from_bucket < b->from_bucket ? -1 : 1;
    if (a->to_old != b->to_old)
        return a->to_old < b->to_old ? -1 : 1;
    if (a->to_bucket != b->to_bucket)
        return a->to_bucket < b->to_bucket ? -1 : 1;
    return (a->destination > b->destination) - (a->destination < b->destination);
}

/* Groups the moved entries by (from bucket, to bucket, destination), in that
 * order, into a malloc'd array *out of *count groups (NULL when none moved).
 * Returns 0 or GMV_ERR_NOMEM. */
static int group_moves(const gmv_diff *d, move_group **out, size_t *count)
{
    size_t n, moved = 0;
    const gmv_entry_change *c = gmv_diff_changes(d, &n);
    *out = NULL;
    *count = 0;
    for (size_t i = 0; i < n; i++)
        moved += c[i].moved;
    if (moved == 0)
        return 0;
    move_group *g = malloc(moved * sizeof *g);
    if (!g)
        return GMV_ERR_NOMEM;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (c[i].moved)
            g[k++] = (move_group){.from_bucket = c[i].before->bucket, .to_bucket = c[i].after->bucket,
                                  .from_old = c[i].before->old, .to_old = c[i].after->old,
                                  .destination = (uint8_t)c[i].destination, .entries = 1};
    }
    qsort(g, moved, sizeof *g, compare_groups);
    size_t groups = 0;
    for (size_t i = 0; i < moved; i++) {
        if (groups && compare_groups(&g[groups - 1], &g[i]) == 0)
            g[groups - 1].entries++;
        else
            g[groups++] = g[i];
    }
    *out = g;
    *count = groups;
    return 0;
}

/* Per-entry status of both models, from the change list, and the moves. */
typedef struct diff_draw {
    const gmv_diff *d;
    uint8_t *before, *after; /* cell_status per entry index */
    move_group *groups;      /* sorted by source bucket */
    size_t ngroups;
    gva_graph *g;
    gmv_text html, scratch;
} diff_draw;

static cell_status moved_status(gmv_destination dest)
{
    switch (dest) {
    case GMV_DEST_X: return CELL_MOVED_X;
    case GMV_DEST_Y: return CELL_MOVED_Y;
    case GMV_DEST_SAME: return CELL_MOVED_SAME;
    default: return CELL_MOVED_OTHER;
    }
}

/* The colour of the arrows (and counts) of moves to `dest`: ARROW_COLOR is
 * in the order of the moved statuses. */
static const char *arrow_color(gmv_destination dest)
{
    return ARROW_COLOR[moved_status(dest) - CELL_MOVED_X];
}

/* Fills the status arrays. */
static int mark_statuses(diff_draw *dd)
{
    size_t nb, na, n;
    const gmv_entry *eb = gmv_model_entries(dd->d->before, &nb);
    const gmv_entry *ea = gmv_model_entries(dd->d->after, &na);
    dd->before = calloc(nb ? nb : 1, 1);
    dd->after = calloc(na ? na : 1, 1);
    if (!dd->before || !dd->after)
        return GMV_ERR_NOMEM;
    const gmv_entry_change *c = gmv_diff_changes(dd->d, &n);
    for (size_t i = 0; i < n; i++) {
        cell_status s = !c[i].before ? CELL_ADDED : !c[i].after ? CELL_REMOVED
                        : c[i].moved ? moved_status(c[i].destination) : CELL_CHANGED;
        if (c[i].before)
            dd->before[c[i].before - eb] = (uint8_t)s;
        if (c[i].after)
            dd->after[c[i].after - ea] = (uint8_t)s;
    }
    return 0;
}

/* True if chain `c` of `a` holds a cell whose status is not "unchanged". */
static bool chain_has_change(const gmv_array *a, const gmv_chain *c, const uint8_t *status)
{
    for (size_t r = c->first; r < c->first + c->length; r++) {
        for (int k = 0; k < GMV_BUCKET_CELLS; k++) {
            uint32_t e = a->buckets[r].entry[k];
            if (e != GMV_NO_ENTRY && status[e] != CELL_SAME)
                return true;
        }
    }
    return false;
}

/* Appends the cells of one chain to the row: one cell per slot of every bucket. */
static void row_cells(diff_draw *dd, const gmv_model *m, const uint8_t *status, const gmv_array *a,
                      const gmv_chain *c, const char *side)
{
    size_t n;
    const gmv_entry *entries = gmv_model_entries(m, &n);
    for (size_t r = c->first; r < c->first + c->length; r++) {
        const gmv_bucket *b = &a->buckets[r];
        if (r > c->first)
            gmv_text_puts(&dd->html, "<TD BGCOLOR=\"#555555\"> </TD>"); /* an overflow pointer */
        for (int k = 0; k < GMV_BUCKET_CELLS; k++) {
            uint32_t e = b->entry[k];
            gmv_text_printf(&dd->html, "<TD PORT=\"%s%" PRIu64 "_%zu_%d\" BGCOLOR=\"%s\">", side, c->index,
                            r - c->first, k, e != GMV_NO_ENTRY && e < n ? STATUS_COLOR[status[e]] : "#ffffff");
            if (e != GMV_NO_ENTRY && e < n) {
                gmv_text_clear(&dd->scratch);
                gmv_value_to_text(&dd->scratch, &entries[e].key, gmv_model_layout(m)->key.size, KEY_CHARS);
                gmv_text_append_html(&dd->html, dd->scratch.data ? dd->scratch.data : "");
            } else {
                gmv_text_puts(&dd->html, " ");
            }
            gmv_text_puts(&dd->html, "</TD>");
        }
    }
}

/* Appends to the row of `bucket` (of the old array before, if `old`) how
 * many of its entries moved, and where: "2 X  4 Y", in the arrows' colours. */
static void moves_out_text(diff_draw *dd, bool old, uint64_t bucket)
{
    size_t lo = 0, hi = dd->ngroups; /* the first group leaving this row */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const move_group *g = &dd->groups[mid];
        if (g->from_old < old || (g->from_old == old && g->from_bucket < bucket))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < dd->ngroups && dd->groups[i].from_old == old && dd->groups[i].from_bucket == bucket; i++) {
        const move_group *g = &dd->groups[i];
        gmv_destination dest = (gmv_destination)g->destination;
        /* "X", "Y" or "same"; a move elsewhere is told by its grey alone */
        const char *where = dest == GMV_DEST_ELSEWHERE ? "" : gmv_destination_name(dest);
        gmv_text_printf(&dd->html, "%s<FONT COLOR=\"%s\">%" PRIu64 "%s%s</FONT>", i > lo ? "  " : " ",
                        arrow_color(dest), g->entries, where[0] ? " " : "", where);
    }
}

/* Cells of a row: the index, then 8 per bucket of the chain and one for
 * each overflow pointer between them. */
static size_t row_cell_count(const gmv_chain *c)
{
    return c->length ? 1 + 9 * (size_t)c->length - 1 : 1;
}

/* True if row `i` is drawn, given the rows drawn before it: every row of a
 * small array, otherwise the first MAX_ROWS rows with a change. */
static bool row_drawn(const gmv_array *a, size_t i, const uint8_t *status, size_t drawn_before)
{
    return a->nbuckets <= FULL_ROWS || (drawn_before < MAX_ROWS && chain_has_change(a, &a->chains[i], status));
}

/* One node holding an array: a row per bucket shown, each ending in a cell
 * (aligned with the others) that says how many entries left it, and where. */
static void array_node(diff_draw *dd, gva_graph *cluster, const gmv_model *m, const uint8_t *status,
                       const gmv_array *a, const char *side, const char *title)
{
    size_t shown = 0, widest = 1;
    for (size_t i = 0; i < a->nchains; i++) {
        if (row_drawn(a, i, status, shown)) {
            shown++;
            size_t cells = row_cell_count(&a->chains[i]);
            widest = cells > widest ? cells : widest;
        }
    }
    size_t columns = widest + 1, hidden = a->nchains - shown;
    gmv_text_clear(&dd->html);
    gmv_text_printf(&dd->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                               "<TR><TD COLSPAN=\"%zu\" ALIGN=\"LEFT\" BORDER=\"0\"><B>", columns);
    gmv_text_append_html(&dd->html, title);
    gmv_text_printf(&dd->html, "</B> (%" PRIu64 " buckets at 0x%" PRIx64 ")</TD></TR>", a->nbuckets, a->address);
    shown = 0;
    for (size_t i = 0; i < a->nchains; i++) {
        if (!row_drawn(a, i, status, shown))
            continue;
        shown++;
        /* the index cell is where arrows of moves arrive, the last cell where they leave */
        uint64_t index = a->chains[i].index;
        if (a->chains[i].evacuated) /* an old bucket whose entries have moved on */
            gmv_text_printf(&dd->html, "<TR><TD PORT=\"%s%" PRIu64 "_in\" ALIGN=\"RIGHT\" BGCOLOR=\"#e4eef7\"><B>%"
                                       PRIu64 "</B> evacuated</TD>", side, index, index);
        else
            gmv_text_printf(&dd->html, "<TR><TD PORT=\"%s%" PRIu64 "_in\" ALIGN=\"RIGHT\"><B>%" PRIu64 "</B></TD>",
                            side, index, index);
        row_cells(dd, m, status, a, &a->chains[i], side);
        gmv_text_printf(&dd->html, "<TD PORT=\"%s%" PRIu64 "_out\" COLSPAN=\"%zu\" BORDER=\"0\" ALIGN=\"LEFT\">",
                        side, index, columns - row_cell_count(&a->chains[i]));
        if (side[0] == 'b')
            moves_out_text(dd, side[1] == 'o', index);
        gmv_text_puts(&dd->html, " </TD></TR>");
    }
    if (hidden)
        gmv_text_printf(&dd->html, "<TR><TD COLSPAN=\"%zu\" ALIGN=\"LEFT\" BORDER=\"0\"><I>%zu buckets without "
                                   "changes not drawn</I></TD></TR>", columns, hidden);
    gmv_text_puts(&dd->html, "</TABLE>");
    char name[32];
    snprintf(name, sizeof name, "%s_array", side);
    gva_node_set_html(gva_node_new(cluster, name), dd->html.failed ? NULL : dd->html.data ? dd->html.data : "");
}

/* A cluster for one state: its old array (if growing) and its current one. */
static void draw_state(diff_draw *dd, const gmv_model *m, const uint8_t *status, bool after)
{
    char name[32];
    snprintf(name, sizeof name, "cluster_%s", after ? "after" : "before");
    gva_graph *cluster = gva_subgraph(dd->g, name);
    const gmv_header *h = gmv_model_header(m);
    gmv_text_clear(&dd->scratch);
    gmv_text_printf(&dd->scratch, "%s: count %" PRIu64 ", B %u%s", after ? "after" : "before", h->count, h->B,
                    h->growing ? (h->same_size_grow ? ", same-size grow" : ", doubling grow") : "");
    gva_graph_set(cluster, "label", dd->scratch.data ? dd->scratch.data : "");
    gva_graph_set(cluster, "style", "rounded");
    if (gmv_model_oldbuckets(m))
        array_node(dd, cluster, m, status, gmv_model_oldbuckets(m), after ? "ao" : "bo", "oldbuckets");
    array_node(dd, cluster, m, status, gmv_model_buckets(m), after ? "an" : "bn", "buckets");
}

/* The array node of one side and the port of a bucket's row in it. */
static gva_node *row_port(diff_draw *dd, bool after, bool old, uint64_t bucket, const char *end, char *port,
                          size_t size)
{
    const char *side = after ? (old ? "ao" : "an") : (old ? "bo" : "bn");
    char name[32];
    snprintf(name, sizeof name, "%s_array", side);
    snprintf(port, size, "%s%" PRIu64 "_%s", side, bucket, end);
    return gva_node_find(dd->g, name);
}

/* True if the label of `node` has a cell with PORT="port". */
static bool has_port(gva_node *node, const char *port)
{
    char needle[80];
    snprintf(needle, sizeof needle, "PORT=\"%s\"", port);
    return strstr(gva_node_get(node, "label"), needle) != NULL;
}

/* One arrow per group of moves whose two buckets are drawn, from the end of
 * the bucket's row before (which says how many entries went where) to the
 * index of its row after. Returns the number of arrows. */
static size_t draw_moves(diff_draw *dd)
{
    size_t ngroups = dd->ngroups, drawn = 0;
    const move_group *g = dd->groups;
    for (size_t i = 0; i < ngroups && drawn < MAX_ARROWS; i++) {
        char tail[64], head[64];
        gva_node *from = row_port(dd, false, g[i].from_old, g[i].from_bucket, "out", tail, sizeof tail);
        gva_node *to = row_port(dd, true, g[i].to_old, g[i].to_bucket, "in", head, sizeof head);
        if (!from || !to || !has_port(from, tail) || !has_port(to, head))
            continue; /* one of its buckets is not drawn */
        gva_edge *e = gva_edge_new(from, to);
        gmv_destination dest = (gmv_destination)g[i].destination;
        strcat(tail, ":e");
        strcat(head, ":w");
        gva_edge_set(e, "tailport", tail);
        gva_edge_set(e, "headport", head);
        gva_edge_set(e, "color", arrow_color(dest));
        gva_edge_set(e, "arrowsize", "0.6");
        gva_edge_set(e, "constraint", "false");
        drawn++;
    }
    return drawn;
}

/* Title and legend. */
static void draw_title_and_legend(diff_draw *dd, const gmv_origin *origin, size_t arrows)
{
    gmv_diff_counts c = gmv_diff_count(dd->d);
    gmv_text_clear(&dd->html);
    gmv_text_puts(&dd->html, "<B>");
    gmv_text_append_html(&dd->html, origin && origin->variable[0] ? origin->variable : "map");
    gmv_text_puts(&dd->html, "</B> ");
    gmv_text_append_html(&dd->html, gmv_model_layout(dd->d->after)->map_type);
    gmv_text_printf(&dd->html, " \xc2\xb7 %" PRIu64 " added, %" PRIu64 " removed, %" PRIu64 " changed, %" PRIu64
                               " moved", c.added, c.removed, c.changed, c.moved);
    /* where the moved ones went, naming only the destinations some went to */
    const struct { uint64_t n; const char *where; } dest[] = {
        {c.to_x, "to X"}, {c.to_y, "to Y"}, {c.to_same, "to the same index"}, {c.elsewhere, "elsewhere"}};
    const char *sep = " (";
    for (size_t i = 0; i < sizeof dest / sizeof dest[0]; i++) {
        if (dest[i].n) {
            gmv_text_printf(&dd->html, "%s%" PRIu64 " %s", sep, dest[i].n, dest[i].where);
            sep = ", ";
        }
    }
    gmv_text_printf(&dd->html, "%s; an arrow per pair of buckets, %zu drawn", c.moved ? ")" : "", arrows);
    gva_graph_set_html(dd->g, dd->html.failed ? NULL : dd->html.data);
    gmv_text_clear(&dd->html);
    gmv_text_puts(&dd->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">");
    for (size_t i = 0; i < sizeof STATUS_NAME / sizeof STATUS_NAME[0]; i++)
        gmv_text_printf(&dd->html, "<TR><TD BGCOLOR=\"%s\">  </TD><TD ALIGN=\"LEFT\">%s</TD></TR>", STATUS_COLOR[i],
                        STATUS_NAME[i]);
    gmv_text_puts(&dd->html, "</TABLE>");
    gva_node_set_html(gva_node_new(dd->g, "legend"), dd->html.failed ? NULL : dd->html.data);
}

int classic_diff_graph(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after,
                       gmv_graph_format format)
{
    (void)before;
    diff_draw dd = {.d = d};
    int rc = mark_statuses(&dd);
    if (rc == 0)
        rc = group_moves(d, &dd.groups, &dd.ngroups);
    if (rc == 0) {
        dd.g = gva_open("gomapviz_diff");
        if (!dd.g)
            rc = gmv_fail(GMV_ERR_NOMEM, "Graphviz could not create a graph");
    } else {
        rc = gmv_fail(GMV_ERR_NOMEM, "out of memory drawing the diff");
    }
    if (rc == 0) {
        gva_graph_set(dd.g, "rankdir", "LR");
        gva_graph_set(dd.g, "labelloc", "t");
        gva_graph_set(dd.g, "fontname", "Helvetica");
        gva_graph_set(dd.g, "nodesep", "0.3");
        gva_graph_set(dd.g, "ranksep", "1.2");
        gva_default_node(dd.g, "shape", "plain");
        gva_default_node(dd.g, "fontname", "Helvetica");
        gva_default_node(dd.g, "fontsize", "9");
        draw_state(&dd, d->before, dd.before, false);
        draw_state(&dd, d->after, dd.after, true);
        gva_edge_set(gva_edge_new(gva_node_find(dd.g, "bn_array"), gva_node_find(dd.g, "an_array")), "style", "invis");
        draw_title_and_legend(&dd, after, draw_moves(&dd));
        rc = gva_emit(dd.g, out, format);
    }
    gva_close(dd.g);
    free(dd.before);
    free(dd.after);
    free(dd.groups);
    gmv_text_free(&dd.html);
    gmv_text_free(&dd.scratch);
    return rc;
}
