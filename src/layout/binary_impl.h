/* Internal: the parts of a Go executable that gmv_binary_* share: the file's
 * bytes by link-time address, its symbol table, and an index of its DWARF.
 * Nothing here is public; include/gomapviz/layout.h is the API. */
#ifndef GMV_LAYOUT_BINARY_IMPL_H
#define GMV_LAYOUT_BINARY_IMPL_H

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomapviz/layout.h"

#define GMV_GO_VERSION_MAX 32 /* size of gmv_layout.go_version */
#define GMV_SUGGEST_MAX 3     /* close names offered after a failed look-up */

/* One file-backed stretch of the program's address space: `size` bytes at
 * link-time address `vaddr` are the file's bytes at `offset`. */
typedef struct gmv_file_range {
    uint64_t vaddr, size, offset;
} gmv_file_range;

/* The file's bytes, seen by link-time address. Every length and offset in it
 * has been checked against `size`. */
typedef struct gmv_file_image {
    const uint8_t *bytes; /* the whole file (borrowed from libelf) */
    uint64_t size;
    gmv_file_range *ranges; /* PT_LOAD segments, then allocated sections */
    size_t nranges;
    bool big_endian;
} gmv_file_image;

/* A package-level variable found in the DWARF. */
typedef struct gmv_dwarf_var {
    const char *name; /* "main.cache"; borrowed from libdw */
    uint64_t addr;    /* from DW_OP_addr, as linked */
    Dwarf_Off type;   /* offset of its type's DIE */
} gmv_dwarf_var;

/* A map type found in the DWARF: a typedef named "map[K]V" or of Go kind map. */
typedef struct gmv_dwarf_map {
    const char *name; /* "map[string]int" or a named map type; borrowed from libdw */
    Dwarf_Off die;    /* offset of the typedef */
} gmv_dwarf_map;

/* A named constant found in the DWARF (DW_TAG_constant). */
typedef struct gmv_dwarf_const {
    Dwarf_Off type;   /* offset of its type's DIE */
    const char *name; /* "main.Red"; borrowed from libdw */
    int64_t value;
} gmv_dwarf_const;

/* A type DIE with the address of its runtime type descriptor (DW_AT_go_runtime_type). */
typedef struct gmv_dwarf_rtype {
    uint64_t runtime_type; /* link address */
    Dwarf_Off die;
} gmv_dwarf_rtype;

/* A function found in the DWARF (DW_TAG_subprogram), by its entry. */
typedef struct gmv_dwarf_func {
    uint64_t low_pc; /* link address */
    Dwarf_Off die;
} gmv_dwarf_func;

struct gmv_binary {
    char *path;
    int fd;
    Elf *elf;
    Elf *sym_elf;     /* the ELF whose .symtab is read: elf, or debug_elf when only it has one */
    char *debug_path; /* the separate debug file the DWARF came from, or NULL */
    int debug_fd;
    Elf *debug_elf;
    Dwarf *dwarf; /* NULL when the file has no DWARF */
    gmv_file_image image;
    uint32_t ptr_size;
    uint64_t entry;
    bool pie, has_symtab, has_debug_info;
    char go_version[GMV_GO_VERSION_MAX];
    gmv_dwarf_var *vars; /* sorted by name */
    size_t nvars;
    gmv_dwarf_map *maps; /* sorted by name */
    size_t nmaps;
    gmv_dwarf_const *consts; /* sorted by type, then value */
    size_t nconsts;
    gmv_dwarf_rtype *rtypes; /* sorted by runtime_type */
    size_t nrtypes;
    gmv_dwarf_func *funcs;   /* sorted by low_pc */
    size_t nfuncs;
};

/* --- binary.c --- */

/* What an ELF file's section headers say it holds. */
typedef struct gmv_elf_sections {
    bool symtab; /* a .symtab with at least one symbol */
    bool dwarf;  /* a .debug_info (or Go's older .zdebug_info) with its bytes in the file */
    bool go;     /* a section only Go writes (.go.buildinfo, .note.go.buildid, .gopclntab) */
} gmv_elf_sections;

/* Reads the section headers of `elf` (the executable, or a debug file). */
void gmv_elf_scan_sections(Elf *elf, gmv_elf_sections *out);

/* --- build_id.c --- */

/* The build ID note of `elf`: Go's, else GNU's. Sets *kind ("Go" or "GNU")
 * and writes the ID as text (Go's as is, GNU's in hex) into `out`. Returns
 * false if the file has neither. */
