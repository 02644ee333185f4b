/* Reading integers out of target memory. */
#include <endian.h>
#include <string.h>

#include "common/bytes.h"

uint64_t gmv_load_le(const uint8_t *p, uint32_t size)
{
    if (size == 8) { /* the common case, in one load */
        uint64_t v;
        memcpy(&v, p, 8);
        return le64toh(v);
    }
    uint64_t v = 0;
    for (uint32_t i = size; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}
