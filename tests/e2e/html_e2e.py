#!/usr/bin/env python3
"""gomapviz's HTML pages (render -o FILE.html, diff -o FILE.html) in a real
browser: Debian's Chromium, headless, driven by playwright-core
(tests/browser/html_view.mjs).

Usage: html_e2e.py --gomapviz PATH --go-dir DIR --node PATH --npm DIR
                   --chromium PATH --shots DIR --samples DIR [--keep-temp]

DIR holds builds of samples/go/htmlsample (BUILDS below: Go 1.19, classic
maps; Go 1.26, Swiss tables), each run with 10^6 entries in main.big. For
each: main.users (200 entries) and main.hostile (keys and values that are
markup and script) captured and rendered as pages, main.users also straight
from the live process, main.big (10^6 entries) too. In the browser, on every
page: clicking the picture's first link (a summary row, a table, a bucket)
opens that view, and its first bucket, table or group opens next, with a
link to itself and the command line of the same view, which must then run
(and so for the views of --longest, --bucket, --table --groups and --groups
opened by their links);
searching a key highlights its cell, which holds the key and the value the
program reports, and hovering it shows a tooltip with its key, value,
tophash or control byte, state and address; a missing key is said to be
missing. The hostile page must show every key as text and run no script of
the map's (window.pwned stays unset; the page holds only its three script
elements). The 10^6-entry pages' load and search times are printed. Two
diffs of committed snapshots (a Swiss split, a classic grow) must list
their moves and find a moved key. Screenshots of each step go to --shots.

Standard library only; shares its plumbing with e2e.py.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Cases, Fail, Gmv, Target, short  # noqa: E402

BUILDS = ["htmlsample-go1.19", "htmlsample-go1.26"]
BIG = 1000000
SCRIPTS = ["application/json", "classic", "classic"]  # the data, the pan-zoom library, the viewer


def go_quote(s):
    """s as Go's %q writes it (the keys here are printable ASCII)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Runner(Cases):
    def __init__(self, args):
        super().__init__()
        self.args = args
        self.gmv = Gmv(args.gomapviz)
        self.tmp = tempfile.mkdtemp(prefix="gmv-html-")
        os.makedirs(args.shots, exist_ok=True)
        self.pages = []   # what the browser is to do
        self.expect = {}  # page name -> what it must see
        self.results = {}

    def page(self, name, file, kind, search, visit=(), **expect):
        self.pages.append({"name": name, "file": file, "kind": kind, "search": search, "visit": list(visit)})
        self.expect[name] = dict(expect, search=search, kind=kind)

    def render(self, name, *input_args):
        out = os.path.join(self.tmp, name + ".html")
        self.gmv.ok("render", *input_args, "-o", out)
        with open(out, "rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
        if "Content-Security-Policy" not in head or "http://" in head.split("<body", 1)[0]:
            raise Fail("%s: no Content-Security-Policy, or a network address, in the page's head" % out)
        return out

    def prepare(self, build):
        exe = os.path.join(self.args.go_dir, build)
        if not os.path.isfile(exe):
            raise Fail("missing build %s" % exe)
        target = Target(exe, "-n=%d" % BIG, self.tmp)
        try:
            view = target.view
            for var in ("main.users", "main.hostile", "main.big"):
                snap = os.path.join(self.tmp, "%s-%s.gmvs" % (build, var))
                self.gmv.ok("capture", "--pid", str(target.pid), "--var", var, "-o", snap)
            users = os.path.join(self.tmp, "%s-main.users.gmvs" % build)
            self.page(build + "-users", self.render(build + "-users", users), "map",
                      ["user-042", '"user-007"', "user-9999"], values=view["users"], snapshot=users)
            self.page(build + "-users-live", self.render(build + "-users-live", "--pid", str(target.pid), "--var",
                                                        "main.users"), "map", ["user-199"], values=view["users"],
                      snapshot=None)
            hostile = os.path.join(self.tmp, "%s-main.hostile.gmvs" % build)
            self.page(build + "-hostile", self.render(build + "-hostile", hostile), "map", list(view["hostile"]),
                      values=view["hostile"], snapshot=hostile, hostile=True)
            big = os.path.join(self.tmp, "%s-main.big.gmvs" % build)
            keys = {str(i * 7919 + 1): str(i) for i in (0, 123457, BIG - 1)}
            focus = ["longest=8", "bucket=3"] if build.endswith("1.19") else ["table=2&groups=0-3", "table=1&group=5"]
            self.page(build + "-big", self.render(build + "-big", big), "map", list(keys), visit=focus, values=keys,
                      snapshot=big, big=True)
            target.check_running("the captures")
        finally:
            target.kill()

    def prepare_diffs(self):
        for name, before, after in (("diff-swiss-split", "swiss-split-0", "swiss-split-1"),
                                    ("diff-classic-grow", "phases-0", "phases-1")):
            a, b = (os.path.join(self.args.samples, s + ".gmvs") for s in (before, after))
            out = os.path.join(self.tmp, name + ".html")
            self.gmv.ok("diff", a, b, "-o", out)
            cp = self.gmv.ok("diff", a, b, "-o", os.path.join(self.tmp, name + ".json"))
            with open(os.path.join(self.tmp, name + ".json")) as f:
                d = json.load(f)
            if not d.get("moved"):
                raise Fail("%s: the diff has no moves to look for" % name)
            key = d["moved"][0]["key"]
            self.page(name, out, "diff", [key if isinstance(key, str) else json.dumps(key)], moved=len(d["moved"]))
            del cp

    def browse(self):
        plan = {"npm": self.args.npm, "chromium": self.args.chromium, "shots": self.args.shots, "pages": self.pages}
        path = os.path.join(self.tmp, "plan.json")
        with open(path, "w") as f:
            json.dump(plan, f)
        cp = subprocess.run([self.args.node, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser",
                                                          "html_view.mjs"), path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        if cp.returncode != 0:
            raise Fail("the browser run failed (exit %d): %s" % (cp.returncode, short(cp.stderr.decode("utf-8", "replace"), 800)))
        for r in json.loads(cp.stdout.decode("utf-8").strip().splitlines()[-1]):
            self.results[r["name"]] = r

    # ---- the checks of one page ----
    def check_page(self, name):
        r, e = self.results.get(name), self.expect[name]
        if r is None:
            raise Fail("the browser did not visit %s" % name)
        if r["errors"]:
            raise Fail("errors in the page: %s" % short("; ".join(r["errors"]), 600))
        if r["pwned"] is not None or r["scripts"] != SCRIPTS or r["images"]:
            raise Fail("the page ran a script of the map's or grew elements: pwned=%r scripts=%r images=%r" % (
                r["pwned"], r["scripts"], r["images"]))
        if len(r.get("legend") or []) < 4:
            raise Fail("the legend shows %r" % r.get("legend"))
        if e["kind"] == "map":
            self.check_views(r, e)
        for s in r["searches"]:
            self.check_search(s, e)
        if e.get("big"):
            print("TIME %s: ready %d ms; searches %s ms" % (name, r["readyMs"], ", ".join(
                str(s["ms"]) for s in r["searches"])), flush=True)

    def check_views(self, r, e):
        if not r["svgLinks"]:
            raise Fail("the picture has no links to the page's views")
        clicked = r.get("clicked") or {}
        if clicked.get("hash") != r["svgLinks"][0] or not clicked.get("title") or not clicked.get("tables"):
            raise Fail("clicking %s in the picture showed %s" % (r["svgLinks"][0], clicked))
        opened = r.get("opened") or clicked
        if not opened.get("permalink") or opened["permalink"] != opened["hash"]:
            raise Fail("the view %s links to %s" % (opened.get("hash"), opened.get("permalink")))
        if e.get("snapshot") and opened.get("cli"):
            self.run_cli(opened["cli"], e["snapshot"])
        for v in r.get("visits", []):  # every focus of the command line has its view
            if not v.get("title") or not v.get("cli") or v.get("permalink") != v.get("hash"):
                raise Fail("the view %s: %s" % (v.get("hash"), v))
            self.run_cli(v["cli"], e["snapshot"])

    def run_cli(self, cli, snapshot):
        """The command line a view shows must draw that view."""
        words = shlex.split(cli)
        if words[:2] != ["gomapviz", "render"] or snapshot not in words:
            raise Fail("the command line shown is %r" % cli)
        out = os.path.join(self.tmp, "view.svg")
        words[words.index("-o") + 1] = out
        self.gmv.ok(*words[1:])
        if not os.path.getsize(out):
            raise Fail("%r drew nothing" % cli)

    def check_search(self, s, e):
        key = s["key"]
        if e["kind"] == "diff":
            if "moved" not in (s.get("title") or ""):
                raise Fail("search %r: %s" % (key, s.get("title")))
            return
        values = e["values"]
        plain = key[1:-1] if key.startswith('"') and key.endswith('"') else key
        if plain not in values:  # a key the map does not have
            if not (s.get("title") or "").startswith("no key") or s["hits"]:
                raise Fail("search %r (no such key) showed %s" % (key, s.get("title")))
            return
        is_int = plain.lstrip("-").isdigit() and e.get("big")
        want_key = plain if is_int else go_quote(plain)
        want_value = values[plain] if is_int else (go_quote(values[plain]) if isinstance(values[plain], str)
                                                   else str(values[plain]))
        text = " ".join(s["hits"])
        if want_key not in text or want_value not in text:
            raise Fail("search %r: the highlighted cells hold %r, not key %r with value %r" % (
                key, short(text, 300), want_key, want_value))
        tip = s.get("tooltip") or []
        names = [t.split(" ", 1)[0] for t in tip]
        if names[:2] != ["key", "value"] or "state" not in names or "address" not in names or not (
                "tophash" in names or "control" in names):
            raise Fail("search %r: the tooltip says %r" % (key, tip))
        if tip[0] != "key " + want_key:
            raise Fail("search %r: the tooltip's key is %r" % (key, tip[0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for a in ("--gomapviz", "--go-dir", "--node", "--npm", "--chromium", "--shots", "--samples"):
        ap.add_argument(a, required=True)
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    r = Runner(args)
    try:
        for build in BUILDS:
            r.case("prepare/%s" % build, r.prepare, build)
        r.case("prepare/diffs", r.prepare_diffs)
        r.case("browser", r.browse)
        if r.results:
            for name in r.expect:
                r.case("page/%s" % name, r.check_page, name)
    finally:
        if not args.keep_temp:
            shutil.rmtree(r.tmp, ignore_errors=True)
    return r.summary("html_e2e")


if __name__ == "__main__":
    sys.exit(main())
