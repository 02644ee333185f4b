/* gomapviz render -o FILE.html: the page of one map. The overview is the
 * picture gmv_render_graph draws (with links to the page's views); the
 * data for the views is compact JSON, column by column, that the viewer
 * draws buckets and groups from when they are opened:
 *   keys, values      every entry's key and value in Go syntax (cut to
 *                     HTML_TEXT_MAX characters)
 *   placeDeltas       its cell (record * 8 + slot; classic: the records of
 *                     the current array, then the old array's; Swiss: the
 *                     groups of every table, in order) less the cell of the
 *                     entry before (null: its place is unknown)
 *   classic           per array: its address, 2^B, the chains as (first
 *                     record, length) pairs, each record's address (0 for a
 *                     primary bucket: address + index * bucketSize), its 8
 *                     tophash bytes as hex and its 8 cell states as digits
 *                     (gmv_cell_state; '-' unreadable)
 *   Swiss             per table: address, capacity, used, growthLeft,
 *                     localDepth, index, first group, groups, groups.data,
 *                     first directory entry, entries, tombstones; per group
 *                     its 8 control bytes as hex ("" unreadable)
 * The same model gives the same bytes. */
#include <inttypes.h>
#include <stdio.h>

#include "common/error.h"
#include "gomapviz/render.h"
#include "render/json_writer.h"
#include "render/text.h"

#define HTML_TEXT_MAX 200 /* characters of a key or value the page holds */

typedef struct page_data {
    jw *w;
    const gmv_model *m;
    gmv_text text;
    int pass; /* 0: keys, 1: values, 2: places */
    uint64_t old_base; /* classic: the first old record's number */
    int64_t last_cell; /* the place written last */
} page_data;

/* The record number of a classic entry (current array, then old). */
static uint64_t classic_record(const page_data *p, const gmv_entry *e)
{
    const gmv_array *a = e->old ? gmv_model_oldbuckets(p->m) : gmv_model_buckets(p->m);
    if (!a || e->bucket >= a->nchains)
        return UINT64_MAX;
    return (e->old ? p->old_base : 0) + a->chains[e->bucket].first + e->overflow_depth;
}

/* The group number of a Swiss entry (every table's groups, in order). */
static uint64_t swiss_group(const page_data *p, const gmv_entry *e)
{
    size_t n = 0;
    const gmv_table *t = gmv_model_tables(p->m, &n);
    if (e->table == GMV_NO_TABLE)
        return e->group;
    return e->table < n ? t[e->table].first_group + e->group : UINT64_MAX;
}

static int write_entry_part(void *ctx, const gmv_entry *e)
{
    page_data *p = ctx;
    const gmv_layout *l = gmv_model_layout(p->m);
    if (p->pass == 2) { /* each cell less the one before: small numbers */
        uint64_t rec = l->impl == GMV_IMPL_SWISS ? swiss_group(p, e) : classic_record(p, e);
        if (rec == UINT64_MAX) {
            jw_null(p->w);
            return 0;
        }
        int64_t cell = (int64_t)(rec * 8 + e->slot);
        jw_int(p->w, cell - p->last_cell);
        p->last_cell = cell;
        return 0;
    }
    gmv_text_clear(&p->text);
    if (p->pass == 0)
        gmv_value_to_text(&p->text, &e->key, l->key.size, HTML_TEXT_MAX);
    else
        gmv_value_to_text(&p->text, &e->elem, l->elem.size, HTML_TEXT_MAX);
    if (p->text.failed)
        return GMV_ERR_NOMEM;
    jw_string(p->w, p->text.data ? p->text.data : "", p->text.len);
    return 0;
}

/* "keys", "values" and "places": one column a pass over the entries. */
static int write_entries(page_data *p)
{
    static const char *const names[] = {"keys", "values", "placeDeltas"};
    for (p->pass = 0; p->pass < 3; p->pass++) {
        jw_key(p->w, names[p->pass]);
        jw_array_begin(p->w);
        int rc = gmv_model_each_entry(p->m, write_entry_part, p);
        jw_array_end(p->w);
        if (rc != 0)
            return rc < 0 ? rc : GMV_ERR_NOMEM;
    }
    return 0;
}

