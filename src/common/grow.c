#include "common/grow.h"

#include <stdint.h>
#include <stdlib.h>

void *gmv_grow(void *items, size_t *cap, size_t count, size_t size, size_t first)
{
    if (count < *cap)
        return items;
    size_t bigger = *cap ? *cap * 2 : first;
    if (bigger < *cap || bigger > SIZE_MAX / size)
        return NULL;
    void *grown = realloc(items, bigger * size);
    if (grown)
        *cap = bigger;
    return grown;
}
