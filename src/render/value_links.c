/* Func values in map pictures: slot -> funcval -> code -> function name. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/grow.h"
#include "render/func_links.h"
#include "render/text.h"

#define COLOR_FUNCVAL "#e8e0f8"
#define COLOR_CODE "#f3f3f3"

const char *func_links_add(func_links *links, const gmv_value *v)
{
    const gmv_node *n = v->kind == GMV_KIND_NODE ? v->as.node : NULL;
    if (!n || !n->type || n->type->kind != GMV_GO_FUNC || n->note != GMV_NODE_OK)
        return NULL;
    func_link *grown = gmv_grow(links->items, &links->cap, links->n, sizeof *grown, 16);
    if (!grown)
        return NULL;
    links->items = grown;
    func_link *l = &grown[links->n++];
    snprintf(l->port, sizeof l->port, "fn%zu", links->next_port++);
    l->fn = n;
    return l->port;
}

/* The node `prefix`_`address` of `g`: found, or made (*made says which). */
static gva_node *node_at(gva_graph *g, const char *prefix, uint64_t address, bool *made)
{
    char name[40];
    snprintf(name, sizeof name, "%s_%" PRIx64, prefix, address);
    gva_node *n = gva_node_find(g, name);
    *made = n == NULL;
    return n ? n : gva_node_new(g, name);
}

/* The node of the funcval at `fn->address`, made once; *made says if now. */
static gva_node *funcval_node(gva_graph *g, const gmv_node *fn, bool *made)
{
    gva_node *n = node_at(g, "funcval", fn->address, made);
    if (!*made)
        return n;
    gmv_text html = {0};
    gmv_text_printf(&html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
                           "<TR><TD BGCOLOR=\"" COLOR_FUNCVAL "\"><B>funcval</B> <FONT POINT-SIZE=\"8\">0x%" PRIx64
                           "</FONT></TD></TR><TR><TD PORT=\"fn\" ALIGN=\"LEFT\">fn: 0x%" PRIx64 "</TD></TR>",
                    fn->address, fn->code);
    for (uint32_t i = 0; fn->captures && i < fn->nchildren; i++) { /* a closure's captured variables */
        gmv_text value = {0};
        gmv_node_to_go(&value, &fn->children[i], GMV_GO_DISPLAY, 32);
        gmv_text_printf(&html, "<TR><TD ALIGN=\"LEFT\">+%" PRIu64 " ", fn->captures[i].offset);
        gmv_text_append_html(&html, fn->captures[i].name);
        gmv_text_puts(&html, ": ");
        gmv_text_append_html(&html, value.data ? value.data : "");
        gmv_text_puts(&html, "</TD></TR>");
        gmv_text_free(&value);
    }
    gmv_text_puts(&html, "</TABLE>");
    gva_node_set_html(n, html.failed ? NULL : html.data);
    gmv_text_free(&html);
    return n;
}

/* The node of the code at `fn->code`: the function's name. */
static gva_node *code_node(gva_graph *g, const gmv_node *fn)
{
    bool made = false;
    gva_node *n = node_at(g, "code", fn->code, &made);
    if (!made)
        return n;
    gmv_text html = {0};
    gmv_text_printf(&html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
                           "<TR><TD BGCOLOR=\"" COLOR_CODE "\"><B>");
    gmv_text_append_html(&html, fn->name ? fn->name : "(no symbol)");
    gmv_text_printf(&html, "</B></TD></TR><TR><TD><FONT POINT-SIZE=\"8\">code 0x%" PRIx64 "</FONT></TD></TR></TABLE>",
                    fn->code);
    gva_node_set_html(n, html.failed ? NULL : html.data);
    gmv_text_free(&html);
    return n;
}

void func_links_draw(func_links *links, gva_graph *g, gva_node *from)
{
    for (size_t i = 0; i < links->n; i++) {
        const func_link *l = &links->items[i];
        bool made = false;
        gva_node *fv = funcval_node(g, l->fn, &made);
        gva_edge *e = gva_edge_new(from, fv);
        char port[32];
        snprintf(port, sizeof port, "%s:s", l->port);
        gva_edge_set(e, "tailport", port);
        gva_edge_set(e, "headport", "w");
        if (made) { /* one edge from a funcval to its code */
            gva_edge *c = gva_edge_new(fv, code_node(g, l->fn));
            gva_edge_set(c, "tailport", "fn:e");
            gva_edge_set(c, "headport", "w");
        }
    }
    links->n = 0;
}

void func_links_free(func_links *links)
{
    free(links->items);
    *links = (func_links){0};
}
