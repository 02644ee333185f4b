// Command htmlsample is the target program of the tests of gomapviz's HTML
// page (tests/browser/html_view.mjs through tests/e2e/html_e2e.py).
//
// Usage: htmlsample [-n ENTRIES]
//
// It fills three package-level maps:
//
//	main.hostile  map[string]string  keys and values that would be markup or
//	                                 script if a page ever took them as such
//	main.users    map[string]int     200 entries ("user-000" .. "user-199")
//	main.big      map[int64]int64    ENTRIES entries (default 0), key i*7919+1
//
// then prints one line of JSON: each map's address and length as the
// program sees them, and every key of main.hostile and main.users with its
// value. Then it waits on stdin: "ping" answers "pong", "quit" or the end
// of input exits. The maps are never touched after the line is printed.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime"
)

var (
	hostile map[string]string
	users   map[string]int
	big     map[int64]int64
)

// Keys a careless page would run: each tries to leave a text node or an
// attribute, or to end the script block that holds the page's data.
var hostileKeys = []string{
	"<script>window.pwned = 1</script>",
	`"onload="window.pwned=2`,
	"]]><script>window.pwned=3</script>",
	"</script><script>window.pwned=4</script>",
	"<img src=x onerror=\"window.pwned=5\">",
	"<!--",
	"javascript:window.pwned=6",
	"plain",
}

type mapInfo struct {
	Address string `json:"address"`
	Count   int    `json:"count"`
}

func info(m interface{}) mapInfo {
	v := reflect.ValueOf(m)
	return mapInfo{Address: fmt.Sprintf("0x%x", v.Pointer()), Count: v.Len()}
}

func main() {
	n := flag.Int("n", 0, "entries in main.big")
	flag.Parse()
	hostile = map[string]string{}
	for i, k := range hostileKeys {
		hostile[k] = hostileKeys[(i+1)%len(hostileKeys)]
	}
	users = map[string]int{}
	for i := 0; i < 200; i++ {
		users[fmt.Sprintf("user-%03d", i)] = i * i
	}
	big = map[int64]int64{}
	for i := 0; i < *n; i++ {
		big[int64(i)*7919+1] = int64(i)
	}
	runtime.GC()
	view := map[string]interface{}{
		"pid":     os.Getpid(),
		"go":      runtime.Version(),
		"maps":    map[string]mapInfo{"main.hostile": info(hostile), "main.users": info(users), "main.big": info(big)},
		"hostile": hostile,
		"users":   users,
	}
	line, err := json.Marshal(view)
	if err != nil {
		fmt.Fprintln(os.Stderr, "htmlsample:", err)
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
