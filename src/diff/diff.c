/* Matching the entries of two models of one map. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "diff/diff_impl.h"

/* The bytes that identify a key or value: a string's bytes, a float's value
 * (-0 folded into +0), else its raw bytes. Unreadable values have none. */
typedef struct identity {
    const uint8_t *bytes;
    size_t len;
    bool readable;
} identity;

static const uint8_t ZERO[8];

static identity identity_of(const gmv_value *v)
{
    identity id = {.bytes = v->bytes, .len = (size_t)v->len, .readable = v->readable};
    if (v->kind == GMV_KIND_FLOAT && v->readable && v->as.f == 0)
        id.bytes = ZERO;
    return id;
}

static bool same_identity(identity a, identity b)
{
    return a.readable && b.readable && a.len == b.len && (a.len == 0 || memcmp(a.bytes, b.bytes, a.len) == 0);
}

/* FNV-1a over the identity bytes. */
static uint64_t identity_hash(identity id)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < id.len; i++)
        h = (h ^ id.bytes[i]) * UINT64_C(1099511628211);
    return h;
}

/* Before-entries indexed by key: heads[hash & mask] -> next[] lists. */
typedef struct key_index {
    size_t *heads, *next;
    size_t mask;
    bool *matched;
} key_index;

#define NO_INDEX SIZE_MAX

static int index_build(key_index *ix, const gmv_entry *e, size_t n)
{
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    ix->mask = size - 1;
    ix->heads = malloc(size * sizeof *ix->heads);
    ix->next = malloc((n ? n : 1) * sizeof *ix->next);
    ix->matched = calloc(n ? n : 1, sizeof *ix->matched);
    if (!ix->heads || !ix->next || !ix->matched)
        return GMV_ERR_NOMEM;
    for (size_t i = 0; i < size; i++)
        ix->heads[i] = NO_INDEX;
    for (size_t i = n; i-- > 0;) { /* lists keep bucket order */
        size_t slot = identity_hash(identity_of(&e[i].key)) & ix->mask;
        ix->next[i] = ix->heads[slot];
        ix->heads[slot] = i;
    }
    return 0;
}

static void index_free(key_index *ix)
{
    free(ix->heads);
    free(ix->next);
    free(ix->matched);
}

/* Finds the unmatched before-entry with `after`'s key, preferring one with
 * the same value; NO_INDEX if none. */
static size_t index_take(key_index *ix, const gmv_entry *before, const gmv_entry *after)
{
    identity key = identity_of(&after->key), value = identity_of(&after->elem);
    size_t first = NO_INDEX;
    for (size_t i = ix->heads[identity_hash(key) & ix->mask]; i != NO_INDEX; i = ix->next[i]) {
        if (ix->matched[i] || !same_identity(identity_of(&before[i].key), key))
            continue;
        if (same_identity(identity_of(&before[i].elem), value)) {
            first = i;
            break;
        }
        if (first == NO_INDEX)
            first = i;
    }
    if (first != NO_INDEX)
        ix->matched[first] = true;
    return first;
}

static int push_change(gmv_diff *d, gmv_entry_change c)
{
    gmv_entry_change *grown = gmv_grow(d->changes, &d->changes_cap, d->nchanges, sizeof *grown, 64);
    if (!grown)
        return GMV_ERR_NOMEM;
    d->changes = grown;
    d->changes[d->nchanges++] = c;
    return 0;
}

/* The array an entry lives in. */
static const gmv_array *array_of(const gmv_model *m, const gmv_entry *e)
{
    return e->old ? gmv_model_oldbuckets(m) : gmv_model_buckets(m);
}

/* Where a moved entry went, judged by the sizes of the arrays it left and
 * entered: a doubling grow sends bucket i to i (X) or i + old size (Y). */
static gmv_destination destination_of(const gmv_diff *d, const gmv_entry *from, const gmv_entry *to)
{
    const gmv_array *a = array_of(d->before, from), *b = array_of(d->after, to);
    if (!a || !b || a->address == b->address)
        return GMV_DEST_NONE;
    if (b->nbuckets == 2 * a->nbuckets) {
        if (to->bucket == from->bucket)
            return GMV_DEST_X;
        if (to->bucket == from->bucket + a->nbuckets)
            return GMV_DEST_Y;
        return GMV_DEST_ELSEWHERE;
    }
    if (b->nbuckets == a->nbuckets)
        return to->bucket == from->bucket ? GMV_DEST_SAME : GMV_DEST_ELSEWHERE;
    return GMV_DEST_ELSEWHERE;
}

/* Classifies a matched pair; records it unless nothing changed. */
static int compare_pair(gmv_diff *d, const gmv_entry *from, const gmv_entry *to)
{
    gmv_entry_change c = {.before = from, .after = to};
    c.value_changed = !same_identity(identity_of(&from->elem), identity_of(&to->elem));
    c.moved = gmv_model_entry_address(d->before, from) != gmv_model_entry_address(d->after, to);
    if (c.moved)
        c.destination = destination_of(d, from, to);
    if (!c.value_changed && !c.moved) {
        d->unchanged++;
        return 0;
    }
    return push_change(d, c);
}

