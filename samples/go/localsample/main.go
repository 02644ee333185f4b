// Command localsample is the target of gomapviz's debugger tests: a map in
// a local variable, which no --var can name. It prints one line of JSON
// with the map's address and entries as the program sees them, then calls
// hold(m), where the tests stop it in gdb or delve and run gomapviz on `m`.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
)

//go:noinline
func hold(m map[string]int) int { return len(m) }

func main() {
	m := map[string]int{}
	for i := 0; i < 20; i++ {
		m["k"+strconv.Itoa(i)] = i * i
	}
	entries := [][2]interface{}{}
	for k, v := range m {
		entries = append(entries, [2]interface{}{k, v})
	}
	line, _ := json.Marshal(map[string]interface{}{
		"view": "localsample", "pid": os.Getpid(), "type": "map[string]int",
		"address": fmt.Sprintf("0x%x", reflect.ValueOf(m).Pointer()), "entries": entries,
	})
	fmt.Printf("%s\n", line)
	os.Exit(hold(m) - len(m))
}
