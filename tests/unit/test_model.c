/* Model tests on fake memory: healthy maps, grows, and every anomaly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "gomapviz/model.h"
#include "support/fake_memory.h"

#define HMAP 0x100000u
#define ARRAY 0x200000u
#define OLD 0x300000u
#define OVERFLOW 0x400000u

typedef struct fixture {
    fake_memory *mem;
    gmv_source *src;
    gmv_layout layout;
    gmv_model *model;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->mem = fake_memory_new();
    f->src = fake_memory_source(f->mem);
    f->layout = fake_layout_int64();
    fake_memory_map(f->mem, HMAP, 48);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gmv_model_free(f->model);
    gmv_source_free(f->src);
    fake_memory_free(f->mem);
    free(f);
    return 0;
}

/* Maps an array of `n` buckets at `addr`. */
static void map_array(fixture *f, uint64_t addr, uint64_t n)
{
    fake_memory_map(f->mem, addr, (size_t)(n * f->layout.bucket_size));
}

static uint64_t bucket_at(fixture *f, uint64_t array, uint64_t i)
{
    return array + i * f->layout.bucket_size;
}

/* Puts key -> key*10 in a cell. */
static void put_int(fixture *f, uint64_t bucket, int slot, uint8_t top, int64_t key)
{
    int64_t value = key * 10;
    fake_write_cell(f->mem, &f->layout, bucket, slot, top, &key, &value);
}

static void build(fixture *f, const gmv_limits *limits)
{
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, HMAP, limits), 0);
}

/* True if the model has an anomaly of `kind`. */
static bool has_anomaly(const gmv_model *m, const char *kind)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(m, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(a[i].kind, kind) == 0)
            return true;
    }
    return false;
}

static size_t anomaly_count(const gmv_model *m)
{
    size_t n;
    gmv_model_anomalies(m, &n);
    return n;
}

static void healthy_map_lists_every_live_cell_once(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 2);
    fake_memory_map(f->mem, OVERFLOW, f->layout.bucket_size);
    put_int(f, bucket_at(f, ARRAY, 0), 0, 0x80, 1);
    put_int(f, bucket_at(f, ARRAY, 0), 1, 1, 999); /* deleted: emptyOne, not an entry */
    put_int(f, bucket_at(f, ARRAY, 0), 2, 0x91, 2);
    for (int i = 3; i < 8; i++) /* emptyOne: the chain goes on, so no emptyRest here */
        fake_write_cell(f->mem, &f->layout, bucket_at(f, ARRAY, 0), i, 1, NULL, NULL);
    fake_write_overflow(f->mem, &f->layout, bucket_at(f, ARRAY, 0), OVERFLOW);
    put_int(f, OVERFLOW, 0, 0x22 + 5, 3);
    put_int(f, bucket_at(f, ARRAY, 1), 0, 0xff, -4);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 4, .B = 1, .hash0 = 0xabcd, .buckets = ARRAY});
    build(f, NULL);
    size_t n;
    const gmv_entry *e = gmv_model_entries(f->model, &n);
    assert_int_equal(n, 4);
    assert_int_equal(e[0].key.as.i, 1);
    assert_int_equal(e[0].elem.as.i, 10);
    assert_int_equal(e[1].key.as.i, 2);
    assert_int_equal(e[1].slot, 2);
    assert_int_equal(e[2].key.as.i, 3);
    assert_int_equal(e[2].overflow_depth, 1);
    assert_int_equal(e[3].key.as.i, -4);
    assert_int_equal(e[3].bucket, 1);
    assert_int_equal(anomaly_count(f->model), 0);
    const gmv_array *a = gmv_model_buckets(f->model);
    assert_int_equal(a->nchains, 2);
    assert_int_equal(a->chains[0].length, 2);
    assert_int_equal(a->buckets[0].state[1], GMV_CELL_EMPTY_ONE);
    assert_int_equal(a->buckets[0].state[3], GMV_CELL_EMPTY_ONE);
    assert_int_equal(a->buckets[1].state[1], GMV_CELL_EMPTY_REST);
    const gmv_stats *s = gmv_model_stats(f->model);
    assert_int_equal(s->max_chain_length, 2);
    assert_int_equal(s->overflow_buckets, 1);
    assert_int_equal(s->deleted_cells, 6);
    assert_int_equal(s->empty_cells, 6 + 7 + 7);
    assert_int_equal(s->chain_length_histogram[0], 1);
    assert_int_equal(s->chain_length_histogram[1], 1);
    assert_true(s->load_factor == 2.0);
    assert_int_equal(gmv_model_header(f->model)->hash0, 0xabcd);
}

