/* Internal: what a value cell of a map picture points to, drawn beside it:
 * a func value's path as people draw it by hand (the slot holds a pointer
 * to a funcval, whose first word is the code address, which is a
 * function), and a map held as a value and read whole (--nested), with its
 * entries. Both map pictures (graph.c for classic buckets, swiss_graph.c for
 * groups) use it. */
#ifndef GMV_RENDER_VALUE_LINKS_H
#define GMV_RENDER_VALUE_LINKS_H

#include <stddef.h>

#include "gomapviz/model.h"
#include "render/graphviz.h"

typedef struct value_link {
    char port[24];      /* the port of the value's cell in the label */
    const gmv_node *to; /* a func value (funcval address, code, name), or a map read whole */
} value_link;

/* The linked values of the label being built, until drawn. */
typedef struct value_links {
    value_link *items;
    size_t n, cap;
    size_t next_port;  /* ports are numbered across the whole picture */
} value_links;

/* If `v` is a func value that is not nil (a map of funcs), or a map read
 * whole, records it and returns the port its cell must have; else (or out
 * of memory) NULL. Borrowed until the next call. */
const char *value_links_add(value_links *links, const gmv_value *v);

/* Draws, for every value recorded since the last call, an edge from its
 * cell (port of `from`) to its funcval node, and from there to the node of
 * its code, or to the node of its map (each made once per address in `g`);
 * then forgets them. */
void value_links_draw(value_links *links, gva_graph *g, gva_node *from);

/* Frees the list. */
void value_links_free(value_links *links);

#endif
