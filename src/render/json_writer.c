#include "render/json_writer.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Hands the buffered bytes to the FILE. */
void jw_flush_buffer(jw *w)
{
    if (w->used && fwrite(w->buf, 1, w->used, w->out) != w->used)
        w->failed = true;
    w->used = 0;
}

void jw_put_bytes(jw *w, const char *s, size_t len)
{
    if (len > JW_BUFFER_SIZE - w->used) {
        jw_flush_buffer(w);
        if (len > JW_BUFFER_SIZE) {
            if (fwrite(s, 1, len, w->out) != len)
                w->failed = true;
            return;
        }
    }
    memcpy(w->buf + w->used, s, len);
    w->used += len;
}

static void put_text(jw *w, const char *s)
{
    jw_put_bytes(w, s, strlen(s));
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

static void open_container(jw *w, char c)
{
    jw_before_value(w);
    jw_put_char(w, c);
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
        jw_newline(w);
    jw_put_char(w, c);
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
void jw_put_escaped(jw *w, const char *s, size_t len)
{
    char buf[8];
    size_t plain = 0;
    jw_put_char(w, '"');
    for (size_t i = 0; i < len; i++) {
        const char *esc = escape_of((unsigned char)s[i], buf);
        if (!esc)
            continue;
        jw_put_bytes(w, s + plain, i - plain);
        put_text(w, esc);
        plain = i + 1;
    }
    if (plain < len) /* s may be NULL when len is 0: no arithmetic on it then */
        jw_put_bytes(w, s + plain, len - plain);
    jw_put_char(w, '"');
}

void jw_string(jw *w, const char *s, size_t len)
{
    jw_before_value(w);
    jw_put_escaped(w, s, len);
}

void jw_cstring(jw *w, const char *s) { jw_string(w, s, strlen(s)); }

void jw_null(jw *w)
{
    jw_before_value(w);
    put_text(w, "null");
}

void jw_address(jw *w, uint64_t addr)
{
    static const char digits[] = "0123456789abcdef";
    jw_before_value(w);
    size_t n = 1;
    for (uint64_t v = addr >> 4; v; v >>= 4)
        n++;
    char *p = jw_reserve(w, n + 4);
    memcpy(p, "\"0x", 3);
    for (size_t i = 0; i < n; i++)
        p[3 + n - 1 - i] = digits[(addr >> (4 * i)) & 15];
    p[3 + n] = '"';
    w->used += n + 4;
}

void jw_hex(jw *w, const uint8_t *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    jw_before_value(w);
    jw_put_char(w, '"');
    for (size_t i = 0; i < len; i++) {
        jw_put_char(w, digits[p[i] >> 4]);
        jw_put_char(w, digits[p[i] & 15]);
    }
    jw_put_char(w, '"');
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
    jw_before_value(w);
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
    jw_put_char(w, '\n');
    jw_flush_buffer(w);
    return w->failed || ferror(w->out) ? -1 : 0;
}
