/* gmv_binary_* on real Go 1.19 builds of testdata/dwarfprog (amd64, 386,
 * PIE, stripped, -w), plus the buildinfo parser and name helpers on
 * synthetic input. Expected layouts are computed by hand from the runtime's
 * rules (runtime/map.go): keys at 8, values at 8 + 8*keyslot, overflow at
 * 8 + 8*(keyslot + valueslot) rounded up to a pointer, bucket size =
 * overflow + pointer; a key or value over 128 bytes takes a pointer slot.
 * Addresses and entry points are checked against `nm`. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gomapviz/layout.h"
#include "layout/binary_impl.h"

/* Returns the path of the Go test program `name` built by CMake; static buffer. */
static const char *go_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("GMV_TEST_GO_DIR");
    assert_non_null(dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* Opens the Go test program `name`, failing the test if it cannot. */
static gmv_binary *open_go(const char *name)
{
    gmv_binary *bin = NULL;
    int rc = gmv_binary_open(&bin, go_path(name));
    if (rc)
        fail_msg("open %s: %s", name, gmv_error_last());
    return bin;
}

/* Returns the value of `symbol` in `path` as `nm -P` prints it; skips the
 * test when nm is not available. */
static uint64_t nm_value(const char *path, const char *symbol)
{
    char cmd[4200], line[512], name[256];
    char type;
    unsigned long long value;
    snprintf(cmd, sizeof cmd, "nm -P '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        skip();
    bool found = false;
    while (!found && fgets(line, sizeof line, p)) {
        found = sscanf(line, "%255s %c %llx", name, &type, &value) == 3 &&
                strcmp(name, symbol) == 0;
    }
    pclose(p);
    if (!found)
        skip();
    return value;
}

/* --- ELF facts --- */

static void amd64_build_facts(void **state)
{
    (void)state;
    gmv_binary *bin = open_go("dwarfprog");
    assert_int_equal(gmv_binary_ptr_size(bin), 8);
    assert_false(gmv_binary_is_pie(bin));
    assert_true(gmv_binary_has_dwarf(bin));
    assert_int_equal(gmv_binary_entry(bin), nm_value(go_path("dwarfprog"), "_rt0_amd64_linux"));
    assert_int_equal(strncmp(gmv_binary_go_version(bin), "go1.19", 6), 0);
    assert_int_equal(gmv_go_minor_version(gmv_binary_go_version(bin)), 19);
    gmv_binary_free(bin);
}

static void i386_build_facts(void **state)
{
    (void)state;
    gmv_binary *bin = open_go("dwarfprog-386");
    assert_int_equal(gmv_binary_ptr_size(bin), 4);
    assert_false(gmv_binary_is_pie(bin));
    assert_true(gmv_binary_has_dwarf(bin));
    assert_int_equal(gmv_binary_entry(bin), nm_value(go_path("dwarfprog-386"), "_rt0_386_linux"));
    assert_int_equal(strncmp(gmv_binary_go_version(bin), "go1.19", 6), 0);
    gmv_binary_free(bin);
}

/* A PIE reports ET_DYN and link-time addresses (the caller adds the bias). */
static void pie_build_facts(void **state)
{
    (void)state;
    const char *path = go_path("dwarfprog-pie");
    gmv_binary *bin = open_go("dwarfprog-pie");
    uint64_t addr = 0;
    assert_true(gmv_binary_is_pie(bin));
    assert_int_equal(gmv_binary_ptr_size(bin), 8);
    assert_int_equal(gmv_binary_entry(bin), nm_value(path, "_rt0_amd64_linux"));
    assert_int_equal(gmv_binary_find_map_variable(bin, "main.cache", &addr, NULL), GMV_OK);
    assert_int_equal(addr, nm_value(path, "main.cache"));
    gmv_binary_free(bin);
}

/* The version agrees with what `go version FILE` prints, when go runs here. */
static void version_matches_go_tool(void **state)
{
    (void)state;
    const char *path = go_path("dwarfprog");
    char cmd[4200], line[4400];
    snprintf(cmd, sizeof cmd, "go version '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        skip();
    char *got = fgets(line, sizeof line, p);
    pclose(p);
    char *version = got ? strstr(line, ": go") : NULL;
    if (!version)
        skip();
    version += 2;
    version[strcspn(version, " \n")] = '\0';
    gmv_binary *bin = open_go("dwarfprog");
    assert_string_equal(gmv_binary_go_version(bin), version);
    gmv_binary_free(bin);
}

/* Copies the Go test program `name` to a temporary file with `from`
 * replaced by `to` (same length) at its first occurrence. Returns the path
 * in `path`, which the caller unlinks. */
static void patched_copy(const char *name, const char *from, const char *to, char *path)
{
    FILE *in = fopen(go_path(name), "rb");
    assert_non_null(in);
    assert_int_equal(fseek(in, 0, SEEK_END), 0);
    long size = ftell(in);
    rewind(in);
    char *bytes = malloc((size_t)size);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)size, in), (size_t)size);
    fclose(in);
    char *hit = memmem(bytes, (size_t)size, from, strlen(from) + 1);
    assert_non_null(hit);
    memcpy(hit, to, strlen(to));
    strcpy(path, "/tmp/gmv_test_binary_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, (size_t)size), size);
    close(fd);
    free(bytes);
}

/* Without a .go.buildinfo section the version comes from the string
 * variable runtime.buildVersion (how Go before 1.13 can be read). */
static void version_falls_back_to_build_version(void **state)
{
    (void)state;
    char path[64];
    gmv_binary *bin = NULL, *orig = open_go("dwarfprog");
    patched_copy("dwarfprog", ".go.buildinfo", ".go.buildinfX", path);
    int rc = gmv_binary_open(&bin, path);
    unlink(path);
    assert_int_equal(rc, GMV_OK);
    assert_string_equal(gmv_binary_go_version(bin), gmv_binary_go_version(orig));
    gmv_binary_free(bin);
    gmv_binary_free(orig);
}

/* --- map layouts --- */

typedef struct expected_type {
    const char *name;
    gmv_kind kind;
    uint64_t size;
    bool indirect;
    uint32_t slot;
} expected_type;

typedef struct expected_map {
    const char *var, *map_type;
    expected_type key, elem;
    uint32_t elems_offset, overflow_offset, bucket_size;
} expected_map;

/* amd64: pointers 8, strings and interfaces 16, slices 24. Rune is int32
 * and byte uint8 in DWARF's spelling. */
static const expected_map amd64_maps[] = {
    {"main.cache", "map[string]int", {"string", GMV_KIND_STRING, 16, false, 16},
     {"int", GMV_KIND_INT, 8, false, 8}, 136, 200, 208},
    {"main.counters", "map[int64]int64", {"int64", GMV_KIND_INT, 8, false, 8},
     {"int64", GMV_KIND_INT, 8, false, 8}, 72, 136, 144},
    {"main.bigKeys", "map[[200]uint8][150]uint8", {"[200]uint8", GMV_KIND_OTHER, 200, true, 8},
     {"[150]uint8", GMV_KIND_OTHER, 150, true, 8}, 72, 136, 144},
    {"main.set32", "map[int32]struct {}", {"int32", GMV_KIND_INT, 4, false, 4},
     {"struct {}", GMV_KIND_OTHER, 0, false, 0}, 40, 40, 48},
    {"main.byFloat", "map[float64]string", {"float64", GMV_KIND_FLOAT, 8, false, 8},
     {"string", GMV_KIND_STRING, 16, false, 16}, 72, 200, 208},
    {"main.flags", "map[uint8]bool", {"uint8", GMV_KIND_UINT, 1, false, 1},
     {"bool", GMV_KIND_BOOL, 1, false, 1}, 16, 24, 32},
    {"main.ptrs", "map[string]*int", {"string", GMV_KIND_STRING, 16, false, 16},
     {"*int", GMV_KIND_POINTER, 8, false, 8}, 136, 200, 208},
    {"main.colorNames", "map[main.Color]string", {"main.Color", GMV_KIND_INT, 4, false, 4},
     {"string", GMV_KIND_STRING, 16, false, 16}, 40, 168, 176},
    {"main.points", "map[main.Point]uint16", {"main.Point", GMV_KIND_OTHER, 4, false, 4},
     {"uint16", GMV_KIND_UINT, 2, false, 2}, 40, 56, 64},
    {"main.registry", "main.Registry", {"string", GMV_KIND_STRING, 16, false, 16},
     {"main.Color", GMV_KIND_INT, 4, false, 4}, 136, 168, 176},
    {"main.nilMap", "map[string]int", {"string", GMV_KIND_STRING, 16, false, 16},
     {"int", GMV_KIND_INT, 8, false, 8}, 136, 200, 208},
    {"main.anyVals", "map[string]interface {}", {"string", GMV_KIND_STRING, 16, false, 16},
     {"interface {}", GMV_KIND_OTHER, 16, false, 16}, 136, 264, 272},
    {"main.chans", "map[uintptr]chan int", {"uintptr", GMV_KIND_UINT, 8, false, 8},
     {"chan int", GMV_KIND_POINTER, 8, false, 8}, 72, 136, 144},
    {"main.funcs", "map[unsafe.Pointer]func()", {"unsafe.Pointer", GMV_KIND_POINTER, 8, false, 8},
     {"func()", GMV_KIND_POINTER, 8, false, 8}, 72, 136, 144},
    {"main.nested", "map[int8]map[string]int", {"int8", GMV_KIND_INT, 1, false, 1},
     {"map[string]int", GMV_KIND_POINTER, 8, false, 8}, 16, 80, 88},
    {"main.complexes", "map[complex128][]int", {"complex128", GMV_KIND_OTHER, 16, false, 16},
     {"[]int", GMV_KIND_OTHER, 24, false, 24}, 136, 328, 336},
    {"main.runes", "map[int32]float32", {"int32", GMV_KIND_INT, 4, false, 4},
     {"float32", GMV_KIND_FLOAT, 4, false, 4}, 40, 72, 80},
};

/* 386: pointers and int 4, strings and interfaces 8, slices 12; int64 and
 * float64 are 4-aligned, so a bucket may end on a 4-byte boundary. */
static const expected_map i386_maps[] = {
    {"main.cache", "map[string]int", {"string", GMV_KIND_STRING, 8, false, 8},
     {"int", GMV_KIND_INT, 4, false, 4}, 72, 104, 108},
    {"main.counters", "map[int64]int64", {"int64", GMV_KIND_INT, 8, false, 8},
     {"int64", GMV_KIND_INT, 8, false, 8}, 72, 136, 140},
    {"main.bigKeys", "map[[200]uint8][150]uint8", {"[200]uint8", GMV_KIND_OTHER, 200, true, 4},
     {"[150]uint8", GMV_KIND_OTHER, 150, true, 4}, 40, 72, 76},
    {"main.set32", "map[int32]struct {}", {"int32", GMV_KIND_INT, 4, false, 4},
     {"struct {}", GMV_KIND_OTHER, 0, false, 0}, 40, 40, 44},
    {"main.byFloat", "map[float64]string", {"float64", GMV_KIND_FLOAT, 8, false, 8},
     {"string", GMV_KIND_STRING, 8, false, 8}, 72, 136, 140},
    {"main.flags", "map[uint8]bool", {"uint8", GMV_KIND_UINT, 1, false, 1},
     {"bool", GMV_KIND_BOOL, 1, false, 1}, 16, 24, 28},
    {"main.ptrs", "map[string]*int", {"string", GMV_KIND_STRING, 8, false, 8},
     {"*int", GMV_KIND_POINTER, 4, false, 4}, 72, 104, 108},
    {"main.colorNames", "map[main.Color]string", {"main.Color", GMV_KIND_INT, 4, false, 4},
     {"string", GMV_KIND_STRING, 8, false, 8}, 40, 104, 108},
    {"main.points", "map[main.Point]uint16", {"main.Point", GMV_KIND_OTHER, 4, false, 4},
     {"uint16", GMV_KIND_UINT, 2, false, 2}, 40, 56, 60},
    {"main.registry", "main.Registry", {"string", GMV_KIND_STRING, 8, false, 8},
     {"main.Color", GMV_KIND_INT, 4, false, 4}, 72, 104, 108},
    {"main.nilMap", "map[string]int", {"string", GMV_KIND_STRING, 8, false, 8},
     {"int", GMV_KIND_INT, 4, false, 4}, 72, 104, 108},
    {"main.anyVals", "map[string]interface {}", {"string", GMV_KIND_STRING, 8, false, 8},
     {"interface {}", GMV_KIND_OTHER, 8, false, 8}, 72, 136, 140},
    {"main.chans", "map[uintptr]chan int", {"uintptr", GMV_KIND_UINT, 4, false, 4},
     {"chan int", GMV_KIND_POINTER, 4, false, 4}, 40, 72, 76},
    {"main.funcs", "map[unsafe.Pointer]func()", {"unsafe.Pointer", GMV_KIND_POINTER, 4, false, 4},
     {"func()", GMV_KIND_POINTER, 4, false, 4}, 40, 72, 76},
    {"main.nested", "map[int8]map[string]int", {"int8", GMV_KIND_INT, 1, false, 1},
     {"map[string]int", GMV_KIND_POINTER, 4, false, 4}, 16, 48, 52},
    {"main.complexes", "map[complex128][]int", {"complex128", GMV_KIND_OTHER, 16, false, 16},
     {"[]int", GMV_KIND_OTHER, 12, false, 12}, 136, 232, 236},
    {"main.runes", "map[int32]float32", {"int32", GMV_KIND_INT, 4, false, 4},
     {"float32", GMV_KIND_FLOAT, 4, false, 4}, 40, 72, 76},
};

/* Checks one key or value type against the expectation. */
static void check_type(const gmv_type *got, uint32_t slot, const expected_type *want)
{
    assert_string_equal(got->name, want->name);
    assert_int_equal(got->kind, want->kind);
    assert_int_equal(got->size, want->size);
    assert_int_equal(got->indirect, want->indirect);
    assert_int_equal(slot, want->slot);
}

/* Checks the hmap offsets of runtime/map.go for pointer size `p`: count,
 * flags, B, noverflow, hash0, then four pointer-sized fields. */
static void check_hmap(const gmv_hmap_layout *h, uint32_t p)
{
    assert_int_equal(h->count, 0);
    assert_int_equal(h->flags, p);
    assert_int_equal(h->B, p + 1);
    assert_int_equal(h->noverflow, p + 2);
    assert_int_equal(h->hash0, p + 4);
    assert_int_equal(h->buckets, p + 8);
    assert_int_equal(h->oldbuckets, 2 * p + 8);
    assert_int_equal(h->nevacuate, 3 * p + 8);
    assert_int_equal(h->extra, 4 * p + 8);
    assert_int_equal(h->size, 5 * p + 8);
    assert_int_equal(h->extra_overflow, 0);
    assert_int_equal(h->extra_oldoverflow, p);
    assert_int_equal(h->extra_next_overflow, 2 * p);
}

/* Checks a whole layout of a Go 1.19 binary with pointer size `p`. */
static void check_layout(const gmv_layout *l, const expected_map *want, uint32_t p)
{
    assert_string_equal(l->map_type, want->map_type);
    assert_int_equal(strncmp(l->go_version, "go1.19", 6), 0);
    assert_int_equal(l->ptr_size, p);
    check_type(&l->key, l->key_slot, &want->key);
    check_type(&l->elem, l->elem_slot, &want->elem);
    assert_int_equal(l->keys_offset, 8);
    assert_int_equal(l->elems_offset, want->elems_offset);
    assert_int_equal(l->overflow_offset, want->overflow_offset);
    assert_int_equal(l->bucket_size, want->bucket_size);
    check_hmap(&l->hmap, p);
    assert_true(l->marks.has_empty_rest);
    assert_int_equal(l->marks.empty_one, 1);
    assert_int_equal(l->marks.evacuated_empty, 4);
    assert_int_equal(l->marks.min_top_hash, 5);
}

/* Every map variable of `program`: its layout and its address from nm. */
static void check_program(const char *program, const expected_map *maps, size_t n, uint32_t p)
{
    gmv_binary *bin = open_go(program);
    for (size_t i = 0; i < n; i++) {
        gmv_layout layout;
        uint64_t addr = 0;
        int rc = gmv_binary_find_map_variable(bin, maps[i].var, &addr, &layout);
        if (rc)
            fail_msg("%s: %s", maps[i].var, gmv_error_last());
        check_layout(&layout, &maps[i], p);
        assert_int_equal(addr, nm_value(go_path(program), maps[i].var));
        /* The rule in the comment at the top, from first principles. */
        uint32_t end = 8 + 8 * (maps[i].key.slot + maps[i].elem.slot);
        assert_int_equal(maps[i].overflow_offset, (end + p - 1) / p * p);
        assert_int_equal(maps[i].bucket_size, maps[i].overflow_offset + p);
    }
    gmv_binary_free(bin);
}

static void amd64_map_variables(void **state)
{
    (void)state;
    check_program("dwarfprog", amd64_maps, sizeof amd64_maps / sizeof amd64_maps[0], 8);
}

static void i386_map_variables(void **state)
{
    (void)state;
    check_program("dwarfprog-386", i386_maps, sizeof i386_maps / sizeof i386_maps[0], 4);
}

static void pie_layout_equals_non_pie(void **state)
{
    (void)state;
    gmv_binary *bin = open_go("dwarfprog-pie");
    gmv_layout layout;
    uint64_t addr = 0;
    assert_int_equal(gmv_binary_find_map_variable(bin, "main.bigKeys", &addr, &layout), GMV_OK);
    check_layout(&layout, &amd64_maps[2], 8);
    gmv_binary_free(bin);
}

/* gmv_binary_map_layout finds types by DWARF's spelling and by the usual
 * Go spellings (struct{} without the space, byte for uint8). */
static void map_layout_by_type_name(void **state)
{
    (void)state;
    gmv_binary *bin = open_go("dwarfprog");
    gmv_layout by_type, by_var;
    uint64_t addr = 0;
    assert_int_equal(gmv_binary_map_layout(bin, "map[string]int", &by_type), GMV_OK);
    assert_int_equal(gmv_binary_find_map_variable(bin, "main.cache", &addr, &by_var), GMV_OK);
    assert_memory_equal(&by_type, &by_var, sizeof by_type);
    check_layout(&by_type, &amd64_maps[0], 8);

    assert_int_equal(gmv_binary_map_layout(bin, "map[int32]struct{}", &by_type), GMV_OK);
    check_layout(&by_type, &amd64_maps[3], 8);
    assert_int_equal(gmv_binary_map_layout(bin, "map[[200]byte][150]byte", &by_type), GMV_OK);
    check_layout(&by_type, &amd64_maps[2], 8);
    assert_int_equal(gmv_binary_map_layout(bin, "main.Registry", &by_type), GMV_OK);
    check_layout(&by_type, &amd64_maps[9], 8);
    gmv_binary_free(bin);
}

/* --- errors --- */

/* Asserts the last error has `code` and its message contains `text`. */
static void assert_error(int rc, int code, const char *text)
{
    assert_int_equal(rc, code);
    assert_int_equal(gmv_error_last_code(), code);
    if (!strstr(gmv_error_last(), text))
        fail_msg("message \"%s\" lacks \"%s\"", gmv_error_last(), text);
}

static void unknown_variable_suggests_close_names(void **state)
{
    (void)state;
    gmv_binary *bin = open_go("dwarfprog");
    uint64_t addr = 0;
    int rc = gmv_binary_find_map_variable(bin, "main.cahce", &addr, NULL);
    assert_error(rc, GMV_ERR_NOT_FOUND, "no variable main.cahce in ");
    assert_error(rc, GMV_ERR_NOT_FOUND, "; did you mean main.cache?");
    rc = gmv_binary_find_map_variable(bin, "cache", &addr, NULL);
    assert_error(rc, GMV_ERR_NOT_FOUND, "did you mean main.cache?");
    rc = gmv_binary_find_map_variable(bin, "main.qqqqqqqqqqqq", &addr, NULL);
    assert_error(rc, GMV_ERR_NOT_FOUND, "no variable main.qqqqqqqqqqqq in ");
    assert_null(strstr(gmv_error_last(), "did you mean"));
    gmv_binary_free(bin);
}

static void non_map_variable_is_invalid(void **state)
{
    (void)state;
    gmv_binary *bin = open_go("dwarfprog");
    gmv_layout layout;
    uint64_t addr = 0;
    int rc = gmv_binary_find_map_variable(bin, "main.notAMap", &addr, &layout);
    assert_error(rc, GMV_ERR_INVALID, "main.notAMap is an int, not a map");
    gmv_binary_free(bin);
}

static void unknown_map_type_suggests_close_types(void **state)
{
    (void)state;
    gmv_binary *bin = open_go("dwarfprog");
    gmv_layout layout;
    int rc = gmv_binary_map_layout(bin, "map[string]int65", &layout);
    assert_error(rc, GMV_ERR_NOT_FOUND, "no map type map[string]int65 in the DWARF of ");
    assert_error(rc, GMV_ERR_NOT_FOUND, "did you mean map[string]int");
    gmv_binary_free(bin);
}

static void non_go_elf_is_rejected(void **state)
{
    (void)state;
    gmv_binary *bin = NULL;
    assert_error(gmv_binary_open(&bin, "/bin/true"), GMV_ERR_FORMAT,
                 "/bin/true is not a Go program");
    assert_null(bin);
}

static void non_elf_is_rejected(void **state)
{
    (void)state;
    char path[] = "/tmp/gmv_test_binary_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not an executable\n", 18), 18);
    close(fd);
    gmv_binary *bin = NULL;
    int rc = gmv_binary_open(&bin, path);
    unlink(path);
    assert_error(rc, GMV_ERR_FORMAT, "is not an ELF executable");
    assert_null(bin);
}

