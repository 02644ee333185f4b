/* Seeds for fuzz_model, fuzz_swiss (and fuzz_snapshot) from real snapshots
 * (docs/fuzzing.md).
 *
 *   make_model_seeds [--snapshots DIR] [--swiss SWISSDIR] OUTDIR SNAPSHOT.gmvs...
 *
 * A Swiss-table snapshot gives one fuzz_swiss input SWISSDIR/<name>-<index>
 * per Swiss layout of the harness's table with its exact geometry: its own
 * memory ranges (Swiss maps are not rebuilt in other layouts); classic
 * snapshots give fuzz_model inputs as follows.
 *
 * For each snapshot and each layout of the harness's table with the same map
 * type, writes one input OUTDIR/<name>-<layout index>: the snapshot's own
 * memory ranges when the layout is the snapshot's, otherwise the same map
 * rebuilt in that layout (another pointer size, Go 1.11 tophash marks): the
 * same header fields, buckets, chains, cells, keys and values, spare buckets
 * and grow state, at new addresses. Layouts whose map type no snapshot has
 * get the map's structure with made-up keys and values of their types
 * (OUTDIR/<name>-<index>-synthetic). With --snapshots, every rebuilt map is
 * also captured into DIR/<name>-<index>.gmvs, seeds for fuzz_snapshot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "snapshot/memory_records.h"

#define BASE UINT64_C(0x10000000)
#define UNMAPPED UINT64_C(0x0ff00000) /* below BASE: never written */

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "make_model_seeds: %s: %s\n", what, detail);
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("calloc", "out of memory");
    return p;
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static void put_le(uint8_t *p, uint64_t v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* --- the output: a list of memory blocks --- */

typedef struct block {
    uint64_t address;
    uint8_t *bytes;
    size_t len;
} block;

typedef struct space {
    block blocks[4096];
    size_t n;
    uint64_t next;
} space;

static uint8_t *space_alloc(space *s, size_t len, uint64_t *addr)
{
    if (s->n == sizeof s->blocks / sizeof s->blocks[0])
        die("space_alloc", "too many blocks");
    block *b = &s->blocks[s->n++];
    b->address = s->next ? s->next : BASE;
    b->len = len ? len : 1;
    b->bytes = xcalloc(b->len, 1);
    s->next = (b->address + b->len + 64 + 15) & ~UINT64_C(15); /* blocks never touch */
    *addr = b->address;
    return b->bytes;
}

static void write_input(const char *path, unsigned layout, uint8_t variant, uint64_t hmap, const space *s)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create", path);
    uint8_t header[FUZZ_MODEL_HEADER] = {(uint8_t)layout, variant};
    put_le(header + 2, hmap, 8);
    fwrite(header, 1, sizeof header, f);
    size_t ranges = 0;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t done = 0; done < s->blocks[i].len;) {
            size_t n = s->blocks[i].len - done > 65535 ? 65535 : s->blocks[i].len - done;
            uint8_t h[FUZZ_RANGE_HEADER];
            put_le(h, s->blocks[i].address + done, 8);
            put_le(h + 8, n, 2);
            fwrite(h, 1, sizeof h, f);
            fwrite(s->blocks[i].bytes + done, 1, n, f);
            done += n;
            ranges++;
        }
    }
    if (fclose(f) != 0)
        die("cannot write", path);
    if (ranges > FUZZ_MAX_RANGES)
        fprintf(stderr, "make_model_seeds: warning: %s has %zu ranges, the harness uses %d\n", path, ranges,
                FUZZ_MAX_RANGES);
}

/* --- the snapshot's own ranges, read from its MEMR section --- */

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = xcalloc((size_t)size, 1);
    if (size < 0 || fread(buf, 1, (size_t)size, f) != (size_t)size)
        die("cannot read", path);
    fclose(f);
    *len = (size_t)size;
    return buf;
}

/* Adds `n` bytes read at `addr` to the space. */
static void add_block(space *s, uint64_t addr, const uint8_t *bytes, uint64_t n)
{
    if (s->n == sizeof s->blocks / sizeof s->blocks[0])
        die("copy_ranges", "too many ranges");
    block *b = &s->blocks[s->n++];
    *b = (block){addr, xcalloc(n, 1), n};
    memcpy(b->bytes, bytes, n);
}

/* The ranges of a MEMR body: fixed 16-byte headers in format version 1,
 * memory records (memory_records.h) in version 2. */
