/* Keys and values as text (gmv_value_to_text, label cells); decoded keys
 * and values (gmv_node trees) in Go syntax, as a Go developer
 * writes them: main.Point{X: 2, Y: -2}, &main.User{Name: "ann", ...},
 * [2]int{8770, 824}, []uint8{1, 2, ...} (with a comment giving len and cap),
 * main.hello, (1+2i),
 * main.Red (0). Pointers not followed print as Go's %#v prints them inside a
 * value: (*main.User)(0xc000010000). And the comparison of a key with what
 * a user typed for --key. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gomapviz/render.h"
#include "render/text.h"

typedef struct go_writer {
    gmv_text *t;
    gmv_go_form form;
    unsigned pointers; /* pointers followed on the way to the node being written */
} go_writer;

static void node(go_writer *w, const gmv_node *n);

/* A key or value: a tree, or a flat value as gmv_value_to_text writes it. */
static void value(go_writer *w, const gmv_value *v, uint64_t size)
{
    if (v->kind == GMV_KIND_NODE)
        node(w, v->as.node);
    else
        gmv_value_to_text(w->t, v, size, 0);
}

static const char *type_name(const gmv_node *n)
{
    return n->type && n->type->name ? n->type->name : "?";
}

static void integer(go_writer *w, const gmv_node *n)
{
    char number[32];
    if (n->value.kind == GMV_KIND_INT)
        snprintf(number, sizeof number, "%" PRId64, n->value.as.i);
    else
        snprintf(number, sizeof number, "%" PRIu64, n->value.as.u);
    if (!n->name || w->form == GMV_GO_NUMBERS || w->form == GMV_GO_SHARP_V)
        gmv_text_puts(w->t, number);
    else if (w->form == GMV_GO_NAMES || w->form == GMV_GO_ADDRESSES)
        gmv_text_puts(w->t, n->name);
    else
        gmv_text_printf(w->t, "%s (%s)", n->name, number);
}

static void complex_number(go_writer *w, const gmv_node *n)
{
    bool single = n->type && n->type->size == 8;
    gmv_text_append(w->t, "(", 1);
    gmv_float_text(w->t, n->value.as.f, single);
    if (!signbit(n->imag) || isnan(n->imag))
        gmv_text_append(w->t, "+", 1);
    gmv_float_text(w->t, n->imag, single);
    gmv_text_append(w->t, "i)", 2);
}

/* Scalars, strings and unsafe.Pointer. */
static void scalar(go_writer *w, const gmv_node *n)
{
    const gmv_value *v = &n->value;
    if (!v->readable) {
        gmv_text_puts(w->t, "(unreadable)");
        return;
    }
    switch (n->type->kind) {
    case GMV_GO_BOOL: gmv_text_puts(w->t, v->as.b ? "true" : "false"); return;
    case GMV_GO_INT:
    case GMV_GO_UINT: integer(w, n); return;
    case GMV_GO_UINTPTR: gmv_text_printf(w->t, "0x%" PRIx64, v->as.u); return;
    case GMV_GO_FLOAT: gmv_float_text(w->t, v->as.f, n->type->size == 4); return;
    case GMV_GO_COMPLEX: complex_number(w, n); return;
    case GMV_GO_STRING: gmv_quote_bytes(w->t, v->bytes, v->len, 0, v->truncated); return;
    default: gmv_text_printf(w->t, "unsafe.Pointer(0x%" PRIx64 ")", v->as.u); return;
    }
}

/* The children of `n` between braces, each after its field name if `fields`. */
static void braced(go_writer *w, const gmv_node *n, bool fields)
{
    if (n->note == GMV_NODE_LEFT_OUT || n->note == GMV_NODE_UNKNOWN_TYPE) {
        gmv_text_puts(w->t, n->note == GMV_NODE_LEFT_OUT ? "{/* left out */}" : "{/* unknown type */}");
        return;
    }
    gmv_text_append(w->t, "{", 1);
    for (uint32_t i = 0; i < n->nchildren; i++) {
        if (i)
            gmv_text_append(w->t, ", ", 2);
        if (fields && i < n->type->nfields)
            gmv_text_printf(w->t, "%s: ", n->type->fields[i].name);
        node(w, &n->children[i]);
    }
    if (n->truncated)
        gmv_text_puts(w->t, n->nchildren ? ", \xe2\x80\xa6" : "\xe2\x80\xa6");
    gmv_text_append(w->t, "}", 1);
}

