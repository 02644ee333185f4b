#!/usr/bin/env bash
# Installs the npm packages of tools/npm/package.json (versions pinned by its
# package-lock.json) into DIR (default /opt/gomapviz-npm): @panzoom/panzoom,
# which the build bundles into gomapviz's HTML pages, and playwright-core,
# which the page's tests drive Debian's Chromium with (no browser is
# downloaded). Needs node and npm (scripts/install-deps.sh installs them).
set -euo pipefail
dir=${1:-/opt/gomapviz-npm}
src="$(cd "$(dirname "$0")/.." && pwd)/tools/npm"
mkdir -p "$dir"
if ! cmp -s "$src/package-lock.json" "$dir/package-lock.json" || [ ! -d "$dir/node_modules" ]; then
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi
test -f "$dir/node_modules/@panzoom/panzoom/dist/panzoom.min.js"
test -f "$dir/node_modules/playwright-core/package.json"
echo "$dir"
