package sandbox

import (
	"fmt"

	"github.com/landlock-lsm/go-landlock/landlock"
	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"
)

// PrivilegedExecAccess is what the supervisor may do with
// PrivilegedFiles.Exec: execve(2) opens the binary to read and execute
// it, and Landlock checks both rights.
const PrivilegedExecAccess landlock.AccessFSSet = ll.AccessFSExecute |
	ll.AccessFSReadFile

// PrivilegedReadWriteAccess is what the supervisor may do with each of
// PrivilegedFiles.ReadWrite: read and write it, and nothing else (no
// ioctl on a device, no truncation).
const PrivilegedReadWriteAccess landlock.AccessFSSet = ll.AccessFSReadFile |
	ll.AccessFSWriteFile

// PrivilegedDirAccess is what the supervisor may do under
// PrivilegedFiles.Dirs, and why:
//
//   - read files: load the persisted lease (and os.CreateTemp opens its
//     file for reading and writing);
//   - make regular files and write files: create and fill the
//     temporary file;
//   - remove files: rename the temporary file over the old one, remove
//     it after a failure, clear the lease after a release;
//   - read directories: open the directory to fsync it.
//
// It grants no directories, devices, FIFOs, sockets or symbolic links,
// no truncation, no moves between directories (refer) and no ioctl on
// devices.
const PrivilegedDirAccess landlock.AccessFSSet = ll.AccessFSReadFile |
	ll.AccessFSWriteFile | ll.AccessFSMakeReg | ll.AccessFSRemoveFile |
	ll.AccessFSReadDir

// restrictFiles denies every filesystem access right but those files
// grants, with the newest Landlock ABI both go-landlock and the kernel
// know, and returns that ABI version (0 without Landlock). Network
// rights and IPC scopes stay unrestricted: the supervisor sends UDP and
// signals engines started before it was confined.
func restrictFiles(files PrivilegedFiles) (int, error) {
	var rules []landlock.Rule
	if files.Exec != "" {
		rules = append(rules,
			landlock.PathAccess(PrivilegedExecAccess, files.Exec))
	}
	if len(files.ReadWrite) > 0 {
		rules = append(rules, landlock.PathAccess(PrivilegedReadWriteAccess,
			files.ReadWrite...))
	}
	if len(files.Dirs) > 0 {
		rules = append(rules, landlock.PathAccess(PrivilegedDirAccess,
			files.Dirs...).IgnoreIfMissing())
	}

	err := landlock.V11.BestEffort().RestrictPaths(rules...)
	if err != nil {
		return 0, fmt.Errorf("sandbox: landlock: %w", err)
	}

	return landlockABI()
}
