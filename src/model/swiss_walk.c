/* Walking a Swiss-table map (internal/runtime/maps, Go 1.24+): the Map
 * header; for a small map its one group; else the directory, each table
 * once (in the order the directory first points at it), and every group of
 * every table, with the entries of their full slots. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "model/model_impl.h"

#define TABLE_HEADER_MAX 4096   /* gmv_layout_validate bounds a table's size */
#define TABLE_BATCH 256         /* tables whose group arrays are read at a time */
#define PREFETCH_TABLES 16384   /* table headers prefetched at a time */
#define PREFETCH_GROUPS 4096    /* groups whose entries' memory is prefetched at a time */

/* Sign-extends the low `size` bytes of `raw` (a Go int). */
static int64_t load_int(const uint8_t *p, uint32_t size)
{
    uint64_t raw = gmv_load_le(p, size);
    unsigned shift = 64 - 8 * size;
    return (int64_t)(raw << shift) >> shift;
}

/* Reads the Map header at `addr` into model->swiss (and the common header). */
static int read_header(gmv_builder *b, uint64_t addr)
{
    gmv_model *m = b->model;
    const gmv_swiss_map_layout *ml = &m->layout.swiss.map;
    uint32_t p = m->layout.ptr_size;
    uint8_t raw[4096];
    int64_t got = gmv_builder_read(b, addr, raw, ml->size);
    if (got < 0)
        return (int)got;
    if ((uint64_t)got < ml->size)
        return gmv_fail(GMV_ERR_IO, "cannot read the map header at 0x%" PRIx64 ": memory is not readable", addr);
    gmv_swiss_header *h = &m->swiss;
    h->used = gmv_load_le(raw + ml->used, 8);
    h->seed = gmv_load_le(raw + ml->seed, p);
    h->dir_ptr = gmv_load_le(raw + ml->dir_ptr, p);
    h->dir_len = gmv_load_le(raw + ml->dir_len, p);
    h->global_depth = raw[ml->global_depth];
    h->global_shift = raw[ml->global_shift];
    h->writing = raw[ml->writing];
    h->has_tombstone_possible = ml->tombstone_possible != GMV_NO_FIELD;
    h->tombstone_possible = h->has_tombstone_possible && raw[ml->tombstone_possible] != 0;
    h->clear_seq = gmv_load_le(raw + ml->clear_seq, 8);
    h->small = h->dir_len == 0 && h->dir_ptr != 0;
    m->header.address = addr;
    m->header.count = h->used;
    return 0;
}

/* Appends a group record (no entries yet); NULL when memory runs out. */
static gmv_group *push_group(gmv_model *m, uint64_t address)
{
    gmv_group *grown = gmv_grow(m->groups, &m->groups_cap, m->ngroups, sizeof *grown, 16);
    if (!grown)
        return NULL;
    m->groups = grown;
    gmv_group *g = &m->groups[m->ngroups++];
    memset(g, 0, sizeof *g);
    g->address = address;
    for (int i = 0; i < GMV_GROUP_SLOTS; i++)
        g->entry[i] = GMV_NO_ENTRY;
    return g;
}

/* Fills a readable group's control bytes and states from its bytes. */
static void parse_ctrl(const gmv_layout *l, gmv_group *g, const uint8_t *raw)
{
    g->raw = raw;
    g->readable = true;
    memcpy(g->ctrl, raw + l->swiss.ctrl_offset, GMV_GROUP_SLOTS); /* byte i of the little-endian word */
    for (int i = 0; i < GMV_GROUP_SLOTS; i++)
        g->state[i] = (uint8_t)gmv_ctrl_classify(g->ctrl[i]);
}

/* Takes the full slots of group record `gi` (group `index` of table `table`,
 * GMV_NO_TABLE for a small map) as entries. */
