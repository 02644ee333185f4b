#include "render/json_writer.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Hands the buffered bytes to the FILE. */
static void flush(jw *w)
{
    if (w->used && fwrite(w->buf, 1, w->used, w->out) != w->used)
        w->failed = true;
    w->used = 0;
}

/* Output is gathered in the writer's own buffer: stdio's per-call cost is
 * most of the time for millions of small pieces. */
static void put_bytes(jw *w, const char *s, size_t len)
{
    if (len > JW_BUFFER_SIZE - w->used) {
        flush(w);
        if (len > JW_BUFFER_SIZE) {
            if (fwrite(s, 1, len, w->out) != len)
                w->failed = true;
            return;
        }
    }
    memcpy(w->buf + w->used, s, len);
    w->used += len;
}

static void put_char(jw *w, char c)
{
    if (w->used == JW_BUFFER_SIZE)
        flush(w);
    w->buf[w->used++] = c;
}

static void put_text(jw *w, const char *s)
{
    put_bytes(w, s, strlen(s));
}

/* Writes `v` in decimal. */
static void put_u64(jw *w, uint64_t v)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_bytes(w, buf + i, sizeof buf - i);
}

void jw_init(jw *w, FILE *out, int pretty_depth)
{
    w->used = 0;
    w->failed = false;
    w->depth = 0;
    w->after_key = false;
    memset(w->has_member, 0, sizeof w->has_member);
    w->out = out;
    w->pretty_depth = pretty_depth;
}

/* Writes a newline and indentation for the current depth. */
static void newline(jw *w)
{
    put_char(w, '\n');
    for (int i = 0; i < w->depth; i++)
        put_text(w, "  ");
}

/* Emits the separator before a value or key in the current container. */
static void before_value(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->has_member[w->depth])
        put_char(w, ',');
    if (w->depth <= w->pretty_depth)
        newline(w);
    else if (w->has_member[w->depth])
        put_char(w, ' ');
    w->has_member[w->depth] = true;
}

static void open_container(jw *w, char c)
{
    before_value(w);
    put_char(w, c);
    if (w->depth + 1 < JW_MAX_DEPTH)
        w->depth++;
    w->has_member[w->depth] = false;
}

static void close_container(jw *w, char c)
{
    bool had = w->has_member[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (had && w->depth + 1 <= w->pretty_depth)
        newline(w);
    put_char(w, c);
}

void jw_object_begin(jw *w) { open_container(w, '{'); }
void jw_object_end(jw *w) { close_container(w, '}'); }
void jw_array_begin(jw *w) { open_container(w, '['); }
void jw_array_end(jw *w) { close_container(w, ']'); }

/* The escape for byte `c` inside a JSON string, or NULL if it stands as is. */
static const char *escape_of(unsigned char c, char buf[8])
{
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case '\b': return "\\b";
    case '\f': return "\\f";
    default:
        if (c >= 0x20 && c != 0x7f)
            return NULL;
        snprintf(buf, 8, "\\u%04x", c);
        return buf;
    }
}

/* Writes `len` bytes as a quoted, escaped JSON string: runs of plain bytes
 * are copied in one go. */
static void put_escaped(jw *w, const char *s, size_t len)
{
    char buf[8];
    size_t plain = 0;
    put_char(w, '"');
    for (size_t i = 0; i < len; i++) {
        const char *esc = escape_of((unsigned char)s[i], buf);
        if (!esc)
            continue;
        put_bytes(w, s + plain, i - plain);
        put_text(w, esc);
        plain = i + 1;
    }
    if (plain < len) /* s may be NULL when len is 0: no arithmetic on it then */
        put_bytes(w, s + plain, len - plain);
    put_char(w, '"');
}

void jw_key(jw *w, const char *key)
{
    before_value(w);
    put_char(w, '"');
    put_text(w, key);
    put_text(w, "\": ");
    w->after_key = true;
}

void jw_string(jw *w, const char *s, size_t len)
{
    before_value(w);
    put_escaped(w, s, len);
}

void jw_cstring(jw *w, const char *s) { jw_string(w, s, strlen(s)); }

void jw_int(jw *w, int64_t v)
{
    before_value(w);
    if (v < 0) {
        put_char(w, '-');
        put_u64(w, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(w, (uint64_t)v);
    }
}

void jw_uint(jw *w, uint64_t v)
{
    before_value(w);
    put_u64(w, v);
}

void jw_bool(jw *w, bool v)
{
    before_value(w);
    put_text(w, v ? "true" : "false");
}

void jw_null(jw *w)
{
    before_value(w);
    put_text(w, "null");
}

void jw_address(jw *w, uint64_t addr)
{
    char text[24];
    snprintf(text, sizeof text, "0x%" PRIx64, addr);
    jw_cstring(w, text);
}

void jw_hex(jw *w, const uint8_t *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    before_value(w);
    put_char(w, '"');
    for (size_t i = 0; i < len; i++) {
        put_char(w, digits[p[i] >> 4]);
        put_char(w, digits[p[i] & 15]);
    }
    put_char(w, '"');
}

void jw_double(jw *w, double v, bool single)
{
    if (isnan(v)) {
        jw_cstring(w, "NaN");
        return;
    }
    if (isinf(v)) {
        jw_cstring(w, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    char text[40];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, v);
        if (single ? strtof(text, NULL) == (float)v : strtod(text, NULL) == v)
            break;
    }
    if (v == 0 && signbit(v))
        snprintf(text, sizeof text, "-0.0");
    before_value(w);
    put_text(w, text);
}

bool jw_is_utf8(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

int jw_finish(jw *w)
{
    put_char(w, '\n');
    flush(w);
    return w->failed || ferror(w->out) ? -1 : 0;
}
