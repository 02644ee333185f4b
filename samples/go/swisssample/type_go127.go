//go:build go1.27

package main

import (
	"fmt"
	"unsafe"
)

// mapType mirrors internal/abi.MapType of Go 1.27 (src/internal/abi/map.go):
// SlotSize gave way to KeysOff/KeyStride/ElemsOff/ElemStride, the same
// fields with and without GOEXPERIMENT=mapsplitgroup; ElemOff is only set
// without it (0 with split groups).
type mapType struct {
	abiType
	key        *abiType
	elem       *abiType
	group      *abiType
	hasher     func(unsafe.Pointer, uintptr) uintptr
	groupSize  uintptr // == group.size
	keysOff    uintptr
	keyStride  uintptr
	elemsOff   uintptr
	elemStride uintptr
	elemOff    uintptr // offset of elem in a slot (interleaved groups only)
	flags      uint32
}

// layout is what groupReference.key/elem compute:
// key i at KeysOff + i*KeyStride, elem i at ElemsOff + i*ElemStride.
func (mt *mapType) layout() layout {
	return layout{groupSize: mt.groupSize, keysOff: mt.keysOff, keyStride: mt.keyStride,
		elemsOff: mt.elemsOff, elemStride: mt.elemStride}
}

func (mt *mapType) checkExtra() string {
	want := mt.elemsOff - mt.keysOff // interleaved: the elem's offset in a slot
	if splitGroups {
		want = 0
	}
	if mt.elemOff != want {
		return fmt.Sprintf("MapType.ElemOff %d, want %d", mt.elemOff, want)
	}
	return ""
}
