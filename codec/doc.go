// Package codec decodes and encodes DHCPv4 messages: the fixed BOOTP header
// of RFC 2131 section 2, the magic cookie and options of RFC 2132, long
// options split over several instances (RFC 3396) and option overload into
// the sname and file fields (RFC 2131 section 4.1, RFC 2132 section 9.3).
//
// The package is pure: it does no I/O, keeps no mutable globals and never
// panics on any input. Decoding fills a Message the caller owns and copies
// every option value into that Message, so decoding into a reused Message
// allocates nothing and the Message never aliases the input. Encoding
// appends into a buffer the caller provides.
//
// Option values are reached through typed accessors on Options. An accessor
// returns an error wrapping ErrNoOption when the option is absent and an
// *OptionError wrapping ErrMalformed (or ErrBadName) when it is present but
// invalid, never a zero value that looks valid. Names from options 12, 15,
// 66, 81 and 119 are validated (see names.go: letters, digits, hyphen,
// underscore, dots) so that nothing but a host or domain name reaches a
// file or a log; ValidDomainName exports that check, and ValidHostname
// its stricter RFC 1123 form for names a host configures.
//
// # Allocation bound
//
// A Message is a fixed-size value of 11,648 bytes (64-bit) with room for
// MaxMessageLen bytes of option data. Decode never allocates, whatever its
// input: it copies into that room and returns its errors either as
// sentinels or as an *OptionError stored in the Message. Append allocates
// only when dst lacks capacity; a dst of MaxMessageLen bytes always has
// enough. Options setters never allocate. Accessors of numbers and
// addresses allocate nothing when present (slices are appended to the
// caller's dst); those returning strings allocate the string, and
// DomainSearch at most its limit of strings of up to 253 bytes; any
// accessor allocates one *OptionError for a malformed value. Absent
// options cost nothing.
package codec
