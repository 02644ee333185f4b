#!/usr/bin/env python3
"""Counts the map entries a debugger printed, and how many of them are right.

Usage: count_entries.py dlv|gdb m64|mstr OUTPUT [BYTES]

bench/main.go fills main.m64 with i*7919+1 -> i and main.mstr with
"k%09d" -> "v%09d": so every printed pair can be checked on its own. Reads
the first BYTES bytes of OUTPUT (all of it without BYTES: a capped run is
judged on what it had printed when the cap came). Prints "right wrong".
"""
import re
import sys

PAIR = {
    # delve: one pair a line, "\tKEY: VALUE, "
    "dlv": re.compile(r'^\t(-?\d+|"[^"]*"): (-?\d+|"[^"]*"),[ \t]*$', re.M),
    # gdb + runtime-gdb.py: "[KEY] = VALUE" separated by ", "
    "gdb": re.compile(r'\[(-?\d+|"[^"]*")\] = (-?\d+|"[^"]*")'),
}


def right(kind, key, value):
    if kind == "m64":
        return key.lstrip("-").isdigit() and value.lstrip("-").isdigit() and int(key) == int(value) * 7919 + 1
    m = re.fullmatch(r'"k(\d{9})"', key)
    return bool(m) and value == '"v%s"' % m.group(1)


def main():
    tool, kind, path = sys.argv[1:4]
    with open(path, "rb") as fh:
        data = fh.read(int(sys.argv[4])) if len(sys.argv) > 4 else fh.read()
    text = data.decode("utf-8", "replace")
    good = bad = 0
    for key, value in PAIR[tool].findall(text):
        if right(kind, key, value):
            good += 1
        else:
            bad += 1
    print(good, bad)


if __name__ == "__main__":
    main()