static void missing_file_is_not_found(void **state)
{
    (void)state;
    gmv_binary *bin = NULL;
    assert_error(gmv_binary_open(&bin, "/nonexistent/gomapviz/prog"), GMV_ERR_NOT_FOUND,
                 "/nonexistent/gomapviz/prog");
    assert_null(bin);
}

/* -ldflags='-s -w': still Go (buildinfo), but nothing names variables. */
static void stripped_build_says_what_to_do(void **state)
{
    (void)state;
    gmv_binary *bin = open_go("dwarfprog-stripped");
    gmv_layout layout;
    uint64_t addr = 0;
    assert_false(gmv_binary_has_dwarf(bin));
    assert_int_equal(strncmp(gmv_binary_go_version(bin), "go1.19", 6), 0);
    int rc = gmv_binary_find_map_variable(bin, "main.cache", &addr, &layout);
    assert_error(rc, GMV_ERR_UNSUPPORTED, "is stripped");
    /* the library names the settings as its API does, a program as it likes */
    assert_error(rc, GMV_ERR_UNSUPPORTED, "with hmap_address 0xHMAP the map type 'map[K]V', and the executable");
    gmv_set_option_name(GMV_OPTION_ADDR, "--addr");
    gmv_set_option_name(GMV_OPTION_TYPE, "--type");
    gmv_set_option_name(GMV_OPTION_EXE, "--exe");
    rc = gmv_binary_find_map_variable(bin, "main.cache", &addr, &layout);
    assert_error(rc, GMV_ERR_UNSUPPORTED, "with --addr 0xHMAP --type 'map[K]V', and --exe a build");
    for (int o = 0; o < GMV_OPTION_COUNT; o++)
        gmv_set_option_name((gmv_option)o, NULL);
    rc = gmv_binary_map_layout(bin, "map[string]int", &layout);
    assert_error(rc, GMV_ERR_UNSUPPORTED, "has no DWARF");
    gmv_binary_free(bin);
}

