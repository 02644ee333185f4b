/* The .gmvs file: magic, version, sections, CRC-32 (docs/snapshot-format.md).
 * The CRC-32 is zlib's (IEEE 802.3, reflected), computed with ISA-L's
 * crc32_gzip_refl: several GB/s, for snapshots of hundreds of MB. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/crc.h>

#include "common/error.h"
#include "snapshot/snapshot_impl.h"

static const uint8_t MAGIC[8] = {'G', 'M', 'V', 'S', 'N', 'A', 'P', 0};
#define FORMAT_VERSION 2u  /* written; version 1 (fixed range headers, sorted by address) is read too */
#define FILE_HEADER_SIZE 16u   /* magic, version, section count */
#define SECTION_HEADER_SIZE 16u /* tag, reserved, length */
#define RANGE_HEADER_SIZE 16u  /* version 1: address, length */
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

/* Writes the MEMR section: the snapshot's memory records, chunk by chunk. */
static bool write_records(crc_out *o, const gmv_snapshot *snap)
{
    uint64_t len = 0;
    for (size_t i = 0; i < snap->nchunks; i++)
        len += snap->chunks[i].len;
    if (!write_section_header(o, "MEMR", len))
        return false;
    for (size_t i = 0; i < snap->nchunks; i++) {
        if (!write_crc(o, snap->chunks[i].bytes, snap->chunks[i].len))
            return false;
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
              write_crc(o, meta, meta_len) && write_records(o, snap);
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

/* --- writing as the capture goes --- */

#define STREAM_BUFFER ((size_t)1 << 20)
#define RECORDS_START (FILE_HEADER_SIZE + SECTION_HEADER_SIZE) /* the MEMR body comes first */

/* The file is written under a temporary name beside `path` and renamed to
 * it when complete: a failed capture leaves whatever was at `path` alone.
 * Records are gathered in `buffer` and written a MiB at a time. */
struct gmv_snapshot_stream {
    int fd;
    char *path, *temp;
    uint8_t *buffer; /* STREAM_BUFFER bytes */
    size_t used;
    uint64_t written; /* bytes in the file */
};

/* Frees `s` (its file already closed or never opened). */
static void stream_free(gmv_snapshot_stream *s)
{
    free(s->buffer);
    free(s->temp);
    free(s->path);
    free(s);
}

/* Fails the stream with the errno of the last call. */
static int stream_failed(gmv_snapshot_stream *s, const char *what)
{
    return gmv_fail(GMV_ERR_IO, "cannot %s %s: %s", what, s->path, strerror(errno ? errno : EIO));
}

/* Writes all `len` bytes at file offset `at`. Returns 0 or GMV_ERR_IO. */
static int write_at(gmv_snapshot_stream *s, const void *bytes, size_t len, uint64_t at)
{
    const uint8_t *p = bytes;
    while (len > 0) {
        ssize_t n = pwrite(s->fd, p, len, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return stream_failed(s, "write");
        p += n;
        len -= (size_t)n;
        at += (uint64_t)n;
    }
    return 0;
}

/* Writes out what the buffer holds. */
static int stream_flush(gmv_snapshot_stream *s)
{
    int rc = write_at(s, s->buffer, s->used, s->written);
    if (rc == 0)
        s->written += s->used;
    s->used = 0;
    return rc;
}

/* Creates the temporary file beside s->path, with the mode fopen would
 * give it. Returns 0 or GMV_ERR_IO. */
static int create_temp(gmv_snapshot_stream *s)
{
    s->fd = mkstemp(s->temp);
    if (s->fd < 0)
        return gmv_fail(GMV_ERR_IO, "cannot create %s: %s", s->path, strerror(errno));
    mode_t mask = umask(0); /* mkstemp made it 0600 */
    umask(mask);
    fchmod(s->fd, 0666 & ~mask);
    return 0;
}

int gmv_snapshot_stream_open(gmv_snapshot_stream **out, const char *path)
{
    *out = NULL;
    gmv_snapshot_stream *s = calloc(1, sizeof *s);
    size_t n = strlen(path) + sizeof ".partial-XXXXXX";
    if (!s || !(s->path = strdup(path)) || !(s->temp = malloc(n)) || !(s->buffer = malloc(STREAM_BUFFER))) {
        if (s)
            stream_free(s);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory writing %s", path);
    }
    snprintf(s->temp, n, "%s.partial-XXXXXX", path);
    int rc = create_temp(s);
    if (rc != 0) {
        stream_free(s);
        return rc;
    }
    /* header (two sections: the MEMR body first, META after it), then the
     * MEMR section header, its length filled in at the end */
    memcpy(s->buffer, MAGIC, 8);
    put_u32(s->buffer + 8, FORMAT_VERSION);
    put_u32(s->buffer + 12, 2);
    memset(s->buffer + FILE_HEADER_SIZE, 0, SECTION_HEADER_SIZE);
    memcpy(s->buffer + FILE_HEADER_SIZE, "MEMR", 4);
    s->used = RECORDS_START;
    *out = s;
    return 0;
}

int gmv_snapshot_stream_write(gmv_snapshot_stream *s, const void *bytes, size_t len)
{
    if (len > STREAM_BUFFER - s->used) {
        int rc = stream_flush(s);
        if (rc != 0)
            return rc;
        if (len > STREAM_BUFFER / 2) {
            rc = write_at(s, bytes, len, s->written);
            if (rc == 0)
                s->written += len;
            return rc;
        }
    }
    memcpy(s->buffer + s->used, bytes, len);
    s->used += len;
    return 0;
}

int gmv_snapshot_stream_restart(gmv_snapshot_stream *s)
{
    if (s->written + s->used <= RECORDS_START) {
        s->used = RECORDS_START - s->written; /* still all in the buffer */
        return 0;
    }
    int rc = stream_flush(s);
    if (rc == 0 && ftruncate(s->fd, RECORDS_START) != 0)
        rc = stream_failed(s, "rewrite");
    s->written = RECORDS_START;
    return rc;
}

/* The CRC-32 of the file's first `len` bytes, read back. */
static int checksum_back(gmv_snapshot_stream *s, uint64_t len, uint32_t *crc)
{
    *crc = 0;
    for (uint64_t done = 0; done < len;) {
        size_t want = len - done < STREAM_BUFFER ? (size_t)(len - done) : STREAM_BUFFER;
        ssize_t n = pread(s->fd, s->buffer, want, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return stream_failed(s, "read back");
        *crc = crc32_gzip_refl(*crc, s->buffer, (size_t)n);
        done += (uint64_t)n;
    }
    return 0;
}

int gmv_snapshot_stream_finish(gmv_snapshot_stream *s, const gmv_snapshot *meta_of)
{
    char *meta = gmv_snapshot_meta_encode(meta_of);
    if (!meta) {
        gmv_snapshot_stream_abandon(s);
        return gmv_fail(GMV_ERR_NOMEM, "cannot encode the snapshot metadata");
    }
    uint8_t h[SECTION_HEADER_SIZE] = {0}, memr_len[8], trailer[4];
    size_t meta_len = strlen(meta);
    uint64_t records_end = s->written + s->used;
    memcpy(h, "META", 4);
    put_u64(h + 8, meta_len);
    put_u64(memr_len, records_end - RECORDS_START);
    int rc = gmv_snapshot_stream_write(s, h, sizeof h);
    if (rc == 0)
        rc = gmv_snapshot_stream_write(s, meta, meta_len);
    free(meta);
    if (rc == 0)
        rc = stream_flush(s);
    if (rc == 0)
        rc = write_at(s, memr_len, 8, FILE_HEADER_SIZE + 8);
    uint32_t crc = 0;
    if (rc == 0)
        rc = checksum_back(s, s->written, &crc);
    if (rc == 0) {
        put_u32(trailer, crc);
        rc = write_at(s, trailer, 4, s->written);
    }
    if (rc == 0 && close(s->fd) != 0)
        rc = stream_failed(s, "write");
    s->fd = -1;
    if (rc == 0 && rename(s->temp, s->path) != 0)
        rc = stream_failed(s, "create");
    if (rc != 0) {
        gmv_snapshot_stream_abandon(s);
        return rc;
    }
    stream_free(s);
    return 0;
}

void gmv_snapshot_stream_abandon(gmv_snapshot_stream *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    unlink(s->temp);
    stream_free(s);
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

/* Version 1: counts the ranges of a MEMR body (fixed 16-byte headers, sorted
 * by address, none overlapping) and checks every length and the order. */
static int scan_sorted_ranges(const uint8_t *body, uint64_t len, size_t *count, uint64_t *bytes)
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
        if (*count > 0 && addr <= prev_end)
            return gmv_fail(GMV_ERR_FORMAT, "snapshot memory ranges overlap or are out of order at 0x%llx",
                            (unsigned long long)addr);
        prev_end = addr + n;
        pos += n;
        *bytes += n;
        (*count)++;
    }
    return 0;
}

/* Version 1: re-encodes the ranges as memory records, in one chunk of a
 * block of its own. */
static int load_sorted_ranges(gmv_snapshot *snap, const uint8_t *body, uint64_t len)
{
    size_t count;
    uint64_t bytes;
    int rc = scan_sorted_ranges(body, len, &count, &bytes);
    if (rc != 0)
        return rc;
    /* a record header takes at most 4 bytes more than a range header */
    size_t room = (size_t)len + count * (GMV_RECORD_HEADER_MAX - RANGE_HEADER_SIZE);
    uint8_t *out = malloc(room ? room : 1);
    if (!out)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory loading the snapshot");
    if (gmv_snapshot_adopt_block(snap, out) != 0)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory loading the snapshot");
    size_t used = 0;
    uint64_t prev_end = 0;
    for (uint64_t pos = 0; pos < len;) {
        uint64_t addr = get_u64(body + pos), n = get_u64(body + pos + 8);
        used += gmv_record_put_header(out + used, prev_end, addr, n);
        memcpy(out + used, body + pos + RANGE_HEADER_SIZE, (size_t)n);
        used += (size_t)n;
        prev_end = addr + n;
        pos += RANGE_HEADER_SIZE + n;
    }
    snap->nranges = count;
    snap->nbytes = bytes;
    return gmv_snapshot_add_chunk(snap, out, used);
}

/* Version 2: checks every memory record of the MEMR body and takes the
 * body as the snapshot's one chunk (it points into the file image, which
 * the snapshot holds). */
static int load_records(gmv_snapshot *snap, const uint8_t *body, uint64_t len)
{
    size_t pos = 0;
    uint64_t prev_end = 0, count = 0, bytes = 0;
    gmv_record r;
    const char *why = NULL;
    int more;
    while ((more = gmv_record_next(body, (size_t)len, &pos, &prev_end, &r, &why)) == 1) {
        count++;
        bytes += r.len;
    }
    if (more < 0)
        return gmv_fail(GMV_ERR_FORMAT, "snapshot memory record %llu is malformed: %s", (unsigned long long)count,
                        why);
    snap->nranges = count;
    snap->nbytes = bytes;
    return gmv_snapshot_add_chunk(snap, body, (size_t)len);
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

/* True when one record holds the whole map header (a capture always reads
 * it in one piece). */
static bool holds_header(const gmv_snapshot *snap)
{
    uint64_t addr = snap->hmap_address, size = gmv_layout_header_size(&snap->layout);
    gmv_record_cursor c;
    gmv_record r;
    gmv_record_cursor_start(&c, snap->chunks, snap->nchunks);
    while (gmv_record_cursor_next(&c, &r)) {
        if (addr >= r.address && addr - r.address < r.len && r.len - (addr - r.address) >= size)
            return true;
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
            rc = version == 1 ? load_sorted_ranges(snap, data + pos, body_len)
                              : load_records(snap, data + pos, body_len);
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
/* Reads the file `path` ("-": standard input, named `name` in messages)
 * into a malloc'd buffer. */
static int slurp(const char *path, const char *name, uint8_t **out, size_t *len)
{
    bool standard_input = strcmp(path, "-") == 0;
    FILE *f = standard_input ? stdin : fopen(path, "rb");
    if (!f)
        return gmv_fail(errno == ENOENT ? GMV_ERR_NOT_FOUND : GMV_ERR_IO, "cannot open %s: %s", name, strerror(errno));
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
    if (!standard_input)
        fclose(f);
    if (!buf)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory reading %s", name);
    if (failed) {
        free(buf);
        return gmv_fail(GMV_ERR_IO, "cannot read %s", name);
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
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    int rc = slurp(path, name, &data, &len);
    if (rc != 0)
        return rc;
    rc = parse_owned(out, data, len);
    if (rc != 0) {
        char reason[512];
        snprintf(reason, sizeof reason, "%s", gmv_error_last());
        return gmv_fail(rc, "%s: %s", name, reason);
    }
    return 0;
}
