/* A source that replays a snapshot's recorded memory. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "common/page_index.h"
#include "common/sort.h"
#include "snapshot/snapshot_impl.h"

/* A record in address order, trimmed where it overlaps one before it. */
typedef struct record_ref {
    uint64_t address, len;
    const uint8_t *bytes;
} record_ref;

/* The source's context. A walk of the map reads the records in the order
 * the capture recorded them, so a look-up first tries the record of the last
 * hit and the few after it, and the first few (a walk begun again); then,
 * while a budget of steps lasts (two passes over the records), a scan on
 * through the rest and from the first (a second walk skips what the first
 * read in batches: group arrays, table headers); only then the index by
 * address, built at the first miss of all these, and a hit there moves the
 * cursor to that record. */
typedef struct snapshot_reader {
    const gmv_snapshot *snap;
    gmv_record_cursor cursor; /* just after `cur` */
    gmv_record cur;           /* the record of the last hit (len 0: none yet) */
    uint64_t scan_budget;     /* steps left for long scans */
    bool indexed;             /* `sorted` and `index` are built (or failed: then nothing is found) */
    record_ref *sorted;       /* every record's bytes once, by address */
    size_t nsorted;
    gmv_page_index index;
} snapshot_reader;

static bool holds(const gmv_record *r, uint64_t addr)
{
    return addr >= r->address && addr - r->address < r->len;
}

/* Sorts the records by address and trims them so that none overlaps
 * another (a record inside one before it is dropped, one overlapping the
 * end of one before it loses its front: the bytes agree), then builds the
 * page index. Out of memory, it stays empty: a look-up that misses the
 * cursor then finds nothing, which a model reports as unreadable memory
 * rather than as a crash. */
static void build_index(snapshot_reader *r)
{
    const gmv_snapshot *snap = r->snap;
    r->indexed = true;
    size_t n = (size_t)snap->nranges;
    r->sorted = malloc((n ? n : 1) * sizeof *r->sorted);
    if (!r->sorted)
        return;
    gmv_record_cursor c;
    gmv_record rec;
    size_t k = 0;
    gmv_record_cursor_start(&c, snap->chunks, snap->nchunks);
    while (k < n && gmv_record_cursor_next(&c, &rec))
        r->sorted[k++] = (record_ref){rec.address, rec.len, rec.bytes};
    if (gmv_sort_by_u64_key(r->sorted, k, sizeof *r->sorted) != 0) {
        free(r->sorted);
        r->sorted = NULL;
        return;
    }
    size_t kept = 0;
    uint64_t last_end = 0;
    for (size_t i = 0; i < k; i++) {
        record_ref x = r->sorted[i];
        uint64_t end = x.address + x.len;
        if (kept > 0 && end <= last_end)
            continue;
        if (kept > 0 && x.address < last_end) {
            uint64_t skip = last_end - x.address;
            x.address += skip;
            x.bytes += skip;
            x.len -= skip;
        }
        r->sorted[kept++] = x;
        last_end = end;
    }
    r->nsorted = kept;
    /* every record covers at most len / 4096 + 2 pages */
    size_t max_pages = 2 * kept + (size_t)(snap->nbytes / 4096) + 1;
    gmv_page_index_build(&r->index, r->sorted, kept, sizeof *r->sorted, max_pages);
}

#define NEAR 8 /* records tried after the last hit, and from the first (a walk begun again) */

/* Moves the cursor on through at most `steps` records, stopping at one
 * holding `addr` (it becomes `cur`); counts the steps taken in *taken.
 * Returns true if it found one. */
static bool scan(snapshot_reader *r, gmv_record_cursor *c, uint64_t steps, uint64_t addr, uint64_t *taken)
{
    gmv_record rec;
    for (uint64_t i = 0; i < steps && gmv_record_cursor_next(c, &rec); i++) {
        (*taken)++;
        if (holds(&rec, addr)) {
            r->cur = rec;
            r->cursor = *c;
            return true;
        }
    }
    return false;
}

/* True if one of the records a walk in recording order would read next
 * holds `addr` (it becomes `cur`): the last hit, the few after it and the
 * first few, then (while the budget lasts) the rest after it and from the
 * first. */