static void overflow_loop_is_an_anomaly_and_ends(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 1);
    fake_memory_map(f->mem, OVERFLOW, f->layout.bucket_size);
    put_int(f, ARRAY, 0, 0x80, 1);
    fake_write_overflow(f->mem, &f->layout, ARRAY, OVERFLOW);
    put_int(f, OVERFLOW, 0, 0x81, 2);
    fake_write_overflow(f->mem, &f->layout, OVERFLOW, OVERFLOW);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 2, .B = 0, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "overflow_loop"));
    assert_true(gmv_model_buckets(f->model)->chains[0].truncated);
    size_t n;
    gmv_model_entries(f->model, &n);
    assert_int_equal(n, 2);
}

static void overflow_back_into_array_is_an_anomaly(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 2);
    fake_write_overflow(f->mem, &f->layout, bucket_at(f, ARRAY, 1), ARRAY);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.B = 1, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "overflow_into_array"));
}

static void unmapped_overflow_and_array_are_anomalies(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 1); /* B = 1 claims 2 buckets: the second is unmapped */
    put_int(f, ARRAY, 0, 0x80, 1);
    fake_write_overflow(f->mem, &f->layout, ARRAY, 0xdead0000);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 1, .B = 1, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "unreadable_bucket"));
    const gmv_array *a = gmv_model_buckets(f->model);
    assert_int_equal(a->nchains, 2);
    assert_false(a->buckets[a->chains[1].first].readable);
}

static void absurd_b_reads_nothing_and_says_so(void **state)
{
    fixture *f = *state;
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 5, .B = 200, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "b_too_large"));
    assert_true(has_anomaly(f->model, "count_mismatch"));
    gmv_model_free(f->model);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 5, .B = 40, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "array_too_large"));
    assert_true(gmv_model_stats(f->model)->bytes_read < 4096);
}

static void count_mismatch_is_reported(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 1);
    put_int(f, ARRAY, 0, 0x80, 1);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 3, .B = 0, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "count_mismatch"));
}

/* A doubling grow from B=1 to B=2: old bucket 0 evacuated, old bucket 1 not. */
static void setup_doubling_grow(fixture *f, uint64_t nevacuate)
{
    map_array(f, ARRAY, 4);
    map_array(f, OLD, 2);
    put_int(f, bucket_at(f, ARRAY, 0), 0, 0x80, 10); /* evacuated to X */
    put_int(f, bucket_at(f, ARRAY, 2), 0, 0x90, 12); /* evacuated to Y */
    fake_write_cell(f->mem, &f->layout, bucket_at(f, OLD, 0), 0, 2, NULL, NULL);
    fake_write_cell(f->mem, &f->layout, bucket_at(f, OLD, 0), 1, 3, NULL, NULL);
    for (int i = 2; i < 8; i++)
        fake_write_cell(f->mem, &f->layout, bucket_at(f, OLD, 0), i, 4, NULL, NULL);
    put_int(f, bucket_at(f, OLD, 1), 0, 0x70, 11);
    put_int(f, bucket_at(f, OLD, 1), 1, 0x71, 13);
    fake_write_hmap(f->mem, &f->layout, HMAP,
                    &(fake_hmap){.count = 4, .B = 2, .buckets = ARRAY, .oldbuckets = OLD, .nevacuate = nevacuate});
}

static void doubling_grow_lists_old_and_new_entries(void **state)
{
    fixture *f = *state;
    setup_doubling_grow(f, 1);
    build(f, NULL);
    assert_int_equal(anomaly_count(f->model), 0);
    size_t n;
    const gmv_entry *e = gmv_model_entries(f->model, &n);
    assert_int_equal(n, 4);
    int old = 0;
    for (size_t i = 0; i < n; i++)
        old += e[i].old;
    assert_int_equal(old, 2);
    const gmv_array *oa = gmv_model_oldbuckets(f->model);
    assert_non_null(oa);
    assert_int_equal(oa->nbuckets, 2);
    assert_true(oa->chains[0].evacuated);
    assert_false(oa->chains[1].evacuated);
    assert_int_equal(oa->buckets[0].state[0], GMV_CELL_EVACUATED_X);
    assert_int_equal(oa->buckets[0].state[1], GMV_CELL_EVACUATED_Y);
    assert_int_equal(oa->buckets[0].state[2], GMV_CELL_EVACUATED_EMPTY);
    assert_int_equal(gmv_model_stats(f->model)->evacuated_old_buckets, 1);
    assert_true(gmv_model_header(f->model)->growing);
}

static void unevacuated_below_nevacuate_is_an_anomaly(void **state)
{
    fixture *f = *state;
    setup_doubling_grow(f, 2);
    build(f, NULL);
    assert_true(has_anomaly(f->model, "nevacuate_out_of_range"));
    assert_true(has_anomaly(f->model, "unevacuated_below_nevacuate"));
}

