#!/usr/bin/env python3
"""End-to-end tests of gomapviz against real Go processes.

Usage: e2e.py --gomapviz PATH --go-dir DIR [--only REGEX] [--keep-temp]

DIR holds the builds of samples/go/mapsample (BUILDS below: Go 1.19 amd64, PIE
and 386, Go 1.23, Go 1.25 with noswissmap). Every scenario of the sample prints its own view of one map (one
JSON line) and then leaves the map alone; gomapviz reads the same map live (by
--var and by --addr) and from a core file (gcore), and its dump must agree with
the view. Error cases check exit status and the one-line "gomapviz: " message.

Standard library only. Prints one line per case (PASS/FAIL/SKIP) and exits 1
if any case failed, 2 on a usage problem.
"""

import argparse
import collections
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

# scenario -> variable, what the map must look like, how keys/values compare
SCENARIOS = collections.OrderedDict([
    ("strint", {"var": "main.strInt",
                # hostile keys, quoted as Go quotes them and shortened in the picture
                "shown_as_text": ('"<script>alert(1)', r'"\"]]><!-- \" onload')}),
    ("intint", {"var": "main.intInt"}),
    ("deletions", {"var": "main.delMap"}),
    ("growing", {"var": "main.growMap", "growing": True}),
    ("samesize", {"var": "main.sameMap", "growing": True, "same_size": True}),
    ("nan", {"var": "main.nanMap", "float_keys": True}),
    ("set", {"var": "main.setMap"}),
    ("big", {"var": "main.bigMap"}),
    ("empty", {"var": "main.emptyMap"}),
    ("nil", {"var": "main.nilMap", "nil": True}),
    ("bool", {"var": "main.boolMap"}),
    ("ptr", {"var": "main.ptrMap"}),
])

# build -> executable: Go 1.19 (Debian) amd64, PIE and 386, Go 1.23, and Go 1.25
# built with GOEXPERIMENT=noswissmap (its hmap has clearSeq before extra).
BUILDS = collections.OrderedDict([
    ("amd64", "mapsample"),
    ("pie", "mapsample-pie"),
    ("386", "mapsample-386"),
    ("go1.23", "mapsample-go1.23"),
    ("go1.25-noswiss", "mapsample-go1.25-noswiss"),
])

# Every scenario of every build is read three ways: live by --var, live by
# --addr (except nil: it has no hmap) and from a core file.
ADDR_CASES = {(b, s) for b in BUILDS for s in SCENARIOS if s != "nil"}
CORE_CASES = {(b, s) for b in BUILDS for s in SCENARIOS}
# Also "dump" straight from a live process (no snapshot file in between).
DIRECT_DUMP_CASES = {("amd64", "strint"), ("amd64", "growing"), ("pie", "samesize"), ("386", "strint")}

HEADER_FIELDS = ["address", "count", "flags", "B", "noverflow", "hash0",
                 "buckets", "oldbuckets", "nevacuate"]

GMV_TIMEOUT = 60      # seconds for one gomapviz run
VIEW_TIMEOUT = 60     # seconds for a target to print its view
PING_TIMEOUT = 5      # seconds for "pong"


class Fail(Exception):
    """A case failed; the message is the reason."""


class Skip(Exception):
    """A case cannot run here; the message is why."""


class Cases:
    """Runs test cases: one PASS, FAIL or SKIP line each (a case fails by
    raising Fail, is skipped by raising Skip), counted for the summary.
    `only` (a compiled regex, or None) picks cases by name."""

    def __init__(self, only=None):
        self.only = only
        self.counts = collections.Counter()
        self.failed = []

    def case(self, name, fn, *args):
        if self.only and not self.only.search(name):
            return
        t0 = time.monotonic()
        try:
            fn(*args)
            status, reason = "PASS", ""
        except Skip as e:
            status, reason = "SKIP", str(e)
        except Fail as e:
            status, reason = "FAIL", str(e)
            self.failed.append(name)
        self.counts[status] += 1
        print("%s %s (%.1fs)%s" % (status, name, time.monotonic() - t0, (": " + reason) if reason else ""),
              flush=True)

    def failure(self, name, error):
        """Records `error` (a Fail) as the failed case `name`."""
        def raise_it():
            raise error
        self.case(name, raise_it)

    def summary(self, title):
        """Prints the counts; returns the exit status (1 if any case failed or none passed)."""
        print("%s: %d passed, %d failed, %d skipped" % (title, self.counts["PASS"], self.counts["FAIL"],
                                                         self.counts["SKIP"]))
        if self.failed:
            print("failed: " + ", ".join(self.failed))
        return 1 if self.failed or not self.counts["PASS"] else 0


