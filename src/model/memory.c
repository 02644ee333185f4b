/* What a map's storage takes on the Go heap, as the runtime allocates it
 * (runtime/malloc.go): small objects rounded up to their size class, large
 * ones to whole pages, and since Go 1.22 an 8-byte header before small
 * objects over 512 bytes that hold pointers (mallocHeaderSize). */
#include <math.h>
#include <string.h>

#include "model/model_impl.h"

/* runtime/sizeclasses.go class_to_size (internal/runtime/gc in Go 1.26):
 * the same 67 classes from Go 1.19 to 1.27. */
static const uint16_t SIZE_CLASSES[] = {
    8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,   160,   176,   192,
    208,   224,   240,   256,   288,   320,   352,   384,   416,   448,   480,   512,   576,   640,
    704,   768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304,  2688,  3072,  3200,
    3456,  4096,  4864,  5376,  6144,  6528,  6784,  6912,  8192,  9472,  9728,  10240, 10880, 12288,
    13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};

#define MAX_SMALL 32768
#define PAGE 8192
#define MALLOC_HEADER 8
#define MALLOC_HEADER_FROM 512

/* True when a key or value of `t` (root type `root` of the model's types,
 * GMV_NO_TYPE: none) holds pointers the garbage collector scans. */
static bool type_holds_pointers(const gmv_model *m, const gmv_type *t, uint32_t root)
{
    if (t->kind == GMV_KIND_STRING || t->kind == GMV_KIND_POINTER)
        return true;
    if (t->kind != GMV_KIND_OTHER)
        return false;
    return !m->types || root == GMV_NO_TYPE || gmv_types_hold_pointers(m->types, root);
}

/* True when the map's slots hold pointers: an indirect key or value is one. */
static bool holds_pointers(const gmv_model *m)
{
    const gmv_layout *l = &m->layout;
    return l->key.indirect || l->elem.indirect || type_holds_pointers(m, &l->key, m->root_type[0]) ||
           type_holds_pointers(m, &l->elem, m->root_type[1]);
}

uint64_t gmv_allocated_bytes(const gmv_layout *l, uint64_t size, bool pointers)
{
    if (size == 0)
        return 0;
    if (pointers && size > MALLOC_HEADER_FROM && gmv_go_minor_version(l->go_version) >= 22)
        size += MALLOC_HEADER;
    if (size > MAX_SMALL)
        return (size + PAGE - 1) / PAGE * PAGE;
    for (size_t i = 0; i < sizeof SIZE_CLASSES / sizeof SIZE_CLASSES[0]; i++)
        if (size <= SIZE_CLASSES[i])
            return SIZE_CLASSES[i];
    return MAX_SMALL;
}

/* What an entry's indirect key and value take: one allocation each. */
static uint64_t indirect_bytes(const gmv_model *m)
{
    const gmv_layout *l = &m->layout;
    uint64_t bytes = 0;
    if (l->key.indirect)
        bytes += gmv_allocated_bytes(l, l->key.size, type_holds_pointers(m, &l->key, m->root_type[0]));
    if (l->elem.indirect)
        bytes += gmv_allocated_bytes(l, l->elem.size, type_holds_pointers(m, &l->elem, m->root_type[1]));
    return bytes;
}

/* The overflow buckets makeBucketArray allocates after 2^b: 2^(b-4) from b = 4. */
static uint64_t preallocated(uint8_t b)
{
    return b >= 4 ? UINT64_C(1) << (b - 4) : 0;
}

/* The buckets makeBucketArray allocates for 2^b, preallocated ones included. */
static uint64_t bucket_array(uint8_t b)
{
    return (UINT64_C(1) << b) + preallocated(b);
}

/* B of the old array during a grow: the same after a same-size grow, else one less. */
static uint8_t old_array_b(const gmv_header *h)
{
    return h->same_size_grow || h->B == 0 ? h->B : (uint8_t)(h->B - 1);
}

/* A slice of `cap` overflow bucket pointers that a classic map of
 * pointer-free buckets keeps in mapextra (so the collector keeps them):
 * its header and array. */
static uint64_t overflow_slice(const gmv_model *m, uint64_t cap)
{
    const gmv_layout *l = &m->layout;
    if (cap == 0)
        return 0;
    return gmv_allocated_bytes(l, 3 * (uint64_t)l->ptr_size, true) +
           gmv_allocated_bytes(l, cap * l->ptr_size, true);
}

/* The cap append gives a slice of pointers grown one by one to `len`
 * (growslice: doubling to 256, then by a quarter and 192 more, rounded
 * up to a size class). */
