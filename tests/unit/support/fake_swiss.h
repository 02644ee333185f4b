/* Test support: writes Swiss-table maps (internal/runtime/maps, Go 1.24+)
 * into a fake address space, laid out by a gmv_layout made with
 * gmv_layout_swiss: a Map header, a directory, tables, and groups with
 * their control bytes, keys and values. Memory must be mapped first
 * (fake_memory_map), except where a function says it maps. */
#ifndef GMV_TEST_FAKE_SWISS_H
#define GMV_TEST_FAKE_SWISS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/layout.h"
#include "support/fake_memory.h"

#define FAKE_CTRL_EMPTY 0x80
#define FAKE_CTRL_DELETED 0xfe

/* The fields of a maps.Map. */
typedef struct fake_swiss_map {
    uint64_t used, seed, dir_ptr, dir_len;
    uint8_t global_depth, global_shift, writing;
    bool tombstone_possible; /* written only if the layout has the field */
    uint64_t clear_seq;
} fake_swiss_map;

/* The fields of a maps.table. */
typedef struct fake_swiss_table {
    uint16_t used, capacity, growth_left;
    uint8_t local_depth;
    int64_t index;
    uint64_t groups_data, length_mask;
} fake_swiss_table;

/* A Swiss layout of map[int64]int64 (`string_keys`: map[string]int64) for
 * pointer size `ptr_size` and Go version `version`; aborts on failure. */
gmv_layout fake_swiss_layout(uint32_t ptr_size, const char *version, bool split, bool string_keys);

/* Maps a Map header at `addr` and writes `m` into it. */
void fake_swiss_map_header(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_swiss_map *m);

/* Writes `m` into the (mapped) Map header at `addr`. */
void fake_swiss_put_map(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_swiss_map *m);

/* Maps a directory of `n` entries at `addr` holding `tables`. */
void fake_swiss_map_directory(fake_memory *mem, const gmv_layout *l, uint64_t addr, const uint64_t *tables,
                              size_t n);

/* Writes directory entry `i` of the (mapped) directory at `addr`. */
void fake_swiss_put_dir_entry(fake_memory *mem, const gmv_layout *l, uint64_t addr, size_t i, uint64_t table);

/* Maps a table header at `addr` and writes `t` into it. */
void fake_swiss_map_table(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_swiss_table *t);

/* Writes `t` into the (mapped) table header at `addr`. */
void fake_swiss_put_table(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_swiss_table *t);

/* Maps `n` groups at `addr`, every control byte empty (0x80). */
void fake_swiss_map_groups(fake_memory *mem, const gmv_layout *l, uint64_t addr, uint64_t n);

/* The address of group `i` of the group array at `groups`. */
uint64_t fake_swiss_group(const gmv_layout *l, uint64_t groups, uint64_t i);

/* Sets slot `slot` of the group at `group`: its control byte, and its key
 * and value cell bytes (of the slot sizes; NULL leaves them). */
void fake_swiss_put_slot(fake_memory *mem, const gmv_layout *l, uint64_t group, int slot, uint8_t ctrl,
                         const void *key, const void *elem);

/* map[int64]int64: slot `slot` full with control byte `ctrl`, key `key`,
 * value key * 10. */
void fake_swiss_put_int(fake_memory *mem, const gmv_layout *l, uint64_t group, int slot, uint8_t ctrl, int64_t key);

/* map[string]int64: slot `slot` full with control byte `ctrl`, its key the
 * string of `len` bytes at `text` (a pointer and a length of the layout's
 * pointer size), value `value`. */
void fake_swiss_put_string(fake_memory *mem, const gmv_layout *l, uint64_t group, int slot, uint8_t ctrl,
                           uint64_t text, uint64_t len, int64_t value);

#endif
