#!/usr/bin/env python3
"""End-to-end tests of decoded keys and values on real Go processes.

Usage: values_e2e.py --gomapviz PATH --go-dir DIR [--only REGEX] [--keep-temp]

DIR holds the builds of samples/go/valuesample (BUILDS below: classic maps
with Go 1.19, Swiss tables with Go 1.26, a Go 1.26 PIE, whose type and
function addresses are moved by the load bias, and a 32-bit Go 1.26 build). The program fills one map of
each kind (structs, pointers with a cycle, interfaces, errors, byte slices,
arrays, nested maps, funcs and closures, named constants, complex numbers,
struct keys with strings, keys over 128 bytes, chans), and prints every
entry as it sees it by reflection, in the JSON forms gomapviz writes
(docs/json-schema.md). For every map, gomapviz must give exactly those
entries: captured live then dumped from the snapshot, dumped live directly,
and captured from a gcore core file. Each map's key written in Go syntax
(key_go) must be found by render --key (and a key not in the map must not),
and every map renders (DOT that dot accepts, inert SVG, the same twice).
The map of maps is also captured with --nested 1: each map it holds then
comes with its entries (the program lists them too), and its picture links
each from its slot; and a map holding itself (directly, and through a map it
holds) with --nested 8, which must end, listing no map inside itself.

Standard library only; shares its plumbing with e2e.py. Prints one line per
case and exits 1 if any case failed.
"""

import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Cases, Fail, Gmv, Target, check_render, short  # noqa: E402

BUILDS = collections.OrderedDict([
    ("valuesample-go1.19", "classic"),
    ("valuesample-go1.26", "swiss"),
    ("valuesample-go1.26-pie", "swiss"),
    ("valuesample-go1.26-386", "swiss"),
])
RENDERED = {"valuesample-go1.19", "valuesample-go1.26"}
NESTED = {"main.nested": "1", "main.loopMap": "8"}  # maps captured with --nested N too
FOCUS_COLOR = "#fff1a8"  # a cell marked by --key (COLOR_FOCUS_KEY in graph_labels.c and swiss_graph.c)


def canon(value):
    return json.dumps(value, sort_keys=True)


