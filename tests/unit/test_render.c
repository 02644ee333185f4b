/* Render tests: golden DOT for the sample snapshots, SVG parsed as XML with
 * hostile keys, a real PNG, determinism. Set GMV_UPDATE_GOLDEN=1 to rewrite
 * the golden files (see tests/golden/README.md). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <graphviz/cgraph.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomapviz/render.h"
#include "gomapviz/snapshot.h"
#include "support/fake_memory.h"
#include "support/fake_swiss.h"

static const char *const SAMPLES[] = {"small",          "chains",          "grow-doubling",   "grow-same-size",
                                      "strint",         "swiss-small",     "swiss-tombstones", "swiss-tables",
                                      "values-structs", "values-funcs",    "values-pointers", "values-interfaces",
                                      "values-nested"};

/* Renders `model` into a malloc'd, NUL-terminated buffer of *len bytes (the
 * caller frees it). Through a temporary file rather than open_memstream,
 * whose buffer GCC 12 at -O3 takes for a dangling pointer to a local. */
static char *render(const gmv_model *m, const gmv_origin *o, const gmv_graph_options *opt, gmv_graph_format f,
                    size_t *len)
{
    FILE *out = tmpfile();
    assert_non_null(out);
    int rc = gmv_render_graph(out, m, o, opt, f);
    if (rc != 0)
        fail_msg("render failed: %s", gmv_error_last());
    long size = ftell(out);
    assert_true(size >= 0);
    char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    rewind(out);
    assert_int_equal(fread(data, 1, (size_t)size, out), (size_t)size);
    fclose(out);
    data[size] = '\0';
    *len = (size_t)size;
    return data;
}

static gmv_snapshot *load_sample(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/samples/snapshots/%s.gmvs", getenv("GMV_SOURCE_DIR"), name);
    gmv_snapshot *snap = NULL;
    if (gmv_snapshot_read_file(&snap, path) != 0)
        fail_msg("%s", gmv_error_last());
    return snap;
}

/* Compares `text` with the golden file, or rewrites it when asked to. */
static void check_golden(const char *name, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/golden/%s.dot", getenv("GMV_SOURCE_DIR"), name);
    if (getenv("GMV_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fwrite(text, 1, len, f);
        fclose(f);
        return;
    }
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("missing golden file %s (run with GMV_UPDATE_GOLDEN=1)", path);
    char *golden = malloc(len + 2);
    size_t got = fread(golden, 1, len + 1, f);
    fclose(f);
    if (got != len || memcmp(golden, text, len) != 0)
        fail_msg("%s differs from the DOT rendered now (%zu vs %zu bytes)", path, got, len);
    free(golden);
}

static void samples_match_their_golden_dot_and_dot_reads_it(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
        gmv_snapshot *snap = load_sample(SAMPLES[i]);
        gmv_model *m = NULL;
        assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
        size_t len, len2;
        char *dot = render(m, gmv_snapshot_origin(snap), NULL, GMV_GRAPH_DOT, &len);
        char *again = render(m, gmv_snapshot_origin(snap), NULL, GMV_GRAPH_DOT, &len2);
        assert_int_equal(len, len2);
        assert_memory_equal(dot, again, len);
        check_golden(SAMPLES[i], dot, len);
        Agraph_t *g = agmemread(dot);
        assert_non_null(g);
        assert_true(agnnodes(g) >= 3);
        agclose(g);
        free(dot);
        free(again);
        gmv_model_free(m);
        gmv_snapshot_free(snap);
    }
}

/* A lean model (no entry list: entries decoded again as they are written)
 * gives byte for byte the JSON of a full one, for every sample. */
