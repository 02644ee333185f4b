/* Internal: sorting many records by a 64-bit key. */
#ifndef GMV_SORT_H
#define GMV_SORT_H

#include <stddef.h>

/* Sorts `n` records of `size` bytes (a multiple of 8) whose first member is
 * a uint64_t key, by that key, keeping records with equal keys in their order
 * (a radix sort: linear time for the millions of memory ranges of a big map).
 * Returns 0, or -1 when out of memory (the records are then untouched). */
int gmv_sort_by_u64_key(void *records, size_t n, size_t size);

#endif
