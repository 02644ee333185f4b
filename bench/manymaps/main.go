// Command manymaps is the target process of the list benchmark
// (scripts/bench.sh list).
//
// Usage: manymaps -maps 1000 -entries 100000
//
// It fills main.maps, a slice of MAPS maps of ENTRIES int64 entries each
// (about 2.4 GB of map memory with Go 1.26 at the defaults, 2.8 GB with
// Go 1.19), plus main.byName, a map of pointers to holders of a few more
// maps (what list follows through pointers and map values). When they are
// full it prints "ready PID HEAPALLOC" and then reads lines from stdin:
// "ping" answers "pong", "quit" or the end of input exits. The maps are
// never touched after "ready".
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

type holder struct {
	name  string
	index map[int64]int64
}

var (
	maps   []map[int64]int64
	byName map[string]*holder
)

func fill(n int, seed int64) map[int64]int64 {
	m := make(map[int64]int64)
	for i := 0; i < n; i++ {
		m[int64(i)*7919+seed] = int64(i)
	}
	return m
}

func main() {
	nmaps := flag.Int("maps", 1000, "maps in main.maps")
	entries := flag.Int("entries", 100000, "entries in each")
	flag.Parse()
	maps = make([]map[int64]int64, *nmaps)
	for i := range maps {
		maps[i] = fill(*entries, int64(i))
	}
	byName = map[string]*holder{}
	for i := 0; i < 16; i++ {
		name := "h" + strconv.Itoa(i)
		byName[name] = &holder{name: name, index: fill(100, int64(i))}
	}
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("ready %d %d\n", os.Getpid(), ms.HeapAlloc)

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch in.Text() {
		case "ping":
			fmt.Println("pong")
		case "quit":
			return
		}
	}
}
