/*
 * gomapviz/model.h: a faithful model of one map, of either implementation
 * (gmv_model_implementation says which):
 *  - classic (hmap): its header, every bucket and cell, overflow chains,
 *    spare overflow buckets and the old array of a grow;
 *  - Swiss tables (internal/runtime/maps): the Map header, the directory,
 *    every table, every group with its control bytes;
 * and for both the live entries, statistics and anomalies.
 *
 * A model is built by walking memory from a gmv_source with a gmv_layout. It
 * never fails because the map is inconsistent: what does not add up becomes an
 * anomaly. It fails only when the header itself cannot be read.
 *
 * What is common to both: gmv_model_layout, gmv_model_header (address, nil,
 * count), the entries, gmv_model_stats (live_entries, bytes_read),
 * anomalies. The classic views (buckets, old buckets, spares) are empty for a
 * Swiss model, and the Swiss views (directory, tables, groups) for a classic one.
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

/* What this header declares is the public API: exported from libgomapviz.so
 * (everything else is built hidden). */
#pragma GCC visibility push(default)

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

typedef struct gmv_node gmv_node;
typedef struct gmv_model gmv_model;

/* A decoded key or value (32 bytes: a model can hold millions). Byte
 * pointers point into the model's storage. */
typedef struct gmv_value {
    union {
        int64_t i;
        uint64_t u;      /* also pointers */
        double f;
        bool b;
        const gmv_node *node; /* kind GMV_KIND_NODE: the value decoded through its Go type */
    } as;
    const uint8_t *bytes; /* string bytes or raw bytes (OTHER, and the scalars' own bytes) */
    union {
        uint64_t full_len; /* strings: the length stored in memory */
        uint64_t address;  /* indirect keys and values (> 128 bytes): where they live */
    };
    uint32_t len;         /* bytes available in `bytes` */
    uint8_t kind;         /* a gmv_kind: how it was decoded; GMV_KIND_OTHER means hex, GMV_KIND_NODE a tree */
    bool readable;        /* false: its memory (or a string's bytes) was unreadable */
    bool truncated;       /* a string longer than the limit: `bytes` holds a prefix */
} gmv_value;

/* Why a node shows no more than it does. */
typedef enum gmv_node_note {
    GMV_NODE_OK = 0,
    GMV_NODE_NIL,          /* a nil pointer, slice, map, chan, func or interface */
    GMV_NODE_CYCLE,        /* a pointer to a value already being shown on the way here */
    GMV_NODE_DEPTH,        /* a pointer not followed: gmv_limits.follow_depth */
    GMV_NODE_UNREADABLE,   /* memory it needed could not be read */
    GMV_NODE_UNKNOWN_TYPE, /* a type gomapviz could not read (an interface's dynamic type the
                              binary does not describe, a pointer's target): addresses only */
    GMV_NODE_LEFT_OUT      /* its parts are left out: the key or value has more than 65536 */
} gmv_node_note;

/* A key or value decoded through its Go type (gmv_types): a tree of nodes,
 * one per value shown. Everything it points to is the model's (and the
 * types table's, which must outlive the model). */
struct gmv_node {
    const gmv_go_type *type;    /* its static type */
    gmv_value value;            /* scalars and strings as a flat value; other kinds: `bytes`
                                   holds the value's own bytes (byte arrays are shown from them) */
    uint64_t address;           /* pointers, slices (data), chans, maps, funcs (the funcval),
                                   interfaces (the data word): the pointer as read */
    union {                     /* what the kind has besides (one at a time: a node is 104 bytes) */
        struct {
            uint64_t len, cap;  /* slices as read; arrays: the type's length; chans: their
                                   hchan's qcount and dataqsiz (has_count) */
        };
        double imag;            /* complex numbers: value.as.f is the real part */
        uint64_t code;          /* funcs: the code address in the funcval */
        uint64_t dynamic_type;  /* interfaces: the address of the dynamic type's descriptor */
        uint64_t count;         /* maps: the count in their header (has_count) */
    };
    const char *name;           /* funcs: the function's symbol; integers: the named constant of the
                                   value (NULL: none) */
    union {
        const gmv_go_type *dynamic;   /* interfaces: the dynamic type (NULL: nil or unknown) */
        const gmv_go_field *captures; /* funcs: the variables a closure captured (nchildren of them) */
        const gmv_model *nested;      /* maps: the map read whole (gmv_limits.nested_maps), or NULL;
                                         it lives as long as the key or value */
    };
    const gmv_node *children;   /* struct fields (the type's order), the array or slice elements
                                   shown, a pointer's target, an interface's value, a closure's
                                   captured variables */
    uint32_t nchildren;
    uint8_t note;               /* a gmv_node_note */
    bool truncated;             /* an array or slice with more elements than shown */
    bool has_count;             /* maps: `count` was read; chans: `len` and `cap` were */
};

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

