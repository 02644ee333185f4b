#!/usr/bin/env bash
# ctest `install`: what `cmake --install` gives a user, checked as a user would.
#   check_install.sh BUILD_DIR SOURCE_DIR
# Installs BUILD_DIR into a temporary prefix, then: the installed gomapviz
# runs (found its library through its RPATH) and reads a sample; the man
# page formats without a warning; a small C program (use_library.c) builds
# with `pkg-config --cflags --libs gomapviz` alone and reads the samples as the
# installed gomapviz does; each public header compiles on its own; and the
# shared library exports exactly the functions the public headers declare.
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }
gmv=$work/prefix/bin/gomapviz
[ -x "$gmv" ] || fail "no bin/gomapviz installed"
pc=$(find "$work/prefix" -name gomapviz.pc)
[ -n "$pc" ] || fail "no gomapviz.pc installed"
lib=$(find "$work/prefix" -name 'libgomapviz.so.0')
[ -n "$lib" ] || fail "no libgomapviz.so.0 installed"
for helper in gdb/gomapviz.py delve/gomapviz.star; do
    [ -f "$work/prefix/share/gomapviz/$helper" ] || fail "no debugger helper share/gomapviz/$helper installed"
done
python3 -m py_compile "$work/prefix/share/gomapviz/gdb/gomapviz.py" || fail "the gdb helper does not compile"
man=$work/prefix/share/man/man1/gomapviz.1
[ -f "$man" ] || fail "no man page installed"

# the installed tool, with no help from the environment
env -u LD_LIBRARY_PATH "$gmv" --version | grep -qx 'gomapviz 0.1.0' || fail "installed gomapviz --version"
warnings=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
[ -z "$warnings" ] || fail "man page: $warnings"

# a program built with pkg-config alone reads what the tool reads (a
# sanitizer build of the library needs its runtime in the program too)
export PKG_CONFIG_PATH=$(dirname "$pc")
sanitize=()
grep -q '^GMV_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && sanitize=(-fsanitize=address,undefined)
cc -std=c11 -Wall -Wextra -Wpedantic -Werror "${sanitize[@]}" $(pkg-config --cflags gomapviz) \
    "$source/tests/install/use_library.c" -o "$work/use_library" $(pkg-config --libs gomapviz) \
    -Wl,-rpath,"$(dirname "$lib")" || fail "use_library.c does not build with pkg-config"
for sample in small.gmvs chains.gmvs swiss-small.gmvs swiss-tables.gmvs; do
    path=$source/samples/snapshots/$sample
    got=$("$work/use_library" "$path") || fail "use_library $sample"
    want=$("$gmv" dump "$path" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["map"]["implementation"], len(d["entries"]))') || true
    [ "$got" = "$want" ] || fail "use_library $sample says '$got', gomapviz dump '$want'"
done

# each public header on its own
for h in "$work"/prefix/include/gomapviz/*.h; do
    echo "#include <gomapviz/$(basename "$h")>" | cc -std=c11 -Wall -Wextra -Wpedantic -Werror \
        $(pkg-config --cflags gomapviz) -fsyntax-only -x c - || fail "$(basename "$h") does not compile alone"
done

# exported: exactly the functions declared in the public headers
for h in "$work"/prefix/include/gomapviz/*.h; do
    gcc -fpreprocessed -dD -E -P "$h" # the header without its comments
done | grep -ohE '\bgmv_[a-z0-9_]+[[:space:]]*\(' | tr -d ' (' | sort -u >"$work/declared"
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u >"$work/exported"
if ! diff -u "$work/declared" "$work/exported" >"$work/symbols.diff"; then
    cat "$work/symbols.diff" >&2
    fail "libgomapviz.so exports other symbols than the public headers declare (- declared only, + exported only)"
fi
echo "install: $(wc -l <"$work/exported") public functions; tool, man page, pkg-config, headers OK"
