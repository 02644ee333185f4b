#!/usr/bin/env python3
"""End-to-end tests of gomapviz on Swiss-table maps (Go 1.24+) of real Go processes.

Usage: swiss_e2e.py --gomapviz PATH --go-dir DIR [--only REGEX] [--keep-temp]

DIR holds the builds of samples/go/swisssample (swisssample-go1.NN, -386, -pie
for Go 1.24 to 1.27, and swisssample-go1.27-split built with
GOEXPERIMENT=mapsplitgroup). Every scenario prints the program's own view of
one map (the Map header and every table through unsafe mirrors of the
runtime's structs, each group's control word, the entries by ranging) and
leaves the map alone; gomapviz reads the same map live by --var, live by
--addr and from a gcore core file, and its dump must agree with the view:
every header field, the directory, every table and control byte, exactly the
entries, each in a full slot of its group, and no anomaly. For each toolchain
the picture is also rendered (DOT that dot accepts, inert SVG, identical
twice, PNG) and summarised (stats).

Standard library only; shares its plumbing with e2e.py. Prints one line per
case and exits 1 if any case failed.
"""

import argparse
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Fail, Gmv, Skip, Target, canon, check_render, raise_fail, short  # noqa: E402

# scenario -> variable, and what else the comparison needs to know
SCENARIOS = collections.OrderedDict([
    ("small0", {"var": "main.small0"}),
    ("fruits", {"var": "main.fruits"}),
    ("pantry", {"var": "main.pantry"}),
    ("small1", {"var": "main.small1"}),
    ("small8", {"var": "main.small8"}),
    ("smalldel", {"var": "main.smallDel"}),
    ("strint", {"var": "main.strInt", "shown_as_text": ('"<script>alert(1)',)}),
    ("intint", {"var": "main.intInt"}),
    ("tombstones", {"var": "main.tombMap"}),
    ("grown", {"var": "main.grownMap"}),
    ("split", {"var": "main.splitMap"}),
    ("depths", {"var": "main.depthMap"}),
    ("big", {"var": "main.bigMap"}),
    ("bigmany", {"var": "main.bigMany"}),
    ("nan", {"var": "main.nanMap", "float_keys": True}),
    ("set", {"var": "main.setMap"}),
    ("clear", {"var": "main.clearMap"}),
    ("nil", {"var": "main.nilMap", "nil": True}),
    ("bool", {"var": "main.boolMap"}),
    ("ptr", {"var": "main.ptrMap"}),
])

VERSIONS = ["go1.24", "go1.25", "go1.26", "go1.27"]
BUILDS = ["swisssample-%s%s" % (v, s) for v in VERSIONS for s in ("", "-386", "-pie")] + \
    ["swisssample-go1.27-split"]
RENDERED = {"swisssample-%s" % v for v in VERSIONS} | {"swisssample-go1.27-split", "swisssample-go1.26-386"}
DIRECT_DUMP = {("swisssample-go1.26", "strint"), ("swisssample-go1.24-386", "depths"),
               ("swisssample-go1.27-pie", "big")}

HEADER_FIELDS = ["address", "used", "seed", "dirPtr", "dirLen", "globalDepth", "globalShift",
                 "writing", "clearSeq"]
TABLE_FIELDS = ["address", "used", "capacity", "growthLeft", "localDepth", "index", "groups_data",
                "lengthMask", "tombstones"]