static bool find_near(snapshot_reader *r, uint64_t addr)
{
    if (r->cur.len && holds(&r->cur, addr))
        return true;
    gmv_record_cursor ahead = r->cursor, start;
    gmv_record_cursor_start(&start, r->snap->chunks, r->snap->nchunks);
    uint64_t taken = 0;
    if (scan(r, &ahead, NEAR, addr, &taken))
        return true;
    gmv_record_cursor again = start;
    if (scan(r, &again, NEAR, addr, &taken))
        return true;
    if (r->indexed || r->scan_budget == 0)
        return false;
    taken = 0;
    bool found = scan(r, &ahead, r->scan_budget, addr, &taken);
    if (!found && taken < r->scan_budget)
        found = scan(r, &start, r->scan_budget - taken, addr, &taken);
    r->scan_budget -= taken < r->scan_budget ? taken : r->scan_budget;
    return found;
}

/* Puts the cursor just after the indexed record `x` (an index hit: the
 * next reads most likely follow it), making it `cur`. */
static void move_cursor_to(snapshot_reader *r, const record_ref *x)
{
    const gmv_snapshot *snap = r->snap;
    const uint8_t *end = x->bytes + x->len; /* trimming moved only its front */
    for (size_t c = 0; c < snap->nchunks; c++) {
        const gmv_record_chunk *k = &snap->chunks[c];
        if (end > k->bytes && end <= k->bytes + k->len) {
            r->cursor = (gmv_record_cursor){.chunks = snap->chunks, .nchunks = snap->nchunks, .chunk = c,
                                            .pos = (size_t)(end - k->bytes), .prev_end = x->address + x->len};
            r->cur = (gmv_record){x->address, x->len, x->bytes};
            return;
        }
    }
}

/* The bytes from `addr` on of the record holding it: how many (0 if no
 * record holds it), and where (*bytes). */
static uint64_t find_bytes(snapshot_reader *r, uint64_t addr, const uint8_t **bytes)
{
    if (find_near(r, addr)) {
        *bytes = r->cur.bytes + (addr - r->cur.address);
        return r->cur.len - (addr - r->cur.address);
    }
    if (!r->indexed)
        build_index(r);
    if (!r->sorted)
        return 0;
    size_t i = gmv_page_index_count_at_most(&r->index, r->sorted, r->nsorted, sizeof *r->sorted, addr);
    if (i == 0)
        return 0;
    const record_ref *x = &r->sorted[i - 1];
    if (addr - x->address >= x->len)
        return 0;
    move_cursor_to(r, x);
    *bytes = x->bytes + (addr - x->address);
    return x->len - (addr - x->address);
}

/* Lends up to `len` bytes at `addr` from the one record holding `addr`. */
static int64_t snapshot_view(void *ctx, uint64_t addr, size_t len, const uint8_t **bytes)
{
    uint64_t n = find_bytes(ctx, addr, bytes);
    return (int64_t)(n < len ? n : len);
}

/* Copies bytes at `addr`, going on into a record that continues where the
 * last one ends. */
static int64_t snapshot_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t done = 0;
    while (done < len) {
        const uint8_t *bytes = NULL;
        int64_t n = snapshot_view(ctx, addr + done, len - done, &bytes);
        if (n <= 0)
            break;
        memcpy(out + done, bytes, (size_t)n);
        done += (size_t)n;
    }
    return (int64_t)done;
}

static void snapshot_reader_destroy(void *ctx)
{
    snapshot_reader *reader = ctx;
    gmv_page_index_release(&reader->index);
    free(reader->sorted);
    free(reader);
}

int gmv_snapshot_open_source(gmv_source **out, const gmv_snapshot *snap)
{
    static const gmv_source_ops ops = {
        .read = snapshot_read, .view = snapshot_view, .destroy = snapshot_reader_destroy};
    *out = NULL;
    snapshot_reader *reader = calloc(1, sizeof *reader);
    if (!reader)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory opening a snapshot");
    reader->snap = snap;
    reader->scan_budget = 2 * snap->nranges;
    gmv_record_cursor_start(&reader->cursor, snap->chunks, snap->nchunks);
    int rc = gmv_source_new_custom(out, &ops, reader);
    if (rc != 0)
        snapshot_reader_destroy(reader);
    return rc;
}

