package sandbox

// PrivilegedFiles is what the supervisor may still reach on the
// filesystem once ConfinePrivileged returns. Landlock denies everything
// else where the kernel has it.
type PrivilegedFiles struct {
	// Exec is the binary the supervisor executes to start a new engine,
	// normally /proc/self/exe: it may execute and read that file
	// (PrivilegedExecAccess). The rule holds the file the path names
	// when ConfinePrivileged runs, so /proc/self/exe keeps naming the
	// running binary even after a package upgrade replaced it on disk.
	Exec string

	// ReadWrite are single files the supervisor, and the programs it
	// starts before they confine themselves, may read and write
	// (PrivilegedReadWriteAccess): /dev/null, which the Go runtime of a
	// new engine opens in place of its closed stdin and stdout before
	// main runs.
	ReadWrite []string

	// Dirs are the directories in which the supervisor replaces files
	// atomically (a temporary file, fsync, rename, fsync of the
	// directory), reads them and removes them: its state directory and
	// the directory of resolv.conf. The rights (PrivilegedDirAccess)
	// hold for each directory's whole tree. A directory missing when
	// ConfinePrivileged runs is skipped and stays out of reach, even if
	// it is created later.
	Dirs []string
}
