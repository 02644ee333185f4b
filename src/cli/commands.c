/* The commands: capture, dump, stats. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "gomapviz/diff.h"
#include "gomapviz/model.h"
#include "gomapviz/render.h"

void cli_error(const char *fmt, ...)
{
    char text[1024];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    for (char *p = text; *p; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    cli_progress_clear();
    fprintf(stderr, "gomapviz: %s\n", text);
}

/* Reports the last failure and returns EXIT_FAILED. */
static int library_failure(void)
{
    cli_error("%s", cli_failure_message());
    return EXIT_FAILED;
}

/* EXIT_ANOMALIES if the model found any, else EXIT_DONE. */
static int status_of(const gmv_model *model)
{
    size_t n = 0;
    gmv_model_anomalies(model, &n);
    return n ? EXIT_ANOMALIES : EXIT_DONE;
}

/* Loads the input and builds its model; a `lean` one keeps no entry list
 * (gmv_snapshot_build_lean_model: for a single pass over the entries). */
static int load_model(const cli_options *o, bool lean, gmv_snapshot **snap, gmv_model **model)
{
    *snap = NULL;
    *model = NULL;
    if (cli_load_input(o, snap) != 0)
        return -1;
    int rc = lean ? gmv_snapshot_build_lean_model(model, *snap, &o->limits)
                  : gmv_snapshot_build_model(model, *snap, &o->limits);
    if (rc != 0) {
        gmv_snapshot_free(*snap);
        *snap = NULL;
        return -1;
    }
    return 0;
}

/* Opens -o FILE, or stdout when absent or "-". */
static FILE *open_output(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return stdout;
    FILE *f = fopen(path, "w");
    if (!f)
        cli_error("cannot create %s: %s", path, strerror(errno));
    return f;
}

/* Closes what open_output opened; returns false if writing failed. */
static bool close_output(FILE *f)
{
    if (f == stdout)
        return fflush(f) == 0 && !ferror(f);
    return fclose(f) == 0;
}

/* Captures into memory, then writes the snapshot to o->output (standard
 * output, a device). */
static int capture_then_write(const cli_options *o, cli_capture_result *res)
{
    gmv_snapshot *snap = NULL;
    int rc = cli_load_input(o, &snap);
    if (rc != 0)
        return rc;
    res->summary = *gmv_snapshot_capture_summary(snap);
    res->bytes = gmv_snapshot_byte_count(snap);
    snprintf(res->map_type, sizeof res->map_type, "%s", gmv_snapshot_layout(snap)->map_type);
    rc = gmv_snapshot_write_file(snap, o->output);
    gmv_snapshot_free(snap);
    return rc;
}

/* The one line a capture reports on stderr. */
static void report_capture(const cli_options *o, const cli_capture_result *res)
{
    const gmv_capture_summary *sum = &res->summary;
    char shape[96]; /* "B=6", "3 tables, 384 groups" or "a small map" */
    if (sum->impl == GMV_IMPL_SWISS && sum->tables)
        snprintf(shape, sizeof shape, "%" PRIu64 " table%s, %" PRIu64 " group%s", sum->tables,
                 sum->tables == 1 ? "" : "s", sum->groups, sum->groups == 1 ? "" : "s");
    else if (sum->impl == GMV_IMPL_SWISS)
        snprintf(shape, sizeof shape, "%s", sum->groups ? "a small map" : "no storage yet");
    else
        snprintf(shape, sizeof shape, "B=%u", sum->B);
    if (sum->nil)
        fprintf(stderr, "captured %s: a nil map -> %s\n", res->map_type, o->output);
    else
        fprintf(stderr, "captured %s: %" PRIu64 " entr%s, %s, %" PRIu64 " bytes of map memory -> %s%s\n",
                res->map_type, sum->live_entries, sum->live_entries == 1 ? "y" : "ies", shape, res->bytes, o->output,
                sum->anomalies ? " (with anomalies: see gomapviz dump)" : "");
}

