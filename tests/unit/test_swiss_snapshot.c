/* Swiss-table snapshots: a capture from fake memory (support/fake_swiss.h),
 * its file round trip (the layout exactly, the model as JSON), what it
 * records, the writer retry on Map.writing, and META that must be refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gomapviz/render.h"
#include "gomapviz/snapshot.h"
#include "support/fake_memory.h"
#include "support/fake_swiss.h"

#define VAR 0x50000u
#define MAP 0x100000u
#define DIR 0x200000u
#define TABLES 0x300000u /* table i at TABLES + 0x100 * i */
#define GROUPS 0x400000u /* table i's groups at GROUPS + 0x100000 * i */
#define SMALL 0x700000u
#define TEXT 0x800000u
#define UNMAPPED 0xdead0000u

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct config {
    uint32_t ptr;
    const char *version;
    bool split;
} config;

static const config CONFIGS[] = {
    {8, "go1.26.11", false}, {4, "go1.26.11", false}, {8, "go1.27.4-X:mapsplitgroup", true}, {4, "go1.24.13", true},
    {8, "go1.24.13", false},
};

typedef struct fixture {
    const config *cfg;
    fake_memory *mem;
    gmv_layout layout;
    char path[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->cfg = *state ? *state : &CONFIGS[0];
    f->mem = fake_memory_new();
    f->layout = fake_swiss_layout(f->cfg->ptr, f->cfg->version, f->cfg->split, true);
    snprintf(f->path, sizeof f->path, "/tmp/gmv-swiss-test-%d.gmvs", (int)getpid());
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

/* Puts key `words[n]` (value 100n - 1) in slot `slot` of `group`; the
 * words are laid out one after another from TEXT. */
static const char *const WORDS[] = {"alpha", "<script>\"]]>", "\xff\xfe", "", "delta", "epsilon", "zeta", "eta",
                                    "theta"};

static void put_word(fixture *f, uint64_t group, int slot, uint8_t ctrl, size_t n)
{
    uint64_t at = TEXT;
    for (size_t i = 0; i < n; i++)
        at += strlen(WORDS[i]);
    size_t len = strlen(WORDS[n]);
    memcpy(fake_memory_at(f->mem, TEXT, 256) + (at - TEXT), WORDS[n], len);
    fake_swiss_put_string(f->mem, &f->layout, group, slot, ctrl, at, len, (int64_t)n * 100 - 1);
}

/* A map[string]int64 of four directory entries (globalDepth 2): table 0
 * (localDepth 1, 2 groups) under entries 0-1, table 1 (8 slots) under
 * entry 2, table 2 (4 groups) under entry 3; 7 entries, a tombstone. */
static void write_directory_map(fixture *f)
{
    const gmv_layout *l = &f->layout;
    uint32_t p = l->ptr_size;
    fake_memory_map(f->mem, VAR, p);
    fake_memory_put(f->mem, VAR, MAP, p);
    fake_memory_map(f->mem, TEXT, 256);
    fake_swiss_map_header(f->mem, l, MAP,
                          &(fake_swiss_map){.used = 7, .seed = 0xabcdef, .dir_ptr = DIR, .dir_len = 4,
                                            .global_depth = 2, .global_shift = (uint8_t)(8 * p - 2),
                                            .tombstone_possible = true, .clear_seq = 2});
    const uint64_t dir[4] = {TABLES, TABLES, TABLES + 0x100, TABLES + 0x200};
    fake_swiss_map_directory(f->mem, l, DIR, dir, 4);
    const fake_swiss_table tables[3] = {
        {.used = 3, .capacity = 16, .growth_left = 11, .local_depth = 1, .index = 0, .groups_data = GROUPS,
         .length_mask = 1},
        {.used = 2, .capacity = 8, .growth_left = 4, .local_depth = 2, .index = 2, .groups_data = GROUPS + 0x100000,
         .length_mask = 0},
        {.used = 2, .capacity = 32, .growth_left = 26, .local_depth = 2, .index = 3,
         .groups_data = GROUPS + 0x200000, .length_mask = 3},
    };
    for (int t = 0; t < 3; t++) {
        fake_swiss_map_table(f->mem, l, TABLES + 0x100 * (uint64_t)t, &tables[t]);
        fake_swiss_map_groups(f->mem, l, tables[t].groups_data, tables[t].length_mask + 1);
    }
    put_word(f, GROUPS, 0, 0x11, 0);
    put_word(f, GROUPS, 5, 0x12, 1);
    put_word(f, fake_swiss_group(l, GROUPS, 1), 7, 0x13, 2);
    put_word(f, GROUPS + 0x100000, 1, 0x14, 3);
    put_word(f, GROUPS + 0x100000, 2, 0x7f, 4);
    fake_swiss_put_slot(f->mem, l, GROUPS + 0x100000, 3, FAKE_CTRL_DELETED, NULL, NULL);
    put_word(f, fake_swiss_group(l, GROUPS + 0x200000, 2), 5, 0x00, 5);
    put_word(f, fake_swiss_group(l, GROUPS + 0x200000, 3), 0, 0x16, 6);
}

/* A small map: one group at SMALL with 3 entries. */
static void write_small_map(fixture *f)
{
    const gmv_layout *l = &f->layout;
    uint32_t p = l->ptr_size;
    fake_memory_map(f->mem, VAR, p);
    fake_memory_put(f->mem, VAR, MAP, p);
    fake_memory_map(f->mem, TEXT, 256);
    fake_swiss_map_header(f->mem, l, MAP, &(fake_swiss_map){.used = 3, .seed = 7, .dir_ptr = SMALL});
    fake_swiss_map_groups(f->mem, l, SMALL, 1);
    put_word(f, SMALL, 1, 0x21, 0);
    put_word(f, SMALL, 4, 0x22, 6);
    put_word(f, SMALL, 7, 0x23, 8);
}

/* The request of a capture through `var`, or of the Map at `map`. */
static gmv_capture_request request_at(fixture *f, uint64_t var, uint64_t map)
{
    gmv_capture_request req = {.layout = &f->layout, .variable_address = var, .hmap_address = map};
    snprintf(req.origin.kind, sizeof req.origin.kind, "custom");
    snprintf(req.origin.variable, sizeof req.origin.variable, "main.swiss");
    req.origin.captured_at = 1800000000;
    return req;
}

/* Captures the map whose Map is at `map` (variable_address 0). */
static gmv_snapshot *capture_at(fixture *f, uint64_t var, uint64_t map)
{
    gmv_source *src = fake_memory_source(f->mem);
    gmv_capture_request req = request_at(f, var, map);
    gmv_snapshot *snap = NULL;
    int rc = gmv_snapshot_capture(&snap, src, &req, false);
    if (rc != 0)
        fail_msg("capture: %s", gmv_error_last());
    gmv_source_free(src);
    return snap;
}

/* Captures like capture_at(f, VAR, 0), written to `path` as it reads;
 * returns the model of the file. */
static gmv_model *capture_streamed(fixture *f, const char *path, gmv_snapshot **file)
{
    gmv_source *src = fake_memory_source(f->mem);
    gmv_capture_request req = request_at(f, VAR, 0);
    gmv_capture_summary sum;
    uint64_t bytes;
    if (gmv_snapshot_capture_to_file(path, src, &req, false, &sum, &bytes) != 0)
        fail_msg("capture to a file: %s", gmv_error_last());
    gmv_source_free(src);
    if (gmv_snapshot_read_file(file, path) != 0)
        fail_msg("read back: %s", gmv_error_last());
    assert_int_equal(bytes, gmv_snapshot_byte_count(*file));
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, *file, NULL), 0);
    return m;
}

