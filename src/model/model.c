/* The model object: building (the one place that chooses the walker of the
 * layout's implementation), accessors, visiting entries, freeing. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "model/model_impl.h"

/* Walks the map at `map_addr` with the walker of the layout's
 * implementation, then checks it. */
static int walk(gmv_builder *b, uint64_t map_addr)
{
    gmv_model *m = b->model;
    int rc = m->layout.impl == GMV_IMPL_SWISS ? gmv_swiss_walk(b, map_addr) : gmv_classic_walk(b, map_addr);
    if (rc == 0)
        rc = b->error;
    return rc;
}

/* Checks and counts a walked model. */
static void finish(gmv_model *m, uint64_t bytes_read)
{
    m->stats.live_entries = m->live_count;
    m->stats.bytes_read = bytes_read;
    if (m->header.nil || m->headers_only)
        return;
    if (m->layout.impl == GMV_IMPL_SWISS) {
        gmv_swiss_check(m);
        gmv_swiss_count(m);
    } else {
        gmv_classic_check(m);
        gmv_classic_count(m);
    }
}

/* Points the builder at the model's types for its key and value: decoded
 * as trees, or flat. */
static void use_types(gmv_builder *b, const gmv_model *m)
{
    b->types = m->types;
    for (int i = 0; i < 2; i++)
        b->tree_type[i] = gmv_type_is_tree(m->types, m->root_type[i]) ? m->root_type[i] : GMV_NO_TYPE;
}

/* True when the key and value types `roots` have the layout's sizes. */
static bool types_fit(const gmv_types *types, const uint32_t roots[2], const gmv_layout *l)
{
    const gmv_go_type *k = gmv_types_at(types, roots[0]);
    const gmv_go_type *e = gmv_types_at(types, roots[1]);
    return k && e && k->size == l->key.size && e->size == l->elem.size;
}

/* What one walk of a map is asked: from `src`, with `layout`, its keys and
 * values decoded through `types` (may be NULL) from the types `roots`, its
 * entries kept or not (and with `release_views`, no group bytes kept
 * either); `outer` lists the maps being read whole around it (--nested). */
typedef struct build_request {
    gmv_source *src;
    const gmv_layout *layout;
    gmv_types *types;
    uint32_t roots[2];
    uint64_t map_addr;
    const gmv_limits *limits;
    bool keep_entries, release_views, headers_only;
    const uint64_t *outer;
    unsigned nouter;
} build_request;

/* True when `types` says where the executable lies in memory: string
 * literals can be told from heap strings, which are counted. */
static bool executable_known(const gmv_types *types)
{
    uint64_t start = 0, end = 0;
    if (types)
        gmv_types_image(types, &start, &end);
    return end > start;
}

/* One walk of the map into a new model, as `req` says. */
static int build_once(gmv_model **out, const build_request *req)
{
    gmv_source *src = req->src;
    const gmv_layout *layout = req->layout;
    gmv_types *types = req->types;
    *out = NULL;
    int rc = gmv_layout_validate(layout);
    if (rc != 0)
        return rc;
    gmv_model *m = calloc(1, sizeof *m);
    if (!m)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory building the model");
    m->layout = *layout;
    if (types && !types_fit(types, req->roots, layout)) {
        free(m);
        return gmv_fail(GMV_ERR_INVALID, "the key and value types given do not have the sizes of the map's (%s)",
                        layout->map_type);
    }
    m->types = types;
    m->root_type[0] = types ? req->roots[0] : GMV_NO_TYPE;
    m->root_type[1] = types ? req->roots[1] : GMV_NO_TYPE;
    for (unsigned i = 0; i < req->nouter && i < GMV_MAX_NESTED_MAPS; i++)
        m->map_path[m->map_path_len++] = req->outer[i];
    m->map_path[m->map_path_len++] = req->map_addr;
    gmv_builder b = {.model = m, .src = src, .limits = gmv_limits_resolve(req->limits),
                     .keep_entries = req->keep_entries, .release_views = req->release_views,
                     .headers_only = req->headers_only};
    m->headers_only = req->headers_only;
    use_types(&b, m);
    b.decode_unkept = gmv_type_reads_more(&layout->key) || gmv_type_reads_more(&layout->elem) ||
                      b.tree_type[0] != GMV_NO_TYPE || b.tree_type[1] != GMV_NO_TYPE;
    b.prefetch = gmv_source_can_prefetch(src) && b.decode_unkept;
    b.count_strings = executable_known(types);
    if (req->map_addr == 0)
        m->header.nil = true;
    else
        rc = walk(&b, req->map_addr);
    gmv_addrset_release(&b.seen);
    gmv_builder_release(&b);
    m->limits = b.limits;
    m->byte_limit_hit = b.byte_limit_hit;
    if (rc != 0) {
        gmv_model_free(m);
        if (rc == GMV_ERR_NOMEM)
            return gmv_fail(rc, "out of memory building the model (lower %s?)",
                            gmv_option_name(GMV_OPTION_MAX_BYTES));
        return rc;
    }
    finish(m, b.bytes_read);
    m->stats.string_bytes = b.string_bytes + (b.tiny_parts + GMV_TINY_PARTS / 2) / GMV_TINY_PARTS;
    m->stats.strings_counted = b.count_strings && !m->header.nil && !m->headers_only;
    *out = m;
    return 0;
}

