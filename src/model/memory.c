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

/* True when the map's slots hold pointers the garbage collector scans. */
static bool holds_pointers(const gmv_layout *l)
{
    const gmv_type *t[2] = {&l->key, &l->elem};
    for (int i = 0; i < 2; i++)
        if (t[i]->indirect || t[i]->kind == GMV_KIND_STRING || t[i]->kind == GMV_KIND_POINTER ||
            t[i]->kind == GMV_KIND_OTHER)
            return true;
    return false;
}

/* The bytes one allocation of `size` takes; `pointers`: it holds pointers. */
static uint64_t allocated(const gmv_layout *l, uint64_t size, bool pointers)
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

/* The buckets makeBucketArray allocates for 2^b: and 2^(b-4) overflow ones from b = 4. */
static uint64_t bucket_array(uint8_t b)
{
    return (UINT64_C(1) << b) + (b >= 4 ? UINT64_C(1) << (b - 4) : 0);
}

/* The slice of overflow buckets that a classic map of pointer-free buckets
 * keeps in mapextra (so the collector keeps them): its header and array. */
static uint64_t overflow_slice(const gmv_layout *l, uint64_t overflow)
{
    if (overflow == 0 || holds_pointers(l))
        return 0;
    return allocated(l, 3 * (uint64_t)l->ptr_size, true) + allocated(l, overflow * l->ptr_size, true);
}

static void classic_memory(const gmv_model *m, gmv_map_memory *out)
{
    const gmv_layout *l = &m->layout;
    const gmv_header *h = &m->header;
    bool pointers = holds_pointers(l);
    if (h->B >= 48)
        return; /* no runtime makes such a map: nothing to say */
    out->header = allocated(l, l->hmap.size, true);
    out->capacity = (UINT64_C(1) << h->B) * GMV_BUCKET_CELLS;
    if (h->buckets)
        out->arrays = allocated(l, bucket_array(h->B) * l->bucket_size, pointers);
    uint64_t prealloc = h->B >= 4 ? UINT64_C(1) << (h->B - 4) : 0, used_prealloc = prealloc;
    uint64_t spare_start = h->buckets + (UINT64_C(1) << h->B) * l->bucket_size;
    if (h->next_overflow >= spare_start && l->bucket_size)
        used_prealloc = (h->next_overflow - spare_start) / l->bucket_size;
    if (used_prealloc > prealloc)
        used_prealloc = prealloc;
    uint64_t separate = h->noverflow > used_prealloc ? h->noverflow - used_prealloc : 0;
    out->overflow = separate * allocated(l, l->bucket_size, pointers);
    if (h->oldbuckets) {
        uint8_t old_b = h->same_size_grow || h->B == 0 ? h->B : (uint8_t)(h->B - 1);
        out->old_arrays = allocated(l, bucket_array(old_b) * l->bucket_size, pointers);
    }
    if (h->extra)
        out->extra = allocated(l, 3 * (uint64_t)l->ptr_size, true) + overflow_slice(l, h->noverflow);
}

static void swiss_memory(const gmv_model *m, gmv_map_memory *out)
{
    const gmv_layout *l = &m->layout;
    const gmv_swiss_header *h = &m->swiss;
    bool pointers = holds_pointers(l);
    out->header = allocated(l, l->swiss.map.size, true);
    if (h->small) {
        out->arrays = allocated(l, l->swiss.group_size, pointers);
        out->capacity = GMV_GROUP_SLOTS;
        return;
    }
    if (h->dir_len)
        out->directory = allocated(l, h->dir_len * l->ptr_size, true);
    for (size_t i = 0; i < m->ntables; i++) {
        const gmv_table *t = &m->tables[i];
        if (!t->readable)
            continue;
        out->tables += allocated(l, l->swiss.table.size, true);
        out->arrays += allocated(l, (t->length_mask + 1) * l->swiss.group_size, pointers);
        out->capacity += t->capacity;
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
    bool pointers = holds_pointers(l);
    uint8_t b = 0;
    while (count > GMV_BUCKET_CELLS && count * 2 > 13 * (UINT64_C(1) << b) && b < 48)
        b++;
    uint64_t overflow = expected_overflow(count, UINT64_C(1) << b);
    uint64_t prealloc = b >= 4 ? UINT64_C(1) << (b - 4) : 0;
    uint64_t separate = overflow > prealloc ? overflow - prealloc : 0;
    return allocated(l, l->hmap.size, true) + allocated(l, bucket_array(b) * l->bucket_size, pointers) +
           separate * allocated(l, l->bucket_size, pointers) +
           (overflow || b >= 4 ? allocated(l, 3 * (uint64_t)l->ptr_size, true) + overflow_slice(l, overflow) : 0);
}

#define TABLE_MAX 1024 /* maxTableCapacity */

/* A Swiss map of `count` entries inserted one by one: a small map up to 8;
 * then one table doubling from 16 slots while it is 7/8 full; past 896
 * entries tables of 1024 slots split as they fill, into a power of two of
 * them (an even spread of the keys), with as many directory entries. */
static uint64_t swiss_rebuilt(const gmv_model *m, uint64_t count)
{
    const gmv_layout *l = &m->layout;
    bool pointers = holds_pointers(l);
    uint64_t bytes = allocated(l, l->swiss.map.size, true);
    if (count <= GMV_GROUP_SLOTS)
        return bytes + allocated(l, l->swiss.group_size, pointers);
    uint64_t capacity = 2 * GMV_GROUP_SLOTS, tables = 1;
    while (count * 8 > capacity * 7 && capacity < TABLE_MAX)
        capacity *= 2;
    while (count * 8 > tables * TABLE_MAX * 7 && tables < (UINT64_C(1) << 40))
        tables *= 2;
    uint64_t groups = allocated(l, capacity / GMV_GROUP_SLOTS * l->swiss.group_size, pointers);
    return bytes + allocated(l, tables * l->ptr_size, true) +
           tables * (allocated(l, l->swiss.table.size, true) + groups);
}

void gmv_model_memory(const gmv_model *m, gmv_map_memory *out)
{
    memset(out, 0, sizeof *out);
    if (m->header.nil)
        return;
    if (m->layout.impl == GMV_IMPL_SWISS)
        swiss_memory(m, out);
    else
        classic_memory(m, out);
    out->total = out->header + out->arrays + out->overflow + out->old_arrays + out->extra + out->tables +
                 out->directory;
    uint64_t count = m->header.count;
    out->rebuilt = m->layout.impl == GMV_IMPL_SWISS ? swiss_rebuilt(m, count) : classic_rebuilt(m, count);
    out->saving = out->total > out->rebuilt ? out->total - out->rebuilt : 0;
}
