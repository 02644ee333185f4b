//go:build go1.24

package main

// mapImplementation is what this toolchain's maps are (Go 1.24 and later:
// Swiss tables; this sample is never built with GOEXPERIMENT=noswissmap).
const mapImplementation = "swiss"

// dwarfCaptures says whether the toolchain's DWARF describes the variables
// a closure captured (DW_AT_go_closure_offset, Go 1.23 and later).
const dwarfCaptures = true
