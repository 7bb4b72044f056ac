package ipc

import "github.com/safedhcp/safedhcp/codec"

// ValidName reports whether s is a host name or domain name a lease may
// configure: labels of letters, digits and inner hyphens, 1 to 63
// characters each, separated by single dots, at most MaxNameLen
// characters, without the root's trailing dot (RFC 1123 section 2.1). It
// rules out spaces, newlines, underscores and every other byte that could
// break a resolv.conf line. It is codec.ValidHostname, so the engine and
// the privileged side apply the same rule.
func ValidName(s string) bool {
	return codec.ValidHostname(s)
}
