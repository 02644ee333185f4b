/* A source that replays a snapshot's recorded memory. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/page_index.h"
#include "common/sort.h"
#include "snapshot/snapshot_impl.h"

/* A range in address order: where it starts, how long, which range it is. */
typedef struct range_ref {
    uint64_t address, len;
    uint64_t index;
} range_ref;

/* The source's context. A walk of the map reads the ranges in the order the
 * capture recorded them, so a look-up first tries the range of the last hit
 * and the few after it; then, while a budget of steps lasts, a scan further
 * ahead (a second walk that skips what the first read in batches: group
 * arrays, table headers); only then the index by address, built at the
 * first miss of all these. */
typedef struct snapshot_reader {
    const gmv_snapshot *snap;
    size_t cur;            /* the range of the last hit */
    uint64_t scan_budget;  /* steps left for scans ahead: about one pass over the ranges */
    bool indexed;          /* `sorted` and `index` are built (or failed: then binary searches) */
    range_ref *sorted;     /* the ranges by address (NULL for a version 1 file: already sorted) */
    gmv_page_index index;
} snapshot_reader;

/* True if range `i` of the snapshot holds `addr`. */
static bool holds(const gmv_snapshot *snap, size_t i, uint64_t addr)
{
    return i < snap->nranges && addr >= snap->ranges[i].address && addr - snap->ranges[i].address < snap->ranges[i].len;
}

/* Builds the index by address, once. Out of memory, it stays empty: a
 * version 2 look-up then fails (reads nothing), which a model reports as
 * unreadable memory rather than as a crash. */
static void build_index(snapshot_reader *r)
{
    const gmv_snapshot *snap = r->snap;
    r->indexed = true;
    /* every range covers at most len / 4096 + 2 pages */
    size_t max_pages = 2 * snap->nranges + (size_t)(snap->nbytes / 4096) + 1;
    if (snap->by_address) {
        gmv_page_index_build(&r->index, snap->ranges, snap->nranges, sizeof *snap->ranges, max_pages);
        return;
    }
    r->sorted = malloc((snap->nranges ? snap->nranges : 1) * sizeof *r->sorted);
    if (!r->sorted)
        return;
    for (size_t i = 0; i < snap->nranges; i++)
        r->sorted[i] = (range_ref){snap->ranges[i].address, snap->ranges[i].len, i};
    if (gmv_sort_by_u64_key(r->sorted, snap->nranges, sizeof *r->sorted) != 0) {
        free(r->sorted);
        r->sorted = NULL;
        return;
    }
    gmv_page_index_build(&r->index, r->sorted, snap->nranges, sizeof *r->sorted, max_pages);
}

#define NEAR 8       /* ranges tried after the last hit, and from the first (a walk begun again) */
#define AHEAD 16384  /* ranges a scan ahead tries, from the last hit and from the first */

/* The range holding `addr` among the `span` ranges from `from`, or -1. */
static ptrdiff_t find_from(snapshot_reader *r, size_t from, size_t span, uint64_t addr)
{
    for (size_t i = from; i < from + span && i < r->snap->nranges; i++) {
        if (holds(r->snap, i, addr))
            return (ptrdiff_t)(r->cur = i);
    }
    return -1;
}

/* The range holding `addr` among those a walk in recording order would
 * read next, or -1: the few after the last hit and from the first, then
 * (while the budget lasts) many more. */
static ptrdiff_t find_near(snapshot_reader *r, uint64_t addr)
{
    ptrdiff_t i = find_from(r, r->cur, NEAR, addr);
    if (i < 0)
        i = find_from(r, 0, NEAR < r->cur ? NEAR : r->cur, addr);
    if (i >= 0 || r->indexed || r->scan_budget < 2 * AHEAD)
        return i;
    r->scan_budget -= 2 * AHEAD;
    i = find_from(r, r->cur, AHEAD, addr);
    return i >= 0 ? i : find_from(r, 0, AHEAD, addr);
}

/* The range holding `addr`, or -1. */
static ptrdiff_t find_range(snapshot_reader *r, uint64_t addr)
{
    const gmv_snapshot *snap = r->snap;
    ptrdiff_t near = find_near(r, addr);
    if (near >= 0)
        return near;
    if (!r->indexed)
        build_index(r);
    size_t i;
    if (snap->by_address) {
        i = gmv_page_index_count_at_most(&r->index, snap->ranges, snap->nranges, sizeof *snap->ranges, addr);
    } else {
        if (!r->sorted)
            return -1;
        i = gmv_page_index_count_at_most(&r->index, r->sorted, snap->nranges, sizeof *r->sorted, addr);
        i = i ? (size_t)r->sorted[i - 1].index + 1 : 0;
    }
    if (i == 0 || !holds(snap, i - 1, addr))
        return -1;
    r->cur = i - 1;
    return (ptrdiff_t)r->cur;
}

