package ipc

import "fmt"

// Message is one protocol message: a Request or an Event.
type Message interface {
	// Type returns the message's type byte.
	Type() Type

	appendBody(w *writer)
	decodeBody(r *reader)
}

// Request is a message the engine sends to the privileged part.
type Request interface {
	Message
	request()
}

// Event is a message the privileged part sends to the engine.
type Event interface {
	Message
	event()
}

// Append appends the encoding of m to dst. It refuses (with a
// *FieldError wrapping ErrBounds) any field the decoder would reject, so
// whatever Append returns decodes again.
func Append(dst []byte, m Message) ([]byte, error) {
	w := writer{b: append(dst, Version, uint8(m.Type())), t: m.Type()}
	m.appendBody(&w)
	if w.err != nil {
		return dst, w.err
	}

	if n := len(w.b) - len(dst); n > MaxMessageLen {
		return dst, fieldErr(m.Type(), "", ErrBounds,
			"message of %d bytes > %d", n, MaxMessageLen)
	}

	return w.b, nil
}

// newRequest returns an empty request of type t, or nil.
func newRequest(t Type) Request {
	switch t {
	case TypeHello:
		return new(Hello)
	case TypeSendPayload:
		return new(SendPayload)
	case TypeApplyLease:
		return new(ApplyLease)
	case TypeRemoveLease:
		return new(RemoveLease)
	case TypePersistLease:
		return new(PersistLease)
	case TypeProbeAddress:
		return new(ProbeAddress)
	case TypeLog:
		return new(Log)
	case TypeStatus:
		return new(Status)
	}

	return nil
}

// newEvent returns an empty event of type t, or nil.
func newEvent(t Type) Event {
	switch t {
	case TypeInit:
		return new(Init)
	case TypeFrame:
		return new(Frame)
	case TypeProbeResult:
		return new(ProbeResult)
	case TypeLinkState:
		return new(LinkState)
	case TypeStop:
		return new(Stop)
	}

	return nil
}

// header checks the version and length of b and returns its type.
func header(b []byte) (Type, error) {
	if len(b) < 2 {
		return 0, fmt.Errorf("ipc: header of %d bytes: %w", len(b),
			ErrTruncated)
	}

	t := Type(b[1])
	if len(b) > MaxMessageLen {
		return t, fieldErr(t, "", ErrBounds, "message of %d bytes > %d",
			len(b), MaxMessageLen)
	}

	if b[0] != Version {
		return t, fieldErr(t, "", ErrVersion, "got %d, want %d",
			b[0], Version)
	}

	return t, nil
}

// decodeInto decodes the body of b into m.
func decodeInto(b []byte, m Message) error {
	r := reader{b: b, off: 2, t: m.Type()}
	m.decodeBody(&r)

	return r.finish()
}

// DecodeRequest decodes one datagram the engine sent. It checks the shape
// of the message only; the privileged part must call the request's
// Validate method before acting on it.
func DecodeRequest(b []byte) (Request, error) {
	t, err := header(b)
	if err != nil {
		return nil, err
	}

	m := newRequest(t)
	if m == nil {
		return nil, fieldErr(t, "", ErrUnknownType, "not a request")
	}

	if err := decodeInto(b, m); err != nil {
		return nil, err
	}

	return m, nil
}

// DecodeEvent decodes one datagram the privileged part sent.
func DecodeEvent(b []byte) (Event, error) {
	t, err := header(b)
	if err != nil {
		return nil, err
	}

	m := newEvent(t)
	if m == nil {
		return nil, fieldErr(t, "", ErrUnknownType, "not an event")
	}

	if err := decodeInto(b, m); err != nil {
		return nil, err
	}

	return m, nil
}
