#!/usr/bin/env python3
"""The command line without surprises, on the committed sample snapshots.

Usage: cli.py --gomapviz PATH --samples DIR

- "-" reads a snapshot from standard input: stats, dump and render give
  byte for byte what they give for the file, and diff takes either side
  from standard input;
- --format and the -o extension: an extension that contradicts --format is
  refused (exit 2) and no file is written; one that names no format is
  written in the format asked for;
- counts of one read in the singular ("1 table,"), others in the plural.
(The errors these cases print are rows of docs/errors.md, run by robust.py.)
"""
import argparse
import os
import subprocess
import sys
import tempfile

FAILURES = []


def run(gmv, *args, stdin=None):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        return subprocess.run([gmv] + list(args), stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=120)


def check(name, ok, detail=""):
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail and not ok else ""))
    if not ok:
        FAILURES.append(name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--samples", required=True)
    args = ap.parse_args()
    gmv = args.gomapviz
    samples = sorted(os.path.join(args.samples, f) for f in os.listdir(args.samples) if f.endswith(".gmvs"))
    if not samples:
        print("FAIL no samples in %s" % args.samples)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for path in samples:
            name = os.path.basename(path)
            for cmd in (["stats"], ["dump"], ["render", "--format", "dot", "-o", "-"]):
                from_file = run(gmv, cmd[0], path, *cmd[1:])
                from_stdin = run(gmv, cmd[0], "-", *cmd[1:], stdin=path)
                check("stdin/%s/%s" % (cmd[0], name),
                      from_file.returncode in (0, 3) and from_stdin.returncode == from_file.returncode
                      and from_stdin.stdout == from_file.stdout and from_stdin.stderr == from_file.stderr,
                      "exit %d vs %d, %s" % (from_stdin.returncode, from_file.returncode, from_stdin.stderr[:200]))
        before, after = (os.path.join(args.samples, "phases-%d.gmvs" % i) for i in (0, 1))
        want = run(gmv, "diff", before, after)
        for label, argv, stdin in (("after", [before, "-"], after), ("before", ["-", after], before)):
            got = run(gmv, "diff", *argv, stdin=stdin)
            check("stdin/diff-%s-from-stdin" % label, got.returncode == want.returncode == 0 and got.stdout == want.stdout,
                  got.stderr.decode("utf-8", "replace"))

        small = os.path.join(args.samples, "small.gmvs")
        svg = os.path.join(tmp, "x.svg")
        cp = run(gmv, "render", small, "-o", svg, "--format", "png")
        check("format/contradicted-extension-refused", cp.returncode == 2 and not os.path.exists(svg),
              "exit %d, file written: %s" % (cp.returncode, os.path.exists(svg)))
        out = os.path.join(tmp, "x.picture")
        cp = run(gmv, "render", small, "-o", out, "--format", "png")
        with open(out, "rb") if os.path.exists(out) else open(os.devnull, "rb") as f:
            head = f.read(8)
        check("format/unknown-extension-takes-format", cp.returncode == 0 and head == b"\x89PNG\r\n\x1a\n",
              "exit %d, starts %r" % (cp.returncode, head))
        cp = run(gmv, "render", small, "-o", os.path.join(tmp, "y.svg"), "--format", "svg")
        check("format/agreeing-extension-accepted", cp.returncode == 0, cp.stderr.decode("utf-8", "replace"))

        one = run(gmv, "stats", os.path.join(args.samples, "swiss-split-0.gmvs")).stdout.decode()
        three = run(gmv, "stats", os.path.join(args.samples, "swiss-tables.gmvs")).stdout.decode()
        check("plural/one-table", "\n1 table, " in one and "1 tables" not in one, one[:300])
        check("plural/three-tables", "\n3 tables, " in three, three[:300])
    print("cli: %d failed" % len(FAILURES) if FAILURES else "cli: all passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
