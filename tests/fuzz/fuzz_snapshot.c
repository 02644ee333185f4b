/* Fuzz harness (a): a snapshot file, as `gomapviz dump|render x.gmvs` reads it.
 *
 * Parses the input as a .gmvs file; when it parses, builds its model with the
 * command's default limits, renders JSON (must parse), the summary and DOT
 * (must parse), and writes the snapshot back out and reads it again: the copy
 * must give the same JSON. Every failure must be GMV_ERR_FORMAT with a
 * one-line message. See docs/fuzzing.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz_support.h"
#include "gomapviz/render.h"
#include "snapshot/memory_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int format_only[] = {GMV_ERR_FORMAT, 0};

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t crc_of(const uint8_t *data, size_t size)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)(size - 4));
}

static bool fuzz_crc_fix_needed(const uint8_t *data, size_t size)
{
    return crc_of(data, size) != get_u32(data + size - 4);
}

/* Rewrites the trailing CRC-32 of a file of `size` (>= 4) bytes. */
static void fuzz_crc_fix(uint8_t *data, size_t size)
{
    uint32_t crc = crc_of(data, size);
    for (int i = 0; i < 4; i++)
        data[size - 4 + i] = (uint8_t)(crc >> (8 * i));
}

/* The model of `snap` as JSON (malloc'd, *len bytes), or NULL if it has none. */
static char *model_json(const gmv_snapshot *snap, size_t *len, gmv_model **model_out)
{
    gmv_model *model = NULL;
    int rc = gmv_snapshot_build_model(&model, snap, NULL);
    if (rc != 0) {
        fuzz_check_failure(rc, "gmv_snapshot_build_model", format_only);
        return NULL;
    }
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f || gmv_render_json(f, model, gmv_snapshot_origin(snap)) != 0 || fclose(f) != 0)
        abort();
    *model_out = model;
    return text;
}

/* Writes `snap` to a file, reads it back and checks it gives `json`. */
static void check_round_trip(const gmv_snapshot *snap, const char *json, size_t json_len)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/gmv-fuzz-%ld.gmvs", (long)getpid());
    if (gmv_snapshot_write_file(snap, path) != 0) {
        fprintf(stderr, "FUZZ FINDING: cannot write the snapshot back: %s\n", gmv_error_last());
        abort();
    }
    gmv_snapshot *copy = NULL;
    int rc = gmv_snapshot_read_file(&copy, path);
    unlink(path);
    if (rc != 0) {
        fprintf(stderr, "FUZZ FINDING: a snapshot written back does not read: %s\n", gmv_error_last());
        abort();
    }
    size_t len = 0;
    gmv_model *model = NULL;
    char *again = model_json(copy, &len, &model);
    if (!again || len != json_len || memcmp(again, json, len) != 0) {
        fprintf(stderr, "FUZZ FINDING: the snapshot written back gives a different model\n");
        abort();
    }
    free(again);
    gmv_model_free(model);
    gmv_snapshot_free(copy);
}

/* Parses, checking that a failure is a one-line GMV_ERR_FORMAT. */
static gmv_snapshot *parse(const uint8_t *data, size_t size)
{
    gmv_snapshot *snap = NULL;
    int rc = gmv_snapshot_parse(&snap, data, size);
    if (rc != 0) {
        fuzz_check_failure(rc, "gmv_snapshot_parse", format_only);
        if (snap)
            abort();
        return NULL;
    }
    return snap;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmv_snapshot *snap = parse(data, size);
    if (!snap && size >= 20 && fuzz_crc_fix_needed(data, size)) {
        /* A damaged checksum hides everything behind it: parse a copy with
         * the checksum recomputed too, so the structural checks are reached. */
        uint8_t *copy = malloc(size);
        if (!copy)
            abort();
        memcpy(copy, data, size);
        fuzz_crc_fix(copy, size);
        snap = parse(copy, size);
        free(copy);
    }
    if (!snap)
        return 0;
    size_t len = 0;
    gmv_model *model = NULL;
    char *json = model_json(snap, &len, &model);
    if (json) {
        /* The last byte (part of the checksum) picks the diagram options. */
        fuzz_render_model(model, gmv_snapshot_origin(snap), data[size - 1]);
        check_round_trip(snap, json, len);
        free(json);
        gmv_model_free(model);
    }
    gmv_snapshot_free(snap);
    return 0;
}

#ifdef GMV_LIBFUZZER
/* A structure-aware mutator: most mutations change one part of the file (the
 * META text, one memory range's bytes or its header) and then fix the
 * lengths that contain it and the checksum, so they reach the checks behind
 * the envelope; some are plain byte mutations, with or without the checksum
 * fixed. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}


typedef struct piece {
    size_t off, len;     /* the bytes to mutate */
    size_t fields[2];    /* offsets of u64 lengths that contain them */
    int nfields;
    size_t header_len;   /* a memory range: the bytes of its header, just before it */
    bool fixed_length;   /* a format 2 record: its length is a varint, so no resizing */
} piece;

/* Format 2: the `pick`th record (modulo their number) of the MEMR body at
 * `start`, `body` bytes, as a piece. Returns false if it has none. */
