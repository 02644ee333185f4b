/* The oracles of the fuzz harnesses and the model harness's layouts. */
#include "fuzz_support.h"

#include <graphviz/cgraph.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomapviz/render.h"

static void finding(const char *what, const char *detail)
{
    fprintf(stderr, "FUZZ FINDING: %s: %s\n", what, detail);
    abort();
}

void fuzz_check_failure(int rc, const char *what, const int *allowed)
{
    bool ok = false;
    for (const int *a = allowed; *a; a++)
        ok = ok || rc == *a;
    const char *message = gmv_error_last();
    char detail[1200];
    snprintf(detail, sizeof detail, "status %d, last code %d, message \"%s\"", rc, gmv_error_last_code(), message);
    if (!ok)
        finding(what, detail);
    if (gmv_error_last_code() != rc || message[0] == '\0' || strpbrk(message, "\r\n") != NULL)
        finding(what, detail);
}

/* Renders into memory with `render`; the caller frees *buf. */
static size_t render_to_memory(char **buf, int (*render)(FILE *, const void *), const void *arg, const char *what)
{
    size_t len = 0;
    FILE *f = open_memstream(buf, &len);
    if (!f)
        finding(what, "open_memstream failed");
    int rc = render(f, arg);
    if (fclose(f) != 0)
        finding(what, "fclose failed");
    if (rc != 0)
        finding(what, gmv_error_last());
    return len;
}

typedef struct render_args {
    const gmv_model *model;
    const gmv_origin *origin;
    const gmv_graph_options *options;
} render_args;

static int json_render(FILE *f, const void *arg)
{
    const render_args *a = arg;
    return gmv_render_json(f, a->model, a->origin);
}

static int stats_render(FILE *f, const void *arg)
{
    const render_args *a = arg;
    return gmv_render_stats(f, a->model, a->origin);
}

static int dot_render(FILE *f, const void *arg)
{
    const render_args *a = arg;
    return gmv_render_graph(f, a->model, a->origin, a->options, GMV_GRAPH_DOT);
}

/* Diagram options from one byte: bits 0-1 the full-view limit, bit 2 a focus
 * range starting at bits 5-7 (for a Swiss map: table bits 5-6, with bit 3
 * its groups from bit 7), bit 3 a one-bucket focus, bit 4 a focus key,
 * bit 5 short texts, bit 6 a single longest chain, and with bit 7 (and no
 * focus range) that chain as the focus (--longest 1). */
static gmv_graph_options options_of(uint8_t v, bool swiss)
{
    static const uint64_t full_limits[4] = {0, 1, 4, 16};
    gmv_graph_options o = {.full_limit = full_limits[v & 3]};
    if ((v & 4) && swiss) {
        o.has_focus_table = true;
        o.focus_table = (v >> 5) & 3;
        o.has_focus_groups = (v & 8) != 0;
        o.groups_first = v >> 7;
        o.groups_last = o.groups_first + 2;
    } else if (v & 4) {
        o.has_focus_range = true;
        o.focus_first = v >> 5;
        o.focus_last = (v & 8) ? o.focus_first : o.focus_first + 100;
    }
    if (v & 16)
        o.focus_key = (v & 8) ? "1" : "alpha";
    o.max_text = (v & 32) ? 3 : 0;
    o.longest_chains = (v & 64) ? 1 : 0;
    o.focus_longest = (v & 64) && (v & 128) && !(v & 4) && !swiss;
    return o;
}

