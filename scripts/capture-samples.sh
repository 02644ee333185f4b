#!/usr/bin/env bash
# Captures the sample snapshots in samples/snapshots/ from real Go processes
# and renders their pictures into samples/pictures/ (the README describes the
# pictures committed now: update its text if you capture new ones):
#   classic maps: samples/go/mapsample built with Debian's Go 1.19;
#   Swiss tables: samples/go/swisssample built with Go 1.26.11 (swiss-*);
#   decoded values: samples/go/valuesample built with Go 1.26.11 (values-*).
# Needs a built ./build/gomapviz (scripts/test.sh or scripts/demo.sh builds it).
# Every capture gives new addresses and hash seeds.
#
#   capture-samples.sh [all]     capture everything, then draw it
#   capture-samples.sh classic   capture the classic maps and their diffs, draw everything
#   capture-samples.sh swiss     capture the Swiss maps and their diffs, draw everything
#   capture-samples.sh values    capture the maps of structs, funcs, pointers, interfaces
#   capture-samples.sh diffs     capture only the classic phased maps, draw everything
#   capture-samples.sh pictures  capture nothing: draw again from the committed
#                                snapshots (after a change to the drawing)
set -euo pipefail
cd "$(dirname "$0")/.."
gomapviz=${GOMAPVIZ:-./build/gomapviz}
mode=${1:-all}
case "$mode" in all | classic | swiss | values | diffs | pictures) ;; *) echo "usage: $0 [all|classic|swiss|values|diffs|pictures]" >&2; exit 2 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p samples/snapshots samples/pictures

# build NAME DIR TOOLCHAIN: builds the Go program in DIR into $work/NAME.
build() {
    local go
    go=$(bash scripts/go-toolchains.sh path "$3")
    (cd "$2" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local "$go" build -o "$work/$1" .)
}

# capture EXE SCENARIO VARIABLE NAME [FLAGS...]: run the target, capture its
# map (with the capture FLAGS), stop it.
capture() {
    local exe=$1 scenario=$2 variable=$3 name=$4
    shift 4
    coproc target { exec "$work/$exe" "$scenario"; }
    local view
    read -r view <&"${target[0]}"
    "$gomapviz" capture --pid "$target_PID" --var "$variable" "$@" -o "samples/snapshots/$name.gmvs"
    echo quit >&"${target[1]}"
    wait "$target_PID" || true
}

# capture_phases EXE SCENARIO VARIABLE NAME: a map captured in three phases
# (the program moves on at "next").
capture_phases() {
    local exe=$1 scenario=$2 variable=$3 name=$4
    coproc target { exec "$work/$exe" "$scenario"; }
    local view
    for phase in 0 1 2; do
        read -r view <&"${target[0]}"
        "$gomapviz" capture --pid "$target_PID" --var "$variable" -o "samples/snapshots/$name-$phase.gmvs"
        [ "$phase" = 2 ] || echo next >&"${target[1]}"
    done
    echo quit >&"${target[1]}"
    wait "$target_PID" || true
}

if [ "$mode" = all ] || [ "$mode" = classic ] || [ "$mode" = diffs ]; then
    build mapsample samples/go/mapsample go1.19
    if [ "$mode" != diffs ]; then
        capture mapsample small main.smallMap small
        capture mapsample chains main.chainMap chains
        capture mapsample growsmall main.growSmall grow-doubling
        capture mapsample samesmall main.sameSmall grow-same-size
        capture mapsample strint main.strInt strint
    fi
    capture_phases mapsample phases main.phaseMap phases
    capture_phases mapsample samephases main.samePhase samephases
fi
if [ "$mode" = all ] || [ "$mode" = swiss ]; then
    build swisssample samples/go/swisssample go1.26.11
    capture swisssample fruits main.fruits swiss-small
    capture swisssample pantry main.pantry swiss-tombstones
    capture swisssample depths main.depthMap swiss-tables
    capture_phases swisssample splitphases main.splitPhases swiss-split
    capture_phases swisssample smallphases main.smallPhases swiss-small-to-table
fi

if [ "$mode" = all ] || [ "$mode" = values ]; then
    build valuesample samples/go/valuesample go1.26.11
    capture valuesample - main.keyed values-structs
    capture valuesample - main.funcs values-funcs
    capture valuesample - main.users values-pointers
    capture valuesample - main.anys values-interfaces
    capture valuesample - main.nested values-nested --nested 1
fi

# The pictures of every sample, and the diffs the README shows.
for name in small chains grow-doubling grow-same-size strint swiss-small swiss-tombstones swiss-tables; do
    "$gomapviz" render "samples/snapshots/$name.gmvs" -o "samples/pictures/$name.svg"
    "$gomapviz" render "samples/snapshots/$name.gmvs" -o "samples/pictures/$name.png"
done
# keys and values decoded through their types: wider cells
for name in values-structs values-funcs values-pointers values-interfaces values-nested; do
    "$gomapviz" render "samples/snapshots/$name.gmvs" --max-text 48 -o "samples/pictures/$name.svg"
    "$gomapviz" render "samples/snapshots/$name.gmvs" --max-text 48 -o "samples/pictures/$name.png"
done
for pair in "phases-0 phases-1 diff-grow-start" "phases-1 phases-2 diff-grow-finish" \
            "samephases-1 samephases-2 diff-same-size-grow" "swiss-split-0 swiss-split-1 diff-swiss-split" \
            "swiss-split-1 swiss-split-2 diff-swiss-directory" \
            "swiss-small-to-table-0 swiss-small-to-table-1 diff-swiss-small-to-table"; do
    set -- $pair
    for ext in txt svg png; do
        "$gomapviz" diff "samples/snapshots/$1.gmvs" "samples/snapshots/$2.gmvs" -o "samples/pictures/$3.$ext"
    done
done
