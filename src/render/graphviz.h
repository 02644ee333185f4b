/* Internal: the one adapter to Graphviz. The map pictures (graph*.c,
 * swiss_graph.c) and the diff pictures (diff/diff_graph.c) build their
 * graphs with these functions; only graphviz.c and graphviz_ids.c include
 * Graphviz's own headers. A graph gets node and edge IDs in creation order,
 * so the same graph always gives the same DOT (and SVG).
 *
 * Ownership: gva_open returns a graph the caller closes with gva_close;
 * subgraphs, nodes and edges belong to their graph. Names and values passed
 * in are copied. Graphviz is not thread-safe: one thread draws. */
#ifndef GMV_RENDER_GRAPHVIZ_H
#define GMV_RENDER_GRAPHVIZ_H

#include <stdio.h>

#include "gomapviz/render.h"

typedef struct gva_graph gva_graph; /* a graph, or a subgraph (a cluster) */
typedef struct gva_node gva_node;
typedef struct gva_edge gva_edge;

/* A new directed graph called `name`; NULL when Graphviz cannot make one. */
gva_graph *gva_open(const char *name);

/* Frees a graph made by gva_open, with everything in it. Accepts NULL. */
void gva_close(gva_graph *g);

/* The subgraph `name` of `g`, made if needed ("cluster_..." draws a box). */
gva_graph *gva_subgraph(gva_graph *g, const char *name);

/* The node `name` of `g` (made in `g` if needed, also known to its root). */
gva_node *gva_node_new(gva_graph *g, const char *name);

/* The node `name` of the root of `g`, or NULL if there is none. */
gva_node *gva_node_find(gva_graph *g, const char *name);

/* A new edge from `from` to `to` in the root graph. */
gva_edge *gva_edge_new(gva_node *from, gva_node *to);

/* Sets an attribute of a graph, node or edge. */
void gva_graph_set(gva_graph *g, const char *name, const char *value);
void gva_node_set(gva_node *n, const char *name, const char *value);
void gva_edge_set(gva_edge *e, const char *name, const char *value);

/* Sets the label to an HTML-like label whose body (without the outer < >)
 * is `html`; NULL sets "(out of memory)". */
void gva_graph_set_html(gva_graph *g, const char *html);
void gva_node_set_html(gva_node *n, const char *html);

/* The value of a node's attribute ("" if unset). Borrowed from the graph. */
const char *gva_node_get(gva_node *n, const char *name);

/* The default of a node or edge attribute for the whole graph. */
void gva_default_node(gva_graph *g, const char *name, const char *value);
void gva_default_edge(gva_graph *g, const char *name, const char *value);

/* Writes `g` as DOT (the graph as built, before layout), or lays it out
 * with dot and renders SVG or PNG, to `out`. Returns 0 or GMV_ERR_IO with
 * Graphviz's own message. */
int gva_emit(gva_graph *g, FILE *out, gmv_graph_format format);

#endif
