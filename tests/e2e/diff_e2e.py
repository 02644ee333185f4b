#!/usr/bin/env python3
"""End-to-end test of `gomapviz diff` on real Go maps caught before, during
and after a doubling grow and a same-size grow (classic maps), and before and
after a table split, a directory doubling, a small map turned into a table
and a table grown in place (Swiss tables).

samples/go/mapsample's "phases" and "samephases" scenarios and
samples/go/swisssample's "splitphases" and "smallphases" print their own view
of the map, and move it to the next phase on each "next" line. Each phase is
captured live; every pair of snapshots is diffed, and the diff must list
exactly the added, removed and changed entries the program's views imply, and
as moved exactly the entries whose place changed (classic: the key cell's
address in the two dumps; Swiss: the table, group and slot the program itself
found the entry in), each doubling-grow move landing in X (same index) or Y
(index + old size), each Swiss move in the grown table or in the left or right
half of a split, as the tables' own index and localDepth say.

Usage: diff_e2e.py --gomapviz PATH --go-dir DIR
"""
import argparse
import collections
import json
import os
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (Target, Gmv, Fail, canon)

Fail = e2e.Fail


def key_of(value):
    return e2e.canon(value)


def view_map(view):
    """key -> sorted list of values (NaN-free scenarios: one value each)."""
    out = collections.defaultdict(list)
    for e in view["entries"]:
        out[key_of(e["key"])].append(e2e.canon(e["value"]))
    return out


def cell_addresses(model):
    """key -> key-cell address, computed from the dump alone."""
    keys_offset = model["layout"]["keys_offset"]
    key_slot = model["layout"]["key"]["size"] if not model["layout"]["key"]["indirect"] else model["source"]["ptr_size"]
    arrays = {False: model["buckets"], True: model["oldbuckets"]}
    out = {}
    for e in model["entries"]:
        chain = arrays[e["old"]][e["bucket"]]
        if chain["index"] != e["bucket"]:
            raise Fail("dump: bucket list out of order")
        record = chain["chain"][e["overflow_depth"]]
        out[key_of(e["key"])] = int(record["address"], 16) + keys_offset + e["slot"] * key_slot
    return out


def array_size(model, old):
    return len(model["oldbuckets"]) if old else len(model["buckets"])


