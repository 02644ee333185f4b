/* Internal: the model object, the state of one build, and what the classic
 * and the Swiss walkers share. */
#ifndef GMV_MODEL_IMPL_H
#define GMV_MODEL_IMPL_H

#include "common/addrset.h"
#include "common/arena.h"
#include "common/bytes.h"
#include "gomapviz/model.h"

#define GMV_MAX_ANOMALIES 1000

/* Models owned by a model or a builder: the maps its values hold. */
typedef struct gmv_model_list {
    gmv_model **items;
    size_t n, cap;
} gmv_model_list;

/* Adds `m` to the list (which then owns it). Returns 0, or GMV_ERR_NOMEM
 * after freeing `m`. */
int gmv_model_list_add(gmv_model_list *list, gmv_model *m);

/* Frees every model of the list, and the list. */
void gmv_model_list_free(gmv_model_list *list);

struct gmv_model {
    gmv_layout layout;          /* layout.impl says which part below is filled */
    gmv_header header;          /* address, nil, count for both; the rest classic */
    gmv_entry *entries;
    size_t nentries, entries_cap;
    uint64_t live_count;        /* live cells found (entries kept or not) */
    gmv_stats stats;
    gmv_anomaly *anomalies;
    size_t nanomalies;
    uint64_t anomalies_dropped; /* beyond GMV_MAX_ANOMALIES */
    gmv_arena arena;            /* bucket and group bytes, strings, indirect values */
    gmv_limits limits;          /* those the model was built with */
    bool byte_limit_hit;        /* the build stopped reading at limits.max_bytes */
    /* A model built without its entry list: the source its entries are
     * decoded from again when visited (owned; NULL for a model with a list). */
    gmv_source *entry_source;
    gmv_types *types;           /* borrowed: keys and values decoded through them, or NULL */
    uint32_t root_type[2];      /* the key's and value's types in `types` */
    gmv_model_list nested;      /* the maps its keys and values hold, read whole (owned) */
    uint64_t map_path[GMV_MAX_NESTED_MAPS + 2]; /* the maps read whole around it, then its own */
    unsigned map_path_len;
    bool headers_only;          /* built with GMV_HEADERS_ONLY: no buckets or groups read */
    /* classic */
    gmv_array buckets;
    gmv_array oldbuckets;
    bool has_old;
    uint64_t *spares;
    size_t nspares, spares_cap;
    /* Swiss */
    gmv_swiss_header swiss;
    gmv_dir_entry *directory;
    size_t ndirectory;
    gmv_table *tables;
    size_t ntables, tables_cap;
    gmv_group *groups;
    size_t ngroups, groups_cap;
};

/* The state of one build: where reads come from and what they cost. */
typedef struct gmv_builder {
    gmv_model *model;
    gmv_source *src;
    gmv_limits limits;
    uint64_t bytes_read;
    uint64_t records_walked;    /* buckets or groups */
    bool byte_limit_hit, bucket_limit_hit;
    gmv_addrset seen;           /* overflow buckets, or tables, already reached */
    int error; /* a hard failure (out of memory, process gone) ends the build */
    bool keep_entries;          /* false: decode (and so read) every entry, keep none */
    bool release_views;         /* GMV_ENTRIES_READ: lent group bytes are dropped after each batch */
    /* Without entries: where string and indirect bytes go, one buffer for
     * keys and one for values (scratch_for: 0 or 1), so both stay valid
     * until the next entry is decoded. */
    uint8_t *scratch[2];
    size_t scratch_cap[2];
    int scratch_for;
    bool decode_unkept;         /* entries read more memory: decode them even when not kept */
    bool headers_only;          /* GMV_HEADERS_ONLY: the walk stops before buckets and groups */
    bool prefetch;              /* the source gains from hints and entries read more memory */
    gmv_piece *pieces;          /* room for the pieces of one prefetch */
    gmv_entry unkept;           /* where a walk that keeps no entries decodes one */
    /* Keys and values decoded through their Go types (NULL: flat) */
    gmv_types *types;
    uint32_t tree_type[2];      /* the key's and value's type, GMV_NO_TYPE when decoded flat */
    gmv_arena tree_scratch;     /* the trees of an entry not kept, until the next one */
    gmv_model_list scratch_models; /* the maps those trees read whole, as long */
    /* The heap bytes of the strings the entries hold (gmv_builder_own_string) */
    bool count_strings;         /* the first walk of the entries: each is met once */
    gmv_addrset strings_seen;   /* string data pointers already counted */
    uint64_t string_bytes;      /* of strings of 16 bytes or more */
    uint64_t tiny_parts;        /* of shorter ones, in 1/GMV_TINY_PARTS bytes */
} gmv_builder;

