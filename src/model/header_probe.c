/* Whether the bytes at an address could be a map header of a layout: a cheap
 * look before a capture by address, so that a wrong address is refused
 * instead of being read as a map of nonsense. */
#include <inttypes.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "gomapviz/model.h"

#define CLASSIC_MAX_B 62            /* 2^B buckets must be addressable */
#define CLASSIC_FLAG_BITS 0x0f      /* iterator, oldIterator, hashWriting, sameSizeGrow */
#define SWISS_SMALL_SLOTS 8         /* a small map is one group */
#define SWISS_MAX_TABLE_SLOTS 1024  /* maxTableCapacity: a table splits beyond it */
#define SWISS_MAX_DIR_LEN (UINT64_C(1) << 40)

/* The classic rules: B addressable, count within what 2^B buckets hold
 * before a grow (6.5 a bucket; 16 allowed for overflow chains), an array
 * whenever there are entries, aligned pointers, only known flags. */
static int probe_classic(const gmv_layout *l, const uint8_t *raw, uint64_t addr)
{
    const gmv_hmap_layout *h = &l->hmap;
    uint32_t p = l->ptr_size;
    uint64_t count = gmv_load_le(raw + h->count, p);
    unsigned B = raw[h->B], flags = raw[h->flags];
    uint64_t buckets = gmv_load_le(raw + h->buckets, p), old = gmv_load_le(raw + h->oldbuckets, p);
    if (B > CLASSIC_MAX_B || (B < 59 && count > (UINT64_C(16) << B)))
        return gmv_fail(GMV_ERR_INVALID, "no map header at 0x%" PRIx64 ": count %" PRIu64 " with B = %u", addr, count, B);
    if (flags & ~CLASSIC_FLAG_BITS)
        return gmv_fail(GMV_ERR_INVALID, "no map header at 0x%" PRIx64 ": flags 0x%x", addr, flags);
    if ((count > 0 && buckets == 0) || buckets % p != 0 || old % p != 0)
        return gmv_fail(GMV_ERR_INVALID, "no map header at 0x%" PRIx64 ": count %" PRIu64 " with buckets at 0x%" PRIx64, addr,
                        count, buckets);
    return GMV_OK;
}

/* The Swiss rules: a small map (dirLen 0) holds at most 8 entries in the
 * group dirPtr points to; a directory has 1 to 2^40 entries, each table at
 * most 1024 slots, so used <= dirLen * 1024; aligned pointers. */
static int probe_swiss(const gmv_layout *l, const uint8_t *raw, uint64_t addr)
{
    const gmv_swiss_map_layout *ml = &l->swiss.map;
    uint32_t p = l->ptr_size;
    uint64_t used = gmv_load_le(raw + ml->used, 8);
    uint64_t dir_ptr = gmv_load_le(raw + ml->dir_ptr, p), dir_len = gmv_load_le(raw + ml->dir_len, p);
    bool ok = dir_ptr % p == 0 && (used == 0 || dir_ptr != 0) &&
              (dir_len == 0 ? used <= SWISS_SMALL_SLOTS
                            : dir_len <= SWISS_MAX_DIR_LEN && used <= dir_len * SWISS_MAX_TABLE_SLOTS);
    if (!ok)
        return gmv_fail(GMV_ERR_INVALID,
                        "no map header at 0x%" PRIx64 ": used %" PRIu64 " with dirLen %" PRIu64 " and dirPtr 0x%" PRIx64, addr,
                        used, dir_len, dir_ptr);
    return GMV_OK;
}

int gmv_model_probe_header(gmv_source *src, const gmv_layout *layout, uint64_t addr)
{
    uint8_t raw[4096];
    uint32_t size = layout->impl == GMV_IMPL_SWISS ? layout->swiss.map.size : layout->hmap.size;
    if (size == 0 || size > sizeof raw)
        return gmv_fail(GMV_ERR_INVALID, "a map header of %u bytes is not one gomapviz knows", size);
    int64_t got = gmv_source_read(src, addr, raw, size);
    if (got < 0)
        return (int)got;
    if ((uint64_t)got < size)
        return gmv_fail(GMV_ERR_IO, "cannot read the map header at 0x%" PRIx64 ": memory is not readable", addr);
    return layout->impl == GMV_IMPL_SWISS ? probe_swiss(layout, raw, addr) : probe_classic(layout, raw, addr);
}

int gmv_model_probe_map_pointer(gmv_source *src, const gmv_layout *layout, uint64_t addr, uint64_t *map_addr)
{
    uint8_t word[8];
    uint32_t p = layout->ptr_size;
    if (p != 4 && p != 8)
        return gmv_fail(GMV_ERR_INVALID, "a pointer of %u bytes is not one gomapviz knows", p);
    int64_t got = gmv_source_read(src, addr, word, p);
    if (got < 0)
        return (int)got;
    uint64_t held = got == (int64_t)p ? gmv_load_le(word, p) : 0;
    if (held == 0 || gmv_model_probe_header(src, layout, held) != 0)
        return gmv_fail(GMV_ERR_NOT_FOUND, "0x%" PRIx64 " holds no pointer to a map header", addr);
    *map_addr = held;
    return GMV_OK;
}