/* -ldflags=-w: the symbol table still gives the address, not the type. */
static void symbols_without_dwarf_give_the_address(void **state)
{
    (void)state;
    const char *path = go_path("dwarfprog-nodwarf");
    gmv_binary *bin = open_go("dwarfprog-nodwarf");
    uint64_t addr = 0, want = nm_value(path, "main.cache");
    char text[64];
    assert_false(gmv_binary_has_dwarf(bin));
    int rc = gmv_binary_find_map_variable(bin, "main.cache", &addr, NULL);
    snprintf(text, sizeof text, "main.cache is at 0x%llx", (unsigned long long)want);
    assert_error(rc, GMV_ERR_UNSUPPORTED, text); /* where the variable is; the address wanted is the hmap's */
    assert_error(rc, GMV_ERR_UNSUPPORTED, "hmap_address 0xHMAP the map type 'map[K]V'");
    assert_error(rc, GMV_ERR_UNSUPPORTED, "no DWARF");
    assert_int_equal(addr, want);
    rc = gmv_binary_find_map_variable(bin, "main.cahce", &addr, NULL);
    assert_error(rc, GMV_ERR_NOT_FOUND, "did you mean main.cache?");
    gmv_binary_free(bin);
}

/* --- internals on synthetic input --- */

/* A 64-byte buildinfo blob in the Go 1.18+ inline format. */
static size_t inline_blob(uint8_t *blob, const char *version)
{
    memset(blob, 0, 64);
    memcpy(blob, "\xff Go buildinf:", 14);
    blob[14] = 8;
    blob[15] = 2;
    size_t n = strlen(version);
    blob[32] = (uint8_t)n;
    memcpy(blob + 33, version, n);
    return 33 + n;
}