#define GMV_NO_TABLE UINT32_MAX

/* A live entry: where it is and what it holds. Its place is told in the
 * terms of its implementation (the unions). */
typedef struct gmv_entry {
    gmv_value key;
    gmv_value elem;
    union {
        uint64_t bucket;      /* classic: index in its array */
        uint64_t group;       /* Swiss: index of its group in its table (0 in a small map) */
    };
    union {
        uint32_t overflow_depth; /* classic: 0 = primary bucket */
        uint32_t table;          /* Swiss: index in gmv_model_tables, GMV_NO_TABLE in a small map */
    };
    uint8_t slot;             /* 0..7 */
    bool old;                 /* classic: in an unevacuated bucket of the old array */
    union {
        uint8_t tophash;      /* classic */
        uint8_t ctrl;         /* Swiss: its control byte (the hash's H2) */
    };
} gmv_entry;

/* The header as read. `address`, `nil` and `count` are set for both
 * implementations (count: hmap.count, or Map.used); the rest is the classic
 * hmap (runtime/map.go hmap + mapextra), zero in a Swiss model. */
typedef struct gmv_header {
    uint64_t address;         /* of the hmap or Map */
    bool nil;                 /* the variable held 0: nothing else is set */
    uint64_t count;
    uint8_t flags;
    uint8_t B;
    uint16_t noverflow;
    uint32_t hash0;
    uint64_t buckets, oldbuckets, nevacuate, extra;
    uint64_t extra_overflow, extra_oldoverflow, next_overflow; /* 0 without extra */
    uint64_t overflow_cap[2];  /* cap of the slices extra.overflow and extra.oldoverflow point
                                  at (pointer-free buckets kept alive); 0: none, or unreadable */
    bool growing;             /* oldbuckets != 0 */
    bool same_size_grow;      /* flag 8 */
} gmv_header;

/* ---- Swiss tables (internal/runtime/maps) ---- */

#define GMV_MAX_TABLE_CAPACITY 1024 /* maxTableCapacity: a fuller table splits */
#define GMV_DEPTH_SLOTS 65          /* depths 0..64 */

/* The state a control byte encodes. */
typedef enum gmv_ctrl_state {
    GMV_CTRL_EMPTY = 0, /* 0x80: holds nothing; a lookup stops at a group with one */
    GMV_CTRL_DELETED,   /* 0xFE: a tombstone (deleted from a group without empty slots) */
    GMV_CTRL_FULL,      /* 0b0hhhhhhh: holds an entry; hhhhhhh is its hash's H2 */
    GMV_CTRL_INVALID    /* bit 7 set but neither empty nor deleted: no state the runtime writes */
} gmv_ctrl_state;

/* Returns the JSON name of a control byte state ("empty", "deleted", "full", "invalid"). */
const char *gmv_ctrl_state_name(gmv_ctrl_state state);

/* The state of control byte `ctrl`. */
gmv_ctrl_state gmv_ctrl_classify(uint8_t ctrl);

/* One group as read: a control word and 8 slots. */
typedef struct gmv_group {
    uint64_t address;
    const uint8_t *raw;              /* its bytes (group_size), NULL when unreadable */
    uint8_t ctrl[GMV_GROUP_SLOTS];   /* byte i is slot i's */
    uint8_t state[GMV_GROUP_SLOTS];  /* a gmv_ctrl_state per slot */
    uint32_t entry[GMV_GROUP_SLOTS]; /* index into the entries, or GMV_NO_ENTRY */
    bool readable;                   /* false: nothing above was read */
} gmv_group;

/* One table as read (internal/runtime/maps.table), each once however many
 * directory entries point at it. */
