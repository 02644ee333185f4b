/* Internal: reading integers out of target memory. */
#ifndef GMV_BYTES_H
#define GMV_BYTES_H

#include <stdint.h>

/* Loads a little-endian unsigned integer of `size` bytes (1, 2, 4 or 8). */
uint64_t gmv_load_le(const uint8_t *p, uint32_t size);

#endif
