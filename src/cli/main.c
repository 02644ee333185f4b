/* gomapviz: see what a Go map looks like in memory. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define INPUT_HELP \
    "Input (one of):\n" \
    "  SNAPSHOT.gmvs            a snapshot written by gomapviz capture\n" \
    "  --pid PID [--exe PATH]   a live process (stopped while read; PATH defaults to /proc/PID/exe)\n" \
    "  --core CORE --exe PATH   an ELF core file (gcore PID) and the executable that dumped it\n" \
    "The map (with --pid or --core, one of):\n" \
    "  --var NAME               a package-level variable, e.g. main.cache, or a path from one as Go\n" \
    "                           code names it: main.registry.m, 'main.shards[3].index' (through\n" \
    "                           pointers and slices)\n" \
    "  --addr ADDR --type TYPE  the map's own address (the hmap or Map pointer the variable holds,\n" \
    "                           e.g. from a debugger) and its type, e.g. 'map[string]int'\n" \
    "Options:\n" \
    "  --no-freeze              do not stop the target while reading (the map may change under us)\n" \
    "  --allow-nil              accept a nil map (otherwise an error)\n" \
    "  --skip-exe-check         read even if the build ID of --exe is not the target's (risky)\n" \
    "  --debug-file FILE        the executable's DWARF kept apart (objcopy --only-keep-debug); else\n" \
    "                           looked for by build ID and .gnu_debuglink, as gdb does\n" \
    "  --debug-dir DIR          where debug files are installed (default /usr/lib/debug)\n" \
    "  --max-bytes N            stop reading after N bytes of target memory (default 4 GiB)\n" \
    "  --max-buckets N          stop after walking N buckets or groups (default 67108864)\n" \
    "  --max-string N           read at most N bytes of one string key or value (default 1 MiB)\n" \
    "  --depth N                follow pointers in keys and values N deep (default 3; 0: none)\n" \
    "  --elems N                decode the first N elements of an array or slice (default 16)\n" \
    "  --nested N               read maps held in keys and values whole, N levels deep (default 0:\n" \
    "                           their address, implementation and count only)\n"

#define EXIT_HELP \
    "Exit status: 0 done; 1 failed (one line on stderr says why); 2 bad usage;\n" \
    "             3 done, but the map has anomalies (listed in the output).\n"

static const struct command_help {
    const char *name;
    const char *usage;
    const char *summary;     /* one line, for gomapviz --help */
    const char *description; /* for gomapviz COMMAND --help */
} commands[] = {
    {"capture", "gomapviz capture (--pid PID | --core CORE --exe PATH) (--var NAME | --addr ADDR --type TYPE) -o FILE.gmvs",
     "Read a map from a live process or a core file and save it as a snapshot.",
     "Read a map from a live process or a core file and save it as a snapshot: exactly the\n"
     "memory the map uses, its layout and where it came from (docs/snapshot-format.md)."},
    {"dump", "gomapviz dump INPUT [-o FILE]", "Write the map's model as JSON.",
     "Write the map's model as JSON: header, every bucket and cell (classic maps) or the\n"
     "directory, every table and group with its control bytes (Swiss tables), entries, stats,\n"
     "anomalies (docs/json-schema.md). Standard output unless -o is given."},
    {"stats", "gomapviz stats INPUT", "Print a short summary of the map.",
     "Print a short summary: size, load, chains and grow progress (classic maps) or tables,\n"
     "slots by state, localDepths and bytes held (Swiss tables), anomalies."},
    {"render", "gomapviz render INPUT -o FILE.svg|.png|.dot|.html [--format F] [focus options]",
     "Draw the map as SVG, PNG or DOT (Graphviz), or write a page to explore it in a browser (.html).",
     "Draw the map. A classic map: header, buckets with their tophash cells, keys and values,\n"
     "overflow chains, spare buckets, and during a grow the old array and where it moves. A\n"
     "Swiss-table map: header, directory, tables, and groups with their control bytes, keys and\n"
     "values. Maps of more than --full-limit buckets or groups are summarised, with the longest\n"
     "chains (classic) or the groups with the most tombstones (Swiss) drawn in full.\n"
     "Focus: --key KEY (as Go prints it, no quotes); classic: --bucket N, --buckets A-B,\n"
     "--longest N; Swiss: --table N (as numbered in the JSON), --groups A-B (of that table).\n"
     "Size: --full-limit N (default 64), --max-text N (characters per key or value, 20)."},
    {"diff", "gomapviz diff BEFORE.gmvs (AFTER.gmvs | --pid PID --var NAME | ...) [-o FILE] [--force]",
     "Compare two moments of one map, as text, JSON or a picture.",
     "Compare two snapshots of one map (say, before and after a grow): header changes, entries\n"
     "added, removed, changed and moved, and what happened to the structure: for a classic map\n"
     "the X or Y half each entry moved to, chain lengths and evacuation progress; for a Swiss\n"
     "map tables grown, split or replaced, the directory doubled, a small map turned into a\n"
     "table. -o FILE.json, .txt, .dot, .svg, .png or .html (default: text on standard output).\n"
     "Snapshots of different maps are refused unless --force."},
    {"list", "gomapviz list (--pid PID | --core CORE --exe PATH | EXECUTABLE) [--depth N] [-o FILE.json|.txt] [--format F]",
     "List every map of a program, with the memory each holds.",
     "List every map reachable from the program's package-level variables: in variables, struct\n"
     "fields, array and slice elements, behind pointers (--depth N deep, default 3), each with its\n"
     "path (as --var takes it), type, implementation, count, slots and the bytes its storage\n"
     "holds on the Go heap (size classes as the runtime allocates; docs/json-schema.md). Sorted\n"
     "by bytes held. Reads headers (and a Swiss map's tables), not entries. Given an executable\n"
     "alone, lists the maps it places without memory (variables, fields, array elements) with\n"
     "their types. Text, or JSON with --format json or -o FILE.json."},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

int cli_print_help(const char *command)
{
    if (!command) {
        puts("gomapviz: see what a Go map looks like in memory.\n\n"
             "Usage: gomapviz COMMAND [options]   (gomapviz COMMAND --help for more)\n\nCommands:");
        for (size_t i = 0; i < COMMAND_COUNT; i++)
            printf("  %-8s %s\n", commands[i].name, commands[i].summary);
        printf("\nExample:\n  gomapviz capture --pid 1234 --var main.cache -o cache.gmvs\n"
               "  gomapviz dump cache.gmvs | jq .stats\n\n" EXIT_HELP);
        return 0;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(command, commands[i].name) == 0) {
            printf("Usage: %s\n\n%s\n\n" INPUT_HELP "  -o, --output FILE        where to write%s\n\n" EXIT_HELP,
                   commands[i].usage, commands[i].description,
                   strcmp(command, "capture") == 0 ? " the snapshot"
               : strcmp(command, "render") == 0 ? " the picture (- for standard output, with --format)"
                                                 : " (default: standard output)");
            return 0;
        }
    }
    return -1;
}

