#!/usr/bin/env python3
"""Robustness tests of gomapviz against live Go processes that misbehave.

Usage: robust.py --gomapviz PATH --go-dir DIR --errors-doc docs/errors.md
                 [--only REGEX] [--keep-temp]

DIR holds hammer and hammer-stripped (samples/go/hammer built with Go 1.19:
classic maps), hammer-go1.26 (the same with Go 1.26: Swiss tables) and, for
one error case, mapsample (samples/go/mapsample). The cases (the load, kill,
signal and nowrite ones also as swiss/..., against hammer-go1.26):

  load/*     captures of maps that goroutines write millions of times a second:
             every model must be consistent (no anomaly but possibly
             writer_active, count = live entries, every entry obeys the
             program's invariant) and the target must run on after each one.
  kill/*, signal/*
             gomapviz killed (SIGKILL) or interrupted (SIGINT, SIGTERM) while
             it holds a big map's process stopped: the target must run again,
             with the big map's bytes unchanged (the program checksums them);
             and a target stopped with SIGSTOP is read and left stopped.
  exit/*     the target dies while frozen, or exits by itself around the
             capture: one clear line, exit 1, never a crash or a hang.
  nowrite/*  gomapviz never writes to the target: under strace there is no
             process_vm_writev, no PTRACE_POKE*/SET*, no /proc/PID/mem opened
             for writing, and the big map's checksum never changes.
  errors/*   every row of the tables in docs/errors.md, run as written: the
             exit status and the one stderr line must be exactly as documented.

Standard library only. Prints one line per case (PASS/FAIL/SKIP) and exits 1
if any case failed, 2 on a usage problem. Every process it starts is killed
and every core file deleted on the way out, also on failure or SIGTERM.
"""

import argparse
import collections
import glob
import json
import os
import random
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

GMV_TIMEOUT = 60        # seconds for one gomapviz run
READY_TIMEOUT = 30      # seconds for a target to print its ready line
ANSWER_TIMEOUT = 10     # seconds for a target to answer a command
RESUME_TIMEOUT = 5      # seconds for a target to run again after gomapviz ends
TRIES_TO_CATCH_FROZEN = 20  # captures started to catch one while the target is frozen
BIG = 1000000           # entries of main.big in the kill/signal/exit cases
LOAD_CAPTURES = 15      # captures of main.shared in a row

M64 = 1 << 64


class Fail(Exception):
    """A case failed; the message is the reason."""


class Skip(Exception):
    """A case cannot run here; the message is why."""


def short(text, limit=300):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def signed64(v):
    v %= M64
    return v - M64 if v >= 1 << 63 else v


def mix(k):
    """What hammer stores for int64 key k (samples/go/hammer: mix)."""
    return signed64((k * 0x9E3779B97F4A7C15) | 1)


# ---------------------------------------------------------------- processes

