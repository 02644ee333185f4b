// Command valuesample is the target program of gomapviz's tests of decoded
// keys and values (structs, arrays, pointers, interfaces, slices, funcs,
// channels, complex numbers, named constants, nested maps).
//
// Usage: valuesample
//
// It fills one package-level map of each kind, prints one line of JSON with
// every map's entries as the program itself sees them (by reflection, in the
// JSON forms of docs/json-schema.md, "Keys and values"), and then waits on
// stdin: "ping" answers "pong", "quit" or end of input exits. The maps are
// never touched after the line is printed.
//
// The reflection writer follows what gomapviz does by default: pointers
// followed 3 deep, a pointer already on the path from the cell marked as a
// cycle, the first 16 elements of an array or slice, byte arrays as hex; and
// it lists a map value's entries, as gomapviz does with --nested 1.
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"unsafe"
)

// The defaults of gomapviz's --depth and --elems.
const (
	followDepth = 3
	shownElems  = 16
)

type Point struct{ X, Y int }

type User struct {
	Name   string
	Age    int
	Friend *User
	Tags   []string
}

type Color int

const (
	Red Color = iota
	Green
	Blue
)

// colorNames is what the binary's DWARF records of Color's constants.
var colorNames = map[Color]string{Red: "main.Red", Green: "main.Green", Blue: "main.Blue"}

// Key is a struct key with a string inside.
type Key struct {
	Name string
	ID   int32
	Flag bool
}

// Embedded has an embedded field and a blank one (padding, never shown).
type Embedded struct {
	Point
	Label string
	_     int32
	Note  *string
}

// BigKey is over 128 bytes: the map stores a pointer to it.
type BigKey struct {
	Name string
	Vals [16]int64
	P    Point
}

var (
	points    map[Point]string
	users     map[string]*User
	anys      map[string]interface{}
	errs      map[error]int
	byteSlice map[int][]byte
	pairs     map[[2]int]bool
	nested    map[string]map[string]int
	funcs     map[string]func()
	colors    map[Color]int
	complexes map[complex128]float32
	keyed     map[Key]Embedded
	bigKeys   map[BigKey]Point
	chans     map[string]chan int
	ptrKeys   map[*Point]string
	anyKeys   map[interface{}]string
	loopMap   map[string]interface{} // holds itself, and a map that holds it
)

var counter int

// capturedN is the variable the "capture" closure captured (by reference).
var capturedN *int

func hello()   { fmt.Println("hello") }
func goodbye() { fmt.Println("goodbye") }

func fill() {
	points = map[Point]string{{2, -2}: "two", {0, 0}: "origin", {-7, 9}: "far"}

	ann := &User{Name: "ann", Age: 31, Tags: []string{"admin", "ops"}}
	bob := &User{Name: "bob", Age: 27}
	ann.Friend, bob.Friend = bob, ann // a cycle
	chain := &User{Name: "c0"}
	cur := chain
	for i := 1; i < 6; i++ { // deeper than followDepth
		cur.Friend = &User{Name: fmt.Sprintf("c%d", i), Age: i}
		cur = cur.Friend
	}
	users = map[string]*User{"ann": ann, "bob": bob, "chain": chain, "nobody": nil}

	anys = map[string]interface{}{
		"int": 42, "big": int64(1) << 40, "str": "text", "point": Point{1, 2}, "nil": nil,
		"ptr": &Point{3, 4}, "float": 2.5, "bool": true, "users": []string{"a", "b"},
	}

	base := errors.New("boom")
	errs = map[error]int{base: 1, fmt.Errorf("wrapped: %w", base): 2, io.EOF: 3}

	long := make([]byte, 40, 64)
	for i := range long {
		long[i] = byte(i * 3)
	}
	byteSlice = map[int][]byte{0: nil, 1: {}, 2: []byte("hi"), 3: long, 4: make([]byte, 2, 10)}

	pairs = map[[2]int]bool{{8770, 824}: true, {0, -1}: false}

	nested = map[string]map[string]int{
		"one": {"a": 1}, "three": {"a": 1, "b": 2, "c": 3}, "empty": {}, "nil": nil,
	}

	n := 0
	capturedN = &n
	funcs = map[string]func(){
		"hello": hello, "goodbye": goodbye, "nil": nil,
		"closure": func() { counter++ },
		"capture": func() { n++; counter += n },
	}

	colors = map[Color]int{Red: 10, Green: 20, Blue: 30, Color(7): 70}

	complexes = map[complex128]float32{complex(1, 2): 1.5, complex(0, -0.5): -0.25, 3: 2}

	note := "noted"
	keyed = map[Key]Embedded{
		{"alpha", 1, true}:  {Point: Point{1, 1}, Label: "first", Note: &note},
		{"beta", -2, false}: {Point: Point{2, 2}, Label: "second"},
	}

	var vals [16]int64
	for i := range vals {
		vals[i] = int64(i * i)
	}
	bigKeys = map[BigKey]Point{{"big", vals, Point{5, 6}}: {7, 8}, {Name: "zero"}: {}}

	open := make(chan int, 3)
	open <- 7
	chans = map[string]chan int{"open": open, "nil": nil, "unbuffered": make(chan int)}

	ptrKeys = map[*Point]string{thePoint: "the point", {9, 9}: "another"}

	anyKeys = map[interface{}]string{1: "one", "a": "letter", Point{1, 2}: "point", 2.5: "float", Blue: "blue"}

	loopMap = map[string]interface{}{"n": 1}
	loopMap["me"] = loopMap
	loopMap["inner"] = map[string]interface{}{"back": loopMap, "m": 2}
}

