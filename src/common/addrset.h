/* Internal: a set of non-zero 64-bit addresses (open addressing). */
#ifndef GMV_ADDRSET_H
#define GMV_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gmv_addrset {
    uint64_t *slots;
    size_t capacity; /* a power of two, or 0 */
    size_t count;
} gmv_addrset;

/* Adds non-zero `addr`. Returns 1 if it was new, 0 if already present,
 * -1 when memory runs out. */
int gmv_addrset_add(gmv_addrset *set, uint64_t addr);

/* True if `addr` is in the set. */
bool gmv_addrset_contains(const gmv_addrset *set, uint64_t addr);

/* Frees the set's storage; the set is empty and reusable afterwards. */
void gmv_addrset_release(gmv_addrset *set);

#endif
