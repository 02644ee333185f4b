// Command bench is the target process of scripts/bench.sh.
//
// Usage: bench -n ENTRIES
//
// It fills three package-level maps and leaves them alone:
//
//	main.m64   map[int64]int64   ENTRIES entries, key i*7919+1, value i
//	main.mstr  map[string]string ENTRIES entries, key "k%09d", value "v%09d"
//	main.mtiny map[int64]int64   1 entry (the fixed cost of a tool: attach, symbols)
//
// The maps grow naturally (no size hint), as a real program's would. When they
// are full it prints "ready PID" and then reads lines from stdin: "ping" answers
// "pong" (so the benchmark can check that the process still runs after a
// debugger detached), "quit" or the end of input exits. The maps are never
// touched after "ready", so every tool sees the same memory.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
)

var (
	m64   map[int64]int64
	mstr  map[string]string
	mtiny map[int64]int64
)

func pad9(prefix byte, i int) string {
	// "k000000042": one allocation per string, as strconv/fmt would make.
	b := make([]byte, 10)
	b[0] = prefix
	s := strconv.Itoa(i)
	for j := 1; j < 10-len(s); j++ {
		b[j] = '0'
	}
	copy(b[10-len(s):], s)
	return string(b)
}

func main() {
	n := flag.Int("n", 10000, "entries in main.m64 and main.mstr")
	which := flag.String("maps", "m64,mstr", "maps to fill: m64, mstr or both (m64,mstr)")
	flag.Parse()
	fill64 := *which == "m64" || *which == "m64,mstr" || *which == "mstr,m64"
	fillStr := *which == "mstr" || *which == "m64,mstr" || *which == "mstr,m64"

	m64 = make(map[int64]int64)
	mstr = make(map[string]string)
	mtiny = map[int64]int64{1: 1}
	if fill64 {
		for i := 0; i < *n; i++ {
			m64[int64(i)*7919+1] = int64(i)
		}
	}
	if fillStr {
		for i := 0; i < *n; i++ {
			mstr[pad9('k', i)] = pad9('v', i)
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	fmt.Printf("ready %d m64=%d mstr=%d\n", os.Getpid(), len(m64), len(mstr))

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch in.Text() {
		case "ping":
			fmt.Println("pong")
		case "quit":
			return
		}
	}
	// Keep the maps reachable to the end (they are package-level anyway).
	runtime.KeepAlive(m64)
	runtime.KeepAlive(mstr)
}
