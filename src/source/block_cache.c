/* Whole blocks of a frozen process's memory, read once and kept. */
#include "source/block_cache.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A block is read whole when a prefetch wants at least this many pieces in
 * it: one 32 KiB read costs about what a dozen short ones do, and later
 * prefetches find the block already there. */
#define DENSE_PIECES 8

static uint64_t block_of(uint64_t address)
{
    return address >> GMV_BLOCK_SHIFT;
}

/* True if the piece lies inside one block. */
static bool inside_one_block(const gmv_piece *p)
{
    return p->len > 0 && p->address + p->len > p->address &&
           block_of(p->address) == block_of(p->address + p->len - 1);
}

/* The slot holding block `number`, or the free slot where it would go. */
static gmv_cached_block *slot_for(const gmv_block_cache *c, uint64_t number)
{
    size_t mask = c->nslots - 1;
    size_t i = (size_t)((number * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & mask;
    while (c->slots[i].number != 0 && c->slots[i].number != number + 1)
        i = (i + 1) & mask;
    return &c->slots[i];
}

/* Allocates the table (twice max_blocks slots, a power of two: it never
 * fills past half). Returns 0 or -1. */
static int ensure_table(gmv_block_cache *c)
{
    if (c->slots)
        return 0;
    size_t n = 16;
    while (n < 2 * c->max_blocks)
        n *= 2;
    c->slots = calloc(n, sizeof *c->slots);
    if (!c->slots)
        return -1;
    c->nslots = n;
    return 0;
}

size_t gmv_block_cache_pick(gmv_block_cache *c, gmv_piece *wanted, size_t n, uint64_t *blocks, size_t *left)
{
    *left = n;
    if (c->max_blocks == 0 || ensure_table(c) != 0)
        return 0;
    size_t kept = 0, picked = 0, i = 0;
    while (i < n) {
        if (!inside_one_block(&wanted[i])) {
            wanted[kept++] = wanted[i++];
            continue;
        }
        uint64_t b = block_of(wanted[i].address);
        size_t end = i, inside = 0;
        for (; end < n && block_of(wanted[end].address) == b; end++)
            inside += inside_one_block(&wanted[end]);
        gmv_cached_block *slot = slot_for(c, b);
        bool cached = slot->number != 0 && slot->bytes != NULL;
        bool pick = slot->number == 0 && inside >= DENSE_PIECES && c->count < c->max_blocks;
        if (pick) {
            slot->number = b + 1; /* bytes NULL until read */
            c->count++;
            blocks[picked++] = b;
        }
        for (; i < end; i++) {
            if (!((cached || pick) && inside_one_block(&wanted[i])))
                wanted[kept++] = wanted[i];
        }
    }
    *left = kept;
    return picked;
}

uint8_t *gmv_block_cache_take(gmv_block_cache *c)
{
    size_t bytes = c->max_blocks * GMV_BLOCK_SIZE;
    if (!c->arena && bytes > 0) {
        void *arena = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (arena == MAP_FAILED)
            return NULL;
        madvise(arena, bytes, MADV_HUGEPAGE); /* a hint: without it, small pages */
        c->arena = arena;
        c->arena_used = 0;
    }
    if (!c->arena || c->arena_used >= c->max_blocks)
        return NULL;
    return c->arena + GMV_BLOCK_SIZE * c->arena_used++;
}

void gmv_block_cache_untake(gmv_block_cache *c, size_t n)
{
    c->arena_used -= n < c->arena_used ? n : c->arena_used;
}

int gmv_block_cache_add(gmv_block_cache *c, uint64_t number, uint8_t *bytes)
{
    if (ensure_table(c) != 0)
        return -1;
    gmv_cached_block *slot = slot_for(c, number);
    if (slot->number == 0) {
        if (c->count >= c->max_blocks)
            return 0; /* no room: the pieces are read as they come */
        slot->number = number + 1;
        c->count++;
    }
    slot->bytes = bytes;
    return 0;
}

bool gmv_block_cache_copy(const gmv_block_cache *c, uint64_t addr, void *buf, size_t len)
{
    gmv_piece p = {addr, len};
    if (c->count == 0 || !inside_one_block(&p))
        return false;
    const gmv_cached_block *slot = slot_for(c, block_of(addr));
    if (slot->number == 0 || !slot->bytes)
        return false;
    memcpy(buf, slot->bytes + (addr & (GMV_BLOCK_SIZE - 1)), len);
    return true;
}

const uint8_t *gmv_block_cache_where(const gmv_block_cache *c, uint64_t addr)
{
    if (c->count == 0)
        return NULL;
    const gmv_cached_block *slot = slot_for(c, block_of(addr));
    return slot->bytes ? slot->bytes + (addr & (GMV_BLOCK_SIZE - 1)) : NULL;
}

void gmv_block_cache_clear(gmv_block_cache *c)
{
    if (c->arena) {
        munmap(c->arena, c->max_blocks * GMV_BLOCK_SIZE);
        c->arena = NULL;
        c->arena_used = 0;
    }
    if (c->count == 0)
        return;
    memset(c->slots, 0, c->nslots * sizeof *c->slots);
    c->count = 0;
}

void gmv_block_cache_release(gmv_block_cache *c)
{
    gmv_block_cache_clear(c);
    free(c->slots);
    *c = (gmv_block_cache){0};
}
