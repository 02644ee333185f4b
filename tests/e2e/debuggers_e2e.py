#!/usr/bin/env python3
"""gomapviz from a debugger, on a map in a local variable of a real Go program.

Usage: debuggers_e2e.py --gomapviz PATH --go-dir DIR --dlv PATH [--keep-temp]

DIR holds builds of samples/go/localsample (BUILDS below). The program prints
its map's address and entries, then calls hold(m). Three routes must give
exactly those entries:

  gdb (live)   gdb runs the program to main.hold, loads scripts/gdb/gomapviz.py
               and runs `gomapviz dump m -o FILE` (gomapviz reads the process gdb
               holds, --no-freeze: no second attach); gdb's `generate-core-file`
               writes a core on the way.
  gdb (core)   gdb opens that core and runs the same command (--core).
  delve        dlv exec runs the program to main.hold, loads
               scripts/delve/gomapviz.star; `gomapviz m dump -o FILE` prints the
               gomapviz command line, which the test runs while delve holds the
               process.

Standard library only. Prints one line per case and exits 1 if any failed.
"""

import argparse
import collections
import json
import os
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from e2e import Cases, Fail  # noqa: E402
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
GDB_SCRIPT = os.path.join(ROOT, "scripts", "gdb", "gomapviz.py")
DLV_SCRIPT = os.path.join(ROOT, "scripts", "delve", "gomapviz.star")
BUILDS = ["localsample-go1.19", "localsample-go1.26"]
TIMEOUT = 120


def canon(value):
    return json.dumps(value, sort_keys=True)


def view_in(text):
    """The program's own line (its map's address and entries) in `text`."""
    for line in text.splitlines():
        start = line.find('{"address"')
        if start >= 0 and '"view":"localsample"' in line:
            return json.loads(line[start:])
    raise Fail("the program's view line is not in the output: %s" % text[-600:])


def compare(view, path, route):
    try:
        with open(path) as f:
            model = json.load(f)
    except (OSError, ValueError) as e:
        raise Fail("%s: gomapviz wrote no JSON dump at %s (%s)" % (route, path, e))
    got = collections.Counter((canon(e["key"]), canon(e["value"])) for e in model.get("entries") or [])
    want = collections.Counter((canon(k), canon(v)) for k, v in view["entries"])
    if got != want:
        raise Fail("%s: %d entries differ from the program's" % (route, sum(((got - want) + (want - got)).values())))
    if (model.get("map") or {}).get("address") != view["address"]:
        raise Fail("%s: map at %s, the program's at %s" % (route, (model.get("map") or {}).get("address"),
                                                          view["address"]))


def run(cmd, env, timeout=TIMEOUT):
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=env, timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        raise Fail("timed out: %s" % " ".join(cmd))


class Runner(Cases):
    def __init__(self, args):
        super().__init__()
        self.gomapviz = os.path.abspath(args.gomapviz)
        self.go_dir = os.path.abspath(args.go_dir)
        self.dlv = args.dlv
        self.tmp = tempfile.mkdtemp(prefix="gmv-debuggers-")
        self.env = dict(os.environ, GOMAPVIZ=self.gomapviz)

    def gdb(self, exe, build):
        live, core = os.path.join(self.tmp, build + "-gdb.json"), os.path.join(self.tmp, build + ".core")
        script = os.path.join(self.tmp, build + "-live.gdb")
        with open(script, "w") as f:
            f.write("set pagination off\nsource %s\nbreak main.hold\nrun\n"
                    "gomapviz dump m -o %s\ngenerate-core-file %s\nkill\nquit\n" % (GDB_SCRIPT, live, core))
        cp = run(["gdb", "-q", "-batch", "-x", script, exe], self.env)
        view = view_in(cp.stdout)
        compare(view, live, "gdb on the live process")
        if not os.path.isfile(core):
            raise Fail("gdb wrote no core: %s" % cp.stdout[-400:])
        from_core = os.path.join(self.tmp, build + "-gdb-core.json")
        script2 = os.path.join(self.tmp, build + "-core.gdb")
        with open(script2, "w") as f:
            f.write("set pagination off\nsource %s\nframe function main.hold\ngomapviz dump m -o %s\nquit\n" % (
                GDB_SCRIPT, from_core))
        cp2 = run(["gdb", "-q", "-batch", "-x", script2, exe, core], self.env)
        if not os.path.isfile(from_core):
            raise Fail("gdb on the core wrote nothing: %s" % cp2.stdout[-600:])
        compare(view, from_core, "gdb on its core")

    def delve(self, exe, build):
        out = os.path.join(self.tmp, build + "-dlv.json")
        proc = subprocess.Popen([self.dlv, "exec", exe, "--allow-non-terminal-interactive=true",
                                 "--check-go-version=false"],  # delve 1.27 reads Go 1.19 as well
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, bufsize=1, cwd=self.tmp)
        text = ""
        try:
            for command in ("source %s" % DLV_SCRIPT, "break main.hold", "continue",
                            "gomapviz m dump -o %s" % out):
                proc.stdin.write(command + "\n")
            proc.stdin.flush()
            deadline = time.monotonic() + TIMEOUT
            line = None
            while line is None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
                    raise Fail("delve printed no gomapviz command: %s" % text[-600:])
                chunk = proc.stdout.readline()
                if not chunk:
                    raise Fail("delve ended: %s" % text[-600:])
                text += chunk
                at = chunk.find("gomapviz dump --pid")  # after delve's prompt
                if at >= 0:
                    line = chunk[at:].strip()
            view = view_in(text)
            words = shlex.split(line)
            cp = run([self.gomapviz] + words[1:], self.env)
            if cp.returncode != 0:
                raise Fail("%s exited %d: %s" % (line, cp.returncode, cp.stdout[-400:]))
            compare(view, out, "delve's command line")
        finally:
            try:
                proc.stdin.write("exit\ny\n")
                proc.stdin.flush()
                proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()

    def run(self):
        for tool in ("gdb", self.dlv):
            if not shutil.which(tool):
                raise Fail("%s not found (scripts/install-deps.sh installs gdb and delve)" % tool)
        for build in BUILDS:
            exe = os.path.join(self.go_dir, build)
            if not os.path.isfile(exe):
                self.failure(build, Fail("missing build %s" % exe))
                continue
            self.case("gdb/" + build, self.gdb, exe, build)
            self.case("delve/" + build, self.delve, exe, build)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--go-dir", required=True)
    ap.add_argument("--dlv", required=True)
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    r = Runner(args)
    try:
        r.run()
    except Fail as e:
        r.failure("tools", e)
    finally:
        if not args.keep_temp:
            shutil.rmtree(r.tmp, ignore_errors=True)
    return r.summary("debuggers_e2e")


if __name__ == "__main__":
    sys.exit(main())
