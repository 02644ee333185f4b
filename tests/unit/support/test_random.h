/* Test support: a small deterministic generator (xorshift64) for tests that
 * want many varied inputs, the same on every run. */
#ifndef GMV_TEST_RANDOM_H
#define GMV_TEST_RANDOM_H

#include <stdint.h>

/* Advances *state (never 0) and returns the next number of its sequence. */
uint64_t test_random_next(uint64_t *state);

#endif