int gmv_model_build(gmv_model **out, gmv_source *src, const gmv_layout *layout, uint64_t map_addr,
                    const gmv_limits *limits)
{
    build_request req = {.src = src, .layout = layout, .map_addr = map_addr, .limits = limits, .keep_entries = true};
    return build_once(out, &req);
}

int gmv_model_build_with(gmv_model **out, gmv_source *src, const gmv_layout *layout, uint64_t map_addr,
                         const gmv_limits *limits, gmv_entry_mode mode)
{
    return gmv_model_build_typed(out, src, layout, NULL, map_addr, limits, mode);
}

int gmv_model_build_typed(gmv_model **out, gmv_source *src, const gmv_layout *layout, gmv_types *types,
                          uint64_t map_addr, const gmv_limits *limits, gmv_entry_mode mode)
{
    build_request req = {.src = src, .layout = layout, .types = types,
                         .roots = {types ? gmv_types_key(types) : GMV_NO_TYPE,
                                   types ? gmv_types_elem(types) : GMV_NO_TYPE},
                         .map_addr = map_addr, .limits = limits, .keep_entries = mode == GMV_ENTRIES_KEEP,
                         .release_views = mode == GMV_ENTRIES_READ, .headers_only = mode == GMV_HEADERS_ONLY};
    int rc = build_once(out, &req);
    if (mode == GMV_ENTRIES_KEEP || mode == GMV_HEADERS_ONLY)
        return rc;
    if (rc != 0 || mode == GMV_ENTRIES_READ)
        return rc;
    if ((*out)->byte_limit_hit) {
        /* decoding again could read what the build could not: list them */
        gmv_model_free(*out);
        req.keep_entries = true;
        rc = build_once(out, &req);
        if (rc != 0)
            return rc;
        (*out)->entry_source = NULL;
        gmv_source_free(src);
        return 0;
    }
    (*out)->entry_source = src;
    return 0;
}

bool gmv_model_reading(const gmv_model *m, uint64_t addr)
{
    for (unsigned i = 0; i < m->map_path_len; i++)
        if (m->map_path[i] == addr)
            return true;
    return false;
}

int gmv_model_build_nested(gmv_builder *outer, const gmv_layout *layout, const uint32_t roots[2], uint64_t addr,
                           gmv_model **out)
{
    gmv_limits limits = outer->limits;
    limits.max_bytes = outer->bytes_read < limits.max_bytes ? limits.max_bytes - outer->bytes_read : 1;
    limits.nested_maps--;
    /* Its bytes are copied, never lent (the outer walk may hold lent ones);
     * kept entries only where someone will look at them. */
    const gmv_model *around = outer->model;
    build_request req = {.src = outer->src, .layout = layout, .types = outer->types, .roots = {roots[0], roots[1]},
                         .map_addr = addr, .limits = &limits,
                         .keep_entries = outer->keep_entries || !outer->release_views,
                         .outer = around->map_path, .nouter = around->map_path_len};
    int rc = build_once(out, &req);
    if (rc == 0) {
        outer->bytes_read += (*out)->stats.bytes_read;
        outer->byte_limit_hit |= (*out)->byte_limit_hit;
    }
    return rc;
}

