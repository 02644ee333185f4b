/* Internal: pieces of target memory fetched ahead of the reads that need
 * them (a live process fetches a walk's string bytes in a few large
 * process_vm_readv calls instead of one call per string). */
#ifndef GMV_PREFETCH_H
#define GMV_PREFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/source.h"

/* One fetched piece: `len` bytes at `address`, held at bytes + offset. */
typedef struct gmv_fetched_piece {
    uint64_t address, len;
    size_t offset;
    bool readable; /* fetched whole; false: read it directly */
} gmv_fetched_piece;

/* The pieces, sorted by address and never overlapping, and their bytes. */
typedef struct gmv_prefetched {
    gmv_fetched_piece *pieces;
    size_t n, cap;
    uint8_t *bytes;
    size_t nbytes, bytes_cap;
} gmv_prefetched;

/* Plans a fetch of `wanted` (reordered: sorted by address): overlapping or
 * touching pieces are merged, and pieces are taken in address order until
 * `max_bytes` would be passed. Nothing is readable until marked. Returns 0
 * or -1 (out of memory: the plan is empty). */
int gmv_prefetched_plan(gmv_prefetched *f, gmv_piece *wanted, size_t n, size_t max_bytes);

/* Records the result of one vectored read of pieces [first, first + count)
 * that returned `got` bytes: pieces read whole become readable. Returns the
 * index of the next piece to read (past an unreadable one, so every call
 * makes progress). */
size_t gmv_prefetched_mark(gmv_prefetched *f, size_t first, size_t count, size_t got);

/* Copies [addr, addr + len) into `buf` if one readable piece holds all of
 * it; returns false (nothing copied) if not. */
bool gmv_prefetched_copy(const gmv_prefetched *f, uint64_t addr, void *buf, size_t len);

/* Forgets the pieces (keeps the memory for the next plan). */
void gmv_prefetched_clear(gmv_prefetched *f);

/* Frees everything. */
void gmv_prefetched_release(gmv_prefetched *f);

#endif
