//go:build !go1.23

package main

import (
	"html"
	_ "unsafe"
)

//go:linkname htmlEntity html.entity
var htmlEntity map[string]rune

//go:linkname htmlEntity2 html.entity2
var htmlEntity2 map[string][2]rune

// htmlMaps fills html's entity maps (on its first unescape) and returns
// them, where gomapviz list finds them: in the variables html.entity and
// html.entity2.
func htmlMaps() []hidden {
	html.UnescapeString("&amp;")
	return []hidden{hiddenAt("html.entity", htmlEntity), hiddenAt("html.entity2", htmlEntity2)}
}
