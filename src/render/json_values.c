/* Keys and values as JSON, by the rules of docs/json-schema.md: flat ones
 * (numbers, strings, hex) and decoded trees (gmv_node, "Keys and values
 * decoded through their types"). */
#include "render/json_model.h"
#include "render/text.h"

static void node(jw *w, const gmv_node *n);

static void type_member(jw *w, const gmv_node *n)
{
    jw_key(w, "type");
    jw_cstring(w, n->type->name);
}

static void address_member(jw *w, const char *key, uint64_t address)
{
    jw_key(w, key);
    jw_address(w, address);
}

static void flag_member(jw *w, const char *key)
{
    jw_key(w, key);
    jw_bool(w, true);
}

/* The note of a node that shows no more, as a member ("cycle": true ...). */
static void note_member(jw *w, const gmv_node *n)
{
    static const char *const keys[] = {[GMV_NODE_CYCLE] = "cycle", [GMV_NODE_DEPTH] = "depth_limit",
                                       [GMV_NODE_UNREADABLE] = "unreadable",
                                       [GMV_NODE_UNKNOWN_TYPE] = "unknown_type", [GMV_NODE_LEFT_OUT] = "left_out"};
    if (n->note > GMV_NODE_NIL && n->note <= GMV_NODE_LEFT_OUT)
        flag_member(w, keys[n->note]);
}

static void elems(jw *w, const gmv_node *n)
{
    jw_array_begin(w);
    for (uint32_t i = 0; i < n->nchildren; i++)
        node(w, &n->children[i]);
    jw_array_end(w);
}

static void integer(jw *w, const gmv_node *n)
{
    if (!n->name) {
        json_write_value(w, &n->value, n->type->size);
        return;
    }
    jw_object_begin(w);
    jw_key(w, "const");
    jw_cstring(w, n->name);
    jw_key(w, "value");
    json_write_value(w, &n->value, n->type->size);
    jw_object_end(w);
}

static void complex_number(jw *w, const gmv_node *n)
{
    bool single = n->type->size == 8;
    jw_object_begin(w);
    jw_key(w, "real");
    jw_double(w, n->value.as.f, single);
    jw_key(w, "imag");
    jw_double(w, n->imag, single);
    jw_object_end(w);
}

/* A slice, or an array cut short: {type, [address], len, [cap], elems, ...}. */
static void listing(jw *w, const gmv_node *n, bool slice)
{
    jw_object_begin(w);
    type_member(w, n);
    if (slice)
        address_member(w, "address", n->address);
    jw_key(w, "len");
    jw_uint(w, n->len);
    if (slice) {
        jw_key(w, "cap");
        jw_uint(w, n->cap);
    }
    jw_key(w, "elems");
    elems(w, n);
    if (n->truncated)
        flag_member(w, "truncated");
    note_member(w, n);
    jw_object_end(w);
}

static void array(jw *w, const gmv_node *n)
{
    if (gmv_node_is_byte_array(n)) { /* bytes */
        jw_object_begin(w);
        jw_key(w, "hex");
        jw_hex(w, n->value.bytes, n->value.len);
        jw_object_end(w);
        return;
    }
    if (!n->truncated && n->note == GMV_NODE_OK) {
        elems(w, n);
        return;
    }
    listing(w, n, false);
}

static void structure(jw *w, const gmv_node *n)
{
    jw_object_begin(w);
    type_member(w, n);
    note_member(w, n);
    jw_key(w, "fields");
    jw_object_begin(w);
    for (uint32_t i = 0; i < n->nchildren && i < n->type->nfields; i++) {
        jw_key(w, n->type->fields[i].name);
        node(w, &n->children[i]);
    }
    jw_object_end(w);
    jw_object_end(w);
}

/* The entries of a map a value holds, read whole: "entries" as the model's
 * own, and how many anomalies its model found. */
