/* An ELF core file as a memory source. Bytes the core holds come from it;
 * bytes it left out come from the executable's PT_LOAD segments, placed at
 * the load bias the core's AT_ENTRY implies. Read-only file-backed mappings
 * (text, .rodata) are what cores leave out: gdb's gcore omits them from the
 * program headers altogether, the kernel writes them with p_filesz 0 or one
 * page. Bytes a cut-short core lost are unreadable, never taken from the
 * executable (its .data would be stale). Both files are untrusted: every
 * offset and size is checked against the file's real size. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "common/sort.h"
#include "source/process_core.h"
#include "source/source_impl.h"

/* The smallest page size a target can have; a PIE load bias is a multiple. */
#define MIN_PAGE_SIZE 4096
/* The smallest program header (ELF32). */
#define MIN_PHDR_SIZE 32

/* A whole file mapped read-only. */
typedef struct mapped_file {
    const uint8_t *data;
    size_t size;
} mapped_file;

/* A PT_LOAD segment as it sits in memory, with the bytes its file has. */
typedef struct segment {
    uint64_t vaddr, memsz;
    uint64_t filesz;      /* bytes the header says the file holds (<= memsz) */
    uint64_t avail;       /* of those, bytes really in the file (< filesz if cut) */
    const uint8_t *bytes; /* the first of them in the mapping, NULL if none */
} segment;

/* The segments of one file, sorted by vaddr. */
typedef struct segment_list {
    segment *items;
    size_t count;
} segment_list;

typedef struct core_ctx {
    mapped_file core, exe;
    segment_list core_segs, exe_segs;
    int core_class; /* ELFCLASS32 or ELFCLASS64 */
    bool has_entry;
    uint64_t entry;
    char *core_path; /* for messages */
} core_ctx;

/* ---- Files --------------------------------------------------------------- */

/* Opens `path` read-only and maps it whole into *mf; leaves the descriptor in
 * *fd (the caller closes it; the mapping outlives it). `what` names the file
 * in messages ("core file", "executable"). Returns 0 or a status. */
static int map_file(const char *path, const char *what, mapped_file *mf, int *fd)
{
    struct stat st;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) {
        int code = errno == ENOENT ? GMV_ERR_NOT_FOUND : errno == EACCES ? GMV_ERR_PERMISSION : GMV_ERR_IO;
        return gmv_fail(code, "cannot open %s %s: %s", what, path, strerror(errno));
    }
    if (fstat(*fd, &st) != 0)
        return gmv_fail(GMV_ERR_IO, "cannot stat %s %s: %s", what, path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return gmv_fail(GMV_ERR_FORMAT, "%s %s is not a regular file", what, path);
    if (st.st_size < EI_NIDENT || (uint64_t)st.st_size > SIZE_MAX)
        return gmv_fail(GMV_ERR_FORMAT, "%s %s is too short to be an ELF file", what, path);
    void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, *fd, 0);
    if (data == MAP_FAILED)
        return gmv_fail(GMV_ERR_IO, "cannot map %s %s: %s", what, path, strerror(errno));
    mf->data = data;
    mf->size = (size_t)st.st_size;
    return GMV_OK;
}

/* Unmaps a file mapped by map_file (a zeroed one is fine). */
static void unmap_file(mapped_file *mf)
{
    if (mf->data)
        munmap((void *)mf->data, mf->size);
    mf->data = NULL;
}

/* ---- Segments ------------------------------------------------------------ */

/* Orders segments by address. */
static int segment_order(const void *a, const void *b)
{
    uint64_t x = ((const segment *)a)->vaddr, y = ((const segment *)b)->vaddr;
    return x < y ? -1 : x > y;
}

/* Describes PT_LOAD header `ph` of the file in `mf`, moved by `bias`. The
 * file bytes it may use are those actually present. */
static segment make_segment(const GElf_Phdr *ph, const mapped_file *mf, uint64_t bias)
{
    segment s = {.vaddr = ph->p_vaddr + bias, .memsz = ph->p_memsz};
    s.filesz = ph->p_filesz < ph->p_memsz ? ph->p_filesz : ph->p_memsz;
    if (ph->p_offset < mf->size) {
        uint64_t in_file = mf->size - ph->p_offset;
        s.avail = s.filesz < in_file ? s.filesz : in_file;
    }
    s.bytes = s.avail ? mf->data + ph->p_offset : NULL;
    return s;
}

