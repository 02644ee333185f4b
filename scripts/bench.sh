#!/usr/bin/env bash
# Benchmark (issues 6 and 10): how long, and how much memory, it takes to see
# a whole Go map of a live process with gomapviz, with delve and with gdb, for
# both map implementations.
#
# Usage (Debian 12, as root):  bash scripts/bench.sh
#                               bash scripts/bench.sh list   (gomapviz list over 1,000
#                               maps and 2 GB: scripts/bench_list.sh says what it measures)
#
# It installs what it needs (gomapviz's build dependencies, Debian's delve,
# gdb, hyperfine, GNU time, and delve's current release built with Go 1.26),
# builds gomapviz (build-bench/) and the Go program in bench/ twice:
#   classic  built with Debian's Go 1.19 (classic hmap); read by Debian's delve
#            1.20 and Go 1.19's runtime-gdb.py
#   swiss    built with Go 1.26.11 (Swiss tables); read by delve BENCH_DLV_VERSION
#            and Go 1.26's runtime-gdb.py (Debian's delve cannot read Go 1.26)
# For each implementation and size it starts ONE process holding main.m64
# (map[int64]int64) and main.mstr (map[string]string) of that many entries. On
# that same live process it measures, for each map:
#   gomapviz capture --pid P --var V -o s.gmvs       the snapshot
#   gomapviz dump s.gmvs -o s.json                    the model as JSON, from it
#   gomapviz dump --pid P --var V -o d.json           the same, straight from the process
#   gomapviz render s.gmvs -o s.svg, render --pid ... the picture
#   gomapviz stats --pid P --var V, stats s.gmvs      model build (vs the plain read below)
#   bench/seqread P s.gmvs                            a plain process_vm_readv of exactly the
#                                                     bytes the snapshot holds: the limit
#   dlv attach P, print V (max-array-values >= size)  delve printing the whole map
#   gdb -p P, runtime-gdb.py, print 'V'               gdb printing it, under a time cap
# Wall time: hyperfine (BENCH_RUNS runs) for commands under BENCH_REPEAT_UNDER
# seconds, else one run; peak memory: /usr/bin/time -v (maximum resident set).
# The table, the machine and this command go to docs/benchmarks.md.
#
# Environment (all optional):
#   BENCH_QUICK=1            sizes 10^4 and 10^5 only, short debugger caps (development)
#   BENCH_SIZES="1000000"    the sizes to run (default 10000 100000 1000000 10000000)
#   BENCH_TYPES="m64 mstr"   which maps (m64: map[int64]int64, mstr: map[string]string)
#   BENCH_IMPLS="classic swiss"  which map implementations (targets built with Go 1.19 / 1.26.11)
#   BENCH_DLV_VERSION=v1.27.2    delve release for the Swiss target (go install, into BENCH_TOOLS)
#   BENCH_TOOLS=/opt/gomapviz-bench  where that delve is installed
#   BENCH_DLV_CAP=600        seconds delve may take (maps up to 10^6 entries)
#   BENCH_DLV_CAP_BIG=300    seconds delve may take on maps over 10^6 entries
#   BENCH_GDB_CAP=300        seconds gdb may print (maps up to 10^6 entries)
#   BENCH_GDB_CAP_BIG=120    seconds gdb may print on maps over 10^6 entries
#   BENCH_MEM_CAP_MB         a debugger using more RSS than this is killed (default 75% of RAM)
#   BENCH_SKIP_DLV=1, BENCH_SKIP_GDB=1   leave a debugger out
#   BENCH_RUNS=5             hyperfine runs per cheap command
#   BENCH_REPEAT_UNDER=3     commands faster than this (seconds) are repeated with hyperfine
#   BENCH_OUT=docs/benchmarks.md   where the report goes
#   BENCH_NOTE="..."         a sentence put at the top of the report
#   BENCH_NO_INSTALL=1       do not apt-get anything (the tools are already there)
#   BENCH_KEEP=1             keep the work directory (snapshots, debugger outputs)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# The command line as given, with the BENCH_* settings in force, for the report.
shell_word() { # a word as a shell would need it, single-quoted only when it must be
    if [[ $1 =~ ^[A-Za-z0-9_./:=,+-]+$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}
bench_command="bash scripts/bench.sh"
for v in $(compgen -e | grep '^BENCH_' | sort -r); do
    bench_command="$v=$(shell_word "${!v}") $bench_command"
done
[ "$#" -gt 0 ] && bench_command+=" $*"

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
    SIZES=${BENCH_SIZES:-"10000 100000"}
    DLV_CAP=${BENCH_DLV_CAP:-120}; DLV_CAP_BIG=${BENCH_DLV_CAP_BIG:-60}
    GDB_CAP=${BENCH_GDB_CAP:-30};  GDB_CAP_BIG=${BENCH_GDB_CAP_BIG:-30}
else
    SIZES=${BENCH_SIZES:-"10000 100000 1000000 10000000"}
    DLV_CAP=${BENCH_DLV_CAP:-600}; DLV_CAP_BIG=${BENCH_DLV_CAP_BIG:-300}
    GDB_CAP=${BENCH_GDB_CAP:-300}; GDB_CAP_BIG=${BENCH_GDB_CAP_BIG:-120}
fi
TYPES=${BENCH_TYPES:-"m64 mstr"}
IMPLS=${BENCH_IMPLS:-"classic swiss"}
DLV_VERSION=${BENCH_DLV_VERSION:-v1.27.2}
TOOLS=${BENCH_TOOLS:-/opt/gomapviz-bench}
CLASSIC_GO=go1.19   # scripts/go-toolchains.sh names
SWISS_GO=go1.26.11
RUNS=${BENCH_RUNS:-5}
REPEAT_UNDER=${BENCH_REPEAT_UNDER:-3}
OUT=${BENCH_OUT:-docs/benchmarks.md}
mem_total_kb=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)
MEM_CAP_KB=$(( ${BENCH_MEM_CAP_MB:-$(( mem_total_kb * 3 / 4 / 1024 ))} * 1024 ))

log() { printf '[bench %(%T)T] %s\n' -1 "$*" >&2; }

# ---------------------------------------------------------------- tools
if [ "${BENCH_NO_INSTALL:-0}" != 1 ]; then
    log "installing packages (scripts/install-deps.sh, delve, gdb, hyperfine, time)"
    bash scripts/install-deps.sh >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        delve gdb hyperfine time procps golang-go python3 >/dev/null
fi
for t in dlv gdb hyperfine /usr/bin/time cc cmake python3 pgrep; do
    command -v "$t" >/dev/null || { echo "bench: $t is missing (run without BENCH_NO_INSTALL)" >&2; exit 1; }
done
GO_CLASSIC=$(bash scripts/go-toolchains.sh path "$CLASSIC_GO")
GO_SWISS=$(bash scripts/go-toolchains.sh path "$SWISS_GO")
DLV_CLASSIC=$(command -v dlv)
DLV_SWISS=$TOOLS/dlv-$DLV_VERSION/dlv
if [[ " $IMPLS " == *" swiss "* ]] && [ ! -x "$DLV_SWISS" ]; then
    log "installing delve $DLV_VERSION with $SWISS_GO into $(dirname "$DLV_SWISS")"
    (cd / && GOFLAGS= GOBIN=$(dirname "$DLV_SWISS") "$GO_SWISS" install "github.com/go-delve/delve/cmd/dlv@$DLV_VERSION")
fi

log "building gomapviz (build-bench/, RelWithDebInfo)"
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-bench -j"$(nproc)" --target gomapviz >/dev/null
G=$ROOT/build-bench/gomapviz

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gomapviz-bench.XXXXXX")
TARGET_PIDS=()
TOOL_PIDS=()
FIFO_FD=
cleanup() {
    local p
    for p in "${TOOL_PIDS[@]}"; do
        kill -KILL "$p" 2>/dev/null || true
    done
    for p in "${TARGET_PIDS[@]}"; do
        kill -CONT "$p" 2>/dev/null || true
        kill -TERM "$p" 2>/dev/null || true
    done
    [ -n "$FIFO_FD" ] && exec {FIFO_FD}>&- 2>/dev/null
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building the Go targets (bench/: $CLASSIC_GO classic, $SWISS_GO Swiss) and bench/seqread/seqread.c"
(cd bench && GOTOOLCHAIN=local GOFLAGS= "$GO_CLASSIC" build -o "$WORK/benchtarget-classic" .)
(cd bench && GOTOOLCHAIN=local GOFLAGS= "$GO_SWISS" build -o "$WORK/benchtarget-swiss" .)
cc -O2 -std=c11 -Wall -Isrc -o "$WORK/seqread" bench/seqread/seqread.c src/snapshot/memory_records.c
for impl in classic swiss; do
    go_cmd=$GO_CLASSIC; [ "$impl" = swiss ] && go_cmd=$GO_SWISS
    py=$(GOTOOLCHAIN=local "$go_cmd" env GOROOT)/src/runtime/runtime-gdb.py
    [ -f "$py" ] || { echo "bench: $py not found" >&2; exit 1; }
    declare "GDB_PY_$impl=$py"
done

RESULTS=$WORK/results.tsv
: >"$RESULTS"
INFO=$WORK/info.txt
: >"$INFO"

# ---------------------------------------------------------------- helpers
# CPU used by everything else on the machine over 2 s while our target sits idle,
# in % of all cores: tells a quiet machine from a loaded one.
background_cpu() {
    local a b
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
    sleep 2
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," ");split(b,y," ");
        t=y[2]-x[2]; printf("%.0f", (t > 0) ? 100*(y[1]-x[1])/t : 0)}'
}