static void lean_model_gives_the_same_json(void **state)
{
    (void)state;
    static const char *const all[] = {"small", "chains", "grow-doubling", "grow-same-size", "strint",
                                      "phases-0", "phases-1", "phases-2", "samephases-0", "samephases-1",
                                      "samephases-2", "swiss-small", "swiss-tombstones", "swiss-tables",
                                      "swiss-split-0", "swiss-split-1", "swiss-split-2", "swiss-small-to-table-0",
                                      "swiss-small-to-table-1", "swiss-small-to-table-2"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        gmv_snapshot *snap = load_sample(all[i]);
        gmv_model *full = NULL, *lean = NULL;
        assert_int_equal(gmv_snapshot_build_model(&full, snap, NULL), 0);
        assert_int_equal(gmv_snapshot_build_lean_model(&lean, snap, NULL), 0);
        size_t listed = 0;
        gmv_model_entries(lean, &listed);
        assert_int_equal(listed, 0);
        gmv_model_entries(full, &listed);
        assert_true(listed > 0);
        char *a = NULL, *b = NULL;
        size_t alen = 0, blen = 0;
        FILE *out = open_memstream(&a, &alen);
        assert_int_equal(gmv_render_json(out, full, gmv_snapshot_origin(snap)), 0);
        fclose(out);
        out = open_memstream(&b, &blen);
        assert_int_equal(gmv_render_json(out, lean, gmv_snapshot_origin(snap)), 0);
        fclose(out);
        if (alen != blen || memcmp(a, b, alen) != 0)
            fail_msg("%s: the lean model's JSON differs (%zu vs %zu bytes)", all[i], blen, alen);
        free(a);
        free(b);
        gmv_model_free(full);
        gmv_model_free(lean);
        gmv_snapshot_free(snap);
    }
}

/* Walks an XML tree: no <script>, no on* attributes, no foreign hrefs. */
static void assert_inert(xmlNode *node)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)node->name, "script") == 0 || strcmp((const char *)node->name, "foreignObject") == 0)
            fail_msg("SVG has a <%s> element", node->name);
        for (xmlAttr *a = node->properties; a; a = a->next) {
            if (strncmp((const char *)a->name, "on", 2) == 0)
                fail_msg("SVG has an event attribute %s", a->name);
        }
        assert_inert(node->children);
    }
}

/* Finds the text `needle` anywhere in the tree's text nodes. */
static bool has_text(xmlNode *node, const char *needle)
{
    for (; node; node = node->next) {
        if (node->type == XML_TEXT_NODE && node->content && strstr((const char *)node->content, needle))
            return true;
        if (has_text(node->children, needle))
            return true;
    }
    return false;
}

/* A map[string]int64 whose keys and values try to break out of every format. */
static const char *const HOSTILE[] = {
    "<script>alert(1)</script>", "\" onload=\"alert(2)", "]]><x>", "&amp;&lt;", "\xff\xfe\x01\x62\x61\x64" /* then "bad" */, "a\nb\\c'd",
    "<svg onload=alert(3)>",
};

/* A map[string]int64 in one bucket (B = 0, no flag set): `n` (<= 8) keys,
 * key i of `lens[i]` bytes at `keys[i]`, value i, tophash 0x10 + i, in `mem`. */
static gmv_model *string_map_model(fake_memory *mem, const char *const *keys, const size_t *lens, size_t n)
{
    gmv_layout l = fake_layout_string_int();
    uint64_t hmap = 0x100000, array = 0x200000, text = 0x300000, total = 0;
    for (size_t i = 0; i < n; i++)
        total += lens[i];
    fake_memory_map(mem, hmap, 48);
    fake_memory_map(mem, array, l.bucket_size);
    uint8_t *bytes = fake_memory_map(mem, text, total ? total : 1);
    uint64_t at = text;
    for (size_t i = 0; i < n; i++) {
        memcpy(bytes + (at - text), keys[i], lens[i]);
        uint64_t header[2] = {at, lens[i]};
        int64_t v = (int64_t)i;
        fake_write_cell(mem, &l, array, (int)i, (uint8_t)(0x10 + i), header, &v);
        at += lens[i];
    }
    fake_write_hmap(mem, &l, hmap, &(fake_hmap){.count = n, .B = 0, .buckets = array});
    gmv_source *src = fake_memory_source(mem);
    gmv_model *m = NULL;
    assert_int_equal(gmv_model_build(&m, src, &l, hmap, NULL), 0);
    gmv_source_free(src);
    return m;
}

/* The HOSTILE keys as a map. */
static gmv_model *hostile_model(fake_memory *mem)
{
    size_t n = sizeof HOSTILE / sizeof HOSTILE[0], lens[sizeof HOSTILE / sizeof HOSTILE[0]];
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(HOSTILE[i]);
    return string_map_model(mem, HOSTILE, lens, n);
}

