/* Swiss-table model tests on fake memory (support/fake_swiss.h): small maps,
 * maps without storage, nil maps, a directory of tables of different
 * localDepth, tombstones, every anomaly kind of docs/json-schema.md's Swiss
 * section, hostile header and table values, and the entry modes. The
 * healthy-map tests run for amd64 and 386, interleaved and split groups, and
 * Go 1.24 (no Map.tombstonePossible). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gomapviz/model.h"
#include "support/fake_memory.h"
#include "support/fake_swiss.h"

#define MAP 0x100000u
#define DIR 0x200000u
#define TABLE_B 0x300000u /* table 1: the tables' addresses are not in directory order */
#define TABLE_C 0x300100u /* table 2 */
#define TABLE_A 0x300200u /* table 0 */
#define GROUPS_A 0x400000u
#define GROUPS_B 0x500000u
#define GROUPS_C 0x600000u
#define SMALL 0x700000u
#define TEXT 0x800000u
#define UNMAPPED 0xdead0000u

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One layout the healthy-map tests run with. */
typedef struct config {
    uint32_t ptr;
    const char *version;
    bool split;
} config;

static const config CONFIGS[] = {
    {8, "go1.26.1", false}, {8, "go1.27.4", true}, {4, "go1.26.1", false}, {4, "go1.27.4", true}, {8, "go1.24.13", false},
};

typedef struct fixture {
    const config *cfg;
    bool string_keys;
    fake_memory *mem;
    gmv_source *src;
    gmv_layout layout;
    gmv_model *model;
    /* the healthy directory map as written (mutations edit and rewrite) */
    fake_swiss_map map;
    fake_swiss_table table[3]; /* A, B, C: tables 0, 1, 2 */
} fixture;

static const uint64_t TABLE_ADDR[3] = {TABLE_A, TABLE_B, TABLE_C};
static const uint64_t GROUPS_ADDR[3] = {GROUPS_A, GROUPS_B, GROUPS_C};

static fixture *fixture_new(const config *cfg, bool string_keys)
{
    fixture *f = calloc(1, sizeof *f);
    f->cfg = cfg;
    f->string_keys = string_keys;
    f->mem = fake_memory_new();
    f->src = fake_memory_source(f->mem);
    f->layout = fake_swiss_layout(cfg->ptr, cfg->version, cfg->split, string_keys);
    return f;
}

static void fixture_free(fixture *f)
{
    gmv_model_free(f->model);
    gmv_source_free(f->src);
    fake_memory_free(f->mem);
    free(f);
}

static int teardown(void **state)
{
    fixture_free(*state);
    return 0;
}

/* The runs over every config: the state is a config. */
static int setup_int(void **state)
{
    *state = fixture_new(*state ? *state : &CONFIGS[0], false);
    return 0;
}

static int setup_string(void **state)
{
    *state = fixture_new(*state ? *state : &CONFIGS[0], true);
    return 0;
}

static bool has_tombstone_field(const fixture *f)
{
    return f->layout.swiss.map.tombstone_possible != GMV_NO_FIELD;
}

/* The key of entry `n`: n for int64 keys, "key-n" at TEXT + 16n for strings. */
static void put_entry(fixture *f, uint64_t group, int slot, uint8_t ctrl, int64_t n)
{
    if (!f->string_keys) {
        fake_swiss_put_int(f->mem, &f->layout, group, slot, ctrl, n);
        return;
    }
    char text[16];
    int len = snprintf(text, sizeof text, "key-%d", (int)n);
    memcpy(fake_memory_at(f->mem, TEXT + (uint64_t)n * 16, (size_t)len), text, (size_t)len);
    fake_swiss_put_string(f->mem, &f->layout, group, slot, ctrl, TEXT + (uint64_t)n * 16, (uint64_t)len, n * 10);
}

static void rewrite(fixture *f)
{
    fake_swiss_put_map(f->mem, &f->layout, MAP, &f->map);
    for (int t = 0; t < 3; t++)
        fake_swiss_put_table(f->mem, &f->layout, TABLE_ADDR[t], &f->table[t]);
}

/* The map every directory test starts from: globalDepth 2, four directory
 * entries A A B C; A (localDepth 1, 16 slots in 2 groups) holds keys 1 2 3,
 * B (localDepth 2, 8 slots) keys 4 5, C (localDepth 2, 32 slots in 4 groups)
 * keys 6 7. No tombstones. */
static void write_healthy(fixture *f)
{
    const gmv_layout *l = &f->layout;
    uint32_t p = l->ptr_size;
    if (f->string_keys)
        fake_memory_map(f->mem, TEXT, 16 * 16);
    f->map = (fake_swiss_map){.used = 7, .seed = 0x5eed, .dir_ptr = DIR, .dir_len = 4, .global_depth = 2,
                              .global_shift = (uint8_t)(8 * p - 2), .clear_seq = 3};
    fake_swiss_map_header(f->mem, l, MAP, &f->map);
    const uint64_t dir[4] = {TABLE_A, TABLE_A, TABLE_B, TABLE_C};
    fake_swiss_map_directory(f->mem, l, DIR, dir, 4);
    f->table[0] = (fake_swiss_table){.used = 3, .capacity = 16, .growth_left = 14 - 3, .local_depth = 1, .index = 0,
                                     .groups_data = GROUPS_A, .length_mask = 1};
    f->table[1] = (fake_swiss_table){.used = 2, .capacity = 8, .growth_left = 7 - 2, .local_depth = 2, .index = 2,
                                     .groups_data = GROUPS_B, .length_mask = 0};
    f->table[2] = (fake_swiss_table){.used = 2, .capacity = 32, .growth_left = 28 - 2, .local_depth = 2, .index = 3,
                                     .groups_data = GROUPS_C, .length_mask = 3};
    for (int t = 0; t < 3; t++) {
        fake_swiss_map_table(f->mem, l, TABLE_ADDR[t], &f->table[t]);
        fake_swiss_map_groups(f->mem, l, GROUPS_ADDR[t], f->table[t].length_mask + 1);
    }
    put_entry(f, fake_swiss_group(l, GROUPS_A, 0), 0, 0x11, 1);
    put_entry(f, fake_swiss_group(l, GROUPS_A, 0), 3, 0x22, 2);
    put_entry(f, fake_swiss_group(l, GROUPS_A, 1), 7, 0x33, 3);
    put_entry(f, fake_swiss_group(l, GROUPS_B, 0), 1, 0x44, 4);
    put_entry(f, fake_swiss_group(l, GROUPS_B, 0), 2, 0x7f, 5);
    put_entry(f, fake_swiss_group(l, GROUPS_C, 2), 5, 0x66, 6);
    put_entry(f, fake_swiss_group(l, GROUPS_C, 3), 0, 0x00, 7); /* H2 0 is full */
}

/* A small map: one group at SMALL with keys 10, 20, 30 in slots 0, 2, 5. */
static void write_small(fixture *f)
{
    const gmv_layout *l = &f->layout;
    if (f->string_keys)
        fake_memory_map(f->mem, TEXT, 64 * 16);
    f->map = (fake_swiss_map){.used = 3, .seed = 0x5eed, .dir_ptr = SMALL, .dir_len = 0};
    fake_swiss_map_header(f->mem, l, MAP, &f->map);
    fake_swiss_map_groups(f->mem, l, SMALL, 1);
    put_entry(f, SMALL, 0, 0x01, 10);
    put_entry(f, SMALL, 2, 0x02, 20);
    put_entry(f, SMALL, 5, 0x03, 30);
}

static int build_with(fixture *f, const gmv_limits *limits)
{
    gmv_model_free(f->model);
    f->model = NULL;
    int rc = gmv_model_build(&f->model, f->src, &f->layout, MAP, limits);
    if (rc != 0)
        fail_msg("build: %s", gmv_error_last());
    return rc;
}

