//go:build !go1.24

package main

// mapImplementation is what this toolchain's maps are (Go 1.23 and older: hmap).
const mapImplementation = "classic"