def compare(view, model, scen, kind):
    """Raises Fail with every difference between the program's view and a dump."""
    info = SCENARIOS[scen]
    problems = []
    m = model.get("map")
    if not isinstance(m, dict):
        raise Fail("dump has no map object")
    src = model.get("source") or {}
    if src.get("kind") not in (None, kind):
        problems.append("source.kind %r, expected %r" % (src.get("kind"), kind))
    if src.get("ptr_size") != view["ptr_size"]:
        problems.append("source.ptr_size %s != %s" % (src.get("ptr_size"), view["ptr_size"]))
    if m.get("implementation") != "swiss":
        problems.append("implementation %r, expected 'swiss'" % m.get("implementation"))
    if m.get("type") != view["type"]:
        problems.append("type %r != %r" % (m.get("type"), view["type"]))
    if bool(m.get("nil")) != view["nil"]:
        problems.append("nil %r != %r" % (m.get("nil"), view["nil"]))
    if (model.get("layout") or {}).get("split_groups") != view["split_groups"]:
        problems.append("layout.split_groups %r != %r" % ((model.get("layout") or {}).get("split_groups"),
                                                          view["split_groups"]))
    if model.get("anomalies"):
        problems.append("anomalies: " + "; ".join(
            "%s: %s" % (a.get("kind"), a.get("message")) for a in model["anomalies"][:3]))
    entries = model.get("entries")
    if not isinstance(entries, list):
        raise Fail("; ".join(problems + ["dump has no entries list"]))
    if view["nil"]:
        if entries:
            problems.append("nil map dump has %d entries" % len(entries))
        if problems:
            raise Fail("; ".join(problems))
        return
    problems += compare_header(view, m)
    problems += compare_structure(view, model)
    problems += compare_entries(view, model, info.get("float_keys", False))
    if problems:
        raise Fail("; ".join(problems))


def compare_header(view, m):
    problems = []
    h = view["header"]
    for f in HEADER_FIELDS:
        if m.get(f) != h[f]:
            problems.append("%s %r != view %r" % (f, m.get(f), h[f]))
    if h["tombstonePossible"] is None:
        if "tombstonePossible" in m:
            problems.append("tombstonePossible %r, but this Go version has no such field" % m["tombstonePossible"])
    elif m.get("tombstonePossible") != h["tombstonePossible"]:
        problems.append("tombstonePossible %r != view %r" % (m.get("tombstonePossible"), h["tombstonePossible"]))
    if m.get("group_size") != view["group_size"]:
        problems.append("group_size %r != view %r" % (m.get("group_size"), view["group_size"]))
    if m.get("small") != (h["dirLen"] == 0 and h["dirPtr"] != "0x0"):
        problems.append("small %r for dirLen %d, dirPtr %s" % (m.get("small"), h["dirLen"], h["dirPtr"]))
    return problems


def compare_structure(view, model):
    """The directory, each table and its control words, the small group."""
    problems = []
    directory = model.get("directory") or []
    if [d.get("address") for d in directory] != view["directory"]:
        problems.append("directory %s != view %s" % (short([d.get("address") for d in directory], 120),
                                                     short(view["directory"], 120)))
    tables = model.get("tables") or []
    if len(tables) != len(view["tables"]):
        problems.append("%d tables, view has %d" % (len(tables), len(view["tables"])))
    for i, (t, vt) in enumerate(zip(tables, view["tables"])):
        for f in TABLE_FIELDS:
            if t.get(f) != vt[f]:
                problems.append("table %d %s %r != view %r" % (i, f, t.get(f), vt[f]))
        ctrl = [g.get("ctrl") for g in t.get("groups") or []]
        if ctrl != vt["ctrl"]:
            bad = next((j for j, (a, b) in enumerate(zip(ctrl, vt["ctrl"])) if a != b), min(len(ctrl), len(vt["ctrl"])))
            problems.append("table %d: control bytes differ from group %d (%d groups, view %d)" % (
                i, bad, len(ctrl), len(vt["ctrl"])))
    for i, d in enumerate(directory):
        if d.get("table") is None or not 0 <= d["table"] < len(tables) or \
                tables[d["table"]].get("address") != d.get("address"):
            problems.append("directory entry %d does not lead to its table" % i)
            break
    small, vsmall = model.get("small_group"), view["small_group"]
    if (small is None) != (vsmall is None):
        problems.append("small_group %s, view %s" % (short(small, 80), short(vsmall, 80)))
    elif small is not None and (small.get("address") != vsmall["address"] or small.get("ctrl") != vsmall["ctrl"]):
        problems.append("small group %s %s != view %s %s" % (small.get("address"), small.get("ctrl"),
                                                             vsmall["address"], vsmall["ctrl"]))
    return problems


def group_ctrl(model, e):
    """The control byte of entry e's slot, from the dump's own groups (None if none)."""
    try:
        if e["table"] is None:
            return model["small_group"]["ctrl"][e["slot"]]
        return model["tables"][e["table"]]["groups"][e["group"]]["ctrl"][e["slot"]]
    except (KeyError, IndexError, TypeError):
        return None