/* Runs one command with its options. */
static int run_command(const char *name, int argc, char **argv)
{
    cli_options opts = {.command = name};
    int rc = cli_parse_options(&opts, argc, argv);
    if (rc != 0)
        return rc;
    if (opts.help)
        return cli_print_help(name) == 0 ? EXIT_DONE : EXIT_USAGE;
    cli_progress_start();
    int status = strcmp(name, "capture") == 0 ? cli_capture(&opts)
                 : strcmp(name, "dump") == 0  ? cli_dump(&opts)
                 : strcmp(name, "render") == 0 ? cli_render(&opts)
                 : strcmp(name, "diff") == 0   ? cli_diff(&opts)
                 : strcmp(name, "list") == 0   ? cli_list(&opts)
                                               : cli_stats(&opts);
    cli_progress_end();
    return status;
}

/* Makes the library's messages name the settings by this command line's flags. */
static void name_options(void)
{
    static const struct {
        gmv_option option;
        const char *flag;
    } flags[] = {
        {GMV_OPTION_MAX_BYTES, "--max-bytes"}, {GMV_OPTION_MAX_BUCKETS, "--max-buckets"},
        {GMV_OPTION_ALLOW_NIL, "--allow-nil"}, {GMV_OPTION_FORCE, "--force"},
        {GMV_OPTION_KEY, "--key"},             {GMV_OPTION_BUCKETS, "--buckets"},
        {GMV_OPTION_LONGEST, "--longest"},     {GMV_OPTION_TABLE, "--table"},
        {GMV_OPTION_GROUPS, "--groups"},       {GMV_OPTION_FORMAT, "--format"},
        {GMV_OPTION_ADDR, "--addr"},           {GMV_OPTION_TYPE, "--type"},
        {GMV_OPTION_EXE, "--exe"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        gmv_set_option_name(flags[i].option, flags[i].flag);
}

int main(int argc, char **argv)
{
    name_options();
    if (argc < 2) {
        cli_print_help(NULL);
        return EXIT_USAGE;
    }
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 || strcmp(command, "help") == 0) {
        if (argc > 2 && cli_print_help(argv[2]) != 0) {
            cli_error("unknown command '%s' (commands: capture, dump, stats, render, diff, list)", argv[2]);
            return EXIT_USAGE;
        }
        if (argc <= 2)
            cli_print_help(NULL);
        return EXIT_DONE;
    }
    if (strcmp(command, "--version") == 0 || strcmp(command, "version") == 0) {
        puts("gomapviz 0.1.0");
        return EXIT_DONE;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(command, commands[i].name) == 0)
            return run_command(command, argc - 1, argv + 1);
    }
    cli_error("unknown command '%s' (commands: capture, dump, stats, render, diff, list; see gomapviz --help)", command);
    return EXIT_USAGE;
}
