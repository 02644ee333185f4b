package main

// The scenarios: each builds its map, checks that it has the shape it
// promises (exit 2 otherwise) and returns its view.

import (
	"fmt"
	"math"
	"strings"
	"unsafe"
)

// small0: made, never written: no storage (dirPtr nil).
func scenarioSmall0() *view {
	small0 = make(map[string]int)
	if h := header(unsafe.Pointer(&small0)); h.dirPtr != nil || h.dirLen != 0 {
		fail("small0: expected no storage, got dirPtr %p dirLen %d", h.dirPtr, h.dirLen)
	}
	return inspect("main.small0", "map[string]int", &small0, encString, encI)
}

// small1: one entry: a small map (dirLen 0, dirPtr -> one group).
func scenarioSmall1() *view {
	small1 = make(map[string]int)
	small1["only"] = 1
	expectSmall("small1", unsafe.Pointer(&small1), 1)
	return inspect("main.small1", "map[string]int", &small1, encString, encI)
}

// small8: exactly 8 entries: a full small group.
func scenarioSmall8() *view {
	small8 = make(map[int64]int64)
	for i := int64(0); i < 8; i++ {
		small8[i*i*1000003-7] = -i
	}
	expectSmall("small8", unsafe.Pointer(&small8), 8)
	return inspect("main.small8", "map[int64]int64", &small8, encI64, encI64)
}

// smalldel: 8 inserted, 3 deleted: a small map keeps no tombstones (its
// deleted slots are empty again).
func scenarioSmallDel() *view {
	smallDel = make(map[string]int)
	for i := 0; i < 8; i++ {
		smallDel[fmt.Sprintf("small-%d", i)] = i
	}
	for _, i := range []int{1, 4, 6} {
		delete(smallDel, fmt.Sprintf("small-%d", i))
	}
	expectSmall("smalldel", unsafe.Pointer(&smallDel), 5)
	return inspect("main.smallDel", "map[string]int", &smallDel, encString, encI)
}

func expectSmall(name string, mapVar unsafe.Pointer, used uint64) {
	h := header(mapVar)
	if h.dirLen != 0 || h.dirPtr == nil || h.used != used {
		fail("%s: expected a small map of %d entries, got dirLen %d used %d", name, used, h.dirLen, h.used)
	}
}

// strint: ~200 string keys, some of them hostile to JSON, HTML, XML/SVG
// and UTF-8 (one table, grown from the small map).
func scenarioStrInt() *view {
	strInt = make(map[string]int)
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
	return inspect("main.strInt", "map[string]int", &strInt, encString, encI)
}

// intint: 10002 entries incl. MinInt64/MaxInt64: several tables.
func scenarioIntInt() *view {
	intInt = make(map[int64]int64)
	for i := 0; i < 10000; i++ {
		k := int64(uint64(i) * 0x9E3779B97F4A7C15)
		intInt[k] = int64(i) - 5000
	}
	intInt[math.MinInt64] = math.MaxInt64
	intInt[math.MaxInt64] = math.MinInt64
	if s := summary(unsafe.Pointer(&intInt)); len(s.tables) < 2 {
		fail("intint: expected several tables, got %v", s)
	}
	return inspect("main.intInt", "map[int64]int64", &intInt, encI64, encI64)
}

// tombstones: one table of 128 slots filled to 110 entries, then every
// other key deleted: deletes in groups without an empty slot leave
// tombstones (0xFE). The hash seed is random, so the layout differs from run
// to run; a fresh map is tried if too few tombstones came out.
func scenarioTombstones() *view {
	const minTombstones = 4
	for attempt := 0; attempt < 50; attempt++ {
		tombMap = make(map[int64]string)
		for i := int64(0); i < 110; i++ {
			tombMap[i*7919+3] = fmt.Sprintf("tomb-%03d", i)
		}
		for i := int64(0); i < 110; i += 2 {
			delete(tombMap, i*7919+3)
		}
		s := summary(unsafe.Pointer(&tombMap))
		if s.dirLen != 1 || len(s.tables) != 1 || s.tables[0].capacity != 128 {
			fail("tombstones: expected one table of capacity 128, got %v", s)
		}
		t := s.tables[0]
		_, deleted := t.ctrlStats(typeOfMap(tombMap))
		if deleted != t.tombstones() {
			fail("tombstones: %d control bytes 0xFE, table.tombstones() %d", deleted, t.tombstones())
		}
		if deleted >= minTombstones {
			return inspect("main.tombMap", "map[int64]string", &tombMap, encI64, encString)
		}
	}
	fail("tombstones: never got %d tombstones", minTombstones)
	return nil
}

// grown: one table grown in place (16 -> 32 -> 64 -> 128 slots).
func scenarioGrown() *view {
	grownMap = make(map[string]int64)
	for i := int64(0); i < 100; i++ {
		grownMap[fmt.Sprintf("grown-%03d", i)] = i * i
	}
	s := summary(unsafe.Pointer(&grownMap))
	if s.dirLen != 1 || len(s.tables) != 1 || s.tables[0].capacity < 128 || s.tables[0].tombstones() != 0 {
		fail("grown: expected one table of capacity >= 128, got %v", s)
	}
	return inspect("main.grownMap", "map[string]int64", &grownMap, encString, encI64)
}

