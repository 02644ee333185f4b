/* The model as JSON (docs/json-schema.md), streamed. */
#include <string.h>

#include "common/error.h"
#include "gomapviz/render.h"
#include "render/json_model.h"
#include "render/json_writer.h"

static const char *const kind_names[] = {"other", "int", "uint", "bool", "float", "string", "pointer"};

/* Writes a decoded key or value by the rules of the schema. */
void json_write_value(jw *w, const gmv_value *v, uint64_t size)
{
    if (!v->readable) {
        jw_object_begin(w);
        jw_key(w, "unreadable");
        jw_bool(w, true);
        if (v->kind != GMV_KIND_STRING && v->address) { /* an indirect value */
            jw_key(w, "address");
            jw_address(w, v->address);
        }
        jw_object_end(w);
        return;
    }
    switch (v->kind) {
    case GMV_KIND_INT: jw_int(w, v->as.i); return;
    case GMV_KIND_UINT: jw_uint(w, v->as.u); return;
    case GMV_KIND_BOOL: jw_bool(w, v->as.b); return;
    case GMV_KIND_FLOAT: jw_double(w, v->as.f, size == 4); return;
    case GMV_KIND_POINTER: jw_address(w, v->as.u); return;
    case GMV_KIND_STRING:
        if (!v->truncated && jw_is_utf8(v->bytes, (size_t)v->len)) {
            jw_string(w, (const char *)v->bytes, (size_t)v->len);
            return;
        }
        break;
    default:
        break;
    }
    jw_object_begin(w);
    jw_key(w, "hex");
    jw_hex(w, v->bytes, (size_t)v->len);
    if (v->truncated) {
        jw_key(w, "truncated");
        jw_bool(w, true);
        jw_key(w, "len");
        jw_uint(w, v->full_len);
    }
    jw_object_end(w);
}

static void write_type(jw *w, const gmv_type *t)
{
    jw_object_begin(w);
    jw_key(w, "name");
    jw_cstring(w, t->name);
    jw_key(w, "kind");
    jw_cstring(w, kind_names[t->kind]);
    jw_key(w, "size");
    jw_uint(w, t->size);
    jw_key(w, "indirect");
    jw_bool(w, t->indirect);
    jw_object_end(w);
}

static void write_source(jw *w, const gmv_origin *o, const gmv_layout *l)
{
    jw_object_begin(w);
    if (o) {
        jw_key(w, "kind");
        jw_cstring(w, o->kind);
        jw_key(w, "variable");
        jw_cstring(w, o->variable);
        jw_key(w, "variable_address");
        jw_address(w, o->variable_address);
        jw_key(w, "executable");
        jw_cstring(w, o->executable);
        jw_key(w, "core");
        jw_cstring(w, o->core);
        jw_key(w, "pid");
        jw_int(w, o->pid);
        jw_key(w, "captured_at");
        jw_int(w, o->captured_at);
        jw_key(w, "frozen");
        jw_bool(w, o->frozen);
        jw_key(w, "writer_retries");
        jw_uint(w, o->writer_retries);
    }
    jw_key(w, "go_version");
    jw_cstring(w, l->go_version);
    jw_key(w, "ptr_size");
    jw_uint(w, l->ptr_size);
    jw_object_end(w);
}

static void write_flag_names(jw *w, uint8_t flags)
{
    static const char *const names[] = {"iterator", "oldIterator", "hashWriting", "sameSizeGrow"};
    jw_array_begin(w);
    for (int bit = 0; bit < 8; bit++) {
        if (flags & (1u << bit)) {
            if (bit < 4)
                jw_cstring(w, names[bit]);
            else
                jw_uint(w, 1u << bit);
        }
    }
    jw_array_end(w);
}

void json_write_map(jw *w, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    const gmv_layout *l = gmv_model_layout(m);
    jw_object_begin(w);
    jw_key(w, "type"); jw_cstring(w, l->map_type);
    jw_key(w, "address"); jw_address(w, h->address);
    jw_key(w, "nil"); jw_bool(w, h->nil);
    jw_key(w, "key_size"); jw_uint(w, l->key.size);
    jw_key(w, "elem_size"); jw_uint(w, l->elem.size);
    jw_key(w, "bucket_size"); jw_uint(w, l->bucket_size);
    jw_key(w, "count"); jw_uint(w, h->count);
    jw_key(w, "flags"); jw_uint(w, h->flags);
    jw_key(w, "flag_names"); write_flag_names(w, h->flags);
    jw_key(w, "B"); jw_uint(w, h->B);
    jw_key(w, "noverflow"); jw_uint(w, h->noverflow);
    jw_key(w, "hash0"); jw_uint(w, h->hash0);
    jw_key(w, "buckets"); jw_address(w, h->buckets);
    jw_key(w, "oldbuckets"); jw_address(w, h->oldbuckets);
    jw_key(w, "nevacuate"); jw_uint(w, h->nevacuate);
    jw_key(w, "extra"); jw_address(w, h->extra);
    jw_key(w, "next_overflow"); jw_address(w, h->next_overflow);
    jw_key(w, "growing"); jw_bool(w, h->growing);
    jw_key(w, "same_size_grow"); jw_bool(w, h->same_size_grow);
    jw_object_end(w);
}

