/* Capturing a map: record every byte a model build reads, while frozen. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/error.h"
#include "common/grow.h"
#include "common/sort.h"
#include "common/bytes.h"
#include "snapshot/snapshot_impl.h"

#define DEFAULT_WRITER_RETRIES 5

#define PACKED_BLOCK ((size_t)1 << 20)    /* small reads are packed into blocks of this size */
#define OWN_BLOCK_READ ((size_t)64 << 10) /* a read at least this long gets a block of its own */
#define VIEW_READ_CHUNK ((size_t)16 << 20) /* a lent read grows its block by this much at most */

/* A source decorator that keeps a copy of everything read through it: the
 * bytes in blocks that never move (so it can lend them: recorder_view), the
 * ranges in the order they were read. */
typedef struct recorder {
    gmv_source *inner;
    gmv_range *ranges;
    size_t nranges, ranges_cap;
    uint8_t **blocks;
    size_t nblocks, blocks_cap;
    uint8_t *packed;          /* the block small reads are packed into */
    size_t packed_used;
} recorder;

/* Keeps `block` (malloc'd); frees it and returns -1 when out of memory. */
static int keep_block(recorder *r, uint8_t *block)
{
    uint8_t **grown = gmv_grow(r->blocks, &r->blocks_cap, r->nblocks, sizeof *grown, 16);
    if (!grown) {
        free(block);
        return -1;
    }
    r->blocks = grown;
    r->blocks[r->nblocks++] = block;
    return 0;
}

/* Records that `len` bytes at `addr` are held at `bytes`; a read that
 * continues the previous one in memory and in storage (string bytes laid out
 * one after another) extends its range. Returns 0 or -1. */
static int keep_range(recorder *r, uint64_t addr, const uint8_t *bytes, uint64_t len)
{
    gmv_range *last = r->nranges ? &r->ranges[r->nranges - 1] : NULL;
    if (last && last->address + last->len == addr && last->bytes + last->len == bytes) {
        last->len += len;
    } else {
        gmv_range *grown = gmv_grow(r->ranges, &r->ranges_cap, r->nranges, sizeof *grown, 256);
        if (!grown)
            return -1;
        r->ranges = grown;
        r->ranges[r->nranges++] = (gmv_range){.address = addr, .len = len, .bytes = bytes};
    }
    return 0;
}

/* Copies `len` bytes read at `addr` into the recording. Returns 0 or -1. */
static int recorder_keep(recorder *r, uint64_t addr, const void *buf, uint64_t len)
{
    uint8_t *dst;
    if (len >= OWN_BLOCK_READ) {
        dst = malloc((size_t)len);
        if (!dst || keep_block(r, dst) != 0)
            return -1;
    } else {
        if (!r->packed || r->packed_used + len > PACKED_BLOCK) {
            r->packed = malloc(PACKED_BLOCK);
            r->packed_used = 0;
            if (!r->packed || keep_block(r, r->packed) != 0) {
                r->packed = NULL;
                return -1;
            }
        }
        dst = r->packed + r->packed_used;
        r->packed_used += (size_t)len;
    }
    memcpy(dst, buf, (size_t)len);
    return keep_range(r, addr, dst, len);
}

static int64_t recorder_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    recorder *r = ctx;
    int64_t got = gmv_source_read(r->inner, addr, buf, len);
    if (got > 0 && recorder_keep(r, addr, buf, (uint64_t)got) != 0)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
    return got;
}

/* Reads up to `len` bytes at `addr` straight into a block of their own,
 * grown only as reads succeed (a wild length costs what is really there),
 * and lends them. */
static int64_t recorder_view(void *ctx, uint64_t addr, size_t len, const uint8_t **bytes)
{
    recorder *r = ctx;
    size_t cap = len < VIEW_READ_CHUNK ? len : VIEW_READ_CHUNK, have = 0;
    uint8_t *block = malloc(cap);
    while (block && have < len) {
        if (have == cap) {
            size_t bigger = len - cap > cap ? cap * 2 : len;
            uint8_t *grown = realloc(block, bigger);
            if (!grown) {
                free(block);
                return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
            }
            block = grown;
            cap = bigger;
        }
        int64_t got = gmv_source_read(r->inner, addr + have, block + have, cap - have);
        if (got <= 0) {
            if (got < 0) {
                free(block);
                return got;
            }
            break;
        }
        have += (size_t)got;
    }
    if (block && have < cap && have > 0) {
        uint8_t *shrunk = realloc(block, have);
        block = shrunk ? shrunk : block;
    }
    if (block && have == 0) {
        free(block);
        return 0;
    }
    if (!block || keep_block(r, block) != 0 || keep_range(r, addr, block, have) != 0)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
    *bytes = block;
    return (int64_t)have;
}