def check_pair(gmv, names, views, models, snaps, i, j, workdir):
    """Diffs snapshot i against j and checks every list against the truth."""
    label = "%s %d->%d" % (names, i, j)
    cp = gmv.ok("diff", snaps[i], snaps[j], "-o", "-", "--format", "json")
    # --format json with -o -: JSON on stdout
    try:
        diff = json.loads(cp.stdout_text)
    except ValueError as e:
        raise Fail("%s: diff JSON invalid: %s" % (label, e))
    before, after = view_map(views[i]), view_map(views[j])
    want_added = {k for k in after if k not in before}
    want_removed = {k for k in before if k not in after}
    want_changed = {k for k in after if k in before and after[k] != before[k]}
    got_added = {key_of(e["key"]) for e in diff["added"]}
    got_removed = {key_of(e["key"]) for e in diff["removed"]}
    got_changed = {key_of(c["key"]) for c in diff["changed"]}
    problems = []
    for what, want, got in (("added", want_added, got_added), ("removed", want_removed, got_removed),
                            ("changed", want_changed, got_changed)):
        if want != got:
            problems.append("%s: missing %s, extra %s" % (what, sorted(want - got)[:5], sorted(got - want)[:5]))
    for c in diff["changed"]:
        k = key_of(c["key"])
        if [e2e.canon(c["before"])] != before.get(k) or [e2e.canon(c["after"])] != after.get(k):
            problems.append("changed %s: values %s -> %s do not match the views" % (k, c["before"], c["after"]))
    addr_i, addr_j = cell_addresses(models[i]), cell_addresses(models[j])
    want_moved = {k for k in addr_j if k in addr_i and addr_i[k] != addr_j[k]}
    got_moved = {key_of(m["key"]) for m in diff["moved"]}
    if want_moved != got_moved:
        problems.append("moved: missing %s, extra %s" % (sorted(want_moved - got_moved)[:5],
                                                          sorted(got_moved - want_moved)[:5]))
    for m in diff["moved"]:
        n_from = array_size(models[i], m["from"]["old"])
        n_to = array_size(models[j], m["to"]["old"])
        fb, tb = m["from"]["bucket"], m["to"]["bucket"]
        if n_to == 2 * n_from:
            want = "X" if tb == fb else "Y" if tb == fb + n_from else "elsewhere"
            if want == "elsewhere" or m["destination"] != want:
                problems.append("moved %s: bucket %d of %d -> %d of %d marked %s" % (
                    m["key"], fb, n_from, tb, n_to, m["destination"]))
        elif n_to == n_from and m["destination"] not in ("same", None):
            problems.append("moved %s in a same-size grow marked %s" % (m["key"], m["destination"]))
    for side, k in (("before", i), ("after", j)):
        hdr = diff[side]
        for field in ("count", "B", "flags", "noverflow", "hash0", "nevacuate"):
            if hdr[field] != views[k]["header"][field]:
                problems.append("%s.%s %s != %s" % (side, field, hdr[field], views[k]["header"][field]))
    counts = diff["counts"]
    if counts["added"] != len(got_added) or counts["moved"] != len(diff["moved"]):
        problems.append("counts do not match the lists")
    if problems:
        raise Fail("%s: %s" % (label, "; ".join(problems)))
    # The other outputs work too.
    for ext in ("txt", "dot", "svg", "png"):
        out = os.path.join(workdir, "diff-%s-%d-%d.%s" % (names, i, j, ext))
        gmv.ok("diff", snaps[i], snaps[j], "-o", out)
        if os.path.getsize(out) == 0:
            raise Fail("%s: empty .%s output" % (label, ext))
    with open(os.path.join(workdir, "diff-%s-%d-%d.svg" % (names, i, j)), "rb") as f:
        root = ET.fromstring(f.read())
        if any(el.tag.endswith("script") for el in root.iter()):
            raise Fail("%s: SVG with a script" % label)
    with open(os.path.join(workdir, "diff-%s-%d-%d.dot" % (names, i, j)), encoding="utf-8") as f:
        dot = f.read()
    check_arrows(label, dot, root, diff)
    return diff


ARROW = re.compile(r"b([on])_array:b[on](\d+)_out:e -> a([on])_array:a[on](\d+)_in:w")


def check_arrows(label, dot, svg_root, diff):
    """The picture has one arrow per pair of buckets that entries moved
    between (the sample arrays are small enough to be drawn whole), and each
    source row says how many went where."""
    drawn = {(m.group(1) == "o", int(m.group(2)), m.group(3) == "o", int(m.group(4)))
             for m in ARROW.finditer(dot)}
    texts = [el.text.strip() for el in svg_root.iter() if el.tag.endswith("text") and el.text]
    groups = collections.Counter((m["from"]["old"], m["from"]["bucket"], m["to"]["old"], m["to"]["bucket"],
                                  m["destination"]) for m in diff["moved"])
    want = {g[:4] for g in groups}
    if drawn != want:
        raise Fail("%s: arrows drawn %s, moves between buckets %s" % (label, sorted(drawn)[:6], sorted(want)[:6]))
    words = {"X": "X", "Y": "Y", "same": "same"}
    for g, n in groups.items():
        text = "%d %s" % (n, words.get(g[4], "")) if g[4] in words else str(n)
        if text.strip() not in texts:
            raise Fail("%s: no %r beside bucket %d of the %s array" % (label, text, g[1], "old" if g[0] else "new"))


