/* A live process as a memory source: reads with process_vm_readv (or
 * /proc/PID/mem when that is refused), freezes with ptrace seize + interrupt.
 * Nothing here ever writes to the target. ptrace ties a tracee to the thread
 * that attached it: freeze, thaw and free must run on the same thread. */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/sort.h"
#include "source/block_cache.h"
#include "source/prefetch.h"
#include "source/process_core.h"
#include "source/source_impl.h"

/* Largest single read request: well under the kernel's per-call cap (~2 GiB). */
#define MAX_READ_CHUNK ((size_t)1 << 30)
/* /proc/PID/auxv is a few hundred bytes; anything bigger is not an auxv. */
#define AUXV_MAX_BYTES 65536
/* A prefetch reads at most this many pieces per system call (IOV_MAX) and
 * holds at most this many bytes. */
#define PREFETCH_IOVECS 1024
#define PREFETCH_MAX_BYTES ((size_t)4 << 20)
/* Whole blocks of memory a prefetch may keep while frozen (the heap holding
 * a big map's strings: a 10^7-entry map[string]string has 320 MB of them). */
#define BLOCK_CACHE_MAX_BYTES ((size_t)1 << 30)
/* Task-list rescans before giving up on a process that keeps adding threads. */
#define MAX_TASK_SCANS 1000

/* One thread seen while freezing. */
typedef struct traced_thread {
    pid_t tid;
    bool attached;      /* seized by us and not yet detached */
    int pending_signal; /* caught in a signal-delivery-stop; re-sent at detach */
} traced_thread;

/* A read the walk announced: its piece, and where a cached block holds it
 * (NULL: elsewhere). */
typedef struct upcoming_read {
    gmv_piece piece;
    const uint8_t *cached;
} upcoming_read;

typedef struct process_ctx {
    pid_t pid;
    bool no_freeze;
    int mem_fd; /* /proc/PID/mem when process_vm_readv is refused, else -1 */
    size_t page_size;
    traced_thread *threads; /* every tid seen by the current freeze */
    size_t nthreads, threads_cap;
    sigset_t saved_mask; /* the signal mask before freeze() */
    sigset_t held_now;   /* held signals not blocked before freeze(): a pending one ends the reads */
    bool frozen;         /* between a successful freeze() and thaw() */
    bool has_entry;
    uint64_t entry;
    /* What the last prefetch fetched (string bytes, indirect keys): reads
     * inside it are copies, millions of them cost a few thousand system
     * calls. Kept only between one freeze and the next thaw. */
    gmv_prefetched fetched;
    /* Whole blocks read where a prefetch wanted many pieces in one: kept
     * from one prefetch to the next, cleared at every freeze and thaw. */
    gmv_block_cache blocks;
    /* The pieces the last prefetch was told of, in the order the walk
     * will read them, each with where the block cache holds it, and how
     * far the reads have come: a read in that order is a copy without a
     * look-up, and tells the CPU to fetch what is read a few reads later,
     * so the copies (in hash order, all over the blocks) wait for memory
     * together rather than one by one. */
    upcoming_read *upcoming;
    size_t nupcoming, upcoming_cap, next_upcoming;
} process_ctx;

/* A raw read at `addr`: returns the bytes read (> 0), 0 when the kernel
 * refuses the range (its first byte or, for some kernels, any byte is
 * unreadable), or a negative gmv_status. */
typedef int64_t (*raw_read_fn)(process_ctx *p, uint64_t addr, void *buf, size_t len);

/* ---- Messages ------------------------------------------------------------ */

/* Returns kernel.yama.ptrace_scope (0-3), or -1 when Yama is absent. */
static int yama_ptrace_scope(void)
{
    FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
    int scope = -1;
    if (!f)
        return -1;
    if (fscanf(f, "%d", &scope) != 1)
        scope = -1;
    fclose(f);
    return scope;
}

/* Returns the TracerPid of process `pid` (0: not traced or unknown). */
static long tracer_of(pid_t pid)
{
    char path[64], line[256];
    long tracer = 0;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "TracerPid: %ld", &tracer) == 1)
            break;
    fclose(f);
    return tracer;
}

/* Returns the real uid of process `pid` from /proc/PID/status, or -1. */
static long owner_of(pid_t pid)
{
    char path[64], line[256];
    long uid = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Uid: %ld", &uid) == 1)
            break;
    fclose(f);
    return uid;
}

/* Writes the name of user `uid` ("root", or "uid 1234" when it has none). */
static void user_name(long uid, char *out, size_t size)
{
    struct passwd entry, *pw = NULL;
    char buf[1024];
    if (getpwuid_r((uid_t)uid, &entry, buf, sizeof buf, &pw) == 0 && pw && pw->pw_name && pw->pw_name[0])
        snprintf(out, size, "%s", pw->pw_name);
    else
        snprintf(out, size, "uid %ld", uid);
}

