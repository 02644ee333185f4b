//go:build go1.25

package main

import "unsafe"

// Map mirrors internal/runtime/maps.Map of Go 1.25 and later
// (src/internal/runtime/maps/map.go).
type Map struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool
	clearSeq          uint64
}

func (h *Map) tombstonePossibleJSON() string { return encBool(h.tombstonePossible) }

// checkTombstonePossible: a table with tombstones implies tombstonePossible
// (Map.Delete sets it when table.Delete leaves a tombstone; only Clear
// resets it).
func (h *Map) checkTombstonePossible(anyTombstones bool) string {
	if anyTombstones && !h.tombstonePossible {
		return "tables hold tombstones but Map.tombstonePossible is false"
	}
	return ""
}