def run_scenario(gmv, exe, scenario, workdir, build):
    target = e2e.Target(exe, scenario, workdir)
    try:
        views, models, snaps = [target.view], [], []
        for phase in range(3):
            snap = os.path.join(workdir, "%s-%s-%d.gmvs" % (build, scenario, phase))
            gmv.ok("capture", "--pid", str(target.pid), "--var", target.view["var"], "-o", snap)
            target.check_running("capture")
            snaps.append(snap)
            models.append(gmv.dump(snap))
            if phase < 2:
                target.proc.stdin.write(b"next\n")
                target.proc.stdin.flush()
                line = target.readline(30)
                if line is None:
                    raise Fail("%s: no view after next: %s" % (scenario, target.stderr_text()))
                views.append(json.loads(line))
        results = {}
        for i, j in ((0, 1), (1, 2), (0, 2)):
            results[(i, j)] = check_pair(gmv, "%s-%s" % (build, scenario), views, models, snaps, i, j, workdir)
        return results, snaps
    finally:
        target.kill()


# ---------------------------------------------------------------- Swiss tables

def swiss_places(view):
    """key -> (table address or None, group, slot), as the program found it."""
    return {key_of(e["key"]): (e["table"], e["group"], e["slot"]) for e in view["slots"]}


def swiss_table(view, addr):
    """The view's table at `addr` (None if none)."""
    return next((t for t in view["tables"] if t["address"] == addr), None)


def swiss_destination(vi, vj, a_addr, b_addr):
    """Where an entry moving from table a (of view vi) to table b (of vj)
    went, from the tables' own index, localDepth and capacity."""
    if a_addr is None:
        return "table" if b_addr is not None else "same"
    if a_addr == b_addr:
        return "same"
    a, b = swiss_table(vi, a_addr), swiss_table(vj, b_addr)
    if a is None or b is None:
        return "elsewhere"
    scale = 1 << (vj["header"]["globalDepth"] - vi["header"]["globalDepth"])
    span = 1 << (vi["header"]["globalDepth"] - a["localDepth"])
    first, end = a["index"] * scale, (a["index"] + span) * scale
    if b["localDepth"] == a["localDepth"] and b["index"] == first and b["capacity"] > a["capacity"]:
        return "grown"
    if b["localDepth"] > a["localDepth"] and first <= b["index"] < end:
        return "left" if b["index"] < (first + end) // 2 else "right"
    return "elsewhere"


SWISS_EDGE = re.compile(r'b_(t\d+|small) -> a_(t\d+|small)\s*\[([^\]]*)\]')
SWISS_WORDS = {"grown": "grown", "left": "left", "right": "right", "table": "to table", "same": "same table",
               "elsewhere": "elsewhere"}


def check_swiss_arrows(label, dot, diff):
    """One arrow per pair of tables entries moved between, saying how many
    went and where; a dashed 'kept' arrow for each table kept."""
    arrows = collections.Counter()
    for m in SWISS_EDGE.finditer(dot):
        lab = re.search(r'label="?([^",\]]*)"?', m.group(3))
        arrows[(m.group(1), m.group(2), lab.group(1) if lab else "")] += 1
    want = collections.Counter()
    groups = collections.Counter(
        ("small" if mv["from"]["table"] is None else "t%d" % mv["from"]["table"],
         "small" if mv["to"]["table"] is None else "t%d" % mv["to"]["table"], mv["destination"])
        for mv in diff["moved"])
    for (f, t, dest), n in groups.items():
        want[(f, t, "%d %s" % (n, SWISS_WORDS[dest]))] += 1
    for tab in diff["tables"]:
        if tab["fate"] == "kept":
            want[("t%d" % tab["before"], "t%d" % tab["after"][0], "kept")] += 1
    if arrows != want:
        raise Fail("%s: arrows %s, expected %s" % (label, sorted(arrows)[:6], sorted(want)[:6]))