static int add_entries(gmv_builder *b, size_t gi, uint32_t table, uint64_t index)
{
    gmv_group *g = &b->model->groups[gi];
    for (int i = 0; g->readable && i < GMV_GROUP_SLOTS; i++) {
        if (g->state[i] != GMV_CTRL_FULL)
            continue;
        gmv_entry place = {.group = index, .table = table, .slot = (uint8_t)i, .ctrl = g->ctrl[i]};
        const gmv_entry *e = NULL;
        int rc = gmv_builder_add_entry(b, &place, g->raw, i, &g->entry[i], &e);
        if (rc != 0)
            return rc;
        if (e && (!e->key.readable || !e->elem.readable))
            gmv_model_add_swiss_anomaly(b->model, "unreadable_entry", g->address,
                                        table == GMV_NO_TABLE ? -1 : (int64_t)table, (int64_t)index,
                                        "the %s of slot %d points at unreadable memory",
                                        e->key.readable ? "value" : "key", i);
    }
    return 0;
}

/* Tells the source what the entries of group records [from, to) will read
 * (string bytes, indirect keys and values). Returns 0 or a hard failure. */
static int prefetch_entries(gmv_builder *b, size_t from, size_t to)
{
    if (!b->prefetch || !gmv_builder_prefetch_room(b, PREFETCH_GROUPS * GMV_GROUP_SLOTS))
        return 0;
    size_t n = 0;
    for (size_t gi = from; gi < to; gi++) {
        const gmv_group *g = &b->model->groups[gi];
        for (int i = 0; g->readable && i < GMV_GROUP_SLOTS; i++) {
            if (g->state[i] == GMV_CTRL_FULL)
                gmv_builder_want_cell(b, g->raw, i, b->pieces, &n);
        }
    }
    return gmv_source_prefetch(b->src, b->pieces, n);
}

/* The small map: dirPtr is one group. */
static int walk_small(gmv_builder *b)
{
    gmv_model *m = b->model;
    const gmv_layout *l = &m->layout;
    const uint8_t *raw = gmv_builder_read_block(b, m->swiss.dir_ptr, l->swiss.group_size);
    if (b->error)
        return b->error;
    gmv_group *g = push_group(m, m->swiss.dir_ptr);
    if (!g)
        return GMV_ERR_NOMEM;
    b->records_walked++;
    if (!raw)
        return gmv_model_add_swiss_anomaly(m, "unreadable_group", m->swiss.dir_ptr, -1, 0,
                                           "the small map's group at 0x%" PRIx64 " is unreadable", m->swiss.dir_ptr);
    parse_ctrl(l, g, raw);
    int rc = prefetch_entries(b, 0, 1);
    return rc ? rc : add_entries(b, 0, GMV_NO_TABLE, 0);
}

/* Reads the directory's table pointers into model->directory. Returns 0 or
 * a hard failure; a directory too large or unreadable is an anomaly. */
static int read_directory(gmv_builder *b)
{
    gmv_model *m = b->model;
    const gmv_swiss_header *h = &m->swiss;
    uint32_t p = m->layout.ptr_size;
    if (h->dir_len > b->limits.max_buckets || h->dir_len > b->limits.max_bytes / p) {
        return gmv_model_add_swiss_anomaly(m, "directory_too_large", h->dir_ptr, -1, -1,
                                           "a directory of %" PRIu64 " entries exceeds the limits "
                                           "(raise %s/%s)", h->dir_len, gmv_option_name(GMV_OPTION_MAX_BYTES),
                                           gmv_option_name(GMV_OPTION_MAX_BUCKETS));
    }
    uint64_t readable = 0;
    const uint8_t *raw = gmv_builder_read_blocks(b, h->dir_ptr, h->dir_len, p, &readable);
    if (b->error)
        return b->error;
    /* only the entries read are kept: a wild dirLen costs nothing */
    m->directory = calloc(readable ? (size_t)readable : 1, sizeof *m->directory);
    if (!m->directory)
        return GMV_ERR_NOMEM;
    m->ndirectory = (size_t)readable;
    for (size_t i = 0; i < m->ndirectory; i++)
        m->directory[i] = (gmv_dir_entry){.table_address = gmv_load_le(raw + i * p, p), .table = GMV_NO_TABLE};
    if (readable < h->dir_len)
        gmv_model_add_swiss_anomaly(m, "unreadable_directory", h->dir_ptr + readable * p, -1, -1,
                                    "directory entries %" PRIu64 " to %" PRIu64 " at 0x%" PRIx64 " are unreadable",
                                    readable, h->dir_len - 1, h->dir_ptr);
    return 0;
}

