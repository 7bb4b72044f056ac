package sandbox

import (
	"encoding/binary"
	"fmt"
	"testing"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// seccompData encodes the kernel's struct seccomp_data for x/net/bpf's VM.
// The VM loads words big-endian where the kernel loads them in host order,
// so each word is stored big-endian at the offset the kernel uses, and the
// low word of each 64-bit argument comes first as on little-endian hosts.
func seccompData(nr int, auditArch uint32, args ...uint64) []byte {
	b := make([]byte, 64)
	binary.BigEndian.PutUint32(b[0:], uint32(nr))
	binary.BigEndian.PutUint32(b[4:], auditArch)
	for i, a := range args {
		binary.BigEndian.PutUint32(b[16+8*i:], uint32(a))
		binary.BigEndian.PutUint32(b[16+8*i+4:], uint32(a>>32))
	}

	return b
}

// verdict runs prog over a system call and names the action it returns.
func verdict(t *testing.T, prog []bpf.Instruction, data []byte) string {
	t.Helper()
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatalf("bpf.NewVM: %v", err)
	}
	ret, err := vm.Run(data)
	if err != nil {
		t.Fatalf("running the filter: %v", err)
	}
	action := seccomp.Action(uint32(ret) & unix.SECCOMP_RET_ACTION_FULL)
	if action == seccomp.ActionErrno {
		return fmt.Sprintf("errno %d", uint32(ret)&unix.SECCOMP_RET_DATA)
	}

	return action.String()
}

func TestEnginePolicyVerdicts(t *testing.T) {
	p := EnginePolicy()
	prog, err := p.Assemble()
	if err != nil {
		t.Fatalf("Assemble: %v", err)
	}
	host, err := arch.GetInfo("")
	if err != nil {
		t.Fatal(err)
	}
	nr := func(name string) int {
		n, ok := host.SyscallNames[name]
		if !ok {
			t.Fatalf("no syscall %q on %s", name, host.Name)
		}
		return n
	}
	id := uint32(host.ID)
	other := uint32(arch.I386.ID)
	if host.ID == arch.I386.ID {
		other = uint32(arch.ARM.ID)
	}
	enosys := fmt.Sprintf("errno %d", unix.ENOSYS)

	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"read", seccompData(nr("read"), id), "allow"},
		{"futex", seccompData(nr("futex"), id), "allow"},
		{"read on another arch", seccompData(nr("read"), other),
			"kill_process"},
		{"openat", seccompData(nr("openat"), id), "kill_process"},
		{"execve", seccompData(nr("execve"), id), "kill_process"},
		{"socket", seccompData(nr("socket"), id), "kill_process"},
		{"ptrace", seccompData(nr("ptrace"), id), "kill_process"},
		{"clone thread", seccompData(nr("clone"), id,
			EngineCloneFlags|unix.CLONE_SYSVSEM|unix.CLONE_SETTLS), "allow"},
		{"clone fork", seccompData(nr("clone"), id, uint64(unix.SIGCHLD)),
			"kill_process"},
		{"clone3", seccompData(nr("clone3"), id), enosys},
		{"mmap read-write", seccompData(nr("mmap"), id, 0, 4096,
			unix.PROT_READ|unix.PROT_WRITE), "allow"},
		{"mmap executable", seccompData(nr("mmap"), id, 0, 4096,
			unix.PROT_READ|unix.PROT_EXEC), "kill_process"},
		{"mprotect", seccompData(nr("mprotect"), id), "kill_process"},
		{"unknown number", seccompData(999, id), "kill_process"},
	}
	if host.ID == arch.X86_64.ID {
		tests = append(tests, struct {
			name string
			data []byte
			want string
		}{"x32 read", seccompData(nr("read")|0x40000000, id), enosys})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verdict(t, prog, tt.data); got != tt.want {
				t.Errorf("verdict = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPrivilegedPolicyVerdicts(t *testing.T) {
	p := PrivilegedPolicy()
	prog, err := p.Assemble()
	if err != nil {
		t.Fatalf("Assemble: %v", err)
	}
	host, err := arch.GetInfo("")
	if err != nil {
		t.Fatal(err)
	}

	// getpeername: net.FileConn on each new engine socketpair. chdir:
	// engines start with no working directory change, so it stays out.
	tests := []struct {
		name string
		want string
	}{
		{"getpeername", "allow"},
		{"getsockname", "allow"},
		{"socketpair", "allow"},
		{"execve", "allow"},
		{"chdir", "kill_process"},
		{"mount", "kill_process"},
		{"ptrace", "kill_process"},
		{"bpf", "kill_process"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nr, ok := host.SyscallNames[tt.name]
			if !ok {
				t.Fatalf("no syscall %q on %s", tt.name, host.Name)
			}
			got := verdict(t, prog, seccompData(nr, uint32(host.ID)))
			if got != tt.want {
				t.Errorf("verdict = %s, want %s", got, tt.want)
			}
		})
	}

	mmap := host.SyscallNames["mmap"]
	for prot, want := range map[uint64]string{
		unix.PROT_READ | unix.PROT_WRITE: "allow",
		unix.PROT_READ | unix.PROT_EXEC:  "kill_process",
	} {
		got := verdict(t, prog, seccompData(mmap, uint32(host.ID), 0, 4096,
			prot))
		if got != want {
			t.Errorf("mmap prot %#x: verdict = %s, want %s", prot, got, want)
		}
	}
}

func TestPoliciesCheckArchitectureFirst(t *testing.T) {
	host, err := arch.GetInfo("")
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]seccomp.Policy{
		"engine": EnginePolicy(), "privileged": PrivilegedPolicy(),
	} {
		t.Run(name, func(t *testing.T) {
			prog, err := p.Assemble()
			if err != nil {
				t.Fatalf("Assemble: %v", err)
			}
			want := bpf.LoadAbsolute{Off: 4, Size: 4}
			if diff := cmp.Diff(bpf.Instruction(want), prog[0]); diff != "" {
				t.Errorf("first instruction (-want +got):\n%s", diff)
			}
			if !containsArch(prog[1], uint32(host.ID)) {
				t.Errorf("second instruction %v does not compare the "+
					"architecture with %#x", prog[1], uint32(host.ID))
			}
			last := prog[len(prog)-1]
			kill := bpf.RetConstant{Val: uint32(seccomp.ActionKillProcess)}
			if diff := cmp.Diff(bpf.Instruction(kill), last); diff != "" {
				t.Errorf("default action (-want +got):\n%s", diff)
			}
		})
	}
}