bool gmv_elf_build_id(Elf *elf, const char **kind, char *out, size_t size);

/* --- debug_file.c --- */

/* For a binary whose file has no DWARF: finds its DWARF kept apart and
 * attaches it (bin->debug_*), and its symbol table too if the binary has
 * none. `explicit_path` (may be NULL) names the debug file; else it is
 * looked for as gdb does: through the GNU build ID under
 * `debug_root`/.build-id/, then the .gnu_debuglink name beside the binary,
 * in its .debug/ folder and under `debug_root`. A file is taken only if its
 * build ID (or, for a debuglink without one, its CRC) is the binary's.
 * Returns 0 (also when nothing was found: bin->debug_elf stays NULL), or
 * GMV_ERR_NOT_FOUND / GMV_ERR_MISMATCH / GMV_ERR_FORMAT for an explicit file
 * that is missing, of another build, or without DWARF. */
int gmv_debug_file_attach(gmv_binary *bin, const char *explicit_path, const char *debug_root);

/* --- file_image.c --- */

/* Returns a pointer to the `len` bytes at link-time address `vaddr` inside
 * `image`, or NULL when they are not all backed by the file. Borrowed. */
const uint8_t *gmv_image_at(const gmv_file_image *image, uint64_t vaddr, uint64_t len);

/* Returns the unsigned integer of `size` bytes (1, 2, 4 or 8) at `p`, in the
 * image's byte order. */
uint64_t gmv_image_uint(const gmv_file_image *image, const uint8_t *p, uint32_t size);

/* Reads the Go string header (pointer, length; `ptr_size` bytes each) at
 * `vaddr` and copies the string into `out` (`out_size` bytes, terminated).
 * Strings longer than `out_size - 1`, not printable ASCII, or not backed by
 * the file fail.
 * Returns 0, or -1 (no message is set). */
int gmv_image_go_string(const gmv_file_image *image, uint64_t vaddr, uint32_t ptr_size,
                        char *out, size_t out_size);

/* Fills `image` from the program headers and section headers of `elf`,
 * whose raw bytes are `bytes`/`size`. Returns 0 or GMV_ERR_NOMEM. Free the
 * ranges with gmv_image_release(). */
int gmv_image_load(gmv_file_image *image, Elf *elf, const uint8_t *bytes, uint64_t size);

/* Frees the ranges of `image`. */
void gmv_image_release(gmv_file_image *image);

/* Looks up the symbol `name` in the .symtab of `bin`. On success stores its
 * value (and size if `size_out` is not NULL) and returns true. */
bool gmv_symtab_find(const gmv_binary *bin, const char *name, uint64_t *value_out,
                     uint64_t *size_out);

/* Calls `visit(name, ctx)` for every data symbol (STT_OBJECT) of `bin`. */
void gmv_symtab_each_object(const gmv_binary *bin, void (*visit)(const char *, void *),
                            void *ctx);

/* The function symbol (STT_FUNC) whose value is `address` (a link
 * address), or NULL. Borrowed from libelf. One pass over the symbols. */
const char *gmv_symtab_func_named_at(const gmv_binary *bin, uint64_t address);

/* --- go_version.c --- */

/* Decodes the Go version from a `.go.buildinfo` blob of `len` bytes into
 * `out` (`out_size` bytes). Pointers in the old format are resolved through
 * `image`. Returns 0, or -1 when the blob is malformed (no message set). */
int gmv_buildinfo_version(const gmv_file_image *image, const uint8_t *blob, uint64_t len,
                          char *out, size_t out_size);

/* Fills bin->go_version from `.go.buildinfo`, else from the symbol
 * runtime.buildVersion; leaves "" when neither yields a plausible version. */
void gmv_binary_read_go_version(gmv_binary *bin);

/* --- dwarf_index.c --- */

/* Walks the top-level DIEs of every compilation unit of bin->dwarf and fills
 * bin->vars and bin->maps, sorted by name, bin->consts, bin->rtypes and bin->funcs. Returns 0, GMV_ERR_NOMEM or
 * GMV_ERR_FORMAT. */
int gmv_dwarf_index(gmv_binary *bin);

/* The indexed constants of the type DIE `type`: *count of them from the
 * returned one (NULL when none). Borrowed. */
const gmv_dwarf_const *gmv_dwarf_find_consts(const gmv_binary *bin, Dwarf_Off type, size_t *count);

/* The DIE of the type whose runtime type descriptor is at link address
 * `runtime_type`, or 0. */