void fuzz_render_model(const gmv_model *model, const gmv_origin *origin, uint8_t variant)
{
    render_args args = {.model = model, .origin = origin};
    char *text = NULL;
    size_t len = render_to_memory(&text, json_render, &args, "gmv_render_json");
    json_error_t error;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &error);
    if (!root || !json_is_object(root)) {
        fprintf(stderr, "%.*s\n", (int)(len < 4000 ? len : 4000), text);
        finding("gmv_render_json wrote invalid JSON", error.text);
    }
    json_decref(root);
    free(text);

    text = NULL;
    render_to_memory(&text, stats_render, &args, "gmv_render_stats");
    free(text);

    gmv_graph_options options = options_of(variant, gmv_model_implementation(model) == GMV_IMPL_SWISS);
    args.options = &options;
    len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        finding("gmv_render_graph", "open_memstream failed");
    int rc = gmv_render_graph(f, model, origin, &options, GMV_GRAPH_DOT);
    if (fclose(f) != 0)
        finding("gmv_render_graph", "fclose failed");
    if (rc != 0) {
        /* Only a focus may fail (it names nothing); then draw the default view. */
        if (!options.has_focus_range && !options.focus_key && !options.focus_longest && !options.has_focus_table)
            finding("gmv_render_graph", gmv_error_last());
        fuzz_check_failure(rc, "gmv_render_graph with a focus", (const int[]){GMV_ERR_INVALID, 0});
        free(text);
        args.options = NULL;
        len = render_to_memory(&text, dot_render, &args, "gmv_render_graph");
    }
    Agraph_t *g = agmemread(text);
    if (!g) {
        fprintf(stderr, "%.*s\n", (int)(len < 4000 ? len : 4000), text);
        finding("gmv_render_graph wrote DOT that Graphviz cannot read", "agmemread failed");
    }
    agclose(g);
    free(text);
}

/* --- the model harness's layouts --- */

typedef struct layout_spec {
    const char *name;
    uint32_t ptr_size;
    const char *go_version;
    const char *map_type;
    gmv_type key, elem;
} layout_spec;

static const layout_spec layouts[FUZZ_LAYOUT_COUNT] = {
    {"amd64 go1.19 map[int64]int64", 8, "go1.19.8", "map[int64]int64",
     {"int64", GMV_KIND_INT, 8, false}, {"int64", GMV_KIND_INT, 8, false}},
    {"amd64 go1.19 map[int64]string", 8, "go1.19.8", "map[int64]string",
     {"int64", GMV_KIND_INT, 8, false}, {"string", GMV_KIND_STRING, 16, false}},
    {"amd64 go1.19 map[string]int", 8, "go1.19.8", "map[string]int",
     {"string", GMV_KIND_STRING, 16, false}, {"int", GMV_KIND_INT, 8, false}},
    {"386 go1.19 map[string]int", 4, "go1.19.8", "map[string]int",
     {"string", GMV_KIND_STRING, 8, false}, {"int", GMV_KIND_INT, 4, false}},
    {"386 go1.19 map[int64]int64", 4, "go1.19.8", "map[int64]int64",
     {"int64", GMV_KIND_INT, 8, false}, {"int64", GMV_KIND_INT, 8, false}},
    {"amd64 go1.11 map[string]int", 8, "go1.11.13", "map[string]int",
     {"string", GMV_KIND_STRING, 16, false}, {"int", GMV_KIND_INT, 8, false}},
    {"386 go1.11 map[int64]string", 4, "go1.11.13", "map[int64]string",
     {"int64", GMV_KIND_INT, 8, false}, {"string", GMV_KIND_STRING, 8, false}},
    {"amd64 go1.19 map[[200]uint8]float64", 8, "go1.19.8", "map[[200]uint8]float64",
     {"[200]uint8", GMV_KIND_OTHER, 200, true}, {"float64", GMV_KIND_FLOAT, 8, false}},
    {"386 go1.19 map[uint16][150]uint8", 4, "go1.19.8", "map[uint16][150]uint8",
     {"uint16", GMV_KIND_UINT, 2, false}, {"[150]uint8", GMV_KIND_OTHER, 150, true}},
    {"amd64 go1.19 map[float32]*main.node", 8, "go1.19.8", "map[float32]*main.node",
     {"float32", GMV_KIND_FLOAT, 4, false}, {"*main.node", GMV_KIND_POINTER, 8, false}},
};

void fuzz_layout(unsigned index, gmv_layout *out)
{
    const layout_spec *s = &layouts[index % FUZZ_LAYOUT_COUNT];
    if (gmv_layout_classic(out, s->ptr_size, s->go_version, s->map_type, &s->key, &s->elem) != 0 ||
        gmv_layout_validate(out) != 0)
        finding("fuzz_layout", gmv_error_last());
}

const char *fuzz_layout_name(unsigned index)
{
    return layouts[index % FUZZ_LAYOUT_COUNT].name;
}

