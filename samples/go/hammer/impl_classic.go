//go:build !go1.26 && !goexperiment.swissmap

package main

// Classic maps (Go 1.11 to 1.23, and 1.24/1.25 with noswissmap): the hmap
// mirror, grow watching and the big map's checksum.

import (
	"encoding/binary"
	"hash/crc64"
	"sync/atomic"
	"unsafe"
)

const mapImpl = "classic"

const flagSameSizeGrow = 8 // runtime.sameSizeGrow

// growWatch notices when a map starts growing.
type growWatch struct{ growing bool }

// look checks the map whose variable is at mapVar after a batch of writes.
func (g *growWatch) look(mapVar unsafe.Pointer) {
	h := *(**hmap)(mapVar)
	now := h != nil && h.oldbuckets != nil
	if now && !g.growing {
		atomic.AddUint64(&grows, 1)
		if h.flags&flagSameSizeGrow != 0 {
			atomic.AddUint64(&sameSizeGrows, 1)
		}
	}
	g.growing = now
}

// hmap mirrors the start of runtime.hmap (Go 1.11 to 1.23).
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

// bucketSize of a map[int64]int64: 8 tophash bytes, 8 keys, 8 values, overflow.
const bucketSize = 8 + 8*8 + 8*8 + unsafe.Sizeof(uintptr(0))

// bigChecksum is a CRC-64 of main.big's header and of every bucket of its
// array and overflow chains, read straight from memory.
func bigChecksum() uint64 {
	table := crc64.MakeTable(crc64.ECMA)
	h := *(**hmap)(unsafe.Pointer(&big))
	if h == nil {
		return 0
	}
	sum := crc64.Update(0, table, unsafe.Slice((*byte)(unsafe.Pointer(h)), unsafe.Sizeof(*h)))
	if h.oldbuckets != nil {
		sum = crc64.Update(sum, table, []byte("growing"))
	}
	n := uintptr(1) << h.B
	var addr [8]byte
	for i := uintptr(0); i < n; i++ {
		b := unsafe.Add(h.buckets, i*bucketSize)
		for depth := 0; b != nil && depth < 1000; depth++ {
			binary.LittleEndian.PutUint64(addr[:], uint64(uintptr(b)))
			sum = crc64.Update(sum, table, addr[:])
			sum = crc64.Update(sum, table, unsafe.Slice((*byte)(b), bucketSize))
			b = *(*unsafe.Pointer)(unsafe.Add(b, bucketSize-unsafe.Sizeof(uintptr(0))))
		}
	}
	return sum
}

