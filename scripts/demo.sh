#!/usr/bin/env bash
# Installs what gomapviz needs (Debian 12, as root), builds it, and shows the
# map in the shipped sample snapshot (captured from a real Go 1.19 process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target gomapviz >/dev/null
sample=${1:-samples/snapshots/strint.gmvs}
./build/gomapviz stats "$sample"
echo
echo "first entries of: ./build/gomapviz dump $sample"
./build/gomapviz dump "$sample" | sed -n '/"entries"/,/^  \]/p' | head -8
