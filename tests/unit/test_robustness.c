/* Robustness regressions: one test per bug the fuzz harnesses (tests/fuzz,
 * docs/fuzzing.md) or the mutation test found, on fake memory, so each stays
 * fixed in every build, with or without sanitizers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gomapviz/render.h"
#include "gomapviz/snapshot.h"
#include "support/fake_memory.h"

#define HMAP 0x100000u
#define EXTRA 0x180000u
#define ARRAY 0x200000u
#define TEXT 0x600000u

typedef struct fixture {
    fake_memory *mem;
    gmv_source *src;
    gmv_layout layout;
    gmv_model *model;
    char path[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->mem = fake_memory_new();
    f->src = fake_memory_source(f->mem);
    f->layout = fake_layout_int64();
    fake_memory_map(f->mem, HMAP, 48);
    snprintf(f->path, sizeof f->path, "/tmp/gmv-robust-%d.gmvs", (int)getpid());
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    gmv_model_free(f->model);
    gmv_source_free(f->src);
    fake_memory_free(f->mem);
    free(f);
    return 0;
}

static const gmv_anomaly *find_anomaly(const gmv_model *m, const char *kind, const char *text)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(m, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(a[i].kind, kind) == 0 && (!text || strstr(a[i].message, text)))
            return &a[i];
    }
    return NULL;
}

/* Renders into a malloc'd, terminated string. */
static char *render(const gmv_model *m, bool dot)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_int_equal(dot ? gmv_render_graph(out, m, NULL, NULL, GMV_GRAPH_DOT) : gmv_render_json(out, m, NULL), 0);
    assert_int_equal(fclose(out), 0);
    return text;
}

/* fuzz_snapshot: a layout may put the mapextra fields anywhere up to offset
 * 64 (gmv_layout_validate allows it); the header reader read only 3 pointers
 * of mapextra into a 24-byte buffer, then loaded fields past its end. */
static void mapextra_fields_past_three_pointers_are_read(void **state)
{
    fixture *f = *state;
    f->layout.hmap.extra_overflow = 40;
    f->layout.hmap.extra_oldoverflow = 48;
    f->layout.hmap.extra_next_overflow = 64;
    assert_int_equal(gmv_layout_validate(&f->layout), 0);
    fake_memory_map(f->mem, EXTRA, 72);
    fake_memory_put(f->mem, EXTRA + 40, 0x1111, 8);
    fake_memory_put(f->mem, EXTRA + 48, 0x2222, 8);
    fake_memory_put(f->mem, EXTRA + 64, 0x3333, 8);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.extra = EXTRA});
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, HMAP, NULL), 0);
    const gmv_header *h = gmv_model_header(f->model);
    assert_int_equal(h->extra_overflow, 0x1111);
    assert_int_equal(h->extra_oldoverflow, 0x2222);
    assert_int_equal(h->next_overflow, 0x3333);
}

/* fuzz_snapshot (a timeout): B = 24 with one readable bucket made a record
 * and an anomaly for each of the 2^24 buckets: seconds and gigabytes from a
 * 3 KB file. Past the readable part, one bucket is recorded and the rest are
 * summed up in one anomaly. */
static void a_huge_unreadable_array_costs_nothing_per_bucket(void **state)
{
    fixture *f = *state;
    fake_memory_map(f->mem, ARRAY, 2 * f->layout.bucket_size);
    int64_t key = 7, value = 70;
    fake_write_cell(f->mem, &f->layout, ARRAY, 0, 0x80, &key, &value);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 1, .B = 24, .buckets = ARRAY});
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, HMAP, NULL), 0);
    const gmv_array *a = gmv_model_buckets(f->model);
    assert_int_equal(a->nbuckets, UINT64_C(1) << 24);
    assert_int_equal(a->nchains, 3);
    assert_int_equal(a->nbucket_records, 3);
    assert_true(a->buckets[0].readable && a->buckets[1].readable && !a->buckets[2].readable);
    assert_non_null(find_anomaly(f->model, "unreadable_bucket", "buckets 3 to 16777215"));
    size_t n;
    gmv_model_anomalies(f->model, &n);
    assert_true(n <= 3);
    assert_int_equal(gmv_model_stats(f->model)->live_entries, 1);
    free(render(f->model, false));
    free(render(f->model, true));
}