static uint64_t appended_cap(const gmv_layout *l, uint64_t len)
{
    uint64_t cap = 0;
    while (cap < len && cap < (UINT64_C(1) << 40)) {
        uint64_t next = cap == 0 ? 1 : cap < 256 ? 2 * cap : cap + (cap + 3 * 256) / 4;
        cap = gmv_allocated_bytes(l, next * l->ptr_size, true) / l->ptr_size;
    }
    return cap;
}

/* The overflow slices of mapextra: as read, or grown by append to
 * `overflow` (hmap.noverflow) when their headers were not read (only maps
 * whose buckets hold no `pointers` keep one). */
static uint64_t overflow_slices(const gmv_model *m, uint64_t overflow, bool pointers)
{
    const gmv_header *h = &m->header;
    if (h->overflow_cap[0] || h->overflow_cap[1])
        return overflow_slice(m, h->overflow_cap[0]) + overflow_slice(m, h->overflow_cap[1]);
    if (pointers)
        return 0;
    return overflow_slice(m, appended_cap(&m->layout, overflow));
}

/* The overflow buckets of array `a` (2^b buckets) allocated one by one:
 * those outside the array's allocation (which holds 2^(b-4) more from b = 4). */
static uint64_t separate_overflow(const gmv_array *a, uint8_t b, uint64_t bucket_size)
{
    uint64_t end = a->address + bucket_array(b) * bucket_size, n = 0;
    for (size_t r = 0; r < a->nbucket_records; r++) {
        const gmv_bucket *rec = &a->buckets[r];
        n += rec->depth > 0 && (rec->address < a->address || rec->address >= end);
    }
    return n;
}

/* Cells by what they hold, counted from the records of a walk. */
typedef struct cell_count {
    uint64_t live, empty, deleted, stale; /* stale: in the old array, already moved */
} cell_count;

/* Counts the cells of the records of `a`; `old`: the old array, where a
 * whole evacuated chain is stale. */
static void count_cells(const gmv_array *a, bool old, cell_count *c)
{
    for (size_t i = 0; i < a->nchains; i++) {
        const gmv_chain *ch = &a->chains[i];
        for (size_t r = ch->first; r < ch->first + ch->length && r < a->nbucket_records; r++) {
            const gmv_bucket *rec = &a->buckets[r];
            for (int k = 0; rec->readable && k < GMV_BUCKET_CELLS; k++) {
                uint8_t st = rec->state[k];
                if (old && ch->evacuated)
                    c->stale++;
                else if (st == GMV_CELL_LIVE)
                    c->live++;
                else if (st == GMV_CELL_EMPTY_ONE)
                    c->deleted++;
                else if (st == GMV_CELL_EMPTY_REST)
                    c->empty++;
                else
                    c->stale++;
            }
        }
    }
}

/* Splits a classic map's bytes by use. Reading only the header, the
 * entries are taken to be in the current array, its other cells empty
 * (deleted ones cannot be told apart) and the old array all moved. */
static void classic_use(const gmv_model *m, uint64_t separate, uint64_t used_prealloc, gmv_map_memory *out)
{
    const gmv_layout *l = &m->layout;
    const gmv_header *h = &m->header;
    uint64_t cell = 1 + (uint64_t)l->key_slot + l->elem_slot;
    cell_count c = {0};
    if (out->cells_read) {
        count_cells(&m->buckets, false, &c);
        if (m->has_old)
            count_cells(&m->oldbuckets, true, &c);
        out->spare = m->nspares * (uint64_t)l->bucket_size;
    } else {
        uint64_t cells = ((UINT64_C(1) << h->B) + used_prealloc + separate) * GMV_BUCKET_CELLS;
        c.live = h->count;
        c.empty = cells > h->count ? cells - h->count : 0;
        if (h->oldbuckets)
            c.stale = (UINT64_C(1) << old_array_b(h)) * GMV_BUCKET_CELLS;
        out->spare = (preallocated(h->B) - used_prealloc) * l->bucket_size;
    }
    out->live_entries = c.live;
    out->in_use = c.live * cell;
    out->empty = c.empty * cell;
    out->deleted = c.deleted * cell;
    out->old = c.stale * cell;
}