static void copy_body(const uint8_t *body, uint64_t len, uint32_t version, space *s)
{
    if (version == 1) {
        for (size_t p = 0; p + 16 <= len;) {
            uint64_t addr = get_le(body + p, 8), n = get_le(body + p + 8, 8);
            add_block(s, addr, body + p + 16, n);
            p += 16 + n;
        }
        return;
    }
    size_t pos = 0;
    uint64_t prev_end = 0;
    gmv_record r;
    while (gmv_record_next(body, (size_t)len, &pos, &prev_end, &r, NULL) == 1)
        add_block(s, r.address, r.bytes, r.len);
}

static void copy_ranges(const char *path, space *s)
{
    size_t len;
    uint8_t *file = slurp(path, &len);
    size_t pos = 16, end = len - 4;
    uint32_t version = (uint32_t)get_le(file + 8, 4);
    for (uint32_t sec = 0; sec < get_le(file + 12, 4) && pos + 16 <= end; sec++) {
        uint64_t body = get_le(file + pos + 8, 8);
        if (memcmp(file + pos, "MEMR", 4) == 0)
            copy_body(file + pos + 16, body, version, s);
        pos += 16 + body;
    }
    free(file);
}

/* --- the map rebuilt in another layout --- */

typedef struct rebuild {
    space *s;
    const gmv_model *m;
    const gmv_layout *to;
    uint64_t *new_addr[2]; /* per bucket record of the current [0] and old [1] array */
    bool synthetic;        /* made-up keys and values of the layout's types */
} rebuild;

static uint8_t mark_of(const gmv_layout *to, gmv_cell_state state, uint8_t top)
{
    const gmv_tophash_marks *k = &to->marks;
    switch (state) {
    case GMV_CELL_EMPTY_REST: return k->has_empty_rest ? k->empty_rest : k->empty_one;
    case GMV_CELL_EMPTY_ONE: return k->empty_one;
    case GMV_CELL_EVACUATED_X: return k->evacuated_x;
    case GMV_CELL_EVACUATED_Y: return k->evacuated_y;
    case GMV_CELL_EVACUATED_EMPTY: return k->evacuated_empty;
    case GMV_CELL_LIVE: return top < k->min_top_hash ? k->min_top_hash : top;
    }
    return 0;
}

static void write_value(rebuild *r, const gmv_type *t, const gmv_value *v, uint8_t *slot)
{
    uint32_t p = r->to->ptr_size;
    uint8_t *data = slot;
    if (t->indirect) {
        uint64_t addr = UNMAPPED;
        if (v->readable)
            data = space_alloc(r->s, (size_t)t->size, &addr);
        put_le(slot, addr, p);
        if (!v->readable)
            return;
    }
    switch (t->kind) {
    case GMV_KIND_STRING: {
        uint64_t addr = UNMAPPED;
        if (v->readable && v->len > 0)
            memcpy(space_alloc(r->s, v->len, &addr), v->bytes, v->len);
        put_le(data, addr, p);
        put_le(data + p, v->full_len, p);
        break;
    }
    case GMV_KIND_FLOAT:
        if (t->size == 4) {
            float f = (float)v->as.f;
            memcpy(data, &f, 4);
        } else {
            memcpy(data, &v->as.f, 8);
        }
        break;
    case GMV_KIND_OTHER:
        memcpy(data, v->bytes, v->len < t->size ? v->len : (size_t)t->size);
        break;
    default:
        put_le(data, v->as.u, (uint32_t)t->size);
        break;
    }
}

/* A made-up value of type `t` for entry `n` (a key when `key`). */
static gmv_value synthetic_value(const gmv_type *t, uint64_t n, bool key, uint8_t *scratch, size_t size)
{
    gmv_value v = {.kind = (uint8_t)t->kind, .readable = true};
    switch (t->kind) {
    case GMV_KIND_FLOAT: {
        static const double specials[] = {NAN, INFINITY, -INFINITY, -0.0, 1e300, 1.5e-45};
        v.as.f = n % 7 == 6 ? specials[(n / 7) % 6] : (double)n * (key ? 1.5 : -0.25);
        break;
    }
    case GMV_KIND_POINTER:
        v.as.u = n % 5 == 4 ? 0 : UINT64_C(0x10400000) + n * 48;
        break;
    case GMV_KIND_STRING:
        v.len = (uint32_t)snprintf((char *)scratch, size, "%s-%llu", key ? "key" : "value", (unsigned long long)n);
        v.full_len = v.len;
        v.bytes = scratch;
        break;
    case GMV_KIND_OTHER:
        for (size_t i = 0; i < t->size && i < size; i++)
            scratch[i] = (uint8_t)(n * 31 + i);
        v.bytes = scratch;
        v.len = (uint32_t)(t->size < size ? t->size : size);
        break;
    default:
        v.as.u = key ? n * 3 + 1 : n * 1000;
        break;
    }
    return v;
}

