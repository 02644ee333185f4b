/*
 * gomapviz/layout.h: how a map of one type is laid out in memory, for either
 * map implementation (classic hmap or Swiss tables), and how to learn that
 * (and where a variable lives) from a Go executable's ELF symbols and DWARF.
 */
#ifndef GOMAPVIZ_LAYOUT_H
#define GOMAPVIZ_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/common.h"
#include "gomapviz/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is the public API: exported from libgomapviz.so
 * (everything else is built hidden). */
#pragma GCC visibility push(default)

#define GMV_BUCKET_CELLS 8 /* cells of a classic bucket */
#define GMV_GROUP_SLOTS 8  /* slots of a Swiss group */
#define GMV_MAX_INLINE_SIZE 128 /* larger keys or values are stored as pointers */
#define GMV_TYPE_NAME_MAX 256

/* How a key or value is decoded. */
typedef enum gmv_kind {
    GMV_KIND_OTHER = 0, /* shown as hex bytes */
    GMV_KIND_INT,       /* signed, size 1, 2, 4 or 8 */
    GMV_KIND_UINT,      /* unsigned (uintptr too), size 1, 2, 4 or 8 */
    GMV_KIND_BOOL,
    GMV_KIND_FLOAT,     /* size 4 or 8 */
    GMV_KIND_STRING,    /* a (pointer, length) header */
    GMV_KIND_POINTER,   /* pointers, channels, funcs, unsafe.Pointer: an address */
    GMV_KIND_NODE       /* decoded values only: a tree through its Go type (gmv_node) */
} gmv_kind;

/* The lower-case name of a kind ("other", "int", "uint", "bool", "float",
 * "string", "pointer", "node"), or "unknown". */
const char *gmv_kind_name(gmv_kind kind);

/* A key or value type. */
typedef struct gmv_type {
    char name[GMV_TYPE_NAME_MAX]; /* Go spelling, e.g. "string", "[200]uint8" */
    gmv_kind kind;
    uint64_t size;   /* size of the value itself */
    bool indirect;   /* stored in the bucket as a pointer (size > 128) */
} gmv_type;

/* Byte offsets of hmap fields (runtime/map.go `hmap`) and of mapextra. */
typedef struct gmv_hmap_layout {
    uint32_t count, flags, B, noverflow, hash0, buckets, oldbuckets, nevacuate, extra;
    uint32_t size;
    uint32_t extra_overflow, extra_oldoverflow, extra_next_overflow;
} gmv_hmap_layout;

/* Which map implementation a layout (and a model) describes. */
typedef enum gmv_map_impl {
    GMV_IMPL_CLASSIC = 0, /* runtime hmap: buckets, overflow chains, incremental
                             evacuation (Go 1.11-1.23; 1.24/1.25 with noswissmap) */
    GMV_IMPL_SWISS        /* internal/runtime/maps: a directory of tables of groups (Go 1.24+) */
} gmv_map_impl;

/* "classic" or "swiss". */
const char *gmv_map_impl_name(gmv_map_impl impl);

/* An offset for a field the version read does not have. */
#define GMV_NO_FIELD UINT32_MAX

/* Byte offsets of internal/runtime/maps.Map fields, and its size. */
typedef struct gmv_swiss_map_layout {
    uint32_t used, seed, dir_ptr, dir_len, global_depth, global_shift, writing;
    uint32_t tombstone_possible; /* GMV_NO_FIELD before Go 1.25 */
    uint32_t clear_seq, size;
} gmv_swiss_map_layout;

/* Byte offsets of internal/runtime/maps.table fields (groups.data and
 * groups.lengthMask flattened), and its size. */
typedef struct gmv_swiss_table_layout {
    uint32_t used, capacity, growth_left, local_depth, index, groups_data, groups_length_mask, size;
} gmv_swiss_table_layout;

/* The Swiss part of a layout. */
typedef struct gmv_swiss_layout {
    gmv_swiss_map_layout map;
    gmv_swiss_table_layout table;
    uint32_t group_size;  /* one group: the control word and 8 slots */
    uint32_t ctrl_offset; /* of the control word in a group (0) */
    bool split_groups;    /* keys [8]K then elems [8]V (GOEXPERIMENT=mapsplitgroup),
                             not 8 slots of {key, elem} */
} gmv_swiss_layout;

