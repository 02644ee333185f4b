#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) and runs the three at
# once (snapshot files, the classic model, the Swiss-table model), each with
# one worker, nice'd, for SECONDS (default 1860, 31 minutes).
# See docs/fuzzing.md.
#
#   bash scripts/fuzz.sh [--merge] [SECONDS]
#
# Work directories: build-fuzz/work/<harness>/ (corpus/, crashes in art/,
# libFuzzer's log in fuzz-0.log). Each run starts from the committed corpus
# tests/fuzz/corpus/<harness>, the regression inputs and fresh seeds (the
# sample snapshots for fuzz_snapshot; the same snapshots converted by
# make_model_seeds for fuzz_model and fuzz_swiss). With --merge, the work corpus is then
# minimized for edge coverage (-set_cover_merge=1 -use_counters=0) back into
# tests/fuzz/corpus/<harness>.
set -euo pipefail
cd "$(dirname "$0")/.."

merge=false
if [ "${1:-}" = --merge ]; then
    merge=true
    shift
fi
seconds=${1:-1860}
build=build-fuzz
root=$PWD

cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGMV_SANITIZE=ON -DGMV_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_snapshot fuzz_model fuzz_swiss make_model_seeds >/dev/null

harnesses=(snapshot model swiss)
work=$root/$build/work
for h in "${harnesses[@]}"; do
    mkdir -p "$work/$h/corpus" "$work/$h/art"
    ls "$work/$h/art" >"$work/$h/art-before" # findings of earlier runs are not this run's
    cp -n tests/fuzz/corpus/$h/* tests/fuzz/regressions/$h/* "$work/$h/corpus/" 2>/dev/null || true
done
cp -n samples/snapshots/*.gmvs "$work/snapshot/corpus/"
"$build/tests/fuzz/make_model_seeds" --snapshots "$work/snapshot/corpus" --swiss "$work/swiss/corpus" \
    "$work/model/corpus" samples/snapshots/*.gmvs >/dev/null

common=(-workers=1 -jobs=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
        -print_final_stats=1 -artifact_prefix=art/)
(cd "$work/snapshot" && nice -n 10 "$root/$build/tests/fuzz/fuzz_snapshot" "${common[@]}" \
    -dict="$root/tests/fuzz/snapshot.dict" corpus >run.out 2>&1) &
(cd "$work/model" && nice -n 10 "$root/$build/tests/fuzz/fuzz_model" "${common[@]}" corpus >run.out 2>&1) &
(cd "$work/swiss" && nice -n 10 "$root/$build/tests/fuzz/fuzz_swiss" "${common[@]}" corpus >run.out 2>&1) &
wait

status=0
for h in "${harnesses[@]}"; do
    echo "== fuzz_$h: $(grep -E '^stat::number_of_executed_units' "$work/$h/fuzz-0.log" || true)"
    grep -E '^(stat::|#[0-9]+.*DONE)' "$work/$h/fuzz-0.log" | tail -n 7 || true
    found=$(ls "$work/$h/art" | grep -vxF -f "$work/$h/art-before" || true)
    if [ -n "$found" ]; then
        echo "fuzz_$h found something: $(echo $found) (in $work/$h/art)"
        status=1
    fi
done

if $merge; then
    for h in "${harnesses[@]}"; do
        rm -rf "tests/fuzz/corpus/$h.new"
        mkdir -p "tests/fuzz/corpus/$h.new"
        "$build/tests/fuzz/fuzz_$h" -set_cover_merge=1 -use_counters=0 -max_len=65536 -timeout=10 \
            -rss_limit_mb=2048 "tests/fuzz/corpus/$h.new" "$work/$h/corpus" >"$work/$h/merge.log" 2>&1
        rm -rf "tests/fuzz/corpus/$h"
        mv "tests/fuzz/corpus/$h.new" "tests/fuzz/corpus/$h"
        echo "tests/fuzz/corpus/$h: $(ls "tests/fuzz/corpus/$h" | wc -l) files, $(du -sh "tests/fuzz/corpus/$h" | cut -f1)"
    done
fi
exit $status
