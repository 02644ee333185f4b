/* Consistency checks of a Swiss-table map: the header against the
 * directory, each table against where the directory points at it and
 * against its own control bytes. */
#include <inttypes.h>

#include "model/model_impl.h"

#define MAX_INVALID_REPORTS 16 /* groups with invalid control bytes reported one by one */

/* The most inserts a table of `capacity` takes before it grows
 * (maxGrowthLeft: one slot short of full for one group, else 7/8). */
static uint64_t max_growth_left(uint64_t capacity)
{
    return capacity <= GMV_GROUP_SLOTS ? (capacity ? capacity - 1 : 0) : capacity * 7 / 8;
}

static bool power_of_two(uint64_t n)
{
    return n && (n & (n - 1)) == 0;
}

/* Checks the header and the directory's shape. */
static void check_header(gmv_model *m)
{
    const gmv_swiss_header *h = &m->swiss;
    uint64_t addr = m->header.address;
    unsigned hash_bits = m->layout.ptr_size * 8;
    if (h->writing)
        gmv_model_add_swiss_anomaly(m, "writer_active", addr, -1, -1,
                                    "writing = %u: a goroutine was writing the map while it was read", h->writing);
    if (h->used != m->live_count)
        gmv_model_add_swiss_anomaly(m, "count_mismatch", addr, -1, -1,
                                    "used says %" PRIu64 " entries but %" PRIu64 " full slots were found", h->used,
                                    m->live_count);
    if (h->dir_len == 0 && h->dir_ptr == 0 && h->used != 0)
        gmv_model_add_swiss_anomaly(m, "used_without_storage", addr, -1, -1,
                                    "dirPtr is nil but used = %" PRIu64, h->used);
    if (h->dir_len == 0)
        return;
    if (h->global_depth >= 64 || h->dir_len != UINT64_C(1) << h->global_depth)
        gmv_model_add_swiss_anomaly(m, "dir_len_mismatch", addr, -1, -1,
                                    "dirLen = %" PRIu64 " is not 1 << globalDepth (globalDepth = %u)", h->dir_len,
                                    h->global_depth);
    if (h->global_depth <= hash_bits && h->global_shift != hash_bits - h->global_depth)
        gmv_model_add_swiss_anomaly(m, "global_shift_mismatch", addr, -1, -1,
                                    "globalShift = %u but a %u-bit hash with globalDepth %u needs %u",
                                    h->global_shift, hash_bits, h->global_depth, hash_bits - h->global_depth);
}

/* Checks the small map's group: no tombstones, no more than 8 entries. */
static void check_small(gmv_model *m)
{
    const gmv_group *g = gmv_small_group_of(m);
    for (int i = 0; g && g->readable && i < GMV_GROUP_SLOTS; i++) {
        if (g->state[i] == GMV_CTRL_DELETED || g->state[i] == GMV_CTRL_INVALID) {
            gmv_model_add_swiss_anomaly(m, g->state[i] == GMV_CTRL_DELETED ? "small_map_tombstone" : "invalid_ctrl",
                                        g->address, -1, 0, "slot %d of the small map's group holds control byte 0x%02x%s",
                                        i, g->ctrl[i],
                                        g->state[i] == GMV_CTRL_DELETED ? ", a tombstone, which a small map never keeps"
                                                                        : ", which is no state");
            return;
        }
    }
}

/* Checks where the directory points at table `ti` against its index and
 * localDepth. */
static void check_placement(gmv_model *m, size_t ti)
{
    const gmv_table *t = &m->tables[ti];
    const gmv_swiss_header *h = &m->swiss;
    if (t->index == -1) {
        gmv_model_add_swiss_anomaly(m, "stale_table_in_directory", t->address, (int64_t)ti, -1,
                                    "directory entry %" PRIu64 " points at table 0x%" PRIx64
                                    ", whose index -1 says it was replaced", t->dir_first, t->address);
        return;
    }
    if (t->index < 0 || (uint64_t)t->index != t->dir_first)
        gmv_model_add_swiss_anomaly(m, "table_index_mismatch", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " says index %" PRId64 " but the directory first points at it "
                                    "from entry %" PRIu64, t->address, t->index, t->dir_first);
    if (t->local_depth > h->global_depth) {
        gmv_model_add_swiss_anomaly(m, "local_depth_too_large", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " has localDepth %u > globalDepth %u", t->address, t->local_depth,
                                    h->global_depth);
        return;
    }
    if (h->global_depth - t->local_depth >= 64)
        return; /* dir_len_mismatch says what is wrong with such a globalDepth */
    uint64_t share = UINT64_C(1) << (h->global_depth - t->local_depth);
    if (t->dir_count != share || t->dir_first % share != 0)
        gmv_model_add_swiss_anomaly(m, "table_share_mismatch", t->address, (int64_t)ti, -1,
                                    "directory entries %" PRIu64 " to %" PRIu64 " point at table 0x%" PRIx64
                                    ", but localDepth %u with globalDepth %u needs the %" PRIu64 " entries from a "
                                    "multiple of %" PRIu64, t->dir_first, t->dir_first + t->dir_count - 1, t->address,
                                    t->local_depth, h->global_depth, share, share);
}

