/*
 * gomapviz/diff.h: what changed in one map between two models, above all
 * around a grow: entries added, removed, changed and moved, and where they
 * went: for a classic map the X/Y half of a doubling grow, chain lengths
 * and evacuation progress; for a Swiss-table map the table that grew or
 * the half of a split, and what became of each table and the directory.
 * Both models must hold the same implementation.
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

/* What this header declares is the public API: exported from libgomapviz.so
 * (everything else is built hidden). */
#pragma GCC visibility push(default)

/* Where a moved entry went, relative to the bucket or table it left. */
typedef enum gmv_destination {
    GMV_DEST_NONE = 0,  /* not a move between arrays of a grow */
    GMV_DEST_X,         /* classic: same index in an array twice as large */
    GMV_DEST_Y,         /* classic: index + old size in an array twice as large */
    GMV_DEST_SAME,      /* classic: same index in an array of the same size (same-size grow);
                           Swiss: another slot of the same table */
    GMV_DEST_ELSEWHERE, /* not where a grow or split puts it */
    GMV_DEST_GROWN,     /* Swiss: into the bigger table that replaced its table */
    GMV_DEST_LEFT,      /* Swiss: into the left half of a split (the table that kept the index) */
    GMV_DEST_RIGHT,     /* Swiss: into the right half of a split */
    GMV_DEST_TABLE      /* Swiss: from a small map's group into the table that replaced it */
} gmv_destination;

/* Returns "X", "Y", "same", "elsewhere", "grown", "left", "right", "table",
 * or "" for NONE. */
const char *gmv_destination_name(gmv_destination d);

/* One change to an entry. Pointers are borrowed from the two models. */
typedef struct gmv_entry_change {
    const gmv_entry *before; /* NULL for an added entry */
    const gmv_entry *after;  /* NULL for a removed entry */
    bool value_changed;
    bool moved;              /* its cell address changed */
    gmv_destination destination;
} gmv_entry_change;

/* What became of one table of BEFORE in AFTER (Swiss maps). */
typedef enum gmv_table_fate {
    GMV_TABLE_KEPT = 0, /* the same table still covers its directory entries */
    GMV_TABLE_GROWN,    /* replaced by one bigger table over the same entries */
    GMV_TABLE_SPLIT,    /* replaced by tables of a larger localDepth that share its entries */
    GMV_TABLE_REPLACED, /* replaced some other way (several grows, a clear, ...) */
    GMV_TABLE_GONE      /* no table of AFTER covers its entries */
} gmv_table_fate;

/* Returns "kept", "grown", "split", "replaced" or "gone". */
const char *gmv_table_fate_name(gmv_table_fate fate);

/* One table of BEFORE and the tables of AFTER over its directory entries:
 * tables [after_first, after_first + after_count) of AFTER (0 of them when
 * gone or not contiguous). */
typedef struct gmv_table_change {
    uint32_t before;       /* index in BEFORE's gmv_model_tables */
    gmv_table_fate fate;
    uint32_t after_first, after_count;
} gmv_table_change;

/* A bucket index whose chain length differs. */
typedef struct gmv_chain_change {
    uint64_t bucket;
    uint64_t before, after; /* chain lengths in buckets; 0 = no such bucket */
} gmv_chain_change;

typedef struct gmv_diff gmv_diff;

/* Compares two models of the same map. Entries are matched by their key
 * bytes (floats by value, so -0 matches +0; equal keys such as repeated NaNs
 * are paired in bucket or group order, by value first). Fails with
 * GMV_ERR_INVALID when the models are of different maps (another type,
 * another header address) unless `force`, and always when they hold
 * different implementations. Both models must outlive the diff. */
int gmv_diff_build(gmv_diff **out, const gmv_model *before, const gmv_model *after, bool force);

/* Frees the diff (not the models). Accepts NULL. */
void gmv_diff_free(gmv_diff *diff);

/* Borrowed views. The change list holds added, removed, changed and moved
 * entries (an entry both changed and moved appears once). */
const gmv_model *gmv_diff_before(const gmv_diff *diff);
const gmv_model *gmv_diff_after(const gmv_diff *diff);
const gmv_entry_change *gmv_diff_changes(const gmv_diff *diff, size_t *count);
const gmv_chain_change *gmv_diff_chain_changes(const gmv_diff *diff, size_t *count); /* classic */
const gmv_table_change *gmv_diff_table_changes(const gmv_diff *diff, size_t *count); /* Swiss */

/* Totals of the change list: moved entries by destination. */
typedef struct gmv_diff_counts {
    uint64_t added, removed, changed, moved, unchanged;
    uint64_t to_x, to_y, to_same, elsewhere;
    uint64_t to_grown, to_left, to_right, to_table;
} gmv_diff_counts;

/* Counts the change list of `diff` (and the unchanged entries); by value. */
gmv_diff_counts gmv_diff_count(const gmv_diff *diff);

/* Writes the diff as JSON (docs/json-schema.md, "diff"); origins may be NULL. */
int gmv_diff_render_json(FILE *out, const gmv_diff *diff, const gmv_origin *before, const gmv_origin *after);

/* Writes a human summary, one line per change after the header lines. */
int gmv_diff_render_text(FILE *out, const gmv_diff *diff, const gmv_origin *before, const gmv_origin *after);

/* Draws both states side by side with Graphviz: each entry's cell coloured
 * by what became of it (added green, removed red, changed orange, moved by
 * its destination), and an arrow per pair of buckets (classic) or tables
 * (Swiss) that entries moved between. A page (GMV_GRAPH_HTML) is
 * gmv_diff_render_html's: here it is GMV_ERR_INVALID. */
int gmv_diff_render_graph(FILE *out, const gmv_diff *diff, const gmv_origin *before, const gmv_origin *after,
                          gmv_graph_format format);

/* Writes the page of the diff (gmv_render_html_page): its picture as the
 * overview with pan and zoom, and what moved, was added, removed or
 * changed, with a search for a key. Returns 0, GMV_ERR_NOMEM or
 * GMV_ERR_IO. */
int gmv_diff_render_html(FILE *out, const gmv_diff *diff, const gmv_origin *before, const gmv_origin *after);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