typedef struct gmv_table {
    uint64_t address;
    bool readable;                 /* false: only `address` and the directory range are set */
    uint16_t used, capacity, growth_left;
    uint8_t local_depth;
    int64_t index;                 /* its first directory entry; -1: replaced by a grow or split */
    uint64_t groups_data;          /* groups.data */
    uint64_t length_mask;          /* groups.lengthMask: groups - 1 */
    size_t first_group, ngroups;   /* its groups in gmv_model_groups: [first_group, first_group + ngroups),
                                      fewer than length_mask + 1 if the walk was cut short */
    uint64_t dir_first, dir_count; /* the directory entries that point at it */
    uint64_t full, empty, deleted; /* its control bytes by state (invalid ones are none of these) */
    int64_t tombstones;            /* capacity*7/8 - used - growthLeft, as the runtime counts them */
} gmv_table;

/* One directory entry: the table pointer as read, and which table it is.
 * gmv_model_directory lists the entries that could be read: all dirLen of
 * them, or fewer (an unreadable_directory anomaly says which are missing). */
typedef struct gmv_dir_entry {
    uint64_t table_address;
    uint32_t table;                /* index in gmv_model_tables, GMV_NO_TABLE if nil or unreadable */
} gmv_dir_entry;

/* The Map header as read, under the runtime's names. */
typedef struct gmv_swiss_header {
    uint64_t used, seed, dir_ptr, dir_len;
    uint8_t global_depth, global_shift, writing;
    bool has_tombstone_possible;   /* the version has the field (Go 1.25 and later) */
    bool tombstone_possible;
    uint64_t clear_seq;
    bool small;                    /* dirLen == 0 and dirPtr != nil: dirPtr is one group */
} gmv_swiss_header;

/* Counts over a Swiss map. */
typedef struct gmv_swiss_stats {
    uint64_t tables;               /* distinct tables */
    uint64_t groups;               /* groups walked */
    uint64_t capacity;             /* slots of every table (8 for a small map) */
    uint64_t full_slots, empty_slots, deleted_slots;
    uint64_t growth_left;          /* sum over the tables */
    double load_factor;            /* full slots / capacity (a table grows at 7/8) */
    double max_table_load;         /* the fullest table's used / capacity */
    uint64_t tables_by_local_depth[GMV_DEPTH_SLOTS]; /* [d]: tables of localDepth d */
    uint64_t tables_by_share[GMV_DEPTH_SLOTS];       /* [k]: tables pointed at by 2^k directory entries */
    uint64_t bytes_held;           /* header, directory, tables, groups, indirect keys and values */
} gmv_swiss_stats;

/* Counts over the whole map. The classic counts are zero for a Swiss map,
 * `swiss` is zero for a classic one. */
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
    uint64_t string_bytes;     /* heap bytes of the strings the live keys and values hold in
                                  their own bytes (not behind pointers, slices or interfaces):
                                  each distinct string data pointer once, literals in the
                                  executable left out, rounded as the allocator does (strings
                                  under 16 bytes: their share of a 16-byte tiny block) */
    bool strings_counted;      /* the walk decoded the entries, and knew where the executable
                                  lies (gmv_types_image): string_bytes is known */
    gmv_swiss_stats swiss;
} gmv_stats;

/* Something that does not add up, with where it was seen. */
typedef struct gmv_anomaly {
    const char *kind;  /* stable identifier, e.g. "overflow_loop" (static) */
    char *message;     /* one sentence */
    uint64_t address;  /* 0 if none */
    int64_t bucket;    /* classic: the bucket index; Swiss: the group index in its table; -1 if none */
    bool old;          /* classic: in the old array */
    int64_t table;     /* Swiss: index in gmv_model_tables; -1 if none (always, for classic) */
} gmv_anomaly;

/* Builds the model of the map whose header (hmap or Map) lives at `map_addr`
 * (0 means a nil map), reading through `src` with `layout`, which says the
 * implementation; `limits` may be NULL. Fails only when the header cannot be
 * read or memory runs out. */
int gmv_model_build(gmv_model **out, gmv_source *src, const gmv_layout *layout,
                    uint64_t map_addr, const gmv_limits *limits);

/* What a build does with the entries it finds. */
typedef enum gmv_entry_mode {
    GMV_ENTRIES_KEEP = 0, /* decode each once and list them (gmv_model_entries) */
    GMV_ENTRIES_REVISIT,  /* list none: gmv_model_each_entry decodes them again from
                             `src`, which the model takes over (for one pass over a big map) */
    GMV_HEADERS_ONLY,     /* read no bucket or group: the header, and for Swiss tables the
                             directory and the table headers (what gmv_model_memory needs);
                             no entries, no anomalies */
    GMV_ENTRIES_READ      /* list none, visit none: only read the memory decoding them
                             needs (what a capture records); the stats still count them.
                             The groups' bytes are not kept (raw NULL): a Swiss walk
                             tells `src` after each batch of tables that it may free
                             what it lent (gmv_source_release_views) */
} gmv_entry_mode;