static void classic_memory(const gmv_model *m, gmv_map_memory *out)
{
    const gmv_layout *l = &m->layout;
    const gmv_header *h = &m->header;
    bool pointers = holds_pointers(m);
    if (h->B >= 48)
        return; /* no runtime makes such a map: nothing to say */
    out->header = gmv_allocated_bytes(l, l->hmap.size, true);
    out->capacity = (UINT64_C(1) << h->B) * GMV_BUCKET_CELLS;
    if (h->buckets)
        out->arrays = gmv_allocated_bytes(l, bucket_array(h->B) * l->bucket_size, pointers);
    uint64_t prealloc = preallocated(h->B), used_prealloc = prealloc;
    uint64_t spare_start = h->buckets + (UINT64_C(1) << h->B) * l->bucket_size;
    if (h->next_overflow >= spare_start && l->bucket_size)
        used_prealloc = (h->next_overflow - spare_start) / l->bucket_size;
    if (used_prealloc > prealloc)
        used_prealloc = prealloc;
    uint64_t separate = h->noverflow > used_prealloc ? h->noverflow - used_prealloc : 0;
    uint8_t old_b = old_array_b(h);
    if (out->cells_read) /* the buckets walked: exact, where noverflow is approximate from B 16 */
        separate = separate_overflow(&m->buckets, h->B, l->bucket_size) +
                   (m->has_old ? separate_overflow(&m->oldbuckets, old_b, l->bucket_size) : 0);
    out->overflow = separate * gmv_allocated_bytes(l, l->bucket_size, pointers);
    if (h->oldbuckets)
        out->old_arrays = gmv_allocated_bytes(l, bucket_array(old_b) * l->bucket_size, pointers);
    if (h->extra)
        out->extra = gmv_allocated_bytes(l, 3 * (uint64_t)l->ptr_size, true) +
                     overflow_slices(m, h->noverflow, pointers);
    classic_use(m, separate, used_prealloc, out);
}

/* Splits a Swiss table's or small group's slots by use: `full` live, the
 * `deleted` tombstones, the rest empty. */
static void swiss_slots(gmv_map_memory *out, uint64_t cell, uint64_t slots, uint64_t full, uint64_t deleted)
{
    full = full < slots ? full : slots;
    deleted = deleted < slots - full ? deleted : slots - full;
    out->live_entries += full;
    out->in_use += full * cell;
    out->deleted += deleted * cell;
    out->empty += (slots - full - deleted) * cell;
}

/* A table's tombstones as its header tells them (maxGrowth - used - growthLeft). */
static uint64_t header_tombstones(const gmv_table *t)
{
    return t->tombstones > 0 ? (uint64_t)t->tombstones : 0;
}

static void swiss_memory(const gmv_model *m, gmv_map_memory *out)
{
    const gmv_layout *l = &m->layout;
    const gmv_swiss_header *h = &m->swiss;
    bool pointers = holds_pointers(m);
    uint64_t cell = 1 + (l->swiss.group_size - GMV_GROUP_SLOTS) / GMV_GROUP_SLOTS;
    out->header = gmv_allocated_bytes(l, l->swiss.map.size, true);
    if (h->small) {
        out->arrays = gmv_allocated_bytes(l, l->swiss.group_size, pointers);
        out->capacity = GMV_GROUP_SLOTS;
        const gmv_group *g = gmv_small_group_of(m);
        uint64_t full = m->header.count, deleted = 0;
        if (out->cells_read && g && g->readable) {
            full = deleted = 0;
            for (int i = 0; i < GMV_GROUP_SLOTS; i++) {
                full += g->state[i] == GMV_CTRL_FULL;
                deleted += g->state[i] == GMV_CTRL_DELETED;
            }
        }
        swiss_slots(out, cell, GMV_GROUP_SLOTS, full, deleted);
        return;
    }
    if (h->dir_len)
        out->directory = gmv_allocated_bytes(l, h->dir_len * l->ptr_size, true);
    for (size_t i = 0; i < m->ntables; i++) {
        const gmv_table *t = &m->tables[i];
        if (!t->readable)
            continue;
        out->tables += gmv_allocated_bytes(l, l->swiss.table.size, true);
        out->arrays += gmv_allocated_bytes(l, (t->length_mask + 1) * l->swiss.group_size, pointers);
        out->capacity += t->capacity;
        if (out->cells_read)
            swiss_slots(out, cell, t->capacity, t->full, t->deleted);
        else
            swiss_slots(out, cell, t->capacity, t->used, header_tombstones(t));
    }
}

/* The overflow buckets `count` keys spread over `buckets` buckets need, if
 * hashing spreads them as chance does: the expected buckets holding more
 * than 8, 16, ... of them (Poisson, mean count / buckets). */