static void write_layout(jw *w, const gmv_layout *l)
{
    jw_object_begin(w);
    jw_key(w, "key"); write_type(w, &l->key);
    jw_key(w, "elem"); write_type(w, &l->elem);
    jw_key(w, "keys_offset"); jw_uint(w, l->keys_offset);
    jw_key(w, "elems_offset"); jw_uint(w, l->elems_offset);
    jw_key(w, "overflow_offset"); jw_uint(w, l->overflow_offset);
    jw_key(w, "min_top_hash"); jw_uint(w, l->marks.min_top_hash);
    jw_object_end(w);
}

static void write_stats(jw *w, const gmv_model *m)
{
    const gmv_stats *s = gmv_model_stats(m);
    jw_object_begin(w);
    jw_key(w, "live_entries"); jw_uint(w, s->live_entries);
    jw_key(w, "load_factor"); jw_double(w, s->load_factor, false);
    jw_key(w, "buckets"); jw_uint(w, s->buckets);
    jw_key(w, "overflow_buckets"); jw_uint(w, s->overflow_buckets);
    jw_key(w, "max_chain_length"); jw_uint(w, s->max_chain_length);
    jw_key(w, "average_chain_length"); jw_double(w, s->average_chain_length, false);
    jw_key(w, "chain_length_histogram");
    jw_array_begin(w);
    for (int i = 0; i < 9; i++)
        jw_uint(w, s->chain_length_histogram[i]);
    jw_array_end(w);
    jw_key(w, "empty_cells"); jw_uint(w, s->empty_cells);
    jw_key(w, "deleted_cells"); jw_uint(w, s->deleted_cells);
    jw_key(w, "spare_overflow_buckets"); jw_uint(w, s->spare_overflow_buckets);
    jw_key(w, "old_buckets"); jw_uint(w, s->old_buckets);
    jw_key(w, "old_overflow_buckets"); jw_uint(w, s->old_overflow_buckets);
    jw_key(w, "evacuated_old_buckets"); jw_uint(w, s->evacuated_old_buckets);
    jw_key(w, "bytes_read"); jw_uint(w, s->bytes_read);
    jw_key(w, "anomalies_dropped"); jw_uint(w, gmv_model_anomalies_dropped(m));
    jw_object_end(w);
}

static void write_anomalies(jw *w, const gmv_model *m)
{
    size_t n;
    const gmv_anomaly *a = gmv_model_anomalies(m, &n);
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        jw_object_begin(w);
        jw_key(w, "kind"); jw_cstring(w, a[i].kind);
        jw_key(w, "message"); jw_cstring(w, a[i].message);
        jw_key(w, "address"); jw_address(w, a[i].address);
        jw_key(w, "bucket"); jw_int(w, a[i].bucket);
        jw_key(w, "old"); jw_bool(w, a[i].old);
        jw_object_end(w);
    }
    jw_array_end(w);
}

void json_write_entry(jw *w, const gmv_entry *e, const gmv_layout *l)
{
    jw_before_value(w);
    JW_MEMBER(w, "{\"key\": "); json_write_value(w, &e->key, l->key.size);
    JW_MEMBER(w, ", \"value\": "); json_write_value(w, &e->elem, l->elem.size);
    JW_MEMBER(w, ", \"bucket\": "); jw_uint(w, e->bucket);
    JW_MEMBER(w, ", \"slot\": "); jw_uint(w, e->slot);
    JW_MEMBER(w, ", \"overflow_depth\": "); jw_uint(w, e->overflow_depth);
    JW_MEMBER(w, ", \"old\": "); jw_bool(w, e->old);
    JW_MEMBER(w, ", \"tophash\": "); jw_uint(w, e->tophash);
    JW_RAW(w, "}");
}

/* What writing the entries one by one needs. */
typedef struct entry_writer {
    jw *w;
    const gmv_layout *layout;
    uint64_t written, total;
} entry_writer;

static int write_one_entry(void *ctx, const gmv_entry *e)
{
    entry_writer *ew = ctx;
    json_write_entry(ew->w, e, ew->layout);
    if ((++ew->written & 0xffff) == 0)
        gmv_report_progress("entries", ew->written, ew->total);
    return 0;
}

