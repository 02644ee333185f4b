#include "support/fake_swiss.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gmv_layout fake_swiss_layout(uint32_t ptr_size, const char *version, bool split, bool string_keys)
{
    gmv_type s = {.name = "string", .kind = GMV_KIND_STRING, .size = 2 * (uint64_t)ptr_size};
    gmv_type i = {.name = "int64", .kind = GMV_KIND_INT, .size = 8};
    gmv_layout l;
    if (gmv_layout_swiss(&l, ptr_size, version, string_keys ? "map[string]int64" : "map[int64]int64",
                         string_keys ? &s : &i, &i, split) != 0) {
        fprintf(stderr, "fake_swiss_layout: %s\n", gmv_error_last());
        abort();
    }
    return l;
}

void fake_swiss_put_map(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_swiss_map *m)
{
    const gmv_swiss_map_layout *o = &l->swiss.map;
    uint32_t p = l->ptr_size;
    fake_memory_put(mem, addr + o->used, m->used, 8);
    fake_memory_put(mem, addr + o->seed, m->seed, p);
    fake_memory_put(mem, addr + o->dir_ptr, m->dir_ptr, p);
    fake_memory_put(mem, addr + o->dir_len, m->dir_len, p);
    fake_memory_put(mem, addr + o->global_depth, m->global_depth, 1);
    fake_memory_put(mem, addr + o->global_shift, m->global_shift, 1);
    fake_memory_put(mem, addr + o->writing, m->writing, 1);
    if (o->tombstone_possible != GMV_NO_FIELD)
        fake_memory_put(mem, addr + o->tombstone_possible, m->tombstone_possible, 1);
    fake_memory_put(mem, addr + o->clear_seq, m->clear_seq, 8);
}

void fake_swiss_map_header(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_swiss_map *m)
{
    fake_memory_map(mem, addr, l->swiss.map.size);
    fake_swiss_put_map(mem, l, addr, m);
}

void fake_swiss_put_dir_entry(fake_memory *mem, const gmv_layout *l, uint64_t addr, size_t i, uint64_t table)
{
    fake_memory_put(mem, addr + i * l->ptr_size, table, l->ptr_size);
}

void fake_swiss_map_directory(fake_memory *mem, const gmv_layout *l, uint64_t addr, const uint64_t *tables,
                              size_t n)
{
    fake_memory_map(mem, addr, n * l->ptr_size);
    for (size_t i = 0; i < n; i++)
        fake_swiss_put_dir_entry(mem, l, addr, i, tables[i]);
}

void fake_swiss_put_table(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_swiss_table *t)
{
    const gmv_swiss_table_layout *o = &l->swiss.table;
    uint32_t p = l->ptr_size;
    fake_memory_put(mem, addr + o->used, t->used, 2);
    fake_memory_put(mem, addr + o->capacity, t->capacity, 2);
    fake_memory_put(mem, addr + o->growth_left, t->growth_left, 2);
    fake_memory_put(mem, addr + o->local_depth, t->local_depth, 1);
    fake_memory_put(mem, addr + o->index, (uint64_t)t->index, p);
    fake_memory_put(mem, addr + o->groups_data, t->groups_data, p);
    fake_memory_put(mem, addr + o->groups_length_mask, t->length_mask, 8);
}

void fake_swiss_map_table(fake_memory *mem, const gmv_layout *l, uint64_t addr, const fake_swiss_table *t)
{
    fake_memory_map(mem, addr, l->swiss.table.size);
    fake_swiss_put_table(mem, l, addr, t);
}

uint64_t fake_swiss_group(const gmv_layout *l, uint64_t groups, uint64_t i)
{
    return groups + i * l->swiss.group_size;
}

void fake_swiss_map_groups(fake_memory *mem, const gmv_layout *l, uint64_t addr, uint64_t n)
{
    uint8_t *bytes = fake_memory_map(mem, addr, (size_t)(n * l->swiss.group_size));
    for (uint64_t g = 0; g < n; g++)
        memset(bytes + g * l->swiss.group_size + l->swiss.ctrl_offset, FAKE_CTRL_EMPTY, GMV_GROUP_SLOTS);
}

void fake_swiss_put_slot(fake_memory *mem, const gmv_layout *l, uint64_t group, int slot, uint8_t ctrl,
                         const void *key, const void *elem)
{
    *fake_memory_at(mem, group + l->swiss.ctrl_offset + (uint64_t)slot, 1) = ctrl;
    if (key && l->key_slot)
        memcpy(fake_memory_at(mem, group + l->keys_offset + (uint64_t)slot * l->key_stride, l->key_slot), key,
               l->key_slot);
    if (elem && l->elem_slot)
        memcpy(fake_memory_at(mem, group + l->elems_offset + (uint64_t)slot * l->elem_stride, l->elem_slot), elem,
               l->elem_slot);
}

void fake_swiss_put_int(fake_memory *mem, const gmv_layout *l, uint64_t group, int slot, uint8_t ctrl, int64_t key)
{
    int64_t value = key * 10;
    fake_swiss_put_slot(mem, l, group, slot, ctrl, &key, &value);
}

void fake_swiss_put_string(fake_memory *mem, const gmv_layout *l, uint64_t group, int slot, uint8_t ctrl,
                           uint64_t text, uint64_t len, int64_t value)
{
    uint8_t header[16] = {0};
    uint32_t p = l->ptr_size;
    for (uint32_t i = 0; i < p; i++) {
        header[i] = (uint8_t)(text >> (8 * i));
        header[p + i] = (uint8_t)(len >> (8 * i));
    }
    fake_swiss_put_slot(mem, l, group, slot, ctrl, header, &value);
}
