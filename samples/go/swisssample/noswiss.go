//go:build !go1.26 && !goexperiment.swissmap

package main

// Classic maps (GOEXPERIMENT=noswissmap, Go 1.24 and 1.25): this program
// mirrors Swiss tables only; samples/go/mapsample is the classic-map target.
var _ int = "swisssample needs Swiss-table maps: do not build it with GOEXPERIMENT=noswissmap"
