#!/usr/bin/env bash
# Renders the HTML pages of two committed sample snapshots and photographs
# them in Debian's Chromium (headless, through tests/browser/html_view.mjs):
# the pictures in samples/pictures/page-*.png that the README shows.
#   gomapviz render samples/snapshots/swiss-tables.gmvs -o swiss-tables.html
#   gomapviz render samples/snapshots/grow-doubling.gmvs -o grow-doubling.html
# Needs a built ./build/gomapviz and scripts/install-npm.sh's packages.
set -euo pipefail
cd "$(dirname "$0")/.."
gomapviz=${GOMAPVIZ:-./build/gomapviz}
npm_dir=${GMV_NPM_DIR:-/opt/gomapviz-npm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gomapviz" render samples/snapshots/swiss-tables.gmvs -o "$work/swiss-tables.html"
"$gomapviz" render samples/snapshots/grow-doubling.gmvs -o "$work/grow-doubling.html"
cat >"$work/plan.json" <<JSON
{"npm": "$npm_dir", "chromium": "/usr/bin/chromium", "shots": "$work",
 "pages": [{"name": "swiss-tables", "file": "$work/swiss-tables.html", "kind": "map", "search": ["3548980612462"]},
           {"name": "grow-doubling", "file": "$work/grow-doubling.html", "kind": "map", "search": []}]}
JSON
node tests/browser/html_view.mjs "$work/plan.json" >/dev/null
cp "$work/swiss-tables-search.png" samples/pictures/page-swiss-tables-search.png
cp "$work/swiss-tables-opened.png" samples/pictures/page-swiss-tables-table.png
cp "$work/grow-doubling-clicked.png" samples/pictures/page-grow-doubling-bucket.png
ls -l samples/pictures/page-*.png