/* Passes the hint on: the recording keeps what is then read, not this. */
static int recorder_prefetch(void *ctx, gmv_piece *pieces, size_t n)
{
    recorder *r = ctx;
    return gmv_source_prefetch(r->inner, pieces, n);
}

/* A range's place in address order: its address and its index in the
 * recording (the sort keeps equal addresses in recording order). */
typedef struct range_ref {
    uint64_t address;
    uint64_t index;
} range_ref;

/* Trims the recording so that no two ranges overlap, keeping it in the
 * order the bytes were read: a range inside one that starts before it in
 * address order (or at the same address, read earlier) is dropped, one
 * that overlaps the end of such a range loses its front (the bytes are the
 * same: the target was frozen; without a freeze the earlier one wins).
 * Returns 0 or GMV_ERR_NOMEM. */
static int trim_overlaps(recorder *r)
{
    range_ref *refs = malloc((r->nranges ? r->nranges : 1) * sizeof *refs);
    if (!refs)
        return GMV_ERR_NOMEM;
    for (size_t i = 0; i < r->nranges; i++)
        refs[i] = (range_ref){.address = r->ranges[i].address, .index = i};
    if (gmv_sort_by_u64_key(refs, r->nranges, sizeof *refs) != 0) {
        free(refs);
        return GMV_ERR_NOMEM;
    }
    uint64_t last_end = 0;
    for (size_t k = 0; k < r->nranges; k++) {
        gmv_range *in = &r->ranges[refs[k].index];
        uint64_t end = in->address + in->len;
        if (k > 0 && end <= last_end) {
            in->len = 0; /* inside the last range */
            continue;
        }
        if (k > 0 && in->address < last_end) {
            uint64_t skip = last_end - in->address;
            in->address += skip;
            in->bytes += skip;
            in->len -= skip;
        }
        last_end = end;
    }
    free(refs);
    return 0;
}

/* Moves the recording into `snap`: the ranges in the order they were read
 * (a walk of the snapshot reads them in that order again), none
 * overlapping, the blocks handed over. Nothing is copied. Returns 0 or
 * GMV_ERR_NOMEM. */
static int recorder_finish(recorder *r, gmv_snapshot *snap)
{
    if (trim_overlaps(r) != 0)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory ordering the recorded memory");
    size_t n = 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < r->nranges; i++) {
        if (r->ranges[i].len == 0)
            continue;
        r->ranges[n++] = r->ranges[i];
        bytes += r->ranges[i].len;
    }
    snap->ranges = r->ranges;
    snap->nranges = n;
    snap->nbytes = bytes;
    snap->by_address = false;
    snap->blocks = r->blocks;
    snap->nblocks = r->nblocks;
    r->ranges = NULL;
    r->blocks = NULL;
    r->nranges = r->nblocks = 0;
    return 0;
}

/* Forgets everything recorded so far (a retry starts afresh). */
static void recorder_reset(recorder *r)
{
    for (size_t i = 0; i < r->nblocks; i++)
        free(r->blocks[i]);
    r->nblocks = 0;
    r->nranges = 0;
    r->packed = NULL;
    r->packed_used = 0;
}

/* Reads the map pointer stored in the variable. */
static int read_map_pointer(gmv_source *src, const gmv_capture_request *req, uint64_t *hmap)
{
    uint8_t word[8];
    uint32_t p = req->layout->ptr_size;
    if (req->variable_address == 0) {
        *hmap = req->hmap_address;
        return 0;
    }
    int rc = gmv_source_read_exact(src, req->variable_address, word, p);
    if (rc == GMV_ERR_GONE || rc == GMV_ERR_PERMISSION)
        return rc; /* the message says it all: the process exited, or access was refused */
    if (rc != 0) {
        char why[512]; /* gmv_fail writes the buffer gmv_error_last() returns: copy it first */
        snprintf(why, sizeof why, "%s", gmv_error_last());
        return gmv_fail(rc, "cannot read variable %s at 0x%" PRIx64 ": %s",
                        req->origin.variable[0] ? req->origin.variable : "(map)", req->variable_address, why);
    }
    *hmap = gmv_load_le(word, p);
    return 0;
}

