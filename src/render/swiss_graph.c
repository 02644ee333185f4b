/* A Swiss-table map's diagram: the Map header; for a small map its one
 * group; else the directory (an arrow from each entry to its table; a
 * shared table drawn once) and each table as rows of groups, a group being
 * its 8 control bytes (the H2 or the state, coloured by state) over its
 * slots' keys and values. A map of more groups than the full-view limit, or
 * a focus, gives a summary of the tables plus the groups chosen. Every text
 * from map memory is escaped (gmv_text_append_html). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "render/value_links.h"
#include "render/graphviz.h"
#include "render/render_impl.h"
#include "render/text.h"

#define COLOR_HEAD "#3b4a6b"
#define COLOR_TABLE_HEAD "#e6e9f0"
#define COLOR_GROUP_HEAD "#f3f5f9"
#define COLOR_ANOMALY "#d62728"
#define COLOR_FOCUS_KEY "#fff1a8"
#define MAX_TOMBSTONE_GROUPS 8 /* groups with the most tombstones drawn in a summary */
#define MAX_ANOMALOUS_GROUPS 8
#define MAX_ROWS 32            /* directory or table summary rows before ranges */
#define RANGE_ROWS 16

/* The state of one diagram. */
typedef struct swiss_draw {
    const gmv_model *model;
    const gmv_origin *origin;
    gmv_graph_options opt;
    gva_graph *g;
    gmv_text html, scratch;
    value_links links;    /* func values of the label being built */
    const gmv_dir_entry *dir;
    size_t ndir;
    const gmv_table *tables;
    size_t ntables;
    const gmv_group *groups;
    size_t ngroups;
    const gmv_entry *entries;
    size_t nentries;
    bool summary;        /* too many groups, or a focus: a table summary plus chosen groups */
    bool *drawn;         /* per group record: drawn in full */
    size_t drawn_count;
    gva_node **table_node; /* per table: the node of its drawn groups, or NULL */
    gva_node *header, *directory, *table_summary;
} swiss_draw;

/* ---- labels ---- */

static const char *state_color(gmv_ctrl_state s)
{
    switch (s) {
    case GMV_CTRL_FULL: return "#b7e4b0";
    case GMV_CTRL_DELETED: return "#bdbdbd";
    case GMV_CTRL_EMPTY: return "#ffffff";
    default: return COLOR_ANOMALY;
    }
}

/* The text of a control byte: its H2 in hex, or the byte and its state. */
static void ctrl_text(gmv_text *t, uint8_t ctrl, gmv_ctrl_state s)
{
    switch (s) {
    case GMV_CTRL_FULL: gmv_text_printf(t, "%02x", ctrl); break;
    case GMV_CTRL_EMPTY: gmv_text_puts(t, "80 empty"); break;
    case GMV_CTRL_DELETED: gmv_text_puts(t, "fe deleted"); break;
    default: gmv_text_printf(t, "%02x ?", ctrl); break;
    }
}

