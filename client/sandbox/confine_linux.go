package sandbox

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/landlock-lsm/go-landlock/landlock"
	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// Report describes the confinement that was applied.
type Report struct {
	// LandlockABI is the Landlock ABI version whose restrictions are in
	// force, or 0 when the kernel has no Landlock.
	LandlockABI int
}

// ConfineEngine confines the calling process, the engine, before it reads
// any untrusted input. In order it: fixes GOMAXPROCS so the runtime stops
// reading cgroup files; empties the capability bounding set and the
// ambient set; sets the gid with no supplementary groups and then the uid
// (real, effective and saved); clears the effective, permitted and
// inheritable sets; sets no_new_privs on every thread; denies all
// filesystem and network access and scopes signals with Landlock (best
// effort: the newest ABI the kernel has); and installs EnginePolicy on
// every thread (seccomp TSYNC). uid and gid must not be 0. The caller must
// hold CAP_SETPCAP, CAP_SETUID and CAP_SETGID, as uid 0 does. In a binary
// built with cgo it returns ErrCgo before changing anything.
//
// On error the process may be partly confined and must exit.
func ConfineEngine(uid, gid int) (Report, error) {
	if cgoBuild {
		return Report{}, ErrCgo
	}
	if uid <= 0 || gid <= 0 {
		return Report{}, fmt.Errorf("sandbox: engine uid %d and gid %d "+
			"must be positive", uid, gid)
	}
	runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))

	if err := dropBound(nil); err != nil {
		return Report{}, err
	}
	if err := cap.SetGroups(gid); err != nil {
		return Report{}, fmt.Errorf("sandbox: set gid %d: %w", gid, err)
	}
	if err := cap.SetUID(uid); err != nil {
		return Report{}, fmt.Errorf("sandbox: set uid %d: %w", uid, err)
	}
	if err := setCaps(nil); err != nil {
		return Report{}, err
	}
	if err := setNoNewPrivs(); err != nil {
		return Report{}, err
	}

	abi, err := restrictLandlock()
	if err != nil {
		return Report{}, err
	}

	if err := loadFilter(EnginePolicy()); err != nil {
		return Report{}, err
	}

	return Report{LandlockABI: abi}, nil
}

// ConfinePrivileged confines the calling process, the supervisor, once it
// holds its sockets: it fixes GOMAXPROCS, loads the local time zone
// (which the runtime reads lazily and could not read later), drops
// every capability not in keep from the bounding, effective, permitted
// and inheritable sets, clears the ambient set, sets no_new_privs,
// denies all filesystem access but files with Landlock (best effort: the
// newest ABI the kernel has) and installs PrivilegedPolicy on every
// thread. The process keeps its uid. Callers normally pass
// PrivilegedCaps. In a binary built with cgo it returns ErrCgo before
// changing anything.
//
// On error the process may be partly confined and must exit.
func ConfinePrivileged(keep []cap.Value, files PrivilegedFiles) (Report,
	error) {
	if cgoBuild {
		return Report{}, ErrCgo
	}
	runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	_ = time.Local.String()

	if err := dropBound(keep); err != nil {
		return Report{}, err
	}
	if err := setCaps(keep); err != nil {
		return Report{}, err
	}
	if err := setNoNewPrivs(); err != nil {
		return Report{}, err
	}

	abi, err := restrictFiles(files)
	if err != nil {
		return Report{}, err
	}

	if err := loadFilter(PrivilegedPolicy()); err != nil {
		return Report{}, err
	}

	return Report{LandlockABI: abi}, nil
}

// dropBound removes every capability not in keep from the bounding set
// and clears the ambient set.
func dropBound(keep []cap.Value) error {
	var drop []cap.Value
	for v := cap.Value(0); v < cap.MaxBits(); v++ {
		if !slices.Contains(keep, v) {
			drop = append(drop, v)
		}
	}
	if err := cap.DropBound(drop...); err != nil {
		return fmt.Errorf("sandbox: drop bounding set: %w", err)
	}
	if err := cap.ResetAmbient(); err != nil {
		return fmt.Errorf("sandbox: clear ambient set: %w", err)
	}

	return nil
}

// setCaps sets the effective and permitted sets of every thread to keep
// and clears the inheritable set.
func setCaps(keep []cap.Value) error {
	c := cap.NewSet()
	for _, f := range []cap.Flag{cap.Effective, cap.Permitted} {
		if err := c.SetFlag(f, true, keep...); err != nil {
			return fmt.Errorf("sandbox: build capability set: %w", err)
		}
	}
	if err := c.SetProc(); err != nil {
		return fmt.Errorf("sandbox: set capabilities %v: %w", c, err)
	}

	return nil
}

// setNoNewPrivs sets no_new_privs on every thread.
func setNoNewPrivs() error {
	if _, err := cap.Prctlw(unix.PR_SET_NO_NEW_PRIVS, 1); err != nil {
		return fmt.Errorf("sandbox: set no_new_privs: %w", err)
	}

	return nil
}

// restrictLandlock denies all filesystem and network access rights and
// scopes IPC with the newest Landlock ABI both go-landlock and the kernel
// know, and returns that ABI version (0 without Landlock).
func restrictLandlock() (int, error) {
	if err := landlock.V11.BestEffort().Restrict(); err != nil {
		return 0, fmt.Errorf("sandbox: landlock: %w", err)
	}

	return landlockABI()
}

// landlockABI returns the Landlock ABI version a best-effort restriction
// enforced: the kernel's, up to landlockNewestABI, or 0 without Landlock.
func landlockABI() (int, error) {
	abi, err := ll.LandlockGetABIVersion()
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sandbox: landlock abi version: %w", err)
	}

	return min(abi, landlockNewestABI), nil
}

// landlockNewestABI is the newest ABI the restrictions ask for.
const landlockNewestABI = 11

// loadFilter installs p on every thread with the process killed on a
// syscall outside p. no_new_privs is already set.
func loadFilter(p seccomp.Policy) error {
	err := seccomp.LoadFilter(seccomp.Filter{
		NoNewPrivs: true,
		Flag:       seccomp.FilterFlagTSync,
		Policy:     p,
	})
	if err != nil {
		return fmt.Errorf("sandbox: seccomp: %w", err)
	}

	return nil
}
