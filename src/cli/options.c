/* Parsing the command line (getopt_long, long-only options numbered from 128). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    OPT_PID = 128,
    OPT_EXE,
    OPT_CORE,
    OPT_VAR,
    OPT_ADDR,
    OPT_TYPE,
    OPT_NO_FREEZE,
    OPT_ALLOW_NIL,
    OPT_MAX_BYTES,
    OPT_MAX_BUCKETS,
    OPT_MAX_STRING,
    OPT_FORMAT,
    OPT_BUCKET,
    OPT_BUCKETS,
    OPT_KEY,
    OPT_LONGEST,
    OPT_FULL_LIMIT,
    OPT_MAX_TEXT,
    OPT_FORCE,
    OPT_TABLE,
    OPT_GROUPS,
    OPT_SKIP_EXE_CHECK,
    OPT_DEBUG_FILE,
    OPT_DEBUG_DIR,
    OPT_DEPTH,
    OPT_ELEMS,
    OPT_NESTED
};

static const struct option long_options[] = {
    {"pid", required_argument, NULL, OPT_PID},
    {"exe", required_argument, NULL, OPT_EXE},
    {"core", required_argument, NULL, OPT_CORE},
    {"var", required_argument, NULL, OPT_VAR},
    {"addr", required_argument, NULL, OPT_ADDR},
    {"type", required_argument, NULL, OPT_TYPE},
    {"no-freeze", no_argument, NULL, OPT_NO_FREEZE},
    {"allow-nil", no_argument, NULL, OPT_ALLOW_NIL},
    {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
    {"max-buckets", required_argument, NULL, OPT_MAX_BUCKETS},
    {"max-string", required_argument, NULL, OPT_MAX_STRING},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"bucket", required_argument, NULL, OPT_BUCKET},
    {"buckets", required_argument, NULL, OPT_BUCKETS},
    {"key", required_argument, NULL, OPT_KEY},
    {"longest", required_argument, NULL, OPT_LONGEST},
    {"full-limit", required_argument, NULL, OPT_FULL_LIMIT},
    {"max-text", required_argument, NULL, OPT_MAX_TEXT},
    {"force", no_argument, NULL, OPT_FORCE},
    {"table", required_argument, NULL, OPT_TABLE},
    {"groups", required_argument, NULL, OPT_GROUPS},
    {"skip-exe-check", no_argument, NULL, OPT_SKIP_EXE_CHECK},
    {"debug-file", required_argument, NULL, OPT_DEBUG_FILE},
    {"debug-dir", required_argument, NULL, OPT_DEBUG_DIR},
    {"depth", required_argument, NULL, OPT_DEPTH},
    {"elems", required_argument, NULL, OPT_ELEMS},
    {"nested", required_argument, NULL, OPT_NESTED},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define OPTION_SLOTS (OPT_NESTED - OPT_PID + 3) /* -o, --help, then the long-only options */

/* Which commands take an option. */
enum { CMD_CAPTURE = 1, CMD_DUMP = 2, CMD_STATS = 4, CMD_RENDER = 8, CMD_DIFF = 16, CMD_LIST = 32 };
#define CMD_ALL (CMD_CAPTURE | CMD_DUMP | CMD_STATS | CMD_RENDER | CMD_DIFF)

/* The commands that take option `c`, and a hint for the others ("" if none). */
static unsigned option_commands(int c, const char **hint)
{
    *hint = "";
    switch (c) {
    case OPT_FORMAT:
        *hint = "; gomapviz dump writes JSON, render, diff and list take --format";
        return CMD_RENDER | CMD_DIFF | CMD_LIST;
    case OPT_VAR:
    case OPT_ADDR:
    case OPT_TYPE:
        *hint = "; gomapviz list finds every map itself";
        return CMD_ALL;
    case OPT_PID:
    case OPT_CORE:
    case OPT_EXE:
    case OPT_NO_FREEZE:
    case OPT_SKIP_EXE_CHECK:
    case OPT_DEBUG_FILE:
    case OPT_DEBUG_DIR:
    case OPT_DEPTH:
        return CMD_ALL | CMD_LIST; /* the target, and for list how deep pointers are followed */
    case OPT_KEY:
    case OPT_BUCKET:
    case OPT_BUCKETS:
    case OPT_LONGEST:
    case OPT_TABLE:
    case OPT_GROUPS:
    case OPT_FULL_LIMIT:
    case OPT_MAX_TEXT:
        *hint = "; it chooses what gomapviz render draws";
        return CMD_RENDER;
    case OPT_FORCE:
        *hint = "; it lets gomapviz diff compare different maps";
        return CMD_DIFF;
    default:
        return CMD_ALL; /* input, limits and -o */
    }
}