static char *render_json(const gmv_model *m, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    assert_int_equal(gmv_render_json(out, m, NULL), 0);
    fclose(out);
    return text;
}

/* The layout read back equals the one captured with, member by member. */
static void assert_same_layout(const gmv_layout *got, const gmv_layout *want)
{
    assert_int_equal(got->impl, GMV_IMPL_SWISS);
    assert_string_equal(got->go_version, want->go_version);
    assert_string_equal(got->map_type, want->map_type);
    assert_int_equal(got->ptr_size, want->ptr_size);
    assert_int_equal(got->keys_offset, want->keys_offset);
    assert_int_equal(got->elems_offset, want->elems_offset);
    assert_int_equal(got->key_stride, want->key_stride);
    assert_int_equal(got->elem_stride, want->elem_stride);
    assert_int_equal(got->key_slot, want->key_slot);
    assert_int_equal(got->elem_slot, want->elem_slot);
    assert_int_equal(got->swiss.group_size, want->swiss.group_size);
    assert_int_equal(got->swiss.split_groups, want->swiss.split_groups);
    assert_int_equal(got->swiss.ctrl_offset, want->swiss.ctrl_offset);
    assert_memory_equal(&got->swiss.map, &want->swiss.map, sizeof got->swiss.map);
    assert_memory_equal(&got->swiss.table, &want->swiss.table, sizeof got->swiss.table);
    /* the rest member by member: padding and the bytes after a string's end
     * are not part of the layout (a whole-struct compare failed with clang) */
    const gmv_type *types[2][2] = {{&got->key, &want->key}, {&got->elem, &want->elem}};
    for (int i = 0; i < 2; i++) {
        assert_string_equal(types[i][0]->name, types[i][1]->name);
        assert_int_equal(types[i][0]->kind, types[i][1]->kind);
        assert_int_equal(types[i][0]->size, types[i][1]->size);
        assert_int_equal(types[i][0]->indirect, types[i][1]->indirect);
    }
    assert_int_equal(got->bucket_size, want->bucket_size);
    assert_int_equal(got->overflow_offset, want->overflow_offset);
    assert_memory_equal(&got->hmap, &want->hmap, sizeof got->hmap);
    assert_memory_equal(&got->marks, &want->marks, sizeof got->marks);
}