#define GMV_TINY_PARTS UINT64_C(720720) /* divisible by 1..16: a tiny block's share is exact */

/* Counts a string of `len` bytes at `data` that a key or value holds in
 * its own bytes towards the map's string bytes (once per data pointer;
 * literals in the executable and empty strings are not on the heap).
 * Returns 0 or GMV_ERR_NOMEM. */
int gmv_builder_own_string(gmv_builder *b, uint64_t data, uint64_t len);

/* The bytes the Go allocator takes for an object of `size` bytes of the
 * map's target (`pointers`: it holds pointers), as memory.c rounds them. */
uint64_t gmv_allocated_bytes(const gmv_layout *layout, uint64_t size, bool pointers);

/* The one group of a small Swiss map, or NULL (gmv_model_small_group). */
static inline const gmv_group *gmv_small_group_of(const gmv_model *m)
{
    return m->layout.impl == GMV_IMPL_SWISS && m->swiss.small && m->ngroups == 1 && m->ntables == 0
               ? &m->groups[0]
               : NULL;
}

/* ---- model_records.c: what a walk adds to the model ---- */

/* Records an anomaly of a classic map (printf-style message): at `bucket`
 * (-1: none) of the current or `old` array. Returns 0, or GMV_ERR_NOMEM. */
int gmv_model_add_anomaly(gmv_model *model, const char *kind, uint64_t address, int64_t bucket,
                          bool old, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Records an anomaly of a Swiss map: in table `table` (-1: none), group
 * `group` of it (-1: none). Returns 0, or GMV_ERR_NOMEM. */
int gmv_model_add_swiss_anomaly(gmv_model *model, const char *kind, uint64_t address, int64_t table,
                                int64_t group, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Appends a zeroed entry to the model's list; NULL when memory runs out. */
gmv_entry *gmv_model_push_entry(gmv_model *model);

/* ---- builder.c: reads, counted against the limits ---- */

/* Reads up to `len` bytes at `addr`, counted against the byte limit. Returns
 * bytes read (short at unmapped memory or at the limit) or a negative status. */
int64_t gmv_builder_read(gmv_builder *b, uint64_t addr, void *buf, size_t len);

/* Reads `len` bytes at `addr` into new model storage; NULL when not all of
 * them are readable (or, with b->error set, on a hard failure). */
const uint8_t *gmv_builder_read_block(gmv_builder *b, uint64_t addr, uint32_t len);

/* The bytes of `n` blocks of `block_size` bytes (buckets, groups) at `addr`:
 * lent by the source when it holds them in one piece (a snapshot, a
 * capture's recording), else copied into the model. Sets *readable to the
 * number of whole blocks there. NULL (with b->error) on a hard failure. */
const uint8_t *gmv_builder_read_blocks(gmv_builder *b, uint64_t addr, uint64_t n, uint32_t block_size,
                                       uint64_t *readable);

/* True if decoding a value of type `t` reads more memory. */
bool gmv_type_reads_more(const gmv_type *t);

/* Adds to `pieces` (at *n) the memory decoding cell `slot` of the bucket or
 * group at `raw` will read: string bytes, indirect keys and values (at most
 * 2 pieces). */
void gmv_builder_want_cell(const gmv_builder *b, const uint8_t *raw, int slot, gmv_piece *pieces, size_t *n);

/* Room for the pieces of one prefetch of `cells` cells (b->pieces); false
 * when there is none (the reads then come as they come). */
bool gmv_builder_prefetch_room(gmv_builder *b, size_t cells);

/* Frees the builder's scratch buffers and prefetch room. */
void gmv_builder_release(gmv_builder *b);

/* ---- decode.c ---- */

/* Decodes the key or value of type `t` stored in a cell at `slot` (its bytes
 * live in the model or the source). Indirect values and string bytes are
 * read through the builder. Returns 0 or a hard-failure status. */
int gmv_decode_value(gmv_builder *b, const gmv_type *t, uint32_t tree_type, const uint8_t *slot, gmv_value *out);

/* True when the map at `addr` is `m`'s own or one being read whole around
 * it (a map holding itself, directly or not: not read again). */
bool gmv_model_reading(const gmv_model *m, uint64_t addr);

/* Builds the model of a map that a key or value of `outer`'s map holds
 * (gmv_limits.nested_maps), at `addr`, with `layout` and its key and value
 * types `roots` in outer->types, through outer's source and within what is
 * left of its byte budget (its reads count in outer's). The caller owns
 * *out. Returns 0 or a status. */
int gmv_model_build_nested(gmv_builder *outer, const gmv_layout *layout, const uint32_t roots[2], uint64_t addr,
                           gmv_model **out);

/* ---- decode_tree.c ---- */

/* True when values of `type` are decoded as a tree (structs, pointers,
 * interfaces, constants...), false for the flat kinds (numbers, strings). */
bool gmv_type_is_tree(const gmv_types *types, uint32_t type);

/* Decodes the value of `type` whose bytes are `data` (in model storage)
 * through b->types into a tree in model storage (or, for entries not kept,
 * b->tree_scratch); sets `out` (kind GMV_KIND_NODE). Returns 0 or a
 * hard-failure status. */
int gmv_decode_tree(gmv_builder *b, uint32_t type, const uint8_t *data, gmv_value *out);

/* Decodes the key and value of cell `slot` of the bucket or group whose
 * bytes are `raw` into e->key and e->elem (the place is the caller's to
 * set). Returns 0 or a hard-failure status. */
int gmv_decode_cell(gmv_builder *b, const uint8_t *raw, int slot, gmv_entry *e);

/* Takes the live cell `slot` of the bucket or group whose bytes are `raw`
 * as an entry at the place `place` says (its key and value are decoded
 * here): listed when entries are kept (*index is then its index, else
 * GMV_NO_ENTRY), decoded without being kept when decoding reads memory (a
 * capture records it), else only counted. *decoded points at the decoded
 * entry (valid until the next call) or is NULL. Returns 0 or a hard-failure
 * status. */
int gmv_builder_add_entry(gmv_builder *b, const gmv_entry *place, const uint8_t *raw, int slot,
                          uint32_t *index, const gmv_entry **decoded);

/* ---- classic_*.c and swiss_*.c: one walker per implementation ---- */

/* Walks the classic map whose hmap is at `addr`. Returns 0 or a hard failure. */
int gmv_classic_walk(gmv_builder *b, uint64_t addr);
/* Re-decodes and visits the entries of a classic model built without a list. */
int gmv_classic_each_entry(gmv_builder *b, gmv_entry_visitor visit, void *ctx);
/* The address of the key cell of a classic entry, or 0. */
uint64_t gmv_classic_entry_address(const gmv_model *m, const gmv_entry *e);
/* Adds the anomalies that compare header, arrays and entries. */
void gmv_classic_check(gmv_model *m);
/* Computes the statistics of a built classic model. */
void gmv_classic_count(gmv_model *m);

/* Walks the Swiss map whose Map is at `addr`. Returns 0 or a hard failure. */
int gmv_swiss_walk(gmv_builder *b, uint64_t addr);
/* Re-decodes and visits the entries of a Swiss model built without a list. */
int gmv_swiss_each_entry(gmv_builder *b, gmv_entry_visitor visit, void *ctx);
/* The address of the key cell of a Swiss entry, or 0. */
uint64_t gmv_swiss_entry_address(const gmv_model *m, const gmv_entry *e);
/* Adds the anomalies that compare the header, the directory, the tables and
 * the control bytes. */
void gmv_swiss_check(gmv_model *m);
/* Computes the statistics of a built Swiss model. */
void gmv_swiss_count(gmv_model *m);

#endif
