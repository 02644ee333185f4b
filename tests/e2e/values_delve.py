#!/usr/bin/env python3
"""gomapviz's decoded keys and values against what delve prints for the same maps.

Usage: values_delve.py --gomapviz PATH --go-dir DIR --dlv PATH [--only REGEX] [--keep-temp]

For each build of samples/go/valuesample in DIR (BUILDS below), one target is
started; gomapviz dumps each of its 15 maps live (dump --pid --var, with
--depth and --elems above what delve is told to show), and every map a value
holds (a nested map) by --addr; then ONE `dlv attach` prints all 15 maps
(init file: config, then `print VAR` for each, then exit; "n" on stdin
answers "Would you like to kill the process?"), detaches, and the target must
still answer ping. --dlv is delve v1.27.2 (scripts/install-delve.sh); it
reads both the Go 1.26 (Swiss tables) and the Go 1.19 (classic) build.

The comparison walks delve's printed value and gomapviz's JSON value
(docs/json-schema.md, "Keys and values decoded through their types")
together, so every leaf delve shows is checked at the same place in
gomapviz's entry (struct field by name, element by index, through the same
pointers and interfaces), not just somewhere in it:

  * strings, integers, bools and function names (main.hello,
    main.fill.func1) are written by delve in the same Go syntax gomapviz
    uses: they must be equal (strings compared after unquoting delve's Go
    literal, integers exactly); floats compare by value;
  * a pointer delve did not follow, `(*main.User)(0x...)`, must have
    gomapviz's address; a nil (`nil`, `*nil`, `*T nil`) must be gomapviz's
    null or "0x0" (pointers, slices, maps, funcs);
  * types delve names (`main.Point {...}`, `[]string len: 2, cap: 2, [...]`,
    an interface's dynamic type `error(*errors.errorString) ...`) must be
    gomapviz's "type"/"dynamic_type"; a slice's len and cap must match;
  * entries are matched by key: a delve key matches a gomapviz entry whose
    key passes the same comparison (exactly one must); both must list the
    same number of entries, and a nested map's entries are compared the same
    way with gomapviz's dump of it by --addr (and its header count).

What delve writes differently from gomapviz, by design of either (accepted):

  * pointers: delve `*main.User {Name: "ann", ...}` or `*{...}`, gomapviz
    `&main.User{Name: "ann", ...}` / {"type": "*main.User", "target": ...};
    delve shows no address for a pointer it followed, gomapviz always does;
  * interfaces: delve prints a map value or key of interface type bare
    (`"int": 42`, `main.Point {X: 1, Y: 2}`; elsewhere `interface {}(int) 42`,
    `error(*errors.errorString) *{s: "boom"}`), gomapviz
    {"type": "interface {}", "dynamic_type": "int", "value": 42};
  * named constants: delve `Red (0)` without the package, gomapviz
    "main.Red" with the value 0 (text `main.Red (0)`): the names compare
    after the last dot, the values exactly;
  * complex numbers: delve `(0 + -0.5i)`, gomapviz `(0-0.5i)`: compared as
    numbers;
  * cycles and depth: delve re-prints a cycle (ann -> bob -> ann ...) until
    max-variable-recurse and then writes `*(*main.User)(0x...)`; gomapviz
    stops at the first repeat with "cycle": true. A cycle pointer is
    compared by following gomapviz's own decoding of that address;
  * byte slices: delve writes elements in decimal `[104,105]`, gomapviz
    JSON numbers (a byte array: {"hex"}), in text `[]uint8{104, 105}`;
  * map values: delve writes a nested map's entries inline, gomapviz gives
    its address and count (the entries come from a dump by --addr).

What delve shows that gomapviz does not (printed as NOTE lines, not
compared, never failures):

  * blank struct fields: delve `_: 0`; gomapviz leaves `_` fields out;
  * (compared, not noted: a closure's captured variables, delve
    `main.fill.func2 {n int = 0}`, gomapviz "captures": {"&n": ...}, Go
    1.23 and later; Go 1.19's DWARF does not describe them);
  * channels: delve prints the runtime hchan (qcount, dataqsiz, buf
    elements, elemtype...; a nil chan as `{}`); gomapviz gives a chan's type,
    address, and its len and cap (qcount and dataqsiz, which are compared).

Standard library only; shares Target/Gmv/Fail with e2e.py. Prints one line
per case and exits 1 if any case failed.
"""

import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import Fail, Gmv, Target, short  # noqa: E402