/* Captures the map at MAP through VAR, writes and reads the file, and
 * checks the layout and the model (live, replayed, lean: the same JSON).
 * Returns the JSON of the model for more checks. */
static json_t *round_trip(fixture *f)
{
    gmv_snapshot *snap = capture_at(f, VAR, 0);
    assert_int_equal(gmv_snapshot_hmap_address(snap), MAP);
    assert_int_equal(gmv_snapshot_write_file(snap, f->path), 0);
    gmv_snapshot *back = NULL;
    if (gmv_snapshot_read_file(&back, f->path) != 0)
        fail_msg("read back: %s", gmv_error_last());
    assert_null(gmv_snapshot_capture_summary(back));
    assert_int_equal(gmv_snapshot_hmap_address(back), MAP);
    assert_string_equal(gmv_snapshot_origin(back)->variable, "main.swiss");
    assert_int_equal(gmv_snapshot_origin(back)->captured_at, 1800000000);
    assert_int_equal(gmv_snapshot_byte_count(back), gmv_snapshot_byte_count(snap));
    assert_same_layout(gmv_snapshot_layout(back), &f->layout);

    gmv_source *live = fake_memory_source(f->mem);
    gmv_model *direct = NULL, *replayed = NULL, *lean = NULL, *from_capture = NULL;
    assert_int_equal(gmv_model_build(&direct, live, &f->layout, MAP, NULL), 0);
    assert_int_equal(gmv_snapshot_build_model(&replayed, back, NULL), 0);
    assert_int_equal(gmv_snapshot_build_lean_model(&lean, back, NULL), 0);
    assert_int_equal(gmv_snapshot_build_model(&from_capture, snap, NULL), 0);
    assert_int_equal(gmv_model_implementation(replayed), GMV_IMPL_SWISS);
    size_t n1, n2, n3, n4;
    char *a = render_json(direct, &n1), *b = render_json(replayed, &n2), *c = render_json(lean, &n3),
         *d = render_json(from_capture, &n4);
    if (n1 != n2 || memcmp(a, b, n1) != 0)
        fail_msg("the model from the file differs from the live one (%zu vs %zu bytes)", n2, n1);
    if (n1 != n3 || memcmp(a, c, n1) != 0)
        fail_msg("the lean model from the file differs from the live one (%zu vs %zu bytes)", n3, n1);
    if (n1 != n4 || memcmp(a, d, n1) != 0)
        fail_msg("the model from the capture differs from the live one (%zu vs %zu bytes)", n4, n1);
    char streamed_path[96];
    snprintf(streamed_path, sizeof streamed_path, "%s.streamed", f->path);
    gmv_snapshot *streamed_file = NULL;
    gmv_model *streamed = capture_streamed(f, streamed_path, &streamed_file);
    size_t n5;
    char *e = render_json(streamed, &n5);
    if (n1 != n5 || memcmp(a, e, n1) != 0)
        fail_msg("the model of a capture written as it reads differs from the live one (%zu vs %zu bytes)", n5, n1);
    assert_int_equal(gmv_snapshot_byte_count(streamed_file), gmv_snapshot_byte_count(snap));
    free(e);
    gmv_model_free(streamed);
    gmv_snapshot_free(streamed_file);
    unlink(streamed_path);

    /* the capture's summary tells what the walk found */
    const gmv_capture_summary *sum = gmv_snapshot_capture_summary(snap);
    assert_non_null(sum);
    assert_int_equal(sum->impl, GMV_IMPL_SWISS);
    assert_int_equal(sum->live_entries, gmv_model_stats(direct)->live_entries);
    assert_int_equal(sum->tables, gmv_model_stats(direct)->swiss.tables);
    assert_int_equal(sum->groups, gmv_model_stats(direct)->swiss.groups);
    size_t na;
    gmv_model_anomalies(direct, &na);
    assert_int_equal(sum->anomalies, na);
    assert_false(sum->nil);

    json_error_t err;
    json_t *root = json_loads(a, 0, &err);
    if (!root)
        fail_msg("the JSON does not parse: %s", err.text);
    free(a);
    free(b);
    free(c);
    free(d);
    gmv_model_free(direct);
    gmv_model_free(replayed);
    gmv_model_free(lean);
    gmv_model_free(from_capture);
    gmv_source_free(live);
    gmv_snapshot_free(back);
    gmv_snapshot_free(snap);
    return root;
}