static void hostile_keys_stay_text_in_svg_and_dot(void **state)
{
    (void)state;
    fake_memory *mem = fake_memory_new();
    gmv_model *m = hostile_model(mem);
    gmv_graph_options opt = {.max_text = 64};
    size_t len;
    char *svg = render(m, NULL, &opt, GMV_GRAPH_SVG, &len);
    xmlDoc *doc = xmlReadMemory(svg, (int)len, "hostile.svg", NULL, XML_PARSE_NONET);
    if (!doc)
        fail_msg("the SVG is not well-formed XML");
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "svg");
    assert_inert(root);
    assert_true(has_text(root, "<script>alert(1)</script>"));
    assert_true(has_text(root, "\\xff\\xfe\\x01bad"));
    xmlFreeDoc(doc);
    char *svg2 = render(m, NULL, &opt, GMV_GRAPH_SVG, &len);
    assert_string_equal(svg, svg2);
    char *dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    Agraph_t *g = agmemread(dot);
    assert_non_null(g);
    agclose(g);
    assert_null(strstr(dot, "<script>"));
    free(svg);
    free(svg2);
    free(dot);
    gmv_model_free(m);
    fake_memory_free(mem);
}


/* A map of one entry in one bucket, no flag set: text and pictures say
 * "1 bucket", "1 entry" and "flags none" alike (they said "1 buckets",
 * "1 entries", and "0" for the flags in pictures). */
static void one_of_each_reads_in_the_singular(void **state)
{
    (void)state;
    fake_memory *mem = fake_memory_new();
    gmv_model *m = string_map_model(mem, (const char *const[]){"one"}, (const size_t[]){3}, 1);
    size_t len;
    char *dot = render(m, NULL, NULL, GMV_GRAPH_DOT, &len);
    assert_non_null(strstr(dot, "1 entry in 1 bucket"));
    assert_non_null(strstr(dot, "0 (1 bucket)"));
    assert_non_null(strstr(dot, ">none<"));
    assert_null(strstr(dot, "1 buckets"));
    free(dot);
    FILE *out = tmpfile();
    assert_int_equal(gmv_render_stats(out, m, NULL), 0);
    char stats[2048] = {0};
    rewind(out);
    size_t got = fread(stats, 1, sizeof stats - 1, out);
    stats[got] = '\0';
    fclose(out);
    assert_non_null(strstr(stats, "(1 bucket of "));
    assert_non_null(strstr(stats, "flags none"));
    assert_non_null(strstr(stats, " 1 live entry,"));
    gmv_model_free(m);
    fake_memory_free(mem);
}

/* The width and height an SVG declares, in points. */
static void svg_size(const char *svg, double *width, double *height)
{
    const char *w = strstr(svg, "<svg width=\"");
    assert_non_null(w);
    *width = atof(w + strlen("<svg width=\""));
    const char *h = strstr(w, "height=\"");
    assert_non_null(h);
    *height = atof(h + strlen("height=\""));
}

/* A middle-sized map (64 buckets, all drawn) is wrapped in columns: its
 * picture is about as wide as tall, not one column of 64 buckets (it was
 * 727 x 16511 pixels); so is a Swiss table of 128 groups drawn whole; a map
 * of up to 16 buckets keeps one column. */
static void middle_sized_map_keeps_a_screen_shape(void **state)
{
    (void)state;
    gmv_snapshot *snap = load_sample("strint"); /* B = 6: 64 buckets, no overflow */
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    size_t len;
    char *svg = render(m, NULL, NULL, GMV_GRAPH_SVG, &len);
    double width, height;
    svg_size(svg, &width, &height);
    assert_true(width > 0 && height > 0);
    assert_true(width / height >= 0.75 && width / height <= 2.5);
    free(svg);
    gmv_model_free(m);
    gmv_snapshot_free(snap);

    snap = load_sample("swiss-tables"); /* --table 0: all 128 groups of a table (was 2563 x 12759 px) */
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    gmv_graph_options table = {.has_focus_table = true, .focus_table = 0};
    svg = render(m, NULL, &table, GMV_GRAPH_SVG, &len);
    svg_size(svg, &width, &height);
    assert_true(width / height >= 0.75 && width / height <= 2.5);
    free(svg);
    gmv_model_free(m);
    gmv_snapshot_free(snap);

    snap = load_sample("chains"); /* 8 buckets: one column */
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    char *dot = render(m, NULL, NULL, GMV_GRAPH_DOT, &len);
    assert_null(strstr(dot, "buckets_column1"));
    free(dot);
    gmv_model_free(m);
    gmv_snapshot_free(snap);
}

/* A PNG past 32767 pixels on a side is refused, not shrunk or clipped: one
 * bucket whose key is 6000 characters, drawn whole (--max-text 100000). */
