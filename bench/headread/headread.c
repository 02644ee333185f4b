/* headread: the floor for gomapviz list, a plain read of the same headers.
 *
 * Usage: headread PID MAPS.txt [REPEATS]
 * Build: cc -O2 -std=c11 -o headread bench/headread/headread.c
 *
 * MAPS.txt has one line per map, "classic ADDRESS" or "swiss ADDRESS" (from
 * gomapviz list --format json). headread reads, with process_vm_readv and
 * 1024 ranges a call, what list reads to account a map's memory: the hmap
 * and its mapextra (Go 1.19 amd64 offsets), or the Swiss Map, its
 * directory and each table header once (Go 1.26 amd64 offsets). No ptrace
 * stop, no DWARF, no decoding: just the copies, stage by stage. It prints
 * one line of key=value pairs: maps, ranges, bytes, best_s and first_s
 * (fastest and first of REPEATS timed reads). Written for scripts/bench.sh
 * (issue 13).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#define BATCH 1024
#define HEADER 48        /* hmap and Map, amd64 */
#define CLASSIC_EXTRA 40 /* hmap.extra */
#define EXTRA_SIZE 24    /* mapextra */
#define SWISS_DIR_PTR 16 /* Map.dirPtr */
#define SWISS_DIR_LEN 24 /* Map.dirLen */
#define TABLE_SIZE 32    /* maps.table */
#define MAX_DIR (1u << 20)

typedef struct range {
    uint64_t addr, len;
    unsigned char *buf;
} range;

typedef struct ranges {
    range *r;
    size_t n, cap;
    uint64_t bytes;
} ranges;

static void add(ranges *rs, uint64_t addr, uint64_t len)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 1024;
        rs->r = realloc(rs->r, rs->cap * sizeof *rs->r);
        if (!rs->r) {
            perror("headread");
            exit(1);
        }
    }
    unsigned char *buf = malloc(len);
    if (!buf) {
        perror("headread");
        exit(1);
    }
    rs->r[rs->n++] = (range){addr, len, buf};
    rs->bytes += len;
}

/* Reads every range of `rs` from `pid`, BATCH a call; returns 0 or -1. */
static int read_all(int pid, ranges *rs)
{
    struct iovec local[BATCH], remote[BATCH];
    for (size_t i = 0; i < rs->n; i += BATCH) {
        size_t n = rs->n - i < BATCH ? rs->n - i : BATCH;
        for (size_t k = 0; k < n; k++) {
            local[k] = (struct iovec){rs->r[i + k].buf, rs->r[i + k].len};
            remote[k] = (struct iovec){(void *)(uintptr_t)rs->r[i + k].addr, rs->r[i + k].len};
        }
        if (process_vm_readv(pid, local, n, remote, n, 0) < 0)
            return -1;
    }
    return 0;
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void release(ranges *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->r[i].buf);
    free(rs->r);
    *rs = (ranges){0};
}

static int by_address(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* One read of everything: headers, then mapextra or directories, then
 * each distinct table. Returns 0 or -1; counts into *nranges, *bytes. */
static int read_once(int pid, const uint64_t *addrs, const char *swiss, size_t nmaps, size_t *nranges,
                     uint64_t *bytes)
{
    ranges heads = {0}, second = {0}, tables = {0};
    for (size_t i = 0; i < nmaps; i++)
        add(&heads, addrs[i], HEADER);
    int rc = read_all(pid, &heads);
    for (size_t i = 0; rc == 0 && i < nmaps; i++) {
        const unsigned char *h = heads.r[i].buf;
        if (!swiss[i] && le64(h + CLASSIC_EXTRA))
            add(&second, le64(h + CLASSIC_EXTRA), EXTRA_SIZE);
        else if (swiss[i] && le64(h + SWISS_DIR_LEN) > 0 && le64(h + SWISS_DIR_LEN) <= MAX_DIR)
            add(&second, le64(h + SWISS_DIR_PTR), le64(h + SWISS_DIR_LEN) * 8);
    }
    if (rc == 0)
        rc = read_all(pid, &second);
    for (size_t i = 0; rc == 0 && i < second.n; i++) {
        if (second.r[i].len == EXTRA_SIZE)
            continue; /* a mapextra */
        uint64_t n = second.r[i].len / 8, *t = malloc(n * sizeof *t);
        if (!t)
            return -1;
        for (uint64_t k = 0; k < n; k++)
            t[k] = le64(second.r[i].buf + 8 * k);
        qsort(t, n, sizeof *t, by_address);
        for (uint64_t k = 0; k < n; k++)
            if (t[k] && (k == 0 || t[k] != t[k - 1]))
                add(&tables, t[k], TABLE_SIZE);
        free(t);
    }
    if (rc == 0)
        rc = read_all(pid, &tables);
    *nranges = heads.n + second.n + tables.n;
    *bytes = heads.bytes + second.bytes + tables.bytes;
    release(&heads);
    release(&second);
    release(&tables);
    return rc;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: headread PID MAPS.txt [REPEATS]\n");
        return 2;
    }
    int pid = atoi(argv[1]), repeats = argc > 3 ? atoi(argv[3]) : 5;
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    size_t n = 0, cap = 0;
    uint64_t *addrs = NULL;
    char *swiss = NULL, impl[16];
    unsigned long long a;
    while (fscanf(f, "%15s %llx", impl, &a) == 2) {
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            addrs = realloc(addrs, cap * sizeof *addrs);
            swiss = realloc(swiss, cap);
            if (!addrs || !swiss)
                return 1;
        }
        addrs[n] = a;
        swiss[n++] = strcmp(impl, "swiss") == 0;
    }
    fclose(f);
    double best = 1e9, first = 0;
    size_t nranges = 0;
    uint64_t bytes = 0;
    for (int r = 0; r < (repeats > 0 ? repeats : 1); r++) {
        double t0 = now();
        if (read_once(pid, addrs, swiss, n, &nranges, &bytes) != 0) {
            perror("headread: process_vm_readv");
            return 1;
        }
        double t = now() - t0;
        if (r == 0)
            first = t;
        if (t < best)
            best = t;
    }
    printf("maps=%zu ranges=%zu bytes=%llu best_s=%.6f first_s=%.6f\n", n, nranges, (unsigned long long)bytes,
           best, first);
    free(addrs);
    free(swiss);
    return 0;
}
