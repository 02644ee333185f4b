#!/usr/bin/env python3
"""Checks the views samples/go/swisssample prints about its own Swiss-table maps.

Usage: swiss_views.py --go-dir BUILD/go [--jobs N] [--allow-missing] [--mutations]

Runs every scenario of every swisssample build found in BUILD/go (the
targets swisssample-go1.NN[-386|-pie|-split] of tests/CMakeLists.txt), parses
each view line (for phased scenarios also the view after each "next") and
checks the invariants of a Swiss-table map (internal/runtime/maps, Go 1.24+)
and what each scenario promises. Prints one PASS/FAIL line per build and
scenario; exits 1 if any case failed (or an expected build is missing, unless
--allow-missing).

--mutations additionally breaks real views in known ways (a control byte, a
count, a directory entry, ...) and checks that every broken view is
rejected: a test of this checker itself.

Standard library only.
"""

import argparse
import collections
import concurrent.futures
import copy
import json
import os
import re
import subprocess
import sys

SCENARIOS = [
    "small0", "fruits", "pantry", "small1", "small8", "smalldel", "strint", "intint", "tombstones",
    "grown", "split", "depths", "big", "bigmany", "nan", "set", "clear", "nil",
    "bool", "ptr", "splitphases", "smallphases",
]
PHASES = {"splitphases": 3, "smallphases": 3}

# scenario -> (variable, map type, key type, elem type)
MAPS = {
    "small0": ("main.small0", "map[string]int", "string", "int"),
    "fruits": ("main.fruits", "map[string]int", "string", "int"),
    "pantry": ("main.pantry", "map[string]int", "string", "int"),
    "small1": ("main.small1", "map[string]int", "string", "int"),
    "small8": ("main.small8", "map[int64]int64", "int64", "int64"),
    "smalldel": ("main.smallDel", "map[string]int", "string", "int"),
    "strint": ("main.strInt", "map[string]int", "string", "int"),
    "intint": ("main.intInt", "map[int64]int64", "int64", "int64"),
    "tombstones": ("main.tombMap", "map[int64]string", "int64", "string"),
    "grown": ("main.grownMap", "map[string]int64", "string", "int64"),
    "split": ("main.splitMap", "map[int64]int64", "int64", "int64"),
    "depths": ("main.depthMap", "map[int64]int64", "int64", "int64"),
    "big": ("main.bigMap", "map[[200]uint8][150]uint8", "[200]uint8", "[150]uint8"),
    "bigmany": ("main.bigMany", "map[string][200]uint8", "string", "[200]uint8"),
    "nan": ("main.nanMap", "map[float64]string", "float64", "string"),
    "set": ("main.setMap", "map[int32]struct {}", "int32", "struct {}"),
    "clear": ("main.clearMap", "map[int64]int64", "int64", "int64"),
    "nil": ("main.nilMap", "map[string]int", "string", "int"),
    "bool": ("main.boolMap", "map[uint8]bool", "uint8", "bool"),
    "ptr": ("main.ptrMap", "map[string]*int", "string", "*int"),
    "splitphases": ("main.splitPhases", "map[int64]int64", "int64", "int64"),
    "smallphases": ("main.smallPhases", "map[string]int", "string", "int"),
}

VERSIONS = ["go1.24", "go1.25", "go1.26", "go1.27"]
EXPECTED_BUILDS = [f"swisssample-{v}{s}" for v in VERSIONS for s in ("", "-386", "-pie")] + \
    ["swisssample-go1.27-split"]

VIEW_KEYS = ["pid", "var", "type", "ptr_size", "impl", "split_groups", "nil", "header",
             "group_size", "directory", "tables", "small_group", "entries", "slots"]
HEADER_KEYS = ["address", "used", "seed", "dirPtr", "dirLen", "globalDepth", "globalShift",
               "writing", "tombstonePossible", "clearSeq"]
TABLE_KEYS = ["address", "used", "capacity", "growthLeft", "localDepth", "index", "groups_data",
              "lengthMask", "tombstones", "ctrl"]
