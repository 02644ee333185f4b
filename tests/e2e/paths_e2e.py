#!/usr/bin/env python3
"""Maps named by a path (--var main.reg.m, main.shards[3].index, main.srv.routes
through a pointer, main.shardSlice[1].index through a slice), and gomapviz list,
on real Go processes.

Usage: paths_e2e.py --gomapviz PATH --go-dir DIR [--keep-temp]

DIR holds builds of samples/go/listsample (BUILDS below). The program prints,
for each path, the map's address and length as it sees them, and paths that
must be refused with a word the message must hold. gomapviz must find each
map live (dump --pid), from a snapshot (capture then dump) and from a gcore
core file (also the maps held as values, by the path list names them:
main.byUser["ann"]), and refuse each bad path with one line and exit 1, leaving the
target running. gomapviz list (live and from the core, JSON) must name every
one of those maps and the maps held as values of another map
(main.byUser["ann"]) with the program's address and length, and html's
entity maps (2,138 entries; the program reaches them through go:linkname;
Go 1.26 keeps them in the variables a closure captured:
html.entityMaps.d.r1), sorted by bytes
held, each with its bytes adding up; and for maps of 10 to 10^6 entries (one
emptied by deletes; 1000 maps of 10 and 100 of 1000 entries, each group
together) the bytes held must be within 3% of what the program measured with
runtime.MemStats (HeapAlloc after a GC) as it built each; for maps whose
entries hold strings (a struct's too) or indirect values, dump, which reads
the entries, must come within 3% and list must count the same less the
strings. Bytes by kind and by use add up; an emptied and a thinned map show
their waste, and a rebuilt copy's estimate is within 3% of the copy's measure.

Standard library only; shares its plumbing with e2e.py.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Cases, Fail, Gmv, Target, short  # noqa: E402

BUILDS = ["listsample-go1.19", "listsample-go1.26", "listsample-go1.26-pie"]
HEAP_TOLERANCE = 0.03  # list's bytes held against the heap the program measured


def header_count(model):
    m = model.get("map") or {}
    return m.get("address"), m.get("count", m.get("used"))


class Runner(Cases):
    def __init__(self, args):
        super().__init__()
        self.gmv = Gmv(args.gomapviz)
        self.go_dir = args.go_dir
        self.tmp = tempfile.mkdtemp(prefix="gmv-paths-")

    def found(self, target, f):
        got = header_count(self.gmv.dump("--pid", str(target.pid), "--var", f["path"]))
        if got != (f["address"], f["count"]):
            raise Fail("dump --pid: map %s of %s, the program says %s of %s" % (got + (f["address"], f["count"])))
        snap = os.path.join(self.tmp, "%d.gmvs" % len(os.listdir(self.tmp)))
        self.gmv.ok("capture", "--pid", str(target.pid), "--var", f["path"], "-o", snap)
        model = self.gmv.dump(snap)
        if header_count(model) != (f["address"], f["count"]):
            raise Fail("from the snapshot: map %s of %s" % header_count(model))
        if (model.get("source") or {}).get("variable") != f["path"]:
            raise Fail("the snapshot's source.variable is %r" % (model.get("source") or {}).get("variable"))
        target.check_running("capture")

    def refused(self, target, r):
        self.gmv.error("dump", "--pid", str(target.pid), "--var", r["path"], mentions=r["says"])
        target.check_running("a refused path")

    def listed(self, view, *input_args):
        cp = self.gmv.ok("list", *input_args, "--format", "json")
        try:
            rows = json.loads(cp.stdout_text)["maps"]
        except (ValueError, KeyError) as e:
            raise Fail("list printed no JSON list (%s): %s" % (e, short(cp.stdout_text)))
        by_path = {r["path"]: r for r in rows}
        for f in view["found"] + view["held"]:
            r = by_path.get(f["path"])
            if r is None:
                raise Fail("list has no %s (it has %s)" % (f["path"], short(", ".join(sorted(by_path)), 400)))
            if (r["address"], r["count"]) != (f["address"], f["count"]):
                raise Fail("list: %s at %s with %s, the program says %s with %s" % (
                    f["path"], r["address"], r["count"], f["address"], f["count"]))
        by_address = {r["address"]: r for r in rows}
        for h in view["stdlib"]:  # html's entity maps, which the program reaches through go:linkname
            r = by_address.get(h["address"])
            if r is None or not r["path"].startswith(h["prefix"]) or r["count"] != h["count"]:
                raise Fail("list: the map at %s (%d entries) under %s... is %s" % (
                    h["address"], h["count"], h["prefix"], r and (r["path"], r["count"])))
            got = header_count(self.gmv.dump(*input_args, "--var", r["path"]))
            if got != (h["address"], h["count"]):
                raise Fail("dump --var %s: map %s of %s, the program says %s of %s" % (
                    (r["path"],) + got + (h["address"], h["count"])))
        for h in view["heap"]:  # what the program measured with runtime.MemStats as it built the map
            if h.get("outside"):  # strings and indirect values too: read with the entries
                self.held_outside(h, by_path.get(h["path"]), *input_args)
                continue
            if h["path"].endswith("[*]"):  # every element of a slice of maps, measured together
                parts = [r for p, r in by_path.items() if p.startswith(h["path"][:-2])]
                if len(parts) != h["maps"]:
                    raise Fail("list has %d maps of %s, not %d" % (len(parts), h["path"], h["maps"]))
                got = sum(r["bytes_held"]["total"] for r in parts)
            elif h["path"] not in by_path:
                raise Fail("list has no %s" % h["path"])
            else:
                got = by_path[h["path"]]["bytes_held"]["total"]
            if abs(got - h["bytes"]) > HEAP_TOLERANCE * h["bytes"]:
                raise Fail("list: %s holds %d bytes, the program measured %d (more than %.0f%% apart)" % (
                    h["path"], got, h["bytes"], HEAP_TOLERANCE * 100))
        # what rebuilding saves: list's estimate for the thinned map against its copy, measured
        thinned, copy = by_path["main.memThinned"], [h for h in view["heap"] if h["path"] == "main.memCopy"][0]
        if abs(thinned["rebuilt"] - copy["bytes"]) > HEAP_TOLERANCE * copy["bytes"]:
            raise Fail("list: main.memThinned rebuilt would take %d bytes, its copy measured %d" % (
                thinned["rebuilt"], copy["bytes"]))
        if thinned["saving"] != thinned["bytes_held"]["total"] - thinned["rebuilt"]:
            raise Fail("list: main.memThinned saving %d is not held - rebuilt" % thinned["saving"])
        held = [r["bytes_held"]["total"] for r in rows]
        if held != sorted(held, reverse=True):
            raise Fail("list is not sorted by bytes held")
        for r in rows:
            self.adds_up("list", r)
        # a map emptied by deletes, and one thinned to 1 in 10: the waste
        for path, most in (("main.memEmptied", 0), ("main.memThinned", 0.1)):
            r = by_path[path]
            if r["in_use"] > most * r["bytes_held"]["total"] or r["wasted"]["total"] < 0.8 * r["bytes_held"]["total"]:
                raise Fail("list: %s in use %d, wasted %d of %d held" % (
                    path, r["in_use"], r["wasted"]["total"], r["bytes_held"]["total"]))

    def adds_up(self, who, r):
        """Bytes by kind add up to the total, and so do the same bytes by use."""
        b, w = r["bytes_held"], r["wasted"]
        kinds = ("header", "arrays", "overflow", "old_arrays", "extra", "tables", "directory")
        if b["storage"] != sum(b[k] for k in kinds) or b["total"] != b["storage"] + b["indirect"] + b["strings"] \
                or b["total"] <= 0:
            raise Fail("%s: the bytes of %s do not add up: %s" % (who, r.get("path"), b))
        if w["total"] != w["empty"] + w["deleted"] + w["old"] + w["spare"] \
                or r["in_use"] + w["total"] + r["overhead"] != b["total"]:
            raise Fail("%s: the bytes of %s by use do not add up: in use %d, wasted %s, overhead %d, held %d" % (
                who, r.get("path"), r["in_use"], w, r["overhead"], b["total"]))

    def held_outside(self, h, row, *input_args):
        """A map whose entries hold strings or indirect values: dump reads
        them and must come within the tolerance of the program's measure;
        list, reading headers only, counts the same less the string bytes."""
        model = self.gmv.dump(*input_args, "--var", h["path"])
        mem = model.get("memory") or {}
        self.adds_up("dump", mem)
        got = mem["bytes_held"]["total"]
        if abs(got - h["bytes"]) > HEAP_TOLERANCE * h["bytes"]:
            raise Fail("dump: %s holds %d bytes, the program measured %d (more than %.0f%% apart)" % (
                h["path"], got, h["bytes"], HEAP_TOLERANCE * 100))
        if not mem["strings_counted"] or not mem["cells_read"]:
            raise Fail("dump: %s did not read the entries: %s" % (h["path"], mem))
        if row is None:
            raise Fail("list has no %s" % h["path"])
        if row["bytes_held"]["total"] != got - mem["bytes_held"]["strings"] or row["strings_counted"]:
            raise Fail("list: %s holds %d, dump %d with %d string bytes" % (
                h["path"], row["bytes_held"]["total"], got, mem["bytes_held"]["strings"]))

    def static(self, exe, view):
        """list on the executable alone: the maps it places without memory, with their types."""
        cp = self.gmv.ok("list", exe, "--format", "json")
        rows = {r["path"]: r for r in json.loads(cp.stdout_text)["maps"]}
        for path in ("main.plain", "main.reg.m", "main.shards[3].index", "main.byUser"):
            if path not in rows or "count" in rows[path]:
                raise Fail("list %s: %s %s" % (os.path.basename(exe), path,
                                                "has a count" if path in rows else "is missing"))
        for path in ("main.srv.routes", "main.shardSlice[1].index"):  # behind a pointer, in a slice
            if path in rows:
                raise Fail("list of an executable names %s, which needs memory to find" % path)

    def core(self, target, exe, view):
        prefix = os.path.join(self.tmp, "core")
        corefile = "%s.%d" % (prefix, target.pid)
        proc = subprocess.Popen(["gcore", "-o", prefix, str(target.pid)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise Fail("gcore timed out")
        try:
            if proc.returncode != 0:
                raise Fail("gcore failed: %s" % short(out.decode("utf-8", "replace")))
            target.check_running("gcore")
            for f in view["found"] + view["held"]:
                got = header_count(self.gmv.dump("--core", corefile, "--exe", exe, "--var", f["path"]))
                if got != (f["address"], f["count"]):
                    raise Fail("%s from the core: map %s of %s" % ((f["path"],) + got))
            self.listed(view, "--core", corefile, "--exe", exe)
        finally:
            if os.path.exists(corefile):
                os.unlink(corefile)

    def build(self, build):
        exe = os.path.join(self.go_dir, build)
        if not os.path.isfile(exe):
            raise Fail("missing build %s" % exe)
        target = Target(exe, "paths", self.tmp)
        try:
            for f in target.view["found"]:
                self.case("found/%s/%s" % (build, f["path"]), self.found, target, f)
            for f in target.view["held"]:  # the paths list gives maps held as values: --var takes them too
                self.case("held/%s/%s" % (build, f["path"]), self.found, target, f)
            for r in target.view["refused"]:
                self.case("refused/%s/%s" % (build, r["path"]), self.refused, target, r)
            self.case("list/%s" % build, self.listed, target.view, "--pid", str(target.pid))
            self.case("list-exe/%s" % build, self.static, exe, target.view)
            self.case("core/%s" % build, self.core, target, exe, target.view)
        finally:
            target.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--go-dir", required=True)
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    r = Runner(args)
    try:
        for build in BUILDS:
            try:
                r.build(build)
            except Fail as e:
                r.failure(build, e)
    finally:
        if not args.keep_temp:
            shutil.rmtree(r.tmp, ignore_errors=True)
    return r.summary("paths_e2e")


if __name__ == "__main__":
    sys.exit(main())