// containsArch reports whether ins compares the accumulator with id.
func containsArch(ins bpf.Instruction, id uint32) bool {
	j, ok := ins.(bpf.JumpIf)

	return ok && j.Val == id &&
		(j.Cond == bpf.JumpEqual || j.Cond == bpf.JumpNotEqual)
}

func TestPrivilegedAllowsEngine(t *testing.T) {
	// The engine's filter stacks on the supervisor's, so every call the
	// engine may make must pass the supervisor's filter too.
	priv := map[string]bool{}
	for _, n := range PrivilegedSyscalls {
		priv[n] = true
	}
	var missing []string
	for _, n := range EngineSyscalls {
		if !priv[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 || !priv["clone"] {
		t.Errorf("supervisor allowlist lacks engine calls %v (clone %v)",
			missing, priv["clone"])
	}
}

func TestCommonSyscallsExistOnEveryArch(t *testing.T) {
	// Names outside the per-architecture lists must exist on both
	// architectures LinuxKit ships, or the policy fails to assemble there.
	archOnly := map[string]bool{}
	for _, n := range append(engineArchSyscalls, privilegedArchSyscalls...) {
		archOnly[n] = true
	}
	for _, a := range []*arch.Info{arch.X86_64, arch.AARCH64} {
		t.Run(a.Name, func(t *testing.T) {
			var missing []string
			for _, n := range append(PrivilegedSyscalls, "clone3") {
				if _, ok := a.SyscallNames[n]; !ok && !archOnly[n] {
					missing = append(missing, n)
				}
			}
			if len(missing) > 0 {
				t.Errorf("not system calls on %s: %v", a.Name, missing)
			}
		})
	}
}
