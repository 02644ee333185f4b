/* Test support: xorshift64 (Marsaglia, shifts 13, 7, 17). */
#include "support/test_random.h"

uint64_t test_random_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}
