/* Comparing two models of one map: matching their entries (the same for
 * both implementations), and the one place that picks what each
 * implementation compares and writes (diff_impl_of). */
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

/* Classifies a matched pair; records it unless nothing changed. */
static int compare_pair(gmv_diff *d, const gmv_entry *from, const gmv_entry *to)
{
    gmv_entry_change c = {.before = from, .after = to};
    c.value_changed = !same_identity(identity_of(&from->elem), identity_of(&to->elem));
    c.moved = gmv_model_entry_address(d->before, from) != gmv_model_entry_address(d->after, to);
    if (c.moved)
        c.destination = diff_impl_of(d)->destination(d, from, to);
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

/* Refuses to compare two different maps. */
static int check_same_map(const gmv_model *a, const gmv_model *b)
{
    const gmv_layout *la = gmv_model_layout(a), *lb = gmv_model_layout(b);
    const gmv_header *ha = gmv_model_header(a), *hb = gmv_model_header(b);
    if (strcmp(la->map_type, lb->map_type) != 0 || la->ptr_size != lb->ptr_size)
        return gmv_fail(GMV_ERR_INVALID, "the snapshots hold different map types (%s and %s); pass %s to compare anyway",
                        la->map_type, lb->map_type, gmv_option_name(GMV_OPTION_FORCE));
    if (ha->address != hb->address)
        return gmv_fail(GMV_ERR_INVALID,
                        "the snapshots are of different maps (headers at 0x%" PRIx64 " and 0x%" PRIx64
                        "); pass %s to compare anyway",
                        ha->address, hb->address, gmv_option_name(GMV_OPTION_FORCE));
    return 0;
}

int gmv_diff_build(gmv_diff **out, const gmv_model *before, const gmv_model *after, bool force)
{
    *out = NULL;
    if (gmv_model_implementation(before) != gmv_model_implementation(after))
        return gmv_fail(GMV_ERR_INVALID, "one snapshot holds a %s map and the other a %s map (built by different Go "
                        "versions or GOEXPERIMENTs?): their structures cannot be compared",
                        gmv_model_implementation(before) == GMV_IMPL_SWISS ? "Swiss-table" : "classic",
                        gmv_model_implementation(after) == GMV_IMPL_SWISS ? "Swiss-table" : "classic");
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
    rc = diff_impl_of(d)->compare_structure(d); /* first: where entries went depends on it */
    if (rc == 0)
        rc = match_entries(d);
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
    free(d->tables);
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

const gmv_table_change *gmv_diff_table_changes(const gmv_diff *d, size_t *count)
{
    *count = d->ntables;
    return d->tables;
}

const char *gmv_table_fate_name(gmv_table_fate fate)
{
    static const char *const names[] = {"kept", "grown", "split", "replaced", "gone"};
    return (unsigned)fate < sizeof names / sizeof names[0] ? names[fate] : "unknown";
}

static const diff_impl classic = {
    .destination = classic_diff_destination,
    .compare_structure = classic_diff_compare_structure,
    .text_summary = classic_diff_text_summary,
    .text_place = classic_diff_text_place,
    .json_place = classic_diff_json_place,
    .json_counts = classic_diff_json_counts,
    .json_structure = classic_diff_json_structure,
    .render_graph = classic_diff_graph,
};

static const diff_impl swiss = {
    .destination = swiss_diff_destination,
    .compare_structure = swiss_diff_compare_structure,
    .text_summary = swiss_diff_text_summary,
    .text_place = swiss_diff_text_place,
    .json_place = swiss_diff_json_place,
    .json_counts = swiss_diff_json_counts,
    .json_structure = swiss_diff_json_structure,
    .render_graph = swiss_diff_graph,
};

const diff_impl *diff_impl_of(const gmv_diff *d)
{
    return gmv_model_implementation(d->after) == GMV_IMPL_SWISS ? &swiss : &classic;
}

int gmv_diff_render_graph(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after,
                          gmv_graph_format format)
{
    if (format == GMV_GRAPH_HTML)
        return gmv_fail(GMV_ERR_INVALID, "a diff's page is written by gmv_diff_render_html, not gmv_diff_render_graph");
    return diff_impl_of(d)->render_graph(out, d, before, after, format);
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
        c.to_grown += x->destination == GMV_DEST_GROWN;
        c.to_left += x->destination == GMV_DEST_LEFT;
        c.to_right += x->destination == GMV_DEST_RIGHT;
        c.to_table += x->destination == GMV_DEST_TABLE;
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
    case GMV_DEST_GROWN: return "grown";
    case GMV_DEST_LEFT: return "left";
    case GMV_DEST_RIGHT: return "right";
    case GMV_DEST_TABLE: return "table";
    default: return "";
    }
}