/* The snapshot's types for a model build: a table without a binary is only
 * read by decoding (look-ups it cannot answer add nothing), so the const
 * snapshot is not changed. */
static gmv_types *types_of(const gmv_snapshot *snap)
{
    return (gmv_types *)snap->types;
}

/* `limits` with the capture's own for decoding through types: reading
 * deeper than the capture did would find nothing recorded. */
static gmv_limits capture_limits(const gmv_snapshot *snap, const gmv_limits *limits)
{
    gmv_limits out = gmv_limits_resolve(limits);
    if (snap->types) {
        out.follow_depth = snap->follow_depth;
        out.max_elems = snap->max_elems;
        out.nested_maps = snap->nested_maps;
    }
    return out;
}

const gmv_types *gmv_snapshot_types(const gmv_snapshot *snap)
{
    return snap->types;
}

int gmv_snapshot_build_model(gmv_model **out, const gmv_snapshot *snap, const gmv_limits *limits)
{
    *out = NULL;
    gmv_source *src = NULL;
    gmv_limits used = capture_limits(snap, limits);
    int rc = gmv_snapshot_open_source(&src, snap);
    if (rc == 0)
        rc = gmv_model_build_typed(out, src, &snap->layout, types_of(snap), snap->hmap_address, &used,
                                   GMV_ENTRIES_KEEP);
    gmv_source_free(src);
    return rc;
}

int gmv_snapshot_build_lean_model(gmv_model **out, const gmv_snapshot *snap, const gmv_limits *limits)
{
    *out = NULL;
    gmv_source *src = NULL;
    gmv_limits used = capture_limits(snap, limits);
    int rc = gmv_snapshot_open_source(&src, snap);
    if (rc == 0)
        rc = gmv_model_build_typed(out, src, &snap->layout, types_of(snap), snap->hmap_address, &used,
                                   GMV_ENTRIES_REVISIT);
    if (rc != 0)
        gmv_source_free(src); /* on success the model owns it */
    return rc;
}

int gmv_snapshot_add_chunk(gmv_snapshot *snap, const uint8_t *bytes, size_t len)
{
    gmv_record_chunk *grown = gmv_grow(snap->chunks, &snap->chunks_cap, snap->nchunks, sizeof *grown, 16);
    if (!grown)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory holding the snapshot");
    snap->chunks = grown;
    snap->chunks[snap->nchunks++] = (gmv_record_chunk){bytes, len};
    return 0;
}

gmv_snapshot *gmv_snapshot_new(void)
{
    return calloc(1, sizeof(gmv_snapshot));
}

int gmv_snapshot_adopt_block(gmv_snapshot *snap, uint8_t *block)
{
    uint8_t **grown = gmv_grow(snap->blocks, &snap->blocks_cap, snap->nblocks, sizeof *grown, 16);
    if (!grown) {
        free(block);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory holding the snapshot");
    }
    snap->blocks = grown;
    snap->blocks[snap->nblocks++] = block;
    return 0;
}

const gmv_layout *gmv_snapshot_layout(const gmv_snapshot *snap) { return &snap->layout; }
const gmv_origin *gmv_snapshot_origin(const gmv_snapshot *snap) { return &snap->origin; }
uint64_t gmv_snapshot_hmap_address(const gmv_snapshot *snap) { return snap->hmap_address; }
uint64_t gmv_snapshot_byte_count(const gmv_snapshot *snap) { return snap->nbytes; }

const gmv_capture_summary *gmv_snapshot_capture_summary(const gmv_snapshot *snap)
{
    return snap->has_summary ? &snap->summary : NULL;
}

void gmv_snapshot_free(gmv_snapshot *snap)
{
    if (!snap)
        return;
    free(snap->chunks);
    for (size_t i = 0; i < snap->nblocks; i++)
        free(snap->blocks[i]);
    free(snap->blocks);
    gmv_types_free(snap->types);
    free(snap);
}
