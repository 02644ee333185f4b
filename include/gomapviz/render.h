/*
 * gomapviz/render.h: writing a model out: JSON for tools (docs/json-schema.md),
 * a short human summary, and diagrams (DOT, SVG, PNG) through Graphviz.
 */
#ifndef GOMAPVIZ_RENDER_H
#define GOMAPVIZ_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gomapviz/common.h"
#include "gomapviz/model.h"
#include "gomapviz/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is the public API: exported from libgomapviz.so
 * (everything else is built hidden). */
#pragma GCC visibility push(default)

/* Writes the model as JSON to `out`, streaming; `origin` (may be NULL) becomes
 * the "source" object. The same model gives byte-identical output. Returns 0
 * or GMV_ERR_IO. */
int gmv_render_json(FILE *out, const gmv_model *model, const gmv_origin *origin);

/* Writes a few lines of human summary (header, occupancy, chains, grow,
 * anomalies) to `out`. Returns 0 or GMV_ERR_IO. */
int gmv_render_stats(FILE *out, const gmv_model *model, const gmv_origin *origin);

/* Writes how the key or value `v` (of a type of `size` bytes) reads to a Go
 * developer, as text and pictures show it (a string quoted, a tree in Go
 * syntax), into `out` (`out_size` bytes, terminated; cut with "..." when it
 * does not fit). */
void gmv_render_value_text(const gmv_value *v, uint64_t size, char *out, size_t out_size);

/* True when the key `key` (of `size` bytes in its slot) is the one `text`
 * writes in Go syntax, as --key takes it (a string with or without its
 * quotes, a number, a constant by name, a struct literal, ...). */
bool gmv_render_key_matches(const gmv_value *key, uint64_t size, const char *text);

/* One map of a program, as gomapviz list shows it. */
typedef struct gmv_map_row {
    const char *path;      /* "main.reg.m" (gmv_map_place.path) */
    const char *type;      /* "map[string]int" */
    gmv_map_impl impl;
    uint64_t address;      /* the hmap or Map; 0: not read (an executable alone: only the path,
                              type and implementation are known) */
    uint64_t count;        /* its header's count */
    gmv_map_memory memory; /* gmv_model_memory */
} gmv_map_row;

/* Writes the maps `rows` (`n`, in the order given) as a text table, or as
 * JSON (`json`; docs/json-schema.md, "gomapviz list"). Returns 0 or
 * GMV_ERR_IO. */
int gmv_render_map_list(FILE *out, const gmv_map_row *rows, size_t n, bool json);

/* What a diagram shows. Zero-initialise for the defaults. A focus that
 * belongs to the other implementation is an error (GMV_ERR_INVALID). */
typedef struct gmv_graph_options {
    uint64_t full_limit;      /* maps of at most this many buckets or groups are drawn whole (default 64) */
    const char *focus_key;    /* draw the chain or group holding this key, written as Go prints it
                                 without quotes: alpha, 42, -1.5, true */
    uint32_t max_text;        /* characters of a key or value shown (default 20) */
    /* classic */
    bool has_focus_range;     /* draw buckets [focus_first, focus_last] in full */
    uint64_t focus_first, focus_last;
    uint32_t longest_chains;  /* in the summary view, the N longest chains drawn (default 8) */
    bool focus_longest;       /* draw only the longest_chains longest overflow chains (a focus) */
    /* Swiss */
    bool has_focus_table;     /* draw table `focus_table` (numbered as in the JSON) in full */
    uint64_t focus_table;
    bool has_focus_groups;    /* draw groups [groups_first, groups_last] of that table (table 0 by default) */
    uint64_t groups_first, groups_last;
    /* for a page (gmv_render_html): summary rows, buckets, tables and groups
       link to the page's views of them (#buckets=A-B, #bucket=N, #tables=A-B,
       #table=T, #table=T&group=G, #small) */
    bool page_links;
} gmv_graph_options;

/* GMV_GRAPH_HTML names a page to explore: gmv_render_html writes it (and
 * gmv_diff_render_graph a diff's); gmv_render_graph refuses it. */
typedef enum gmv_graph_format { GMV_GRAPH_DOT, GMV_GRAPH_SVG, GMV_GRAPH_PNG, GMV_GRAPH_HTML } gmv_graph_format;

/* Finds the format named `name` ("dot", "svg", "png", "html") or, if `name`
 * is a file name, by its extension. Returns 0 or GMV_ERR_INVALID. */
int gmv_graph_format_from_name(const char *name, gmv_graph_format *out);

/* Draws the model with Graphviz (cgraph builds the graph, gvc lays it out and
 * renders it in-process) and writes it to `out` in `format`: a classic map
 * as its hmap and buckets, a Swiss map as its header, directory, tables and
 * groups. DOT is the graph
 * as built, before layout. `origin` and `options` may be NULL. The same model
 * and options give byte-identical DOT and SVG. Fails with GMV_ERR_INVALID
 * (a focus that names nothing: the message says why) or GMV_ERR_IO. */
int gmv_render_graph(FILE *out, const gmv_model *model, const gmv_origin *origin,
                     const gmv_graph_options *options, gmv_graph_format format);

/* Writes one part of a page to `out` (gmv_render_html_page): returns 0 or
 * a negative status with its message set. */
typedef int (*gmv_page_part)(FILE *out, void *ctx);

/* Writes one self-contained HTML page (scripts, styles and data inline; it
 * reaches no network): `title`; as the overview with pan and zoom, the
 * Graphviz SVG that `svg` writes; and the JSON that `data` writes, which
 * the page's viewer draws its views from; `kind` is "map" or "diff". Both
 * parts are written to memory first (ctx is passed to each). The page
 * runs only its bundled scripts (a Content-Security-Policy names them by
 * hash); nothing from the data or the SVG becomes markup. Returns 0, what
 * a part returned, GMV_ERR_NOMEM or GMV_ERR_IO. */
int gmv_render_html_page(FILE *out, const char *kind, const char *title, gmv_page_part svg, gmv_page_part data,
                         void *ctx);

/* Writes the page of one map (gomapviz render -o FILE.html): the overview
 * gmv_render_graph draws with `options` (whose summary rows, buckets,
 * tables and groups link to the page's views), and the data to draw any
 * bucket, chain, table or group when it is opened, to find a key, and to
 * show each cell's key, value, tophash or control byte, state and address.
 * `input` is how the page names the map in the command lines it shows
 * (a snapshot path, or "--pid 1234 --var main.m"; NULL: "INPUT").
 * `origin` and `options` may be NULL. Fails as gmv_render_graph does, or
 * with GMV_ERR_NOMEM. */
int gmv_render_html(FILE *out, const gmv_model *model, const gmv_origin *origin, const gmv_graph_options *options,
                    const char *input);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
