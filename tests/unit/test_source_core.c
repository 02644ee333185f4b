/* Tests for the core-file source: cores made with gcore of a forked child
 * (64-bit, PIE) and of a GOARCH=386 Go program (32-bit), read back with the
 * executable filling what the core lacks; bad and truncated files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gomapviz/source.h"

#define KNOWN_LEN (3 * 4096)
#define SELF_EXE "/proc/self/exe"
#define MAX_CUTS 48
#define GO_KNOWN_LEN 8192

/* In .data: the executable holds these initial bytes, the child others. */
static unsigned char core_known[KNOWN_LEN] = {1, 2, 3};
/* In .rodata: read-only file-backed memory, which cores often leave out. */
static const char marker[] = "gomapviz core test: a constant string in .rodata";

/* The core all tests share, made once. */
typedef struct fixture {
    char dir[64];
    char core[160];
    char problem[600]; /* why there is no core, when there is none */
    pid_t pid;         /* the child the core was made from */
} fixture;

static fixture fx;

/* ---- Files --------------------------------------------------------------- */

/* Fills `out` with "DIR/name". */
static void in_dir(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", fx.dir, name);
}

/* Copies the first `len` bytes of `from` to a new file `to`. */
static void copy_prefix(const char *from, const char *to, off_t len)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(in >= 0 && out >= 0);
    char buf[65536];
    while (len > 0) {
        ssize_t n = read(in, buf, (size_t)len < sizeof buf ? (size_t)len : sizeof buf);
        assert_true(n > 0);
        assert_int_equal(write(out, buf, (size_t)n), n);
        len -= n;
    }
    close(in);
    close(out);
}

/* Returns the size of `path`. */
static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Writes `len` bytes at `off` in the existing file `path`. */
static void patch_file(const char *path, off_t off, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
    close(fd);
}

/* Writes `text` to a new file `path`. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Returns the start of the file `path` (for messages), or "". */
static const char *file_head(const char *path)
{
    static char buf[400];
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
        fclose(f);
    }
    return buf;
}

/* ---- ELF, as the test sees it -------------------------------------------- */

/* An ELF file's header and program headers. */
typedef struct elf_info {
    GElf_Ehdr ehdr;
    GElf_Phdr ph[256];
    size_t phnum;
} elf_info;

/* Reads the headers of the ELF file at `path` (either class) into *info. */
static void read_elf(const char *path, elf_info *info)
{
    assert_true(elf_version(EV_CURRENT) != EV_NONE);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    assert_non_null(elf);
    assert_non_null(gelf_getehdr(elf, &info->ehdr));
    assert_int_equal(elf_getphdrnum(elf, &info->phnum), 0);
    assert_true(info->phnum <= 256);
    for (size_t i = 0; i < info->phnum; i++)
        assert_non_null(gelf_getphdr(elf, (int)i, &info->ph[i]));
    elf_end(elf);
    close(fd);
}

/* Returns the index of the PT_LOAD (or, with PT_NOTE, the note) of `info`
 * holding `addr`, or -1. */
static int segment_holding(const elf_info *info, uint64_t addr)
{
    for (size_t i = 0; i < info->phnum; i++)
        if (info->ph[i].p_type == PT_LOAD && addr - info->ph[i].p_vaddr < info->ph[i].p_memsz)
            return (int)i;
    return -1;
}

/* How a test core is made to lack a segment. */
typedef enum lack {
    LACK_FILESZ_0, /* p_filesz 0: how the kernel writes a segment it skips */
    LACK_SEGMENT,  /* p_type PT_NULL: gone, as gcore leaves read-only file mappings out */
} lack;

/* Makes program header `i` of the ELF file at `path` (headers in `info`)
 * lack its bytes the way `how` says. */
static void patch_segment(const char *path, const elf_info *info, int i, lack how)
{
    bool is64 = info->ehdr.e_ident[EI_CLASS] == ELFCLASS64;
    off_t at = (off_t)(info->ehdr.e_phoff + (uint64_t)i * info->ehdr.e_phentsize);
    uint64_t zero = 0;
    if (how == LACK_SEGMENT)
        patch_file(path, at + (off_t)offsetof(Elf64_Phdr, p_type), &zero, 4); /* first in both classes */
    else if (is64)
        patch_file(path, at + (off_t)offsetof(Elf64_Phdr, p_filesz), &zero, 8);
    else
        patch_file(path, at + (off_t)offsetof(Elf32_Phdr, p_filesz), &zero, 4);
}

