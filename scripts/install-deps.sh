#!/usr/bin/env bash
# Installs the Debian 12 packages gomapviz builds and tests with (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
    build-essential cmake pkg-config \
    libdw-dev libelf-dev libjansson-dev libisal-dev zlib1g-dev libcmocka-dev \
    libgraphviz-dev graphviz libxml2-dev \
    clang groff-base golang-go gdb strace valgrind binutils python3 ca-certificates
# The Go toolchains the tests build their targets with (scripts/go-toolchains.sh).
bash "$(dirname "$0")/go-toolchains.sh" install
# delve v1.27.2 for tests/e2e/values_delve.py (Debian's 1.20 reads only old Go).
bash "$(dirname "$0")/install-delve.sh" /opt/gomapviz-dlv >/dev/null
