/* Capturing a map: record every byte a model build reads, while frozen. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/bytes.h"
#include "common/error.h"
#include "common/grow.h"
#include "snapshot/snapshot_impl.h"

#define DEFAULT_WRITER_RETRIES 5

#define PACKED_CHUNK ((size_t)64 << 10)    /* small records are packed into chunks of this size */
#define OWN_CHUNK_READ ((size_t)16 << 10)  /* a read at least this long gets a chunk of its own */
#define VIEW_READ_CHUNK ((size_t)16 << 20) /* a lent read grows its block by this much at most */
#define RECENT_READS 4096                  /* reads remembered, to record an exact repeat only once */

/* A read recorded lately: where, how long, where its bytes are kept. */
typedef struct recent_read {
    uint64_t address, len;
    const uint8_t *bytes;
} recent_read;

/* A source decorator that records everything read through it as memory
 * records (memory_records.h), in the order they were read. Into the
 * snapshot being made (small records packed into shared chunks, large ones
 * in chunks of their own, bytes that never move, so it can lend them:
 * recorder_view), or, streaming, straight into the file being written, where
 * it keeps only the bytes it lends, until the walk releases them. A read
 * that repeats one of the last few exactly (the same string as the value of
 * many entries) is not recorded again. */
typedef struct recorder {
    gmv_source *inner;
    gmv_snapshot *snap;       /* counts the records; holds them unless streaming */
    gmv_snapshot_stream *stream; /* streaming: where the records go */
    uint8_t **lent;           /* streaming: the blocks lent to the walk */
    size_t nlent, lent_cap;
    uint8_t *packed;       /* the block small records go to, while it holds the last chunk */
    size_t packed_used;
    uint64_t last_end;     /* where the last record ends */
    recent_read *recent;   /* RECENT_READS of them, by address */
    uint8_t *bounce;       /* OWN_CHUNK_READ bytes: a small lent read lands here first */
} recorder;

/* Records a chunk in a block of its own (malloc'd; freed on failure). */
static int add_block_chunk(recorder *r, uint8_t *block, const uint8_t *bytes, size_t len)
{
    if (gmv_snapshot_adopt_block(r->snap, block) != 0)
        return -1;
    return gmv_snapshot_add_chunk(r->snap, bytes, len) != 0 ? -1 : 0;
}

/* Counts a record of `len` bytes at `addr` just written. */
static void count_record(recorder *r, uint64_t addr, uint64_t len)
{
    r->last_end = addr + len;
    r->snap->nranges++;
    r->snap->nbytes += len;
}

/* Writes the header of a small record to the packed chunk (a new one if it
 * is full, or no longer the last chunk) and returns where its `len` bytes
 * go, or NULL when out of memory. */
static uint8_t *append_small(recorder *r, uint64_t addr, uint64_t len)
{
    if (!r->packed || r->packed_used + GMV_RECORD_HEADER_MAX + len > PACKED_CHUNK) {
        uint8_t *block = malloc(PACKED_CHUNK);
        r->packed = NULL;
        if (!block || add_block_chunk(r, block, block, 0) != 0)
            return NULL;
        r->packed = block;
        r->packed_used = 0;
    }
    r->packed_used += gmv_record_put_header(r->packed + r->packed_used, r->last_end, addr, len);
    uint8_t *dst = r->packed + r->packed_used;
    r->packed_used += (size_t)len;
    r->snap->chunks[r->snap->nchunks - 1].len = r->packed_used;
    count_record(r, addr, len);
    return dst;
}

/* Records the `len` bytes held at block + GMV_RECORD_HEADER_MAX (a
 * malloc'd block of their own, whose first GMV_RECORD_HEADER_MAX bytes are
 * room for the header) as one chunk. Returns 0, or -1 when out of memory
 * (the block is freed). */
static int append_own(recorder *r, uint8_t *block, uint64_t addr, uint64_t len)
{
    uint8_t header[GMV_RECORD_HEADER_MAX];
    size_t n = gmv_record_put_header(header, r->last_end, addr, len);
    uint8_t *start = block + GMV_RECORD_HEADER_MAX - n;
    memcpy(start, header, n);
    r->packed = NULL; /* the next small record starts a chunk after this one */
    if (add_block_chunk(r, block, start, n + (size_t)len) != 0)
        return -1;
    count_record(r, addr, len);
    return 0;
}

