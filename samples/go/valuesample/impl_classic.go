//go:build !go1.24

package main

// mapImplementation is what this toolchain's maps are (Go 1.23 and older: hmap).
const mapImplementation = "classic"

// dwarfCaptures says whether the toolchain's DWARF describes the variables
// a closure captured (DW_AT_go_closure_offset, Go 1.23 and later): this
// sample is built with Go 1.19 or Go 1.26.
const dwarfCaptures = false
