/* Snapshot tests: capture from fake memory, file round trip, hostile files,
 * nil maps, the writer-flag retry, deterministic JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gomapviz/render.h"
#include "gomapviz/snapshot.h"
#include "support/fake_memory.h"

#define VAR 0x50000u
#define HMAP 0x100000u
#define ARRAY 0x200000u
#define TEXT 0x600000u

typedef struct fixture {
    fake_memory *mem;
    gmv_layout layout;
    char path[64];
} fixture;

/* A map[string]int64 with B=1, 5 entries, one in an overflow bucket. */
static void write_sample_map(fixture *f)
{
    f->layout = fake_layout_string_int();
    const gmv_layout *l = &f->layout;
    fake_memory_map(f->mem, VAR, 8);
    fake_memory_put(f->mem, VAR, HMAP, 8);
    fake_memory_map(f->mem, HMAP, 48);
    fake_memory_map(f->mem, ARRAY, 3 * l->bucket_size);
    const char *words[] = {"alpha", "<script>\"]]>", "\xff\xfe", "", "delta"};
    uint8_t *text = fake_memory_map(f->mem, TEXT, 64);
    uint64_t at = TEXT;
    for (int i = 0; i < 5; i++) {
        size_t len = strlen(words[i]);
        memcpy(text + (at - TEXT), words[i], len);
        uint64_t header[2] = {at, len};
        int64_t value = i * 100 - 1;
        uint64_t bucket = i == 4 ? ARRAY + 2 * l->bucket_size : ARRAY + (uint64_t)(i % 2) * l->bucket_size;
        fake_write_cell(f->mem, l, bucket, i == 4 ? 0 : i / 2, (uint8_t)(0x80 + i), header, &value);
        at += len;
    }
    for (int i = 2; i < 8; i++) /* bucket 0 goes on into an overflow bucket */
        fake_write_cell(f->mem, l, ARRAY, i, 1, NULL, NULL);
    fake_write_overflow(f->mem, l, ARRAY, ARRAY + 2 * l->bucket_size);
    fake_write_hmap(f->mem, l, HMAP, &(fake_hmap){.count = 5, .B = 1, .hash0 = 42, .buckets = ARRAY, .flags = 1});
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->mem = fake_memory_new();
    snprintf(f->path, sizeof f->path, "/tmp/gmv-test-%d.gmvs", (int)getpid());
    write_sample_map(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    fake_memory_free(f->mem);
    free(f);
    return 0;
}

/* The request every capture of the sample map makes. */
static gmv_capture_request sample_request(fixture *f, uint64_t var)
{
    gmv_capture_request req = {.layout = &f->layout, .variable_address = var};
    snprintf(req.origin.kind, sizeof req.origin.kind, "custom");
    snprintf(req.origin.variable, sizeof req.origin.variable, "main.sample");
    req.origin.captured_at = 1700000000;
    return req;
}

static gmv_snapshot *capture(fixture *f, uint64_t var)
{
    gmv_source *src = fake_memory_source(f->mem);
    gmv_capture_request req = sample_request(f, var);
    gmv_snapshot *snap = NULL;
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, false), 0);
    gmv_source_free(src);
    return snap;
}

/* Renders a model's JSON into a malloc'd string. */
static char *render(const gmv_model *m, const gmv_origin *o, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    assert_int_equal(gmv_render_json(out, m, o), 0);
    fclose(out);
    return text;
}

static void snapshot_round_trip_gives_the_same_model(void **state)
{
    fixture *f = *state;
    gmv_snapshot *snap = capture(f, VAR);
    assert_int_equal(gmv_snapshot_write_file(snap, f->path), 0);
    gmv_snapshot *back = NULL;
    assert_int_equal(gmv_snapshot_read_file(&back, f->path), 0);
    assert_int_equal(gmv_snapshot_hmap_address(back), HMAP);
    assert_string_equal(gmv_snapshot_origin(back)->variable, "main.sample");
    assert_memory_equal(gmv_snapshot_layout(back), &f->layout, sizeof f->layout);

    gmv_source *live = fake_memory_source(f->mem);
    gmv_model *direct = NULL, *replayed = NULL;
    assert_int_equal(gmv_model_build(&direct, live, &f->layout, HMAP, NULL), 0);
    assert_int_equal(gmv_snapshot_build_model(&replayed, back, NULL), 0);
    size_t n1, n2;
    char *a = render(direct, NULL, &n1), *b = render(replayed, NULL, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(b);
    b = render(replayed, NULL, &n2); /* deterministic: twice the same */
    assert_memory_equal(a, b, n1);

    json_error_t err;
    json_t *root = json_loads(a, 0, &err);
    assert_non_null(root);
    json_t *entries = json_object_get(root, "entries"); /* bucket 0, its overflow, bucket 1 */
    assert_int_equal(json_array_size(entries), 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(entries, 3), "key")), "<script>\"]]>");
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(entries, 1), "key"), "hex")),
                        "fffe");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "map"), "hash0")), 42);
    json_decref(root);
    free(a);
    free(b);
    gmv_model_free(direct);
    gmv_model_free(replayed);
    gmv_source_free(live);
    gmv_snapshot_free(back);
    gmv_snapshot_free(snap);
}