/* ---- Sources ------------------------------------------------------------- */

/* Fails the test unless the shared core exists. */
static void need_core(void)
{
    if (!fx.core[0])
        fail_msg("%s", fx.problem);
}

/* Opens a core or fails the test with the library's message. */
static gmv_source *open_core(const char *core, const char *exe)
{
    gmv_source *src = NULL;
    if (gmv_source_open_core(&src, core, exe) != 0)
        fail_msg("open core %s with %s: %s", core, exe ? exe : "(none)", gmv_error_last());
    return src;
}

/* Expects opening `core` with `exe` to fail with `code` and a message
 * holding `part1` and `part2` (NULL: not checked). */
static void expect_open_failure(const char *core, const char *exe, int code, const char *part1, const char *part2)
{
    gmv_source *src = (gmv_source *)1;
    int rc = gmv_source_open_core(&src, core, exe);
    if (rc != code)
        fail_msg("open %s with %s: got %d (%s), want %d", core, exe ? exe : "(none)", rc, gmv_error_last(), code);
    assert_null(src);
    if (part1 && !strstr(gmv_error_last(), part1))
        fail_msg("message \"%s\" lacks \"%s\"", gmv_error_last(), part1);
    if (part2 && !strstr(gmv_error_last(), part2))
        fail_msg("message \"%s\" lacks \"%s\"", gmv_error_last(), part2);
}

/* The bytes the child wrote into core_known. */
static void child_pattern(unsigned char *out, pid_t pid)
{
    for (size_t i = 0; i < KNOWN_LEN; i++)
        out[i] = (unsigned char)(i * 7 + (size_t)pid);
}

/* ---- Making cores -------------------------------------------------------- */

/* Has gcore dump only file-backed private mappings of `pid` (text, .rodata,
 * written .data): gdb dumps every anonymous mapping, even PROT_NONE address
 * reservations, which are terabytes under AddressSanitizer and ~800 MB for a
 * Go program. Returns NULL or what went wrong. */
static const char *limit_core(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/coredump_filter", (int)pid);
    FILE *f = fopen(path, "w");
    if (!f)
        return "cannot open /proc/PID/coredump_filter";
    fputs("0x4", f);
    return fclose(f) == 0 ? NULL : "cannot write /proc/PID/coredump_filter";
}

/* Runs gcore on `pid`, writing DIR/PREFIX.PID; stores its path in `core`.
 * Returns NULL or what went wrong. */
static const char *run_gcore(pid_t pid, const char *prefix, char *core, size_t size)
{
    static char problem[sizeof fx.problem];
    char cmd[512], log[160];
    in_dir(log, sizeof log, "gcore.log");
    if (system("command -v gcore >/dev/null 2>&1") != 0)
        return "gcore (part of gdb) is not installed or not in PATH: the core-file tests need it; install gdb";
    snprintf(cmd, sizeof cmd, "gcore -o %s/%s %d >%s 2>&1", fx.dir, prefix, (int)pid, log);
    int status = system(cmd);
    snprintf(core, size, "%s/%s.%d", fx.dir, prefix, (int)pid);
    if (status == 0 && access(core, R_OK) == 0)
        return NULL;
    snprintf(problem, sizeof problem, "gcore -o %s/%s %d failed (status %d): %s", fx.dir, prefix, (int)pid, status,
             file_head(log));
    core[0] = '\0';
    return problem;
}

/* The child a core is made from: writes its pattern, says ready, waits. */
static void core_child(int ready_fd, int go_fd)
{
    child_pattern(core_known, getpid());
    char c;
    if (write(ready_fd, "r", 1) != 1)
        _exit(2);
    while (read(go_fd, &c, 1) > 0)
        ;
    _exit(0);
}

/* Forks the child, makes the shared core of it, ends the child. Problems go
 * to fx.problem and fail every test that needs the core. */
