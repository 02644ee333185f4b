#!/usr/bin/env python3
"""Every snapshot committed before Swiss-table support still loads and gives
the same JSON.

Usage: old_snapshots.py --gomapviz PATH --samples DIR --golden DIR

DIR (golden) holds NAME.json, the dump of samples/snapshots/NAME.gmvs written
by gomapviz 85083db, the last version that knew only classic maps. Today's
dump of each must be byte-identical to it but for one line the model gained
since: `"implementation": "classic",` first in "map". Exits 1 on any
difference.
"""
import argparse
import difflib
import os
import subprocess
import sys

ADDED = '    "implementation": "classic",\n'


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
        elif got.replace(ADDED, "", 1) != want:
            diff = difflib.unified_diff(want.splitlines(), got.replace(ADDED, "", 1).splitlines(), lineterm="", n=0)
            problem = "differs: " + " | ".join(list(diff)[2:8])
        print("%s old-snapshot/%s%s" % ("FAIL" if problem else "PASS", name, ": " + problem if problem else ""))
        failures += problem is not None
    print("old snapshots: %d of %d unchanged" % (len(names) - failures, len(names)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