/* Streaming: writes a record of the `len` bytes at `bytes`, read at `addr`. */
static int stream_record(recorder *r, uint64_t addr, const void *bytes, uint64_t len)
{
    uint8_t header[GMV_RECORD_HEADER_MAX];
    size_t n = gmv_record_put_header(header, r->last_end, addr, len);
    int rc = gmv_snapshot_stream_write(r->stream, header, n);
    if (rc == 0)
        rc = gmv_snapshot_stream_write(r->stream, bytes, (size_t)len);
    if (rc == 0)
        count_record(r, addr, len);
    return rc;
}

/* The recent read slot of `addr`. */
static recent_read *recent_slot(recorder *r, uint64_t addr)
{
    return &r->recent[(size_t)((addr * UINT64_C(0x9E3779B97F4A7C15)) >> 52) % RECENT_READS];
}

/* Records `len` bytes read at `addr` (a copy of `buf`); returns where the
 * recording keeps them, or NULL when out of memory. */
static const uint8_t *recorder_keep(recorder *r, uint64_t addr, const void *buf, uint64_t len)
{
    recent_read *seen = recent_slot(r, addr);
    if (seen->bytes && seen->address == addr && seen->len >= len)
        return seen->bytes;
    uint8_t *dst;
    if (len >= OWN_CHUNK_READ) {
        uint8_t *block = malloc(GMV_RECORD_HEADER_MAX + (size_t)len);
        if (!block)
            return NULL;
        dst = block + GMV_RECORD_HEADER_MAX;
        memcpy(dst, buf, (size_t)len);
        if (append_own(r, block, addr, len) != 0)
            return NULL;
    } else {
        dst = append_small(r, addr, len);
        if (!dst)
            return NULL;
        memcpy(dst, buf, (size_t)len);
    }
    *seen = (recent_read){.address = addr, .len = len, .bytes = dst};
    return dst;
}

/* Streaming: writes a record of a read unless it repeats a recent one. */
static int stream_read(recorder *r, uint64_t addr, const void *buf, uint64_t len)
{
    recent_read *seen = recent_slot(r, addr);
    if (seen->len && seen->address == addr && seen->len >= len)
        return 0;
    int rc = stream_record(r, addr, buf, len);
    if (rc == 0)
        *seen = (recent_read){.address = addr, .len = len};
    return rc;
}

static int64_t recorder_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    recorder *r = ctx;
    int64_t got = gmv_source_read(r->inner, addr, buf, len);
    if (got <= 0)
        return got;
    if (r->stream) {
        int rc = stream_read(r, addr, buf, (uint64_t)got);
        return rc != 0 ? rc : got;
    }
    if (!recorder_keep(r, addr, buf, (uint64_t)got))
        return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
    return got;
}

/* Reads up to `len` bytes at `addr` into a new block, after `room` bytes
 * left free, grown only as reads succeed (a wild length costs what is
 * really there). Returns how many were read (then *block is the malloc'd
 * block, or NULL when none were), or a status. */
static int64_t read_into_block(recorder *r, uint64_t addr, size_t len, size_t room, uint8_t **out)
{
    *out = NULL;
    if (len == 0)
        return 0;
    size_t cap = len < VIEW_READ_CHUNK ? len : VIEW_READ_CHUNK, have = 0;
    uint8_t *block = malloc(room + cap);
    while (block && have < len) {
        if (have == cap) {
            size_t bigger = len - cap > cap ? cap * 2 : len;
            uint8_t *grown = realloc(block, room + bigger);
            if (!grown) {
                free(block);
                return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
            }
            block = grown;
            cap = bigger;
        }
        int64_t got = gmv_source_read(r->inner, addr + have, block + room + have, cap - have);
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
        uint8_t *shrunk = realloc(block, room + have);
        block = shrunk ? shrunk : block;
    }
    if (!block)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
    if (have == 0) {
        free(block);
        return 0;
    }
    *out = block;
    return (int64_t)have;
}

