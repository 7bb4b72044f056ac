//go:build cgo

package sandbox

// cgoBuild reports a binary built with cgo, whose C library makes system
// calls (brk, mprotect, rseq, ...) that the allowlists do not admit.
const cgoBuild = true
