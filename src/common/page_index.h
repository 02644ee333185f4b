/* Internal: a hash index by 4 KiB page over records sorted by address, so
 * that finding the record holding an address costs one hash probe and a
 * short search among the records of one page, instead of a binary search
 * over millions of records (the string bytes of a big map). */
#ifndef GMV_PAGE_INDEX_H
#define GMV_PAGE_INDEX_H

#include <stddef.h>
#include <stdint.h>

/* One page that a record starts in or covers: the records whose address is
 * in the page are [first, first + count) of the sorted records. */
typedef struct gmv_page_slot {
    uint64_t page;   /* address >> 12, plus one (0 marks a free slot) */
    uint32_t first;  /* records before it start before the page */
    uint32_t count;  /* records starting in the page */
} gmv_page_slot;

/* The index; zero-initialised, it is empty and every look-up falls back to
 * a binary search. */
typedef struct gmv_page_index {
    gmv_page_slot *slots; /* owned; 2^bits of them */
    unsigned bits;
} gmv_page_index;

/* Builds `ix` over `n` records of `size` bytes sorted by their leading
 * uint64_t address, each followed by its uint64_t length. `max_pages` bounds
 * the pages indexed (memory stays proportional to what the records hold):
 * past it, with 2^32 records or more, or when memory runs out, the index
 * stays empty (slower, still correct). The records must outlive the index
 * and stay unchanged. */
void gmv_page_index_build(gmv_page_index *ix, const void *records, size_t n, size_t size, size_t max_pages);

/* Like gmv_count_keys_at_most on the same records: how many records have an
 * address of at most `addr`. */
size_t gmv_page_index_count_at_most(const gmv_page_index *ix, const void *records, size_t n, size_t size,
                                    uint64_t addr);

/* Frees the index's memory; it is empty again. */
void gmv_page_index_release(gmv_page_index *ix);

#endif
