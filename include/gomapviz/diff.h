/*
 * gomapviz/diff.h: what changed in one map between two models, above all
 * around a grow: entries added, removed, changed and moved (with their X/Y
 * destination), chain lengths and evacuation progress.
 */
#ifndef GOMAPVIZ_DIFF_H
#define GOMAPVIZ_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomapviz/common.h"
#include "gomapviz/model.h"
#include "gomapviz/render.h"
#include "gomapviz/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a moved entry went, relative to the bucket it left. */
typedef enum gmv_destination {
    GMV_DEST_NONE = 0,  /* not a move between arrays of a grow */
    GMV_DEST_X,         /* same index in an array twice as large */
    GMV_DEST_Y,         /* index + old size in an array twice as large */
    GMV_DEST_SAME,      /* same index in an array of the same size (same-size grow) */
    GMV_DEST_ELSEWHERE  /* another index: not where a grow puts it */
} gmv_destination;

/* Returns "X", "Y", "same", "elsewhere" or "" for NONE. */
const char *gmv_destination_name(gmv_destination d);

/* One change to an entry. Pointers are borrowed from the two models. */
typedef struct gmv_entry_change {
    const gmv_entry *before; /* NULL for an added entry */
    const gmv_entry *after;  /* NULL for a removed entry */
    bool value_changed;
    bool moved;              /* its cell address changed */
    gmv_destination destination;
} gmv_entry_change;

/* A bucket index whose chain length differs. */
typedef struct gmv_chain_change {
    uint64_t bucket;
    uint64_t before, after; /* chain lengths in buckets; 0 = no such bucket */
} gmv_chain_change;

typedef struct gmv_diff gmv_diff;

/* Compares two models of the same map. Entries are matched by their key
 * bytes (floats by value, so -0 matches +0; equal keys such as repeated NaNs
 * are paired in bucket order, by value first). Fails with GMV_ERR_INVALID
 * when the models are of different maps (another type, another hmap
 * address) unless `force`. Both models must outlive the diff. */
int gmv_diff_build(gmv_diff **out, const gmv_model *before, const gmv_model *after, bool force);

/* Frees the diff (not the models). Accepts NULL. */
void gmv_diff_free(gmv_diff *diff);

/* Borrowed views. The change list holds added, removed, changed and moved
 * entries (an entry both changed and moved appears once). */
const gmv_model *gmv_diff_before(const gmv_diff *diff);
const gmv_model *gmv_diff_after(const gmv_diff *diff);
const gmv_entry_change *gmv_diff_changes(const gmv_diff *diff, size_t *count);
const gmv_chain_change *gmv_diff_chain_changes(const gmv_diff *diff, size_t *count);

/* Totals of the change list. */
typedef struct gmv_diff_counts {
    uint64_t added, removed, changed, moved, unchanged;
    uint64_t to_x, to_y, to_same, elsewhere;
} gmv_diff_counts;

/* Counts the change list of `diff` (and the unchanged entries); by value. */
gmv_diff_counts gmv_diff_count(const gmv_diff *diff);

/* Writes the diff as JSON (docs/json-schema.md, "diff"); origins may be NULL. */
int gmv_diff_render_json(FILE *out, const gmv_diff *diff, const gmv_origin *before, const gmv_origin *after);

/* Writes a human summary, one line per change after the header lines. */
int gmv_diff_render_text(FILE *out, const gmv_diff *diff, const gmv_origin *before, const gmv_origin *after);

/* Draws both states side by side with Graphviz: moved entries as arrows
 * (coloured by X/Y), added entries green, removed red, changed orange. */
int gmv_diff_render_graph(FILE *out, const gmv_diff *diff, const gmv_origin *before, const gmv_origin *after,
                          gmv_graph_format format);

#ifdef __cplusplus
}
#endif
#endif
