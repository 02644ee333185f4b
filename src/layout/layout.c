/* A layout, whatever its implementation: names of its parts, the checks of
 * a layout read from a file or DWARF (the one place choosing the classic or
 * the Swiss ones), where a writer marks the map. */

#include "common/error.h"
#include "layout/layout_impl.h"

int gmv_layout_validate(const gmv_layout *l)
{
    if (l->ptr_size != 4 && l->ptr_size != 8)
        return gmv_fail(GMV_ERR_FORMAT, "layout: pointer size %u is neither 4 nor 8", l->ptr_size);
    switch (l->impl) {
    case GMV_IMPL_CLASSIC: return gmv_layout_validate_classic(l);
    case GMV_IMPL_SWISS: return gmv_layout_validate_swiss(l);
    default: return gmv_fail(GMV_ERR_FORMAT, "layout: unknown map implementation %d", (int)l->impl);
    }
}

uint32_t gmv_layout_header_size(const gmv_layout *l)
{
    return l->impl == GMV_IMPL_SWISS ? l->swiss.map.size : l->hmap.size;
}

void gmv_layout_writer_flag(const gmv_layout *l, uint32_t *offset, uint8_t *mask)
{
    if (l->impl == GMV_IMPL_SWISS) {
        *offset = l->swiss.map.writing;
        *mask = 0xff;
    } else {
        *offset = l->hmap.flags;
        *mask = 4; /* hashWriting */
    }
}
