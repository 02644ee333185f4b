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

static const char *const SAMPLES[] = {"small", "chains", "grow-doubling", "grow-same-size", "strint"};

/* Renders `model` into a malloc'd buffer. */
static char *render(const gmv_model *m, const gmv_origin *o, const gmv_graph_options *opt, gmv_graph_format f,
                    size_t *len)
{
    char *data = NULL;
    FILE *out = open_memstream(&data, len);
    int rc = gmv_render_graph(out, m, o, opt, f);
    fclose(out);
    if (rc != 0)
        fail_msg("render failed: %s", gmv_error_last());
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
                                      "samephases-2"};
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
    "<script>alert(1)</script>", "\" onload=\"alert(2)", "]]><x>", "&amp;&lt;", "\xff\xfe\x01" "bad", "a\nb\\c'd",
    "<svg onload=alert(3)>",
};

static gmv_model *hostile_model(fake_memory *mem)
{
    gmv_layout l = fake_layout_string_int();
    uint64_t hmap = 0x100000, array = 0x200000, text = 0x300000;
    fake_memory_map(mem, hmap, 48);
    fake_memory_map(mem, array, l.bucket_size);
    uint8_t *bytes = fake_memory_map(mem, text, 512);
    uint64_t at = text;
    size_t n = sizeof HOSTILE / sizeof HOSTILE[0];
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(HOSTILE[i]);
        memcpy(bytes + (at - text), HOSTILE[i], len);
        uint64_t header[2] = {at, len};
        int64_t v = (int64_t)i;
        fake_write_cell(mem, &l, array, (int)i, (uint8_t)(0x10 + i), header, &v);
        at += len;
    }
    fake_write_hmap(mem, &l, hmap, &(fake_hmap){.count = n, .B = 0, .buckets = array});
    gmv_source *src = fake_memory_source(mem);
    gmv_model *m = NULL;
    assert_int_equal(gmv_model_build(&m, src, &l, hmap, NULL), 0);
    gmv_source_free(src);
    return m;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_match_their_golden_dot_and_dot_reads_it),
        cmocka_unit_test(lean_model_gives_the_same_json),
        cmocka_unit_test(hostile_keys_stay_text_in_svg_and_dot),
        cmocka_unit_test(png_is_a_png),
        cmocka_unit_test(focus_options_pick_buckets_or_fail_clearly),
        cmocka_unit_test(longest_focus_draws_only_the_longest_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