/* Matches every entry of `after` against `before`. */
static int match_entries(gmv_diff *d)
{
    size_t nb, na;
    const gmv_entry *before = gmv_model_entries(d->before, &nb);
    const gmv_entry *after = gmv_model_entries(d->after, &na);
    key_index ix = {0};
    int rc = index_build(&ix, before, nb);
    for (size_t i = 0; rc == 0 && i < na; i++) {
        size_t j = index_take(&ix, before, &after[i]);
        rc = j == NO_INDEX ? push_change(d, (gmv_entry_change){.after = &after[i]})
                           : compare_pair(d, &before[j], &after[i]);
    }
    for (size_t j = 0; rc == 0 && j < nb; j++) {
        if (!ix.matched[j])
            rc = push_change(d, (gmv_entry_change){.before = &before[j]});
    }
    index_free(&ix);
    return rc;
}

/* Records every bucket index whose chain length differs between the two
 * current arrays. */
static int compare_chains(gmv_diff *d)
{
    const gmv_array *a = gmv_model_buckets(d->before), *b = gmv_model_buckets(d->after);
    size_t n = a->nchains > b->nchains ? a->nchains : b->nchains;
    d->chains = malloc((n ? n : 1) * sizeof *d->chains);
    if (!d->chains)
        return GMV_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        uint64_t before = i < a->nchains ? a->chains[i].length : 0;
        uint64_t after = i < b->nchains ? b->chains[i].length : 0;
        if (before != after)
            d->chains[d->nchains++] = (gmv_chain_change){.bucket = i, .before = before, .after = after};
    }
    return 0;
}

/* Refuses to compare two different maps. */
static int check_same_map(const gmv_model *a, const gmv_model *b)
{
    const gmv_layout *la = gmv_model_layout(a), *lb = gmv_model_layout(b);
    const gmv_header *ha = gmv_model_header(a), *hb = gmv_model_header(b);
    if (strcmp(la->map_type, lb->map_type) != 0 || la->ptr_size != lb->ptr_size)
        return gmv_fail(GMV_ERR_INVALID, "the snapshots hold different map types (%s and %s); pass --force to compare anyway",
                        la->map_type, lb->map_type);
    if (ha->address != hb->address)
        return gmv_fail(GMV_ERR_INVALID,
                        "the snapshots are of different maps (hmap at 0x%" PRIx64 " and 0x%" PRIx64
                        "); pass --force to compare anyway",
                        ha->address, hb->address);
    return 0;
}

int gmv_diff_build(gmv_diff **out, const gmv_model *before, const gmv_model *after, bool force)
{
    *out = NULL;
    int rc = force ? 0 : check_same_map(before, after);
    if (rc != 0)
        return rc;
    const gmv_type *ka = &gmv_model_layout(before)->key, *kb = &gmv_model_layout(after)->key;
    if (ka->kind != kb->kind || ka->size != kb->size)
        return gmv_fail(GMV_ERR_INVALID, "the snapshots' keys are of different types (%s and %s): entries cannot be matched",
                        ka->name, kb->name);
    gmv_diff *d = calloc(1, sizeof *d);
    if (!d)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory comparing the snapshots");
    d->before = before;
    d->after = after;
    rc = match_entries(d);
    if (rc == 0)
        rc = compare_chains(d);
    if (rc != 0) {
        gmv_diff_free(d);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory comparing the snapshots");
    }
    *out = d;
    return 0;
}

void gmv_diff_free(gmv_diff *d)
{
    if (!d)
        return;
    free(d->changes);
    free(d->chains);
    free(d);
}

const gmv_model *gmv_diff_before(const gmv_diff *d) { return d->before; }
const gmv_model *gmv_diff_after(const gmv_diff *d) { return d->after; }

const gmv_entry_change *gmv_diff_changes(const gmv_diff *d, size_t *count)
{
    *count = d->nchanges;
    return d->changes;
}

const gmv_chain_change *gmv_diff_chain_changes(const gmv_diff *d, size_t *count)
{
    *count = d->nchains;
    return d->chains;
}

gmv_diff_counts gmv_diff_count(const gmv_diff *d)
{
    gmv_diff_counts c = {.unchanged = d->unchanged};
    for (size_t i = 0; i < d->nchanges; i++) {
        const gmv_entry_change *x = &d->changes[i];
        c.added += !x->before;
        c.removed += !x->after;
        c.changed += x->value_changed;
        c.moved += x->moved;
        c.to_x += x->destination == GMV_DEST_X;
        c.to_y += x->destination == GMV_DEST_Y;
        c.to_same += x->destination == GMV_DEST_SAME;
        c.elsewhere += x->destination == GMV_DEST_ELSEWHERE;
    }
    return c;
}

const char *gmv_destination_name(gmv_destination dest)
{
    switch (dest) {
    case GMV_DEST_X: return "X";
    case GMV_DEST_Y: return "Y";
    case GMV_DEST_SAME: return "same";
    case GMV_DEST_ELSEWHERE: return "elsewhere";
    default: return "";
    }
}