BUILDS = ["valuesample-go1.26", "valuesample-go1.19"]
MAPS = ["main.points", "main.users", "main.anys", "main.errs", "main.byteSlice", "main.pairs",
        "main.nested", "main.funcs", "main.colors", "main.complexes", "main.keyed", "main.bigKeys",
        "main.chans", "main.ptrKeys", "main.anyKeys"]
DLV_VERSION = "1.27.2"

# What delve is told to show, and gomapviz's limits above it (gomapviz must
# show at least what delve shows).
DLV_ARRAY_VALUES = 64
DLV_STRING_LEN = 4096
DLV_RECURSE = 10
GMV_DEPTH = 16
GMV_ELEMS = 128

DLV_TIMEOUT = 120
MARK = "@@gomapviz-values-delve "


# ---------------------------------------------------------------- delve's syntax

class Node:
    """One value as delve printed it."""

    def __init__(self, kind, **kw):
        self.kind = kind
        self.__dict__.update(kw)

    def __repr__(self):
        return "%s(%s)" % (self.kind, ", ".join("%s=%r" % kv for kv in sorted(self.__dict__.items())
                                                 if kv[0] != "kind"))


TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<more>\.\.\.\+\d+\ more)
  | (?P<ellipsis>\.\.\.)
  | (?P<hex>0x[0-9a-fA-F]+)
  | (?P<num>[+-]?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|Inf|NaN)i?)
  | (?P<ident>[A-Za-z_][\w.\/<>|]*)
  | (?P<punct>[{}\[\]():,*=+])