static void nested_entries(jw *w, const gmv_model *m)
{
    size_t n = 0, anomalies = 0;
    const gmv_entry *e = gmv_model_entries(m, &n);
    const gmv_layout *l = gmv_model_layout(m);
    jw_key(w, "entries");
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        jw_object_begin(w);
        jw_key(w, "key");
        json_write_value(w, &e[i].key, l->key.size);
        jw_key(w, "value");
        json_write_value(w, &e[i].elem, l->elem.size);
        jw_object_end(w);
    }
    jw_array_end(w);
    gmv_model_anomalies(m, &anomalies);
    if (anomalies) {
        jw_key(w, "anomalies");
        jw_uint(w, anomalies);
    }
}

/* Pointers, chans, funcs and maps: type, address, then what was found there. */
static void reference(jw *w, const gmv_node *n)
{
    jw_object_begin(w);
    type_member(w, n);
    address_member(w, "address", n->address);
    if (n->type->kind == GMV_GO_POINTER && n->nchildren == 1) {
        jw_key(w, "target");
        node(w, &n->children[0]);
    }
    if (n->type->kind == GMV_GO_FUNC && n->note != GMV_NODE_NIL && n->note != GMV_NODE_UNREADABLE) {
        address_member(w, "code", n->code);
        jw_key(w, "func");
        if (n->name)
            jw_cstring(w, n->name);
        else
            jw_null(w);
        if (n->captures) {
            jw_key(w, "captures");
            jw_object_begin(w);
            for (uint32_t i = 0; i < n->nchildren; i++) {
                jw_key(w, n->captures[i].name);
                node(w, &n->children[i]);
            }
            jw_object_end(w);
        }
    }
    if (n->type->kind == GMV_GO_MAP && n->note != GMV_NODE_NIL) {
        jw_key(w, "implementation");
        jw_cstring(w, gmv_map_impl_name(n->type->map_impl));
        if (n->has_count) {
            jw_key(w, "count");
            jw_uint(w, n->count);
        } else {
            flag_member(w, "unreadable");
        }
        if (n->nested)
            nested_entries(w, n->nested);
    } else if (n->type->kind == GMV_GO_CHAN && n->has_count) {
        jw_key(w, "len");
        jw_uint(w, n->len);
        jw_key(w, "cap");
        jw_uint(w, n->cap);
    } else if (n->type->kind == GMV_GO_MAP) {
        jw_key(w, "implementation");
        jw_cstring(w, gmv_map_impl_name(n->type->map_impl));
    }
    note_member(w, n);
    jw_object_end(w);
}

static void interface(jw *w, const gmv_node *n)
{
    if (n->note == GMV_NODE_NIL) {
        jw_null(w);
        return;
    }
    jw_object_begin(w);
    type_member(w, n);
    jw_key(w, "dynamic_type");
    if (n->dynamic)
        jw_cstring(w, n->dynamic->name);
    else
        jw_null(w);
    if (n->nchildren == 1) {
        jw_key(w, "value");
        node(w, &n->children[0]);
    } else {
        address_member(w, "dynamic_type_address", n->dynamic_type);
        address_member(w, "data", n->address);
    }
    note_member(w, n);
    jw_object_end(w);
}

static void node(jw *w, const gmv_node *n)
{
    if (!n->type) {
        jw_object_begin(w);
        flag_member(w, "unknown_type");
        jw_object_end(w);
        return;
    }
    switch (n->type->kind) {
    case GMV_GO_INT:
    case GMV_GO_UINT: integer(w, n); return;
    case GMV_GO_COMPLEX: complex_number(w, n); return;
    case GMV_GO_ARRAY: array(w, n); return;
    case GMV_GO_SLICE: listing(w, n, true); return;
    case GMV_GO_STRUCT: structure(w, n); return;
    case GMV_GO_POINTER:
    case GMV_GO_FUNC:
    case GMV_GO_CHAN:
    case GMV_GO_MAP: reference(w, n); return;
    case GMV_GO_INTERFACE:
    case GMV_GO_EMPTY_INTERFACE: interface(w, n); return;
    default: json_write_value(w, &n->value, n->type->size); return;
    }
}

/* Writes a decoded key or value by the rules of the schema. */
void json_write_value(jw *w, const gmv_value *v, uint64_t size)
{
    if (v->kind == GMV_KIND_NODE) {
        node(w, v->as.node);
        return;
    }
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