def short(text, limit=300):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------- targets

class Target:
    """One running mapsample process and its view of the map."""

    live = set()

    def __init__(self, exe, scenario, workdir):
        self.exe = exe
        self.scenario = scenario
        self.errpath = os.path.join(workdir, "target-%s-%d.stderr" % (scenario, len(Target.live)))
        self.errfile = open(self.errpath, "wb")
        self.proc = subprocess.Popen([exe, scenario], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.errfile,
                                     cwd=workdir)
        Target.live.add(self)
        self.pid = self.proc.pid
        self.buf = b""
        try:
            line = self.readline(VIEW_TIMEOUT)
            if line is None:
                raise Fail("%s %s printed no view line (exit %s): %s" % (
                    os.path.basename(exe), scenario, self.proc.poll(), self.stderr_text()))
            try:
                self.view = json.loads(line)
            except ValueError as e:
                raise Fail("view line is not JSON (%s): %s" % (e, short(line)))
            if self.view.get("pid") != self.pid:
                raise Fail("view pid %s != process pid %s" % (self.view.get("pid"), self.pid))
        except BaseException:
            self.kill()
            raise

    def stderr_text(self):
        try:
            with open(self.errpath, "rb") as f:
                return short(f.read().decode("utf-8", "replace"))
        except OSError:
            return ""

    def readline(self, timeout):
        """Next stdout line without the newline, or None on timeout/EOF."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8")

    def state(self):
        """The process state letter from /proc/PID/stat (None if gone)."""
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                text = f.read()
        except OSError:
            return None
        return text[text.rindex(")") + 2]

    def check_running(self, after):
        """The target must not be stopped and must answer ping within 5 s."""
        if self.proc.poll() is not None:
            raise Fail("target exited (status %s) after %s: %s" % (
                self.proc.returncode, after, self.stderr_text()))
        st = self.state()
        if st in ("T", "t"):
            raise Fail("target left stopped (state %s) after %s" % (st, after))
        if st in (None, "Z", "X"):
            raise Fail("target gone (state %s) after %s" % (st, after))
        try:
            self.proc.stdin.write(b"ping\n")
            self.proc.stdin.flush()
        except OSError as e:
            raise Fail("cannot write to target after %s: %s" % (after, e))
        answer = self.readline(PING_TIMEOUT)
        if answer != "pong":
            raise Fail("target did not answer ping within %d s after %s (got %r, state %s)" % (
                PING_TIMEOUT, after, answer, self.state()))

    def kill(self):
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout, self.errfile):
            try:
                f.close()
            except OSError:
                pass
        Target.live.discard(self)


# ---------------------------------------------------------------- gomapviz

def memory_adds_up(model, cmdline):
    """The memory of a dump: bytes by kind and by use add up to what the
    map holds, and an entry found is an entry in use."""
    mem = model.get("memory")
    if mem is None:
        if not (model.get("map") or {}).get("nil"):
            raise Fail("%s wrote no memory for a map" % cmdline)
        return
    b, w = mem["bytes_held"], mem["wasted"]
    kinds = ("header", "arrays", "overflow", "old_arrays", "extra", "tables", "directory")
    problems = []
    if b["storage"] != sum(b[k] for k in kinds) or b["total"] != b["storage"] + b["indirect"] + b["strings"]:
        problems.append("bytes by kind %s" % b)
    if w["total"] != w["empty"] + w["deleted"] + w["old"] + w["spare"]:
        problems.append("wasted %s" % w)
    if mem["in_use"] + w["total"] + mem["overhead"] != b["total"] or mem["in_use"] + w["total"] > b["total"]:
        problems.append("in use %d + wasted %d + overhead %d against %d held" % (
            mem["in_use"], w["total"], mem["overhead"], b["total"]))
    if problems:
        raise Fail("%s: memory does not add up: %s" % (cmdline, "; ".join(problems)))


class Gmv:
    def __init__(self, path):
        self.path = path

    def run(self, *args, timeout=GMV_TIMEOUT):
        cmd = [self.path] + list(args)
        try:
            cp = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Fail("timed out after %d s: %s" % (timeout, " ".join(cmd)))
        cp.stdout_text = cp.stdout.decode("utf-8", "replace")
        cp.stderr_text = cp.stderr.decode("utf-8", "replace")
        cp.cmdline = "gomapviz " + " ".join(args)
        return cp

    def ok(self, *args, allow_anomalies=False):
        cp = self.run(*args)
        if cp.returncode < 0:
            raise Fail("%s killed by signal %d: %s" % (cp.cmdline, -cp.returncode, short(cp.stderr_text)))
        if cp.returncode != 0 and not (allow_anomalies and cp.returncode == 3):
            raise Fail("%s exited %d: %s" % (cp.cmdline, cp.returncode, short(cp.stderr_text)))
        return cp

    def dump(self, *args):
        """Runs dump and returns the parsed JSON (exit 3 = anomalies is let through)."""
        cp = self.ok("dump", *args, allow_anomalies=True)
        try:
            model = json.loads(cp.stdout_text)
        except ValueError as e:
            raise Fail("%s printed invalid JSON (%s): %s" % (cp.cmdline, e, short(cp.stdout_text)))
        if cp.returncode == 3 and not model.get("anomalies"):
            raise Fail("%s exited 3 but lists no anomalies" % cp.cmdline)
        if cp.returncode == 0 and model.get("anomalies"):
            raise Fail("%s exited 0 but lists anomalies" % cp.cmdline)
        memory_adds_up(model, cp.cmdline)
        return model

    def error(self, *args, mentions=None):
        """Runs a command that must fail with one 'gomapviz: ' line on stderr."""
        cp = self.run(*args)
        if cp.returncode == 0:
            raise Fail("%s succeeded, expected an error" % cp.cmdline)
        if cp.returncode < 0:
            raise Fail("%s killed by signal %d" % (cp.cmdline, -cp.returncode))
        check_error_text(cp.cmdline, cp.stderr_text, mentions)
        return cp


def check_error_text(cmdline, err, mentions):
    lines = err.splitlines()
    if len(lines) != 1 or not err.endswith("\n"):
        raise Fail("%s: stderr should be exactly one line, got %d: %s" % (cmdline, len(lines), short(err)))
    if not lines[0].startswith("gomapviz: "):
        raise Fail("%s: error does not start with 'gomapviz: ': %s" % (cmdline, short(lines[0])))
    for m in ([mentions] if isinstance(mentions, str) else (mentions or [])):
        if m.lower() not in lines[0].lower():
            raise Fail("%s: error does not mention %r: %s" % (cmdline, m, short(lines[0])))


# ---------------------------------------------------------------- comparing

def as_view_writes(value):
    """A value of a dump in the form the sample programs' views write it:
    they print a pointer as its address and struct{} as no bytes, where
    gomapviz decodes them through their types (values_e2e.py checks those
    forms against a program's own reflection)."""
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        if value["type"].startswith("*") and "address" in value:
            return value["address"]
        if value.get("fields") == {}:
            return {"hex": ""}
    return value


def canon(value, as_float=False):
    """A hashable, exact form of a decoded key or value."""
    value = as_view_writes(value)
    if as_float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return "f:" + repr(float(value))
    return json.dumps(value, sort_keys=True)


def compare(view, model, scen, kind):
    """Raises Fail with every difference between the view and a dump."""
    info = SCENARIOS[scen]
    problems = []
    m = model.get("map")
    if not isinstance(m, dict):
        raise Fail("dump has no map object")
    src = model.get("source") or {}
    if src.get("kind") not in (None, kind):
        problems.append("source.kind %r, expected %r" % (src.get("kind"), kind))
    if "ptr_size" in src and src["ptr_size"] != view["ptr_size"]:
        problems.append("source.ptr_size %s != %s" % (src["ptr_size"], view["ptr_size"]))
    if m.get("type") != view["type"]:
        problems.append("type %r != %r" % (m.get("type"), view["type"]))
    if bool(m.get("nil")) != view["nil"]:
        problems.append("nil %r != %r" % (m.get("nil"), view["nil"]))
    anomalies = model.get("anomalies")
    if anomalies:
        problems.append("anomalies: " + "; ".join(
            "%s: %s" % (a.get("kind"), a.get("message")) for a in anomalies[:3]))
    entries = model.get("entries")
    if not isinstance(entries, list):
        raise Fail("; ".join(problems + ["dump has no entries list"]))

    if view["nil"]:
        if entries:
            problems.append("nil map dump has %d entries" % len(entries))
        if problems:
            raise Fail("; ".join(problems))
        return

    for f in HEADER_FIELDS:
        if m.get(f) != view["header"][f]:
            problems.append("%s %r != view %r" % (f, m.get(f), view["header"][f]))
    growing = info.get("growing", False)
    same = info.get("same_size", False)
    if m.get("growing") is not growing:
        problems.append("growing %r, expected %r" % (m.get("growing"), growing))
    if m.get("same_size_grow") is not same:
        problems.append("same_size_grow %r, expected %r" % (m.get("same_size_grow"), same))

    fk = info.get("float_keys", False)
    want = collections.Counter((canon(e["key"], fk), canon(e["value"])) for e in view["entries"])
    got = collections.Counter((canon(e.get("key"), fk), canon(e.get("value"))) for e in entries)
    if want != got:
        missing = list((want - got).elements())
        extra = list((got - want).elements())
        problems.append("entries differ: %d in dump, %d in view; missing %d %s; extra %d %s" % (
            len(entries), len(view["entries"]), len(missing), short(missing[:2], 200),
            len(extra), short(extra[:2], 200)))
    olds = sum(1 for e in entries if e.get("old") is True)
    if growing and olds == 0:
        problems.append("growing map but no entry has old: true")
    if not growing and olds:
        problems.append("%d entries marked old in a map that is not growing" % olds)

    # The old array's size: 2^B for a same-size grow, 2^(B-1) for doubling.
    oldb = model.get("oldbuckets")
    B = view["header"]["B"]
    want_old = (1 << B if same else 1 << (B - 1)) if growing else 0
    if not isinstance(oldb, list) or len(oldb) != want_old:
        problems.append("oldbuckets has %s buckets, expected %d" % (
            len(oldb) if isinstance(oldb, list) else oldb, want_old))
    bk = model.get("buckets")
    want_new = 0 if view["header"]["buckets"] == "0x0" else 1 << B
    if not isinstance(bk, list) or len(bk) != want_new:
        problems.append("buckets has %s entries, expected %d" % (
            len(bk) if isinstance(bk, list) else bk, want_new))

    if scen == "deletions" and isinstance(bk, list):
        states = collections.Counter(
            s for b in bk for c in b.get("chain", []) for s in c.get("states", []))
        for s in ("empty_one", "empty_rest", "live"):
            if not states.get(s):
                problems.append("deletions: no %s cell in the buckets (states %s)" % (s, dict(states)))
    if scen == "strint":
        spares = model.get("spare_overflow")
        if not spares:
            problems.append("strint: no spare overflow buckets listed (B=%d)" % B)
        elif m.get("next_overflow") != spares[0]:
            problems.append("next_overflow %r is not the first spare %r" % (m.get("next_overflow"), spares[0]))
    if problems:
        raise Fail("; ".join(problems))


KEPT_DIR = "/tmp/gomapviz-failed-renders"


def keep_failed(snap):
    """Copies a snapshot that made render fail out of the temporary folder,
    so that the failure can be looked at after the run."""
    os.makedirs(KEPT_DIR, exist_ok=True)
    kept = os.path.join(KEPT_DIR, "%d-%s" % (int(time.time()), os.path.basename(snap)))
    shutil.copyfile(snap, kept)
    return kept


def check_render(gmv, snap, shown_as_text=()):
    """render writes DOT that dot accepts, well-formed inert SVG (twice the
    same bytes) and a PNG; each of shown_as_text (the start of a hostile
    key) is in the SVG as text."""
    outputs = {}
    for ext in ("dot", "svg", "png"):
        out = snap[:-5] + "." + ext
        try:
            gmv.ok("render", snap, "-o", out, allow_anomalies=True)
        except Fail as e:
            raise Fail("%s (the snapshot is kept as %s)" % (e, keep_failed(snap)))
        with open(out, "rb") as f:
            outputs[ext] = f.read()
    cp = subprocess.run(["dot", "-Tsvg", snap[:-5] + ".dot"], stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE, timeout=120)
    if cp.returncode != 0:
        raise Fail("dot rejects the DOT output: %s" % short(cp.stderr.decode("utf-8", "replace")))
    try:
        root = ET.fromstring(outputs["svg"])
    except ET.ParseError as e:
        raise Fail("render wrote SVG that is not well-formed XML: %s" % e)
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject") or any(a.lower().startswith("on") for a in el.attrib):
            raise Fail("SVG holds active content: <%s %s>" % (tag, el.attrib))
    texts = [t for el in root.iter() for t in (el.text,) if t]
    for want in shown_as_text:
        if not any(want in t for t in texts):
            raise Fail("SVG shows no text with %r (a key of the map)" % want)
    again = snap[:-5] + "-again.svg"
    gmv.ok("render", snap, "-o", again, allow_anomalies=True)
    with open(again, "rb") as f:
        if f.read() != outputs["svg"]:
            raise Fail("two renders of one snapshot gave different SVG")
    if not outputs["png"].startswith(b"\x89PNG\r\n\x1a\n"):
        raise Fail("render wrote a .png that is not a PNG")


# ---------------------------------------------------------------- the run

def raise_fail(e):
    raise e


class Runner:
    def __init__(self, args):
        self.gmv = Gmv(args.gomapviz)
        self.go_dir = args.go_dir
        self.only = re.compile(args.only) if args.only else None
        self.tmp = tempfile.mkdtemp(prefix="gmv-e2e-")
        self.counts = collections.Counter()
        self.failed = []
        self.seq = 0
        self.good_snapshot = None

    def path(self, name):
        self.seq += 1
        return os.path.join(self.tmp, "%03d-%s" % (self.seq, name))

    def case(self, name, fn, *args):
        if self.only and not self.only.search(name):
            return None
        t0 = time.monotonic()
        try:
            result = fn(*args)
        except Fail as e:
            self.report("FAIL", name, str(e), t0)
            return None
        except Skip as e:
            self.report("SKIP", name, str(e), t0)
            return None
        except Exception as e:  # a bug here, or something unexpected: still a failure
            self.report("FAIL", name, "%s: %s" % (type(e).__name__, e), t0)
            return None
        self.report("PASS", name, "", t0)
        return result if result is not None else True

    def report(self, status, name, reason, t0):
        self.counts[status] += 1
        if status == "FAIL":
            self.failed.append(name)
        line = "%s %s (%.1fs)" % (status, name, time.monotonic() - t0)
        if reason:
            line += ": " + short(reason, 600)
        print(line, flush=True)

    # -- live, --addr, core for one (build, scenario)

    def capture_and_dump(self, target, scen, kind, capture_args):
        snap = self.path("%s.gmvs" % scen)
        # Exit 3 (anomalies) still writes the snapshot; the dump below lists them.
        self.gmv.ok("capture", *capture_args, "-o", snap, allow_anomalies=True)
        if kind == "process":
            target.check_running("capture")
        if not os.path.isfile(snap) or os.path.getsize(snap) == 0:
            raise Fail("capture wrote no snapshot file")
        model = self.gmv.dump(snap)
        compare(target.view, model, scen, kind)
        st = self.gmv.ok("stats", snap)
        if not st.stdout_text.strip():
            raise Fail("stats printed nothing")
        if kind == "process":
            self.check_render(snap, SCENARIOS[scen].get("shown_as_text", ()))
        return snap

    def check_render(self, snap, shown_as_text=()):
        check_render(self.gmv, snap, shown_as_text)

    def live_var(self, target, scen):
        var = SCENARIOS[scen]["var"]
        snap = self.capture_and_dump(target, scen, "process", ["--pid", str(target.pid), "--var", var])
        if scen == "strint" and target.exe.endswith("/mapsample") and self.good_snapshot is None:
            self.good_snapshot = snap

    def live_nil(self, target):
        var = SCENARIOS["nil"]["var"]
        self.gmv.error("capture", "--pid", str(target.pid), "--var", var, "-o", self.path("nil.gmvs"),
                       mentions="nil map")
        target.check_running("failed nil capture")
        self.capture_and_dump(target, "nil", "process",
                              ["--pid", str(target.pid), "--var", var, "--allow-nil"])

    def live_addr(self, target, scen):
        v = target.view
        self.capture_and_dump(target, scen, "process",
                              ["--pid", str(target.pid), "--addr", v["header"]["address"], "--type", v["type"]])

    def direct_dump(self, target, scen):
        model = self.gmv.dump("--pid", str(target.pid), "--var", SCENARIOS[scen]["var"])
        target.check_running("dump --pid")
        compare(target.view, model, scen, "process")

    def core(self, target, exe, scen):
        gcore = shutil.which("gcore")
        if gcore is None:
            raise Fail("gcore not found (install the gdb package)")
        prefix = self.path("core")
        corefile = "%s.%d" % (prefix, target.pid)
        try:
            # gcore is a script running gdb: give it its own process group so
            # that a timeout or an interrupt ends gdb too (never left attached).
            proc = subprocess.Popen([gcore, "-o", prefix, str(target.pid)], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=120)
            except BaseException as e:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                proc.wait()
                if isinstance(e, subprocess.TimeoutExpired):
                    raise Fail("gcore timed out")
                raise
            if proc.returncode != 0 or not os.path.isfile(corefile):
                raise Fail("gcore failed (%d): %s" % (proc.returncode, short(out.decode("utf-8", "replace"))))
            target.check_running("gcore")
            var = SCENARIOS[scen]["var"]
            base = ["--core", corefile, "--exe", exe, "--var", var]
            if scen == "nil":
                self.gmv.error("capture", *base, "-o", self.path("nil.gmvs"), mentions="nil map")
                base.append("--allow-nil")
            self.capture_and_dump(target, scen, "core", base)
            compare(target.view, self.gmv.dump(*base), scen, "core")
        finally:
            for leftover in (corefile,):
                try:
                    os.unlink(leftover)
                except OSError:
                    pass

    def scenario(self, build, exe, scen):
        name = "%s/%s" % (build, scen)
        wanted = [n for n in ("live", "addr", "core", "dump-pid")
                  if not self.only or self.only.search("%s/%s" % (n, name))]
        if not wanted:
            return
        target = None
        try:
            try:
                target = Target(exe, scen, self.tmp)
            except Fail as e:
                self.case("start/" + name, raise_fail, e)
                return
            self.case("view/" + name, self.check_view, target, build, scen)
            if scen == "nil":
                self.case("live/" + name, self.live_nil, target)
            else:
                self.case("live/" + name, self.live_var, target, scen)
            if (build, scen) in ADDR_CASES:
                self.case("addr/" + name, self.live_addr, target, scen)
            if (build, scen) in DIRECT_DUMP_CASES:
                self.case("dump-pid/" + name, self.direct_dump, target, scen)
            if (build, scen) in CORE_CASES:
                self.case("core/" + name, self.core, target, exe, scen)
        finally:
            if target is not None:
                target.kill()

    def check_view(self, target, build, scen):
        """The sample itself must have produced the promised map."""
        v = target.view
        info = SCENARIOS[scen]
        want_ptr = 4 if build == "386" else 8
        problems = []
        if v.get("var") != info["var"]:
            problems.append("var %r" % v.get("var"))
        if v.get("ptr_size") != want_ptr:
            problems.append("ptr_size %r" % v.get("ptr_size"))
        if v.get("nil") is not info.get("nil", False):
            problems.append("nil %r" % v.get("nil"))
        h = v.get("header")
        if h:
            if h["count"] != len(v["entries"]):
                problems.append("count %d != %d entries" % (h["count"], len(v["entries"])))
            growing = h["oldbuckets"] != "0x0"
            if growing != info.get("growing", False):
                problems.append("oldbuckets %s" % h["oldbuckets"])
            if bool(h["flags"] & 8) != info.get("same_size", False):
                problems.append("flags %d" % h["flags"])
            if growing:
                old_size = 1 << (h["B"] if h["flags"] & 8 else h["B"] - 1)
                if not h["nevacuate"] < old_size:
                    problems.append("nevacuate %d >= old size %d" % (h["nevacuate"], old_size))
        if problems:
            raise Fail("bad view: " + ", ".join(problems))

    # -- error cases

    def errors(self):
        exe = os.path.join(self.go_dir, BUILDS["amd64"])
        target = None
        try:
            target = Target(exe, "strint", self.tmp)
            pid = str(target.pid)

            def not_a_map():
                self.gmv.error("capture", "--pid", pid, "--var", "main.notAMap", "-o", self.path("x.gmvs"),
                               mentions="not a map")
                target.check_running("failed capture")

            def misspelt():
                self.gmv.error("capture", "--pid", pid, "--var", "main.strIn", "-o", self.path("x.gmvs"),
                               mentions="main.strInt")
                target.check_running("failed capture")

            self.case("error/not-a-map", not_a_map)
            self.case("error/unknown-var-suggests", misspelt)
            if self.good_snapshot is None:
                snap = self.path("strint.gmvs")
                self.case("error/make-snapshot", lambda: self.gmv.ok(
                    "capture", "--pid", pid, "--var", "main.strInt", "-o", snap))
                if os.path.isfile(snap):
                    self.good_snapshot = snap
        finally:
            if target is not None:
                target.kill()

        def no_such_pid():
            pid_max = 4194304
            try:
                with open("/proc/sys/kernel/pid_max") as f:
                    pid_max = int(f.read())
            except (OSError, ValueError):
                pass
            pid = pid_max - 1
            while os.path.exists("/proc/%d" % pid):
                pid -= 1
            self.gmv.error("capture", "--pid", str(pid), "--var", "main.strInt", "-o", self.path("x.gmvs"))

        self.case("error/no-such-pid", no_such_pid)

        def bad_file(kind):
            if kind == "random":
                data = os.urandom(4096)
            else:
                if self.good_snapshot is None:
                    raise Skip("no good snapshot to truncate (the strint capture failed)")
                with open(self.good_snapshot, "rb") as f:
                    good = f.read()
                data = {"truncated-half": good[:len(good) // 2],
                        "truncated-64": good[:64],
                        "empty": b""}[kind]
            p = self.path(kind + ".gmvs")
            with open(p, "wb") as f:
                f.write(data)
            self.gmv.error("dump", p)
            self.gmv.error("stats", p)

        for kind in ("truncated-half", "truncated-64", "empty", "random"):
            self.case("error/dump-" + kind, bad_file, kind)

    def run(self):
        for build, exe_name in BUILDS.items():
            exe = os.path.join(self.go_dir, exe_name)
            for scen in SCENARIOS:
                self.scenario(build, exe, scen)
        self.errors()

    def cleanup(self, keep):
        for t in list(Target.live):
            t.kill()
        if keep:
            print("temp dir kept: " + self.tmp, flush=True)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gomapviz", required=True, help="the gomapviz executable")
    ap.add_argument("--go-dir", required=True, help="folder with mapsample, mapsample-pie, mapsample-386")
    ap.add_argument("--only", help="run only cases whose name matches this regex (e.g. 'core/|386/')")
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir (cores are still deleted)")
    args = ap.parse_args()

    missing = [p for p in [args.gomapviz] + [os.path.join(args.go_dir, b) for b in BUILDS.values()]
               if not os.access(p, os.X_OK)]
    if missing:
        print("e2e: missing executables: " + ", ".join(missing), file=sys.stderr)
        return 2
    args.gomapviz = os.path.abspath(args.gomapviz)
    args.go_dir = os.path.abspath(args.go_dir)

    # ctest's timeout sends SIGTERM: turn it into an exception so targets die
    # and cores are deleted on the way out.
    def on_term(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_term)

    runner = Runner(args)
    t0 = time.monotonic()
    try:
        runner.run()
    except KeyboardInterrupt:
        print("e2e: interrupted", file=sys.stderr, flush=True)
        return 1
    finally:
        runner.cleanup(args.keep_temp)
    c = runner.counts
    print("e2e: %d passed, %d failed, %d skipped in %.0f s" % (
        c["PASS"], c["FAIL"], c["SKIP"], time.monotonic() - t0), flush=True)
    if runner.failed:
        print("e2e: failed: " + " ".join(runner.failed), flush=True)
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