/* The command's bit, from its name. */
static unsigned command_bit(const char *command)
{
    static const char *const names[] = {"capture", "dump", "stats", "render", "diff", "list"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(command, names[i]) == 0)
            return 1u << i;
    }
    return 0;
}

/* How option `c` is spelt on the command line. */
static const char *option_name(int c)
{
    if (c == 'o')
        return "-o";
    if (c == 'h')
        return "--help";
    for (const struct option *opt = long_options; opt->name; opt++) {
        if (opt->val == c)
            return opt->name;
    }
    return "?";
}

/* Refuses an option given twice, or one the command does not take. */
static int check_option_use(const cli_options *o, int c, unsigned char *seen)
{
    const char *hint = "";
    int slot = c == 'o' ? 0 : c == 'h' ? 1 : c - OPT_PID + 2;
    bool dash = c != 'o';
    if (slot >= 0 && slot < OPTION_SLOTS && seen[slot]++) {
        cli_error("%s%s is given twice; give it once", dash ? "--" : "", option_name(c));
        return EXIT_USAGE;
    }
    if (c != 'o' && c != 'h' && !(option_commands(c, &hint) & command_bit(o->command))) {
        cli_error("%s does not take --%s%s", o->command, option_name(c), hint);
        return EXIT_USAGE;
    }
    return 0;
}

/* Parses an unsigned number (decimal or 0x hex) that must be whole and non-zero. */
static bool parse_u64(const char *text, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    if (text[0] == '-' || text[0] == '\0')
        return false;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno != 0 || *end != '\0' || v == 0)
        return false;
    *out = v;
    return true;
}

/* Parses a bucket index (0 allowed). */
static bool parse_index(const char *text, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    if (text[0] < '0' || text[0] > '9')
        return false;
    unsigned long long v = strtoull(text, &end, 10);
    *out = v;
    return errno == 0 && *end == '\0';
}

/* Parses an index N, or with `range` also a range A-B (A <= B). */
static bool parse_range(const char *arg, bool range, uint64_t *first, uint64_t *last)
{
    const char *dash = strchr(arg, '-');
    if (!range || !dash) {
        bool ok = parse_index(arg, first);
        *last = *first;
        return ok;
    }
    char head[32];
    size_t n = (size_t)(dash - arg);
    if (n >= sizeof head)
        return false;
    memcpy(head, arg, n);
    head[n] = '\0';
    return parse_index(head, first) && parse_index(dash + 1, last) && *first <= *last;
}

/* Applies --bucket N, --buckets A-B, --table N or --groups A-B. */
static int apply_focus_range(cli_options *o, int c, const char *arg)
{
    uint64_t first = 0, last = 0;
    if (!parse_range(arg, c == OPT_BUCKETS || c == OPT_GROUPS, &first, &last)) {
        cli_error("%s wants %s, not '%s'",
                  c == OPT_BUCKET ? "--bucket" : c == OPT_BUCKETS ? "--buckets" : c == OPT_TABLE ? "--table" : "--groups",
                  c == OPT_BUCKET ? "a bucket index like 12"
                  : c == OPT_TABLE ? "a table index like 2"
                                   : "a range like 0-15",
                  arg);
        return EXIT_USAGE;
    }
    gmv_graph_options *g = &o->graph;
    if (c == OPT_TABLE) {
        g->has_focus_table = true;
        g->focus_table = first;
    } else if (c == OPT_GROUPS) {
        g->has_focus_groups = true;
        g->groups_first = first;
        g->groups_last = last;
    } else {
        g->has_focus_range = true;
        g->focus_first = first;
        g->focus_last = last;
    }
    return 0;
}

/* Applies a positive count option of the render command. */
static int apply_count(cli_options *o, int c, const char *arg)
{
    uint64_t n = 0;
    const char *name = c == OPT_LONGEST ? "--longest" : c == OPT_FULL_LIMIT ? "--full-limit" : "--max-text";
    if (!parse_u64(arg, &n) || n > 1000000) {
        cli_error("%s wants a positive number, not '%s'", name, arg);
        return EXIT_USAGE;
    }
    if (c == OPT_LONGEST) {
        o->graph.longest_chains = (uint32_t)n;
        o->graph.focus_longest = true;
    }
    else if (c == OPT_FULL_LIMIT)
        o->graph.full_limit = n;
    else
        o->graph.max_text = (uint32_t)n;
    return 0;
}

