/* Linked values in map pictures: slot -> funcval -> code -> function name,
 * and slot -> a map held as a value, read whole. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/grow.h"
#include "render/value_links.h"
#include "render/text.h"

#define COLOR_FUNCVAL "#e8e0f8"
#define COLOR_CODE "#f3f3f3"
#define COLOR_NESTED "#dde8f3"

/* True for a value drawn beside its cell. */
static bool linked(const gmv_node *n)
{
    if (!n || !n->type || n->note != GMV_NODE_OK)
        return false;
    return n->type->kind == GMV_GO_FUNC || (n->type->kind == GMV_GO_MAP && n->nested);
}

const char *value_links_add(value_links *links, const gmv_value *v)
{
    const gmv_node *n = v->kind == GMV_KIND_NODE ? v->as.node : NULL;
    if (!linked(n))
        return NULL;
    value_link *grown = gmv_grow(links->items, &links->cap, links->n, sizeof *grown, 16);
    if (!grown)
        return NULL;
    links->items = grown;
    value_link *l = &grown[links->n++];
    snprintf(l->port, sizeof l->port, "fn%zu", links->next_port++);
    l->to = n;
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

#define NESTED_ROWS 16 /* entries of a nested map listed */

/* The node of the map read whole that `n` holds: its header and entries. */
static gva_node *map_node(gva_graph *g, const gmv_node *n)
{
    bool made = false;
    gva_node *node = node_at(g, "nestedmap", n->address, &made);
    if (!made)
        return node;
    size_t count = 0;
    const gmv_entry *e = gmv_model_entries(n->nested, &count);
    const gmv_layout *l = gmv_model_layout(n->nested);
    gmv_text html = {0}, text = {0};
    gmv_text_puts(&html, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
                         "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\" BGCOLOR=\"" COLOR_NESTED "\"><B>");
    gmv_text_append_html(&html, n->type->name);
    gmv_text_printf(&html, "</B> <FONT POINT-SIZE=\"8\">0x%" PRIx64 "</FONT><BR/>%s \xc2\xb7 %zu entr%s</TD></TR>",
                    n->address, gmv_map_impl_name(l->impl), count, count == 1 ? "y" : "ies");
    for (size_t i = 0; i < count && i < NESTED_ROWS; i++) {
        gmv_text_puts(&html, "<TR>");
        gmv_value_cell(&html, &text, &e[i].key, l->key.size, 32, NULL, NULL, "");
        gmv_value_cell(&html, &text, &e[i].elem, l->elem.size, 32, NULL, NULL, "");
        gmv_text_puts(&html, "</TR>");
    }
    if (count > NESTED_ROWS)
        gmv_text_printf(&html, "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><I>%zu more</I></TD></TR>", count - NESTED_ROWS);
    gmv_text_puts(&html, "</TABLE>");
    gva_node_set_html(node, html.failed ? NULL : html.data);
    gmv_text_free(&html);
    gmv_text_free(&text);
    return node;
}

/* An edge from the cell with `port` of `from` to `to`. */
static void edge_from_cell(gva_node *from, const char *port, gva_node *to)
{
    gva_edge *e = gva_edge_new(from, to);
    char tail[32];
    snprintf(tail, sizeof tail, "%s:s", port);
    gva_edge_set(e, "tailport", tail);
    gva_edge_set(e, "headport", "w");
}

void value_links_draw(value_links *links, gva_graph *g, gva_node *from)
{
    for (size_t i = 0; i < links->n; i++) {
        const value_link *l = &links->items[i];
        if (l->to->type->kind == GMV_GO_MAP) {
            edge_from_cell(from, l->port, map_node(g, l->to));
            continue;
        }
        bool made = false;
        gva_node *fv = funcval_node(g, l->to, &made);
        edge_from_cell(from, l->port, fv);
        if (made) { /* one edge from a funcval to its code */
            gva_edge *c = gva_edge_new(fv, code_node(g, l->to));
            gva_edge_set(c, "tailport", "fn:e");
            gva_edge_set(c, "headport", "w");
        }
    }
    links->n = 0;
}

void value_links_free(value_links *links)
{
    free(links->items);
    *links = (value_links){0};
}
