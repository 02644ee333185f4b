/* The source interface: dispatch to a kind's operations. */
#include "source/source_impl.h"

#include <inttypes.h>
#include <stdlib.h>

#include "common/error.h"

int gmv_source_new_custom(gmv_source **out, const gmv_source_ops *ops, void *ctx)
{
    *out = NULL;
    if (!ops || !ops->read)
        return gmv_fail(GMV_ERR_INVALID, "a source needs a read operation");
    gmv_source *src = calloc(1, sizeof *src);
    if (!src)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory creating a source");
    src->ops = *ops;
    src->ctx = ctx;
    *out = src;
    return GMV_OK;
}

int64_t gmv_source_read(gmv_source *src, uint64_t addr, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (addr + len < addr) /* wraps around the address space */
        len = (size_t)(UINT64_MAX - addr) + 1;
    return src->ops.read(src->ctx, addr, buf, len);
}

bool gmv_source_can_view(const gmv_source *src)
{
    return src->ops.view != NULL;
}

int64_t gmv_source_view(gmv_source *src, uint64_t addr, size_t len, const uint8_t **bytes)
{
    *bytes = NULL;
    if (len == 0 || !src->ops.view)
        return 0;
    if (addr + len < addr)
        len = (size_t)(UINT64_MAX - addr) + 1;
    return src->ops.view(src->ctx, addr, len, bytes);
}

void gmv_source_release_views(gmv_source *src)
{
    if (src->ops.release_views)
        src->ops.release_views(src->ctx);
}

bool gmv_source_can_prefetch(const gmv_source *src)
{
    return src->ops.prefetch != NULL;
}

int gmv_source_prefetch(gmv_source *src, gmv_piece *pieces, size_t n)
{
    return n && src->ops.prefetch ? src->ops.prefetch(src->ctx, pieces, n) : GMV_OK;
}

int64_t gmv_source_read_own(gmv_source *src, uint64_t addr, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    return src->ops.read_own ? src->ops.read_own(src->ctx, addr, buf, len) : gmv_source_read(src, addr, buf, len);
}

int gmv_source_read_exact(gmv_source *src, uint64_t addr, void *buf, size_t len)
{
    int64_t got = gmv_source_read(src, addr, buf, len);
    if (got < 0)
        return (int)got;
    if ((uint64_t)got < len)
        return gmv_fail(GMV_ERR_IO, "cannot read %zu bytes at 0x%" PRIx64 " (only %" PRId64 " readable)",
                        len, addr, got);
    return GMV_OK;
}

int gmv_source_freeze(gmv_source *src)
{
    if (src->frozen || !src->ops.freeze)
        return GMV_OK;
    int rc = src->ops.freeze(src->ctx);
    if (rc == GMV_OK)
        src->frozen = true;
    return rc;
}

int gmv_source_thaw(gmv_source *src)
{
    if (!src->frozen || !src->ops.thaw)
        return GMV_OK;
    src->frozen = false;
    return src->ops.thaw(src->ctx);
}

bool gmv_source_is_frozen(const gmv_source *src)
{
    return src->frozen;
}

int gmv_source_entry_point(gmv_source *src, uint64_t *out)
{
    if (!src->entry_point)
        return gmv_fail(GMV_ERR_NOT_FOUND, "this source has no auxiliary vector");
    return src->entry_point(src->ctx, out);
}

void gmv_source_free(gmv_source *src)
{
    if (!src)
        return;
    gmv_source_thaw(src);
    if (src->ops.destroy)
        src->ops.destroy(src->ctx);
    free(src);
}