/* tophash marks; Go 1.11 differs from Go 1.12+ (see docs). */
typedef struct gmv_tophash_marks {
    bool has_empty_rest; /* false for Go 1.11: 0 means plain "empty" */
    uint8_t empty_rest, empty_one, evacuated_x, evacuated_y, evacuated_empty, min_top_hash;
} gmv_tophash_marks;

/* Everything needed to walk and decode one map type, of either
 * implementation: the common part, then the classic part (zero for Swiss),
 * then the Swiss part (zero for classic). */
typedef struct gmv_layout {
    char go_version[32];              /* "go1.19.8", or "" if unknown */
    char map_type[GMV_TYPE_NAME_MAX]; /* "map[string]int" */
    gmv_map_impl impl;
    uint32_t ptr_size;                /* 8 or 4 */
    gmv_type key, elem;
    uint32_t key_slot, elem_slot;     /* bytes a key or value takes in its cell (its size, or a pointer) */
    /* Cell i of a bucket or group: its key at keys_offset + i * key_stride,
     * its value at elems_offset + i * elem_stride. A classic bucket and a
     * split group store 8 keys, then 8 values (stride = slot); an
     * interleaved group stores 8 {key, value} slots (stride = slot size). */
    uint32_t keys_offset, elems_offset, key_stride, elem_stride;
    /* classic */
    uint32_t bucket_size, overflow_offset;
    gmv_hmap_layout hmap;
    gmv_tophash_marks marks;
    /* Swiss */
    gmv_swiss_layout swiss;
} gmv_layout;

/* Fills `out` with the classic (Go 1.11-1.23) layout for `ptr_size` (4 or 8),
 * `go_version` (may be "" for 1.12+ rules) and the given key and value types:
 * hmap offsets, bucket offsets and tophash marks. `map_type` may be NULL.
 * Returns 0 or GMV_ERR_INVALID (bad pointer size, sizes that overflow). */
int gmv_layout_classic(gmv_layout *out, uint32_t ptr_size, const char *go_version,
                       const char *map_type, const gmv_type *key, const gmv_type *elem);

/* Fills `out` with the Swiss-table (Go 1.24+) layout the runtime's rules
 * give for `ptr_size`, `go_version` (Go 1.25 and later have
 * Map.tombstonePossible; "" means the newest) and the key and value types,
 * with interleaved slots or, if `split_groups`, split key and value arrays.
 * A type's alignment is taken from its size (exact for scalars, strings and
 * pointers; DWARF gives the exact offsets of any type). `map_type` may be
 * NULL. Returns 0 or GMV_ERR_INVALID. */
int gmv_layout_swiss(gmv_layout *out, uint32_t ptr_size, const char *go_version, const char *map_type,
                     const gmv_type *key, const gmv_type *elem, bool split_groups);

/* Checks a layout read from a file or DWARF for internal consistency (offsets
 * inside the header, table, bucket or group, slots of the stated sizes, known
 * pointer size and implementation). Returns 0 or GMV_ERR_FORMAT with a
 * message naming the field. */
int gmv_layout_validate(const gmv_layout *layout);

/* The size of the map's header: the hmap, or the Swiss Map. */
uint32_t gmv_layout_header_size(const gmv_layout *layout);

/* Where a writer marks the map while it writes: the byte at `*offset` in the
 * header, and in it the bits `*mask` (classic: hashWriting in flags; Swiss:
 * any bit of Map.writing). */
void gmv_layout_writer_flag(const gmv_layout *layout, uint32_t *offset, uint8_t *mask);

/* Parses a Go version string ("go1.19.8", "go1.11") into minor version 19 or
 * 11; returns -1 if it is not of that form. */
int gmv_go_minor_version(const char *go_version);

/* A Go executable opened for symbol and DWARF look-ups. */
typedef struct gmv_binary gmv_binary;

