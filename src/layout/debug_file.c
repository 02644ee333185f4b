/* DWARF kept apart from the executable (objcopy --only-keep-debug, Debian's
 * -dbgsym packages): found through the GNU build ID or the .gnu_debuglink
 * section as gdb finds it, or named by the caller, and used only when it is
 * the same build. */
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <isa-l.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "layout/binary_impl.h"

#define BUILD_ID_TEXT 140
#define DEBUG_ROOT_DEFAULT "/usr/lib/debug"

/* An opened candidate debug file. */
typedef struct candidate {
    int fd;
    Elf *elf;
} candidate;

static void close_candidate(candidate *c)
{
    if (c->elf)
        elf_end(c->elf);
    if (c->fd >= 0)
        close(c->fd);
    c->elf = NULL;
    c->fd = -1;
}

/* Opens `path` as an ELF file; false if it is not there or not ELF. */
static bool open_candidate(const char *path, candidate *c)
{
    c->elf = NULL;
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0)
        return false;
    c->elf = elf_begin(c->fd, ELF_C_READ_MMAP_PRIVATE, NULL);
    if (!c->elf || elf_kind(c->elf) != ELF_K_ELF) {
        close_candidate(c);
        return false;
    }
    return true;
}

/* True if `elf` holds DWARF. */
static bool has_dwarf(Elf *elf)
{
    gmv_elf_sections sections;
    gmv_elf_scan_sections(elf, &sections);
    return sections.dwarf;
}

/* True if the candidate carries the binary's build ID (Go's or GNU's). */
static bool same_build_id(const gmv_binary *bin, Elf *debug)
{
    const char *kind_a = NULL, *kind_b = NULL;
    char a[BUILD_ID_TEXT], b[BUILD_ID_TEXT];
    return gmv_elf_build_id(bin->elf, &kind_a, a, sizeof a) && gmv_elf_build_id(debug, &kind_b, b, sizeof b) &&
           strcmp(kind_a, kind_b) == 0 && strcmp(a, b) == 0;
}

/* True if the CRC-32 of the whole file `fd` is `crc` (a .gnu_debuglink's). */
static bool crc_matches(int fd, GElf_Word crc)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0)
        return false;
    void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED)
        return false;
    uint32_t got = crc32_gzip_refl(0, data, (uint64_t)st.st_size);
    munmap(data, (size_t)st.st_size);
    return got == crc;
}

/* Makes the candidate at `path` the binary's debug file. */
static int adopt(gmv_binary *bin, const char *path, candidate *c)
{
    bin->debug_path = strdup(path);
    if (!bin->debug_path) {
        close_candidate(c);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory opening %s", path);
    }
    bin->debug_fd = c->fd;
    bin->debug_elf = c->elf;
    bin->has_debug_info = true;
    gmv_elf_sections sections;
    gmv_elf_scan_sections(c->elf, &sections);
    if (!bin->has_symtab && sections.symtab) {
        bin->sym_elf = c->elf;
        bin->has_symtab = true;
    }
    return GMV_OK;
}

/* The folder of the binary's real path, for the debuglink places. */
static void binary_folder(const gmv_binary *bin, char *out, size_t size)
{
    char real[PATH_MAX];
    const char *path = realpath(bin->path, real) ? real : bin->path;
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, size, ".");
    else
        snprintf(out, size, "%.*s", (int)(slash - path), path);
}

/* The GNU build ID of the binary in hex, or "" if it has none. */
static void gnu_build_id_hex(const gmv_binary *bin, char *out, size_t size)
{
    const void *id = NULL;
    ssize_t len = dwelf_elf_gnu_build_id(bin->elf, &id);
    out[0] = '\0';
    for (ssize_t i = 0; id && i < len && (size_t)(2 * i + 3) <= size; i++)
        snprintf(out + 2 * i, size - 2 * (size_t)i, "%02x", ((const unsigned char *)id)[i]);
}

/* Fills `paths` (up to 4 of PATH_MAX) with where the debug file may be, in
 * gdb's order; *crc and *has_crc tell how a debuglink file is checked. */
static size_t debug_places(const gmv_binary *bin, const char *root, char paths[4][PATH_MAX], GElf_Word *crc,
                           bool *from_link)
{
    size_t n = 0;
    char hex[2 * 64 + 1];
    gnu_build_id_hex(bin, hex, sizeof hex);
    if (strlen(hex) > 2)
        snprintf(paths[n++], PATH_MAX, "%s/.build-id/%.2s/%s.debug", root, hex, hex + 2);
    const char *link = dwelf_elf_gnu_debuglink(bin->elf, crc);
    if (link && *link && !strchr(link, '/')) {
        char folder[PATH_MAX / 2];
        binary_folder(bin, folder, sizeof folder);
        snprintf(paths[n++], PATH_MAX, "%s/%s", folder, link);
        snprintf(paths[n++], PATH_MAX, "%s/.debug/%s", folder, link);
        snprintf(paths[n++], PATH_MAX, "%s%s/%s", root, folder, link);
        for (size_t i = n - 3; i < n; i++)
            from_link[i] = true;
    }
    return n;
}

/* Opens the explicit debug file `path` and checks it. */
static int attach_explicit(gmv_binary *bin, const char *path)
{
    candidate c = {.fd = -1};
    if (!open_candidate(path, &c))
        return gmv_fail(errno == ENOENT ? GMV_ERR_NOT_FOUND : GMV_ERR_FORMAT,
                        "cannot use %s as a debug file: %s", path, errno == ENOENT ? "no such file" : "not an ELF file");
    if (!has_dwarf(c.elf)) {
        close_candidate(&c);
        return gmv_fail(GMV_ERR_FORMAT, "%s has no DWARF (.debug_info), so it is no debug file for %s", path,
                        bin->path);
    }
    const char *kind = NULL;
    char id[BUILD_ID_TEXT];
    if (gmv_elf_build_id(bin->elf, &kind, id, sizeof id) && !same_build_id(bin, c.elf)) {
        close_candidate(&c);
        return gmv_fail(GMV_ERR_MISMATCH, "%s is the debug file of another build than %s (their %s build IDs differ)",
                        path, bin->path, kind);
    }
    return adopt(bin, path, &c);
}

int gmv_debug_file_attach(gmv_binary *bin, const char *explicit_path, const char *debug_root)
{
    bin->debug_fd = -1;
    if (explicit_path)
        return attach_explicit(bin, explicit_path);
    if (bin->has_debug_info)
        return GMV_OK;
    char paths[4][PATH_MAX];
    bool from_link[4] = {false};
    GElf_Word crc = 0;
    size_t n = debug_places(bin, debug_root ? debug_root : DEBUG_ROOT_DEFAULT, paths, &crc, from_link);
    for (size_t i = 0; i < n; i++) {
        candidate c = {.fd = -1};
        if (!open_candidate(paths[i], &c))
            continue;
        bool same = has_dwarf(c.elf) &&
                    (same_build_id(bin, c.elf) || (from_link[i] && crc_matches(c.fd, crc)));
        if (same)
            return adopt(bin, paths[i], &c);
        close_candidate(&c);
    }
    return GMV_OK;
}

void gmv_binary_debug_places(const gmv_binary *bin, const char *debug_root, char *out, size_t size)
{
    char paths[4][PATH_MAX];
    bool from_link[4] = {false};
    GElf_Word crc = 0;
    size_t n = debug_places(bin, debug_root ? debug_root : DEBUG_ROOT_DEFAULT, paths, &crc, from_link);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", paths[i]);
        used += w > 0 ? (size_t)w : 0;
    }
}