static uint64_t expected_overflow(uint64_t count, uint64_t buckets)
{
    double mean = (double)count / (double)buckets, term = exp(-mean), below = 0, over = 0;
    for (unsigned k = 0; k < 64; k++) {
        below += term; /* P(at most k keys) */
        term *= mean / (k + 1);
        if (k > 0 && k % GMV_BUCKET_CELLS == 0)
            over += 1 - below; /* a bucket of more than 8, 16, ... keys needs 1, 2, ... overflow buckets */
    }
    return (uint64_t)(over * (double)buckets + 0.5);
}

/* A classic map of `count` entries inserted one by one: the smallest B
 * whose load stays at most 6.5 (overLoadFactor), its bucket array, and
 * the overflow buckets an even hash needs beyond those made with it. */
static uint64_t classic_rebuilt(const gmv_model *m, uint64_t count)
{
    const gmv_layout *l = &m->layout;
    bool pointers = holds_pointers(m);
    uint8_t b = 0;
    while (count > GMV_BUCKET_CELLS && count * 2 > 13 * (UINT64_C(1) << b) && b < 48)
        b++;
    uint64_t overflow = expected_overflow(count, UINT64_C(1) << b);
    uint64_t separate = overflow > preallocated(b) ? overflow - preallocated(b) : 0;
    uint64_t slices = pointers ? 0 : overflow_slice(m, appended_cap(l, overflow));
    uint64_t extra = overflow || b >= 4 ? gmv_allocated_bytes(l, 3 * (uint64_t)l->ptr_size, true) + slices : 0;
    return gmv_allocated_bytes(l, l->hmap.size, true) +
           gmv_allocated_bytes(l, bucket_array(b) * l->bucket_size, pointers) +
           separate * gmv_allocated_bytes(l, l->bucket_size, pointers) + extra;
}

#define TABLE_MAX 1024 /* maxTableCapacity */

/* A Swiss map of `count` entries inserted one by one: a small map up to 8;
 * then one table doubling from 16 slots while it is 7/8 full; past 896
 * entries tables of 1024 slots split as they fill, into a power of two of
 * them (an even spread of the keys), with as many directory entries. */
static uint64_t swiss_rebuilt(const gmv_model *m, uint64_t count)
{
    const gmv_layout *l = &m->layout;
    bool pointers = holds_pointers(m);
    uint64_t bytes = gmv_allocated_bytes(l, l->swiss.map.size, true);
    if (count <= GMV_GROUP_SLOTS)
        return bytes + gmv_allocated_bytes(l, l->swiss.group_size, pointers);
    uint64_t capacity = 2 * GMV_GROUP_SLOTS, tables = 1;
    while (count * 8 > capacity * 7 && capacity < TABLE_MAX)
        capacity *= 2;
    while (count * 8 > tables * TABLE_MAX * 7 && tables < (UINT64_C(1) << 40))
        tables *= 2;
    uint64_t groups = gmv_allocated_bytes(l, capacity / GMV_GROUP_SLOTS * l->swiss.group_size, pointers);
    return bytes + gmv_allocated_bytes(l, tables * l->ptr_size, true) +
           tables * (gmv_allocated_bytes(l, l->swiss.table.size, true) + groups);
}

void gmv_model_memory(const gmv_model *m, gmv_map_memory *out)
{
    memset(out, 0, sizeof *out);
    if (m->header.nil)
        return;
    out->cells_read = !m->headers_only;
    if (m->layout.impl == GMV_IMPL_SWISS)
        swiss_memory(m, out);
    else
        classic_memory(m, out);
    uint64_t live = out->cells_read ? out->live_entries : m->header.count;
    out->live_entries = live;
    out->indirect = live * indirect_bytes(m);
    out->strings_counted = m->stats.strings_counted;
    out->strings = m->stats.string_bytes;
    out->storage = out->header + out->arrays + out->overflow + out->old_arrays + out->extra + out->tables +
                   out->directory;
    out->total = out->storage + out->indirect + out->strings;
    out->in_use += out->indirect + out->strings;
    out->wasted = out->empty + out->deleted + out->old + out->spare;
    uint64_t used = out->in_use + out->wasted;
    out->overhead = out->total > used ? out->total - used : 0;
    uint64_t count = m->header.count;
    if (count == 0) /* make(map[K]V) allocates the header alone, the rest on the first insert */
        out->rebuilt = out->header;
    else
        out->rebuilt = (m->layout.impl == GMV_IMPL_SWISS ? swiss_rebuilt(m, count) : classic_rebuilt(m, count)) +
                       count * indirect_bytes(m) + out->strings;
    out->saving = out->total > out->rebuilt ? out->total - out->rebuilt : 0;
}