static void png_too_large_is_refused(void **state)
{
    (void)state;
    fake_memory *mem = fake_memory_new();
    char key[6000];
    memset(key, 'x', sizeof key);
    gmv_model *m = string_map_model(mem, (const char *const[]){key}, (const size_t[]){sizeof key}, 1);
    gmv_graph_options opt = {.max_text = 100000};
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(gmv_render_graph(out, m, NULL, &opt, GMV_GRAPH_PNG), GMV_ERR_UNSUPPORTED);
    assert_non_null(strstr(gmv_error_last(), "past the 32767 a PNG can have on a side"));
    fclose(out);
    opt.max_text = 0; /* the default cuts the key at 20 characters: a PNG of a normal size */
    size_t png_len;
    free(render(m, NULL, &opt, GMV_GRAPH_PNG, &png_len));
    assert_true(png_len > 0);
    gmv_model_free(m);
    fake_memory_free(mem);
}

static void png_is_a_png(void **state)
{
    (void)state;
    gmv_snapshot *snap = load_sample("grow-doubling");
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    size_t len;
    char *png = render(m, gmv_snapshot_origin(snap), NULL, GMV_GRAPH_PNG, &len);
    assert_true(len > 1000);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(png + 12, "IHDR", 4);
    uint32_t width = (uint32_t)(unsigned char)png[16] << 24 | (uint32_t)(unsigned char)png[17] << 16 |
                     (uint32_t)(unsigned char)png[18] << 8 | (unsigned char)png[19];
    assert_true(width > 300);
    free(png);
    gmv_model_free(m);
    gmv_snapshot_free(snap);
}

static void focus_options_pick_buckets_or_fail_clearly(void **state)
{
    (void)state;
    gmv_snapshot *snap = load_sample("strint");
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    size_t len;
    gmv_graph_options opt = {.has_focus_range = true, .focus_first = 3, .focus_last = 4};
    char *dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    assert_non_null(strstr(dot, "PORT=\"b3\""));
    assert_non_null(strstr(dot, "PORT=\"b4\""));
    assert_null(strstr(dot, "PORT=\"b5\""));
    assert_non_null(strstr(dot, "summary"));
    free(dot);
    opt = (gmv_graph_options){.focus_key = "key-0024-x"};
    dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    /* its bucket is drawn, and its key cell (only it) is highlighted */
    const char *highlight = "BGCOLOR=\"#fff1a8\">";
    const char *cell = strstr(dot, highlight);
    assert_non_null(cell);
    assert_true(strncmp(cell + strlen(highlight), "&quot;key-0024-x&quot;", 22) == 0);
    assert_null(strstr(cell + 1, highlight));
    free(dot);
    opt = (gmv_graph_options){.focus_key = "no such key"};
    FILE *out = fopen("/dev/null", "w");
    assert_int_equal(gmv_render_graph(out, m, NULL, &opt, GMV_GRAPH_DOT), GMV_ERR_INVALID);
    assert_non_null(strstr(gmv_error_last(), "no entry has the key no such key"));
    opt = (gmv_graph_options){.has_focus_range = true, .focus_first = 100, .focus_last = 200};
    assert_int_equal(gmv_render_graph(out, m, NULL, &opt, GMV_GRAPH_DOT), GMV_ERR_INVALID);
    fclose(out);
    gmv_model_free(m);
    gmv_snapshot_free(snap);
}

static void longest_focus_draws_only_the_longest_chains(void **state)
{
    (void)state;
    gmv_snapshot *snap = load_sample("chains"); /* 8 buckets, 7 of them with one overflow bucket */
    gmv_model *m = NULL;
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    size_t len;
    gmv_graph_options opt = {.focus_longest = true, .longest_chains = 2};
    char *dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    /* equal lengths: the first two chains, and the summary of all eight */
    assert_non_null(strstr(dot, "PORT=\"b0\""));
    assert_non_null(strstr(dot, "PORT=\"b1\""));
    assert_null(strstr(dot, "PORT=\"b3\""));
    assert_non_null(strstr(dot, "2 of 8 buckets drawn in full (the longest chains)"));
    /* fill counts the cells of overflow buckets too: never above 100% */
    for (const char *p = strchr(dot, '%'); p; p = strchr(p + 1, '%')) {
        const char *digits = p;
        while (digits > dot && digits[-1] >= '0' && digits[-1] <= '9')
            digits--;
        if (digits < p)
            assert_true(atoi(digits) <= 100);
    }
    free(dot);
    gmv_model_free(m);
    gmv_snapshot_free(snap);

    snap = load_sample("small"); /* no overflow bucket at all */
    assert_int_equal(gmv_snapshot_build_model(&m, snap, NULL), 0);
    FILE *out = fopen("/dev/null", "w");
    assert_int_equal(gmv_render_graph(out, m, NULL, &opt, GMV_GRAPH_DOT), GMV_ERR_INVALID);
    assert_non_null(strstr(gmv_error_last(), "no bucket of the map has an overflow chain"));
    fclose(out);
    gmv_model_free(m);
    gmv_snapshot_free(snap);
}

