/* Internal: a streaming JSON writer. jansson builds whole trees in memory and
 * its integers stop at INT64_MAX; model output is streamed entry by entry
 * (millions of them) and carries full uint64 keys, so it is written here. */
#ifndef GMV_JSON_WRITER_H
#define GMV_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

#define JW_BUFFER_SIZE 65536

typedef struct jw {
    FILE *out;
    size_t used;                    /* bytes waiting in buf */
    bool failed;                    /* a write to `out` failed */
    char buf[JW_BUFFER_SIZE];
    int depth;
    int pretty_depth;               /* containers opened below this depth put members on own lines */
    bool has_member[JW_MAX_DEPTH];  /* per open container: a member was written */
    bool after_key;
} jw;

/* Starts writing to `out`; containers opened at depth < `pretty_depth` are
 * laid out one member per line, deeper ones on a single line. */
void jw_init(jw *w, FILE *out, int pretty_depth);

void jw_object_begin(jw *w);
void jw_object_end(jw *w);
void jw_array_begin(jw *w);
void jw_array_end(jw *w);
/* A member name: one of gomapviz's own (plain ASCII, nothing to escape). */
void jw_key(jw *w, const char *key);

/* Values. Strings must be valid UTF-8 (see jw_is_utf8); they are escaped. */
void jw_string(jw *w, const char *s, size_t len);
void jw_cstring(jw *w, const char *s);
void jw_int(jw *w, int64_t v);
void jw_uint(jw *w, uint64_t v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
void jw_address(jw *w, uint64_t addr);           /* "0x..." */
void jw_hex(jw *w, const uint8_t *p, size_t len); /* "00ff..." */
/* A double, shortest text that reads back the same ("NaN", "+Inf", "-Inf" as
 * strings); `single` rounds through float for 4-byte floats. */
void jw_double(jw *w, double v, bool single);

/* True if `len` bytes at `s` are well-formed UTF-8 (no overlongs, surrogates). */
bool jw_is_utf8(const uint8_t *s, size_t len);

/* Finishes the document with a newline and hands everything to `out`;
 * returns 0 or -1 if any write failed. */
int jw_finish(jw *w);

#endif
