/* Walking a classic map (runtime/map.go hmap): header, bucket arrays,
 * chains, entries, spare buckets. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "model/model_impl.h"

/* Maps a tophash byte to its state under the layout's marks. */
static gmv_cell_state classify_tophash(const gmv_tophash_marks *m, uint8_t top)
{
    if (top >= m->min_top_hash)
        return GMV_CELL_LIVE;
    if (m->has_empty_rest && top == m->empty_rest)
        return GMV_CELL_EMPTY_REST;
    if (top == m->empty_one)
        return GMV_CELL_EMPTY_ONE;
    if (top == m->evacuated_x)
        return GMV_CELL_EVACUATED_X;
    if (top == m->evacuated_y)
        return GMV_CELL_EVACUATED_Y;
    return GMV_CELL_EVACUATED_EMPTY;
}

static bool is_evacuation_mark(gmv_cell_state s)
{
    return s == GMV_CELL_EVACUATED_X || s == GMV_CELL_EVACUATED_Y || s == GMV_CELL_EVACUATED_EMPTY;
}

/* Appends a zeroed bucket record to `array`; returns it or NULL (no memory). */
static gmv_bucket *push_record(gmv_array *array, size_t *cap)
{
    gmv_bucket *grown = gmv_grow(array->buckets, cap, array->nbucket_records, sizeof *grown, 64);
    if (!grown)
        return NULL;
    array->buckets = grown;
    gmv_bucket *rec = &array->buckets[array->nbucket_records++];
    memset(rec, 0, sizeof *rec);
    for (int i = 0; i < GMV_BUCKET_CELLS; i++)
        rec->entry[i] = GMV_NO_ENTRY;
    return rec;
}

/* Takes cell `slot` of `rec` (bucket `index` of the current or `old`
 * array) as an entry. */
static int add_entry(gmv_builder *b, gmv_bucket *rec, uint64_t index, int slot, bool old)
{
    gmv_entry place = {.bucket = index, .overflow_depth = rec->depth, .slot = (uint8_t)slot, .old = old,
                       .tophash = rec->tophash[slot]};
    const gmv_entry *e = NULL;
    int rc = gmv_builder_add_entry(b, &place, rec->raw, slot, &rec->entry[slot], &e);
    if (rc == 0 && e && (!e->key.readable || !e->elem.readable))
        gmv_model_add_anomaly(b->model, "unreadable_entry", rec->address, (int64_t)index, old,
                              "the %s of slot %d points at unreadable memory", e->key.readable ? "value" : "key",
                              slot);
    return rc;
}

/* What a chain walk needs to know about its array. */
typedef struct chain_walk {
    gmv_array *array;
    size_t *records_cap;
    bool old;               /* walking the old array */
    bool entries_here;      /* live cells here are entries (not stale) */
    bool after_empty_rest;  /* an emptyRest cell was seen earlier in the chain */
} chain_walk;

