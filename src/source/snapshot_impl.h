/* Internal: the snapshot object, shared by capture, file reading and writing. */
#ifndef GMV_SNAPSHOT_IMPL_H
#define GMV_SNAPSHOT_IMPL_H

#include "gomapviz/snapshot.h"

/* One recorded memory range: `len` bytes of target memory at `address`,
 * stored at `offset` in the snapshot's data. */
typedef struct gmv_range {
    uint64_t address, len, offset;
} gmv_range;

struct gmv_snapshot {
    gmv_layout layout;
    gmv_origin origin;
    uint64_t hmap_address;
    gmv_range *ranges; /* sorted by address, neither overlapping nor touching */
    size_t nranges;
    uint8_t *data;     /* owned */
    uint64_t nbytes;
    bool has_summary;            /* made by a capture in this process */
    gmv_capture_summary summary;
};

/* Creates an empty snapshot; NULL when out of memory. */
gmv_snapshot *gmv_snapshot_new(void);

/* Encodes the layout, origin and hmap address as the META JSON text.
 * Returns a malloc'd string (caller frees) or NULL. */
char *gmv_snapshot_meta_encode(const gmv_snapshot *snap);

/* Decodes META JSON `text` (`len` bytes) into `snap`. Returns 0 or GMV_ERR_FORMAT. */
int gmv_snapshot_meta_decode(gmv_snapshot *snap, const char *text, size_t len);

#endif
