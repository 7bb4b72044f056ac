package codec

// DNS names reach files (resolv.conf) and logs, so every name an accessor
// returns is checked here first. A valid name is a dot-separated list of
// labels of 1..63 characters from A-Z, a-z, 0-9, hyphen and underscore,
// with no hyphen at either end of a label (RFC 952, RFC 1123 section 2.1),
// at most 253 characters without a final dot (RFC 1035 section 2.3.4).
// Underscore is allowed because real networks use it (Windows host names,
// service labels such as _msdcs) and it is inert in files, logs and
// shells. Anything else, including space, NUL, newline, '$', ';', quotes
// and backticks, is rejected with ErrBadName.

const (
	// maxLabelLen is the longest label (RFC 1035 section 2.3.4).
	maxLabelLen = 63

	// maxNameLen is the longest name in text form, without a final dot.
	maxNameLen = 253

	// maxWireNameLen is the longest name in wire form (RFC 1035 section
	// 3.1): length bytes, labels and the final zero.
	maxWireNameLen = 255

	// maxPointers bounds the compression pointers followed for one name
	// (RFC 1035 section 4.1.4). Every pointer must also point before the
	// one that led to it, so following them always ends.
	maxPointers = 16
)

// nameByte reports whether c may appear in a label.
func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
		'0' <= c && c <= '9' || c == '-' || c == '_'
}

// validLabel reports whether l is a valid label.
func validLabel(l []byte) bool {
	if len(l) == 0 || len(l) > maxLabelLen {
		return false
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		if !nameByte(c) {
			return false
		}
	}

	return true
}

// trimNULs removes trailing NULs, which a receiver must delete from text
// options (RFC 2132 section 2).
func trimNULs(v []byte) []byte {
	for len(v) > 0 && v[len(v)-1] == 0 {
		v = v[:len(v)-1]
	}

	return v
}

// checkTextName reports whether v is a valid name in text form, with or
// without a final dot, and returns it without that dot.
func checkTextName(v []byte) ([]byte, bool) {
	if len(v) > 1 && v[len(v)-1] == '.' {
		v = v[:len(v)-1]
	}
	if len(v) == 0 || len(v) > maxNameLen {
		return nil, false
	}

	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != '.' {
			continue
		}
		if !validLabel(v[start:i]) {
			return nil, false
		}
		start = i + 1
	}

	return v, true
}

// textName returns option c as a validated name in text form, trailing
// NULs and a final dot removed.
func (o *Options) textName(c OptionCode) (string, error) {
	v, err := o.value(c)
	if err != nil {
		return "", err
	}

	name, ok := checkTextName(trimNULs(v))
	if !ok {
		return "", o.bad(c, ErrBadName)
	}

	return string(name), nil
}

// readWireName reads the wire-form name (RFC 1035 section 3.1) starting
// at data[i] into buf as text without a final dot, and returns the text
// length and the offset after the name. Structural faults are
// ErrMalformed, a label with a forbidden byte is ErrBadName.
//
// With compress, pointers (RFC 1035 section 4.1.4) are followed if they
// point strictly before the start of the name, and each later one
// strictly before the target of the one before, so no name can loop;
// without compress they are malformed. With partial, the name may end at
// the end of data without a zero label (RFC 4702 section 2.3.1).
func readWireName(data []byte, i int, buf *[maxWireNameLen]byte,
	compress, partial bool) (n, next int, err error) {
	next = -1 // set at the first pointer or at the end
	wire, hops, limit := 0, 0, i
	for {
		if i >= len(data) {
			if partial && hops == 0 {
				return n, len(data), nil
			}

			return 0, 0, ErrMalformed
		}

		l := int(data[i])
		switch {
		case l == 0:
			if next < 0 {
				next = i + 1
			}

			return n, next, nil

		case l&0xc0 == 0xc0:
			if !compress || i+1 >= len(data) {
				return 0, 0, ErrMalformed
			}
			ptr := (l&0x3f)<<8 | int(data[i+1])
			hops++
			if ptr >= limit || hops > maxPointers {
				return 0, 0, ErrMalformed
			}
			if next < 0 {
				next = i + 2
			}
			i, limit = ptr, ptr

			continue

		case l&0xc0 != 0:
			return 0, 0, ErrMalformed // extended label types
		}

		label := data[min(i+1, len(data)):min(i+1+l, len(data))]
		if len(label) != l {
			return 0, 0, ErrMalformed
		}
		wire += 1 + l
		if wire+1 > maxWireNameLen {
			return 0, 0, ErrMalformed
		}
		if !validLabel(label) {
			return 0, 0, ErrBadName
		}
		if n > 0 {
			buf[n] = '.'
			n++
		}
		n += copy(buf[n:], label)
		i += 1 + l
	}
}