/* Applies one parsed option; returns 0 or EXIT_USAGE (message printed). */
static int apply_option(cli_options *o, int c, const char *arg)
{
    uint64_t n = 0;
    switch (c) {
    case OPT_PID:
        if (!parse_u64(arg, &n) || n > INT32_MAX) {
            cli_error("--pid wants a process id, not '%s'", arg);
            return EXIT_USAGE;
        }
        o->pid = (long)n;
        return 0;
    case OPT_ADDR:
        if (!parse_u64(arg, &o->addr)) {
            cli_error("--addr wants a non-zero address like 0xc000010000, not '%s'", arg);
            return EXIT_USAGE;
        }
        o->has_addr = true;
        return 0;
    case OPT_MAX_BYTES:
    case OPT_MAX_BUCKETS:
    case OPT_MAX_STRING:
        if (!parse_u64(arg, &n)) {
            cli_error("%s wants a positive number, not '%s'",
                      c == OPT_MAX_BYTES ? "--max-bytes" : c == OPT_MAX_BUCKETS ? "--max-buckets" : "--max-string", arg);
            return EXIT_USAGE;
        }
        if (c == OPT_MAX_BYTES)
            o->limits.max_bytes = n;
        else if (c == OPT_MAX_BUCKETS)
            o->limits.max_buckets = n;
        else
            o->limits.max_string = n;
        return 0;
    case OPT_DEPTH:
        if (!parse_index(arg, &n) || n > GMV_MAX_FOLLOW_DEPTH) {
            cli_error("--depth wants a number of pointers to follow from 0 to %d, not '%s'", GMV_MAX_FOLLOW_DEPTH, arg);
            return EXIT_USAGE;
        }
        o->limits.follow_depth = n ? n : GMV_FOLLOW_NONE;
        return 0;
    case OPT_NESTED:
        if (!parse_index(arg, &n) || n > GMV_MAX_NESTED_MAPS) {
            cli_error("--nested wants how many levels of maps held in keys and values to read, from 0 to %d, "
                      "not '%s'", GMV_MAX_NESTED_MAPS, arg);
            return EXIT_USAGE;
        }
        o->limits.nested_maps = n;
        return 0;
    case OPT_ELEMS:
        if (!parse_u64(arg, &n) || n > GMV_MAX_ELEMS) {
            cli_error("--elems wants a number of elements from 1 to %d, not '%s'", GMV_MAX_ELEMS, arg);
            return EXIT_USAGE;
        }
        o->limits.max_elems = n;
        return 0;
    case OPT_BUCKET:
    case OPT_BUCKETS:
    case OPT_TABLE:
    case OPT_GROUPS:
        return apply_focus_range(o, c, arg);
    case OPT_LONGEST:
    case OPT_FULL_LIMIT:
    case OPT_MAX_TEXT:
        return apply_count(o, c, arg);
    case OPT_FORMAT: o->format = arg; return 0;
    case OPT_FORCE: o->force = true; return 0;
    case OPT_KEY: o->graph.focus_key = arg; return 0;
    case OPT_EXE: o->exe = arg; return 0;
    case OPT_CORE: o->core = arg; return 0;
    case OPT_VAR: o->var = arg; return 0;
    case OPT_TYPE: o->type = arg; return 0;
    case OPT_NO_FREEZE: o->no_freeze = true; return 0;
    case OPT_ALLOW_NIL: o->allow_nil = true; return 0;
    case OPT_SKIP_EXE_CHECK: o->skip_exe_check = true; return 0;
    case OPT_DEBUG_FILE: o->debug_file = arg; return 0;
    case OPT_DEBUG_DIR: o->debug_dir = arg; return 0;
    case 'o': o->output = arg; return 0;
    case 'h': o->help = true; return 0;
    default: return EXIT_USAGE;
    }
}

/* Checks that the inputs named make one coherent choice. */
/* gomapviz list reads a process or a core: every map of it. */
static int check_list_inputs(const cli_options *o)
{
    if (!o->snapshot && !o->pid && !o->core) {
        cli_error("no input: give --pid PID, --core CORE --exe PATH, or an executable (see gomapviz list --help)");
        return EXIT_USAGE;
    }
    if (o->snapshot && (o->pid || o->core || o->exe)) {
        cli_error("give only one input: --pid PID, --core CORE --exe PATH, or an executable");
        return EXIT_USAGE;
    }
    if (o->pid && o->core) {
        cli_error("give only one input: --pid PID or --core CORE");
        return EXIT_USAGE;
    }
    if (o->core && !o->exe) {
        cli_error("--core needs --exe PATH: the executable that dumped core (for symbols, DWARF and read-only data)");
        return EXIT_USAGE;
    }
    if (o->var || o->has_addr || o->type) {
        cli_error("list finds every map itself: --var, --addr and --type name one map for the other commands");
        return EXIT_USAGE;
    }
    return 0;
}

