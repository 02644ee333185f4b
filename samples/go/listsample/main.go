// Command listsample is the target program of gomapviz's tests of maps
// named by a path (--var main.registry.m, main.shards[3].index, through
// pointers and slices) and of gomapviz list.
//
// Usage: listsample
//
// It fills maps held in package-level variables, in struct fields, in
// arrays and slices of structs, behind pointers and inside other maps, then
// prints one line of JSON: for every path a Go developer would write, the
// map's address and length as the program itself sees them (reflection),
// and the paths that must fail with why. Then it waits on stdin: "ping"
// answers "pong", "quit" or end of input exits. The maps are never touched
// after the line is printed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strconv"
)

type registry struct {
	name string
	m    map[string]int
}

type server struct {
	addr   string
	routes map[string]func()
	hits   map[int]int
}

type shard struct {
	pad   [3]int
	index map[uint64]string
}

type inner struct{ m map[int]bool }

type outer struct {
	label string
	in    *inner
}

var (
	plain      map[string]int
	reg        registry
	srv        *server
	nilSrv     *server
	shards     [4]shard
	shardSlice []shard
	deep       *outer
	byUser     map[string]map[string]int

	// maps whose heap the program measures (runtime.MemStats) as it builds them
	mem10      map[int64]int64
	mem1k      map[int64]int64
	mem100k    map[int64]int64
	mem1m      map[int64]int64
	memEmptied map[int64]int64 // 10^6 inserted, then every one deleted
	memStrKeys map[[16]byte]int32
)

// measured is a map's heap as the program sees it: HeapAlloc after a GC,
// after the map was built, less before.
type measured struct {
	Path  string `json:"path"`
	Bytes uint64 `json:"bytes"`
}

func heapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// measure builds a map with build and returns the heap it added.
func measure(path string, build func()) measured {
	before := heapAlloc()
	build()
	return measured{Path: path, Bytes: heapAlloc() - before}
}

func fillInts(n int) map[int64]int64 {
	m := map[int64]int64{}
	for i := 0; i < n; i++ {
		m[int64(i)] = int64(i)
	}
	return m
}

func measureAll() []measured {
	return []measured{
		measure("main.mem10", func() { mem10 = fillInts(10) }),
		measure("main.mem1k", func() { mem1k = fillInts(1000) }),
		measure("main.mem100k", func() { mem100k = fillInts(100000) }),
		measure("main.mem1m", func() { mem1m = fillInts(1000000) }),
		measure("main.memEmptied", func() {
			memEmptied = fillInts(1000000)
			for k := range memEmptied {
				delete(memEmptied, k)
			}
		}),
		measure("main.memStrKeys", func() {
			memStrKeys = map[[16]byte]int32{}
			for i := 0; i < 50000; i++ {
				var k [16]byte
				copy(k[:], strconv.Itoa(i))
				memStrKeys[k] = int32(i)
			}
		}),
	}
}

func fill() {
	plain = map[string]int{"a": 1, "b": 2}
	reg = registry{name: "r", m: map[string]int{"x": 1, "y": 2, "z": 3}}
	srv = &server{addr: ":80", routes: map[string]func(){"/": fill}, hits: map[int]int{}}
	for i := 0; i < 50; i++ {
		srv.hits[i] = i * i
	}
	for i := range shards {
		shards[i].index = map[uint64]string{}
		for j := 0; j <= i*10; j++ {
			shards[i].index[uint64(j)] = strconv.Itoa(j)
		}
	}
	shardSlice = []shard{{index: map[uint64]string{1: "one"}}, {index: map[uint64]string{2: "two", 3: "three"}}}
	deep = &outer{label: "d", in: &inner{m: map[int]bool{7: true}}}
	byUser = map[string]map[string]int{"ann": {"x": 1}, "bob": {"y": 2, "z": 3}}
}

type found struct {
	Path    string `json:"path"`
	Address string `json:"address"`
	Count   int    `json:"count"`
}

type refused struct {
	Path string `json:"path"`
	Says string `json:"says"` // a word the message must hold
}

func mapAt(path string, m interface{}) found {
	v := reflect.ValueOf(m)
	return found{Path: path, Address: fmt.Sprintf("0x%x", v.Pointer()), Count: v.Len()}
}

func main() {
	fill()
	heap := measureAll()
	view := map[string]interface{}{
		"heap":       heap,
		"pid":        os.Getpid(),
		"go":         runtime.Version(),
		"nil_is_nil": nilSrv == nil, // (and keeps nilSrv in the binary)
		"found": []found{
			mapAt("main.plain", plain),
			mapAt("main.reg.m", reg.m),
			mapAt("main.srv.routes", srv.routes),
			mapAt("main.srv.hits", srv.hits),
			mapAt("main.shards[0].index", shards[0].index),
			mapAt("main.shards[3].index", shards[3].index),
			mapAt("main.shardSlice[1].index", shardSlice[1].index),
			mapAt("main.deep.in.m", deep.in.m),
			mapAt("main.byUser", byUser),
		},
		// maps held as values of another map: what gomapviz list names them
		"held": []found{
			mapAt(`main.byUser["ann"]`, byUser["ann"]),
			mapAt(`main.byUser["bob"]`, byUser["bob"]),
		},
		"refused": []refused{
			{"main.nilSrv.routes", "nil"},
			{"main.reg.nothere", "no field"},
			{"main.shards[4].index", "out of range"},
			{"main.shardSlice[2].index", "out of range"},
			{"main.reg.name", "not a map"},
			{"main.plain.x", "no fields"},
			{"main.reg[0]", "cannot be indexed"},
			{"main.shards[x].index", "index"},
		},
	}
	line, err := json.Marshal(view)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listsample:", err)
		os.Exit(2)
	}
	fmt.Printf("%s\n", line)
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
