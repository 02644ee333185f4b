/* Internal: the gmv_types table (go_types.c) and what the DWARF reader
 * (dwarf_values.c) fills it with. */
#ifndef GMV_LAYOUT_TYPES_IMPL_H
#define GMV_LAYOUT_TYPES_IMPL_H

#include "common/arena.h"
#include "layout/binary_impl.h"

/* A remembered look-up: the type at a runtime type address, or the
 * function at a code address (memory addresses, bias included). */
typedef struct gmv_type_memo {
    uint64_t address;
    uint32_t type;    /* runtime types: GMV_NO_TYPE when unknown */
    gmv_go_func func; /* functions */
} gmv_type_memo;

/* A DWARF type already in the table: its DIE offset and index. */
typedef struct gmv_die_memo {
    uint64_t die;
    uint32_t type;
} gmv_die_memo;

struct gmv_types {
    gmv_go_type *types;
    size_t ntypes, types_cap;
    uint32_t key, elem;
    uint64_t bias;
    uint64_t image_start, image_end; /* the executable's loaded bytes in memory (bias included);
                                        equal when unknown */
    gmv_arena strings;      /* names, fields, constants */
    gmv_type_memo *rts, *funcs; /* sorted by address */
    size_t nrts, rts_cap, nfuncs, funcs_cap;
    /* with a binary */
    const gmv_binary *bin;
    gmv_die_memo *dies;     /* sorted by die */
    size_t ndies, dies_cap;
    uint64_t *pending;      /* [i]: the DIE of type i's element, still to read (0: none) */
    size_t pending_cap;
};

/* Copies `s` into the table's storage; NULL when memory runs out. */
const char *gmv_types_intern(gmv_types *types, const char *s);

/* Appends a type (its pointers must already be in the table's storage) and
 * returns its index, or GMV_NO_TYPE when memory runs out. */
uint32_t gmv_types_push(gmv_types *types, const gmv_go_type *type);

/* The remembered type at runtime type address `address`, or NULL when
 * never looked up. Borrowed. */
const uint32_t *gmv_types_recall_runtime_type(const gmv_types *types, uint64_t address);

/* The remembered function at code address `address`, or NULL when never
 * looked up. Borrowed. */
const gmv_go_func *gmv_types_recall_func(const gmv_types *types, uint64_t address);

/* --- dwarf_values.c --- */

/* The type of the DWARF DIE at `die` in the table (added, with the types
 * stored inside it, on first use; pointer and slice elements are read when
 * first asked for: gmv_types_elem_of); GMV_NO_TYPE when the DIE is not a Go
 * type gomapviz reads or memory ran out. */
uint32_t gmv_dwarf_value_type(gmv_types *types, uint64_t die);


#endif
