/* What the classic and the Swiss layout code share: the names of
 * implementations and kinds, the Go version, the common part of a layout
 * (names, key and value types, slots), and the checks of where the 8 cells
 * of a bucket or group lie. */
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "layout/layout_impl.h"

const char *gmv_map_impl_name(gmv_map_impl impl)
{
    return impl == GMV_IMPL_SWISS ? "swiss" : "classic";
}

const char *gmv_kind_name(gmv_kind kind)
{
    static const char *const names[] = {"other", "int", "uint", "bool", "float", "string", "pointer", "node"};
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

int gmv_go_minor_version(const char *go_version)
{
    unsigned minor = 0;
    int consumed = 0;
    if (!go_version || sscanf(go_version, "go1.%u%n", &minor, &consumed) != 1 || minor > 1000)
        return -1;
    return (int)minor;
}

void gmv_layout_copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

int gmv_layout_common(gmv_layout *out, gmv_map_impl impl, uint32_t ptr_size, const char *go_version,
                      const char *map_type, const gmv_type *key, const gmv_type *elem)
{
    memset(out, 0, sizeof *out);
    if (ptr_size != 4 && ptr_size != 8)
        return gmv_fail(GMV_ERR_INVALID, "pointer size %u is neither 4 nor 8", ptr_size);
    if (key->size > (UINT32_C(1) << 24) || elem->size > (UINT32_C(1) << 24))
        return gmv_fail(GMV_ERR_INVALID, "key or value size too large for a map");
    out->impl = impl;
    out->ptr_size = ptr_size;
    gmv_layout_copy_text(out->go_version, sizeof out->go_version, go_version);
    gmv_layout_copy_text(out->map_type, sizeof out->map_type, map_type);
    out->key = *key;
    out->elem = *elem;
    out->key.indirect = key->size > GMV_MAX_INLINE_SIZE;
    out->elem.indirect = elem->size > GMV_MAX_INLINE_SIZE;
    out->key_slot = out->key.indirect ? ptr_size : (uint32_t)key->size;
    out->elem_slot = out->elem.indirect ? ptr_size : (uint32_t)elem->size;
    return GMV_OK;
}

/* Checks one decodable type against its slot. */
static int validate_type(const char *what, const gmv_type *t, uint32_t slot, uint32_t ptr_size)
{
    uint64_t expected_slot = t->indirect ? ptr_size : t->size;
    if (slot != expected_slot)
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s slot is %u bytes, expected %llu", what, slot,
                        (unsigned long long)expected_slot);
    if (t->indirect && t->size <= GMV_MAX_INLINE_SIZE)
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s is indirect but only %llu bytes", what,
                        (unsigned long long)t->size);
    if (t->size > (UINT64_C(1) << 24))
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s size %llu is absurd", what,
                        (unsigned long long)t->size);
    bool ok = true;
    switch (t->kind) {
    case GMV_KIND_INT:
    case GMV_KIND_UINT: ok = t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8; break;
    case GMV_KIND_BOOL: ok = t->size == 1; break;
    case GMV_KIND_FLOAT: ok = t->size == 4 || t->size == 8; break;
    case GMV_KIND_STRING: ok = t->size == 2ull * ptr_size; break;
    case GMV_KIND_POINTER: ok = t->size == ptr_size; break;
    case GMV_KIND_OTHER: break;
    default:
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s has unknown kind %d", what, (int)t->kind);
    }
    if (!ok)
        return gmv_fail(GMV_ERR_FORMAT, "layout: %s of kind %s cannot be %llu bytes", what,
                        gmv_kind_name(t->kind), (unsigned long long)t->size);
    return GMV_OK;
}

/* True when the `width` bytes of cell 7 at `offset` + 7 * `stride` end by `end`. */
static bool cells_fit(uint32_t offset, uint32_t stride, uint32_t width, uint32_t end)
{
    return (uint64_t)offset + (uint64_t)(GMV_BUCKET_CELLS - 1) * stride + width <= end;
}

int gmv_layout_validate_cells(const gmv_layout *l, uint32_t from, uint32_t block_size)
{
    int rc = validate_type("key", &l->key, l->key_slot, l->ptr_size);
    if (rc == GMV_OK)
        rc = validate_type("value", &l->elem, l->elem_slot, l->ptr_size);
    if (rc != GMV_OK)
        return rc;
    if (l->keys_offset < from || l->elems_offset < from || l->key_stride < l->key_slot ||
        l->elem_stride < l->elem_slot || !cells_fit(l->keys_offset, l->key_stride, l->key_slot, block_size) ||
        !cells_fit(l->elems_offset, l->elem_stride, l->elem_slot, block_size))
        return gmv_fail(GMV_ERR_FORMAT,
                        "layout: cells (keys at %u every %u, values at %u every %u) do not fit in %u bytes after %u",
                        l->keys_offset, l->key_stride, l->elems_offset, l->elem_stride, block_size, from);
    if (memchr(l->go_version, 0, sizeof l->go_version) == NULL ||
        memchr(l->map_type, 0, sizeof l->map_type) == NULL ||
        memchr(l->key.name, 0, sizeof l->key.name) == NULL ||
        memchr(l->elem.name, 0, sizeof l->elem.name) == NULL)
        return gmv_fail(GMV_ERR_FORMAT, "layout: a name is not terminated");
    return GMV_OK;
}