/* ---- views ---- */

const gmv_layout *gmv_model_layout(const gmv_model *m) { return &m->layout; }
gmv_map_impl gmv_model_implementation(const gmv_model *m) { return m->layout.impl; }
const gmv_header *gmv_model_header(const gmv_model *m) { return &m->header; }
const gmv_types *gmv_model_types(const gmv_model *m) { return m->types; }
const gmv_array *gmv_model_buckets(const gmv_model *m) { return &m->buckets; }
const gmv_stats *gmv_model_stats(const gmv_model *m) { return &m->stats; }

const gmv_array *gmv_model_oldbuckets(const gmv_model *m)
{
    return m->has_old ? &m->oldbuckets : NULL;
}

const gmv_entry *gmv_model_entries(const gmv_model *m, size_t *count)
{
    *count = m->nentries;
    return m->entries;
}

const uint64_t *gmv_model_spare_overflow(const gmv_model *m, size_t *count)
{
    *count = m->nspares;
    return m->spares;
}

const gmv_anomaly *gmv_model_anomalies(const gmv_model *m, size_t *count)
{
    *count = m->nanomalies;
    return m->anomalies;
}

uint64_t gmv_model_anomalies_dropped(const gmv_model *m)
{
    return m->anomalies_dropped;
}

const gmv_swiss_header *gmv_model_swiss_header(const gmv_model *m)
{
    return m->layout.impl == GMV_IMPL_SWISS ? &m->swiss : NULL;
}

const gmv_dir_entry *gmv_model_directory(const gmv_model *m, size_t *count)
{
    *count = m->ndirectory;
    return m->directory;
}

const gmv_table *gmv_model_tables(const gmv_model *m, size_t *count)
{
    *count = m->ntables;
    return m->tables;
}

const gmv_group *gmv_model_groups(const gmv_model *m, size_t *count)
{
    *count = m->ngroups;
    return m->groups;
}

const gmv_group *gmv_model_small_group(const gmv_model *m)
{
    return gmv_small_group_of(m);
}

uint64_t gmv_model_entry_address(const gmv_model *m, const gmv_entry *e)
{
    return m->layout.impl == GMV_IMPL_SWISS ? gmv_swiss_entry_address(m, e) : gmv_classic_entry_address(m, e);
}

int gmv_model_each_entry(const gmv_model *m, gmv_entry_visitor visit, void *ctx)
{
    if (!m->entry_source) {
        for (size_t i = 0; i < m->nentries; i++) {
            int rc = visit(ctx, &m->entries[i]);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    /* Decoding with scratch buffers changes nothing in the model, and with
     * no byte limit adds no anomaly: the cast does not write through. */
    gmv_builder b = {.model = (gmv_model *)m, .src = m->entry_source, .limits = m->limits};
    b.limits.max_bytes = UINT64_MAX;
    use_types(&b, m);
    int rc = m->layout.impl == GMV_IMPL_SWISS ? gmv_swiss_each_entry(&b, visit, ctx)
                                             : gmv_classic_each_entry(&b, visit, ctx);
    gmv_builder_release(&b);
    return rc;
}

int gmv_model_list_add(gmv_model_list *list, gmv_model *m)
{
    gmv_model **grown = gmv_grow(list->items, &list->cap, list->n, sizeof *grown, 4);
    if (!grown) {
        gmv_model_free(m);
        return GMV_ERR_NOMEM;
    }
    list->items = grown;
    list->items[list->n++] = m;
    return 0;
}

void gmv_model_list_free(gmv_model_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        gmv_model_free(list->items[i]);
    free(list->items);
    *list = (gmv_model_list){0};
}

void gmv_model_free(gmv_model *m)
{
    if (!m)
        return;
    free(m->buckets.chains);
    free(m->buckets.buckets);
    free(m->oldbuckets.chains);
    free(m->oldbuckets.buckets);
    free(m->spares);
    free(m->directory);
    free(m->tables);
    free(m->groups);
    free(m->entries);
    free(m->anomalies);
    gmv_arena_release(&m->arena);
    gmv_source_free(m->entry_source);
    gmv_model_list_free(&m->nested);
    free(m);
}
