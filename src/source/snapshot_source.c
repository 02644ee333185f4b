/* A source that replays a snapshot's recorded memory. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "source/snapshot_impl.h"

/* Index of the last range starting at or before `addr`, or -1. */
static ptrdiff_t find_range(const gmv_snapshot *snap, uint64_t addr)
{
    size_t lo = 0, hi = snap->nranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (snap->ranges[mid].address <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (ptrdiff_t)lo - 1;
}

static int64_t snapshot_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    const gmv_snapshot *snap = ctx;
    ptrdiff_t i = find_range(snap, addr);
    if (i < 0)
        return 0;
    const gmv_range *r = &snap->ranges[i];
    if (addr - r->address >= r->len)
        return 0;
    uint64_t skip = addr - r->address;
    uint64_t n = r->len - skip < len ? r->len - skip : len;
    memcpy(buf, snap->data + r->offset + skip, (size_t)n);
    return (int64_t)n;
}

int gmv_snapshot_open_source(gmv_source **out, const gmv_snapshot *snap)
{
    static const gmv_source_ops ops = {.read = snapshot_read};
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

gmv_snapshot *gmv_snapshot_new(void)
{
    return calloc(1, sizeof(gmv_snapshot));
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
    free(snap->data);
    free(snap);
}