/* Opens the ELF executable at `path`. Fails with GMV_ERR_NOT_FOUND (no such
 * file), GMV_ERR_FORMAT (not ELF / not a Go binary). */
int gmv_binary_open(gmv_binary **out, const char *path);

/* Like gmv_binary_open, with DWARF kept apart from the executable
 * (objcopy --only-keep-debug, a -dbgsym package): `debug_file` names it
 * (NULL: when the executable has no DWARF, look for it as gdb does: under
 * `debug_root` (NULL: /usr/lib/debug) by GNU build ID, then through the
 * .gnu_debuglink section beside the executable, in its .debug/ folder and
 * under `debug_root`). A debug file is used only if it is of the same build
 * (same build ID, or the debuglink's CRC). Fails as gmv_binary_open does, or
 * for a named `debug_file` that is missing (GMV_ERR_NOT_FOUND), of another
 * build (GMV_ERR_MISMATCH) or without DWARF (GMV_ERR_FORMAT). */
int gmv_binary_open_with_debug(gmv_binary **out, const char *path, const char *debug_file, const char *debug_root);

/* The debug file whose DWARF the binary uses, or NULL (its own, or none).
 * Borrowed. */
const char *gmv_binary_debug_file(const gmv_binary *bin);

/* Writes into `out` (`size` bytes) the places gmv_binary_open_with_debug
 * looks for a debug file of `bin`, separated by ", " ("" if the executable
 * names none: no GNU build ID, no .gnu_debuglink). */
void gmv_binary_debug_places(const gmv_binary *bin, const char *debug_root, char *out, size_t size);

/* Frees the binary. Accepts NULL. */
void gmv_binary_free(gmv_binary *bin);

/* The Go version the binary was built with ("go1.19.8"), or "" if unknown.
 * Borrowed. */
const char *gmv_binary_go_version(const gmv_binary *bin);

/* 8 for a 64-bit executable, 4 for a 32-bit one. */
uint32_t gmv_binary_ptr_size(const gmv_binary *bin);

/* The ELF entry point (e_entry) as linked. */
uint64_t gmv_binary_entry(const gmv_binary *bin);

/* True for a position-independent executable (ET_DYN). */
bool gmv_binary_is_pie(const gmv_binary *bin);

/* True when the binary has DWARF debug information. */
bool gmv_binary_has_dwarf(const gmv_binary *bin);

/* What gmv_binary_check_build_id compared. */
typedef struct gmv_build_id_check {
    char kind[4];        /* "Go" (the Go build ID note) or "GNU" (NT_GNU_BUILD_ID); "" if the file has neither */
    char in_file[136];   /* the executable's build ID: Go's as text, GNU's in hex (cut at 128 characters) */
    char in_memory[136]; /* the target's, read at the same place; "" if unreadable */
    uint64_t address;    /* where in the target it was read */
} gmv_build_id_check;

/* Tells whether `bin` is the executable the memory of `src` comes from: its
 * build ID note (Go's, else GNU's) must be in the target's own memory
 * (gmv_source_read_own) at the note's link address + `bias` (the PIE load
 * bias). Fills `out` (may be NULL). Returns 0 when they match, or when the
 * file has no build ID to compare (out->kind is ""); GMV_ERR_MISMATCH when
 * the target holds another build ID or none there; GMV_ERR_NOT_FOUND when the
 * target's memory does not hold those bytes (a core that left them out); or
 * a negative status from the source. */
int gmv_binary_check_build_id(const gmv_binary *bin, gmv_source *src, uint64_t bias, gmv_build_id_check *out);

/* Finds the package-level variable `name` ("main.cache"): its link-time
 * address (add the load bias for a PIE) through `addr_out`, and, if its type
 * is a map, that map's layout through `layout_out` (may be NULL).
 * Fails with GMV_ERR_NOT_FOUND (message suggests the closest names), or
 * GMV_ERR_INVALID when the variable is not a map (message names its type),
 * or GMV_ERR_UNSUPPORTED when the binary is stripped (message says to use
 * --addr with --type). */
int gmv_binary_find_map_variable(const gmv_binary *bin, const char *name, uint64_t *addr_out,
                                 gmv_layout *layout_out);

