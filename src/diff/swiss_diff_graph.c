/* A diff of two Swiss-table maps drawn with Graphviz: BEFORE and AFTER side
 * by side, a node per table (or the small map's group) with a cell per slot
 * coloured by what became of its entry, and one arrow per pair of tables
 * that entries moved between, labelled with how many went and where (into
 * the grown table, the left or right half of a split, ...). Tables of a few
 * groups show their keys; bigger ones a compact grid, 8 groups to a row. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "diff/diff_impl.h"
#include "render/graphviz.h"

#define KEYED_GROUPS 16 /* tables of up to this many groups show their keys */
#define GRID_GROUPS 8   /* groups per row of the compact grid */
#define MAX_TABLES 24   /* tables drawn per side (those with changes first) */
#define KEY_CHARS 8
#define COLOR_DELETED "#5f5f5f"

typedef enum cell_status {
    CELL_SAME = 0, CELL_ADDED, CELL_REMOVED, CELL_CHANGED,
    CELL_GROWN, CELL_LEFT, CELL_RIGHT, CELL_TABLE, CELL_MOVED_SAME, CELL_MOVED_OTHER, CELL_STATUSES
} cell_status;

static const char *const STATUS_COLOR[CELL_STATUSES] = {
    "#cfd6e3", "#8fd18b", "#f4a3a3", "#fdc98a", "#a8e0d8", "#a6cbf0", "#d4b8ec", "#f6d8a8", "#e6e6a0", "#9a9a9a"};
static const char *const ARROW_COLOR[CELL_STATUSES] = {
    "#999999", "#3c8d37", "#b83232", "#c07a20", "#2a9d8f", "#2f6fb3", "#7b3fb3", "#b07a2a", "#8a8a20", "#555555"};
static const char *const STATUS_NAME[CELL_STATUSES] = {
    "unchanged", "added", "removed", "value changed", "moved into the grown table", "moved to a split's left half",
    "moved to a split's right half", "moved from the small map into a table", "moved within its table",
    "moved elsewhere"};

static cell_status moved_status(gmv_destination dest)
{
    switch (dest) {
    case GMV_DEST_GROWN: return CELL_GROWN;
    case GMV_DEST_LEFT: return CELL_LEFT;
    case GMV_DEST_RIGHT: return CELL_RIGHT;
    case GMV_DEST_TABLE: return CELL_TABLE;
    case GMV_DEST_SAME: return CELL_MOVED_SAME;
    default: return CELL_MOVED_OTHER;
    }
}

/* Entries that moved from one table to another, drawn as one arrow. */
typedef struct move_group {
    uint32_t from, to; /* tables (GMV_NO_TABLE: the small group) */
    uint8_t status;    /* a moved cell_status */
    uint64_t entries;
} move_group;

/* The state of one picture. */
typedef struct swiss_diff_draw {
    const gmv_diff *d;
    uint8_t *before, *after; /* cell_status per entry index */
    move_group *moves;
    size_t nmoves;
    gva_graph *g;
    gmv_text html, scratch;
} swiss_diff_draw;

/* Fills the status of every entry of both sides from the change list. */
static int mark_statuses(swiss_diff_draw *dd)
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

static int compare_moves(const void *pa, const void *pb)
{
    const move_group *a = pa, *b = pb;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    return (a->status > b->status) - (a->status < b->status);
}

/* Groups the moved entries by (from table, to table, destination). */
static int group_moves(swiss_diff_draw *dd)
{
    size_t n, moved = 0;
    const gmv_entry_change *c = gmv_diff_changes(dd->d, &n);
    for (size_t i = 0; i < n; i++)
        moved += c[i].moved;
    if (moved == 0)
        return 0;
    move_group *g = malloc(moved * sizeof *g);
    if (!g)
        return GMV_ERR_NOMEM;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (c[i].moved)
            g[k++] = (move_group){.from = c[i].before->table, .to = c[i].after->table,
                                  .status = (uint8_t)moved_status(c[i].destination), .entries = 1};
    }
    qsort(g, moved, sizeof *g, compare_moves);
    size_t groups = 0;
    for (size_t i = 0; i < moved; i++) {
        if (groups && compare_moves(&g[groups - 1], &g[i]) == 0)
            g[groups - 1].entries++;
        else
            g[groups++] = g[i];
    }
    dd->moves = g;
    dd->nmoves = groups;
    return 0;
}

/* True if a group holds a slot whose entry is not unchanged. */
static bool group_changed(const gmv_group *g, const uint8_t *status)
{
    for (int i = 0; i < GMV_GROUP_SLOTS; i++) {
        if (g->entry[i] != GMV_NO_ENTRY && status[g->entry[i]] != CELL_SAME)
            return true;
    }
    return false;
}