/* --- the Swiss harness's layouts (by the runtime's rules) --- */

typedef struct swiss_spec {
    const char *name;
    uint32_t ptr_size;
    const char *go_version;
    const char *map_type;
    gmv_type key, elem;
    bool split;
} swiss_spec;

static const swiss_spec swiss_layouts[FUZZ_SWISS_LAYOUT_COUNT] = {
    {"amd64 go1.26 map[string]int", 8, "go1.26.11", "map[string]int",
     {"string", GMV_KIND_STRING, 16, false}, {"int", GMV_KIND_INT, 8, false}, false},
    {"amd64 go1.26 map[int64]int64", 8, "go1.26.11", "map[int64]int64",
     {"int64", GMV_KIND_INT, 8, false}, {"int64", GMV_KIND_INT, 8, false}, false},
    {"386 go1.26 map[string]int", 4, "go1.26.11", "map[string]int",
     {"string", GMV_KIND_STRING, 8, false}, {"int", GMV_KIND_INT, 4, false}, false},
    {"amd64 go1.24 map[int64]string", 8, "go1.24.13", "map[int64]string",
     {"int64", GMV_KIND_INT, 8, false}, {"string", GMV_KIND_STRING, 16, false}, false},
    {"amd64 go1.27 split map[int32]struct {}", 8, "go1.27.4", "map[int32]struct {}",
     {"int32", GMV_KIND_INT, 4, false}, {"struct {}", GMV_KIND_OTHER, 0, false}, true},
    {"amd64 go1.26 map[[200]uint8][150]uint8", 8, "go1.26.11", "map[[200]uint8][150]uint8",
     {"[200]uint8", GMV_KIND_OTHER, 200, true}, {"[150]uint8", GMV_KIND_OTHER, 150, true}, false},
};

void fuzz_swiss_layout(unsigned index, gmv_layout *out)
{
    const swiss_spec *s = &swiss_layouts[index % FUZZ_SWISS_LAYOUT_COUNT];
    if (gmv_layout_swiss(out, s->ptr_size, s->go_version, s->map_type, &s->key, &s->elem, s->split) != 0 ||
        gmv_layout_validate(out) != 0)
        finding("fuzz_swiss_layout", gmv_error_last());
}

const char *fuzz_swiss_layout_name(unsigned index)
{
    return swiss_layouts[index % FUZZ_SWISS_LAYOUT_COUNT].name;
}

/* --- the address space of a model input --- */

uint64_t fuzz_load_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

void fuzz_finding(const char *what, uint64_t got, uint64_t bound)
{
    fprintf(stderr, "FUZZ FINDING: %s: %llu, bound %llu\n", what, (unsigned long long)got,
            (unsigned long long)bound);
    abort();
}

/* The first range holding `addr` wins; reads stop at the end of that range. */
static int64_t space_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    fuzz_space *s = ctx;
    s->calls++;
    if (len > s->largest_request)
        s->largest_request = len;
    for (size_t i = 0; i < s->nranges; i++) {
        const fuzz_range *r = &s->ranges[i];
        if (addr >= r->address && addr - r->address < r->len) {
            size_t n = r->len - (size_t)(addr - r->address);
            if (n > len)
                n = len;
            memcpy(buf, r->bytes + (addr - r->address), n);
            s->bytes_returned += n;
            return (int64_t)n;
        }
    }
    return 0;
}

gmv_source *fuzz_space_source(fuzz_space *s, const uint8_t *p, size_t size)
{
    while (size >= FUZZ_RANGE_HEADER && s->nranges < FUZZ_MAX_RANGES) {
        uint64_t address = fuzz_load_le(p, 8);
        size_t len = (size_t)fuzz_load_le(p + 8, 2);
        p += FUZZ_RANGE_HEADER;
        size -= FUZZ_RANGE_HEADER;
        if (len > size)
            len = size;
        if (len > 0 && address + len - 1 >= address) /* no wrap-around */
            s->ranges[s->nranges++] = (fuzz_range){address, p, len};
        p += len;
        size -= len;
    }
    static const gmv_source_ops ops = {.read = space_read};
    gmv_source *src = NULL;
    if (gmv_source_new_custom(&src, &ops, s) != 0)
        abort();
    return src;
}