int cli_capture(const cli_options *o)
{
    if (!o->output) {
        cli_error("capture needs -o FILE.gmvs (where to write the snapshot)");
        return EXIT_USAGE;
    }
    if (o->snapshot) {
        cli_error("capture reads a live process (--pid) or a core (--core); %s is already a snapshot", o->snapshot);
        return EXIT_USAGE;
    }
    /* to a regular file: written as the map is read, so memory stays small;
     * to standard output or a device: captured, then written */
    struct stat st;
    bool stream = strcmp(o->output, "-") != 0 && (stat(o->output, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode));
    cli_capture_result res;
    int rc = stream ? cli_capture_to_file(o, o->output, &res) : capture_then_write(o, &res);
    cli_progress_clear();
    if (rc != 0)
        return library_failure();
    report_capture(o, &res);
    return res.summary.anomalies ? EXIT_ANOMALIES : EXIT_DONE;
}

/* Shared body of dump and stats: load, render with `render`, report. */
static int render_command(const cli_options *o, int (*render)(FILE *, const gmv_model *, const gmv_origin *))
{
    gmv_snapshot *snap = NULL;
    gmv_model *model = NULL;
    if (load_model(o, true, &snap, &model) != 0)
        return library_failure();
    int status = status_of(model);
    FILE *out = open_output(o->output);
    if (!out) {
        status = EXIT_FAILED;
    } else {
        int rc = render(out, model, gmv_snapshot_origin(snap));
        if (!close_output(out) || rc != 0) {
            cli_error("cannot write %s: %s", o->output ? o->output : "standard output", strerror(errno));
            status = EXIT_FAILED;
        }
    }
    gmv_model_free(model);
    gmv_snapshot_free(snap);
    return status;
}

int cli_dump(const cli_options *o)
{
    return render_command(o, gmv_render_json);
}

int cli_stats(const cli_options *o)
{
    return render_command(o, gmv_render_stats);
}

/* The extension of -o FILE ("" for none, or for standard output). */
static const char *output_extension(const char *output)
{
    const char *slash = output ? strrchr(output, '/') : NULL;
    const char *base = slash ? slash + 1 : output;
    const char *dot = base && strcmp(base, "-") != 0 ? strrchr(base, '.') : NULL;
    return dot ? dot + 1 : "";
}

/* Refuses a --format that the -o extension contradicts (`known` tells
 * whether an extension names a format at all, and `same` whether two name
 * the same one). */
static int check_format_matches_output(const cli_options *o, bool (*known)(const char *),
                                       bool (*same)(const char *, const char *))
{
    const char *ext = output_extension(o->output);
    if (!o->format || !known(ext) || same(ext, o->format))
        return 0;
    cli_error("-o %s is a .%s file but --format says %s; give one of them, or make them agree", o->output, ext,
              o->format);
    return EXIT_USAGE;
}

/* True if `ext` names a picture format. */
static bool picture_extension(const char *ext)
{
    gmv_graph_format f;
    return gmv_graph_format_from_name(ext, &f) == 0;
}

/* True if two names give the same picture format. */
static bool same_picture_format(const char *a, const char *b)
{
    gmv_graph_format fa, fb;
    return gmv_graph_format_from_name(a, &fa) == 0 && gmv_graph_format_from_name(b, &fb) == 0 && fa == fb;
}

/* Appends `word` to `out` as a shell would need it (single-quoted unless plain). */
static void shell_word(char *out, size_t size, const char *word)
{
    size_t len = strlen(out);
    bool plain = word[0] != '\0' && strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,+-") ==
                                       strlen(word);
    if (plain) {
        snprintf(out + len, size - len, "%s%s", len ? " " : "", word);
        return;
    }
    snprintf(out + len, size - len, "%s'", len ? " " : "");
    for (const char *p = word; *p && strlen(out) + 5 < size; p++) {
        len = strlen(out);
        snprintf(out + len, size - len, *p == '\'' ? "'\\''" : "%c", *p);
    }
    len = strlen(out);
    snprintf(out + len, size - len, "'");
}

/* How the command line named the map, for the command lines a page shows:
 * a snapshot path, or --pid/--core with --var or --addr --type. */
static void describe_input(const cli_options *o, char *out, size_t size)
{
    char num[32];
    out[0] = '\0';
    if (o->snapshot) {
        shell_word(out, size, o->snapshot);
        return;
    }
    if (o->core) {
        shell_word(out, size, "--core");
        shell_word(out, size, o->core);
    } else {
        snprintf(num, sizeof num, "%ld", o->pid);
        shell_word(out, size, "--pid");
        shell_word(out, size, num);
    }
    if (o->exe) {
        shell_word(out, size, "--exe");
        shell_word(out, size, o->exe);
    }
    if (o->var) {
        shell_word(out, size, "--var");
        shell_word(out, size, o->var);
    } else if (o->has_addr) {
        snprintf(num, sizeof num, "0x%" PRIx64, o->addr);
        shell_word(out, size, "--addr");
        shell_word(out, size, num);
        if (o->type) {
            shell_word(out, size, "--type");
            shell_word(out, size, o->type);
        }
    }
}