static void build(fixture *f)
{
    build_with(f, NULL);
}

/* True if the model has an anomaly of `kind`; *where gets the first one. */
static bool find_anomaly(const gmv_model *m, const char *kind, const gmv_anomaly **where)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(m, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(a[i].kind, kind) == 0) {
            if (where)
                *where = &a[i];
            return true;
        }
    }
    return false;
}

static bool has_anomaly(const gmv_model *m, const char *kind)
{
    return find_anomaly(m, kind, NULL);
}

/* The kinds of the model's anomalies, for messages. */
static const char *kinds_of(const gmv_model *m)
{
    static char text[2048];
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(m, &n);
    text[0] = '\0';
    for (size_t i = 0; i < n && strlen(text) < sizeof text - 64; i++) {
        strcat(text, i ? ", " : "");
        strcat(text, a[i].kind);
    }
    return n ? text : "none";
}

static size_t anomaly_count(const gmv_model *m)
{
    size_t n;
    gmv_model_anomalies(m, &n);
    return n;
}

static void assert_no_anomalies(const gmv_model *m)
{
    if (anomaly_count(m) != 0)
        fail_msg("unexpected anomalies: %s (first: %s)", kinds_of(m), gmv_model_anomalies(m, &(size_t){0})->message);
}

/* Checks the key and value of entry `e` (key `n`, value 10n). */
static void assert_entry_holds(const fixture *f, const gmv_entry *e, int64_t n)
{
    if (f->string_keys) {
        char text[16];
        int len = snprintf(text, sizeof text, "key-%d", (int)n);
        assert_true(e->key.readable);
        assert_int_equal(e->key.len, len);
        assert_memory_equal(e->key.bytes, text, (size_t)len);
    } else {
        assert_int_equal(e->key.as.i, n);
    }
    assert_true(e->elem.readable);
    assert_int_equal(e->elem.as.i, n * 10);
}

/* ---- healthy maps ---- */

static void directory_of_three_tables(void **state)
{
    fixture *f = *state;
    const gmv_layout *l = &f->layout;
    write_healthy(f);
    build(f);
    const gmv_model *m = f->model;
    assert_no_anomalies(m);
    assert_int_equal(gmv_model_implementation(m), GMV_IMPL_SWISS);
    assert_memory_equal(gmv_model_layout(m), l, sizeof *l);

    const gmv_header *h = gmv_model_header(m);
    assert_int_equal(h->address, MAP);
    assert_false(h->nil);
    assert_int_equal(h->count, 7);
    const gmv_swiss_header *sh = gmv_model_swiss_header(m);
    assert_non_null(sh);
    assert_int_equal(sh->used, 7);
    assert_int_equal(sh->seed, 0x5eed);
    assert_int_equal(sh->dir_ptr, DIR);
    assert_int_equal(sh->dir_len, 4);
    assert_int_equal(sh->global_depth, 2);
    assert_int_equal(sh->global_shift, 8 * l->ptr_size - 2);
    assert_int_equal(sh->writing, 0);
    assert_int_equal(sh->has_tombstone_possible, has_tombstone_field(f));
    assert_false(sh->tombstone_possible);
    assert_int_equal(sh->clear_seq, 3);
    assert_false(sh->small);
    assert_null(gmv_model_small_group(m));

    /* the directory, and each table once, in directory order */
    size_t ndir, ntables, ngroups;
    const gmv_dir_entry *dir = gmv_model_directory(m, &ndir);
    const gmv_table *t = gmv_model_tables(m, &ntables);
    const gmv_group *g = gmv_model_groups(m, &ngroups);
    assert_int_equal(ndir, 4);
    const uint64_t dir_tables[4] = {TABLE_A, TABLE_A, TABLE_B, TABLE_C};
    const uint32_t dir_index[4] = {0, 0, 1, 2};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(dir[i].table_address, dir_tables[i]);
        assert_int_equal(dir[i].table, dir_index[i]);
    }
    assert_int_equal(ntables, 3);
    assert_int_equal(ngroups, 2 + 1 + 4);
    const uint64_t dir_first[3] = {0, 2, 3}, dir_count[3] = {2, 1, 1}, first_group[3] = {0, 2, 3};
    const uint64_t full[3] = {3, 2, 2};
    for (size_t i = 0; i < 3; i++) {
        const fake_swiss_table *w = &f->table[i];
        assert_int_equal(t[i].address, TABLE_ADDR[i]);
        assert_true(t[i].readable);
        assert_int_equal(t[i].used, w->used);
        assert_int_equal(t[i].capacity, w->capacity);
        assert_int_equal(t[i].growth_left, w->growth_left);
        assert_int_equal(t[i].local_depth, w->local_depth);
        assert_int_equal(t[i].index, w->index);
        assert_int_equal(t[i].groups_data, GROUPS_ADDR[i]);
        assert_int_equal(t[i].length_mask, w->length_mask);
        assert_int_equal(t[i].first_group, first_group[i]);
        assert_int_equal(t[i].ngroups, w->length_mask + 1);
        assert_int_equal(t[i].dir_first, dir_first[i]);
        assert_int_equal(t[i].dir_count, dir_count[i]);
        assert_int_equal(t[i].full, full[i]);
        assert_int_equal(t[i].empty, w->capacity - full[i]);
        assert_int_equal(t[i].deleted, 0);
        assert_int_equal(t[i].tombstones, 0);
        for (size_t j = 0; j < t[i].ngroups; j++) {
            const gmv_group *gr = &g[t[i].first_group + j];
            assert_int_equal(gr->address, fake_swiss_group(l, GROUPS_ADDR[i], j));
            assert_true(gr->readable);
            assert_non_null(gr->raw);
        }
    }

    /* entries: table order, then group, then slot */
    static const struct {
        uint32_t table;
        uint64_t group;
        uint8_t slot, ctrl;
        int64_t key;
    } want[] = {{0, 0, 0, 0x11, 1}, {0, 0, 3, 0x22, 2}, {0, 1, 7, 0x33, 3}, {1, 0, 1, 0x44, 4},
                {1, 0, 2, 0x7f, 5}, {2, 2, 5, 0x66, 6}, {2, 3, 0, 0x00, 7}};
    size_t n;
    const gmv_entry *e = gmv_model_entries(m, &n);
    assert_int_equal(n, COUNT(want));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(e[i].table, want[i].table);
        assert_int_equal(e[i].group, want[i].group);
        assert_int_equal(e[i].slot, want[i].slot);
        assert_int_equal(e[i].ctrl, want[i].ctrl);
        assert_false(e[i].old);
        assert_entry_holds(f, &e[i], want[i].key);
        /* the group records point back at the entry, with its control byte */
        const gmv_group *gr = &g[t[want[i].table].first_group + want[i].group];
        assert_int_equal(gr->entry[want[i].slot], i);
        assert_int_equal(gr->ctrl[want[i].slot], want[i].ctrl);
        assert_int_equal(gr->state[want[i].slot], GMV_CTRL_FULL);
        uint64_t key_cell = fake_swiss_group(l, GROUPS_ADDR[want[i].table], want[i].group) + l->keys_offset +
                            (uint64_t)want[i].slot * l->key_stride;
        assert_int_equal(gmv_model_entry_address(m, &e[i]), key_cell);
    }
    /* an entry naming no group of the model has no address */
    gmv_entry stray = e[0];
    stray.group = 2; /* table 0 has 2 groups */
    assert_int_equal(gmv_model_entry_address(m, &stray), 0);
    stray = e[0];
    stray.table = 3;
    assert_int_equal(gmv_model_entry_address(m, &stray), 0);
    stray.table = GMV_NO_TABLE; /* not a small map */
    assert_int_equal(gmv_model_entry_address(m, &stray), 0);
    /* empty slots have no entry */
    assert_int_equal(g[0].entry[1], GMV_NO_ENTRY);
    assert_int_equal(g[0].state[1], GMV_CTRL_EMPTY);
    assert_int_equal(g[0].ctrl[1], 0x80);

    /* statistics */
    const gmv_stats *st = gmv_model_stats(m);
    const gmv_swiss_stats *s = &st->swiss;
    assert_int_equal(st->live_entries, 7);
    assert_int_equal(s->tables, 3);
    assert_int_equal(s->groups, 7);
    assert_int_equal(s->capacity, 16 + 8 + 32);
    assert_int_equal(s->full_slots, 7);
    assert_int_equal(s->empty_slots, 56 - 7);
    assert_int_equal(s->deleted_slots, 0);
    assert_int_equal(s->growth_left, 11 + 5 + 26);
    assert_true(s->load_factor == 7.0 / 56.0);
    assert_true(s->max_table_load == 0.25); /* B: 2 of 8 */
    for (int d = 0; d < GMV_DEPTH_SLOTS; d++) {
        assert_int_equal(s->tables_by_local_depth[d], d == 1 ? 1 : d == 2 ? 2 : 0);
        assert_int_equal(s->tables_by_share[d], d == 0 ? 2 : d == 1 ? 1 : 0);
    }
    uint64_t held = l->swiss.map.size + 4 * l->ptr_size + 3 * l->swiss.table.size + 7 * l->swiss.group_size;
    assert_int_equal(s->bytes_held, held);
    if (l->ptr_size == 8 && !l->swiss.split_groups && !f->string_keys)
        assert_int_equal(s->bytes_held, 48 + 32 + 96 + 7 * 136);
    /* what was read: the header, the directory, the tables, the groups (and the key strings) */
    assert_int_equal(st->bytes_read, held + (f->string_keys ? 7 * 5 : 0));
    /* the classic views are empty */
    assert_int_equal(gmv_model_buckets(m)->nchains, 0);
    assert_int_equal(gmv_model_buckets(m)->nbucket_records, 0);
    assert_null(gmv_model_oldbuckets(m));
    gmv_model_spare_overflow(m, &n);
    assert_int_equal(n, 0);
    assert_int_equal(st->buckets, 0);
    assert_int_equal(st->overflow_buckets, 0);
}