/* Writes every entry, from the model's list or decoded one at a time. */
static int write_entries(jw *w, const gmv_model *m)
{
    entry_writer ew = {.w = w, .layout = gmv_model_layout(m), .total = gmv_model_stats(m)->live_entries};
    jw_array_begin(w);
    int rc = gmv_model_each_entry(m, write_one_entry, &ew);
    jw_array_end(w);
    return rc;
}

/* A cell state as its JSON string (gmv_cell_state_name, quoted). */
static void write_state(jw *w, uint8_t state)
{
    static const struct {
        const char *json;
        size_t len;
    } quoted[] = {
#define QUOTED(name) {"\"" name "\"", sizeof name + 1}
        QUOTED("empty_rest"), QUOTED("empty_one"), QUOTED("live"),
        QUOTED("evacuated_x"), QUOTED("evacuated_y"), QUOTED("evacuated_empty"),
#undef QUOTED
    };
    if (state < sizeof quoted / sizeof quoted[0])
        jw_literal(w, quoted[state].json, quoted[state].len);
    else
        jw_cstring(w, gmv_cell_state_name(state));
}

/* One bucket record; written by hand (see JW_MEMBER): millions of them. */
static void write_record(jw *w, const gmv_bucket *b)
{
    jw_before_value(w);
    JW_MEMBER(w, "{\"address\": "); jw_address(w, b->address);
    JW_MEMBER(w, ", \"depth\": "); jw_uint(w, b->depth);
    JW_MEMBER(w, ", \"readable\": "); jw_bool(w, b->readable);
    if (b->readable) {
        JW_MEMBER(w, ", \"tophash\": [");
        for (int i = 0; i < GMV_BUCKET_CELLS; i++) {
            if (i > 0)
                JW_MEMBER(w, ", ");
            jw_uint(w, b->tophash[i]);
        }
        JW_MEMBER(w, "], \"states\": [");
        for (int i = 0; i < GMV_BUCKET_CELLS; i++) {
            if (i > 0)
                JW_MEMBER(w, ", ");
            write_state(w, b->state[i]);
        }
        JW_MEMBER(w, "], \"overflow\": "); jw_address(w, b->overflow);
    }
    JW_RAW(w, "}");
}

static void write_array(jw *w, const gmv_array *a, bool old)
{
    jw_array_begin(w);
    for (size_t i = 0; a && i < a->nchains; i++) {
        const gmv_chain *c = &a->chains[i];
        jw_before_value(w);
        JW_MEMBER(w, "{\"index\": "); jw_uint(w, c->index);
        if (old) {
            JW_MEMBER(w, ", \"evacuated\": "); jw_bool(w, c->evacuated);
        }
        JW_MEMBER(w, ", \"truncated\": "); jw_bool(w, c->truncated);
        JW_MEMBER(w, ", \"chain\": ");
        jw_array_begin(w);
        for (size_t r = c->first; r < c->first + c->length; r++)
            write_record(w, &a->buckets[r]);
        jw_array_end(w);
        JW_RAW(w, "}");
    }
    jw_array_end(w);
}

int gmv_render_json(FILE *out, const gmv_model *m, const gmv_origin *origin)
{
    jw w;
    jw_init(&w, out, 2);
    jw_object_begin(&w);
    jw_key(&w, "format"); jw_cstring(&w, "gomapviz-model");
    jw_key(&w, "version"); jw_uint(&w, 1);
    jw_key(&w, "source"); write_source(&w, origin, gmv_model_layout(m));
    jw_key(&w, "map"); json_write_map(&w, m);
    jw_key(&w, "layout"); write_layout(&w, gmv_model_layout(m));
    jw_key(&w, "stats"); write_stats(&w, m);
    jw_key(&w, "anomalies"); write_anomalies(&w, m);
    jw_key(&w, "entries");
    int entries_rc = write_entries(&w, m);
    jw_key(&w, "buckets"); write_array(&w, gmv_model_buckets(m), false);
    jw_key(&w, "oldbuckets"); write_array(&w, gmv_model_oldbuckets(m), true);
    size_t nspares;
    const uint64_t *spares = gmv_model_spare_overflow(m, &nspares);
    jw_key(&w, "spare_overflow");
    jw_array_begin(&w);
    for (size_t i = 0; i < nspares; i++)
        jw_address(&w, spares[i]);
    jw_array_end(&w);
    jw_object_end(&w);
    if (jw_finish(&w) != 0)
        return gmv_fail(GMV_ERR_IO, "cannot write the JSON output");
    if (entries_rc != 0)
        return gmv_fail(entries_rc, "out of memory decoding the entries");
    return 0;
}