/* Reads the file at `path` into memory. */
static uint8_t *load(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *len = (size_t)ftell(fp);
    rewind(fp);
    uint8_t *data = malloc(*len);
    assert_int_equal(fread(data, 1, *len, fp), *len);
    fclose(fp);
    return data;
}

static void every_truncation_and_bit_flip_is_rejected(void **state)
{
    fixture *f = *state;
    gmv_snapshot *snap = capture(f, VAR);
    assert_int_equal(gmv_snapshot_write_file(snap, f->path), 0);
    gmv_snapshot_free(snap);
    size_t len;
    uint8_t *data = load(f->path, &len);
    for (size_t cut = 0; cut < len; cut++) {
        gmv_snapshot *s = NULL;
        assert_int_equal(gmv_snapshot_parse(&s, data, cut), GMV_ERR_FORMAT);
        assert_null(s);
    }
    for (size_t i = 0; i < len; i += 7) {
        data[i] ^= 0x40;
        gmv_snapshot *s = NULL;
        assert_int_equal(gmv_snapshot_parse(&s, data, len), GMV_ERR_FORMAT);
        data[i] ^= 0x40;
    }
    free(data);
}

/* Recomputes the trailing CRC so structural checks are reached. */
static void reseal(uint8_t *data, size_t len)
{
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)(len - 4));
    for (int i = 0; i < 4; i++)
        data[len - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
}

static void lengths_are_checked_even_with_a_good_checksum(void **state)
{
    fixture *f = *state;
    gmv_snapshot *snap = capture(f, VAR);
    assert_int_equal(gmv_snapshot_write_file(snap, f->path), 0);
    gmv_snapshot_free(snap);
    size_t len;
    uint8_t *data = load(f->path, &len);
    /* Section 0 (META) length at offset 24: claim more than the file holds. */
    uint8_t saved[8];
    memcpy(saved, data + 24, 8);
    memset(data + 24, 0xff, 8);
    reseal(data, len);
    gmv_snapshot *s = NULL;
    assert_int_equal(gmv_snapshot_parse(&s, data, len), GMV_ERR_FORMAT);
    assert_non_null(strstr(gmv_error_last(), "more than the file holds"));
    memcpy(data + 24, saved, 8);
    /* Section count absurd. */
    data[12] = 200;
    reseal(data, len);
    assert_int_equal(gmv_snapshot_parse(&s, data, len), GMV_ERR_FORMAT);
    data[12] = 2;
    /* Version from the future. */
    data[8] = 9;
    reseal(data, len);
    assert_int_equal(gmv_snapshot_parse(&s, data, len), GMV_ERR_FORMAT);
    assert_non_null(strstr(gmv_error_last(), "version 9"));
    data[8] = 2; /* back to the version written: loads again */
    reseal(data, len);
    assert_int_equal(gmv_snapshot_parse(&s, data, len), 0);
    gmv_snapshot_free(s);
    free(data);
}

static void nil_map_needs_allow_nil(void **state)
{
    fixture *f = *state;
    fake_memory_put(f->mem, VAR, 0, 8);
    gmv_source *src = fake_memory_source(f->mem);
    gmv_capture_request req = {.layout = &f->layout, .variable_address = VAR};
    snprintf(req.origin.variable, sizeof req.origin.variable, "main.none");
    gmv_snapshot *snap = NULL;
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, false), GMV_ERR_NIL_MAP);
    assert_non_null(strstr(gmv_error_last(), "main.none is a nil map"));
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, true), 0);
    assert_int_equal(gmv_snapshot_hmap_address(snap), 0);
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    assert_true(gmv_model_header(m)->nil);
    gmv_model_free(m);
    gmv_snapshot_free(snap);
    gmv_source_free(src);
}

/* A source whose map has hashWriting set until it has been thawed `clear_after` times. */
typedef struct busy_target {
    fake_memory *mem;
    int thaws, clear_after, freezes;
} busy_target;

static int64_t busy_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    busy_target *t = ctx;
    gmv_source *inner = fake_memory_source(t->mem);
    int64_t got = gmv_source_read(inner, addr, buf, len);
    gmv_source_free(inner);
    return got;
}

static int busy_freeze(void *ctx)
{
    ((busy_target *)ctx)->freezes++;
    return 0;
}

static int busy_thaw(void *ctx)
{
    busy_target *t = ctx;
    if (++t->thaws == t->clear_after)
        *fake_memory_at(t->mem, HMAP + 8, 1) &= (uint8_t)~4u;
    return 0;
}