/* The same map with string keys. */
static void directory_of_three_tables_string_keys(void **state)
{
    directory_of_three_tables(state);
}

static void tombstones_are_counted_and_match(void **state)
{
    fixture *f = *state;
    const gmv_layout *l = &f->layout;
    write_healthy(f);
    /* B: one tombstone; C: two, in a group of its own */
    fake_swiss_put_slot(f->mem, l, GROUPS_B, 6, FAKE_CTRL_DELETED, NULL, NULL);
    fake_swiss_put_slot(f->mem, l, fake_swiss_group(l, GROUPS_C, 0), 0, FAKE_CTRL_DELETED, NULL, NULL);
    fake_swiss_put_slot(f->mem, l, fake_swiss_group(l, GROUPS_C, 0), 7, FAKE_CTRL_DELETED, NULL, NULL);
    f->table[1].growth_left = 7 - 2 - 1;
    f->table[2].growth_left = 28 - 2 - 2;
    f->map.tombstone_possible = true;
    rewrite(f);
    build(f);
    assert_no_anomalies(f->model);
    size_t ntables, ngroups;
    const gmv_table *t = gmv_model_tables(f->model, &ntables);
    const gmv_group *g = gmv_model_groups(f->model, &ngroups);
    assert_int_equal(t[0].deleted, 0);
    assert_int_equal(t[1].deleted, 1);
    assert_int_equal(t[1].tombstones, 1);
    assert_int_equal(t[1].empty, 8 - 2 - 1);
    assert_int_equal(t[2].deleted, 2);
    assert_int_equal(t[2].tombstones, 2);
    assert_int_equal(g[t[1].first_group].state[6], GMV_CTRL_DELETED);
    assert_int_equal(g[t[1].first_group].ctrl[6], 0xfe);
    assert_int_equal(g[t[1].first_group].entry[6], GMV_NO_ENTRY);
    assert_int_equal(g[t[2].first_group].state[7], GMV_CTRL_DELETED);
    assert_int_equal(gmv_model_swiss_header(f->model)->tombstone_possible, has_tombstone_field(f));
    const gmv_swiss_stats *s = &gmv_model_stats(f->model)->swiss;
    assert_int_equal(s->deleted_slots, 3);
    assert_int_equal(s->full_slots, 7);
    assert_int_equal(s->empty_slots, 56 - 7 - 3);
    assert_int_equal(s->growth_left, 11 + 4 + 24);
    size_t n;
    gmv_model_entries(f->model, &n);
    assert_int_equal(n, 7); /* tombstones are not entries */

    /* tombstones with tombstonePossible false: flagged where the field exists */
    f->map.tombstone_possible = false;
    rewrite(f);
    build(f);
    assert_int_equal(has_anomaly(f->model, "tombstones_not_flagged"), has_tombstone_field(f));
    assert_int_equal(anomaly_count(f->model), has_tombstone_field(f) ? 2 : 0); /* one per table */
    /* a count of tombstones that does not add up */
    f->map.tombstone_possible = true;
    f->table[2].growth_left = 28 - 2 - 1;
    rewrite(f);
    build(f);
    const gmv_anomaly *a = NULL;
    assert_true(find_anomaly(f->model, "tombstone_mismatch", &a));
    assert_int_equal(a->table, 2);
    assert_int_equal(a->bucket, -1);
    assert_int_equal(anomaly_count(f->model), 1);
}

static void small_map(void **state)
{
    fixture *f = *state;
    const gmv_layout *l = &f->layout;
    write_small(f);
    build(f);
    const gmv_model *m = f->model;
    assert_no_anomalies(m);
    const gmv_swiss_header *sh = gmv_model_swiss_header(m);
    assert_true(sh->small);
    assert_int_equal(sh->dir_len, 0);
    assert_int_equal(sh->dir_ptr, SMALL);
    assert_int_equal(gmv_model_header(m)->count, 3);
    size_t ndir, ntables, ngroups;
    gmv_model_directory(m, &ndir);
    gmv_model_tables(m, &ntables);
    const gmv_group *groups = gmv_model_groups(m, &ngroups);
    assert_int_equal(ndir, 0);
    assert_int_equal(ntables, 0);
    assert_int_equal(ngroups, 1);
    const gmv_group *g = gmv_model_small_group(m);
    assert_ptr_equal(g, &groups[0]);
    assert_int_equal(g->address, SMALL);
    assert_true(g->readable);
    const uint8_t ctrl[8] = {0x01, 0x80, 0x02, 0x80, 0x80, 0x03, 0x80, 0x80};
    assert_memory_equal(g->ctrl, ctrl, 8);
    size_t n;
    const gmv_entry *e = gmv_model_entries(m, &n);
    assert_int_equal(n, 3);
    const uint8_t slots[3] = {0, 2, 5};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(e[i].table, GMV_NO_TABLE);
        assert_int_equal(e[i].group, 0);
        assert_int_equal(e[i].slot, slots[i]);
        assert_int_equal(e[i].ctrl, i + 1);
        assert_entry_holds(f, &e[i], 10 * (int64_t)(i + 1));
        assert_int_equal(g->entry[slots[i]], i);
        assert_int_equal(gmv_model_entry_address(m, &e[i]), SMALL + l->keys_offset + slots[i] * l->key_stride);
    }
    gmv_entry stray = e[0];
    stray.group = 1;
    assert_int_equal(gmv_model_entry_address(m, &stray), 0);
    const gmv_swiss_stats *s = &gmv_model_stats(m)->swiss;
    assert_int_equal(s->tables, 0);
    assert_int_equal(s->groups, 1);
    assert_int_equal(s->capacity, 8);
    assert_int_equal(s->full_slots, 3);
    assert_int_equal(s->empty_slots, 5);
    assert_int_equal(s->deleted_slots, 0);
    assert_true(s->load_factor == 3.0 / 8.0);
    assert_true(s->max_table_load == 3.0 / 8.0);
    assert_int_equal(s->bytes_held, l->swiss.map.size + l->swiss.group_size);
    for (int d = 0; d < GMV_DEPTH_SLOTS; d++) {
        assert_int_equal(s->tables_by_local_depth[d], 0);
        assert_int_equal(s->tables_by_share[d], 0);
    }
    assert_int_equal(gmv_model_stats(m)->live_entries, 3);

    /* a full small map (8 entries) is still healthy */
    for (int i = 0; i < 8; i++)
        put_entry(f, SMALL, i, (uint8_t)(0x40 + i), 40 + i);
    f->map.used = 8;
    fake_swiss_put_map(f->mem, &f->layout, MAP, &f->map);
    build(f);
    assert_no_anomalies(f->model);
    gmv_model_entries(f->model, &n);
    assert_int_equal(n, 8);
    assert_true(gmv_model_stats(f->model)->swiss.load_factor == 1.0);
}

