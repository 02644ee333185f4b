/* The .gmvs file: magic, version, sections, CRC-32 (docs/snapshot-format.md).
 * The CRC-32 is zlib's (IEEE 802.3, reflected), computed with ISA-L's
 * crc32_gzip_refl: several GB/s, for snapshots of hundreds of MB. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <isa-l/crc.h>

#include "common/error.h"
#include "snapshot/snapshot_impl.h"

static const uint8_t MAGIC[8] = {'G', 'M', 'V', 'S', 'N', 'A', 'P', 0};
#define FORMAT_VERSION 2u  /* written; version 1 (ranges sorted by address) is read too */
#define FILE_HEADER_SIZE 16u   /* magic, version, section count */
#define SECTION_HEADER_SIZE 16u /* tag, reserved, length */
#define RANGE_HEADER_SIZE 16u  /* address, length */
#define MAX_SECTIONS 16u
#define MAX_META_SIZE (1u << 20)

/* --- writing --- */

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The file being written: its running CRC, and a buffer so the millions of
 * small ranges of a big map cost few CRC and stdio calls. */
typedef struct crc_out {
    FILE *f;
    uint32_t crc;
    bool failed;
    size_t used;
    uint8_t buf[1 << 16];
} crc_out;

/* Folds `len` bytes into the CRC and writes them. */
static void crc_fwrite(crc_out *o, const uint8_t *p, size_t len)
{
    o->crc = crc32_gzip_refl(o->crc, p, len);
    if (fwrite(p, 1, len, o->f) != len)
        o->failed = true;
}

static void crc_flush(crc_out *o)
{
    crc_fwrite(o, o->buf, o->used);
    o->used = 0;
}

/* Writes `len` bytes; returns false once any write has failed. */
static bool write_crc(crc_out *o, const void *buf, size_t len)
{
    if (len > sizeof o->buf - o->used) {
        crc_flush(o);
        if (len > sizeof o->buf / 2) {
            crc_fwrite(o, buf, len);
            return !o->failed;
        }
    }
    memcpy(o->buf + o->used, buf, len);
    o->used += len;
    return !o->failed;
}

static bool write_section_header(crc_out *o, const char tag[4], uint64_t len)
{
    uint8_t h[SECTION_HEADER_SIZE] = {0};
    memcpy(h, tag, 4);
    put_u64(h + 8, len);
    return write_crc(o, h, sizeof h);
}

/* The number of ranges from `first` on that join into one file range (each
 * touching the one before it: a big read in pieces, or an overlapping read
 * trimmed), and their total length. */
static size_t joined_ranges(const gmv_snapshot *snap, size_t first, uint64_t *len)
{
    size_t n = 1;
    *len = snap->ranges[first].len;
    while (first + n < snap->nranges &&
           snap->ranges[first + n].address == snap->ranges[first + n - 1].address + snap->ranges[first + n - 1].len) {
        *len += snap->ranges[first + n].len;
        n++;
    }
    return n;
}

/* Writes the MEMR section: each range as address, length, bytes, in the
 * snapshot's order; ranges that follow and touch each other are written as one. */
static bool write_ranges(crc_out *o, const gmv_snapshot *snap)
{
    uint64_t len = snap->nbytes, joined = 0;
    for (size_t i = 0; i < snap->nranges; i += joined_ranges(snap, i, &joined))
        len += RANGE_HEADER_SIZE;
    if (!write_section_header(o, "MEMR", len))
        return false;
    for (size_t i = 0; i < snap->nranges;) {
        size_t n = joined_ranges(snap, i, &joined);
        uint8_t h[RANGE_HEADER_SIZE];
        put_u64(h, snap->ranges[i].address);
        put_u64(h + 8, joined);
        if (!write_crc(o, h, sizeof h))
            return false;
        for (size_t end = i + n; i < end; i++) {
            if (!write_crc(o, snap->ranges[i].bytes, (size_t)snap->ranges[i].len))
                return false;
        }
    }
    return true;
}

/* Writes the whole file to `f`. */
static bool write_snapshot(FILE *f, const gmv_snapshot *snap, const char *meta)
{
    crc_out *o = malloc(sizeof *o);
    if (!o)
        return false;
    o->f = f;
    o->crc = 0;
    o->failed = false;
    o->used = 0;
    uint8_t header[FILE_HEADER_SIZE];
    memcpy(header, MAGIC, 8);
    put_u32(header + 8, FORMAT_VERSION);
    put_u32(header + 12, 2);
    size_t meta_len = strlen(meta);
    bool ok = write_crc(o, header, sizeof header) && write_section_header(o, "META", meta_len) &&
              write_crc(o, meta, meta_len) && write_ranges(o, snap);
    crc_flush(o);
    ok = ok && !o->failed;
    uint8_t trailer[4];
    put_u32(trailer, (uint32_t)o->crc);
    free(o);
    return ok && fwrite(trailer, 1, 4, f) == 4;
}

