//go:build go1.26 || goexperiment.swissmap

package main

// Swiss-table maps (internal/runtime/maps, Go 1.24 and later): mirrors of
// the runtime's Map and table, watching for tables grown and split, and the
// big map's checksum.

import (
	"encoding/binary"
	"hash/crc64"
	"sync/atomic"
	"unsafe"
)

const mapImpl = "swiss"

// Map mirrors internal/runtime/maps.Map (tombstonePossible is padding in Go 1.24).
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

// table mirrors internal/runtime/maps.table.
type table struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groupsData unsafe.Pointer
	lengthMask uint64
}

// groupSize of a map[int64]int64: the control word and 8 {key, elem} slots.
const groupSize = 8 + 8*(8+8)

// tables lists the distinct tables of the directory of h, in order.
func tables(h *Map, out []*table) []*table {
	out = out[:0]
	for i := 0; i < h.dirLen; i++ {
		t := *(**table)(unsafe.Add(h.dirPtr, uintptr(i)*unsafe.Sizeof(uintptr(0))))
		if len(out) == 0 || out[len(out)-1] != t {
			out = append(out, t)
		}
	}
	return out
}

// growWatch notices tables replaced since the last look. A Swiss map grows
// a whole table at once, so it is never caught growing.
type growWatch struct {
	growing bool
	m       *Map
	dirLen  int
	seen    []*table
	now     []*table
}

// look checks the map whose variable is at mapVar after a batch of writes.
func (g *growWatch) look(mapVar unsafe.Pointer) {
	h := *(**Map)(mapVar)
	if h == nil {
		g.m = nil
		return
	}
	g.now = tables(h, g.now)
	if h == g.m {
		switch {
		case g.dirLen == 0 && h.dirLen > 0:
			atomic.AddUint64(&grows, 1) // the small map became a table
		case len(g.now) > len(g.seen):
			atomic.AddUint64(&splits, 1)
		case !sameTables(g.now, g.seen):
			atomic.AddUint64(&grows, 1)
		}
	}
	g.m, g.dirLen = h, h.dirLen
	g.seen, g.now = g.now, g.seen
}

func sameTables(a, b []*table) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// bigChecksum is a CRC-64 of main.big's header, directory, tables and every
// group, read straight from memory.
func bigChecksum() uint64 {
	crc := crc64.MakeTable(crc64.ECMA)
	h := *(**Map)(unsafe.Pointer(&big))
	if h == nil {
		return 0
	}
	sum := crc64.Update(0, crc, unsafe.Slice((*byte)(unsafe.Pointer(h)), unsafe.Sizeof(*h)))
	if h.dirLen == 0 {
		if h.dirPtr != nil {
			sum = crc64.Update(sum, crc, unsafe.Slice((*byte)(h.dirPtr), groupSize))
		}
		return sum
	}
	sum = crc64.Update(sum, crc, unsafe.Slice((*byte)(h.dirPtr), uintptr(h.dirLen)*unsafe.Sizeof(uintptr(0))))
	var addr [8]byte
	for _, t := range tables(h, nil) {
		binary.LittleEndian.PutUint64(addr[:], uint64(uintptr(unsafe.Pointer(t))))
		sum = crc64.Update(sum, crc, addr[:])
		sum = crc64.Update(sum, crc, unsafe.Slice((*byte)(unsafe.Pointer(t)), unsafe.Sizeof(*t)))
		sum = crc64.Update(sum, crc, unsafe.Slice((*byte)(t.groupsData), uintptr(t.lengthMask+1)*groupSize))
	}
	return sum
}
