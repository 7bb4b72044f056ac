package codec

import "strings"

// FQDN is the value of option 81, the client FQDN (RFC 4702 section 2).
// Name is in text form without a final dot and may be empty; it is a
// partial name when the client sent one (RFC 4702 section 2.3.1).
type FQDN struct {
	Flags          uint8 // S, O, E, N bits (RFC 4702 section 2.1)
	RCode1, RCode2 uint8 // deprecated, 0 or 255 (RFC 4702 section 2.2)
	Name           string
}

// FQDN flag bits (RFC 4702 section 2.1).
const (
	FQDNServerUpdate uint8 = 0x01 // S: the server updates the A RR
	FQDNOverride     uint8 = 0x02 // O: the server overrode the client
	FQDNEncoded      uint8 = 0x04 // E: Name is in DNS wire format
	FQDNNoUpdate     uint8 = 0x08 // N: no server updates
)

// HostName returns option 12, the client's host name (RFC 2132 section
// 3.14), validated as described in the package notes on names: a name
// that could carry a newline, NUL, space or shell metacharacter into a
// file or log is an *OptionError wrapping ErrBadName.
func (o *Options) HostName() (string, error) {
	return o.textName(OptHostName)
}

// DomainName returns option 15, the DNS domain name (RFC 2132 section
// 3.17), validated like HostName.
func (o *Options) DomainName() (string, error) {
	return o.textName(OptDomainName)
}

// TFTPServer returns option 66, the TFTP server name (RFC 2132 section
// 9.4), validated like HostName; a dotted IPv4 address passes.
func (o *Options) TFTPServer() (string, error) {
	return o.textName(OptTFTPServer)
}

// Bootfile returns option 67, the boot file name (RFC 2132 section 9.5),
// trailing NULs removed. It may hold letters, digits and "-._/+:~@%=,"
// only, so a path or URL passes but no space, quote or shell
// metacharacter does; anything else is ErrMalformed.
func (o *Options) Bootfile() (string, error) {
	v, err := o.value(OptBootfile)
	if err != nil {
		return "", err
	}

	v = trimNULs(v)
	if len(v) == 0 {
		return "", o.bad(OptBootfile, ErrMalformed)
	}
	for _, c := range v {
		if !nameByte(c, true) && strings.IndexByte(".:/+~@%=,", c) < 0 {
			return "", o.bad(OptBootfile, ErrMalformed)
		}
	}

	return string(v), nil
}

// capportUnrestricted is the URN that says there is no captive portal
// (RFC 8910 section 2).
const capportUnrestricted = "urn:ietf:params:capport:unrestricted"

// CaptivePortal returns option 114, the captive portal API URI (RFC 8910
// section 2). It must be an https URI or the URN
// "urn:ietf:params:capport:unrestricted"; its bytes must be printable
// ASCII allowed in a URI (RFC 3986 section 2), and of the sub-delimiters
// only '&', '=', '+' and ',' are kept: no space, quote, backslash, '$',
// ';', '(', ')', '!', '*' or control character. Callers still quote the
// value before using it in a shell or log.
func (o *Options) CaptivePortal() (string, error) {
	v, err := o.value(OptCaptivePortal)
	if err != nil {
		return "", err
	}

	v = trimNULs(v)
	for _, c := range v {
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"'<>\\^`{|}$;()!*", c) >= 0 {
			return "", o.bad(OptCaptivePortal, ErrMalformed)
		}
	}
	s := string(v)
	scheme, rest, _ := strings.Cut(s, "://")
	if s != capportUnrestricted &&
		(!strings.EqualFold(scheme, "https") || rest == "") {
		return "", o.bad(OptCaptivePortal, ErrMalformed)
	}

	return s, nil
}

// UserClass appends the user classes of option 77 (RFC 3004 section 4) to
// dst: each is a length byte of at least 1 and that many bytes. The slices
// alias o. An empty option or a class that runs past the end is malformed.
func (o *Options) UserClass(dst [][]byte) ([][]byte, error) {
	v, err := o.value(OptUserClass)
	if err != nil {
		return dst, err
	}
	if len(v) == 0 {
		return dst, o.bad(OptUserClass, ErrMalformed)
	}

	n := len(dst)
	for len(v) > 0 {
		l := int(v[0])
		if l == 0 || l > len(v)-1 {
			return dst[:n], o.bad(OptUserClass, ErrMalformed)
		}
		dst = append(dst, v[1:1+l:1+l])
		v = v[1+l:]
	}

	return dst, nil
}

// ClientFQDN returns option 81 (RFC 4702 section 2). With the E flag the
// name is in canonical wire format without compression, possibly partial
// (RFC 4702 section 2.3.1); without it, the deprecated ASCII form. An
// empty name is allowed. The reserved flag bits are kept as sent, as RFC
// 4702 section 2.1 asks receivers to ignore them.
func (o *Options) ClientFQDN() (FQDN, error) {
	v, err := o.value(OptClientFQDN)
	if err != nil {
		return FQDN{}, err
	}
	if len(v) < 3 {
		return FQDN{}, o.bad(OptClientFQDN, ErrMalformed)
	}

	f := FQDN{Flags: v[0], RCode1: v[1], RCode2: v[2]}
	name := v[3:]
	if len(name) == 0 {
		return f, nil
	}
	if f.Flags&FQDNEncoded == 0 {
		text, ok := checkTextName(trimNULs(name))
		if !ok {
			return FQDN{}, o.bad(OptClientFQDN, ErrBadName)
		}
		f.Name = string(text)

		return f, nil
	}

	var buf [maxWireNameLen]byte
	n, next, err := readWireName(name, 0, &buf, false, true)
	if err == nil && next != len(name) {
		err = ErrMalformed // bytes after the name
	}
	if err != nil {
		return FQDN{}, o.bad(OptClientFQDN, err)
	}
	f.Name = string(buf[:n])

	return f, nil
}

// DomainSearch appends the names of option 119, the domain search list
// (RFC 3397 section 2), to dst. The names use DNS wire format with
// compression pointers relative to the start of the concatenated option
// data; a pointer must point strictly before the name it continues, at
// most 16 pointers are followed per name and a name is at most 255 bytes
// in wire form. Each label is validated like HostName's. The root name
// is malformed, as a search domain must not be empty.
//
// At most limit names are appended; the rest are checked all the same.
// Pointers let two bytes stand for a 253-byte name, so the limit is what
// bounds the strings allocated: limit times 253 bytes at most.
func (o *Options) DomainSearch(dst []string, limit int) ([]string, error) {
	v, err := o.value(OptDomainSearch)
	if err != nil {
		return dst, err
	}
	if len(v) == 0 {
		return dst, o.bad(OptDomainSearch, ErrMalformed)
	}

	start := len(dst)
	var buf [maxWireNameLen]byte
	for i := 0; i < len(v); {
		n, next, err := readWireName(v, i, &buf, true, false)
		if err == nil && n == 0 {
			err = ErrBadName
		}
		if err != nil {
			return dst[:start], o.bad(OptDomainSearch, err)
		}
		if len(dst)-start < limit {
			dst = append(dst, string(buf[:n]))
		}
		i = next
	}

	return dst, nil
}
