/* Consistency checks of a classic map: the header, the arrays and the entries. */
#include <inttypes.h>

#include "model/model_impl.h"

static bool is_mark(gmv_cell_state s)
{
    return s == GMV_CELL_EVACUATED_X || s == GMV_CELL_EVACUATED_Y || s == GMV_CELL_EVACUATED_EMPTY;
}

/* Flags evacuation marks in the current array, where none may be. */
static void check_new_array(gmv_model *m)
{
    const gmv_array *a = &m->buckets;
    for (size_t r = 0; r < a->nbucket_records; r++) {
        const gmv_bucket *rec = &a->buckets[r];
        for (int i = 0; rec->readable && i < GMV_BUCKET_CELLS; i++) {
            if (is_mark(rec->state[i])) {
                gmv_model_add_anomaly(m, "evacuation_mark_in_new_array", rec->address, -1, false,
                                      "slot %d of bucket 0x%" PRIx64 " carries evacuation mark %u", i,
                                      rec->address, rec->tophash[i]);
                break;
            }
        }
    }
}

/* Checks one old chain: all cells evacuated, or none. */
static void check_old_chain(gmv_model *m, const gmv_chain *c)
{
    const gmv_array *a = &m->oldbuckets;
    for (size_t r = c->first; r < c->first + c->length; r++) {
        const gmv_bucket *rec = &a->buckets[r];
        for (int i = 0; rec->readable && i < GMV_BUCKET_CELLS; i++) {
            gmv_cell_state s = rec->state[i];
            bool mixed = c->evacuated ? s == GMV_CELL_LIVE || s == GMV_CELL_EMPTY_ONE || s == GMV_CELL_EMPTY_REST
                                      : is_mark(s);
            if (mixed) {
                gmv_model_add_anomaly(m, "mixed_evacuation_marks", rec->address, (int64_t)c->index, true,
                                      "old bucket %" PRIu64 " is %s but slot %d says %s", c->index,
                                      c->evacuated ? "evacuated" : "not evacuated", i, gmv_cell_state_name(s));
                return;
            }
            if (s == GMV_CELL_EVACUATED_Y && m->header.same_size_grow) {
                gmv_model_add_anomaly(m, "evacuated_y_in_same_size_grow", rec->address, (int64_t)c->index, true,
                                      "old bucket %" PRIu64 " slot %d went to Y, impossible in a same-size grow",
                                      c->index, i);
                return;
            }
        }
    }
}

/* Checks the old array against nevacuate and the flags. */
static void check_grow(gmv_model *m)
{
    const gmv_header *h = &m->header;
    if (!h->growing) {
        if (h->same_size_grow)
            gmv_model_add_anomaly(m, "same_size_flag_without_grow", h->address, -1, false,
                                  "the sameSizeGrow flag is set but oldbuckets is nil");
        return;
    }
    const gmv_array *a = &m->oldbuckets;
    if (a->nbuckets == 0)
        return;
    if (h->nevacuate >= a->nbuckets)
        gmv_model_add_anomaly(m, "nevacuate_out_of_range", h->address, -1, true,
                              "nevacuate = %" PRIu64 " but the old array has %" PRIu64
                              " buckets: the grow should have ended and oldbuckets be nil",
                              h->nevacuate, a->nbuckets);
    uint64_t below = 0, first = 0;
    for (size_t i = 0; i < a->nchains; i++) {
        const gmv_chain *c = &a->chains[i];
        if (c->index < h->nevacuate && !c->evacuated && c->length && a->buckets[c->first].readable) {
            if (below++ == 0)
                first = c->index;
        }
        check_old_chain(m, c);
    }
    if (below)
        gmv_model_add_anomaly(m, "unevacuated_below_nevacuate", h->oldbuckets, (int64_t)first, true,
                              "%" PRIu64 " old buckets below nevacuate = %" PRIu64 " are not evacuated (first: %" PRIu64 ")",
                              below, h->nevacuate, first);
}

void gmv_classic_check(gmv_model *m)
{
    const gmv_header *h = &m->header;
    if (h->flags & GMV_FLAG_HASH_WRITING)
        gmv_model_add_anomaly(m, "writer_active", h->address, -1, false,
                              "the hashWriting flag is set: a goroutine was writing the map while it was read");
    if (h->count != m->live_count)
        gmv_model_add_anomaly(m, "count_mismatch", h->address, -1, false,
                              "count says %" PRIu64 " entries but %" PRIu64 " live cells were found", h->count,
                              m->live_count);
    if (h->buckets == 0 && h->count != 0)
        gmv_model_add_anomaly(m, "nil_buckets_with_entries", h->address, -1, false,
                              "buckets is nil but count = %" PRIu64, h->count);
    check_new_array(m);
    check_grow(m);
}
