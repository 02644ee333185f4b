//go:build go1.23

package main

import (
	_ "html" // its entity maps are what the test looks for
	_ "unsafe"
)

// htmlEntityMaps is html's own sync.OnceValues of its entity maps. Go 1.23
// and later link it only with -ldflags=-checklinkname=0 (tests/CMakeLists.txt).
//
//go:linkname htmlEntityMaps html.entityMaps
var htmlEntityMaps func() (map[string]rune, map[string][2]rune)

// htmlMaps fills html's entity maps and returns them, where gomapviz
// list finds them: in the variables the closure in html.entityMaps captured.
func htmlMaps() []hidden {
	entity, entity2 := htmlEntityMaps()
	return []hidden{hiddenAt("html.entityMaps.", entity), hiddenAt("html.entityMaps.", entity2)}
}