static void small_map_string_keys(void **state)
{
    small_map(state);
}

static void map_without_storage_and_nil_map(void **state)
{
    fixture *f = *state;
    f->map = (fake_swiss_map){.seed = 1};
    fake_swiss_map_header(f->mem, &f->layout, MAP, &f->map);
    build(f);
    const gmv_model *m = f->model;
    assert_no_anomalies(m);
    const gmv_swiss_header *sh = gmv_model_swiss_header(m);
    assert_false(sh->small);
    assert_int_equal(sh->dir_ptr, 0);
    assert_null(gmv_model_small_group(m));
    size_t n;
    gmv_model_groups(m, &n);
    assert_int_equal(n, 0);
    gmv_model_tables(m, &n);
    assert_int_equal(n, 0);
    gmv_model_entries(m, &n);
    assert_int_equal(n, 0);
    const gmv_swiss_stats *s = &gmv_model_stats(m)->swiss;
    assert_int_equal(s->capacity, 0);
    assert_true(s->load_factor == 0.0);
    assert_int_equal(s->bytes_held, f->layout.swiss.map.size);
    assert_int_equal(gmv_model_stats(m)->bytes_read, f->layout.swiss.map.size);

    /* a nil map: nothing read, nothing wrong */
    gmv_model_free(f->model);
    f->model = NULL;
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, 0, NULL), 0);
    assert_true(gmv_model_header(f->model)->nil);
    assert_int_equal(gmv_model_implementation(f->model), GMV_IMPL_SWISS);
    assert_no_anomalies(f->model);
    assert_int_equal(gmv_model_stats(f->model)->bytes_read, 0);
    gmv_model_entries(f->model, &n);
    assert_int_equal(n, 0);
    assert_null(gmv_model_small_group(f->model));

    /* an unreadable header is the one failure */
    gmv_model_free(f->model);
    f->model = NULL;
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, UNMAPPED, NULL), GMV_ERR_IO);
    assert_null(f->model);
    assert_non_null(strstr(gmv_error_last(), "0xdead0000"));
    /* so is a header cut short */
    fake_memory_map(f->mem, 0x900000, f->layout.swiss.map.size - 1);
    assert_int_equal(gmv_model_build(&f->model, f->src, &f->layout, 0x900000, NULL), GMV_ERR_IO);
    assert_null(f->model);
    /* and a layout that does not validate */
    gmv_layout bad = f->layout;
    bad.swiss.group_size = 2;
    assert_int_equal(gmv_model_build(&f->model, f->src, &bad, MAP, NULL), GMV_ERR_FORMAT);
    assert_null(f->model);
}

/* A classic model has no Swiss views. */
static void classic_model_has_no_swiss_views(void **state)
{
    fixture *f = *state;
    gmv_layout classic = fake_layout_int64();
    fake_memory_map(f->mem, MAP, 48);
    fake_memory_map(f->mem, DIR, classic.bucket_size);
    fake_write_hmap(f->mem, &classic, MAP, &(fake_hmap){.B = 0, .buckets = DIR});
    assert_int_equal(gmv_model_build(&f->model, f->src, &classic, MAP, NULL), 0);
    assert_int_equal(gmv_model_implementation(f->model), GMV_IMPL_CLASSIC);
    assert_null(gmv_model_swiss_header(f->model));
    assert_null(gmv_model_small_group(f->model));
    size_t n;
    gmv_model_directory(f->model, &n);
    assert_int_equal(n, 0);
    gmv_model_tables(f->model, &n);
    assert_int_equal(n, 0);
    gmv_model_groups(f->model, &n);
    assert_int_equal(n, 0);
    assert_int_equal(gmv_model_stats(f->model)->swiss.capacity, 0);
    assert_int_equal(gmv_model_stats(f->model)->swiss.bytes_held, 0);
}

static void ctrl_bytes_classify(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        gmv_ctrl_state s = gmv_ctrl_classify((uint8_t)c);
        gmv_ctrl_state want = c < 0x80 ? GMV_CTRL_FULL
                              : c == 0x80 ? GMV_CTRL_EMPTY
                              : c == 0xfe ? GMV_CTRL_DELETED
                                          : GMV_CTRL_INVALID;
        assert_int_equal(s, want);
    }
    assert_string_equal(gmv_ctrl_state_name(GMV_CTRL_EMPTY), "empty");
    assert_string_equal(gmv_ctrl_state_name(GMV_CTRL_DELETED), "deleted");
    assert_string_equal(gmv_ctrl_state_name(GMV_CTRL_FULL), "full");
    assert_string_equal(gmv_ctrl_state_name(GMV_CTRL_INVALID), "invalid");
    assert_string_equal(gmv_ctrl_state_name((gmv_ctrl_state)9), "unknown");
}

/* ---- every anomaly kind ---- */

