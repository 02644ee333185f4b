# The list benchmark (issue 13), sourced by scripts/bench.sh when it is run
# as `bash scripts/bench.sh list`: everything bench.sh sets up before "the
# run" (tools, build-bench/gomapviz, helpers, $WORK, $INFO) is in scope.
#
# For each implementation in $IMPLS it starts ONE process of bench/manymaps
# (BENCH_LIST_MAPS maps of BENCH_LIST_ENTRIES int64 entries each in
# main.maps: about 2.4 GB of map memory with Go 1.26, 2.8 GB with Go 1.19)
# and on that process measures:
#   gomapviz list --pid P                 the text table
#   gomapviz list --pid P --format json   the JSON
#   bench/headread P maps.txt             a plain process_vm_readv of the same
#                                         headers (hmap and mapextra; Map,
#                                         directory, each table): the floor
#   dlv attach P, print len(main.maps[i]) for every i: delve telling each
#                                         map's length (delve has no list)
# and checks that list found every map of main.maps with its count and
# that its bytes held come within 1% of the program's HeapAlloc.
# The table goes into $OUT between the list-benchmark markers.

LIST_MAPS=${BENCH_LIST_MAPS:-1000}
LIST_ENTRIES=${BENCH_LIST_ENTRIES:-100000}
LRESULTS=$WORK/list.tsv
: >"$LRESULTS"
cc -O2 -std=c11 -Wall -o "$WORK/headread" bench/headread/headread.c

FIFO=$WORK/stdin.fifo
mkfifo "$FIFO"
for impl in $IMPLS; do
    go_cmd=$GO_CLASSIC; [ "$impl" = swiss ] && go_cmd=$GO_SWISS
    dlv_bin=$DLV_CLASSIC; [ "$impl" = swiss ] && dlv_bin=$DLV_SWISS
    (cd bench/manymaps && GOTOOLCHAIN=local GOFLAGS= "$go_cmd" build -o "$WORK/manymaps-$impl" .)
    logf=$WORK/manymaps-$impl.log
    log "starting the $impl target: $LIST_MAPS maps of $LIST_ENTRIES entries"
    t0=${EPOCHREALTIME/./}
    "$WORK/manymaps-$impl" -maps "$LIST_MAPS" -entries "$LIST_ENTRIES" <"$FIFO" >"$logf" 2>&1 &
    tpid=$!
    TARGET_PIDS+=("$tpid")
    exec {FIFO_FD}>"$FIFO"
    while ! grep -q '^ready' "$logf"; do
        kill -0 "$tpid" 2>/dev/null || { echo "bench: the target died: $(cat "$logf")" >&2; exit 1; }
        sleep 0.2
    done
    fill_s=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
    heap=$(awk '/^ready/{print $3}' "$logf")
    rss=$(awk '/^VmRSS:/{print $2}' "/proc/$tpid/status")
    bgcpu=$(background_cpu)
    echo "list_target_$impl=pid $tpid, $LIST_MAPS maps of $LIST_ENTRIES entries filled in $((fill_s / 1000)).$(printf '%03d' $((fill_s % 1000))) s, HeapAlloc $heap bytes, RSS $((rss / 1024)) MB, background CPU $bgcpu%" >>"$INFO"
    log "target pid $tpid ready (HeapAlloc $heap, RSS $((rss / 1024)) MB)"

    # is the list right? every map of main.maps with its count, bytes within 1% of the heap
    "$G" list --pid "$tpid" --format json -o "$WORK/list.json"
    python3 - "$WORK/list.json" "$LIST_MAPS" "$LIST_ENTRIES" "$heap" "$WORK/maps.txt" <<'PY' || exit 1
import json, sys
rows = json.load(open(sys.argv[1]))["maps"]
n, entries, heap = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
found = [r for r in rows if r["path"].startswith("main.maps[")]
if len(found) != n or any(r["count"] != entries for r in found):
    sys.exit("bench: list found %d maps of main.maps (want %d of %d entries)" % (len(found), n, entries))
held = sum(r["bytes_held"]["total"] for r in rows)
if abs(held - heap) > 0.01 * heap:
    sys.exit("bench: list says %d bytes held, the program's HeapAlloc is %d" % (held, heap))
with open(sys.argv[5], "w") as out:
    for r in rows:
        out.write("%s %s\n" % (r["implementation"], r["address"]))
print("list: %d maps, %d bytes held, HeapAlloc %d" % (len(rows), held, heap), file=sys.stderr)
PY
    echo "list_check_$impl=list found all $LIST_MAPS maps of main.maps with their $LIST_ENTRIES entries; bytes held $(python3 -c 'import json,sys; print(sum(r["bytes_held"]["total"] for r in json.load(open(sys.argv[1]))["maps"]))' "$WORK/list.json") against HeapAlloc $heap" >>"$INFO"

    RESULTS=$LRESULTS
    measure "$LIST_MAPS" "$impl" "list --pid" - -- "$G" list --pid "$tpid" -o "$WORK/list.txt"
    measure "$LIST_MAPS" "$impl" "list --pid --format json" - -- "$G" list --pid "$tpid" -o "$WORK/l.json"
    measure "$LIST_MAPS" "$impl" "plain read of the same headers (floor)" - -- \
        "$WORK/headread" "$tpid" "$WORK/maps.txt" 1
    "$WORK/headread" "$tpid" "$WORK/maps.txt" 5 | tee -a "$WORK/headread-$impl.txt" >&2
    echo "headread_$impl=$(cat "$WORK/headread-$impl.txt")" >>"$INFO"

    if [ "${BENCH_SKIP_DLV:-0}" != 1 ]; then
        { echo "config max-array-values 64"
          for ((i = 0; i < LIST_MAPS; i++)); do echo "print len(main.maps[$i])"; done
          echo exit; } >"$WORK/dlv.init"
        echo n >"$WORK/dlv.stdin"
        log "delve: print len(main.maps[i]) for $LIST_MAPS maps"
        run_capped "$DLV_CAP" TERM "$WORK/dlv.stdin" "$WORK/dlv.out" "$WORK/dlv.err" -- \
            "$dlv_bin" attach "$tpid" --init "$WORK/dlv.init" --allow-non-terminal-interactive=true
        IFS=$'\t' read -r wall rss user sys < <(time_fields "$WORK/time.txt")
        answers=$(grep -cx "$LIST_ENTRIES" "$WORK/dlv.out" || true)
        status=$CAP_STATUS; note="$answers of $LIST_MAPS lengths printed right"
        [ "$status" = finished ] && [ "$CAP_RC" -ne 0 ] && status=failed
        [ "$status" = finished ] && status=ok
        row "$LIST_MAPS" "$impl" delve "dlv attach $tpid --init dlv.init (print len(main.maps[i]) for each i; exit; n)" \
            "$wall" 0 1 "$rss" "$user" "$sys" "$answers" "$status" "$note"
        log "delve ($impl): $status, ${wall}s, ${rss} KB, $note"
        target_alive "$tpid" "$logf" || { echo "bench: target $tpid stopped answering after delve" >&2; exit 1; }
    fi

    echo quit >&"$FIFO_FD" || true
    exec {FIFO_FD}>&-
    FIFO_FD=
    wait "$tpid" 2>/dev/null || true
done

log "writing the list section of $OUT"
python3 bench/report_list.py "$LRESULTS" "$INFO" "$OUT"
sed -n '/<!-- list-benchmark -->/,/<!-- \/list-benchmark -->/p' "$OUT"