/* Places every record of array `which` (0 current, 1 old): primary buckets in
 * one block (with room for `spares` more after it), overflow buckets apart. */
static uint64_t place_array(rebuild *r, const gmv_array *a, int which, size_t spares, uint8_t **bytes)
{
    uint32_t bs = r->to->bucket_size;
    uint64_t base = 0;
    *bytes = NULL;
    if (a->address != 0 && a->nbuckets > 0)
        *bytes = space_alloc(r->s, (size_t)(a->nbuckets + spares) * bs, &base);
    r->new_addr[which] = xcalloc(a->nbucket_records, sizeof(uint64_t));
    for (size_t c = 0; c < a->nchains; c++) {
        const gmv_chain *ch = &a->chains[c];
        for (size_t i = ch->first; i < ch->first + ch->length; i++) {
            if (i == ch->first)
                r->new_addr[which][i] = base + ch->index * bs;
            else if (a->buckets[i].readable)
                space_alloc(r->s, bs, &r->new_addr[which][i]);
            else
                r->new_addr[which][i] = UNMAPPED;
        }
    }
    return base;
}

/* The new address of the record that was at `old_addr`, or UNMAPPED. */
static uint64_t translate(const rebuild *r, uint64_t old_addr)
{
    const gmv_array *arrays[2] = {gmv_model_buckets(r->m), gmv_model_oldbuckets(r->m)};
    for (int w = 0; w < 2; w++) {
        for (size_t i = 0; arrays[w] && i < arrays[w]->nbucket_records; i++) {
            if (arrays[w]->buckets[i].address == old_addr)
                return r->new_addr[w][i];
        }
    }
    return UNMAPPED;
}

/* Returns the bytes of the record at new address `addr`. */
static uint8_t *bytes_at(space *s, uint64_t addr)
{
    for (size_t i = 0; i < s->n; i++) {
        if (addr >= s->blocks[i].address && addr - s->blocks[i].address < s->blocks[i].len)
            return s->blocks[i].bytes + (addr - s->blocks[i].address);
    }
    return NULL;
}

static void write_array(rebuild *r, const gmv_array *a, int which)
{
    const gmv_layout *to = r->to;
    size_t nentries;
    const gmv_entry *entries = gmv_model_entries(r->m, &nentries);
    for (size_t c = 0; c < a->nchains; c++) {
        const gmv_chain *ch = &a->chains[c];
        for (size_t i = ch->first; i < ch->first + ch->length; i++) {
            const gmv_bucket *rec = &a->buckets[i];
            uint8_t *raw = rec->readable ? bytes_at(r->s, r->new_addr[which][i]) : NULL;
            if (!raw)
                continue;
            for (int k = 0; k < GMV_BUCKET_CELLS; k++) {
                raw[k] = mark_of(to, rec->state[k], rec->tophash[k]);
                if (rec->entry[k] == GMV_NO_ENTRY || rec->entry[k] >= nentries)
                    continue;
                const gmv_entry *e = &entries[rec->entry[k]];
                if (r->synthetic) {
                    static uint8_t key_bytes[256], elem_bytes[256];
                    gmv_value key = synthetic_value(&to->key, rec->entry[k], true, key_bytes, sizeof key_bytes);
                    gmv_value elem = synthetic_value(&to->elem, rec->entry[k], false, elem_bytes, sizeof elem_bytes);
                    write_value(r, &to->key, &key, raw + to->keys_offset + (size_t)k * to->key_slot);
                    write_value(r, &to->elem, &elem, raw + to->elems_offset + (size_t)k * to->elem_slot);
                    continue;
                }
                write_value(r, &to->key, &e->key, raw + to->keys_offset + (size_t)k * to->key_slot);
                write_value(r, &to->elem, &e->elem, raw + to->elems_offset + (size_t)k * to->elem_slot);
            }
            uint64_t next = 0;
            if (i + 1 < ch->first + ch->length)
                next = r->new_addr[which][i + 1];
            else if (rec->overflow != 0)
                next = translate(r, rec->overflow);
            put_le(raw + to->overflow_offset, next, to->ptr_size);
        }
    }
}