static void byte_array(go_writer *w, const gmv_node *n)
{
    gmv_text_printf(w->t, "%s{", type_name(n));
    for (uint32_t i = 0; i < n->value.len; i++)
        gmv_text_printf(w->t, i ? ", %u" : "%u", n->value.bytes[i]);
    gmv_text_append(w->t, "}", 1);
}

static void slice(go_writer *w, const gmv_node *n)
{
    if (n->note == GMV_NODE_NIL) {
        gmv_text_printf(w->t, "%s(nil)", type_name(n));
        return;
    }
    gmv_text_puts(w->t, type_name(n));
    if (n->note != GMV_NODE_OK)
        gmv_text_puts(w->t, "{/* unreadable */}");
    else
        braced(w, n, false);
    if (n->truncated || n->cap != n->len || n->note != GMV_NODE_OK)
        gmv_text_printf(w->t, " /* len %" PRIu64 ", cap %" PRIu64 " */", n->len, n->cap);
}

/* A pointer as %#v writes one it does not follow: (*T)(0x...). */
static void address_of(go_writer *w, const gmv_node *n, const char *why)
{
    gmv_text_printf(w->t, "(%s)(0x%" PRIx64 ")", type_name(n), n->address);
    if (why)
        gmv_text_printf(w->t, " /* %s */", why);
}

static void pointer(go_writer *w, const gmv_node *n)
{
    if (n->note == GMV_NODE_NIL) {
        gmv_text_puts(w->t, "nil");
        return;
    }
    bool as_address = w->form == GMV_GO_ADDRESSES || (w->form == GMV_GO_SHARP_V && w->pointers > 0);
    if (n->note != GMV_NODE_OK || n->nchildren != 1 || as_address) {
        address_of(w, n, n->note == GMV_NODE_UNREADABLE ? "unreadable" : NULL);
        return;
    }
    gmv_text_append(w->t, "&", 1);
    w->pointers++;
    node(w, &n->children[0]);
    w->pointers--;
}

/* True when a literal of a value of `g` says its type (or its type is
 * the default one of the literal): no conversion is needed in an interface. */
static bool literal_says_type(const gmv_go_type *g)
{
    switch (g->kind) {
    case GMV_GO_INT: return strcmp(g->name, "int") == 0 || g->nconsts > 0;
    case GMV_GO_FLOAT: return strcmp(g->name, "float64") == 0;
    case GMV_GO_COMPLEX: return strcmp(g->name, "complex128") == 0;
    case GMV_GO_STRING: return strcmp(g->name, "string") == 0;
    case GMV_GO_BOOL: return strcmp(g->name, "bool") == 0;
    case GMV_GO_UINT:
    case GMV_GO_UINTPTR:
    case GMV_GO_UNSAFE_POINTER:
        return false;
    default: return true;
    }
}

static void interface(go_writer *w, const gmv_node *n)
{
    if (n->note == GMV_NODE_NIL) {
        gmv_text_puts(w->t, "nil");
        return;
    }
    if (n->note != GMV_NODE_OK || n->nchildren != 1 || !n->dynamic) {
        gmv_text_printf(w->t, "%s(/* %s type at 0x%" PRIx64 ", data 0x%" PRIx64 " */)", type_name(n),
                        n->note == GMV_NODE_UNREADABLE ? "unreadable" : "unknown", n->dynamic_type, n->address);
        return;
    }
    const gmv_node *value = &n->children[0];
    if (value->note == GMV_NODE_OK && literal_says_type(n->dynamic)) {
        node(w, value);
        return;
    }
    gmv_text_printf(w->t, "%s(", n->dynamic->name);
    node(w, value);
    gmv_text_append(w->t, ")", 1);
}

