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
	"runtime/debug"
	"strconv"
	"strings"
	"unicode"
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
	mem10s     []map[int64]int64 // 1000 maps of 10 entries, measured together
	mem1ks     []map[int64]int64 // 100 maps of 1000 entries, measured together
	mem100k    map[int64]int64
	mem1m      map[int64]int64
	memEmptied map[int64]int64 // 10^6 inserted, then every one deleted
	memThinned map[int64]int64 // 10^6 inserted, then 9 in 10 deleted
	memCopy    map[int64]int64 // memThinned copied into a new map: what rebuilding saves
	memStrKeys map[[16]byte]int32
	// maps whose heap includes what their entries hold outside the map
	memStrings  map[string]string // 25-byte keys; values a literal or one shared string
	memTiny     map[string]int32  // 6-byte keys: the tiny allocator packs two in 16 bytes
	memIndirect map[int32][160]byte
	memPeople   map[int32]person // a string inside a struct value
)

type person struct {
	name string
	age  int
}

// measured is a map's heap as the program sees it: HeapAlloc after a GC,
// after the map was built, less before.
type measured struct {
	Path  string `json:"path"`
	Bytes uint64 `json:"bytes"`
	Maps  int    `json:"maps"` // how many maps: one, or those of PATH[*]
	// Outside: its entries hold strings or indirect values on the heap too,
	// which gomapviz counts when it reads the entries (stats, dump), not
	// from the headers (list)
	Outside bool `json:"outside,omitempty"`
}

// heapAlloc is the live heap after two collections (the first may still
// set up the collector's own goroutines); collections run only here (see
// measureAll), so none starts, and allocates, in the middle of a build.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// measure builds a map with build and returns the heap it added.
func measure(path string, build func()) measured {
	before := heapAlloc()
	build()
	return measured{Path: path, Bytes: heapAlloc() - before, Maps: 1}
}

func fillInts(n int) map[int64]int64 {
	m := map[int64]int64{}
	for i := 0; i < n; i++ {
		m[int64(i)] = int64(i)
	}
	return m
}

// measureMany measures n maps of size entries together: the runtime itself
// allocates a few KB now and then (seen up to 5 KB between two collections
// with nothing else running), which would blur a map of a few KB alone.
// The slice holding them is made first, so only the maps count. Its path
// ends in "[*]": the test adds up list's PATH[0] .. PATH[n-1].
func measureMany(path string, maps *[]map[int64]int64, n, size int) measured {
	*maps = make([]map[int64]int64, n)
	m := measure(path+"[*]", func() {
		for i := range *maps {
			(*maps)[i] = fillInts(size)
		}
	})
	m.Maps = n
	return m
}

// measureOutside measures a map whose entries hold heap memory outside it.
func measureOutside(path string, build func()) measured {
	m := measure(path, build)
	m.Outside = true
	return m
}

func measureAll() []measured {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	heap := make([]measured, 0, 12)
	for i := 0; i < 4; i++ {
		heapAlloc() // the first collections allocate for the collector itself (KBs): not the maps'
	}
	return append(heap,
		measureMany("main.mem10s", &mem10s, 1000, 10),
		measureMany("main.mem1ks", &mem1ks, 100, 1000),
		measure("main.mem100k", func() { mem100k = fillInts(100000) }),
		measure("main.mem1m", func() { mem1m = fillInts(1000000) }),
		measure("main.memEmptied", func() {
			memEmptied = fillInts(1000000)
			for k := range memEmptied {
				delete(memEmptied, k)
			}
		}),
		measure("main.memThinned", func() {
			memThinned = fillInts(1000000)
			for k := range memThinned {
				if k%10 != 0 {
					delete(memThinned, k)
				}
			}
		}),
		measure("main.memCopy", func() {
			memCopy = map[int64]int64{}
			for k, v := range memThinned {
				memCopy[k] = v
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
		measureOutside("main.memStrings", func() {
			memStrings = map[string]string{}
			shared := strings.Repeat("v", 40)
			for i := 0; i < 50000; i++ {
				v := "a literal value"
				if i%2 == 1 {
					v = shared
				}
				memStrings[fmt.Sprintf("key-%012d-abcdefgh", i)] = v
			}
		}),
		measureOutside("main.memTiny", func() {
			memTiny = map[string]int32{}
			for i := 0; i < 50000; i++ {
				memTiny[strconv.Itoa(100000+i)] = int32(i)
			}
		}),
		measureOutside("main.memIndirect", func() {
			memIndirect = map[int32][160]byte{}
			for i := 0; i < 20000; i++ {
				var v [160]byte
				v[0] = byte(i)
				memIndirect[int32(i)] = v
			}
		}),
		measureOutside("main.memPeople", func() {
			memPeople = map[int32]person{}
			for i := 0; i < 20000; i++ {
				memPeople[int32(i)] = person{name: fmt.Sprintf("person-name-%08d", i), age: i % 90}
			}
		}),
	)
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

// hidden is a map of the standard library that the program reaches only
// through go:linkname: list must find it at this address with this count,
// under a path that starts with Prefix (the rest is the runtime's own
// business: where sync.OnceValues keeps its results changed in Go 1.26).
type hidden struct {
	Prefix  string `json:"prefix"`
	Address string `json:"address"`
	Count   int    `json:"count"`
}

func hiddenAt(prefix string, m interface{}) hidden {
	f := mapAt(prefix, m)
	return hidden{Prefix: prefix, Address: f.Address, Count: f.Count}
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
			mapAt("main.mem10s[999]", mem10s[999]), // a slice of maps: the element is the map
			mapAt("unicode.Scripts", unicode.Scripts), // maps of the standard library
			mapAt("unicode.Categories", unicode.Categories),
		},
		"stdlib": htmlMaps(),
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
			{`main.byUser["nobody"]`, "no key"},
			{`main.plain["a"]`, "no maps"},
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
