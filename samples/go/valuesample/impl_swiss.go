//go:build go1.24

package main

// mapImplementation is what this toolchain's maps are (Go 1.24 and later:
// Swiss tables; this sample is never built with GOEXPERIMENT=noswissmap).
const mapImplementation = "swiss"
