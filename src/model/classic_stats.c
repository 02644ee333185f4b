/* Statistics over a built classic model. */
#include "model/model_impl.h"

/* Counts the chains and cells of the current array. */
static void count_current(gmv_stats *s, const gmv_array *a)
{
    uint64_t chain_total = 0;
    for (size_t i = 0; i < a->nchains; i++) {
        uint64_t len = a->chains[i].length;
        chain_total += len;
        if (len > s->max_chain_length)
            s->max_chain_length = len;
        s->chain_length_histogram[len >= 9 ? 8 : (len ? len - 1 : 0)]++;
    }
    s->overflow_buckets = a->nbucket_records - a->nchains;
    s->average_chain_length = a->nchains ? (double)chain_total / (double)a->nchains : 0.0;
    for (size_t r = 0; r < a->nbucket_records; r++) {
        const gmv_bucket *rec = &a->buckets[r];
        for (int i = 0; rec->readable && i < GMV_BUCKET_CELLS; i++) {
            if (rec->state[i] == GMV_CELL_EMPTY_ONE)
                s->deleted_cells++;
            if (rec->state[i] == GMV_CELL_EMPTY_ONE || rec->state[i] == GMV_CELL_EMPTY_REST)
                s->empty_cells++;
        }
    }
}

void gmv_classic_count(gmv_model *m)
{
    gmv_stats *s = &m->stats;
    s->buckets = m->buckets.nbuckets;
    s->spare_overflow_buckets = m->nspares;
    s->load_factor = s->buckets ? (double)m->header.count / (double)s->buckets : 0.0;
    count_current(s, &m->buckets);
    if (!m->has_old)
        return;
    s->old_buckets = m->oldbuckets.nbuckets;
    s->old_overflow_buckets = m->oldbuckets.nbucket_records - m->oldbuckets.nchains;
    for (size_t i = 0; i < m->oldbuckets.nchains; i++)
        s->evacuated_old_buckets += m->oldbuckets.chains[i].evacuated;
}