static void make_core(void)
{
    int ready[2], go[2];
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0) {
        snprintf(fx.problem, sizeof fx.problem, "pipe: %s", strerror(errno));
        return;
    }
    fx.pid = fork();
    if (fx.pid == 0) {
        close(ready[0]);
        close(go[1]);
        core_child(ready[1], go[0]);
    }
    close(ready[1]);
    close(go[0]);
    char b;
    const char *problem = NULL;
    if (fx.pid < 0 || read(ready[0], &b, 1) != 1)
        problem = "the child did not start";
    else
        problem = limit_core(fx.pid);
    if (!problem)
        problem = run_gcore(fx.pid, "core", fx.core, sizeof fx.core);
    if (problem)
        snprintf(fx.problem, sizeof fx.problem, "%s", problem);
    close(ready[0]);
    close(go[1]);
    if (fx.pid > 0)
        waitpid(fx.pid, NULL, 0);
}

static int setup_core(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/gmv-core-test-XXXXXX");
    if (!mkdtemp(fx.dir)) {
        snprintf(fx.problem, sizeof fx.problem, "mkdtemp: %s", strerror(errno));
        fx.dir[0] = '\0';
        return 0;
    }
    make_core();
    return 0;
}

/* Removes everything under `path` (the test's own temporary directory). */
static void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *de;
    char sub[1024];
    while (dir && (de = readdir(dir)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            remove_tree(sub);
            continue;
        }
        unlink(sub);
    }
    if (dir)
        closedir(dir);
    rmdir(path);
}

static int teardown_core(void **state)
{
    (void)state;
    if (fx.dir[0])
        remove_tree(fx.dir);
    return 0;
}

/* ---- 64-bit core of a PIE child ------------------------------------------ */

/* The child's global comes from the core, not from the executable's .data. */
static void core_holds_child_memory(void **state)
{
    (void)state;
    need_core();
    gmv_source *src = open_core(fx.core, SELF_EXE);
    unsigned char got[KNOWN_LEN], want[KNOWN_LEN];
    child_pattern(want, fx.pid);
    assert_int_equal(gmv_source_read(src, (uint64_t)(uintptr_t)core_known, got, KNOWN_LEN), KNOWN_LEN);
    assert_memory_equal(got, want, KNOWN_LEN);
    assert_memory_not_equal(got, core_known, KNOWN_LEN);
    assert_int_equal(gmv_source_read(src, 0, got, 16), 0);
    assert_false(gmv_source_is_frozen(src));
    assert_int_equal(gmv_source_freeze(src), 0);
    assert_int_equal(gmv_source_thaw(src), 0);
    gmv_source_free(src);
}

/* .rodata reads (from the core or the executable), and AT_ENTRY is ours:
 * the child was forked from this very process. */
static void rodata_and_entry_point(void **state)
{
    (void)state;
    need_core();
    elf_info self;
    read_elf(SELF_EXE, &self);
    if (self.ehdr.e_type != ET_DYN)
        fail_msg("the test binary is not PIE; the load-bias path would go untested");
    gmv_source *src = open_core(fx.core, SELF_EXE);
    char got[sizeof marker];
    assert_int_equal(gmv_source_read(src, (uint64_t)(uintptr_t)marker, got, sizeof marker), sizeof marker);
    assert_string_equal(got, marker);
    uint64_t entry = 0;
    assert_int_equal(gmv_source_entry_point(src, &entry), 0);
    assert_int_equal(entry, getauxval(AT_ENTRY));
    assert_true(entry != self.ehdr.e_entry); /* a real bias */
    gmv_source_free(src);
}

/* Copies `core` with the segment holding `addr` lacking its bytes as `how`
 * says, and checks that the `len` bytes at `addr` then read as `want` with
 * `exe` (placed at the bias) and not at all without an executable; bytes at
 * `kept` (`kept_len` of them) still come from the core. */
