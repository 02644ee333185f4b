/* Internal: a streaming JSON writer. jansson builds whole trees in memory and
 * its integers stop at INT64_MAX; model output is streamed entry by entry
 * (millions of them) and carries full uint64 keys, so it is written here. */
#ifndef GMV_JSON_WRITER_H
#define GMV_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define JW_MAX_DEPTH 32

#define JW_BUFFER_SIZE 65536

typedef struct jw_async jw_async;

typedef struct jw {
    FILE *out;
    jw_async *async;                /* the thread writing to `out`; NULL: written here */
    size_t used;                    /* bytes waiting in buf */
    bool failed;                    /* a write to `out` failed */
    char buf[JW_BUFFER_SIZE];
    int depth;
    int pretty_depth;               /* containers opened below this depth put members on own lines */
    bool has_member[JW_MAX_DEPTH];  /* per open container: a member was written */
    bool after_key;
} jw;

/* Starts writing to `out`; containers opened at depth < `pretty_depth` are
 * laid out one member per line, deeper ones on a single line. A thread of the
 * writer's own does the writes to `out` (so formatting and the kernel's work
 * overlap) until jw_finish; `out` must not be touched until then. */
void jw_init(jw *w, FILE *out, int pretty_depth);

void jw_object_begin(jw *w);
void jw_object_end(jw *w);
void jw_array_begin(jw *w);
void jw_array_end(jw *w);
/* A member name: one of gomapviz's own (plain ASCII, nothing to escape).
 * jw_key takes a C string; for a literal the compiler works out its length. */
#define jw_key(w, key) jw_key_n((w), (key), strlen(key))

/* Values. Strings must be valid UTF-8 (see jw_is_utf8); they are escaped. */
void jw_string(jw *w, const char *s, size_t len);
void jw_cstring(jw *w, const char *s);
void jw_null(jw *w);
void jw_address(jw *w, uint64_t addr);           /* "0x..." */
void jw_hex(jw *w, const uint8_t *p, size_t len); /* "00ff..." */
/* A double, shortest text that reads back the same ("NaN", "+Inf", "-Inf" as
 * strings); `single` rounds through float for 4-byte floats. */
void jw_double(jw *w, double v, bool single);

/* True if `len` bytes at `s` are well-formed UTF-8 (no overlongs, surrogates). */
bool jw_is_utf8(const uint8_t *s, size_t len);

/* A value given already as JSON text (a quoted name, a number): copied. */
static inline void jw_literal(jw *w, const char *json, size_t len);

/* For the millions of small objects of a model (entries, bucket records),
 * written without the separator logic: only inside a container laid out on
 * one line (deeper than pretty_depth), started after jw_before_value().
 * JW_RAW copies literal JSON text; JW_MEMBER copies text ending in a member
 * name and colon (`, "slot": `), after which the next jw_ value follows. */
#define JW_RAW(w, lit) jw_put_raw((w), (lit), sizeof(lit) - 1)
#define JW_MEMBER(w, lit) (jw_put_raw((w), (lit), sizeof(lit) - 1), (w)->after_key = true)

/* Internal to the writer (the small, hot functions below are inline). */
void jw_flush_buffer(jw *w);
void jw_put_bytes(jw *w, const char *s, size_t len);
void jw_put_escaped(jw *w, const char *s, size_t len);

/* Room for `n` (<= JW_BUFFER_SIZE) more bytes: where they go. Output is
 * gathered in the writer's own buffer: stdio's per-call cost would be most of
 * the time for millions of small pieces. */
static inline char *jw_reserve(jw *w, size_t n)
{
    if (JW_BUFFER_SIZE - w->used < n)
        jw_flush_buffer(w);
    return w->buf + w->used;
}

static inline void jw_put_char(jw *w, char c)
{
    *jw_reserve(w, 1) = c;
    w->used++;
}

/* The number of decimal digits of `v`. */
static inline size_t jw_decimal_digits(uint64_t v)
{
    size_t n = 1;
    while (v >= 10000) {
        v /= 10000;
        n += 4;
    }
    return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* Writes `v` in decimal, two digits at a time, straight into the buffer. */
static inline void jw_put_u64(jw *w, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    size_t n = jw_decimal_digits(v);
    char *end = jw_reserve(w, n) + n;
    while (v >= 100) {
        unsigned pair = (unsigned)(v % 100) * 2;
        v /= 100;
        *--end = pairs[pair + 1];
        *--end = pairs[pair];
    }
    if (v >= 10) {
        *--end = pairs[v * 2 + 1];
        *--end = pairs[v * 2];
    } else {
        *--end = (char)('0' + v);
    }
    w->used += n;
}

/* Writes a newline and indentation for the current depth. */
static inline void jw_newline(jw *w)
{
    size_t n = 1 + 2 * (size_t)w->depth;
    char *p = jw_reserve(w, n);
    p[0] = '\n';
    memset(p + 1, ' ', n - 1);
    w->used += n;
}

/* Emits the separator before a value or key in the current container. */
static inline void jw_before_value(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    bool more = w->has_member[w->depth];
    if (more)
        jw_put_char(w, ',');
    if (w->depth <= w->pretty_depth)
        jw_newline(w);
    else if (more)
        jw_put_char(w, ' ');
    w->has_member[w->depth] = true;
}

static inline void jw_key_n(jw *w, const char *key, size_t len)
{
    jw_before_value(w);
    if (len > JW_BUFFER_SIZE - 4) { /* never for gomapviz's own names */
        jw_put_escaped(w, key, len);
        jw_put_bytes(w, ": ", 2);
    } else {
        char *p = jw_reserve(w, len + 4);
        p[0] = '"';
        memcpy(p + 1, key, len);
        memcpy(p + 1 + len, "\": ", 3);
        w->used += len + 4;
    }
    w->after_key = true;
}

static inline void jw_int(jw *w, int64_t v)
{
    jw_before_value(w);
    if (v < 0) {
        jw_put_char(w, '-');
        jw_put_u64(w, (uint64_t)0 - (uint64_t)v);
    } else {
        jw_put_u64(w, (uint64_t)v);
    }
}

static inline void jw_uint(jw *w, uint64_t v)
{
    jw_before_value(w);
    jw_put_u64(w, v);
}

static inline void jw_bool(jw *w, bool v)
{
    jw_before_value(w);
    jw_put_bytes(w, v ? "true" : "false", v ? 4 : 5);
}


static inline void jw_put_raw(jw *w, const char *text, size_t len)
{
    memcpy(jw_reserve(w, len), text, len);
    w->used += len;
}

static inline void jw_literal(jw *w, const char *json, size_t len)
{
    jw_before_value(w);
    jw_put_bytes(w, json, len);
}

/* Finishes the document with a newline and hands everything to `out`;
 * returns 0 or -1 if any write failed. */
int jw_finish(jw *w);

#endif
