#!/usr/bin/env python3
"""Checks that docs/json-schema.md documents every member name gomapviz
writes: the dump of every sample snapshot and the diff of every pair of
phase snapshots in samples/snapshots/ are walked, and each name must appear
in the document as `name` or "name".

Usage: schema_doc.py --gomapviz PATH --samples DIR --doc docs/json-schema.md
"""
import argparse
import glob
import json
import os
import subprocess
import sys


def names_in(value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            if k == "fields" and isinstance(v, dict):  # a struct's fields: the program's names
                for field in v.values():
                    names_in(field, out)
            else:
                names_in(v, out)
    elif isinstance(value, list):
        for v in value:
            names_in(v, out)


def run_json(cmd):
    cp = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if cp.returncode not in (0, 3):
        raise SystemExit("schema_doc: %s exited %d: %s" % (" ".join(cmd), cp.returncode,
                                                           cp.stderr.decode("utf-8", "replace")))
    return json.loads(cp.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--samples", required=True, help="samples/snapshots")
    ap.add_argument("--doc", required=True, help="docs/json-schema.md")
    args = ap.parse_args()
    with open(args.doc, encoding="utf-8") as f:
        doc = f.read()
    snaps = sorted(glob.glob(os.path.join(args.samples, "*.gmvs")))
    if not snaps:
        raise SystemExit("schema_doc: no snapshots in %s" % args.samples)
    model_names, diff_names = set(), set()
    for snap in snaps:
        names_in(run_json([args.gomapviz, "dump", snap]), model_names)
    pairs = 0
    for prefix in ("phases", "samephases", "swiss-split", "swiss-small-to-table"):
        phases = [os.path.join(args.samples, "%s-%d.gmvs" % (prefix, i)) for i in range(3)]
        for a, b in ((0, 1), (1, 2)):
            names_in(run_json([args.gomapviz, "diff", phases[a], phases[b], "-o", "-", "--format", "json"]),
                     diff_names)
            pairs += 1
    missing = sorted(n for n in model_names | diff_names if "`%s`" % n not in doc and '"%s"' % n not in doc)
    if missing:
        print("FAIL json-schema doc: %d member names gomapviz writes are not in %s: %s" % (
            len(missing), args.doc, ", ".join(missing)))
        return 1
    print("PASS json-schema doc: all %d member names of %d dumps and %d diffs are documented" % (
        len(model_names | diff_names), len(snaps), pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