static void rebuild_map(const gmv_model *m, const gmv_layout *to, bool synthetic, space *s, uint64_t *hmap_out)
{
    rebuild r = {.s = s, .m = m, .to = to, .synthetic = synthetic};
    const gmv_header *h = gmv_model_header(m);
    const gmv_hmap_layout *hl = &to->hmap;
    uint32_t p = to->ptr_size;
    uint8_t *hmap = space_alloc(s, hl->size, hmap_out);
    size_t nspares = 0;
    gmv_model_spare_overflow(m, &nspares);
    const gmv_array *cur = gmv_model_buckets(m), *old = gmv_model_oldbuckets(m);
    static const gmv_array none;
    uint8_t *cur_bytes, *old_bytes;
    uint64_t buckets = place_array(&r, cur, 0, nspares, &cur_bytes);
    uint64_t oldbuckets = place_array(&r, old ? old : &none, 1, 0, &old_bytes);
    write_array(&r, cur, 0);
    if (old)
        write_array(&r, old, 1);
    uint64_t extra = 0;
    if (h->extra != 0) {
        uint8_t *x = space_alloc(s, 3 * p, &extra);
        if (nspares && cur_bytes) {
            uint64_t first = buckets + cur->nbuckets * to->bucket_size;
            put_le(x + hl->extra_next_overflow, first, p);
            uint8_t *last = cur_bytes + (cur->nbuckets + nspares - 1) * to->bucket_size;
            put_le(last + to->overflow_offset, buckets, p);
        }
    }
    put_le(hmap + hl->count, h->count, p);
    hmap[hl->flags] = h->flags;
    hmap[hl->B] = h->B;
    put_le(hmap + hl->noverflow, h->noverflow, 2);
    put_le(hmap + hl->hash0, h->hash0, 4);
    put_le(hmap + hl->buckets, buckets, p);
    put_le(hmap + hl->oldbuckets, old ? oldbuckets : 0, p);
    put_le(hmap + hl->nevacuate, h->nevacuate, p);
    put_le(hmap + hl->extra, extra, p);
    free(r.new_addr[0]);
    free(r.new_addr[1]);
}

static bool same_geometry(const gmv_layout *a, const gmv_layout *b)
{
    return a->ptr_size == b->ptr_size && a->bucket_size == b->bucket_size && a->keys_offset == b->keys_offset &&
           a->elems_offset == b->elems_offset && a->overflow_offset == b->overflow_offset &&
           memcmp(&a->hmap, &b->hmap, sizeof a->hmap) == 0 &&
           a->marks.has_empty_rest == b->marks.has_empty_rest && a->marks.empty_one == b->marks.empty_one &&
           a->marks.evacuated_empty == b->marks.evacuated_empty && a->marks.min_top_hash == b->marks.min_top_hash;
}

static int64_t space_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    space *s = ctx;
    for (size_t i = 0; i < s->n; i++) {
        const block *b = &s->blocks[i];
        if (addr >= b->address && addr - b->address < b->len) {
            size_t n = b->len - (size_t)(addr - b->address);
            n = n < len ? n : len;
            memcpy(buf, b->bytes + (addr - b->address), n);
            return (int64_t)n;
        }
    }
    return 0;
}

/* Captures the map at `hmap` in `s` into a snapshot file at `path`. */
static void capture_to(const char *path, const gmv_layout *l, uint64_t hmap, space *s)
{
    static const gmv_source_ops ops = {.read = space_read};
    gmv_source *src = NULL;
    gmv_snapshot *snap = NULL;
    gmv_capture_request req = {.layout = l, .hmap_address = hmap};
    snprintf(req.origin.kind, sizeof req.origin.kind, "custom");
    snprintf(req.origin.variable, sizeof req.origin.variable, "main.seed");
    if (gmv_source_new_custom(&src, &ops, s) != 0 || gmv_snapshot_capture(&snap, src, &req, false) != 0 ||
        gmv_snapshot_write_file(snap, path) != 0)
        die(path, gmv_error_last());
    gmv_snapshot_free(snap);
    gmv_source_free(src);
}

/* True when two Swiss layouts place everything at the same offsets. */
static bool same_swiss_geometry(const gmv_layout *a, const gmv_layout *b)
{
    return a->ptr_size == b->ptr_size && a->key_slot == b->key_slot && a->elem_slot == b->elem_slot &&
           a->keys_offset == b->keys_offset && a->elems_offset == b->elems_offset &&
           a->key_stride == b->key_stride && a->elem_stride == b->elem_stride &&
           memcmp(&a->swiss, &b->swiss, sizeof a->swiss) == 0 && strcmp(a->map_type, b->map_type) == 0;
}