/* Writes into `out` (of `size` bytes) what the user can do when ptrace access
 * to `pid` is refused. `attaching`: the refusal came from PTRACE_SEIZE, where
 * another tracer also makes it fail. Returns `out`. */
static const char *access_advice(pid_t pid, bool attaching, char *out, size_t size)
{
    long tracer = attaching ? tracer_of(pid) : 0;
    int scope = yama_ptrace_scope();
    long owner = owner_of(pid), me = (long)getuid();
    char owner_name[64], my_name[64];
    if (tracer > 0 && tracer != (long)getpid()) {
        snprintf(out, size, "process %d is already traced by pid %ld (a debugger or strace?); detach it first",
                 (int)pid, tracer);
    } else if (scope == 3) {
        snprintf(out, size, "kernel.yama.ptrace_scope=3 forbids ptrace for everyone until the next reboot");
    } else if (geteuid() == 0) {
        snprintf(out, size, "gomapviz runs as root but lacks CAP_SYS_PTRACE or a security module forbids it "
                            "(in a container, add the SYS_PTRACE capability)");
    } else if (scope == 2) {
        snprintf(out, size, "with kernel.yama.ptrace_scope=2 only root (CAP_SYS_PTRACE) may: run gomapviz as root "
                            "(sudo)");
    } else if (owner >= 0 && owner != me) {
        user_name(owner, owner_name, sizeof owner_name);
        user_name(me, my_name, sizeof my_name);
        if (owner == 0 || scope == 1) /* with scope 1 even the same user may not: only root */
            snprintf(out, size, "the process runs as %s and gomapviz as %s: run gomapviz as root (sudo)", owner_name,
                     my_name);
        else
            snprintf(out, size, "the process runs as %s and gomapviz as %s: run gomapviz as %s, or as root (sudo)",
                     owner_name, my_name, owner_name);
    } else if (scope == 1) {
        snprintf(out, size, "with kernel.yama.ptrace_scope=1 only the target's parent may: run gomapviz as root "
                            "(sudo), or allow it with sysctl kernel.yama.ptrace_scope=0");
    } else {
        snprintf(out, size, "the program may be setuid or have made itself undumpable: run gomapviz as root (sudo)");
    }
    return out;
}

/* Fails with GMV_ERR_PERMISSION: reading the memory of `pid` was refused. */
static int fail_read_permission(pid_t pid)
{
    char advice[400];
    return gmv_fail(GMV_ERR_PERMISSION, "cannot read memory of process %d: permission denied; %s", (int)pid,
                    access_advice(pid, false, advice, sizeof advice));
}

/* Fails with GMV_ERR_PERMISSION: stopping `pid` with ptrace was refused. */
static int fail_attach_permission(pid_t pid)
{
    char advice[400];
    return gmv_fail(GMV_ERR_PERMISSION, "cannot stop process %d with ptrace: permission denied; %s", (int)pid,
                    access_advice(pid, true, advice, sizeof advice));
}

/* Fails with GMV_ERR_GONE: `pid` exited while being read. */
static int fail_gone(pid_t pid)
{
    return gmv_fail(GMV_ERR_GONE, "process %d exited while being read", (int)pid);
}

/* ---- /proc helpers ------------------------------------------------------- */

/* The kernel's task flag for kernel threads (PF_KTHREAD in linux/sched.h),
 * the 9th field of /proc/PID/stat. */
#define TASK_FLAG_KERNEL_THREAD 0x00200000UL

/* Reads the state letter ('R', 'S', 't', 'Z', ...) and the task flags of
 * thread `tid` of `pid` from /proc/PID/task/TID/stat. Returns false if the
 * thread is gone or the line cannot be parsed. */
static bool read_thread_stat(pid_t pid, pid_t tid, char *state, unsigned long *flags)
{
    char path[96], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
    if (!paren || paren[1] != ' ' || paren[2] == '\0')
        return false;
    *state = paren[2];
    /* after the state: ppid pgrp session tty_nr tpgid flags */
    return sscanf(paren + 3, "%*d %*d %*d %*d %*d %lu", flags) == 1;
}

/* Returns the state letter of thread `tid` of `pid` ('R', 'S', 't', 'Z', ...)
 * from /proc/PID/task/TID/stat, or 0 if it is gone. */
static char thread_state(pid_t pid, pid_t tid)
{
    char state = 0;
    unsigned long flags = 0;
    return read_thread_stat(pid, tid, &state, &flags) ? state : 0;
}

/* Returns true if thread `tid` of `pid` is gone or dead (zombie). */
static bool thread_dead(pid_t pid, pid_t tid)
{
    char state = thread_state(pid, tid);
    return state == 0 || state == 'Z' || state == 'X';
}

/* Reads the whole of the small /proc file at `path` into a malloc'd buffer
 * (the caller frees *out) of at most `max` bytes. Returns 0 or -errno. */
