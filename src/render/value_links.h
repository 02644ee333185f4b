/* Internal: the path of a func value in a map picture, as people draw it by
 * hand: the slot holds a pointer to a funcval, whose first word is the
 * code address, which is a function. Both map pictures (graph.c for
 * classic buckets, swiss_graph.c for groups) use it. */
#ifndef GMV_RENDER_FUNC_LINKS_H
#define GMV_RENDER_FUNC_LINKS_H

#include <stddef.h>

#include "gomapviz/model.h"
#include "render/graphviz.h"

typedef struct func_link {
    char port[24];     /* the port of the value's cell in the label */
    const gmv_node *fn; /* the func value: funcval address, code, name */
} func_link;

/* The func values of the label being built, until drawn. */
typedef struct func_links {
    func_link *items;
    size_t n, cap;
    size_t next_port;  /* ports are numbered across the whole picture */
} func_links;

/* If `v` is a func value that is not nil (a map of funcs), records it and
 * returns the port its cell must have; else (or out of memory) NULL.
 * Borrowed until the next call. */
const char *func_links_add(func_links *links, const gmv_value *v);

/* Draws, for every func value recorded since the last call, an edge from
 * its cell (port of `from`) to its funcval node, and from there to the
 * node of its code (both made once per address in `g`); then forgets them. */
void func_links_draw(func_links *links, gva_graph *g, gva_node *from);

/* Frees the list. */
void func_links_free(func_links *links);

#endif