static void directory_map_round_trip(void **state)
{
    fixture *f = *state;
    write_directory_map(f);
    json_t *root = round_trip(f);
    json_t *map = json_object_get(root, "map");
    assert_string_equal(json_string_value(json_object_get(map, "implementation")), "swiss");
    assert_int_equal(json_integer_value(json_object_get(map, "used")), 7);
    assert_int_equal(json_integer_value(json_object_get(map, "seed")), 0xabcdef);
    assert_int_equal(json_integer_value(json_object_get(map, "dirLen")), 4);
    assert_int_equal(json_object_get(map, "tombstonePossible") != NULL,
                     f->layout.swiss.map.tombstone_possible != GMV_NO_FIELD);
    assert_int_equal(json_array_size(json_object_get(root, "directory")), 4);
    json_t *tables = json_object_get(root, "tables");
    assert_int_equal(json_array_size(tables), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(tables, 1), "deleted")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(tables, 1), "tombstones")), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(tables, 2), "groups")), 4);
    json_t *entries = json_object_get(root, "entries");
    assert_int_equal(json_array_size(entries), 7);
    json_t *e1 = json_array_get(entries, 1);
    assert_string_equal(json_string_value(json_object_get(e1, "key")), "<script>\"]]>");
    assert_int_equal(json_integer_value(json_object_get(e1, "slot")), 5);
    assert_int_equal(json_integer_value(json_object_get(e1, "ctrl")), 0x12);
    json_t *e5 = json_array_get(entries, 5);
    assert_int_equal(json_integer_value(json_object_get(e5, "table")), 2);
    assert_int_equal(json_integer_value(json_object_get(e5, "directory_index")), 3);
    assert_int_equal(json_integer_value(json_object_get(e5, "group")), 2);
    assert_int_equal(json_array_size(json_object_get(root, "anomalies")), 0);
    json_decref(root);
}