static int read_proc_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    uint8_t *buf = malloc(max);
    size_t got = 0;
    int rc = buf ? 0 : -ENOMEM;
    while (rc == 0 && got < max) {
        ssize_t n = read(fd, buf + got, max - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = -errno;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = got;
    return 0;
}

/* ---- Reading ------------------------------------------------------------- */

/* Maps an errno from process_vm_readv or /proc/PID/mem at `addr` to a status. */
static int read_errno_status(process_ctx *p, int err, uint64_t addr)
{
    if (err == ESRCH)
        return fail_gone(p->pid);
    if (err == EPERM || err == EACCES)
        return fail_read_permission(p->pid);
    if (err == ENOMEM)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory reading process %d", (int)p->pid);
    return gmv_fail(GMV_ERR_IO, "cannot read process %d at 0x%" PRIx64 ": %s", (int)p->pid, addr, strerror(err));
}

/* raw_read_fn with one process_vm_readv call. EFAULT (an unmapped or
 * unreadable page, including PROT_NONE) reads as 0. */
static int64_t vm_read_raw(process_ctx *p, uint64_t addr, void *buf, size_t len)
{
    if (addr > UINTPTR_MAX)
        return 0;
    struct iovec local = {.iov_base = buf, .iov_len = len};
    struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
    for (;;) {
        ssize_t n = process_vm_readv(p->pid, &local, 1, &remote, 1, 0);
        if (n >= 0)
            return n;
        if (errno == EFAULT)
            return 0;
        if (errno != EINTR)
            return read_errno_status(p, errno, addr);
    }
}

/* raw_read_fn with one pread of /proc/PID/mem. EIO (unmapped) reads as 0; a
 * return of 0 means the address space is gone: the process exited (or
 * exec'd). Unlike process_vm_readv this also reads PROT_NONE pages. */
static int64_t mem_read_raw(process_ctx *p, uint64_t addr, void *buf, size_t len)
{
    if (addr > (uint64_t)INT64_MAX)
        return 0;
    for (;;) {
        ssize_t n = pread(p->mem_fd, buf, len, (off_t)addr);
        if (n > 0)
            return n;
        if (n == 0)
            return fail_gone(p->pid);
        if (errno == EIO || errno == EFAULT)
            return 0;
        if (errno != EINTR)
            return read_errno_status(p, errno, addr);
    }
}

/* Bytes from `addr` to the end of its page, at most `len`. */
static size_t to_page_end(const process_ctx *p, uint64_t addr, size_t len)
{
    size_t rest = p->page_size - (size_t)(addr % p->page_size);
    return rest < len ? rest : len;
}

/* Reads the readable prefix of [addr, addr + len) with `raw`: big calls, and
 * when the kernel refuses one, a retry up to the next page boundary, so the
 * count is exact to the byte even if the kernel fails a whole request for one
 * bad page. Returns the byte count or a negative status. */
static int64_t read_prefix(process_ctx *p, raw_read_fn raw, uint64_t addr, uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        uint64_t at = addr + done;
        size_t want = len - done < MAX_READ_CHUNK ? len - done : MAX_READ_CHUNK;
        int64_t n = raw(p, at, buf + done, want);
        size_t piece = to_page_end(p, at, want);
        if (n == 0 && piece < want)
            n = raw(p, at, buf + done, piece);
        if (n < 0)
            return n;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (int64_t)done;
}

static int check_held_signals(process_ctx *p); /* below, with freezing */

/* Reads straight from the process, after checking for a held signal. */
static int64_t read_direct(process_ctx *p, uint64_t addr, void *buf, size_t len)
{
    int rc = check_held_signals(p);
    if (rc != GMV_OK)
        return rc;
    return read_prefix(p, p->mem_fd >= 0 ? mem_read_raw : vm_read_raw, addr, buf, len);
}

/* How many reads ahead a read asks for the bytes it will need. */
#define READ_AHEAD 16

/* Copies the read at `addr` if it is the next one announced and a cached
 * block holds it, and touches the bytes READ_AHEAD reads further on.
 * Returns false if it copied nothing. */
static bool read_upcoming(process_ctx *p, uint64_t addr, void *buf, size_t len)
{
    if (p->next_upcoming >= p->nupcoming || p->upcoming[p->next_upcoming].piece.address != addr)
        return false;
    const upcoming_read *r = &p->upcoming[p->next_upcoming++];
    size_t ahead = p->next_upcoming + READ_AHEAD - 1;
    if (ahead < p->nupcoming && p->upcoming[ahead].cached)
        __builtin_prefetch(p->upcoming[ahead].cached);
    if (!r->cached || len > r->piece.len)
        return false;
    memcpy(buf, r->cached, len);
    return true;
}

/* Remembers the pieces in the order given (the walk's). */
static void expect_upcoming(process_ctx *p, const gmv_piece *pieces, size_t n)
{
    p->nupcoming = p->next_upcoming = 0;
    if (n > p->upcoming_cap) {
        upcoming_read *grown = realloc(p->upcoming, n * sizeof *grown);
        if (!grown)
            return; /* only a hint */
        p->upcoming = grown;
        p->upcoming_cap = n;
    }
    for (size_t i = 0; i < n; i++)
        p->upcoming[i] = (upcoming_read){.piece = pieces[i]};
    p->nupcoming = n;
}

/* Notes where the block cache holds each upcoming piece that lies inside
 * one block. */
static void locate_upcoming(process_ctx *p)
{
    for (size_t i = 0; i < p->nupcoming; i++) {
        const gmv_piece *piece = &p->upcoming[i].piece;
        uint64_t last = piece->address + piece->len - 1;
        if (piece->len > 0 && last >= piece->address &&
            piece->address >> GMV_BLOCK_SHIFT == last >> GMV_BLOCK_SHIFT)
            p->upcoming[i].cached = gmv_block_cache_where(&p->blocks, piece->address);
    }
}

static int64_t process_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    process_ctx *p = ctx;
    if (read_upcoming(p, addr, buf, len))
        return (int64_t)len;
    if (gmv_block_cache_copy(&p->blocks, addr, buf, len) || gmv_prefetched_copy(&p->fetched, addr, buf, len))
        return (int64_t)len;
    return read_direct(p, addr, buf, len);
}