/* The same when the byte limit, not the memory, ends an array: here the old
 * array of a doubling grow, after the new one took most of the budget. */
static void an_array_cut_by_the_byte_limit_says_so(void **state)
{
    fixture *f = *state;
    const uint64_t old = ARRAY + 0x100000, bsize = f->layout.bucket_size;
    fake_memory_map(f->mem, ARRAY, 16 * bsize);
    fake_memory_map(f->mem, old, 8 * bsize);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.B = 4, .buckets = ARRAY, .oldbuckets = old});
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, HMAP,
                                     &(gmv_limits){.max_bytes = 48 + 16 * bsize + 3 * bsize}), 0);
    assert_int_equal(gmv_model_buckets(f->model)->nchains, 16);
    assert_int_equal(gmv_model_oldbuckets(f->model)->nchains, 4);
    assert_non_null(find_anomaly(f->model, "byte_limit_reached", NULL));
    const gmv_anomaly *a = find_anomaly(f->model, "unreadable_bucket", "buckets 4 to 7 of the old array");
    assert_non_null(a);
    assert_non_null(strstr(a->message, "the byte limit was reached"));
    assert_true(a->old);
}

/* fuzz_model (UBSan, clang): an empty string has no bytes (NULL); the JSON
 * writer did pointer arithmetic on it. */
static void an_empty_string_key_renders(void **state)
{
    fixture *f = *state;
    f->layout = fake_layout_string_int();
    fake_memory_map(f->mem, ARRAY, f->layout.bucket_size);
    uint64_t empty[2] = {0, 0};
    int64_t value = 1;
    fake_write_cell(f->mem, &f->layout, ARRAY, 0, 0x80, empty, &value);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 1, .B = 0, .buckets = ARRAY});
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, HMAP, NULL), 0);
    char *json = render(f->model, false);
    assert_non_null(strstr(json, "\"key\": \"\""));
    free(json);
    free(render(f->model, true));
}

/* The diagram's summary rows of a 2^61-bucket array: n * row overflowed, so
 * the last rows read "... - 18446744073709551615" and started again at 0. */
static void summary_rows_of_a_huge_array_are_right(void **state)
{
    fixture *f = *state;
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.B = 61, .buckets = ARRAY});
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, HMAP, NULL), 0);
    assert_non_null(find_anomaly(f->model, "array_too_large", NULL));
    char *dot = render(f->model, true);
    assert_non_null(strstr(dot, "2161727821137838080 \xe2\x80\x93 2305843009213693951"));
    assert_null(strstr(dot, "18446744073709551615"));
    free(dot);
}

/* Strings and indirect values longer than 64 KiB are read in growing pieces
 * (so a huge claimed length at unmapped memory allocates little): all of a
 * readable one, and the readable part of a cut one, still arrive. */
static void long_strings_are_read_whole_or_up_to_the_hole(void **state)
{
    fixture *f = *state;
    f->layout = fake_layout_string_int();
    const size_t whole = 300000, cut = 100000;
    uint8_t *text = fake_memory_map(f->mem, TEXT, whole);
    for (size_t i = 0; i < whole; i++)
        text[i] = (uint8_t)('a' + i % 26);
    fake_memory_map(f->mem, ARRAY, f->layout.bucket_size);
    uint64_t k0[2] = {TEXT, whole}, k1[2] = {TEXT + whole - cut, 5 * cut}, k2[2] = {0x7000000000, 1u << 30};
    int64_t v = 0;
    fake_write_cell(f->mem, &f->layout, ARRAY, 0, 0x80, k0, &v);
    fake_write_cell(f->mem, &f->layout, ARRAY, 1, 0x81, k1, &v);
    fake_write_cell(f->mem, &f->layout, ARRAY, 2, 0x82, k2, &v);
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){.count = 3, .B = 0, .buckets = ARRAY});
    gmv_limits limits = {.max_string = UINT64_C(1) << 31};
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, HMAP, &limits), 0);
    size_t n;
    const gmv_entry *e = gmv_model_entries(f->model, &n);
    assert_int_equal(n, 3);
    assert_true(e[0].key.readable);
    assert_int_equal(e[0].key.len, whole);
    assert_memory_equal(e[0].key.bytes, text, whole);
    assert_false(e[1].key.readable);
    assert_int_equal(e[1].key.len, cut);
    assert_memory_equal(e[1].key.bytes, text + whole - cut, cut);
    assert_false(e[2].key.readable);
    assert_int_equal(e[2].key.len, 0);
    assert_int_equal(e[2].key.full_len, 1u << 30);

    /* A capture (which decodes without keeping entries) records the same bytes. */
    gmv_capture_request req = {.layout = &f->layout, .hmap_address = HMAP, .limits = limits};
    snprintf(req.origin.kind, sizeof req.origin.kind, "custom");
    gmv_snapshot *snap = NULL;
    assert_int_equal(gmv_snapshot_capture(&snap, f->src, &req, false), 0);
    gmv_model *replayed = NULL;
    assert_int_equal(gmv_snapshot_build_model(&replayed, snap, &limits), 0);
    const gmv_entry *r = gmv_model_entries(replayed, &n);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].key.len, whole);
    assert_memory_equal(r[0].key.bytes, text, whole);
    assert_int_equal(r[1].key.len, cut);
    gmv_model_free(replayed);
    gmv_snapshot_free(snap);
}

