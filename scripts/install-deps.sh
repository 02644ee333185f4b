#!/usr/bin/env bash
# Installs the Debian 12 packages gomapviz builds and tests with (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
    build-essential cmake pkg-config \
    libdw-dev libelf-dev libjansson-dev libisal-dev zlib1g-dev libcmocka-dev \
    libgraphviz-dev graphviz libxml2-dev \
    clang groff-base golang-go gdb strace valgrind binutils python3 ca-certificates \
    chromium nodejs
# npm: Debian's, unless the node installed brings its own (nodesource's does,
# and conflicts with Debian's npm package).
command -v npm >/dev/null || apt-get install -y --no-install-recommends npm
# The npm packages (scripts/install-npm.sh): the pan-zoom library the HTML
# page bundles, and playwright-core for the page's tests in Chromium.
bash "$(dirname "$0")/install-npm.sh" /opt/gomapviz-npm >/dev/null
# The Go toolchains the tests build their targets with (scripts/go-toolchains.sh).
bash "$(dirname "$0")/go-toolchains.sh" install
# delve v1.27.2 for tests/e2e/values_delve.py (Debian's 1.20 reads only old Go).
bash "$(dirname "$0")/install-delve.sh" /opt/gomapviz-dlv >/dev/null