/* A lent read of a large range, into a chunk of its own. */
static int64_t view_large(recorder *r, uint64_t addr, size_t len, const uint8_t **bytes)
{
    uint8_t *block;
    int64_t got = read_into_block(r, addr, len, GMV_RECORD_HEADER_MAX, &block);
    if (got <= 0)
        return got;
    if (append_own(r, block, addr, (uint64_t)got) != 0)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
    *bytes = block + GMV_RECORD_HEADER_MAX;
    return got;
}

/* Streaming: a lent read, into a block kept until the walk releases it. */
static int64_t view_streamed(recorder *r, uint64_t addr, size_t len, const uint8_t **bytes)
{
    uint8_t *block;
    int64_t got = read_into_block(r, addr, len, 0, &block);
    if (got <= 0)
        return got;
    uint8_t **grown = gmv_grow(r->lent, &r->lent_cap, r->nlent, sizeof *grown, 64);
    if (!grown) {
        free(block);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
    }
    r->lent = grown;
    r->lent[r->nlent++] = block;
    int rc = stream_read(r, addr, block, (uint64_t)got);
    if (rc != 0)
        return rc;
    *bytes = block;
    return got;
}

/* Lends up to `len` bytes at `addr` from the recording: a small read is
 * read, recorded and lent from where the recording keeps it. */
static int64_t recorder_view(void *ctx, uint64_t addr, size_t len, const uint8_t **bytes)
{
    recorder *r = ctx;
    if (r->stream)
        return view_streamed(r, addr, len, bytes);
    if (len >= OWN_CHUNK_READ)
        return view_large(r, addr, len, bytes);
    int64_t got = gmv_source_read(r->inner, addr, r->bounce, len);
    if (got <= 0)
        return got;
    *bytes = recorder_keep(r, addr, r->bounce, (uint64_t)got);
    return *bytes ? got : gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
}

/* Passes the hint on: the recording keeps what is then read, not this. */
static int recorder_prefetch(void *ctx, gmv_piece *pieces, size_t n)
{
    recorder *r = ctx;
    return gmv_source_prefetch(r->inner, pieces, n);
}

/* Streaming: frees the blocks lent to the walk (it uses none of them any
 * more). */
static void recorder_release_views(void *ctx)
{
    recorder *r = ctx;
    for (size_t i = 0; i < r->nlent; i++)
        free(r->lent[i]);
    r->nlent = 0;
}

/* Forgets everything recorded so far (a retry starts afresh). Returns 0 or
 * a status (the file could not be rewound). */
