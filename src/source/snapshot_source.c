/* A source that replays a snapshot's recorded memory. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/sort.h"
#include "model/model_impl.h"
#include "source/snapshot_impl.h"

/* Index of the last range starting at or before `addr`, or -1. */
static ptrdiff_t find_range(const gmv_snapshot *snap, uint64_t addr)
{
    return (ptrdiff_t)gmv_count_keys_at_most(snap->ranges, snap->nranges, sizeof *snap->ranges, addr) - 1;
}

/* Lends up to `len` bytes at `addr` from the one range holding `addr`. */
static int64_t snapshot_view(void *ctx, uint64_t addr, size_t len, const uint8_t **bytes)
{
    const gmv_snapshot *snap = ctx;
    ptrdiff_t i = find_range(snap, addr);
    if (i < 0)
        return 0;
    const gmv_range *r = &snap->ranges[i];
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

int gmv_snapshot_open_source(gmv_source **out, const gmv_snapshot *snap)
{
    static const gmv_source_ops ops = {.read = snapshot_read, .view = snapshot_view};
    return gmv_source_new_custom(out, &ops, (void *)snap);
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
        rc = gmv_model_walk(out, src, &snap->layout, snap->hmap_address, limits, false);
    if (rc != 0 || (*out)->byte_limit_hit) {
        /* At the byte limit, decoding again could read what the build could
         * not: keep the list instead. */
        gmv_model_free(*out);
        gmv_source_free(src);
        return rc != 0 ? rc : gmv_snapshot_build_model(out, snap, limits);
    }
    gmv_model_keep_entry_source(*out, src);
    return 0;
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
