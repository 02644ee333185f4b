/* Opening a Go executable: ELF header, Go detection, version, DWARF index. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "layout/binary_impl.h"

/* Opens `path` read-only into bin->fd, mapping errno to a status.
 * Returns 0, GMV_ERR_NOT_FOUND, GMV_ERR_PERMISSION, GMV_ERR_FORMAT or GMV_ERR_IO. */
static int open_file(gmv_binary *bin, const char *path)
{
    bin->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (bin->fd < 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            return gmv_fail(GMV_ERR_NOT_FOUND, "no such file %s; check the path to the program",
                            path);
        if (err == EACCES || err == EPERM)
            return gmv_fail(GMV_ERR_PERMISSION, "cannot read %s: permission denied", path);
        return gmv_fail(GMV_ERR_IO, "cannot open %s: %s", path, strerror(err));
    }
    struct stat st;
    if (fstat(bin->fd, &st) != 0)
        return gmv_fail(GMV_ERR_IO, "cannot stat %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return gmv_fail(GMV_ERR_FORMAT, "%s is not an ELF executable (not a regular file)", path);
    return GMV_OK;
}

/* Starts libelf on bin->fd and checks for an ELF executable (ET_EXEC or
 * ET_DYN). Sets ptr_size, entry and pie. Returns 0 or GMV_ERR_FORMAT. */
static int read_elf_header(gmv_binary *bin)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return gmv_fail(GMV_ERR_UNSUPPORTED, "libelf is too old to read %s", bin->path);
    bin->elf = elf_begin(bin->fd, ELF_C_READ_MMAP_PRIVATE, NULL);
    GElf_Ehdr eh;
    if (!bin->elf || elf_kind(bin->elf) != ELF_K_ELF || !gelf_getehdr(bin->elf, &eh))
        return gmv_fail(GMV_ERR_FORMAT, "%s is not an ELF executable", bin->path);
    if (eh.e_type == ET_CORE)
        return gmv_fail(GMV_ERR_FORMAT,
                        "%s is a core file, not an ELF executable; pass the program that dumped it",
                        bin->path);
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return gmv_fail(GMV_ERR_FORMAT, "%s is not an ELF executable (ELF type %u)", bin->path,
                        (unsigned)eh.e_type);
    int cls = gelf_getclass(bin->elf);
    if (cls != ELFCLASS64 && cls != ELFCLASS32)
        return gmv_fail(GMV_ERR_FORMAT, "%s has an unknown ELF class %d", bin->path, cls);
    bin->ptr_size = cls == ELFCLASS64 ? 8 : 4;
    bin->sym_elf = bin->elf;
    bin->entry = eh.e_entry;
    bin->pie = eh.e_type == ET_DYN;
    return GMV_OK;
}

/* Builds bin->image from the raw file. Returns 0, GMV_ERR_FORMAT or GMV_ERR_NOMEM. */
static int load_image(gmv_binary *bin)
{
    size_t size = 0;
    const char *raw = elf_rawfile(bin->elf, &size);
    if (!raw)
        return gmv_fail(GMV_ERR_FORMAT, "cannot read the bytes of %s: %s", bin->path,
                        elf_errmsg(-1));
    return gmv_image_load(&bin->image, bin->elf, (const uint8_t *)raw, size);
}

/* Returns true when a section name marks a Go program. PIE builds name the
 * pcln table ".data.rel.ro.gopclntab". */
static bool go_section_name(const char *name)
{
    size_t n = strlen(name);
    static const char pcln[] = ".gopclntab";
    return strcmp(name, ".go.buildinfo") == 0 || strcmp(name, ".note.go.buildid") == 0 ||
           (n >= sizeof pcln - 1 && strcmp(name + n - (sizeof pcln - 1), pcln) == 0);
}

void gmv_elf_scan_sections(Elf *elf, gmv_elf_sections *out)
{
    size_t shstrndx = 0;
    *out = (gmv_elf_sections){false, false, false};
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        if (sh.sh_type == SHT_SYMTAB && sh.sh_size > sh.sh_entsize)
            out->symtab = true;
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (!name)
            continue;
        /* (a stripped file may keep the header of a debug section, NOBITS) */
        if ((strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0) && sh.sh_type != SHT_NOBITS)
            out->dwarf = true;
        if (go_section_name(name))
            out->go = true;
    }
}

/* Notes what the sections hold (bin->has_symtab, bin->has_debug_info) and
 * checks that the ELF file is a Go program. Returns 0 or GMV_ERR_FORMAT. */
static int check_go(gmv_binary *bin)
{
    uint64_t addr = 0;
    gmv_elf_sections sections;
    gmv_elf_scan_sections(bin->elf, &sections);
    bin->has_symtab = sections.symtab;
    bin->has_debug_info = sections.dwarf;
    if (sections.go || (bin->has_symtab && gmv_symtab_find(bin, "runtime.buildVersion", &addr, NULL)))
        return GMV_OK;
    return gmv_fail(GMV_ERR_FORMAT,
                    "%s is not a Go program (no .go.buildinfo, .gopclntab or runtime.buildVersion); "
                    "pass the Go executable the process or core came from",
                    bin->path);
}