""", re.X)


def tokenize(text):
    out = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise Fail("cannot read delve's output at %r" % text[pos:pos + 60])
        pos = m.end()
        if m.lastgroup != "ws":
            out.append((m.lastgroup, m.group()))
    out.append(("eof", ""))
    return out


def go_unquote(lit):
    """A Go double-quoted literal (as strconv.Quote writes it) to str."""
    body = lit[1:-1]
    out = bytearray()
    i = 0
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34, "'": 39}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e in "uU":
            n = 4 if e == "u" else 8
            out += chr(int(body[i + 2:i + 2 + n], 16)).encode("utf-8")
            i += 2 + n
        elif e in "01234567":
            out.append(int(body[i + 1:i + 4], 8))
            i += 4
        else:
            raise Fail("unknown escape \\%s in delve's string %s" % (e, short(lit)))
    return out.decode("utf-8", "surrogateescape")


def number(text):
    if text.lstrip("+-") in ("Inf", "NaN"):
        return float(text)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return float(text)


class Parser:
    """A recursive-descent reader of delve's `print` output (pkg/proc's
    pretty printer): values with optional type prefixes, structs, lists,
    maps, pointers, interfaces, constants, funcs, complex numbers."""

    VALUE_END = {",", ":", "}", "]", ")", ""}

    def __init__(self, text):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    def peek(self, k=0):
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text):
        t = self.next()
        if t[1] != text:
            raise Fail("delve's output: expected %r, got %r near %s" % (text, t[1], self.context()))
        return t

    def context(self):
        return short(" ".join(t[1] for t in self.toks[max(0, self.i - 8):self.i + 8]), 200)

    def at_value_end(self, k=0):
        t = self.peek(k)
        return t[0] == "eof" or t[1] in self.VALUE_END

    # -- types
    def starts_type(self, k=0):
        t = self.peek(k)
        return t[0] == "ident" or t[1] in ("*", "[")

    def parse_type(self):
        t = self.next()
        if t[1] == "*":
            return "*" + self.parse_type()
        if t[1] == "[":
            n = ""
            if self.peek()[0] == "num":
                n = self.next()[1]
            self.expect("]")
            return "[%s]%s" % (n, self.parse_type())
        if t[0] != "ident":
            raise Fail("delve's output: expected a type, got %r near %s" % (t[1], self.context()))
        name = t[1]
        if name == "map" and self.peek()[1] == "[":
            self.next()
            k = self.parse_type()
            self.expect("]")
            return "map[%s]%s" % (k, self.parse_type())
        if name in ("interface", "struct") and self.peek()[1] == "{":
            return name + " " + self.balanced("{", "}")
        if name == "func" and self.peek()[1] == "(":
            sig = "func" + self.balanced("(", ")")
            if self.peek()[0] == "ident" or self.peek()[1] == "*":
                sig += " " + self.parse_type()
            return sig
        if name == "chan":
            return "chan " + self.parse_type()
        return name

    def balanced(self, open_, close):
        self.expect(open_)
        depth, parts = 1, [open_]
        while depth:
            t = self.next()
            if t[0] == "eof":
                raise Fail("delve's output: unbalanced %s" % open_)
            depth += {open_: 1, close: -1}.get(t[1], 0)
            parts.append(t[1])
        return " ".join(parts) if len(parts) > 2 else open_ + close

    # -- values
    def parse_value(self):
        kind, text = self.peek()
        if kind == "str":
            self.next()
            if self.peek()[0] == "more":
                raise Fail("delve shortened a string (%s): raise max-string-len" % self.peek()[1])
            return Node("str", value=go_unquote(text))
        if kind == "num":
            self.next()
            return Node("num", value=number(text))
        if kind == "hex":
            self.next()
            return Node("num", value=int(text, 16))
        if kind == "ellipsis":
            self.next()
            return Node("elided")
        if text == "*":
            self.next()
            return Node("ptr", target=self.parse_value())
        if text == "{":
            return self.parse_struct(None)
        if text == "[":
            return self.parse_bracket()
        if text == "(":
            return self.parse_paren()
        if kind == "ident":
            return self.parse_ident()
        raise Fail("delve's output: unexpected %r near %s" % (text, self.context()))

    def parse_ident(self):
        name = self.peek()[1]
        nxt = self.peek(1)[1]
        if name in ("true", "false") and self.at_value_end(1):
            self.next()
            return Node("bool", value=name == "true")
        if name == "nil":
            self.next()
            return Node("nil")
        if name in ("interface", "map", "chan", "func", "struct") and nxt in ("{", "[", "(") or \
                name == "chan":
            typ = self.parse_type()
            if self.peek()[1] == "(":     # interface {}(int) 42
                return self.parse_iface(typ)
            return self.typed(typ)
        if nxt == "(":
            if self.peek(2)[0] in ("num", "hex") and self.peek(3)[1] == ")":   # Red (0)
                self.next()
                self.next()
                value = number(self.next()[1])
                self.next()
                return Node("const", name=name, value=value)
            self.next()
            return self.parse_iface(name)
        if nxt == "{":
            after, after2 = self.peek(2), self.peek(3)
            if after[1] == "}" or (after[0] == "ident" and after2[1] == ":"):
                self.next()
                return self.parse_struct(name)
            # main.fill.func2 {\n n int = 0\n}: a closure and its captured variables
            self.next()
            return Node("func", name=name, captures=self.balanced("{", "}"))
        if self.at_value_end(1):
            self.next()
            return Node("func", name=name, captures=None)
        return self.typed(self.parse_type())

    def typed(self, typ):
        if self.peek()[0] == "ident" and self.peek()[1] == "len" and self.peek(1)[1] == ":":
            self.next()
            self.next()
            length = number(self.next()[1])
            self.expect(",")
            self.expect("cap")
            self.expect(":")
            cap = number(self.next()[1])
            self.expect(",")
            v = self.parse_value()
            v.len, v.cap = length, cap
        else:
            v = self.parse_value()
        v.type = typ
        return v

    def parse_iface(self, typ):
        self.expect("(")
        dyn = self.parse_type()
        self.expect(")")
        return Node("iface", type=typ, dynamic_type=dyn, value=self.parse_value())

    def parse_struct(self, typ):
        self.expect("{")
        fields = []
        while self.peek()[1] != "}":
            if self.peek()[0] == "ellipsis":
                self.next()
                fields.append(("...", Node("elided")))
            else:
                name = self.next()
                if name[0] != "ident":
                    raise Fail("delve's output: expected a field name near %s" % self.context())
                self.expect(":")
                fields.append((name[1], self.parse_value()))
            if self.peek()[1] == ",":
                self.next()
        self.expect("}")
        n = Node("struct", fields=fields)
        if typ:
            n.type = typ
        return n

    def parse_bracket(self):
        # a type ([]T, [N]T) before a value, or a list or map literal
        k = 1
        if self.peek(1)[0] == "num":
            k = 2
        if self.peek(k)[1] == "]" and self.starts_type(k + 1) and not self.at_value_end(k + 1):
            return self.typed(self.parse_type())
        self.expect("[")
        elems, entries, more = [], [], 0
        while self.peek()[1] != "]":
            if self.peek()[0] == "more":
                more = int(re.search(r"\d+", self.next()[1]).group())
            else:
                v = self.parse_value()
                if self.peek()[1] == ":":
                    self.next()
                    entries.append((v, self.parse_value()))
                else:
                    elems.append(v)
            if self.peek()[1] == ",":
                self.next()
        self.expect("]")
        if entries and elems:
            raise Fail("delve's output: a list mixing entries and elements near %s" % self.context())
        if entries:
            return Node("map", entries=entries, more=more)
        return Node("list", elems=elems, more=more)

    def parse_paren(self):
        if self.peek(1)[1] == "*":               # (*main.User)(0xc000010000): not followed
            self.next()
            typ = self.parse_type()
            self.expect(")")
            self.expect("(")
            addr = self.next()
            self.expect(")")
            return Node("addr", type=typ, value=int(addr[1], 16) if addr[0] == "hex" else number(addr[1]))
        if self.peek(1)[0] == "num" and self.peek(2)[1] == "+":   # (1 + 2i)
            self.next()
            re_ = number(self.next()[1])
            self.expect("+")
            im = self.next()[1]
            self.expect(")")
            return Node("complex", value=complex(re_, number(im.rstrip("i"))))
        if self.peek(1)[1] == "unreadable":
            raise Fail("delve could not read a value: %s" % self.balanced("(", ")"))
        raise Fail("delve's output: unexpected ( near %s" % self.context())


def parse_print(text):
    p = Parser(text)
    v = p.parse_value()
    if p.peek()[0] != "eof":
        raise Fail("delve's output: left over after the value: %s" % p.context())
    return v


def split_dlv_output(out):
    """{var: the text delve printed for it} from one session's stdout."""
    sections = {}
    cur = None
    for line in out.splitlines():
        m = re.fullmatch(r'"%s(\S+)"' % re.escape(MARK), line.strip())
        if m:
            cur = m.group(1)
            sections[cur] = []
        elif cur is not None:
            if line.startswith("Would you like to kill the process?"):
                cur = None
            else:
                sections[cur].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