/* ---- Swiss-table diagrams ---- */

static gmv_model *sample_model(const char *name, gmv_snapshot **snap)
{
    *snap = load_sample(name);
    gmv_model *m = NULL;
    if (gmv_snapshot_build_model(&m, *snap, NULL) != 0)
        fail_msg("%s: %s", name, gmv_error_last());
    return m;
}

/* Renders DOT with `opt`, which must fail with GMV_ERR_INVALID and a
 * message holding `text`. */
static void assert_focus_fails(const gmv_model *m, const gmv_graph_options *opt, const char *text)
{
    char *data = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&data, &len);
    int rc = gmv_render_graph(out, m, NULL, opt, GMV_GRAPH_DOT);
    fclose(out);
    free(data);
    if (rc != GMV_ERR_INVALID)
        fail_msg("render returned %d, expected GMV_ERR_INVALID (for \"%s\")", rc, text);
    if (!strstr(gmv_error_last(), text))
        fail_msg("message \"%s\" lacks \"%s\"", gmv_error_last(), text);
}

/* True if the DOT has a node named `name` (read back with cgraph). */
static bool dot_has_node(const char *dot, const char *name)
{
    Agraph_t *g = agmemread(dot);
    assert_non_null(g);
    bool found = agnode(g, (char *)name, 0) != NULL;
    agclose(g);
    return found;
}

