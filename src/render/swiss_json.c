/* A Swiss-table map's JSON members (docs/json-schema.md): the Map fields
 * under the runtime's names, group geometry, table statistics, each entry's
 * table, group and slot, the directory, and every table with its groups. */
#include "render/render_impl.h"

void swiss_json_map(jw *w, const gmv_model *m)
{
    const gmv_swiss_header *h = gmv_model_swiss_header(m);
    jw_key(w, "group_size"); jw_uint(w, gmv_model_layout(m)->swiss.group_size);
    jw_key(w, "used"); jw_uint(w, h->used);
    jw_key(w, "seed"); jw_uint(w, h->seed);
    jw_key(w, "dirPtr"); jw_address(w, h->dir_ptr);
    jw_key(w, "dirLen"); jw_uint(w, h->dir_len);
    jw_key(w, "globalDepth"); jw_uint(w, h->global_depth);
    jw_key(w, "globalShift"); jw_uint(w, h->global_shift);
    jw_key(w, "writing"); jw_uint(w, h->writing);
    if (h->has_tombstone_possible) {
        jw_key(w, "tombstonePossible"); jw_bool(w, h->tombstone_possible);
    }
    jw_key(w, "clearSeq"); jw_uint(w, h->clear_seq);
    jw_key(w, "small"); jw_bool(w, h->small);
}

void swiss_json_layout(jw *w, const gmv_layout *l)
{
    jw_key(w, "keys_offset"); jw_uint(w, l->keys_offset);
    jw_key(w, "key_stride"); jw_uint(w, l->key_stride);
    jw_key(w, "elems_offset"); jw_uint(w, l->elems_offset);
    jw_key(w, "elem_stride"); jw_uint(w, l->elem_stride);
    jw_key(w, "group_size"); jw_uint(w, l->swiss.group_size);
    jw_key(w, "split_groups"); jw_bool(w, l->swiss.split_groups);
}

/* [{"<name>": 2^k or k, "tables": n}] for the non-zero slots of a histogram. */
static void write_histogram(jw *w, const uint64_t *counts, const char *name, bool powers)
{
    jw_array_begin(w);
    for (int k = 0; k < GMV_DEPTH_SLOTS; k++) {
        if (!counts[k])
            continue;
        jw_object_begin(w);
        jw_key(w, name); jw_uint(w, powers ? UINT64_C(1) << (k < 64 ? k : 63) : (uint64_t)k);
        jw_key(w, "tables"); jw_uint(w, counts[k]);
        jw_object_end(w);
    }
    jw_array_end(w);
}

void swiss_json_stats(jw *w, const gmv_model *m)
{
    const gmv_swiss_stats *s = &gmv_model_stats(m)->swiss;
    jw_key(w, "tables"); jw_uint(w, s->tables);
    jw_key(w, "groups"); jw_uint(w, s->groups);
    jw_key(w, "capacity"); jw_uint(w, s->capacity);
    jw_key(w, "full_slots"); jw_uint(w, s->full_slots);
    jw_key(w, "empty_slots"); jw_uint(w, s->empty_slots);
    jw_key(w, "deleted_slots"); jw_uint(w, s->deleted_slots);
    jw_key(w, "growth_left"); jw_uint(w, s->growth_left);
    jw_key(w, "load_factor"); jw_double(w, s->load_factor, false);
    jw_key(w, "max_table_load"); jw_double(w, s->max_table_load, false);
    jw_key(w, "local_depth_histogram"); write_histogram(w, s->tables_by_local_depth, "local_depth", false);
    jw_key(w, "directory_sharing"); write_histogram(w, s->tables_by_share, "entries", true);
    jw_key(w, "bytes_held"); jw_uint(w, s->bytes_held);
}

void swiss_json_anomaly_place(jw *w, const gmv_anomaly *a)
{
    jw_key(w, "table"); jw_int(w, a->table);
    jw_key(w, "group"); jw_int(w, a->bucket);
}

void swiss_json_entry_place(jw *w, const gmv_model *m, const gmv_entry *e)
{
    size_t ntables;
    const gmv_table *t = gmv_model_tables(m, &ntables);
    bool in_table = e->table != GMV_NO_TABLE && e->table < ntables;
    JW_MEMBER(w, ", \"table\": ");
    if (in_table)
        jw_uint(w, e->table);
    else
        jw_null(w);
    JW_MEMBER(w, ", \"directory_index\": ");
    if (in_table)
        jw_uint(w, t[e->table].dir_first);
    else
        jw_null(w);
    JW_MEMBER(w, ", \"group\": "); jw_uint(w, e->group);
    JW_MEMBER(w, ", \"slot\": "); jw_uint(w, e->slot);
    JW_MEMBER(w, ", \"ctrl\": "); jw_uint(w, e->ctrl);
}

