//go:build !go1.25

package main

import "unsafe"

// Map mirrors internal/runtime/maps.Map of Go 1.24
// (src/internal/runtime/maps/map.go): no tombstonePossible yet (the byte
// after writing is padding).
type Map struct {
	used        uint64
	seed        uintptr
	dirPtr      unsafe.Pointer
	dirLen      int
	globalDepth uint8
	globalShift uint8
	writing     uint8
	clearSeq    uint64
}

// tombstonePossibleJSON is null: 1.24 has no such field.
func (h *Map) tombstonePossibleJSON() string { return "null" }

func (h *Map) checkTombstonePossible(anyTombstones bool) string { return "" }