/* The colour of slot `i` of `g`: its entry's status, or its control state. */
static const char *slot_color(const gmv_group *g, int i, const uint8_t *status, size_t nentries)
{
    uint32_t e = g->entry[i];
    if (e != GMV_NO_ENTRY && e < nentries)
        return STATUS_COLOR[status[e]];
    return g->readable && g->state[i] == GMV_CTRL_DELETED ? COLOR_DELETED : "#ffffff";
}

/* A row per group, a cell per slot with its key. */
static void keyed_groups(swiss_diff_draw *dd, const gmv_model *m, const uint8_t *status, const gmv_group *g,
                         size_t n)
{
    size_t nentries;
    const gmv_entry *entries = gmv_model_entries(m, &nentries);
    for (size_t j = 0; j < n; j++) {
        gmv_text_printf(&dd->html, "<TR><TD ALIGN=\"RIGHT\"><FONT POINT-SIZE=\"7\">g%zu</FONT></TD>", j);
        for (int i = 0; i < GMV_GROUP_SLOTS; i++) {
            gmv_text_printf(&dd->html, "<TD BGCOLOR=\"%s\">", slot_color(&g[j], i, status, nentries));
            uint32_t e = g[j].entry[i];
            if (e != GMV_NO_ENTRY && e < nentries) {
                gmv_text_clear(&dd->scratch);
                gmv_value_to_text(&dd->scratch, &entries[e].key, gmv_model_layout(m)->key.size, KEY_CHARS);
                gmv_text_append_html(&dd->html, dd->scratch.data ? dd->scratch.data : "");
            } else {
                gmv_text_puts(&dd->html, " ");
            }
            gmv_text_puts(&dd->html, "</TD>");
        }
        gmv_text_puts(&dd->html, "</TR>");
    }
}

/* A compact grid: GRID_GROUPS groups to a row, a small blank cell per slot. */
static void grid_groups(swiss_diff_draw *dd, const gmv_model *m, const uint8_t *status, const gmv_group *g,
                        size_t n)
{
    size_t nentries;
    gmv_model_entries(m, &nentries);
    for (size_t j = 0; j < n; j += GRID_GROUPS) {
        size_t last = j + GRID_GROUPS < n ? j + GRID_GROUPS - 1 : n - 1;
        gmv_text_printf(&dd->html, "<TR><TD ALIGN=\"RIGHT\"><FONT POINT-SIZE=\"7\">g%zu\xe2\x80\x93%zu</FONT></TD><TD>"
                                   "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"0\"><TR>", j, last);
        for (size_t k = j; k <= last; k++) {
            if (k > j)
                gmv_text_puts(&dd->html, "<TD BORDER=\"0\" WIDTH=\"3\"></TD>");
            for (int i = 0; i < GMV_GROUP_SLOTS; i++)
                gmv_text_printf(&dd->html, "<TD BGCOLOR=\"%s\" WIDTH=\"7\" HEIGHT=\"9\" FIXEDSIZE=\"TRUE\"></TD>",
                                slot_color(&g[k], i, status, nentries));
        }
        gmv_text_puts(&dd->html, "</TR></TABLE></TD></TR>");
    }
}

/* The node of one table (`t` < ntables) or the small group (GMV_NO_TABLE). */
static void table_node(swiss_diff_draw *dd, gva_graph *cluster, const gmv_model *m, const uint8_t *status,
                       uint32_t t, const char *side)
{
    size_t ntables, ngroups;
    const gmv_table *tables = gmv_model_tables(m, &ntables);
    const gmv_group *groups = gmv_model_groups(m, &ngroups);
    const gmv_group *g = t == GMV_NO_TABLE ? gmv_model_small_group(m) : &groups[tables[t].first_group];
    size_t n = t == GMV_NO_TABLE ? 1 : tables[t].ngroups;
    gmv_text_clear(&dd->html);
    gmv_text_puts(&dd->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                             "<TR><TD COLSPAN=\"9\" ALIGN=\"LEFT\" BGCOLOR=\"#e6e9f0\"><B>");
    if (t == GMV_NO_TABLE) {
        gmv_text_printf(&dd->html, "small map</B> one group at 0x%" PRIx64, g ? g->address : 0);
    } else {
        const gmv_table *tab = &tables[t];
        gmv_text_printf(&dd->html, "table %" PRIu32 "</B> capacity %u \xc2\xb7 localDepth %u \xc2\xb7 directory %"
                                   PRIu64 "\xe2\x80\x93%" PRIu64 " <FONT POINT-SIZE=\"7\">0x%" PRIx64 "</FONT>",
                        t, tab->capacity, tab->local_depth, tab->dir_first, tab->dir_first + tab->dir_count - 1,
                        tab->address);
    }
    gmv_text_puts(&dd->html, "</TD></TR>");
    if (g && n <= KEYED_GROUPS)
        keyed_groups(dd, m, status, g, n);
    else if (g)
        grid_groups(dd, m, status, g, n);
    gmv_text_puts(&dd->html, "</TABLE>");
    char name[40];
    if (t == GMV_NO_TABLE)
        snprintf(name, sizeof name, "%s_small", side);
    else
        snprintf(name, sizeof name, "%s_t%" PRIu32, side, t);
    gva_node_set_html(gva_node_new(cluster, name), dd->html.failed ? NULL : dd->html.data);
}