static void write_array(jw *w, const gmv_array *a, uint32_t bucket_size)
{
    char hex[17], states[9];
    jw_object_begin(w);
    jw_key(w, "address"); jw_uint(w, a->address);
    jw_key(w, "buckets"); jw_uint(w, a->nbuckets);
    jw_key(w, "chains");
    jw_array_begin(w);
    for (size_t i = 0; i < a->nchains; i++) {
        jw_uint(w, a->chains[i].first);
        jw_uint(w, a->chains[i].length);
    }
    jw_array_end(w);
    jw_key(w, "recordAddress"); /* 0: a primary bucket, at address + index * bucketSize */
    jw_array_begin(w);
    for (size_t r = 0; r < a->nbucket_records; r++)
        jw_uint(w, a->buckets[r].depth == 0 ? 0 : a->buckets[r].address);
    jw_array_end(w);
    for (int part = 0; part < 2; part++) {
        jw_key(w, part == 0 ? "tophash" : "states");
        jw_array_begin(w);
        for (size_t r = 0; r < a->nbucket_records; r++) {
            const gmv_bucket *b = &a->buckets[r];
            for (int i = 0; i < GMV_BUCKET_CELLS; i++) {
                snprintf(hex + 2 * i, 3, "%02x", b->tophash[i]);
                states[i] = b->readable ? (char)('0' + b->state[i]) : '-';
            }
            if (part == 0)
                jw_string(w, hex, 16);
            else
                jw_string(w, states, 8);
        }
        jw_array_end(w);
    }
    jw_key(w, "bucketSize"); jw_uint(w, bucket_size);
    jw_object_end(w);
}

static void write_classic(jw *w, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    const gmv_layout *l = gmv_model_layout(m);
    jw_key(w, "B"); jw_uint(w, h->B);
    jw_key(w, "current"); write_array(w, gmv_model_buckets(m), l->bucket_size);
    jw_key(w, "old");
    if (gmv_model_oldbuckets(m))
        write_array(w, gmv_model_oldbuckets(m), l->bucket_size);
    else
        jw_null(w);
}

static void write_swiss(jw *w, const gmv_model *m)
{
    size_t nt = 0, ng = 0;
    const gmv_table *t = gmv_model_tables(m, &nt);
    const gmv_group *g = gmv_model_groups(m, &ng);
    jw_key(w, "groupSize"); jw_uint(w, gmv_model_layout(m)->swiss.group_size);
    jw_key(w, "small"); jw_bool(w, gmv_model_small_group(m) != NULL);
    jw_key(w, "tables");
    jw_array_begin(w);
    for (size_t i = 0; i < nt; i++) {
        jw_array_begin(w);
        jw_uint(w, t[i].address);
        jw_uint(w, t[i].capacity);
        jw_uint(w, t[i].used);
        jw_uint(w, t[i].growth_left);
        jw_uint(w, t[i].local_depth);
        jw_int(w, t[i].index);
        jw_uint(w, t[i].first_group);
        jw_uint(w, t[i].ngroups);
        jw_uint(w, t[i].groups_data);
        jw_uint(w, t[i].dir_first);
        jw_uint(w, t[i].dir_count);
        jw_int(w, t[i].tombstones);
        jw_bool(w, t[i].readable);
        jw_array_end(w);
    }
    jw_array_end(w);
    jw_key(w, "smallAddress"); /* a table's groups are at groups.data + index * groupSize */
    jw_uint(w, gmv_model_small_group(m) ? gmv_model_small_group(m)->address : 0);
    jw_key(w, "ctrl");
    jw_array_begin(w);
    char hex[17];
    for (size_t i = 0; i < ng; i++) {
        for (int k = 0; k < GMV_GROUP_SLOTS; k++)
            snprintf(hex + 2 * k, 3, "%02x", g[i].ctrl[k]);
        jw_string(w, hex, g[i].readable ? 16 : 0);
    }
    jw_array_end(w);
}