/* Works out the picture format from --format or the -o extension. */
static int pick_format(const cli_options *o, gmv_graph_format *format)
{
    const char *name = o->format ? o->format : o->output;
    if (!name || (!o->format && strcmp(name, "-") == 0)) {
        cli_error("render needs -o FILE.svg|.png|.dot|.html, or --format with -o -");
        return EXIT_USAGE;
    }
    if (gmv_graph_format_from_name(name, format) != 0) {
        cli_error("%s", gmv_error_last());
        return EXIT_USAGE;
    }
    return check_format_matches_output(o, picture_extension, same_picture_format);
}

int cli_render(const cli_options *o)
{
    gmv_graph_format format;
    int status = pick_format(o, &format);
    if (status != 0)
        return status;
    gmv_snapshot *snap = NULL;
    gmv_model *model = NULL;
    if (load_model(o, false, &snap, &model) != 0)
        return library_failure();
    status = status_of(model);
    FILE *out = open_output(o->output);
    if (!out) {
        status = EXIT_FAILED;
    } else {
        char input[1024];
        describe_input(o, input, sizeof input);
        int rc = format == GMV_GRAPH_HTML
                     ? gmv_render_html(out, model, gmv_snapshot_origin(snap), &o->graph, input)
                     : gmv_render_graph(out, model, gmv_snapshot_origin(snap), &o->graph, format);
        bool closed = close_output(out);
        if (rc == GMV_ERR_UNSUPPORTED && format == GMV_GRAPH_PNG) {
            cli_error("%s: lower --full-limit, or draw part of the map (--buckets A-B, --table N, --groups A-B, "
                      "--key KEY), or write .svg", gmv_error_last());
            status = EXIT_FAILED;
        } else if (rc != 0) {
            status = library_failure();
        } else if (!closed) {
            cli_error("cannot write %s: %s", o->output, strerror(errno));
            status = EXIT_FAILED;
        }
        if (rc != 0 && out != stdout)
            remove(o->output); /* no half-written picture left behind */
    }
    gmv_model_free(model);
    gmv_snapshot_free(snap);
    return status;
}

/* How a diff is written, from -o's extension. */
typedef enum { DIFF_TEXT, DIFF_JSON, DIFF_PICTURE } diff_output;

/* The kind of diff output a name (an extension or a --format) asks for;
 * false if it names none. */
static bool diff_kind_of(const char *name, diff_output *kind)
{
    gmv_graph_format f;
    if (strcmp(name, "txt") == 0 || strcmp(name, "text") == 0)
        *kind = DIFF_TEXT;
    else if (strcmp(name, "json") == 0)
        *kind = DIFF_JSON;
    else if (gmv_graph_format_from_name(name, &f) == 0)
        *kind = DIFF_PICTURE;
    else
        return false;
    return true;
}

/* True if `ext` names a diff output. */
static bool diff_extension(const char *ext)
{
    diff_output k;
    return diff_kind_of(ext, &k);
}

/* True if two names give the same diff output. */
static bool same_diff_output(const char *a, const char *b)
{
    diff_output ka, kb;
    return diff_kind_of(a, &ka) && diff_kind_of(b, &kb) && ka == kb &&
           (ka != DIFF_PICTURE || same_picture_format(a, b));
}

static int pick_diff_output(const cli_options *o, diff_output *kind, gmv_graph_format *format)
{
    if (check_format_matches_output(o, diff_extension, same_diff_output) != 0)
        return EXIT_USAGE;
    const char *name = o->format ? o->format : o->output;
    *kind = DIFF_TEXT;
    if (!name || strcmp(name, "-") == 0)
        return 0;
    const char *dot = strrchr(name, '.');
    const char *ext = dot ? dot + 1 : name;
    if (!diff_kind_of(ext, kind)) {
        cli_error("unknown diff output '%s': use .txt, .json, .dot, .svg, .png or .html", name);
        return EXIT_USAGE;
    }
    if (*kind == DIFF_PICTURE)
        gmv_graph_format_from_name(ext, format);
    return 0;
}

