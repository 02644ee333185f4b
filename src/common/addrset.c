#include "common/addrset.h"

#include <stdlib.h>

/* Mixes the bits of an address so aligned addresses spread over the table. */
static size_t addr_hash(uint64_t addr)
{
    addr ^= addr >> 33;
    addr *= UINT64_C(0xff51afd7ed558ccd);
    addr ^= addr >> 33;
    return (size_t)addr;
}

/* Returns the slot holding `addr` or the empty slot where it would go. */
static size_t addrset_find(const gmv_addrset *set, uint64_t addr)
{
    size_t mask = set->capacity - 1;
    size_t i = addr_hash(addr) & mask;
    while (set->slots[i] != 0 && set->slots[i] != addr)
        i = (i + 1) & mask;
    return i;
}

/* Doubles the table (or creates it) and re-inserts every address. */
static int addrset_grow(gmv_addrset *set)
{
    gmv_addrset bigger = {.capacity = set->capacity ? set->capacity * 2 : 64};
    bigger.slots = calloc(bigger.capacity, sizeof *bigger.slots);
    if (!bigger.slots)
        return -1;
    for (size_t i = 0; i < set->capacity; i++) {
        if (set->slots[i])
            bigger.slots[addrset_find(&bigger, set->slots[i])] = set->slots[i];
    }
    bigger.count = set->count;
    free(set->slots);
    *set = bigger;
    return 0;
}

int gmv_addrset_add(gmv_addrset *set, uint64_t addr)
{
    if ((set->count + 1) * 2 > set->capacity && addrset_grow(set) != 0)
        return -1;
    size_t i = addrset_find(set, addr);
    if (set->slots[i] == addr)
        return 0;
    set->slots[i] = addr;
    set->count++;
    return 1;
}

bool gmv_addrset_contains(const gmv_addrset *set, uint64_t addr)
{
    return set->capacity && set->slots[addrset_find(set, addr)] == addr;
}

void gmv_addrset_release(gmv_addrset *set)
{
    free(set->slots);
    *set = (gmv_addrset){0};
}
