/* A diff as JSON (docs/json-schema.md, "The diff"): the entries here, the
 * structure from diff_impl_of(). */
#include "common/error.h"
#include "diff/diff_impl.h"
#include "render/json_model.h"

/* Entries of one kind: added (before == NULL) or removed (after == NULL). */
static void write_entry_list(jw *w, const gmv_diff *d, bool added)
{
    size_t n;
    const gmv_entry_change *c = gmv_diff_changes(d, &n);
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        if (added && !c[i].before)
            json_write_entry(w, c[i].after, d->after);
        else if (!added && !c[i].after)
            json_write_entry(w, c[i].before, d->before);
    }
    jw_array_end(w);
}

static void write_changed(jw *w, const gmv_diff *d)
{
    size_t n;
    const gmv_entry_change *c = gmv_diff_changes(d, &n);
    const gmv_layout *l = gmv_model_layout(d->after);
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        if (!c[i].value_changed)
            continue;
        jw_object_begin(w);
        jw_key(w, "key"); json_write_value(w, &c[i].after->key, l->key.size);
        jw_key(w, "before"); json_write_value(w, &c[i].before->elem, gmv_model_layout(d->before)->elem.size);
        jw_key(w, "after"); json_write_value(w, &c[i].after->elem, l->elem.size);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_moved(jw *w, const gmv_diff *d)
{
    size_t n;
    const gmv_entry_change *c = gmv_diff_changes(d, &n);
    const gmv_layout *l = gmv_model_layout(d->after);
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        if (!c[i].moved)
            continue;
        jw_object_begin(w);
        jw_key(w, "key"); json_write_value(w, &c[i].after->key, l->key.size);
        jw_key(w, "value"); json_write_value(w, &c[i].after->elem, l->elem.size);
        jw_key(w, "from"); diff_impl_of(d)->json_place(w, c[i].before);
        jw_key(w, "to"); diff_impl_of(d)->json_place(w, c[i].after);
        jw_key(w, "destination");
        if (c[i].destination == GMV_DEST_NONE)
            jw_null(w);
        else
            jw_cstring(w, gmv_destination_name(c[i].destination));
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_counts(jw *w, const gmv_diff *d)
{
    gmv_diff_counts c = gmv_diff_count(d);
    jw_object_begin(w);
    jw_key(w, "added"); jw_uint(w, c.added);
    jw_key(w, "removed"); jw_uint(w, c.removed);
    jw_key(w, "changed"); jw_uint(w, c.changed);
    jw_key(w, "moved"); jw_uint(w, c.moved);
    jw_key(w, "unchanged"); jw_uint(w, c.unchanged);
    diff_impl_of(d)->json_counts(w, d);
    jw_object_end(w);
}

static void write_origin(jw *w, const gmv_origin *o)
{
    jw_object_begin(w);
    if (o) {
        jw_key(w, "kind"); jw_cstring(w, o->kind);
        jw_key(w, "variable"); jw_cstring(w, o->variable);
        jw_key(w, "pid"); jw_int(w, o->pid);
        jw_key(w, "core"); jw_cstring(w, o->core);
        jw_key(w, "captured_at"); jw_int(w, o->captured_at);
    }
    jw_object_end(w);
}

int gmv_diff_render_json(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after)
{
    jw w;
    jw_init(&w, out, 2);
    jw_object_begin(&w);
    jw_key(&w, "format"); jw_cstring(&w, "gomapviz-diff");
    jw_key(&w, "version"); jw_uint(&w, 1);
    jw_key(&w, "sources");
    jw_object_begin(&w);
    jw_key(&w, "before"); write_origin(&w, before);
    jw_key(&w, "after"); write_origin(&w, after);
    jw_object_end(&w);
    jw_key(&w, "before"); json_write_map(&w, d->before);
    jw_key(&w, "after"); json_write_map(&w, d->after);
    diff_impl_of(d)->json_structure(&w, d);
    jw_key(&w, "counts"); write_counts(&w, d);
    jw_key(&w, "added"); write_entry_list(&w, d, true);
    jw_key(&w, "removed"); write_entry_list(&w, d, false);
    jw_key(&w, "changed"); write_changed(&w, d);
    jw_key(&w, "moved"); write_moved(&w, d);
    jw_object_end(&w);
    if (jw_finish(&w) != 0)
        return gmv_fail(GMV_ERR_IO, "cannot write the diff");
    return 0;
}