/* Counts the occurrences of `needle` in `text`. */
static size_t occurrences(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void swiss_whole_map_draws_every_group(void **state)
{
    (void)state;
    gmv_snapshot *snap;
    gmv_model *m = sample_model("swiss-tombstones", &snap); /* one table, 8 groups, 4 tombstones */
    size_t len;
    char *dot = render(m, gmv_snapshot_origin(snap), NULL, GMV_GRAPH_DOT, &len);
    assert_true(dot_has_node(dot, "table0"));
    assert_true(dot_has_node(dot, "directory"));
    assert_false(dot_has_node(dot, "tables")); /* no summary */
    for (int i = 0; i < 8; i++) {
        char group[32];
        snprintf(group, sizeof group, "<B>group %d</B>", i);
        assert_int_equal(occurrences(dot, group), 1);
    }
    assert_int_equal(occurrences(dot, ">fe deleted<"), 4 + 1); /* its 4 tombstones, and the legend's */
    /* the title: variable, type, contents, version, implementation */
    assert_non_null(strstr(dot, "<B>main.pantry</B> map[string]int"));
    assert_non_null(strstr(dot, "36 entries in 1 table, 8 groups, 1 directory entry"));
    assert_non_null(strstr(dot, "go1.26.11 64-bit \xc2\xb7 Swiss tables"));
    free(dot);
    /* a limit below its 8 groups: the summary, and the groups with tombstones */
    gmv_graph_options opt = {.full_limit = 4};
    dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    assert_true(dot_has_node(dot, "tables"));
    assert_non_null(strstr(dot, "the groups with the most tombstones"));
    free(dot);
    gmv_model_free(m);
    gmv_snapshot_free(snap);
}

static void swiss_focus_table_and_groups(void **state)
{
    (void)state;
    gmv_snapshot *snap;
    gmv_model *m = sample_model("swiss-tables", &snap); /* 3 tables of 128 groups */
    size_t len;
    /* one table, in full */
    gmv_graph_options opt = {.has_focus_table = true, .focus_table = 1};
    char *dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    assert_true(dot_has_node(dot, "table1"));
    assert_false(dot_has_node(dot, "table0"));
    assert_false(dot_has_node(dot, "table2"));
    assert_true(dot_has_node(dot, "tables"));
    assert_int_equal(occurrences(dot, "<B>group 0</B>"), 1);
    assert_int_equal(occurrences(dot, "<B>group 127</B>"), 1);
    assert_null(strstr(dot, "<B>group 128</B>"));
    assert_non_null(strstr(dot, "128 of 384 groups drawn in full (the focus)"));
    free(dot);
    /* some groups of table 0 (the default table) */
    opt = (gmv_graph_options){.has_focus_groups = true, .groups_first = 5, .groups_last = 7};
    dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    assert_true(dot_has_node(dot, "table0"));
    assert_false(dot_has_node(dot, "table1"));
    for (int i = 3; i < 10; i++) {
        char group[32];
        snprintf(group, sizeof group, "<B>group %d</B>", i);
        assert_int_equal(occurrences(dot, group), i >= 5 && i <= 7);
    }
    assert_non_null(strstr(dot, "3 of 128 groups drawn"));
    assert_non_null(strstr(dot, "3 of 384 groups drawn in full (the focus)"));
    /* each drawn group shows its address */
    size_t ntables, ngroups;
    const gmv_table *t = gmv_model_tables(m, &ntables);
    const gmv_group *g = gmv_model_groups(m, &ngroups);
    char address[64];
    snprintf(address, sizeof address, "0x%llx</FONT>", (unsigned long long)g[t[0].first_group + 6].address);
    assert_non_null(strstr(dot, address));
    free(dot);
    /* groups of another table, up to its end */
    opt = (gmv_graph_options){.has_focus_table = true, .focus_table = 2, .has_focus_groups = true,
                              .groups_first = 126, .groups_last = 1000};
    dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    assert_true(dot_has_node(dot, "table2"));
    assert_int_equal(occurrences(dot, "<B>group 126</B>") + occurrences(dot, "<B>group 127</B>"), 2);
    assert_non_null(strstr(dot, "2 of 384 groups drawn in full"));
    free(dot);
    /* focus that names nothing */
    opt = (gmv_graph_options){.has_focus_table = true, .focus_table = 3};
    assert_focus_fails(m, &opt, "no table 3: the map has 3 tables");
    opt = (gmv_graph_options){.has_focus_table = true, .focus_table = UINT64_MAX};
    assert_focus_fails(m, &opt, "the map has 3 tables");
    opt = (gmv_graph_options){.has_focus_groups = true, .groups_first = 128, .groups_last = 200};
    assert_focus_fails(m, &opt, "table 0 has no group in 128-200");
    opt = (gmv_graph_options){.has_focus_table = true, .focus_table = 1, .has_focus_groups = true,
                              .groups_first = 9, .groups_last = 3};
    assert_focus_fails(m, &opt, "table 1 has no group in 9-3");
    gmv_model_free(m);
    gmv_snapshot_free(snap);
}

static void swiss_focus_key(void **state)
{
    (void)state;
    gmv_snapshot *snap;
    gmv_model *m = sample_model("swiss-tables", &snap);
    size_t n, ntables;
    const gmv_entry *e = gmv_model_entries(m, &n);
    gmv_model_tables(m, &ntables);
    const gmv_entry *pick = &e[n - 1]; /* the last entry: in the last table */
    char key[32], group[32], table[16];
    snprintf(key, sizeof key, "%lld", (long long)pick->key.as.i);
    snprintf(group, sizeof group, "<B>group %llu</B>", (unsigned long long)pick->group);
    snprintf(table, sizeof table, "table%u", pick->table);
    gmv_graph_options opt = {.focus_key = key};
    size_t len;
    char *dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    assert_true(dot_has_node(dot, table));
    assert_int_equal(occurrences(dot, "<B>group "), 1); /* one key, one group */
    assert_non_null(strstr(dot, group));
    const char *highlight = "BGCOLOR=\"#fff1a8\">";
    const char *cell = strstr(dot, highlight);
    assert_non_null(cell);
    assert_int_equal(strncmp(cell + strlen(highlight), key, strlen(key)), 0);
    assert_int_equal(occurrences(dot, highlight), 1);
    assert_non_null(strstr(dot, "1 of 384 groups drawn in full (the focus)"));
    free(dot);
    opt = (gmv_graph_options){.focus_key = "12345"};
    assert_focus_fails(m, &opt, "no entry has the key 12345");
    gmv_model_free(m);
    gmv_snapshot_free(snap);
}

static void swiss_small_map_focus(void **state)
{
    (void)state;
    gmv_snapshot *snap;
    gmv_model *m = sample_model("swiss-small", &snap);
    size_t len;
    gmv_graph_options opt = {.has_focus_table = true, .focus_table = 0};
    char *dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    assert_true(dot_has_node(dot, "small_group"));
    assert_false(dot_has_node(dot, "directory"));
    free(dot);
    opt = (gmv_graph_options){.focus_key = "banana"};
    dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    const char *cell = strstr(dot, "BGCOLOR=\"#fff1a8\">");
    assert_non_null(cell);
    assert_non_null(strstr(cell, "banana"));
    assert_int_equal(occurrences(dot, "BGCOLOR=\"#fff1a8\""), 1);
    free(dot);
    opt = (gmv_graph_options){.has_focus_table = true, .focus_table = 1};
    assert_focus_fails(m, &opt, "no table 1: the map has 0 tables");
    opt = (gmv_graph_options){.has_focus_groups = true, .groups_first = 1, .groups_last = 3};
    assert_focus_fails(m, &opt, "table 0 has no group in 1-3");
    opt = (gmv_graph_options){.focus_key = "durian"};
    assert_focus_fails(m, &opt, "no entry has the key durian");
    gmv_model_free(m);
    gmv_snapshot_free(snap);
}

/* A focus of the other implementation is an error, with a message that says
 * what to use instead. */
static void focus_of_the_other_implementation_is_refused(void **state)
{
    (void)state;
    gmv_snapshot *swiss_snap, *classic_snap;
    gmv_model *swiss = sample_model("swiss-tables", &swiss_snap);
    gmv_model *classic = sample_model("strint", &classic_snap);
    gmv_graph_options opt = {.has_focus_range = true, .focus_first = 0, .focus_last = 1};
    assert_focus_fails(swiss, &opt, "a Swiss-table map has groups, not buckets");
    opt = (gmv_graph_options){.focus_longest = true, .longest_chains = 3};
    assert_focus_fails(swiss, &opt, "a Swiss-table map has groups, not buckets");
    opt = (gmv_graph_options){.has_focus_table = true, .focus_table = 0};
    assert_focus_fails(classic, &opt, "a classic map has buckets, not tables or groups");
    opt = (gmv_graph_options){.has_focus_groups = true, .groups_first = 0, .groups_last = 1};
    assert_focus_fails(classic, &opt, "a classic map has buckets, not tables or groups");
    /* the small Swiss map too */
    gmv_snapshot *small_snap;
    gmv_model *small = sample_model("swiss-small", &small_snap);
    opt = (gmv_graph_options){.has_focus_range = true, .focus_first = 0, .focus_last = 0};
    assert_focus_fails(small, &opt, "a Swiss-table map has groups");
    gmv_model_free(small);
    gmv_snapshot_free(small_snap);
    gmv_model_free(swiss);
    gmv_model_free(classic);
    gmv_snapshot_free(swiss_snap);
    gmv_snapshot_free(classic_snap);
}

/* A small Swiss map whose keys try to break out of SVG and DOT. */
/* A summary draws the groups that anomalies name, found through the
 * anomalies (a map of millions of groups must not look at each). */
static void swiss_summary_draws_groups_with_anomalies(void **state)
{
    (void)state;
    fake_memory *mem = fake_memory_new();
    gmv_layout l = fake_swiss_layout(8, "go1.26.1", false, false);
    const uint64_t map = 0x100000, dir = 0x110000, tables[2] = {0x120000, 0x130000};
    const uint64_t groups[2] = {0x200000, 0x300000};
    fake_swiss_map_header(mem, &l, map,
                          &(fake_swiss_map){.used = 4, .dir_ptr = dir, .dir_len = 2, .global_depth = 1,
                                            .global_shift = 63});
    fake_swiss_map_directory(mem, &l, dir, tables, 2);
    for (int t = 0; t < 2; t++) {
        fake_swiss_table tab = {.used = 2, .capacity = 64, .growth_left = 56 - 2, .local_depth = 1,
                                .index = t, .groups_data = groups[t], .length_mask = 7};
        fake_swiss_map_table(mem, &l, tables[t], &tab);
        fake_swiss_map_groups(mem, &l, groups[t], 8);
        fake_swiss_put_int(mem, &l, fake_swiss_group(&l, groups[t], 0), 0, 0x11, 10 + t);
        fake_swiss_put_int(mem, &l, fake_swiss_group(&l, groups[t], 1), 0, 0x12, 20 + t);
    }
    /* control bytes that are no state: group 6 of table 0, group 3 of table 1 */
    fake_swiss_put_slot(mem, &l, fake_swiss_group(&l, groups[0], 6), 4, 0x81, NULL, NULL);
    fake_swiss_put_slot(mem, &l, fake_swiss_group(&l, groups[1], 3), 2, 0xc1, NULL, NULL);
    gmv_source *src = fake_memory_source(mem);
    gmv_model *m = NULL;
    assert_int_equal(gmv_model_build(&m, src, &l, map, NULL), 0);
    gmv_graph_options opt = {.full_limit = 4}; /* 16 groups: a summary */
    size_t len;
    char *dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    assert_true(dot_has_node(dot, "table0"));
    assert_true(dot_has_node(dot, "table1"));
    assert_int_equal(occurrences(dot, "<B>group 6</B>"), 1);
    assert_int_equal(occurrences(dot, "<B>group 3</B>"), 1);
    assert_int_equal(occurrences(dot, "<B>group 0</B>"), 0);
    assert_non_null(strstr(dot, "2 of 16 groups drawn in full (the groups with the most tombstones and any "
                                "with anomalies)"));
    free(dot);
    gmv_model_free(m);
    gmv_source_free(src);
    fake_memory_free(mem);
}

static void hostile_keys_stay_text_in_swiss_svg(void **state)
{
    (void)state;
    fake_memory *mem = fake_memory_new();
    gmv_layout l = fake_swiss_layout(8, "go1.26.1", false, true);
    uint64_t map = 0x100000, group = 0x200000, text = 0x300000;
    size_t n = sizeof HOSTILE / sizeof HOSTILE[0];
    fake_swiss_map_header(mem, &l, map, &(fake_swiss_map){.used = n, .dir_ptr = group});
    fake_swiss_map_groups(mem, &l, group, 1);
    uint8_t *bytes = fake_memory_map(mem, text, 512);
    uint64_t at = text;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(HOSTILE[i]);
        memcpy(bytes + (at - text), HOSTILE[i], len);
        fake_swiss_put_string(mem, &l, group, (int)i, (uint8_t)(0x10 + i), at, len, (int64_t)i);
        at += len;
    }
    gmv_source *src = fake_memory_source(mem);
    gmv_model *m = NULL;
    assert_int_equal(gmv_model_build(&m, src, &l, map, NULL), 0);
    gmv_graph_options opt = {.max_text = 64};
    size_t len;
    char *svg = render(m, NULL, &opt, GMV_GRAPH_SVG, &len);
    xmlDoc *doc = xmlReadMemory(svg, (int)len, "hostile.svg", NULL, XML_PARSE_NONET);
    if (!doc)
        fail_msg("the SVG is not well-formed XML");
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_inert(root);
    assert_true(has_text(root, "<script>alert(1)</script>"));
    assert_true(has_text(root, "\\xff\\xfe\\x01bad"));
    xmlFreeDoc(doc);
    char *dot = render(m, NULL, &opt, GMV_GRAPH_DOT, &len);
    Agraph_t *g = agmemread(dot);
    assert_non_null(g);
    agclose(g);
    assert_null(strstr(dot, "<script>"));
    free(svg);
    free(dot);
    gmv_model_free(m);
    gmv_source_free(src);
    fake_memory_free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_match_their_golden_dot_and_dot_reads_it),
        cmocka_unit_test(lean_model_gives_the_same_json),
        cmocka_unit_test(hostile_keys_stay_text_in_svg_and_dot),
        cmocka_unit_test(png_is_a_png),
        cmocka_unit_test(focus_options_pick_buckets_or_fail_clearly),
        cmocka_unit_test(longest_focus_draws_only_the_longest_chains),
        cmocka_unit_test(swiss_whole_map_draws_every_group),
        cmocka_unit_test(swiss_focus_table_and_groups),
        cmocka_unit_test(swiss_focus_key),
        cmocka_unit_test(swiss_small_map_focus),
        cmocka_unit_test(swiss_summary_draws_groups_with_anomalies),
        cmocka_unit_test(focus_of_the_other_implementation_is_refused),
        cmocka_unit_test(hostile_keys_stay_text_in_swiss_svg),
        cmocka_unit_test(middle_sized_map_keeps_a_screen_shape),
        cmocka_unit_test(one_of_each_reads_in_the_singular),
        cmocka_unit_test(png_too_large_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
