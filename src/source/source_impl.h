/* Internal: the source object shared by the kinds of source. */
#ifndef GMV_SOURCE_IMPL_H
#define GMV_SOURCE_IMPL_H

#include "gomapviz/source.h"

struct gmv_source {
    gmv_source_ops ops;
    void *ctx;
    bool frozen;
    /* Optional: AT_ENTRY of the target (process and core kinds set it). */
    int (*entry_point)(void *ctx, uint64_t *out);
};

#endif