def check_swiss_pair(gmv, names, views, snaps, i, j, workdir):
    """Diffs snapshot i against j and checks every list against the views."""
    label = "%s %d->%d" % (names, i, j)
    cp = gmv.ok("diff", snaps[i], snaps[j], "-o", "-", "--format", "json")
    try:
        diff = json.loads(cp.stdout_text)
    except ValueError as e:
        raise Fail("%s: diff JSON invalid: %s" % (label, e))
    vi, vj = views[i], views[j]
    before, after = view_map(vi), view_map(vj)
    problems = []
    for what, want, got in (
            ("added", {k for k in after if k not in before}, {key_of(e["key"]) for e in diff["added"]}),
            ("removed", {k for k in before if k not in after}, {key_of(e["key"]) for e in diff["removed"]}),
            ("changed", {k for k in after if k in before and after[k] != before[k]},
             {key_of(c["key"]) for c in diff["changed"]})):
        if want != got:
            problems.append("%s: missing %s, extra %s" % (what, sorted(want - got)[:5], sorted(got - want)[:5]))
    pi, pj = swiss_places(vi), swiss_places(vj)
    want_moved = {k for k in pj if k in pi and pi[k] != pj[k]}
    got_moved = {key_of(m["key"]) for m in diff["moved"]}
    if want_moved != got_moved:
        problems.append("moved: missing %s, extra %s" % (sorted(want_moved - got_moved)[:5],
                                                          sorted(got_moved - want_moved)[:5]))
    for m in diff["moved"]:
        k = key_of(m["key"])
        if k not in pi or k not in pj:
            continue
        want = swiss_destination(vi, vj, pi[k][0], pj[k][0])
        if m["destination"] != want:
            problems.append("moved %s: from table %s to %s marked %s, the tables say %s" % (
                k, pi[k][0], pj[k][0], m["destination"], want))
            break
    for side, v in (("before", vi), ("after", vj)):
        for field in ("used", "seed", "dirPtr", "dirLen", "globalDepth", "globalShift", "clearSeq"):
            if diff[side][field] != v["header"][field]:
                problems.append("%s.%s %s != %s" % (side, field, diff[side][field], v["header"][field]))
    if len(diff["tables"]) != len(vi["tables"]):
        problems.append("%d table fates for %d tables" % (len(diff["tables"]), len(vi["tables"])))
    for tab in diff["tables"]:
        t = vi["tables"][tab["before"]]
        after_addrs = [vj["tables"][a]["address"] for a in tab["after"]]
        kept = t["address"] in [u["address"] for u in vj["tables"]]
        if (tab["fate"] == "kept") != kept or (kept and after_addrs != [t["address"]]):
            problems.append("table %d (%s) fate %s, after %s" % (tab["before"], t["address"], tab["fate"], after_addrs))
    if problems:
        raise Fail("%s: %s" % (label, "; ".join(problems)))
    for ext in ("txt", "dot", "svg", "png"):
        out = os.path.join(workdir, "diff-%s-%d-%d.%s" % (names, i, j, ext))
        gmv.ok("diff", snaps[i], snaps[j], "-o", out)
        if os.path.getsize(out) == 0:
            raise Fail("%s: empty .%s output" % (label, ext))
    with open(os.path.join(workdir, "diff-%s-%d-%d.svg" % (names, i, j)), "rb") as f:
        if any(el.tag.endswith("script") for el in ET.fromstring(f.read()).iter()):
            raise Fail("%s: SVG with a script" % label)
    with open(os.path.join(workdir, "diff-%s-%d-%d.dot" % (names, i, j)), encoding="utf-8") as f:
        check_swiss_arrows(label, f.read(), diff)
    return diff


def run_swiss_scenario(gmv, exe, scenario, workdir, build):
    target = e2e.Target(exe, scenario, workdir)
    try:
        views, snaps = [target.view], []
        for phase in range(3):
            snap = os.path.join(workdir, "%s-%s-%d.gmvs" % (build, scenario, phase))
            gmv.ok("capture", "--pid", str(target.pid), "--var", target.view["var"], "-o", snap)
            target.check_running("capture")
            snaps.append(snap)
            if phase < 2:
                target.proc.stdin.write(b"next\n")
                target.proc.stdin.flush()
                line = target.readline(30)
                if line is None:
                    raise Fail("%s: no view after next: %s" % (scenario, target.stderr_text()))
                views.append(json.loads(line))
        return {(i, j): check_swiss_pair(gmv, "%s-%s" % (build, scenario), views, snaps, i, j, workdir)
                for i, j in ((0, 1), (1, 2), (0, 2))}
    finally:
        target.kill()