/* Lists each table once, in the order the directory first points at it:
 * a run of entries pointing at one table is one table. */
static int list_tables(gmv_builder *b)
{
    gmv_model *m = b->model;
    for (size_t i = 0; i < m->ndirectory; i++) {
        gmv_dir_entry *d = &m->directory[i];
        if (d->table_address == 0) {
            if (i == 0 || m->directory[i - 1].table_address != 0) /* once per run of them */
                gmv_model_add_swiss_anomaly(m, "nil_table", m->swiss.dir_ptr + i * m->layout.ptr_size, -1, -1,
                                            "directory entry %zu holds no table", i);
            continue;
        }
        if (i > 0 && d->table_address == m->directory[i - 1].table_address &&
            m->directory[i - 1].table != GMV_NO_TABLE) {
            d->table = m->directory[i - 1].table;
            m->tables[d->table].dir_count++;
            continue;
        }
        int added = gmv_addrset_add(&b->seen, d->table_address);
        if (added < 0)
            return GMV_ERR_NOMEM;
        if (added == 0) {
            gmv_model_add_swiss_anomaly(m, "table_shared_apart", d->table_address, -1, -1,
                                        "directory entry %zu points at table 0x%" PRIx64
                                        ", which an earlier, not adjacent, entry points at", i, d->table_address);
            continue;
        }
        gmv_table *grown = gmv_grow(m->tables, &m->tables_cap, m->ntables, sizeof *grown, 16);
        if (!grown)
            return GMV_ERR_NOMEM;
        m->tables = grown;
        d->table = (uint32_t)m->ntables;
        m->tables[m->ntables++] = (gmv_table){.address = d->table_address, .dir_first = i, .dir_count = 1};
    }
    return 0;
}

/* Reads the header of table `t`; an unreadable one is an anomaly. */
static int read_table(gmv_builder *b, gmv_table *t, size_t ti)
{
    const gmv_layout *l = &b->model->layout;
    const gmv_swiss_table_layout *tl = &l->swiss.table;
    uint8_t raw[TABLE_HEADER_MAX];
    int64_t got = gmv_builder_read(b, t->address, raw, tl->size);
    if (got < 0)
        return (int)got;
    if ((uint64_t)got < tl->size)
        return gmv_model_add_swiss_anomaly(b->model, "unreadable_table", t->address, (int64_t)ti, -1,
                                           "table 0x%" PRIx64 " is unreadable", t->address);
    t->readable = true;
    t->used = (uint16_t)gmv_load_le(raw + tl->used, 2);
    t->capacity = (uint16_t)gmv_load_le(raw + tl->capacity, 2);
    t->growth_left = (uint16_t)gmv_load_le(raw + tl->growth_left, 2);
    t->local_depth = raw[tl->local_depth];
    t->index = load_int(raw + tl->index, l->ptr_size);
    t->groups_data = gmv_load_le(raw + tl->groups_data, l->ptr_size);
    t->length_mask = gmv_load_le(raw + tl->groups_length_mask, 8);
    t->tombstones = (int64_t)t->capacity * 7 / 8 - t->used - t->growth_left;
    return 0;
}

/* Tells the source which table headers [from, to) come next. */
static int prefetch_tables(gmv_builder *b, size_t from, size_t to)
{
    if (!gmv_source_can_prefetch(b->src) || !gmv_builder_prefetch_room(b, PREFETCH_GROUPS * GMV_GROUP_SLOTS))
        return 0;
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        b->pieces[n++] = (gmv_piece){.address = b->model->tables[i].address, .len = b->model->layout.swiss.table.size};
    return gmv_source_prefetch(b->src, b->pieces, n);
}