static void func(go_writer *w, const gmv_node *n)
{
    if (n->note == GMV_NODE_NIL)
        gmv_text_puts(w->t, "nil");
    else if (n->name)
        gmv_text_puts(w->t, n->name);
    else
        gmv_text_printf(w->t, "(%s)(0x%" PRIx64 ") /* code 0x%" PRIx64 " */", type_name(n), n->address, n->code);
    if (!n->captures)
        return;
    gmv_text_puts(w->t, " /* captures ");
    for (uint32_t i = 0; i < n->nchildren; i++) {
        gmv_text_printf(w->t, i ? ", %s = " : "%s = ", n->captures[i].name);
        node(w, &n->children[i]);
    }
    gmv_text_puts(w->t, " */");
}

/* A map read whole, as a Go map literal: map[string]int{"a": 1, "b": 2}. */
static void map_literal(go_writer *w, const gmv_node *n)
{
    size_t count = 0;
    const gmv_entry *e = gmv_model_entries(n->nested, &count);
    const gmv_layout *l = gmv_model_layout(n->nested);
    gmv_text_printf(w->t, "%s{", type_name(n));
    for (size_t i = 0; i < count; i++) {
        gmv_text_puts(w->t, i ? ", " : "");
        value(w, &e[i].key, l->key.size);
        gmv_text_puts(w->t, ": ");
        value(w, &e[i].elem, l->elem.size);
    }
    gmv_text_puts(w->t, "}");
}

static void map(go_writer *w, const gmv_node *n)
{
    if (n->note == GMV_NODE_NIL) {
        gmv_text_printf(w->t, "%s(nil)", type_name(n));
        return;
    }
    if (n->nested) {
        map_literal(w, n);
        return;
    }
    gmv_text_printf(w->t, "(%s)(0x%" PRIx64 ") /* %s, ", type_name(n), n->address,
                    gmv_map_impl_name(n->type->map_impl));
    if (n->has_count)
        gmv_text_printf(w->t, "len %" PRIu64 " */", n->count);
    else
        gmv_text_puts(w->t, "len unreadable */");
}

static void node(go_writer *w, const gmv_node *n)
{
    if (!n->type) {
        gmv_text_puts(w->t, "?");
        return;
    }
    switch (n->type->kind) {
    case GMV_GO_STRUCT:
        gmv_text_puts(w->t, type_name(n));
        braced(w, n, true);
        return;
    case GMV_GO_ARRAY:
        if (gmv_node_is_byte_array(n)) {
            byte_array(w, n);
            return;
        }
        gmv_text_puts(w->t, type_name(n));
        braced(w, n, false);
        return;
    case GMV_GO_SLICE: slice(w, n); return;
    case GMV_GO_POINTER: pointer(w, n); return;
    case GMV_GO_INTERFACE:
    case GMV_GO_EMPTY_INTERFACE: interface(w, n); return;
    case GMV_GO_FUNC: func(w, n); return;
    case GMV_GO_MAP: map(w, n); return;
    case GMV_GO_CHAN:
        if (n->note == GMV_NODE_NIL)
            gmv_text_puts(w->t, "nil");
        else
            address_of(w, n, NULL);
        if (n->has_count)
            gmv_text_printf(w->t, " /* len %" PRIu64 ", cap %" PRIu64 " */", n->len, n->cap);
        return;
    default: scalar(w, n); return;
    }
}

/* Cuts `t` after `from` + `max_chars` characters (UTF-8), adding an ellipsis. */
static void cut_text(gmv_text *t, size_t from, size_t max_chars)
{
    size_t chars = 0, i = from;
    while (i < t->len && chars < max_chars) {
        i++;
        while (i < t->len && ((uint8_t)t->data[i] & 0xc0) == 0x80)
            i++;
        chars++;
    }
    if (i >= t->len)
        return;
    t->len = i;
    t->data[i] = '\0';
    gmv_text_append(t, "\xe2\x80\xa6", 3);
}

