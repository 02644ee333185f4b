/* Internal: a bump allocator that owns every byte a model keeps. */
#ifndef GMV_ARENA_H
#define GMV_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct gmv_arena_block gmv_arena_block;

typedef struct gmv_arena {
    gmv_arena_block *head;
    uint64_t total;  /* bytes handed out */
    void **adopted;  /* malloc'd buffers the arena frees */
    size_t nadopted, adopted_cap;
} gmv_arena;

/* Returns `size` bytes (8-aligned, uninitialised) that live until
 * gmv_arena_release(), or NULL when memory runs out. */
void *gmv_arena_alloc(gmv_arena *arena, size_t size);

/* Makes the arena own `buffer` (from malloc): it is freed with the arena.
 * Returns 0, or -1 when memory runs out (the caller still owns it then). */
int gmv_arena_adopt(gmv_arena *arena, void *buffer);

/* Frees every block of the arena; the arena can be reused afterwards. */
void gmv_arena_release(gmv_arena *arena);

#endif
