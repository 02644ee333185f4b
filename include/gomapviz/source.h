/*
 * gomapviz/source.h: where map memory comes from.
 *
 * A gmv_source reads bytes at target addresses. Three kinds exist: a live
 * process, an ELF core file (with its executable), and a snapshot file
 * (gomapviz/snapshot.h). Tests build their own with gmv_source_new_custom().
 * All memory a source returns is untrusted.
 */
#ifndef GOMAPVIZ_SOURCE_H
#define GOMAPVIZ_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is the public API: exported from libgomapviz.so
 * (everything else is built hidden). */
#pragma GCC visibility push(default)

typedef struct gmv_source gmv_source;

/* A piece of target memory: `len` bytes at `address`. */
typedef struct gmv_piece {
    uint64_t address, len;
} gmv_piece;

/* The operations behind a source. `read` copies up to `len` bytes at `addr`
 * into `buf` and returns how many it copied: fewer than `len` when the range
 * runs into unmapped memory, 0 when `addr` itself is unmapped, or a negative
 * gmv_status on a hard failure (for example the process is gone).
 * `freeze`/`thaw` may be NULL (nothing to freeze). `destroy` frees `ctx`.
 * `view` (may be NULL) is `read` without the copy, for a source that holds
 * the bytes itself: it sets *bytes to up to `len` bytes at `addr`, valid as
 * long as the source (and what it borrows) lives, and returns how many, with
 * the same meaning as `read`'s result.
 * `prefetch` (may be NULL) is told which pieces are about to be read, so it
 * can fetch them in a few large requests; it may reorder `pieces`, and what
 * it cannot fetch is simply read later. Returns 0 or a negative status. */
typedef struct gmv_source_ops {
    int64_t (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
    int (*freeze)(void *ctx);
    int (*thaw)(void *ctx);
    void (*destroy)(void *ctx);
    int64_t (*view)(void *ctx, uint64_t addr, size_t len, const uint8_t **bytes);
    int (*prefetch)(void *ctx, gmv_piece *pieces, size_t n);
    /* Optional: the caller uses none of the bytes `view` lent so far any
     * more; the source may free them. */
    void (*release_views)(void *ctx);
    /* Optional: `read`, but only of the bytes the target itself provides (a
     * core file: its own segments, never the executable's that fill its
     * gaps). NULL: every byte `read` gives is the target's own. */
    int64_t (*read_own)(void *ctx, uint64_t addr, void *buf, size_t len);
} gmv_source_ops;

/* Creates a source from `ops` and `ctx`; the source owns `ctx` and calls
 * ops->destroy(ctx) when freed. Returns 0 or a negative gmv_status. */
int gmv_source_new_custom(gmv_source **out, const gmv_source_ops *ops, void *ctx);

/* Options for a live process. Zero-initialise for the defaults. */
typedef struct gmv_process_options {
    bool no_freeze; /* true: never stop the target (reads may be inconsistent) */
} gmv_process_options;

/* Opens process `pid` for reading (process_vm_readv, /proc/PID/mem as a
 * fallback). Nothing is stopped until gmv_source_freeze(). Fails with
 * GMV_ERR_NOT_FOUND (no such process) or GMV_ERR_PERMISSION (with the fix in
 * the message). `opts` may be NULL. */
int gmv_source_open_process(gmv_source **out, int pid, const gmv_process_options *opts);

/* Opens an ELF core file; bytes the core lacks (read-only file-backed
 * segments) come from the executable at `exe_path`, placed with the load bias
 * the core's auxiliary vector implies. */
int gmv_source_open_core(gmv_source **out, const char *core_path, const char *exe_path);

/* True if the source can lend its bytes (gmv_source_view) instead of copying. */
bool gmv_source_can_view(const gmv_source *src);

/* Like gmv_source_ops.view: *bytes points at up to `len` bytes at `addr`,
 * owned by the source. Only for a source where gmv_source_can_view(). */
int64_t gmv_source_view(gmv_source *src, uint64_t addr, size_t len, const uint8_t **bytes);

/* Tells the source that none of the bytes it lent so far (gmv_source_view)
 * is used any more (a source may then free them). */
void gmv_source_release_views(gmv_source *src);

/* True if the source gains from being told what comes next (a live process). */
bool gmv_source_can_prefetch(const gmv_source *src);

/* Like gmv_source_ops.prefetch (nothing for a source without it): the
 * `n` pieces will be read soon. Reorders `pieces`. Returns 0 or a negative
 * status (the process is gone, a signal came). */
int gmv_source_prefetch(gmv_source *src, gmv_piece *pieces, size_t n);

/* Reads like gmv_source_ops.read, and counts the bytes against nothing. */
int64_t gmv_source_read(gmv_source *src, uint64_t addr, void *buf, size_t len);

/* Like gmv_source_read, but only bytes the target itself provides (from a
 * core file, what the core holds, never what the executable fills in): what
 * to compare with the executable to tell whether the two belong together. */
int64_t gmv_source_read_own(gmv_source *src, uint64_t addr, void *buf, size_t len);

/* Reads exactly `len` bytes or fails: returns 0, or GMV_ERR_IO when fewer
 * bytes were readable (message names the address), or a negative status. */
int gmv_source_read_exact(gmv_source *src, uint64_t addr, void *buf, size_t len);

/* Stops every thread of a live target (ptrace seize + interrupt) until
 * gmv_source_thaw(). SIGINT/SIGTERM/SIGHUP are held back while frozen, and a
 * target is resumed by the kernel if gomapviz dies. No-op for other sources
 * and with opts.no_freeze. Returns 0 or a negative gmv_status. */
int gmv_source_freeze(gmv_source *src);

/* Resumes what gmv_source_freeze() stopped. Safe to call when not frozen. */
int gmv_source_thaw(gmv_source *src);

/* Returns true while the source is frozen. */
bool gmv_source_is_frozen(const gmv_source *src);

/* The value of AT_ENTRY in the target's auxiliary vector (live process or
 * core); with the executable's e_entry it gives the PIE load bias. Returns
 * GMV_ERR_NOT_FOUND for sources without one. */
int gmv_source_entry_point(gmv_source *src, uint64_t *out);

/* Frees the source (thawing it first if frozen). Accepts NULL. */
void gmv_source_free(gmv_source *src);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
