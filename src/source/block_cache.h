/* Internal: whole blocks of a frozen process's memory, read once and kept.
 *
 * The string bytes of a big map lie packed in the heap, in the order they
 * were allocated, while a walk needs them in hash order: read one by one,
 * millions of short reads cost the kernel far more than the bytes. Where a
 * prefetch wants many pieces inside one aligned block, the whole block is
 * read instead (process_vm_readv, thousands of blocks per call) and every
 * later read inside it is a copy. Valid only while the process stays
 * frozen: the owner clears the cache at every freeze and thaw. */
#ifndef GMV_BLOCK_CACHE_H
#define GMV_BLOCK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/source.h"

#define GMV_BLOCK_SHIFT 15u /* 32 KiB blocks, aligned */
#define GMV_BLOCK_SIZE ((size_t)1 << GMV_BLOCK_SHIFT)

/* One slot of the cache's hash table. */
typedef struct gmv_cached_block {
    uint64_t number;  /* address >> GMV_BLOCK_SHIFT, plus one; 0: a free slot */
    uint8_t *bytes;   /* GMV_BLOCK_SIZE bytes in the arena, or NULL: unreadable */
} gmv_cached_block;

/* The cache: a hash table of at most `max_blocks` blocks (set by the owner
 * before first use), their bytes in one arena of huge pages where the
 * kernel offers them (blocks are read in address order and copied from in
 * hash order: small pages would cost a TLB miss on nearly every copy). */
typedef struct gmv_block_cache {
    gmv_cached_block *slots;
    size_t nslots, count, max_blocks;
    uint8_t *arena;   /* max_blocks * GMV_BLOCK_SIZE reserved, filled from the front */
    size_t arena_used; /* blocks handed out by gmv_block_cache_take */
} gmv_block_cache;

/* Picks the blocks worth reading whole for the pieces `wanted` (sorted by
 * address): blocks not yet cached that hold at least a few of them, as many
 * as the cache has room for. Their numbers go to `blocks` (room for `n`);
 * the pieces inside a block cached or picked are removed from `wanted`, the
 * others kept in order. Returns how many blocks were picked; *left is how
 * many pieces remain. Returns 0 (nothing removed) when out of memory. */
size_t gmv_block_cache_pick(gmv_block_cache *c, gmv_piece *wanted, size_t n, uint64_t *blocks, size_t *left);

/* Room for one more block's bytes (GMV_BLOCK_SIZE, owned by the cache), or
 * NULL when the arena is full or cannot be had. */
uint8_t *gmv_block_cache_take(gmv_block_cache *c);

/* Gives back the last `n` blocks taken, not used after all. */
void gmv_block_cache_untake(gmv_block_cache *c, size_t n);

/* Records block `number` as held at `bytes` (from gmv_block_cache_take), or
 * with NULL as unreadable. Returns 0, or -1 when out of memory. */
int gmv_block_cache_add(gmv_block_cache *c, uint64_t number, uint8_t *bytes);

/* Copies [addr, addr + len) into `buf` if a readable cached block holds all
 * of it; returns false (nothing copied) if not. */
bool gmv_block_cache_copy(const gmv_block_cache *c, uint64_t addr, void *buf, size_t len);

/* Where the cache holds the byte at `addr`, or NULL if no readable block
 * does. The pointer is valid until the next clear. */
const uint8_t *gmv_block_cache_where(const gmv_block_cache *c, uint64_t addr);

/* Forgets every block and returns the arena's memory (keeps the table). */
void gmv_block_cache_clear(gmv_block_cache *c);

/* Frees everything. */
void gmv_block_cache_release(gmv_block_cache *c);

#endif
