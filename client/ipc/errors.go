package ipc

import (
	"errors"
	"fmt"
	"io"
)

// Errors returned by Append, the decoders and the Validate methods.
// Callers test for them with errors.Is; most arrive wrapped in a
// *FieldError that names the message and field.
var (
	// ErrTruncated reports a message that ends before a field it must
	// hold. It also matches io.ErrUnexpectedEOF.
	ErrTruncated = fmt.Errorf("ipc: truncated: %w", io.ErrUnexpectedEOF)

	// ErrVersion reports a message of another protocol version.
	ErrVersion = errors.New("ipc: unsupported protocol version")

	// ErrUnknownType reports a type byte the receiver does not accept
	// in this direction.
	ErrUnknownType = errors.New("ipc: unknown message type")

	// ErrTrailing reports bytes after the last field of a message.
	ErrTrailing = errors.New("ipc: trailing bytes")

	// ErrBounds reports a length, count or value outside its fixed
	// bound, or a field that cannot be encoded (say, an IPv6 address).
	ErrBounds = errors.New("ipc: field out of bounds")

	// ErrPolicy reports a well-formed request that the privileged part
	// must refuse.
	ErrPolicy = errors.New("ipc: refused by policy")

	// ErrFull reports a message Conn.TrySend did not send because the
	// peer's socket had no room for it.
	ErrFull = errors.New("ipc: the peer's socket is full")
)

// FieldError names the message type and field that a problem was found
// in. Field is empty for problems with the message as a whole.
type FieldError struct {
	Type  Type
	Field string
	Err   error
}

// Error returns a message like
// `ipc: ApplyLease field "Routes": ipc: field out of bounds: 40 > 32`.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("ipc: %v: %v", e.Type, e.Err)
	}

	return fmt.Sprintf("ipc: %v field %q: %v", e.Type, e.Field, e.Err)
}

// Unwrap returns the cause, so errors.Is(err, ErrBounds) works.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldErr returns a *FieldError for field of t wrapping base with detail.
func fieldErr(t Type, field string, base error, format string,
	args ...any) error {
	err := base
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{base}, args...)...)
	}

	return &FieldError{Type: t, Field: field, Err: err}
}
