/* Statistics over a built Swiss-table model. */
#include "model/model_impl.h"

/* floor(log2(n)) for n >= 1, capped to the histogram's last slot. */
static unsigned log2_floor(uint64_t n)
{
    unsigned k = 0;
    while (n > 1 && k + 1 < GMV_DEPTH_SLOTS) {
        n >>= 1;
        k++;
    }
    return k;
}

/* Adds the tables' counts, loads and histograms. */
static void count_tables(const gmv_model *m, gmv_swiss_stats *s)
{
    s->tables = m->ntables;
    for (size_t i = 0; i < m->ntables; i++) {
        const gmv_table *t = &m->tables[i];
        if (!t->readable)
            continue;
        s->capacity += t->capacity;
        s->growth_left += t->growth_left;
        s->full_slots += t->full;
        s->empty_slots += t->empty;
        s->deleted_slots += t->deleted;
        double load = t->capacity ? (double)t->used / t->capacity : 0;
        s->max_table_load = load > s->max_table_load ? load : s->max_table_load;
        s->tables_by_local_depth[t->local_depth < GMV_DEPTH_SLOTS ? t->local_depth : GMV_DEPTH_SLOTS - 1]++;
        s->tables_by_share[log2_floor(t->dir_count ? t->dir_count : 1)]++;
    }
}

/* Counts the small map's group. */
static void count_small(const gmv_group *g, gmv_swiss_stats *s)
{
    s->capacity = GMV_GROUP_SLOTS;
    for (int i = 0; g->readable && i < GMV_GROUP_SLOTS; i++) {
        s->full_slots += g->state[i] == GMV_CTRL_FULL;
        s->empty_slots += g->state[i] == GMV_CTRL_EMPTY;
        s->deleted_slots += g->state[i] == GMV_CTRL_DELETED;
    }
    s->max_table_load = (double)s->full_slots / GMV_GROUP_SLOTS;
}

/* The bytes the map holds: its header, directory, tables and group arrays
 * as the runtime sized them, and the keys and values stored indirectly. */
static uint64_t bytes_held(const gmv_model *m)
{
    const gmv_layout *l = &m->layout;
    uint64_t bytes = l->swiss.map.size + (uint64_t)m->ndirectory * l->ptr_size;
    if (gmv_small_group_of(m))
        bytes += l->swiss.group_size;
    for (size_t i = 0; i < m->ntables; i++) {
        const gmv_table *t = &m->tables[i];
        bytes += l->swiss.table.size;
        if (t->readable && t->length_mask < (UINT64_C(1) << 32))
            bytes += (t->length_mask + 1) * l->swiss.group_size;
    }
    uint64_t indirect = (l->key.indirect ? l->key.size : 0) + (l->elem.indirect ? l->elem.size : 0);
    return bytes + m->live_count * indirect;
}

void gmv_swiss_count(gmv_model *m)
{
    gmv_swiss_stats *s = &m->stats.swiss;
    const gmv_group *small = gmv_small_group_of(m);
    s->groups = m->ngroups;
    if (small)
        count_small(small, s);
    else
        count_tables(m, s);
    s->load_factor = s->capacity ? (double)s->full_slots / (double)s->capacity : 0.0;
    s->bytes_held = bytes_held(m);
}