/* Mutations of the healthy directory map (or of a small map: `small`). */
static void m_used(fixture *f) { f->map.used = 9; }
static void m_writing(fixture *f) { f->map.writing = 1; }
static void m_dir_len(fixture *f)
{
    f->map.global_depth = 3;
    f->map.global_shift = (uint8_t)(8 * f->layout.ptr_size - 3);
}
static void m_shift(fixture *f) { f->map.global_shift = 7; }
static void m_invalid_ctrl(fixture *f) { fake_swiss_put_slot(f->mem, &f->layout, GROUPS_B, 4, 0x81, NULL, NULL); }
static void m_nil_table(fixture *f) { fake_swiss_put_dir_entry(f->mem, &f->layout, DIR, 3, 0); }
static void m_shared_apart(fixture *f) { fake_swiss_put_dir_entry(f->mem, &f->layout, DIR, 3, TABLE_A); }
static void m_stale(fixture *f) { f->table[1].index = -1; }
static void m_index(fixture *f) { f->table[1].index = 1; }
static void m_local_depth(fixture *f) { f->table[1].local_depth = 3; }
static void m_share(fixture *f) { f->table[0].local_depth = 2; }
static void m_capacity(fixture *f) { f->table[1].capacity = 24; }
static void m_groups(fixture *f) { f->table[2].length_mask = 1; }
static void m_growth_left(fixture *f) { f->table[1].growth_left = 8; }
static void m_table_used(fixture *f) { f->table[1].used = 3; }
static void m_tombstone(fixture *f)
{
    f->map.tombstone_possible = true;
    fake_swiss_put_slot(f->mem, &f->layout, GROUPS_B, 6, FAKE_CTRL_DELETED, NULL, NULL);
}
static void m_no_empty(fixture *f)
{
    for (int i = 0; i < 8; i++) /* B: every slot full */
        put_entry(f, GROUPS_B, i, (uint8_t)i, 100 + i);
    f->table[1].used = 8;
    f->table[1].growth_left = 0;
    f->map.used = 13;
}
static void m_not_flagged(fixture *f)
{
    fake_swiss_put_slot(f->mem, &f->layout, GROUPS_B, 6, FAKE_CTRL_DELETED, NULL, NULL);
    f->table[1].growth_left = 4;
}
static void m_unreadable_dir(fixture *f) { f->map.dir_ptr = UNMAPPED; }
static void m_partial_dir(fixture *f) { f->map.dir_ptr = DIR + 2 * f->layout.ptr_size; }
static void m_unreadable_table(fixture *f) { fake_swiss_put_dir_entry(f->mem, &f->layout, DIR, 2, UNMAPPED); }
static void m_unreadable_groups(fixture *f) { f->table[2].groups_data = UNMAPPED; }
static void m_partial_groups(fixture *f) { f->table[2].groups_data = fake_swiss_group(&f->layout, GROUPS_C, 2); }
static void m_dir_too_large(fixture *f)
{
    f->map.dir_len = UINT64_C(1) << (f->layout.ptr_size == 8 ? 40 : 30);
    f->map.global_depth = f->layout.ptr_size == 8 ? 40 : 30;
    f->map.global_shift = 24;
}
static void m_table_too_large(fixture *f) { f->table[2].length_mask = UINT64_C(1) << 40; }
static void m_nothing(fixture *f) { (void)f; }
static void m_small_tombstone(fixture *f)
{
    fake_swiss_put_slot(f->mem, &f->layout, SMALL, 4, FAKE_CTRL_DELETED, NULL, NULL);
}
static void m_small_invalid(fixture *f) { fake_swiss_put_slot(f->mem, &f->layout, SMALL, 1, 0xc1, NULL, NULL); }
static void m_small_unreadable(fixture *f) { f->map.dir_ptr = UNMAPPED; }
static void m_without_storage(fixture *f)
{
    f->map.dir_ptr = 0;
    f->map.used = 2;
}
static void m_unreadable_key(fixture *f)
{
    fake_swiss_put_string(f->mem, &f->layout, GROUPS_B, 2, 0x7f, UNMAPPED, 5, 50);
}

typedef struct anomaly_case {
    const char *kind;
    void (*mutate)(fixture *f);
    bool small;          /* start from the small map, not the directory */
    bool string_keys;
    int64_t table;       /* the anomaly's table; -2: not checked */
    int64_t group;       /* its group; -2: not checked */
    gmv_limits limits;
    bool needs_field;    /* Map.tombstonePossible (Go 1.25+) */
} anomaly_case;

static const anomaly_case CASES[] = {
    {"count_mismatch", m_used, false, false, -1, -1, {0}, false},
    {"writer_active", m_writing, false, false, -1, -1, {0}, false},
    {"used_without_storage", m_without_storage, true, false, -1, -1, {0}, false},
    {"dir_len_mismatch", m_dir_len, false, false, -1, -1, {0}, false},
    {"global_shift_mismatch", m_shift, false, false, -1, -1, {0}, false},
    {"small_map_tombstone", m_small_tombstone, true, false, -1, 0, {0}, false},
    {"invalid_ctrl", m_invalid_ctrl, false, false, 1, 0, {0}, false},
    {"invalid_ctrl", m_small_invalid, true, false, -1, 0, {0}, false},
    {"nil_table", m_nil_table, false, false, -1, -1, {0}, false},
    {"table_shared_apart", m_shared_apart, false, false, -1, -1, {0}, false},
    {"stale_table_in_directory", m_stale, false, false, 1, -1, {0}, false},
    {"table_index_mismatch", m_index, false, false, 1, -1, {0}, false},
    {"local_depth_too_large", m_local_depth, false, false, 1, -1, {0}, false},
    {"table_share_mismatch", m_share, false, false, 0, -1, {0}, false},
    {"bad_capacity", m_capacity, false, false, 1, -1, {0}, false},
    {"groups_mismatch", m_groups, false, false, 2, -1, {0}, false},
    {"growth_left_too_large", m_growth_left, false, false, 1, -1, {0}, false},
    {"table_used_mismatch", m_table_used, false, false, 1, -1, {0}, false},
    {"tombstone_mismatch", m_tombstone, false, false, 1, -1, {0}, false},
    {"no_empty_slot", m_no_empty, false, false, 1, -1, {0}, false},
    {"tombstones_not_flagged", m_not_flagged, false, false, 1, -1, {0}, true},
    {"unreadable_directory", m_unreadable_dir, false, false, -1, -1, {0}, false},
    {"unreadable_directory", m_partial_dir, false, false, -1, -1, {0}, false},
    {"unreadable_table", m_unreadable_table, false, false, 1, -1, {0}, false},
    {"unreadable_group", m_unreadable_groups, false, false, 2, 0, {0}, false},
    {"unreadable_group", m_partial_groups, false, false, 2, 2, {0}, false},
    {"unreadable_group", m_small_unreadable, true, false, -1, 0, {0}, false},
    {"directory_too_large", m_dir_too_large, false, false, -1, -1, {0}, false},
    {"table_too_large", m_table_too_large, false, false, 2, -1, {0}, false},
    {"group_limit_reached", m_nothing, false, false, 2, 1, {.max_buckets = 4}, false},
    {"byte_limit_reached", m_nothing, false, false, -2, -2, {.max_bytes = 100}, false},
    {"unreadable_entry", m_unreadable_key, false, true, 1, 0, {0}, false},
};

/* Runs one case on fresh memory: the model builds, and has the anomaly. */
static void run_case(const config *cfg, const anomaly_case *c)
{
    fixture *f = fixture_new(cfg, c->string_keys);
    if (c->small)
        write_small(f);
    else
        write_healthy(f);
    build(f); /* the starting point is healthy */
    if (anomaly_count(f->model) != 0)
        fail_msg("%s: the map before the change has anomalies: %s", c->kind, kinds_of(f->model));
    c->mutate(f);
    if (c->small) /* no tables to rewrite */
        fake_swiss_put_map(f->mem, &f->layout, MAP, &f->map);
    else
        rewrite(f);
    gmv_model_free(f->model);
    f->model = NULL;
    int rc = gmv_model_build(&f->model, f->src, &f->layout, MAP, &c->limits);
    if (rc != 0)
        fail_msg("%s (ptr %u, %s): build failed: %s", c->kind, cfg->ptr, cfg->version, gmv_error_last());
    const gmv_anomaly *a = NULL;
    bool expected = !c->needs_field || has_tombstone_field(f);
    if (find_anomaly(f->model, c->kind, &a) != expected)
        fail_msg("%s (ptr %u, %s%s): %s; anomalies: %s", c->kind, cfg->ptr, cfg->version,
                 cfg->split ? ", split" : "", expected ? "missing" : "reported without the field", kinds_of(f->model));
    if (a) {
        if (c->table != -2 && a->table != c->table)
            fail_msg("%s: in table %lld, expected %lld (%s)", c->kind, (long long)a->table, (long long)c->table,
                     a->message);
        if (c->group != -2 && a->bucket != c->group)
            fail_msg("%s: in group %lld, expected %lld (%s)", c->kind, (long long)a->bucket, (long long)c->group,
                     a->message);
        assert_non_null(a->message);
        assert_true(strlen(a->message) > 10);
        assert_false(a->old);
    }
    /* whatever is wrong, the model's views hang together */
    size_t ntables, ngroups, nentries, ndir;
    const gmv_table *t = gmv_model_tables(f->model, &ntables);
    const gmv_dir_entry *d = gmv_model_directory(f->model, &ndir);
    const gmv_group *g = gmv_model_groups(f->model, &ngroups);
    const gmv_entry *e = gmv_model_entries(f->model, &nentries);
    for (size_t i = 0; i < ndir; i++)
        assert_true(d[i].table == GMV_NO_TABLE || d[i].table < ntables);
    for (size_t i = 0; i < ntables; i++)
        assert_true(t[i].first_group + t[i].ngroups <= ngroups);
    for (size_t i = 0; i < ngroups; i++) {
        for (int s = 0; s < GMV_GROUP_SLOTS; s++)
            assert_true(g[i].entry[s] == GMV_NO_ENTRY || g[i].entry[s] < nentries);
    }
    assert_int_equal(gmv_model_stats(f->model)->live_entries, nentries);
    for (size_t i = 0; i < nentries; i++) { /* each entry's place is a group of the model, or none */
        uint64_t at = gmv_model_entry_address(f->model, &e[i]);
        assert_true(at != 0);
        assert_true(e[i].table == GMV_NO_TABLE || e[i].table < ntables);
    }
    fixture_free(f);
}