/* Collects the PT_LOAD segments of `elf` (mapped as `mf`, named `path`) into
 * *out, each moved by `bias`, sorted by address. The caller frees out->items.
 * Returns 0 or GMV_ERR_FORMAT / GMV_ERR_NOMEM. */
static int collect_loads(Elf *elf, const mapped_file *mf, const char *path, uint64_t bias, segment_list *out)
{
    size_t phnum = 0;
    out->items = NULL;
    out->count = 0;
    if (elf_getphdrnum(elf, &phnum) != 0 || phnum > mf->size / MIN_PHDR_SIZE)
        return gmv_fail(GMV_ERR_FORMAT, "%s: bad program headers (truncated or corrupt file)", path);
    out->items = calloc(phnum ? phnum : 1, sizeof *out->items);
    if (!out->items)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory reading %s", path);
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph))
            return gmv_fail(GMV_ERR_FORMAT, "%s: bad program header %zu (truncated or corrupt file)", path, i);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        uint64_t start = ph.p_vaddr + bias;
        if (start < ph.p_vaddr || ph.p_memsz - 1 > UINT64_MAX - start)
            return gmv_fail(GMV_ERR_FORMAT, "%s: segment %zu wraps around the address space", path, i);
        out->items[out->count++] = make_segment(&ph, mf, bias);
    }
    qsort(out->items, out->count, sizeof *out->items, segment_order);
    return GMV_OK;
}

/* Returns the index of the first segment of `list` starting after `addr`
 * (list->count if none). */
static size_t first_after(const segment_list *list, uint64_t addr)
{
    return gmv_count_keys_at_most(list->items, list->count, sizeof *list->items, addr);
}

/* Returns the segment before index `next` of `list` if it holds `addr`, or NULL. */
static const segment *holder(const segment_list *list, size_t next, uint64_t addr)
{
    const segment *s = next ? &list->items[next - 1] : NULL;
    return s && addr - s->vaddr < s->memsz ? s : NULL;
}

/* ---- Reading ------------------------------------------------------------- */

/* Copies up to `max` bytes at `addr` from the executable's segments into
 * `out`: file bytes, then zeros up to p_memsz. Returns the count (0: the
 * executable has nothing there, or was cut short there). */
static size_t exe_piece(const core_ctx *c, uint64_t addr, uint8_t *out, uint64_t max)
{
    const segment *e = holder(&c->exe_segs, first_after(&c->exe_segs, addr), addr);
    if (!e)
        return 0;
    uint64_t off = addr - e->vaddr;
    if (max > e->memsz - off)
        max = e->memsz - off;
    if (off < e->avail) {
        uint64_t n = e->avail - off < max ? e->avail - off : max;
        memcpy(out, e->bytes + off, (size_t)n);
        return (size_t)n;
    }
    if (off < e->filesz)
        return 0;
    memset(out, 0, (size_t)max);
    return (size_t)max;
}

/* Copies up to `max` bytes at `addr` into `out`: from the core segment
 * holding `addr` if it has them, else from the executable, stopping where the
 * next core segment begins. Bytes lost to a cut-short core are unreadable.
 * Returns the count (0: nothing readable at `addr`). */
static size_t read_piece(const core_ctx *c, uint64_t addr, uint8_t *out, uint64_t max)
{
    size_t next = first_after(&c->core_segs, addr);
    const segment *s = holder(&c->core_segs, next, addr);
    if (!s) {
        if (next < c->core_segs.count && c->core_segs.items[next].vaddr - addr < max)
            max = c->core_segs.items[next].vaddr - addr;
        return exe_piece(c, addr, out, max);
    }
    uint64_t off = addr - s->vaddr;
    if (max > s->memsz - off)
        max = s->memsz - off;
    if (off < s->avail) {
        uint64_t n = s->avail - off < max ? s->avail - off : max;
        memcpy(out, s->bytes + off, (size_t)n);
        return (size_t)n;
    }
    if (off < s->filesz) /* the file was cut short here */
        return 0;
    return exe_piece(c, addr, out, max);
}

static int64_t core_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    const core_ctx *c = ctx;
    size_t done = 0;
    while (done < len) {
        size_t n = read_piece(c, addr + done, (uint8_t *)buf + done, len - done);
        if (n == 0)
            break;
        done += n;
    }
    return (int64_t)done;
}

/* read_own hook: only bytes the core file itself holds (a segment's file
 * part), never the executable's. */
