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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FUZZ_MODEL_HEADER)
        return 0;
    gmv_layout layout;
    fuzz_layout(data[0], &layout);
    uint64_t hmap = fuzz_load_le(data + 2, 8);
    fuzz_space space = {0};
    gmv_source *src = fuzz_space_source(&space, data + FUZZ_MODEL_HEADER, size - FUZZ_MODEL_HEADER);
    const gmv_limits limits = {.max_bytes = FUZZ_MAX_BYTES, .max_buckets = FUZZ_MAX_BUCKETS,
                               .max_string = FUZZ_MAX_STRING};
    gmv_model *model = NULL;
    int rc = gmv_model_build(&model, src, &layout, hmap, &limits);
    gmv_source_free(src);

    if (space.bytes_returned > FUZZ_MAX_BYTES)
        fuzz_finding("bytes read beyond max_bytes", space.bytes_returned, FUZZ_MAX_BYTES);
    if (space.largest_request > FUZZ_MAX_BYTES)
        fuzz_finding("a read request beyond max_bytes", space.largest_request, FUZZ_MAX_BYTES);
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
        fuzz_finding("bucket records beyond max_buckets", records, FUZZ_MAX_BUCKETS);
    if (nentries > GMV_BUCKET_CELLS * records)
        fuzz_finding("more entries than cells", nentries, GMV_BUCKET_CELLS * records);
    if (gmv_model_stats(model)->bytes_read != space.bytes_returned)
        fuzz_finding("stats.bytes_read differs from the bytes the source returned", gmv_model_stats(model)->bytes_read,
                space.bytes_returned);
    /* Reads: the header and mapextra, each array in pieces (at most one per
     * range, plus a failing one), one per overflow bucket, two per entry
     * (an indirect value and its string bytes, for the key and the value),
     * one per spare bucket and the one that ends the spares. */
    uint64_t bound = 2 + 2 * (2 * FUZZ_MAX_RANGES + 2) + records + 4 * (uint64_t)nentries + nspares + 1;
    if (space.calls > bound)
        fuzz_finding("read calls", space.calls, bound);
    if (getenv("GMV_FUZZ_VERBOSE")) /* the summary of each input, for debugging */
        gmv_render_stats(stderr, model, NULL);
    fuzz_render_model(model, NULL, data[1]);
    gmv_model_free(model);
    return 0;
}