/* Parses one bucket's tophash and cells into `rec`, adding entries. */
static int parse_bucket(gmv_builder *b, chain_walk *w, gmv_bucket *rec, const uint8_t *raw, uint64_t index)
{
    const gmv_layout *l = &b->model->layout;
    memcpy(rec->tophash, raw, GMV_BUCKET_CELLS);
    rec->raw = raw;
    rec->overflow = gmv_load_le(raw + l->overflow_offset, l->ptr_size);
    rec->readable = true;
    for (int i = 0; i < GMV_BUCKET_CELLS; i++) {
        gmv_cell_state s = classify_tophash(&l->marks, rec->tophash[i]);
        rec->state[i] = s;
        if (s == GMV_CELL_LIVE && w->after_empty_rest)
            gmv_model_add_anomaly(b->model, "live_after_empty_rest", rec->address, (int64_t)index, w->old,
                                  "slot %d holds an entry after an empty-rest mark: lookups will miss it", i);
        if (s == GMV_CELL_EMPTY_REST)
            w->after_empty_rest = true;
        if (s == GMV_CELL_LIVE && w->entries_here) {
            int rc = add_entry(b, rec, index, i, w->old);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* Decides whether the chain may go on to `next`; records an anomaly if not. */
static bool may_follow(gmv_builder *b, const chain_walk *w, const gmv_bucket *rec, uint64_t index, uint64_t next)
{
    gmv_array *a = w->array;
    uint64_t array_end = a->address + a->nbuckets * b->model->layout.bucket_size;
    if (next >= a->address && next < array_end) {
        gmv_model_add_anomaly(b->model, "overflow_into_array", rec->address, (int64_t)index, w->old,
                              "overflow pointer 0x%" PRIx64 " points back into the bucket array", next);
        return false;
    }
    int added = gmv_addrset_add(&b->seen, next);
    if (added < 0) {
        b->error = GMV_ERR_NOMEM;
        return false;
    }
    if (added == 0) {
        gmv_model_add_anomaly(b->model, "overflow_loop", rec->address, (int64_t)index, w->old,
                              "overflow bucket 0x%" PRIx64 " was already reached: the chain loops or is shared", next);
        return false;
    }
    if (b->records_walked >= b->limits.max_buckets) {
        if (!b->bucket_limit_hit)
            gmv_model_add_anomaly(b->model, "bucket_limit_reached", rec->address, (int64_t)index, w->old,
                                  "stopped after %" PRIu64 " buckets (raise %s to walk more)",
                                  b->records_walked, gmv_option_name(GMV_OPTION_MAX_BUCKETS));
        b->bucket_limit_hit = true;
        return false;
    }
    return true;
}

/* Walks the chain of bucket `index` starting at its primary bytes `raw`
 * (NULL when unreadable). Returns 0 or a hard-failure status. */
static int walk_chain(gmv_builder *b, chain_walk *w, uint64_t index, const uint8_t *raw)
{
    gmv_array *a = w->array;
    const gmv_layout *l = &b->model->layout;
    gmv_chain *chain = &a->chains[a->nchains++];
    *chain = (gmv_chain){.index = index, .first = a->nbucket_records};
    uint64_t addr = a->address + index * l->bucket_size;
    w->after_empty_rest = false;
    for (uint32_t depth = 0;; depth++) {
        gmv_bucket *rec = push_record(a, w->records_cap);
        if (!rec)
            return GMV_ERR_NOMEM;
        rec->address = addr;
        rec->depth = depth;
        chain->length++;
        b->records_walked++;
        if (!raw) {
            gmv_model_add_anomaly(b->model, "unreadable_bucket", addr, (int64_t)index, w->old,
                                  "bucket memory at 0x%" PRIx64 " is unreadable", addr);
            chain->truncated = true;
            return b->error;
        }
        if (depth == 0 && w->old) {
            chain->evacuated = is_evacuation_mark(classify_tophash(&l->marks, raw[0]));
            w->entries_here = !chain->evacuated;
        }
        int rc = parse_bucket(b, w, rec, raw, index);
        if (rc != 0)
            return rc;
        uint64_t next = rec->overflow;
        if (next == 0)
            return 0;
        if (!may_follow(b, w, rec, index, next)) {
            chain->truncated = true;
            return b->error;
        }
        addr = next;
        raw = gmv_builder_read_block(b, addr, l->bucket_size);
        if (b->error)
            return b->error;
    }
}

/* Buckets whose entries' memory is prefetched at a time (16 pieces each). */
#define PREFETCH_BUCKETS 8192

/* Tells the source what the entries of primary buckets [from, to) of `raw`
 * will read (string bytes, indirect keys and values), so a live process
 * fetches it in a few calls. Returns 0 or a hard-failure status. */
static int prefetch_entries(gmv_builder *b, const uint8_t *raw, uint64_t from, uint64_t to, bool old)
{
    const gmv_layout *l = &b->model->layout;
    if (!gmv_builder_prefetch_room(b, PREFETCH_BUCKETS * GMV_BUCKET_CELLS))
        return 0; /* no room for hints: read as it comes */
    size_t n = 0;
    for (uint64_t i = from; i < to; i++) {
        const uint8_t *bucket = raw + i * l->bucket_size;
        if (old && is_evacuation_mark(classify_tophash(&l->marks, bucket[0])))
            continue; /* stale cells are not decoded */
        for (int slot = 0; slot < GMV_BUCKET_CELLS; slot++) {
            if (classify_tophash(&l->marks, bucket[slot]) != GMV_CELL_LIVE)
                continue;
            gmv_builder_want_cell(b, bucket, slot, b->pieces, &n);
        }
    }
    return gmv_source_prefetch(b->src, b->pieces, n);
}

/* Checks that an array of 2^B buckets can be walked within the limits. */
static bool array_within_limits(gmv_builder *b, uint64_t nbuckets, bool old)
{
    uint64_t bsize = b->model->layout.bucket_size;
    if (nbuckets > b->limits.max_buckets || nbuckets > b->limits.max_bytes / bsize) {
        gmv_model_add_anomaly(b->model, "array_too_large", 0, -1, old,
                              "%s array of %" PRIu64 " buckets exceeds the limits (raise %s/%s)",
                              old ? "the old" : "the", nbuckets, gmv_option_name(GMV_OPTION_MAX_BYTES), gmv_option_name(GMV_OPTION_MAX_BUCKETS));
        return false;
    }
    return true;
}

/* Walks a whole bucket array: every primary bucket and its chain. */
static int walk_array(gmv_builder *b, gmv_array *a, uint64_t addr, uint64_t nbuckets, bool old)
{
    a->address = addr;
    a->nbuckets = nbuckets;
    if (addr == 0 || nbuckets == 0 || !array_within_limits(b, nbuckets, old))
        return 0;
    uint64_t readable = 0;
    const uint8_t *raw = gmv_builder_read_blocks(b, addr, nbuckets, b->model->layout.bucket_size, &readable);
    if (b->error)
        return b->error;
    /* The array is read in one piece: past its readable part, the first
     * bucket is recorded as unreadable and the rest are not walked, so a
     * wild pointer or B costs nothing per bucket that was never there. */
    uint64_t walked = readable < nbuckets ? readable + 1 : nbuckets;
    a->chains = calloc((size_t)walked, sizeof *a->chains);
    if (!a->chains)
        return GMV_ERR_NOMEM;
    /* Room up front for the primary buckets and a few overflow ones, and for
     * every entry the header counts (at most 8 a bucket): no doubling waste. */
    size_t records_cap = 0;
    a->buckets = gmv_grow(NULL, &records_cap, 0, sizeof *a->buckets, (size_t)(walked + walked / 32 + 64));
    if (!a->buckets)
        return GMV_ERR_NOMEM;
    gmv_model *m = b->model;
    if (b->keep_entries && m->entries_cap == 0) {
        uint64_t expected = m->header.count < walked * GMV_BUCKET_CELLS ? m->header.count : walked * GMV_BUCKET_CELLS;
        m->entries = gmv_grow(NULL, &m->entries_cap, 0, sizeof *m->entries, (size_t)expected + 64);
        if (!m->entries)
            return GMV_ERR_NOMEM;
    }
    chain_walk w = {.array = a, .records_cap = &records_cap, .old = old, .entries_here = !old};
    uint32_t bsize = b->model->layout.bucket_size;
    for (uint64_t i = 0; i < walked; i++) {
        if (b->records_walked >= b->limits.max_buckets) {
            gmv_model_add_anomaly(b->model, "bucket_limit_reached", addr + i * bsize, (int64_t)i, old,
                                  "stopped after %" PRIu64 " buckets (raise %s to walk more)",
                                  b->records_walked, gmv_option_name(GMV_OPTION_MAX_BUCKETS));
            break;
        }
        if (b->prefetch && i % PREFETCH_BUCKETS == 0 && i < readable) {
            uint64_t to = readable - i < PREFETCH_BUCKETS ? readable : i + PREFETCH_BUCKETS;
            int rc = prefetch_entries(b, raw, i, to, old);
            if (rc != 0)
                return rc;
        }
        int rc = walk_chain(b, &w, i, i < readable ? raw + i * bsize : NULL);
        if (rc != 0)
            return rc;
        if ((i & 0x3fff) == 0x3fff)
            gmv_report_progress(old ? "old buckets" : "buckets", i + 1, nbuckets);
    }
    if (walked < nbuckets)
        gmv_model_add_anomaly(b->model, "unreadable_bucket", addr + walked * bsize, -1, old,
                              "buckets %" PRIu64 " to %" PRIu64 " of %s array at 0x%" PRIx64 " were not walked (%s)",
                              walked, nbuckets - 1, old ? "the old" : "the", addr,
                              b->byte_limit_hit ? "the byte limit was reached" : "unreadable");
    return 0;
}

/* The cap of the slice header at `addr` (0: nil or unreadable, as in a
 * snapshot taken before gomapviz read it: the memory figures then fall
 * back on hmap.noverflow). */
static uint64_t slice_cap(gmv_builder *b, uint64_t addr)
{
    uint32_t p = b->model->layout.ptr_size;
    uint8_t header[3 * 8];
    if (addr == 0 || gmv_builder_read(b, addr, header, 3 * p) != (int64_t)(3 * p))
        return 0;
    uint64_t len = gmv_load_le(header + p, p), cap = gmv_load_le(header + 2 * p, p);
    return len <= cap && cap <= (UINT64_C(1) << 32) ? cap : 0;
}

/* Reads the hmap header (and mapextra) at `addr` into model->header. */
static int read_header(gmv_builder *b, uint64_t addr)
{
    const gmv_layout *l = &b->model->layout;
    const gmv_hmap_layout *h = &l->hmap;
    gmv_header *hd = &b->model->header;
    uint8_t raw[4096];
    int64_t got = gmv_builder_read(b, addr, raw, h->size);
    if (got < 0)
        return (int)got;
    if ((uint64_t)got < h->size)
        return gmv_fail(GMV_ERR_IO, "cannot read the map header at 0x%" PRIx64 ": memory is not readable", addr);
    uint32_t p = l->ptr_size;
    hd->address = addr;
    hd->count = gmv_load_le(raw + h->count, p);
    hd->flags = raw[h->flags];
    hd->B = raw[h->B];
    hd->noverflow = (uint16_t)gmv_load_le(raw + h->noverflow, 2);
    hd->hash0 = (uint32_t)gmv_load_le(raw + h->hash0, 4);
    hd->buckets = gmv_load_le(raw + h->buckets, p);
    hd->oldbuckets = gmv_load_le(raw + h->oldbuckets, p);
    hd->nevacuate = gmv_load_le(raw + h->nevacuate, p);
    hd->extra = gmv_load_le(raw + h->extra, p);
    hd->growing = hd->oldbuckets != 0;
    hd->same_size_grow = (hd->flags & GMV_FLAG_SAME_SIZE_GROW) != 0;
    if (hd->extra == 0)
        return 0;
    /* mapextra is read up to its last field: offsets come from the layout
     * (at most 64, gmv_layout_validate), not always the classic 0, p, 2p. */
    uint32_t extra_size = h->extra_overflow;
    if (h->extra_oldoverflow > extra_size)
        extra_size = h->extra_oldoverflow;
    if (h->extra_next_overflow > extra_size)
        extra_size = h->extra_next_overflow;
    extra_size += p;
    uint8_t extra[64 + 8];
    if (extra_size > sizeof extra ||
        gmv_builder_read(b, hd->extra, extra, extra_size) != (int64_t)extra_size) {
        gmv_model_add_anomaly(b->model, "unreadable_extra", hd->extra, -1, false,
                              "mapextra at 0x%" PRIx64 " is unreadable", hd->extra);
        return 0;
    }
    hd->extra_overflow = gmv_load_le(extra + h->extra_overflow, p);
    hd->extra_oldoverflow = gmv_load_le(extra + h->extra_oldoverflow, p);
    hd->next_overflow = gmv_load_le(extra + h->extra_next_overflow, p);
    hd->overflow_cap[0] = slice_cap(b, hd->extra_overflow);
    hd->overflow_cap[1] = slice_cap(b, hd->extra_oldoverflow);
    return 0;
}

/* Appends `addr` to the list of free spare overflow buckets. */
static int push_spare(gmv_model *m, uint64_t addr)
{
    uint64_t *grown = gmv_grow(m->spares, &m->spares_cap, m->nspares, sizeof *grown, 16);
    if (!grown)
        return GMV_ERR_NOMEM;
    m->spares = grown;
    m->spares[m->nspares++] = addr;
    return 0;
}

/* Walks the preallocated overflow buckets from extra.nextOverflow: each free
 * one has a nil overflow pointer, the last one points at the array. */
static int walk_spares(gmv_builder *b)
{
    gmv_model *m = b->model;
    const gmv_header *h = &m->header;
    const gmv_layout *l = &m->layout;
    if (h->next_overflow == 0 || h->buckets == 0 || h->B >= 63)
        return 0;
    uint64_t array_end = h->buckets + (UINT64_C(1) << h->B) * l->bucket_size;
    uint64_t bound = (h->B >= 4 ? UINT64_C(1) << (h->B - 4) : 0) + 8192 / l->bucket_size + 64;
    if (h->next_overflow < array_end || (h->next_overflow - h->buckets) % l->bucket_size != 0)
        return gmv_model_add_anomaly(m, "next_overflow_outside_spares", h->next_overflow, -1, false,
                                     "extra.nextOverflow 0x%" PRIx64 " is not a bucket after the array", h->next_overflow);
    uint64_t addr = h->next_overflow;
    for (uint64_t n = 0; n < bound; n++, addr += l->bucket_size) {
        uint8_t word[8];
        if (gmv_builder_read(b, addr + l->overflow_offset, word, l->ptr_size) != (int64_t)l->ptr_size)
            return gmv_model_add_anomaly(m, "unreadable_spare", addr, -1, false,
                                         "spare overflow bucket 0x%" PRIx64 " is unreadable", addr);
        uint64_t overflow = gmv_load_le(word, l->ptr_size);
        if (overflow != 0 && overflow != h->buckets)
            return gmv_model_add_anomaly(m, "spare_overflow_corrupt", addr, -1, false,
                                         "spare bucket 0x%" PRIx64 " has overflow 0x%" PRIx64 ", neither nil nor the end marker",
                                         addr, overflow);
        if (push_spare(m, addr) != 0)
            return GMV_ERR_NOMEM;
        if (overflow == h->buckets)
            return 0;
    }
    return gmv_model_add_anomaly(m, "spare_overflow_unterminated", h->next_overflow, -1, false,
                                 "no end marker among %" PRIu64 " spare overflow buckets", bound);
}

/* The number of buckets in the old array, or 0 (with an anomaly) if the header
 * makes no sense for a grow. */
static uint64_t old_array_size(gmv_model *m)
{
    const gmv_header *h = &m->header;
    if (h->B >= 63) /* listed once, by gmv_classic_walk */
        return 0;
    if (h->same_size_grow)
        return UINT64_C(1) << h->B;
    if (h->B == 0) {
        gmv_model_add_anomaly(m, "old_array_without_grow", h->oldbuckets, -1, true,
                              "oldbuckets is set but B = 0 leaves no room for a doubling grow");
        return 0;
    }
    return UINT64_C(1) << (h->B - 1);
}

int gmv_classic_walk(gmv_builder *b, uint64_t hmap_addr)
{
    gmv_model *m = b->model;
    int rc = read_header(b, hmap_addr);
    if (rc != 0)
        return rc;
    const gmv_header *h = &m->header;
    if (b->headers_only) {
        m->has_old = h->oldbuckets != 0;
        return 0;
    }
    if (h->B >= 63) {
        gmv_model_add_anomaly(m, "b_too_large", h->address, -1, false, "B = %u is impossible", h->B);
    } else {
        rc = walk_array(b, &m->buckets, h->buckets, h->buckets ? UINT64_C(1) << h->B : 0, false);
        if (rc != 0)
            return rc;
    }
    if (h->oldbuckets != 0) {
        m->has_old = true;
        rc = walk_array(b, &m->oldbuckets, h->oldbuckets, old_array_size(m), true);
        if (rc != 0)
            return rc;
    }
    return walk_spares(b);
}

/* Decodes again and visits the entries of array `a` (the old one if `old`),
 * in the order a walk lists them. */
static int visit_array(gmv_builder *b, const gmv_array *a, bool old, gmv_entry_visitor visit, void *ctx)
{
    for (size_t c = 0; c < a->nchains; c++) {
        const gmv_chain *chain = &a->chains[c];
        if (old && chain->evacuated)
            continue; /* stale cells: not entries */
        for (size_t r = chain->first; r < chain->first + chain->length; r++) {
            const gmv_bucket *rec = &a->buckets[r];
            for (int slot = 0; rec->raw && slot < GMV_BUCKET_CELLS; slot++) {
                if (rec->state[slot] != GMV_CELL_LIVE)
                    continue;
                gmv_entry e = {.bucket = chain->index, .overflow_depth = rec->depth, .slot = (uint8_t)slot,
                               .old = old, .tophash = rec->tophash[slot]};
                int rc = gmv_decode_cell(b, rec->raw, slot, &e);
                if (rc == 0)
                    rc = visit(ctx, &e);
                if (rc != 0)
                    return rc;
            }
        }
    }
    return 0;
}

int gmv_classic_each_entry(gmv_builder *b, gmv_entry_visitor visit, void *ctx)
{
    const gmv_model *m = b->model;
    int rc = visit_array(b, &m->buckets, false, visit, ctx);
    if (rc == 0 && m->has_old)
        rc = visit_array(b, &m->oldbuckets, true, visit, ctx);
    return rc;
}

uint64_t gmv_classic_entry_address(const gmv_model *m, const gmv_entry *e)
{
    const gmv_array *a = e->old ? &m->oldbuckets : &m->buckets;
    if (e->bucket >= a->nchains || a->chains[e->bucket].index != e->bucket ||
        e->overflow_depth >= a->chains[e->bucket].length)
        return 0;
    const gmv_bucket *rec = &a->buckets[a->chains[e->bucket].first + e->overflow_depth];
    return rec->address + m->layout.keys_offset + (uint64_t)e->slot * m->layout.key_stride;
}
