/* Internal: a growable text buffer, and how keys and values read as text. */
#ifndef GMV_RENDER_TEXT_H
#define GMV_RENDER_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/model.h"

typedef struct gmv_text {
    char *data;  /* always NUL-terminated once anything was added */
    size_t len, cap;
    bool failed; /* an allocation failed: the text is incomplete */
} gmv_text;

/* "s" unless `n` is 1, for "%" PRIu64 " bucket%s". */
static inline const char *gmv_plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

/* Writes a classic hmap's flags as text and pictures show them:
 * "none", or the runtime's names joined by '|' ("iterator|sameSizeGrow"),
 * a bit it has no name for as 0x10. */
void gmv_classic_flag_names(uint8_t flags, char *out, size_t size);

/* Appends printf-style text. */
void gmv_text_printf(gmv_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends `len` bytes as they are. */
void gmv_text_append(gmv_text *t, const char *s, size_t len);

/* Appends the NUL-terminated `s` as it is. */
void gmv_text_puts(gmv_text *t, const char *s);

/* Appends `s` escaped for an HTML-like label or XML: & < > " ' become entities. */
void gmv_text_append_html(gmv_text *t, const char *s);

/* Empties the text, keeping its storage. */
void gmv_text_clear(gmv_text *t);

/* Frees the storage. */
void gmv_text_free(gmv_text *t);

/* Writes how a key or value reads to a Go developer into `t`: numbers in
 * decimal, strings quoted with non-printable and invalid UTF-8 bytes as \xNN,
 * other values as hex. At most `max_chars` characters of the value are kept,
 * then an ellipsis (0: no limit). `size` is the type's size. */
void gmv_value_to_text(gmv_text *t, const gmv_value *v, uint64_t size, size_t max_chars);

#endif
