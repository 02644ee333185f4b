/* Pieces of target memory fetched ahead of the reads that need them. */
#include "source/prefetch.h"

#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "common/sort.h"

/* Pieces at most this far apart are fetched in one piece: strings of one
 * size class sit next to each other, and one long read costs far less than
 * many short ones. */
#define PREFETCH_JOIN_GAP 1024

/* Makes room for `bytes` bytes of data. Returns 0 or -1. */
static int reserve_bytes(gmv_prefetched *f, size_t bytes)
{
    if (bytes <= f->bytes_cap)
        return 0;
    uint8_t *grown = realloc(f->bytes, bytes);
    if (!grown)
        return -1;
    f->bytes = grown;
    f->bytes_cap = bytes;
    return 0;
}

int gmv_prefetched_plan(gmv_prefetched *f, gmv_piece *wanted, size_t n, size_t max_bytes)
{
    gmv_prefetched_clear(f);
    if (gmv_sort_by_u64_key(wanted, n, sizeof *wanted) != 0)
        return -1;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t start = wanted[i].address, len = wanted[i].len;
        if (len == 0 || start + len < start || len > max_bytes)
            continue;
        gmv_fetched_piece *last = f->n ? &f->pieces[f->n - 1] : NULL;
        if (last && start <= last->address + last->len + PREFETCH_JOIN_GAP) {
            /* close to the last one: one read for both (the bytes between
             * are fetched, never recorded: reads take only what they ask) */
            uint64_t end = start + len, last_end = last->address + last->len;
            if (end <= last_end)
                continue;
            if (total + (end - last_end) > max_bytes)
                break;
            total += (size_t)(end - last_end);
            last->len += end - last_end;
            continue;
        }
        if (total + len > max_bytes)
            break;
        gmv_fetched_piece *grown = gmv_grow(f->pieces, &f->cap, f->n, sizeof *grown, 1024);
        if (!grown) {
            gmv_prefetched_clear(f);
            return -1;
        }
        f->pieces = grown;
        f->pieces[f->n++] = (gmv_fetched_piece){.address = start, .len = len, .offset = total};
        total += (size_t)len;
    }
    if (reserve_bytes(f, total ? total : 1) != 0) {
        gmv_prefetched_clear(f);
        return -1;
    }
    f->nbytes = total;
    return 0;
}

size_t gmv_prefetched_mark(gmv_prefetched *f, size_t first, size_t count, size_t got)
{
    size_t i = first;
    for (; i < first + count && got >= f->pieces[i].len; i++) {
        f->pieces[i].readable = true;
        got -= (size_t)f->pieces[i].len;
    }
    if (i < first + count && (got > 0 || i == first))
        i++; /* read in part, or the first piece of the call failed: unreadable */
    return i;
}

bool gmv_prefetched_copy(const gmv_prefetched *f, uint64_t addr, void *buf, size_t len)
{
    size_t at_most = gmv_count_keys_at_most(f->pieces, f->n, sizeof *f->pieces, addr);
    if (at_most == 0)
        return false;
    const gmv_fetched_piece *p = &f->pieces[at_most - 1];
    uint64_t skip = addr - p->address;
    if (!p->readable || skip >= p->len || len > p->len - skip)
        return false;
    memcpy(buf, f->bytes + p->offset + skip, len);
    return true;
}

void gmv_prefetched_clear(gmv_prefetched *f)
{
    f->n = 0;
    f->nbytes = 0;
}

void gmv_prefetched_release(gmv_prefetched *f)
{
    free(f->pieces);
    free(f->bytes);
    *f = (gmv_prefetched){0};
}