# Fields of a /usr/bin/time -v report: wall seconds, max RSS KB, user s, sys s.
time_fields() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n=split($2,p,":"); w=0; for(i=1;i<=n;i++) w=w*60+p[i] }
        /Maximum resident set size/ { rss=$2 }
        /User time/ { u=$2 } /System time/ { s=$2 }
        END { printf "%s\t%s\t%s\t%s\n", w, rss, u, s }' "$1"
}

# row SIZE TYPE TOOL COMMAND WALL WALL_SD RUNS RSS_KB USER SYS ENTRIES STATUS NOTE
row() {
    local IFS=$'\t'
    printf '%s\n' "$*" >>"$RESULTS"
}

# measure SIZE TYPE TOOL ENTRIES_FROM -- CMD...: one run under /usr/bin/time -v
# (peak RSS, user/sys), then hyperfine if the command is cheap. ENTRIES_FROM:
# "json FILE" counts the entries of a JSON model, "-" nothing.
measure() {
    local size=$1 type=$2 tool=$3 entries_from=$4; shift 5
    local cmdtext rc=0 wall rss user sys sd=0 runs=1 entries="" status=ok note=""
    cmdtext=$(printf '%q ' "$@"); cmdtext=${cmdtext% }
    # Every run writes a new output file (-o): the last run's is deleted before,
    # outside the timing, as the debuggers' outputs are new files too; else the
    # time would include the kernel freeing the last run's hundreds of MB.
    local out="" prev="" arg
    for arg in "$@"; do
        [ "$prev" = -o ] && out=$arg
        prev=$arg
    done
    [ -n "$out" ] && rm -f "$out"
    # and the dirty pages of the commands before (a snapshot, GBs of JSON) are
    # written out first: the kernel would otherwise make this command wait
    # for them, by an amount that depends on what ran before.
    sync
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/cmd.out" 2>"$WORK/cmd.err" || rc=$?
    IFS=$'\t' read -r wall rss user sys < <(time_fields "$WORK/time.txt")
    if [ "$rc" -ne 0 ]; then
        status=failed
        note="exit $rc: $(head -c 200 "$WORK/cmd.err" | tr '\t\n' '  ')"
    else
        case $entries_from in
            json:*) entries=$(grep -c '{"key"' "${entries_from#json:}" || true) ;;
        esac
        if awk -v w="$wall" -v m="$REPEAT_UNDER" 'BEGIN{exit !(w < m)}'; then
            local prepare=(--prepare "sync")
            [ -n "$out" ] && prepare=(--prepare "sh -c 'rm -f $out; sync'")
            if hyperfine -N --style none --runs "$RUNS" "${prepare[@]}" --export-json "$WORK/hf.json" \
                -- "$cmdtext" >/dev/null 2>"$WORK/hf.err"; then
                read -r wall sd < <(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print("%.6f %.6f" % (r["mean"], r["stddev"] or 0))' "$WORK/hf.json")
                runs=$RUNS
            else
                note="hyperfine failed: $(head -c 200 "$WORK/hf.err" | tr '\t\n' '  ')"
            fi
        fi
    fi
    row "$size" "$type" "$tool" "$cmdtext" "$wall" "$sd" "$runs" "$rss" "$user" "$sys" \
        "$entries" "$status" "$note"
    log "$tool ($type, $size): ${wall}s, ${rss} KB${entries:+, $entries entries}${note:+ [$note]}"
    return 0
}

