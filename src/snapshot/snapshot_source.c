/* A source that replays a snapshot's recorded memory. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/page_index.h"
#include "snapshot/snapshot_impl.h"

/* The source's context: the snapshot (borrowed) and an index of its ranges. */
typedef struct snapshot_reader {
    const gmv_snapshot *snap;
    gmv_page_index index;
} snapshot_reader;

/* Index of the last range starting at or before `addr`, or -1. */
static ptrdiff_t find_range(const snapshot_reader *r, uint64_t addr)
{
    const gmv_snapshot *snap = r->snap;
    return (ptrdiff_t)gmv_page_index_count_at_most(&r->index, snap->ranges, snap->nranges, sizeof *snap->ranges,
                                                   addr) - 1;
}

/* Lends up to `len` bytes at `addr` from the one range holding `addr`. */
static int64_t snapshot_view(void *ctx, uint64_t addr, size_t len, const uint8_t **bytes)
{
    const snapshot_reader *reader = ctx;
    ptrdiff_t i = find_range(reader, addr);
    if (i < 0)
        return 0;
    const gmv_range *r = &reader->snap->ranges[i];
    uint64_t skip = addr - r->address;
    if (skip >= r->len)
        return 0;
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
    /* every range covers at most len / 4096 + 2 pages */
    size_t max_pages = 2 * snap->nranges + (size_t)(snap->nbytes / 4096) + 1;
    gmv_page_index_build(&reader->index, snap->ranges, snap->nranges, sizeof *snap->ranges, max_pages);
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
