/* The Go version a binary was built with: from the `.go.buildinfo` blob
 * (debug/buildinfo's format), else from the string runtime.buildVersion. */
#include <string.h>

#include "layout/binary_impl.h"

#define BUILDINFO_MAGIC "\xff Go buildinf:"
#define BUILDINFO_MAGIC_LEN 14
#define BUILDINFO_HEADER_LEN 32   /* magic, ptr size, flags, two pointers, padding */
#define BUILDINFO_FLAG_BIG_ENDIAN 1
#define BUILDINFO_FLAG_INLINE 2   /* strings follow the header (Go 1.18+) */

/* Returns true when `s` looks like a Go version: "go1..." or "devel ...". */
static bool plausible_version(const char *s)
{
    return strncmp(s, "go1", 3) == 0 || strncmp(s, "devel", 5) == 0;
}

/* Copies `s` into `out` (`out_size` > 0 bytes), cut to fit and terminated. */
static void copy_cut(char *out, size_t out_size, const char *s)
{
    size_t n = strlen(s);
    if (n >= out_size)
        n = out_size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Decodes an unsigned LEB128 varint from the `len` bytes at `p`. Stores the
 * value and the bytes used; returns -1 when truncated or over 63 bits. */
static int read_uvarint(const uint8_t *p, uint64_t len, uint64_t *value, uint64_t *used)
{
    uint64_t v = 0;
    for (uint64_t i = 0; i < len && i < 9; i++) {
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *value = v;
            *used = i + 1;
            return 0;
        }
    }
    return -1;
}

/* Copies the varint-prefixed string at the start of `p` (`len` bytes) into
 * `out`. Returns 0, or -1 when it does not fit in `p` or in `out`. */
static int inline_string(const uint8_t *p, uint64_t len, char *out, size_t out_size)
{
    uint64_t n = 0, used = 0;
    if (read_uvarint(p, len, &n, &used) != 0 || n > len - used || n >= out_size)
        return -1;
    memcpy(out, p + used, (size_t)n);
    out[n] = '\0';
    return 0;
}

/* The old format: a pointer at offset 16 to a string header in the file. */
static int pointed_string(const gmv_file_image *image, const uint8_t *blob, uint32_t ptr_size,
                          bool big_endian, char *out, size_t out_size)
{
    gmv_file_image view = *image;
    view.big_endian = big_endian;
    uint64_t header = gmv_image_uint(&view, blob + 16, ptr_size);
    return gmv_image_go_string(&view, header, ptr_size, out, out_size);
}

/* Decodes the version from a blob of at least BUILDINFO_HEADER_LEN bytes
 * into `out`, keeping the first `out_size - 1` bytes of a long one.
 * Returns 0 or -1. */
static int decode_blob(const gmv_file_image *image, const uint8_t *blob, uint64_t len,
                       char *out, size_t out_size)
{
    uint32_t ptr_size = blob[14];
    uint8_t flags = blob[15];
    if (flags & BUILDINFO_FLAG_INLINE) {
        char full[256];
        if (inline_string(blob + BUILDINFO_HEADER_LEN, len - BUILDINFO_HEADER_LEN, full,
                          sizeof full) != 0)
            return -1;
        copy_cut(out, out_size, full);
        return 0;
    }
    if (ptr_size != 4 && ptr_size != 8)
        return -1;
    return pointed_string(image, blob, ptr_size, flags & BUILDINFO_FLAG_BIG_ENDIAN, out,
                          out_size);
}

int gmv_buildinfo_version(const gmv_file_image *image, const uint8_t *blob, uint64_t len,
                          char *out, size_t out_size)
{
    if (!blob || len < BUILDINFO_HEADER_LEN || out_size == 0 ||
        memcmp(blob, BUILDINFO_MAGIC, BUILDINFO_MAGIC_LEN) != 0)
        return -1;
    if (decode_blob(image, blob, len, out, out_size) != 0 || !plausible_version(out)) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

/* Returns the file bytes of the section named `name` and its size, or NULL. */
static const uint8_t *section_bytes(const gmv_binary *bin, const char *name, uint64_t *len)
{
    size_t shstrndx = 0;
    if (elf_getshdrstrndx(bin->elf, &shstrndx) != 0)
        return NULL;
    for (Elf_Scn *scn = elf_nextscn(bin->elf, NULL); scn; scn = elf_nextscn(bin->elf, scn)) {
        GElf_Shdr sh;
        const char *sname = gelf_getshdr(scn, &sh) ? elf_strptr(bin->elf, shstrndx, sh.sh_name)
                                                   : NULL;
        if (!sname || strcmp(sname, name) != 0 || sh.sh_type == SHT_NOBITS)
            continue;
        if (sh.sh_offset > bin->image.size || sh.sh_size > bin->image.size - sh.sh_offset)
            return NULL;
        *len = sh.sh_size;
        return bin->image.bytes + sh.sh_offset;
    }
    return NULL;
}

/* Reads runtime.buildVersion, a Go string variable, keeping the first
 * `out_size - 1` bytes of a long one. Returns 0 or -1. */
static int version_from_symbol(const gmv_binary *bin, char *out, size_t out_size)
{
    uint64_t addr = 0;
    char full[256];
    if (!gmv_symtab_find(bin, "runtime.buildVersion", &addr, NULL) ||
        gmv_image_go_string(&bin->image, addr, bin->ptr_size, full, sizeof full) != 0 ||
        !plausible_version(full))
        return -1;
    copy_cut(out, out_size, full);
    return 0;
}

void gmv_binary_read_go_version(gmv_binary *bin)
{
    uint64_t len = 0;
    const uint8_t *blob = section_bytes(bin, ".go.buildinfo", &len);
    char *out = bin->go_version;
    out[0] = '\0';
    if (gmv_buildinfo_version(&bin->image, blob, len, out, sizeof bin->go_version) == 0)
        return;
    version_from_symbol(bin, out, sizeof bin->go_version);
}
