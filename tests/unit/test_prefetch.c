/* The radix sort and the prefetch store behind a live process's batched reads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "source/prefetch.h"
#include "support/test_random.h"

typedef struct keyed {
    uint64_t key;
    uint64_t order; /* position before sorting */
} keyed;

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t next_random(void)
{
    return test_random_next(&rng_state);
}

/* Checks sorted by key and, among equal keys, in their first order. */
static void check_sorted_stable(const keyed *k, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        assert_true(k[i - 1].key <= k[i].key);
        if (k[i - 1].key == k[i].key)
            assert_true(k[i - 1].order < k[i].order);
    }
}

static void sort_orders_by_key_and_keeps_ties_in_order(void **state)
{
    (void)state;
    size_t n = 200000;
    keyed *k = malloc(n * sizeof *k);
    assert_non_null(k);
    /* Go heap-like addresses: high bits shared, and many repeats. */
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){.key = 0xc000000000u + (next_random() % 50000) * 16, .order = i};
    assert_int_equal(gmv_sort_by_u64_key(k, n, sizeof *k), 0);
    check_sorted_stable(k, n);
    /* Keys that differ in every digit, including the top one. */
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){.key = next_random() | (i & 1 ? UINT64_C(1) << 63 : 0), .order = i};
    assert_int_equal(gmv_sort_by_u64_key(k, n, sizeof *k), 0);
    check_sorted_stable(k, n);
    /* All equal, and already sorted: nothing moves. */
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){.key = 42, .order = i};
    assert_int_equal(gmv_sort_by_u64_key(k, n, sizeof *k), 0);
    check_sorted_stable(k, n);
    free(k);
    keyed one = {.key = 7};
    assert_int_equal(gmv_sort_by_u64_key(&one, 1, sizeof one), 0);
    assert_int_equal(gmv_sort_by_u64_key(NULL, 0, sizeof one), 0);
}

static void search_counts_keys_at_most(void **state)
{
    (void)state;
    keyed k[] = {{10, 0}, {20, 1}, {20, 2}, {30, 3}};
    assert_int_equal(gmv_count_keys_at_most(k, 4, sizeof k[0], 9), 0);
    assert_int_equal(gmv_count_keys_at_most(k, 4, sizeof k[0], 10), 1);
    assert_int_equal(gmv_count_keys_at_most(k, 4, sizeof k[0], 20), 3);
    assert_int_equal(gmv_count_keys_at_most(k, 4, sizeof k[0], 29), 3);
    assert_int_equal(gmv_count_keys_at_most(k, 4, sizeof k[0], UINT64_MAX), 4);
    assert_int_equal(gmv_count_keys_at_most(k, 0, sizeof k[0], 10), 0);
}

static void plan_sorts_merges_and_keeps_to_the_budget(void **state)
{
    (void)state;
    gmv_prefetched f = {0};
    gmv_piece wanted[] = {
        {0x5000, 16},  {0x1000, 32}, {0x1010, 32}, /* overlapping: one piece 0x1000..0x1030 */
        {0x1030, 8},                                /* touching: joins it */
        {0x1100, 8},                                /* close (within the join gap): joins too */
        {0x9000, 0},                                /* empty: ignored */
        {UINT64_MAX - 4, 16},                       /* wraps: ignored */
        {0x100000, 64},
    };
    assert_int_equal(gmv_prefetched_plan(&f, wanted, 8, 1 << 20), 0);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.pieces[0].address, 0x1000);
    assert_int_equal(f.pieces[0].len, 0x108);
    assert_int_equal(f.pieces[1].address, 0x5000);
    assert_int_equal(f.pieces[2].address, 0x100000);
    assert_int_equal(f.pieces[2].offset, 0x108 + 16);
    assert_int_equal(f.nbytes, 0x108 + 16 + 64);
    for (size_t i = 0; i < f.n; i++)
        assert_false(f.pieces[i].readable);
    /* A budget of 0x120 bytes takes the first two only. */
    gmv_piece again[] = {{0x100000, 64}, {0x5000, 16}, {0x1000, 0x108}};
    assert_int_equal(gmv_prefetched_plan(&f, again, 3, 0x120), 0);
    assert_int_equal(f.n, 2);
    gmv_prefetched_release(&f);
}

static void mark_makes_progress_and_copy_serves_only_whole_pieces(void **state)
{
    (void)state;
    gmv_prefetched f = {0};
    gmv_piece wanted[] = {{0x10000, 100}, {0x20000, 100}, {0x30000, 100}, {0x40000, 100}};
    assert_int_equal(gmv_prefetched_plan(&f, wanted, 4, 1 << 20), 0);
    for (size_t i = 0; i < f.nbytes; i++)
        f.bytes[i] = (uint8_t)i;
    /* A call that read the first piece and half of the second. */
    assert_int_equal(gmv_prefetched_mark(&f, 0, 4, 150), 2);
    assert_true(f.pieces[0].readable);
    assert_false(f.pieces[1].readable);
    /* A call whose first piece failed: skipped, so the next call goes on. */
    assert_int_equal(gmv_prefetched_mark(&f, 2, 2, 0), 3);
    assert_false(f.pieces[2].readable);
    /* A call that stopped exactly at a piece boundary: retried from there. */
    assert_int_equal(gmv_prefetched_mark(&f, 3, 1, 100), 4);
    assert_true(f.pieces[3].readable);

    uint8_t buf[100];
    assert_true(gmv_prefetched_copy(&f, 0x10000 + 10, buf, 90));
    assert_int_equal(buf[0], 10);
    assert_int_equal(buf[89], 99);
    assert_false(gmv_prefetched_copy(&f, 0x10000 + 10, buf, 91)); /* runs past the piece */
    assert_false(gmv_prefetched_copy(&f, 0x20000, buf, 1));       /* read in part: not served */
    assert_false(gmv_prefetched_copy(&f, 0x30000, buf, 1));       /* unreadable */
    assert_false(gmv_prefetched_copy(&f, 0x0fff0, buf, 1));       /* before every piece */
    assert_true(gmv_prefetched_copy(&f, 0x40000 + 99, buf, 1));
    assert_int_equal(buf[0], (uint8_t)(300 + 99));
    gmv_prefetched_clear(&f);
    assert_false(gmv_prefetched_copy(&f, 0x10000, buf, 1));
    gmv_prefetched_release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sort_orders_by_key_and_keeps_ties_in_order),
        cmocka_unit_test(search_counts_keys_at_most),
        cmocka_unit_test(plan_sorts_merges_and_keeps_to_the_budget),
        cmocka_unit_test(mark_makes_progress_and_copy_serves_only_whole_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
