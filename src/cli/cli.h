/* The gomapviz command line: options, input loading, commands. */
#ifndef GMV_CLI_H
#define GMV_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "gomapviz/common.h"
#include "gomapviz/render.h"
#include "gomapviz/snapshot.h"

/* Exit statuses (documented in --help). */
enum {
    EXIT_DONE = 0,
    EXIT_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_ANOMALIES = 3
};

/* Everything the command line said. */
typedef struct cli_options {
    const char *command;
    const char *snapshot;  /* positional input */
    const char *snapshot2; /* diff: the second positional input (AFTER) */
    bool force;            /* diff: compare different maps */
    const char *output;    /* -o */
    long pid;              /* --pid, 0 if none */
    const char *exe;
    const char *core;
    const char *var;
    const char *type;
    uint64_t addr;
    bool has_addr;
    bool no_freeze;
    bool allow_nil;
    const char *debug_file; /* --debug-file: the executable's DWARF kept apart */
    const char *debug_dir;  /* --debug-dir: where debug files are looked for (default /usr/lib/debug) */
    bool skip_exe_check;   /* --skip-exe-check: read even if --exe's build ID is not the target's */
    bool help;
    gmv_limits limits;
    const char *format;    /* render: --format */
    gmv_graph_options graph; /* render: focus and size */
} cli_options;

/* Parses argv after the command name into `opts`. Returns 0, or prints one
 * line to stderr and returns EXIT_USAGE. */
int cli_parse_options(cli_options *opts, int argc, char **argv);

/* Loads the input the options name: a snapshot file, or a capture from a
 * live process or a core file. Returns 0 or a negative gmv_status. */
int cli_load_input(const cli_options *opts, gmv_snapshot **out);

/* Reads the snapshot file `path`, or standard input for "-". Returns 0 or
 * a negative gmv_status (cli_failure_message says why). */
int cli_read_snapshot(const char *path, gmv_snapshot **out);

/* What a capture straight to a file found. */
typedef struct cli_capture_result {
    gmv_capture_summary summary;
    uint64_t bytes;       /* memory recorded */
    char map_type[256];
} cli_capture_result;

/* Captures from the live process or core the options name straight into the
 * file `path` (gmv_snapshot_capture_to_file). Returns 0 or a negative
 * gmv_status (cli_failure_message says why). */
int cli_capture_to_file(const cli_options *opts, const char *path, cli_capture_result *out);

/* Shows a progress line on stderr for operations over a second, if stderr
 * is a terminal; cli_progress_end clears it. */
void cli_progress_start(void);
void cli_progress_end(void);

/* Clears a progress line now on the terminal (before printing a message). */
void cli_progress_clear(void);

/* The message for the last failure: the library's, or a clearer one
 * cli_load_input made from what the command line says (which pid, whether
 * --exe was given). Borrowed until the next failure. */
const char *cli_failure_message(void);

/* Prints "gomapviz: MESSAGE" as one line on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The maps of a target (gomapviz list): rows owning their strings. */
typedef struct cli_map_list {
    gmv_map_row *rows;
    size_t n, cap;
} cli_map_list;

/* Finds every map reachable from the target's package-level variables
 * (`depth` pointers deep) and measures each (gmv_model_memory), while the
 * target is frozen. Returns 0 or a negative status (cli_failure_message). */
int cli_list_maps(const cli_options *opts, unsigned depth, cli_map_list *out);

/* Frees the rows. */
void cli_map_list_free(cli_map_list *list);

/* The commands; each returns an exit status. */
int cli_capture(const cli_options *opts);
int cli_dump(const cli_options *opts);
int cli_stats(const cli_options *opts);
int cli_render(const cli_options *opts);
int cli_diff(const cli_options *opts);
int cli_list(const cli_options *opts);

/* Prints the help of `command` (NULL: the overview) to stdout. Returns 0 if known. */
int cli_print_help(const char *command);

#endif