/* fuzz_snapshot: a snapshot whose memory lacks the hmap header parsed, and
 * building its model then failed with GMV_ERR_IO; it is now a format error
 * when the file is read. And a damaged section tag is quoted on one line. */
static void a_snapshot_without_its_header_is_malformed(void **state)
{
    fixture *f = *state;
    fake_write_hmap(f->mem, &f->layout, HMAP, &(fake_hmap){0});
    gmv_capture_request req = {.layout = &f->layout, .hmap_address = HMAP};
    snprintf(req.origin.kind, sizeof req.origin.kind, "custom");
    gmv_snapshot *snap = NULL;
    assert_int_equal(gmv_snapshot_capture(&snap, f->src, &req, false), 0);
    assert_int_equal(gmv_snapshot_write_file(snap, f->path), 0);
    gmv_snapshot_free(snap);

    /* Move the hmap address 0x100000 -> 0x100100 (same length), fix the CRC. */
    FILE *in = fopen(f->path, "rb");
    assert_non_null(in);
    uint8_t buf[8192];
    size_t len = fread(buf, 1, sizeof buf, in);
    fclose(in);
    assert_true(len > 20 && len < sizeof buf);
    char *at = memmem(buf, len, "\"0x100000\"", 10);
    assert_non_null(at);
    memcpy(at, "\"0x100100\"", 10);
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)(len - 4));
    for (int i = 0; i < 4; i++)
        buf[len - 4 + i] = (uint8_t)(crc >> (8 * i));
    assert_int_equal(gmv_snapshot_parse(&snap, buf, len), GMV_ERR_FORMAT);
    assert_null(snap);
    assert_non_null(strstr(gmv_error_last(), "does not hold the map header at 0x100100"));

    /* test_mutations: a bit flip made the MEMR tag "\rEMR", and the error
     * message quoted it raw: every message is now one line. */
    memcpy(at, "\"0x100000\"", 10);
    uint8_t *tag = memmem(buf, len, "MEMR", 4);
    assert_non_null(tag);
    tag[0] = '\r';
    tag[1] = '\n';
    crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)(len - 4));
    for (int i = 0; i < 4; i++)
        buf[len - 4 + i] = (uint8_t)(crc >> (8 * i));
    assert_int_equal(gmv_snapshot_parse(&snap, buf, len), GMV_ERR_FORMAT);
    assert_non_null(strstr(gmv_error_last(), "unknown or repeated section \"??MR\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(mapextra_fields_past_three_pointers_are_read, setup, teardown),
        cmocka_unit_test_setup_teardown(a_huge_unreadable_array_costs_nothing_per_bucket, setup, teardown),
        cmocka_unit_test_setup_teardown(an_array_cut_by_the_byte_limit_says_so, setup, teardown),
        cmocka_unit_test_setup_teardown(an_empty_string_key_renders, setup, teardown),
        cmocka_unit_test_setup_teardown(summary_rows_of_a_huge_array_are_right, setup, teardown),
        cmocka_unit_test_setup_teardown(long_strings_are_read_whole_or_up_to_the_hole, setup, teardown),
        cmocka_unit_test_setup_teardown(a_snapshot_without_its_header_is_malformed, setup, teardown),
    };
    return cmocka_run_group_tests_name("robustness", tests, NULL, NULL);
}
