#include "render/json_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- Writing in a thread of its own -------------------------------------
 * Formatting millions of entries and copying them into the kernel take about
 * as long each: the formatted text goes in large chunks to a thread that
 * writes it while the next chunk is formatted. Two chunks: one filled here,
 * one being written. */

#define ASYNC_CHUNK ((size_t)4 << 20)

struct jw_async {
    FILE *out;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char *chunk[2];
    int filling;          /* the chunk being filled by the formatter */
    size_t filled;
    const char *handed;   /* the chunk the thread is to write; NULL: none */
    size_t handed_len;
    bool closing;         /* no more chunks will come */
    int error;            /* errno of the first write that failed, or 0 */
};

static void *async_main(void *arg)
{
    jw_async *a = arg;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (!a->handed && !a->closing)
            pthread_cond_wait(&a->changed, &a->lock);
        if (!a->handed)
            break;
        const char *data = a->handed;
        size_t len = a->handed_len;
        pthread_mutex_unlock(&a->lock);
        int error = fwrite(data, 1, len, a->out) == len ? 0 : errno ? errno : EIO;
        pthread_mutex_lock(&a->lock);
        if (!a->error)
            a->error = error;
        a->handed = NULL;
        pthread_cond_broadcast(&a->changed);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

/* Starts the thread; NULL (write in this thread) if it cannot. */
static jw_async *async_start(FILE *out)
{
    jw_async *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->out = out;
    a->chunk[0] = malloc(ASYNC_CHUNK);
    a->chunk[1] = malloc(ASYNC_CHUNK);
    if (a->chunk[0] && a->chunk[1] && pthread_mutex_init(&a->lock, NULL) == 0) {
        if (pthread_cond_init(&a->changed, NULL) == 0) {
            if (pthread_create(&a->thread, NULL, async_main, a) == 0)
                return a;
            pthread_cond_destroy(&a->changed);
        }
        pthread_mutex_destroy(&a->lock);
    }
    free(a->chunk[0]);
    free(a->chunk[1]);
    free(a);
    return NULL;
}

/* Hands the filled chunk to the thread (once it is done with the other). */
static void async_hand_over(jw_async *a)
{
    if (a->filled == 0)
        return;
    pthread_mutex_lock(&a->lock);
    while (a->handed)
        pthread_cond_wait(&a->changed, &a->lock);
    a->handed = a->chunk[a->filling];
    a->handed_len = a->filled;
    pthread_cond_broadcast(&a->changed);
    pthread_mutex_unlock(&a->lock);
    a->filling ^= 1;
    a->filled = 0;
}

static void async_write(jw_async *a, const char *data, size_t len)
{
    while (len > 0) {
        size_t n = ASYNC_CHUNK - a->filled < len ? ASYNC_CHUNK - a->filled : len;
        memcpy(a->chunk[a->filling] + a->filled, data, n);
        a->filled += n;
        data += n;
        len -= n;
        if (a->filled == ASYNC_CHUNK)
            async_hand_over(a);
    }
}

/* Writes what is left, stops the thread and frees it; returns the errno of
 * the first write that failed, or 0. */
static int async_stop(jw_async *a)
{
    async_hand_over(a);
    pthread_mutex_lock(&a->lock);
    a->closing = true;
    pthread_cond_broadcast(&a->changed);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    int error = a->error;
    pthread_cond_destroy(&a->changed);
    pthread_mutex_destroy(&a->lock);
    free(a->chunk[0]);
    free(a->chunk[1]);
    free(a);
    return error;
}

/* Sends `len` bytes on to `out`, through the thread if there is one. */
static void send_out(jw *w, const char *data, size_t len)
{
    if (w->async)
        async_write(w->async, data, len);
    else if (fwrite(data, 1, len, w->out) != len)
        w->failed = true;
}

/* Hands the buffered bytes on. */
void jw_flush_buffer(jw *w)
{
    if (w->used)
        send_out(w, w->buf, w->used);
    w->used = 0;
}

void jw_put_bytes(jw *w, const char *s, size_t len)
{
    if (len > JW_BUFFER_SIZE - w->used) {
        jw_flush_buffer(w);
        if (len > JW_BUFFER_SIZE) {
            send_out(w, s, len);
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
    w->async = async_start(out);
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
    int error = w->async ? async_stop(w->async) : 0;
    w->async = NULL;
    if (error) {
        errno = error; /* for the caller's message: it happened in the thread */
        return -1;
    }
    return w->failed || ferror(w->out) ? -1 : 0;
}