/* Checks table `ti`'s size fields. */
static void check_capacity(gmv_model *m, size_t ti)
{
    const gmv_table *t = &m->tables[ti];
    if (!power_of_two(t->capacity) || t->capacity < GMV_GROUP_SLOTS || t->capacity > GMV_MAX_TABLE_CAPACITY)
        gmv_model_add_swiss_anomaly(m, "bad_capacity", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " has capacity %u: not a power of two from 8 to 1024",
                                    t->address, t->capacity);
    else if (t->length_mask + 1 != t->capacity / GMV_GROUP_SLOTS)
        gmv_model_add_swiss_anomaly(m, "groups_mismatch", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " has capacity %u but lengthMask %" PRIu64 " (%" PRIu64
                                    " groups)", t->address, t->capacity, t->length_mask, t->length_mask + 1);
    if (t->growth_left > max_growth_left(t->capacity))
        gmv_model_add_swiss_anomaly(m, "growth_left_too_large", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " has growthLeft %u, more than %" PRIu64 " for capacity %u",
                                    t->address, t->growth_left, max_growth_left(t->capacity), t->capacity);
}

/* Checks table `ti`'s counts against its control bytes, once all its
 * groups were read. */
static void check_counts(gmv_model *m, size_t ti)
{
    const gmv_table *t = &m->tables[ti];
    if (t->ngroups != t->length_mask + 1 || t->ngroups == 0)
        return;
    for (size_t j = 0; j < t->ngroups; j++) {
        if (!m->groups[t->first_group + j].readable)
            return;
    }
    if (t->full != t->used)
        gmv_model_add_swiss_anomaly(m, "table_used_mismatch", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " says used %u but %" PRIu64 " slots are full", t->address,
                                    t->used, t->full);
    if (t->tombstones != (int64_t)t->deleted)
        gmv_model_add_swiss_anomaly(m, "tombstone_mismatch", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 ": capacity*7/8 - used - growthLeft = %" PRId64
                                    " tombstones, but %" PRIu64 " slots are deleted", t->address, t->tombstones,
                                    t->deleted);
    if (t->empty == 0)
        gmv_model_add_swiss_anomaly(m, "no_empty_slot", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " has no empty slot: a lookup of a missing key never ends",
                                    t->address);
    if (t->deleted && m->swiss.has_tombstone_possible && !m->swiss.tombstone_possible)
        gmv_model_add_swiss_anomaly(m, "tombstones_not_flagged", t->address, (int64_t)ti, -1,
                                    "table 0x%" PRIx64 " holds %" PRIu64 " tombstones but tombstonePossible is false",
                                    t->address, t->deleted);
}

/* Reports control bytes that are no state (the first few). */
static void check_ctrl(gmv_model *m)
{
    size_t reported = 0;
    for (size_t ti = 0; ti < m->ntables; ti++) {
        const gmv_table *t = &m->tables[ti];
        for (size_t j = 0; j < t->ngroups; j++) {
            const gmv_group *g = &m->groups[t->first_group + j];
            for (int i = 0; g->readable && i < GMV_GROUP_SLOTS; i++) {
                if (g->state[i] == GMV_CTRL_INVALID && reported++ < MAX_INVALID_REPORTS)
                    gmv_model_add_swiss_anomaly(m, "invalid_ctrl", g->address, (int64_t)ti, (int64_t)j,
                                                "slot %d of group %zu of table 0x%" PRIx64 " holds control byte 0x%02x,"
                                                " which is no state", i, j, t->address, g->ctrl[i]);
            }
        }
    }
}

void gmv_swiss_check(gmv_model *m)
{
    check_header(m);
    check_ctrl(m);
    check_small(m);
    for (size_t ti = 0; ti < m->ntables; ti++) {
        if (!m->tables[ti].readable)
            continue;
        check_placement(m, ti);
        check_capacity(m, ti);
        check_counts(m, ti);
    }
}
