#!/usr/bin/env bash
# Builds gomapviz in every CMake build type with gcc and with clang, warnings
# as errors, and runs the tests that need no live process in each (the unit
# tests, the committed snapshots, the JSON schema, the install check); the
# whole suite, live processes and cores included, runs in scripts/test.sh.
#
#   bash scripts/build-matrix.sh [BUILD_ROOT]     (default build-matrix/)
#
# Expects the packages of scripts/install-deps.sh (scripts/test.sh runs this
# after installing them).
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-build-matrix}
# (test_source_process starts and stops child processes: it runs in the two
# builds of scripts/test.sh with the other live-process tests)
offline='^(test_.*|old_snapshots|json_schema_doc|install)$'
live='^test_source_process$'
failed=()
mkdir -p "$root"
for cc in gcc clang; do
    for type in Debug Release RelWithDebInfo MinSizeRel; do
        dir=$root/$cc-$type
        start=$SECONDS
        if cmake -S . -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE="$type" -DGMV_WERROR=ON >"$dir.log" 2>&1 &&
            cmake --build "$dir" -j"$(nproc)" >>"$dir.log" 2>&1 &&
            ctest --test-dir "$dir" -R "$offline" -E "$live" --output-on-failure >>"$dir.log" 2>&1; then
            echo "build-matrix: $cc $type: $(grep -E 'tests passed' "$dir.log" | tail -n 1) ($((SECONDS - start)) s)"
        else
            echo "build-matrix: $cc $type FAILED; the end of $dir.log:"
            tail -n 30 "$dir.log"
            failed+=("$cc-$type")
        fi
    done
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "build-matrix: failed: ${failed[*]}"
    exit 1
fi
