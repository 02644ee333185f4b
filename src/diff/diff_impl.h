/* Internal: the diff object, and what the classic and the Swiss diffs do
 * differently. diff_impl_of() is the one place that picks them: where a
 * moved entry went, the structure compared (chains, or tables), and the
 * structure's text, JSON and picture. */
#ifndef GMV_DIFF_IMPL_H
#define GMV_DIFF_IMPL_H

#include "gomapviz/diff.h"
#include "render/json_writer.h"
#include "render/text.h"

struct gmv_diff {
    const gmv_model *before, *after;
    gmv_entry_change *changes;
    size_t nchanges, changes_cap;
    uint64_t unchanged;
    gmv_chain_change *chains;  /* classic */
    size_t nchains;
    gmv_table_change *tables;  /* Swiss: one per table of BEFORE */
    size_t ntables;
};

typedef struct diff_impl {
    /* Where an entry that moved from `from` (of BEFORE) to `to` (of AFTER) went. */
    gmv_destination (*destination)(const gmv_diff *d, const gmv_entry *from, const gmv_entry *to);
    /* Compares the structure after the entries are matched (chains, tables).
     * Returns 0 or GMV_ERR_NOMEM. */
    int (*compare_structure)(gmv_diff *d);
    /* The text lines after the title: header fields, grow or structure,
     * the counts line. */
    void (*text_summary)(FILE *out, const gmv_diff *d, gmv_text *scratch);
    /* "bucket 3 slot 2 (old)" or "table 1 (0xc000180000) group 4 slot 2"
     * for entry `e` of model `m`. */
    void (*text_place)(gmv_text *t, const gmv_model *m, const gmv_entry *e);
    /* An entry's place as a JSON object. */
    void (*json_place)(jw *w, const gmv_entry *e);
    /* The members of "counts" after "unchanged": moves by destination. */
    void (*json_counts)(jw *w, const gmv_diff *d);
    /* The top-level JSON members about the structure. */
    void (*json_structure)(jw *w, const gmv_diff *d);
    /* The picture. */
    int (*render_graph)(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after,
                        gmv_graph_format format);
} diff_impl;

/* The classic or Swiss part of a diff of two models of that implementation. */
const diff_impl *diff_impl_of(const gmv_diff *d);

/* classic_diff.c, classic_diff_graph.c */
gmv_destination classic_diff_destination(const gmv_diff *d, const gmv_entry *from, const gmv_entry *to);
int classic_diff_compare_structure(gmv_diff *d);
void classic_diff_text_summary(FILE *out, const gmv_diff *d, gmv_text *scratch);
void classic_diff_text_place(gmv_text *t, const gmv_model *m, const gmv_entry *e);
void classic_diff_json_place(jw *w, const gmv_entry *e);
void classic_diff_json_counts(jw *w, const gmv_diff *d);
void classic_diff_json_structure(jw *w, const gmv_diff *d);
int classic_diff_graph(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after,
                       gmv_graph_format format);

/* swiss_diff.c, swiss_diff_graph.c */
gmv_destination swiss_diff_destination(const gmv_diff *d, const gmv_entry *from, const gmv_entry *to);
int swiss_diff_compare_structure(gmv_diff *d);
void swiss_diff_text_summary(FILE *out, const gmv_diff *d, gmv_text *scratch);
void swiss_diff_text_place(gmv_text *t, const gmv_model *m, const gmv_entry *e);
void swiss_diff_json_place(jw *w, const gmv_entry *e);
void swiss_diff_json_counts(jw *w, const gmv_diff *d);
void swiss_diff_json_structure(jw *w, const gmv_diff *d);
int swiss_diff_graph(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after,
                     gmv_graph_format format);

/* diff_text.c: prints "name a -> b" (hex with `hex`) for a field that
 * changed; *sep starts as "header: " and becomes ", ". */
void diff_text_field(FILE *out, const char *name, uint64_t a, uint64_t b, bool hex, const char **sep);

#endif
