/* What both walkers use: reads counted against the limits, arrays of
 * buckets or groups read in one piece, prefetch hints, and taking a live
 * cell as an entry. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "model/model_impl.h"

#define ARRAY_READ_CHUNK ((size_t)16 << 20)

/* `len` cut to what the byte limit leaves; at the limit, says so once. */
static size_t within_byte_limit(gmv_builder *b, uint64_t addr, size_t len)
{
    uint64_t left = b->limits.max_bytes > b->bytes_read ? b->limits.max_bytes - b->bytes_read : 0;
    if (len <= left)
        return len;
    if (!b->byte_limit_hit)
        gmv_model_add_anomaly(b->model, "byte_limit_reached", addr, -1, false,
                              "stopped reading after %" PRIu64 " bytes (raise %s to read more)",
                              b->bytes_read, gmv_option_name(GMV_OPTION_MAX_BYTES));
    b->byte_limit_hit = true;
    return (size_t)left;
}

int64_t gmv_builder_read(gmv_builder *b, uint64_t addr, void *buf, size_t len)
{
    len = within_byte_limit(b, addr, len);
    if (len == 0)
        return 0;
    int64_t got = gmv_source_read(b->src, addr, buf, len);
    if (got > 0)
        b->bytes_read += (uint64_t)got;
    return got;
}

/* Like gmv_builder_read, but lends the source's own bytes (the source must
 * be able to: gmv_source_can_view). */
static int64_t builder_view(gmv_builder *b, uint64_t addr, size_t len, const uint8_t **bytes)
{
    *bytes = NULL;
    len = within_byte_limit(b, addr, len);
    if (len == 0)
        return 0;
    int64_t got = gmv_source_view(b->src, addr, len, bytes);
    if (got > 0)
        b->bytes_read += (uint64_t)got;
    return got;
}

const uint8_t *gmv_builder_read_block(gmv_builder *b, uint64_t addr, uint32_t len)
{
    uint8_t *raw = gmv_arena_alloc(&b->model->arena, len ? len : 1);
    if (!raw) {
        b->error = GMV_ERR_NOMEM;
        return NULL;
    }
    int64_t got = gmv_builder_read(b, addr, raw, len);
    if (got < 0)
        b->error = (int)got;
    return got == (int64_t)len ? raw : NULL;
}

/* Reads `n` blocks at `addr` in chunks, growing the buffer only by what was
 * actually read; the model owns the bytes. Sets *readable to the number of
 * whole blocks read. Returns NULL (with b->error) on failure. */
static const uint8_t *copy_blocks(gmv_builder *b, uint64_t addr, uint64_t n, uint32_t size, uint64_t *readable)
{
    uint64_t total = n * size, have = 0;
    uint64_t capacity = total < ARRAY_READ_CHUNK ? total : ARRAY_READ_CHUNK;
    uint8_t *buf = malloc((size_t)capacity);
    while (buf && have < total) {
        if (have == capacity) {
            uint64_t bigger = capacity * 2 < total ? capacity * 2 : total;
            uint8_t *grown = realloc(buf, (size_t)bigger);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            capacity = bigger;
        }
        int64_t got = gmv_builder_read(b, addr + have, buf + have, (size_t)(capacity - have));
        if (got <= 0) {
            if (got < 0)
                b->error = (int)got;
            break;
        }
        have += (uint64_t)got;
    }
    if (!buf || gmv_arena_adopt(&b->model->arena, buf) != 0) {
        free(buf);
        b->error = b->error ? b->error : GMV_ERR_NOMEM;
        return NULL;
    }
    *readable = have / size;
    return buf;
}

const uint8_t *gmv_builder_read_blocks(gmv_builder *b, uint64_t addr, uint64_t n, uint32_t size,
                                       uint64_t *readable)
{
    *readable = 0;
    uint64_t total = n * size;
    if (!gmv_source_can_view(b->src) || total > SIZE_MAX)
        return copy_blocks(b, addr, n, size, readable);
    const uint8_t *bytes = NULL;
    uint64_t before = b->bytes_read;
    int64_t got = builder_view(b, addr, (size_t)total, &bytes);
    if (got < 0) {
        b->error = (int)got;
        return NULL;
    }
    if ((uint64_t)got < total && !b->byte_limit_hit) {
        /* the array may go on in a touching range: copy it piece by piece */
        b->bytes_read = before;
        return copy_blocks(b, addr, n, size, readable);
    }
    *readable = (uint64_t)got / size;
    return bytes;
}

bool gmv_type_reads_more(const gmv_type *t)
{
    return t->indirect || t->kind == GMV_KIND_STRING;
}

/* Adds to `out` the memory that decoding the value of type `t` in `cell`
 * will read: the indirect value, or the string's bytes (up to the limit). */
static void want_value(const gmv_builder *b, const gmv_type *t, const uint8_t *cell, gmv_piece *out, size_t *n)
{
    uint32_t p = b->model->layout.ptr_size;
    uint64_t addr = gmv_load_le(cell, p);
    if (t->indirect) {
        if (addr)
            out[(*n)++] = (gmv_piece){.address = addr, .len = t->size};
        return;
    }
    uint64_t len = gmv_load_le(cell + p, p);
    if (p == 8 && (int64_t)len < 0)
        return;
    uint64_t want = len < b->limits.max_string ? len : b->limits.max_string;
    if (addr && want)
        out[(*n)++] = (gmv_piece){.address = addr, .len = want};
}

void gmv_builder_want_cell(const gmv_builder *b, const uint8_t *raw, int slot, gmv_piece *pieces, size_t *n)
{
    const gmv_layout *l = &b->model->layout;
    if (gmv_type_reads_more(&l->key))
        want_value(b, &l->key, raw + l->keys_offset + (size_t)slot * l->key_stride, pieces, n);
    if (gmv_type_reads_more(&l->elem))
        want_value(b, &l->elem, raw + l->elems_offset + (size_t)slot * l->elem_stride, pieces, n);
}

bool gmv_builder_prefetch_room(gmv_builder *b, size_t cells)
{
    if (!b->pieces)
        b->pieces = malloc(cells * 2 * sizeof *b->pieces);
    return b->pieces != NULL;
}

#define TINY_SIZE 16 /* maxTinySize: smaller pointer-free objects share 16-byte blocks */

int gmv_builder_own_string(gmv_builder *b, uint64_t data, uint64_t len)
{
    if (!b->count_strings || len == 0 || data == 0 || gmv_types_in_image(b->types, data))
        return 0;
    int added = gmv_addrset_add(&b->strings_seen, data);
    if (added < 0)
        return GMV_ERR_NOMEM;
    if (added && len < TINY_SIZE) /* as many as fit in a block share it */
        b->tiny_parts += TINY_SIZE * GMV_TINY_PARTS / (TINY_SIZE / len);
    else if (added)
        b->string_bytes += gmv_allocated_bytes(&b->model->layout, len, false);
    return 0;
}

void gmv_builder_release(gmv_builder *b)
{
    for (int i = 0; i < 2; i++) {
        free(b->scratch[i]);
        b->scratch[i] = NULL;
        b->scratch_cap[i] = 0;
    }
    free(b->pieces);
    b->pieces = NULL;
    gmv_arena_release(&b->tree_scratch);
    gmv_model_list_free(&b->scratch_models);
    gmv_addrset_release(&b->strings_seen);
}