def dump_places(model, float_keys):
    """(key, value, table address or None, group, slot) of every dump entry."""
    tables = model.get("tables") or []
    out = collections.Counter()
    for e in model["entries"]:
        t = e.get("table")
        addr = tables[t]["address"] if isinstance(t, int) and 0 <= t < len(tables) else None
        out[(canon(e.get("key"), float_keys), canon(e.get("value")), addr, e.get("group"), e.get("slot"))] += 1
    return out


def compare_entries(view, model, float_keys):
    """Exactly the program's entries, each in the slot the program found it in
    (through its mirrors), a full slot whose control byte says so."""
    problems = []
    entries = model["entries"]
    want = collections.Counter((canon(e["key"], float_keys), canon(e["value"])) for e in view["entries"])
    got = collections.Counter((canon(e.get("key"), float_keys), canon(e.get("value"))) for e in entries)
    if want != got:
        missing, extra = list((want - got).elements()), list((got - want).elements())
        problems.append("entries differ: %d in dump, %d in view; missing %d %s; extra %d %s" % (
            len(entries), len(view["entries"]), len(missing), short(missing[:2], 200), len(extra),
            short(extra[:2], 200)))
    per_table = collections.Counter()
    seen = set()
    for e in entries:
        c = group_ctrl(model, e)
        if c is None or c >= 0x80 or c != e.get("ctrl"):
            problems.append("entry %s at table %s group %s slot %s: control byte %s, entry says %s" % (
                short(e.get("key"), 40), e.get("table"), e.get("group"), e.get("slot"), c, e.get("ctrl")))
            break
        place = (e["table"], e["group"], e["slot"])
        if place in seen:
            problems.append("two entries in table %s group %s slot %s" % place)
            break
        seen.add(place)
        per_table[e["table"]] += 1
        if e["table"] is not None and e.get("directory_index") != model["tables"][e["table"]]["directory_first"]:
            problems.append("entry directory_index %s, its table starts at %s" % (
                e.get("directory_index"), model["tables"][e["table"]]["directory_first"]))
            break
    for i, t in enumerate(view["tables"]):
        if per_table[i] != t["used"]:
            problems.append("table %d holds %d entries, used says %d" % (i, per_table[i], t["used"]))
    want_places = collections.Counter((canon(s["key"], float_keys), canon(s["value"]), s["table"], s["group"],
                                       s["slot"]) for s in view["slots"])
    got_places = dump_places(model, float_keys)
    if want_places != got_places:
        wrong = list((got_places - want_places).elements())
        problems.append("%d entries not where the program found them, e.g. %s" % (len(wrong), short(wrong[:2], 200)))
    return problems