static void small_map_round_trip(void **state)
{
    fixture *f = *state;
    write_small_map(f);
    json_t *root = round_trip(f);
    assert_true(json_is_true(json_object_get(json_object_get(root, "map"), "small")));
    assert_true(json_is_object(json_object_get(root, "small_group")));
    json_t *entries = json_object_get(root, "entries");
    assert_int_equal(json_array_size(entries), 3);
    assert_true(json_is_null(json_object_get(json_array_get(entries, 0), "table")));
    json_decref(root);
}

/* What the capture saw unreadable is unreadable in the file too: the same
 * anomalies offline. */
static void anomalies_survive_the_round_trip(void **state)
{
    fixture *f = *state;
    const gmv_layout *l = &f->layout;
    write_directory_map(f);
    /* table 1 unreadable; table 2's last two groups past its mapped memory;
     * a key at unmapped memory */
    fake_swiss_put_dir_entry(f->mem, l, DIR, 2, UNMAPPED);
    fake_swiss_put_table(f->mem, l, TABLES + 0x200,
                         &(fake_swiss_table){.used = 2, .capacity = 32, .growth_left = 26, .local_depth = 2,
                                             .index = 3, .groups_data = fake_swiss_group(l, GROUPS + 0x200000, 2),
                                             .length_mask = 3});
    fake_swiss_put_string(f->mem, l, GROUPS, 0, 0x11, UNMAPPED, 4, 1);
    json_t *root = round_trip(f);
    json_t *anomalies = json_object_get(root, "anomalies");
    const char *want[] = {"unreadable_table", "unreadable_group", "unreadable_entry", "count_mismatch"};
    for (size_t w = 0; w < COUNT(want); w++) {
        bool found = false;
        for (size_t i = 0; i < json_array_size(anomalies) && !found; i++)
            found = strcmp(json_string_value(json_object_get(json_array_get(anomalies, i), "kind")), want[w]) == 0;
        if (!found)
            fail_msg("no %s after the round trip", want[w]);
    }
    json_decref(root);
}

/* The file holds the variable's word, the header, the directory, the table
 * headers, the group arrays and the key strings: nothing else. */
static void snapshot_holds_only_what_was_read(void **state)
{
    fixture *f = *state;
    const gmv_layout *l = &f->layout;
    write_directory_map(f);
    fake_memory_map(f->mem, 0x900000, 4096); /* unrelated memory */
    gmv_snapshot *snap = capture_at(f, VAR, 0);
    uint64_t text = 0;
    for (size_t i = 0; i < 7; i++)
        text += strlen(WORDS[i]);
    uint64_t want = l->ptr_size + l->swiss.map.size + 4 * l->ptr_size + 3 * l->swiss.table.size +
                    7 * l->swiss.group_size + text;
    assert_int_equal(gmv_snapshot_byte_count(snap), want);
    gmv_snapshot_free(snap);
    /* by the Map's address (no variable): the same less the variable's word */
    snap = capture_at(f, 0, MAP);
    assert_int_equal(gmv_snapshot_byte_count(snap), want - l->ptr_size);
    assert_int_equal(gmv_snapshot_hmap_address(snap), MAP);
    gmv_snapshot_free(snap);
}

static void nil_swiss_map_keeps_its_layout(void **state)
{
    fixture *f = *state;
    fake_memory_map(f->mem, VAR, 8);
    gmv_source *src = fake_memory_source(f->mem);
    gmv_capture_request req = {.layout = &f->layout, .variable_address = VAR};
    gmv_snapshot *snap = NULL;
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, false), GMV_ERR_NIL_MAP);
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, true), 0);
    assert_true(gmv_snapshot_capture_summary(snap)->nil);
    assert_int_equal(gmv_snapshot_write_file(snap, f->path), 0);
    gmv_snapshot *back = NULL;
    assert_int_equal(gmv_snapshot_read_file(&back, f->path), 0);
    assert_same_layout(gmv_snapshot_layout(back), &f->layout);
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, back, NULL), 0);
    assert_true(gmv_model_header(m)->nil);
    assert_int_equal(gmv_model_implementation(m), GMV_IMPL_SWISS);
    gmv_model_free(m);
    gmv_snapshot_free(back);
    gmv_snapshot_free(snap);
    gmv_source_free(src);
}

