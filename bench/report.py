#!/usr/bin/env python3
"""Turns the rows scripts/bench.sh measured into docs/benchmarks.md.

Usage: report.py RESULTS.tsv INFO.txt OUT.md

RESULTS.tsv has one row per measurement (tab-separated): size, map (m64, mstr or
"fixed" for the classic target; m64-swiss, mstr-swiss, fixed-swiss for the Swiss one), tool, command, wall seconds, wall standard deviation, runs, peak RSS in
KB, user seconds, system seconds, entries, status (ok, failed, time-cap,
memory-cap) and a note. INFO.txt has key=value lines about the machine and the
run. The targets of issues 6 and 10 are computed from the rows.
"""
import re
import sys
from collections import OrderedDict

TYPES = OrderedDict([
    ("m64", "map[int64]int64"), ("mstr", "map[string]string"),
    ("m64-swiss", "map[int64]int64"), ("mstr-swiss", "map[string]string"),
])
IMPL_OF = {"m64": "classic", "mstr": "classic", "m64-swiss": "swiss", "mstr-swiss": "swiss"}
IMPL_LABEL = {"classic": "classic hmap, Go 1.19", "swiss": "Swiss tables, Go 1.26"}
FIXED = {"classic": "fixed", "swiss": "fixed-swiss"}


