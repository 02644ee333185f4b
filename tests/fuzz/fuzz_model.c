/* Fuzz harness (b): the model on arbitrary memory.
 *
 * The input is a small address space (format in fuzz_support.h: a layout
 * among FUZZ_LAYOUT_COUNT realistic ones, amd64 and 386, Go 1.19 and 1.11,
 * the hmap address, then memory ranges) exposed through
 * gmv_source_new_custom(). The model is built with small limits, and the
 * harness checks that gomapviz stayed within them: no more bytes read than
 * max_bytes, no more bucket records than max_buckets, a bounded number of
 * reads. Then JSON (must parse), the summary and DOT (must parse). A build may
 * fail only with GMV_ERR_IO (the header is unreadable). See docs/fuzzing.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "gomapviz/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_range {
    uint64_t address;
    const uint8_t *bytes;
    size_t len;
} fuzz_range;

typedef struct address_space {
    fuzz_range ranges[FUZZ_MAX_RANGES];
    size_t nranges;
    uint64_t calls, bytes_returned, largest_request;
} address_space;

static uint64_t load_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* The first range holding `addr` wins; reads stop at the end of that range. */
static int64_t space_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    address_space *s = ctx;
    s->calls++;
    if (len > s->largest_request)
        s->largest_request = len;
    for (size_t i = 0; i < s->nranges; i++) {
        const fuzz_range *r = &s->ranges[i];
        if (addr >= r->address && addr - r->address < r->len) {
            size_t n = r->len - (size_t)(addr - r->address);
            if (n > len)
                n = len;
            memcpy(buf, r->bytes + (addr - r->address), n);
            s->bytes_returned += n;
            return (int64_t)n;
        }
    }
    return 0;
}

static void parse_ranges(address_space *s, const uint8_t *p, size_t size)
{
    while (size >= FUZZ_RANGE_HEADER && s->nranges < FUZZ_MAX_RANGES) {
        uint64_t address = load_le(p, 8);
        size_t len = (size_t)load_le(p + 8, 2);
        p += FUZZ_RANGE_HEADER;
        size -= FUZZ_RANGE_HEADER;
        if (len > size)
            len = size;
        if (len > 0 && address + len - 1 >= address) /* no wrap-around */
            s->ranges[s->nranges++] = (fuzz_range){address, p, len};
        p += len;
        size -= len;
    }
}

static void finding(const char *what, uint64_t got, uint64_t bound)
{
    fprintf(stderr, "FUZZ FINDING: %s: %llu, bound %llu\n", what, (unsigned long long)got,
            (unsigned long long)bound);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FUZZ_MODEL_HEADER)
        return 0;
    gmv_layout layout;
    fuzz_layout(data[0], &layout);
    uint64_t hmap = load_le(data + 2, 8);
    address_space space = {0};
    parse_ranges(&space, data + FUZZ_MODEL_HEADER, size - FUZZ_MODEL_HEADER);

    static const gmv_source_ops ops = {.read = space_read};
    gmv_source *src = NULL;
    if (gmv_source_new_custom(&src, &ops, &space) != 0)
        abort();
    const gmv_limits limits = {.max_bytes = FUZZ_MAX_BYTES, .max_buckets = FUZZ_MAX_BUCKETS,
                               .max_string = FUZZ_MAX_STRING};
    gmv_model *model = NULL;
    int rc = gmv_model_build(&model, src, &layout, hmap, &limits);
    gmv_source_free(src);

    if (space.bytes_returned > FUZZ_MAX_BYTES)
        finding("bytes read beyond max_bytes", space.bytes_returned, FUZZ_MAX_BYTES);
    if (space.largest_request > FUZZ_MAX_BYTES)
        finding("a read request beyond max_bytes", space.largest_request, FUZZ_MAX_BYTES);
    if (rc != 0) {
        fuzz_check_failure(rc, "gmv_model_build", (const int[]){GMV_ERR_IO, 0});
        return 0;
    }
    const gmv_array *cur = gmv_model_buckets(model), *old = gmv_model_oldbuckets(model);
    uint64_t records = cur->nbucket_records + (old ? old->nbucket_records : 0);
    size_t nentries = 0, nspares = 0;
    gmv_model_entries(model, &nentries);
    gmv_model_spare_overflow(model, &nspares);
    if (records > FUZZ_MAX_BUCKETS)
        finding("bucket records beyond max_buckets", records, FUZZ_MAX_BUCKETS);
    if (nentries > GMV_BUCKET_CELLS * records)
        finding("more entries than cells", nentries, GMV_BUCKET_CELLS * records);
    if (gmv_model_stats(model)->bytes_read != space.bytes_returned)
        finding("stats.bytes_read differs from the bytes the source returned", gmv_model_stats(model)->bytes_read,
                space.bytes_returned);
    /* Reads: the header and mapextra, each array in pieces (at most one per
     * range, plus a failing one), one per overflow bucket, two per entry
     * (an indirect value and its string bytes, for the key and the value),
     * one per spare bucket and the one that ends the spares. */
    uint64_t bound = 2 + 2 * (2 * FUZZ_MAX_RANGES + 2) + records + 4 * (uint64_t)nentries + nspares + 1;
    if (space.calls > bound)
        finding("read calls", space.calls, bound);
    if (getenv("GMV_FUZZ_VERBOSE")) /* the summary of each input, for debugging */
        gmv_render_stats(stderr, model, NULL);
    fuzz_render_model(model, NULL, data[1]);
    gmv_model_free(model);
    return 0;
}
