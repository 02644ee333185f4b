#!/usr/bin/env bash
# The Go toolchains gomapviz's tests build their target programs with, each
# named explicitly (the `go` on PATH is whatever the machine has, not a
# toolchain the tests rely on):
#
#   go1.19     Debian 12's golang-go (/usr/lib/go-1.19/bin/go): classic maps
#   go1.23.12  the last release with only classic maps
#   go1.24.13  Swiss tables (and classic with GOEXPERIMENT=noswissmap)
#   go1.25.14  Swiss tables (and classic with GOEXPERIMENT=noswissmap)
#   go1.26.11  Swiss tables only
#   go1.27.4   Swiss tables (and split groups with GOEXPERIMENT=mapsplitgroup)
#
# Each release after 1.19 is the newest patch release the Go module proxy
# served on 2026-12-01; it is fetched as the module golang.org/toolchain by a
# go command of 1.21 or later (GOTOOLCHAIN=VERSION go ...), into the module
# cache ($(go env GOMODCACHE), about 70 MB each). That go command is
# /usr/local/go/bin/go or the go on PATH; on a machine with neither, Go
# 1.26.11 itself is downloaded from the proxy (a zip over HTTPS) into
# /opt/gomapviz-go (GMV_GO_BOOTSTRAP_DIR) first.
#
#   bash scripts/go-toolchains.sh list           the versions above, one a line
#   bash scripts/go-toolchains.sh path VERSION   the go command of VERSION (fetched if needed)
#   bash scripts/go-toolchains.sh install        fetches every one
set -euo pipefail

DEBIAN_GO=/usr/lib/go-1.19/bin/go
VERSIONS=(go1.19 go1.23.12 go1.24.13 go1.25.14 go1.26.11 go1.27.4)

BOOTSTRAP_VERSION=go1.26.11
BOOTSTRAP_DIR=${GMV_GO_BOOTSTRAP_DIR:-/opt/gomapviz-go}

# Downloads the toolchain BOOTSTRAP_VERSION from the Go module proxy (a plain
# HTTPS zip, no go command needed) into DIR, for a machine without any Go of
# 1.21 or later; prints its go command.
bootstrap() {
    local dir=$1 proxy
    proxy=${GOPROXY:-https://proxy.golang.org}
    proxy=${proxy%%,*}
    [ "$proxy" = direct ] || [ "$proxy" = off ] && proxy=https://proxy.golang.org
    if [ ! -x "$dir/$BOOTSTRAP_VERSION/bin/go" ]; then
        echo "go-toolchains.sh: no Go 1.21 or later here; fetching $BOOTSTRAP_VERSION from $proxy into $dir" >&2
        python3 - "$proxy" "$BOOTSTRAP_VERSION" "$dir" <<'PY' || return 1
import io, os, shutil, stat, sys, urllib.request, zipfile
proxy, version, dest = sys.argv[1:4]
url = "%s/golang.org/toolchain/@v/v0.0.1-%s.linux-amd64.zip" % (proxy.rstrip("/"), version)
data = urllib.request.urlopen(url, timeout=300).read()
prefix = "golang.org/toolchain@v0.0.1-%s.linux-amd64/" % version
tmp = os.path.join(dest, version + ".partial")
shutil.rmtree(tmp, ignore_errors=True)
with zipfile.ZipFile(io.BytesIO(data)) as z:
    for info in z.infolist():
        if not info.filename.startswith(prefix) or info.is_dir():
            continue
        path = os.path.join(tmp, info.filename[len(prefix):])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with z.open(info) as src, open(path, "wb") as out:
            shutil.copyfileobj(src, out)
        mode = (info.external_attr >> 16) & 0o777
        os.chmod(path, mode or 0o644)
os.rename(tmp, os.path.join(dest, version))
PY
    fi
    echo "$dir/$BOOTSTRAP_VERSION/bin/go"
}

# A go command that can fetch toolchains (1.21 or later): the machine's
# /usr/local/go first, then the first go on PATH, else one fetched by
# bootstrap (GMV_GO_SEARCH=none skips the first two, to test that).
launcher() {
    local candidate
    local -a candidates=(/usr/local/go/bin/go "$(command -v go || true)")
    [ "${GMV_GO_SEARCH:-}" = none ] && candidates=()
    for candidate in "${candidates[@]}"; do
        [ -n "$candidate" ] && [ -x "$candidate" ] || continue
        local minor
        minor=$(GOTOOLCHAIN=local "$candidate" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
        if [ -n "$minor" ] && [ "$minor" -ge 21 ]; then
            echo "$candidate"
            return 0
        fi
    done
    mkdir -p "$BOOTSTRAP_DIR"
    bootstrap "$BOOTSTRAP_DIR"
}

# Prints the go command of VERSION, fetching the toolchain first if needed.
path_of() {
    local version=$1
    if [ "$version" = go1.19 ]; then
        [ -x "$DEBIAN_GO" ] || { echo "go-toolchains.sh: $DEBIAN_GO missing (apt-get install golang-go)" >&2; return 1; }
        echo "$DEBIAN_GO"
        return 0
    fi
    local go root
    go=$(launcher)
    # GOFLAGS and GOENV are cleared so that nothing of the caller's changes the fetch.
    if ! root=$(cd / && GOTOOLCHAIN="$version" GOFLAGS= "$go" env GOROOT); then
        echo "go-toolchains.sh: cannot fetch toolchain $version from the Go module proxy" >&2
        return 1
    fi
    [ -x "$root/bin/go" ] || { echo "go-toolchains.sh: $root/bin/go is missing" >&2; return 1; }
    echo "$root/bin/go"
}

case "${1:-}" in
list)
    printf '%s\n' "${VERSIONS[@]}"
    ;;
path)
    [ $# -eq 2 ] || { echo "usage: go-toolchains.sh path VERSION" >&2; exit 2; }
    path_of "$2"
    ;;
install)
    for v in "${VERSIONS[@]}"; do
        go=$(path_of "$v")
        echo "$v: $go ($(GOTOOLCHAIN=local "$go" version))"
    done
    ;;
*)
    echo "usage: go-toolchains.sh list | path VERSION | install" >&2
    exit 2
    ;;
esac
