package codec

// DNS names reach files (resolv.conf) and logs, so every name an accessor
// returns is checked here first. A valid name is a dot-separated list of
// labels of 1..63 characters from A-Z, a-z, 0-9, hyphen and underscore,
// with no hyphen at either end of a label (RFC 952, RFC 1123 section 2.1),
// at most 253 characters without a final dot (RFC 1035 section 2.3.4).
// Underscore is allowed because real networks use it (Windows host names,
// service labels such as _msdcs) and it is inert in files, logs and
// shells. Anything else, including space, NUL, newline, '$', ';', quotes
// and backticks, is rejected with ErrBadName. ValidDomainName exports
// this check for names from elsewhere, and ValidHostname its stricter
// form without the underscore.

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

// ValidDomainName reports whether s is a domain name as the accessors of
// options 12, 15, 66, 81 and 119 accept it, in text form without a final
// dot: labels of 1 to 63 letters, digits, hyphens and underscores, no
// hyphen at either end of a label (RFC 1035 section 2.3.1, RFC 1123
// section 2.1), the underscore allowed as RFC 2181 section 11 permits,
// and at most 253 characters (RFC 1035 section 2.3.4). It allocates
// nothing.
func ValidDomainName(s string) bool {
	return validName(s, true)
}

// ValidHostname reports whether s is a host name in text form without a
// final dot: like ValidDomainName but with letters, digits and hyphens
// only, the rule of RFC 1123 section 2.1 (RFC 952 as amended). It is the
// stricter check for names a client configures or sends as its own, and
// for search domains, which a resolver appends to host names. It
// allocates nothing.
func ValidHostname(s string) bool {
	return validName(s, false)
}

// validName reports whether v is a dot-separated list of valid labels of
// at most maxNameLen bytes, without a final dot.
func validName[T string | []byte](v T, underscore bool) bool {
	if len(v) == 0 || len(v) > maxNameLen {
		return false
	}

	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != '.' {
			continue
		}
		if !validLabel(v[start:i], underscore) {
			return false
		}
		start = i + 1
	}

	return true
}

// nameByte reports whether c may appear in a label; the underscore only
// when underscore is set.
func nameByte(c byte, underscore bool) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
		'0' <= c && c <= '9' || c == '-' || c == '_' && underscore
}

// validLabel reports whether l is a valid label.
func validLabel[T string | []byte](l T, underscore bool) bool {
	if len(l) == 0 || len(l) > maxLabelLen {
		return false
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		if !nameByte(l[i], underscore) {
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
	if !validName(v, true) {
		return nil, false
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
		if !validLabel(label, true) {
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