Dwarf_Off gmv_dwarf_find_rtype(const gmv_binary *bin, uint64_t runtime_type);

/* The DIE of the function whose code starts at link address `pc`, or 0. */
Dwarf_Off gmv_dwarf_find_func(const gmv_binary *bin, uint64_t pc);

/* A variable a closure captured (DWARF's DW_AT_go_closure_offset, Go 1.23
 * and later): its DWARF name ("&d" when captured by reference: the funcval
 * then holds a pointer to it), the name without the '&', where it lies in
 * the funcval and the type of what lies there. */
typedef struct gmv_capture {
    const char *dwarf_name; /* borrowed from libdw */
    const char *name;       /* dwarf_name after any '&' */
    bool by_reference;
    uint64_t offset;
    Dwarf_Die type;
} gmv_capture;

/* Fills `out` with up to `max` variables the closure whose code starts at
 * link address `pc` captured; returns how many (0: no closure, or DWARF
 * that does not say). */
size_t gmv_dwarf_closure_captures(const gmv_binary *bin, uint64_t pc, gmv_capture *out, size_t max);

/* Returns the indexed variable named `name`, or NULL. Borrowed. */
const gmv_dwarf_var *gmv_dwarf_find_var(const gmv_binary *bin, const char *name);

/* Returns the indexed map type spelled `name` (exactly, else after
 * normalising spaces and the aliases byte, rune and any), or NULL. */
const gmv_dwarf_map *gmv_dwarf_find_map(const gmv_binary *bin, const char *name);

/* --- dwarf_types.c --- */

/* Fills `out` with the layout of the map type whose typedef DIE is at
 * offset `die` in bin->dwarf, named `map_name`, of either implementation.
 * Returns 0, GMV_ERR_FORMAT (DWARF not shaped as Go 1.11-1.27 writes it) or
 * GMV_ERR_INVALID (inconsistent sizes). */
int gmv_dwarf_map_layout(const gmv_binary *bin, Dwarf_Off die, const char *map_name,
                         gmv_layout *out);

/* Returns the Go kind (reflect.Kind, attribute 0x2900) of `die`, or 0. */
int gmv_dwarf_go_kind(Dwarf_Die *die);

#define GMV_GO_KIND_MAP 21 /* reflect.Map */

/* Returns true when the type DIE at offset `type` is a Go map (possibly a
 * named one); stores the typedef's offset and name through the outputs. */
bool gmv_dwarf_is_map(const gmv_binary *bin, Dwarf_Off type, Dwarf_Off *map_die,
                      const char **map_name);

/* The prefix of the types of generic code's instances ("go.shape.map[string]int32"):
 * gmv_dwarf_is_map names such a map without it, gmv_dwarf_find_map finds it so. */
#define GMV_SHAPE_PREFIX "go.shape."

/* Returns the Go name of the type DIE at offset `type` ("int", "*main.T"),
 * or NULL when it has none. Borrowed from libdw. */
const char *gmv_dwarf_type_name(const gmv_binary *bin, Dwarf_Off type);

/* --- suggest.c --- */

/* Collects up to GMV_SUGGEST_MAX candidates closest to `query` by edit
 * distance (adjacent swaps count once), ignoring those too far to help. */
typedef struct gmv_suggest {
    char query[GMV_TYPE_NAME_MAX];
    bool normalize_types; /* compare normalised Go type spellings */
    const char *best[GMV_SUGGEST_MAX];
    unsigned dist[GMV_SUGGEST_MAX];
    size_t count;
} gmv_suggest;

/* Starts a search for names close to `query`; `types` compares Go type
 * spellings after gmv_normalize_type_name(). */
void gmv_suggest_init(gmv_suggest *s, const char *query, bool types);

/* Offers `candidate` (borrowed: it must outlive `s`). */
void gmv_suggest_offer(gmv_suggest *s, const char *candidate);

/* Writes "; did you mean A, B or C?" (or "" with no candidates) into `out`,
 * naming only candidates at most one edit further than the closest. */
void gmv_suggest_format(const gmv_suggest *s, char *out, size_t out_size);

/* Writes a canonical spelling of the Go type `name` into `out`: spaces kept
 * only between two words ("chan int", "struct{}"), `byte` -> uint8, `rune`
 * -> int32, `any` -> interface{}. Returns false when it was cut short. */
bool gmv_normalize_type_name(const char *name, char *out, size_t out_size);

#endif