void gmv_node_to_go(gmv_text *t, const gmv_node *n, gmv_go_form form, size_t max_chars)
{
    size_t start = t->len;
    go_writer w = {.t = t, .form = form};
    node(&w, n);
    if (max_chars && !t->failed)
        cut_text(t, start, max_chars);
}

/* ---- keys and values as text, whatever their kind ---- */

/* Appends raw bytes as hex, at most `max_chars` digits. */
static void hex_text(gmv_text *t, const uint8_t *p, size_t len, size_t max_chars)
{
    if (len == 0) {
        gmv_text_append(t, "{}", 2);
        return;
    }
    size_t shown = max_chars && len * 2 > max_chars ? max_chars / 2 : len;
    for (size_t i = 0; i < shown; i++)
        gmv_text_printf(t, "%02x", p[i]);
    if (shown < len)
        gmv_text_append(t, "\xe2\x80\xa6", 3);
}

void gmv_value_to_text(gmv_text *t, const gmv_value *v, uint64_t size, size_t max_chars)
{
    if (!v->readable) {
        gmv_text_append(t, "(unreadable)", 12);
        return;
    }
    switch (v->kind) {
    case GMV_KIND_INT: gmv_text_printf(t, "%" PRId64, v->as.i); return;
    case GMV_KIND_UINT: gmv_text_printf(t, "%" PRIu64, v->as.u); return;
    case GMV_KIND_BOOL: gmv_text_printf(t, "%s", v->as.b ? "true" : "false"); return;
    case GMV_KIND_FLOAT: gmv_float_text(t, v->as.f, size == 4); return;
    case GMV_KIND_NODE: gmv_node_to_go(t, v->as.node, GMV_GO_DISPLAY, max_chars); return;
    case GMV_KIND_POINTER:
        if (v->as.u)
            gmv_text_printf(t, "0x%" PRIx64, v->as.u);
        else
            gmv_text_append(t, "nil", 3);
        return;
    case GMV_KIND_STRING: gmv_quote_bytes(t, v->bytes, (size_t)v->len, max_chars, v->truncated); return;
    default: hex_text(t, v->bytes, (size_t)v->len, max_chars); return;
    }
}

void gmv_value_cell(gmv_text *html, gmv_text *scratch, const gmv_value *v, uint64_t size, size_t max_text,
                    const char *bgcolor, const char *port, const char *empty)
{
    gmv_text_puts(html, "<TD ALIGN=\"LEFT\"");
    if (bgcolor)
        gmv_text_printf(html, " BGCOLOR=\"%s\"", bgcolor);
    if (port)
        gmv_text_printf(html, " PORT=\"%s\"", port);
    if (!v) {
        gmv_text_printf(html, ">%s</TD>", empty);
        return;
    }
    gmv_text_clear(scratch);
    gmv_value_to_text(scratch, v, size, max_text); /* what the cell shows */
    size_t shown = scratch->len;
    gmv_value_to_text(scratch, v, size, 0); /* then the whole text */
    if (scratch->failed) {
        gmv_text_puts(html, ">(out of memory)</TD>");
        return;
    }
    const char *whole = scratch->data + shown;
    if (scratch->len - shown != shown || memcmp(scratch->data, whole, shown) != 0) {
        gmv_text_puts(html, " HREF=\"#\" TOOLTIP=\"");
        gmv_text_append_html(html, whole);
        gmv_text_puts(html, "\"");
    }
    scratch->data[shown] = '\0';
    gmv_text_puts(html, ">");
    gmv_text_append_html(html, scratch->data);
    gmv_text_puts(html, "</TD>");
}