/* Finds the map named by `path` as Go code names it: a package-level
 * variable ("main.cache"), or a field or element of one, through pointers
 * and slices as Go steps through them ("main.registry.m",
 * "main.shards[3].index", "main.srv.routes" with srv a pointer). Stores the
 * runtime address where the map pointer is (`bias`, the PIE load bias,
 * added) and the map's layout (`layout_out` may be NULL). A path through a
 * pointer or a slice reads `src` (may be NULL for one without). Fails as
 * gmv_binary_find_map_variable does, or with GMV_ERR_NOT_FOUND (no such
 * field, index out of range, a nil pointer on the way) or GMV_ERR_INVALID
 * (not a map, a step a type does not have), each naming the path so far. */
int gmv_binary_find_map_path(const gmv_binary *bin, gmv_source *src, uint64_t bias, const char *path,
                             uint64_t *addr_out, gmv_layout *layout_out);

/* A map found by gmv_binary_each_map. Borrowed for the visit only. */
typedef struct gmv_map_place {
    const char *path;         /* "main.reg.m", "main.shards[3].index" (as --var takes it) */
    uint64_t address;         /* where the map pointer is (runtime address) */
    uint64_t map;             /* the map pointer read there: the hmap or Map (0 only without memory) */
    const gmv_layout *layout; /* of the map's type */
} gmv_map_place;

/* Called for each map found; a non-zero return stops the search. */
typedef int (*gmv_map_visitor)(void *ctx, const gmv_map_place *place);

/* Calls `visit` for every non-nil map reachable from the package-level
 * variables of `bin` (by name order): in variables, struct fields, array and
 * slice elements (4096 of each at most), and behind pointers, `depth`
 * pointers deep at most, each pointer target once (4 million values looked
 * into at most). Reads pointers, slices and map pointers from `src` at load
 * bias `bias`; with `src` NULL (an executable alone) it names the maps that
 * need no memory to find (variables, fields, array elements), `map` 0.
 * Stores in *found (may be NULL) how many maps were visited. Returns 0,
 * what `visit` returned to stop, GMV_ERR_UNSUPPORTED (no DWARF) or a hard
 * failure of the source. */
int gmv_binary_each_map(const gmv_binary *bin, gmv_source *src, uint64_t bias, unsigned depth,
                        gmv_map_visitor visit, void *ctx, uint64_t *found);

/* Fills `out` with the layout of the map type spelled `map_type`
 * ("map[string]int", as Go's DWARF names it); the DWARF's structures say
 * which implementation it is. Fails with GMV_ERR_NOT_FOUND (the message
 * suggests close type names) or GMV_ERR_UNSUPPORTED (no DWARF). */
int gmv_binary_map_layout(const gmv_binary *bin, const char *map_type, gmv_layout *out);

/* ---- Go types of keys and values, for decoding them in full ----
 *
 * A gmv_types is a table of Go types read from DWARF: the key and value
 * types of one map and every type they reach (struct fields, array and
 * slice elements, pointer targets, nested maps), plus what decoding found
 * on the way: the dynamic types of interfaces (looked up by the address of
 * their runtime type descriptor) and the names of functions (looked up by
 * code address). A table made from a binary asks the binary for those
 * lazily; a table read back from a snapshot holds exactly what the capture
 * asked for, so decoding offline gives what it gave live.
 *
 * Types refer to each other by index (GMV_NO_TYPE: none). Names and field
 * lists are owned by the table and live as long as it does. */

#define GMV_NO_TYPE UINT32_MAX
#define GMV_MAX_VALUE_SIZE (UINT64_C(1) << 32) /* a larger Go type is refused */

