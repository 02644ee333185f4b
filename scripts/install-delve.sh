#!/usr/bin/env bash
# Installs the debugger delve (dlv) that tests/e2e/values_delve.py compares
# gomapviz's decoded values with. Debian 12's delve (1.20) reads only old Go,
# so this builds delve DLV_VERSION with the Go toolchain GO_VERSION (fetched
# by scripts/go-toolchains.sh if needed) from the Go module proxy:
#
#   bash scripts/install-delve.sh [DIR]     (DIR defaults to /opt/gomapviz-dlv)
#
# Does nothing if DIR/dlv already is that version. Prints the dlv path (the
# only line on standard output); progress goes to standard error.
set -euo pipefail

DLV_VERSION=v1.27.2
GO_VERSION=go1.26.11
DIR=${1:-/opt/gomapviz-dlv}
DLV=$DIR/dlv

installed_version() {
    # "Version: 1.27.2" -> v1.27.2
    "$1" version 2>/dev/null | awk '/^Version:/ {print "v" $2; exit}'
}

if [ -x "$DLV" ] && [ "$(installed_version "$DLV")" = "$DLV_VERSION" ]; then
    echo "$DLV"
    exit 0
fi

GO=$(bash "$(dirname "$0")/go-toolchains.sh" path "$GO_VERSION")
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
DLV=$DIR/dlv
echo "install-delve.sh: installing delve $DLV_VERSION with $GO_VERSION into $DIR" >&2
# From / so that no go.mod around the caller's directory is used; GOFLAGS
# emptied so that a caller's -mod=vendor or similar does not break the install.
(cd / && GOFLAGS= GOBIN=$DIR "$GO" install "github.com/go-delve/delve/cmd/dlv@$DLV_VERSION") >&2

got=$(installed_version "$DLV")
if [ "$got" != "$DLV_VERSION" ]; then
    echo "install-delve.sh: $DLV reports version '${got:-none}', expected $DLV_VERSION" >&2
    exit 1
fi
echo "$DLV"
