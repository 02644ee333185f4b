/*
 * gomapviz/snapshot.h: capturing a map into a snapshot, and the snapshot file
 * (.gmvs, docs/snapshot-format.md).
 *
 * A snapshot holds exactly the memory ranges a model build read, the layout,
 * the hmap address and where it all came from; its source replays those bytes,
 * so a model built from a snapshot equals the one built at capture time.
 */
#ifndef GOMAPVIZ_SNAPSHOT_H
#define GOMAPVIZ_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "gomapviz/common.h"
#include "gomapviz/layout.h"
#include "gomapviz/model.h"
#include "gomapviz/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is the public API: exported from libgomapviz.so
 * (everything else is built hidden). */
#pragma GCC visibility push(default)

#define GMV_ORIGIN_TEXT_MAX 512

/* Where a snapshot came from. Strings are "" when unknown. */
typedef struct gmv_origin {
    char kind[16];                    /* "process", "core" or "custom" */
    char variable[GMV_ORIGIN_TEXT_MAX];  /* "main.cache", or "" with --addr */
    char executable[GMV_ORIGIN_TEXT_MAX];
    char core[GMV_ORIGIN_TEXT_MAX];
    int64_t pid;                      /* 0 if none */
    uint64_t variable_address;        /* where the map pointer was read, 0 with --addr */
    int64_t captured_at;              /* Unix seconds */
    bool frozen;                      /* every thread was stopped while reading */
    uint32_t writer_retries;          /* times a writer in the map (hashWriting, writing) made us retry */
} gmv_origin;

typedef struct gmv_snapshot gmv_snapshot;

/* How to find and read the map during a capture. */
typedef struct gmv_capture_request {
    const gmv_layout *layout;
    uint64_t variable_address; /* read the map pointer here, or 0 to use hmap_address */
    uint64_t hmap_address;     /* with variable_address == 0: the map's header (hmap or Map) */
    gmv_origin origin;         /* copied into the snapshot (pid, paths, names) */
    gmv_limits limits;
    uint32_t writer_retries;   /* retries while hashWriting is set (default 5) */
    gmv_types *types;          /* may be NULL: keys and values decoded through these types
                                  (gmv_binary_value_types; decoding adds to them), and the
                                  memory they reach recorded; the snapshot keeps a copy */
} gmv_capture_request;

/* What the capture walk found, for a one-line report. */
typedef struct gmv_capture_summary {
    uint64_t live_entries;
    gmv_map_impl impl;
    uint8_t B;               /* classic */
    uint64_t tables, groups; /* Swiss */
    size_t anomalies;
    bool nil;
} gmv_capture_summary;

/* Captures a map from `src`: freezes the source, reads the map pointer and
 * the whole map, records every byte read, thaws. If a writer marks the map
 * (hashWriting, or Map.writing) it thaws briefly and retries. Fails with GMV_ERR_NIL_MAP when the
 * variable holds a nil map (unless `allow_nil`), or when the header is unreadable. */
int gmv_snapshot_capture(gmv_snapshot **out, gmv_source *src, const gmv_capture_request *req,
                         bool allow_nil);

/* Captures like gmv_snapshot_capture, but writes the snapshot file at `path`
 * as it reads (not "-"), keeping almost nothing in memory whatever the
 * map's size. Fills *summary and *bytes (the memory recorded). Returns 0 or
 * a status; on failure no file is left. */
int gmv_snapshot_capture_to_file(const char *path, gmv_source *src, const gmv_capture_request *req, bool allow_nil,
                                 gmv_capture_summary *summary, uint64_t *bytes);

/* Reads and checks a snapshot file ("-": standard input): magic, version,
 * checksum, every length. */
int gmv_snapshot_read_file(gmv_snapshot **out, const char *path);

/* Parses a snapshot from `len` bytes in memory (what read_file does after
 * reading the file). The bytes are copied. */
int gmv_snapshot_parse(gmv_snapshot **out, const uint8_t *data, size_t len);

/* Writes the snapshot to `path` ("-" for stdout). */
int gmv_snapshot_write_file(const gmv_snapshot *snap, const char *path);

/* The summary of the capture that made `snap`, or NULL for a snapshot read
 * from a file (build its model for the details). Borrowed. */
const gmv_capture_summary *gmv_snapshot_capture_summary(const gmv_snapshot *snap);

/* Borrowed views. */
const gmv_layout *gmv_snapshot_layout(const gmv_snapshot *snap);
const gmv_origin *gmv_snapshot_origin(const gmv_snapshot *snap);
uint64_t gmv_snapshot_hmap_address(const gmv_snapshot *snap); /* the hmap or Map; 0: nil map */
uint64_t gmv_snapshot_byte_count(const gmv_snapshot *snap);

/* The types the snapshot's keys and values are decoded through, or NULL
 * (a capture without them, or a file from before them). Borrowed. */
const gmv_types *gmv_snapshot_types(const gmv_snapshot *snap);

/* Opens a source replaying the snapshot's memory; the snapshot must outlive it. */
int gmv_snapshot_open_source(gmv_source **out, const gmv_snapshot *snap);

/* Builds the model of the snapshot's map from its recorded memory (what the
 * capture saw), its keys and values decoded through the snapshot's types
 * with the capture's follow_depth and max_elems. `limits` may be NULL. The model points into the snapshot's
 * memory (bucket bytes are not copied): free the model before the snapshot. */
int gmv_snapshot_build_model(gmv_model **out, const gmv_snapshot *snap, const gmv_limits *limits);

/* Like gmv_snapshot_build_model, but the model keeps no entry list: its
 * entries are decoded again from the snapshot each time they are visited
 * with gmv_model_each_entry (gmv_model_entries lists none). For one pass over
 * a big map (dump, stats): the memory of a million entries is not held. The
 * same rule: free the model before the snapshot. */
int gmv_snapshot_build_lean_model(gmv_model **out, const gmv_snapshot *snap, const gmv_limits *limits);

/* Frees the snapshot. Accepts NULL. */
void gmv_snapshot_free(gmv_snapshot *snap);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