static int64_t core_read_own(void *ctx, uint64_t addr, void *buf, size_t len)
{
    const core_ctx *c = ctx;
    size_t done = 0;
    while (done < len) {
        uint64_t at = addr + done;
        const segment *s = holder(&c->core_segs, first_after(&c->core_segs, at), at);
        uint64_t off = s ? at - s->vaddr : 0;
        if (!s || off >= s->avail)
            break;
        size_t n = s->avail - off < len - done ? (size_t)(s->avail - off) : len - done;
        memcpy((uint8_t *)buf + done, s->bytes + off, n);
        done += n;
    }
    return (int64_t)done;
}

/* ---- The core ------------------------------------------------------------ */

/* Checks that `elf` (from `path`) is an ELF file of type `type` (or, with
 * ET_EXEC, also ET_DYN); stores its header in *ehdr. Returns 0 or
 * GMV_ERR_FORMAT with `advice` appended. */
static int check_elf(Elf *elf, const char *path, int type, GElf_Ehdr *ehdr, const char *advice)
{
    bool ok = elf && elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, ehdr) &&
              (ehdr->e_ident[EI_CLASS] == ELFCLASS32 || ehdr->e_ident[EI_CLASS] == ELFCLASS64);
    if (ok)
        ok = ehdr->e_type == type || (type == ET_EXEC && ehdr->e_type == ET_DYN);
    if (!ok)
        return gmv_fail(GMV_ERR_FORMAT, "%s is not an ELF %s", path, advice);
    return GMV_OK;
}

/* Looks for NT_AUXV in the notes `data` (untrusted) and takes AT_ENTRY from
 * it into c->entry. */
static void scan_notes(core_ctx *c, Elf_Data *data, bool msb)
{
    GElf_Nhdr nh;
    size_t off = 0, name_off, desc_off, next;
    size_t word = c->core_class == ELFCLASS64 ? 8 : 4;
    while (!c->has_entry && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
        const uint8_t *base = data->d_buf;
        bool in_bounds = desc_off <= data->d_size && nh.n_descsz <= data->d_size - desc_off;
        bool is_core = nh.n_namesz == 5 && name_off + 5 <= data->d_size && memcmp(base + name_off, "CORE", 5) == 0;
        if (nh.n_type == NT_AUXV && is_core && in_bounds)
            c->has_entry = gmv_auxv_lookup(base + desc_off, nh.n_descsz, word, msb, AT_ENTRY, &c->entry);
        off = next;
    }
}

/* Takes AT_ENTRY from the core's NT_AUXV note, if any, into c->entry. Notes
 * cut short by a truncated file are read as far as they go. */
static void find_entry_point(core_ctx *c, Elf *elf, bool msb)
{
    size_t phnum = 0;
    if (elf_getphdrnum(elf, &phnum) != 0)
        return;
    for (size_t i = 0; i < phnum && !c->has_entry; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE || ph.p_offset >= c->core.size)
            continue;
        uint64_t len = c->core.size - ph.p_offset < ph.p_filesz ? c->core.size - ph.p_offset : ph.p_filesz;
        Elf_Data *data = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, (size_t)len, ELF_T_NHDR);
        if (data)
            scan_notes(c, data, msb);
    }
}

/* Maps the core at `path` and reads its segments and entry point into c.
 * Returns 0 or a status. */
