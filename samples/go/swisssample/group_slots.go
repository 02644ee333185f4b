//go:build !goexperiment.mapsplitgroup

package main

import "unsafe"

// splitGroups: groups interleave keys and elems (the default layout).
const splitGroups = false

// groupOf is the group of a map[K]V as the compiler builds it
// (cmd/compile/internal/reflectdata.MapGroupType):
// struct { ctrl uint64; slots [8]struct { key K; elem V } }.
type slotOf[K, V any] struct {
	key  K
	elem V
}

type groupOf[K, V any] struct {
	ctrl  uint64
	slots [groupSlots]slotOf[K, V]
}

// layoutOf gives the layout of groupOf[K, V] by Go's own struct layout rules.
func layoutOf[K, V any]() layout {
	var g groupOf[K, V]
	return layout{
		groupSize:  unsafe.Sizeof(g),
		keysOff:    unsafe.Offsetof(g.slots),
		keyStride:  unsafe.Sizeof(g.slots[0]),
		elemsOff:   unsafe.Offsetof(g.slots) + unsafe.Offsetof(g.slots[0].elem),
		elemStride: unsafe.Sizeof(g.slots[0]),
	}
}