static void every_anomaly_kind_is_reported(void **state)
{
    const config *cfg = *state ? *state : &CONFIGS[0];
    for (size_t i = 0; i < COUNT(CASES); i++)
        run_case(cfg, &CASES[i]);
}

/* True if `word` looks like an anomaly kind: lower case and underscores. */
static bool is_kind(const char *word)
{
    if (!strchr(word, '_'))
        return false;
    for (const char *p = word; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
            return false;
    }
    return true;
}

static bool has_case(const char *kind)
{
    for (size_t i = 0; i < COUNT(CASES); i++) {
        if (strcmp(CASES[i].kind, kind) == 0)
            return true;
    }
    return false;
}

/* Every kind the Swiss section of docs/json-schema.md lists (its anomalies
 * table, and the kinds it shares with classic maps) has a case above, and
 * every case's kind is documented. */
static void every_documented_kind_has_a_case(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/json-schema.md", getenv("GMV_SOURCE_DIR"));
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("cannot open %s (GMV_SOURCE_DIR)", path);
    char line[2048];
    bool swiss = false, anomalies = false;
    const char *documented[64];
    size_t ndocumented = 0;
    char names[64][64];
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, "# ", 2) == 0)
            swiss = strstr(line, "Swiss") != NULL;
        if (strncmp(line, "## ", 3) == 0)
            anomalies = swiss && strstr(line, "`anomalies`") != NULL;
        if (!anomalies)
            continue;
        char *end = line[0] == '|' ? strchr(line + 1, '|') : line + strlen(line); /* a row: its first column */
        for (char *p = strchr(line, '`'); p && p < end;) {
            char *q = strchr(p + 1, '`');
            if (!q || q > end)
                break;
            *q = '\0';
            if (is_kind(p + 1) && ndocumented < COUNT(names)) {
                snprintf(names[ndocumented], sizeof names[0], "%s", p + 1);
                documented[ndocumented] = names[ndocumented];
                ndocumented++;
                if (!has_case(p + 1))
                    fail_msg("docs/json-schema.md lists the Swiss anomaly %s, which no case triggers", p + 1);
            }
            p = strchr(q + 1, '`');
        }
    }
    fclose(fp);
    /* the table's 24, and unreadable_entry, byte_limit_reached, count_mismatch, writer_active */
    if (ndocumented < 28)
        fail_msg("only %zu Swiss anomaly kinds found in %s", ndocumented, path);
    for (size_t i = 0; i < COUNT(CASES); i++) {
        bool found = false;
        for (size_t j = 0; j < ndocumented && !found; j++)
            found = strcmp(documented[j], CASES[i].kind) == 0;
        if (!found)
            fail_msg("the Swiss anomaly %s is not in docs/json-schema.md", CASES[i].kind);
    }
}

/* ---- hostile values ---- */

typedef struct hostile_case {
    const char *what;
    void (*mutate)(fixture *f);
    const char *kinds[4];
} hostile_case;

static void h_dir_len_huge(fixture *f) /* 2^40, or 2^31 in a 32-bit int */
{
    unsigned depth = f->layout.ptr_size == 8 ? 40 : 31;
    f->map.dir_len = UINT64_C(1) << depth;
    f->map.global_depth = (uint8_t)depth;
    f->map.global_shift = (uint8_t)(8 * f->layout.ptr_size - depth);
}
static void h_dir_len_negative(fixture *f) /* -1 as a Go int */
{
    f->map.dir_len = f->layout.ptr_size == 8 ? UINT64_MAX : UINT32_MAX;
}
static void h_length_mask_2_40(fixture *f) { f->table[2].length_mask = UINT64_C(1) << 40; }
static void h_length_mask_max(fixture *f) { f->table[2].length_mask = UINT64_MAX; }
static void h_capacity_0(fixture *f) { f->table[1].capacity = 0; }
static void h_capacity_max(fixture *f)
{
    f->table[1].capacity = 0xffff;
    f->table[1].growth_left = 0xffff;
}
static void h_dir_into_itself(fixture *f)
{
    for (size_t i = 0; i < 4; i++)
        fake_swiss_put_dir_entry(f->mem, &f->layout, DIR, i, DIR);
}
static void h_dir_is_header(fixture *f) { f->map.dir_ptr = MAP; }
static void h_groups_are_table(fixture *f) { f->table[2].groups_data = TABLE_C; }
static void h_groups_are_dir(fixture *f)
{
    f->table[0].groups_data = DIR;
    f->table[0].length_mask = 0xfffff;
}
static void h_local_depth_255(fixture *f) { f->table[2].local_depth = 255; }
static void h_index_min(fixture *f) { f->table[2].index = INT64_MIN; }
static void h_used_huge(fixture *f) { f->map.used = UINT64_C(1) << 40; }
static void h_dir_len_limit(fixture *f) /* as many entries as --max-buckets allows, 4 of them readable */
{
    f->map.dir_len = UINT64_C(1) << 26;
    f->map.global_depth = 26;
    f->map.global_shift = (uint8_t)(8 * f->layout.ptr_size - 26);
}
static void h_all_tables_one(fixture *f)
{
    for (size_t i = 0; i < 4; i++)
        fake_swiss_put_dir_entry(f->mem, &f->layout, DIR, i, TABLE_B);
}