/* Writes the fuzz_swiss inputs of one Swiss snapshot; returns how many. */
static int swiss_seeds(const char *path, const gmv_snapshot *snap, const char *outdir)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int stem = (int)strcspn(base, "."), written = 0;
    for (unsigned j = 0; j < FUZZ_SWISS_LAYOUT_COUNT; j++) {
        gmv_layout to;
        fuzz_swiss_layout(j, &to);
        if (!same_swiss_geometry(gmv_snapshot_layout(snap), &to))
            continue;
        space *s = xcalloc(1, sizeof *s);
        copy_ranges(path, s);
        char out[4096];
        snprintf(out, sizeof out, "%s/%.*s-%u", outdir, stem, base, j);
        write_input(out, j, 0x05, gmv_snapshot_hmap_address(snap), s);
        printf("%s: %s\n", out, fuzz_swiss_layout_name(j));
        for (size_t b = 0; b < s->n; b++)
            free(s->blocks[b].bytes);
        free(s);
        written++;
    }
    return written;
}

/* True when some snapshot on the command line has the map type of `l`. */
static bool type_in_samples(const gmv_layout *l, char **paths, int n)
{
    for (int i = 0; i < n; i++) {
        gmv_snapshot *snap = NULL;
        if (gmv_snapshot_read_file(&snap, paths[i]) != 0)
            die(paths[i], gmv_error_last());
        bool same = gmv_snapshot_layout(snap)->impl == GMV_IMPL_CLASSIC &&
                    strcmp(gmv_snapshot_layout(snap)->map_type, l->map_type) == 0;
        gmv_snapshot_free(snap);
        if (same)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    const char *snapshots = NULL, *swissdir = NULL;
    int first = 1;
    while (argc > first + 1 && (strcmp(argv[first], "--snapshots") == 0 || strcmp(argv[first], "--swiss") == 0)) {
        if (strcmp(argv[first], "--snapshots") == 0)
            snapshots = argv[first + 1];
        else
            swissdir = argv[first + 1];
        first += 2;
    }
    if (argc < first + 2)
        die("usage", "make_model_seeds [--snapshots DIR] [--swiss SWISSDIR] OUTDIR SNAPSHOT.gmvs...");
    const char *outdir = argv[first];
    char **paths = argv + first + 1;
    int npaths = argc - first - 1, written = 0;
    for (int i = 0; i < npaths; i++) {
        gmv_snapshot *snap = NULL;
        gmv_model *model = NULL;
        if (gmv_snapshot_read_file(&snap, paths[i]) != 0 || gmv_snapshot_build_model(&model, snap, NULL) != 0)
            die(paths[i], gmv_error_last());
        const gmv_layout *from = gmv_snapshot_layout(snap);
        if (from->impl == GMV_IMPL_SWISS) {
            written += swissdir ? swiss_seeds(paths[i], snap, swissdir) : 0;
            gmv_model_free(model);
            gmv_snapshot_free(snap);
            continue;
        }
        const char *base = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];
        int stem = (int)strcspn(base, ".");
        for (unsigned j = 0; j < FUZZ_LAYOUT_COUNT; j++) {
            gmv_layout to;
            fuzz_layout(j, &to);
            bool same_type = strcmp(to.map_type, from->map_type) == 0;
            bool synthetic = !same_type && !type_in_samples(&to, paths, npaths);
            if (!same_type && !synthetic)
                continue;
            space *s = xcalloc(1, sizeof *s);
            uint64_t hmap;
            uint8_t variant = 0;
            char path[4096];
            if (same_type && same_geometry(from, &to)) {
                copy_ranges(paths[i], s);
                hmap = gmv_snapshot_hmap_address(snap);
            } else {
                rebuild_map(model, &to, synthetic, s, &hmap);
                variant = 0x05; /* the summary view with a focus range */
                if (snapshots) {
                    snprintf(path, sizeof path, "%s/%.*s-%u.gmvs", snapshots, stem, base, j);
                    capture_to(path, &to, hmap, s);
                }
            }
            snprintf(path, sizeof path, "%s/%.*s-%u%s", outdir, stem, base, j, synthetic ? "-synthetic" : "");
            write_input(path, j, variant, hmap, s);
            printf("%s: %s\n", path, fuzz_layout_name(j));
            for (size_t b = 0; b < s->n; b++)
                free(s->blocks[b].bytes);
            free(s);
            written++;
        }
        gmv_model_free(model);
        gmv_snapshot_free(snap);
    }
    return written ? 0 : 1;
}
