/* Mutation test: thousands of damaged variants of the real snapshots in
 * samples/snapshots/ (bit flips, byte sets, inserted and deleted bytes,
 * rewritten lengths and counts, rewritten META members, damaged map memory,
 * truncations), made with a fixed seed, most with the checksum recomputed so
 * the checks behind it are reached. Each variant must either be rejected with
 * GMV_ERR_FORMAT and a one-line message, or give a model whose JSON parses
 * and whose DOT Graphviz reads; never crash or hang (each variant runs under
 * alarm()).
 *
 * Environment: GMV_SOURCE_DIR (set by ctest) finds the samples;
 * GMV_MUTATION_SEED and GMV_MUTATION_COUNT (variants per sample) change the
 * run; GMV_MUTATION_SAVE=DIR writes every variant there (to replay one in
 * the fuzz harness: build/tests/fuzz/fuzz_snapshot_replay DIR/NAME). A
 * failure names the sample and the variant number. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <graphviz/cgraph.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gomapviz/render.h"
#include "gomapviz/snapshot.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_SANITIZER 1
#endif
#endif
#ifdef HAVE_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

#define DEFAULT_SEED UINT64_C(0x676d7673)  /* "gmvs" */
#define DEFAULT_COUNT 500                  /* variants per sample */
#define SECONDS_PER_VARIANT 10

static const char *const samples[] = {
    "small", "strint", "chains", "grow-doubling", "grow-same-size", "phases-0",
    "phases-1", "phases-2", "samephases-0", "samephases-1", "samephases-2",
};
#define SAMPLE_COUNT (sizeof samples / sizeof samples[0])

/* --- a deterministic generator (splitmix64) --- */

static uint64_t rng_state;