int gmv_snapshot_write_file(const gmv_snapshot *snap, const char *path)
{
    char *meta = gmv_snapshot_meta_encode(snap);
    if (!meta)
        return gmv_fail(GMV_ERR_NOMEM, "cannot encode the snapshot metadata");
    bool to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "wb");
    if (!f) {
        free(meta);
        return gmv_fail(GMV_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    }
    bool ok = write_snapshot(f, snap, meta);
    ok = (to_stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
    free(meta);
    if (!ok)
        return gmv_fail(GMV_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* --- reading: nothing is trusted --- */

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* Counts the ranges in a MEMR body and checks every length, and with
 * `sorted` (version 1) their order. */
static int scan_ranges(const uint8_t *body, uint64_t len, bool sorted, size_t *count, uint64_t *bytes)
{
    uint64_t pos = 0, prev_end = 0;
    *count = 0;
    *bytes = 0;
    while (pos < len) {
        if (len - pos < RANGE_HEADER_SIZE)
            return gmv_fail(GMV_ERR_FORMAT, "snapshot memory section ends inside a range header");
        uint64_t addr = get_u64(body + pos), n = get_u64(body + pos + 8);
        pos += RANGE_HEADER_SIZE;
        if (n == 0 || n > len - pos)
            return gmv_fail(GMV_ERR_FORMAT, "snapshot memory range at 0x%llx claims %llu bytes, more than the file holds",
                            (unsigned long long)addr, (unsigned long long)n);
        if (addr + n < addr)
            return gmv_fail(GMV_ERR_FORMAT, "snapshot memory range at 0x%llx wraps around the address space",
                            (unsigned long long)addr);
        if (sorted && *count > 0 && addr <= prev_end)
            return gmv_fail(GMV_ERR_FORMAT, "snapshot memory ranges overlap or are out of order at 0x%llx",
                            (unsigned long long)addr);
        prev_end = addr + n;
        pos += n;
        *bytes += n;
        (*count)++;
    }
    return 0;
}

/* Loads the MEMR body into `snap`: the ranges point into `body`, which the
 * snapshot holds (load_sections' caller gives it the buffer). Version 1
 * ranges are sorted by address; version 2 ranges come in the order the
 * capture read them, and may overlap only in a damaged file (a look-up then
 * finds one of them: wrong bytes, never a wrong access). */
static int load_ranges(gmv_snapshot *snap, const uint8_t *body, uint64_t len, uint32_t version)
{
    size_t count;
    uint64_t bytes;
    snap->by_address = version == 1;
    int rc = scan_ranges(body, len, snap->by_address, &count, &bytes);
    if (rc != 0)
        return rc;
    snap->ranges = malloc((count ? count : 1) * sizeof *snap->ranges);
    if (!snap->ranges)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory loading the snapshot");
    uint64_t pos = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t n = get_u64(body + pos + 8);
        snap->ranges[i] = (gmv_range){.address = get_u64(body + pos), .len = n, .bytes = body + pos + RANGE_HEADER_SIZE};
        pos += RANGE_HEADER_SIZE + n;
    }
    snap->nranges = count;
    snap->nbytes = bytes;
    return 0;
}

/* Checks magic, version and checksum; returns the number of sections and
 * the version. */
static int check_envelope(const uint8_t *data, size_t len, uint32_t *sections, uint32_t *version)
{
    if (len < FILE_HEADER_SIZE + 4 || memcmp(data, MAGIC, 8) != 0)
        return gmv_fail(GMV_ERR_FORMAT, "not a gomapviz snapshot (no GMVSNAP header)");
    *version = get_u32(data + 8);
    if (*version != 1 && *version != FORMAT_VERSION)
        return gmv_fail(GMV_ERR_FORMAT, "snapshot format version %u is not supported (this gomapviz reads versions 1 "
                        "and %u)", *version, FORMAT_VERSION);
    if (crc32_gzip_refl(0, data, len - 4) != get_u32(data + len - 4))
        return gmv_fail(GMV_ERR_FORMAT, "snapshot checksum mismatch: the file is truncated or damaged");
    *sections = get_u32(data + 12);
    if (*sections > MAX_SECTIONS)
        return gmv_fail(GMV_ERR_FORMAT, "snapshot claims %u sections", *sections);
    return 0;
}

/* True when one range holds the whole map header (a capture always records
 * it in one read, so it never spans two of the non-touching ranges). */
static bool holds_header(const gmv_snapshot *snap)
{
    uint64_t addr = snap->hmap_address, size = gmv_layout_header_size(&snap->layout);
    for (size_t i = 0; i < snap->nranges; i++) {
        const gmv_range *r = &snap->ranges[i];
        if (addr >= r->address && addr - r->address < r->len)
            return r->len - (addr - r->address) >= size;
    }
    return false;
}

/* Walks the sections and loads META and MEMR (each exactly once). */
static int load_sections(gmv_snapshot *snap, const uint8_t *data, size_t len, uint32_t sections, uint32_t version)
{
    uint64_t pos = FILE_HEADER_SIZE, end = len - 4;
    bool have_meta = false, have_memory = false;
    for (uint32_t s = 0; s < sections; s++) {
        if (end - pos < SECTION_HEADER_SIZE)
            return gmv_fail(GMV_ERR_FORMAT, "snapshot ends inside section header %u", s);
        const uint8_t *h = data + pos;
        uint64_t body_len = get_u64(h + 8);
        pos += SECTION_HEADER_SIZE;
        if (body_len > end - pos)
            return gmv_fail(GMV_ERR_FORMAT, "snapshot section %u claims %llu bytes, more than the file holds", s,
                            (unsigned long long)body_len);
        int rc = 0;
        if (memcmp(h, "META", 4) == 0 && !have_meta) {
            have_meta = true;
            rc = body_len > MAX_META_SIZE ? gmv_fail(GMV_ERR_FORMAT, "snapshot metadata is too large")
                                          : gmv_snapshot_meta_decode(snap, (const char *)data + pos, (size_t)body_len);
        } else if (memcmp(h, "MEMR", 4) == 0 && !have_memory) {
            have_memory = true;
            rc = load_ranges(snap, data + pos, body_len, version);
        } else {
            rc = gmv_fail(GMV_ERR_FORMAT, "snapshot has an unknown or repeated section \"%.4s\"", (const char *)h);
        }
        if (rc != 0)
            return rc;
        pos += body_len;
    }
    if (!have_meta || !have_memory || pos != end)
        return gmv_fail(GMV_ERR_FORMAT, "snapshot is incomplete (needs one META and one MEMR section, nothing after)");
    if (snap->hmap_address != 0 && !holds_header(snap))
        return gmv_fail(GMV_ERR_FORMAT, "snapshot does not hold the map header at 0x%llx",
                        (unsigned long long)snap->hmap_address);
    return 0;
}

/* Parses the file image `data` (malloc'd, `len` bytes), which the snapshot
 * takes over: its ranges point into it. Frees `data` on failure. */
static int parse_owned(gmv_snapshot **out, uint8_t *data, size_t len)
{
    *out = NULL;
    uint32_t sections = 0, version = 0;
    int rc = check_envelope(data, len, &sections, &version);
    if (rc != 0) {
        free(data);
        return rc;
    }
    gmv_snapshot *snap = gmv_snapshot_new();
    if (!snap) {
        free(data);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory loading the snapshot");
    }
    rc = gmv_snapshot_adopt_block(snap, data);
    if (rc == 0)
        rc = load_sections(snap, data, len, sections, version);
    if (rc != 0) {
        gmv_snapshot_free(snap);
        return rc;
    }
    *out = snap;
    return 0;
}

int gmv_snapshot_parse(gmv_snapshot **out, const uint8_t *data, size_t len)
{
    *out = NULL;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory loading the snapshot");
    memcpy(copy, data, len);
    return parse_owned(out, copy, len);
}

/* Reads the whole file at `path` into a malloc'd buffer: as large as the
 * file says it is, growing only if it turns out longer. */
static int slurp(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gmv_fail(errno == ENOENT ? GMV_ERR_NOT_FOUND : GMV_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    size_t cap = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < SIZE_MAX - 1
                     ? (size_t)st.st_size + 1 /* one more byte tells the end was reached */
                     : (size_t)1 << 16;
    size_t used = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        used += fread(buf + used, 1, cap - used, f);
        if (used < cap)
            break;
        uint8_t *grown = cap * 2 > cap ? realloc(buf, cap * 2) : NULL;
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory reading %s", path);
    if (failed) {
        free(buf);
        return gmv_fail(GMV_ERR_IO, "cannot read %s", path);
    }
    *out = buf;
    *len = used;
    return 0;
}

int gmv_snapshot_read_file(gmv_snapshot **out, const char *path)
{
    *out = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = slurp(path, &data, &len);
    if (rc != 0)
        return rc;
    rc = parse_owned(out, data, len);
    if (rc != 0) {
        char reason[512];
        snprintf(reason, sizeof reason, "%s", gmv_error_last());
        return gmv_fail(rc, "%s: %s", path, reason);
    }
    return 0;
}
