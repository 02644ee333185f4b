#!/usr/bin/env bash
# Captures the sample snapshots in samples/snapshots/ from real Go processes
# (samples/go/mapsample built with Debian's Go) and renders their pictures
# into samples/pictures/ (the README describes the pictures committed now:
# update its text if you capture new ones). Needs a built ./build/gomapviz (scripts/test.sh or
# scripts/demo.sh builds it). Every run gives new addresses and hash seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
gomapviz=${GOMAPVIZ:-./build/gomapviz}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd samples/go/mapsample && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -o "$work/mapsample" .)
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

capture small main.smallMap small
capture chains main.chainMap chains
capture growsmall main.growSmall grow-doubling
capture samesmall main.sameSmall grow-same-size
capture strint main.strInt strint

for snapshot in samples/snapshots/*.gmvs; do
    name=$(basename "$snapshot" .gmvs)
    "$gomapviz" render "$snapshot" -o "samples/pictures/$name.svg"
    "$gomapviz" render "$snapshot" -o "samples/pictures/$name.png"
done
ls -l samples/snapshots samples/pictures
