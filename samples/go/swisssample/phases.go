package main

// Scenarios in phases, for gomapviz diff: the program prints a view, then on
// each "next" line on stdin moves the map to its next phase and prints a new
// view. The map is only touched between a "next" and the view it prints.

import (
	"fmt"
	"unsafe"
)

var (
	splitPhases map[int64]int64
	smallPhases map[string]int
)

// phasedScenario is the current scenario's list of phase steps; main runs
// step 0 first and one more on each "next".
var phasedScenario []func() *view

// ---- splitphases: a table that splits, then a split that doubles the
// directory ----

func scenarioSplitPhases() *view {
	phasedScenario = []func() *view{splitZero, splitOne, splitTwo}
	return splitZero()
}

var splitNext int64

func splitInsert() {
	splitPhases[splitNext*104729+17] = splitNext
	splitNext++
}

func splitView() *view {
	return inspect("main.splitPhases", "map[int64]int64", &splitPhases, encI64, encI64)
}

// Phase 0: one table of 1024 slots, 2 inserts short of its growth limit
// (growthLeft 2, no tombstones).
func splitZero() *view {
	splitPhases = make(map[int64]int64)
	h := header(unsafe.Pointer(&splitPhases))
	for h.used < maxTableCap*maxAvgLoad/groupSlots-2 {
		splitInsert()
	}
	s := summary(unsafe.Pointer(&splitPhases))
	if s.dirLen != 1 || len(s.tables) != 1 || s.tables[0].capacity != maxTableCap ||
		s.tables[0].growthLeft != 2 || s.tables[0].tombstones() != 0 {
		fail("splitphases: phase 0: expected one full-size table with growthLeft 2, got %v", s)
	}
	return splitView()
}

// Phase 1: inserts until the table split: dirLen 2, two tables of
// localDepth 1.
func splitOne() *view {
	for n := 0; summary(unsafe.Pointer(&splitPhases)).dirLen < 2; n++ {
		if n > 10 {
			fail("splitphases: phase 1: no split after %d inserts", n)
		}
		splitInsert()
	}
	s := summary(unsafe.Pointer(&splitPhases))
	if s.dirLen != 2 || len(s.tables) != 2 || s.tables[0].localDepth != 1 || s.tables[1].localDepth != 1 {
		fail("splitphases: phase 1: expected two tables of localDepth 1, got %v", s)
	}
	return splitView()
}

// Phase 2: inserts until one of them split again and the directory doubled:
// dirLen 4, one table (localDepth 1) shared by two entries.
func splitTwo() *view {
	for n := 0; summary(unsafe.Pointer(&splitPhases)).dirLen < 4; n++ {
		if n > 100000 {
			fail("splitphases: phase 2: no second split")
		}
		splitInsert()
	}
	s := summary(unsafe.Pointer(&splitPhases))
	if s.dirLen != 4 || len(s.tables) != 3 || !differentDepths(s) {
		fail("splitphases: phase 2: expected dirLen 4 and three tables, got %v", s)
	}
	return splitView()
}

// ---- smallphases: a small map turned into a table, then grown ----

func scenarioSmallPhases() *view {
	phasedScenario = []func() *view{smallZero, smallOne, smallTwo}
	return smallZero()
}

var smallNext int

func smallInsert() {
	smallPhases[fmt.Sprintf("phase-key-%02d", smallNext)] = smallNext * 10
	smallNext++
}

func smallView() *view {
	return inspect("main.smallPhases", "map[string]int", &smallPhases, encString, encI)
}

// Phase 0: 8 entries: a full small group.
func smallZero() *view {
	smallPhases = make(map[string]int)
	for smallNext < 8 {
		smallInsert()
	}
	expectSmall("smallphases: phase 0", unsafe.Pointer(&smallPhases), 8)
	return smallView()
}

// Phase 1: the 9th insert turns the small map into a table of 16 slots.
func smallOne() *view {
	smallInsert()
	s := summary(unsafe.Pointer(&smallPhases))
	if s.dirLen != 1 || len(s.tables) != 1 || s.tables[0].capacity != 16 || s.tables[0].used != 9 {
		fail("smallphases: phase 1: expected one table of 16 slots, got %v", s)
	}
	return smallView()
}

// Phase 2: inserts until that table grew in place (32 slots).
func smallTwo() *view {
	for summary(unsafe.Pointer(&smallPhases)).tables[0].capacity < 32 {
		smallInsert()
	}
	s := summary(unsafe.Pointer(&smallPhases))
	if s.dirLen != 1 || len(s.tables) != 1 || s.tables[0].capacity != 32 {
		fail("smallphases: phase 2: expected one table of 32 slots, got %v", s)
	}
	return smallView()
}