static bool find_record(const uint8_t *data, size_t start, uint64_t body, size_t section_len_at, unsigned pick,
                        piece *out)
{
    size_t pos = 0, count = 0;
    uint64_t prev_end = 0;
    gmv_record r;
    while (gmv_record_next(data + start, (size_t)body, &pos, &prev_end, &r, NULL) == 1)
        count++;
    if (count == 0)
        return false;
    pick %= (unsigned)count;
    pos = 0;
    prev_end = 0;
    for (unsigned i = 0; i <= pick; i++) {
        size_t before = pos;
        gmv_record_next(data + start, (size_t)body, &pos, &prev_end, &r, NULL);
        size_t off = (size_t)(r.bytes - data);
        *out = (piece){off, (size_t)r.len, {section_len_at, 0}, 1, off - (start + before), true};
    }
    return true;
}

/* Finds the META text (what 0) or one memory range's bytes (what 1; `pick`
 * chooses which) in a well-formed-enough file. Returns false if not found. */
static bool find_piece(const uint8_t *data, size_t size, int what, unsigned pick, piece *out)
{
    if (size < 20)
        return false;
    size_t pos = 16, end = size - 4;
    uint32_t sections = get_u32(data + 12);
    for (uint32_t s = 0; s < sections && s < 16 && end - pos >= 16; s++) {
        uint64_t body = get_u64(data + pos + 8);
        if (body > end - pos - 16)
            return false;
        size_t start = pos + 16;
        if (what == 0 && memcmp(data + pos, "META", 4) == 0) {
            *out = (piece){start, (size_t)body, {pos + 8, 0}, 1, 0, false};
            return true;
        }
        if (what == 1 && memcmp(data + pos, "MEMR", 4) == 0 && get_u32(data + 8) != 1)
            return find_record(data, start, body, pos + 8, pick, out);
        if (what == 1 && memcmp(data + pos, "MEMR", 4) == 0) {
            size_t count = 0;
            for (size_t p = start; body - (p - start) >= 16;) { /* count the ranges */
                uint64_t n = get_u64(data + p + 8);
                if (n > body - (p - start) - 16)
                    break;
                p += 16 + (size_t)n;
                count++;
            }
            if (count == 0)
                return false;
            pick %= (unsigned)count;
            size_t p = start;
            for (unsigned i = 0; i < pick; i++)
                p += 16 + (size_t)get_u64(data + p + 8);
            *out = (piece){p + 16, (size_t)get_u64(data + p + 8), {pos + 8, p + 8}, 2, 16, false};
            return true;
        }
        pos = start + (size_t)body;
    }
    return false;
}

/* Mutates piece `pc` of the file; `resize` lets its length change (the
 * containing lengths follow). Returns the new file size, or 0. */
static size_t mutate_piece(uint8_t *data, size_t size, size_t max_size, const piece *pc, bool resize)
{
    size_t room = resize ? max_size - (size - pc->len) : pc->len;
    if (room == 0 || room > max_size)
        return 0;
    uint8_t *buf = malloc(room);
    if (!buf)
        return 0;
    memcpy(buf, data + pc->off, pc->len < room ? pc->len : room);
    size_t n = LLVMFuzzerMutate(buf, pc->len < room ? pc->len : room, room);
    if (!resize && n < pc->len) { /* keep the length: mutate in place */
        memcpy(data + pc->off, buf, n);
        free(buf);
        return size;
    }
    if (!resize)
        n = pc->len;
    size_t tail = size - (pc->off + pc->len);
    memmove(data + pc->off + n, data + pc->off + pc->len, tail);
    memcpy(data + pc->off, buf, n);
    free(buf);
    for (int i = 0; i < pc->nfields; i++)
        put_u64(data + pc->fields[i], get_u64(data + pc->fields[i]) + (uint64_t)n - (uint64_t)pc->len);
    return pc->off + n + tail;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    unsigned choice = seed % 16, pick = seed / 16;
    piece pc;
    size_t n = 0;
    if (choice < 2) {
        /* plain bytes; the checksum fixed half the time */
        n = LLVMFuzzerMutate(data, size, max_size);
        if (choice == 1 && n >= 20)
            fuzz_crc_fix(data, n);
        return n;
    }
    if (choice < 6 && find_piece(data, size, 0, pick, &pc)) {
        n = mutate_piece(data, size, max_size, &pc, true); /* the META text */
    } else if (choice >= 6 && find_piece(data, size, 1, pick, &pc)) {
        if (choice < 12 || (choice < 14 && pc.fixed_length)) { /* a range's bytes, in place */
            n = mutate_piece(data, size, max_size, &pc, false);
        } else if (choice < 14) { /* a range's bytes, resized */
            n = mutate_piece(data, size, max_size, &pc, true);
        } else { /* a range's address and length */
            piece header = {pc.off - pc.header_len, pc.header_len, {0}, 0, 0, false};
            n = mutate_piece(data, size, max_size, &header, false);
        }
    }
    if (n == 0)
        n = LLVMFuzzerMutate(data, size, max_size);
    if (n >= 20)
        fuzz_crc_fix(data, n);
    return n;
}
#endif