/* Writes the diff in the chosen form. */
static int write_diff(FILE *out, const gmv_diff *diff, const gmv_snapshot *a, const gmv_snapshot *b, diff_output kind,
                      gmv_graph_format format)
{
    const gmv_origin *oa = gmv_snapshot_origin(a), *ob = gmv_snapshot_origin(b);
    if (kind == DIFF_JSON)
        return gmv_diff_render_json(out, diff, oa, ob);
    if (kind == DIFF_PICTURE && format == GMV_GRAPH_HTML)
        return gmv_diff_render_html(out, diff, oa, ob);
    if (kind == DIFF_PICTURE)
        return gmv_diff_render_graph(out, diff, oa, ob, format);
    return gmv_diff_render_text(out, diff, oa, ob);
}

int cli_diff(const cli_options *o)
{
    diff_output kind;
    gmv_graph_format format = GMV_GRAPH_SVG;
    int status = pick_diff_output(o, &kind, &format);
    if (status != 0)
        return status;
    cli_options after = *o;
    after.snapshot = o->snapshot2;
    gmv_snapshot *sa = NULL, *sb = NULL;
    gmv_model *ma = NULL, *mb = NULL;
    gmv_diff *diff = NULL;
    status = EXIT_FAILED;
    if (cli_read_snapshot(o->snapshot, &sa) == 0 && load_model(&after, false, &sb, &mb) == 0 &&
        gmv_snapshot_build_model(&ma, sa, &o->limits) == 0 && gmv_diff_build(&diff, ma, mb, o->force) == 0) {
        FILE *out = open_output(o->output);
        int rc = out ? write_diff(out, diff, sa, sb, kind, format) : -1;
        bool closed = out && close_output(out);
        status = rc == 0 && closed ? EXIT_DONE : EXIT_FAILED;
        if (out && rc != 0)
            library_failure();
        else if (out && !closed)
            cli_error("cannot write %s: %s", o->output, strerror(errno));
    } else {
        library_failure();
    }
    gmv_diff_free(diff);
    gmv_model_free(ma);
    gmv_model_free(mb);
    gmv_snapshot_free(sa);
    gmv_snapshot_free(sb);
    return status;
}

/* Orders the list by bytes held, most first, then by path. */
static int by_bytes_held(const void *a, const void *b)
{
    const gmv_map_row *x = a, *y = b;
    if (x->memory.total != y->memory.total)
        return x->memory.total > y->memory.total ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* True when list should write JSON: --format json, or -o FILE.json. */
static bool list_as_json(const cli_options *o, bool *bad)
{
    const char *ext = o->output ? strrchr(o->output, '.') : NULL;
    bool json_ext = ext && strcmp(ext, ".json") == 0;
    *bad = false;
    if (!o->format)
        return json_ext;
    if (strcmp(o->format, "json") != 0 && strcmp(o->format, "text") != 0) {
        cli_error("list writes --format text or json, not '%s'", o->format);
        *bad = true;
        return false;
    }
    if (ext && (json_ext != (strcmp(o->format, "json") == 0))) {
        cli_error("-o %s and --format %s disagree; drop one", o->output, o->format);
        *bad = true;
    }
    return strcmp(o->format, "json") == 0;
}

int cli_list(const cli_options *o)
{
    bool bad = false, json = list_as_json(o, &bad);
    if (bad)
        return EXIT_USAGE;
    unsigned depth = o->limits.follow_depth == GMV_FOLLOW_NONE ? 0
                     : o->limits.follow_depth ? (unsigned)o->limits.follow_depth
                                              : GMV_DEFAULT_FOLLOW_DEPTH;
    cli_map_list list;
    if (cli_list_maps(o, depth, &list) != 0)
        return library_failure();
    if (list.n)
        qsort(list.rows, list.n, sizeof *list.rows, by_bytes_held);
    FILE *out = open_output(o->output);
    int rc = out ? gmv_render_map_list(out, list.rows, list.n, json) : -1;
    bool closed = out && close_output(out);
    cli_map_list_free(&list);
    if (!out)
        return EXIT_FAILED;
    if (rc != 0 || !closed) {
        cli_error("cannot write %s", o->output ? o->output : "the list");
        return EXIT_FAILED;
    }
    return EXIT_DONE;
}
