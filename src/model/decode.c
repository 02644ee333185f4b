/* Decoding keys and values from the cells of buckets and groups. */
#include <stdlib.h>
#include <string.h>

#include "model/model_impl.h"

/* Sign-extends the low `size` bytes of `raw`. */
static int64_t sign_extend(uint64_t raw, uint64_t size)
{
    unsigned shift = 64 - 8 * (unsigned)size;
    return (int64_t)(raw << shift) >> shift;
}

/* A buffer of `len` bytes reused from one value to the next (for a walk
 * that keeps no entries); NULL when memory runs out. */
static uint8_t *scratch_space(gmv_builder *b, uint64_t len)
{
    int i = b->scratch_for;
    if (len > b->scratch_cap[i]) {
        uint8_t *grown = realloc(b->scratch[i], (size_t)len);
        if (!grown)
            return NULL;
        b->scratch[i] = grown;
        b->scratch_cap[i] = (size_t)len;
    }
    return b->scratch[i];
}

/* Reads `len` (> LARGE_READ) bytes at `addr` into a malloc'd buffer that
 * grows only as reads succeed, so a huge claimed length at unreadable memory
 * allocates little. Sets *buf (of *cap bytes) and *got; returns 0 or a
 * hard-failure status. */
#define LARGE_READ ((size_t)64 << 10)
static int read_large(gmv_builder *b, uint64_t addr, uint64_t len, uint8_t **buf, size_t *cap, uint64_t *got)
{
    size_t size = LARGE_READ;
    uint64_t have = 0;
    uint8_t *p = malloc(size);
    if (!p)
        return GMV_ERR_NOMEM;
    while (have < len) {
        if (have == size) {
            size_t bigger = (uint64_t)size * 2 < len ? size * 2 : (size_t)len;
            uint8_t *grown = realloc(p, bigger);
            if (!grown) {
                free(p);
                return GMV_ERR_NOMEM;
            }
            p = grown;
            size = bigger;
        }
        int64_t n = gmv_builder_read(b, addr + have, p + have, size - (size_t)have);
        if (n < 0) {
            free(p);
            return (int)n;
        }
        if (n == 0)
            break;
        have += (uint64_t)n;
    }
    *buf = p;
    *cap = size;
    *got = have;
    return 0;
}

/* Reads `len` bytes at `addr` into new model storage (or scratch space); sets out->bytes and
 * out->len to what was readable. Returns 0 or a hard-failure status. */
static int read_bytes_into(gmv_builder *b, uint64_t addr, uint64_t len, gmv_value *out)
{
    out->bytes = NULL;
    out->len = 0;
    if (len == 0)
        return 0;
    uint8_t *buf = NULL;
    uint64_t got = 0;
    if (len > LARGE_READ) {
        size_t cap = 0;
        int rc = read_large(b, addr, len, &buf, &cap, &got);
        if (rc != 0)
            return rc;
        if (b->keep_entries) {
            if (gmv_arena_adopt(&b->model->arena, buf) != 0) {
                free(buf);
                return GMV_ERR_NOMEM;
            }
        } else { /* the buffer becomes the scratch space */
            free(b->scratch[b->scratch_for]);
            b->scratch[b->scratch_for] = buf;
            b->scratch_cap[b->scratch_for] = cap;
        }
    } else {
        buf = b->keep_entries ? gmv_arena_alloc(&b->model->arena, (size_t)len) : scratch_space(b, len);
        if (!buf)
            return GMV_ERR_NOMEM;
        int64_t n = gmv_builder_read(b, addr, buf, (size_t)len);
        if (n < 0)
            return (int)n;
        got = (uint64_t)n;
    }
    out->bytes = buf;
    out->len = (uint32_t)got;
    out->readable = got == len;
    return 0;
}

/* Decodes a string header at `data`: reads up to the string limit of bytes. */
static int decode_string(gmv_builder *b, const uint8_t *data, uint32_t ptr_size, gmv_value *out)
{
    uint64_t ptr = gmv_load_le(data, ptr_size);
    uint64_t len = gmv_load_le(data + ptr_size, ptr_size);
    if (ptr_size == 8 && (int64_t)len < 0) {
        out->readable = false; /* a negative length is corrupt */
        out->full_len = len;
        return 0;
    }
    out->full_len = len;
    uint64_t want = len < b->limits.max_string ? len : b->limits.max_string;
    out->truncated = want < len;
    if (want > 0 && ptr == 0) {
        out->readable = false;
        return 0;
    }
    int rc = gmv_builder_own_string(b, ptr, len);
    return rc ? rc : read_bytes_into(b, ptr, want, out);
}