/* ---- the writer flag ---- */

/* A source whose Map.writing is set until it has been thawed `clear_after` times. */
typedef struct busy_target {
    fake_memory *mem;
    uint64_t writing; /* the address of Map.writing */
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
        *fake_memory_at(t->mem, t->writing, 1) = 0;
    return 0;
}

static void writing_is_retried_then_reported(void **state)
{
    fixture *f = *state;
    static const gmv_source_ops ops = {.read = busy_read, .freeze = busy_freeze, .thaw = busy_thaw};
    write_small_map(f);
    uint64_t writing = MAP + f->layout.swiss.map.writing;
    *fake_memory_at(f->mem, writing, 1) = 0x40; /* any bit of Map.writing */
    busy_target t = {.mem = f->mem, .writing = writing, .clear_after = 3};
    gmv_source *src = NULL;
    assert_int_equal(gmv_source_new_custom(&src, &ops, &t), 0);
    gmv_capture_request req = {.layout = &f->layout, .variable_address = VAR};
    gmv_snapshot *snap = NULL;
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, false), 0);
    assert_int_equal(gmv_snapshot_origin(snap)->writer_retries, 3);
    assert_int_equal(t.freezes, t.thaws);
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    size_t n;
    gmv_model_anomalies(m, &n);
    assert_int_equal(n, 0);
    gmv_model_free(m);
    gmv_snapshot_free(snap);

    *fake_memory_at(f->mem, writing, 1) = 1; /* never clears: read anyway, and flagged */
    t.clear_after = -1;
    assert_int_equal(gmv_snapshot_capture(&snap, src, &req, false), 0);
    assert_int_equal(gmv_snapshot_origin(snap)->writer_retries, 5);
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    const gmv_anomaly *a = gmv_model_anomalies(m, &n);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].kind, "writer_active");
    assert_int_equal(gmv_model_swiss_header(m)->writing, 1);
    gmv_model_free(m);
    gmv_snapshot_free(snap);
    gmv_source_free(src);
}

/* ---- META that must be refused ---- */

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

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A copy of the snapshot file `data` whose META (the first section, at 16)
 * has the first `from` replaced by `to`, with its length and the CRC
 * (docs/snapshot-format.md) made right again. */
static uint8_t *edit_meta(const uint8_t *data, size_t len, const char *from, const char *to, size_t *out_len)
{
    assert_memory_equal(data + 16, "META", 4);
    uint64_t meta_len = get_u64(data + 24);
    const uint8_t *body = data + 32;
    const char *at = memmem(body, (size_t)meta_len, from, strlen(from));
    if (!at)
        fail_msg("META has no %s", from);
    size_t before = (size_t)((const uint8_t *)at - body), cut = strlen(from), put = strlen(to);
    *out_len = len - cut + put;
    uint8_t *out = malloc(*out_len);
    memcpy(out, data, 32);
    memcpy(out + 32, body, before);
    memcpy(out + 32 + before, to, put);
    size_t rest = len - (32 + before + cut);
    memcpy(out + 32 + before + put, body + before + cut, rest);
    put_u64(out + 24, meta_len - cut + put);
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), out, (uInt)(*out_len - 4));
    for (int i = 0; i < 4; i++)
        out[*out_len - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    return out;
}

/* Parses `data` with META edited; returns the status (and frees). */
static int parse_edited(const uint8_t *data, size_t len, const char *from, const char *to)
{
    size_t n;
    uint8_t *edited = edit_meta(data, len, from, to, &n);
    gmv_snapshot *s = NULL;
    int rc = gmv_snapshot_parse(&s, edited, n);
    if (rc == 0) {
        assert_non_null(s);
        gmv_snapshot_free(s);
    } else {
        assert_null(s);
    }
    free(edited);
    return rc;
}

