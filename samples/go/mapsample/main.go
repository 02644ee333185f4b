// Command mapsample is the target program of gomapviz's end-to-end tests.
//
// Usage: mapsample SCENARIO
//
// It builds one map in a package-level variable (chosen by SCENARIO), prints
// one line of JSON describing the map as the program itself sees it (the
// entries from ranging over the map, then the runtime header read through
// unsafe), and then waits on stdin: "ping" answers "pong", "quit" or end of
// input exits. After the view is printed the map is never touched again, so
// its memory stays exactly as described while gomapviz reads it.
//
// The header mirror below follows runtime.hmap of Go 1.11 to 1.23 (classic
// maps); uintptr/unsafe.Pointer fields keep it right on 32-bit targets.
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Package-level variables read by gomapviz (by name, through DWARF and .symtab).
var (
	strInt   map[string]int
	intInt   map[int64]int64
	delMap   map[string]int
	growMap  map[int64]string
	sameMap  map[int64]int64
	nanMap   map[float64]string
	setMap   map[int32]struct{}
	bigMap   map[[200]byte][150]byte
	emptyMap map[string]int
	nilMap   map[string]int // stays nil
	boolMap  map[uint8]bool
	ptrMap   map[string]*int
	notAMap  int // not a map: for the error tests
)

// hmap mirrors runtime.hmap (src/runtime/map.go).
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      unsafe.Pointer
}

const (
	flagSameSizeGrow = 8
)

// header returns the hmap a map variable points at (nil for a nil map).
// mapVar must be the address of a map-typed variable.
func header(mapVar unsafe.Pointer) *hmap {
	return *(**hmap)(mapVar)
}

// ---- JSON encoding, exactly as gomapviz renders keys and values ----

func encInt(v int64) string   { return strconv.FormatInt(v, 10) }
func encUint(v uint64) string { return strconv.FormatUint(v, 10) }

func encBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

func encFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return `"NaN"`
	case math.IsInf(v, 1):
		return `"+Inf"`
	case math.IsInf(v, -1):
		return `"-Inf"`
	case v == 0 && math.Signbit(v):
		return "-0.0"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func encHex(b []byte) string {
	return `{"hex": "` + hex.EncodeToString(b) + `"}`
}