/* Fetches `n` sorted pieces with one process_vm_readv; sets *read to the
 * bytes it got. Returns 0, or a negative status for a failure that is not
 * an unreadable piece. */
static int vm_read_pieces(process_ctx *p, const struct iovec *local, const struct iovec *remote, size_t n,
                          size_t *read)
{
    *read = 0;
    for (;;) {
        ssize_t got = process_vm_readv(p->pid, local, n, remote, n, 0);
        if (got >= 0) {
            *read = (size_t)got;
            return GMV_OK;
        }
        if (errno == EFAULT)
            return GMV_OK; /* the first piece is unreadable */
        if (errno != EINTR)
            return read_errno_status(p, errno, (uint64_t)(uintptr_t)remote[0].iov_base);
    }
}

/* Reads blocks[0..n) whole (GMV_BLOCK_SIZE each, up to PREFETCH_IOVECS per
 * system call) into the block cache; a block that cannot be read whole is
 * cached as unreadable (its pieces are then read one by one). Returns 0 or
 * a negative status. */
static int read_blocks(process_ctx *p, const uint64_t *blocks, size_t n)
{
    struct iovec local[PREFETCH_IOVECS], remote[PREFETCH_IOVECS];
    size_t next = 0;
    while (next < n) {
        size_t batch = 0;
        for (; batch < PREFETCH_IOVECS && next + batch < n; batch++) {
            uint8_t *bytes = gmv_block_cache_take(&p->blocks);
            if (!bytes)
                break;
            local[batch] = (struct iovec){.iov_base = bytes, .iov_len = GMV_BLOCK_SIZE};
            remote[batch] = (struct iovec){.iov_base = (void *)(uintptr_t)(blocks[next + batch] << GMV_BLOCK_SHIFT),
                                           .iov_len = GMV_BLOCK_SIZE};
        }
        size_t got = 0;
        int rc = batch ? vm_read_pieces(p, local, remote, batch, &got) : GMV_OK;
        /* Blocks read whole are kept; the first one short, if any, is kept
         * as unreadable; the rest go round again (their room given back). */
        size_t whole = got / GMV_BLOCK_SIZE, done = whole;
        for (size_t i = 0; i < whole; i++)
            gmv_block_cache_add(&p->blocks, blocks[next + i], local[i].iov_base);
        gmv_block_cache_untake(&p->blocks, batch - whole);
        if (whole < batch && rc == GMV_OK) {
            gmv_block_cache_add(&p->blocks, blocks[next + whole], NULL);
            done++;
        }
        if (rc != GMV_OK)
            return rc;
        if (batch == 0)
            return GMV_OK; /* out of memory: the pieces are read as they come */
        next += done;
    }
    return GMV_OK;
}

/* gmv_source_ops.prefetch: reads the blocks holding many of the pieces
 * whole (kept until thaw), and the other pieces (merged where they overlap
 * or nearly touch) up to PREFETCH_IOVECS per system call into p->fetched.
 * Only while frozen, and only with process_vm_readv. */
