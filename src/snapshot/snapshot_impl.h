/* Internal: the snapshot object, shared by capture, file reading and writing. */
#ifndef GMV_SNAPSHOT_IMPL_H
#define GMV_SNAPSHOT_IMPL_H

#include "gomapviz/snapshot.h"
#include "snapshot/memory_records.h"

struct gmv_snapshot {
    gmv_layout layout;
    gmv_origin origin;
    uint64_t hmap_address;
    /* The memory records, in the order the capture first read them (a walk
     * of the map reads them in that order again): the MEMR body, in chunks
     * of whole records that follow each other (the first record of a chunk
     * counts its address from the end of the last record of the chunk
     * before). Records may overlap (the same bytes read twice, or strings
     * sharing memory); their bytes then agree. */
    gmv_record_chunk *chunks;
    size_t nchunks, chunks_cap;
    uint64_t nranges;  /* records */
    uint64_t nbytes;   /* sum of the record lengths */
    uint8_t **blocks;  /* owned: the memory the chunks point into */
    size_t nblocks, blocks_cap;
    gmv_types *types;            /* owned; NULL: keys and values decoded flat */
    uint64_t follow_depth, max_elems, nested_maps; /* the capture's (resolved) limits for decoding through types */
    bool has_summary;            /* made by a capture in this process */
    gmv_capture_summary summary;
};

/* Creates an empty snapshot; NULL when out of memory. */
gmv_snapshot *gmv_snapshot_new(void);

/* Hands `block` (malloc'd) to the snapshot, which frees it. Returns 0, or
 * GMV_ERR_NOMEM after freeing `block`. */
int gmv_snapshot_adopt_block(gmv_snapshot *snap, uint8_t *block);

/* Appends a chunk of `len` bytes of whole records at `bytes` (memory the
 * snapshot owns or will own). Returns 0 or GMV_ERR_NOMEM. */
int gmv_snapshot_add_chunk(gmv_snapshot *snap, const uint8_t *bytes, size_t len);

/* A snapshot file written while the capture reads: the memory records go to
 * it as they are made, the metadata and checksum at the end. */
typedef struct gmv_snapshot_stream gmv_snapshot_stream;

/* Starts the file for `path`, a regular file or none yet (not "-": it is
 * read back for the checksum): under a temporary name beside it, renamed
 * to `path` when finished. Writes what comes before the records. Returns 0
 * or GMV_ERR_IO. */
int gmv_snapshot_stream_open(gmv_snapshot_stream **out, const char *path);

/* Appends `len` bytes of records. Returns 0 or GMV_ERR_IO. */
int gmv_snapshot_stream_write(gmv_snapshot_stream *s, const void *bytes, size_t len);

/* Drops every record written so far (a capture that starts again). Returns
 * 0 or GMV_ERR_IO. */
int gmv_snapshot_stream_restart(gmv_snapshot_stream *s);

/* Writes the metadata of `meta_of` (its layout, origin and map address;
 * its memory is not looked at), the section length and the checksum,
 * closes the file and frees `s`. On failure the file is removed. Returns 0
 * or GMV_ERR_IO / GMV_ERR_NOMEM. */
int gmv_snapshot_stream_finish(gmv_snapshot_stream *s, const gmv_snapshot *meta_of);

/* Closes and removes the file, frees `s`. Accepts NULL. */
void gmv_snapshot_stream_abandon(gmv_snapshot_stream *s);

/* Encodes the layout, origin and hmap address as the META JSON text.
 * Returns a malloc'd string (caller frees) or NULL. */
char *gmv_snapshot_meta_encode(const gmv_snapshot *snap);

/* Decodes META JSON `text` (`len` bytes) into `snap`. Returns 0 or GMV_ERR_FORMAT. */
int gmv_snapshot_meta_decode(gmv_snapshot *snap, const char *text, size_t len);

#endif