var thePoint = &Point{4, 5}

// A map's line in the view.
type mapView struct {
	Var     string           `json:"var"`
	Type    string           `json:"type"`
	Address string           `json:"address"`
	Count   int              `json:"count"`
	Entries [][2]interface{} `json:"entries"`
	KeyGo   []string         `json:"key_go"` // one key written in Go syntax in ways a user may, for --key
}

type obj = map[string]interface{}

func address(p uintptr) string { return fmt.Sprintf("0x%x", p) }

// encode writes v as docs/json-schema.md says gomapviz writes it.
func encode(v reflect.Value, depth int, path []uintptr) interface{} {
	t := v.Type()
	switch t.Kind() {
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if t == reflect.TypeOf(Color(0)) {
			if name, ok := colorNames[Color(v.Int())]; ok {
				return obj{"const": name, "value": v.Int()}
			}
		}
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		return obj{"real": real(c), "imag": imag(c)}
	case reflect.String:
		return v.String()
	case reflect.UnsafePointer:
		return address(v.Pointer())
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return obj{"hex": hex.EncodeToString(b)}
		}
		elems := encodeElems(v, depth, path)
		if v.Len() <= shownElems {
			return elems
		}
		return obj{"type": t.String(), "len": v.Len(), "elems": elems, "truncated": true}
	case reflect.Slice:
		o := obj{"type": t.String(), "address": address(v.Pointer()), "len": v.Len(), "cap": v.Cap(),
			"elems": encodeElems(v, depth, path)}
		if v.Len() > shownElems {
			o["truncated"] = true
		}
		return o
	case reflect.Struct:
		fields := obj{}
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).Name != "_" {
				fields[t.Field(i).Name] = encode(v.Field(i), depth, path)
			}
		}
		return obj{"type": t.String(), "fields": fields}
	case reflect.Ptr:
		p := v.Pointer()
		o := obj{"type": t.String(), "address": address(p)}
		switch {
		case p == 0:
		case onPath(path, p):
			o["cycle"] = true
		case depth >= followDepth:
			o["depth_limit"] = true
		default:
			o["target"] = encode(v.Elem(), depth+1, append(path, p))
		}
		return o
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		e := v.Elem()
		return obj{"type": t.String(), "dynamic_type": e.Type().String(), "value": encode(e, depth, path)}
	case reflect.Func:
		o := obj{"type": t.String(), "address": address(funcval(v))}
		if !v.IsNil() {
			code := v.Pointer()
			o["code"] = address(code)
			o["func"] = runtime.FuncForPC(code).Name()
			if dwarfCaptures && o["func"] == "main.fill.func2" { // func() { n++; counter += n }
				o["captures"] = obj{"&n": encode(reflect.ValueOf(capturedN), depth, path)}
			}
		}
		return o
	case reflect.Chan:
		o := obj{"type": t.String(), "address": address(v.Pointer())}
		if !v.IsNil() {
			o["len"], o["cap"] = v.Len(), v.Cap()
		}
		return o
	case reflect.Map:
		o := obj{"type": t.String(), "address": address(v.Pointer()), "implementation": mapImplementation}
		if !v.IsNil() { // the entries are what gomapviz --nested adds, but of no map being listed
			o["count"] = v.Len()
			if onPath(path, v.Pointer()) {
				return o
			}
			path = append(path, v.Pointer())
			entries := []interface{}{}
			for it := v.MapRange(); it.Next(); {
				entries = append(entries, obj{"key": encode(it.Key(), depth, path), "value": encode(it.Value(), depth, path)})
			}
			o["entries"] = entries
		}
		return o
	}
	panic("valuesample: no JSON form for " + t.String())
}

