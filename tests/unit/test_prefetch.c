/* The radix sort, the prefetch store and the block cache behind a live
 * process's batched reads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "source/block_cache.h"
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

#define BLOCK_A ((uint64_t)0xc000 << 8)      /* block numbers: a 32 KiB block each */
#define AT(block, offset) (((block) << GMV_BLOCK_SHIFT) + (offset))

/* Ten pieces in block A (dense), three in block A+2 (sparse), one across
 * the end of block A+4 into A+5, all sorted by address. */
static size_t sample_pieces(gmv_piece *p)
{
    size_t n = 0;
    for (uint64_t i = 0; i < 10; i++)
        p[n++] = (gmv_piece){AT(BLOCK_A, 100 * i), 16};
    for (uint64_t i = 0; i < 3; i++)
        p[n++] = (gmv_piece){AT(BLOCK_A + 2, 100 * i), 16};
    p[n++] = (gmv_piece){AT(BLOCK_A + 4, GMV_BLOCK_SIZE - 8), 16};
    return n;
}

static void cache_picks_dense_blocks_and_drops_their_pieces(void **state)
{
    (void)state;
    gmv_block_cache c = {.max_blocks = 4};
    gmv_piece p[16];
    uint64_t blocks[16];
    size_t n = sample_pieces(p), left = 0;
    assert_int_equal(gmv_block_cache_pick(&c, p, n, blocks, &left), 1);
    assert_int_equal(blocks[0], BLOCK_A);
    assert_int_equal(left, 4); /* the sparse three and the one across blocks, in order */
    assert_int_equal(p[0].address, AT(BLOCK_A + 2, 0));
    assert_int_equal(p[2].address, AT(BLOCK_A + 2, 200));
    assert_int_equal(p[3].address, AT(BLOCK_A + 4, GMV_BLOCK_SIZE - 8));
    /* Picked but not read yet: nothing is served. */
    uint8_t buf[32];
    assert_false(gmv_block_cache_copy(&c, AT(BLOCK_A, 0), buf, 1));
    uint8_t *bytes = gmv_block_cache_take(&c);
    assert_non_null(bytes);
    for (size_t i = 0; i < GMV_BLOCK_SIZE; i++)
        bytes[i] = (uint8_t)(i * 7);
    assert_int_equal(gmv_block_cache_add(&c, BLOCK_A, bytes), 0);
    assert_true(gmv_block_cache_copy(&c, AT(BLOCK_A, 300), buf, 16));
    assert_int_equal(buf[0], (uint8_t)(300 * 7));
    assert_int_equal(buf[15], (uint8_t)(315 * 7));
    assert_true(gmv_block_cache_copy(&c, AT(BLOCK_A, GMV_BLOCK_SIZE - 1), buf, 1));
    assert_false(gmv_block_cache_copy(&c, AT(BLOCK_A, GMV_BLOCK_SIZE - 1), buf, 2)); /* into the next block */
    assert_false(gmv_block_cache_copy(&c, AT(BLOCK_A + 1, 0), buf, 1));
    assert_false(gmv_block_cache_copy(&c, AT(BLOCK_A, 0), buf, 0));
    assert_ptr_equal(gmv_block_cache_where(&c, AT(BLOCK_A, 5)), bytes + 5);
    assert_null(gmv_block_cache_where(&c, AT(BLOCK_A + 2, 5)));
    /* Asked again: block A's pieces are served by the cache, none picked. */
    n = sample_pieces(p);
    assert_int_equal(gmv_block_cache_pick(&c, p, n, blocks, &left), 0);
    assert_int_equal(left, 4);
    gmv_block_cache_clear(&c);
    assert_false(gmv_block_cache_copy(&c, AT(BLOCK_A, 300), buf, 16));
    gmv_block_cache_release(&c);
}

static void cache_keeps_pieces_of_unreadable_blocks_and_stays_in_budget(void **state)
{
    (void)state;
    gmv_block_cache c = {.max_blocks = 1};
    gmv_piece p[32];
    uint64_t blocks[32];
    size_t n = 0, left = 0;
    for (uint64_t b = 0; b < 2; b++)
        for (uint64_t i = 0; i < 8; i++)
            p[n++] = (gmv_piece){AT(BLOCK_A + b, 64 * i), 8};
    /* Room for one block: the first dense one is picked, the second kept as pieces. */
    assert_int_equal(gmv_block_cache_pick(&c, p, n, blocks, &left), 1);
    assert_int_equal(left, 8);
    assert_int_equal(p[0].address, AT(BLOCK_A + 1, 0));
    /* The picked block could not be read: marked so, its pieces kept next time. */
    assert_int_equal(gmv_block_cache_add(&c, BLOCK_A, NULL), 0);
    uint8_t buf[8];
    assert_false(gmv_block_cache_copy(&c, AT(BLOCK_A, 0), buf, 8));
    n = 0;
    for (uint64_t i = 0; i < 8; i++)
        p[n++] = (gmv_piece){AT(BLOCK_A, 64 * i), 8};
    assert_int_equal(gmv_block_cache_pick(&c, p, n, blocks, &left), 0);
    assert_int_equal(left, 8);
    /* The arena holds max_blocks blocks; one given back is handed out again. */
    uint8_t *first = gmv_block_cache_take(&c);
    assert_non_null(first);
    assert_null(gmv_block_cache_take(&c));
    gmv_block_cache_untake(&c, 1);
    assert_ptr_equal(gmv_block_cache_take(&c), first);
    /* A cache with no room picks nothing and removes nothing. */
    gmv_block_cache none = {0};
    assert_int_equal(gmv_block_cache_pick(&none, p, n, blocks, &left), 0);
    assert_int_equal(left, n);
    assert_null(gmv_block_cache_take(&none));
    gmv_block_cache_release(&none);
    gmv_block_cache_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sort_orders_by_key_and_keeps_ties_in_order),
        cmocka_unit_test(cache_picks_dense_blocks_and_drops_their_pieces),
        cmocka_unit_test(cache_keeps_pieces_of_unreadable_blocks_and_stays_in_budget),
        cmocka_unit_test(search_counts_keys_at_most),
        cmocka_unit_test(plan_sorts_merges_and_keeps_to_the_budget),
        cmocka_unit_test(mark_makes_progress_and_copy_serves_only_whole_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
