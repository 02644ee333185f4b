/* What a diff of two Swiss-table maps compares and writes beyond the
 * entries: what became of each table of BEFORE (kept, grown in place,
 * split in two, replaced), the directory's growth, a small map turned into
 * a table, and the half of a split or the grown table each moved entry went
 * to. A table's place is its run of directory entries: BEFORE's run, scaled
 * by the directory's growth, is the run the tables that replaced it cover. */
#include <inttypes.h>
#include <stdlib.h>

#include "diff/diff_impl.h"

/* How many AFTER directory entries one BEFORE entry became (a power of two),
 * or 0 when the directory shrank or is absent on either side. */
static uint64_t directory_scale(const gmv_diff *d)
{
    const gmv_swiss_header *a = gmv_model_swiss_header(d->before), *b = gmv_model_swiss_header(d->after);
    if (!a->dir_len || !b->dir_len || b->global_depth < a->global_depth || b->global_depth - a->global_depth >= 32)
        return 0;
    return UINT64_C(1) << (b->global_depth - a->global_depth);
}

/* The fate of BEFORE's table `ti`: the AFTER tables over its entries. */
static gmv_table_change table_fate(const gmv_diff *d, size_t ti, uint64_t scale)
{
    size_t nb, na, ndir;
    const gmv_table *bt = gmv_model_tables(d->before, &nb), *at = gmv_model_tables(d->after, &na);
    const gmv_dir_entry *dir = gmv_model_directory(d->after, &ndir);
    const gmv_table *t = &bt[ti];
    gmv_table_change c = {.before = (uint32_t)ti, .fate = GMV_TABLE_GONE};
    uint64_t first = t->dir_first * scale, end = (t->dir_first + t->dir_count) * scale;
    if (!scale || end > ndir || first >= end || dir[first].table == GMV_NO_TABLE)
        return c;
    /* the AFTER tables first met in [first, end), which must tile it */
    uint32_t next = dir[first].table;
    c.after_first = next;
    bool tiled = true;
    for (uint64_t i = first; i < end; i++) {
        uint32_t tab = dir[i].table;
        if (tab == GMV_NO_TABLE || at[tab].dir_first < first || at[tab].dir_first + at[tab].dir_count > end) {
            tiled = false;
            break;
        }
        if (tab == next) {
            c.after_count++;
            next++;
        } else if (tab != next - 1) {
            tiled = false; /* not in table order: shared apart */
            break;
        }
    }
    if (!tiled) {
        c.after_count = 0;
        c.fate = GMV_TABLE_REPLACED;
        return c;
    }
    const gmv_table *u = &at[c.after_first];
    if (c.after_count == 1)
        c.fate = u->address == t->address ? GMV_TABLE_KEPT
                 : u->capacity > t->capacity && u->local_depth == t->local_depth ? GMV_TABLE_GROWN
                                                                                  : GMV_TABLE_REPLACED;
    else
        c.fate = u->local_depth > t->local_depth ? GMV_TABLE_SPLIT : GMV_TABLE_REPLACED;
    return c;
}

int swiss_diff_compare_structure(gmv_diff *d)
{
    size_t n;
    gmv_model_tables(d->before, &n);
    d->tables = malloc((n ? n : 1) * sizeof *d->tables);
    if (!d->tables)
        return GMV_ERR_NOMEM;
    uint64_t scale = directory_scale(d);
    for (size_t i = 0; i < n; i++)
        d->tables[d->ntables++] = table_fate(d, i, scale);
    return 0;
}

gmv_destination swiss_diff_destination(const gmv_diff *d, const gmv_entry *from, const gmv_entry *to)
{
    if (from->table == GMV_NO_TABLE)
        return to->table == GMV_NO_TABLE ? GMV_DEST_SAME : GMV_DEST_TABLE;
    if (from->table >= d->ntables || to->table == GMV_NO_TABLE)
        return GMV_DEST_ELSEWHERE;
    const gmv_table_change *c = &d->tables[from->table];
    if (to->table < c->after_first || to->table >= c->after_first + c->after_count)
        return GMV_DEST_ELSEWHERE;
    switch (c->fate) {
    case GMV_TABLE_KEPT: return GMV_DEST_SAME;
    case GMV_TABLE_GROWN: return GMV_DEST_GROWN;
    case GMV_TABLE_SPLIT: {
        /* which half of the old table's run of AFTER entries the new table lies in */
        size_t nb, na;
        const gmv_table *bt = gmv_model_tables(d->before, &nb), *at = gmv_model_tables(d->after, &na);
        uint64_t scale = directory_scale(d);
        uint64_t mid = (bt[from->table].dir_first * 2 + bt[from->table].dir_count) * scale / 2;
        return at[to->table].dir_first < mid ? GMV_DEST_LEFT : GMV_DEST_RIGHT;
    }
    default: return GMV_DEST_ELSEWHERE;
    }
}

