/* Internal to the Graphviz adapter: a cgraph discipline that numbers
 * objects in creation order (graphviz_ids.c). */
#ifndef GMV_RENDER_GRAPHVIZ_IDS_H
#define GMV_RENDER_GRAPHVIZ_IDS_H

#include <graphviz/cgraph.h>

/* The discipline for agopen: IDs in creation order, so the DOT of a graph
 * does not depend on where malloc put its strings. */
Agdisc_t *gva_discipline(void);

#endif