static int recorder_reset(recorder *r)
{
    recorder_release_views(r);
    gmv_snapshot *snap = r->snap;
    for (size_t i = 0; i < snap->nblocks; i++)
        free(snap->blocks[i]);
    snap->nblocks = 0;
    snap->nchunks = 0;
    snap->nranges = snap->nbytes = 0;
    r->packed = NULL;
    r->packed_used = 0;
    r->last_end = 0;
    memset(r->recent, 0, RECENT_READS * sizeof *r->recent);
    return r->stream ? gmv_snapshot_stream_restart(r->stream) : 0;
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

/* True if a writer marks the map right now (hashWriting, or Map.writing).
 * Read past the recording: the walk records the header whole. */
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
    *retry = false;
    int rc = recorder_reset(rec);
    if (rc == 0)
        rc = read_map_pointer(recsrc, req, hmap);
    if (rc != 0)
        return rc;
    if (*hmap == 0) {
        if (!allow_nil)
            return gmv_fail(GMV_ERR_NIL_MAP, "%s is a nil map: it has no header or buckets to read "
                            "(pass %s to capture it anyway)",
                            req->origin.variable[0] ? req->origin.variable : "the map",
                            gmv_option_name(GMV_OPTION_ALLOW_NIL));
        return 0;
    }
    if (!last_try && writer_active(rec->inner, req->layout, *hmap)) {
        *retry = true;
        return 0;
    }
    gmv_model *model = NULL; /* the walk reads what a model needs, keeping no entries */
    rc = gmv_model_build_typed(&model, recsrc, req->layout, req->types, *hmap, &req->limits, GMV_ENTRIES_READ);
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

/* The recording source over `rec`: with prefetch hints passed on if the
 * inner source takes them, and with view releases when streaming. */
static int recording_source(gmv_source **out, recorder *rec)
{
    static const gmv_source_ops kept = {.read = recorder_read, .view = recorder_view};
    static const gmv_source_ops kept_prefetching = {
        .read = recorder_read, .view = recorder_view, .prefetch = recorder_prefetch};
    static const gmv_source_ops streamed = {
        .read = recorder_read, .view = recorder_view, .release_views = recorder_release_views};
    static const gmv_source_ops streamed_prefetching = {
        .read = recorder_read, .view = recorder_view, .prefetch = recorder_prefetch,
        .release_views = recorder_release_views};
    bool prefetch = gmv_source_can_prefetch(rec->inner);
    const gmv_source_ops *ops = rec->stream ? (prefetch ? &streamed_prefetching : &streamed)
                                            : (prefetch ? &kept_prefetching : &kept);
    return gmv_source_new_custom(out, ops, rec);
}

/* Captures into rec->snap (its records, or only their count when
 * streaming), its metadata and summary: freeze, one pass, thaw, again while
 * a writer is active (up to the retries). Returns 0 or a status. */
static int capture_into(recorder *rec, const gmv_capture_request *req, bool allow_nil)
{
    gmv_snapshot *snap = rec->snap;
    gmv_source *src = rec->inner, *recsrc = NULL;
    rec->recent = calloc(RECENT_READS, sizeof(recent_read));
    rec->bounce = malloc(OWN_CHUNK_READ);
    int rc = rec->recent && rec->bounce ? recording_source(&recsrc, rec)
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
        rc = capture_once(recsrc, rec, req, allow_nil, attempt >= retries, &hmap, &retry, &snap->summary);
        gmv_source_thaw(src);
        if (rc != 0 || !retry)
            break;
        back_off(attempt);
    }
    gmv_source_free(recsrc);
    recorder_release_views(rec);
    free(rec->lent);
    free(rec->recent);
    free(rec->bounce);
    if (rc == 0 && req->types && !(snap->types = gmv_types_copy(req->types)))
        rc = gmv_fail(GMV_ERR_NOMEM, "out of memory capturing the map");
    if (rc != 0)
        return rc;
    gmv_limits used = gmv_limits_resolve(&req->limits);
    snap->follow_depth = used.follow_depth;
    snap->max_elems = used.max_elems;
    snap->nested_maps = used.nested_maps;
    snap->layout = *req->layout;
    snap->origin = req->origin;
    snap->origin.frozen = frozen;
    snap->origin.writer_retries = attempt;
    snap->origin.captured_at = snap->origin.captured_at ? snap->origin.captured_at : (int64_t)time(NULL);
    snap->hmap_address = hmap;
    snap->has_summary = true;
    snap->summary.nil = hmap == 0;
    return 0;
}

int gmv_snapshot_capture(gmv_snapshot **out, gmv_source *src, const gmv_capture_request *req, bool allow_nil)
{
    *out = NULL;
    recorder rec = {.inner = src, .snap = gmv_snapshot_new()};
    if (!rec.snap)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory capturing the map");
    int rc = capture_into(&rec, req, allow_nil);
    if (rc != 0) {
        gmv_snapshot_free(rec.snap);
        return rc;
    }
    *out = rec.snap;
    return 0;
}

int gmv_snapshot_capture_to_file(const char *path, gmv_source *src, const gmv_capture_request *req, bool allow_nil,
                                 gmv_capture_summary *summary, uint64_t *bytes)
{
    recorder rec = {.inner = src, .snap = gmv_snapshot_new()};
    if (!rec.snap)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory capturing the map");
    int rc = gmv_snapshot_stream_open(&rec.stream, path);
    if (rc == 0)
        rc = capture_into(&rec, req, allow_nil);
    if (rc == 0) {
        *summary = rec.snap->summary;
        *bytes = rec.snap->nbytes;
        rc = gmv_snapshot_stream_finish(rec.stream, rec.snap);
    } else {
        gmv_snapshot_stream_abandon(rec.stream);
    }
    gmv_snapshot_free(rec.snap);
    return rc;
}