/* Returns true for the DWARF sections gomapviz never reads: line tables,
 * location and range lists, call frames (or their .zdebug_ forms). */
static bool unread_debug_section(const char *name)
{
    static const char *const unread[] = {"line", "loc", "loclists", "ranges", "rnglists",
                                         "frame", "aranges", "pubnames", "pubtypes"};
    if (strncmp(name, ".debug_", 7) == 0)
        name += 7;
    else if (strncmp(name, ".zdebug_", 8) == 0)
        name += 8;
    else
        return false;
    for (size_t i = 0; i < sizeof unread / sizeof unread[0]; i++) {
        if (strcmp(name, unread[i]) == 0)
            return true;
    }
    return false;
}

/* Hides the unread DWARF sections from libdw by pointing their names at the
 * empty string, in our private (copy-on-write) view of the section headers;
 * the file is not changed. Go compresses every .debug_* section and
 * dwarf_begin_elf inflates all it knows at once: skipping these cuts the
 * open time of a large binary about threefold. */
static void hide_unread_debug_sections(Elf *elf)
{
    size_t shstrndx = 0;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstrndx, sh.sh_name)
                                                  : NULL;
        if (!name || !unread_debug_section(name))
            continue;
        sh.sh_name = 0;
        gelf_update_shdr(scn, &sh);
    }
}

/* Opens the DWARF if there is a .debug_info and indexes it. A file without
 * DWARF is fine (bin->dwarf stays NULL). Returns 0, GMV_ERR_FORMAT or
 * GMV_ERR_NOMEM. */
static int open_dwarf(gmv_binary *bin)
{
    if (!bin->has_debug_info)
        return GMV_OK;
    Elf *elf = bin->debug_elf ? bin->debug_elf : bin->elf; /* DWARF kept apart, or the file's own */
    hide_unread_debug_sections(elf);
    bin->dwarf = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
    if (!bin->dwarf)
        return gmv_fail(GMV_ERR_FORMAT, "cannot read the DWARF of %s: %s; is the file damaged?",
                        bin->debug_path ? bin->debug_path : bin->path, dwarf_errmsg(-1));
    return gmv_dwarf_index(bin);
}

int gmv_binary_open(gmv_binary **out, const char *path)
{
    return gmv_binary_open_with_debug(out, path, NULL, NULL);
}

int gmv_binary_open_with_debug(gmv_binary **out, const char *path, const char *debug_file, const char *debug_root)
{
    *out = NULL;
    gmv_binary *bin = calloc(1, sizeof *bin);
    if (!bin || !(bin->path = strdup(path))) {
        free(bin);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory opening %s", path);
    }
    bin->fd = -1;
    bin->debug_fd = -1;
    int rc = open_file(bin, path);
    if (!rc)
        rc = read_elf_header(bin);
    if (!rc)
        rc = load_image(bin);
    if (!rc)
        rc = check_go(bin);
    if (!rc)
        rc = gmv_debug_file_attach(bin, debug_file, debug_root);
    if (!rc)
        rc = open_dwarf(bin);
    if (rc) {
        gmv_binary_free(bin);
        return rc;
    }
    gmv_binary_read_go_version(bin);
    *out = bin;
    return GMV_OK;
}

void gmv_binary_free(gmv_binary *bin)
{
    if (!bin)
        return;
    if (bin->dwarf)
        dwarf_end(bin->dwarf);
    if (bin->debug_elf)
        elf_end(bin->debug_elf);
    if (bin->debug_fd >= 0)
        close(bin->debug_fd);
    free(bin->debug_path);
    if (bin->elf)
        elf_end(bin->elf);
    if (bin->fd >= 0)
        close(bin->fd);
    gmv_image_release(&bin->image);
    free(bin->vars);
    free(bin->maps);
    free(bin->consts);
    free(bin->rtypes);
    free(bin->funcs);
    free(bin->path);
    free(bin);
}

const char *gmv_binary_go_version(const gmv_binary *bin)
{
    return bin->go_version;
}

uint32_t gmv_binary_ptr_size(const gmv_binary *bin)
{
    return bin->ptr_size;
}

uint64_t gmv_binary_entry(const gmv_binary *bin)
{
    return bin->entry;
}

bool gmv_binary_is_pie(const gmv_binary *bin)
{
    return bin->pie;
}

bool gmv_binary_has_dwarf(const gmv_binary *bin)
{
    return bin->dwarf != NULL;
}

const char *gmv_binary_debug_file(const gmv_binary *bin)
{
    return bin->debug_path;
}