static void check_exe_fills(const char *core, const char *exe, lack how, uint64_t addr, const void *want,
                            size_t len, uint64_t kept, size_t kept_len)
{
    char patched[160];
    elf_info info;
    unsigned char got[GO_KNOWN_LEN > KNOWN_LEN ? GO_KNOWN_LEN : KNOWN_LEN];
    assert_true(len <= sizeof got && kept_len <= sizeof got);
    read_elf(core, &info);
    int i = segment_holding(&info, addr);
    assert_true(i >= 0); /* limit_core keeps .rodata in the core */
    in_dir(patched, sizeof patched, "patched.core");
    copy_prefix(core, patched, file_size(core));
    patch_segment(patched, &info, i, how);

    gmv_source *src = open_core(patched, exe);
    assert_int_equal(gmv_source_read(src, addr, got, len), (int64_t)len);
    assert_memory_equal(got, want, len);
    gmv_source_free(src);

    src = open_core(patched, NULL);
    assert_int_equal(gmv_source_read(src, addr, got, len), 0);
    assert_int_equal(gmv_source_read(src, kept, got, kept_len), (int64_t)kept_len);
    gmv_source_free(src);
    unlink(patched);
}

/* The .rodata segment, marked not dumped (kernel style) or missing (gcore
 * style), is filled from the executable placed at the PIE bias. */
static void executable_fills_what_core_lacks(void **state)
{
    (void)state;
    need_core();
    uint64_t at = (uint64_t)(uintptr_t)marker, kept = (uint64_t)(uintptr_t)core_known;
    check_exe_fills(fx.core, SELF_EXE, LACK_FILESZ_0, at, marker, sizeof marker, kept, KNOWN_LEN);
    check_exe_fills(fx.core, SELF_EXE, LACK_SEGMENT, at, marker, sizeof marker, kept, KNOWN_LEN);
}

/* ---- Bad files ----------------------------------------------------------- */

static void not_a_core_file(void **state)
{
    (void)state;
    char text[160], missing[160];
    in_dir(text, sizeof text, "text.txt");
    in_dir(missing, sizeof missing, "no-such.core");
    write_file(text, "this is not an ELF file at all, but it is long enough\n");
    expect_open_failure(SELF_EXE, SELF_EXE, GMV_ERR_FORMAT,
                        SELF_EXE " is not an ELF core file; make one with gcore PID", NULL);
    expect_open_failure(text, SELF_EXE, GMV_ERR_FORMAT, text, "not an ELF core file");
    expect_open_failure(missing, SELF_EXE, GMV_ERR_NOT_FOUND, missing, NULL);
    expect_open_failure(fx.dir, SELF_EXE, GMV_ERR_FORMAT, "not a regular file", NULL);
    unlink(text);
}

/* Writes a minimal 32-bit ELF executable header (no segments) to `path`. */
static void write_elf32_exe(const char *path)
{
    Elf32_Ehdr eh = {.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT, .e_entry = 0x8048000,
                     .e_ehsize = sizeof eh};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, &eh, sizeof eh), (ssize_t)sizeof eh);
    close(fd);
}

/* An executable of the other class, one whose e_entry gives a bias that is
 * not page aligned, and a non-ELF one are refused, naming both files. */
static void executable_must_match_core(void **state)
{
    (void)state;
    need_core();
    char exe32[160], shifted[160], text[160];
    in_dir(exe32, sizeof exe32, "exe32");
    in_dir(shifted, sizeof shifted, "shifted-exe");
    in_dir(text, sizeof text, "not-elf");
    write_elf32_exe(exe32);
    expect_open_failure(fx.core, exe32, GMV_ERR_FORMAT, "is 64-bit but executable", "is 32-bit");
    assert_non_null(strstr(gmv_error_last(), fx.core));
    assert_non_null(strstr(gmv_error_last(), exe32));

    elf_info self;
    read_elf(SELF_EXE, &self);
    copy_prefix(SELF_EXE, shifted, file_size(SELF_EXE));
    uint64_t entry = self.ehdr.e_entry + 1;
    patch_file(shifted, (off_t)offsetof(Elf64_Ehdr, e_entry), &entry, sizeof entry);
    expect_open_failure(fx.core, shifted, GMV_ERR_FORMAT, "core and executable do not match", shifted);

    write_file(text, "#!/bin/sh\necho this is a script, not an executable\n");
    expect_open_failure(fx.core, text, GMV_ERR_FORMAT, text, "is not an ELF executable");
    unlink(exe32);
    unlink(shifted);
    unlink(text);
}