/* What a Go type is (reflect.Kind, grouped). */
typedef enum gmv_go_kind {
    GMV_GO_BOOL = 0,
    GMV_GO_INT,        /* int, int8..int64 */
    GMV_GO_UINT,       /* uint, uint8..uint64 */
    GMV_GO_UINTPTR,
    GMV_GO_FLOAT,      /* float32, float64 */
    GMV_GO_COMPLEX,    /* complex64, complex128 */
    GMV_GO_STRING,
    GMV_GO_UNSAFE_POINTER,
    GMV_GO_POINTER,    /* elem: the target */
    GMV_GO_ARRAY,      /* elem, len */
    GMV_GO_SLICE,      /* elem */
    GMV_GO_STRUCT,     /* fields */
    GMV_GO_INTERFACE,  /* with methods: (itab, data) */
    GMV_GO_EMPTY_INTERFACE, /* interface {} / any: (type, data) */
    GMV_GO_FUNC,       /* a pointer to a funcval */
    GMV_GO_CHAN,       /* a pointer to an hchan */
    GMV_GO_MAP,        /* a pointer to an hmap or a Swiss Map */
    GMV_GO_KIND_COUNT
} gmv_go_kind;

/* "bool", "int", ... "map": the JSON and snapshot name of a kind, or "unknown". */
const char *gmv_go_kind_name(gmv_go_kind kind);

/* A struct field (blank `_` fields are left out: they are padding). */
typedef struct gmv_go_field {
    const char *name;
    uint64_t offset;
    uint32_t type;
    bool embedded;
} gmv_go_field;

/* A named constant of a type (DW_TAG_constant): `type Color int; const Red Color = 0`. */
typedef struct gmv_go_const {
    const char *name; /* "main.Red" */
    int64_t value;    /* as stored (an unsigned constant's bits) */
} gmv_go_const;

/* One Go type. */
typedef struct gmv_go_type {
    const char *name;          /* Go spelling: "main.Point", "*main.User", "[]uint8" */
    gmv_go_kind kind;
    uint64_t size;
    uint32_t elem;             /* pointer target, array/slice element, map value; GMV_NO_TYPE */
    uint32_t key;              /* map key; GMV_NO_TYPE */
    uint64_t len;              /* arrays: the length */
    const gmv_go_field *fields; /* structs, in memory order */
    uint32_t nfields;
    const gmv_go_const *consts; /* named constants (one name a value: the first DWARF lists) */
    uint32_t nconsts;
    bool direct_iface;         /* an interface holding it stores the value itself, not a pointer */
    gmv_map_impl map_impl;     /* maps: which implementation */
    uint32_t map_count_offset; /* maps: where the count is in the header (hmap.count, Map.used) */
    uint32_t map_count_size;   /* maps: its size */
    const gmv_layout *map_layout; /* maps: the whole layout, to read such a map too (NULL: unknown) */
    uint32_t chan_len_offset;  /* chans: where hchan.qcount is (GMV_NO_FIELD: unknown) */
    uint32_t chan_cap_offset;  /* chans: where hchan.dataqsiz is (both are uints) */
} gmv_go_type;

typedef struct gmv_types gmv_types;

/* Reads from `bin`'s DWARF the key and value types of the map type
 * `map_type` (as gmv_binary_map_layout spells it) into a new table, which
 * keeps `bin` (borrowed: it must outlive the table, or until
 * gmv_types_detach) to look up interface types and function names as
 * decoding meets them. `bias` is the PIE load bias of the target (0 for
 * other executables and cores of them): memory addresses minus it are link
 * addresses. Fails with GMV_ERR_UNSUPPORTED (no DWARF), GMV_ERR_NOT_FOUND
 * or GMV_ERR_FORMAT. The caller frees the table with gmv_types_free. */
int gmv_binary_value_types(const gmv_binary *bin, const char *map_type, uint64_t bias, gmv_types **out);

/* A new empty table with no binary (for a reader of saved tables); NULL when
 * memory runs out. */
gmv_types *gmv_types_new(uint64_t bias);

/* Frees the table. Accepts NULL. */
void gmv_types_free(gmv_types *types);

/* A copy of the table without its binary (what a snapshot keeps): its
 * types, key and value, bias and remembered look-ups. NULL when memory runs
 * out. */
gmv_types *gmv_types_copy(const gmv_types *types);

/* Forgets the binary: later look-ups find only what the table holds. */
void gmv_types_detach(gmv_types *types);

