#!/usr/bin/env bash
# Installs what gomapviz needs (Debian 12, as root), builds it, and shows the
# map in a shipped sample snapshot (captured from a real Go 1.19 process):
# a summary, the model as JSON, and a picture.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target gomapviz >/dev/null
sample=${1:-samples/snapshots/small.gmvs}
./build/gomapviz stats "$sample"
./build/gomapviz dump "$sample" -o build/demo.json
./build/gomapviz render "$sample" -o build/demo.svg
echo
grep -m 4 '{"key"' build/demo.json
echo "..."
echo "wrote build/demo.json (the whole model) and build/demo.svg (the picture)"
