/* A stable least-significant-digit radix sort on a leading uint64_t key. */
#include "common/sort.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DIGIT_BITS 16
#define DIGITS (1u << DIGIT_BITS)

static uint64_t key_of(const unsigned char *record)
{
    uint64_t key;
    memcpy(&key, record, sizeof key);
    return key;
}

int gmv_sort_by_u64_key(void *records, size_t n, size_t size)
{
    if (n < 2)
        return 0;
    unsigned char *from = records;
    /* Bits that differ between keys: digits where all keys agree are
     * skipped; keys already in order need no pass at all. */
    uint64_t first = key_of(from), differ = 0, prev = first;
    bool in_order = true;
    for (size_t i = 1; i < n; i++) {
        uint64_t key = key_of(from + i * size);
        differ |= key ^ first;
        in_order = in_order && key >= prev;
        prev = key;
    }
    if (in_order)
        return 0;
    unsigned char *to = malloc(n * size);
    size_t *count = malloc(DIGITS * sizeof *count);
    if (!to || !count) {
        free(to);
        free(count);
        return -1;
    }
    for (unsigned shift = 0; shift < 64; shift += DIGIT_BITS) {
        if (((differ >> shift) & (DIGITS - 1)) == 0)
            continue;
        memset(count, 0, DIGITS * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(key_of(from + i * size) >> shift) & (DIGITS - 1)]++;
        size_t sum = 0;
        for (size_t d = 0; d < DIGITS; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            const unsigned char *r = from + i * size;
            memcpy(to + count[(key_of(r) >> shift) & (DIGITS - 1)]++ * size, r, size);
        }
        unsigned char *swap = from;
        from = to;
        to = swap;
    }
    if (from != records) { /* an odd number of passes: the result is in the copy */
        memcpy(records, from, n * size);
        to = from;
    }
    free(to);
    free(count);
    return 0;
}

size_t gmv_count_keys_at_most(const void *records, size_t n, size_t size, uint64_t key)
{
    const unsigned char *r = records;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_of(r + mid * size) <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t gmv_count_keys_below(const void *records, size_t n, size_t size, uint64_t key)
{
    return key ? gmv_count_keys_at_most(records, n, size, key - 1) : 0;
}

const void *gmv_find_key(const void *records, size_t n, size_t size, uint64_t key)
{
    size_t at = gmv_count_keys_below(records, n, size, key);
    const unsigned char *r = (const unsigned char *)records + at * size;
    return at < n && key_of(r) == key ? r : NULL;
}
