/* Internal: growing an array by doubling. */
#ifndef GMV_GROW_H
#define GMV_GROW_H

#include <stddef.h>

/* Returns `items` (holding `count` items of `size` bytes in room for *cap)
 * with room for at least one more: reallocated to twice the room (at least
 * `first` items) when full, with *cap updated. Returns NULL when memory runs
 * out or the size would overflow; `items` is then untouched and still owned
 * by the caller. */
void *gmv_grow(void *items, size_t *cap, size_t count, size_t size, size_t first);

#endif
