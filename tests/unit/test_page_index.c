/* The page index over address-sorted records: it must answer exactly as a
 * binary search over the same records, for addresses in, between, before
 * and after them, whatever their lengths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/page_index.h"
#include "common/sort.h"
#include "support/test_random.h"

typedef struct range_record {
    uint64_t address, len;
    uint64_t payload; /* records may be larger than the two leading words */
} range_record;

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;
static uint64_t next_random(void)
{
    return test_random_next(&rng_state);
}

/* Checks the index against the binary search at `addr`. */
static void check_at(const gmv_page_index *ix, const range_record *r, size_t n, uint64_t addr)
{
    size_t want = gmv_count_keys_at_most(r, n, sizeof *r, addr);
    size_t got = gmv_page_index_count_at_most(ix, r, n, sizeof *r, addr);
    if (want != got)
        fail_msg("at 0x%llx: index says %zu records, binary search %zu", (unsigned long long)addr, got, want);
}

/* Checks every interesting address around every record, and random ones. */
static void check_all(const gmv_page_index *ix, const range_record *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t a = r[i].address, end = a + r[i].len;
        uint64_t probes[] = {a - 1, a, a + 1, end - 1, end, end + 1, a | 0xfff, (a & ~0xfffULL) + 0x1000,
                             a & ~0xfffULL, (a + r[i].len / 2)};
        for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++)
            check_at(ix, r, n, probes[k]);
    }
    for (int k = 0; k < 20000; k++)
        check_at(ix, r, n, r[0].address + next_random() % (r[n - 1].address - r[0].address + 0x10000));
    check_at(ix, r, n, 0);
    check_at(ix, r, n, UINT64_MAX);
}

/* Go heap-like records: many small strings packed in pages, a few large
 * arrays spanning pages, gaps, and records of length 0. */
static size_t make_heap_like(range_record *r, size_t cap)
{
    uint64_t at = 0xc000010000ULL;
    size_t n = 0;
    while (n < cap) {
        uint64_t kind = next_random() % 100, len;
        if (kind < 80)
            len = 1 + next_random() % 16; /* a short string */
        else if (kind < 83)
            len = 0x1000 * (1 + next_random() % 40) + next_random() % 0x1000; /* a bucket array */
        else if (kind < 85)
            len = 0;
        else
            len = 16 + next_random() % 300;
        r[n] = (range_record){.address = at, .len = len, .payload = n};
        n++;
        at += len + (next_random() % 4 == 0 ? next_random() % 0x20000 : 16 - len % 16);
    }
    return n;
}

static void answers_as_a_binary_search_on_heap_like_ranges(void **state)
{
    (void)state;
    size_t cap = 50000;
    range_record *r = calloc(cap, sizeof *r);
    assert_non_null(r);
    size_t n = make_heap_like(r, cap);
    gmv_page_index ix;
    gmv_page_index_build(&ix, r, n, sizeof *r, 2 * n + 100000);
    assert_non_null(ix.slots); /* built: the checks below test the index, not the fallback */
    check_all(&ix, r, n);
    gmv_page_index_release(&ix);
    assert_null(ix.slots);
    free(r);
}

static void overlapping_and_far_apart_ranges(void **state)
{
    (void)state;
    /* overlapping ranges (sorted by address), a range in page 0, one at the
     * very top of the address space, and one whose length runs past it */
    range_record r[] = {
        {0, 10, 0},
        {0x100, 0x3000, 0},
        {0x200, 0x10, 0},
        {0x2ff0, 0x20, 0},
        {0x400000, 0x1000, 0},
        {0x7fff00000000ULL, 1, 0},
        {UINT64_MAX - 0x1800, 0x100, 0},
        {UINT64_MAX - 0x10, UINT64_MAX, 0},
    };
    size_t n = sizeof r / sizeof r[0];
    gmv_page_index ix;
    gmv_page_index_build(&ix, r, n, sizeof *r, 100);
    assert_non_null(ix.slots);
    check_all(&ix, r, n);
    gmv_page_index_release(&ix);
}

static void too_many_pages_or_nothing_leaves_it_empty_and_still_right(void **state)
{
    (void)state;
    range_record r[] = {{0x1000, 0x100000, 0}, {0x200000, 8, 0}}; /* 257 pages */
    gmv_page_index ix;
    gmv_page_index_build(&ix, r, 2, sizeof *r, 100);
    assert_null(ix.slots);
    check_all(&ix, r, 2);
    gmv_page_index_build(&ix, r, 0, sizeof *r, 100);
    assert_null(ix.slots);
    assert_int_equal(gmv_page_index_count_at_most(&ix, r, 0, sizeof *r, 0x1000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_as_a_binary_search_on_heap_like_ranges),
        cmocka_unit_test(overlapping_and_far_apart_ranges),
        cmocka_unit_test(too_many_pages_or_nothing_leaves_it_empty_and_still_right),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
