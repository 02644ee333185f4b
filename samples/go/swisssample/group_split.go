//go:build goexperiment.mapsplitgroup

package main

import "unsafe"

// splitGroups: GOEXPERIMENT=mapsplitgroup (Go 1.27): keys and elems in two
// arrays.
const splitGroups = true

// groupOf is the group of a map[K]V as the compiler builds it with split
// groups (cmd/compile/internal/reflectdata.MapGroupType):
// struct { ctrl uint64; keys [8]K; elems [8]V }.
type groupOf[K, V any] struct {
	ctrl  uint64
	keys  [groupSlots]K
	elems [groupSlots]V
}

// layoutOf gives the layout of groupOf[K, V] by Go's own struct layout rules.
func layoutOf[K, V any]() layout {
	var g groupOf[K, V]
	return layout{
		groupSize:  unsafe.Sizeof(g),
		keysOff:    unsafe.Offsetof(g.keys),
		keyStride:  unsafe.Sizeof(g.keys[0]),
		elemsOff:   unsafe.Offsetof(g.elems),
		elemStride: unsafe.Sizeof(g.elems[0]),
	}
}