def without_nested(value):
    """The program's value as gomapviz gives it without --nested: a map held
    as a value by its address, implementation and count, not its entries."""
    if isinstance(value, list):
        return [without_nested(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: without_nested(v) for k, v in value.items()
            if not (k == "entries" and "implementation" in value)}


def entries_in_order(value):
    """A value with every map's "entries" sorted (a map has no order)."""
    if isinstance(value, list):
        return [entries_in_order(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: entries_in_order(v) for k, v in value.items()}
    if "implementation" in out and isinstance(out.get("entries"), list):
        out["entries"] = sorted(out["entries"], key=canon)
    return out


def entries_of(model):
    """The dump's entries as a multiset of (key, value) JSON texts."""
    got = collections.Counter()
    for e in model.get("entries") or []:
        got[(canon(entries_in_order(e.get("key"))), canon(entries_in_order(e.get("value"))))] += 1
    return got


def compare(view, model, kind, nested=False):
    """Raises Fail unless the dump holds exactly the program's entries."""
    m = model.get("map") or {}
    if m.get("address") != view["address"]:
        raise Fail("%s: map address %s, the program says %s" % (kind, m.get("address"), view["address"]))
    if model.get("anomalies"):
        raise Fail("%s: anomalies %s" % (kind, short(json.dumps(model["anomalies"]))))
    shown = entries_in_order if nested else without_nested
    want = collections.Counter((canon(entries_in_order(shown(k))), canon(entries_in_order(shown(v))))
                               for k, v in view["entries"])
    got = entries_of(model)
    if got != want:
        missing = list((want - got).elements())[:2]
        extra = list((got - want).elements())[:2]
        raise Fail("%s: %d entries differ from the program's; missing %s; instead %s" % (
            kind, sum(((want - got) + (got - want)).values()), short(repr(missing), 600),
            short(repr(extra), 600)))


class Runner(Cases):
    def __init__(self, args):
        super().__init__(re.compile(args.only) if args.only else None)
        self.gmv = Gmv(args.gomapviz)
        self.go_dir = args.go_dir
        self.tmp = tempfile.mkdtemp(prefix="gmv-values-")
        self.seq = 0

    def path(self, name):
        self.seq += 1
        return os.path.join(self.tmp, "%03d-%s" % (self.seq, name))

    def live(self, target, view):
        var = view["var"]
        snap = self.path(var.replace("main.", "") + ".gmvs")
        self.gmv.ok("capture", "--pid", str(target.pid), "--var", var, "-o", snap)
        target.check_running("capture")
        compare(view, self.gmv.dump(snap), "from the snapshot")
        compare(view, self.gmv.dump("--pid", str(target.pid), "--var", var), "dump --pid")
        target.check_running("dump --pid")
        return snap

    def nested(self, target, view, levels):
        """--nested: the maps held as values come with their entries (but not
        a map being listed around them: a map holding itself), live and from
        the snapshot; the picture links each from its slot."""
        snap = self.path(view["var"].replace("main.", "") + "-nested.gmvs")
        self.gmv.ok("capture", "--pid", str(target.pid), "--var", view["var"], "--nested", levels, "-o", snap)
        target.check_running("capture --nested")
        compare(view, self.gmv.dump(snap), "from the snapshot, --nested " + levels, nested=True)
        compare(view, self.gmv.dump("--pid", str(target.pid), "--var", view["var"], "--nested", levels),
                "dump --pid --nested " + levels, nested=True)
        dot = snap[:-5] + ".dot"
        self.gmv.ok("render", snap, "-o", dot)
        with open(dot, encoding="utf-8") as f:
            text = f.read()
        held = [v for _, v in view["entries"] if isinstance(v, dict) and v.get("entries") is not None]
        for v in held:
            if text.count("nestedmap_%x" % int(v["address"], 16)) < 2:
                raise Fail("the picture does not link the map at %s from its slot" % v["address"])

    def key(self, snap, view):
        for i, key in enumerate(view["key_go"]):
            dot = snap[:-5] + "-key%d.dot" % i
            self.gmv.ok("render", snap, "--key", key, "-o", dot)
            with open(dot, encoding="utf-8") as f:
                if f.read().count(FOCUS_COLOR) != 1:
                    raise Fail("render --key %s did not mark exactly one cell" % key)
            self.gmv.error("render", snap, "--key", key + "x", "-o", snap[:-5] + "-nokey.dot", mentions="key")

    def core(self, target, exe, views):
        gcore = shutil.which("gcore")
        if gcore is None:
            raise Fail("gcore not found (install the gdb package)")
        prefix = self.path("core")
        corefile = "%s.%d" % (prefix, target.pid)
        proc = subprocess.Popen([gcore, "-o", prefix, str(target.pid)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise Fail("gcore timed out")
        try:
            if proc.returncode != 0 or not os.path.isfile(corefile):
                raise Fail("gcore failed (%d): %s" % (proc.returncode, short(out.decode("utf-8", "replace"))))
            target.check_running("gcore")
            bad = []
            for view in views:
                snap = self.path("core-" + view["var"].replace("main.", "") + ".gmvs")
                try:
                    self.gmv.ok("capture", "--core", corefile, "--exe", exe, "--var", view["var"], "-o", snap)
                    compare(view, self.gmv.dump(snap), view["var"] + " from the core")
                except Fail as e:
                    bad.append(str(e))
            if bad:
                raise Fail("; ".join(bad))
        finally:
            try:
                os.unlink(corefile)
            except OSError:
                pass

    def build(self, build):
        exe = os.path.join(self.go_dir, build)
        if not os.path.isfile(exe):
            self.failure(build, Fail("missing build %s" % exe))
            return
        target = Target(exe, "values", self.tmp)
        try:
            if target.view.get("implementation") != BUILDS[build]:
                raise Fail("%s says its maps are %s" % (build, target.view.get("implementation")))
            views = target.view["maps"]
            for view in views:
                name = "%s/%s" % (build, view["var"])
                snaps = {}
                self.case("live/" + name, lambda v=view: snaps.__setitem__(v["var"], self.live(target, v)))
                if view["var"] in NESTED:
                    self.case("nested/" + name, self.nested, target, view, NESTED[view["var"]])
                if view["var"] in snaps:
                    self.case("key/" + name, self.key, snaps[view["var"]], view)
                    if build in RENDERED:
                        self.case("render/" + name, check_render, self.gmv, snaps[view["var"]])
            self.case("core/" + build, self.core, target, exe, views)
        finally:
            target.kill()

    def run(self):
        for build in BUILDS:
            try:
                self.build(build)
            except Fail as e:
                self.failure(build, e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--go-dir", required=True)
    ap.add_argument("--only")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    r = Runner(args)
    try:
        r.run()
    finally:
        if not args.keep_temp:
            shutil.rmtree(r.tmp, ignore_errors=True)
    return r.summary("values_e2e")


if __name__ == "__main__":
    sys.exit(main())
