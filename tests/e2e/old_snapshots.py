#!/usr/bin/env python3
"""Every snapshot committed before Swiss-table support still loads and gives
the same JSON.

Usage: old_snapshots.py --gomapviz PATH --samples DIR --golden DIR

DIR (golden) holds NAME.json, the dump of samples/snapshots/NAME.gmvs written
by gomapviz 85083db, the last version that knew only classic maps. Today's
dump of each must be byte-identical to it but for what the model gained
since: one line `"implementation": "classic",` first in "map", and the
"memory" member after "stats" (whose bytes must add up). Exits 1 on any
difference.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys

ADDED = '    "implementation": "classic",\n'
MEMORY = '  "memory": {\n'


def without_memory(text):
    """The dump without its "memory" member, and a problem with it (or None)."""
    lines = text.splitlines(keepends=True)
    if lines.count(MEMORY) != 1:
        return text, "no single \"memory\" member"
    start = lines.index(MEMORY)
    end = start + 1
    while end < len(lines) and not lines[end].startswith("  }"):
        end += 1
    mem = json.loads(text)["memory"]
    b, w = mem["bytes_held"], mem["wasted"]
    if b["total"] != b["storage"] + b["indirect"] + b["strings"] or \
            mem["in_use"] + w["total"] + mem["overhead"] != b["total"]:
        return text, "memory does not add up: %s" % mem
    if mem["strings_counted"] or b["strings"]:
        return text, "strings counted from a snapshot that cannot tell literals from the heap"
    return "".join(lines[:start] + lines[end + 1:]), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--golden", required=True)
    args = ap.parse_args()
    names = sorted(f[:-5] for f in os.listdir(args.golden) if f.endswith(".json"))
    if len(names) < 11:
        print("old snapshots: only %d golden files in %s" % (len(names), args.golden))
        return 1
    failures = 0
    for name in names:
        snap = os.path.join(args.samples, name + ".gmvs")
        cp = subprocess.run([args.gomapviz, "dump", snap], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got = cp.stdout.decode("utf-8")
        with open(os.path.join(args.golden, name + ".json"), encoding="utf-8") as f:
            want = f.read()
        problem = None
        if cp.returncode != 0:
            problem = "dump exited %d: %s" % (cp.returncode, cp.stderr.decode("utf-8", "replace").strip())
        elif got.count(ADDED) != 1:
            problem = "no single %r line" % ADDED.strip()
        else:
            got, problem = without_memory(got.replace(ADDED, "", 1))
            if not problem and got != want:
                diff = difflib.unified_diff(want.splitlines(), got.splitlines(), lineterm="", n=0)
                problem = "differs: " + " | ".join(list(diff)[2:8])
        print("%s old-snapshot/%s%s" % ("FAIL" if problem else "PASS", name, ": " + problem if problem else ""))
        failures += problem is not None
    print("old snapshots: %d of %d unchanged" % (len(names) - failures, len(names)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