ADDR = re.compile(r"^0x[0-9a-f]+$")
EMPTY, DELETED = 0x80, 0xFE
MIN_TOMBSTONES = 4  # what the program itself insists on


class Bad(Exception):
    pass


def need(cond, msg, *args):
    if not cond:
        raise Bad(msg % args if args else msg)


class Build:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        m = re.fullmatch(r"swisssample-go1\.(\d+)(-386|-pie|-split)?", self.name)
        if not m:
            raise ValueError(self.name)
        self.minor = int(m.group(1))
        self.variant = (m.group(2) or "")[1:]
        self.ptr_size = 4 if self.variant == "386" else 8
        self.split = self.variant == "split"


# ---- Go's layout rules (cmd/compile/internal/types: CalcSize), for the group size ----

def type_layout(t, ps):
    """(size, align) of a Go type by name, on a target with pointer size ps."""
    if t == "string":
        return 2 * ps, ps
    if t in ("int", "uintptr") or t.startswith("*"):
        return ps, ps
    if t in ("int64", "uint64", "float64"):
        return 8, (4 if ps == 4 else 8)
    if t in ("int32", "uint32", "float32"):
        return 4, 4
    if t in ("uint8", "int8", "bool"):
        return 1, 1
    if t == "struct {}":
        return 0, 1
    m = re.fullmatch(r"\[(\d+)\](.+)", t)
    if m:
        size, align = type_layout(m.group(2), ps)
        return int(m.group(1)) * size, align
    raise ValueError(t)


def struct_layout(fields):
    """fields: [(size, align)] -> (size, align, offsets), Go's struct rules."""
    off, maxalign, offsets = 0, 1, []
    for size, align in fields:
        off = (off + align - 1) // align * align
        offsets.append(off)
        off += size
        maxalign = max(maxalign, align)
    # A non-zero-size struct ending in a zero-size field gets a byte of padding.
    if off > 0 and fields and fields[-1][0] == 0:
        off += 1
    return (off + maxalign - 1) // maxalign * maxalign, maxalign, offsets


def group_size(key, elem, ps, split):
    k, e = type_layout(key, ps), type_layout(elem, ps)
    if k[0] > 128:
        k = (ps, ps)
    if e[0] > 128:
        e = (ps, ps)
    ctrl = type_layout("uint64", ps)
    if split:
        size, _, _ = struct_layout([ctrl, (8 * k[0], k[1]), (8 * e[0], e[1])])
    else:
        slot_size, slot_align, _ = struct_layout([k, e])
        size, _, _ = struct_layout([ctrl, (8 * slot_size, slot_align)])
    return size


# ---- the invariants of every view ----

def ordered(pairs):
    return pairs  # keep the members' order


def as_dict(pairs, keys, what):
    names = [k for k, _ in pairs]
    need(names == keys, "%s members %s, want %s", what, names, keys)
    return dict(pairs)


def parse_view(line):
    try:
        raw = json.loads(line, object_pairs_hook=ordered)
    except ValueError as e:
        raise Bad(f"not JSON: {e}: {line[:200]!r}")
    need(isinstance(raw, list), "view is not an object")
    v = as_dict(raw, VIEW_KEYS, "view")
    if v["header"] is not None:
        v["header"] = as_dict(v["header"], HEADER_KEYS, "header")
    v["tables"] = [as_dict(t, TABLE_KEYS, "table") for t in v["tables"]]
    if v["small_group"] is not None:
        v["small_group"] = as_dict(v["small_group"], ["address", "ctrl"], "small_group")
    v["entries"] = [as_dict(e, ["key", "value"], "entry") for e in v["entries"]]
    v["slots"] = [as_dict(e, ["key", "value", "table", "group", "slot"], "slot") for e in v["slots"]]
    return v


def plain(x):
    """Undo the pair lists of ordered() inside keys and values."""
    if isinstance(x, list) and x and all(isinstance(p, tuple) for p in x):
        return {k: plain(val) for k, val in x}
    if isinstance(x, list):
        return [plain(i) for i in x]
    return x


