/* A hash index by 4 KiB page over records sorted by address. */
#include "common/page_index.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/sort.h"

#define PAGE_SHIFT 12
#define GOLDEN_RATIO_64 0x9E3779B97F4A7C15ULL

static uint64_t word_at(const unsigned char *records, size_t i, size_t size, size_t offset)
{
    uint64_t w;
    memcpy(&w, records + i * size + offset, sizeof w);
    return w;
}

/* The pages of the records, in increasing order and each once: a record
 * covers the pages from its address to its last byte (a record of length 0,
 * the page of its address). */
typedef struct page_walk {
    const unsigned char *records;
    size_t n, size;
    size_t i;         /* the next record to look at */
    uint64_t cur, to; /* pages [cur, to] of the last record are still to give */
    bool started;     /* cur holds the page after the last one given */
} page_walk;

/* Gives the next page in *page; false when there are none left. */
static bool next_page(page_walk *w, uint64_t *page)
{
    while (!w->started || w->cur > w->to) {
        if (w->i >= w->n)
            return false;
        uint64_t addr = word_at(w->records, w->i, w->size, 0);
        uint64_t len = word_at(w->records, w->i, w->size, sizeof(uint64_t));
        w->i++;
        uint64_t last = len == 0 ? addr : len - 1 > UINT64_MAX - addr ? UINT64_MAX : addr + (len - 1);
        uint64_t from = addr >> PAGE_SHIFT;
        if (w->started && from < w->cur)
            from = w->cur; /* given already */
        w->cur = from;
        w->to = last >> PAGE_SHIFT;
        w->started = true;
    }
    *page = w->cur++;
    return true;
}

static size_t slot_of(const gmv_page_index *ix, uint64_t key)
{
    return (size_t)((key * GOLDEN_RATIO_64) >> (64 - ix->bits));
}

static void insert(gmv_page_index *ix, uint64_t page, size_t first, size_t end)
{
    size_t mask = ((size_t)1 << ix->bits) - 1, h = slot_of(ix, page + 1);
    while (ix->slots[h].page)
        h = (h + 1) & mask;
    ix->slots[h] = (gmv_page_slot){.page = page + 1, .first = (uint32_t)first, .count = (uint32_t)(end - first)};
}

void gmv_page_index_build(gmv_page_index *ix, const void *records, size_t n, size_t size, size_t max_pages)
{
    *ix = (gmv_page_index){0};
    if (n == 0 || n >= UINT32_MAX)
        return;
    page_walk w = {.records = records, .n = n, .size = size};
    size_t pages = 0;
    uint64_t page;
    while (next_page(&w, &page))
        if (++pages > max_pages)
            return;
    unsigned bits = 1;
    while (bits < 8 * sizeof(size_t) - 2 && ((size_t)1 << bits) < pages + pages / 2)
        bits++;
    ix->slots = calloc((size_t)1 << bits, sizeof *ix->slots);
    if (!ix->slots)
        return;
    ix->bits = bits;
    /* first and end move forward with the pages: records before `first`
     * start before the page, records before `end` before the next one */
    size_t first = 0, end = 0;
    w = (page_walk){.records = records, .n = n, .size = size};
    while (next_page(&w, &page)) {
        uint64_t start = page << PAGE_SHIFT, after = start + ((uint64_t)1 << PAGE_SHIFT);
        while (first < n && word_at(records, first, size, 0) < start)
            first++;
        if (end < first)
            end = first;
        while (end < n && (after == 0 || word_at(records, end, size, 0) < after))
            end++;
        insert(ix, page, first, end);
    }
}

/* How many of the `count` sorted records of one page start at most at
 * `addr`, `offset` bytes into the page. Records of a page are often evenly
 * spread (strings of one size class), so the search starts where an even
 * spread would put `addr`, steps a few records, then halves what is left. */
static size_t count_in_page(const unsigned char *records, size_t count, size_t size, uint64_t addr,
                            uint64_t offset)
{
    size_t c = (size_t)((offset * count) >> PAGE_SHIFT);
    for (int step = 0; step < 8; step++) {
        if (c > 0 && word_at(records, c - 1, size, 0) > addr)
            c--;
        else if (c < count && word_at(records, c, size, 0) <= addr)
            c++;
        else
            return c;
    }
    if (c > 0 && word_at(records, c - 1, size, 0) > addr)
        return gmv_count_keys_at_most(records, c, size, addr);
    return c + gmv_count_keys_at_most(records + c * size, count - c, size, addr);
}

size_t gmv_page_index_count_at_most(const gmv_page_index *ix, const void *records, size_t n, size_t size,
                                    uint64_t addr)
{
    if (ix->slots) {
        uint64_t key = (addr >> PAGE_SHIFT) + 1;
        size_t mask = ((size_t)1 << ix->bits) - 1;
        for (size_t h = slot_of(ix, key); ix->slots[h].page; h = (h + 1) & mask) {
            const gmv_page_slot *s = &ix->slots[h];
            if (s->page == key)
                return s->first + count_in_page((const unsigned char *)records + (size_t)s->first * size,
                                                s->count, size, addr, addr & ((1u << PAGE_SHIFT) - 1));
        }
    }
    return gmv_count_keys_at_most(records, n, size, addr); /* a page no record touches */
}

void gmv_page_index_release(gmv_page_index *ix)
{
    free(ix->slots);
    *ix = (gmv_page_index){0};
}