void gmv_render_value_text(const gmv_value *v, uint64_t size, char *out, size_t out_size)
{
    gmv_text t = {0};
    gmv_value_to_text(&t, v, size, 0);
    const char *text = t.data && !t.failed ? t.data : "";
    if (out_size == 0) {
        gmv_text_free(&t);
        return;
    }
    if (strlen(text) < out_size) {
        memcpy(out, text, strlen(text) + 1);
    } else {
        size_t keep = out_size > 4 ? out_size - 4 : 0;
        while (keep > 0 && ((uint8_t)text[keep] & 0xc0) == 0x80)
            keep--; /* not inside a UTF-8 sequence */
        snprintf(out, out_size, "%.*s...", (int)keep, text);
    }
    gmv_text_free(&t);
}

/* ---- --key ---- */

/* Appends `s` to `out` without spaces and comments outside string literals;
 * with `drop_packages`, without package qualifiers ("main.", "net/http."). */
static void normalize(gmv_text *out, const char *s, bool drop_packages)
{
    gmv_text_clear(out);
    gmv_text_append(out, "", 0);
    for (size_t i = 0; s[i];) {
        char c = s[i];
        if (c == '"' || c == '\'' || c == '`') { /* a literal, escapes kept */
            size_t j = i + 1;
            while (s[j] && s[j] != c)
                j += s[j] == '\\' && c != '`' && s[j + 1] ? 2 : 1;
            j += s[j] ? 1 : 0;
            gmv_text_append(out, s + i, j - i);
            i = j;
        } else if (c == '/' && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            i = end ? (size_t)(end - s) + 2 : strlen(s);
        } else if (isspace((unsigned char)c)) {
            i++;
        } else if (drop_packages && (isalpha((unsigned char)c) || c == '_') &&
                   (i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_' || s[i - 1] == '.'))) {
            size_t j = i;
            while (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '/' || s[j] == '-')
                j++;
            if (s[j] == '.' && (isalpha((unsigned char)s[j + 1]) || s[j + 1] == '_'))
                i = j + 1; /* a qualifier: left out */
            else {
                gmv_text_append(out, s + i, j - i);
                i = j;
            }
        } else {
            gmv_text_append(out, s + i, 1);
            i++;
        }
    }
}

/* True when the user's `typed` is our `written`, spaces and comments aside,
 * with or without the package names we write. */
static bool same_go(const char *written, const char *typed, gmv_text *scratch)
{
    gmv_text ours = {0};
    normalize(scratch, typed, false);
    bool same = false;
    for (int drop = 0; drop < 2 && !same; drop++) {
        normalize(&ours, written, drop);
        same = !ours.failed && !scratch->failed && strcmp(ours.data, scratch->data) == 0;
    }
    gmv_text_free(&ours);
    return same;
}

bool gmv_key_matches(const gmv_value *key, uint64_t size, const char *text, gmv_text *scratch)
{
    if (key->kind == GMV_KIND_STRING && key->readable && !key->truncated &&
        key->len == strlen(text) && memcmp(key->bytes, text, key->len) == 0)
        return true; /* a string key as its bytes */
    bool match = false;
    gmv_text written = {0};
    if (key->kind != GMV_KIND_NODE) { /* a number, or a string as a Go literal */
        gmv_value_to_text(&written, key, size, 0);
        match = written.data && strcmp(written.data, text) == 0;
    }
    static const gmv_go_form forms[] = {GMV_GO_NAMES, GMV_GO_NUMBERS, GMV_GO_DISPLAY, GMV_GO_ADDRESSES,
                                        GMV_GO_SHARP_V};
    for (size_t f = 0; key->kind == GMV_KIND_NODE && !match && f < sizeof forms / sizeof forms[0]; f++) {
        gmv_text_clear(&written);
        gmv_node_to_go(&written, key->as.node, forms[f], 0);
        match = written.data && same_go(written.data, text, scratch);
    }
    gmv_text_free(&written);
    return match;
}

bool gmv_render_key_matches(const gmv_value *key, uint64_t size, const char *text)
{
    gmv_text scratch = {0};
    bool same = gmv_key_matches(key, size, text, &scratch);
    gmv_text_free(&scratch);
    return same;
}
