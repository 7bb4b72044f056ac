// Package fuzzers holds one fuzz harness per parser or state machine of
// safedhcp that sees untrusted input: DHCP messages (RFC 2131 section 2,
// RFC 2132), the Ethernet/IPv4/UDP frames around them (RFC 791, RFC 768),
// the engine-to-privileged requests, lease files and configuration files.
//
// Each harness is a go-fuzz style entry point, func(data []byte) int, so
// the same code runs under three engines:
//
//   - go test -fuzz, through the FuzzXxx(*testing.F) wrappers in the
//     package's tests, which seed from corpus/NAME/;
//   - libFuzzer and OSS-Fuzz, through go-fuzz-build -libfuzzer,
//     compile_go_fuzzer, or the c-archive main in fuzzers/libfuzzer;
//   - AFL++ in persistent mode, through the c-archive main and C driver
//     in afl/.
//
// A harness returns 1 when the input was accepted by the parser (so
// go-fuzz style engines may favour it) and 0 otherwise. It panics only
// when an invariant of the code under test is broken: a parser that
// accepts bytes it cannot re-encode, an encoding that does not decode to
// the same value, an error that does not wrap the package's sentinel
// errors, or a state machine that leaves its documented states.
package fuzzers
