/* Choosing what a diagram draws in full. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "render/graph_impl.h"

#define MAX_ANOMALOUS_CHAINS 8

bool bucket_has_anomaly(const graph_ctx *ctx, const array_view *view, uint64_t index)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(ctx->model, &n);
    for (size_t i = 0; i < n; i++) {
        if (a[i].bucket >= 0 && (uint64_t)a[i].bucket == index && a[i].old == view->old)
            return true;
    }
    return false;
}

/* Marks chain position `pos` as drawn. */
static void mark(array_view *view, size_t pos)
{
    if (!view->drawn[pos]) {
        view->drawn[pos] = true;
        view->drawn_count++;
    }
}

typedef struct chain_rank {
    size_t length, pos;
} chain_rank;

/* Longer chains first; equal lengths by position. */
static int by_length(const void *a, const void *b)
{
    const chain_rank *x = a, *y = b;
    if (x->length != y->length)
        return x->length > y->length ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Marks the `n` longest chains that have overflow buckets; *marked says
 * whether there was any. */
static int mark_longest(array_view *view, uint32_t n, bool *marked)
{
    const gmv_array *a = view->array;
    chain_rank *ranks = malloc((a->nchains ? a->nchains : 1) * sizeof *ranks);
    if (!ranks)
        return GMV_ERR_NOMEM;
    size_t count = 0;
    for (size_t i = 0; i < a->nchains; i++) {
        if (a->chains[i].length > 1) /* a lone bucket says nothing the summary does not */
            ranks[count++] = (chain_rank){a->chains[i].length, i};
    }
    qsort(ranks, count, sizeof *ranks, by_length);
    for (size_t k = 0; k < count && k < n; k++)
        mark(view, ranks[k].pos);
    *marked = count > 0 && n > 0;
    free(ranks);
    return 0;
}

/* Marks chains that have an anomaly, up to a few. */
static void mark_anomalous(const graph_ctx *ctx, array_view *view)
{
    size_t marked = 0;
    for (size_t i = 0; i < view->array->nchains && marked < MAX_ANOMALOUS_CHAINS; i++) {
        if (bucket_has_anomaly(ctx, view, view->array->chains[i].index)) {
            mark(view, i);
            marked++;
        }
    }
}

/* Marks the chains in the focus range; false if the range holds none. */
static bool mark_focus_range(const graph_ctx *ctx, array_view *view)
{
    bool any = false;
    for (size_t i = 0; i < view->array->nchains; i++) {
        uint64_t idx = view->array->chains[i].index;
        if (idx >= ctx->opt.focus_first && idx <= ctx->opt.focus_last) {
            mark(view, i);
            any = true;
        }
    }
    return any;
}

bool graph_entry_has_key(graph_ctx *ctx, const gmv_entry *e, const char *text)
{
    return gmv_key_matches(&e->key, gmv_model_layout(ctx->model)->key.size, text, &ctx->scratch);
}

/* Marks the chain holding the focus key; false if no entry has it. */
static bool mark_focus_key(graph_ctx *ctx, array_view *view)
{
    size_t n;
    const gmv_entry *e = gmv_model_entries(ctx->model, &n);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (e[i].old != view->old || !graph_entry_has_key(ctx, &e[i], ctx->opt.focus_key))
            continue;
        for (size_t c = 0; c < view->array->nchains; c++) {
            if (view->array->chains[c].index == e[i].bucket) {
                mark(view, c);
                any = true;
            }
        }
    }
    return any;
}

int graph_select_chains(graph_ctx *ctx, array_view *view)
{
    const gmv_array *a = view->array;
    view->drawn = calloc(a->nchains ? a->nchains : 1, sizeof *view->drawn);
    view->first = calloc(a->nchains ? a->nchains : 1, sizeof *view->first);
    if (!view->drawn || !view->first)
        return GMV_ERR_NOMEM;
    bool focused = ctx->opt.has_focus_range || ctx->opt.focus_key || ctx->opt.focus_longest;
    view->summary = a->nbuckets > ctx->opt.full_limit || focused;
    if (!view->summary) {
        for (size_t i = 0; i < a->nchains; i++)
            mark(view, i);
        return 0;
    }
    bool found = false;
    if (ctx->opt.has_focus_range)
        found |= mark_focus_range(ctx, view);
    if (ctx->opt.focus_key)
        found |= mark_focus_key(ctx, view);
    if (ctx->opt.focus_longest || !focused) {
        bool marked = false;
        int rc = mark_longest(view, ctx->opt.longest_chains, &marked);
        if (rc != 0)
            return rc;
        found |= ctx->opt.focus_longest && marked;
    }
    if (!focused)
        mark_anomalous(ctx, view);
    return found || !focused ? 0 : 1; /* 1: this array has none of the focus */
}
