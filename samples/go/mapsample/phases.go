package main

// Scenarios in phases, for gomapviz diff: the program prints a view, then on
// each "next" line on stdin moves the map to its next phase and prints a new
// view. The map is only touched between a "next" and the view it prints.

import (
	"strconv"
	"unsafe"
)

var (
	phaseMap  map[int64]string
	samePhase map[int64]int64
)

// phasedScenario is the current scenario's list of phase steps; main runs
// step 0 first and one more on each "next".
var phasedScenario []func() *view

func phaseView() *view {
	v := &view{varName: "main.phaseMap", typeName: "map[int64]string", mapVar: unsafe.Pointer(&phaseMap)}
	for k, val := range phaseMap {
		v.entries = append(v.entries, entry{encInt(k), encString(val)})
	}
	return v
}

// scenarioPhases: a doubling grow. Phase 0: 52 entries in 8 buckets, one
// insert away from growing (6.5 * 8 = 52). Phase 1: one value changed, one
// key deleted, then one insert starts the grow (1-2 old buckets evacuated).
// Phase 2: more inserts until the grow has finished.
func scenarioPhases() *view {
	phasedScenario = []func() *view{phaseZero, phaseOne, phaseTwo}
	return phaseZero()
}

func phaseZero() *view {
	phaseMap = make(map[int64]string)
	h := header(unsafe.Pointer(&phaseMap))
	for i := int64(0); h.count < 52; i++ {
		phaseMap[i*7919] = "v" + strconv.FormatInt(i, 10)
	}
	if h.B != 3 || h.oldbuckets != nil {
		fail("phases: expected 8 buckets and no grow, got B=%d", h.B)
	}
	return phaseView()
}

func phaseOne() *view {
	h := header(unsafe.Pointer(&phaseMap))
	phaseMap[7919] = "changed"
	delete(phaseMap, 2*7919)
	phaseMap[1000*7919] = "new-1000"
	phaseMap[1001*7919] = "new-1001"
	if h.oldbuckets == nil || h.B != 4 {
		fail("phases: the grow did not start (B=%d)", h.B)
	}
	return phaseView()
}

func phaseTwo() *view {
	h := header(unsafe.Pointer(&phaseMap))
	for i := int64(2000); h.oldbuckets != nil; i++ {
		phaseMap[i*7919] = "new-" + strconv.FormatInt(i, 10)
	}
	return phaseView()
}

func sameView() *view {
	v := &view{varName: "main.samePhase", typeName: "map[int64]int64", mapVar: unsafe.Pointer(&samePhase)}
	for k, val := range samePhase {
		v.entries = append(v.entries, entry{encInt(k), encInt(val)})
	}
	return v
}

// scenarioSamePhases: a same-size grow. Phase 0: churned until one overflow
// bucket short of the same-size grow; phase 1: churned until it started;
// phase 2: churned until it finished.
func scenarioSamePhases() *view {
	phasedScenario = []func() *view{sameZero, sameOne, sameTwo}
	return sameZero()
}

var sameChurn = struct {
	keys []int64
	next int64
}{next: 1}

// churnStep deletes the oldest key and inserts a fresh one.
func churnStep() {
	if len(sameChurn.keys) >= 22 {
		delete(samePhase, sameChurn.keys[0])
		sameChurn.keys = sameChurn.keys[1:]
	}
	k := sameChurn.next * 104729
	sameChurn.next++
	samePhase[k] = sameChurn.next
	sameChurn.keys = append(sameChurn.keys, k)
}

func sameUntil(stop func(h *hmap) bool) {
	h := header(unsafe.Pointer(&samePhase))
	for i := 0; !stop(h); i++ {
		if i > 10_000_000 {
			fail("samephases: the map never reached the wanted state")
		}
		churnStep()
	}
}

func sameZero() *view {
	samePhase = make(map[int64]int64, 20)
	sameUntil(func(h *hmap) bool { return h.oldbuckets == nil && h.noverflow == 1<<h.B-1 })
	return sameView()
}

func sameOne() *view {
	sameUntil(func(h *hmap) bool { return h.oldbuckets != nil })
	if header(unsafe.Pointer(&samePhase)).flags&flagSameSizeGrow == 0 {
		fail("samephases: a doubling grow started")
	}
	return sameView()
}

func sameTwo() *view {
	sameUntil(func(h *hmap) bool { return h.oldbuckets == nil })
	return sameView()
}
