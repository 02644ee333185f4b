//go:build !go1.27

package main

import "unsafe"

// mapType mirrors the map type descriptor of Go 1.24 to 1.26:
// internal/abi.SwissMapType (1.24, 1.25: src/internal/abi/map_swiss.go) and
// internal/abi.MapType (1.26: src/internal/abi/map.go), the same fields.
type mapType struct {
	abiType
	key       *abiType
	elem      *abiType
	group     *abiType
	hasher    func(unsafe.Pointer, uintptr) uintptr
	groupSize uintptr // == group.size
	slotSize  uintptr // size of a key/elem slot
	elemOff   uintptr // offset of elem in a key/elem slot
	flags     uint32
}

// groupSlotsOffset is the runtime's constant (group.go): the slots follow
// the 8-byte control word.
const groupSlotsOffset = unsafe.Sizeof(uint64(0))

// layout is what groupReference.key/elem compute:
// key i at 8 + i*SlotSize, elem i at 8 + i*SlotSize + ElemOff.
func (mt *mapType) layout() layout {
	return layout{groupSize: mt.groupSize, keysOff: groupSlotsOffset, keyStride: mt.slotSize,
		elemsOff: groupSlotsOffset + mt.elemOff, elemStride: mt.slotSize}
}

func (mt *mapType) checkExtra() string { return "" }
