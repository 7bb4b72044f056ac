//go:build !cgo

package sandbox

// cgoBuild reports a binary built with cgo; this one is not.
const cgoBuild = false