static const hostile_case HOSTILE[] = {
    {"dirLen 2^40 (2^31 on 386)", h_dir_len_huge, {"directory_too_large"}},
    {"dirLen -1", h_dir_len_negative, {"directory_too_large", "dir_len_mismatch"}},
    {"lengthMask 2^40", h_length_mask_2_40, {"table_too_large", "groups_mismatch"}},
    {"lengthMask 2^64-1", h_length_mask_max, {"table_too_large", "groups_mismatch"}},
    {"capacity 0", h_capacity_0, {"bad_capacity", "growth_left_too_large"}},
    {"capacity 65535", h_capacity_max, {"bad_capacity"}},
    {"a directory pointing into itself", h_dir_into_itself, {"count_mismatch"}},
    {"the directory is the header", h_dir_is_header, {"count_mismatch"}},
    {"groups in the table header", h_groups_are_table, {"unreadable_group", "count_mismatch"}},
    {"groups in the directory", h_groups_are_dir, {"unreadable_group", "groups_mismatch"}},
    {"localDepth 255", h_local_depth_255, {"local_depth_too_large"}},
    {"index INT64_MIN", h_index_min, {"table_index_mismatch"}},
    {"used 2^40", h_used_huge, {"count_mismatch"}},
    {"one table everywhere", h_all_tables_one, {"table_share_mismatch", "table_index_mismatch"}},
    {"dirLen 2^26, 4 entries readable", h_dir_len_limit, {"unreadable_directory", "table_share_mismatch"}},
};

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void hostile_values_are_bounded(void **state)
{
    const config *cfg = *state ? *state : &CONFIGS[0];
    for (size_t i = 0; i < COUNT(HOSTILE); i++) {
        const hostile_case *c = &HOSTILE[i];
        fixture *f = fixture_new(cfg, false);
        write_healthy(f);
        c->mutate(f);
        rewrite(f);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = gmv_model_build(&f->model, f->src, &f->layout, MAP, NULL);
        double took = seconds_since(&t0);
        if (rc != 0)
            fail_msg("%s (ptr %u): build failed: %s", c->what, cfg->ptr, gmv_error_last());
        for (size_t k = 0; k < COUNT(c->kinds) && c->kinds[k]; k++) {
            if (!has_anomaly(f->model, c->kinds[k]))
                fail_msg("%s (ptr %u): no %s; anomalies: %s", c->what, cfg->ptr, c->kinds[k], kinds_of(f->model));
        }
        if (took > 5.0)
            fail_msg("%s: the build took %.1f s", c->what, took);
        /* never more read than the map really holds (a few KiB) */
        if (gmv_model_stats(f->model)->bytes_read > 64 * 1024)
            fail_msg("%s: %llu bytes read", c->what, (unsigned long long)gmv_model_stats(f->model)->bytes_read);
        fixture_free(f);
    }
}

/* 65536 directory entries, each a different unreadable table: every one is
 * an anomaly, the list keeps 1000 and counts the rest. */
static void many_unreadable_tables_cap_the_anomaly_list(void **state)
{
    fixture *f = *state;
    const gmv_layout *l = &f->layout;
    size_t n = 65536;
    uint64_t *tables = malloc(n * sizeof *tables);
    for (size_t i = 0; i < n; i++)
        tables[i] = 0x10000000u + i * 64;
    fake_swiss_map_directory(f->mem, l, DIR, tables, n);
    free(tables);
    f->map = (fake_swiss_map){.dir_ptr = DIR, .dir_len = n, .global_depth = 16, .global_shift = 48};
    fake_swiss_map_header(f->mem, l, MAP, &f->map);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    build(f);
    assert_true(seconds_since(&t0) < 10.0);
    assert_int_equal(anomaly_count(f->model), 1000);
    assert_int_equal(gmv_model_anomalies_dropped(f->model), n - 1000);
    size_t ntables;
    const gmv_table *t = gmv_model_tables(f->model, &ntables);
    assert_int_equal(ntables, n);
    assert_false(t[0].readable);
    assert_int_equal(t[n - 1].dir_first, n - 1);
    assert_int_equal(gmv_model_stats(f->model)->swiss.tables, n);
    assert_int_equal(gmv_model_stats(f->model)->swiss.capacity, 0);
}

/* Runs `fn` in a child process, so that a crash (a sanitizer report, an
 * abort) fails this test instead of ending the test program. `fn` returns 0
 * or an exit code of 10 and up with a reason in `why`. */
static void expect_child_ok(const char *what, int (*fn)(char *why, size_t size))
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        char why[512] = "";
        int rc = fn(why, sizeof why);
        ssize_t w = write(fds[1], why, strlen(why));
        (void)w;
        _exit(rc);
    }
    close(fds[1]);
    char why[512] = "";
    ssize_t got = read(fds[0], why, sizeof why - 1);
    why[got > 0 ? got : 0] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("%s: the build died of signal %d", what, WTERMSIG(status));
    if (WEXITSTATUS(status) >= 10)
        fail_msg("%s: %s", what, why);
    if (WEXITSTATUS(status) != 0)
        fail_msg("%s: the build ended the process (exit %d; see the sanitizer report above)", what,
                 WEXITSTATUS(status));
}

/* Builds the healthy map after `mutate`, in a child; 0 if the build
 * succeeded with anomaly `kind`. */
static int child_build(void (*mutate)(fixture *f), const char *kind, char *why, size_t size)
{
    fixture *f = fixture_new(&CONFIGS[0], false);
    write_healthy(f);
    mutate(f);
    rewrite(f);
    int rc = gmv_model_build(&f->model, f->src, &f->layout, MAP, NULL);
    if (rc != 0) {
        snprintf(why, size, "the build failed (%d): %s", rc, gmv_error_last());
        return 10;
    }
    if (!has_anomaly(f->model, kind)) {
        snprintf(why, size, "no %s; anomalies: %s", kind, kinds_of(f->model));
        return 11;
    }
    fixture_free(f);
    return 0;
}

/* Regression (found by this test and by fuzzing, fixed in 1cedb83): the
 * room reserved before the groups were walked trusted the header and the
 * tables. A table with lengthMask 2^26 - 2 (just under the default
 * --max-buckets, but beyond --max-bytes: table_too_large, never walked) and
 * a Map.used of 2^40 made reserve() (src/model/swiss_walk.c) ask for 2^26
 * group records (4.8 GB) and 2^29 + 64 entries (40 GB): under ASan the
 * allocator aborted, without it the build failed with GMV_ERR_NOMEM. The
 * build must succeed with table_too_large. Run in a child process, so a
 * regression fails this test instead of ending the program. */
static void h_reserve(fixture *f)
{
    f->table[2].length_mask = (UINT64_C(1) << 26) - 2;
    f->map.used = UINT64_C(1) << 40;
}

static int child_reserve(char *why, size_t size)
{
    return child_build(h_reserve, "table_too_large", why, size);
}

static void claimed_sizes_do_not_size_allocations(void **state)
{
    (void)state;
    expect_child_ok("Map.used 2^40 and a table of lengthMask 2^26-2", child_reserve);
}

/* Regression (found by this test and by fuzzing, fixed in 1cedb83):
 * check_placement (src/model/swiss_check.c) computed `UINT64_C(1) <<
 * (globalDepth - localDepth)` before its `globalDepth < 64` guard: with
 * globalDepth 64 or more (a hostile header: dirLen 4, globalDepth 100) and
 * a readable table of localDepth 0, an undefined shift that UBSan ("shift
 * exponent 100 is too large") ends the sanitizer build with. Expected:
 * dir_len_mismatch, no undefined behaviour. In a child process, as above. */
static void h_global_depth_100(fixture *f)
{
    f->map.global_depth = 100;
    for (int t = 0; t < 3; t++)
        f->table[t].local_depth = 0;
}

static int child_depth(char *why, size_t size)
{
    return child_build(h_global_depth_100, "dir_len_mismatch", why, size);
}

static void h_global_depth_64(fixture *f)
{
    f->map.global_depth = 64;
    f->table[1].local_depth = 0;
}

static int child_depth64(char *why, size_t size)
{
    return child_build(h_global_depth_64, "dir_len_mismatch", why, size);
}

static void global_depth_over_63_shifts_nothing_too_far(void **state)
{
    (void)state;
    expect_child_ok("globalDepth 100, localDepth 0", child_depth);
    expect_child_ok("globalDepth 64, localDepth 0", child_depth64);
}

/* ---- the entry modes ---- */

typedef struct seen_entry {
    uint32_t table;
    uint64_t group;
    uint8_t slot, ctrl;
    char key[32];
    uint32_t key_len;
    bool key_readable;
    int64_t value;
} seen_entry;

typedef struct seen {
    seen_entry items[64];
    size_t n;
    size_t stop_after; /* 0: never stop */
} seen;