# ---------------------------------------------------------------- gomapviz's JSON

def is_ptr(g):
    return isinstance(g, dict) and isinstance(g.get("type"), str) and g["type"].startswith("*") \
        and "address" in g


def is_iface(g):
    return isinstance(g, dict) and "dynamic_type" in g


def is_map(g):
    return isinstance(g, dict) and isinstance(g.get("type"), str) and g["type"].startswith("map[") \
        and "implementation" in g


def is_chan(g):
    return isinstance(g, dict) and isinstance(g.get("type"), str) and \
        re.match(r"(<-)?chan\b", g["type"]) is not None


def is_func(g):
    return isinstance(g, dict) and isinstance(g.get("type"), str) and g["type"].startswith("func(")


def is_slice(g):
    return isinstance(g, dict) and "elems" in g and "cap" in g


def is_nil(g):
    if g is None:
        return True
    return isinstance(g, dict) and g.get("address") == "0x0" and \
        (is_ptr(g) or is_map(g) or is_chan(g) or is_func(g) or is_slice(g))


def addr(text):
    return int(text, 16)


def collect_targets(g, found):
    """address -> decoded target of every pointer gomapviz followed in g."""
    if isinstance(g, dict):
        if is_ptr(g) and "target" in g:
            found.setdefault(addr(g["address"]), g["target"])
        for v in g.values():
            collect_targets(v, found)
    elif isinstance(g, list):
        for v in g:
            collect_targets(v, found)
    return found


def nested_maps(g, found):
    """Every non-nil map gomapviz's value g holds: (address, type)."""
    if isinstance(g, dict):
        if is_map(g) and g.get("address") not in (None, "0x0") and not g.get("unreadable"):
            found.append((g["address"], g["type"]))
        for v in g.values():
            nested_maps(v, found)
    elif isinstance(g, list):
        for v in g:
            nested_maps(v, found)
    return found


def gshow(g):
    return short(json.dumps(g, sort_keys=True), 240)


def dshow(d):
    return short(repr(d), 240)


# ---------------------------------------------------------------- comparing

