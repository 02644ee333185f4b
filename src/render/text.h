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

/* Appends the bytes `s` (`len`) as a Go string literal: printable UTF-8 as
 * is, the rest escaped (\xNN); at most `max_chars` characters (0: all), then
 * an ellipsis, also when `cut` says the bytes are a prefix. */
void gmv_quote_bytes(gmv_text *t, const uint8_t *s, size_t len, size_t max_chars, bool cut);

/* Appends a float the shortest way that reads back the same (`single`: as a float32). */
void gmv_float_text(gmv_text *t, double v, bool single);

/* How gmv_node_to_go writes a named constant. */
typedef enum gmv_go_form {
    GMV_GO_DISPLAY = 0, /* main.Red (0), as delve does */
    GMV_GO_NAMES,       /* main.Red */
    GMV_GO_NUMBERS,     /* 0 */
    GMV_GO_ADDRESSES,   /* main.Red, and pointers not followed: (*T)(0x...), which is how
                           a map compares a pointer key */
    GMV_GO_SHARP_V      /* as Go's %#v: main.Red as 0, the outermost pointer followed
                           (&T{...}), pointers inside it as addresses */
} gmv_go_form;

/* True for an array node decoded as its bytes ([N]uint8: no elements, all
 * there); an array whose elements were left out is not one. */
static inline bool gmv_node_is_byte_array(const gmv_node *n)
{
    return n->note == GMV_NODE_OK && !n->nchildren && n->len && !n->truncated;
}

/* Appends the Go syntax of the decoded tree `n` (go_syntax.c):
 * main.Point{X: 2, Y: -2}, &main.User{...}, [2]int{1, 2}, main.hello, (1+2i),
 * constants as `form` says. At most `max_chars` characters, then an
 * ellipsis (0: all). */
void gmv_node_to_go(gmv_text *t, const gmv_node *n, gmv_go_form form, size_t max_chars);

/* True when the key `key` (of a type of `size` bytes) is the one `text`
 * names, written as Go prints it: a string's bytes, a number, or for a
 * decoded tree its Go syntax (spaces and comments aside; package names may
 * be left out; a named constant by its name or its value; a pointer by what
 * it points to or by its address). `scratch` is
 * working space. */
bool gmv_key_matches(const gmv_value *key, uint64_t size, const char *text, gmv_text *scratch);

/* Writes how a key or value reads to a Go developer into `t`: numbers in
 * decimal, strings quoted with non-printable and invalid UTF-8 bytes as \xNN,
 * trees decoded through their types in Go syntax, other values as hex. At most `max_chars` characters of the value are kept,
 * then an ellipsis (0: no limit). `size` is the type's size. */
void gmv_value_to_text(gmv_text *t, const gmv_value *v, uint64_t size, size_t max_chars);

/* Appends a label cell <TD ALIGN="LEFT"> holding the value `v` (NULL: the
 * text `empty`) cut at `max_text` characters, with `bgcolor` and `port`
 * (each may be NULL);
 * a value that was cut is whole in the cell's SVG tooltip (HREF="#", which
 * Graphviz needs to write one). `scratch` is working space. */
void gmv_value_cell(gmv_text *html, gmv_text *scratch, const gmv_value *v, uint64_t size, size_t max_text,
                    const char *bgcolor, const char *port, const char *empty);

#endif