static int process_prefetch(void *ctx, gmv_piece *pieces, size_t n)
{
    process_ctx *p = ctx;
    gmv_prefetched_clear(&p->fetched);
    if (!p->frozen || p->mem_fd >= 0)
        return GMV_OK;
    int rc = check_held_signals(p);
    if (rc != GMV_OK)
        return rc;
    expect_upcoming(p, pieces, n);
    if (gmv_sort_by_u64_key(pieces, n, sizeof *pieces) != 0)
        return GMV_OK; /* no memory for it: read directly */
    uint64_t *blocks = malloc((n ? n : 1) * sizeof *blocks);
    if (blocks) {
        size_t left = n, picked = gmv_block_cache_pick(&p->blocks, pieces, n, blocks, &left);
        rc = read_blocks(p, blocks, picked);
        free(blocks);
        locate_upcoming(p);
        if (rc != GMV_OK) {
            gmv_block_cache_clear(&p->blocks);
            return rc;
        }
        n = left;
    }
    if (gmv_prefetched_plan(&p->fetched, pieces, n, PREFETCH_MAX_BYTES) != 0)
        return GMV_OK; /* no memory for it: read directly */
    struct iovec local[PREFETCH_IOVECS], remote[PREFETCH_IOVECS];
    size_t next = 0;
    while (next < p->fetched.n) {
        size_t batch = 0;
        for (; batch < PREFETCH_IOVECS && next + batch < p->fetched.n; batch++) {
            gmv_fetched_piece *f = &p->fetched.pieces[next + batch];
            local[batch] = (struct iovec){.iov_base = p->fetched.bytes + f->offset, .iov_len = (size_t)f->len};
            remote[batch] = (struct iovec){.iov_base = (void *)(uintptr_t)f->address, .iov_len = (size_t)f->len};
        }
        size_t got = 0;
        rc = vm_read_pieces(p, local, remote, batch, &got);
        if (rc != GMV_OK) {
            gmv_prefetched_clear(&p->fetched);
            return rc;
        }
        next = gmv_prefetched_mark(&p->fetched, next, batch, got);
    }
    return GMV_OK;
}

/* ---- Opening ------------------------------------------------------------- */

/* Opens /proc/PID/mem read-only into p->mem_fd. Returns 0 or a status:
 * GMV_ERR_PERMISSION (with the fix) or GMV_ERR_GONE. */
static int open_mem_file(process_ctx *p)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)p->pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EPERM))
        return fail_read_permission(p->pid);
    if (fd < 0 && errno == ENOENT)
        return fail_gone(p->pid);
    if (fd < 0)
        return gmv_fail(GMV_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    if (p->mem_fd >= 0)
        close(p->mem_fd);
    p->mem_fd = fd;
    return GMV_OK;
}

/* Fails for a process that exists but has no memory to read: a kernel
 * thread (GMV_ERR_INVALID), or a process that is exiting or a zombie
 * (GMV_ERR_GONE; an exiting process loses its memory before it is a zombie). */
static int no_memory_status(pid_t pid)
{
    char state = 0;
    unsigned long flags = 0;
    if (read_thread_stat(pid, pid, &state, &flags) && (flags & TASK_FLAG_KERNEL_THREAD))
        return gmv_fail(GMV_ERR_INVALID, "process %d is a kernel thread (no user memory): check the pid", (int)pid);
    return gmv_fail(GMV_ERR_GONE, "process %d has exited", (int)pid);
}

/* Checks that the memory of p->pid can be read, before any real read: a
 * 1-byte process_vm_readv at address 0 is checked for permission before the
 * address is. Falls back to /proc/PID/mem when process_vm_readv is refused or
 * missing. Returns 0 or a status. */
static int probe_access(process_ctx *p)
{
    uint8_t byte;
    struct iovec local = {.iov_base = &byte, .iov_len = 1};
    struct iovec remote = {.iov_base = NULL, .iov_len = 1};
    ssize_t n;
    do
        n = process_vm_readv(p->pid, &local, 1, &remote, 1, 0);
    while (n < 0 && errno == EINTR);
    if (n >= 0 || errno == EFAULT)
        return GMV_OK;
    if (errno == ESRCH)
        return no_memory_status(p->pid);
    if (errno == EPERM || errno == ENOSYS)
        return open_mem_file(p);
    return read_errno_status(p, errno, 0);
}

/* Returns a new context for `pid` (caller frees with process_destroy), or NULL. */
static process_ctx *process_ctx_new(pid_t pid, const gmv_process_options *opts)
{
    process_ctx *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    long page = sysconf(_SC_PAGESIZE);
    p->pid = pid;
    p->no_freeze = opts && opts->no_freeze;
    p->mem_fd = -1;
    p->page_size = page > 0 ? (size_t)page : 4096;
    p->blocks.max_blocks = BLOCK_CACHE_MAX_BYTES / GMV_BLOCK_SIZE;
    return p;
}

/* Frees a context (the source has thawed it already). Accepts NULL. */
static void process_destroy(void *ctx)
{
    process_ctx *p = ctx;
    if (!p)
        return;
    if (p->mem_fd >= 0)
        close(p->mem_fd);
    free(p->threads);
    gmv_prefetched_release(&p->fetched);
    gmv_block_cache_release(&p->blocks);
    free(p->upcoming);
    free(p);
}

/* ---- Freezing ------------------------------------------------------------ */

/* The signals held back while the target is frozen. */
static const int held_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NUM_HELD_SIGNALS (sizeof held_signals / sizeof held_signals[0])

/* Blocks the held signals in this thread, saving the old mask in p, and
 * notes in p->held_now the ones that were neither blocked nor ignored. */