/* Returns true if every note of `core` ends at or before `cut`. */
static bool notes_before(const elf_info *core, uint64_t cut)
{
    for (size_t i = 0; i < core->phnum; i++)
        if (core->ph[i].p_type == PT_NOTE && core->ph[i].p_offset + core->ph[i].p_filesz > cut)
            return false;
    return true;
}

/* A core cut inside the segment holding core_known, one page into it: reads
 * stop exactly at the cut. The notes (gdb writes them last) may be lost with
 * it; then the PIE executable cannot be placed, and opening with it says so. */
static void truncated_core_reads_short(void **state)
{
    (void)state;
    need_core();
    elf_info core;
    char cut_path[160];
    read_elf(fx.core, &core);
    in_dir(cut_path, sizeof cut_path, "cut.core");
    uint64_t at = (uint64_t)(uintptr_t)core_known;
    int i = segment_holding(&core, at);
    assert_true(i >= 0 && core.ph[i].p_filesz >= at - core.ph[i].p_vaddr + KNOWN_LEN);
    uint64_t cut = core.ph[i].p_offset + (at - core.ph[i].p_vaddr) + 4096;
    copy_prefix(fx.core, cut_path, (off_t)cut);

    if (notes_before(&core, cut)) {
        gmv_source_free(open_core(cut_path, SELF_EXE));
    } else {
        expect_open_failure(cut_path, SELF_EXE, GMV_ERR_FORMAT, "no auxiliary vector", SELF_EXE);
    }
    gmv_source *src = open_core(cut_path, NULL);
    unsigned char got[KNOWN_LEN], want[KNOWN_LEN];
    child_pattern(want, fx.pid);
    assert_int_equal(gmv_source_read(src, at, got, KNOWN_LEN), 4096);
    assert_memory_equal(got, want, 4096);
    assert_int_equal(gmv_source_read(src, at + 4096, got, 16), 0);
    assert_int_equal(gmv_source_read_exact(src, at, got, KNOWN_LEN), GMV_ERR_IO);
    gmv_source_free(src);
    unlink(cut_path);
}

/* Lists offsets to cut the core at: inside the headers, the program
 * headers, each segment and note. Returns how many (at most MAX_CUTS). */
static size_t cut_points(const elf_info *core, uint64_t size, uint64_t *cuts)
{
    uint64_t phend = core->ehdr.e_phoff + (uint64_t)core->phnum * core->ehdr.e_phentsize;
    uint64_t fixed[] = {0, 1, 15, 16, 40, 63, 64, core->ehdr.e_phoff + 1, (core->ehdr.e_phoff + phend) / 2,
                        phend - 1, phend, size - 1};
    size_t n = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        cuts[n++] = fixed[i];
    for (size_t i = 0; i < core->phnum && n + 2 <= MAX_CUTS; i++) {
        cuts[n++] = core->ph[i].p_offset + core->ph[i].p_filesz / 2;
        cuts[n++] = core->ph[i].p_offset + 1;
    }
    return n;
}

/* Opens the core cut at `cut` and, if that works, reads every segment the
 * whole core has. Nothing may crash or read past what is there. */
static void read_cut_core(const elf_info *core, const char *path, uint64_t cut)
{
    gmv_source *src = NULL;
    int rc = gmv_source_open_core(&src, path, NULL);
    if (rc != 0) {
        if (rc != GMV_ERR_FORMAT)
            fail_msg("cut at %llu: got %d (%s)", (unsigned long long)cut, rc, gmv_error_last());
        return;
    }
    for (size_t i = 0; i < core->phnum; i++) {
        const GElf_Phdr *ph = &core->ph[i];
        if (ph->p_type != PT_LOAD || ph->p_memsz > (64u << 20))
            continue;
        unsigned char *buf = malloc(ph->p_memsz + 1);
        assert_non_null(buf);
        int64_t got = gmv_source_read(src, ph->p_vaddr, buf, ph->p_memsz);
        uint64_t in_file = cut > ph->p_offset ? cut - ph->p_offset : 0;
        assert_true(got >= 0 && (uint64_t)got <= ph->p_memsz);
        assert_true((uint64_t)got == (in_file < ph->p_filesz ? in_file : ph->p_filesz));
        free(buf);
    }
    gmv_source_free(src);
}

