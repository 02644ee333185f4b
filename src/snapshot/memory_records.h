/* Internal: the memory records of a snapshot (the MEMR section's body).
 *
 * Each record is one piece of target memory: a header of two unsigned
 * LEB128 varints, then the bytes.
 *
 *   varint  zigzag(address - end of the record before it)   (0 before the first)
 *   varint  length (at least 1)
 *   bytes   length bytes read at address
 *
 * A capture writes the records in the order it read them, which is the order
 * a walk of the map reads them again; most addresses are then a few KiB from
 * the record before, so a header takes 3 or 4 bytes instead of 16 (the
 * millions of string records of a big map). docs/snapshot-format.md. */
#ifndef GMV_MEMORY_RECORDS_H
#define GMV_MEMORY_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest header: two 10-byte varints. */
#define GMV_RECORD_HEADER_MAX 20

/* One record as read: where, how long, and its bytes (in the body). */
typedef struct gmv_record {
    uint64_t address, len;
    const uint8_t *bytes;
} gmv_record;

/* A run of whole records in memory. */
typedef struct gmv_record_chunk {
    const uint8_t *bytes;
    size_t len;
} gmv_record_chunk;

/* A position in a list of chunks whose records follow each other (the first
 * record of a chunk counts its address from the end of the last record of
 * the chunk before). */
typedef struct gmv_record_cursor {
    const gmv_record_chunk *chunks;
    size_t nchunks, chunk, pos;
    uint64_t prev_end;
} gmv_record_cursor;

/* Puts `c` before the first record of `chunks`. */
void gmv_record_cursor_start(gmv_record_cursor *c, const gmv_record_chunk *chunks, size_t nchunks);

/* Reads the next record into *r; false at the end, or at a malformed
 * record (chunks are checked when loaded, so only a bug gets one). */
bool gmv_record_cursor_next(gmv_record_cursor *c, gmv_record *r);

/* Writes the header of a record of `len` bytes at `address`, the record
 * before it ending at `prev_end`, to `out` (room for GMV_RECORD_HEADER_MAX
 * bytes); returns how many bytes it took. */
size_t gmv_record_put_header(uint8_t *out, uint64_t prev_end, uint64_t address, uint64_t len);

/* Reads the record at *pos of `body` (`len` bytes), the record before it
 * ending at *prev_end: fills *r, moves *pos past it and *prev_end to its
 * end. Returns 1, 0 at the end of the body, or -1 for a malformed record
 * (a varint cut short or over 10 bytes, a length of 0 or past the body, an
 * address range that wraps); then `why` (if not NULL) says which. */
int gmv_record_next(const uint8_t *body, size_t len, size_t *pos, uint64_t *prev_end, gmv_record *r,
                    const char **why);

#endif
