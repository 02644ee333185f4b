/* seqread: the physical limit for gomapviz's live read.
 *
 * Usage: seqread PID SNAPSHOT.gmvs [REPEATS]
 * Build: cc -O2 -std=c11 -Isrc -o seqread bench/seqread/seqread.c src/snapshot/memory_records.c
 *
 * Takes the memory ranges a gomapviz snapshot recorded (its MEMR section: the
 * map header, the bucket or group arrays, every overflow bucket or table,
 * the string bytes, ...) and reads exactly those bytes again from the live
 * process PID with process_vm_readv, sorted by address (the kernel's best
 * order; a version 2 snapshot keeps them in the order gomapviz read them),
 * 1024 ranges per call, into one buffer that is already paged in. No ptrace
 * stop, no decoding, no model: just the copy. It prints one line of
 * key=value pairs:
 *
 *   ranges bytes        how many ranges and bytes the snapshot holds
 *   best_s first_s      fastest and first of REPEATS timed reads of all of them
 *   largest_bytes largest_s   the largest single range (the bucket array) alone
 *   gbps                bytes / best_s
 *
 * Written for scripts/bench.sh (issue 6); the snapshot format is
 * docs/snapshot-format.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "snapshot/memory_records.h"

#define BATCH 1024

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "seqread: %s: %s\n", what, errno ? strerror(errno) : "bad input");
    exit(1);
}

/* The ranges to read, as remote iovecs. */
typedef struct ranges {
    struct iovec *remote;
    size_t n, cap;
    uint64_t total, largest;
} ranges;

static void add_range(ranges *rs, uint64_t addr, uint64_t len)
{
    if (!rs->remote)
        die("out of memory");
    if (rs->n == rs->cap) {
        rs->cap *= 2;
        rs->remote = realloc(rs->remote, rs->cap * sizeof *rs->remote);
        if (!rs->remote)
            die("out of memory");
    }
    rs->remote[rs->n].iov_base = (void *)(uintptr_t)addr;
    rs->remote[rs->n].iov_len = (size_t)len;
    if (len > rs->largest)
        rs->largest = len;
    rs->total += len;
    rs->n++;
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct iovec *)a)->iov_base, y = (uintptr_t)((const struct iovec *)b)->iov_base;
    return (x > y) - (x < y);
}

/* Reads remote[0..n) into buf (their total is total bytes). Returns 0 or -1. */
static int read_all(pid_t pid, const struct iovec *remote, size_t n, unsigned char *buf)
{
    size_t i = 0, off_in_range = 0;
    unsigned char *dst = buf;
    while (i < n) {
        struct iovec r[BATCH];
        size_t cnt = 0, want = 0;
        for (size_t j = i; j < n && cnt < BATCH; j++, cnt++) {
            size_t skip = j == i ? off_in_range : 0;
            r[cnt].iov_base = (char *)remote[j].iov_base + skip;
            r[cnt].iov_len = remote[j].iov_len - skip;
            want += r[cnt].iov_len;
        }
        struct iovec l = {dst, want};
        ssize_t got = process_vm_readv(pid, &l, 1, r, cnt, 0);
        if (got <= 0)
            return -1;
        dst += got;
        /* advance over what was read (a short read ends inside a range) */
        size_t left = (size_t)got;
        while (left > 0) {
            size_t rest = remote[i].iov_len - off_in_range;
            if (left >= rest) {
                left -= rest;
                i++;
                off_in_range = 0;
            } else {
                off_in_range += left;
                left = 0;
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: seqread PID SNAPSHOT.gmvs [REPEATS]\n");
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[1]);
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    if (reps < 1)
        reps = 1;

    int fd = open(argv[2], O_RDONLY);
    if (fd < 0)
        die(argv[2]);
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 20)
        die("snapshot too short");
    size_t fsize = (size_t)st.st_size;
    const unsigned char *f = mmap(NULL, fsize, PROT_READ, MAP_PRIVATE, fd, 0);
    if (f == MAP_FAILED)
        die("mmap");
    errno = 0;
    if (memcmp(f, "GMVSNAP\0", 8) != 0 || (le32(f + 8) != 1 && le32(f + 8) != 2))
        die("not a version 1 or 2 gomapviz snapshot");

    /* find the MEMR section */
    uint32_t nsec = le32(f + 12);
    size_t off = 16;
    const unsigned char *memr = NULL;
    uint64_t memr_len = 0;
    for (uint32_t s = 0; s < nsec; s++) {
        if (off + 16 > fsize - 4)
            die("truncated section header");
        uint64_t len = le64(f + off + 8);
        if (len > fsize - 4 - off - 16)
            die("section past the end");
        if (memcmp(f + off, "MEMR", 4) == 0) {
            memr = f + off + 16;
            memr_len = len;
        }
        off += 16 + len;
    }
    if (!memr)
        die("no MEMR section");

    /* the ranges, as remote iovecs: fixed 16-byte headers in version 1,
     * memory records (src/snapshot/memory_records.h) in version 2 */
    ranges rs = {.cap = 1024};
    rs.remote = malloc(rs.cap * sizeof *rs.remote);
    if (le32(f + 8) == 1) {
        for (uint64_t p = 0; p < memr_len;) {
            if (memr_len - p < 16)
                die("truncated range");
            uint64_t addr = le64(memr + p), len = le64(memr + p + 8);
            if (len == 0 || len > memr_len - p - 16)
                die("bad range length");
            add_range(&rs, addr, len);
            p += 16 + len;
        }
    } else {
        size_t pos = 0;
        uint64_t prev_end = 0;
        gmv_record rec;
        int more;
        while ((more = gmv_record_next(memr, (size_t)memr_len, &pos, &prev_end, &rec, NULL)) == 1)
            add_range(&rs, rec.address, rec.len);
        if (more < 0)
            die("bad memory record");
    }
    struct iovec *remote = rs.remote;
    size_t n = rs.n;
    uint64_t total = rs.total, largest = rs.largest;
    size_t largest_i = 0;

    qsort(remote, n, sizeof *remote, by_address);
    for (size_t i = 0; i < n; i++) {
        if (remote[i].iov_len == largest) {
            largest_i = i;
            break;
        }
    }

    unsigned char *buf = malloc(total ? total : 1);
    if (!buf)
        die("out of memory");
    memset(buf, 0, total); /* page the buffer in: time the copy, not our page faults */

    double best = 1e30, first = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (read_all(pid, remote, n, buf) != 0)
            die("process_vm_readv");
        double t = now() - t0;
        if (r == 0)
            first = t;
        if (t < best)
            best = t;
    }
    double lbest = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (read_all(pid, &remote[largest_i], 1, buf) != 0)
            die("process_vm_readv");
        double t = now() - t0;
        if (t < lbest)
            lbest = t;
    }
    printf("ranges=%zu bytes=%llu best_s=%.6f first_s=%.6f largest_bytes=%llu largest_s=%.6f "
           "gbps=%.2f\n",
           n, (unsigned long long)total, best, first, (unsigned long long)largest, lbest,
           best > 0 ? (double)total / best / 1e9 : 0.0);
    return 0;
}
