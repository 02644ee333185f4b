/* Internal: what the live-process and core-file sources share, and a test hook. */
#ifndef GMV_SOURCE_PROCESS_CORE_H
#define GMV_SOURCE_PROCESS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/source.h"

/* Reads one auxiliary-vector word of `size` bytes (4 or 8) at `p`, stored
 * big-endian if `msb`, else little-endian. */
static inline uint64_t gmv_auxv_word(const uint8_t *p, size_t size, bool msb)
{
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++)
        v |= (uint64_t)p[msb ? size - 1 - i : i] << (8 * i);
    return v;
}

/* Looks `key` up in an auxiliary vector: `len` bytes at `data` of (key, value)
 * pairs of `word`-byte words (4 for a 32-bit target, 8 for 64-bit). Stores the
 * value in *out and returns true if `key` comes before AT_NULL (0). The data
 * is untrusted: a trailing partial pair is ignored. */
static inline bool gmv_auxv_lookup(const uint8_t *data, size_t len, size_t word, bool msb, uint64_t key,
                                   uint64_t *out)
{
    for (size_t off = 0; len - off >= 2 * word; off += 2 * word) {
        uint64_t k = gmv_auxv_word(data + off, word, msb);
        if (k == 0)
            return false;
        if (k == key) {
            *out = gmv_auxv_word(data + off + word, word, msb);
            return true;
        }
    }
    return false;
}

/* Test hook: makes a source from gmv_source_open_process() read through
 * /proc/PID/mem, as it does when process_vm_readv is refused. Returns 0, or
 * GMV_ERR_PERMISSION / GMV_ERR_GONE if the file cannot be opened. */
int gmv_process_source_use_mem_file(gmv_source *src);

#endif
