/* Internal: sorting many records by a 64-bit key, and searching them. */
#ifndef GMV_SORT_H
#define GMV_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts `n` records of `size` bytes (a multiple of 8) whose first member is
 * a uint64_t key, by that key, keeping records with equal keys in their order
 * (a radix sort: linear time for the millions of memory ranges of a big map).
 * Returns 0, or -1 when out of memory (the records are then untouched). */
int gmv_sort_by_u64_key(void *records, size_t n, size_t size);

/* Of `n` records of `size` bytes sorted by a leading uint64_t key, how many
 * have a key of at most `key`: the last of those (if any) is the record at
 * that count minus one. A binary search. */
size_t gmv_count_keys_at_most(const void *records, size_t n, size_t size, uint64_t key);

/* Of the same records, how many have a key below `key`: where the first
 * record of that key is, or would go. */
size_t gmv_count_keys_below(const void *records, size_t n, size_t size, uint64_t key);

/* The first of the same records whose key is `key`, or NULL. */
const void *gmv_find_key(const void *records, size_t n, size_t size, uint64_t key);

#endif