static void buildinfo_inline_format(void **state)
{
    (void)state;
    gmv_file_image image = {0};
    uint8_t blob[64];
    char out[32];
    size_t len = inline_blob(blob, "go1.21.3");
    assert_int_equal(gmv_buildinfo_version(&image, blob, len, out, sizeof out), 0);
    assert_string_equal(out, "go1.21.3");
    /* The length byte says more than the blob holds. */
    assert_int_equal(gmv_buildinfo_version(&image, blob, len - 1, out, sizeof out), -1);
    /* A varint that never ends. */
    memset(blob + 32, 0x80, 32);
    assert_int_equal(gmv_buildinfo_version(&image, blob, 64, out, sizeof out), -1);
    /* Wrong magic, short header, and text that is not a version. */
    inline_blob(blob, "go1.21.3");
    blob[0] = 0;
    assert_int_equal(gmv_buildinfo_version(&image, blob, len, out, sizeof out), -1);
    inline_blob(blob, "go1.21.3");
    assert_int_equal(gmv_buildinfo_version(&image, blob, 31, out, sizeof out), -1);
    len = inline_blob(blob, "hello");
    assert_int_equal(gmv_buildinfo_version(&image, blob, len, out, sizeof out), -1);
}

/* The old format: a pointer at 16 to a string header elsewhere in the file. */
static void buildinfo_pointer_format(void **state)
{
    (void)state;
    uint8_t file[256] = {0};
    gmv_file_range range = {0x1000, sizeof file, 0};
    gmv_file_image image = {file, sizeof file, &range, 1, false};
    uint8_t *blob = file;
    char out[256];
    memcpy(blob, "\xff Go buildinf:", 14);
    blob[14] = 4;
    blob[15] = 0;
    blob[16] = 0x40, blob[17] = 0x10; /* header at 0x1040 */
    file[0x40] = 0x80, file[0x41] = 0x10; /* string at 0x1080 */
    file[0x44] = 8;                       /* length 8 */
    memcpy(file + 0x80, "go1.12.7", 8);
    assert_int_equal(gmv_buildinfo_version(&image, blob, 32, out, sizeof out), 0);
    assert_string_equal(out, "go1.12.7");
    file[0x44] = 200; /* fits in `out` but runs past the end of the file */
    assert_int_equal(gmv_buildinfo_version(&image, blob, 32, out, sizeof out), -1);
    file[0x44] = 8;
    blob[17] = 0x90; /* header not in the file */
    assert_int_equal(gmv_buildinfo_version(&image, blob, 32, out, sizeof out), -1);
}

