/* Internal: the diff object. */
#ifndef GMV_DIFF_IMPL_H
#define GMV_DIFF_IMPL_H

#include "gomapviz/diff.h"

struct gmv_diff {
    const gmv_model *before, *after;
    gmv_entry_change *changes;
    size_t nchanges, changes_cap;
    gmv_chain_change *chains;
    size_t nchains;
    uint64_t unchanged;
};

#endif