static void foreign_meta_is_refused(void **state)
{
    fixture *f = *state;
    write_small_map(f);
    gmv_snapshot *snap = capture_at(f, VAR, 0);
    assert_int_equal(gmv_snapshot_write_file(snap, f->path), 0);
    gmv_snapshot_free(snap);
    size_t len;
    uint8_t *data = load(f->path, &len);
    /* the editing itself keeps a good file good */
    assert_int_equal(parse_edited(data, len, "\"implementation\": \"swiss\"", "\"implementation\": \"swiss\""), 0);
    assert_int_equal(parse_edited(data, len, "\"seed\": 8", "\"seed\":    8"), 0);

    assert_int_equal(parse_edited(data, len, "\"implementation\": \"swiss\"", "\"implementation\": \"neither\""),
                     GMV_ERR_FORMAT);
    assert_non_null(strstr(gmv_error_last(), "neither"));
    assert_int_equal(parse_edited(data, len, "\"implementation\": \"swiss\"", "\"implementation\": 2"),
                     GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"implementation\": \"swiss\"", "\"implementation\": \"Swiss\""),
                     GMV_ERR_FORMAT);
    /* a Swiss layout taken for classic (no implementation): no bucket, no hmap */
    assert_int_equal(parse_edited(data, len, "\"implementation\": \"swiss\",", ""), GMV_ERR_FORMAT);
    /* Swiss members missing, mistyped, out of range, or not adding up */
    assert_int_equal(parse_edited(data, len, "\"swiss\"", "\"swisss\""), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"split_groups\": false", "\"split_groups\": 0"), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"split_groups\": false", "\"split_groups\": true"), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"seed\": 8", "\"seed\": 4097"), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"seed\": 8", "\"seed\": -1"), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"clearSeq\": 40", "\"clearSeq\": 44"), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"tombstonePossible\": 35", "\"tombstonePossible\": -2"),
                     GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"tombstonePossible\": 35", "\"tombstonePossible\": 48"),
                     GMV_ERR_FORMAT);
    /* absent (as Go 1.24 writes it) is fine */
    assert_int_equal(parse_edited(data, len, "\"tombstonePossible\": 35", "\"tombstonePossible\": -1"), 0);
    assert_int_equal(parse_edited(data, len, "\"group_size\": 200", "\"group_size\": 199"), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"groups_lengthMask\": 24", "\"groups_lengthMask\": 28"),
                     GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"ctrl_offset\": 0", "\"ctrl_offset\": 8"), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"elems_offset\": 24", "\"elems_offset\": 20"), GMV_ERR_FORMAT);
    assert_int_equal(parse_edited(data, len, "\"key_stride\": 24", "\"key_stride\": 16"), GMV_ERR_FORMAT);
    free(data);
}

#define CONFIG_RUN(fn, i, tag) {#fn " (" tag ")", fn, setup, teardown, (void *)&CONFIGS[i]}
#define EACH_CONFIG(fn)                                                                                   \
    CONFIG_RUN(fn, 0, "amd64"), CONFIG_RUN(fn, 1, "386"), CONFIG_RUN(fn, 2, "amd64, split groups"),       \
        CONFIG_RUN(fn, 3, "386, split groups, go1.24"), CONFIG_RUN(fn, 4, "go1.24")

int main(void)
{
    const struct CMUnitTest tests[] = {
        EACH_CONFIG(directory_map_round_trip),
        EACH_CONFIG(small_map_round_trip),
        EACH_CONFIG(anomalies_survive_the_round_trip),
        EACH_CONFIG(snapshot_holds_only_what_was_read),
        EACH_CONFIG(nil_swiss_map_keeps_its_layout),
        EACH_CONFIG(writing_is_retried_then_reported),
        CONFIG_RUN(foreign_meta_is_refused, 0, "amd64"),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
