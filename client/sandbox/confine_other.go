//go:build !linux

package sandbox

// Report describes the confinement that was applied.
type Report struct {
	// LandlockABI is the Landlock ABI version in force; always 0 here.
	LandlockABI int
}

// ConfineEngine returns ErrNotSupported: the engine's sandbox needs Linux.
func ConfineEngine(uid, gid int) (Report, error) {
	return Report{}, ErrNotSupported
}

// ConfinePrivileged returns ErrNotSupported: the sandbox needs Linux. On
// Linux keep is a []cap.Value from libcap, which builds only there.
func ConfinePrivileged(keep []uint, files PrivilegedFiles) (Report,
	error) {
	return Report{}, ErrNotSupported
}