static int load_core(core_ctx *c, const char *path)
{
    int fd = -1;
    GElf_Ehdr ehdr;
    int rc = map_file(path, "core file", &c->core, &fd);
    Elf *elf = rc == GMV_OK ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
    if (rc == GMV_OK)
        rc = check_elf(elf, path, ET_CORE, &ehdr, "core file; make one with gcore PID");
    if (rc == GMV_OK) {
        c->core_class = ehdr.e_ident[EI_CLASS];
        rc = collect_loads(elf, &c->core, path, 0, &c->core_segs);
    }
    if (rc == GMV_OK)
        find_entry_point(c, elf, ehdr.e_ident[EI_DATA] == ELFDATA2MSB);
    elf_end(elf);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* ---- The executable ------------------------------------------------------ */

/* Returns the bit count of ELF class `cls`, for messages. */
static int class_bits(int cls)
{
    return cls == ELFCLASS64 ? 64 : 32;
}

/* Computes where the executable (header `ehdr`, at `exe_path`) was loaded:
 * AT_ENTRY - e_entry, 0 for a non-PIE. Returns 0 or GMV_ERR_FORMAT when the
 * core and the executable cannot belong together. */
static int load_bias(const core_ctx *c, const GElf_Ehdr *ehdr, const char *exe_path, uint64_t *bias)
{
    *bias = 0;
    if (!c->has_entry && ehdr->e_type == ET_DYN)
        return gmv_fail(GMV_ERR_FORMAT,
                        "core file %s has no auxiliary vector (NT_AUXV note; truncated?), so the position-"
                        "independent executable %s cannot be placed",
                        c->core_path, exe_path);
    if (!c->has_entry)
        return GMV_OK;
    *bias = c->entry - ehdr->e_entry;
    bool ok = c->entry >= ehdr->e_entry && *bias % MIN_PAGE_SIZE == 0 && (ehdr->e_type == ET_DYN || *bias == 0);
    if (!ok)
        return gmv_fail(GMV_ERR_FORMAT,
                        "core and executable do not match: core file %s has entry point 0x%" PRIx64
                        ", executable %s has e_entry 0x%" PRIx64 "; give the executable the core was made from",
                        c->core_path, c->entry, exe_path, (uint64_t)ehdr->e_entry);
    return GMV_OK;
}

/* Checks the executable's header against the core and loads its segments at
 * their run-time addresses. Returns 0 or a status. */
static int place_exe(core_ctx *c, Elf *elf, const char *exe_path)
{
    GElf_Ehdr ehdr;
    uint64_t bias = 0;
    int rc = check_elf(elf, exe_path, ET_EXEC, &ehdr, "executable; give the program the core was made from");
    if (rc != GMV_OK)
        return rc;
    if (ehdr.e_ident[EI_CLASS] != c->core_class)
        return gmv_fail(GMV_ERR_FORMAT,
                        "core file %s is %d-bit but executable %s is %d-bit; give the executable the core was "
                        "made from",
                        c->core_path, class_bits(c->core_class), exe_path, class_bits(ehdr.e_ident[EI_CLASS]));
    rc = load_bias(c, &ehdr, exe_path, &bias);
    if (rc == GMV_OK)
        rc = collect_loads(elf, &c->exe, exe_path, bias, &c->exe_segs);
    return rc;
}

/* Maps the executable at `exe_path` and places its segments. Returns 0 or a status. */
static int load_exe(core_ctx *c, const char *exe_path)
{
    int fd = -1;
    int rc = map_file(exe_path, "executable", &c->exe, &fd);
    Elf *elf = rc == GMV_OK ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
    if (rc == GMV_OK)
        rc = place_exe(c, elf, exe_path);
    elf_end(elf);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* ---- Public -------------------------------------------------------------- */

/* entry_point hook: AT_ENTRY from the core's NT_AUXV note. */
static int core_entry_point(void *ctx, uint64_t *out)
{
    const core_ctx *c = ctx;
    if (!c->has_entry)
        return gmv_fail(GMV_ERR_NOT_FOUND, "core file %s has no auxiliary vector (NT_AUXV note)", c->core_path);
    *out = c->entry;
    return GMV_OK;
}

/* Frees a core context and unmaps its files. Accepts NULL. */
static void core_destroy(void *ctx)
{
    core_ctx *c = ctx;
    if (!c)
        return;
    unmap_file(&c->core);
    unmap_file(&c->exe);
    free(c->core_segs.items);
    free(c->exe_segs.items);
    free(c->core_path);
    free(c);
}

static const gmv_source_ops core_ops = {.read = core_read, .destroy = core_destroy, .read_own = core_read_own};

int gmv_source_open_core(gmv_source **out, const char *core_path, const char *exe_path)
{
    *out = NULL;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return gmv_fail(GMV_ERR_UNSUPPORTED, "libelf is too old: %s", elf_errmsg(-1));
    core_ctx *c = calloc(1, sizeof *c);
    if (!c || !(c->core_path = strdup(core_path))) {
        free(c);
        return gmv_fail(GMV_ERR_NOMEM, "out of memory opening core file %s", core_path);
    }
    int rc = load_core(c, core_path);
    if (rc == GMV_OK && exe_path)
        rc = load_exe(c, exe_path);
    if (rc == GMV_OK)
        rc = gmv_source_new_custom(out, &core_ops, c);
    if (rc != GMV_OK) {
        core_destroy(c);
        return rc;
    }
    (*out)->entry_point = core_entry_point;
    return GMV_OK;
}
