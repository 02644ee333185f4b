#!/usr/bin/env bash
# Runs the gomapviz command under valgrind memcheck on the sample snapshots
# (classic and Swiss): dump, stats and render -o .dot on every sample, render
# -o .svg and .png on a few (all of them with --all), diffs (a classic grow, a
# Swiss split as SVG, a small map turned into a table), focused pictures and HTML pages. Any memcheck error or leak fails
# (--error-exitcode), apart from Graphviz's and its font stack's own leaks,
# suppressed by tests/valgrind.supp (see the comments there).
#
#   bash scripts/valgrind.sh [--all] [BUILD_DIR]     (default BUILD_DIR: build)
#
# BUILD_DIR must be a build without sanitizers; it is configured and built if
# it has no gomapviz yet. Logs go to BUILD_DIR/valgrind/. Runs the jobs in
# parallel, one per CPU; about a minute on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."

all=false
if [ "${1:-}" = --all ]; then
    all=true
    shift
fi
build=${1:-build}

if ! command -v valgrind >/dev/null; then
    apt-get install -y valgrind >/dev/null
fi
if [ ! -x "$build/gomapviz" ]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j"$(nproc)" --target gomapviz >/dev/null
fi
if grep -q 'GMV_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
    echo "valgrind.sh: $build is a sanitizer build; give a normal one" >&2
    exit 2
fi

gomapviz=$(realpath "$build/gomapviz")
supp=$(realpath tests/valgrind.supp)
logs=$(realpath -m "$build/valgrind")
rm -rf "$logs"
mkdir -p "$logs/out"
snapshots=$(realpath samples/snapshots)

# One job per line: a name, then the gomapviz arguments.
jobs=()
for snap in "$snapshots"/*.gmvs; do
    name=$(basename "$snap" .gmvs)
    jobs+=("dump-$name dump $snap -o $logs/out/$name.json")
    jobs+=("stats-$name stats $snap")
    jobs+=("dot-$name render $snap -o $logs/out/$name.dot")
done
if $all; then
    pictures=$(cd "$snapshots" && ls *.gmvs | sed 's/\.gmvs$//')
else
    pictures="small grow-doubling grow-same-size chains swiss-tombstones swiss-tables"
fi
for name in $pictures; do
    jobs+=("svg-$name render $snapshots/$name.gmvs -o $logs/out/$name.svg")
done
for name in $($all && echo "$pictures" || echo "small grow-doubling swiss-small"); do
    jobs+=("png-$name render $snapshots/$name.gmvs -o $logs/out/$name.png")
done
jobs+=("diff-phases diff $snapshots/phases-0.gmvs $snapshots/phases-1.gmvs -o $logs/out/diff.json")
jobs+=("summary-strint render $snapshots/strint.gmvs --full-limit 8 --buckets 3-5 --key apple -o $logs/out/summary.dot")
jobs+=("diff-swiss-split diff $snapshots/swiss-split-0.gmvs $snapshots/swiss-split-1.gmvs -o $logs/out/diff-swiss.svg")
jobs+=("diff-swiss-small diff $snapshots/swiss-small-to-table-0.gmvs $snapshots/swiss-small-to-table-1.gmvs -o $logs/out/diff-swiss.json")
jobs+=("focus-swiss-table render $snapshots/swiss-tables.gmvs --table 2 --groups 0-3 -o $logs/out/focus-swiss.dot")
jobs+=("key-swiss render $snapshots/swiss-tombstones.gmvs --key sage -o $logs/out/key-swiss.dot")
jobs+=("html-swiss render $snapshots/swiss-tables.gmvs -o $logs/out/swiss-tables.html")
jobs+=("html-classic render $snapshots/grow-doubling.gmvs -o $logs/out/grow-doubling.html")
jobs+=("html-diff diff $snapshots/phases-0.gmvs $snapshots/phases-1.gmvs -o $logs/out/diff.html")

run_one() {
    local name=$1
    shift
    local status=0
    valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --track-fds=no --num-callers=40 --suppressions="$VG_SUPP" \
        --log-file="$VG_LOGS/$name.log" "$VG_GOMAPVIZ" "$@" \
        >"$VG_LOGS/$name.stdout" 2>"$VG_LOGS/$name.stderr" || status=$?
    # gomapviz exits 0, or 3 when the map has anomalies; 99 is valgrind's.
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
        echo "FAIL $name (exit $status): gomapviz $*"
        cat "$VG_LOGS/$name.log" "$VG_LOGS/$name.stderr"
        return 1
    fi
    echo "ok   $name"
}
export -f run_one
export VG_SUPP=$supp VG_LOGS=$logs VG_GOMAPVIZ=$gomapviz

start=$SECONDS
if printf '%s\n' "${jobs[@]}" | xargs -P "$(nproc)" -L 1 bash -c 'run_one "$@"' _; then
    echo "valgrind: ${#jobs[@]} runs clean in $((SECONDS - start)) s (logs in $logs)"
else
    echo "valgrind: memcheck found errors (logs in $logs)" >&2
    exit 1
fi