/* A control byte state as its JSON string (gmv_ctrl_state_name, quoted). */
static void write_state(jw *w, uint8_t state)
{
    static const struct {
        const char *json;
        size_t len;
    } quoted[] = {
#define QUOTED(name) {"\"" name "\"", sizeof name + 1}
        QUOTED("empty"), QUOTED("deleted"), QUOTED("full"), QUOTED("invalid"),
#undef QUOTED
    };
    if (state < sizeof quoted / sizeof quoted[0])
        jw_literal(w, quoted[state].json, quoted[state].len);
    else
        jw_cstring(w, gmv_ctrl_state_name(state));
}

/* One group record; written by hand (see JW_MEMBER): millions of them. */
static void write_group(jw *w, const gmv_group *g)
{
    jw_before_value(w);
    JW_MEMBER(w, "{\"address\": "); jw_address(w, g->address);
    JW_MEMBER(w, ", \"readable\": "); jw_bool(w, g->readable);
    if (g->readable) {
        JW_MEMBER(w, ", \"ctrl\": [");
        for (int i = 0; i < GMV_GROUP_SLOTS; i++) {
            if (i > 0)
                JW_MEMBER(w, ", ");
            jw_uint(w, g->ctrl[i]);
        }
        JW_MEMBER(w, "], \"states\": [");
        for (int i = 0; i < GMV_GROUP_SLOTS; i++) {
            if (i > 0)
                JW_MEMBER(w, ", ");
            write_state(w, g->state[i]);
        }
        JW_RAW(w, "]");
    }
    JW_RAW(w, "}");
}

/* One table and its groups. */
static void write_table(jw *w, const gmv_table *t, const gmv_group *groups)
{
    jw_object_begin(w);
    jw_key(w, "address"); jw_address(w, t->address);
    jw_key(w, "readable"); jw_bool(w, t->readable);
    jw_key(w, "index"); jw_int(w, t->index);
    jw_key(w, "localDepth"); jw_uint(w, t->local_depth);
    jw_key(w, "capacity"); jw_uint(w, t->capacity);
    jw_key(w, "used"); jw_uint(w, t->used);
    jw_key(w, "growthLeft"); jw_uint(w, t->growth_left);
    jw_key(w, "tombstones"); jw_int(w, t->tombstones);
    jw_key(w, "groups_data"); jw_address(w, t->groups_data);
    jw_key(w, "lengthMask"); jw_uint(w, t->length_mask);
    jw_key(w, "directory_first"); jw_uint(w, t->dir_first);
    jw_key(w, "directory_entries"); jw_uint(w, t->dir_count);
    jw_key(w, "full"); jw_uint(w, t->full);
    jw_key(w, "empty"); jw_uint(w, t->empty);
    jw_key(w, "deleted"); jw_uint(w, t->deleted);
    jw_key(w, "groups");
    jw_array_begin(w);
    for (size_t j = 0; j < t->ngroups; j++)
        write_group(w, &groups[t->first_group + j]);
    jw_array_end(w);
    jw_object_end(w);
}

void swiss_json_structure(jw *w, const gmv_model *m)
{
    size_t ndir, ntables, ngroups;
    const gmv_dir_entry *dir = gmv_model_directory(m, &ndir);
    const gmv_table *tables = gmv_model_tables(m, &ntables);
    const gmv_group *groups = gmv_model_groups(m, &ngroups);
    jw_key(w, "directory");
    jw_array_begin(w);
    for (size_t i = 0; i < ndir; i++) {
        jw_before_value(w);
        JW_MEMBER(w, "{\"table\": ");
        if (dir[i].table == GMV_NO_TABLE)
            jw_null(w);
        else
            jw_uint(w, dir[i].table);
        JW_MEMBER(w, ", \"address\": "); jw_address(w, dir[i].table_address);
        JW_RAW(w, "}");
    }
    jw_array_end(w);
    jw_key(w, "tables");
    jw_array_begin(w);
    for (size_t i = 0; i < ntables; i++)
        write_table(w, &tables[i], groups);
    jw_array_end(w);
    jw_key(w, "small_group");
    const gmv_group *small = gmv_model_small_group(m);
    if (small) {
        jw_object_begin(w);
        jw_key(w, "address"); jw_address(w, small->address);
        jw_key(w, "readable"); jw_bool(w, small->readable);
        jw_key(w, "ctrl");
        jw_array_begin(w);
        for (int i = 0; small->readable && i < GMV_GROUP_SLOTS; i++)
            jw_uint(w, small->ctrl[i]);
        jw_array_end(w);
        jw_key(w, "states");
        jw_array_begin(w);
        for (int i = 0; small->readable && i < GMV_GROUP_SLOTS; i++)
            jw_cstring(w, gmv_ctrl_state_name(small->state[i]));
        jw_array_end(w);
        jw_object_end(w);
    } else {
        jw_null(w);
    }
}
