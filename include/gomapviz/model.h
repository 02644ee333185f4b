/*
 * gomapviz/model.h: a faithful model of one map: its header, every bucket and
 * cell, the live entries, overflow chains, spare overflow buckets, the old
 * array of a grow, statistics and anomalies.
 *
 * A model is built by walking memory from a gmv_source with a gmv_layout. It
 * never fails because the map is inconsistent: what does not add up becomes an
 * anomaly. It fails only when the header itself cannot be read.
 */
#ifndef GOMAPVIZ_MODEL_H
#define GOMAPVIZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/common.h"
#include "gomapviz/layout.h"
#include "gomapviz/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* hmap flag bits (runtime/map.go). */
#define GMV_FLAG_ITERATOR 1u
#define GMV_FLAG_OLD_ITERATOR 2u
#define GMV_FLAG_HASH_WRITING 4u
#define GMV_FLAG_SAME_SIZE_GROW 8u

/* The state a tophash byte encodes. */
typedef enum gmv_cell_state {
    GMV_CELL_EMPTY_REST = 0,  /* empty, and so is every later cell of the chain */
    GMV_CELL_EMPTY_ONE,       /* empty (Go 1.11: the only empty mark) */
    GMV_CELL_LIVE,            /* holds an entry (stale if its bucket was evacuated) */
    GMV_CELL_EVACUATED_X,     /* moved to the same index in the new array */
    GMV_CELL_EVACUATED_Y,     /* moved to index + old size */
    GMV_CELL_EVACUATED_EMPTY  /* was empty when its bucket was evacuated */
} gmv_cell_state;

/* Returns the lower-case JSON name of a state ("empty_rest", ...). */
const char *gmv_cell_state_name(gmv_cell_state state);

/* A decoded key or value (32 bytes: a model can hold millions). Byte
 * pointers point into the model's storage. */
typedef struct gmv_value {
    union {
        int64_t i;
        uint64_t u;      /* also pointers */
        double f;
        bool b;
    } as;
    const uint8_t *bytes; /* string bytes or raw bytes (OTHER, and the scalars' own bytes) */
    union {
        uint64_t full_len; /* strings: the length stored in memory */
        uint64_t address;  /* indirect keys and values (> 128 bytes): where they live */
    };
    uint32_t len;         /* bytes available in `bytes` */
    uint8_t kind;         /* a gmv_kind: how it was decoded; GMV_KIND_OTHER means hex */
    bool readable;        /* false: its memory (or a string's bytes) was unreadable */
    bool truncated;       /* a string longer than the limit: `bytes` holds a prefix */
} gmv_value;

/* One bucket as read: a primary bucket or one of its overflow buckets. */
typedef struct gmv_bucket {
    uint64_t address;
    const uint8_t *raw;            /* its bytes (bucket_size), NULL when unreadable */
    uint64_t overflow;             /* raw overflow pointer */
    uint8_t tophash[GMV_BUCKET_CELLS];
    uint8_t state[GMV_BUCKET_CELLS]; /* a gmv_cell_state per cell */
    uint32_t depth;                /* 0 for the primary bucket */
    bool readable;                 /* false: nothing above was read */
    uint32_t entry[GMV_BUCKET_CELLS]; /* index into the entries, or GMV_NO_ENTRY */
} gmv_bucket;

#define GMV_NO_ENTRY UINT32_MAX

/* The chain of bucket `index` of an array: records [first, first + length). */
typedef struct gmv_chain {
    uint64_t index;
    size_t first;
    size_t length;
    bool evacuated;     /* old array only: its tophash[0] carries an evacuated mark */
    bool truncated;     /* the walk stopped early (loop, unreadable, limit) */
} gmv_chain;

/* A bucket array: the current one or, during a grow, the old one. */
typedef struct gmv_array {
    uint64_t address;
    uint64_t nbuckets;  /* 2^B, or the old size */
    gmv_chain *chains;  /* nchains entries; fewer than nbuckets if cut short */
    size_t nchains;
    gmv_bucket *buckets; /* every record, chains contiguous */
    size_t nbucket_records;
} gmv_array;

