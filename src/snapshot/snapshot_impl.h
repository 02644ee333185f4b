/* Internal: the snapshot object, shared by capture, file reading and writing. */
#ifndef GMV_SNAPSHOT_IMPL_H
#define GMV_SNAPSHOT_IMPL_H

#include "gomapviz/snapshot.h"

/* One recorded memory range: `len` bytes of target memory at `address`,
 * held at `bytes` (in one of the snapshot's blocks). */
typedef struct gmv_range {
    uint64_t address, len;
    const uint8_t *bytes;
} gmv_range;

struct gmv_snapshot {
    gmv_layout layout;
    gmv_origin origin;
    uint64_t hmap_address;
    /* Never overlapping; in the order the capture first read them (a walk
     * of the map reads them in that order again), or sorted by address
     * (`by_address`: a version 1 file). Ranges of a capture may touch (the
     * file writer joins those that follow each other). */
    gmv_range *ranges;
    size_t nranges;
    bool by_address;
    uint8_t **blocks;  /* owned: the memory the ranges point into */
    size_t nblocks;
    uint64_t nbytes;   /* sum of the range lengths */
    bool has_summary;            /* made by a capture in this process */
    gmv_capture_summary summary;
};

/* Creates an empty snapshot; NULL when out of memory. */
gmv_snapshot *gmv_snapshot_new(void);

/* Hands `block` (malloc'd) to the snapshot, which frees it. Returns 0, or
 * GMV_ERR_NOMEM after freeing `block`. */
int gmv_snapshot_adopt_block(gmv_snapshot *snap, uint8_t *block);

/* Encodes the layout, origin and hmap address as the META JSON text.
 * Returns a malloc'd string (caller frees) or NULL. */
char *gmv_snapshot_meta_encode(const gmv_snapshot *snap);

/* Decodes META JSON `text` (`len` bytes) into `snap`. Returns 0 or GMV_ERR_FORMAT. */
int gmv_snapshot_meta_decode(gmv_snapshot *snap, const char *text, size_t len);

#endif