/* The types of the map's keys and values (GMV_NO_TYPE when unset). */
uint32_t gmv_types_key(const gmv_types *types);
uint32_t gmv_types_elem(const gmv_types *types);

/* Sets them (a reader of saved tables). Returns 0 or GMV_ERR_INVALID. */
int gmv_types_set_roots(gmv_types *types, uint32_t key, uint32_t elem);

/* The PIE load bias the table was made with. */
uint64_t gmv_types_bias(const gmv_types *types);

/* Where the executable's own bytes (code, read-only data, initialized data)
 * lie in the target's memory, bias included: [start, end), empty when not
 * known. gmv_binary_value_types sets it; a snapshot keeps it. */
void gmv_types_set_image(gmv_types *types, uint64_t start, uint64_t end);
void gmv_types_image(const gmv_types *types, uint64_t *start, uint64_t *end);

/* True when `address` lies in the executable's own bytes (a string literal,
 * not a heap allocation). `types` may be NULL (false). */
bool gmv_types_in_image(const gmv_types *types, uint64_t address);

/* True when a value of type `index` holds pointers the garbage collector
 * scans (an unknown type counts as holding some). */
bool gmv_types_hold_pointers(const gmv_types *types, uint32_t index);

/* How many types the table holds, and type `index` (NULL if out of range). Borrowed. */
uint32_t gmv_types_count(const gmv_types *types);
const gmv_go_type *gmv_types_at(const gmv_types *types, uint32_t index);

/* Adds a copy of `type` (its strings, fields and constants are copied; its
 * indices are taken as they are) and returns its index, or GMV_NO_TYPE when
 * memory runs out. For readers of saved tables; check the result with
 * gmv_types_validate. */
uint32_t gmv_types_add(gmv_types *types, const gmv_go_type *type);

/* Checks every type's references and sizes (indices in range, fields inside
 * their struct, an array's size its length times its element's). Returns 0
 * or GMV_ERR_FORMAT with a message naming the type. */
int gmv_types_validate(const gmv_types *types);

/* The element type of type `index` (gmv_go_type.elem); for a pointer or a
 * slice it is read from the binary when first asked for (a table read back
 * holds those a capture asked for). GMV_NO_TYPE when unknown. */
uint32_t gmv_types_elem_of(gmv_types *types, uint32_t index);

/* The type whose runtime type descriptor is at `address` in the target's
 * memory (the type word of an interface), added from the binary on first
 * use; GMV_NO_TYPE when unknown. The answer, known or not, is remembered. */
uint32_t gmv_types_by_runtime_type(gmv_types *types, uint64_t address);

/* A function met through a func value: its symbol, and for a closure the
 * variables it captured (Go 1.23 and later describe them in DWARF), each at
 * `offset` in the funcval (a variable captured by reference is a pointer). */
typedef struct gmv_go_func {
    const char *name;             /* "main.hello", "main.main.func1"; NULL: no symbol there */
    const gmv_go_field *captures; /* name as DWARF spells it ("&n": by reference) */
    uint32_t ncaptures;
} gmv_go_func;

/* The function whose code starts at `address` in the target's memory,
 * looked up in the binary's symbols and DWARF on first use; NULL only when
 * memory runs out. Borrowed from the table. */
const gmv_go_func *gmv_types_func(gmv_types *types, uint64_t address);

/* Records what look-ups gave (a reader of saved tables): the runtime type at
 * memory address `address` is `type` (GMV_NO_TYPE: unknown), the function at
 * `address` is `func` (copied). Return 0 or GMV_ERR_NOMEM. */
int gmv_types_remember_runtime_type(gmv_types *types, uint64_t address, uint32_t type);
int gmv_types_remember_func(gmv_types *types, uint64_t address, const gmv_go_func *func);

/* Calls `visit` for every remembered look-up, by address (for writers of
 * saved tables). */
void gmv_types_each_runtime_type(const gmv_types *types, void (*visit)(void *ctx, uint64_t address, uint32_t type),
                                 void *ctx);
void gmv_types_each_func(const gmv_types *types,
                         void (*visit)(void *ctx, uint64_t address, const gmv_go_func *func), void *ctx);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
