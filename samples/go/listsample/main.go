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
)

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
	view := map[string]interface{}{
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
