/* Internal: the state of one classic map diagram. */
#ifndef GMV_GRAPH_IMPL_H
#define GMV_GRAPH_IMPL_H

#include "gomapviz/render.h"
#include "render/value_links.h"
#include "render/graphviz.h"
#include "render/text.h"

/* Which chains of one array are drawn bucket by bucket. */
typedef struct array_view {
    const gmv_array *array;
    bool old;
    bool summary;        /* too many buckets: a summary table plus selected chains */
    bool *drawn;         /* per chain position: drawn in full */
    gva_node **first;    /* per chain position: node of its primary bucket, if drawn */
    gva_node *array_node; /* whole view: every primary bucket in one node (ports b<i>, ovf<i>) */
    gva_graph *cluster;
    gva_node *anchor;    /* the node edges from the header point at */
    uint64_t drawn_count;
} array_view;

typedef struct graph_ctx {
    const gmv_model *model;
    const gmv_origin *origin;
    gmv_graph_options opt;
    gva_graph *g;
    gva_node *header;
    array_view current, old;
    gmv_text scratch;
    value_links links;    /* func values of the label being built */
    gmv_text html;
} graph_ctx;

/* Chooses the chains to draw for `view` (all, or focus + longest + anomalous).
 * Returns 0, GMV_ERR_NOMEM, or GMV_ERR_INVALID for a focus naming nothing. */
int graph_select_chains(graph_ctx *ctx, array_view *view);

/* True if entry `e`'s key reads as `text`, as Go prints it (strings compare
 * their bytes). Uses ctx->scratch. */
bool graph_entry_has_key(graph_ctx *ctx, const gmv_entry *e, const char *text);

/* Builds labels into ctx->html. */
void label_header(graph_ctx *ctx);
/* Appends (does not clear) the table of one bucket record; its overflow cell
 * gets port `ovf_port`. */
void label_bucket(graph_ctx *ctx, const array_view *view, size_t chain_pos, size_t record, const char *ovf_port);
void label_summary(graph_ctx *ctx, const array_view *view);
void label_legend(graph_ctx *ctx);
void label_anomalies(graph_ctx *ctx);
void label_spares(graph_ctx *ctx);
void label_title(graph_ctx *ctx);

/* True when a bucket of `view` at chain index `index` has an anomaly. */
bool bucket_has_anomaly(const graph_ctx *ctx, const array_view *view, uint64_t index);

/* Number of summary rows for an array of `n` buckets, and the rows' bounds. */
size_t summary_rows(uint64_t n);
void summary_row_range(uint64_t n, size_t row, uint64_t *first, uint64_t *last);

#endif
