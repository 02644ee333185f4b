/* Layout tests: the classic layout against the runtime's numbers, validation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gomapviz/layout.h"

static const gmv_type STRING64 = {.name = "string", .kind = GMV_KIND_STRING, .size = 16};
static const gmv_type STRING32 = {.name = "string", .kind = GMV_KIND_STRING, .size = 8};
static const gmv_type INT64 = {.name = "int", .kind = GMV_KIND_INT, .size = 8};
static const gmv_type INT32 = {.name = "int", .kind = GMV_KIND_INT, .size = 4};
static const gmv_type BIG = {.name = "[200]uint8", .kind = GMV_KIND_OTHER, .size = 200};
static const gmv_type EMPTY = {.name = "struct {}", .kind = GMV_KIND_OTHER, .size = 0};

static void string_int_amd64_matches_the_runtime(void **state)
{
    (void)state;
    gmv_layout l;
    assert_int_equal(gmv_layout_classic(&l, 8, "go1.19.8", "map[string]int", &STRING64, &INT64), 0);
    /* 8 tophash + 8*16 keys + 8*8 values + 8 overflow = 208 (docs: keys@8, values@136, overflow@200) */
    assert_int_equal(l.bucket_size, 208);
    assert_int_equal(l.keys_offset, 8);
    assert_int_equal(l.elems_offset, 136);
    assert_int_equal(l.overflow_offset, 200);
    assert_int_equal(l.hmap.size, 48);
    assert_int_equal(l.hmap.buckets, 16);
    assert_int_equal(l.hmap.extra, 40);
    assert_int_equal(l.hmap.extra_next_overflow, 16);
    assert_int_equal(l.marks.min_top_hash, 5);
    assert_int_equal(gmv_layout_validate(&l), 0);
}

static void string_int_386_matches_the_runtime(void **state)
{
    (void)state;
    gmv_layout l;
    assert_int_equal(gmv_layout_classic(&l, 4, "go1.19.8", "map[string]int", &STRING32, &INT32), 0);
    assert_int_equal(l.bucket_size, 8 + 64 + 32 + 4);
    assert_int_equal(l.overflow_offset, 104);
    assert_int_equal(l.hmap.flags, 4);
    assert_int_equal(l.hmap.hash0, 8);
    assert_int_equal(l.hmap.buckets, 12);
    assert_int_equal(l.hmap.nevacuate, 20);
    assert_int_equal(l.hmap.size, 28);
    assert_int_equal(gmv_layout_validate(&l), 0);
}

static void big_keys_are_indirect_and_empty_values_take_no_room(void **state)
{
    (void)state;
    gmv_layout l;
    assert_int_equal(gmv_layout_classic(&l, 8, "go1.19", NULL, &BIG, &EMPTY), 0);
    assert_true(l.key.indirect);
    assert_int_equal(l.key_slot, 8);
    assert_int_equal(l.elem_slot, 0);
    assert_int_equal(l.elems_offset, 72);
    assert_int_equal(l.overflow_offset, 72);
    assert_int_equal(l.bucket_size, 80);
    assert_int_equal(gmv_layout_validate(&l), 0);
}

static void go111_has_its_own_marks(void **state)
{
    (void)state;
    gmv_layout l;
    assert_int_equal(gmv_layout_classic(&l, 8, "go1.11.2", NULL, &INT64, &INT64), 0);
    assert_false(l.marks.has_empty_rest);
    assert_int_equal(l.marks.min_top_hash, 4);
    assert_int_equal(l.marks.evacuated_empty, 1);
    assert_int_equal(gmv_go_minor_version("go1.11.2"), 11);
    assert_int_equal(gmv_go_minor_version("go1.19"), 19);
    assert_int_equal(gmv_go_minor_version("devel +abc"), -1);
}

static void validation_rejects_broken_layouts(void **state)
{
    (void)state;
    gmv_layout good, l;
    assert_int_equal(gmv_layout_classic(&good, 8, "go1.19", NULL, &STRING64, &INT64), 0);
    l = good;
    l.ptr_size = 5;
    assert_int_equal(gmv_layout_validate(&l), GMV_ERR_FORMAT);
    l = good;
    l.overflow_offset = 100; /* inside the values */
    assert_int_equal(gmv_layout_validate(&l), GMV_ERR_FORMAT);
    l = good;
    l.key.size = 3; /* a string header is two words */
    assert_int_equal(gmv_layout_validate(&l), GMV_ERR_FORMAT);
    l = good;
    l.hmap.buckets = 60; /* outside the 48-byte header */
    assert_int_equal(gmv_layout_validate(&l), GMV_ERR_FORMAT);
    l = good;
    l.marks.min_top_hash = 2;
    assert_int_equal(gmv_layout_validate(&l), GMV_ERR_FORMAT);
    assert_int_equal(gmv_layout_classic(&l, 3, "", NULL, &INT64, &INT64), GMV_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(string_int_amd64_matches_the_runtime),
        cmocka_unit_test(string_int_386_matches_the_runtime),
        cmocka_unit_test(big_keys_are_indirect_and_empty_values_take_no_room),
        cmocka_unit_test(go111_has_its_own_marks),
        cmocka_unit_test(validation_rejects_broken_layouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