# run_capped CAP_S SIGNAL STDIN OUT ERR -- CMD...: runs CMD under /usr/bin/time -v
# and timeout(1), which sends SIGNAL after CAP_S seconds (timeout also gives CMD
# the default SIGINT action back: bash starts background jobs with SIGINT
# ignored). A watchdog SIGKILLs CMD 20 s after the cap if it is still there, or
# when its RSS passes MEM_CAP_KB (timeout then reaps it, so /usr/bin/time still
# reports its peak RSS). Sets CAP_STATUS (finished, time-cap, memory-cap), CAP_RC,
# CAP_WALL (seconds, until the tool was gone) and CAP_OUT_BYTES (the size of OUT
# when the cap was reached: what the tool had printed in CAP_S seconds).
run_capped() {
    local cap=$1 sig=$2 in=$3 out=$4 err=$5; shift 6
    local tp mid="" child="" rss memkill=0 t0 now elapsed_us
    CAP_OUT_BYTES=
    t0=${EPOCHREALTIME/./}
    /usr/bin/time -v -o "$WORK/time.txt" timeout -s "$sig" "$cap" "$@" \
        <"$in" >"$out" 2>"$err" &
    tp=$!
    TOOL_PIDS+=("$tp")
    while kill -0 "$tp" 2>/dev/null; do
        if [ -z "$child" ]; then
            [ -z "$mid" ] && mid=$(pgrep -P "$tp" | head -n 1 || true)
            [ -n "$mid" ] && child=$(pgrep -P "$mid" | head -n 1 || true)
            [ -n "$child" ] && TOOL_PIDS+=("$mid" "$child")
        fi
        if [ -n "$child" ]; then
            rss=$(awk '/^VmRSS:/{print $2}' "/proc/$child/status" 2>/dev/null || true)
            now=${EPOCHREALTIME/./}
            if [ -z "$CAP_OUT_BYTES" ] && (( now - t0 >= cap * 1000000 )); then
                CAP_OUT_BYTES=$(stat -c %s "$out")
            fi
            if (( ${rss:-0} > MEM_CAP_KB )); then
                memkill=1
                kill -KILL "$child" 2>/dev/null || true
            elif (( now - t0 > (cap + 20) * 1000000 )); then
                kill -KILL "$child" 2>/dev/null || true
            fi
        fi
        sleep 0.25
    done
    CAP_RC=0
    wait "$tp" || CAP_RC=$?
    elapsed_us=$(( ${EPOCHREALTIME/./} - t0 ))
    CAP_WALL=$(( elapsed_us / 1000000 )).$(printf '%03d' $(( elapsed_us / 1000 % 1000 )))
    TOOL_PIDS=()
    CAP_STATUS=finished
    if [ $memkill = 1 ]; then
        CAP_STATUS=memory-cap
    elif [ "$CAP_RC" = 124 ] || { [ "$CAP_RC" = 137 ] && (( elapsed_us >= cap * 1000000 )); }; then
        CAP_STATUS=time-cap
    fi
}