/* ---- text ---- */

static void print_header(FILE *out, const gmv_diff *d)
{
    const gmv_swiss_header *a = gmv_model_swiss_header(d->before), *b = gmv_model_swiss_header(d->after);
    const char *sep = "header: ";
    diff_text_field(out, "used", a->used, b->used, false, &sep);
    diff_text_field(out, "seed", a->seed, b->seed, true, &sep);
    diff_text_field(out, "dirPtr", a->dir_ptr, b->dir_ptr, true, &sep);
    diff_text_field(out, "dirLen", a->dir_len, b->dir_len, false, &sep);
    diff_text_field(out, "globalDepth", a->global_depth, b->global_depth, false, &sep);
    diff_text_field(out, "globalShift", a->global_shift, b->global_shift, false, &sep);
    diff_text_field(out, "writing", a->writing, b->writing, false, &sep);
    diff_text_field(out, "tombstonePossible", a->tombstone_possible, b->tombstone_possible, false, &sep);
    diff_text_field(out, "clearSeq", a->clear_seq, b->clear_seq, false, &sep);
    fputs(sep[0] == 'h' ? "header: unchanged\n" : "\n", out);
}

/* "AFTER tables 3 and 4" or "AFTER table 2" or "AFTER tables 3-6". */
static void after_tables(gmv_text *t, const gmv_table_change *c)
{
    if (c->after_count == 1)
        gmv_text_printf(t, "table %" PRIu32, c->after_first);
    else if (c->after_count == 2)
        gmv_text_printf(t, "tables %" PRIu32 " and %" PRIu32, c->after_first, c->after_first + 1);
    else
        gmv_text_printf(t, "tables %" PRIu32 "-%" PRIu32, c->after_first, c->after_first + c->after_count - 1);
}

/* One line per table of BEFORE that did not stay as it was. */
static void print_tables(FILE *out, const gmv_diff *d, gmv_text *t)
{
    size_t nb, na;
    const gmv_table *bt = gmv_model_tables(d->before, &nb), *at = gmv_model_tables(d->after, &na);
    size_t kept = 0;
    for (size_t i = 0; i < d->ntables; i++) {
        const gmv_table_change *c = &d->tables[i];
        const gmv_table *b = &bt[c->before];
        if (c->fate == GMV_TABLE_KEPT) {
            kept++;
            continue;
        }
        gmv_text_clear(t);
        gmv_text_printf(t, "table %" PRIu32 " (capacity %u, localDepth %u, directory %" PRIu64 "-%" PRIu64 ") ",
                        c->before, b->capacity, b->local_depth, b->dir_first, b->dir_first + b->dir_count - 1);
        if (c->fate == GMV_TABLE_GROWN) {
            gmv_text_puts(t, "grew: now ");
            after_tables(t, c);
            gmv_text_printf(t, ", capacity %u", at[c->after_first].capacity);
        } else if (c->fate == GMV_TABLE_SPLIT) {
            gmv_text_puts(t, "split into ");
            after_tables(t, c);
            gmv_text_printf(t, " (localDepth %u)", at[c->after_first].local_depth);
        } else if (c->fate == GMV_TABLE_REPLACED) {
            gmv_text_puts(t, "was replaced");
        } else {
            gmv_text_puts(t, "is gone");
        }
        fprintf(out, "table: %s\n", t->data ? t->data : "");
    }
    fprintf(out, "tables: %zu before, %zu after, %zu kept\n", nb, na, kept);
}

/* The shape of the storage: directory growth, small map to table. */
static void print_shape(FILE *out, const gmv_diff *d)
{
    const gmv_swiss_header *a = gmv_model_swiss_header(d->before), *b = gmv_model_swiss_header(d->after);
    if (a->small && b->dir_len)
        fprintf(out, "structure: the small map's group became a table (directory of %" PRIu64 ")\n", b->dir_len);
    else if (!a->small && !a->dir_len && (b->small || b->dir_len))
        fputs("structure: storage allocated (the map had none)\n", out);
    else if (a->dir_len && b->dir_len && b->dir_len > a->dir_len)
        fprintf(out, "structure: directory grew %" PRIu64 " -> %" PRIu64 " entries (globalDepth %u -> %u)\n",
                a->dir_len, b->dir_len, a->global_depth, b->global_depth);
    else if (a->small && b->small)
        fputs("structure: a small map, one group, unchanged\n", out);
    else if (a->dir_len == b->dir_len)
        fprintf(out, "structure: directory of %" PRIu64 " entr%s unchanged\n", a->dir_len, a->dir_len == 1 ? "y" : "ies");
    else
        fprintf(out, "structure: directory %" PRIu64 " -> %" PRIu64 " entries\n", a->dir_len, b->dir_len);
}

