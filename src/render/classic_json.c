/* The classic map's JSON members (docs/json-schema.md): the hmap fields,
 * bucket geometry, chain statistics, each entry's bucket and slot, and every
 * bucket of both arrays. */
#include "render/render_impl.h"

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

void classic_json_map(jw *w, const gmv_model *m)
{
    const gmv_header *h = gmv_model_header(m);
    jw_key(w, "bucket_size"); jw_uint(w, gmv_model_layout(m)->bucket_size);
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
}

void classic_json_layout(jw *w, const gmv_layout *l)
{
    jw_key(w, "keys_offset"); jw_uint(w, l->keys_offset);
    jw_key(w, "elems_offset"); jw_uint(w, l->elems_offset);
    jw_key(w, "overflow_offset"); jw_uint(w, l->overflow_offset);
    jw_key(w, "min_top_hash"); jw_uint(w, l->marks.min_top_hash);
}

void classic_json_stats(jw *w, const gmv_model *m)
{
    const gmv_stats *s = gmv_model_stats(m);
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
}

void classic_json_anomaly_place(jw *w, const gmv_anomaly *a)
{
    jw_key(w, "bucket"); jw_int(w, a->bucket);
    jw_key(w, "old"); jw_bool(w, a->old);
}

void classic_json_entry_place(jw *w, const gmv_model *m, const gmv_entry *e)
{
    (void)m;
    JW_MEMBER(w, ", \"bucket\": "); jw_uint(w, e->bucket);
    JW_MEMBER(w, ", \"slot\": "); jw_uint(w, e->slot);
    JW_MEMBER(w, ", \"overflow_depth\": "); jw_uint(w, e->overflow_depth);
    JW_MEMBER(w, ", \"old\": "); jw_bool(w, e->old);
    JW_MEMBER(w, ", \"tophash\": "); jw_uint(w, e->tophash);
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

void classic_json_structure(jw *w, const gmv_model *m)
{
    jw_key(w, "buckets"); write_array(w, gmv_model_buckets(m), false);
    jw_key(w, "oldbuckets"); write_array(w, gmv_model_oldbuckets(m), true);
    size_t nspares;
    const uint64_t *spares = gmv_model_spare_overflow(m, &nspares);
    jw_key(w, "spare_overflow");
    jw_array_begin(w);
    for (size_t i = 0; i < nspares; i++)
        jw_address(w, spares[i]);
    jw_array_end(w);
}