/* Reads the map header at `addr` of `src` and tells whether it could be a
 * header of `layout`'s implementation (fields within what the runtime ever
 * writes: a classic B and count that fit, a Swiss used that its directory
 * could hold, aligned pointers). Returns 0 if it could; GMV_ERR_INVALID with
 * a message naming the fields that cannot be; GMV_ERR_IO if unreadable. For
 * an address a user gave, before gmv_model_build reads it as a map. */
int gmv_model_probe_header(gmv_source *src, const gmv_layout *layout, uint64_t addr);

/* Tells whether `addr` holds a pointer to a plausible header of `layout`
 * (gmv_model_probe_header): the address of a map variable, where a map's own
 * address was wanted. Returns 0 and stores the map's address in *map_addr,
 * GMV_ERR_NOT_FOUND if it holds no such pointer, or a negative status from
 * the source. */
int gmv_model_probe_map_pointer(gmv_source *src, const gmv_layout *layout, uint64_t addr, uint64_t *map_addr);

/* Like gmv_model_build, with the entries handled as `mode` says. With
 * GMV_ENTRIES_REVISIT the model owns `src` once the build succeeds (it is
 * freed with the model; at the byte limit the model lists its entries
 * instead, as decoding again could read what the build could not); on
 * failure the caller keeps it. */
int gmv_model_build_with(gmv_model **out, gmv_source *src, const gmv_layout *layout, uint64_t map_addr,
                         const gmv_limits *limits, gmv_entry_mode mode);

/* What a map holds on the Go heap, each allocation rounded up as the
 * runtime allocates it (gmv_model_memory): by kind, and the same bytes by
 * use (total = in_use + wasted + overhead). "Cell" below is a key slot, a
 * value slot and its tophash or control byte. */
typedef struct gmv_map_memory {
    /* by kind */
    uint64_t header;     /* the hmap, or the Swiss Map */
    uint64_t arrays;     /* classic: the bucket array, with the overflow buckets made with it
                            (B >= 4); Swiss: every table's groups, or a small map's one group */
    uint64_t overflow;   /* classic: overflow buckets allocated one by one (hmap.noverflow less
                            the preallocated ones used; the runtime counts approximately from B 16) */
    uint64_t old_arrays; /* classic: the old bucket array during a grow */
    uint64_t extra;      /* classic: mapextra, and the overflow slice of pointer-free buckets */
    uint64_t tables;     /* Swiss: the table structs */
    uint64_t directory;  /* Swiss: the directory */
    uint64_t storage;    /* the map's own storage: all of the above */
    uint64_t indirect;   /* keys and values over 128 bytes, one allocation each, of the live entries */
    uint64_t strings;    /* string bytes the live keys and values hold (gmv_stats.string_bytes) */
    bool strings_counted; /* false: `strings` is 0, the entries were not read (GMV_HEADERS_ONLY)
                             or nothing said where the executable lies (a snapshot of gomapviz
                             before string bytes, or no DWARF) */
    uint64_t total;      /* storage + indirect + strings: what the map holds */
    /* by use */
    bool cells_read;     /* false (GMV_HEADERS_ONLY): a classic map's entries are taken to be in
                            the current array, its deleted cells counted as empty, its old
                            array as all moved; a Swiss map's figures come from its table headers */
    uint64_t live_entries; /* entries found (the header's count when cells were not read) */
    uint64_t in_use;     /* the live entries' cells, indirect keys and values, and strings */
    uint64_t empty;      /* cells holding nothing */
    uint64_t deleted;    /* classic: emptyOne cells (deleted, or a cell before them); Swiss: tombstones */
    uint64_t old;        /* classic: cells of the old array already moved during a grow */
    uint64_t spare;      /* classic: preallocated overflow buckets not used yet */
    uint64_t wasted;     /* empty + deleted + old + spare */
    uint64_t overhead;   /* the rest: headers, directory, tables, overflow pointers, padding,
                            size-class rounding */
    uint64_t capacity;   /* slots: 8 * 2^B, or the tables' capacities (8 for a small map) */
    uint64_t rebuilt;    /* what the map would hold rebuilt: its `count` entries put one by one
                            into a new map (a copy), by the runtime's growth rules (classic: the
                            smallest B for a load of 6.5, overflow buckets as an even hash makes
                            them; Swiss: tables of 7/8 load at most, 1024 slots, as many as an
                            even spread of the keys splits into); the same indirect and string
                            bytes (a copy shares the strings) */
    uint64_t saving;     /* total - rebuilt when positive: what copying the map gives back */
} gmv_map_memory;

