/* Whether an executable is the one a process or core was running: its build
 * ID note, compared with the same bytes in the target's memory. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "layout/binary_impl.h"

#define GO_NOTE_TYPE 4      /* the Go linker's "Go" note holding the build ID */
#define NOTE_HEADER 12      /* namesz, descsz, type */
#define BUILD_ID_MAX 128    /* longest build ID compared (Go's are about 83 characters) */

/* A build ID note of the executable: where its bytes are linked, and them. */
typedef struct build_id_note {
    const char *kind;    /* "Go" or "GNU" */
    uint64_t note_vaddr; /* the note header */
    uint64_t desc_vaddr; /* the build ID itself */
    const uint8_t *desc;
    size_t desc_len;
} build_id_note;

/* True if a note's name (`namesz` bytes, NUL-padded: Go writes "Go\0\0") is `owner`. */
static bool note_name_is(const uint8_t *name, uint32_t namesz, const char *owner)
{
    size_t n = strlen(owner);
    return namesz > n && namesz <= n + 4 && memcmp(name, owner, n) == 0 && name[n] == '\0';
}

/* Looks through the allocated note sections for a note named `owner` of
 * `type`; fills *note. Returns true if found. */
static bool find_note(Elf *elf, const char *owner, uint32_t type, build_id_note *note)
{
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE || !(sh.sh_flags & SHF_ALLOC) || sh.sh_addr == 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data || !data->d_buf)
            continue;
        GElf_Nhdr nh;
        size_t offset = 0, name_at = 0, desc_at = 0;
        size_t next;
        while (offset < data->d_size && (next = gelf_getnote(data, offset, &nh, &name_at, &desc_at)) > 0) {
            const uint8_t *name = (const uint8_t *)data->d_buf + name_at;
            if (nh.n_type == type && note_name_is(name, (uint32_t)nh.n_namesz, owner) && nh.n_descsz > 0) {
                *note = (build_id_note){.kind = owner,
                                        .note_vaddr = sh.sh_addr + offset,
                                        .desc_vaddr = sh.sh_addr + desc_at,
                                        .desc = (const uint8_t *)data->d_buf + desc_at,
                                        .desc_len = nh.n_descsz < BUILD_ID_MAX ? nh.n_descsz : BUILD_ID_MAX};
                return true;
            }
            offset = next;
        }
    }
    return false;
}

/* Finds the build ID note of `elf`: Go's, else GNU's; sets *type to its
 * note type. Returns false if the file has neither. */
static bool find_build_id_note(Elf *elf, build_id_note *note, uint32_t *type)
{
    *type = GO_NOTE_TYPE;
    if (find_note(elf, "Go", GO_NOTE_TYPE, note))
        return true;
    *type = NT_GNU_BUILD_ID;
    return find_note(elf, "GNU", NT_GNU_BUILD_ID, note);
}

/* Writes build ID bytes as text: Go's as they are (unprintable bytes as
 * '?'), GNU's in hex. */
static void id_text(const char *kind, const uint8_t *id, size_t len, char *out, size_t size)
{
    size_t n = 0;
    bool go = strcmp(kind, "Go") == 0;
    for (size_t i = 0; i < len && n + 3 < size; i++) {
        if (go)
            out[n++] = id[i] >= 0x20 && id[i] < 0x7f ? (char)id[i] : '?';
        else
            n += (size_t)snprintf(out + n, size - n, "%02x", id[i]);
    }
    out[n] = '\0';
}

/* Reads the note the target holds where the executable has `note`, and
 * writes its build ID as text into out->in_memory ("" if there is none of
 * the same owner and type). Returns 0, GMV_ERR_NOT_FOUND (not readable) or a
 * negative status. */
static int read_target_id(gmv_source *src, const build_id_note *note, uint64_t bias, uint32_t type,
                          gmv_build_id_check *out)
{
    uint8_t buf[NOTE_HEADER + 4 + BUILD_ID_MAX];
    size_t head = (size_t)(note->desc_vaddr - note->note_vaddr);
    size_t want = head + note->desc_len;
    int64_t got = gmv_source_read_own(src, note->note_vaddr + bias, buf, want);
    if (got < 0)
        return (int)got;
    if ((size_t)got < want)
        return GMV_ERR_NOT_FOUND;
    uint32_t namesz, descsz, ntype; /* the target's note header, same byte order as the file's */
    memcpy(&namesz, buf, 4);
    memcpy(&descsz, buf + 4, 4);
    memcpy(&ntype, buf + 8, 4);
    if (ntype != type || NOTE_HEADER + namesz > head || !note_name_is(buf + NOTE_HEADER, namesz, note->kind))
        return GMV_OK; /* no such note there: in_memory stays "" */
    size_t len = descsz < note->desc_len ? descsz : note->desc_len;
    id_text(note->kind, buf + head, len, out->in_memory, sizeof out->in_memory);
    return GMV_OK;
}

int gmv_binary_check_build_id(const gmv_binary *bin, gmv_source *src, uint64_t bias, gmv_build_id_check *out)
{
    gmv_build_id_check local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    build_id_note note;
    uint32_t type = 0;
    if (!find_build_id_note(bin->elf, &note, &type))
        return GMV_OK; /* nothing to compare */
    snprintf(out->kind, sizeof out->kind, "%s", note.kind);
    id_text(note.kind, note.desc, note.desc_len, out->in_file, sizeof out->in_file);
    out->address = note.desc_vaddr + bias;
    int rc = read_target_id(src, &note, bias, type, out);
    if (rc == GMV_ERR_NOT_FOUND)
        return gmv_fail(rc, "the target's memory does not hold 0x%" PRIx64 ", where %s keeps its %s build ID",
                        out->address, bin->path, note.kind);
    if (rc != 0)
        return rc;
    if (strcmp(out->in_file, out->in_memory) != 0)
        return gmv_fail(GMV_ERR_MISMATCH, "%s is not the executable of the memory read: its %s build ID is %s, the one "
                        "in memory %s%s", bin->path, note.kind, out->in_file,
                        out->in_memory[0] ? "is " : "is missing", out->in_memory);
    return GMV_OK;
}

bool gmv_elf_build_id(Elf *elf, const char **kind, char *out, size_t size)
{
    build_id_note note;
    uint32_t type = 0;
    if (!find_build_id_note(elf, &note, &type))
        return false;
    *kind = note.kind;
    id_text(note.kind, note.desc, note.desc_len, out, size);
    return true;
}