def check_ctrl(ctrl, what):
    need(isinstance(ctrl, list) and len(ctrl) == 8, "%s: ctrl is not 8 bytes: %r", what, ctrl)
    for c in ctrl:
        need(isinstance(c, int) and (c < 0x80 or c in (EMPTY, DELETED)),
             "%s: bad control byte %r", what, c)


def check_view(v, build, scenario, pid):
    var, typ, key, elem = MAPS[scenario]
    need(v["pid"] == pid, "pid %r, process %d", v["pid"], pid)
    need(v["var"] == var and v["type"] == typ, "var/type %r %r, want %r %r", v["var"], v["type"], var, typ)
    need(v["ptr_size"] == build.ptr_size, "ptr_size %r, want %d", v["ptr_size"], build.ptr_size)
    need(v["impl"] == "swiss", "impl %r", v["impl"])
    need(v["split_groups"] is build.split, "split_groups %r", v["split_groups"])
    want_gs = group_size(key, elem, build.ptr_size, build.split)
    need(v["group_size"] == want_gs, "group_size %r, layout rules say %d", v["group_size"], want_gs)
    entries = [(plain(e["key"]), plain(e["value"])) for e in v["entries"]]
    keys = [json.dumps(k, sort_keys=True) for k, _ in entries]
    dup = [k for k, n in collections.Counter(keys).items() if n > 1 and k != '"NaN"']
    need(not dup, "duplicate keys %s", dup[:3])
    if v["nil"] is True:
        need(v["header"] is None and v["directory"] == [] and v["tables"] == [] and
             v["small_group"] is None and v["entries"] == [], "nil map with contents")
        return
    need(v["nil"] is False, "nil %r", v["nil"])
    h = v["header"]
    need(h is not None, "header null for a non-nil map")
    for a in (h["address"], h["dirPtr"]):
        need(isinstance(a, str) and ADDR.match(a), "bad address %r", a)
    need(h["address"] != "0x0", "header address 0x0")
    for f in ("used", "seed", "dirLen", "globalDepth", "globalShift", "writing", "clearSeq"):
        need(isinstance(h[f], int) and h[f] >= 0, "header %s %r", f, h[f])
    need(h["seed"] < 1 << (8 * build.ptr_size), "seed %d wider than a uintptr", h["seed"])
    need(h["writing"] == 0, "writing %d", h["writing"])
    if build.minor == 24:
        need(h["tombstonePossible"] is None, "tombstonePossible %r on 1.24", h["tombstonePossible"])
    else:
        need(isinstance(h["tombstonePossible"], bool), "tombstonePossible %r", h["tombstonePossible"])
    need(len(entries) == h["used"], "%d entries, used %d", len(entries), h["used"])

    if h["dirLen"] == 0:
        need(v["directory"] == [] and v["tables"] == [], "dirLen 0 with a directory or tables")
        need(h["globalDepth"] == 0 and h["globalShift"] == 0, "small map with globalDepth %d globalShift %d",
             h["globalDepth"], h["globalShift"])
        if h["dirPtr"] == "0x0":
            need(v["small_group"] is None and h["used"] == 0, "no storage but a small group or entries")
        else:
            g = v["small_group"]
            need(g is not None and g["address"] == h["dirPtr"], "small_group %r, dirPtr %s", g, h["dirPtr"])
            check_ctrl(g["ctrl"], "small group")
            need(sum(c < 0x80 for c in g["ctrl"]) == h["used"], "small group: %d full slots, used %d",
                 sum(c < 0x80 for c in g["ctrl"]), h["used"])
            need(DELETED not in g["ctrl"], "small group with a tombstone")
        return

    need(h["dirPtr"] != "0x0", "dirLen %d with dirPtr nil", h["dirLen"])
    need(v["small_group"] is None, "small_group with dirLen %d", h["dirLen"])
    gd = h["globalDepth"]
    need(h["dirLen"] == 1 << gd, "dirLen %d, globalDepth %d", h["dirLen"], gd)
    need(h["globalShift"] == 8 * build.ptr_size - gd, "globalShift %d, globalDepth %d", h["globalShift"], gd)
    d = v["directory"]
    need(len(d) == h["dirLen"], "%d directory entries, dirLen %d", len(d), h["dirLen"])
    for a in d:
        need(isinstance(a, str) and ADDR.match(a) and a != "0x0", "bad directory entry %r", a)
    first = []
    for a in d:
        if a not in first:
            first.append(a)
    tabs = v["tables"]
    need([t["address"] for t in tabs] == first, "tables %s, directory's distinct entries %s",
         [t["address"] for t in tabs], first)
    total = 0
    any_tomb = False
    for t in tabs:
        what = "table " + t["address"]
        for f in ("used", "capacity", "growthLeft", "localDepth", "lengthMask"):
            need(isinstance(t[f], int) and t[f] >= 0, "%s: %s %r", what, f, t[f])
        need(ADDR.match(t["groups_data"]) and t["groups_data"] != "0x0", "%s: groups_data %r", what, t["groups_data"])
        need(t["localDepth"] <= gd, "%s: localDepth %d > globalDepth %d", what, t["localDepth"], gd)
        span = 1 << (gd - t["localDepth"])
        need(t["index"] == d.index(t["address"]), "%s: index %r, first in the directory at %d",
             what, t["index"], d.index(t["address"]))
        need(t["index"] % span == 0, "%s: index %d not a multiple of its span %d", what, t["index"], span)
        covered = [i for i, a in enumerate(d) if a == t["address"]]
        need(covered == list(range(t["index"], t["index"] + span)),
             "%s: covers directory entries %s, want %d from %d", what, covered, span, t["index"])
        n = t["lengthMask"] + 1
        need(n & (n - 1) == 0, "%s: lengthMask %d", what, t["lengthMask"])
        need(len(t["ctrl"]) == n, "%s: %d control words, lengthMask %d", what, len(t["ctrl"]), t["lengthMask"])
        need(t["capacity"] == 8 * n and 8 <= t["capacity"] <= 1024, "%s: capacity %d, %d groups", what,
             t["capacity"], n)
        for g in t["ctrl"]:
            check_ctrl(g, what)
        full = sum(c < 0x80 for g in t["ctrl"] for c in g)
        deleted = sum(c == DELETED for g in t["ctrl"] for c in g)
        need(full == t["used"], "%s: %d full control bytes, used %d", what, full, t["used"])
        formula = t["capacity"] * 7 // 8 - t["used"] - t["growthLeft"]
        need(t["tombstones"] == formula, "%s: tombstones %d, capacity*7/8-used-growthLeft %d", what,
             t["tombstones"], formula)
        need(deleted == t["tombstones"], "%s: %d control bytes 0xFE, tombstones %d", what, deleted, t["tombstones"])
        total += t["used"]
        any_tomb = any_tomb or deleted > 0
    need(total == h["used"], "tables hold %d, used %d", total, h["used"])
    if build.minor >= 25 and any_tomb:
        need(h["tombstonePossible"] is True, "tombstones but tombstonePossible false")