/* True if table `t` of `m` holds a changed entry. */
static bool table_changed(const gmv_model *m, const uint8_t *status, uint32_t t)
{
    size_t ntables, ngroups;
    const gmv_table *tables = gmv_model_tables(m, &ntables);
    const gmv_group *groups = gmv_model_groups(m, &ngroups);
    for (size_t j = 0; j < tables[t].ngroups; j++) {
        if (group_changed(&groups[tables[t].first_group + j], status))
            return true;
    }
    return false;
}

/* A cluster for one side: its tables (those with changes first, at most
 * MAX_TABLES), or its small group. */
static void draw_side(swiss_diff_draw *dd, const gmv_model *m, const uint8_t *status, bool after)
{
    const char *side = after ? "a" : "b";
    char name[32];
    snprintf(name, sizeof name, "cluster_%s", after ? "after" : "before");
    gva_graph *cluster = gva_subgraph(dd->g, name);
    const gmv_swiss_header *h = gmv_model_swiss_header(m);
    size_t ntables;
    gmv_model_tables(m, &ntables);
    gmv_text_clear(&dd->scratch);
    gmv_text_printf(&dd->scratch, "%s: used %" PRIu64 ", %s", after ? "after" : "before", h->used,
                    h->small ? "a small map" : "");
    if (!h->small)
        gmv_text_printf(&dd->scratch, "%zu table%s, directory of %" PRIu64 " (globalDepth %u)", ntables,
                        ntables == 1 ? "" : "s", h->dir_len, h->global_depth);
    gva_graph_set(cluster, "label", dd->scratch.data ? dd->scratch.data : "");
    gva_graph_set(cluster, "style", "rounded");
    if (h->small) {
        table_node(dd, cluster, m, status, GMV_NO_TABLE, side);
        return;
    }
    size_t drawn = 0;
    /* in order; past MAX_TABLES the tables with changes first, then the others */
    bool many = ntables > MAX_TABLES;
    for (int pass = 0; pass < (many ? 2 : 1); pass++) {
        for (uint32_t t = 0; t < ntables && drawn < MAX_TABLES; t++) {
            if (!many || table_changed(m, status, t) == (pass == 0)) {
                table_node(dd, cluster, m, status, t, side);
                drawn++;
            }
        }
    }
    if (drawn < ntables) {
        gmv_text_clear(&dd->html);
        gmv_text_printf(&dd->html, "<I>%zu more tables not drawn</I>", ntables - drawn);
        snprintf(name, sizeof name, "%s_more", side);
        gva_node_set_html(gva_node_new(cluster, name), dd->html.data);
    }
}

/* The node of table `t` of one side, or NULL if it is not drawn. */
static gva_node *side_node(swiss_diff_draw *dd, bool after, uint32_t t)
{
    char name[40];
    if (t == GMV_NO_TABLE)
        snprintf(name, sizeof name, "%s_small", after ? "a" : "b");
    else
        snprintf(name, sizeof name, "%s_t%" PRIu32, after ? "a" : "b", t);
    return gva_node_find(dd->g, name);
}

/* A dashed arrow from each table of BEFORE kept in AFTER to itself there. */
static void draw_kept(swiss_diff_draw *dd)
{
    size_t n;
    const gmv_table_change *c = gmv_diff_table_changes(dd->d, &n);
    for (size_t i = 0; i < n; i++) {
        gva_node *from = side_node(dd, false, c[i].before), *to = side_node(dd, true, c[i].after_first);
        if (c[i].fate != GMV_TABLE_KEPT || !from || !to)
            continue;
        gva_edge *e = gva_edge_new(from, to);
        gva_edge_set(e, "style", "dashed");
        gva_edge_set(e, "color", "#999999");
        gva_edge_set(e, "fontcolor", "#777777");
        gva_edge_set(e, "label", "kept");
    }
}

/* One arrow per group of moves whose two tables are drawn. */
static size_t draw_moves(swiss_diff_draw *dd)
{
    size_t drawn = 0;
    char label[64];
    for (size_t i = 0; i < dd->nmoves; i++) {
        const move_group *g = &dd->moves[i];
        gva_node *from = side_node(dd, false, g->from), *to = side_node(dd, true, g->to);
        if (!from || !to)
            continue;
        gva_edge *e = gva_edge_new(from, to);
        const char *what = g->status == CELL_GROWN ? "grown" : g->status == CELL_LEFT ? "left"
                           : g->status == CELL_RIGHT ? "right" : g->status == CELL_TABLE ? "to table"
                           : g->status == CELL_MOVED_SAME ? "same table" : "elsewhere";
        snprintf(label, sizeof label, "%" PRIu64 " %s", g->entries, what);
        gva_edge_set(e, "color", ARROW_COLOR[g->status]);
        gva_edge_set(e, "fontcolor", ARROW_COLOR[g->status]);
        gva_edge_set(e, "label", label);
        drawn++;
    }
    return drawn;
}