/* A live entry: where it is and what it holds. */
typedef struct gmv_entry {
    gmv_value key;
    gmv_value elem;
    uint64_t bucket;          /* index in its array */
    uint32_t overflow_depth;  /* 0 = primary bucket */
    uint8_t slot;             /* 0..7 */
    bool old;                 /* in an unevacuated bucket of the old array */
    uint8_t tophash;
} gmv_entry;

/* The header as read (runtime/map.go hmap + mapextra). */
typedef struct gmv_header {
    uint64_t address;         /* of the hmap */
    bool nil;                 /* the variable held 0: nothing else is set */
    uint64_t count;
    uint8_t flags;
    uint8_t B;
    uint16_t noverflow;
    uint32_t hash0;
    uint64_t buckets, oldbuckets, nevacuate, extra;
    uint64_t extra_overflow, extra_oldoverflow, next_overflow; /* 0 without extra */
    bool growing;             /* oldbuckets != 0 */
    bool same_size_grow;      /* flag 8 */
} gmv_header;

/* Counts over the whole map. */
typedef struct gmv_stats {
    uint64_t live_entries;     /* entries listed in the model */
    uint64_t buckets;          /* 2^B */
    uint64_t overflow_buckets; /* records beyond depth 0, current array */
    uint64_t old_buckets;
    uint64_t old_overflow_buckets;
    uint64_t evacuated_old_buckets;
    uint64_t spare_overflow_buckets;
    uint64_t empty_cells;      /* empty_rest + empty_one cells, current array */
    uint64_t deleted_cells;    /* empty_one cells (deleted or never reused) */
    uint64_t max_chain_length; /* in buckets, current array */
    uint64_t chain_length_histogram[9]; /* [i] = chains of length i+1, [8] = 9 or more */
    double load_factor;        /* count / 2^B */
    double average_chain_length;
    uint64_t bytes_read;
} gmv_stats;

/* Something that does not add up, with where it was seen. */
typedef struct gmv_anomaly {
    const char *kind;  /* stable identifier, e.g. "overflow_loop" (static) */
    char *message;     /* one sentence */
    uint64_t address;  /* 0 if none */
    int64_t bucket;    /* -1 if none */
    bool old;
} gmv_anomaly;

typedef struct gmv_model gmv_model;

/* Builds the model of the map whose hmap lives at `hmap_addr` (0 means a nil
 * map), reading through `src` with `layout`; `limits` may be NULL. Fails only
 * when the header cannot be read or memory runs out. */
int gmv_model_build(gmv_model **out, gmv_source *src, const gmv_layout *layout,
                    uint64_t hmap_addr, const gmv_limits *limits);

/* Frees the model. Accepts NULL. */
void gmv_model_free(gmv_model *model);

/* Borrowed views of a model. */
const gmv_layout *gmv_model_layout(const gmv_model *model);
const gmv_header *gmv_model_header(const gmv_model *model);
const gmv_array *gmv_model_buckets(const gmv_model *model);
const gmv_array *gmv_model_oldbuckets(const gmv_model *model); /* NULL unless growing */
/* The entry list; empty for a model built without one
 * (gmv_snapshot_build_lean_model): use gmv_model_each_entry for any model. */
const gmv_entry *gmv_model_entries(const gmv_model *model, size_t *count);
const uint64_t *gmv_model_spare_overflow(const gmv_model *model, size_t *count);
const gmv_stats *gmv_model_stats(const gmv_model *model);
const gmv_anomaly *gmv_model_anomalies(const gmv_model *model, size_t *count);

/* Called with each entry; the entry (and the bytes it points to) is valid
 * only during the call. A non-zero return stops the visit. */
typedef int (*gmv_entry_visitor)(void *ctx, const gmv_entry *entry);

/* Calls `visit` for every live entry, in the order gmv_model_entries lists
 * them: from the list, or for a model built without one decoded again from
 * its memory. Returns 0, what `visit` returned to stop, or a negative status
 * (out of memory). */
int gmv_model_each_entry(const gmv_model *model, gmv_entry_visitor visit, void *ctx);

/* The address of the key cell of `entry` (an entry of this model), or 0 if
 * its bucket is not in the model. */
uint64_t gmv_model_entry_address(const gmv_model *model, const gmv_entry *entry);

/* How many anomalies were not kept because the list was full (1000). */
uint64_t gmv_model_anomalies_dropped(const gmv_model *model);

#ifdef __cplusplus
}
#endif
#endif
