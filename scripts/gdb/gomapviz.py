"""gdb command `gomapviz`: run gomapviz on a map expression of the program
being debugged (a local variable, a parameter, a field: anything gdb can
evaluate to a Go map), without a second ptrace attach.

    (gdb) source /usr/local/share/gomapviz/gdb/gomapviz.py
    (gdb) gomapviz render m -o m.svg
    (gdb) gomapviz dump srv.routes -o routes.json
    (gdb) gomapviz stats m
    (gdb) gomapviz capture m -o m.gmvs

gdb evaluates the expression to the map's address and type; gomapviz then
reads the memory of the process gdb holds stopped (--pid PID --no-freeze,
with process_vm_readv: gdb is the tracer, gomapviz does not attach) or of
the core file gdb has open (--core CORE), with the executable gdb loaded
(--exe). Any further words are passed to gomapviz as they are. The
gomapviz program is $GOMAPVIZ, else the one installed beside this script
(PREFIX/bin/gomapviz for PREFIX/share/gomapviz/gdb/gomapviz.py), else the
one on PATH.
"""

import os
import re
import shlex
import shutil
import subprocess

import gdb

COMMANDS = ("render", "dump", "stats", "capture")


def gomapviz_program():
    if os.environ.get("GOMAPVIZ"):
        return os.environ["GOMAPVIZ"]
    here = os.path.dirname(os.path.abspath(__file__))
    installed = os.path.normpath(os.path.join(here, "..", "..", "..", "bin", "gomapviz"))
    if os.access(installed, os.X_OK):
        return installed
    return shutil.which("gomapviz") or "gomapviz"


def core_file():
    """The core file gdb has open, or None."""
    text = gdb.execute("info target", to_string=True)
    m = re.search(r"Local core dump file:\s*\n?\s*`([^']+)'", text)
    return m.group(1) if m else None


def map_of(expression):
    """The address and Go type of the map `expression` evaluates to."""
    value = gdb.parse_and_eval(expression)
    type_name = str(value.type)
    target = value.type.strip_typedefs()
    if target.code != gdb.TYPE_CODE_PTR or target.target().strip_typedefs().code != gdb.TYPE_CODE_STRUCT:
        raise gdb.GdbError("gomapviz: %s is a %s, not a Go map" % (expression, type_name))
    address = int(value)
    if address == 0:
        raise gdb.GdbError("gomapviz: %s is a nil map: nothing to show" % expression)
    return address, type_name


class GomapvizCommand(gdb.Command):
    """Run gomapviz on a Go map of the program being debugged.
Usage: gomapviz render|dump|stats|capture EXPRESSION [gomapviz options, e.g. -o m.svg]"""

    def __init__(self):
        super().__init__("gomapviz", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        words = shlex.split(argument)
        if len(words) < 2 or words[0] not in COMMANDS:
            raise gdb.GdbError("usage: gomapviz render|dump|stats|capture EXPRESSION [options]")
        command, expression, rest = words[0], words[1], words[2:]
        address, type_name = map_of(expression)
        exe = gdb.current_progspace().filename
        core = core_file()
        pid = gdb.selected_inferior().pid
        if core:
            source = ["--core", core]
        elif pid:
            source = ["--pid", str(pid), "--no-freeze"]
        else:
            raise gdb.GdbError("gomapviz: no process and no core file: run the program or open a core first")
        cmd = [gomapviz_program(), command] + source + ["--exe", exe, "--addr", "0x%x" % address,
                                                        "--type", type_name] + rest
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.stdout:
            gdb.write(done.stdout)
        if done.returncode not in (0, 3):
            raise gdb.GdbError(done.stderr.strip() or "gomapviz exited %d" % done.returncode)
        if done.stderr:
            gdb.write(done.stderr)


GomapvizCommand()