static int check_input_choice(const cli_options *o)
{
    int kinds = (o->snapshot != NULL) + (o->pid != 0) + (o->core != NULL);
    if (kinds != 1) {
        cli_error(kinds ? "give only one input: a snapshot file, --pid PID or --core CORE"
                        : "no input: give a snapshot file, --pid PID or --core CORE --exe PATH (see gomapviz %s --help)",
                  o->command);
        return EXIT_USAGE;
    }
    if (o->snapshot && (o->var || o->has_addr || o->type || o->exe || o->debug_file || o->debug_dir)) {
        cli_error("--var, --addr, --type, --exe and --debug-file go with --pid or --core, not with a snapshot file");
        return EXIT_USAGE;
    }
    if (o->core && !o->exe) {
        cli_error("--core needs --exe PATH: the executable that dumped core (for symbols, DWARF and read-only data)");
        return EXIT_USAGE;
    }
    if (!o->snapshot && !o->var && !o->has_addr && !o->type) {
        cli_error("which map? name it with --var NAME (e.g. main.cache) or with --addr ADDR --type 'map[K]V'");
        return EXIT_USAGE;
    }
    if (!o->snapshot && o->var && (o->has_addr || o->type)) {
        cli_error("name the map with --var NAME or with --addr ADDR --type 'map[K]V', not both");
        return EXIT_USAGE;
    }
    if (!o->snapshot && !o->var && !(o->has_addr && o->type)) {
        cli_error("--addr and --type go together: --addr 0xHMAP --type 'map[string]int'");
        return EXIT_USAGE;
    }
    return 0;
}

/* diff: BEFORE is a snapshot; AFTER is a second snapshot or a live/core capture. */
static int check_diff_inputs(cli_options *o)
{
    if (!o->snapshot) {
        cli_error("diff needs BEFORE.gmvs and AFTER (a snapshot, or --pid/--core with --var) (see gomapviz diff --help)");
        return EXIT_USAGE;
    }
    if (o->snapshot2 && strcmp(o->snapshot, "-") == 0 && strcmp(o->snapshot2, "-") == 0) {
        cli_error("diff reads one snapshot from standard input (-), not both");
        return EXIT_USAGE;
    }
    if (o->snapshot2) {
        if (o->pid || o->core || o->var || o->has_addr || o->type || o->exe) {
            cli_error("diff takes two snapshots, or one snapshot and --pid/--core for AFTER, not both");
            return EXIT_USAGE;
        }
        return 0;
    }
    cli_options after = *o; /* AFTER comes from the capture options */
    after.snapshot = NULL;
    if (!o->pid && !o->core) {
        cli_error("diff needs AFTER: a second snapshot, or --pid/--core with --var (see gomapviz diff --help)");
        return EXIT_USAGE;
    }
    return check_input_choice(&after);
}

int cli_parse_options(cli_options *o, int argc, char **argv)
{
    opterr = 0;
    optind = 1;
    int c;
    unsigned char seen[OPTION_SLOTS] = {0};
    while ((c = getopt_long(argc, argv, ":o:h", long_options, NULL)) != -1) {
        if (c == '?' || c == ':') {
            const char *bad = argv[optind - 1];
            cli_error(c == ':' ? "option '%s' needs a value (see gomapviz %s --help)"
                               : "unknown option '%s' (see gomapviz %s --help)",
                      bad, o->command);
            return EXIT_USAGE;
        }
        int rc = check_option_use(o, c, seen);
        if (rc == 0)
            rc = apply_option(o, c, optarg);
        if (rc != 0)
            return rc;
    }
    if (o->help)
        return 0;
    if (optind < argc)
        o->snapshot = argv[optind++];
    if (optind < argc && strcmp(o->command, "diff") == 0)
        o->snapshot2 = argv[optind++];
    if (optind < argc) {
        cli_error("unexpected argument '%s' (see gomapviz %s --help)", argv[optind], o->command);
        return EXIT_USAGE;
    }
    if (strcmp(o->command, "diff") == 0)
        return check_diff_inputs(o);
    if (strcmp(o->command, "list") == 0)
        return check_list_inputs(o);
    return check_input_choice(o);
}
