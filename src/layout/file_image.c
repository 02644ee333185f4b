/* The bytes of an ELF file by link-time address, and its symbol table. */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "layout/binary_impl.h"

const uint8_t *gmv_image_at(const gmv_file_image *image, uint64_t vaddr, uint64_t len)
{
    for (size_t i = 0; i < image->nranges; i++) {
        const gmv_file_range *r = &image->ranges[i];
        if (vaddr < r->vaddr || vaddr - r->vaddr > r->size || len > r->size - (vaddr - r->vaddr))
            continue;
        return image->bytes + r->offset + (vaddr - r->vaddr);
    }
    return NULL;
}

uint64_t gmv_image_uint(const gmv_file_image *image, const uint8_t *p, uint32_t size)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < size; i++) {
        uint32_t at = image->big_endian ? i : size - 1 - i;
        v = (v << 8) | p[at];
    }
    return v;
}

/* Returns true when every byte of `s` (`len` bytes) is printable ASCII. */
static bool printable(const uint8_t *s, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++) {
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    }
    return true;
}

int gmv_image_go_string(const gmv_file_image *image, uint64_t vaddr, uint32_t ptr_size,
                        char *out, size_t out_size)
{
    const uint8_t *header = gmv_image_at(image, vaddr, 2ull * ptr_size);
    if (!header || out_size == 0)
        return -1;
    uint64_t data = gmv_image_uint(image, header, ptr_size);
    uint64_t len = gmv_image_uint(image, header + ptr_size, ptr_size);
    if (len >= out_size)
        return -1;
    const uint8_t *bytes = gmv_image_at(image, data, len);
    if (!bytes || !printable(bytes, len))
        return -1;
    memcpy(out, bytes, (size_t)len);
    out[len] = '\0';
    return 0;
}

/* Appends the range (vaddr, size, offset) to `image`, clipped to the file;
 * empty ranges are skipped. Returns 0 or GMV_ERR_NOMEM. */
static int add_range(gmv_file_image *image, size_t *cap, uint64_t vaddr, uint64_t size,
                     uint64_t offset)
{
    if (offset >= image->size || size == 0)
        return 0;
    if (size > image->size - offset)
        size = image->size - offset;
    if (vaddr + size < vaddr)
        return 0;
    if (image->nranges == *cap) {
        size_t n = *cap ? *cap * 2 : 16;
        gmv_file_range *grown = realloc(image->ranges, n * sizeof *grown);
        if (!grown)
            return gmv_fail(GMV_ERR_NOMEM, "out of memory reading ELF headers");
        image->ranges = grown;
        *cap = n;
    }
    image->ranges[image->nranges++] = (gmv_file_range){vaddr, size, offset};
    return 0;
}

/* Adds every PT_LOAD segment's file-backed part. Returns 0 or GMV_ERR_NOMEM. */
static int add_segments(gmv_file_image *image, size_t *cap, Elf *elf)
{
    size_t n = 0;
    if (elf_getphdrnum(elf, &n) != 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        int rc = add_range(image, cap, ph.p_vaddr, ph.p_filesz, ph.p_offset);
        if (rc)
            return rc;
    }
    return 0;
}

/* Adds every allocated, file-backed, uncompressed section (for files whose
 * program headers are missing or odd). Returns 0 or GMV_ERR_NOMEM. */
static int add_sections(gmv_file_image *image, size_t *cap, Elf *elf)
{
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || !(sh.sh_flags & SHF_ALLOC) ||
            (sh.sh_flags & SHF_COMPRESSED))
            continue;
        int rc = add_range(image, cap, sh.sh_addr, sh.sh_size, sh.sh_offset);
        if (rc)
            return rc;
    }
    return 0;
}

int gmv_image_load(gmv_file_image *image, Elf *elf, const uint8_t *bytes, uint64_t size)
{
    size_t cap = 0;
    image->bytes = bytes;
    image->size = size;
    image->big_endian = size > EI_DATA && bytes[EI_DATA] == ELFDATA2MSB;
    int rc = add_segments(image, &cap, elf);
    return rc ? rc : add_sections(image, &cap, elf);
}

void gmv_image_release(gmv_file_image *image)
{
    free(image->ranges);
    image->ranges = NULL;
    image->nranges = 0;
}

/* Returns the first SHT_SYMTAB section of `elf` and its header, or NULL. */
static Elf_Scn *symtab_section(Elf *elf, GElf_Shdr *sh)
{
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_SYMTAB)
            return scn;
    }
    return NULL;
}

/* Calls `visit(sym, name, ctx)` for each named symbol of the .symtab until it
 * returns true. Returns true when a call did. */
static bool symtab_scan(const gmv_binary *bin,
                        bool (*visit)(const GElf_Sym *, const char *, void *), void *ctx)
{
    GElf_Shdr sh;
    Elf *elf = bin->sym_elf ? bin->sym_elf : bin->elf;
    Elf_Scn *scn = symtab_section(elf, &sh);
    Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
    if (!data || sh.sh_entsize == 0)
        return false;
    size_t n = data->d_size / gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
    for (size_t i = 1; i < n; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym))
            break;
        const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
        if (name && *name && visit(&sym, name, ctx))
            return true;
    }
    return false;
}

typedef struct find_ctx {
    const char *name;
    GElf_Sym sym;
} find_ctx;

/* symtab_scan visitor: stops at the symbol named ctx->name. */
static bool match_name(const GElf_Sym *sym, const char *name, void *ctx)
{
    find_ctx *f = ctx;
    if (strcmp(name, f->name) != 0 || sym->st_shndx == SHN_UNDEF)
        return false;
    f->sym = *sym;
    return true;
}

bool gmv_symtab_find(const gmv_binary *bin, const char *name, uint64_t *value_out,
                     uint64_t *size_out)
{
    find_ctx f = {.name = name};
    if (!symtab_scan(bin, match_name, &f))
        return false;
    *value_out = f.sym.st_value;
    if (size_out)
        *size_out = f.sym.st_size;
    return true;
}

typedef struct each_ctx {
    void (*visit)(const char *, void *);
    void *ctx;
} each_ctx;

/* symtab_scan visitor: passes data symbols on, never stops. */
static bool pass_objects(const GElf_Sym *sym, const char *name, void *ctx)
{
    each_ctx *e = ctx;
    if (GELF_ST_TYPE(sym->st_info) == STT_OBJECT && sym->st_shndx != SHN_UNDEF)
        e->visit(name, e->ctx);
    return false;
}

void gmv_symtab_each_object(const gmv_binary *bin, void (*visit)(const char *, void *),
                            void *ctx)
{
    each_ctx e = {visit, ctx};
    symtab_scan(bin, pass_objects, &e);
}

typedef struct func_at_ctx {
    uint64_t address;
    const char *name;
} func_at_ctx;

/* symtab_scan visitor: stops at the function starting at ctx->address. */
static bool match_func(const GElf_Sym *sym, const char *name, void *ctx)
{
    func_at_ctx *f = ctx;
    if (GELF_ST_TYPE(sym->st_info) != STT_FUNC || sym->st_shndx == SHN_UNDEF || sym->st_value != f->address)
        return false;
    f->name = name;
    return true;
}

const char *gmv_symtab_func_named_at(const gmv_binary *bin, uint64_t address)
{
    func_at_ctx f = {.address = address};
    return symtab_scan(bin, match_func, &f) ? f.name : NULL;
}
