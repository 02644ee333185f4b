/* The memory records of a snapshot: LEB128 headers, then the bytes. */
#include "snapshot/memory_records.h"

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* Reads a varint at *pos; returns false if it is cut short or too long. */
static bool get_varint(const uint8_t *body, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < 10; i++) {
        if (*pos >= len)
            return false;
        uint8_t b = body[(*pos)++];
        if (i == 9 && b > 1)
            return false; /* more than 64 bits */
        value |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = value;
            return true;
        }
    }
    return false;
}

size_t gmv_record_put_header(uint8_t *out, uint64_t prev_end, uint64_t address, uint64_t len)
{
    uint64_t delta = address - prev_end; /* two's complement: negative when before */
    uint64_t zigzag = (delta << 1) ^ (uint64_t)-(int64_t)(delta >> 63);
    size_t n = put_varint(out, zigzag);
    return n + put_varint(out + n, len);
}

int gmv_record_next(const uint8_t *body, size_t len, size_t *pos, uint64_t *prev_end, gmv_record *r,
                    const char **why)
{
    if (*pos >= len)
        return 0;
    uint64_t zigzag, n;
    const char *problem = NULL;
    if (!get_varint(body, len, pos, &zigzag) || !get_varint(body, len, pos, &n))
        problem = "a record header is cut short or malformed";
    else if (n == 0)
        problem = "a record of 0 bytes";
    else if (n > len - *pos)
        problem = "a record longer than the section holds";
    if (!problem) {
        uint64_t delta = (zigzag >> 1) ^ (uint64_t)-(int64_t)(zigzag & 1);
        r->address = *prev_end + delta;
        r->len = n;
        if (r->address + n < r->address)
            problem = "a record that wraps around the address space";
    }
    if (problem) {
        if (why)
            *why = problem;
        return -1;
    }
    r->bytes = body + *pos;
    *pos += (size_t)n;
    *prev_end = r->address + n;
    return 1;
}

void gmv_record_cursor_start(gmv_record_cursor *c, const gmv_record_chunk *chunks, size_t nchunks)
{
    *c = (gmv_record_cursor){.chunks = chunks, .nchunks = nchunks};
}

bool gmv_record_cursor_next(gmv_record_cursor *c, gmv_record *r)
{
    while (c->chunk < c->nchunks) {
        const gmv_record_chunk *k = &c->chunks[c->chunk];
        int got = gmv_record_next(k->bytes, k->len, &c->pos, &c->prev_end, r, NULL);
        if (got == 1)
            return true;
        if (got < 0)
            return false;
        c->chunk++;
        c->pos = 0;
    }
    return false;
}