/* Cut anywhere, the core opens cleanly (or fails with GMV_ERR_FORMAT) and
 * reads only bytes that are there. Run under the sanitizers to mean much. */
static void cut_anywhere_never_crashes(void **state)
{
    (void)state;
    need_core();
    elf_info core;
    char cut_path[160];
    uint64_t cuts[MAX_CUTS];
    read_elf(fx.core, &core);
    in_dir(cut_path, sizeof cut_path, "cut-any.core");
    size_t n = cut_points(&core, (uint64_t)file_size(fx.core), cuts);
    for (size_t i = 0; i < n; i++) {
        copy_prefix(fx.core, cut_path, (off_t)cuts[i]);
        read_cut_core(&core, cut_path, cuts[i]);
        unlink(cut_path);
    }
}

/* ---- A 32-bit Go process (GOARCH=386) ------------------------------------ */

static const char go_program[] =
    "package main\n"
    "\n"
    "import (\n"
    "\t\"os\"\n"
    "\t\"reflect\"\n"
    "\t\"unsafe\"\n"
    ")\n"
    "\n"
    "var known = [8192]byte{1}\n"
    "\n"
    "const marker = \"gomapviz 386 rodata marker\"\n"
    "\n"
    "func main() {\n"
    "\tfor i := range known {\n"
    "\t\tknown[i] = byte(i*13 + 5)\n"
    "\t}\n"
    "\ts := marker\n"
    "\th := (*reflect.StringHeader)(unsafe.Pointer(&s))\n"
    "\tprintln(uintptr(unsafe.Pointer(&known[0])), h.Data)\n"
    "\tvar b [1]byte\n"
    "\tos.Stdin.Read(b[:])\n"
    "}\n";

/* A running Go program: its pid, its stdin (closing it ends the program),
 * and the addresses it printed. */
typedef struct go_process {
    pid_t pid;
    int stdin_fd;
    uint64_t known, marker;
} go_process;

/* Builds the Go program for GOARCH=386 into `exe`. Uses the caller's Go
 * build cache (warm: well under a second; cold: ~15 s). */
static void build_go386(char *exe, size_t size)
{
    char src_dir[160], path[200], cmd[1024];
    in_dir(src_dir, sizeof src_dir, "go386");
    assert_int_equal(mkdir(src_dir, 0700), 0);
    snprintf(path, sizeof path, "%s/go.mod", src_dir);
    write_file(path, "module prog386\n\ngo 1.19\n");
    snprintf(path, sizeof path, "%s/main.go", src_dir);
    write_file(path, go_program);
    snprintf(exe, size, "%s/prog386", src_dir);
    if (system("command -v go >/dev/null 2>&1") != 0)
        fail_msg("go is not in PATH: this test builds a GOARCH=386 program with it");
    const char *cache = getenv("GOCACHE") || getenv("HOME") ? "" : "GOCACHE=\"$PWD/cache\" ";
    snprintf(cmd, sizeof cmd,
             "cd %s && %sGOARCH=386 CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -o prog386 . >build.log 2>&1",
             src_dir, cache);
    if (system(cmd) != 0) {
        snprintf(path, sizeof path, "%s/build.log", src_dir);
        fail_msg("go build (GOARCH=386) failed: %s", file_head(path));
    }
}

/* Starts `exe` with pipes on stdin and stderr; reads the two addresses it
 * prints. */
