/* Shared by the fuzz harnesses (docs/fuzzing.md): the oracles every input goes
 * through, and the layouts the model harness chooses among. Test code only. */
#ifndef GMV_FUZZ_SUPPORT_H
#define GMV_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "gomapviz/layout.h"
#include "gomapviz/model.h"
#include "gomapviz/snapshot.h"

/* Aborts (a finding) unless the last library call failed with `rc` equal to one
 * of the allowed codes (a 0-terminated list) and left a one-line message. */
void fuzz_check_failure(int rc, const char *what, const int *allowed);

/* Renders `model` as JSON (which must parse as JSON), as the text summary, and
 * as DOT (which must parse as a Graphviz graph); `variant` (any byte of the
 * input) picks the diagram options, so the summary view and focus ranges are
 * reached too. Aborts on any failure: rendering a model never fails. */
void fuzz_render_model(const gmv_model *model, const gmv_origin *origin, uint8_t variant);

/* The layouts the model harness chooses among (fuzz_model.c); index = input
 * byte 0 modulo the count. The order is part of the corpus format: append only. */
#define FUZZ_LAYOUT_COUNT 10
/* Fills `out` with layout `index`; aborts if the table is wrong. */
void fuzz_layout(unsigned index, gmv_layout *out);
/* A short description of layout `index` ("amd64 go1.19 map[string]int"). */
const char *fuzz_layout_name(unsigned index);

/* Swiss-table layouts, for the Swiss harness (fuzz_swiss.c): the same rules,
 * index = input byte 0 modulo the count; append only. */
#define FUZZ_SWISS_LAYOUT_COUNT 6
void fuzz_swiss_layout(unsigned index, gmv_layout *out);
const char *fuzz_swiss_layout_name(unsigned index);

/* The model and Swiss harnesses' input (fuzz_model.c, fuzz_swiss.c):
 *   byte 0      layout index (modulo FUZZ_LAYOUT_COUNT)
 *   byte 1      diagram variant (see fuzz_render_model)
 *   bytes 2-9   hmap address, little-endian
 *   then ranges until the input ends: address (8 bytes LE), length (2 bytes
 *   LE), that many bytes of memory (cut short at the end of the input).
 * At most FUZZ_MAX_RANGES ranges are used; a later range never hides an earlier one. */
#define FUZZ_MODEL_HEADER 10
#define FUZZ_RANGE_HEADER 10
#define FUZZ_MAX_RANGES 256

/* The address space of such an input: its ranges, and what reads asked and got. */
typedef struct fuzz_range {
    uint64_t address;
    const uint8_t *bytes;
    size_t len;
} fuzz_range;

typedef struct fuzz_space {
    fuzz_range ranges[FUZZ_MAX_RANGES];
    size_t nranges;
    uint64_t calls, bytes_returned, largest_request;
} fuzz_space;

/* Parses the ranges of `size` bytes at `p` into `space` and returns a source
 * reading them (the first range holding an address wins; a read stops at
 * its end), counting calls and bytes into `space`. Free with
 * gmv_source_free; `space` and `p` must outlive it. */
gmv_source *fuzz_space_source(fuzz_space *space, const uint8_t *p, size_t size);

/* Little-endian load of `n` bytes. */
uint64_t fuzz_load_le(const uint8_t *p, int n);

/* Reports a finding (`what`: got, the bound) and aborts. */
void fuzz_finding(const char *what, uint64_t got, uint64_t bound) __attribute__((noreturn));

/* The limits the model harnesses build with: small, so one input stays cheap. */
#define FUZZ_MAX_BYTES (UINT64_C(1) << 20)
#define FUZZ_MAX_BUCKETS UINT64_C(4096)
#define FUZZ_MAX_STRING UINT64_C(4096)

#endif
