#include "common/arena.h"
#include "common/grow.h"

#include <stdlib.h>

#define ARENA_BLOCK_SIZE ((size_t)1 << 20)

struct gmv_arena_block {
    gmv_arena_block *next;
    size_t used, size;
    _Alignas(8) unsigned char data[];
};

/* Adds a block able to hold at least `size` bytes in front of the list. */
static gmv_arena_block *arena_grow(gmv_arena *arena, size_t size)
{
    size_t capacity = size > ARENA_BLOCK_SIZE / 4 ? size : ARENA_BLOCK_SIZE;
    gmv_arena_block *block = malloc(sizeof *block + capacity);
    if (!block)
        return NULL;
    block->size = capacity;
    block->used = 0;
    if (size > ARENA_BLOCK_SIZE / 4 && arena->head) {
        /* A large, dedicated block goes second so the current one keeps filling. */
        block->next = arena->head->next;
        arena->head->next = block;
    } else {
        block->next = arena->head;
        arena->head = block;
    }
    return block;
}

void *gmv_arena_alloc(gmv_arena *arena, size_t size)
{
    size_t rounded = (size + 7) & ~(size_t)7;
    if (rounded < size)
        return NULL;
    gmv_arena_block *block = arena->head;
    if (!block || block->size - block->used < rounded) {
        block = arena_grow(arena, rounded);
        if (!block)
            return NULL;
    }
    void *p = block->data + block->used;
    block->used += rounded;
    arena->total += rounded;
    return p;
}

int gmv_arena_adopt(gmv_arena *arena, void *buffer)
{
    void **grown = gmv_grow(arena->adopted, &arena->adopted_cap, arena->nadopted, sizeof *grown, 8);
    if (!grown)
        return -1;
    arena->adopted = grown;
    arena->adopted[arena->nadopted++] = buffer;
    return 0;
}

void gmv_arena_release(gmv_arena *arena)
{
    for (size_t i = 0; i < arena->nadopted; i++)
        free(arena->adopted[i]);
    free(arena->adopted);
    gmv_arena_block *block = arena->head;
    while (block) {
        gmv_arena_block *next = block->next;
        free(block);
        block = next;
    }
    *arena = (gmv_arena){0};
}