static void writer_flag_is_retried_then_reported(void **state)
{
    fixture *f = *state;
    static const gmv_source_ops ops = {.read = busy_read, .freeze = busy_freeze, .thaw = busy_thaw};
    *fake_memory_at(f->mem, HMAP + 8, 1) |= 4;
    busy_target t = {.mem = f->mem, .clear_after = 2};
    gmv_source *src = NULL;
    assert_int_equal(gmv_source_new_custom(&src, &ops, &t), 0);
    gmv_capture_request req = {.layout = &f->layout, .variable_address = VAR};
    gmv_snapshot *snap = NULL;
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, false), 0);
    assert_int_equal(gmv_snapshot_origin(snap)->writer_retries, 2);
    assert_true(gmv_snapshot_origin(snap)->frozen);
    assert_int_equal(t.freezes, t.thaws);
    assert_false(gmv_source_is_frozen(src));
    gmv_snapshot_free(snap);

    *fake_memory_at(f->mem, HMAP + 8, 1) |= 4; /* never clears: read anyway, flagged */
    t.clear_after = -1;
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, false), 0);
    assert_int_equal(gmv_snapshot_origin(snap)->writer_retries, 5);
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(m, &n);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].kind, "writer_active");
    gmv_model_free(m);
    gmv_snapshot_free(snap);
    gmv_source_free(src);
}

static void snapshot_holds_only_what_was_read(void **state)
{
    fixture *f = *state;
    fake_memory_map(f->mem, 0x900000, 4096); /* unrelated memory */
    gmv_snapshot *snap = capture(f, VAR);
    uint64_t expected = 8 + 48 + 3 * f->layout.bucket_size + 5 + 12 + 2 + 5;
    assert_int_equal(gmv_snapshot_byte_count(snap), expected);
    gmv_snapshot_free(snap);
}

/* The JSON of the model of the snapshot file at `path`. */
static char *json_of_file(const char *path, size_t *len)
{
    gmv_snapshot *snap = NULL;
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_read_file(&snap, path), 0);
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    char *text = render(m, gmv_snapshot_origin(snap), len);
    gmv_model_free(m);
    gmv_snapshot_free(snap);
    return text;
}

static void capture_to_file_writes_what_a_capture_in_memory_writes(void **state)
{
    fixture *f = *state;
    gmv_snapshot *snap = capture(f, VAR);
    assert_int_equal(gmv_snapshot_write_file(snap, f->path), 0);
    size_t n1, n2;
    char *kept = json_of_file(f->path, &n1);

    gmv_source *src = fake_memory_source(f->mem);
    gmv_capture_request req = sample_request(f, VAR);
    gmv_capture_summary sum;
    uint64_t bytes = 0;
    assert_int_equal(gmv_snapshot_capture_to_file(f->path, src, &req, false, &sum, &bytes), 0);
    assert_int_equal(bytes, gmv_snapshot_byte_count(snap));
    assert_memory_equal(&sum, gmv_snapshot_capture_summary(snap), sizeof sum);
    char *streamed = json_of_file(f->path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(kept, streamed, n1);
    free(kept);
    free(streamed);
    gmv_source_free(src);
    gmv_snapshot_free(snap);
}

/* True if a file whose name starts with `prefix` is in /tmp. */
static bool temp_file_left(const char *prefix)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s.partial-* >/dev/null 2>&1", prefix);
    return system(cmd) == 0;
}

static void a_failed_capture_to_file_leaves_the_old_file(void **state)
{
    fixture *f = *state;
    FILE *old = fopen(f->path, "w");
    assert_non_null(old);
    fputs("an older snapshot", old);
    fclose(old);
    fake_memory_put(f->mem, VAR, 0, 8); /* nil: fails without allow_nil */
    gmv_source *src = fake_memory_source(f->mem);
    gmv_capture_request req = {.layout = &f->layout, .variable_address = VAR};
    gmv_capture_summary sum;
    uint64_t bytes;
    assert_int_equal(gmv_snapshot_capture_to_file(f->path, src, &req, false, &sum, &bytes), GMV_ERR_NIL_MAP);
    size_t len;
    uint8_t *data = load(f->path, &len);
    assert_int_equal(len, strlen("an older snapshot"));
    assert_memory_equal(data, "an older snapshot", len);
    free(data);
    assert_false(temp_file_left(f->path));
    /* a directory that is not there: the message names the file */
    assert_int_equal(gmv_snapshot_capture_to_file("/nonexistent-dir/x.gmvs", src, &req, true, &sum, &bytes),
                     GMV_ERR_IO);
    assert_non_null(strstr(gmv_error_last(), "cannot create /nonexistent-dir/x.gmvs"));
    gmv_source_free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(snapshot_round_trip_gives_the_same_model, setup, teardown),
        cmocka_unit_test_setup_teardown(every_truncation_and_bit_flip_is_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(lengths_are_checked_even_with_a_good_checksum, setup, teardown),
        cmocka_unit_test_setup_teardown(nil_map_needs_allow_nil, setup, teardown),
        cmocka_unit_test_setup_teardown(writer_flag_is_retried_then_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(snapshot_holds_only_what_was_read, setup, teardown),
        cmocka_unit_test_setup_teardown(capture_to_file_writes_what_a_capture_in_memory_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_capture_to_file_leaves_the_old_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
