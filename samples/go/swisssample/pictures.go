package main

// Scenarios for the README's pictures (scripts/capture-samples.sh swiss):
// small, readable maps of the shapes a Swiss table takes.

import "unsafe"

var (
	fruits map[string]int // a small map: one group
	pantry map[string]int // one table with tombstones
)

// fruits: six entries, a small map (dirLen 0, one group of 8 slots).
func scenarioFruits() *view {
	fruits = make(map[string]int)
	for i, name := range []string{"apple", "banana", "cherry", "damson", "elderberry", "fig"} {
		fruits[name] = (i + 1) * 10
	}
	expectSmall("fruits", unsafe.Pointer(&fruits), 6)
	return inspect("main.fruits", "map[string]int", &fruits, encString, encI)
}

// pantry: one table of capacity 64 (8 groups) filled to 50 entries, then 14
// deleted: those deleted from groups that were full leave tombstones.
func scenarioPantry() *view {
	items := []string{"anise", "basil", "bay", "caraway", "cardamom", "cayenne", "chervil", "chili", "chives",
		"cinnamon", "clove", "coriander", "cumin", "curry", "dill", "fennel", "fenugreek", "galangal", "garlic",
		"ginger", "horseradish", "juniper", "lavender", "lemongrass", "lovage", "mace", "marjoram", "mint",
		"mustard", "nigella", "nutmeg", "oregano", "paprika", "parsley", "pepper", "peppermint", "poppy",
		"rosemary", "saffron", "sage", "savory", "sesame", "sorrel", "sumac", "tarragon", "thyme", "turmeric",
		"vanilla", "wasabi", "zaatar"}
	for attempt := 0; ; attempt++ {
		if attempt == 50 {
			fail("pantry: no layout with tombstones in 50 tries")
		}
		pantry = make(map[string]int)
		for i, name := range items {
			pantry[name] = i + 1
		}
		for i := 0; i+3 < len(items); i += 7 {
			delete(pantry, items[i])
			delete(pantry, items[i+3])
		}
		h := header(unsafe.Pointer(&pantry))
		t := h.directory()[0]
		if h.dirLen == 1 && t.capacity == 64 && t.tombstones() >= 3 {
			break
		}
		// the seed decides which groups were full: a fresh map has another
	}
	if len(pantry) != len(items)-14 {
		fail("pantry: %d entries", len(pantry))
	}
	return inspect("main.pantry", "map[string]int", &pantry, encString, encI)
}