# What each Swiss scenario's diffs must show: (pair, JSON path, value).
SWISS_PROMISES = {
    "splitphases": [((0, 1), lambda d: [t["fate"] for t in d["tables"]], ["split"]),
                    ((0, 1), lambda d: d["counts"]["to_left"] > 0 and d["counts"]["to_right"] > 0, True),
                    ((1, 2), lambda d: sorted(t["fate"] for t in d["tables"]), ["kept", "split"]),
                    ((1, 2), lambda d: (d["structure"]["before"]["dirLen"], d["structure"]["after"]["dirLen"]),
                     (2, 4))],
    "smallphases": [((0, 1), lambda d: (d["structure"]["before"]["small"], d["structure"]["after"]["small"]),
                     (True, False)),
                    ((0, 1), lambda d: d["counts"]["to_table"], 8),
                    ((1, 2), lambda d: [t["fate"] for t in d["tables"]], ["grown"]),
                    ((1, 2), lambda d: d["counts"]["to_grown"], 9)],
}


def run_swiss(gmv, go_dir, workdir):
    """Returns the number of failures."""
    failures = 0
    for build in ("swisssample-go1.26", "swisssample-go1.24-386", "swisssample-go1.27-split"):
        exe = os.path.join(go_dir, build)
        for scenario, promises in SWISS_PROMISES.items():
            name = "%s/%s" % (build, scenario)
            try:
                results = run_swiss_scenario(gmv, exe, scenario, workdir, build)
                for pair, get, want in promises:
                    if get(results[pair]) != want:
                        raise Fail("%d->%d: %r, expected %r" % (pair[0], pair[1], get(results[pair]), want))
                print("PASS diff/%s (0->1: %s)" % (name, results[(0, 1)]["counts"]))
            except Fail as e:
                failures += 1
                print("FAIL diff/%s: %s" % (name, e))
    # A classic snapshot against a Swiss one: refused, even with --force.
    classic = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "snapshots", "small.gmvs")
    swiss = os.path.join(workdir, "swisssample-go1.26-smallphases-0.gmvs")
    try:
        for force in ([], ["--force"]):
            cp = gmv.error("diff", classic, swiss, *force, mentions=["classic", "swiss"])
        print("PASS diff/classic-against-swiss (%s)" % cp.stderr_text.strip())
    except Fail as e:
        failures += 1
        print("FAIL diff/classic-against-swiss: %s" % e)
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--go-dir", required=True)
    args = ap.parse_args()
    gmv = e2e.Gmv(os.path.abspath(args.gomapviz))
    workdir = tempfile.mkdtemp(prefix="gmv-diff-")
    failures = 0
    try:
        other_snap = None
        for build in ("mapsample", "mapsample-386"):
            exe = os.path.join(os.path.abspath(args.go_dir), build)
            for scenario in ("phases", "samephases"):
                name = "%s/%s" % (build, scenario)
                try:
                    results, snaps = run_scenario(gmv, exe, scenario, workdir, build)
                    c01 = results[(0, 1)]["counts"]
                    if scenario == "phases" and (c01["to_x"] + c01["to_y"] == 0 or c01["moved"] != c01["to_x"] + c01["to_y"]):
                        raise Fail("phases 0->1: the started grow moved %d entries, %d to X, %d to Y" % (
                            c01["moved"], c01["to_x"], c01["to_y"]))
                    if scenario == "samephases" and results[(1, 2)]["counts"]["to_same"] == 0:
                        raise Fail("samephases 1->2: no entry moved to the same index")
                    print("PASS diff/%s (0->1: %s)" % (name, c01))
                    if other_snap is None:
                        other_snap = snaps[0]
                    elif scenario == "samephases" and build == "mapsample":
                        cp = gmv.error("diff", other_snap, snaps[0], mentions=["--force"])
                        gmv.ok("diff", other_snap, snaps[0], "--force", "-o", os.path.join(workdir, "forced.txt"))
                        print("PASS diff/different-maps (%s)" % cp.stderr_text.strip())
                except Fail as e:
                    failures += 1
                    print("FAIL diff/%s: %s" % (name, e))
        failures += run_swiss(gmv, os.path.abspath(args.go_dir), workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("diff e2e: %s" % ("%d failed" % failures if failures else "all passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