static void mixed_marks_are_an_anomaly(void **state)
{
    fixture *f = *state;
    setup_doubling_grow(f, 1);
    put_int(f, bucket_at(f, OLD, 0), 5, 0x99, 77); /* live cell in an evacuated bucket */
    build(f, NULL);
    assert_true(has_anomaly(f->model, "mixed_evacuation_marks"));
}

static void same_size_grow_uses_the_full_old_size(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 2);
    map_array(f, OLD, 2);
    put_int(f, bucket_at(f, OLD, 0), 0, 0x80, 1);
    put_int(f, bucket_at(f, OLD, 1), 0, 0x81, 2); /* the half-size assumption would lose this */
    fake_write_hmap(f->mem, &f->layout, HMAP,
                    &(fake_hmap){.count = 2, .B = 1, .flags = 8, .buckets = ARRAY, .oldbuckets = OLD});
    build(f, NULL);
    assert_int_equal(anomaly_count(f->model), 0);
    assert_int_equal(gmv_model_oldbuckets(f->model)->nbuckets, 2);
    size_t n;
    gmv_model_entries(f->model, &n);
    assert_int_equal(n, 2);
    assert_true(gmv_model_header(f->model)->same_size_grow);
}

static void same_size_flag_without_grow_is_an_anomaly(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 1);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.B = 0, .flags = 8, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "same_size_flag_without_grow"));
}

static void evacuation_marks_in_new_array_are_an_anomaly(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 1);
    fake_write_cell(f->mem, &f->layout, ARRAY, 0, 2, NULL, NULL);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.B = 0, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "evacuation_mark_in_new_array"));
}

static void live_cell_after_empty_rest_is_an_anomaly(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 1);
    put_int(f, ARRAY, 3, 0x80, 1); /* slots 0-2 are emptyRest (0) */
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 1, .B = 0, .buckets = ARRAY});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "live_after_empty_rest"));
}

static void spare_overflow_buckets_end_at_the_marker(void **state)
{
    fixture *f = *state;
    uint64_t extra = 0x500000;
    map_array(f, ARRAY, 16 + 2);
    fake_memory_map(f->mem, extra, 24);
    fake_write_overflow(f->mem, &f->layout, bucket_at(f, ARRAY, 17), ARRAY); /* the end marker */
    fake_memory_put(f->mem, extra + 16, bucket_at(f, ARRAY, 16), 8);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.B = 4, .buckets = ARRAY, .extra = extra});
    build(f, NULL);
    size_t n;
    const uint64_t *spares = gmv_model_spare_overflow(f->model, &n);
    assert_int_equal(n, 2);
    assert_int_equal(spares[0], bucket_at(f, ARRAY, 16));
    assert_int_equal(spares[1], bucket_at(f, ARRAY, 17));
    assert_int_equal(anomaly_count(f->model), 0);
}

static void corrupt_spare_is_an_anomaly(void **state)
{
    fixture *f = *state;
    uint64_t extra = 0x500000;
    map_array(f, ARRAY, 17);
    fake_memory_map(f->mem, extra, 24);
    fake_write_overflow(f->mem, &f->layout, bucket_at(f, ARRAY, 16), 0x1234);
    fake_memory_put(f->mem, extra + 16, bucket_at(f, ARRAY, 16), 8);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.B = 4, .buckets = ARRAY, .extra = extra});
    build(f, NULL);
    assert_true(has_anomaly(f->model, "spare_overflow_corrupt"));
}

static void string_keys_are_read_and_bad_pointers_flagged(void **state)
{
    fixture *f = *state;
    f->layout = fake_layout_string_int();
    uint64_t text = 0x600000;
    memcpy(fake_memory_map(f->mem, text, 5), "hello", 5);
    map_array(f, ARRAY, 1);
    uint64_t good[2] = {text, 5}, bad[2] = {0xbad000, 3};
    int64_t v = 7;
    fake_write_cell(f->mem, &f->layout, ARRAY, 0, 0x80, good, &v);
    fake_write_cell(f->mem, &f->layout, ARRAY, 1, 0x81, bad, &v);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 2, .B = 0, .buckets = ARRAY});
    build(f, NULL);
    size_t n;
    const gmv_entry *e = gmv_model_entries(f->model, &n);
    assert_int_equal(n, 2);
    assert_int_equal(e[0].key.len, 5);
    assert_memory_equal(e[0].key.bytes, "hello", 5);
    assert_true(e[0].key.readable);
    assert_false(e[1].key.readable);
    assert_true(has_anomaly(f->model, "unreadable_entry"));
}

static void long_strings_are_cut_at_the_limit(void **state)
{
    fixture *f = *state;
    f->layout = fake_layout_string_int();
    uint64_t text = 0x600000;
    memset(fake_memory_map(f->mem, text, 100), 'x', 100);
    map_array(f, ARRAY, 1);
    uint64_t s[2] = {text, 100};
    fake_write_cell(f->mem, &f->layout, ARRAY, 0, 0x80, s, NULL);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 1, .B = 0, .buckets = ARRAY});
    build(f, &(gmv_limits){.max_string = 10});
    size_t n;
    const gmv_entry *e = gmv_model_entries(f->model, &n);
    assert_true(e[0].key.truncated);
    assert_int_equal(e[0].key.len, 10);
    assert_int_equal(e[0].key.full_len, 100);
}

