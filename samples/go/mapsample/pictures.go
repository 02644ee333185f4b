package main

// Small maps for the README pictures: small enough to draw bucket by bucket.

import (
	"math/rand"
	"strconv"
	"unsafe"
)

var (
	smallMap  map[string]int
	chainMap  map[int64]int64
	growSmall map[int64]string
	sameSmall map[int64]int64
)

// scenarioSmall: 20 fruit names in 4 buckets (B=2).
func scenarioSmall() *view {
	fruits := []string{"apple", "banana", "cherry", "date", "elderberry", "fig", "grape", "honeydew",
		"kiwi", "lemon", "mango", "nectarine", "orange", "papaya", "quince", "raspberry",
		"strawberry", "tangerine", "ugli", "watermelon"}
	smallMap = make(map[string]int)
	for i, f := range fruits {
		smallMap[f] = (i + 1) * 10
	}
	v := &view{varName: "main.smallMap", typeName: "map[string]int", mapVar: unsafe.Pointer(&smallMap)}
	for k, val := range smallMap {
		v.entries = append(v.entries, entry{encString(k), encInt(int64(val))})
	}
	return v
}

// churn inserts fresh keys and deletes random old ones at `live` entries
// until stop(h) says so; overflow buckets are never freed, so chains grow.
func churn(m map[int64]int64, h *hmap, live int, stop func(*hmap) bool) {
	rng := rand.New(rand.NewSource(7))
	keys := make([]int64, 0, live+1)
	for next := int64(1); next < 50_000_000; next++ {
		if len(keys) >= live {
			j := rng.Intn(len(keys))
			delete(m, keys[j])
			keys[j] = keys[len(keys)-1]
			keys = keys[:len(keys)-1]
		}
		m[next*7919] = next
		keys = append(keys, next*7919)
		if stop(h) {
			return
		}
	}
	fail("churn: the map never reached the wanted state")
}

// scenarioChains: 8 buckets (B=3) churned until noverflow is one short of the
// same-size grow threshold (2^B): the longest chains a map of this size keeps.
func scenarioChains() *view {
	chainMap = make(map[int64]int64, 40)
	h := header(unsafe.Pointer(&chainMap))
	churn(chainMap, h, 44, func(h *hmap) bool {
		if h.oldbuckets != nil {
			fail("chains: a grow started")
		}
		return h.noverflow == 1<<h.B-1
	})
	v := &view{varName: "main.chainMap", typeName: "map[int64]int64", mapVar: unsafe.Pointer(&chainMap)}
	for k, val := range chainMap {
		v.entries = append(v.entries, entry{encInt(k), encInt(val)})
	}
	return v
}

// scenarioGrowSmall: a doubling grow from 4 to 8 buckets, caught right after
// it started (one or two old buckets evacuated).
func scenarioGrowSmall() *view {
	growSmall = make(map[int64]string)
	h := header(unsafe.Pointer(&growSmall))
	for i := int64(0); h.oldbuckets == nil || h.B < 3; i++ {
		if i > 1000 {
			fail("growsmall: no grow")
		}
		growSmall[i*1000003] = "v" + strconv.FormatInt(i, 10)
	}
	v := &view{varName: "main.growSmall", typeName: "map[int64]string", mapVar: unsafe.Pointer(&growSmall)}
	for k, val := range growSmall {
		v.entries = append(v.entries, entry{encInt(k), encString(val)})
	}
	return v
}

// scenarioSameSmall: a same-size grow of 4 buckets (B=2), caught right after
// it started.
func scenarioSameSmall() *view {
	sameSmall = make(map[int64]int64, 20)
	h := header(unsafe.Pointer(&sameSmall))
	churn(sameSmall, h, 22, func(h *hmap) bool {
		if h.oldbuckets != nil && h.flags&flagSameSizeGrow == 0 {
			fail("samesmall: a doubling grow started")
		}
		return h.oldbuckets != nil
	})
	v := &view{varName: "main.sameSmall", typeName: "map[int64]int64", mapVar: unsafe.Pointer(&sameSmall)}
	for k, val := range sameSmall {
		v.entries = append(v.entries, entry{encInt(k), encInt(val)})
	}
	return v
}
