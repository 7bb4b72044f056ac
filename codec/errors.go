package codec

import (
	"errors"
	"fmt"
	"io"
)

// Errors returned by Decode, Append and the option accessors. Callers test
// for them with errors.Is; ErrTruncated also matches io.ErrUnexpectedEOF.
var (
	// ErrTruncated reports input that ends before a length it announced.
	ErrTruncated = fmt.Errorf("codec: truncated: %w", io.ErrUnexpectedEOF)

	// ErrBadCookie reports a message without the RFC 2131 magic cookie.
	ErrBadCookie = errors.New("codec: bad magic cookie")

	// ErrTooLong reports a message longer than MaxMessageLen, or an
	// encoding that does not fit the size limit it was given.
	ErrTooLong = errors.New("codec: message too long")

	// ErrNoOption reports that an accessor's option is absent.
	ErrNoOption = errors.New("codec: option not present")

	// ErrMalformed reports an option value that breaks its RFC format.
	ErrMalformed = errors.New("codec: malformed option")

	// ErrBadName reports a DNS name that is not a valid hostname or
	// domain name (RFC 1035 section 2.3.1, RFC 1123 section 2.1).
	ErrBadName = errors.New("codec: invalid domain name")

	// ErrFull reports that an Options value has no room for another
	// option or for more value bytes.
	ErrFull = errors.New("codec: options full")
)

// OptionError describes a problem with one option. Offset is the byte
// offset in the decoded message of the option's first instance, or of the
// problem itself while decoding; it is -1 when the option was set by hand.
type OptionError struct {
	Code   OptionCode
	Offset int
	Err    error
}

// Error returns a message naming the option, the offset and the cause.
func (e *OptionError) Error() string {
	return fmt.Sprintf("codec: option %d at offset %d: %v",
		e.Code, e.Offset, e.Err)
}

// Unwrap returns the cause, so errors.Is(err, ErrMalformed) works.
func (e *OptionError) Unwrap() error { return e.Err }
