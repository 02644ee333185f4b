#!/usr/bin/env bash
# Captures the sample snapshots in samples/snapshots/ from real Go processes
# (samples/go/mapsample built with Debian's Go 1.19) and renders their pictures
# into samples/pictures/ (the README describes the pictures committed now:
# update its text if you capture new ones). Needs a built ./build/gomapviz (scripts/test.sh or
# scripts/demo.sh builds it). Every run gives new addresses and hash seeds.
# "capture-samples.sh diffs" captures only the phased maps and their diffs;
# "capture-samples.sh pictures" captures nothing: it draws the pictures and
# diffs again from the committed snapshots (after a change to the drawing).
set -euo pipefail
cd "$(dirname "$0")/.."
gomapviz=${GOMAPVIZ:-./build/gomapviz}
mode=${1:-all}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$mode" != pictures ]; then
    go119=$(bash scripts/go-toolchains.sh path go1.19)
    (cd samples/go/mapsample && CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local "$go119" build -o "$work/mapsample" .)
fi
mkdir -p samples/snapshots samples/pictures

# capture SCENARIO VARIABLE NAME: run the target, capture its map, stop it.
capture() {
    local scenario=$1 variable=$2 name=$3
    coproc target { exec "$work/mapsample" "$scenario"; }
    local view
    read -r view <&"${target[0]}"
    "$gomapviz" capture --pid "$target_PID" --var "$variable" -o "samples/snapshots/$name.gmvs"
    echo quit >&"${target[1]}"
    wait "$target_PID" || true
}

if [ "$mode" = all ]; then
    capture small main.smallMap small
    capture chains main.chainMap chains
    capture growsmall main.growSmall grow-doubling
    capture samesmall main.sameSmall grow-same-size
    capture strint main.strInt strint
fi
if [ "$mode" != diffs ]; then
    for name in small chains grow-doubling grow-same-size strint; do
        "$gomapviz" render "samples/snapshots/$name.gmvs" -o "samples/pictures/$name.svg"
        "$gomapviz" render "samples/snapshots/$name.gmvs" -o "samples/pictures/$name.png"
    done
fi

# Diffs: a map captured in three phases (the program moves on at "next").
capture_phases() {
    local scenario=$1 variable=$2 name=$3
    coproc target { exec "$work/mapsample" "$scenario"; }
    local view
    for phase in 0 1 2; do
        read -r view <&"${target[0]}"
        "$gomapviz" capture --pid "$target_PID" --var "$variable" -o "samples/snapshots/$name-$phase.gmvs"
        [ "$phase" = 2 ] || echo next >&"${target[1]}"
    done
    echo quit >&"${target[1]}"
    wait "$target_PID" || true
}
if [ "$mode" != pictures ]; then
    capture_phases phases main.phaseMap phases
    capture_phases samephases main.samePhase samephases
fi
for pair in "phases-0 phases-1 diff-grow-start" "phases-1 phases-2 diff-grow-finish" \
            "samephases-1 samephases-2 diff-same-size-grow"; do
    set -- $pair
    for ext in txt svg png; do
        "$gomapviz" diff "samples/snapshots/$1.gmvs" "samples/snapshots/$2.gmvs" -o "samples/pictures/$3.$ext"
    done
done