void swiss_diff_text_summary(FILE *out, const gmv_diff *d, gmv_text *t)
{
    print_header(out, d);
    print_shape(out, d);
    if (d->ntables || gmv_model_swiss_header(d->after)->dir_len)
        print_tables(out, d, t);
    gmv_diff_counts c = gmv_diff_count(d);
    const struct {
        uint64_t n;
        const char *where;
    } dest[] = {{c.to_grown, "into a grown table"},    {c.to_left, "to a split's left half"},
                {c.to_right, "to a split's right half"}, {c.to_table, "from the small map into a table"},
                {c.to_same, "within the same table"},  {c.elsewhere, "elsewhere"}};
    fprintf(out, "entries: %" PRIu64 " added, %" PRIu64 " removed, %" PRIu64 " changed, %" PRIu64 " moved", c.added,
            c.removed, c.changed, c.moved);
    const char *sep = " (";
    for (size_t i = 0; i < sizeof dest / sizeof dest[0]; i++) {
        if (dest[i].n) {
            fprintf(out, "%s%" PRIu64 " %s", sep, dest[i].n, dest[i].where);
            sep = ", ";
        }
    }
    fprintf(out, "%s, %" PRIu64 " unchanged\n", c.moved ? ")" : "", c.unchanged);
}

/* "table 1 (0xc000180000) group 4 slot 2", or "small group slot 2": the
 * address tells tables apart whose numbers the other side reuses. */
void swiss_diff_text_place(gmv_text *t, const gmv_model *m, const gmv_entry *e)
{
    size_t n;
    const gmv_table *tables = gmv_model_tables(m, &n);
    if (e->table == GMV_NO_TABLE)
        gmv_text_printf(t, "small group slot %u", e->slot);
    else
        gmv_text_printf(t, "table %" PRIu32 " (0x%" PRIx64 ") group %" PRIu64 " slot %u", e->table,
                        e->table < n ? tables[e->table].address : 0, e->group, e->slot);
}

/* ---- JSON ---- */

/* {"table" (null in a small map), "group", "slot"} of an entry. */
void swiss_diff_json_place(jw *w, const gmv_entry *e)
{
    jw_object_begin(w);
    jw_key(w, "table");
    if (e->table == GMV_NO_TABLE)
        jw_null(w);
    else
        jw_uint(w, e->table);
    jw_key(w, "group"); jw_uint(w, e->group);
    jw_key(w, "slot"); jw_uint(w, e->slot);
    jw_object_end(w);
}

void swiss_diff_json_counts(jw *w, const gmv_diff *d)
{
    gmv_diff_counts c = gmv_diff_count(d);
    jw_key(w, "to_grown"); jw_uint(w, c.to_grown);
    jw_key(w, "to_left"); jw_uint(w, c.to_left);
    jw_key(w, "to_right"); jw_uint(w, c.to_right);
    jw_key(w, "to_table"); jw_uint(w, c.to_table);
    jw_key(w, "to_same"); jw_uint(w, c.to_same);
    jw_key(w, "elsewhere"); jw_uint(w, c.elsewhere);
}

/* {"dirLen", "globalDepth", "small", "tables"} of one side. */
static void write_shape(jw *w, const gmv_model *m)
{
    const gmv_swiss_header *h = gmv_model_swiss_header(m);
    size_t n;
    gmv_model_tables(m, &n);
    jw_object_begin(w);
    jw_key(w, "dirLen"); jw_uint(w, h->dir_len);
    jw_key(w, "globalDepth"); jw_uint(w, h->global_depth);
    jw_key(w, "small"); jw_bool(w, h->small);
    jw_key(w, "tables"); jw_uint(w, n);
    jw_object_end(w);
}

void swiss_diff_json_structure(jw *w, const gmv_diff *d)
{
    size_t nb;
    const gmv_table *bt = gmv_model_tables(d->before, &nb);
    jw_key(w, "structure");
    jw_object_begin(w);
    jw_key(w, "before"); write_shape(w, d->before);
    jw_key(w, "after"); write_shape(w, d->after);
    jw_object_end(w);
    jw_key(w, "tables");
    jw_array_begin(w);
    for (size_t i = 0; i < d->ntables; i++) {
        const gmv_table_change *c = &d->tables[i];
        jw_object_begin(w);
        jw_key(w, "before"); jw_uint(w, c->before);
        jw_key(w, "address"); jw_address(w, bt[c->before].address);
        jw_key(w, "capacity"); jw_uint(w, bt[c->before].capacity);
        jw_key(w, "localDepth"); jw_uint(w, bt[c->before].local_depth);
        jw_key(w, "fate"); jw_cstring(w, gmv_table_fate_name(c->fate));
        jw_key(w, "after");
        jw_array_begin(w);
        for (uint32_t k = 0; k < c->after_count; k++)
            jw_uint(w, c->after_first + k);
        jw_array_end(w);
        jw_object_end(w);
    }
    jw_array_end(w);
}
