/* Internal: reading Go's DWARF structures, shared by the classic and the
 * Swiss map readers (dwarf_classic.c, dwarf_swiss.c). */
#ifndef GMV_LAYOUT_DWARF_DIE_H
#define GMV_LAYOUT_DWARF_DIE_H

#include "layout/binary_impl.h"

#define GMV_DW_AT_GO_KEY 0x2901
#define GMV_DW_AT_GO_ELEM 0x2902
#define GMV_DWARF_MAX_OFFSET (UINT32_C(1) << 26) /* any larger offset or size is nonsense */
#define GMV_DWARF_MAX_HOPS 16 /* typedef chains followed before giving up */

/* reflect.Kind values (internal/abi) of the Go kind attribute (0x2900). */
enum {
    GMV_GO_KIND_BOOL = 1, GMV_GO_KIND_INT64 = 6, GMV_GO_KIND_UINT64 = 11, GMV_GO_KIND_UINTPTR = 12,
    GMV_GO_KIND_FLOAT64 = 14, GMV_GO_KIND_COMPLEX128 = 16, GMV_GO_KIND_ARRAY = 17, GMV_GO_KIND_CHAN = 18,
    GMV_GO_KIND_FUNC = 19, GMV_GO_KIND_INTERFACE = 20, GMV_GO_KIND_POINTER = 22, GMV_GO_KIND_SLICE = 23,
    GMV_GO_KIND_STRING = 24, GMV_GO_KIND_STRUCT = 25, GMV_GO_KIND_UNSAFE_POINTER = 26
};

/* Follows the alias typedefs the linker adds (typedefs with no Go kind) from
 * `die` to the DIE that describes the type, in place. False when the chain
 * breaks or is too long. */
bool gmv_die_described(Dwarf_Die *die);

/* The length of the array type `die`: its subrange's count, or upper bound
 * + 1. False when the DWARF gives neither. */
bool gmv_die_array_length(Dwarf_Die *die, uint64_t *n);

/* The map type being read: its binary and name, for messages. */
typedef struct gmv_dwarf_ctx {
    const gmv_binary *bin;
    const char *name; /* "map[string]int" */
} gmv_dwarf_ctx;

/* Follows the reference attribute `name` of `die` into `out`. */
bool gmv_die_ref(Dwarf_Die *die, unsigned name, Dwarf_Die *out);

/* Reads the constant attribute `name` of `die` into `out`. */
bool gmv_die_const(Dwarf_Die *die, unsigned name, uint64_t *out);

/* Stores in `out` the type `die` names once every typedef is followed. */
bool gmv_die_strip_typedefs(Dwarf_Die *die, Dwarf_Die *out);

/* From `die` (a member or a typedef), follows DW_AT_type to a pointer and
 * on to the structure it points at, typedefs followed; stores it. */
bool gmv_die_pointee_struct(Dwarf_Die *die, Dwarf_Die *out);

/* The type of member `die`, typedefs followed, if it is a structure. */
bool gmv_die_member_struct(Dwarf_Die *die, Dwarf_Die *out);

/* Finds the member called `name` of the structure `st` and stores it. */
bool gmv_die_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *out);

/* Reads the byte offset of the member `m` (a constant or DW_OP_plus_uconst). */
bool gmv_die_member_location(Dwarf_Die *m, uint64_t *offset);

/* Reads the offset of member `name` of `st` (at most GMV_DWARF_MAX_OFFSET)
 * into `out`. Returns 0 or GMV_ERR_FORMAT naming the structure and the Go
 * versions gomapviz knows. */
int gmv_die_member_offset(const gmv_dwarf_ctx *c, Dwarf_Die *st, const char *name, uint64_t *out);

/* Like gmv_die_member_offset for a member some versions lack: stores
 * GMV_NO_FIELD when it is absent. */
int gmv_die_optional_member_offset(const gmv_dwarf_ctx *c, Dwarf_Die *st, const char *name, uint32_t *out);

/* Reads DW_AT_byte_size of `die` (at most GMV_DWARF_MAX_OFFSET). Returns 0
 * or GMV_ERR_FORMAT. */
int gmv_die_size(const gmv_dwarf_ctx *c, Dwarf_Die *die, uint64_t *out);

/* The size of a value of type `die`: its DW_AT_byte_size, else (typedefs
 * of maps, chans, interfaces...) what it names; a map or a func is a
 * pointer of `ptr_size`. False when the DWARF does not say. */
bool gmv_die_value_size(Dwarf_Die *die, uint32_t ptr_size, uint64_t *out);

/* Reads the array member `name` of `st`, of `count` elements: its byte size
 * into `bytes` and its element type into `element`. Returns 0 or
 * GMV_ERR_FORMAT. */
int gmv_die_array_member(const gmv_dwarf_ctx *c, Dwarf_Die *st, const char *name, uint64_t count,
                         uint64_t *bytes, Dwarf_Die *element);

/* Describes a key (`go_attr` = GMV_DW_AT_GO_KEY) or value (GMV_DW_AT_GO_ELEM)
 * type: from the map typedef's Go attribute when present, else from `cell`,
 * the type the bucket or group stores (a pointer to a type over 128 bytes
 * means the pointee is stored indirectly). Returns 0 or GMV_ERR_FORMAT. */
int gmv_die_cell_type(const gmv_dwarf_ctx *c, Dwarf_Die *map_die, unsigned go_attr, Dwarf_Die *cell,
                      gmv_type *out);

/* The classic reader: fills `out` from the map typedef `map_die` and the
 * `hash<K,V>` structure it points at. Returns 0 or a negative status. */
int gmv_dwarf_classic_layout(const gmv_dwarf_ctx *c, Dwarf_Die *map_die, Dwarf_Die *hash, gmv_layout *out);

/* The Swiss reader: fills `out` from the map typedef `map_die` and the
 * `map<K,V>` structure it points at. Returns 0 or a negative status. */
int gmv_dwarf_swiss_layout(const gmv_dwarf_ctx *c, Dwarf_Die *map_die, Dwarf_Die *map_struct, gmv_layout *out);

#endif