/* True if a writer marks the map right now (hashWriting, or Map.writing). */
static bool writer_active(gmv_source *src, const gmv_layout *layout, uint64_t map)
{
    uint32_t offset = 0;
    uint8_t mask = 0, flags = 0;
    gmv_layout_writer_flag(layout, &offset, &mask);
    return gmv_source_read(src, map + offset, &flags, 1) == 1 && (flags & mask);
}

/* Sleeps a little so a writer can leave the map: 1, 2, 4 ... ms. */
static void back_off(uint32_t attempt)
{
    struct timespec ts = {0, (long)(1000000L << (attempt < 6 ? attempt : 6))};
    nanosleep(&ts, NULL);
}

/* One frozen pass: map pointer, writer check, full walk through `rec`.
 * Sets *retry when the writer flag says to try again (never on the last try:
 * then the map is read as it is and the model reports the writer). */
static int capture_once(gmv_source *recsrc, recorder *rec, const gmv_capture_request *req, bool allow_nil,
                        bool last_try, uint64_t *hmap, bool *retry, gmv_capture_summary *summary)
{
    recorder_reset(rec);
    *retry = false;
    int rc = read_map_pointer(recsrc, req, hmap);
    if (rc != 0)
        return rc;
    if (*hmap == 0) {
        if (!allow_nil)
            return gmv_fail(GMV_ERR_NIL_MAP, "%s is a nil map: it has no header or buckets to read "
                            "(pass --allow-nil to capture it anyway)",
                            req->origin.variable[0] ? req->origin.variable : "the map");
        return 0;
    }
    if (!last_try && writer_active(recsrc, req->layout, *hmap)) {
        *retry = true;
        return 0;
    }
    gmv_model *model = NULL; /* the walk reads what a model needs, keeping no entries */
    rc = gmv_model_build_with(&model, recsrc, req->layout, *hmap, &req->limits, GMV_ENTRIES_READ);
    if (rc == 0) {
        gmv_model_anomalies(model, &summary->anomalies);
        summary->anomalies += (size_t)gmv_model_anomalies_dropped(model);
        summary->live_entries = gmv_model_stats(model)->live_entries;
        summary->impl = gmv_model_implementation(model);
        summary->B = gmv_model_header(model)->B;
        summary->tables = gmv_model_stats(model)->swiss.tables;
        summary->groups = gmv_model_stats(model)->swiss.groups;
    }
    gmv_model_free(model);
    return rc;
}

int gmv_snapshot_capture(gmv_snapshot **out, gmv_source *src, const gmv_capture_request *req, bool allow_nil)
{
    *out = NULL;
    recorder rec = {.inner = src};
    static const gmv_source_ops recorder_ops = {.read = recorder_read, .view = recorder_view};
    static const gmv_source_ops prefetching_recorder_ops = {
        .read = recorder_read, .view = recorder_view, .prefetch = recorder_prefetch};
    gmv_source *recsrc = NULL;
    gmv_snapshot *snap = gmv_snapshot_new();
    const gmv_source_ops *ops = gmv_source_can_prefetch(src) ? &prefetching_recorder_ops : &recorder_ops;
    int rc = snap ? gmv_source_new_custom(&recsrc, ops, &rec)
                  : gmv_fail(GMV_ERR_NOMEM, "out of memory capturing the map");
    uint32_t retries = req->writer_retries ? req->writer_retries : DEFAULT_WRITER_RETRIES;
    uint64_t hmap = 0;
    bool frozen = false, retry = false;
    uint32_t attempt = 0;
    for (; rc == 0; attempt++) {
        rc = gmv_source_freeze(src);
        if (rc != 0)
            break;
        frozen = gmv_source_is_frozen(src);
        rc = capture_once(recsrc, &rec, req, allow_nil, attempt >= retries, &hmap, &retry, &snap->summary);
        gmv_source_thaw(src);
        if (rc != 0 || !retry)
            break;
        back_off(attempt);
    }
    if (rc == 0) {
        snap->layout = *req->layout;
        snap->origin = req->origin;
        snap->origin.frozen = frozen;
        snap->origin.writer_retries = attempt;
        snap->origin.captured_at = snap->origin.captured_at ? snap->origin.captured_at : (int64_t)time(NULL);
        snap->hmap_address = hmap;
        snap->has_summary = true;
        snap->summary.nil = hmap == 0;
        rc = recorder_finish(&rec, snap);
    }
    gmv_source_free(recsrc);
    recorder_reset(&rec);
    free(rec.ranges);
    free(rec.blocks);
    if (rc != 0) {
        gmv_snapshot_free(snap);
        return rc;
    }
    *out = snap;
    return 0;
}
