/* Test support: a fake target address space, and a writer of Go map memory
 * (hmap, buckets, strings) laid out by a gmv_layout, for model tests. */
#ifndef GMV_TEST_FAKE_MEMORY_H
#define GMV_TEST_FAKE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/layout.h"
#include "gomapviz/source.h"

typedef struct fake_memory fake_memory;

/* Creates an empty address space. Abort on out of memory (tests only). */
fake_memory *fake_memory_new(void);
void fake_memory_free(fake_memory *mem);

/* Maps `size` zeroed bytes at `addr` and returns them for writing. */
uint8_t *fake_memory_map(fake_memory *mem, uint64_t addr, size_t size);

/* Returns a writable pointer to `len` mapped bytes at `addr` (must be mapped). */
uint8_t *fake_memory_at(fake_memory *mem, uint64_t addr, size_t len);

/* A source reading this memory; the memory must outlive the source. */
gmv_source *fake_memory_source(fake_memory *mem);

/* Number of read calls made through sources of this memory. */
uint64_t fake_memory_reads(const fake_memory *mem);

/* Writes a little-endian integer of `size` bytes at `addr`. */
void fake_memory_put(fake_memory *mem, uint64_t addr, uint64_t value, uint32_t size);

/* --- Go map writer for a map[int64]int64-like or map[string]int layout --- */

/* Writes an hmap at `addr` with the given fields. */
typedef struct fake_hmap {
    uint64_t count;
    uint8_t flags, B;
    uint16_t noverflow;
    uint32_t hash0;
    uint64_t buckets, oldbuckets, nevacuate, extra;
} fake_hmap;
void fake_write_hmap(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_hmap *h);

/* Sets cell `slot` of the bucket at `bucket`: its tophash and key/value slot
 * bytes (`key`/`elem` of the slot sizes; NULL leaves zeros). */
void fake_write_cell(fake_memory *mem, const gmv_layout *l, uint64_t bucket, int slot, uint8_t tophash,
                     const void *key, const void *elem);

/* Sets the overflow pointer of the bucket at `bucket`. */
void fake_write_overflow(fake_memory *mem, const gmv_layout *l, uint64_t bucket, uint64_t next);

/* A classic amd64 layout for map[int64]int64 (go1.19). */
gmv_layout fake_layout_int64(void);

/* A classic amd64 layout for map[string]int64 (go1.19). */
gmv_layout fake_layout_string_int(void);

#endif