static int collect(void *ctx, const gmv_entry *e)
{
    seen *s = ctx;
    if (s->n >= COUNT(s->items))
        return -100;
    seen_entry *x = &s->items[s->n++];
    memset(x, 0, sizeof *x);
    x->table = e->table;
    x->group = e->group;
    x->slot = e->slot;
    x->ctrl = e->ctrl;
    x->key_readable = e->key.readable;
    x->key_len = e->key.len;
    if (e->key.bytes && e->key.len <= sizeof x->key)
        memcpy(x->key, e->key.bytes, e->key.len);
    x->value = e->elem.as.i;
    return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

/* Builds the map at MAP with each entry mode and compares what is visited. */
static void compare_modes(fixture *f, size_t expected)
{
    gmv_model *kept = NULL, *revisit = NULL, *read_only = NULL;
    assert_int_equal(gmv_model_build_with(&kept, f->src, &f->layout, MAP, NULL, GMV_ENTRIES_KEEP), 0);
    gmv_source *own = fake_memory_source(f->mem); /* the model takes it over */
    assert_int_equal(gmv_model_build_with(&revisit, own, &f->layout, MAP, NULL, GMV_ENTRIES_REVISIT), 0);
    assert_int_equal(gmv_model_build_with(&read_only, f->src, &f->layout, MAP, NULL, GMV_ENTRIES_READ), 0);
    size_t n;
    const gmv_entry *list = gmv_model_entries(kept, &n);
    assert_int_equal(n, expected);
    gmv_model_entries(revisit, &n);
    assert_int_equal(n, 0);
    gmv_model_entries(read_only, &n);
    assert_int_equal(n, 0);
    seen a = {0}, b = {0}, c = {0};
    assert_int_equal(gmv_model_each_entry(kept, collect, &a), 0);
    assert_int_equal(gmv_model_each_entry(revisit, collect, &b), 0);
    assert_int_equal(gmv_model_each_entry(read_only, collect, &c), 0);
    assert_int_equal(a.n, expected);
    assert_int_equal(b.n, expected);
    assert_int_equal(c.n, 0);
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(a.items[i].table, list[i].table);
        assert_int_equal(a.items[i].slot, list[i].slot);
        if (memcmp(&a.items[i], &b.items[i], sizeof a.items[i]) != 0)
            fail_msg("entry %zu differs: kept %s t%u g%llu s%u, revisited %s t%u g%llu s%u", i, a.items[i].key,
                     a.items[i].table, (unsigned long long)a.items[i].group, a.items[i].slot, b.items[i].key,
                     b.items[i].table, (unsigned long long)b.items[i].group, b.items[i].slot);
    }
    /* the same counts and anomalies in every mode */
    assert_int_equal(gmv_model_stats(revisit)->live_entries, expected);
    assert_int_equal(gmv_model_stats(read_only)->live_entries, expected);
    assert_memory_equal(&gmv_model_stats(revisit)->swiss, &gmv_model_stats(kept)->swiss, sizeof(gmv_swiss_stats));
    assert_int_equal(anomaly_count(revisit), anomaly_count(kept));
    assert_int_equal(anomaly_count(read_only), anomaly_count(kept));
    /* a visitor's non-zero return stops the visit and is returned */
    seen d = {.stop_after = 2};
    assert_int_equal(gmv_model_each_entry(revisit, collect, &d), 7);
    assert_int_equal(d.n, 2);
    gmv_model_free(kept);
    gmv_model_free(revisit);
    gmv_model_free(read_only);
}

static void revisit_visits_what_keep_lists(void **state)
{
    fixture *f = *state;
    write_healthy(f);
    compare_modes(f, 7);
    /* with an unreadable key among them */
    fake_swiss_put_string(f->mem, &f->layout, GROUPS_B, 2, 0x7f, UNMAPPED, 5, 50);
    compare_modes(f, 7);
}

static void revisit_visits_a_small_map(void **state)
{
    fixture *f = *state;
    write_small(f);
    compare_modes(f, 3);
}

static void string_keys_are_read_and_bad_ones_flagged(void **state)
{
    fixture *f = *state;
    write_healthy(f);
    /* a string longer than the limit, and one at unmapped memory */
    uint8_t *long_text = fake_memory_map(f->mem, 0x900000, 300);
    memset(long_text, 'z', 300);
    fake_swiss_put_string(f->mem, &f->layout, GROUPS_A, 3, 0x22, 0x900000, 300, 20);
    fake_swiss_put_string(f->mem, &f->layout, fake_swiss_group(&f->layout, GROUPS_C, 3), 0, 0x00, UNMAPPED, 4, 70);
    build_with(f, &(gmv_limits){.max_string = 16});
    size_t n;
    const gmv_entry *e = gmv_model_entries(f->model, &n);
    assert_int_equal(n, 7);
    assert_true(e[1].key.truncated);
    assert_int_equal(e[1].key.len, 16);
    assert_int_equal(e[1].key.full_len, 300);
    assert_false(e[6].key.readable);
    assert_true(e[6].elem.readable);
    assert_int_equal(e[6].elem.as.i, 70);
    const gmv_anomaly *a = NULL;
    assert_true(find_anomaly(f->model, "unreadable_entry", &a));
    assert_int_equal(a->table, 2);
    assert_int_equal(a->bucket, 3);
    assert_int_equal(a->address, fake_swiss_group(&f->layout, GROUPS_C, 3));
    assert_non_null(strstr(a->message, "key"));
    assert_int_equal(anomaly_count(f->model), 1);
}

/* A test run once per config, each run named after its config. */
#define CONFIG_RUN(fn, setup, td, i, tag) {#fn " (" tag ")", fn, setup, td, (void *)&CONFIGS[i]}
#define EACH_CONFIG_WITH(fn, setup, td)                                                              \
    CONFIG_RUN(fn, setup, td, 0, "amd64"), CONFIG_RUN(fn, setup, td, 1, "amd64, split groups"),      \
        CONFIG_RUN(fn, setup, td, 2, "386"), CONFIG_RUN(fn, setup, td, 3, "386, split groups"),      \
        CONFIG_RUN(fn, setup, td, 4, "go1.24")
#define EACH_CONFIG(fn, setup) EACH_CONFIG_WITH(fn, setup, teardown)
#define EACH_CONFIG_PLAIN(fn) EACH_CONFIG_WITH(fn, NULL, NULL)

int main(void)
{
    const struct CMUnitTest tests[] = {
        EACH_CONFIG(directory_of_three_tables, setup_int),
        EACH_CONFIG(directory_of_three_tables_string_keys, setup_string),
        EACH_CONFIG(tombstones_are_counted_and_match, setup_int),
        EACH_CONFIG(small_map, setup_int),
        EACH_CONFIG(small_map_string_keys, setup_string),
        EACH_CONFIG(map_without_storage_and_nil_map, setup_int),
        cmocka_unit_test_setup_teardown(classic_model_has_no_swiss_views, setup_int, teardown),
        cmocka_unit_test(ctrl_bytes_classify),
        EACH_CONFIG_PLAIN(every_anomaly_kind_is_reported),
        cmocka_unit_test(every_documented_kind_has_a_case),
        EACH_CONFIG_PLAIN(hostile_values_are_bounded),
        cmocka_unit_test_setup_teardown(many_unreadable_tables_cap_the_anomaly_list, setup_int, teardown),
        cmocka_unit_test(claimed_sizes_do_not_size_allocations),
        cmocka_unit_test(global_depth_over_63_shifts_nothing_too_far),
        EACH_CONFIG(revisit_visits_what_keep_lists, setup_string),
        EACH_CONFIG(revisit_visits_a_small_map, setup_string),
        cmocka_unit_test_setup_teardown(string_keys_are_read_and_bad_ones_flagged, setup_string, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