/* Title and legend. */
static void draw_title_and_legend(swiss_diff_draw *dd, const gmv_origin *origin, size_t arrows)
{
    gmv_diff_counts c = gmv_diff_count(dd->d);
    gmv_text_clear(&dd->html);
    gmv_text_puts(&dd->html, "<B>");
    gmv_text_append_html(&dd->html, origin && origin->variable[0] ? origin->variable : "map");
    gmv_text_puts(&dd->html, "</B> ");
    gmv_text_append_html(&dd->html, gmv_model_layout(dd->d->after)->map_type);
    gmv_text_printf(&dd->html, " \xc2\xb7 %" PRIu64 " added, %" PRIu64 " removed, %" PRIu64 " changed, %" PRIu64
                               " moved", c.added, c.removed, c.changed, c.moved);
    const struct { uint64_t n; const char *where; } dest[] = {
        {c.to_grown, "into grown tables"}, {c.to_left, "to left halves"}, {c.to_right, "to right halves"},
        {c.to_table, "into a table"}, {c.to_same, "within their table"}, {c.elsewhere, "elsewhere"}};
    const char *sep = " (";
    for (size_t i = 0; i < sizeof dest / sizeof dest[0]; i++) {
        if (dest[i].n) {
            gmv_text_printf(&dd->html, "%s%" PRIu64 " %s", sep, dest[i].n, dest[i].where);
            sep = ", ";
        }
    }
    gmv_text_printf(&dd->html, "%s; an arrow per pair of tables, %zu drawn \xc2\xb7 Swiss tables", c.moved ? ")" : "",
                    arrows);
    gva_graph_set_html(dd->g, dd->html.failed ? NULL : dd->html.data);
    gmv_text_clear(&dd->html);
    gmv_text_puts(&dd->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">");
    for (size_t i = 0; i < CELL_STATUSES; i++)
        gmv_text_printf(&dd->html, "<TR><TD BGCOLOR=\"%s\">  </TD><TD ALIGN=\"LEFT\">%s</TD></TR>", STATUS_COLOR[i],
                        STATUS_NAME[i]);
    gmv_text_puts(&dd->html, "<TR><TD BGCOLOR=\"" COLOR_DELETED "\">  </TD><TD ALIGN=\"LEFT\">deleted slot (tombstone)</TD></TR>"
                             "<TR><TD BGCOLOR=\"#ffffff\">  </TD><TD ALIGN=\"LEFT\">empty slot</TD></TR></TABLE>");
    gva_node_set_html(gva_node_new(dd->g, "legend"), dd->html.failed ? NULL : dd->html.data);
}

int swiss_diff_graph(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after,
                     gmv_graph_format format)
{
    (void)before;
    swiss_diff_draw dd = {.d = d};
    int rc = mark_statuses(&dd);
    if (rc == 0)
        rc = group_moves(&dd);
    if (rc != 0)
        rc = gmv_fail(GMV_ERR_NOMEM, "out of memory drawing the diff");
    if (rc == 0 && !(dd.g = gva_open("gomapviz_diff")))
        rc = gmv_fail(GMV_ERR_NOMEM, "Graphviz could not create a graph");
    if (rc == 0) {
        gva_graph_set(dd.g, "rankdir", "LR");
        gva_graph_set(dd.g, "labelloc", "t");
        gva_graph_set(dd.g, "fontname", "Helvetica");
        gva_graph_set(dd.g, "nodesep", "0.3");
        gva_graph_set(dd.g, "ranksep", "1.5");
        gva_default_node(dd.g, "shape", "plain");
        gva_default_node(dd.g, "fontname", "Helvetica");
        gva_default_node(dd.g, "fontsize", "9");
        gva_default_edge(dd.g, "fontname", "Helvetica");
        gva_default_edge(dd.g, "fontsize", "9");
        draw_side(&dd, d->before, dd.before, false);
        draw_side(&dd, d->after, dd.after, true);
        draw_kept(&dd);
        draw_title_and_legend(&dd, after, draw_moves(&dd));
        rc = gva_emit(dd.g, out, format);
    }
    gva_close(dd.g);
    free(dd.before);
    free(dd.after);
    free(dd.moves);
    gmv_text_free(&dd.html);
    gmv_text_free(&dd.scratch);
    return rc;
}