static void limits_bound_the_walk(void **state)
{
    fixture *f = *state;
    map_array(f, ARRAY, 1);
    uint64_t prev = ARRAY;
    for (int i = 0; i < 100; i++) { /* a chain of 100 overflow buckets */
        uint64_t b = OVERFLOW + (uint64_t)i * 0x1000;
        fake_memory_map(f->mem, b, f->layout.bucket_size);
        fake_write_overflow(f->mem, &f->layout, prev, b);
        prev = b;
    }
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.B = 0, .buckets = ARRAY});
    build(f, &(gmv_limits){.max_buckets = 10});
    assert_true(has_anomaly(f->model, "bucket_limit_reached"));
    assert_true(gmv_model_buckets(f->model)->nbucket_records <= 10);
    gmv_model_free(f->model);
    build(f, &(gmv_limits){.max_bytes = 2000});
    assert_true(has_anomaly(f->model, "byte_limit_reached"));
    assert_true(gmv_model_stats(f->model)->bytes_read <= 2000);
}

static void nil_map_and_unreadable_header(void **state)
{
    fixture *f = *state;
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, 0, NULL), 0);
    assert_true(gmv_model_header(f->model)->nil);
    gmv_model_free(f->model);
    f->model = NULL;
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, 0x77770000, NULL), GMV_ERR_IO);
    assert_null(f->model);
    assert_non_null(strstr(gmv_error_last(), "0x77770000"));
}

static void go111_marks_classify_old_buckets(void **state)
{
    fixture *f = *state;
    gmv_type k = {.name = "int64", .kind = GMV_KIND_INT, .size = 8};
    assert_int_equal(gmv_layout_classic(&f->layout, 8, "go1.11.13", "map[int64]int64", &k, &k), 0);
    map_array(f, ARRAY, 2);
    map_array(f, OLD, 1);
    fake_write_cell(f->mem, &f->layout, bucket_at(f, OLD, 0), 0, 1, NULL, NULL); /* 1.11 evacuatedEmpty */
    put_int(f, bucket_at(f, ARRAY, 1), 0, 4, 5); /* 1.11 minTopHash = 4: live */
    fake_write_hmap(f->mem, &f->layout, HMAP,
                    &(fake_hmap){.count = 1, .B = 1, .buckets = ARRAY, .oldbuckets = OLD, .nevacuate = 0});
    build(f, NULL);
    const gmv_array *oa = gmv_model_oldbuckets(f->model);
    assert_true(oa->chains[0].evacuated);
    assert_int_equal(oa->buckets[0].state[0], GMV_CELL_EVACUATED_EMPTY);
    assert_int_equal(oa->buckets[0].state[1], GMV_CELL_EMPTY_ONE);
    size_t n;
    gmv_model_entries(f->model, &n);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(healthy_map_lists_every_live_cell_once, setup, teardown),
        cmocka_unit_test_setup_teardown(overflow_loop_is_an_anomaly_and_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(overflow_back_into_array_is_an_anomaly, setup, teardown),
        cmocka_unit_test_setup_teardown(unmapped_overflow_and_array_are_anomalies, setup, teardown),
        cmocka_unit_test_setup_teardown(absurd_b_reads_nothing_and_says_so, setup, teardown),
        cmocka_unit_test_setup_teardown(count_mismatch_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(doubling_grow_lists_old_and_new_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(unevacuated_below_nevacuate_is_an_anomaly, setup, teardown),
        cmocka_unit_test_setup_teardown(mixed_marks_are_an_anomaly, setup, teardown),
        cmocka_unit_test_setup_teardown(same_size_grow_uses_the_full_old_size, setup, teardown),
        cmocka_unit_test_setup_teardown(same_size_flag_without_grow_is_an_anomaly, setup, teardown),
        cmocka_unit_test_setup_teardown(evacuation_marks_in_new_array_are_an_anomaly, setup, teardown),
        cmocka_unit_test_setup_teardown(live_cell_after_empty_rest_is_an_anomaly, setup, teardown),
        cmocka_unit_test_setup_teardown(spare_overflow_buckets_end_at_the_marker, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_spare_is_an_anomaly, setup, teardown),
        cmocka_unit_test_setup_teardown(string_keys_are_read_and_bad_pointers_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(long_strings_are_cut_at_the_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(limits_bound_the_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(nil_map_and_unreadable_header, setup, teardown),
        cmocka_unit_test_setup_teardown(go111_marks_classify_old_buckets, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