# The target answers "ping" with "pong" on its log: it runs, and no debugger
# left it stopped. Returns 1 when it does not answer in 10 s.
target_alive() {
    local pid=$1 logf=$2 before
    kill -0 "$pid" 2>/dev/null || return 1
    kill -CONT "$pid" 2>/dev/null || true
    before=$(grep -c '^pong$' "$logf" || true)
    echo ping >&"$FIFO_FD"
    for _ in $(seq 100); do
        [ "$(grep -c '^pong$' "$logf" || true)" -gt "$before" ] && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- machine
{
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "uname=$(uname -a)"
    echo "cpu=$(lscpu | awk -F': *' '/^Model name/{print $2; exit}')"
    echo "cores=$(nproc)"
    echo "memory=$(awk '/^MemTotal:/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "go_classic=$(GOTOOLCHAIN=local "$GO_CLASSIC" version) (classic maps)"
    echo "go_swiss=$(GOTOOLCHAIN=local "$GO_SWISS" version) (Swiss tables)"
    echo "dlv_classic=$("$DLV_CLASSIC" version 2>/dev/null | awk '/^Version:/{print $2}') (Debian's, for the classic target)"
    [[ " $IMPLS " == *" swiss "* ]] &&
        echo "dlv_swiss=$("$DLV_SWISS" version 2>/dev/null | awk '/^Version:/{print $2}') (go install @$DLV_VERSION, for the Swiss target)"
    echo "gdb=$(gdb --version | head -n 1)"
    echo "hyperfine=$(hyperfine --version)"
    echo "gomapviz=$($G --version) ($(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null || echo ', with uncommitted changes'))"
    echo "build=cmake RelWithDebInfo ($(cc --version | head -n 1))"
    echo "command=$bench_command"
    echo "quick=$QUICK"
    echo "caps=delve ${DLV_CAP} s (${DLV_CAP_BIG} s over 10^6 entries), gdb ${GDB_CAP} s (${GDB_CAP_BIG} s over 10^6 entries), debugger memory $((MEM_CAP_KB / 1024)) MB"
    echo "runs=$RUNS"
    echo "repeat_under=$REPEAT_UNDER"
    echo "note=${BENCH_NOTE:-}"
} >>"$INFO"

# ---------------------------------------------------------------- the run
if [ "${1:-}" = list ]; then # the list benchmark (issue 13) instead of the maps one
    source scripts/bench_list.sh
    exit 0
fi
FIFO=$WORK/stdin.fifo
mkfifo "$FIFO"
for impl in $IMPLS; do
# Result rows name the map type with the implementation: m64 (classic),
# m64-swiss (Swiss); the 1-entry map: fixed, fixed-swiss.
sfx=""; [ "$impl" = swiss ] && sfx=-swiss
dlv_bin=$DLV_CLASSIC; [ "$impl" = swiss ] && dlv_bin=$DLV_SWISS
gdb_py_var=GDB_PY_$impl; GDB_PY=${!gdb_py_var}
for size in $SIZES; do
    big=0; [ "$size" -gt 1000000 ] && big=1
    maps=$(echo "$TYPES" | tr ' ' ',')
    logf=$WORK/target-$impl-$size.log
    log "starting the $impl target: $size entries in main.${TYPES// /, main.}"
    t0=${EPOCHREALTIME/./}
    "$WORK/benchtarget-$impl" -n "$size" -maps "$maps" <"$FIFO" >"$logf" 2>&1 &
    tpid=$!
    TARGET_PIDS+=("$tpid")
    exec {FIFO_FD}>"$FIFO"
    while ! grep -q '^ready' "$logf"; do
        kill -0 "$tpid" 2>/dev/null || { echo "bench: the target died: $(cat "$logf")" >&2; exit 1; }
        sleep 0.2
    done
    fill_s=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
    bgcpu=$(background_cpu)
    rss=$(awk '/^VmRSS:/{print $2}' "/proc/$tpid/status")
    echo "target_${impl}_$size=pid $tpid, filled in $((fill_s / 1000)).$(printf '%03d' $((fill_s % 1000))) s, RSS $((rss / 1024)) MB, background CPU $bgcpu%" >>"$INFO"
    echo "bgcpu=$bgcpu" >>"$INFO"
    log "target pid $tpid ready (RSS $((rss / 1024)) MB; other processes use $bgcpu% of the CPU)"

    # fixed costs: attach + symbol look-up on a 1-entry map
    measure "$size" "fixed$sfx" "stats --pid (1-entry map)" - -- \
        "$G" stats --pid "$tpid" --var main.mtiny
    "$G" capture --pid "$tpid" --var main.mtiny -o "$WORK/tiny.gmvs" 2>/dev/null
    measure "$size" "fixed$sfx" "stats snapshot (1-entry map)" - -- "$G" stats "$WORK/tiny.gmvs"

    # gomapviz (first, so that a debugger that goes wrong cannot spoil it)
    for type in $TYPES; do
        key=$type$sfx
        var=main.$type
        snap=$WORK/s-$key-$size.gmvs
        measure "$size" "$key" capture - -- "$G" capture --pid "$tpid" --var "$var" -o "$snap"
        measure "$size" "$key" "dump snapshot" "json:$WORK/s.json" -- "$G" dump "$snap" -o "$WORK/s.json"
        rm -f "$WORK/s.json"
        measure "$size" "$key" "dump --pid" "json:$WORK/d.json" -- \
            "$G" dump --pid "$tpid" --var "$var" -o "$WORK/d.json"
        rm -f "$WORK/d.json"
        measure "$size" "$key" "render snapshot" - -- "$G" render "$snap" -o "$WORK/s.svg"
        measure "$size" "$key" "render --pid" - -- "$G" render --pid "$tpid" --var "$var" -o "$WORK/r.svg"
        rm -f "$WORK/s.svg" "$WORK/r.svg"
        measure "$size" "$key" "stats --pid" - -- "$G" stats --pid "$tpid" --var "$var"
        measure "$size" "$key" "stats snapshot" - -- "$G" stats "$snap"
        # the limit: the same bytes, read plainly from the same process
        if sr=$("$WORK/seqread" "$tpid" "$snap" 5 2>&1); then
            declare -A kv=()
            for pair in $sr; do kv[${pair%%=*}]=${pair#*=}; done
            row "$size" "$key" "plain read (limit)" "bench/seqread $tpid $(basename "$snap") 5" \
                "${kv[best_s]}" 0 5 "" "" "" "" ok \
                "ranges=${kv[ranges]} bytes=${kv[bytes]} largest_bytes=${kv[largest_bytes]} largest_s=${kv[largest_s]} first_s=${kv[first_s]}"
            log "plain read ($key, $size): $sr"
        else
            row "$size" "$key" "plain read (limit)" "bench/seqread" "" 0 0 "" "" "" "" failed "$sr"
        fi
        rm -f "$snap"
    done

    # delve: attach, print the whole map, detach without killing the target
    if [ "${BENCH_SKIP_DLV:-0}" != 1 ]; then
        for type in $TYPES; do
            key=$type$sfx
            var=main.$type
            cap=$DLV_CAP; [ $big = 1 ] && cap=$DLV_CAP_BIG
            printf 'config max-array-values %d\nconfig max-string-len 64\nprint %s\nexit\n' \
                "$size" "$var" >"$WORK/dlv.init"
            echo n >"$WORK/dlv.stdin" # "Would you like to kill the process? [Y/n]"
            log "delve: print $var (cap $cap s)"
            run_capped "$cap" TERM "$WORK/dlv.stdin" "$WORK/dlv.out" "$WORK/dlv.err" -- \
                "$dlv_bin" attach "$tpid" --init "$WORK/dlv.init" --allow-non-terminal-interactive=true
            IFS=$'\t' read -r wall rss user sys < <(time_fields "$WORK/time.txt")
            read -r entries wrong < <(python3 bench/count_entries.py dlv "$type" "$WORK/dlv.out")
            note=""
            [ "$wrong" -gt 0 ] && note="$wrong entries printed wrong"
            status=$CAP_STATUS
            if grep -q '\.\.\.+[0-9]* more' "$WORK/dlv.out"; then
                note="output truncated: $(grep -o '\.\.\.+[0-9]* more' "$WORK/dlv.out" | head -n 1)"
            fi
            if [ "$status" = finished ] && [ "$CAP_RC" -ne 0 ]; then
                status=failed; note="exit $CAP_RC: $(tail -c 200 "$WORK/dlv.err" | tr '\t\n' '  ') $note"
            fi
            [ "$status" = finished ] && status=ok
            if [ "$status" = time-cap ]; then
                note="no output in $cap s (delve prints the map only when it has loaded all of it)"
                wall=$cap
            elif [ "$status" = memory-cap ]; then
                note="killed at $((MEM_CAP_KB / 1024)) MB RSS after $CAP_WALL s, nothing printed"
            fi
            alive=yes; target_alive "$tpid" "$logf" || alive=no
            [ $alive = no ] && note="$note; the target no longer answers after delve"
            row "$size" "$key" delve "dlv attach $tpid --init dlv.init (config max-array-values $size; print $var; exit; n)" \
                "$wall" 0 1 "$rss" "$user" "$sys" "$entries" "$status" "$note"
            log "delve ($key, $size): $status, ${wall}s, ${rss} KB, $entries entries ${note}"
            rm -f "$WORK/dlv.out"
            if [ $alive = no ]; then echo "bench: target $tpid stopped answering" >&2; exit 1; fi
        done
    fi

    # gdb with Go's runtime-gdb.py, under a time cap (SIGINT stops the print; gdb detaches)
    if [ "${BENCH_SKIP_GDB:-0}" != 1 ]; then
        for type in $TYPES; do
            key=$type$sfx
            var=main.$type
            cap=$GDB_CAP; [ $big = 1 ] && cap=$GDB_CAP_BIG
            log "gdb: print '$var' (cap $cap s)"
            run_capped "$cap" INT /dev/null "$WORK/gdb.out" "$WORK/gdb.err" -- \
                gdb -p "$tpid" -batch -nx -iex 'set auto-load python-scripts off' \
                -ex "source $GDB_PY" -ex 'set print elements unlimited' \
                -ex 'set print repeats unlimited' -ex "print '$var'"
            IFS=$'\t' read -r wall rss user sys < <(time_fields "$WORK/time.txt")
            read -r entries wrong < <(python3 bench/count_entries.py gdb "$type" "$WORK/gdb.out")
            status=$CAP_STATUS; note=""
            if [ "$status" = time-cap ]; then
                # what it had printed when the cap came (it may take a while to stop)
                [ -n "$CAP_OUT_BYTES" ] &&
                    read -r entries wrong < <(python3 bench/count_entries.py gdb "$type" "$WORK/gdb.out" "$CAP_OUT_BYTES")
                note="printed $entries entries in $cap s; gone after $CAP_WALL s"
                awk -v w="$wall" -v c="$cap" 'BEGIN{exit !(w > c + 1)}' &&
                    note="$note (SIGINT did not stop it, SIGKILL did)"
                wall=$cap
            fi
            if [ "$wrong" -gt 0 ]; then
                note="${note:+$note; }$wrong of the pairs it printed are not entries of the map"
            fi
            if [ "$status" = finished ] && grep -q '<error reading variable' "$WORK/gdb.out"; then
                status=failed
                note="${note:+$note; }stopped with $(grep -o '<error reading variable[^>]*>' "$WORK/gdb.out" | head -n 1)"
            elif [ "$status" = finished ]; then
                if ! grep -q "= map\[" "$WORK/gdb.out"; then
                    status=failed; note="$(grep -v '^\[New LWP' "$WORK/gdb.err" | tail -n 3 | tr '\t\n' '  ')"
                else
                    status=ok
                fi
            fi
            alive=yes; target_alive "$tpid" "$logf" || alive=no
            [ $alive = no ] && note="$note; the target no longer answers after gdb"
            row "$size" "$key" gdb "gdb -p $tpid -batch -ex 'source runtime-gdb.py' -ex 'set print elements unlimited' -ex \"print '$var'\"" \
                "$wall" 0 1 "$rss" "$user" "$sys" "$entries" "$status" "$note"
            log "gdb ($key, $size): $status, ${wall}s, ${rss} KB, $entries entries ${note}"
            rm -f "$WORK/gdb.out"
            if [ $alive = no ]; then echo "bench: target $tpid stopped answering" >&2; exit 1; fi
        done
    fi

    # done with this process
    echo quit >&"$FIFO_FD" || true
    exec {FIFO_FD}>&-
    FIFO_FD=
    wait "$tpid" 2>/dev/null || true
done
done

log "writing $OUT"
python3 bench/report.py "$RESULTS" "$INFO" "$OUT"
cat "$OUT"