func encString(s string) string {
	if !utf8.ValidString(s) {
		return encHex([]byte(s))
	}
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

func encAddr(p uintptr) string {
	return `"0x` + strconv.FormatUint(uint64(p), 16) + `"`
}

// rawBytes returns the in-memory bytes of the value at p.
func rawBytes(p unsafe.Pointer, size uintptr) []byte {
	if size == 0 {
		return []byte{}
	}
	out := make([]byte, size)
	copy(out, unsafe.Slice((*byte)(p), size))
	return out
}

// ---- the view ----

type entry struct{ key, value string }

type view struct {
	varName  string
	typeName string
	mapVar   unsafe.Pointer // address of the map variable
	entries  []entry        // collected by ranging over the map
}

// render reads the header (after the entries were collected) and returns the
// JSON line. It reads only the hmap, never the map through Go map operations.
func (v *view) render() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"pid": %d, "var": %s, "type": %s, "ptr_size": %d`,
		os.Getpid(), encString(v.varName), encString(v.typeName), unsafe.Sizeof(uintptr(0)))
	h := header(v.mapVar)
	if h == nil {
		sb.WriteString(`, "nil": true, "header": null, "entries": []}`)
		return sb.String()
	}
	fmt.Fprintf(&sb, `, "nil": false, "header": {"address": %s, "count": %d, "flags": %d, "B": %d, "noverflow": %d, "hash0": %d, "buckets": %s, "oldbuckets": %s, "nevacuate": %d}`,
		encAddr(uintptr(unsafe.Pointer(h))), h.count, h.flags, h.B, h.noverflow, h.hash0,
		encAddr(uintptr(h.buckets)), encAddr(uintptr(h.oldbuckets)), uint64(h.nevacuate))
	sb.WriteString(`, "entries": [`)
	for i, e := range v.entries {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(`{"key": ` + e.key + `, "value": ` + e.value + `}`)
	}
	sb.WriteString("]}")
	return sb.String()
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "mapsample: "+format+"\n", args...)
	os.Exit(2)
}

// ---- scenarios ----

func scenarioStrInt() *view {
	// A size hint of 400 gives B=6 up front: 64 buckets plus 2^(6-4) = 4
	// preallocated overflow buckets, which 200 keys are unlikely to use up.
	strInt = make(map[string]int, 400)
	special := []string{
		"", "héllo wörld", "日本語のキー", "emoji 🎉🚀", "Ελληνικά", "ключ",
		"quote\"back\\slash\nnewline\ttab", "ctrl\x01\x1f\x7f", "\xff\xfe invalid utf-8",
		"<html>&amp;</html>", "\u2028line separator",
		"<script>alert(1)</script>", "\"]]><!-- \" onload=\"alert(2)",
	}
	for i, s := range special {
		strInt[s] = -1000 - i
	}
	for i := 0; len(strInt) < 200; i++ {
		strInt[fmt.Sprintf("key-%04d-%s", i, strings.Repeat("x", i%23))] = i * 7
	}
	v := &view{varName: "main.strInt", typeName: "map[string]int", mapVar: unsafe.Pointer(&strInt)}
	for k, val := range strInt {
		v.entries = append(v.entries, entry{encString(k), encInt(int64(val))})
	}
	return v
}

func scenarioIntInt() *view {
	intInt = make(map[int64]int64)
	for i := 0; i < 10000; i++ {
		k := int64(uint64(i) * 0x9E3779B97F4A7C15)
		intInt[k] = int64(i) - 5000
	}
	intInt[math.MinInt64] = math.MaxInt64
	intInt[math.MaxInt64] = math.MinInt64
	v := &view{varName: "main.intInt", typeName: "map[int64]int64", mapVar: unsafe.Pointer(&intInt)}
	for k, val := range intInt {
		v.entries = append(v.entries, entry{encInt(k), encInt(val)})
	}
	return v
}

func scenarioDeletions() *view {
	delMap = make(map[string]int)
	const n = 300
	for i := 0; i < n; i++ {
		delMap[fmt.Sprintf("del-%03d", i)] = i
	}
	// Every other key of the first 250 (holes in the middle of chains:
	// emptyOne), then all of the last 50 (the newest cells, at the ends of
	// chains: trailing runs become emptyRest).
	for i := 0; i < n; i++ {
		if (i < 250 && i%2 == 0) || i >= 250 {
			delete(delMap, fmt.Sprintf("del-%03d", i))
		}
	}
	v := &view{varName: "main.delMap", typeName: "map[string]int", mapVar: unsafe.Pointer(&delMap)}
	for k, val := range delMap {
		v.entries = append(v.entries, entry{encString(k), encInt(int64(val))})
	}
	return v
}

func scenarioGrowing() *view {
	growMap = make(map[int64]string)
	h := header(unsafe.Pointer(&growMap))
	for i := int64(0); ; i++ {
		if i > 1<<22 {
			fail("growing: no doubling grow seen")
		}
		growMap[i*1000003] = "value-" + strconv.FormatInt(i, 10)
		// Stop at the first doubling grow whose old array has >= 32 buckets.
		if h.oldbuckets != nil && h.flags&flagSameSizeGrow == 0 && h.B >= 6 {
			if h.nevacuate >= uintptr(1)<<(h.B-1) {
				fail("growing: grow already finished")
			}
			break
		}
	}
	v := &view{varName: "main.growMap", typeName: "map[int64]string", mapVar: unsafe.Pointer(&growMap)}
	for k, val := range growMap {
		v.entries = append(v.entries, entry{encInt(k), encString(val)})
	}
	return v
}

func scenarioSameSize() *view {
	// B = 4 (16 buckets, up to 104 entries). Churn fresh keys at ~100 live
	// entries: chains overflow now and then, overflow buckets are never
	// freed, and when noverflow reaches 2^B the next insert starts a
	// same-size grow.
	const live = 100
	sameMap = make(map[int64]int64, live)
	h := header(unsafe.Pointer(&sameMap))
	if h.B != 4 {
		fail("samesize: expected B=4 after make, got %d", h.B)
	}
	rng := rand.New(rand.NewSource(1))
	keys := make([]int64, 0, live+1)
	next := int64(1)
	for iter := 0; ; iter++ {
		if iter > 50_000_000 {
			fail("samesize: no same-size grow seen (noverflow=%d)", h.noverflow)
		}
		if len(keys) >= live {
			j := rng.Intn(len(keys))
			delete(sameMap, keys[j])
			keys[j] = keys[len(keys)-1]
			keys = keys[:len(keys)-1]
		}
		k := next * 7919
		next++
		sameMap[k] = -k
		keys = append(keys, k)
		if h.oldbuckets != nil {
			if h.flags&flagSameSizeGrow == 0 {
				fail("samesize: a doubling grow started instead (B=%d count=%d)", h.B, h.count)
			}
			if h.nevacuate >= uintptr(1)<<h.B {
				fail("samesize: grow already finished")
			}
			break
		}
	}
	v := &view{varName: "main.sameMap", typeName: "map[int64]int64", mapVar: unsafe.Pointer(&sameMap)}
	for k, val := range sameMap {
		v.entries = append(v.entries, entry{encInt(k), encInt(val)})
	}
	return v
}

func scenarioNaN() *view {
	nanMap = make(map[float64]string)
	negZero := math.Copysign(0, -1)
	nanMap[negZero] = "zero (first inserted as -0.0)"
	// Same key as -0.0; for float keys the runtime also overwrites the stored
	// key (needkeyupdate), so memory ends up holding +0.0.
	nanMap[0] = "zero"
	nanMap[1.5] = "one and a half"
	nanMap[1e300] = "huge"
	nanMap[5e-324] = "smallest denormal"
	nanMap[-2.25] = "negative"
	nanMap[math.Inf(1)] = "+inf"
	nanMap[math.Inf(-1)] = "-inf"
	nanMap[math.NaN()] = "nan-1"
	nanMap[math.NaN()] = "nan-2"
	nanMap[math.NaN()] = "nan-3"
	v := &view{varName: "main.nanMap", typeName: "map[float64]string", mapVar: unsafe.Pointer(&nanMap)}
	for k, val := range nanMap {
		v.entries = append(v.entries, entry{encFloat(k), encString(val)})
	}
	return v
}

func scenarioSet() *view {
	setMap = make(map[int32]struct{})
	for i := int32(0); i < 50; i++ {
		setMap[i*i*37-900] = struct{}{}
	}
	v := &view{varName: "main.setMap", typeName: "map[int32]struct {}", mapVar: unsafe.Pointer(&setMap)}
	for k, val := range setMap {
		val := val
		v.entries = append(v.entries, entry{encInt(int64(k)), encHex(rawBytes(unsafe.Pointer(&val), unsafe.Sizeof(val)))})
	}
	return v
}

func scenarioBig() *view {
	bigMap = make(map[[200]byte][150]byte)
	for i := 0; i < 20; i++ {
		var k [200]byte
		var val [150]byte
		for j := range k {
			k[j] = byte(i*31 + j*7)
		}
		for j := range val {
			val[j] = byte(255 - i - j*3)
		}
		bigMap[k] = val
	}
	v := &view{varName: "main.bigMap", typeName: "map[[200]uint8][150]uint8", mapVar: unsafe.Pointer(&bigMap)}
	for k, val := range bigMap {
		k, val := k, val
		v.entries = append(v.entries, entry{encHex(k[:]), encHex(val[:])})
	}
	return v
}

func scenarioEmpty() *view {
	emptyMap = make(map[string]int)
	return &view{varName: "main.emptyMap", typeName: "map[string]int", mapVar: unsafe.Pointer(&emptyMap)}
}

func scenarioNil() *view {
	return &view{varName: "main.nilMap", typeName: "map[string]int", mapVar: unsafe.Pointer(&nilMap)}
}

func scenarioBool() *view {
	boolMap = make(map[uint8]bool)
	for i := 0; i < 12; i++ {
		boolMap[uint8(i*21)] = i%3 == 0
	}
	v := &view{varName: "main.boolMap", typeName: "map[uint8]bool", mapVar: unsafe.Pointer(&boolMap)}
	for k, val := range boolMap {
		v.entries = append(v.entries, entry{encUint(uint64(k)), encBool(val)})
	}
	return v
}

func scenarioPtr() *view {
	ptrMap = make(map[string]*int)
	for i := 0; i < 30; i++ {
		if i%4 == 0 {
			ptrMap[fmt.Sprintf("nil-%02d", i)] = nil
			continue
		}
		p := new(int)
		*p = i * 11
		ptrMap[fmt.Sprintf("ptr-%02d", i)] = p
	}
	v := &view{varName: "main.ptrMap", typeName: "map[string]*int", mapVar: unsafe.Pointer(&ptrMap)}
	for k, val := range ptrMap {
		v.entries = append(v.entries, entry{encString(k), encAddr(uintptr(unsafe.Pointer(val)))})
	}
	return v
}

// scenarios, in the order the usage message lists them.
var scenarios = []struct {
	name  string
	build func() *view
}{
	{"strint", scenarioStrInt},
	{"intint", scenarioIntInt},
	{"deletions", scenarioDeletions},
	{"growing", scenarioGrowing},
	{"samesize", scenarioSameSize},
	{"nan", scenarioNaN},
	{"set", scenarioSet},
	{"big", scenarioBig},
	{"empty", scenarioEmpty},
	{"nil", scenarioNil},
	{"bool", scenarioBool},
	{"ptr", scenarioPtr},
	{"small", scenarioSmall},
	{"chains", scenarioChains},
	{"growsmall", scenarioGrowSmall},
	{"samesmall", scenarioSameSmall},
	{"phases", scenarioPhases},
	{"samephases", scenarioSamePhases},
}

func main() {
	// notAMap must stay in the binary (symbol and DWARF) for the error tests.
	notAMap = 42 + len(os.Args)
	var build func() *view
	names := make([]string, 0, len(scenarios))
	for _, sc := range scenarios {
		names = append(names, sc.name)
		if len(os.Args) == 2 && os.Args[1] == sc.name {
			build = sc.build
		}
	}
	if build == nil {
		fail("usage: mapsample SCENARIO (one of %s)", strings.Join(names, ", "))
	}
	v := build()

	// Scenarios that are not about growing must not be caught mid-grow.
	if h := header(v.mapVar); h != nil && h.oldbuckets != nil &&
		os.Args[1] != "growing" && os.Args[1] != "samesize" &&
		os.Args[1] != "growsmall" && os.Args[1] != "samesmall" && os.Args[1] != "samephases" {
		fail("%s: map is unexpectedly growing", os.Args[1])
	}

	out := bufio.NewWriter(os.Stdout)
	out.WriteString(v.render())
	out.WriteString("\n")
	out.Flush()

	// From here on the map is never touched: only stdin and stdout.
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch strings.TrimSpace(in.Text()) {
		case "ping":
			out.WriteString("pong\n")
			out.Flush()
		case "next":
			// Phased scenarios: move the map on and print its new view.
			if len(phasedScenario) < 2 {
				fail("next: %s has no further phase", os.Args[1])
			}
			phasedScenario = phasedScenario[1:]
			out.WriteString(phasedScenario[0]().render())
			out.WriteString("\n")
			out.Flush()
		case "quit":
			return
		}
	}
}
