#include "render/text.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for `extra` more bytes plus a NUL; false if memory ran out. */
static bool reserve(gmv_text *t, size_t extra)
{
    if (t->failed)
        return false;
    if (t->len + extra + 1 <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + extra + 1)
        cap *= 2;
    char *grown = realloc(t->data, cap);
    if (!grown) {
        t->failed = true;
        return false;
    }
    t->data = grown;
    t->cap = cap;
    return true;
}

void gmv_text_append(gmv_text *t, const char *s, size_t len)
{
    if (!reserve(t, len))
        return;
    memcpy(t->data + t->len, s, len);
    t->len += len;
    t->data[t->len] = '\0';
}

void gmv_text_puts(gmv_text *t, const char *s)
{
    gmv_text_append(t, s, strlen(s));
}

void gmv_text_printf(gmv_text *t, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, args);
    va_end(args);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        gmv_text_append(t, small, (size_t)n);
        return;
    }
    if (!reserve(t, (size_t)n))
        return;
    va_start(args, fmt);
    vsnprintf(t->data + t->len, (size_t)n + 1, fmt, args);
    va_end(args);
    t->len += (size_t)n;
}

void gmv_text_append_html(gmv_text *t, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': gmv_text_append(t, "&amp;", 5); break;
        case '<': gmv_text_append(t, "&lt;", 4); break;
        case '>': gmv_text_append(t, "&gt;", 4); break;
        case '"': gmv_text_append(t, "&quot;", 6); break;
        case '\'': gmv_text_append(t, "&#39;", 5); break;
        default: gmv_text_append(t, s, 1);
        }
    }
}

void gmv_text_clear(gmv_text *t)
{
    t->len = 0;
    if (t->data)
        t->data[0] = '\0';
}

void gmv_text_free(gmv_text *t)
{
    free(t->data);
    *t = (gmv_text){0};
}

/* Length of the well-formed UTF-8 sequence at s[0..len), or 0 if none. */
static size_t utf8_sequence(const uint8_t *s, size_t len)
{
    uint8_t c = s[0];
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    if (n == 0 || n > len)
        return 0;
    uint32_t cp = c & (0x7f >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    return overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : n;
}

/* Appends a Go-style quoted string: printable UTF-8 as is, the rest escaped. */
void gmv_quote_bytes(gmv_text *t, const uint8_t *s, size_t len, size_t max_chars, bool cut)
{
    gmv_text_append(t, "\"", 1);
    size_t chars = 0, i = 0;
    while (i < len) {
        if (max_chars && chars >= max_chars) {
            cut = true;
            break;
        }
        uint8_t c = s[i];
        size_t n = c >= 0x80 ? utf8_sequence(s + i, len - i) : 1;
        if (c == '"' || c == '\\')
            gmv_text_printf(t, "\\%c", c);
        else if (c == '\n')
            gmv_text_append(t, "\\n", 2);
        else if (c == '\t')
            gmv_text_append(t, "\\t", 2);
        else if (n == 0 || c < 0x20 || c == 0x7f)
            gmv_text_printf(t, "\\x%02x", c);
        else
            gmv_text_append(t, (const char *)s + i, n);
        i += n ? n : 1;
        chars++;
    }
    gmv_text_append(t, "\"", 1);
    if (cut)
        gmv_text_append(t, "\xe2\x80\xa6", 3); /* … */
}

/* Appends a float the shortest way that reads back the same. */
void gmv_float_text(gmv_text *t, double v, bool single)
{
    if (isnan(v)) {
        gmv_text_append(t, "NaN", 3);
        return;
    }
    if (isinf(v)) {
        gmv_text_append(t, v > 0 ? "+Inf" : "-Inf", 4);
        return;
    }
    char buf[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        if (single ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
            break;
    }
    gmv_text_printf(t, "%s", buf);
}

void gmv_classic_flag_names(uint8_t flags, char *out, size_t size)
{
    static const char *const names[] = {"iterator", "oldIterator", "hashWriting", "sameSizeGrow"};
    size_t n = 0;
    out[0] = '\0';
    for (unsigned bit = 0; bit < 8 && n < size; bit++) {
        if (!(flags & (1u << bit)))
            continue;
        const char *sep = n ? "|" : "";
        int w = bit < 4 ? snprintf(out + n, size - n, "%s%s", sep, names[bit])
                        : snprintf(out + n, size - n, "%s0x%x", sep, 1u << bit);
        n += w > 0 ? (size_t)w : 0;
    }
    if (flags == 0)
        snprintf(out, size, "none");
}