def stat_fields(path):
    """The fields of a /proc stat file after the command name (state first),
    or None if it cannot be read (the process or thread is gone)."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # the name may hold spaces and ')'


def task_states(pid):
    """The state letters of every thread of pid ([] if it is gone)."""
    fields = (stat_fields(path) for path in glob.glob("/proc/%d/task/*/stat" % pid))
    return [f[0] for f in fields if f]


KERNEL_THREAD_FLAG = 0x00200000  # PF_KTHREAD, in the flags field of /proc/PID/stat


def kernel_thread_pid():
    """The lowest pid of a kernel thread, or None if none is visible."""
    for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
        fields = stat_fields("/proc/%d/stat" % pid)
        if fields and int(fields[6]) & KERNEL_THREAD_FLAG:
            return pid
    return None


def stopped(states):
    return any(s in ("t", "T") for s in states)


class Target:
    """A hammer (or any program) started in its own process group; the pid
    that matters is the one its ready line names (hammer under strace is a
    grandchild)."""

    live = set()

    def __init__(self, argv, workdir, ready=True, name=None):
        self.name = name or os.path.basename(argv[0])
        self.errpath = os.path.join(workdir, "target-%s-%d.stderr" % (self.name, len(Target.live)))
        self.errfile = open(self.errpath, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.errfile, cwd=workdir, start_new_session=True)
        Target.live.add(self)
        self.buf = b""
        self.pid = self.proc.pid
        self.info = {}
        if not ready:
            return
        try:
            line = self.readline(READY_TIMEOUT)
            if line is None:
                raise Fail("%s printed no ready line (exit %s): %s" % (
                    self.name, self.proc.poll(), self.stderr_text()))
            self.info = json.loads(line)
            self.pid = self.info["pid"]
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
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def ask(self, command, after="a command"):
        try:
            self.proc.stdin.write(command.encode() + b"\n")
            self.proc.stdin.flush()
        except OSError as e:
            raise Fail("cannot write %r to the target after %s: %s" % (command, after, e))
        answer = self.readline(ANSWER_TIMEOUT)
        if answer is None:
            raise Fail("target did not answer %r within %d s after %s (states %s, exit %s): %s" % (
                command, ANSWER_TIMEOUT, after, "".join(task_states(self.pid)), self.proc.poll(),
                self.stderr_text()))
        return answer

    def count(self, after="a command"):
        return int(self.ask("count", after))

    def check_running(self, after, since=None):
        """No thread may stay stopped, and the write counter must move on
        (past `since` if given). Returns the counter."""
        deadline = time.monotonic() + RESUME_TIMEOUT
        states = task_states(self.pid)
        while stopped(states) and time.monotonic() < deadline:
            time.sleep(0.01)
            states = task_states(self.pid)
        if self.proc.poll() is not None or not states:
            raise Fail("target gone (exit %s) after %s: %s" % (self.proc.poll(), after, self.stderr_text()))
        if stopped(states):
            raise Fail("target left stopped (thread states %s) %d s after %s" % (
                "".join(states), RESUME_TIMEOUT, after))
        first = self.count(after)
        if since is not None and self.info.get("workers", 0) > 0 and first <= since:
            # the counter is stored every few writes: give it a moment
            time.sleep(0.05)
            first = self.count(after)
            if first <= since:
                raise Fail("no writes during or after %s (counter %d, was %d)" % (after, first, since))
        if self.info.get("workers", 0) > 0:
            deadline = time.monotonic() + RESUME_TIMEOUT
            now = first
            while now == first and time.monotonic() < deadline:
                time.sleep(0.02)
                now = self.count(after)
            if now == first:
                raise Fail("writers do not progress after %s (counter stuck at %d)" % (after, now))
            return now
        return first

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        if self.pid != self.proc.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
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


class Gmv:
    """Runs gomapviz; every run has a timeout, and Popen'd ones are killed at the end."""

    live = set()

    def __init__(self, path):
        self.path = path

    def run(self, *args, timeout=GMV_TIMEOUT, env=None, cwd=None, prefix=()):
        cmd = list(prefix) + [self.path] + list(args)
        try:
            cp = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=timeout, env=env, cwd=cwd)
        except subprocess.TimeoutExpired:
            raise Fail("timed out after %d s: %s" % (timeout, " ".join(cmd)))
        cp.out = cp.stdout.decode("utf-8", "replace")
        cp.err = cp.stderr.decode("utf-8", "replace")
        cp.cmdline = "gomapviz " + " ".join(args)
        return cp

    def ok(self, *args, anomalies=False, **kw):
        cp = self.run(*args, **kw)
        if cp.returncode < 0:
            raise Fail("%s killed by signal %d: %s" % (cp.cmdline, -cp.returncode, short(cp.err)))
        if cp.returncode != 0 and not (anomalies and cp.returncode == 3):
            raise Fail("%s exited %d: %s" % (cp.cmdline, cp.returncode, short(cp.err)))
        return cp

    def dump(self, *args):
        cp = self.ok("dump", *args, anomalies=True)
        try:
            model = json.loads(cp.out)
        except ValueError as e:
            raise Fail("%s printed invalid JSON (%s)" % (cp.cmdline, e))
        if (cp.returncode == 3) != bool(model.get("anomalies")):
            raise Fail("%s exited %d with %d anomalies" % (cp.cmdline, cp.returncode,
                                                          len(model.get("anomalies") or [])))
        return model

    def start(self, *args):
        # gomapviz keeps a signal its parent ignored ignored (as nohup expects),
        # and a test run from a background job inherits SIGINT and SIGQUIT
        # ignored: give the started gomapviz the default actions to test.
        proc = subprocess.Popen([self.path] + list(args), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                preexec_fn=default_signal_actions)
        Gmv.live.add(proc)
        return proc

    @staticmethod
    def finish(proc, timeout):
        """Waits for a started gomapviz; returns (status, stderr text)."""
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            Gmv.live.discard(proc)
            raise Fail("gomapviz hung: still running %d s later" % timeout)
        Gmv.live.discard(proc)
        return proc.returncode, err.decode("utf-8", "replace")

    @staticmethod
    def kill_all():
        for proc in list(Gmv.live):
            try:
                proc.kill()
                proc.communicate(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            Gmv.live.discard(proc)


def default_signal_actions():
    """Runs in a child before exec: the signals gomapviz holds while it has a
    target frozen get their default actions."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)


def one_error_line(err, cmdline):
    lines = err.splitlines()
    if len(lines) != 1 or not err.endswith("\n") or not lines[0].startswith("gomapviz: "):
        raise Fail("%s: stderr should be one 'gomapviz: ' line, got %d lines: %s" % (
            cmdline, len(lines), short(err)))
    return lines[0]


# ---------------------------------------------------------------- model checks

def check_model(model, var, what, max_zero=1):
    """The consistency a capture of a hammer map must have. Returns a dict of
    facts for the summary. `max_zero`: entries allowed to hold 0, the value of
    a cell an m[k] = v has not stored into yet (one per writer of the map)."""
    src = model.get("source") or {}
    m = model.get("map") or {}
    entries = model.get("entries")
    anomalies = model.get("anomalies") or []
    kinds = collections.Counter(a.get("kind") for a in anomalies)
    problems = []
    if not src.get("frozen"):
        problems.append("source.frozen is %r" % src.get("frozen"))
    if src.get("variable") != var:
        problems.append("source.variable %r" % src.get("variable"))
    writer = "writer_active" in kinds
    if set(kinds) - {"writer_active"}:
        problems.append("anomalies other than writer_active: " + "; ".join(
            "%s: %s" % (a.get("kind"), a.get("message")) for a in anomalies
            if a.get("kind") != "writer_active")[:3 * 200])
    swiss = m.get("implementation") == "swiss"
    marked = m.get("writing", 0) != 0 if swiss else bool(m.get("flags", 0) & 4)
    if marked != writer:
        problems.append("%s but writer_active %s" % (
            ("writing %r" % m.get("writing")) if swiss else ("flags %r" % m.get("flags")), writer))
    if not isinstance(entries, list):
        raise Fail("%s: dump has no entries" % what)
    if not writer:
        # only a map nobody was writing at that instant must add up exactly
        count = m.get("used") if swiss else m.get("count")
        if count != len(entries):
            problems.append("count %r != %d live entries" % (count, len(entries)))
        if (model.get("stats") or {}).get("live_entries") != len(entries):
            problems.append("stats.live_entries %r != %d" % ((model.get("stats") or {}).get("live_entries"),
                                                             len(entries)))
    keys = collections.Counter()
    zeros = bad = 0
    first_bad = None
    for e in entries:
        k, v = e.get("key"), e.get("value")
        keys[json.dumps(k)] += 1
        if var == "main.names":
            ok = isinstance(k, str) and re.fullmatch(r"n(0|[1-9][0-9]*)", k) is not None and \
                v == 3 * int(k[1:]) + 1
        else:
            ok = isinstance(k, int) and v == mix(k)
        if ok:
            continue
        if v == 0:
            zeros += 1
            continue
        bad += 1
        first_bad = first_bad or e
    if bad:
        problems.append("%d entries break the invariant, e.g. %s" % (bad, short(first_bad, 200)))
    if zeros > max_zero and not writer:
        problems.append("%d entries hold 0 (at most %d writes can be in flight)" % (zeros, max_zero))
    dups = [k for k, n in keys.items() if n > 1]
    if dups and not writer:
        problems.append("%d keys listed twice, e.g. %s" % (len(dups), dups[0]))
    if var != "main.big" and not writer and not bad and not dups and entries:
        # hammer's maps are queues: they hold exactly the keys [oldest, next)
        nums = sorted(int(k[1:]) if isinstance(k, str) else k for k in (e["key"] for e in entries))
        if nums[-1] - nums[0] + 1 != len(nums):
            gaps = [a for a, b in zip(nums, nums[1:]) if b != a + 1]
            problems.append("keys are not one run %d..%d: %d keys, a gap after %s" % (
                nums[0], nums[-1], len(nums), gaps[:3]))
    if problems:
        raise Fail("%s: %s" % (what, "; ".join(problems)))
    stats = model.get("stats") or {}
    return {"entries": len(entries), "retries": src.get("writer_retries", 0), "writer": writer,
            "growing": bool(m.get("growing")), "same": bool(m.get("same_size_grow")), "zeros": zeros,
            "B": ("%s tables" % stats.get("tables")) if swiss else m.get("B")}


# ---------------------------------------------------------------- errors.md

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def parse_tables(path):
    """Every row of every table in errors.md whose header starts with
    'Situation': a dict of the cells by column name, backticks removed."""
    rows = []
    header = None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.startswith("|"):
                header = None
                continue
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if header is None:
                header = [c.lower() for c in cells]
                continue
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if not header or header[0] != "situation":
                continue
            if len(cells) != len(header):
                raise Fail("%s:%d: %d cells, the header has %d" % (path, lineno, len(cells), len(header)))
            row = dict(zip(header, cells))
            for k, v in row.items():
                if len(v) >= 2 and v.startswith("`") and v.endswith("`"):
                    row[k] = v[1:-1]
            row["line"] = lineno
            rows.append(row)
    return rows


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50]


DEBUG_FILE_CASES = ["errors/debug-file-debuglink-works", "errors/debug-file-given-works",
                    "errors/debug-file-build-id-works"]


def tools(argv):
    """Runs a binutils command (objcopy, strip), failing the case if it fails."""
    if shutil.which(argv[0]) is None:
        raise Fail("%s not installed (binutils; scripts/install-deps.sh installs it)" % argv[0])
    cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    if cp.returncode != 0:
        raise Fail("%s failed: %s" % (" ".join(argv), cp.stdout.decode("utf-8", "replace")[:300]))


def gnu_build_id(path):
    """The GNU build ID of `path` in hex (readelf -n)."""
    cp = subprocess.run(["readelf", "-n", "-W", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    m = re.search(r"Build ID: ([0-9a-f]+)", cp.stdout.decode("utf-8", "replace"))
    if cp.returncode != 0 or not m:
        raise Fail("no GNU build ID in %s (built with -ldflags=-B=gobuildid?)" % path)
    return m.group(1)


def go_build_id(path):
    """The Go build ID of executable `path`, from readelf's dump of its
    "Go" note (type 4): the bytes of its description, as text."""
    cp = subprocess.run(["readelf", "-n", "-W", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    m = re.search(r"^\s*Go\s+0x[0-9a-f]+\s+(?:GO BUILDID|Unknown note type: \(0x00000004\))\s*\n?\s*"
                  r"description data: ([0-9a-f ]+)$", cp.stdout.decode("utf-8", "replace"), re.M)
    if cp.returncode != 0 or not m:
        raise Fail("no Go build ID note in %s (readelf -n)" % path)
    return bytes.fromhex(m.group(1).replace(" ", "")).decode("ascii", "replace")


def message_regex(message, values):
    """The documented message as a regex: {name} is the value of that
    placeholder, {hex} any 0x-number, {n} any decimal number, everything
    else literal."""
    out = []
    pos = 0
    for m in PLACEHOLDER.finditer(message):
        out.append(re.escape(message[pos:m.start()]))
        name = m.group(1)
        if name == "hex":
            out.append("0x[0-9a-f]+")
        elif name == "n":
            out.append("[0-9]+")
        elif name in values:
            out.append(re.escape(str(values[name])))
        else:
            raise Fail("unknown placeholder {%s} in the message" % name)
        pos = m.end()
    out.append(re.escape(message[pos:]))
    return re.compile("".join(out))


# ---------------------------------------------------------------- the run

class Runner:
    def __init__(self, args):
        self.gmv = Gmv(args.gomapviz)
        self.go_dir = args.go_dir
        self.doc = args.errors_doc
        self.only = re.compile(args.only) if args.only else None
        self.tmp = tempfile.mkdtemp(prefix="gmv-robust-")
        os.chmod(self.tmp, 0o755)  # nobody runs programs from here
        self.counts = collections.Counter()
        self.failed = []
        self.seq = 0
        self.hammer = go_dir_path(args.go_dir, "hammer")  # Go 1.19: classic maps
        self.hammer_swiss = go_dir_path(args.go_dir, "hammer-go1.26")  # Go 1.26: Swiss tables

    def path(self, name):
        self.seq += 1
        return os.path.join(self.tmp, "%03d-%s" % (self.seq, name))

    def wanted(self, name):
        return not self.only or self.only.search(name)

    def case(self, name, fn, *args):
        if not self.wanted(name):
            return None
        t0 = time.monotonic()
        try:
            note = fn(*args)
        except Fail as e:
            self.report("FAIL", name, str(e), t0)
            return None
        except Skip as e:
            self.report("SKIP", name, str(e), t0)
            return None
        except Exception as e:  # a bug here, or something unexpected: still a failure
            self.report("FAIL", name, "%s: %s" % (type(e).__name__, e), t0)
            return None
        self.report("PASS", name, note if isinstance(note, str) else "", t0)
        return True

    def report(self, status, name, reason, t0):
        self.counts[status] += 1
        if status == "FAIL":
            self.failed.append(name)
        line = "%s %s (%.1fs)" % (status, name, time.monotonic() - t0)
        if reason:
            line += ": " + short(reason, 700)
        print(line, flush=True)

    def start_hammer(self, *args, exe=None, prefix=(), name=None):
        return Target(list(prefix) + [exe or self.hammer] + list(args), self.tmp, name=name)

    # -- load: captures of maps written all the time

    @staticmethod
    def hammer_stats(target):
        try:
            return json.loads(target.ask("stats"))
        except ValueError as e:
            raise Fail("hammer's stats line is not JSON: %s" % e)

    def capture_checked(self, target, var, what, max_zero, direct=False):
        before = target.count("starting %s" % what)
        if direct:
            model = self.gmv.dump("--pid", str(target.pid), "--var", var)
        else:
            snap = self.path("load.gmvs")
            cp = self.gmv.ok("capture", "--pid", str(target.pid), "--var", var, "-o", snap, anomalies=True)
            if not os.path.isfile(snap):
                raise Fail("%s: capture wrote no snapshot: %s" % (what, short(cp.err)))
            model = self.gmv.dump(snap)
            os.unlink(snap)
        facts = check_model(model, var, what, max_zero)
        target.check_running(what, since=before)
        return facts

    def load(self, exe=None, prefix=""):
        """The load cases against the hammer `exe` (classic by default), their
        names prefixed by `prefix` ("swiss/" for the Swiss-table hammer)."""
        swiss = bool(prefix)
        target = self.start_hammer("-workers", "4", exe=exe, name="hammer-load")
        try:
            time.sleep(0.2)
            start = target.count()
            t0 = time.monotonic()
            time.sleep(0.3)
            rate = (target.count() - start) / (time.monotonic() - t0)
            stats0 = self.hammer_stats(target)

            def series(var, n, max_zero, direct=False):
                facts = [self.capture_checked(target, var, "%s capture %d of %d" % (var, i + 1, n), max_zero,
                                              direct) for i in range(n)]
                return "%d captures, %d..%d entries, B %s, %d retries, %d with writer_active, %d growing, " \
                       "%d same-size growing, %d in-flight 0 values" % (
                           n, min(f["entries"] for f in facts), max(f["entries"] for f in facts),
                           sorted({f["B"] for f in facts}), sum(f["retries"] for f in facts),
                           sum(f["writer"] for f in facts), sum(f["growing"] for f in facts),
                           sum(f["same"] for f in facts), sum(f["zeros"] for f in facts))

            self.case(prefix + "load/rate", lambda: "%.1f million map writes/s" % (rate / 1e6) if rate > 1e6
                      else raise_(Fail("only %.0f writes/s, expected millions" % rate)))
            # main.shared: 4 writers under one mutex, so at most 1 write in flight
            self.case(prefix + "load/shared-%d-in-a-row" % LOAD_CAPTURES, series, "main.shared", LOAD_CAPTURES, 1)
            self.case(prefix + "load/names", series, "main.names", 4, 1)

            def own_maps():
                # own0..own3: one writer each, no lock; they linger mid-grow, so
                # some captures must catch a grow in progress
                facts = []
                for i in range(24):
                    var = "main.own%d" % (i % 4)
                    facts.append(self.capture_checked(target, var, "%s capture %d" % (var, i + 1), 1))
                    if len(facts) >= 8 and sum(f["growing"] for f in facts) >= 3:
                        break
                growing = sum(f["growing"] for f in facts)
                if not growing and not swiss:  # a Swiss map grows a whole table at once
                    raise Fail("none of %d captures caught a grow in progress" % len(facts))
                return "%d captures, %d of them mid-grow (%d same-size), %d retries, %d with writer_active" % (
                    len(facts), growing, sum(f["same"] for f in facts), sum(f["retries"] for f in facts),
                    sum(f["writer"] for f in facts))

            self.case(prefix + ("load/own-maps" if swiss else "load/own-maps-mid-grow"), own_maps)
            self.case(prefix + "load/dump-pid", series, "main.shared", 2, 1, True)

            def grew():
                stats1 = self.hammer_stats(target)
                d = {k: stats1[k] - stats0[k] for k in stats1 if k != "impl"}
                if stats1.get("impl") != ("swiss" if swiss else "classic"):
                    raise Fail("the hammer has %s maps" % stats1.get("impl"))
                if d["grows"] <= 0 or d["splits" if swiss else "same_size_grows"] <= 0:
                    raise Fail("the maps did not grow during the captures: %s" % d)
                return "meanwhile the writers made %d writes, %d grows (%d same-size, %d splits) and %d new maps" % (
                    d["writes"], d["grows"], d["same_size_grows"], d["splits"], d["new_maps"])

            self.case(prefix + "load/grows-meanwhile", grew)
            self.case(prefix + "nowrite/strace", self.strace_check, target)
        finally:
            target.kill()

    # -- no writes to the target, seen by strace

    def strace_check(self, target):
        strace = shutil.which("strace")
        if strace is None:
            raise Fail("strace not installed (scripts/install-deps.sh installs it)")
        log = self.path("strace.log")
        env = dict(os.environ)
        # LeakSanitizer stops the process with ptrace at exit, which it cannot
        # do under strace (one tracer per process): no leak check in this run.
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
        snap = self.path("strace.gmvs")
        cp = self.gmv.ok("capture", "--pid", str(target.pid), "--var", "main.shared", "-o", snap,
                         anomalies=True, env=env,
                         prefix=[strace, "-f", "-qq", "-o", log,
                                 "-e", "trace=process_vm_writev,process_vm_readv,ptrace,open,openat"])
        with open(log, errors="replace") as f:
            text = f.read()
        forbidden = re.compile(r"process_vm_writev|PTRACE_POKE|PTRACE_SET(REGS|REGSET|FPREGS|SIGINFO|OPTIONS)"
                               r"|/proc/%d/mem\", O_(WRONLY|RDWR)" % target.pid)
        hits = [line for line in text.splitlines() if forbidden.search(line)]
        if hits:
            raise Fail("gomapviz wrote to the target: %s" % short(hits[:3]))
        tids = {int(t) for t in re.findall(r"PTRACE_SEIZE, (\d+)", text)}
        if target.pid not in tids:
            raise Fail("strace saw no PTRACE_SEIZE of the target (%s): did the trace work?" % short(cp.err))
        reads = len(re.findall(r"process_vm_readv\(%d," % target.pid, text))
        detaches = len(re.findall(r"PTRACE_DETACH", text))
        target.check_running("the traced capture")
        return "%d threads seized and %d detached, %d process_vm_readv calls, no write of any kind" % (
            len(tids), detaches, reads)

    # -- gomapviz killed or interrupted while the target is frozen

    def wait_frozen(self, target, proc, what):
        """Polls the target's threads until one is ptrace-stopped; returns False if
        gomapviz finished first."""
        deadline = time.monotonic() + GMV_TIMEOUT
        while time.monotonic() < deadline:
            if stopped(task_states(target.pid)):
                return True
            if proc.poll() is not None:
                return False
        raise Fail("%s: the target was never seen stopped in %d s" % (what, GMV_TIMEOUT))

    def interrupt(self, target, sig, checksum, what):
        # A capture of main.big keeps the target frozen for only some tens of
        # milliseconds, so catching it takes a few tries and a short pause.
        for attempt in range(TRIES_TO_CATCH_FROZEN):
            before = target.count(what)
            out = self.path("big.gmvs")
            proc = self.gmv.start("capture", "--pid", str(target.pid), "--var", "main.big", "-o", out)
            if not self.wait_frozen(target, proc, what):
                Gmv.finish(proc, GMV_TIMEOUT)
                continue  # too quick to catch: try again
            time.sleep(random.uniform(0, 0.005))
            if not stopped(task_states(target.pid)):
                Gmv.finish(proc, GMV_TIMEOUT)
                continue
            t_sig = time.monotonic()
            proc.send_signal(sig)
            status, err = Gmv.finish(proc, 20)
            took = time.monotonic() - t_sig
            if status != -sig:
                raise Fail("%s: gomapviz ended with status %s, expected death by signal %d: %s" % (
                    what, status, sig, short(err)))
            if sig != signal.SIGKILL and err:
                raise Fail("%s: gomapviz printed %s" % (what, short(err)))
            if os.path.exists(out):
                raise Fail("%s: an interrupted capture left %s" % (what, out))
            target.check_running("gomapviz was killed by signal %d" % sig, since=before)
            if target.ask("sum", what) != checksum:
                raise Fail("%s: main.big's bytes changed" % what)
            return "gomapviz died %.0f ms after the signal; target runs, main.big unchanged" % (took * 1000)
        raise Fail("%s: never caught the target stopped in %d tries" % (what, TRIES_TO_CATCH_FROZEN))

    def signals(self, exe=None, prefix=""):
        swiss = bool(prefix)
        target = self.start_hammer("-workers", "2", "-big", str(BIG), exe=exe, name="hammer-big")
        try:
            checksum = target.ask("sum")
            for i in range(3):
                self.case(prefix + "kill/sigkill-mid-capture-%d" % (i + 1), self.interrupt, target, signal.SIGKILL,
                          checksum, "SIGKILL %d" % (i + 1))
            self.case(prefix + "signal/sigint-mid-capture", self.interrupt, target, signal.SIGINT, checksum,
                      "SIGINT")
            self.case(prefix + "signal/sigterm-mid-capture", self.interrupt, target, signal.SIGTERM, checksum,
                      "SIGTERM")

            def full_capture():
                # (a dump of 10^6 entries is too big to check here in Python:
                # the capture's own walk must find them all, with no anomaly)
                snap = self.path("big.gmvs")
                cp = self.gmv.ok("capture", "--pid", str(target.pid), "--var", "main.big", "-o", snap)
                shape = r"\d+ tables, \d+ groups" if swiss else "B=18"
                if not re.match(r"captured map\[int64\]int64: %d entries, %s, " % (BIG, shape), cp.err):
                    raise Fail("unexpected capture report: %s" % short(cp.err))
                st = self.gmv.ok("stats", snap)
                os.unlink(snap)
                if "%s %d," % ("used" if swiss else "count", BIG) not in st.out or "no anomalies" not in st.out:
                    raise Fail("stats of main.big: %s" % short(st.out))
                target.check_running("capture of main.big")
                if target.ask("sum") != checksum:
                    raise Fail("main.big's bytes changed during a capture")
                return "%s; checksum %s unchanged" % (cp.err.strip(), checksum)

            self.case(prefix + "nowrite/big-checksum", full_capture)

            def stopped_stays_stopped():
                # a target stopped by its user (kill -STOP, Ctrl-Z) is read and left stopped
                os.kill(target.pid, signal.SIGSTOP)
                try:
                    deadline = time.monotonic() + RESUME_TIMEOUT
                    while set(task_states(target.pid)) != {"T"} and time.monotonic() < deadline:
                        time.sleep(0.01)
                    snap = self.path("stopped.gmvs")
                    cp = self.gmv.ok("capture", "--pid", str(target.pid), "--var", "main.shared", "-o", snap,
                                     anomalies=True)
                    # Stopped in the middle of a write, it stays there: writer_active
                    # then, and whatever the half-done write left (a count not yet
                    # updated, a bucket half evacuated). Without writer_active, the
                    # map must be consistent.
                    kinds = {a["kind"] for a in self.gmv.dump(snap).get("anomalies") or []}
                    if kinds and "writer_active" not in kinds:
                        raise Fail("anomalies %s without writer_active" % sorted(kinds))
                    time.sleep(0.05)
                    states = task_states(target.pid)
                    if set(states) != {"T"}:
                        raise Fail("a target stopped with SIGSTOP has thread states %s after the capture" %
                                   "".join(states))
                finally:
                    os.kill(target.pid, signal.SIGCONT)
                target.check_running("SIGCONT")
                return "%s; still stopped after it, runs on SIGCONT" % cp.err.strip()

            self.case(prefix + "signal/sigstopped-target-stays-stopped", stopped_stays_stopped)
        finally:
            target.kill()

    # -- the target exits during the capture

    def killed_while_frozen(self, message):
        for attempt in range(3):
            target = self.start_hammer("-workers", "2", "-big", str(BIG), name="hammer-dies")
            try:
                proc = self.gmv.start("capture", "--pid", str(target.pid), "--var", "main.big",
                                      "-o", self.path("dies.gmvs"))
                if not self.wait_frozen(target, proc, "killed while frozen"):
                    Gmv.finish(proc, GMV_TIMEOUT)
                    continue
                os.kill(target.pid, signal.SIGKILL)
                status, err = Gmv.finish(proc, 20)
            finally:
                target.kill()
            if status == 0:
                continue  # the walk ended just before the kill: try again
            want = message_regex(message, {"pid": target.pid})
            line = one_error_line(err, "capture of a process killed while frozen")
            if status != 1 or not want.fullmatch(line):
                raise Fail("exit %s, %r; expected exit 1 and %r" % (status, line, want.pattern))
            return line
        raise Fail("the capture always finished before the kill (3 tries)")

    def exits_around_capture(self, allowed):
        """The target exits by itself (os.Exit on an "exit" line) at a random
        moment of a capture: before, between the freezes of a retry, or right
        after (a frozen process cannot exit; it does so on being resumed)."""
        outcomes = collections.Counter()
        rng = random.Random(os.getpid())
        for i in range(10):
            target = self.start_hammer("-workers", "2", "-big", "200000", name="hammer-exits")
            try:
                proc = self.gmv.start("capture", "--pid", str(target.pid), "--var", "main.big",
                                      "-o", self.path("exits.gmvs"))
                time.sleep(rng.uniform(0, 0.05))  # a capture of it takes ~50 ms
                try:
                    target.proc.stdin.write(b"exit\n")
                    target.proc.stdin.flush()
                except OSError:
                    pass
                status, err = Gmv.finish(proc, 30)
            finally:
                target.kill()
            if status < 0:
                raise Fail("gomapviz killed by signal %d: %s" % (-status, short(err)))
            if status == 0:
                outcomes["captured before the exit"] += 1
                continue
            line = one_error_line(err, "capture of a process that exits")
            if status != 1 or not any(message_regex(m, {"pid": target.pid}).fullmatch(line) for m in allowed):
                raise Fail("exit %d, %r: not one of the documented messages" % (status, line))
            outcomes[re.sub(r"\d+", "N", line)] += 1
        return "; ".join("%d x %s" % (n, k) for k, n in sorted(outcomes.items()))

    def exits(self, timing_rows):
        frozen = [r for r in timing_rows if "killed while" in r["situation"].lower()]
        if not frozen:
            raise Fail("docs/errors.md has no timing row for a target killed while frozen")
        self.case("exit/killed-while-frozen", self.killed_while_frozen, frozen[0]["message"])
        allowed = [r["message"] for r in timing_rows if "exits" in r["situation"].lower()]
        self.case("exit/exits-around-capture", self.exits_around_capture, allowed + [frozen[0]["message"]])

    # -- the documented errors

    def prepare_errors(self, rows):
        """Starts what the commands' placeholders name and makes the files they
        use; returns the placeholder values."""
        d = self.tmp
        for exe in ("hammer", "hammer-stripped", "mapsample"):
            src = go_dir_path(self.go_dir, exe)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(d, exe))
                os.chmod(os.path.join(d, exe), 0o755)
        text = " ".join(r["command"] + " " + r["message"] for r in rows)
        used = set(PLACEHOLDER.findall(text))
        values = {"dir": d}
        for name, exe in (("hammer_buildid", "hammer"), ("stripped_buildid", "hammer-stripped"),
                          ("mapsample_buildid", "mapsample")):
            if name in used:
                values[name] = go_build_id(os.path.join(d, exe))
        if "pid" in used or "good.gmvs" in text or "truncated.gmvs" in text:
            t = Target([os.path.join(d, "hammer"), "-workers", "2"], d, name="hammer-errors")
            values["pid"] = t.pid
            self.error_targets.append(t)
        if "shared_var_addr" in used:
            values["shared_var_addr"] = self.gmv.dump("--pid", str(values["pid"]), "--var", "main.shared")["source"]["variable_address"]
        if "stripped_pid" in used:
            t = Target([os.path.join(d, "hammer-stripped"), "-workers", "1", "-big", "1000"], d,
                       name="hammer-stripped")
            values["stripped_pid"] = t.pid
            self.error_targets.append(t)
        if "traced_pid" in used:
            strace = shutil.which("strace")
            if strace is None:
                raise Fail("strace not installed (scripts/install-deps.sh installs it)")
            t = Target([strace, "-f", "-qq", "-o", "/dev/null", os.path.join(d, "hammer"), "-workers", "1"],
                       d, name="hammer-traced")
            values["traced_pid"] = t.pid
            values["tracer"] = t.proc.pid
            self.error_targets.append(t)
        if "sleep_pid" in used:
            sleep = os.path.realpath(shutil.which("sleep") or "/bin/sleep")
            t = Target([sleep, "300"], d, ready=False, name="sleep")
            values["sleep_pid"] = t.pid
            values["sleep_path"] = sleep
            self.error_targets.append(t)
        if "kthread_pid" in used:
            pid = kernel_thread_pid()
            if pid is not None:
                values["kthread_pid"] = pid
        if "free_pid" in used:
            pid_max = 4194304
            try:
                with open("/proc/sys/kernel/pid_max") as f:
                    pid_max = int(f.read())
            except (OSError, ValueError):
                pass
            pid = pid_max - 1
            while os.path.exists("/proc/%d" % pid):
                pid -= 1
            values["free_pid"] = pid
        if "good.gmvs" in text or "truncated.gmvs" in text:
            good = os.path.join(d, "good.gmvs")
            self.gmv.ok("capture", "--pid", str(values["pid"]), "--var", "main.shared", "-o", good, anomalies=True)
            with open(good, "rb") as f:
                data = f.read()
            with open(os.path.join(d, "truncated.gmvs"), "wb") as f:
                f.write(data[:len(data) // 2])
        if "mapsample.debug" in text:
            tools(["objcopy", "--only-keep-debug", os.path.join(d, "mapsample"), os.path.join(d, "mapsample.debug")])
        if "empty.gmvs" in text:
            open(os.path.join(d, "empty.gmvs"), "wb").close()
        if "swiss.gmvs" in text:
            samples = os.path.join(os.path.dirname(os.path.abspath(self.doc)), "..", "samples", "snapshots")
            shutil.copy(os.path.join(samples, "swiss-tables.gmvs"), os.path.join(d, "swiss.gmvs"))
        if "hammer.core" in text:
            self.make_core(d)
        return values

    def make_core(self, d):
        gcore = shutil.which("gcore")
        if gcore is None:
            return  # the rows that need it fail with "no such file", saying so below
        t = Target([os.path.join(d, "hammer"), "-workers", "0"], d, name="hammer-core")
        try:
            prefix = os.path.join(d, "core")
            proc = subprocess.Popen([gcore, "-o", prefix, str(t.pid)], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=120)
            except BaseException:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise
            core = "%s.%d" % (prefix, t.pid)
            if proc.returncode != 0 or not os.path.isfile(core):
                raise Fail("gcore failed: %s" % short(out.decode("utf-8", "replace")))
            os.rename(core, os.path.join(d, "hammer.core"))
        finally:
            t.kill()

    def run_error_row(self, row, values):
        if not row["exit"].isdigit():
            raise Fail("errors.md line %d: exit %r is not a number" % (row["line"], row["exit"]))
        command = row["command"]
        for name in set(PLACEHOLDER.findall(command)):
            if name == "kthread_pid" and name not in values:
                raise Skip("no kernel thread is visible in this pid namespace")
            if name not in values:
                raise Fail("errors.md line %d: unknown placeholder {%s}" % (row["line"], name))
            command = command.replace("{%s}" % name, str(values[name]))
        argv = shlex.split(command)
        if "gomapviz" not in argv:
            raise Fail("errors.md line %d: the command does not run gomapviz" % row["line"])
        argv = [self.gmv.path if a == "gomapviz" else a for a in argv]
        for f, why in (("hammer.core", "no core file: gcore (package gdb) is missing"),
                       ("./mapsample", "no mapsample in the go dir")):
            if f in argv and not os.path.exists(os.path.join(self.tmp, f)):
                raise Fail(why)
        try:
            cp = subprocess.run(argv, cwd=self.tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=GMV_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise Fail("timed out: %s" % command)
        err = cp.stderr.decode("utf-8", "replace")
        want = message_regex(row["message"], values)
        lines = err.splitlines()
        problems = []
        if cp.returncode != int(row["exit"]):
            problems.append("exit %d, documented %s" % (cp.returncode, row["exit"]))
        if len(lines) != 1 or not err.endswith("\n") or not want.fullmatch(lines[0]):
            problems.append("stderr %r, documented %r" % (err, row["message"]))
        if cp.stdout:
            problems.append("stdout not empty: %s" % short(cp.stdout.decode("utf-8", "replace")))
        if problems:
            raise Fail("%s: %s" % (command, "; ".join(problems)))
        for t in self.error_targets:
            # (a traced target stops at every system call for strace: not ours)
            if t.info and t.name != "hammer-traced" and stopped(task_states(t.pid)):
                raise Fail("%s left %s stopped" % (command, t.name))

    def errors(self):
        try:
            rows = parse_tables(self.doc)
        except (OSError, UnicodeError) as e:
            self.case("errors/doc", raise_, Fail("cannot read %s: %s" % (self.doc, e)))
            return []
        except Fail as e:
            self.case("errors/doc", raise_, e)
            return []
        table = [r for r in rows if "command" in r]
        timing = [r for r in rows if "command" not in r]
        if not table:
            self.case("errors/doc", raise_, Fail("%s has no error table" % self.doc))
            return timing
        extra = ["errors/same-user-not-root-works", "errors/stripped-then-by-address-works",
                 "errors/stripped-then-strip-1-copy-works"] + DEBUG_FILE_CASES
        if not any(self.wanted(n) for n in ["errors/" + slug(r["situation"]) for r in table] + extra):
            return timing
        self.error_targets = []
        try:
            try:
                values = self.prepare_errors(table)
            except (Fail, Skip) as e:
                self.case("errors/setup", raise_, e)
                return timing
            seen = set()
            for row in table:
                name = "errors/" + slug(row["situation"])
                if name in seen:
                    name += "-%d" % row["line"]
                seen.add(name)
                self.case(name, self.run_error_row, row, values)

            def same_user():
                t = Target(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            os.path.join(self.tmp, "hammer"), "-workers", "1"], self.tmp, name="hammer-nobody")
                self.error_targets.append(t)
                cp = self.gmv.ok("capture", "--pid", str(t.pid), "--var", "main.shared", "-o", "/dev/null",
                                 anomalies=True, cwd=self.tmp,
                                 prefix=["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                t.check_running("a capture by the same user")
                return short(cp.err, 200)

            def stripped_by_address():
                # what the message says to do: the address fmt.Printf("%p", m)
                # prints, the type, and a build with DWARF
                t = self.error_targets[[x.pid for x in self.error_targets].index(values["stripped_pid"])]
                addr = t.ask("addr")
                cp = self.gmv.ok("capture", "--pid", str(t.pid), "--addr", addr, "--type", "map[int64]int64",
                                 "--exe", os.path.join(self.tmp, "hammer"), "-o", "/dev/null", cwd=self.tmp)
                if not cp.err.startswith("captured map[int64]int64: 1000 entries"):
                    raise Fail("main.big by address: %s" % short(cp.err))
                t.check_running("a capture by address")
                return short(cp.err, 200)

            def strip_keeps_addresses():
                # or: ship a copy stripped with strip(1), keep the original for --exe
                strip = shutil.which("strip")
                if strip is None:
                    raise Fail("strip not installed (binutils; scripts/install-deps.sh installs it)")
                small = os.path.join(self.tmp, "hammer-strip1")
                subprocess.run([strip, "-o", small, os.path.join(self.tmp, "hammer")], check=True, timeout=60)
                t = Target([small, "-workers", "1"], self.tmp, name="hammer-strip1")
                self.error_targets.append(t)
                cp = self.gmv.ok("capture", "--pid", str(t.pid), "--exe", os.path.join(self.tmp, "hammer"),
                                 "--var", "main.shared", "-o", "/dev/null", anomalies=True, cwd=self.tmp)
                t.check_running("a capture with --exe")
                return short(cp.err, 200)

            def debug_file_case(how):
                # DWARF kept apart (objcopy --only-keep-debug), the program
                # stripped of everything (strip --strip-all): found through a
                # .gnu_debuglink, given with --debug-file, or found by GNU build
                # ID under --debug-dir (hammer-buildid: go build -ldflags=-B=gobuildid)
                exe = "hammer-buildid" if how == "build-id" else "hammer"
                src = go_dir_path(self.go_dir, exe)
                work = os.path.join(self.tmp, "debug-" + how)
                os.makedirs(work, exist_ok=True)
                full, debug, run = (os.path.join(work, n) for n in ("full", "full.debug", "stripped"))
                shutil.copy(src, full)
                tools(["objcopy", "--only-keep-debug", full, debug])
                tools(["strip", "--strip-all", "-o", run, full])
                extra_args = []
                if how == "debuglink":
                    tools(["objcopy", "--add-gnu-debuglink=" + debug, run, run + ".linked"])
                    run += ".linked"
                elif how == "given":
                    extra_args = ["--debug-file", debug]
                else:
                    hexid = gnu_build_id(full)
                    place = os.path.join(work, "root", ".build-id", hexid[:2], hexid[2:] + ".debug")
                    os.makedirs(os.path.dirname(place))
                    shutil.move(debug, place)
                    extra_args = ["--debug-dir", os.path.join(work, "root")]
                os.chmod(run, 0o755)
                t = Target([run, "-workers", "1", "-big", "1000"], work, name="hammer-debug-" + how)
                self.error_targets.append(t)
                cp = self.gmv.ok("capture", "--pid", str(t.pid), "--var", "main.big", "-o", "/dev/null",
                                 *extra_args, cwd=work)
                if not cp.err.startswith("captured map[int64]int64: 1000 entries"):
                    raise Fail("main.big with DWARF kept apart (%s): %s" % (how, short(cp.err)))
                t.check_running("a capture with a debug file")
                return short(cp.err, 200)

            for name in DEBUG_FILE_CASES:
                self.case(name, debug_file_case, name.split("/")[1].replace("debug-file-", "").replace("-works", ""))
            self.case("errors/same-user-not-root-works", same_user)
            if "stripped_pid" in values:
                self.case("errors/stripped-then-by-address-works", stripped_by_address)
                self.case("errors/stripped-then-strip-1-copy-works", strip_keeps_addresses)
        finally:
            for t in self.error_targets:
                t.kill()
            for f in ("hammer.core",):
                try:
                    os.unlink(os.path.join(self.tmp, f))
                except OSError:
                    pass
        return timing

    # The cases of each group, for --only (a group runs if one of them is wanted).
    LOAD_CASES = ["load/rate", "load/shared-%d-in-a-row" % LOAD_CAPTURES, "load/names", "load/own-maps-mid-grow",
                  "load/dump-pid", "load/grows-meanwhile", "nowrite/strace"]
    SIGNAL_CASES = ["kill/sigkill-mid-capture-%d" % i for i in (1, 2, 3)] + [
        "signal/sigint-mid-capture", "signal/sigterm-mid-capture", "nowrite/big-checksum",
        "signal/sigstopped-target-stays-stopped"]
    EXIT_CASES = ["exit/killed-while-frozen", "exit/exits-around-capture"]
    SWISS_LOAD_CASES = ["swiss/" + n.replace("-mid-grow", "") for n in LOAD_CASES]
    SWISS_SIGNAL_CASES = ["swiss/" + n for n in SIGNAL_CASES]

    def run(self):
        timing = self.errors()
        if any(self.wanted(n) for n in self.LOAD_CASES):
            self.load()
        if any(self.wanted(n) for n in self.SWISS_LOAD_CASES):
            self.load(self.hammer_swiss, "swiss/")
        if any(self.wanted(n) for n in self.SIGNAL_CASES):
            self.signals()
        if any(self.wanted(n) for n in self.SWISS_SIGNAL_CASES):
            self.signals(self.hammer_swiss, "swiss/")
        if any(self.wanted(n) for n in self.EXIT_CASES):
            self.exits(timing)

    def cleanup(self, keep):
        Gmv.kill_all()
        for t in list(Target.live):
            t.kill()
        for core in glob.glob(os.path.join(self.tmp, "*core*")):
            try:
                os.unlink(core)
            except OSError:
                pass
        if keep:
            print("temp dir kept: " + self.tmp, flush=True)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def raise_(e):
    raise e


def go_dir_path(go_dir, name):
    return os.path.join(go_dir, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gomapviz", required=True, help="the gomapviz executable")
    ap.add_argument("--go-dir", required=True, help="folder with hammer, hammer-stripped and mapsample")
    ap.add_argument("--errors-doc", required=True, help="docs/errors.md, whose tables the errors/ cases run")
    ap.add_argument("--only", help="run only cases whose name matches this regex (e.g. 'errors/|exit/')")
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir (cores are still deleted)")
    args = ap.parse_args()

    missing = [p for p in (args.gomapviz, go_dir_path(args.go_dir, "hammer"),
                           go_dir_path(args.go_dir, "hammer-stripped")) if not os.access(p, os.X_OK)]
    if missing:
        print("robust: missing executables: " + ", ".join(missing), file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("robust: run as root (the cases stop processes and switch users)", file=sys.stderr)
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
        print("robust: interrupted", file=sys.stderr, flush=True)
        return 1
    finally:
        runner.cleanup(args.keep_temp)
    c = runner.counts
    print("robust: %d passed, %d failed, %d skipped in %.0f s" % (
        c["PASS"], c["FAIL"], c["SKIP"], time.monotonic() - t0), flush=True)
    if runner.failed:
        print("robust: failed: " + " ".join(runner.failed), flush=True)
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