static void hold_signals(process_ctx *p)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < NUM_HELD_SIGNALS; i++)
        sigaddset(&set, held_signals[i]);
    sigprocmask(SIG_BLOCK, &set, &p->saved_mask);
    sigemptyset(&p->held_now);
    for (size_t i = 0; i < NUM_HELD_SIGNALS; i++) {
        struct sigaction sa;
        bool ignored = sigaction(held_signals[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN; /* nohup */
        if (!sigismember(&p->saved_mask, held_signals[i]) && !ignored)
            sigaddset(&p->held_now, held_signals[i]);
    }
}

/* Fails with GMV_ERR_IO when one of the signals held back by the freeze is
 * pending (Ctrl-C, kill): the reads stop so that the target is resumed and
 * the signal delivered at once, not after a long walk. Returns 0 if none. */
static int check_held_signals(process_ctx *p)
{
    sigset_t pending;
    if (!p->frozen || sigpending(&pending) != 0)
        return GMV_OK;
    for (size_t i = 0; i < NUM_HELD_SIGNALS; i++)
        if (sigismember(&p->held_now, held_signals[i]) && sigismember(&pending, held_signals[i]))
            return gmv_fail(GMV_ERR_IO, "interrupted by signal %d (%s) while reading process %d", held_signals[i],
                            strsignal(held_signals[i]), (int)p->pid);
    return GMV_OK;
}

/* Unblocks the held signals that were not blocked before hold_signals(); a
 * pending Ctrl-C is delivered now, after the target runs again. */
static void release_signals(process_ctx *p)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < NUM_HELD_SIGNALS; i++)
        if (!sigismember(&p->saved_mask, held_signals[i]))
            sigaddset(&set, held_signals[i]);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Returns true if `tid` was already seen by the current freeze. */
static bool thread_seen(const process_ctx *p, pid_t tid)
{
    for (size_t i = 0; i < p->nthreads; i++)
        if (p->threads[i].tid == tid)
            return true;
    return false;
}

/* Appends `tid` (not attached) to the seen threads. Returns its index, or -1
 * when out of memory. */
static ptrdiff_t thread_add(process_ctx *p, pid_t tid)
{
    if (p->nthreads == p->threads_cap) {
        size_t bigger = p->threads_cap ? p->threads_cap * 2 : 16;
        traced_thread *grown = realloc(p->threads, bigger * sizeof *grown);
        if (!grown)
            return -1;
        p->threads = grown;
        p->threads_cap = bigger;
    }
    p->threads[p->nthreads] = (traced_thread){.tid = tid};
    return (ptrdiff_t)p->nthreads++;
}

/* Reaps thread `tid` if it died while traced by us, so it does not linger as
 * a zombie. The thread-group leader is left alone: its exit status belongs to
 * the target's parent (which may be our caller). */
static void reap_if_dead(const process_ctx *p, pid_t tid)
{
    int status;
    if (tid != p->pid)
        waitpid(tid, &status, WNOHANG | __WALL);
}

/* Lets a thread that has not stopped yet get on: a few yields, then sleeps
 * growing from 20 us to 1 ms. */
static void pause_before_poll(unsigned poll)
{
    if (poll < 32) {
        sched_yield();
        return;
    }
    long us = poll < 64 ? 20 : poll < 128 ? 200 : 1000;
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

/* Waits until the seized thread `t` is in a ptrace stop. A signal-delivery-
 * stop (a signal arrived first) counts: its signal is kept in
 * t->pending_signal for detach. If the thread exits instead, t->attached is
 * cleared. The wait polls: when the process is killed, the kernel reports the
 * exit of the thread-group leader only once its tracer (we) has reaped every
 * other thread, so a blocking wait for the leader would never return; a
 * leader seen dead is given up instead. Returns 0 or a negative status. */
static int wait_for_stop(process_ctx *p, traced_thread *t)
{
    for (unsigned poll = 0;; poll++) {
        int status = 0;
        pid_t r = waitpid(t->tid, &status, WNOHANG | __WALL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && poll >= 32 && t->tid == p->pid && thread_dead(p->pid, t->tid)) {
            t->attached = false; /* a zombie leader: the others are reaped as they are waited for */
            return GMV_OK;
        }
        if (r == 0) {
            pause_before_poll(poll);
            continue;
        }
        if (r < 0 && errno == ECHILD) {
            t->attached = false;
            return GMV_OK;
        }
        if (r < 0)
            return gmv_fail(GMV_ERR_IO, "cannot wait for thread %d of process %d: %s", (int)t->tid, (int)p->pid,
                            strerror(errno));
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            t->attached = false;
            return GMV_OK;
        }
        if (!WIFSTOPPED(status))
            continue;
        if ((status >> 16) != PTRACE_EVENT_STOP)
            t->pending_signal = WSTOPSIG(status);
        return GMV_OK;
    }
}

/* Handles a failed PTRACE_SEIZE of `tid` with `err`: a thread that vanished
 * or is a zombie is skipped (0); otherwise returns a status. */
