#!/usr/bin/env bash
# Installs what gomapviz needs (Debian 12, as root), builds it, and runs every
# test twice: a normal build, then one with AddressSanitizer + UBSan; then the
# eight builds of scripts/build-matrix.sh (gcc and clang, every build type)
# and the command under valgrind memcheck (scripts/valgrind.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
for variant in build build-asan; do
    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DGMV_WERROR=ON)
    [ "$variant" = build-asan ] && flags=(-DCMAKE_BUILD_TYPE=Debug -DGMV_SANITIZE=ON -DGMV_WERROR=ON)
    cmake -S . -B "$variant" "${flags[@]}"
    cmake --build "$variant" -j"$(nproc)"
    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp" \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$variant" --output-on-failure
done
# Every build type with gcc and with clang, warnings as errors, with the tests
# that need no live process (about 3 minutes).
bash scripts/build-matrix.sh
# The command under valgrind memcheck, on the normal build (about a minute).
bash scripts/valgrind.sh build