static void image_reads_are_bounded(void **state)
{
    (void)state;
    uint8_t file[64] = {1, 2, 3, 4};
    gmv_file_range range = {UINT64_MAX - 31, 32, 0};
    gmv_file_image image = {file, sizeof file, &range, 1, false};
    assert_ptr_equal(gmv_image_at(&image, UINT64_MAX - 31, 32), file);
    assert_null(gmv_image_at(&image, UINT64_MAX - 31, 33));
    assert_null(gmv_image_at(&image, UINT64_MAX, 2));
    assert_null(gmv_image_at(&image, 0, 1));
    assert_int_equal(gmv_image_uint(&image, file, 4), 0x04030201);
    image.big_endian = true;
    assert_int_equal(gmv_image_uint(&image, file, 4), 0x01020304);
}

static void type_names_are_normalised(void **state)
{
    (void)state;
    char out[GMV_TYPE_NAME_MAX];
    assert_true(gmv_normalize_type_name("map[int32]struct {}", out, sizeof out));
    assert_string_equal(out, "map[int32]struct{}");
    assert_true(gmv_normalize_type_name("map[ byte ]rune", out, sizeof out));
    assert_string_equal(out, "map[uint8]int32");
    assert_true(gmv_normalize_type_name("map[string]any", out, sizeof out));
    assert_string_equal(out, "map[string]interface{}");
    assert_true(gmv_normalize_type_name("map[chan  int]main.byte", out, sizeof out));
    assert_string_equal(out, "map[chan int]main.byte");
    assert_false(gmv_normalize_type_name("map[string]int", out, 5));
}