# ---- what each scenario promises ----

def shape(v):
    h = v["header"]
    return h["dirLen"], [(t["capacity"], t["localDepth"], t["used"], t["tombstones"]) for t in v["tables"]]


def entry_map(v):
    return {json.dumps(plain(e["key"]), sort_keys=True): plain(e["value"]) for e in v["entries"]}


def hexkey(b):
    return json.dumps({"hex": bytes(b).hex()}, sort_keys=True)


def check_promise(v, build, scenario, phase, prev):
    h = v["header"]
    dirlen, tabs = (shape(v) if h else (None, None))
    em = entry_map(v) if h else {}

    def small(used):
        need(dirlen == 0 and h["dirPtr"] != "0x0" and h["used"] == used, "expected a small map of %d, got dirLen %s used %d",
             used, dirlen, h["used"])

    def one_table(cap=None, mincap=None):
        need(dirlen == 1 and len(tabs) == 1, "expected one table, got %s %s", dirlen, tabs)
        if cap is not None:
            need(tabs[0][0] == cap, "capacity %d, want %d", tabs[0][0], cap)
        if mincap is not None:
            need(tabs[0][0] >= mincap, "capacity %d, want >= %d", tabs[0][0], mincap)

    if scenario == "small0":
        need(h["dirPtr"] == "0x0" and dirlen == 0 and h["used"] == 0, "expected no storage")
    elif scenario == "small1":
        small(1)
        need(em == {'"only"': 1}, "entries %s", em)
    elif scenario == "fruits":
        small(6)
        need(em == {json.dumps(n): (i + 1) * 10 for i, n in enumerate(
            ["apple", "banana", "cherry", "damson", "elderberry", "fig"])}, "entries %s", em)
    elif scenario == "pantry":
        one_table(cap=64)
        need(h["used"] == 36 and v["tables"][0]["tombstones"] >= 3, "used %d tombstones %d", h["used"],
             v["tables"][0]["tombstones"])
    elif scenario == "small8":
        small(8)
        need(all(c < 0x80 for c in v["small_group"]["ctrl"]), "small group not full")
        need(em == {str(i * i * 1000003 - 7): -i for i in range(8)}, "entries %s", em)
    elif scenario == "smalldel":
        small(5)
        need(v["small_group"]["ctrl"].count(EMPTY) == 3, "small group: %s", v["small_group"]["ctrl"])
        need(em == {f'"small-{i}"': i for i in (0, 2, 3, 5, 7)}, "entries %s", em)
    elif scenario == "strint":
        one_table()
        need(h["used"] == 200, "used %d", h["used"])
        for k, val in [("<script>alert(1)</script>", -1011), ('"]]><!-- " onload="alert(2)', -1012),
                       ("", -1000), ("ctrl\x01\x1f\x7f", -1007), ("\u2028line separator", -1010),
                       ("quote\"back\\slash\nnewline\ttab", -1006), ("emoji 🎉🚀", -1003)]:
            need(em.get(json.dumps(k)) == val, "key %r: %r, want %d", k, em.get(json.dumps(k)), val)
        need(em.get(hexkey(b"\xff\xfe invalid utf-8")) == -1008, "the invalid UTF-8 key is not hex encoded")
    elif scenario == "intint":
        need(h["used"] == 10002 and dirlen >= 2 and len(tabs) >= 2, "expected several tables, got %s", shape(v))
        need(em.get(str(-(1 << 63))) == (1 << 63) - 1 and em.get(str((1 << 63) - 1)) == -(1 << 63),
             "MinInt64/MaxInt64 entries")
    elif scenario == "tombstones":
        one_table(cap=128)
        need(h["used"] == 55, "used %d", h["used"])
        need(tabs[0][3] >= MIN_TOMBSTONES, "only %d tombstones", tabs[0][3])
        need(em == {str(i * 7919 + 3): f"tomb-{i:03d}" for i in range(1, 110, 2)}, "entries")
    elif scenario == "grown":
        one_table(mincap=128)
        need(h["used"] == 100 and tabs[0][3] == 0, "used %d tombstones %d", h["used"], tabs[0][3])
    elif scenario == "split":
        need(dirlen == 2 and h["globalDepth"] == 1 and len(tabs) == 2, "expected a split, got %s", shape(v))
        need(all(t[0] == 1024 and t[1] == 1 for t in tabs), "tables %s", tabs)
        need(h["used"] == 1024 * 7 // 8 + 1, "used %d", h["used"])
    elif scenario == "depths":
        need(len({t[1] for t in tabs}) > 1, "one local depth only: %s", tabs)
        need(any(h["globalDepth"] - t[1] >= 1 for t in tabs), "no shared table")
    elif scenario == "big":
        need(h["used"] == 20, "used %d", h["used"])
        want = {hexkey([(i * 31 + j * 7) & 0xFF for j in range(200)]):
                {"hex": bytes([(255 - i - j * 3) & 0xFF for j in range(150)]).hex()} for i in range(20)}
        need(em == want, "entries differ from the keys and values inserted")
    elif scenario == "bigmany":
        one_table()
        need(h["used"] == 100, "used %d", h["used"])
        want = {json.dumps(f"big-{i:03d}"): {"hex": bytes([(i ^ (j * 13)) & 0xFF for j in range(200)]).hex()}
                for i in range(100)}
        need(em == want, "entries differ from the values inserted")
    elif scenario == "nan":
        need(h["used"] == 10, "used %d", h["used"])
        ks = [plain(e["key"]) for e in v["entries"]]
        need(ks.count("NaN") == 3, "%d NaN keys", ks.count("NaN"))
        need(sorted(json.dumps(k) for k in ks if k != "NaN") ==
             sorted(json.dumps(k) for k in [0, 1.5, 1e300, 5e-324, -2.25, "+Inf", "-Inf"]), "keys %s", ks)
        need(em.get("0") == "zero", "the zero key (stored +0.0 after NeedKeyUpdate): %r", em.get("0"))
    elif scenario == "set":
        need(em == {str(i * i * 37 - 900): {"hex": ""} for i in range(50)}, "entries")
    elif scenario == "clear":
        one_table(cap=1024)
        need(h["clearSeq"] == 1 and h["used"] == 100 and tabs[0][3] == 0, "clearSeq %d used %d", h["clearSeq"], h["used"])
        if build.minor >= 25:
            need(h["tombstonePossible"] is False, "tombstonePossible after clear")
        need(em == {str(1000 + i * 3): -i for i in range(100)}, "entries")
    elif scenario == "nil":
        need(v["nil"] is True, "not nil")
    elif scenario == "bool":
        need(em == {str((i * 21) & 0xFF): i % 3 == 0 for i in range(12)}, "entries %s", em)
    elif scenario == "ptr":
        need(h["used"] == 30, "used %d", h["used"])
        for i in range(30):
            if i % 4 == 0:
                need(em.get(json.dumps(f"nil-{i:02d}")) == "0x0", "nil-%02d", i)
            else:
                a = em.get(json.dumps(f"ptr-{i:02d}"))
                need(isinstance(a, str) and ADDR.match(a) and a != "0x0", "ptr-%02d: %r", i, a)
    elif scenario == "splitphases":
        if phase == 0:
            one_table(cap=1024)
            t = v["tables"][0]
            need(t["growthLeft"] <= 3 and t["tombstones"] == 0, "growthLeft %d tombstones %d", t["growthLeft"],
                 t["tombstones"])
        elif phase == 1:
            need(dirlen == 2 and len(tabs) == 2 and all(t[:2] == (1024, 1) for t in tabs), "expected a split: %s",
                 shape(v))
            need(h["used"] - prev["header"]["used"] <= 5, "%d inserts for the split",
                 h["used"] - prev["header"]["used"])
        else:
            need(dirlen == 4 and len(tabs) == 3, "expected the directory doubled: %s", shape(v))
            need(sorted(t[1] for t in tabs) == [1, 2, 2] and all(t[0] == 1024 for t in tabs), "tables %s", tabs)
        if prev is not None:
            old = entry_map(prev)
            need(all(em.get(k) == val for k, val in old.items()), "entries of the previous phase lost")
    elif scenario == "smallphases":
        if phase == 0:
            small(8)
        elif phase == 1:
            one_table(cap=16)
            need(h["used"] == 9 and tabs[0][1] == 0, "used %d", h["used"])
        else:
            one_table(mincap=32)
            need(h["used"] == 15, "used %d", h["used"])
        if prev is not None:
            old = entry_map(prev)
            need(all(em.get(k) == val for k, val in old.items()), "entries of the previous phase lost")


# ---- running the builds ----

def run_case(build, scenario, collect=None):
    """Returns (ok, message); collect, if a list, gets the (view, phase) pairs."""
    try:
        p = subprocess.Popen([build.path, scenario], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="strict")
    except OSError as e:
        return False, f"cannot run: {e}"
    try:
        prev = None
        for phase in range(PHASES.get(scenario, 1)):
            if phase > 0:
                p.stdin.write("next\n")
                p.stdin.flush()
            line = p.stdout.readline()
            need(line.endswith("\n"), "no view line (phase %d); stderr: %s", phase,
                 p.stderr.read().strip() if p.poll() is not None else "")
            v = parse_view(line)
            try:
                check_view(v, build, scenario, p.pid)
                check_promise(v, build, scenario, phase, prev)
            except Bad as e:
                raise Bad(f"phase {phase}: {e}" if scenario in PHASES else str(e))
            if collect is not None:
                collect.append((v, phase, prev))
            prev = v
        p.stdin.write("ping\n")
        p.stdin.flush()
        need(p.stdout.readline() == "pong\n", "no pong")
        p.stdin.write("quit\n")
        p.stdin.flush()
        rc = p.wait(timeout=30)
        need(rc == 0, "exit status %d", rc)
        return True, ""
    except Bad as e:
        return False, str(e)
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        return False, f"{type(e).__name__}: {e}"
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        for f in (p.stdin, p.stdout, p.stderr):
            try:
                f.close()
            except OSError:
                pass


def usage_scenarios(build):
    r = subprocess.run([build.path], capture_output=True, text=True, timeout=30)
    m = re.search(r"one of ([a-z0-9, ]+)\)", r.stderr)
    return r.returncode, (m.group(1).split(", ") if m else None)


# ---- --mutations: break real views, each must be rejected ----

def mutations():
    def ctrl_full_to_empty(v):
        g = v["small_group"]["ctrl"] if v["small_group"] else v["tables"][0]["ctrl"][0]
        i = next(i for i, c in enumerate(g) if c < 0x80)
        g[i] = EMPTY

    def first_table(v):
        return v["tables"][0]

    def table_of_32(v):
        t = v["tables"][0] if v["tables"] else None
        if t is None or t["capacity"] != 16:
            raise KeyError("phase 1 only")
        t["capacity"], t["lengthMask"], t["growthLeft"] = 32, 3, t["growthLeft"] + 14
        t["ctrl"] += [[EMPTY] * 8, [EMPTY] * 8]

    def some_ctrl_word(v):
        return next(g for t in v["tables"] for g in t["ctrl"] if EMPTY in g)

    return [
        ("small8", "a full control byte made empty", ctrl_full_to_empty),
        ("small8", "a control byte made a tombstone", lambda v: v["small_group"]["ctrl"].__setitem__(0, DELETED)),
        ("small8", "an invalid control byte", lambda v: v["small_group"]["ctrl"].__setitem__(0, 0x81)),
        ("small1", "small_group address != dirPtr", lambda v: v["small_group"].__setitem__("address", "0x10")),
        ("strint", "header used + 1", lambda v: v["header"].__setitem__("used", v["header"]["used"] + 1)),
        ("strint", "an entry dropped", lambda v: v["entries"].pop()),
        ("strint", "an entry duplicated", lambda v: v["entries"].append(v["entries"][0])),
        ("strint", "table used - 1", lambda v: first_table(v).__setitem__("used", first_table(v)["used"] - 1)),
        ("strint", "growthLeft + 1", lambda v: first_table(v).__setitem__("growthLeft", first_table(v)["growthLeft"] + 1)),
        ("strint", "a group's control word missing", lambda v: first_table(v)["ctrl"].pop()),
        ("strint", "capacity doubled", lambda v: first_table(v).__setitem__("capacity", 2 * first_table(v)["capacity"])),
        ("strint", "group_size + 8", lambda v: v.__setitem__("group_size", v["group_size"] + 8)),
        ("strint", "globalShift - 1", lambda v: v["header"].__setitem__("globalShift", v["header"]["globalShift"] - 1)),
        ("strint", "an empty slot made a tombstone", lambda v: some_ctrl_word(v).__setitem__(
            some_ctrl_word(v).index(EMPTY), DELETED)),
        ("tombstones", "tombstones field - 1", lambda v: first_table(v).__setitem__("tombstones", first_table(v)["tombstones"] - 1)),
        ("tombstones", "tombstonePossible false (1.25+) / type changed (1.24)",
         lambda v: v["header"].__setitem__("tombstonePossible", False if v["header"]["tombstonePossible"] is not None else True)),
        ("split", "both directory entries -> one table", lambda v: v["directory"].__setitem__(1, v["directory"][0])),
        ("split", "tables in the wrong order", lambda v: v["tables"].reverse()),
        ("split", "table index off by one", lambda v: v["tables"][1].__setitem__("index", 0)),
        ("depths", "a shared table's entries swapped", lambda v: v["directory"].reverse()),
        ("depths", "localDepth of a table + 1", lambda v: v["tables"][0].__setitem__("localDepth", v["tables"][0]["localDepth"] + 1)),
        ("intint", "dirLen != 1 << globalDepth", lambda v: v["header"].__setitem__("globalDepth", v["header"]["globalDepth"] + 1)),
        ("big", "a value byte changed", lambda v: v["entries"][0]["value"].__setitem__(
            0, ("hex", "ff" + dict(v["entries"][0]["value"])["hex"][2:]) if dict(v["entries"][0]["value"])["hex"][:2] != "ff"
            else ("hex", "00" + dict(v["entries"][0]["value"])["hex"][2:]))),
        ("clear", "clearSeq 0", lambda v: v["header"].__setitem__("clearSeq", 0)),
        ("nil", "nil map with a header", lambda v: v.__setitem__("header", {})),
        ("set", "ptr_size changed", lambda v: v.__setitem__("ptr_size", 12 - v["ptr_size"])),
        ("set", "split_groups flipped", lambda v: v.__setitem__("split_groups", not v["split_groups"])),
        ("smallphases", "phase 1 table of 32 slots (consistent, but not what phase 1 promises)", table_of_32),
    ]


def run_mutations(builds):
    """Each mutation on views of a few builds (one per Go version): must be rejected."""
    failures = 0
    names = ("swisssample-go1.24", "swisssample-go1.25-386", "swisssample-go1.26-pie", "swisssample-go1.27-split")
    chosen = [b for b in builds if b.name in names] or builds[:1]
    for build in chosen:
        views = {}
        for scenario in sorted({m[0] for m in mutations()}):
            got = []
            ok, msg = run_case(build, scenario, got)
            if not ok:
                print(f"FAIL {build.name} {scenario}: {msg} (cannot test mutations)")
                failures += 1
                continue
            views[scenario] = got
        for scenario, what, mutate in mutations():
            if scenario not in views:
                continue
            caught = False
            for v, phase, prev in views[scenario]:
                m = copy.deepcopy(v)
                try:
                    mutate(m)
                except (IndexError, StopIteration, KeyError, TypeError):
                    continue
                try:
                    check_view(m, build, scenario, m["pid"])
                    check_promise(m, build, scenario, phase, prev)
                except Bad as e:
                    caught = True
                    reason = str(e)
                    break
            if caught:
                print(f"PASS {build.name} mutation {scenario}: {what} -> rejected ({reason})")
            else:
                print(f"FAIL {build.name} mutation {scenario}: {what} -> accepted")
                failures += 1
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--go-dir", required=True, help="the go folder of the CMake build (BUILD/go)")
    ap.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("--allow-missing", action="store_true", help="do not fail on missing swisssample builds")
    ap.add_argument("--mutations", action="store_true", help="also check that broken views are rejected")
    args = ap.parse_args()

    builds, failures = [], 0
    for name in EXPECTED_BUILDS:
        path = os.path.join(args.go_dir, name)
        if os.access(path, os.X_OK):
            builds.append(Build(path))
        elif not args.allow_missing:
            print(f"FAIL {name}: missing from {args.go_dir}")
            failures += 1
    if not builds:
        print(f"FAIL no swisssample build in {args.go_dir}")
        return 1

    for build in builds:
        rc, listed = usage_scenarios(build)
        if rc != 2 or listed != SCENARIOS:
            print(f"FAIL {build.name} usage: exit {rc}, scenarios {listed}, want exit 2 and {SCENARIOS}")
            failures += 1

    cases = [(b, s) for b in builds for s in SCENARIOS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(*c), cases))
    passed = 0
    for (build, scenario), (ok, msg) in zip(cases, results):
        if ok:
            passed += 1
            print(f"PASS {build.name} {scenario}")
        else:
            failures += 1
            print(f"FAIL {build.name} {scenario}: {msg}")
    if args.mutations:
        failures += run_mutations(builds)
    print(f"swiss_views: {passed} of {len(cases)} cases passed, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