/* The page's title and heading: the map, its type, its count. */
static void page_title(const gmv_model *m, const gmv_origin *o, char *out, size_t size)
{
    const gmv_layout *l = gmv_model_layout(m);
    snprintf(out, size, "%.300s %.300s \xc2\xb7 %" PRIu64 " entries \xc2\xb7 %s \xc2\xb7 %.31s",
             o && o->variable[0] ? o->variable : "map", l->map_type, gmv_model_header(m)->count,
             l->impl == GMV_IMPL_SWISS ? "Swiss tables" : "classic map",
             l->go_version[0] ? l->go_version : "Go version unknown");
}

/* Writes the data JSON into `f`. */
static int write_data(FILE *f, const gmv_model *m, const char *title, const char *input)
{
    const gmv_layout *l = gmv_model_layout(m);
    jw w;
    jw_init(&w, f, 1);
    jw_object_begin(&w);
    jw_key(&w, "version"); jw_uint(&w, 1);
    jw_key(&w, "kind"); jw_cstring(&w, "map");
    jw_key(&w, "implementation"); jw_cstring(&w, gmv_map_impl_name(l->impl));
    jw_key(&w, "title"); jw_cstring(&w, title);
    jw_key(&w, "input"); jw_cstring(&w, input ? input : "INPUT");
    jw_key(&w, "count"); jw_uint(&w, gmv_model_header(m)->count);
    jw_key(&w, "address"); jw_uint(&w, gmv_model_header(m)->address);
    jw_key(&w, "nil"); jw_bool(&w, gmv_model_header(m)->nil);
    jw_key(&w, "layout");
    jw_object_begin(&w);
    jw_key(&w, "keysOffset"); jw_uint(&w, l->keys_offset);
    jw_key(&w, "keyStride"); jw_uint(&w, l->key_stride);
    jw_key(&w, "elemsOffset"); jw_uint(&w, l->elems_offset);
    jw_key(&w, "elemStride"); jw_uint(&w, l->elem_stride);
    jw_key(&w, "keyIndirect"); jw_bool(&w, l->key.indirect);
    jw_key(&w, "elemIndirect"); jw_bool(&w, l->elem.indirect);
    jw_object_end(&w);
    page_data p = {.w = &w, .m = m};
    if (!gmv_model_header(m)->nil) {
        if (l->impl == GMV_IMPL_SWISS) {
            write_swiss(&w, m);
        } else {
            write_classic(&w, m);
            p.old_base = gmv_model_buckets(m)->nbucket_records;
        }
    }
    int rc = write_entries(&p);
    gmv_text_free(&p.text);
    jw_object_end(&w);
    if (jw_finish(&w) != 0 && rc == 0)
        rc = GMV_ERR_IO;
    return rc;
}

/* What the parts of a map's page need (gmv_page_part's ctx). */
typedef struct map_page {
    const gmv_model *m;
    const gmv_origin *origin;
    gmv_graph_options opt;
    const char *title, *input;
} map_page;

static int map_page_svg(FILE *f, void *ctx)
{
    const map_page *p = ctx;
    return gmv_render_graph(f, p->m, p->origin, &p->opt, GMV_GRAPH_SVG);
}

static int map_page_data(FILE *f, void *ctx)
{
    const map_page *p = ctx;
    int rc = write_data(f, p->m, p->title, p->input);
    if (rc == GMV_ERR_IO)
        return gmv_fail(rc, "cannot write the page's data");
    return rc == GMV_ERR_NOMEM ? gmv_fail(rc, "out of memory writing the page's data") : rc;
}

int gmv_render_html(FILE *out, const gmv_model *m, const gmv_origin *origin, const gmv_graph_options *options,
                    const char *input)
{
    char title[1024];
    page_title(m, origin, title, sizeof title);
    map_page p = {.m = m, .origin = origin, .opt = options ? *options : (gmv_graph_options){0}, .title = title,
                  .input = input};
    p.opt.page_links = true;
    return gmv_render_html_page(out, "map", title, map_page_svg, map_page_data, &p);
}