/* Reads every table's header. */
static int read_tables(gmv_builder *b)
{
    gmv_model *m = b->model;
    for (size_t i = 0; i < m->ntables; i++) {
        if (i % PREFETCH_TABLES == 0) {
            size_t to = m->ntables - i < PREFETCH_TABLES ? m->ntables : i + PREFETCH_TABLES;
            int rc = prefetch_tables(b, i, to);
            if (rc != 0)
                return rc;
        }
        int rc = read_table(b, &m->tables[i], i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The number of groups of table `t` that may be walked: its lengthMask + 1,
 * or 0 (with an anomaly) when that is beyond the limits. */
static uint64_t walkable_groups(gmv_builder *b, const gmv_table *t, size_t ti)
{
    uint64_t gsize = b->model->layout.swiss.group_size;
    uint64_t n = t->length_mask + 1;
    if (!t->readable || t->groups_data == 0)
        return 0;
    if (n == 0 || n > b->limits.max_buckets || n > b->limits.max_bytes / gsize) {
        gmv_model_add_swiss_anomaly(b->model, "table_too_large", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " claims %" PRIu64 " groups (lengthMask %" PRIu64
                                    "), beyond the limits (raise %s/%s)",
                                    t->address, n, t->length_mask, gmv_option_name(GMV_OPTION_MAX_BYTES), gmv_option_name(GMV_OPTION_MAX_BUCKETS));
        return 0;
    }
    return n;
}

/* The group arrays of one batch of tables, read before any is parsed (a
 * prefetch of the entries' memory replaces what was prefetched). */
typedef struct table_arrays {
    const uint8_t *raw[TABLE_BATCH];
    uint64_t readable[TABLE_BATCH], groups[TABLE_BATCH];
} table_arrays;

/* Reads the group arrays of tables [from, to) into `a`. */
static int read_group_arrays(gmv_builder *b, size_t from, size_t to, table_arrays *a)
{
    gmv_model *m = b->model;
    uint32_t gsize = m->layout.swiss.group_size;
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        a->groups[i - from] = walkable_groups(b, &m->tables[i], i);
    if (gmv_source_can_prefetch(b->src) && gmv_builder_prefetch_room(b, PREFETCH_GROUPS * GMV_GROUP_SLOTS)) {
        for (size_t i = from; i < to; i++) {
            if (a->groups[i - from])
                b->pieces[n++] = (gmv_piece){.address = m->tables[i].groups_data, .len = a->groups[i - from] * gsize};
        }
        int rc = gmv_source_prefetch(b->src, b->pieces, n);
        if (rc != 0)
            return rc;
    }
    for (size_t i = from; i < to; i++) {
        a->raw[i - from] = NULL;
        a->readable[i - from] = 0;
        if (a->groups[i - from])
            a->raw[i - from] = gmv_builder_read_blocks(b, m->tables[i].groups_data, a->groups[i - from], gsize,
                                                       &a->readable[i - from]);
        if (b->error)
            return b->error;
    }
    return 0;
}

/* Records the groups of table `ti` (their control bytes, not yet their
 * entries), `readable` of `n` groups being at `raw`. */
static int record_groups(gmv_builder *b, size_t ti, const uint8_t *raw, uint64_t n, uint64_t readable)
{
    gmv_model *m = b->model;
    const gmv_layout *l = &m->layout;
    uint32_t gsize = l->swiss.group_size;
    m->tables[ti].first_group = m->ngroups;
    /* past the readable part only the first group is recorded (as unreadable) */
    uint64_t walked = readable < n ? readable + 1 : n;
    for (uint64_t j = 0; j < walked; j++) {
        gmv_table *t = &m->tables[ti];
        if (b->records_walked >= b->limits.max_buckets) {
            if (!b->bucket_limit_hit)
                gmv_model_add_swiss_anomaly(m, "group_limit_reached", t->groups_data + j * gsize, (int64_t)ti,
                                            (int64_t)j, "stopped after %" PRIu64 " groups (raise %s to walk more)",
                                            b->records_walked, gmv_option_name(GMV_OPTION_MAX_BUCKETS));
            b->bucket_limit_hit = true;
            return 0;
        }
        gmv_group *g = push_group(m, t->groups_data + j * gsize);
        if (!g)
            return GMV_ERR_NOMEM;
        b->records_walked++;
        t->ngroups++;
        if (j < readable) {
            parse_ctrl(l, g, raw + j * gsize);
            for (int i = 0; i < GMV_GROUP_SLOTS; i++) {
                t->full += g->state[i] == GMV_CTRL_FULL;
                t->empty += g->state[i] == GMV_CTRL_EMPTY;
                t->deleted += g->state[i] == GMV_CTRL_DELETED;
            }
        }
    }
    if (walked < n)
        gmv_model_add_swiss_anomaly(m, "unreadable_group", m->tables[ti].groups_data + readable * gsize, (int64_t)ti,
                                    (int64_t)readable, "groups %" PRIu64 " to %" PRIu64 " of table 0x%" PRIx64
                                    " are unreadable%s", readable, n - 1, m->tables[ti].address,
                                    b->byte_limit_hit ? " (the byte limit was reached)" : "");
    return 0;
}

/* Takes the entries of the groups of tables [from, to), prefetching what
 * they read a few thousand groups at a time. */
static int add_table_entries(gmv_builder *b, size_t from, size_t to)
{
    gmv_model *m = b->model;
    size_t prefetched_to = 0; /* the groups before this one were prefetched */
    for (size_t ti = from; ti < to; ti++) {
        for (size_t j = 0; j < m->tables[ti].ngroups; j++) {
            size_t gi = m->tables[ti].first_group + j;
            int rc = 0;
            if (gi >= prefetched_to) {
                prefetched_to = m->ngroups - gi < PREFETCH_GROUPS ? m->ngroups : gi + PREFETCH_GROUPS;
                rc = prefetch_entries(b, gi, prefetched_to);
            }
            if (rc == 0)
                rc = add_entries(b, gi, (uint32_t)ti, j);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* Room for the groups of one batch of tables, `groups` of them as read
 * (never what a table merely claims), and for the entries they can hold,
 * at most what the header counts: a big map is not copied as it grows. */
static int reserve(gmv_builder *b, uint64_t groups)
{
    gmv_model *m = b->model;
    if (m->ngroups + groups > m->groups_cap) {
        size_t cap = m->groups_cap * 2 > m->ngroups + groups ? m->groups_cap * 2 : (size_t)(m->ngroups + groups);
        gmv_group *grown = realloc(m->groups, cap * sizeof *grown);
        if (!grown)
            return GMV_ERR_NOMEM;
        m->groups = grown;
        m->groups_cap = cap;
    }
    uint64_t left = m->swiss.used > m->live_count ? m->swiss.used - m->live_count : 0;
    uint64_t slots = groups * GMV_GROUP_SLOTS, want = m->nentries + (left < slots ? left : slots);
    if (b->keep_entries && want > m->entries_cap) {
        size_t cap = m->entries_cap * 2 > want ? m->entries_cap * 2 : (size_t)want;
        gmv_entry *grown = realloc(m->entries, cap * sizeof *grown);
        if (!grown)
            return GMV_ERR_NOMEM;
        m->entries = grown;
        m->entries_cap = cap;
    }
    return 0;
}

/* The groups of tables [from, to) that record_groups will record: the
 * readable ones and one past them. */
static uint64_t groups_to_record(const table_arrays *a, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += a->readable[i] < a->groups[i] ? a->readable[i] + 1 : a->groups[i];
    return total;
}

/* After a batch of tables, when the model keeps no group bytes: forgets
 * them from `first` on and lets the source free what it lent. */
static void drop_group_bytes(gmv_builder *b, size_t first)
{
    if (!b->release_views)
        return;
    for (size_t gi = first; gi < b->model->ngroups; gi++)
        b->model->groups[gi].raw = NULL;
    gmv_source_release_views(b->src);
}

/* Every group of every table, a batch of tables at a time. */
static int walk_tables(gmv_builder *b)
{
    gmv_model *m = b->model;
    table_arrays *arrays = malloc(sizeof *arrays);
    int rc = arrays ? 0 : GMV_ERR_NOMEM;
    for (size_t from = 0; rc == 0 && from < m->ntables; from += TABLE_BATCH) {
        size_t to = m->ntables - from < TABLE_BATCH ? m->ntables : from + TABLE_BATCH;
        size_t first_group = m->ngroups;
        rc = read_group_arrays(b, from, to, arrays);
        if (rc == 0)
            rc = reserve(b, groups_to_record(arrays, to - from));
        for (size_t i = from; rc == 0 && i < to; i++)
            rc = record_groups(b, i, arrays->raw[i - from], arrays->groups[i - from], arrays->readable[i - from]);
        if (rc == 0)
            rc = add_table_entries(b, from, to);
        drop_group_bytes(b, first_group);
        gmv_report_progress("tables", to, m->ntables);
    }
    free(arrays);
    return rc;
}

int gmv_swiss_walk(gmv_builder *b, uint64_t map_addr)
{
    int rc = read_header(b, map_addr);
    if (rc != 0)
        return rc;
    const gmv_swiss_header *h = &b->model->swiss;
    if (h->small)
        return b->headers_only ? 0 : walk_small(b);
    if (h->dir_len == 0)
        return 0; /* no storage yet */
    rc = read_directory(b);
    if (rc == 0 && b->model->directory)
        rc = list_tables(b);
    if (rc == 0)
        rc = read_tables(b);
    if (rc == 0 && !b->headers_only)
        rc = walk_tables(b);
    return rc;
}

/* Decodes again and visits the full slots of group record `gi`. */
static int visit_group(gmv_builder *b, size_t gi, uint32_t table, uint64_t index, gmv_entry_visitor visit,
                       void *ctx)
{
    const gmv_group *g = &b->model->groups[gi];
    for (int i = 0; g->raw && i < GMV_GROUP_SLOTS; i++) {
        if (g->state[i] != GMV_CTRL_FULL)
            continue;
        gmv_entry e = {.group = index, .table = table, .slot = (uint8_t)i, .ctrl = g->ctrl[i]};
        int rc = gmv_decode_cell(b, g->raw, i, &e);
        if (rc == 0)
            rc = visit(ctx, &e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int gmv_swiss_each_entry(gmv_builder *b, gmv_entry_visitor visit, void *ctx)
{
    const gmv_model *m = b->model;
    if (m->swiss.small && m->ngroups == 1)
        return visit_group(b, 0, GMV_NO_TABLE, 0, visit, ctx);
    for (size_t ti = 0; ti < m->ntables; ti++) {
        const gmv_table *t = &m->tables[ti];
        for (size_t j = 0; j < t->ngroups; j++) {
            int rc = visit_group(b, t->first_group + j, (uint32_t)ti, j, visit, ctx);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

uint64_t gmv_swiss_entry_address(const gmv_model *m, const gmv_entry *e)
{
    const gmv_group *g = NULL;
    if (e->table == GMV_NO_TABLE)
        g = m->swiss.small && m->ngroups == 1 && e->group == 0 ? &m->groups[0] : NULL;
    else if (e->table < m->ntables && e->group < m->tables[e->table].ngroups)
        g = &m->groups[m->tables[e->table].first_group + e->group];
    return g ? g->address + m->layout.keys_offset + (uint64_t)e->slot * m->layout.key_stride : 0;
}