/* Lends up to `len` bytes at `addr` from the one range holding `addr`. */
static int64_t snapshot_view(void *ctx, uint64_t addr, size_t len, const uint8_t **bytes)
{
    snapshot_reader *reader = ctx;
    ptrdiff_t i = find_range(reader, addr);
    if (i < 0)
        return 0;
    const gmv_range *r = &reader->snap->ranges[i];
    uint64_t skip = addr - r->address;
    *bytes = r->bytes + skip;
    return (int64_t)(r->len - skip < len ? r->len - skip : len);
}

/* Copies bytes at `addr`, going on into a range that touches the last one
 * (a capture keeps overlapping reads as touching pieces). */
static int64_t snapshot_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t done = 0;
    while (done < len) {
        const uint8_t *bytes = NULL;
        int64_t n = snapshot_view(ctx, addr + done, len - done, &bytes);
        if (n <= 0)
            break;
        memcpy(out + done, bytes, (size_t)n);
        done += (size_t)n;
    }
    return (int64_t)done;
}

static void snapshot_reader_destroy(void *ctx)
{
    snapshot_reader *reader = ctx;
    gmv_page_index_release(&reader->index);
    free(reader->sorted);
    free(reader);
}

int gmv_snapshot_open_source(gmv_source **out, const gmv_snapshot *snap)
{
    static const gmv_source_ops ops = {
        .read = snapshot_read, .view = snapshot_view, .destroy = snapshot_reader_destroy};
    *out = NULL;
    snapshot_reader *reader = calloc(1, sizeof *reader);
    if (!reader)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory opening a snapshot");
    reader->snap = snap;
    reader->scan_budget = (uint64_t)snap->nranges + 2 * AHEAD;
    int rc = gmv_source_new_custom(out, &ops, reader);
    if (rc != 0)
        snapshot_reader_destroy(reader);
    return rc;
}

int gmv_snapshot_build_model(gmv_model **out, const gmv_snapshot *snap, const gmv_limits *limits)
{
    *out = NULL;
    gmv_source *src = NULL;
    int rc = gmv_snapshot_open_source(&src, snap);
    if (rc == 0)
        rc = gmv_model_build(out, src, &snap->layout, snap->hmap_address, limits);
    gmv_source_free(src);
    return rc;
}

int gmv_snapshot_build_lean_model(gmv_model **out, const gmv_snapshot *snap, const gmv_limits *limits)
{
    *out = NULL;
    gmv_source *src = NULL;
    int rc = gmv_snapshot_open_source(&src, snap);
    if (rc == 0)
        rc = gmv_model_build_with(out, src, &snap->layout, snap->hmap_address, limits, GMV_ENTRIES_REVISIT);
    if (rc != 0)
        gmv_source_free(src); /* on success the model owns it */
    return rc;
}

gmv_snapshot *gmv_snapshot_new(void)
{
    return calloc(1, sizeof(gmv_snapshot));
}

int gmv_snapshot_adopt_block(gmv_snapshot *snap, uint8_t *block)
{
    uint8_t **grown = realloc(snap->blocks, (snap->nblocks + 1) * sizeof *grown);
    if (!grown) {
        free(block);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory holding the snapshot");
    }
    snap->blocks = grown;
    snap->blocks[snap->nblocks++] = block;
    return 0;
}

const gmv_layout *gmv_snapshot_layout(const gmv_snapshot *snap) { return &snap->layout; }
const gmv_origin *gmv_snapshot_origin(const gmv_snapshot *snap) { return &snap->origin; }
uint64_t gmv_snapshot_hmap_address(const gmv_snapshot *snap) { return snap->hmap_address; }
uint64_t gmv_snapshot_byte_count(const gmv_snapshot *snap) { return snap->nbytes; }

const gmv_capture_summary *gmv_snapshot_capture_summary(const gmv_snapshot *snap)
{
    return snap->has_summary ? &snap->summary : NULL;
}

void gmv_snapshot_free(gmv_snapshot *snap)
{
    if (!snap)
        return;
    free(snap->ranges);
    for (size_t i = 0; i < snap->nblocks; i++)
        free(snap->blocks[i]);
    free(snap->blocks);
    free(snap);
}
