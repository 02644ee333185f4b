#include "render/json_writer.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jw *w, FILE *out, int pretty_depth)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty_depth = pretty_depth;
}

/* Writes a newline and indentation for the current depth. */
static void newline(jw *w)
{
    fputc('\n', w->out);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->out);
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
        fputc(',', w->out);
    if (w->depth <= w->pretty_depth)
        newline(w);
    else if (w->has_member[w->depth])
        fputc(' ', w->out);
    w->has_member[w->depth] = true;
}

static void open_container(jw *w, char c)
{
    before_value(w);
    fputc(c, w->out);
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
    fputc(c, w->out);
}

void jw_object_begin(jw *w) { open_container(w, '{'); }
void jw_object_end(jw *w) { close_container(w, '}'); }
void jw_array_begin(jw *w) { open_container(w, '['); }
void jw_array_end(jw *w) { close_container(w, ']'); }

/* Writes `len` bytes as a quoted, escaped JSON string. */
static void put_escaped(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

void jw_key(jw *w, const char *key)
{
    before_value(w);
    put_escaped(w->out, key, strlen(key));
    fputs(": ", w->out);
    w->after_key = true;
}

void jw_string(jw *w, const char *s, size_t len)
{
    before_value(w);
    put_escaped(w->out, s, len);
}

void jw_cstring(jw *w, const char *s) { jw_string(w, s, strlen(s)); }

void jw_int(jw *w, int64_t v)
{
    before_value(w);
    fprintf(w->out, "%" PRId64, v);
}

void jw_uint(jw *w, uint64_t v)
{
    before_value(w);
    fprintf(w->out, "%" PRIu64, v);
}

void jw_bool(jw *w, bool v)
{
    before_value(w);
    fputs(v ? "true" : "false", w->out);
}

void jw_null(jw *w)
{
    before_value(w);
    fputs("null", w->out);
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
    fputc('"', w->out);
    for (size_t i = 0; i < len; i++) {
        fputc(digits[p[i] >> 4], w->out);
        fputc(digits[p[i] & 15], w->out);
    }
    fputc('"', w->out);
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
    fputs(text, w->out);
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
    fputc('\n', w->out);
    return ferror(w->out) ? -1 : 0;
}
