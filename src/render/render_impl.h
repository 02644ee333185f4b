/* Internal: how each map implementation is written out (its JSON members,
 * its summary lines, its diagram). render_impl_of() is the one place that
 * picks them for a model: the JSON, the summary, the diagram and the diff's
 * outputs all ask it. */
#ifndef GMV_RENDER_IMPL_H
#define GMV_RENDER_IMPL_H

#include <stdio.h>

#include "gomapviz/render.h"
#include "render/json_writer.h"

typedef struct render_impl {
    /* JSON: json.c writes what both implementations have, these the rest.
     * Members of "map" after type, address, nil, key_size and elem_size. */
    void (*json_map)(jw *w, const gmv_model *m);
    /* Members of "layout" after key and elem. */
    void (*json_layout)(jw *w, const gmv_layout *l);
    /* Members of "stats" after live_entries, before bytes_read. */
    void (*json_stats)(jw *w, const gmv_model *m);
    /* Members of an anomaly after kind, message and address. */
    void (*json_anomaly_place)(jw *w, const gmv_anomaly *a);
    /* Members of an entry after key and value (hand-written: see JW_MEMBER). */
    void (*json_entry_place)(jw *w, const gmv_model *m, const gmv_entry *e);
    /* The top-level members after "entries": buckets and old buckets, or
     * the directory and tables. */
    void (*json_structure)(jw *w, const gmv_model *m);
    /* The summary's lines between its title and its anomalies. */
    void (*stats_lines)(FILE *out, const gmv_model *m);
    /* Draws the map (render/graph*.c for classic, render/swiss_graph.c). */
    int (*render_graph)(FILE *out, const gmv_model *m, const gmv_origin *origin, const gmv_graph_options *opt,
                        gmv_graph_format format);
} render_impl;

/* The outputs of the implementation `m` holds. */
const render_impl *render_impl_of(const gmv_model *m);

/* The classic outputs (classic_json.c, classic_text.c, graph.c) and the
 * Swiss ones (swiss_json.c, swiss_text.c, swiss_graph.c). */
void classic_json_map(jw *w, const gmv_model *m);
void classic_json_layout(jw *w, const gmv_layout *l);
void classic_json_stats(jw *w, const gmv_model *m);
void classic_json_anomaly_place(jw *w, const gmv_anomaly *a);
void classic_json_entry_place(jw *w, const gmv_model *m, const gmv_entry *e);
void classic_json_structure(jw *w, const gmv_model *m);
void classic_stats_lines(FILE *out, const gmv_model *m);
int classic_render_graph(FILE *out, const gmv_model *m, const gmv_origin *origin, const gmv_graph_options *opt,
                         gmv_graph_format format);

void swiss_json_map(jw *w, const gmv_model *m);
void swiss_json_layout(jw *w, const gmv_layout *l);
void swiss_json_stats(jw *w, const gmv_model *m);
void swiss_json_anomaly_place(jw *w, const gmv_anomaly *a);
void swiss_json_entry_place(jw *w, const gmv_model *m, const gmv_entry *e);
void swiss_json_structure(jw *w, const gmv_model *m);
void swiss_stats_lines(FILE *out, const gmv_model *m);
int swiss_render_graph(FILE *out, const gmv_model *m, const gmv_origin *origin, const gmv_graph_options *opt,
                       gmv_graph_format format);

/* Writes the members of a map's memory figures (gmv_model_memory) into
 * the object `w` is in: capacity, bytes_held by kind, in_use, wasted by
 * cause, overhead, rebuilt, saving (docs/json-schema.md, "Memory"). */
void render_memory_members(jw *w, const gmv_map_memory *m);

#endif
