//go:build !linux

package priv

// transientRead reports whether a read of the packet socket that failed
// with err is worth retrying: never, off Linux, where priv does not run.
func transientRead(err error) bool { return false }