static int seize_failed(process_ctx *p, pid_t tid, int err)
{
    if (err == ESRCH || (err == EPERM && thread_dead(p->pid, tid)))
        return GMV_OK;
    if (err == EPERM)
        return fail_attach_permission(p->pid);
    return gmv_fail(GMV_ERR_IO, "cannot stop thread %d of process %d: %s", (int)tid, (int)p->pid, strerror(err));
}

/* Seizes and interrupts thread `tid`, without waiting for it to stop.
 * Returns 0 (also when the thread vanished) or a negative status. */
static int attach_thread(process_ctx *p, pid_t tid)
{
    ptrdiff_t i = thread_add(p, tid);
    if (i < 0)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory freezing process %d", (int)p->pid);
    if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) != 0)
        return seize_failed(p, tid, errno);
    p->threads[i].attached = true;
    if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) == 0)
        return GMV_OK;
    if (errno == ESRCH) { /* died right after the seize */
        p->threads[i].attached = false;
        reap_if_dead(p, tid);
        return GMV_OK;
    }
    return gmv_fail(GMV_ERR_IO, "cannot interrupt thread %d of process %d: %s", (int)tid, (int)p->pid,
                    strerror(errno));
}

/* Waits for every thread attached since index `from` to reach its stop,
 * all of them even after a failure (only a stopped tracee can be detached).
 * Returns 0 or the first failure. */
static int wait_for_stops(process_ctx *p, size_t from)
{
    int rc = GMV_OK;
    for (size_t i = from; i < p->nthreads; i++) {
        if (!p->threads[i].attached)
            continue;
        int one = wait_for_stop(p, &p->threads[i]);
        if (rc == GMV_OK)
            rc = one;
    }
    return rc;
}

/* Parses a /proc task directory entry name; returns the tid or 0. */
static pid_t parse_tid(const char *name)
{
    char *end;
    long v = strtol(name, &end, 10);
    return (*name && !*end && v > 0 && v <= INT32_MAX) ? (pid_t)v : 0;
}

/* Seizes and interrupts every thread in /proc/PID/task not seen yet, then
 * waits for all of them to stop (so they stop in parallel); counts them in
 * *found. Returns 0 or a negative status (GMV_ERR_GONE if the process is). */
static int scan_tasks(process_ctx *p, size_t *found)
{
    char path[64];
    size_t from = p->nthreads;
    snprintf(path, sizeof path, "/proc/%d/task", (int)p->pid);
    *found = 0;
    DIR *dir = opendir(path);
    if (!dir && errno == ENOENT)
        return gmv_fail(GMV_ERR_GONE, "process %d exited while being read", (int)p->pid);
    if (!dir)
        return gmv_fail(GMV_ERR_IO, "cannot list the threads of process %d: %s", (int)p->pid, strerror(errno));
    int rc = GMV_OK;
    struct dirent *de;
    while (rc == GMV_OK && (de = readdir(dir)) != NULL) {
        pid_t tid = parse_tid(de->d_name);
        if (tid == 0 || thread_seen(p, tid))
            continue;
        (*found)++;
        rc = attach_thread(p, tid);
    }
    closedir(dir);
    int waited = wait_for_stops(p, from);
    return rc != GMV_OK ? rc : waited;
}

/* Returns the number of threads currently attached. */
static size_t attached_count(const process_ctx *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nthreads; i++)
        n += p->threads[i].attached;
    return n;
}

/* Attaches every thread, rescanning the task list until a scan finds no new
 * thread (a stopped thread cannot start another one, so this ends). Returns 0
 * or a negative status; on failure some threads may still be attached. */
static int attach_all(process_ctx *p)
{
    for (int scan = 0; scan < MAX_TASK_SCANS; scan++) {
        size_t found = 0;
        int rc = scan_tasks(p, &found);
        if (rc != GMV_OK)
            return rc;
        if (found == 0 && attached_count(p) == 0)
            return gmv_fail(GMV_ERR_GONE, "process %d exited while being read", (int)p->pid);
        if (found == 0)
            return GMV_OK;
    }
    return gmv_fail(GMV_ERR_IO, "process %d keeps starting threads; cannot stop them all", (int)p->pid);
}

/* Detaches every attached thread, re-sending the signal each one was stopped
 * with, and forgets the seen threads. Returns 0 or the first failure. */
static int detach_all(process_ctx *p)
{
    int rc = GMV_OK;
    for (size_t i = 0; i < p->nthreads; i++) {
        traced_thread *t = &p->threads[i];
        if (!t->attached)
            continue;
        t->attached = false;
        if (ptrace(PTRACE_DETACH, t->tid, NULL, (void *)(intptr_t)t->pending_signal) == 0)
            continue;
        if (errno == ESRCH) /* died while stopped (SIGKILL): nothing to resume */
            reap_if_dead(p, t->tid);
        else if (rc == GMV_OK)
            rc = gmv_fail(GMV_ERR_IO, "cannot resume thread %d of process %d: %s", (int)t->tid, (int)p->pid,
                          strerror(errno));
    }
    p->nthreads = 0;
    return rc;
}