/* Decodes a fixed-size scalar or raw value from `data` (size bytes, in model storage). */
static void decode_inline(const gmv_type *t, const uint8_t *data, gmv_value *out)
{
    switch (t->kind) {
    case GMV_KIND_INT:
        out->as.i = sign_extend(gmv_load_le(data, (uint32_t)t->size), t->size);
        break;
    case GMV_KIND_UINT:
    case GMV_KIND_POINTER:
        out->as.u = gmv_load_le(data, (uint32_t)t->size);
        break;
    case GMV_KIND_BOOL:
        out->as.b = data[0] != 0;
        out->as.u = data[0];
        break;
    case GMV_KIND_FLOAT:
        if (t->size == 4) {
            uint32_t bits = (uint32_t)gmv_load_le(data, 4);
            float f;
            memcpy(&f, &bits, sizeof f);
            out->as.f = f;
        } else {
            uint64_t bits = gmv_load_le(data, 8);
            memcpy(&out->as.f, &bits, sizeof out->as.f);
        }
        break;
    default:
        break;
    }
    out->bytes = data;
    out->len = (uint32_t)t->size;
}

int gmv_decode_value(gmv_builder *b, const gmv_type *t, uint32_t tree_type, const uint8_t *slot, gmv_value *out)
{
    uint32_t ptr_size = b->model->layout.ptr_size;
    memset(out, 0, sizeof *out);
    out->kind = t->kind;
    out->readable = true;
    const uint8_t *data = slot;
    if (t->indirect) {
        gmv_value raw = {0};
        out->address = gmv_load_le(slot, ptr_size);
        int rc = read_bytes_into(b, out->address, out->address ? t->size : 0, &raw);
        if (rc != 0)
            return rc;
        if (out->address == 0 || !raw.readable) {
            out->readable = false;
            return 0;
        }
        data = raw.bytes;
    }
    if (tree_type != GMV_NO_TYPE) {
        int rc = gmv_decode_tree(b, tree_type, data, out);
        out->address = t->indirect ? out->address : 0;
        return rc;
    }
    if (t->kind == GMV_KIND_STRING)
        return decode_string(b, data, ptr_size, out);
    decode_inline(t, data, out);
    return 0;
}

int gmv_decode_cell(gmv_builder *b, const uint8_t *raw, int slot, gmv_entry *e)
{
    const gmv_layout *l = &b->model->layout;
    bool trees = b->tree_type[0] != GMV_NO_TYPE || b->tree_type[1] != GMV_NO_TYPE;
    if (trees && !b->keep_entries) { /* the trees of the entry before */
        gmv_arena_release(&b->tree_scratch);
        gmv_model_list_free(&b->scratch_models);
    }
    b->scratch_for = 0;
    int rc = gmv_decode_value(b, &l->key, b->tree_type[0], raw + l->keys_offset + (size_t)slot * l->key_stride,
                              &e->key);
    b->scratch_for = 1;
    if (rc == 0)
        rc = gmv_decode_value(b, &l->elem, b->tree_type[1], raw + l->elems_offset + (size_t)slot * l->elem_stride,
                              &e->elem);
    b->scratch_for = 0;
    return rc;
}

int gmv_builder_add_entry(gmv_builder *b, const gmv_entry *place, const uint8_t *raw, int slot,
                          uint32_t *index, const gmv_entry **decoded)
{
    gmv_model *m = b->model;
    *index = GMV_NO_ENTRY;
    *decoded = NULL;
    m->live_count++;
    if (!b->keep_entries && !b->decode_unkept)
        return 0; /* nothing to read, nothing that can be unreadable */
    gmv_entry *e = &b->unkept;
    if (b->keep_entries) {
        e = gmv_model_push_entry(m);
        if (!e)
            return GMV_ERR_NOMEM;
        *index = (uint32_t)(m->nentries - 1);
    }
    *e = *place;
    int rc = gmv_decode_cell(b, raw, slot, e);
    if (rc == 0)
        *decoded = e;
    return rc;
}