def type_label(type_):
    return "%s (%s)" % (TYPES[type_], IMPL_LABEL[IMPL_OF[type_]])


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def code(text):
    """An inline Markdown code span that survives backticks in text."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return "%s%s%s%s%s" % (fence, pad, text, pad, fence)


def fmt_int(n):
    return "{:,}".format(int(n))


def fmt_s(s):
    if s is None:
        return "-"
    if s < 0.01:
        return "%.2f ms" % (s * 1000)
    if s < 1:
        return "%.0f ms" % (s * 1000)
    if s < 100:
        return "%.2f s" % s
    if s >= 3600:
        return "%.0f s (%.1f h)" % (s, s / 3600)
    return "%.0f s" % s


def fmt_cpu(s):
    if s is None:
        return "-"
    if s < 0.01:
        return "< 10 ms"
    return fmt_s(s)


def fmt_mb(kb):
    if kb is None:
        return "-"
    mb = kb / 1024.0
    if mb >= 1024:
        return "%.2f GB" % (mb / 1024)
    if mb >= 10:
        return "%.0f MB" % mb
    return "%.1f MB" % mb


def fmt_ratio(r, lower_bound=False):
    if r is None:
        return "-"
    s = ("%.0fx" % r) if r >= 10 else ("%.1fx" % r)
    return ("> " + s) if lower_bound else s


class Row:
    def __init__(self, f):
        f = f + [""] * (13 - len(f))
        self.size = int(f[0])
        self.type = f[1]
        self.tool = f[2]
        self.cmd = f[3]
        self.wall = num(f[4])
        self.sd = num(f[5]) or 0.0
        self.runs = int(num(f[6]) or 0)
        self.rss = num(f[7])
        self.user = num(f[8])
        self.sys = num(f[9])
        self.entries = int(f[10]) if f[10].strip() else None
        self.status = f[11]
        self.note = f[12]

    @property
    def cpu(self):
        if self.user is None or self.sys is None:
            return None
        return self.user + self.sys


def main():
    results, info_path, out = sys.argv[1:4]
    rows = []
    with open(results) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line:
                rows.append(Row(line.split("\t")))
    info = OrderedDict()
    bgcpu = []
    targets = []
    with open(info_path) as fh:
        for line in fh:
            k, _, v = line.rstrip("\n").partition("=")
            if k == "bgcpu":
                bgcpu.append(int(v))
            elif k.startswith("target_"):
                impl, _, size = k[7:].rpartition("_")
                targets.append((impl or "classic", int(size), v))
            else:
                info[k] = v

    def find(size, type_, tool):
        for r in rows:
            if r.size == size and r.type == type_ and r.tool == tool:
                return r
        return None

    sizes = sorted({r.size for r in rows})
    o = []
    w = o.append

    w("# Benchmarks: seeing a whole Go map of a live process")
    w("")
    w("Written by %s (issue 6); every number below comes from that one run." % code(info.get("command", "?")))
    w("")
    notes = []
    if info.get("note"):
        notes.append(info["note"])
    if bgcpu and max(bgcpu) > 10:
        notes.append(
            "**Measured on a loaded machine**: while the targets sat idle, other processes used "
            "up to %d%% of the CPU (%s%% at the start of each size). Wall times here are longer, "
            "and the delve and gdb ones much longer, than on a quiet machine; run the benchmark "
            "again on a quiet one for the real numbers." % (max(bgcpu), ", ".join(map(str, bgcpu))))
    if info.get("quick") == "1":
        notes.append("Quick mode (`BENCH_QUICK=1`): small sizes and short debugger caps only.")
    for n in notes:
        w("> " + n)
        w("")

    w("## Machine and versions")
    w("")
    for k, label in [("date", "date"), ("uname", "`uname -a`"), ("cpu", "CPU"),
                     ("cores", "cores"), ("memory", "memory"), ("go_classic", "Go (classic target)"),
                     ("go_swiss", "Go (Swiss target)"), ("dlv_classic", "delve (classic target)"),
                     ("dlv_swiss", "delve (Swiss target)"), ("gdb", "gdb"), ("hyperfine", "hyperfine"),
                     ("gomapviz", "gomapviz"), ("build", "gomapviz build")]:
        if k in info:
            w("- %s: %s" % (label, info[k]))
    for impl, size, v in targets:
        w("- %s target process for %s entries: %s" % (impl, fmt_int(size), v))
    w("- caps: %s" % info.get("caps", "?"))
    w("- command: %s" % code(info.get("command", "?")))
    w("")

    # ------------------------------------------------------------ targets
    w("## Targets")
    w("")
    w("Each target computed from this run's rows (same process for every tool). Issue 6: the "
      "classic map (Go 1.19). Issue 10: Swiss tables (Go 1.26), and strings at scale for both.")
    w("")
    w("| issue | target | measured | result |")
    w("|---|---|---|---|")

    def vs_delve(issue, M, type_):
        cap, dmp, direct = find(M, type_, "capture"), find(M, type_, "dump snapshot"), find(M, type_, "dump --pid")
        dlv = find(M, type_, "delve")
        what = "%s, %s entries" % (type_label(type_), fmt_int(M))
        ok = all(x and x.status == "ok" and x.wall for x in (cap, dmp))
        if not (ok and dlv and dlv.wall):
            yield (issue, "%s: capture + dump at least 40x faster and 30x less memory than delve" % what,
                   "not measured in this run", "-")
            return
        both = cap.wall + dmp.wall
        lb = dlv.status != "ok"
        r = dlv.wall / both
        extra = ""
        if direct and direct.wall:
            extra = "; `dump --pid` alone %s, %s" % (fmt_s(direct.wall), fmt_ratio(dlv.wall / direct.wall, lb))
        yield (issue, "%s: capture + dump at least 40x faster than delve" % what,
               "%s vs delve %s: %s%s" % (fmt_s(both), fmt_s(dlv.wall), fmt_ratio(r, lb), extra),
               "PASS" if r >= 40 else ("FAIL" if not lb else "FAIL (delve did not finish)"))
        if dlv.rss and cap.rss and dmp.rss:
            peak = max(cap.rss, dmp.rss)
            r = dlv.rss / peak
            yield (issue, "%s: capture + dump at least 30x less peak memory than delve" % what,
                   "%s (the larger of the two) vs delve %s: %s" % (fmt_mb(peak), fmt_mb(dlv.rss),
                                                                  fmt_ratio(r, dlv.status == "memory-cap")),
                   "PASS" if r >= 30 else "FAIL")

    def render_under(issue, M, type_):
        rs, rp = find(M, type_, "render snapshot"), find(M, type_, "render --pid")
        what = "%s, %s entries: render to SVG under 3 s" % (type_label(type_), fmt_int(M))
        if rs and rp and rs.status == "ok" and rp.status == "ok":
            worst = max(rs.wall, rp.wall)
            yield (issue, what, "`render --pid` (live map to SVG) %s, `render` of the snapshot %s"
                   % (fmt_s(rp.wall), fmt_s(rs.wall)), "PASS" if worst < 3 else "FAIL")
        else:
            yield (issue, what, "not measured in this run", "-")

    def big_under(issue, B, type_):
        cap, dmp, direct = find(B, type_, "capture"), find(B, type_, "dump snapshot"), find(B, type_, "dump --pid")
        what = "%s, %s entries: capture + dump under 5 s" % (type_label(type_), fmt_int(B))
        if cap and dmp and cap.status == "ok" and dmp.status == "ok":
            both = cap.wall + dmp.wall
            extra = ("; `dump --pid` alone %s" % fmt_s(direct.wall)) if direct and direct.wall else ""
            yield (issue, what, "%s + %s = %s%s" % (fmt_s(cap.wall), fmt_s(dmp.wall), fmt_s(both), extra),
                   "PASS" if both < 5 else "FAIL")
        else:
            yield (issue, what, "not measured in this run", "-")

    def near_floor(issue, B, type_):
        cap, dmp, sr = find(B, type_, "capture"), find(B, type_, "dump snapshot"), find(B, type_, "plain read (limit)")
        what = "%s, %s entries: capture + dump within 2x of a plain read of the same bytes" % (type_label(type_), fmt_int(B))
        if cap and dmp and sr and cap.status == "ok" and dmp.status == "ok" and sr.status == "ok" and sr.wall:
            both = cap.wall + dmp.wall
            r = both / sr.wall
            yield (issue, what, "%s + %s = %s vs `bench/seqread` %s: %.2fx" % (
                fmt_s(cap.wall), fmt_s(dmp.wall), fmt_s(both), fmt_s(sr.wall), r), "PASS" if r <= 2 else "FAIL")
        else:
            yield (issue, what, "not measured in this run", "-")

    def target_rows():
        M, B = 1000000, 10000000
        yield from vs_delve("6", M, "m64")
        yield from render_under("6", M, "m64")
        yield from big_under("6", B, "m64")
        for t in ("m64-swiss", "mstr-swiss"):
            yield from vs_delve("10", M, t)
        for t in ("m64-swiss", "mstr-swiss"):
            yield from render_under("10", M, t)
        yield from big_under("10", B, "m64-swiss")
        for t in ("mstr", "mstr-swiss"):
            yield from near_floor("10", B, t)

    for t in target_rows():
        w("| %s | %s | %s | %s |" % t)
    w("")

    # ------------------------------------------------------------ per map
    w("## Every measurement")
    w("")
    w("Wall time: the mean of %s hyperfine runs (± standard deviation) for commands under %s s, "
      "otherwise one run; every run writes a new output file (the last run's is deleted before it, "
      "outside the timing, as delve's and gdb's outputs are new files) and starts after `sync` (no "
      "dirty pages of the commands before it to wait for). Peak RSS: `/usr/bin/time -v` "
      "\"Maximum resident set size\" of one run. "
      "CPU: user + system seconds of that run. *capture + dump* is the sum of the two commands "
      "(peak: the larger). \"vs delve\": delve's time (memory) divided by the row's; \">\" when "
      "delve was stopped at its cap, so the true ratio is larger. Entries: live entries in the "
      "JSON (gomapviz) or the pairs a debugger printed that are entries of the map (delve, gdb: "
      "each checked by `bench/count_entries.py` against how `bench/main.go` filled the map; "
      "pairs that are not entries are counted in the notes)."
      % (info.get("runs", "?"), info.get("repeat_under", "?")))
    w("")
    for type_ in TYPES:
        for size in sizes:
            trs = [r for r in rows if r.size == size and r.type == type_]
            if not trs:
                continue
            w("### %s, %s entries" % (type_label(type_), fmt_int(size)))
            w("")
            w("| tool | wall time | peak RSS | CPU | entries | faster than delve | less memory than delve |")
            w("|---|---:|---:|---:|---:|---:|---:|")
            dlv = find(size, type_, "delve")
            dlv_lb = dlv is not None and dlv.status != "ok"

            def line(name, wall, sd, runs, rss, cpu, entries, status, note, is_dlv=False):
                if wall is None:
                    ws = "-"
                elif status == "time-cap":
                    ws = "did not finish in %s" % fmt_s(wall)
                elif status == "memory-cap":
                    ws = "killed at the memory cap after %s" % fmt_s(wall)
                elif runs > 1:
                    ws = "%s ± %s" % (fmt_s(wall), fmt_s(sd))
                else:
                    ws = fmt_s(wall)
                if status == "failed":
                    ws = "failed"
                es = "-"
                if entries is not None:
                    es = fmt_int(entries)
                    if entries < size:
                        es += " of %s (%.1f%%)" % (fmt_int(size), 100.0 * entries / size)
                rt = rm = ""
                if dlv and not is_dlv and wall and status == "ok" and dlv.wall:
                    rt = fmt_ratio(dlv.wall / wall, dlv_lb)
                    if rss and dlv.rss:
                        rm = fmt_ratio(dlv.rss / rss, dlv.status == "memory-cap")
                w("| %s | %s | %s | %s | %s | %s | %s |" % (
                    name, ws, fmt_mb(rss), fmt_cpu(cpu), es, rt, rm))

            def rowline(tool, name=None):
                r = find(size, type_, tool)
                if r:
                    line(name or tool, r.wall, r.sd, r.runs, r.rss, r.cpu, r.entries, r.status,
                         r.note, tool == "delve")
                return r

            cap = rowline("capture", "gomapviz capture")
            dmp = rowline("dump snapshot", "gomapviz dump (snapshot → JSON)")
            if cap and dmp and cap.status == "ok" and dmp.status == "ok":
                line("**gomapviz capture + dump**", cap.wall + dmp.wall, 0, 1,
                     max(cap.rss or 0, dmp.rss or 0) or None,
                     (cap.cpu or 0) + (dmp.cpu or 0), dmp.entries, "ok", "")
            rowline("dump --pid", "gomapviz dump --pid (live → JSON)")
            rowline("render snapshot", "gomapviz render (snapshot → SVG)")
            rowline("render --pid", "gomapviz render --pid (live → SVG)")
            rowline("stats --pid", "gomapviz stats --pid")
            rowline("stats snapshot", "gomapviz stats (snapshot)")
            rowline("delve", "delve: `print` (whole map)")
            rowline("gdb", "gdb + runtime-gdb.py: `print`")
            w("")
            for r in trs:
                if not r.note or r.tool == "plain read (limit)":
                    continue
                extra = ""
                if r.tool == "gdb" and r.status == "time-cap" and r.entries and r.wall:
                    rate = r.entries / r.wall
                    extra = ("; %.0f entries/s, so the whole map would take at least %s "
                             "(gdb slows down as it goes)" % (rate, fmt_s(size / rate)))
                w("- %s (%s): %s%s" % (r.tool, r.status, r.note, extra))
            if any(r.note and r.tool != "plain read (limit)" for r in trs):
                w("")

    # ------------------------------------------------------------ the limit
    w("## Model build against a plain read of the same bytes")
    w("")
    w("*plain read*: `bench/seqread` reads exactly the memory ranges the snapshot recorded "
      "(map header, bucket or group arrays, overflow buckets or tables, string bytes) from the "
      "same live process with `process_vm_readv`, sorted by address, one range per `iovec`, "
      "1024 a call, into a buffer already paged in, no ptrace stop, no decoding: the best of 5 "
      "reads. *capture + dump*: the two gomapviz commands above, whole (start-up included); "
      "gomapviz can beat the plain read, since it reads the 32 KiB blocks that hold many of a "
      "map's strings whole instead of string by string. *model build*: `gomapviz stats --pid` "
      "(freeze, read, build the model, print a summary) and `gomapviz stats` of the snapshot, "
      "each minus the same command on a 1-entry map in the same process (start-up, ELF/DWARF "
      "look-up, attach). Ratios: over the plain read.")
    w("")
    w("| map | entries | bytes (ranges) | plain read | largest range alone | capture + dump | ratio | model build live | ratio | model build from snapshot | ratio |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for type_ in TYPES:
        for size in sizes:
            fx_live = find(size, FIXED[IMPL_OF[type_]], "stats --pid (1-entry map)")
            fx_snap = find(size, FIXED[IMPL_OF[type_]], "stats snapshot (1-entry map)")
            sr = find(size, type_, "plain read (limit)")
            if not sr:
                continue
            kv = dict(p.split("=", 1) for p in sr.note.split() if "=" in p)
            live, snap = find(size, type_, "stats --pid"), find(size, type_, "stats snapshot")
            cap, dmp = find(size, type_, "capture"), find(size, type_, "dump snapshot")
            cells = [type_label(type_), fmt_int(size)]
            if sr.status != "ok" or not sr.wall:
                w("| %s | %s | failed: %s | | | | | | | | |" % (cells[0], cells[1], sr.note))
                continue
            nbytes = int(kv.get("bytes", "0"))
            cells.append("%.1f MB (%s)" % (nbytes / 1e6, fmt_int(kv.get("ranges", "0"))))
            cells.append("%s (%.1f GB/s)" % (fmt_s(sr.wall), nbytes / sr.wall / 1e9))
            cells.append("%s (%.1f MB)" % (fmt_s(num(kv.get("largest_s"))), int(kv.get("largest_bytes", "0")) / 1e6))
            if cap and dmp and cap.status == "ok" and dmp.status == "ok":
                both = cap.wall + dmp.wall
                cells.append(fmt_s(both))
                cells.append("%.0fx" % (both / sr.wall) if both / sr.wall >= 10 else "%.2fx" % (both / sr.wall))
            else:
                cells += ["-", "-"]
            for r, fx in ((live, fx_live), (snap, fx_snap)):
                if r and r.status == "ok" and fx and fx.status == "ok":
                    build = max(r.wall - fx.wall, 0.0)
                    cells.append("%s (%s − %s)" % (fmt_s(build), fmt_s(r.wall), fmt_s(fx.wall)))
                    cells.append("%.0fx" % (build / sr.wall) if build / sr.wall >= 10 else "%.1fx" % (build / sr.wall))
                else:
                    cells += ["-", "-"]
            w("| " + " | ".join(cells) + " |")
    w("")
    for impl, fixed_type in FIXED.items():
        fixed = [r for r in rows if r.type == fixed_type]
        if not fixed:
            continue
        w("Fixed costs, %s target (1-entry map `main.mtiny`): " % impl + "; ".join(
            "%s entries: `stats --pid` %s, `stats` of a snapshot %s" % (
                fmt_int(s),
                fmt_s(getattr(find(s, fixed_type, "stats --pid (1-entry map)"), "wall", None)),
                fmt_s(getattr(find(s, fixed_type, "stats snapshot (1-entry map)"), "wall", None)))
            for s in sorted({r.size for r in fixed})) + ".")
        w("")

    # ------------------------------------------------------------ commands
    w("## Commands")
    w("")
    w("Each map `V` (`main.m64`, `main.mstr`) of the target process `P` (`bench/main.go`, "
      "built with `go build`, DWARF kept, the same binary for every tool: with Debian's Go 1.19 "
      "for the classic target, with Go 1.26.11 for the Swiss one, each named by "
      "`scripts/go-toolchains.sh path`):")
    w("")
    w("```sh")
    w("gomapviz capture --pid P --var V -o s.gmvs")
    w("gomapviz dump s.gmvs -o s.json")
    w("gomapviz dump --pid P --var V -o d.json")
    w("gomapviz render s.gmvs -o s.svg")
    w("gomapviz render --pid P --var V -o r.svg")
    w("gomapviz stats --pid P --var V;  gomapviz stats s.gmvs")
    w("bench/seqread P s.gmvs 5")
    w("# delve (Debian's 1.20 for the classic target, `go install github.com/go-delve/delve/cmd/dlv@VERSION`")
    w("# for the Swiss one): stdin \"n\" answers \"Would you like to kill the process?\", so it detaches")
    w("dlv attach P --init dlv.init --allow-non-terminal-interactive=true   # dlv.init: config max-array-values SIZE; config max-string-len 64; print V; exit")
    w("# gdb, with the runtime-gdb.py of the Go that built the target: SIGINT at the cap stops the print, then gdb detaches")
    w("gdb -p P -batch -nx -iex 'set auto-load python-scripts off' -ex 'source $GOROOT/src/runtime/runtime-gdb.py' \\")
    w("    -ex 'set print elements unlimited' -ex 'set print repeats unlimited' -ex \"print 'V'\"")
    w("```")
    w("")
    w("After each debugger the target must still answer a ping on its stdin (it was resumed, "
      "not killed). delve's entries are the `key: value,` lines of its output, gdb's the "
      "`[key] = value` pairs it printed before the cap, each checked by `bench/count_entries.py`.")
    w("")

    # the sections of other benchmarks (<!-- NAME-benchmark --> ... <!-- /NAME-benchmark -->:
    # the list's, bench/report_list.py; the page's) are kept as they are
    kept = ""
    try:
        before = open(out).read()
        for m in re.finditer(r"<!-- ([a-z]+)-benchmark -->.*?<!-- /\1-benchmark -->", before, re.S):
            kept += "\n" + m.group(0) + "\n"
    except OSError:
        pass
    with open(out, "w") as fh:
        fh.write("\n".join(o) + "\n" + kept)


if __name__ == "__main__":
    main()
