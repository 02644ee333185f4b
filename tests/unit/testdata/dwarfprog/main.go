// dwarfprog holds package-level maps of several types so that the layout
// tests can read their DWARF. It prints a summary so that the linker keeps
// every variable.
package main

import (
	"fmt"
	"unsafe"
)

// Color is a named key type: it must decode as its underlying int32.
type Color int32

// Registry is a named map type.
type Registry map[string]Color

// Point is a small struct key.
type Point struct {
	X, Y int16
}

var (
	cache      = map[string]int{"a": 1, "b": 2}
	counters   = map[int64]int64{1: 10, 2: 20}
	bigKeys    = map[[200]byte][150]byte{}
	set32      = map[int32]struct{}{7: {}}
	byFloat    = map[float64]string{1.5: "one and a half"}
	flags      = map[uint8]bool{1: true}
	ptrs       = map[string]*int{}
	colorNames = map[Color]string{1: "red", 2: "green"}
	points     = map[Point]uint16{{1, 2}: 3}
	registry   = Registry{"sky": 3}
	anyVals    = map[string]interface{}{"x": 1}
	chans      = map[uintptr]chan int{1: make(chan int)}
	funcs      = map[unsafe.Pointer]func(){nil: func() {}}
	nested     = map[int8]map[string]int{1: {"a": 1}}
	complexes  = map[complex128][]int{1i: {1}}
	runes      = map[rune]float32{'a': 1.5}
	nilMap     map[string]int
	notAMap    int = 42
)

func main() {
	one := 1
	ptrs["one"] = &one
	var k [200]byte
	k[0] = 1
	bigKeys[k] = [150]byte{2}
	fmt.Println(len(cache), len(counters), len(bigKeys), len(set32), len(byFloat),
		len(flags), len(ptrs), len(colorNames), len(points), len(registry), len(nilMap), notAMap)
	fmt.Println(len(anyVals), len(chans), len(funcs), len(nested), len(complexes), len(runes))
}
