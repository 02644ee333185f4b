/* Internal: the model object and the state of one build. */
#ifndef GMV_MODEL_IMPL_H
#define GMV_MODEL_IMPL_H

#include "common/addrset.h"
#include "common/arena.h"
#include "gomapviz/model.h"

#define GMV_MAX_ANOMALIES 1000

struct gmv_model {
    gmv_layout layout;
    gmv_header header;
    gmv_array buckets;
    gmv_array oldbuckets;
    bool has_old;
    gmv_entry *entries;
    size_t nentries, entries_cap;
    uint64_t live_count;        /* live cells found (entries kept or not) */
    uint64_t *spares;
    size_t nspares, spares_cap;
    gmv_stats stats;
    gmv_anomaly *anomalies;
    size_t nanomalies;
    uint64_t anomalies_dropped; /* beyond GMV_MAX_ANOMALIES */
    gmv_arena arena;            /* bucket bytes, strings, indirect values */
    gmv_limits limits;          /* those the model was built with */
    bool byte_limit_hit;        /* the build stopped reading at limits.max_bytes */
    /* A model built without its entry list: the source its entries are
     * decoded from again when visited (owned; NULL for a model with a list). */
    gmv_source *entry_source;
};

/* The state of one build: where reads come from and what they cost. */
typedef struct gmv_builder {
    gmv_model *model;
    gmv_source *src;
    gmv_limits limits;
    uint64_t bytes_read;
    uint64_t records_walked;
    bool byte_limit_hit, bucket_limit_hit;
    gmv_addrset seen_overflow;
    int error; /* a hard failure (out of memory, process gone) ends the build */
    bool keep_entries;          /* false: decode (and so read) every entry, keep none */
    /* Without entries: where string and indirect bytes go, one buffer for
     * keys and one for values (scratch_for: 0 or 1), so both stay valid
     * until the next entry is decoded. */
    uint8_t *scratch[2];
    size_t scratch_cap[2];
    int scratch_for;
    bool decode_unkept;         /* entries read more memory: decode them even when not kept */
    bool prefetch;              /* the source gains from hints and entries read more memory */
    gmv_piece *pieces;          /* room for the pieces of one prefetch */
} gmv_builder;

/* Frees the builder's scratch buffers. */
void gmv_builder_release_scratch(gmv_builder *b);

/* gmv_model_build, and with keep_entries false a walk that reads exactly
 * the same memory but keeps no entries (gmv_model_entries is then empty;
 * the stats still count them): what a capture needs. */
int gmv_model_walk(gmv_model **out, gmv_source *src, const gmv_layout *layout, uint64_t hmap_addr,
                   const gmv_limits *limits, bool keep_entries);

/* Makes `model` (built by gmv_model_walk without entries, not at the byte
 * limit) list its entries by decoding them again from `src` when visited
 * (gmv_model_each_entry); the model takes `src` over. */
void gmv_model_keep_entry_source(gmv_model *model, gmv_source *src);

/* Records an anomaly (printf-style message). Returns 0, or GMV_ERR_NOMEM. */
int gmv_model_add_anomaly(gmv_model *model, const char *kind, uint64_t address, int64_t bucket,
                          bool old, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Reads up to `len` bytes at `addr`, counted against the byte limit. Returns
 * bytes read (short at unmapped memory or at the limit) or a negative status. */
int64_t gmv_builder_read(gmv_builder *b, uint64_t addr, void *buf, size_t len);

/* Loads a little-endian unsigned integer of `size` bytes (1, 2, 4 or 8). */
uint64_t gmv_load_le(const uint8_t *p, uint32_t size);

/* Decodes the key or value of type `t` stored in a bucket slot at `slot`
 * (slot bytes live in the model). Indirect values and string bytes are read
 * through the builder. Returns 0 or a hard-failure status. */
int gmv_decode_value(gmv_builder *b, const gmv_type *t, const uint8_t *slot, gmv_value *out);

/* Decodes cell `slot` of bucket record `rec` (index `index` of the current
 * or `old` array) into `e`. Returns 0 or a hard-failure status. */
int gmv_decode_entry(gmv_builder *b, const gmv_bucket *rec, uint64_t index, int slot, bool old, gmv_entry *e);

/* Computes the statistics of a built model. */
void gmv_model_compute_stats(gmv_model *model, uint64_t bytes_read);

/* Adds the anomalies that compare header, arrays and entries. */
int gmv_model_check_consistency(gmv_model *model);

#endif
