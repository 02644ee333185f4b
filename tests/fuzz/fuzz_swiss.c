/* Fuzz harness (c): the Swiss-table model on arbitrary memory.
 *
 * The input is the model harness's (fuzz_support.h), with byte 0 choosing
 * among FUZZ_SWISS_LAYOUT_COUNT Swiss layouts (amd64 and 386, Go 1.24, 1.26
 * and 1.27 with split groups, indirect keys and values) and the Map address
 * in bytes 2-9. The model is built with small limits, and the harness checks
 * that gomapviz stayed within them: no more bytes read than max_bytes, no
 * more groups than max_buckets, no more tables than directory entries, a
 * bounded number of reads. Then JSON (must parse), the summary and DOT (must
 * parse), with the Swiss focus options too. A build may fail only with
 * GMV_ERR_IO (the header is unreadable). See docs/fuzzing.md. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_support.h"
#include "gomapviz/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reads a build may make: the header; the directory in pieces (at most
 * one per range, plus a failing one); per table its header and its group
 * array in pieces; the small map's group; two per key and two per value
 * (an indirect value and its string bytes). */
static uint64_t read_bound(size_t ntables, size_t nentries)
{
    uint64_t pieces = FUZZ_MAX_RANGES + 1;
    return 2 + pieces + ntables * (1 + pieces) + 4 * (uint64_t)nentries + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FUZZ_MODEL_HEADER)
        return 0;
    gmv_layout layout;
    fuzz_swiss_layout(data[0], &layout);
    uint64_t map = fuzz_load_le(data + 2, 8);
    fuzz_space space = {0};
    gmv_source *src = fuzz_space_source(&space, data + FUZZ_MODEL_HEADER, size - FUZZ_MODEL_HEADER);
    const gmv_limits limits = {.max_bytes = FUZZ_MAX_BYTES, .max_buckets = FUZZ_MAX_BUCKETS,
                               .max_string = FUZZ_MAX_STRING};
    gmv_model *model = NULL;
    int rc = gmv_model_build(&model, src, &layout, map, &limits);
    gmv_source_free(src);

    if (space.bytes_returned > FUZZ_MAX_BYTES)
        fuzz_finding("bytes read beyond max_bytes", space.bytes_returned, FUZZ_MAX_BYTES);
    if (space.largest_request > FUZZ_MAX_BYTES)
        fuzz_finding("a read request beyond max_bytes", space.largest_request, FUZZ_MAX_BYTES);
    if (rc != 0) {
        fuzz_check_failure(rc, "gmv_model_build", (const int[]){GMV_ERR_IO, 0});
        return 0;
    }
    size_t ndir, ntables, ngroups, nentries;
    gmv_model_directory(model, &ndir);
    gmv_model_tables(model, &ntables);
    gmv_model_groups(model, &ngroups);
    gmv_model_entries(model, &nentries);
    if (gmv_model_implementation(model) != GMV_IMPL_SWISS)
        fuzz_finding("a Swiss layout gave a classic model", 0, 0);
    if (ngroups > FUZZ_MAX_BUCKETS)
        fuzz_finding("groups beyond max_buckets", ngroups, FUZZ_MAX_BUCKETS);
    if (ndir > FUZZ_MAX_BUCKETS)
        fuzz_finding("directory entries beyond max_buckets", ndir, FUZZ_MAX_BUCKETS);
    if (ntables > ndir)
        fuzz_finding("more tables than directory entries", ntables, ndir);
    if (nentries > GMV_GROUP_SLOTS * ngroups)
        fuzz_finding("more entries than slots", nentries, GMV_GROUP_SLOTS * ngroups);
    if (gmv_model_stats(model)->bytes_read != space.bytes_returned)
        fuzz_finding("stats.bytes_read differs from the bytes the source returned",
                     gmv_model_stats(model)->bytes_read, space.bytes_returned);
    if (space.calls > read_bound(ntables, nentries))
        fuzz_finding("read calls", space.calls, read_bound(ntables, nentries));
    if (getenv("GMV_FUZZ_VERBOSE")) /* the summary of each input, for debugging */
        gmv_render_stats(stderr, model, NULL);
    fuzz_render_model(model, NULL, data[1]);
    gmv_model_free(model);
    return 0;
}