class Compare:
    """Walks a delve value and a gomapviz value together."""

    def __init__(self, nested_dumps, notes, tally):
        self.nested = nested_dumps   # map address (int) -> gomapviz's dump of it
        self.notes = notes           # what delve shows that gomapviz does not
        self.tally = tally           # Counter: leaves compared, by kind
        self.counting = False
        self.targets = {}

    def entry(self, dk, dv, gentry, path):
        problems = []
        self.targets = {}
        collect_targets(gentry.get("key"), self.targets)
        collect_targets(gentry.get("value"), self.targets)
        self.counting = True
        self.value(dk, gentry.get("key"), path + " key", problems)
        self.value(dv, gentry.get("value"), path, problems)
        self.counting = False
        return problems

    def key_matches(self, dk, gkey):
        self.targets = collect_targets(gkey, {})
        problems = []
        self.value(dk, gkey, "key", problems, note=False)
        return not problems

    def compare_captures(self, d, g, bad, noted):
        """A closure's captured variables: delve `{ n int = 0 }` (the
        variable, dereferenced when captured by reference), gomapviz
        "captures": {"&n": {"type": "*int", "target": 0}} (DWARF's name)."""
        got = g.get("captures") or {}
        for name, value in re.findall(r'(\w+) [^=]*?= (-?[0-9.]+|"(?:[^"\\]|\\.)*"|true|false)', d.captures):
            mine = got.get(name, got.get("&" + name))
            if isinstance(mine, dict) and "&" + name in got:
                mine = mine.get("target")
            want = json.loads(value)
            if mine is None:
                bad("closure %s: no captured variable %s (delve: %s)" % (d.name, name, value))
            elif mine != want:
                bad("closure %s: captured %s = %r, gomapviz %r" % (d.name, name, want, mine))
            elif self.counting:
                self.tally["num" if isinstance(want, (int, float)) and not isinstance(want, bool) else "str"] += 1
        if not re.findall(r'(\w+) [^=]*?= ', d.captures):
            noted("closure %s captures %s, not compared" % (d.name, short(d.captures, 120)))

    def value(self, d, g, path, problems, note=True):
        def bad(what):
            problems.append("%s: %s (delve %s; gomapviz %s)" % (path, what, dshow(d), gshow(g)))

        def noted(what):
            if note:
                self.notes.append("%s: %s" % (path, what))

        k = d.kind
        if self.counting and k in ("str", "num", "bool", "const", "complex", "func", "addr", "nil"):
            self.tally[k] += 1
        # where delve writes no pointer or interface, gomapviz's is looked through
        if k != "iface" and is_iface(g) and k not in ("nil",):
            g = g.get("value")
        if is_chan(g):
            if k not in ("nil", "struct"):
                bad("a chan, but delve printed a %s" % k)
            elif k == "struct" and d.fields:
                fields = dict(d.fields)
                for field, member in (("qcount", "len"), ("dataqsiz", "cap")):
                    got = fields.get(field)
                    if got is None or got.kind != "num":
                        bad("delve printed no number for the chan's %s" % field)
                    elif g.get(member) != got.value:
                        bad("chan %s %s, gomapviz %s %s" % (field, got.value, member, g.get(member)))
                    elif self.counting:
                        self.tally["num"] += 1
                rest = [f for f, _ in d.fields if f not in ("qcount", "dataqsiz")]
                noted("channel internals %s (gomapviz gives the chan's address %s, len and cap)" % (
                    short(", ".join(rest), 120), g.get("address")))
            elif k == "struct" and g.get("address") != "0x0":
                bad("delve prints an empty (nil) chan, gomapviz an address")
            return
        typ = getattr(d, "type", None)
        if typ is not None and k not in ("nil", "iface", "addr") and isinstance(g, dict) and \
                isinstance(g.get("type"), str) and (k == "struct" or is_slice(g)):
            if g["type"] != typ:
                bad("type %s, gomapviz %s" % (typ, g["type"]))
        if k == "nil":
            if not is_nil(g):
                bad("delve shows nil")
            return
        if k == "elided":
            return
        if k == "str":
            if g != d.value:
                bad("string %s" % json.dumps(d.value))
        elif k == "num":
            if isinstance(g, dict) and "const" in g:
                g = g.get("value")   # delve prints a named type's value with no constant bare
            if isinstance(g, bool) or not isinstance(g, (int, float)) or not same_number(d.value, g):
                bad("number %r" % d.value)
        elif k == "bool":
            if g is not d.value:
                bad("bool %r" % d.value)
        elif k == "const":
            if not isinstance(g, dict) or "const" not in g:
                bad("constant %s (%r)" % (d.name, d.value))
            elif g["const"].rsplit(".", 1)[-1] != d.name.rsplit(".", 1)[-1] or \
                    not same_number(d.value, g.get("value")):
                bad("constant %s (%r)" % (d.name, d.value))
        elif k == "complex":
            if not isinstance(g, dict) or "real" not in g or \
                    complex(g["real"], g["imag"]) != d.value:
                bad("complex %r" % d.value)
        elif k == "func":
            if not is_func(g):
                bad("func %s" % d.name)
            elif g.get("func") != d.name:
                bad("function name %s" % d.name)
            elif d.captures:
                self.compare_captures(d, g, bad, noted)
        elif k == "addr":
            if not is_ptr(g) or addr(g["address"]) != d.value:
                bad("pointer not followed, address 0x%x" % d.value)
        elif k == "ptr":
            if not is_ptr(g):
                bad("a pointer")
                return
            inner = d.target
            if inner.kind == "nil":
                if g.get("address") != "0x0":
                    bad("a nil pointer")
                return
            if inner.kind == "addr":
                self.value(inner, g, path, problems, note)
                return
            if g.get("address") == "0x0":
                bad("a non-nil pointer")
                return
            if "target" in g:
                self.value(inner, g["target"], "%s.*" % path, problems, note)
            elif addr(g["address"]) in self.targets:   # a cycle: decoded once, higher up
                self.value(inner, self.targets[addr(g["address"])], "%s.*" % path, problems, note)
            else:
                bad("delve follows the pointer, gomapviz does not (%s)" % ", ".join(
                    m for m in ("cycle", "depth_limit", "unreadable", "unknown_type") if g.get(m)))
        elif k == "iface":
            if not is_iface(g):
                bad("an interface")
                return
            if g.get("type") != d.type:
                bad("interface type %s" % d.type)
            if g.get("dynamic_type") != d.dynamic_type:
                bad("dynamic type %s" % d.dynamic_type)
            self.value(d.value, g.get("value"), "%s.(%s)" % (path, d.dynamic_type), problems, note)
        elif k == "struct":
            if not isinstance(g, dict) or not isinstance(g.get("fields"), dict):
                bad("a struct")
                return
            for name, dv in d.fields:
                if name == "_":
                    noted("blank field _: %s (gomapviz leaves blank fields out)" % dshow(dv))
                    continue
                if name == "...":
                    continue
                if name not in g["fields"]:
                    bad("field %s" % name)
                    continue
                self.value(dv, g["fields"][name], "%s.%s" % (path, name), problems, note)
        elif k == "list":
            if is_map(g):
                if d.elems:
                    bad("a map")
                elif g.get("count") != 0:
                    bad("an empty map, gomapviz count %s" % g.get("count"))
                return
            if isinstance(g, dict) and "hex" in g:
                gel = list(bytes.fromhex(g["hex"]))
                glen = len(gel)
            elif isinstance(g, dict) and "elems" in g:
                gel = g["elems"]
                glen = g.get("len")
            elif isinstance(g, list):
                gel, glen = g, len(g)
            else:
                bad("a list")
                return
            if getattr(d, "len", None) is not None and d.len != glen:
                bad("len %s, gomapviz %s" % (d.len, glen))
            if getattr(d, "cap", None) is not None and is_slice(g) and d.cap != g.get("cap"):
                bad("cap %s, gomapviz %s" % (d.cap, g.get("cap")))
            if not d.more and len(d.elems) != glen:
                bad("%d elements, gomapviz len %s" % (len(d.elems), glen))
            if len(d.elems) > len(gel):
                bad("%d elements shown, gomapviz decoded %d" % (len(d.elems), len(gel)))
            for i, (de, ge) in enumerate(zip(d.elems, gel)):
                self.value(de, ge, "%s[%d]" % (path, i), problems, note)
        elif k == "map":
            if not is_map(g):
                bad("a map")
                return
            if not d.more and g.get("count") != len(d.entries):
                bad("%d entries, gomapviz count %s" % (len(d.entries), g.get("count")))
            dump = self.nested.get(addr(g["address"]))
            if dump is None:
                bad("no dump of the map at %s" % g["address"])
                return
            saved = self.targets
            problems.extend(compare_map(d, dump, path, self.nested, self.notes, self.tally))
            self.targets = saved
        else:
            bad("delve value of kind %s" % k)