/* Fills `out` with what the map of `model` (built in any mode;
 * GMV_HEADERS_ONLY reads the least, and then knows no string bytes and
 * splits the cells by use from the headers) holds on the Go heap: each
 * allocation rounded up to its size class (the same 67 classes in Go 1.19
 * to 1.27; whole 8 KiB pages beyond 32 KiB), with the 8-byte malloc header
 * Go 1.22 and later put before objects over 512 bytes that hold pointers. */
void gmv_model_memory(const gmv_model *model, gmv_map_memory *out);

/* Like gmv_model_build_with, decoding keys and values through `types`
 * (gmv_binary_value_types, or a snapshot's): structs, arrays, pointers
 * (followed limits->follow_depth deep), interfaces, slices, funcs, chans,
 * nested maps and named constants become trees (gmv_value kind
 * GMV_KIND_NODE). `types` may be NULL (keys and values as bytes, strings
 * and numbers); decoding may add to it (interface types and function names
 * looked up in its binary). It must outlive the model. */
int gmv_model_build_typed(gmv_model **out, gmv_source *src, const gmv_layout *layout, gmv_types *types,
                          uint64_t map_addr, const gmv_limits *limits, gmv_entry_mode mode);

/* The types the model's keys and values were decoded through, or NULL. Borrowed. */
const gmv_types *gmv_model_types(const gmv_model *model);

/* Frees the model. Accepts NULL. */
void gmv_model_free(gmv_model *model);

/* Borrowed views of a model. */
const gmv_layout *gmv_model_layout(const gmv_model *model);
gmv_map_impl gmv_model_implementation(const gmv_model *model);
const gmv_header *gmv_model_header(const gmv_model *model);
const gmv_array *gmv_model_buckets(const gmv_model *model);
const gmv_array *gmv_model_oldbuckets(const gmv_model *model); /* NULL unless growing */
/* The entry list; empty for a model built without one
 * (gmv_snapshot_build_lean_model): use gmv_model_each_entry for any model. */
const gmv_entry *gmv_model_entries(const gmv_model *model, size_t *count);
const uint64_t *gmv_model_spare_overflow(const gmv_model *model, size_t *count);
const gmv_stats *gmv_model_stats(const gmv_model *model);
const gmv_anomaly *gmv_model_anomalies(const gmv_model *model, size_t *count);

/* Borrowed views of a Swiss model (NULL, or a count of 0, for a classic one). */
const gmv_swiss_header *gmv_model_swiss_header(const gmv_model *model);
const gmv_dir_entry *gmv_model_directory(const gmv_model *model, size_t *count);
const gmv_table *gmv_model_tables(const gmv_model *model, size_t *count);
/* Every group read: each table's, contiguous, or a small map's one group. */
const gmv_group *gmv_model_groups(const gmv_model *model, size_t *count);
/* The group of a small map (dirLen 0), or NULL. */
const gmv_group *gmv_model_small_group(const gmv_model *model);

/* Called with each entry; the entry (and the bytes it points to) is valid
 * only during the call. A non-zero return stops the visit. */
typedef int (*gmv_entry_visitor)(void *ctx, const gmv_entry *entry);

/* Calls `visit` for every live entry, in the order gmv_model_entries lists
 * them: from the list, or for a model built without one decoded again from
 * its memory. Returns 0, what `visit` returned to stop, or a negative status
 * (out of memory). */
int gmv_model_each_entry(const gmv_model *model, gmv_entry_visitor visit, void *ctx);

/* The address of the key cell of `entry` (an entry of this model), or 0 if
 * its bucket or group is not in the model. */
uint64_t gmv_model_entry_address(const gmv_model *model, const gmv_entry *entry);

/* How many anomalies were not kept because the list was full (1000). */
uint64_t gmv_model_anomalies_dropped(const gmv_model *model);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
