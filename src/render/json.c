/* The model as JSON (docs/json-schema.md), streamed: what both
 * implementations have here, the rest from render_impl_of(). */
#include <string.h>

#include "common/error.h"
#include "gomapviz/render.h"
#include "render/json_model.h"
#include "render/json_writer.h"
#include "render/render_impl.h"


static void write_type(jw *w, const gmv_type *t)
{
    jw_object_begin(w);
    jw_key(w, "name");
    jw_cstring(w, t->name);
    jw_key(w, "kind");
    jw_cstring(w, gmv_kind_name(t->kind));
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

static void write_layout(jw *w, const gmv_model *m)
{
    const gmv_layout *l = gmv_model_layout(m);
    jw_object_begin(w);
    jw_key(w, "key"); write_type(w, &l->key);
    jw_key(w, "elem"); write_type(w, &l->elem);
    render_impl_of(m)->json_layout(w, l);
    jw_object_end(w);
}

void json_write_map(jw *w, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    const gmv_layout *l = gmv_model_layout(m);
    jw_object_begin(w);
    jw_key(w, "implementation"); jw_cstring(w, gmv_map_impl_name(l->impl));
    jw_key(w, "type"); jw_cstring(w, l->map_type);
    jw_key(w, "address"); jw_address(w, h->address);
    jw_key(w, "nil"); jw_bool(w, h->nil);
    jw_key(w, "key_size"); jw_uint(w, l->key.size);
    jw_key(w, "elem_size"); jw_uint(w, l->elem.size);
    render_impl_of(m)->json_map(w, m);
    jw_object_end(w);
}

static void write_stats(jw *w, const gmv_model *m)
{
    const gmv_stats *s = gmv_model_stats(m);
    jw_object_begin(w);
    jw_key(w, "live_entries"); jw_uint(w, s->live_entries);
    render_impl_of(m)->json_stats(w, m);
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
        render_impl_of(m)->json_anomaly_place(w, &a[i]);
        jw_object_end(w);
    }
    jw_array_end(w);
}

void json_write_entry(jw *w, const gmv_entry *e, const gmv_model *m)
{
    const gmv_layout *l = gmv_model_layout(m);
    jw_before_value(w);
    JW_MEMBER(w, "{\"key\": "); json_write_value(w, &e->key, l->key.size);
    JW_MEMBER(w, ", \"value\": "); json_write_value(w, &e->elem, l->elem.size);
    render_impl_of(m)->json_entry_place(w, m, e);
    JW_RAW(w, "}");
}

/* What writing the entries one by one needs. */
typedef struct entry_writer {
    jw *w;
    const gmv_model *model;
    uint64_t written, total;
} entry_writer;

static int write_one_entry(void *ctx, const gmv_entry *e)
{
    entry_writer *ew = ctx;
    json_write_entry(ew->w, e, ew->model);
    if ((++ew->written & 0xffff) == 0)
        gmv_report_progress("entries", ew->written, ew->total);
    return 0;
}

/* Writes every entry, from the model's list or decoded one at a time. */
static int write_entries(jw *w, const gmv_model *m)
{
    entry_writer ew = {.w = w, .model = m, .total = gmv_model_stats(m)->live_entries};
    jw_array_begin(w);
    int rc = gmv_model_each_entry(m, write_one_entry, &ew);
    jw_array_end(w);
    return rc;
}

void render_memory_members(jw *w, const gmv_map_memory *m)
{
    jw_key(w, "capacity"); jw_uint(w, m->capacity);
    jw_key(w, "bytes_held");
    jw_object_begin(w);
    jw_key(w, "header"); jw_uint(w, m->header);
    jw_key(w, "arrays"); jw_uint(w, m->arrays);
    jw_key(w, "overflow"); jw_uint(w, m->overflow);
    jw_key(w, "old_arrays"); jw_uint(w, m->old_arrays);
    jw_key(w, "extra"); jw_uint(w, m->extra);
    jw_key(w, "tables"); jw_uint(w, m->tables);
    jw_key(w, "directory"); jw_uint(w, m->directory);
    jw_key(w, "storage"); jw_uint(w, m->storage);
    jw_key(w, "indirect"); jw_uint(w, m->indirect);
    jw_key(w, "strings"); jw_uint(w, m->strings);
    jw_key(w, "total"); jw_uint(w, m->total);
    jw_object_end(w);
    jw_key(w, "strings_counted"); jw_bool(w, m->strings_counted);
    jw_key(w, "cells_read"); jw_bool(w, m->cells_read);
    jw_key(w, "in_use"); jw_uint(w, m->in_use);
    jw_key(w, "wasted");
    jw_object_begin(w);
    jw_key(w, "empty"); jw_uint(w, m->empty);
    jw_key(w, "deleted"); jw_uint(w, m->deleted);
    jw_key(w, "old"); jw_uint(w, m->old);
    jw_key(w, "spare"); jw_uint(w, m->spare);
    jw_key(w, "total"); jw_uint(w, m->wasted);
    jw_object_end(w);
    jw_key(w, "overhead"); jw_uint(w, m->overhead);
    jw_key(w, "rebuilt"); jw_uint(w, m->rebuilt);
    jw_key(w, "saving"); jw_uint(w, m->saving);
}

/* The map's memory figures, or null for a nil map. */
static void write_memory(jw *w, const gmv_model *m)
{
    if (gmv_model_header(m)->nil) {
        jw_null(w);
        return;
    }
    gmv_map_memory mem;
    gmv_model_memory(m, &mem);
    jw_object_begin(w);
    render_memory_members(w, &mem);
    jw_object_end(w);
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
    jw_key(&w, "layout"); write_layout(&w, m);
    jw_key(&w, "stats"); write_stats(&w, m);
    jw_key(&w, "memory"); write_memory(&w, m);
    jw_key(&w, "anomalies"); write_anomalies(&w, m);
    jw_key(&w, "entries");
    int entries_rc = write_entries(&w, m);
    render_impl_of(m)->json_structure(&w, m);
    jw_object_end(&w);
    if (jw_finish(&w) != 0)
        return gmv_fail(GMV_ERR_IO, "cannot write the JSON output");
    if (entries_rc != 0)
        return gmv_fail(entries_rc, "out of memory decoding the entries");
    return 0;
}