static void start_go(const char *exe, go_process *g)
{
    int in[2], err[2];
    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(err, O_CLOEXEC), 0);
    g->pid = fork();
    assert_true(g->pid >= 0);
    if (g->pid == 0) {
        dup2(in[0], 0);
        dup2(err[1], 2);
        execl(exe, exe, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(err[1]);
    g->stdin_fd = in[1];
    FILE *f = fdopen(err[0], "r");
    unsigned long long k = 0, m = 0;
    assert_int_equal(fscanf(f, "%llu %llu", &k, &m), 2);
    fclose(f);
    g->known = k;
    g->marker = m;
}

/* Ends the Go program and reaps it. */
static void stop_go(go_process *g)
{
    close(g->stdin_fd);
    int status = 0;
    assert_int_equal(waitpid(g->pid, &status, 0), g->pid);
}

/* Checks the Go program's global and constant string through `src`. */
static void check_go_memory(gmv_source *src, const go_process *g)
{
    unsigned char got[GO_KNOWN_LEN];
    char text[32] = {0};
    assert_int_equal(gmv_source_read(src, g->known, got, GO_KNOWN_LEN), GO_KNOWN_LEN);
    for (size_t i = 0; i < GO_KNOWN_LEN; i++)
        assert_int_equal(got[i], (unsigned char)(i * 13 + 5));
    assert_int_equal(gmv_source_read(src, g->marker, text, 26), 26);
    assert_string_equal(text, "gomapviz 386 rodata marker");
}

/* The live 32-bit process: reads, entry point (from 4-byte auxv entries),
 * freeze. */
static void check_go_live(const go_process *g, uint64_t e_entry)
{
    gmv_source *src = NULL;
    uint64_t entry = 0;
    assert_int_equal(gmv_source_open_process(&src, g->pid, NULL), 0);
    check_go_memory(src, g);
    assert_int_equal(gmv_source_entry_point(src, &entry), 0);
    assert_int_equal(entry, e_entry);
    assert_int_equal(gmv_source_freeze(src), 0);
    check_go_memory(src, g);
    assert_int_equal(gmv_source_thaw(src), 0);
    gmv_source_free(src);
}

/* Makes a small core of the Go program (see limit_core). */
static void make_go_core(const go_process *g, char *core, size_t size)
{
    const char *problem = limit_core(g->pid);
    if (!problem)
        problem = run_gcore(g->pid, "core386", core, size);
    if (problem)
        fail_msg("%s", problem);
}

/* The 32-bit core, with its executable: what it holds, what the executable
 * fills (once the .rodata segment lacks its bytes), AT_ENTRY. */
static void check_go_core(const go_process *g, const char *core, const char *exe, uint64_t e_entry)
{
    elf_info info;
    uint64_t entry = 0;
    read_elf(core, &info);
    assert_int_equal(info.ehdr.e_ident[EI_CLASS], ELFCLASS32);
    gmv_source *src = open_core(core, exe);
    check_go_memory(src, g);
    assert_int_equal(gmv_source_entry_point(src, &entry), 0);
    assert_int_equal(entry, e_entry);
    gmv_source_free(src);
    const char *text = "gomapviz 386 rodata marker";
    check_exe_fills(core, exe, LACK_FILESZ_0, g->marker, text, strlen(text), g->known, GO_KNOWN_LEN);
    check_exe_fills(core, exe, LACK_SEGMENT, g->marker, text, strlen(text), g->known, GO_KNOWN_LEN);
}

static void go_386_process_and_core(void **state)
{
    (void)state;
    char exe[200], core[160];
    elf_info info;
    go_process g;
    build_go386(exe, sizeof exe);
    read_elf(exe, &info);
    assert_int_equal(info.ehdr.e_ident[EI_CLASS], ELFCLASS32);
    start_go(exe, &g);
    check_go_live(&g, info.ehdr.e_entry);
    make_go_core(&g, core, sizeof core);
    stop_go(&g);
    check_go_core(&g, core, exe, info.ehdr.e_entry);
    need_core();
    expect_open_failure(fx.core, exe, GMV_ERR_FORMAT, "is 64-bit but executable", exe);
    expect_open_failure(core, SELF_EXE, GMV_ERR_FORMAT, "is 32-bit but executable", core);
    unlink(core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core_holds_child_memory),
        cmocka_unit_test(rodata_and_entry_point),
        cmocka_unit_test(executable_fills_what_core_lacks),
        cmocka_unit_test(not_a_core_file),
        cmocka_unit_test(executable_must_match_core),
        cmocka_unit_test(truncated_core_reads_short),
        cmocka_unit_test(cut_anywhere_never_crashes),
        cmocka_unit_test(go_386_process_and_core),
    };
    return cmocka_run_group_tests(tests, setup_core, teardown_core);
}
