/*
 * gomapviz/common.h: status codes, the last-error message, and limits.
 *
 * Ownership, once for the whole API:
 *  - An object returned through an `out` parameter (`gmv_x **out`) belongs to
 *    the caller and is released with the matching `gmv_x_free()`; every
 *    `_free()` accepts NULL.
 *  - A pointer returned by a getter (`gmv_x_layout(x)`) is borrowed: it lives
 *    as long as its parent and must not be freed.
 *  - An object passed in and kept is borrowed too: it must outlive its user
 *    (a model its snapshot or gmv_types; a gmv_types its gmv_binary), and
 *    what a model built through types decoded (gmv_node trees, the types
 *    they name) lives as long as the model.
 *  - Fallible functions return 0 (GMV_OK) or a negative gmv_status, and leave a
 *    one-line message for gmv_error_last().
 *
 * Threads, once for the whole API:
 *  - The last error and the progress callback belong to the calling thread.
 *  - No object locks itself: different objects may be used from different
 *    threads at once, but one object (with the snapshot or source it reads
 *    from) from one thread at a time, even through functions that take it
 *    as const: a model may read its snapshot again to visit its entries, and
 *    decoding through a gmv_types made from a binary adds to it.
 *  - Pictures are drawn by Graphviz, which keeps global state:
 *    gmv_render_graph and gmv_diff_render_graph must not run in two threads
 *    at once.
 */
#ifndef GOMAPVIZ_COMMON_H
#define GOMAPVIZ_COMMON_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is the public API: exported from libgomapviz.so
 * (everything else is built hidden). */
#pragma GCC visibility push(default)

typedef enum gmv_status {
    GMV_OK = 0,
    GMV_ERR_NOMEM = -1,       /* out of memory, or a limit on memory was hit */
    GMV_ERR_INVALID = -2,     /* bad argument or bad user input */
    GMV_ERR_IO = -3,          /* a file or a process could not be read or written */
    GMV_ERR_NOT_FOUND = -4,   /* no such variable, type, process or file */
    GMV_ERR_FORMAT = -5,      /* a file is malformed, truncated or of the wrong kind */
    GMV_ERR_PERMISSION = -6,  /* the OS refused access (ptrace, /proc, file mode) */
    GMV_ERR_UNSUPPORTED = -7, /* a valid input this version cannot handle */
    GMV_ERR_NIL_MAP = -8,     /* the variable holds a nil map */
    GMV_ERR_GONE = -9,        /* the target process exited while being read */
    GMV_ERR_MISMATCH = -10    /* an executable that is not the one the memory came from */
} gmv_status;

/* Returns the message of the last failure in this thread ("" if none).
 * The string is owned by the library and valid until the next failing call. */
const char *gmv_error_last(void);

/* Returns the status code of the last failure in this thread (GMV_OK if none). */
int gmv_error_last_code(void);

/* Progress of a long operation: `stage` ("buckets", "old buckets",
 * "entries"), `done` of `total` units. Called from the working thread. */
typedef void (*gmv_progress_fn)(void *ctx, const char *stage, uint64_t done, uint64_t total);

/* Sets this thread's progress callback (NULL: none). gomapviz calls it now
 * and then (every few thousand buckets or entries) during model builds and
 * JSON output; the callback decides whether to show anything. */
void gmv_set_progress(gmv_progress_fn fn, void *ctx);

/* The settings a message may tell the caller to change ("raise X to read
 * more"). Messages name them as the library's API does (the default:
 * "limits.max_bytes", "allow_nil", ...) or as the program using the library
 * says (gmv_set_option_name: a command line names its flags). */
typedef enum gmv_option {
    GMV_OPTION_MAX_BYTES,   /* gmv_limits.max_bytes */
    GMV_OPTION_MAX_BUCKETS, /* gmv_limits.max_buckets */
    GMV_OPTION_ALLOW_NIL,   /* the allow_nil argument of a capture */
    GMV_OPTION_FORCE,       /* the force argument of gmv_diff_build */
    GMV_OPTION_KEY,         /* gmv_graph_options.focus_key */
    GMV_OPTION_BUCKETS,     /* gmv_graph_options.focus_first..focus_last */
    GMV_OPTION_LONGEST,     /* gmv_graph_options.longest_chains */
    GMV_OPTION_TABLE,       /* gmv_graph_options.focus_table */
    GMV_OPTION_GROUPS,      /* gmv_graph_options.groups_first..groups_last */
    GMV_OPTION_FORMAT,      /* the picture format */
    GMV_OPTION_ADDR,        /* the map's address (gmv_capture_request.hmap_address) */
    GMV_OPTION_TYPE,        /* the map type given to gmv_binary_map_layout */
    GMV_OPTION_EXE,         /* the executable given to gmv_binary_open */
    GMV_OPTION_COUNT
} gmv_option;

/* Makes messages call `option` `name` (e.g. "--max-bytes"); NULL restores
 * the library's own name. For the whole process: set names before any
 * thread uses the library. `name` is not copied: it must stay valid. */
void gmv_set_option_name(gmv_option option, const char *name);

/* Bounds on the work done on untrusted memory. Zero fields mean "default". */
typedef struct gmv_limits {
    uint64_t max_bytes;   /* total bytes read from a source (default 4 GiB) */
    uint64_t max_buckets; /* bucket records walked, overflow included (default 2^26) */
    uint64_t max_string;  /* bytes read of one string key or value (default 1 MiB, at most 4 GiB - 1) */
    uint64_t follow_depth; /* pointers followed from a key or value (default 3; GMV_FOLLOW_NONE: none) */
    uint64_t max_elems;   /* elements of an array or slice decoded (default 16, at most 4096) */
    uint64_t nested_maps; /* maps held in keys and values read whole too, this many levels deep
                             (default 0: by their count only; at most 8) */
} gmv_limits;

#define GMV_FOLLOW_NONE UINT64_MAX
#define GMV_DEFAULT_FOLLOW_DEPTH 3
#define GMV_MAX_FOLLOW_DEPTH 64
#define GMV_DEFAULT_MAX_ELEMS 16
#define GMV_MAX_ELEMS 4096
#define GMV_MAX_NESTED_MAPS 8

#define GMV_DEFAULT_MAX_BYTES (UINT64_C(4) << 30)
#define GMV_DEFAULT_MAX_BUCKETS (UINT64_C(1) << 26)
#define GMV_DEFAULT_MAX_STRING (UINT64_C(1) << 20)

/* Returns `limits` with every zero field replaced by its default; NULL gives all defaults. */
gmv_limits gmv_limits_resolve(const gmv_limits *limits);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
