/* The Graphviz adapter (render/graphviz.h): cgraph builds the graph, gvc
 * lays it out with dot and renders it in-process. Graphviz 2.42 takes
 * `char *` where later versions take `const char *`: the casts are here. */
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <string.h>

#include "common/error.h"
#include "render/graphviz.h"
#include "render/graphviz_ids.h"

/* The handles are Graphviz's own objects under names of our own. */
static Agraph_t *G(gva_graph *g) { return (Agraph_t *)g; }
static Agnode_t *N(gva_node *n) { return (Agnode_t *)n; }
static Agedge_t *E(gva_edge *e) { return (Agedge_t *)e; }

gva_graph *gva_open(const char *name)
{
    return (gva_graph *)agopen((char *)name, Agdirected, gva_discipline());
}

void gva_close(gva_graph *g)
{
    if (g)
        agclose(G(g));
}

gva_graph *gva_subgraph(gva_graph *g, const char *name)
{
    return (gva_graph *)agsubg(G(g), (char *)name, 1);
}

gva_node *gva_node_new(gva_graph *g, const char *name)
{
    return (gva_node *)agnode(G(g), (char *)name, 1);
}

gva_node *gva_node_find(gva_graph *g, const char *name)
{
    return (gva_node *)agnode(agroot(G(g)), (char *)name, 0);
}

gva_edge *gva_edge_new(gva_node *from, gva_node *to)
{
    return (gva_edge *)agedge(agroot(N(from)), N(from), N(to), NULL, 1);
}

/* agsafeset declares the attribute (default "") where needed. */
static void set(void *obj, const char *name, const char *value)
{
    agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

void gva_graph_set(gva_graph *g, const char *name, const char *value) { set(G(g), name, value); }
void gva_node_set(gva_node *n, const char *name, const char *value) { set(N(n), name, value); }
void gva_edge_set(gva_edge *e, const char *name, const char *value) { set(E(e), name, value); }

/* Sets `obj`'s label to the HTML-like `html`, interned in its root graph. */
static void set_html(void *obj, const char *html)
{
    set(obj, "label", agstrdup_html(agroot(obj), (char *)(html ? html : "(out of memory)")));
}

void gva_graph_set_html(gva_graph *g, const char *html) { set_html(G(g), html); }
void gva_node_set_html(gva_node *n, const char *html) { set_html(N(n), html); }

const char *gva_node_get(gva_node *n, const char *name)
{
    const char *v = agget(N(n), (char *)name);
    return v ? v : "";
}

void gva_default_node(gva_graph *g, const char *name, const char *value)
{
    agattr(G(g), AGNODE, (char *)name, (char *)value);
}

void gva_default_edge(gva_graph *g, const char *name, const char *value)
{
    agattr(G(g), AGEDGE, (char *)name, (char *)value);
}

static char graphviz_message[512];

/* Keeps Graphviz's own error text for our one-line message. */
static int keep_graphviz_message(char *text)
{
    snprintf(graphviz_message, sizeof graphviz_message, "%s", text);
    size_t len = strlen(graphviz_message);
    while (len && (graphviz_message[len - 1] == '\n' || graphviz_message[len - 1] == ' '))
        graphviz_message[--len] = '\0';
    return 0;
}

/* The one Graphviz context of the process. Graphviz 2.42's pango plugin
 * caches the last font name it saw in a static pointer into the context's
 * font table, so freeing a context and creating another reads freed memory
 * (seen under ASan): the context is created once and kept. */
static GVC_t *shared_context(void)
{
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

/* The largest side of a PNG Graphviz draws as it is: past it, the cairo
 * renderer shrinks the whole picture to fit, or clips it. */
#define PNG_MAX_PIXELS 32767
#define PNG_DPI 96.0 /* Graphviz's bitmap resolution, in pixels per inch (72 points) */

/* Refuses a laid-out graph whose PNG would pass PNG_MAX_PIXELS on a side. */
static int check_png_size(Agraph_t *g)
{
    boxf bb = GD_bb(g);
    double width = (bb.UR.x - bb.LL.x) * PNG_DPI / 72.0, height = (bb.UR.y - bb.LL.y) * PNG_DPI / 72.0;
    if (width <= PNG_MAX_PIXELS && height <= PNG_MAX_PIXELS)
        return 0;
    return gmv_fail(GMV_ERR_UNSUPPORTED,
                    "the picture would be %.0f x %.0f pixels, past the %d a PNG can have on a side (Graphviz would "
                    "shrink it unreadably)",
                    width, height, PNG_MAX_PIXELS);
}

int gva_emit(gva_graph *graph, FILE *out, gmv_graph_format format)
{
    Agraph_t *g = G(graph);
    agseterrf(keep_graphviz_message);
    agseterr(AGERR);
    if (format == GMV_GRAPH_DOT)
        return agwrite(g, out) == 0 ? 0 : gmv_fail(GMV_ERR_IO, "cannot write the DOT output");
    GVC_t *gvc = shared_context();
    if (!gvc)
        return gmv_fail(GMV_ERR_NOMEM, "Graphviz could not start");
    graphviz_message[0] = '\0';
    int rc = 0;
    if (gvLayout(gvc, g, "dot") != 0)
        rc = gmv_fail(GMV_ERR_IO, "Graphviz layout failed: %s", graphviz_message);
    else if (format == GMV_GRAPH_PNG)
        rc = check_png_size(g);
    if (rc == 0 && gvRender(gvc, g, format == GMV_GRAPH_SVG ? "svg" : "png", out) != 0)
        rc = gmv_fail(GMV_ERR_IO, "Graphviz could not render %s: %s (is the graphviz package installed?)",
                      format == GMV_GRAPH_SVG ? "SVG" : "PNG", graphviz_message);
    gvFreeLayout(gvc, g);
    return rc;
}
