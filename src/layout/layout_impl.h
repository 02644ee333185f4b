/* Internal: what the classic and the Swiss layout code share. */
#ifndef GMV_LAYOUT_IMPL_H
#define GMV_LAYOUT_IMPL_H

#include <stddef.h>

#include "gomapviz/layout.h"

/* Copies `src` (NULL: "") into the fixed buffer `dst` of `size` bytes, always
 * terminated. */
void gmv_layout_copy_text(char *dst, size_t size, const char *src);

/* Fills the common part of `out` (zeroing the rest): implementation, pointer
 * size, names, key and value types with their indirection and slot sizes.
 * Returns 0 or GMV_ERR_INVALID (bad pointer size, sizes too large). */
int gmv_layout_common(gmv_layout *out, gmv_map_impl impl, uint32_t ptr_size, const char *go_version,
                      const char *map_type, const gmv_type *key, const gmv_type *elem);

/* Checks the common part: pointer size, each type against its slot, names
 * terminated, and that every one of the 8 cells' key and value lies in
 * [`from`, `block_size`) of its bucket or group. Returns 0 or GMV_ERR_FORMAT. */
int gmv_layout_validate_cells(const gmv_layout *l, uint32_t from, uint32_t block_size);

/* The implementation-specific checks (classic_layout.c, swiss_layout.c).
 * Return 0 or GMV_ERR_FORMAT. */
int gmv_layout_validate_classic(const gmv_layout *l);
int gmv_layout_validate_swiss(const gmv_layout *l);

#endif
