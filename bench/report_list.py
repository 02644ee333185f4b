#!/usr/bin/env python3
"""Writes the list benchmark (scripts/bench.sh list) into docs/benchmarks.md.

Usage: report_list.py RESULTS.tsv INFO.txt OUT.md

RESULTS.tsv has the rows of scripts/bench_list.sh (the columns of
bench/report.py's rows: maps, implementation, tool, command, wall, wall
standard deviation, runs, peak RSS KB, user s, system s, entries, status,
note). The section goes between the markers BEGIN and END in OUT (added at
the end if OUT has none); the rest of OUT is left as it is.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import Row, code, fmt_cpu, fmt_int, fmt_mb, fmt_s  # noqa: E402

BEGIN = "<!-- list-benchmark -->"
END = "<!-- /list-benchmark -->"
LABEL = {"classic": "classic hmap, Go 1.19", "swiss": "Swiss tables, Go 1.26"}


def short(cmd, work):
    """A command without the run's temporary directory and this checkout's path."""
    return cmd.replace(work + "/", "").replace(os.getcwd() + "/", "")


def section(rows, info, work):
    o = [BEGIN, "## gomapviz list over 1,000 maps and 2 GB of map memory (issue 13)", ""]
    w = o.append
    w("Measured with %s on %s (%s, %s cores, %s), %s." % (
        code("bash scripts/bench.sh list"), info.get("date", "?"), info.get("cpu", "?"),
        info.get("cores", "?"), info.get("memory", "?"), info.get("gomapviz", "?")))
    w("")
    for impl in ("classic", "swiss"):
        mine = [r for r in rows if r.type == impl]
        if not mine:
            continue
        w("### %s" % LABEL[impl])
        w("")
        for key, what in (("list_target_", "the target"), ("list_check_", "checked"),
                          ("headread_", "the floor's reads (5 runs)")):
            if key + impl in info:
                w("- %s: %s" % (what, info[key + impl]))
        w("")
        w("| tool | wall | runs | peak RSS | CPU (user+sys) | status | note |")
        w("|---|---|---|---|---|---|---|")
        for r in mine:
            wall = fmt_s(r.wall) + (" ± %s" % fmt_s(r.sd) if r.runs > 1 and r.sd else "")
            w("| %s | %s | %d | %s | %s | %s | %s |" % (
                r.tool, wall, r.runs, fmt_mb(r.rss), fmt_cpu(r.cpu), r.status, r.note or ""))
        w("")
        w("Commands: " + "; ".join(code(short(r.cmd, work)) for r in mine))
        w("")
    w("`list` reads each map's header (and a Swiss map's directory and table headers) while the "
      "process is stopped, after indexing the executable's DWARF; the floor reads the same "
      "headers with `process_vm_readv` (`bench/headread`), 1,024 ranges a call, without "
      "stopping the process or reading any DWARF. delve has no list: it was asked for each "
      "map's length, one `print len(main.maps[i])` each. The check before the timings: "
      "list found every map of `main.maps` with its count, and its bytes held are within 1% "
      "of the program's `HeapAlloc`.")
    w(END)
    return "\n".join(o) + "\n"


def main():
    results, info_path, out = sys.argv[1:4]
    with open(results) as fh:
        rows = [Row(line.rstrip("\n").split("\t")) for line in fh if line.strip()]
    info = {}
    with open(info_path) as fh:
        for line in fh:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                info[k] = v
    text = open(out).read() if os.path.exists(out) else ""
    new = section(rows, info, os.path.dirname(os.path.abspath(results)))
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + new + text[text.index(END) + len(END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + new
    with open(out, "w") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()