def same_number(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return fa == fb or (fa != fa and fb != fb)


def compare_map(dmap, model, path, nested, notes, tally):
    """Problems between delve's map node and gomapviz's dump of the map."""
    problems = []
    gentries = model.get("entries") or []
    if model.get("anomalies"):
        problems.append("%s: gomapviz lists anomalies %s" % (path, short(json.dumps(model["anomalies"]))))
    if not dmap.more and len(dmap.entries) != len(gentries):
        problems.append("%s: delve shows %d entries, gomapviz %d" % (path, len(dmap.entries), len(gentries)))
    used = set()
    for dk, dv in dmap.entries:
        cmp = Compare(nested, notes, tally)
        matches = [i for i, e in enumerate(gentries) if cmp.key_matches(dk, e.get("key"))]
        kpath = "%s[%s]" % (path, short(key_text(dk), 80))
        if len(matches) != 1:
            problems.append("%s: delve's key matches %d gomapviz keys%s" % (
                kpath, len(matches), "" if matches else " (" + short(json.dumps(
                    [e.get("key") for e in gentries]), 300) + ")"))
            continue
        if matches[0] in used:
            problems.append("%s: two delve keys match one gomapviz entry" % kpath)
        used.add(matches[0])
        problems.extend(cmp.entry(dk, dv, gentries[matches[0]], kpath))
    return problems


def key_text(d):
    """A short, readable form of a delve key for messages."""
    k = d.kind
    if k == "str":
        return json.dumps(d.value)
    if k == "bool":
        return "true" if d.value else "false"
    if k == "num":
        return repr(d.value)
    if k == "const":
        return "%s (%s)" % (d.name, d.value)
    if k == "complex":
        return "(%r%+ri)" % (d.value.real, d.value.imag)
    if k == "struct":
        return "{%s}" % ", ".join("%s: %s" % (n, key_text(v)) for n, v in d.fields)
    if k == "list":
        return "[%s]" % ",".join(key_text(v) for v in d.elems)
    if k == "ptr":
        return "*" + key_text(d.target)
    if k == "iface":
        return "%s(%s) %s" % (d.type, d.dynamic_type, key_text(d.value))
    if k == "func":
        return d.name
    if k == "addr":
        return "(%s)(0x%x)" % (d.type, d.value)
    return k


# ---------------------------------------------------------------- running

class Runner:
    def __init__(self, args):
        self.gmv = Gmv(args.gomapviz)
        self.go_dir = args.go_dir
        self.dlv = args.dlv
        self.only = re.compile(args.only) if args.only else None
        self.tmp = tempfile.mkdtemp(prefix="gmv-delve-")
        self.counts = collections.Counter()
        self.failed = []
        self.notes = []

    def case(self, name, fn, *args):
        if self.only and not self.only.search(name):
            return None
        t0 = time.monotonic()
        result = None
        try:
            result = fn(*args)
            status, reason = "PASS", result if isinstance(result, str) else ""
        except Fail as e:
            status, reason = "FAIL", str(e)
            self.failed.append(name)
        self.counts[status] += 1
        print("%s %s (%.1fs)%s" % (status, name, time.monotonic() - t0, (": " + reason) if reason else ""),
              flush=True)
        return result

    def check_dlv(self):
        if not os.access(self.dlv, os.X_OK):
            raise Fail("no delve at %s (install it: bash scripts/install-delve.sh)" % self.dlv)
        cp = subprocess.run([self.dlv, "version"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=60)
        m = re.search(r"^Version: (\S+)", cp.stdout.decode("utf-8", "replace"), re.M)
        if not m or m.group(1) != DLV_VERSION:
            raise Fail("%s is delve %s, expected %s (scripts/install-delve.sh)" % (
                self.dlv, m.group(1) if m else "?", DLV_VERSION))

    def gmv_dumps(self, target):
        """{var: gomapviz's dump}, and {address: dump} of every nested map."""
        dumps, nested = {}, {}
        for var in MAPS:
            dumps[var] = self.gmv.dump("--pid", str(target.pid), "--var", var,
                                       "--depth", str(GMV_DEPTH), "--elems", str(GMV_ELEMS))
            todo = nested_maps([e.get("value") for e in dumps[var].get("entries") or []] +
                               [e.get("key") for e in dumps[var].get("entries") or []], [])
            while todo:
                a, typ = todo.pop()
                if addr(a) in nested:
                    continue
                nested[addr(a)] = d = self.gmv.dump("--pid", str(target.pid), "--addr", a, "--type", typ,
                                                    "--depth", str(GMV_DEPTH), "--elems", str(GMV_ELEMS))
                todo += nested_maps([e.get("value") for e in d.get("entries") or []] +
                                    [e.get("key") for e in d.get("entries") or []], [])
        target.check_running("gomapviz dump")
        return dumps, nested

    def run_dlv(self, target, build):
        init = os.path.join(self.tmp, build + ".dlv-init")
        with open(init, "w") as f:
            f.write("config max-array-values %d\n" % DLV_ARRAY_VALUES)
            f.write("config max-string-len %d\n" % DLV_STRING_LEN)
            f.write("config max-variable-recurse %d\n" % DLV_RECURSE)
            for var in MAPS:
                f.write('print "%s%s"\n' % (MARK, var))
                f.write("print %s\n" % var)
            f.write("exit\n")
        cmd = [self.dlv, "attach", str(target.pid), "--init", init, "--allow-non-terminal-interactive=true"]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True, cwd=self.tmp)
        try:
            # "Would you like to kill the process? [Y/n]": no
            out, err = proc.communicate(b"n\n", timeout=DLV_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            os.kill(target.pid, signal.SIGCONT)
            raise Fail("dlv attach took more than %d s" % DLV_TIMEOUT)
        out = out.decode("utf-8", "replace")
        err = err.decode("utf-8", "replace")
        with open(os.path.join(self.tmp, build + ".dlv-out"), "w") as f:
            f.write(out)
        if proc.returncode != 0:
            raise Fail("dlv attach exited %d: %s %s" % (proc.returncode, short(err), short(out[-300:])))
        target.check_running("dlv attach and detach")
        sections = split_dlv_output(out)
        missing = [v for v in MAPS if not sections.get(v)]
        if missing:
            raise Fail("delve printed nothing for %s: %s %s" % (", ".join(missing), short(out[-300:]),
                                                              short(err)))
        return sections

    def compare_var(self, var, text, model, nested):
        dmap = parse_print(text)
        if dmap.kind != "map":
            raise Fail("delve printed a %s, not a map: %s" % (dmap.kind, short(text)))
        gtype = (model.get("map") or {}).get("type")
        if getattr(dmap, "type", None) != gtype:
            raise Fail("delve's type %s, gomapviz's %s" % (getattr(dmap, "type", None), gtype))
        if dmap.more:
            raise Fail("delve left out %d entries (raise max-array-values)" % dmap.more)
        notes, tally = [], collections.Counter()
        problems = compare_map(dmap, model, var, nested, notes, tally)
        if problems:
            raise Fail("%d difference(s): %s" % (len(problems), "; ".join(problems[:6])))
        self.notes.extend(notes)
        if not tally:
            raise Fail("no value of delve's was compared")
        return "%d entries, %d leaves (%s)" % (len(dmap.entries), sum(tally.values()), ", ".join(
            "%s %d" % kv for kv in sorted(tally.items())))

    def build(self, build):
        exe = os.path.join(self.go_dir, build)
        if not os.path.isfile(exe):
            raise Fail("missing build %s" % exe)
        target = Target(exe, "values", self.tmp)
        try:
            dumps, nested = self.gmv_dumps(target)
            sections = self.run_dlv(target, build)
            return dumps, nested, sections
        finally:
            target.kill()

    def run(self):
        if self.case("delve " + DLV_VERSION, self.check_dlv) is None and self.failed:
            return
        for build in BUILDS:
            got = self.case("%s/gomapviz-and-delve" % build, self.build, build)
            if got is None:
                continue
            dumps, nested, sections = got
            for var in MAPS:
                self.case("%s/%s" % (build, var), self.compare_var, var, sections[var], dumps[var], nested)
            for n in sorted(set(self.notes)):
                print("NOTE %s/%s: delve shows, gomapviz does not: %s" % (build, n.split("[", 1)[0], n))
            self.notes = []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gomapviz", required=True)
    ap.add_argument("--go-dir", required=True)
    ap.add_argument("--dlv", required=True, help="delve %s (scripts/install-delve.sh)" % DLV_VERSION)
    ap.add_argument("--only")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    args.gomapviz, args.go_dir, args.dlv = (os.path.abspath(p) for p in (args.gomapviz, args.go_dir, args.dlv))
    r = Runner(args)
    try:
        r.run()
    finally:
        for t in list(Target.live):
            t.kill()
        if args.keep_temp:
            print("temporary files kept in " + r.tmp)
        else:
            shutil.rmtree(r.tmp, ignore_errors=True)
    print("values_delve: %d passed, %d failed" % (r.counts["PASS"], r.counts["FAIL"]))
    if r.failed:
        print("failed: " + ", ".join(r.failed))
    return 1 if r.failed or not r.counts["PASS"] else 0


if __name__ == "__main__":
    sys.exit(main())