static void suggestions_rank_by_distance(void **state)
{
    (void)state;
    gmv_suggest s;
    char text[256];
    gmv_suggest_init(&s, "main.cahce", false);
    const char *names[] = {"main.zzz",      "main.caches", "main.chans",
                           "runtime.cache", "main.cache",  "main.cache"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        gmv_suggest_offer(&s, names[i]);
    /* main.chans is 3 edits away: close enough alone, not next to a 1. */
    gmv_suggest_format(&s, text, sizeof text);
    assert_string_equal(text, "; did you mean main.cache or main.caches?");
    gmv_suggest_init(&s, "main.cahce", false);
    gmv_suggest_offer(&s, "main.chans");
    gmv_suggest_format(&s, text, sizeof text);
    assert_string_equal(text, "; did you mean main.chans?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(amd64_build_facts),
        cmocka_unit_test(i386_build_facts),
        cmocka_unit_test(pie_build_facts),
        cmocka_unit_test(version_matches_go_tool),
        cmocka_unit_test(version_falls_back_to_build_version),
        cmocka_unit_test(amd64_map_variables),
        cmocka_unit_test(i386_map_variables),
        cmocka_unit_test(pie_layout_equals_non_pie),
        cmocka_unit_test(map_layout_by_type_name),
        cmocka_unit_test(unknown_variable_suggests_close_names),
        cmocka_unit_test(non_map_variable_is_invalid),
        cmocka_unit_test(unknown_map_type_suggests_close_types),
        cmocka_unit_test(non_go_elf_is_rejected),
        cmocka_unit_test(non_elf_is_rejected),
        cmocka_unit_test(missing_file_is_not_found),
        cmocka_unit_test(stripped_build_says_what_to_do),
        cmocka_unit_test(symbols_without_dwarf_give_the_address),
        cmocka_unit_test(buildinfo_inline_format),
        cmocka_unit_test(buildinfo_pointer_format),
        cmocka_unit_test(image_reads_are_bounded),
        cmocka_unit_test(type_names_are_normalised),
        cmocka_unit_test(suggestions_rank_by_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
