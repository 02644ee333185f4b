#include "support/fake_memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct region {
    uint64_t addr;
    size_t size;
    uint8_t *bytes;
} region;

struct fake_memory {
    region *regions;
    size_t count;
    uint64_t reads;
};

static void *must(void *p)
{
    if (!p) {
        fprintf(stderr, "fake_memory: out of memory\n");
        abort();
    }
    return p;
}

fake_memory *fake_memory_new(void)
{
    return must(calloc(1, sizeof(fake_memory)));
}

void fake_memory_free(fake_memory *mem)
{
    if (!mem)
        return;
    for (size_t i = 0; i < mem->count; i++)
        free(mem->regions[i].bytes);
    free(mem->regions);
    free(mem);
}

uint8_t *fake_memory_map(fake_memory *mem, uint64_t addr, size_t size)
{
    mem->regions = must(realloc(mem->regions, (mem->count + 1) * sizeof *mem->regions));
    uint8_t *bytes = must(calloc(1, size ? size : 1));
    mem->regions[mem->count++] = (region){addr, size, bytes};
    return bytes;
}

/* The region holding `addr`, or NULL. */
static region *find(const fake_memory *mem, uint64_t addr)
{
    for (size_t i = 0; i < mem->count; i++) {
        region *r = &mem->regions[i];
        if (addr >= r->addr && addr - r->addr < r->size)
            return r;
    }
    return NULL;
}

uint8_t *fake_memory_at(fake_memory *mem, uint64_t addr, size_t len)
{
    region *r = find(mem, addr);
    if (!r || addr - r->addr + len > r->size) {
        fprintf(stderr, "fake_memory: 0x%llx+%zu is not mapped\n", (unsigned long long)addr, len);
        abort();
    }
    return r->bytes + (addr - r->addr);
}

static int64_t fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    fake_memory *mem = ctx;
    mem->reads++;
    size_t done = 0;
    while (done < len) {
        region *r = find(mem, addr + done);
        if (!r)
            break;
        size_t off = (size_t)(addr + done - r->addr);
        size_t n = r->size - off < len - done ? r->size - off : len - done;
        memcpy((uint8_t *)buf + done, r->bytes + off, n);
        done += n;
    }
    return (int64_t)done;
}

gmv_source *fake_memory_source(fake_memory *mem)
{
    static const gmv_source_ops ops = {.read = fake_read};
    gmv_source *src = NULL;
    if (gmv_source_new_custom(&src, &ops, mem) != 0)
        abort();
    return src;
}

uint64_t fake_memory_reads(const fake_memory *mem)
{
    return mem->reads;
}

void fake_memory_put(fake_memory *mem, uint64_t addr, uint64_t value, uint32_t size)
{
    uint8_t *p = fake_memory_at(mem, addr, size);
    for (uint32_t i = 0; i < size; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

void fake_write_hmap(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_hmap *h)
{
    const gmv_hmap_layout *o = &l->hmap;
    uint32_t p = l->ptr_size;
    fake_memory_put(mem, addr + o->count, h->count, p);
    fake_memory_put(mem, addr + o->flags, h->flags, 1);
    fake_memory_put(mem, addr + o->B, h->B, 1);
    fake_memory_put(mem, addr + o->noverflow, h->noverflow, 2);
    fake_memory_put(mem, addr + o->hash0, h->hash0, 4);
    fake_memory_put(mem, addr + o->buckets, h->buckets, p);
    fake_memory_put(mem, addr + o->oldbuckets, h->oldbuckets, p);
    fake_memory_put(mem, addr + o->nevacuate, h->nevacuate, p);
    fake_memory_put(mem, addr + o->extra, h->extra, p);
}

void fake_write_cell(fake_memory *mem, const gmv_layout *l, uint64_t bucket, int slot, uint8_t tophash,
                     const void *key, const void *elem)
{
    *fake_memory_at(mem, bucket + (uint64_t)slot, 1) = tophash;
    if (key)
        memcpy(fake_memory_at(mem, bucket + l->keys_offset + (uint64_t)slot * l->key_slot, l->key_slot), key,
               l->key_slot);
    if (elem)
        memcpy(fake_memory_at(mem, bucket + l->elems_offset + (uint64_t)slot * l->elem_slot, l->elem_slot), elem,
               l->elem_slot);
}

void fake_write_overflow(fake_memory *mem, const gmv_layout *l, uint64_t bucket, uint64_t next)
{
    fake_memory_put(mem, bucket + l->overflow_offset, next, l->ptr_size);
}

gmv_layout fake_layout_int64(void)
{
    gmv_type k = {.name = "int64", .kind = GMV_KIND_INT, .size = 8};
    gmv_layout l;
    if (gmv_layout_classic(&l, 8, "go1.19.8", "map[int64]int64", &k, &k) != 0)
        abort();
    return l;
}

gmv_layout fake_layout_string_int(void)
{
    gmv_type k = {.name = "string", .kind = GMV_KIND_STRING, .size = 16};
    gmv_type v = {.name = "int64", .kind = GMV_KIND_INT, .size = 8};
    gmv_layout l;
    if (gmv_layout_classic(&l, 8, "go1.19.8", "map[string]int64", &k, &v) != 0)
        abort();
    return l;
}
