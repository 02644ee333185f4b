/* The model object: anomalies, accessors, freeing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_impl.h"

int gmv_model_add_anomaly(gmv_model *m, const char *kind, uint64_t address, int64_t bucket, bool old,
                          const char *fmt, ...)
{
    if (m->nanomalies >= GMV_MAX_ANOMALIES) {
        m->anomalies_dropped++;
        return 0;
    }
    if (!m->anomalies) {
        m->anomalies = calloc(GMV_MAX_ANOMALIES, sizeof *m->anomalies);
        if (!m->anomalies)
            return GMV_ERR_NOMEM;
    }
    char text[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    size_t len = strlen(text) + 1;
    char *message = gmv_arena_alloc(&m->arena, len);
    if (!message)
        return GMV_ERR_NOMEM;
    memcpy(message, text, len);
    m->anomalies[m->nanomalies++] =
        (gmv_anomaly){.kind = kind, .message = message, .address = address, .bucket = bucket, .old = old};
    return 0;
}

const char *gmv_cell_state_name(gmv_cell_state state)
{
    static const char *const names[] = {"empty_rest", "empty_one", "live",
                                        "evacuated_x", "evacuated_y", "evacuated_empty"};
    return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "unknown";
}

const gmv_layout *gmv_model_layout(const gmv_model *m) { return &m->layout; }
const gmv_header *gmv_model_header(const gmv_model *m) { return &m->header; }
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

uint64_t gmv_model_entry_address(const gmv_model *m, const gmv_entry *e)
{
    const gmv_array *a = e->old ? &m->oldbuckets : &m->buckets;
    if (e->bucket >= a->nchains || a->chains[e->bucket].index != e->bucket ||
        e->overflow_depth >= a->chains[e->bucket].length)
        return 0;
    const gmv_bucket *b = &a->buckets[a->chains[e->bucket].first + e->overflow_depth];
    return b->address + m->layout.keys_offset + (uint64_t)e->slot * m->layout.key_slot;
}

void gmv_model_keep_entry_source(gmv_model *m, gmv_source *src)
{
    m->entry_source = src;
}

/* Decodes again and visits the entries of array `a` (the old one if `old`),
 * in the order a build lists them. */
static int visit_array(gmv_builder *b, const gmv_array *a, bool old, gmv_entry_visitor visit, void *ctx)
{
    for (size_t c = 0; c < a->nchains; c++) {
        const gmv_chain *chain = &a->chains[c];
        if (old && chain->evacuated)
            continue; /* stale cells: not entries */
        for (size_t r = chain->first; r < chain->first + chain->length; r++) {
            const gmv_bucket *rec = &a->buckets[r];
            for (int slot = 0; rec->raw && slot < GMV_BUCKET_CELLS; slot++) {
                if (rec->state[slot] != GMV_CELL_LIVE)
                    continue;
                gmv_entry e;
                int rc = gmv_decode_entry(b, rec, chain->index, slot, old, &e);
                if (rc == 0)
                    rc = visit(ctx, &e);
                if (rc != 0)
                    return rc;
            }
        }
    }
    return 0;
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
    int rc = visit_array(&b, &m->buckets, false, visit, ctx);
    if (rc == 0 && m->has_old)
        rc = visit_array(&b, &m->oldbuckets, true, visit, ctx);
    gmv_builder_release_scratch(&b);
    return rc;
}

/* Frees what one array owns. */
static void array_release(gmv_array *a)
{
    free(a->chains);
    free(a->buckets);
}

void gmv_model_free(gmv_model *m)
{
    if (!m)
        return;
    array_release(&m->buckets);
    array_release(&m->oldbuckets);
    free(m->entries);
    free(m->spares);
    free(m->anomalies);
    gmv_arena_release(&m->arena);
    gmv_source_free(m->entry_source);
    free(m);
}