// split: inserted until the first split: two tables of 1024 slots with
// localDepth 1.
func scenarioSplit() *view {
	splitMap = make(map[int64]int64)
	for i := int64(0); summary(unsafe.Pointer(&splitMap)).dirLen < 2; i++ {
		if i > 100000 {
			fail("split: no split seen")
		}
		splitMap[i*104729+11] = i
	}
	s := summary(unsafe.Pointer(&splitMap))
	if s.dirLen != 2 || len(s.tables) != 2 {
		fail("split: expected dirLen 2 and two tables, got %v", s)
	}
	for _, t := range s.tables {
		if t.capacity != maxTableCap || t.localDepth != 1 {
			fail("split: expected tables of capacity 1024 and localDepth 1, got %v", s)
		}
	}
	return inspect("main.splitMap", "map[int64]int64", &splitMap, encI64, encI64)
}

// depths: inserted until the directory holds tables of different
// localDepth, so that a table is shared by several directory entries.
func scenarioDepths() *view {
	depthMap = make(map[int64]int64)
	for i := int64(0); ; i++ {
		if i > 1000000 {
			fail("depths: never got different local depths")
		}
		depthMap[i*2654435761+5] = -i
		if differentDepths(summary(unsafe.Pointer(&depthMap))) {
			break
		}
	}
	s := summary(unsafe.Pointer(&depthMap))
	shared := false
	for _, t := range s.tables {
		if s.globalDepth-t.localDepth >= 1 {
			shared = true
		}
	}
	if !shared {
		fail("depths: no table shared by two directory entries: %v", s)
	}
	return inspect("main.depthMap", "map[int64]int64", &depthMap, encI64, encI64)
}

func differentDepths(s tableSummary) bool {
	for _, t := range s.tables {
		if t.localDepth != s.tables[0].localDepth {
			return true
		}
	}
	return false
}

// big: keys and values over 128 bytes: both stored indirectly.
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
	return inspect("main.bigMap", "map[[200]uint8][150]uint8", &bigMap, encHex200, encHex150)
}

// bigmany: ~100 string keys with indirect 200-byte values, in a table.
func scenarioBigMany() *view {
	bigMany = make(map[string][200]byte)
	for i := 0; i < 100; i++ {
		var val [200]byte
		for j := range val {
			val[j] = byte(i ^ j*13)
		}
		bigMany[fmt.Sprintf("big-%03d", i)] = val
	}
	if s := summary(unsafe.Pointer(&bigMany)); s.dirLen != 1 {
		fail("bigmany: expected one table, got %v", s)
	}
	return inspect("main.bigMany", "map[string][200]uint8", &bigMany, encString, encHex200)
}

// nan: NaN keys (each its own entry), +/-Inf, -0.0 overwritten by 0.
func scenarioNaN() *view {
	nanMap = make(map[float64]string)
	negZero := math.Copysign(0, -1)
	nanMap[negZero] = "zero (first inserted as -0.0)"
	// Same key as -0.0; for float keys the runtime also overwrites the stored
	// key (NeedKeyUpdate), so memory ends up holding +0.0.
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
	return inspect("main.nanMap", "map[float64]string", &nanMap, encFloat, encString)
}

// set: map[int32]struct{}: zero-size elems.
func scenarioSet() *view {
	setMap = make(map[int32]struct{})
	for i := int32(0); i < 50; i++ {
		setMap[i*i*37-900] = struct{}{}
	}
	return inspect("main.setMap", "map[int32]struct {}", &setMap, encI32, encEmpty)
}

// clear: 500 entries, clear(), then 100 new ones: clearSeq 1, the table of
// 1024 slots kept.
func scenarioClear() *view {
	clearMap = make(map[int64]int64)
	for i := int64(0); i < 500; i++ {
		clearMap[i] = i
	}
	clear(clearMap)
	for i := int64(0); i < 100; i++ {
		clearMap[1000+i*3] = -i
	}
	h := header(unsafe.Pointer(&clearMap))
	s := summary(unsafe.Pointer(&clearMap))
	if h.clearSeq != 1 || s.dirLen != 1 || s.tables[0].capacity != 1024 || s.tables[0].used != 100 {
		fail("clear: expected clearSeq 1 and one table of 1024 slots holding 100, got clearSeq %d %v", h.clearSeq, s)
	}
	return inspect("main.clearMap", "map[int64]int64", &clearMap, encI64, encI64)
}

func scenarioNil() *view {
	return inspect("main.nilMap", "map[string]int", &nilMap, encString, encI)
}

func scenarioBool() *view {
	boolMap = make(map[uint8]bool)
	for i := 0; i < 12; i++ {
		boolMap[uint8(i*21)] = i%3 == 0
	}
	return inspect("main.boolMap", "map[uint8]bool", &boolMap, encU8, encBool)
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
	return inspect("main.ptrMap", "map[string]*int", &ptrMap, encString, encPtr)
}
