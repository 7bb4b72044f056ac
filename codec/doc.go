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
// invalid, never a zero value that looks valid.
package codec