class Runner:
    def __init__(self, args):
        self.gmv = Gmv(args.gomapviz)
        self.go_dir = args.go_dir
        self.only = re.compile(args.only) if args.only else None
        self.tmp = tempfile.mkdtemp(prefix="gmv-swiss-e2e-")
        self.counts = collections.Counter()
        self.failed = []
        self.seq = 0

    def path(self, name):
        self.seq += 1
        return os.path.join(self.tmp, "%04d-%s" % (self.seq, name))

    def case(self, name, fn, *args):
        if self.only and not self.only.search(name):
            return
        t0 = time.monotonic()
        status, reason = "PASS", ""
        try:
            fn(*args)
        except Fail as e:
            status, reason = "FAIL", str(e)
        except Skip as e:
            status, reason = "SKIP", str(e)
        except Exception as e:  # a bug here is a failure too
            status, reason = "FAIL", "%s: %s" % (type(e).__name__, e)
        self.counts[status] += 1
        if status == "FAIL":
            self.failed.append(name)
        line = "%s %s (%.1fs)" % (status, name, time.monotonic() - t0)
        print(line + (": " + short(reason, 600) if reason else ""), flush=True)

    def capture_and_dump(self, target, scen, kind, capture_args, render=False):
        snap = self.path("%s.gmvs" % scen)
        self.gmv.ok("capture", *capture_args, "-o", snap)
        if kind == "process":
            target.check_running("capture")
        compare(target.view, self.gmv.dump(snap), scen, kind)
        if not self.gmv.ok("stats", snap).stdout_text.strip():
            raise Fail("stats printed nothing")
        if render:
            check_render(self.gmv, snap, SCENARIOS[scen].get("shown_as_text", ()))

    def live(self, target, build, scen):
        var = SCENARIOS[scen]["var"]
        args = ["--pid", str(target.pid), "--var", var]
        if scen == "nil":
            self.gmv.error("capture", *args, "-o", self.path("nil.gmvs"), mentions="nil map")
            target.check_running("failed nil capture")
            args.append("--allow-nil")
        self.capture_and_dump(target, scen, "process", args, render=build in RENDERED)

    def addr(self, target, scen):
        v = target.view
        self.capture_and_dump(target, scen, "process",
                              ["--pid", str(target.pid), "--addr", v["header"]["address"], "--type", v["type"]])

    def direct_dump(self, target, scen):
        compare(target.view, self.gmv.dump("--pid", str(target.pid), "--var", SCENARIOS[scen]["var"]), scen,
                "process")
        target.check_running("dump --pid")

    def core(self, target, exe, scen):
        gcore = shutil.which("gcore")
        if gcore is None:
            raise Fail("gcore not found (install the gdb package)")
        prefix = self.path("core")
        corefile = "%s.%d" % (prefix, target.pid)
        try:
            proc = subprocess.Popen([gcore, "-o", prefix, str(target.pid)], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=120)
            except BaseException:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise Fail("gcore timed out or was interrupted")
            if proc.returncode != 0 or not os.path.isfile(corefile):
                raise Fail("gcore failed (%d): %s" % (proc.returncode, short(out.decode("utf-8", "replace"))))
            target.check_running("gcore")
            base = ["--core", corefile, "--exe", exe, "--var", SCENARIOS[scen]["var"]]
            if scen == "nil":
                base.append("--allow-nil")
            self.capture_and_dump(target, scen, "core", base)
        finally:
            try:
                os.unlink(corefile)
            except OSError:
                pass

    def scenario(self, build, scen):
        exe = os.path.join(self.go_dir, build)
        name = "%s/%s" % (build, scen)
        if self.only and not any(self.only.search("%s/%s" % (w, name)) for w in ("live", "addr", "core", "dump-pid")):
            return
        try:
            target = Target(exe, scen, self.tmp)
        except Fail as e:
            self.case("start/" + name, raise_fail, e)
            return
        try:
            self.case("live/" + name, self.live, target, build, scen)
            if scen != "nil":
                self.case("addr/" + name, self.addr, target, scen)
            if (build, scen) in DIRECT_DUMP:
                self.case("dump-pid/" + name, self.direct_dump, target, scen)
            self.case("core/" + name, self.core, target, exe, scen)
        finally:
            target.kill()

    def run(self):
        for build in BUILDS:
            for scen in SCENARIOS:
                self.scenario(build, scen)

    def cleanup(self, keep):
        for t in list(Target.live):
            t.kill()
        if keep:
            print("temp dir kept: " + self.tmp, flush=True)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--go-dir", required=True, help="folder with the swisssample builds")
    ap.add_argument("--only", help="run only cases whose name matches this regex (e.g. 'core/|go1.24')")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    missing = [p for p in [args.gomapviz] + [os.path.join(args.go_dir, b) for b in BUILDS] if not os.access(p, os.X_OK)]
    if missing:
        print("swiss_e2e: missing executables: " + ", ".join(missing), file=sys.stderr)
        return 2
    args.gomapviz = os.path.abspath(args.gomapviz)
    args.go_dir = os.path.abspath(args.go_dir)

    def on_term(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_term)

    runner = Runner(args)
    t0 = time.monotonic()
    try:
        runner.run()
    except KeyboardInterrupt:
        print("swiss_e2e: interrupted", file=sys.stderr, flush=True)
        return 1
    finally:
        runner.cleanup(args.keep_temp)
    c = runner.counts
    print("swiss_e2e: %d passed, %d failed, %d skipped in %.0f s" % (
        c["PASS"], c["FAIL"], c["SKIP"], time.monotonic() - t0), flush=True)
    if runner.failed:
        print("swiss_e2e: failed: " + " ".join(runner.failed), flush=True)
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