/* Appends escaped text made printf-style. */
static void put_textf(swiss_draw *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_textf(swiss_draw *d, const char *fmt, ...)
{
    char text[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    gmv_text_append_html(&d->html, text);
}

/* True if entry `e`'s key reads as `text`, as Go prints it. */
static bool entry_has_key(swiss_draw *d, const gmv_entry *e, const char *text)
{
    return gmv_key_matches(&e->key, gmv_model_layout(d->model)->key.size, text, &d->scratch);
}

/* True if an anomaly names group `group` of table `table` (-1: the table itself). */
static bool has_anomaly(const swiss_draw *d, int64_t table, int64_t group)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(d->model, &n);
    for (size_t i = 0; i < n; i++) {
        if (a[i].table == table && (group < 0 || a[i].bucket == group))
            return true;
    }
    return false;
}

/* One "name | value" row of the header. */
static void header_row(swiss_draw *d, const char *name, const char *port, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void header_row(swiss_draw *d, const char *name, const char *port, const char *fmt, ...)
{
    char value[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(value, sizeof value, fmt, args);
    va_end(args);
    gmv_text_printf(&d->html, "<TR><TD ALIGN=\"LEFT\">%s</TD><TD ALIGN=\"LEFT\"%s%s%s>", name, port ? " PORT=\"" : "",
                    port ? port : "", port ? "\"" : "");
    gmv_text_append_html(&d->html, value);
    gmv_text_puts(&d->html, "</TD></TR>");
}

static void label_header(swiss_draw *d)
{
    const gmv_header *h = gmv_model_header(d->model);
    const gmv_swiss_header *s = gmv_model_swiss_header(d->model);
    const gmv_swiss_stats *st = &gmv_model_stats(d->model)->swiss;
    gmv_text_clear(&d->html);
    gmv_text_printf(&d->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
                              "<TR><TD COLSPAN=\"2\" BGCOLOR=\"%s\"><FONT COLOR=\"white\"><B>Map</B> ", COLOR_HEAD);
    gmv_text_append_html(&d->html, gmv_model_layout(d->model)->map_type);
    gmv_text_puts(&d->html, "</FONT></TD></TR>");
    header_row(d, "address", NULL, "0x%" PRIx64, h->address);
    if (h->nil) {
        header_row(d, "nil map", NULL, "no header, no tables");
        gmv_text_puts(&d->html, "</TABLE>");
        return;
    }
    header_row(d, "used", NULL, "%" PRIu64, s->used);
    header_row(d, "seed", NULL, "0x%" PRIx64, s->seed);
    header_row(d, "dirPtr", "dir", "0x%" PRIx64 "%s", s->dir_ptr,
               s->small ? " (one group)" : s->dir_len ? "" : " (no storage yet)");
    header_row(d, "dirLen", NULL, "%" PRIu64 "%s", s->dir_len, s->small ? " (small map)" : "");
    header_row(d, "globalDepth", NULL, "%u", s->global_depth);
    header_row(d, "globalShift", NULL, "%u", s->global_shift);
    header_row(d, "writing", NULL, "%u", s->writing);
    if (s->has_tombstone_possible)
        header_row(d, "tombstonePossible", NULL, "%s", s->tombstone_possible ? "true" : "false");
    header_row(d, "clearSeq", NULL, "%" PRIu64, s->clear_seq);
    if (s->small)
        header_row(d, "load", NULL, "%" PRIu64 " of 8 slots (the 9th entry makes a table)", st->full_slots);
    else
        header_row(d, "load", NULL, "%.1f%% of %" PRIu64 " slots (a table grows past 87.5%%)", st->load_factor * 100,
                   st->capacity);
    gmv_text_puts(&d->html, "</TABLE>");
}

/* The cell of slot `i` of group `g` in the key row (`key`) or value row. */
static void slot_cell(swiss_draw *d, const gmv_group *g, int i, bool key)
{
    const gmv_layout *l = gmv_model_layout(d->model);
    uint32_t e = g->entry[i];
    bool live = e != GMV_NO_ENTRY && e < d->nentries;
    bool focus = key && live && d->opt.focus_key && entry_has_key(d, &d->entries[e], d->opt.focus_key);
    const gmv_value *v = !live ? NULL : key ? &d->entries[e].key : &d->entries[e].elem;
    const char *port = v && !key ? value_links_add(&d->links, v) : NULL;
    gmv_value_cell(&d->html, &d->scratch, v, key ? l->key.size : l->elem.size, d->opt.max_text,
                   focus ? COLOR_FOCUS_KEY : NULL, port, " ");
}

/* Appends the table of one group: a heading, its control bytes, then the
 * keys and values of its slots (8 columns). `index` is its place in its
 * table; `table` is -1 for a small map. */
static void label_group(swiss_draw *d, const gmv_group *g, int64_t table, uint64_t index)
{
    bool with_values = gmv_model_layout(d->model)->elem.size > 0;
    bool bad = has_anomaly(d, table, (int64_t)index);
    char link[96] = "";
    if (d->opt.page_links && table >= 0)
        snprintf(link, sizeof link, " HREF=\"#table=%" PRId64 "&amp;group=%" PRIu64 "\" TOOLTIP=\"open this group\"",
                 table, index);
    else if (d->opt.page_links)
        snprintf(link, sizeof link, " HREF=\"#small\" TOOLTIP=\"open this group\"");
    gmv_text_printf(&d->html, "<TABLE BORDER=\"%d\" COLOR=\"%s\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                              "<TR><TD COLSPAN=\"9\" ALIGN=\"LEFT\" BGCOLOR=\"%s\"%s><B>group %" PRIu64 "</B> "
                              "<FONT POINT-SIZE=\"8\">0x%" PRIx64 "</FONT></TD></TR>",
                    bad ? 2 : 0, bad ? COLOR_ANOMALY : "black", COLOR_GROUP_HEAD, link, index, g->address);
    if (!g->readable) {
        gmv_text_printf(&d->html, "<TR><TD COLSPAN=\"9\" BGCOLOR=\"%s\"><FONT COLOR=\"white\">unreadable memory"
                                  "</FONT></TD></TR></TABLE>", COLOR_ANOMALY);
        return;
    }
    gmv_text_puts(&d->html, "<TR><TD ALIGN=\"LEFT\"><I>ctrl</I></TD>");
    for (int i = 0; i < GMV_GROUP_SLOTS; i++) {
        gmv_text_printf(&d->html, "<TD BGCOLOR=\"%s\">", state_color((gmv_ctrl_state)g->state[i]));
        ctrl_text(&d->html, g->ctrl[i], (gmv_ctrl_state)g->state[i]);
        gmv_text_puts(&d->html, "</TD>");
    }
    gmv_text_puts(&d->html, "</TR><TR><TD ALIGN=\"LEFT\"><I>key</I></TD>");
    for (int i = 0; i < GMV_GROUP_SLOTS; i++)
        slot_cell(d, g, i, true);
    gmv_text_puts(&d->html, "</TR>");
    if (with_values) {
        gmv_text_puts(&d->html, "<TR><TD ALIGN=\"LEFT\"><I>value</I></TD>");
        for (int i = 0; i < GMV_GROUP_SLOTS; i++)
            slot_cell(d, g, i, false);
        gmv_text_puts(&d->html, "</TR>");
    }
    gmv_text_puts(&d->html, "</TABLE>");
}

/* The heading of a table's node: its fields under the runtime's names,
 * spanning the `columns` its groups are laid out in. */
static void table_heading(swiss_draw *d, size_t ti, size_t columns)
{
    const gmv_table *t = &d->tables[ti];
    bool bad = has_anomaly(d, (int64_t)ti, -1);
    char span[32] = "";
    if (columns > 1)
        snprintf(span, sizeof span, " COLSPAN=\"%zu\"", columns);
    char link[64] = "";
    if (d->opt.page_links)
        snprintf(link, sizeof link, " HREF=\"#table=%zu\" TOOLTIP=\"open this table\"", ti);
    gmv_text_printf(&d->html, "<TR><TD PORT=\"in\" ALIGN=\"LEFT\" BGCOLOR=\"%s\"%s%s><B>table %zu</B> "
                              "<FONT POINT-SIZE=\"8\">0x%" PRIx64 "</FONT><BR ALIGN=\"LEFT\"/>",
                    bad ? "#f6c6c6" : COLOR_TABLE_HEAD, span, link, ti, t->address);
    if (!t->readable) {
        gmv_text_puts(&d->html, "unreadable memory</TD></TR>");
        return;
    }
    put_textf(d, "index %" PRId64 " \xc2\xb7 localDepth %u \xc2\xb7 capacity %u \xc2\xb7 used %u \xc2\xb7 growthLeft %u"
                 " \xc2\xb7 tombstones %" PRId64, t->index, t->local_depth, t->capacity, t->used, t->growth_left,
              t->tombstones);
    gmv_text_puts(&d->html, "<BR ALIGN=\"LEFT\"/>");
    put_textf(d, "groups 0x%" PRIx64 ", lengthMask %" PRIu64 " \xc2\xb7 directory entr%s %" PRIu64, t->groups_data,
              t->length_mask, t->dir_count == 1 ? "y" : "ies", t->dir_first);
    if (t->dir_count > 1)
        put_textf(d, "\xe2\x80\x93%" PRIu64, t->dir_first + t->dir_count - 1);
    gmv_text_puts(&d->html, "<BR ALIGN=\"LEFT\"/></TD></TR>");
}

/* ---- what to draw ---- */

/* Marks group record `gi` as drawn. */
static void mark(swiss_draw *d, size_t gi)
{
    if (gi < d->ngroups && !d->drawn[gi]) {
        d->drawn[gi] = true;
        d->drawn_count++;
    }
}

/* Marks the groups holding the focus key; false if no entry has it. */
static bool mark_key(swiss_draw *d)
{
    bool any = false;
    for (size_t gi = 0; gi < d->ngroups; gi++) {
        for (int i = 0; i < GMV_GROUP_SLOTS; i++) {
            uint32_t e = d->groups[gi].entry[i];
            if (e != GMV_NO_ENTRY && e < d->nentries && entry_has_key(d, &d->entries[e], d->opt.focus_key)) {
                mark(d, gi);
                any = true;
            }
        }
    }
    return any;
}

/* Marks groups [first, last] of the focus table (every group without a
 * range); false if there are none. */
static bool mark_table(swiss_draw *d)
{
    uint64_t ti = d->opt.has_focus_table ? d->opt.focus_table : 0;
    if (gmv_model_small_group(d->model) && ti == 0) {
        if (d->opt.has_focus_groups && d->opt.groups_first > 0)
            return false;
        mark(d, 0);
        return true;
    }
    if (ti >= d->ntables)
        return false;
    const gmv_table *t = &d->tables[ti];
    uint64_t first = d->opt.has_focus_groups ? d->opt.groups_first : 0;
    uint64_t last = d->opt.has_focus_groups ? d->opt.groups_last : UINT64_MAX;
    bool any = false;
    for (uint64_t j = first; j < t->ngroups && j <= last; j++) {
        mark(d, t->first_group + (size_t)j);
        any = true;
    }
    return any;
}

/* Deleted slots of group record `gi`. */
static int tombstones_of(const gmv_group *g)
{
    int n = 0;
    for (int i = 0; g->readable && i < GMV_GROUP_SLOTS; i++)
        n += g->state[i] == GMV_CTRL_DELETED;
    return n;
}

/* How many groups hold a tombstone or have an anomaly (a few are enough). */
static size_t notable_count(const swiss_draw *d)
{
    size_t n = 0;
    for (size_t gi = 0; gi < d->ngroups && n < 2; gi++)
        n += tombstones_of(&d->groups[gi]) > 0;
    size_t na;
    gmv_model_anomalies(d->model, &na);
    return n + na;
}

/* Orders group records. */
static int by_index(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Marks the first few groups (by position) that an anomaly names. Goes
 * through the anomalies, not the groups: a map of millions of groups and
 * thousands of tables has few anomalies. */
static void mark_anomalous(swiss_draw *d)
{
    size_t n, k = 0;
    const gmv_anomaly *a = gmv_model_anomalies(d->model, &n);
    uint64_t *named = malloc((n ? n : 1) * sizeof *named);
    if (!named)
        return; /* only fewer groups drawn */
    for (size_t i = 0; i < n; i++) {
        if (a[i].table < 0 || a[i].bucket < 0 || (uint64_t)a[i].table >= d->ntables)
            continue;
        const gmv_table *t = &d->tables[a[i].table];
        if ((uint64_t)a[i].bucket < t->ngroups)
            named[k++] = t->first_group + (uint64_t)a[i].bucket;
    }
    qsort(named, k, sizeof *named, by_index);
    for (size_t i = 0, marked = 0; i < k && marked < MAX_ANOMALOUS_GROUPS; i++) {
        if (i > 0 && named[i] == named[i - 1])
            continue;
        mark(d, (size_t)named[i]);
        marked++;
    }
    free(named);
}

/* In a summary without a focus: the groups with the most tombstones (ties
 * by position), and groups with anomalies, a few of each. */
static void mark_notable(swiss_draw *d)
{
    for (int want = GMV_GROUP_SLOTS; want > 0 && d->drawn_count < MAX_TOMBSTONE_GROUPS; want--) {
        for (size_t gi = 0; gi < d->ngroups && d->drawn_count < MAX_TOMBSTONE_GROUPS; gi++) {
            if (tombstones_of(&d->groups[gi]) == want)
                mark(d, gi);
        }
    }
    mark_anomalous(d);
}

/* Decides what is drawn in full; fails when a focus names nothing. */
static int select_groups(swiss_draw *d)
{
    d->drawn = calloc(d->ngroups ? d->ngroups : 1, sizeof *d->drawn);
    d->table_node = calloc(d->ntables ? d->ntables : 1, sizeof *d->table_node);
    if (!d->drawn || !d->table_node)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory laying out the diagram");
    const gmv_graph_options *o = &d->opt;
    if (o->has_focus_range || o->focus_longest)
        return gmv_fail(GMV_ERR_INVALID, "a Swiss-table map has groups, not buckets or overflow chains: draw one "
                                         "table with %s N, some of its groups with %s A-B, or a key with %s",
                        gmv_option_name(GMV_OPTION_TABLE), gmv_option_name(GMV_OPTION_GROUPS),
                        gmv_option_name(GMV_OPTION_KEY));
    bool focused = o->focus_key || o->has_focus_table || o->has_focus_groups;
    d->summary = focused || d->ngroups > o->full_limit;
    if (!d->summary) {
        for (size_t gi = 0; gi < d->ngroups; gi++)
            mark(d, gi);
        return 0;
    }
    if (o->focus_key && !mark_key(d))
        return gmv_fail(GMV_ERR_INVALID, "no entry has the key %s (write it as Go prints it, without quotes)",
                        o->focus_key);
    if ((o->has_focus_table || o->has_focus_groups) && !mark_table(d)) {
        uint64_t ti = o->has_focus_table ? o->focus_table : 0;
        if (ti >= d->ntables && !(ti == 0 && gmv_model_small_group(d->model)))
            return gmv_fail(GMV_ERR_INVALID, "no table %" PRIu64 ": the map has %zu table%s (numbered from 0)", ti,
                            d->ntables, d->ntables == 1 ? "" : "s");
        return gmv_fail(GMV_ERR_INVALID, "table %" PRIu64 " has no group in %" PRIu64 "-%" PRIu64, ti, o->groups_first,
                        o->groups_last);
    }
    if (!focused)
        mark_notable(d);
    if (!focused && d->drawn_count == 0 && d->ntables && d->tables[0].ngroups)
        mark(d, d->tables[0].first_group); /* nothing notable: an example group */
    return 0;
}

/* ---- drawing ---- */

/* A node in `parent` labelled with the HTML now in d->html, with the paths
 * of the func values in it. */
static gva_node *html_node(swiss_draw *d, gva_graph *parent, const char *name)
{
    gva_node *n = gva_node_new(parent, name);
    gva_node_set_html(n, d->html.failed ? NULL : d->html.data);
    value_links_draw(&d->links, d->g, n);
    return n;
}

/* An edge; `tailport`/`headport` may be NULL. */
static gva_edge *edge(gva_node *from, gva_node *to, const char *tailport, const char *headport)
{
    gva_edge *e = gva_edge_new(from, to);
    if (tailport)
        gva_edge_set(e, "tailport", tailport);
    if (headport)
        gva_edge_set(e, "headport", headport);
    return e;
}

/* The small map: the header's dirPtr points at its one group. */
static void draw_small(swiss_draw *d)
{
    const gmv_group *g = gmv_model_small_group(d->model);
    gmv_text_clear(&d->html);
    gmv_text_puts(&d->html, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">"
                            "<TR><TD PORT=\"in\" ALIGN=\"LEFT\"><B>small map</B>: one group, no table</TD></TR><TR><TD>");
    label_group(d, g, -1, 0);
    gmv_text_puts(&d->html, "</TD></TR></TABLE>");
    edge(d->header, html_node(d, d->g, "small_group"), "dir:e", "in:w");
}

/* Up to this many drawn groups of a table stay in one column. */
#define ONE_COLUMN_GROUPS 8

/* How many columns `drawn` groups of a table are laid out in, left to right
 * then down. A group is drawn about ten times as wide as it is tall (8
 * slots side by side), so K columns of drawn/K groups are about as wide as
 * tall, a little wider, for K*K*8 near `drawn` (128 groups: 4 columns). */
static size_t group_columns(size_t drawn)
{
    if (drawn <= ONE_COLUMN_GROUPS)
        return 1;
    size_t k = 1;
    while (k * k * 8 < drawn)
        k++;
    return k;
}

/* The node of table `ti`: its heading and its drawn groups. */
static void draw_table(swiss_draw *d, size_t ti)
{
    const gmv_table *t = &d->tables[ti];
    size_t drawn = 0;
    for (size_t j = 0; j < t->ngroups; j++)
        drawn += d->drawn[t->first_group + j];
    if (d->summary && drawn == 0)
        return;
    char name[32];
    snprintf(name, sizeof name, "table%zu", ti);
    size_t columns = group_columns(drawn);
    gmv_text_clear(&d->html);
    gmv_text_puts(&d->html, "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"6\" CELLPADDING=\"0\">");
    table_heading(d, ti, columns);
    size_t placed = 0;
    for (size_t j = 0; j < t->ngroups; j++) {
        if (!d->drawn[t->first_group + j])
            continue;
        gmv_text_puts(&d->html, placed % columns == 0 ? "<TR><TD>" : "<TD>");
        label_group(d, &d->groups[t->first_group + j], (int64_t)ti, j);
        placed++;
        gmv_text_puts(&d->html, placed % columns == 0 || placed == drawn ? "</TD></TR>" : "</TD>");
    }
    if (d->summary && drawn < t->ngroups) {
        char span[32] = "";
        if (columns > 1)
            snprintf(span, sizeof span, " COLSPAN=\"%zu\"", columns);
        gmv_text_printf(&d->html, "<TR><TD%s ALIGN=\"LEFT\"><I>%zu of %zu groups drawn</I></TD></TR>", span, drawn,
                        t->ngroups);
    }
    gmv_text_puts(&d->html, "</TABLE>");
    d->table_node[ti] = html_node(d, d->g, name);
    gva_node_set(d->table_node[ti], "group", "tables");
}

/* Rows of a list of `n` items shown as ranges: one per item up to
 * MAX_ROWS, else RANGE_ROWS rows of even ranges. */
static size_t list_rows(uint64_t n)
{
    return n <= MAX_ROWS ? (size_t)n : RANGE_ROWS;
}

static void row_range(uint64_t n, size_t row, uint64_t *first, uint64_t *last)
{
    uint64_t rows = list_rows(n), q = n / rows, r = n % rows;
    *first = q * row + r * row / rows;
    *last = q * (row + 1) + r * (row + 1) / rows - 1;
}

/* The directory: a row per entry (or per range of entries), port d<row>. */
static void draw_directory(swiss_draw *d)
{
    gmv_text_clear(&d->html);
    gmv_text_printf(&d->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
                              "<TR><TD COLSPAN=\"2\" BGCOLOR=\"%s\"><B>directory</B> <FONT POINT-SIZE=\"8\">%zu "
                              "entr%s at 0x%" PRIx64 "</FONT></TD></TR>",
                    COLOR_TABLE_HEAD, d->ndir, d->ndir == 1 ? "y" : "ies", gmv_model_swiss_header(d->model)->dir_ptr);
    for (size_t row = 0; row < list_rows(d->ndir); row++) {
        uint64_t first, last;
        row_range(d->ndir, row, &first, &last);
        uint32_t t0 = d->dir[first].table, t1 = d->dir[last].table;
        gmv_text_printf(&d->html, "<TR><TD ALIGN=\"RIGHT\">%" PRIu64, first);
        if (last > first)
            gmv_text_printf(&d->html, "\xe2\x80\x93%" PRIu64, last);
        gmv_text_printf(&d->html, "</TD><TD PORT=\"d%zu\" ALIGN=\"LEFT\">", row);
        if (t0 == GMV_NO_TABLE)
            gmv_text_puts(&d->html, first == last && !d->dir[first].table_address ? "nil" : "?");
        else if (t0 == t1)
            gmv_text_printf(&d->html, "table %" PRIu32, t0);
        else
            gmv_text_printf(&d->html, "tables %" PRIu32 "\xe2\x80\x93%" PRIu32, t0, t1 == GMV_NO_TABLE ? t0 : t1);
        gmv_text_puts(&d->html, "</TD></TR>");
    }
    gmv_text_puts(&d->html, "</TABLE>");
    d->directory = html_node(d, d->g, "directory");
    edge(d->header, d->directory, "dir:e", NULL);
}

/* A white-to-green shade for how full a table is (0..1). */
static void fill_color(double fill, char *out, size_t size)
{
    fill = fill > 1 ? 1 : fill < 0 ? 0 : fill;
    int g = 255 - (int)(fill * 80), rb = 255 - (int)(fill * 120);
    snprintf(out, size, "#%02x%02x%02x", rb, g, rb);
}

/* The summary of the tables: a row per table (or range of tables), port r<row>. */
static void draw_table_summary(swiss_draw *d)
{
    gmv_text_clear(&d->html);
    gmv_text_printf(&d->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
                              "<TR><TD COLSPAN=\"7\" BGCOLOR=\"%s\"><B>%zu table%s</B></TD></TR>"
                              "<TR><TD>tables</TD><TD>localDepth</TD><TD>capacity</TD><TD>used</TD><TD>fill</TD>"
                              "<TD>tombstones</TD><TD>growthLeft</TD></TR>",
                    COLOR_TABLE_HEAD, d->ntables, d->ntables == 1 ? "" : "s");
    for (size_t row = 0; row < list_rows(d->ntables); row++) {
        uint64_t first, last, capacity = 0, used = 0, left = 0, depth_min = UINT64_MAX, depth_max = 0;
        int64_t tombstones = 0;
        row_range(d->ntables, row, &first, &last);
        for (uint64_t t = first; t <= last; t++) {
            const gmv_table *tab = &d->tables[t];
            capacity += tab->capacity;
            used += tab->used;
            left += tab->growth_left;
            tombstones += tab->tombstones;
            depth_min = tab->local_depth < depth_min ? tab->local_depth : depth_min;
            depth_max = tab->local_depth > depth_max ? tab->local_depth : depth_max;
        }
        char color[16];
        double fill = capacity ? (double)used / (double)capacity : 0;
        fill_color(fill / 0.875, color, sizeof color);
        char link[96] = "";
        if (d->opt.page_links)
            snprintf(link, sizeof link, " HREF=\"#tables=%" PRIu64 "-%" PRIu64 "\" TOOLTIP=\"open these tables\"",
                     first, last);
        gmv_text_printf(&d->html, "<TR><TD PORT=\"r%zu\" ALIGN=\"LEFT\"%s>%" PRIu64, row, link, first);
        if (last > first)
            gmv_text_printf(&d->html, "\xe2\x80\x93%" PRIu64, last);
        gmv_text_printf(&d->html, "</TD><TD>%" PRIu64, depth_min);
        if (depth_max > depth_min)
            gmv_text_printf(&d->html, "\xe2\x80\x93%" PRIu64, depth_max);
        gmv_text_printf(&d->html, "</TD><TD>%" PRIu64 "</TD><TD>%" PRIu64 "</TD><TD BGCOLOR=\"%s\">%.0f%%</TD>"
                                  "<TD>%" PRId64 "</TD><TD PORT=\"o%zu\">%" PRIu64 "</TD></TR>",
                        capacity, used, color, fill * 100, tombstones, row, left);
    }
    gmv_text_printf(&d->html, "<TR><TD COLSPAN=\"7\" ALIGN=\"LEFT\"><I>%zu of %zu groups drawn in full (%s)</I></TD>"
                              "</TR></TABLE>",
                    d->drawn_count, d->ngroups,
                    d->opt.focus_key || d->opt.has_focus_table || d->opt.has_focus_groups ? "the focus"
                    : notable_count(d) ? "the groups with the most tombstones and any with anomalies"
                                       : "an example: the first group of table 0");
    d->table_summary = html_node(d, d->g, "tables");
}

/* The summary row of table `ti`. */
static size_t summary_row_of(const swiss_draw *d, size_t ti)
{
    for (size_t row = 0; row < list_rows(d->ntables); row++) {
        uint64_t first, last;
        row_range(d->ntables, row, &first, &last);
        if (ti >= first && ti <= last)
            return row;
    }
    return 0;
}

/* Arrows from the directory to the tables (each entry, or each row of a
 * ranged directory, to its table or its summary row), and from summary
 * rows to the tables drawn in full. */
static void draw_directory_edges(swiss_draw *d)
{
    char tail[32], head[32];
    uint32_t last_table = GMV_NO_TABLE;
    for (size_t row = 0; row < list_rows(d->ndir); row++) {
        uint64_t first, last;
        row_range(d->ndir, row, &first, &last);
        uint32_t t = d->dir[first].table;
        if (t == GMV_NO_TABLE || (first != last && t == last_table))
            continue; /* each entry an arrow; each range of entries one per table it starts in */
        last_table = t;
        snprintf(tail, sizeof tail, "d%zu:e", row);
        if (d->summary) {
            snprintf(head, sizeof head, "r%zu:w", summary_row_of(d, t));
            edge(d->directory, d->table_summary, tail, head);
        } else if (d->table_node[t]) {
            edge(d->directory, d->table_node[t], tail, "in:w");
        }
    }
    for (size_t ti = 0; d->summary && ti < d->ntables; ti++) {
        if (!d->table_node[ti])
            continue;
        snprintf(tail, sizeof tail, "o%zu:e", summary_row_of(d, ti));
        edge(d->table_summary, d->table_node[ti], tail, "in:w");
    }
}

static void draw_legend(swiss_draw *d)
{
    static const gmv_ctrl_state states[] = {GMV_CTRL_FULL, GMV_CTRL_EMPTY, GMV_CTRL_DELETED, GMV_CTRL_INVALID};
    static const char *const sample[] = {"3a", "80 empty", "fe deleted", "c1 ?"};
    static const char *const meaning[] = {
        "full: the low 7 bits (H2) of the key's hash", "empty (0x80): a lookup stops at a group with one",
        "deleted (0xFE): a tombstone, left where a full group lost an entry", "no state the runtime writes"};
    gmv_text_clear(&d->html);
    gmv_text_puts(&d->html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                            "<TR><TD COLSPAN=\"2\"><B>control bytes</B></TD></TR>");
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        gmv_text_printf(&d->html, "<TR><TD BGCOLOR=\"%s\">%s</TD><TD ALIGN=\"LEFT\">%s</TD></TR>",
                        state_color(states[i]), sample[i], meaning[i]);
    gmv_text_printf(&d->html, "<TR><TD BGCOLOR=\"%s\"> </TD><TD ALIGN=\"LEFT\">anomaly (see the list)</TD></TR></TABLE>",
                    COLOR_ANOMALY);
    gva_edge_set(edge(d->header, html_node(d, d->g, "legend"), NULL, NULL), "style", "invis");
}

static void draw_anomalies(swiss_draw *d)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(d->model, &n);
    if (n == 0)
        return;
    gmv_text_clear(&d->html);
    gmv_text_printf(&d->html, "<TABLE BORDER=\"2\" COLOR=\"%s\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                              "<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"%s\"><B>%zu anomalies</B></FONT></TD></TR>",
                    COLOR_ANOMALY, COLOR_ANOMALY, n + (size_t)gmv_model_anomalies_dropped(d->model));
    for (size_t i = 0; i < n && i < 12; i++) {
        gmv_text_puts(&d->html, "<TR><TD ALIGN=\"LEFT\"><B>");
        gmv_text_append_html(&d->html, a[i].kind);
        gmv_text_puts(&d->html, "</B>: ");
        gmv_text_append_html(&d->html, a[i].message);
        gmv_text_puts(&d->html, "</TD></TR>");
    }
    if (n > 12)
        gmv_text_puts(&d->html, "<TR><TD ALIGN=\"LEFT\">\xe2\x80\xa6 (gomapviz dump lists all)</TD></TR>");
    gmv_text_puts(&d->html, "</TABLE>");
    html_node(d, d->g, "anomalies");
}

/* The graph's title: the variable, the type, what the map holds. */
static void set_title(swiss_draw *d)
{
    const gmv_header *h = gmv_model_header(d->model);
    const gmv_layout *l = gmv_model_layout(d->model);
    gmv_text_clear(&d->html);
    gmv_text_puts(&d->html, "<B>");
    gmv_text_append_html(&d->html, d->origin && d->origin->variable[0] ? d->origin->variable : "map");
    gmv_text_puts(&d->html, "</B> ");
    gmv_text_append_html(&d->html, l->map_type);
    if (h->nil)
        gmv_text_puts(&d->html, " \xc2\xb7 nil map");
    else if (gmv_model_small_group(d->model))
        gmv_text_printf(&d->html, " \xc2\xb7 %" PRIu64 " entr%s in a small map (one group)", h->count,
                        h->count == 1 ? "y" : "ies");
    else
        gmv_text_printf(&d->html, " \xc2\xb7 %" PRIu64 " entr%s in %zu table%s, %zu groups, %zu directory entr%s",
                        h->count, h->count == 1 ? "y" : "ies", d->ntables, d->ntables == 1 ? "" : "s", d->ngroups,
                        d->ndir, d->ndir == 1 ? "y" : "ies");
    gmv_text_puts(&d->html, " \xc2\xb7 ");
    gmv_text_append_html(&d->html, l->go_version[0] ? l->go_version : "Go ?");
    gmv_text_printf(&d->html, " %s \xc2\xb7 Swiss tables%s", l->ptr_size == 8 ? "64-bit" : "32-bit",
                    l->swiss.split_groups ? " (split groups)" : "");
    gva_graph_set_html(d->g, d->html.failed ? NULL : d->html.data);
}

static void set_defaults(swiss_draw *d)
{
    gva_graph_set(d->g, "rankdir", "LR");
    gva_graph_set(d->g, "fontname", "Helvetica");
    gva_graph_set(d->g, "fontsize", "12");
    gva_graph_set(d->g, "labelloc", "t");
    gva_graph_set(d->g, "nodesep", "0.25");
    gva_graph_set(d->g, "ranksep", "0.6");
    set_title(d);
    gva_default_node(d->g, "shape", "plain");
    gva_default_node(d->g, "fontname", "Helvetica");
    gva_default_node(d->g, "fontsize", "10");
    gva_default_edge(d->g, "fontname", "Helvetica");
    gva_default_edge(d->g, "fontsize", "9");
}

/* Builds the whole graph into d->g. */
static int build(swiss_draw *d)
{
    d->g = gva_open("gomapviz");
    if (!d->g)
        return gmv_fail(GMV_ERR_NOMEM, "Graphviz could not create a graph");
    set_defaults(d);
    label_header(d);
    d->header = html_node(d, d->g, "map");
    if (gmv_model_header(d->model)->nil)
        return 0;
    int rc = select_groups(d);
    if (rc != 0)
        return rc;
    if (gmv_model_small_group(d->model)) {
        draw_small(d);
    } else if (d->ndir) {
        draw_directory(d);
        if (d->summary)
            draw_table_summary(d);
        for (size_t ti = 0; ti < d->ntables; ti++)
            draw_table(d, ti);
        draw_directory_edges(d);
    }
    draw_anomalies(d);
    draw_legend(d);
    return 0;
}

int swiss_render_graph(FILE *out, const gmv_model *m, const gmv_origin *origin, const gmv_graph_options *opt,
                       gmv_graph_format format)
{
    swiss_draw d = {.model = m, .origin = origin, .opt = *opt};
    d.dir = gmv_model_directory(m, &d.ndir);
    d.tables = gmv_model_tables(m, &d.ntables);
    d.groups = gmv_model_groups(m, &d.ngroups);
    d.entries = gmv_model_entries(m, &d.nentries);
    int rc = build(&d);
    if (rc == 0)
        rc = gva_emit(d.g, out, format);
    gva_close(d.g);
    free(d.drawn);
    free(d.table_node);
    gmv_text_free(&d.html);
    gmv_text_free(&d.scratch);
    value_links_free(&d.links);
    return rc;
}
