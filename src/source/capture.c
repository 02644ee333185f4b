/* Capturing a map: record every byte a model build reads, while frozen. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/error.h"
#include "common/grow.h"
#include "model/model_impl.h"
#include "source/snapshot_impl.h"

#define DEFAULT_WRITER_RETRIES 5

/* A source decorator that keeps a copy of everything read through it. */
typedef struct recorder {
    gmv_source *inner;
    gmv_range *ranges;
    size_t nranges, ranges_cap;
    uint8_t *data;
    uint64_t nbytes, data_cap;
} recorder;

/* Makes room for `len` more recorded bytes. Returns 0 or -1. */
static int reserve_data(recorder *r, uint64_t len)
{
    if (r->nbytes + len <= r->data_cap)
        return 0;
    uint64_t bigger = r->data_cap ? r->data_cap * 2 : 1 << 16;
    while (bigger < r->nbytes + len)
        bigger *= 2;
    uint8_t *grown = realloc(r->data, (size_t)bigger);
    if (!grown)
        return -1;
    r->data = grown;
    r->data_cap = bigger;
    return 0;
}

/* Appends `len` bytes read at `addr` to the recording; a read that continues
 * the previous one (string bytes laid out one after another) extends its
 * range. Returns 0 or -1. */
static int recorder_keep(recorder *r, uint64_t addr, const void *buf, uint64_t len)
{
    if (reserve_data(r, len) != 0)
        return -1;
    memcpy(r->data + r->nbytes, buf, (size_t)len);
    gmv_range *last = r->nranges ? &r->ranges[r->nranges - 1] : NULL;
    if (last && last->address + last->len == addr && last->offset + last->len == r->nbytes) {
        last->len += len;
    } else {
        gmv_range *grown = gmv_grow(r->ranges, &r->ranges_cap, r->nranges, sizeof *grown, 256);
        if (!grown)
            return -1;
        r->ranges = grown;
        r->ranges[r->nranges++] = (gmv_range){.address = addr, .len = len, .offset = r->nbytes};
    }
    r->nbytes += len;
    return 0;
}

static int64_t recorder_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    recorder *r = ctx;
    int64_t got = gmv_source_read(r->inner, addr, buf, len);
    if (got > 0 && recorder_keep(r, addr, buf, (uint64_t)got) != 0)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory recording the map");
    return got;
}

/* Orders ranges by address, then by the order they were read. */
static int range_order(const void *a, const void *b)
{
    const gmv_range *x = a, *y = b;
    if (x->address != y->address)
        return x->address < y->address ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Moves the recording into `snap` as sorted, merged ranges; where two reads
 * overlap the earlier bytes win. Returns 0 or GMV_ERR_NOMEM. */
static int recorder_finish(recorder *r, gmv_snapshot *snap)
{
    qsort(r->ranges, r->nranges, sizeof *r->ranges, range_order);
    gmv_range *out = malloc((r->nranges ? r->nranges : 1) * sizeof *out);
    uint8_t *data = malloc(r->nbytes ? (size_t)r->nbytes : 1);
    if (!out || !data) {
        free(out);
        free(data);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory writing the snapshot");
    }
    size_t n = 0;
    uint64_t used = 0;
    for (size_t i = 0; i < r->nranges; i++) {
        const gmv_range *in = &r->ranges[i];
        uint64_t start = in->address, skip = 0;
        if (n > 0) {
            gmv_range *last = &out[n - 1];
            uint64_t last_end = last->address + last->len;
            if (start <= last_end) { /* overlapping or touching: extend the last range */
                uint64_t end = in->address + in->len;
                if (end <= last_end)
                    continue;
                skip = last_end - start;
                memcpy(data + used, r->data + in->offset + skip, (size_t)(in->len - skip));
                used += in->len - skip;
                last->len += in->len - skip;
                continue;
            }
        }
        memcpy(data + used, r->data + in->offset, (size_t)in->len);
        out[n++] = (gmv_range){.address = start, .len = in->len, .offset = used};
        used += in->len;
    }
    snap->ranges = out;
    snap->nranges = n;
    snap->data = data;
    snap->nbytes = used;
    return 0;
}

/* Forgets everything recorded so far (a retry starts afresh). */
static void recorder_reset(recorder *r)
{
    r->nranges = 0;
    r->nbytes = 0;
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

/* True if the map's hashWriting flag is set right now. */
static bool writer_active(gmv_source *src, const gmv_layout *layout, uint64_t hmap)
{
    uint8_t flags = 0;
    return gmv_source_read(src, hmap + layout->hmap.flags, &flags, 1) == 1 &&
           (flags & GMV_FLAG_HASH_WRITING);
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
    rc = gmv_model_walk(&model, recsrc, req->layout, *hmap, &req->limits, false);
    if (rc == 0) {
        gmv_model_anomalies(model, &summary->anomalies);
        summary->anomalies += (size_t)gmv_model_anomalies_dropped(model);
        summary->live_entries = gmv_model_stats(model)->live_entries;
        summary->B = gmv_model_header(model)->B;
    }
    gmv_model_free(model);
    return rc;
}

int gmv_snapshot_capture(gmv_snapshot **out, gmv_source *src, const gmv_capture_request *req, bool allow_nil)
{
    *out = NULL;
    recorder rec = {.inner = src};
    static const gmv_source_ops recorder_ops = {.read = recorder_read};
    gmv_source *recsrc = NULL;
    gmv_snapshot *snap = gmv_snapshot_new();
    int rc = snap ? gmv_source_new_custom(&recsrc, &recorder_ops, &rec)
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
    free(rec.ranges);
    free(rec.data);
    if (rc != 0) {
        gmv_snapshot_free(snap);
        return rc;
    }
    *out = snap;
    return 0;
}