static uint64_t next_random(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A number in [0, n). */
static size_t below(size_t n)
{
    return n ? (size_t)(next_random() % n) : 0;
}

/* --- byte buffers --- */

typedef struct buffer {
    uint8_t *data;
    size_t len, cap;
} buffer;

static void reserve(buffer *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return;
    b->cap = (b->len + extra) * 2;
    b->data = realloc(b->data, b->cap);
    assert_non_null(b->data);
}

static void append(buffer *b, const void *p, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void append_le(buffer *b, uint64_t v, int n)
{
    uint8_t bytes[8];
    for (int i = 0; i < n; i++)
        bytes[i] = (uint8_t)(v >> (8 * i));
    append(b, bytes, (size_t)n);
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void fix_crc(buffer *b)
{
    if (b->len < 4)
        return;
    uLong crc = crc32(crc32(0L, Z_NULL, 0), b->data, (uInt)(b->len - 4));
    put_le(b->data + b->len - 4, crc, 4);
}

/* --- a sample, taken apart --- */

typedef struct range_ref {
    size_t header; /* offset of the range's address field in the file */
    uint64_t address, len;
} range_ref;

typedef struct sample {
    const char *name;
    buffer file;
    size_t meta_header, meta_body, meta_len; /* offsets in the file */
    size_t memr_header;
    range_ref ranges[4096];
    size_t nranges;
    json_t *meta;
    uint64_t hmap;
    size_t hmap_range; /* index of the range holding the header */
    uint64_t hmap_size;
} sample;

static void load_sample(sample *s, const char *name)
{
    const char *dir = getenv("GMV_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/samples/snapshots/%s.gmvs", dir ? dir : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (set GMV_SOURCE_DIR to the source tree)", path);
    memset(s, 0, sizeof *s);
    s->name = name;
    uint8_t chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        append(&s->file, chunk, n);
    fclose(f);
    const uint8_t *d = s->file.data;
    size_t pos = 16;
    for (uint32_t sec = 0; sec < get_le(d + 12, 4); sec++) {
        uint64_t body = get_le(d + pos + 8, 8);
        if (memcmp(d + pos, "META", 4) == 0) {
            s->meta_header = pos;
            s->meta_body = pos + 16;
            s->meta_len = (size_t)body;
        } else {
            s->memr_header = pos;
            for (size_t p = pos + 16; p < pos + 16 + body; p += 16 + (size_t)get_le(d + p + 8, 8)) {
                assert_true(s->nranges < sizeof s->ranges / sizeof s->ranges[0]);
                s->ranges[s->nranges++] = (range_ref){p, get_le(d + p, 8), get_le(d + p + 8, 8)};
            }
        }
        pos += 16 + (size_t)body;
    }
    json_error_t error;
    s->meta = json_loadb((const char *)d + s->meta_body, s->meta_len, 0, &error);
    assert_non_null(s->meta);
    s->hmap = strtoull(json_string_value(json_object_get(s->meta, "hmap_address")), NULL, 16);
    s->hmap_size = (uint64_t)json_integer_value(
        json_object_get(json_object_get(json_object_get(s->meta, "layout"), "hmap"), "size"));
    for (size_t i = 0; i < s->nranges; i++) {
        if (s->hmap >= s->ranges[i].address && s->hmap - s->ranges[i].address < s->ranges[i].len)
            s->hmap_range = i;
    }
}

static void free_sample(sample *s)
{
    free(s->file.data);
    json_decref(s->meta);
}

/* The file with its META body replaced by `text` (lengths and CRC fixed). */
static void with_meta(const sample *s, const char *text, buffer *out)
{
    const uint8_t *d = s->file.data;
    append(out, d, s->meta_header + 8);
    append_le(out, strlen(text), 8);
    append(out, text, strlen(text));
    size_t rest = s->meta_body + s->meta_len;
    append(out, d + rest, s->file.len - rest);
    fix_crc(out);
}

/* --- the mutations --- */

static uint64_t interesting(uint64_t old)
{
    static const uint64_t values[] = {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 63, 64, 127, 128, 255, 256,
                                      4095, 4096, 65535, 65536, UINT64_C(1) << 24, UINT32_MAX,
                                      UINT64_C(1) << 32, INT64_MAX, UINT64_MAX};
    switch (below(4)) {
    case 0: return old + 1;
    case 1: return old - 1;
    case 2: return old + (uint64_t)below(64) - 32;
    default: return values[below(sizeof values / sizeof values[0])];
    }
}

/* A random leaf of the META tree gets a strange value, or goes away. */
static void mutate_meta_value(json_t *obj)
{
    while (json_object_size(obj) > 0) {
        size_t pick = below(json_object_size(obj)), i = 0;
        const char *key, *chosen = NULL;
        json_t *value, *chosen_value = NULL;
        json_object_foreach(obj, key, value)
        {
            if (i++ == pick) {
                chosen = key;
                chosen_value = value;
                break;
            }
        }
        if (json_is_object(chosen_value) && below(8) != 0) {
            obj = chosen_value; /* go down */
            continue;
        }
        char big[700];
        switch (below(8)) {
        case 0:
            json_object_del(obj, chosen);
            break;
        case 1:
            json_object_set_new(obj, chosen, json_string(below(2) ? "" : "0xffffffffffffffff"));
            break;
        case 2:
            json_object_set_new(obj, chosen, below(2) ? json_true() : json_null());
            break;
        case 3:
            memset(big, 'x', sizeof big - 1);
            big[sizeof big - 1] = '\0';
            json_object_set_new(obj, chosen, json_string(big + below(sizeof big - 1)));
            break;
        case 4:
            json_object_set_new(obj, chosen, json_integer(-(json_int_t)below(3) - 1));
            break;
        default: {
            uint64_t old = json_is_integer(chosen_value) ? (uint64_t)json_integer_value(chosen_value) : 0;
            json_object_set_new(obj, chosen, json_integer((json_int_t)(interesting(old) & INT64_MAX)));
            break;
        }
        }
        return;
    }
}

typedef enum mutation {
    BIT_FLIPS,
    BYTE_SETS,
    INSERT_BYTES,
    DELETE_BYTES,
    REWRITE_LENGTH,
    TRUNCATE,
    META_VALUE,
    META_TEXT,
    MAP_MEMORY,
    MAP_HEADER,
    MUTATION_KINDS
} mutation;

static const char *const mutation_names[] = {
    "bit flips", "byte sets", "inserted bytes", "deleted bytes", "rewritten length or count",
    "truncation", "META value", "META text", "map memory", "hmap header",
};

/* Makes variant `out` of sample `s`. */
static mutation mutate(const sample *s, buffer *out)
{
    mutation kind = (mutation)below(MUTATION_KINDS);
    bool crc = below(8) != 0; /* most variants get a good checksum */
    const buffer *in = &s->file;
    switch (kind) {
    case BIT_FLIPS:
    case BYTE_SETS:
        append(out, in->data, in->len);
        for (size_t n = 1 + below(4); n-- > 0;) {
            size_t at = below(out->len - 4);
            if (kind == BIT_FLIPS)
                out->data[at] ^= (uint8_t)(1u << below(8));
            else
                out->data[at] = (uint8_t)interesting(out->data[at]);
        }
        break;
    case INSERT_BYTES: {
        size_t at = below(in->len), n = 1 + below(16);
        append(out, in->data, at);
        for (size_t i = 0; i < n; i++)
            append_le(out, next_random(), 1);
        append(out, in->data + at, in->len - at);
        break;
    }
    case DELETE_BYTES: {
        size_t at = below(in->len - 4), room = in->len - at - 4; /* never into the checksum */
        size_t n = 1 + below(below(2) && room > 16 ? 16 : room);
        append(out, in->data, at);
        append(out, in->data + at + n, in->len - at - n);
        break;
    }
    case REWRITE_LENGTH: {
        append(out, in->data, in->len);
        size_t field;
        int width = 8;
        switch (below(5)) {
        case 0: field = 8, width = 4; break;  /* version */
        case 1: field = 12, width = 4; break; /* section count */
        case 2: field = s->meta_header + 8; break;
        case 3: field = s->memr_header + 8; break;
        default: field = s->ranges[below(s->nranges)].header + (below(2) ? 8 : 0); break; /* length or address */
        }
        put_le(out->data + field, interesting(get_le(out->data + field, width)), width);
        break;
    }
    case TRUNCATE:
        append(out, in->data, below(in->len));
        break;
    case META_VALUE: {
        json_t *meta = json_deep_copy(s->meta);
        for (size_t n = 1 + below(2); n-- > 0;)
            mutate_meta_value(meta);
        char *text = json_dumps(meta, JSON_PRESERVE_ORDER | JSON_INDENT(1));
        json_decref(meta);
        with_meta(s, text ? text : "", out);
        free(text);
        return kind;
    }
    case META_TEXT: {
        buffer text = {0};
        append(&text, in->data + s->meta_body, s->meta_len);
        size_t at = below(text.len);
        text.data[at] = below(2) ? (uint8_t)"{}[]\",:0123456789\\ "[below(20)] : (uint8_t)next_random();
        append(&text, "", 1);
        with_meta(s, (const char *)text.data, out);
        free(text.data);
        return kind;
    }
    case MAP_MEMORY:
    case MAP_HEADER: {
        append(out, in->data, in->len);
        const range_ref *r = &s->ranges[kind == MAP_HEADER ? s->hmap_range : below(s->nranges)];
        uint64_t first = 0, span = r->len;
        if (kind == MAP_HEADER) {
            first = s->hmap - r->address;
            span = s->hmap_size;
        }
        for (size_t n = 1 + below(3); n-- > 0;) {
            uint8_t *p = out->data + r->header + 16 + first + below((size_t)span);
            if (below(2))
                *p ^= (uint8_t)(1u << below(8));
            else
                *p = (uint8_t)interesting(*p);
        }
        crc = true;
        break;
    }
    default:
        break;
    }
    if (crc)
        fix_crc(out);
    return kind;
}

/* --- running a variant --- */

static char current[160]; /* names the variant being run, for crash reports */

static void name_current(void)
{
    static const char prefix[] = "\ntest_mutations: died on ";
    ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
    ignored = write(STDERR_FILENO, current, strlen(current));
    ignored = write(STDERR_FILENO, "\n", 1);
    (void)ignored;
}

static void on_signal(int sig)
{
    if (sig == SIGALRM) {
        static const char msg[] = "\ntest_mutations: TIMEOUT";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
    }
    name_current();
    signal(sig, SIG_DFL);
    raise(sig == SIGALRM ? SIGABRT : sig);
}

static void check_failure(int rc, const char *what)
{
    const char *message = gmv_error_last();
    if (rc != GMV_ERR_FORMAT || message[0] == '\0' || strpbrk(message, "\r\n")) {
        char shown[1200]; /* the message with control characters made visible */
        size_t n = 0;
        for (const char *p = message; *p && n + 5 < sizeof shown; p++)
            n += (size_t)((unsigned char)*p < 0x20 ? snprintf(shown + n, 5, "\\x%02x", (unsigned char)*p)
                                                   : snprintf(shown + n, 2, "%c", *p));
        shown[n] = '\0';
        fail_msg("%s: %s failed with status %d and message \"%s\" (want GMV_ERR_FORMAT, one line)", current, what,
                 rc, shown);
    }
}

typedef struct outcome {
    uint64_t rejected, models, anomalous;
    uint64_t by_kind[MUTATION_KINDS][2]; /* [kind][0 rejected, 1 model] */
} outcome;

/* What one variant holds while it runs: freed by the next variant or, when
 * a check fails (cmocka jumps out), by the teardown, so a failure reports
 * only itself. */
static struct {
    sample *sample;
    buffer variant;
    gmv_snapshot *snap;
    gmv_model *model;
    char *text;
} held;

static void release_variant(void)
{
    free(held.text);
    gmv_model_free(held.model);
    gmv_snapshot_free(held.snap);
    held.text = NULL;
    held.model = NULL;
    held.snap = NULL;
}

static void run_variant(const buffer *v, mutation kind, outcome *out)
{
    alarm(SECONDS_PER_VARIANT);
    /* An allocation of exactly the variant's size, so ASan sees any read past its end. */
    uint8_t *exact = malloc(v->len ? v->len : 1);
    assert_non_null(exact);
    if (v->len)
        memcpy(exact, v->data, v->len);
    int rc = gmv_snapshot_parse(&held.snap, exact, v->len);
    free(exact);
    if (rc != 0) {
        check_failure(rc, "gmv_snapshot_parse");
        assert_null(held.snap);
        out->rejected++;
        out->by_kind[kind][0]++;
        alarm(0);
        return;
    }
    rc = gmv_snapshot_build_model(&held.model, held.snap, NULL);
    if (rc != 0) {
        check_failure(rc, "gmv_snapshot_build_model");
        release_variant();
        out->rejected++;
        out->by_kind[kind][0]++;
        alarm(0);
        return;
    }
    out->models++;
    out->by_kind[kind][1]++;
    size_t nanomalies = 0;
    gmv_model_anomalies(held.model, &nanomalies);
    out->anomalous += nanomalies > 0;

    size_t len = 0;
    FILE *f = open_memstream(&held.text, &len);
    assert_non_null(f);
    rc = gmv_render_json(f, held.model, gmv_snapshot_origin(held.snap));
    assert_int_equal(fclose(f), 0);
    if (rc != 0)
        fail_msg("%s: gmv_render_json failed: %s", current, gmv_error_last());
    json_error_t error;
    json_t *root =
        json_loadb(held.text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &error);
    if (!root)
        fail_msg("%s: the JSON does not parse: %s (line %d)", current, error.text, error.line);
    json_decref(root);
    free(held.text);
    held.text = NULL;

    f = open_memstream(&held.text, &len);
    assert_non_null(f);
    rc = gmv_render_graph(f, held.model, gmv_snapshot_origin(held.snap), NULL, GMV_GRAPH_DOT);
    assert_int_equal(fclose(f), 0);
    if (rc != 0)
        fail_msg("%s: gmv_render_graph failed: %s", current, gmv_error_last());
    Agraph_t *g = agmemread(held.text);
    if (!g)
        fail_msg("%s: Graphviz cannot read the DOT", current);
    agclose(g);
    release_variant();
    alarm(0);
}

static uint64_t env_number(const char *name, uint64_t fallback)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, NULL, 0) : fallback;
}

static void save_variant(const char *dir, const char *name, size_t i, const buffer *v)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-%05zu.gmvs", dir, name, i);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(v->data, 1, v->len, f);
    assert_int_equal(fclose(f), 0);
}

static void mutated_samples_fail_cleanly(void **state)
{
    const char *name = *state;
    sample *s = held.sample = calloc(1, sizeof *s);
    assert_non_null(s);
    load_sample(s, name);
    uint64_t seed = env_number("GMV_MUTATION_SEED", DEFAULT_SEED);
    size_t count = (size_t)env_number("GMV_MUTATION_COUNT", DEFAULT_COUNT);
    const char *save = getenv("GMV_MUTATION_SAVE");
    rng_state = seed ^ crc32(0L, (const Bytef *)name, (uInt)strlen(name)); /* each sample its own stream */
    outcome out = {0};
    for (size_t i = 0; i < count; i++) {
        held.variant.len = 0;
        mutation kind = mutate(s, &held.variant);
        snprintf(current, sizeof current, "sample %s, variant %zu (%s), seed 0x%llx", name, i, mutation_names[kind],
                 (unsigned long long)seed);
        if (save)
            save_variant(save, name, i, &held.variant);
        run_variant(&held.variant, kind, &out);
    }
    /* The original, too: it must give a model. */
    held.variant.len = 0;
    append(&held.variant, s->file.data, s->file.len);
    snprintf(current, sizeof current, "sample %s, unchanged", name);
    uint64_t models = out.models;
    run_variant(&held.variant, BIT_FLIPS, &out);
    assert_int_equal(out.models, models + 1);
    print_message("%s: %zu variants, %llu rejected, %llu models (%llu with anomalies)\n", name, count,
                  (unsigned long long)out.rejected, (unsigned long long)out.models,
                  (unsigned long long)out.anomalous);
    /* The mutations must reach past the envelope, or the test proves little. */
    if (count >= 100) {
        assert_true(out.models >= count / 10);
        assert_true(out.rejected >= count / 10);
        assert_true(out.by_kind[META_VALUE][0] > 0);
        assert_true(out.by_kind[MAP_HEADER][1] > 0);
    }
}

static int teardown(void **state)
{
    (void)state;
    release_variant();
    free(held.variant.data);
    held.variant = (buffer){0};
    if (held.sample) {
        free_sample(held.sample);
        free(held.sample);
        held.sample = NULL;
    }
    return 0;
}

int main(void)
{
    signal(SIGALRM, on_signal);
#ifdef HAVE_SANITIZER
    __sanitizer_set_death_callback(name_current);
#else
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
#endif
    struct CMUnitTest tests[SAMPLE_COUNT];
    for (size_t i = 0; i < SAMPLE_COUNT; i++) {
        tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate_setup_teardown(mutated_samples_fail_cleanly, NULL,
                                                                               teardown, (void *)samples[i]);
        tests[i].name = samples[i];
    }
    return cmocka_run_group_tests_name("mutations", tests, NULL, NULL);
}