/* Stops every thread of the process. Holds SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT back until thaw. On failure, resumes what was stopped. */
static int process_freeze(void *ctx)
{
    process_ctx *p = ctx;
    gmv_prefetched_clear(&p->fetched);
    gmv_block_cache_clear(&p->blocks);
    p->nupcoming = 0;
    if (p->no_freeze)
        return GMV_OK;
    hold_signals(p);
    p->nthreads = 0;
    int rc = attach_all(p);
    if (rc != GMV_OK) {
        detach_all(p);
        release_signals(p);
    }
    p->frozen = rc == GMV_OK;
    return rc;
}

/* Resumes every thread freeze() stopped, then lets the held signals in. */
static int process_thaw(void *ctx)
{
    process_ctx *p = ctx;
    gmv_prefetched_clear(&p->fetched);
    gmv_block_cache_clear(&p->blocks);
    p->nupcoming = 0;
    if (p->no_freeze)
        return GMV_OK;
    p->frozen = false;
    int rc = detach_all(p);
    release_signals(p);
    return rc;
}

/* ---- Entry point --------------------------------------------------------- */

/* Finds the word size (4 or 8) of the target from the ELF class of
 * /proc/PID/exe. Returns 0 or a negative status. */
static int target_word_size(process_ctx *p, size_t *word)
{
    char path[64];
    unsigned char ident[EI_NIDENT];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)p->pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EPERM))
        return fail_read_permission(p->pid);
    if (fd < 0)
        return gmv_fail(GMV_ERR_NOT_FOUND, "cannot open the executable of process %d (%s): %s", (int)p->pid,
                        path, strerror(errno));
    ssize_t n = pread(fd, ident, sizeof ident, 0);
    close(fd);
    if (n != (ssize_t)sizeof ident || memcmp(ident, ELFMAG, SELFMAG) != 0 ||
        (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64))
        return gmv_fail(GMV_ERR_FORMAT, "the executable of process %d is not an ELF file", (int)p->pid);
    *word = ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
    return GMV_OK;
}

/* Reads AT_ENTRY from /proc/PID/auxv into p->entry. Returns 0 or a status. */
static int load_entry_point(process_ctx *p)
{
    size_t word = 0, len = 0;
    uint8_t *auxv = NULL;
    char path[64];
    int rc = target_word_size(p, &word);
    if (rc != GMV_OK)
        return rc;
    snprintf(path, sizeof path, "/proc/%d/auxv", (int)p->pid);
    int err = read_proc_file(path, AUXV_MAX_BYTES, &auxv, &len);
    if (err == -EACCES || err == -EPERM)
        return fail_read_permission(p->pid);
    if (err == -ENOENT || err == -ESRCH)
        return fail_gone(p->pid);
    if (err != 0)
        return gmv_fail(GMV_ERR_IO, "cannot read %s: %s", path, strerror(-err));
    p->has_entry = gmv_auxv_lookup(auxv, len, word, false, AT_ENTRY, &p->entry);
    free(auxv);
    if (!p->has_entry && len == 0) /* no memory at all: exiting, or a kernel thread */
        return no_memory_status(p->pid);
    if (!p->has_entry)
        return gmv_fail(GMV_ERR_NOT_FOUND, "process %d has no AT_ENTRY in %s (a kernel thread?)", (int)p->pid,
                        path);
    return GMV_OK;
}

/* entry_point hook: AT_ENTRY of the target, read once. */
static int process_entry_point(void *ctx, uint64_t *out)
{
    process_ctx *p = ctx;
    if (!p->has_entry) {
        int rc = load_entry_point(p);
        if (rc != GMV_OK)
            return rc;
    }
    *out = p->entry;
    return GMV_OK;
}

/* ---- Public -------------------------------------------------------------- */

static const gmv_source_ops process_ops = {
    .read = process_read,
    .prefetch = process_prefetch,
    .freeze = process_freeze,
    .thaw = process_thaw,
    .destroy = process_destroy,
};

/* Returns true if /proc/PID exists (a live or zombie process, or a thread). */
static bool process_exists(int pid)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d", pid);
    return pid > 0 && stat(path, &st) == 0;
}

int gmv_source_open_process(gmv_source **out, int pid, const gmv_process_options *opts)
{
    *out = NULL;
    if (!process_exists(pid))
        return gmv_fail(GMV_ERR_NOT_FOUND, "no process with pid %d", pid);
    process_ctx *p = process_ctx_new((pid_t)pid, opts);
    if (!p)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory opening process %d", pid);
    int rc = probe_access(p);
    if (rc == GMV_OK)
        rc = gmv_source_new_custom(out, &process_ops, p);
    if (rc != GMV_OK) {
        process_destroy(p);
        return rc;
    }
    (*out)->entry_point = process_entry_point;
    return GMV_OK;
}

int gmv_process_source_use_mem_file(gmv_source *src)
{
    if (src->ops.read != process_read)
        return gmv_fail(GMV_ERR_INVALID, "not a live-process source");
    return open_mem_file(src->ctx);
}