func encodeElems(v reflect.Value, depth int, path []uintptr) []interface{} {
	elems := []interface{}{}
	for i := 0; i < v.Len() && i < shownElems; i++ {
		elems = append(elems, encode(v.Index(i), depth, path))
	}
	return elems
}

func onPath(path []uintptr, p uintptr) bool {
	for _, q := range path {
		if q == p {
			return true
		}
	}
	return false
}

// funcval is the pointer a func variable holds: the address of its funcval
// (whose first word is the code address), read through an interface, where
// a func is stored directly.
func funcval(v reflect.Value) uintptr {
	i := v.Interface()
	return uintptr((*[2]unsafe.Pointer)(unsafe.Pointer(&i))[1])
}

func view(name string, m interface{}, keyGo ...string) mapView {
	v := reflect.ValueOf(m)
	mv := mapView{Var: name, Type: v.Type().String(), Address: address(v.Pointer()), Count: v.Len(), KeyGo: keyGo,
		Entries: [][2]interface{}{}}
	path := []uintptr{v.Pointer()} // the map itself is being listed
	for it := v.MapRange(); it.Next(); {
		mv.Entries = append(mv.Entries, [2]interface{}{encode(it.Key(), 0, path), encode(it.Value(), 0, path)})
	}
	return mv
}

func main() {
	fill()
	var wrapped error
	for e := range errs {
		if errors.Unwrap(e) != nil {
			wrapped = e
		}
	}
	wrappedGo := fmt.Sprintf(`&fmt.wrapError{msg: "wrapped: boom", err: (*errors.errorString)(%#x)}`,
		reflect.ValueOf(errors.Unwrap(wrapped)).Pointer())
	maps := []mapView{
		view("main.points", points, "main.Point{X: 2, Y: -2}", "Point{X:2,Y:-2}"),
		view("main.users", users, `"chain"`, "chain"),
		view("main.anys", anys, `"point"`),
		view("main.errs", errs, wrappedGo, fmt.Sprintf("%#v", wrapped),
			`&fmt.wrapError{msg: "wrapped: boom", err: &errors.errorString{s: "boom"}}`),
		view("main.byteSlice", byteSlice, "3"),
		view("main.pairs", pairs, "[2]int{8770, 824}", fmt.Sprintf("%#v", [2]int{8770, 824})),
		view("main.nested", nested, `"three"`),
		view("main.funcs", funcs, `"closure"`),
		view("main.colors", colors, "main.Green", "Green", "1", "main.Green (1)"),
		view("main.complexes", complexes, "(0-0.5i)", fmt.Sprintf("%v", complex(0, -0.5))),
		view("main.keyed", keyed, `main.Key{Name: "beta", ID: -2, Flag: false}`,
			fmt.Sprintf("%#v", Key{"beta", -2, false})),
		view("main.bigKeys", bigKeys, fmt.Sprintf("%#v", BigKey{Name: "zero"})),
		view("main.chans", chans, `"open"`),
		view("main.ptrKeys", ptrKeys, fmt.Sprintf("(*main.Point)(%p)", thePoint), "&main.Point{X: 4, Y: 5}"),
		view("main.anyKeys", anyKeys, "main.Point{X: 1, Y: 2}", "2.5", `"a"`, "main.Blue"),
		view("main.loopMap", loopMap, `"me"`),
	}
	line, err := json.Marshal(obj{"pid": os.Getpid(), "go": runtime.Version(), "implementation": mapImplementation,
		"maps": maps})
	if err != nil {
		fmt.Fprintln(os.Stderr, "valuesample:", err)
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
	runtime.KeepAlive(counter)
}
