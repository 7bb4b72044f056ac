package codec

import (
	"net/netip"
)

// Route is one route of options 33, 121 or 249. A Gateway of 0.0.0.0
// means the destination is on the link (RFC 3442 section 3).
type Route struct {
	Dest    netip.Prefix
	Gateway netip.Addr
}

// StaticRoutes appends the routes of option 33 (RFC 2132 section 5.8) to
// dst: pairs of destination and router. The destination's prefix is its
// class (A /8, B /16, C /24), as RFC 2132 defines it, or /32 when the
// address has bits set beyond its class mask, the host route servers
// commonly mean. A destination of 0.0.0.0 (forbidden by RFC 2132), a class
// D or E destination, or a length that is not a non-zero multiple of 8
// make the whole option malformed.
func (o *Options) StaticRoutes(dst []Route) ([]Route, error) {
	v, err := o.value(OptStaticRoute)
	if err != nil {
		return dst, err
	}
	if len(v) == 0 || len(v)%8 != 0 {
		return dst, o.bad(OptStaticRoute, ErrMalformed)
	}

	n := len(dst)
	for ; len(v) > 0; v = v[8:] {
		d := [4]byte(v[:4])
		bits := classBits(d)
		if bits < 0 || d == [4]byte{} {
			return dst[:n], o.bad(OptStaticRoute, ErrMalformed)
		}
		p := netip.PrefixFrom(netip.AddrFrom4(d), bits)
		if p.Masked() != p {
			p = netip.PrefixFrom(p.Addr(), 32)
		}
		gw := netip.AddrFrom4([4]byte(v[4:8]))
		dst = append(dst, Route{Dest: p, Gateway: gw})
	}

	return dst, nil
}

// classBits returns the classful prefix length of a (RFC 791 section
// 2.3), or -1 for class D and E.
func classBits(a [4]byte) int {
	switch {
	case a[0] < 128:
		return 8
	case a[0] < 192:
		return 16
	case a[0] < 224:
		return 24
	}

	return -1
}

// ClasslessRoutes appends the routes of option 121 (RFC 3442 section 2)
// to dst. Each entry is a prefix width 0..32, the significant octets of
// the destination (width/8 rounded up) and a 4-byte router. A width above
// 32, bits set beyond the width, or an entry that is short or runs past
// the end rejects the whole option as malformed, as RFC 3442 section 4
// asks; nothing is appended then.
func (o *Options) ClasslessRoutes(dst []Route) ([]Route, error) {
	return o.classless(OptClasslessRoute, dst)
}

// MSClasslessRoutes appends the routes of option 249, which Microsoft
// servers send in the format of option 121 (RFC 3442), to dst, with the
// same checks as ClasslessRoutes.
func (o *Options) MSClasslessRoutes(dst []Route) ([]Route, error) {
	return o.classless(OptMSClasslessRoute, dst)
}

// classless appends the RFC 3442 routes of option c to dst.
func (o *Options) classless(c OptionCode, dst []Route) ([]Route, error) {
	v, err := o.value(c)
	if err != nil {
		return dst, err
	}
	if len(v) == 0 {
		return dst, o.bad(c, ErrMalformed)
	}

	n := len(dst)
	for len(v) > 0 {
		r, rest, ok := classlessEntry(v)
		if !ok {
			return dst[:n], o.bad(c, ErrMalformed)
		}
		dst = append(dst, r)
		v = rest
	}

	return dst, nil
}

// classlessEntry reads one RFC 3442 entry from the front of v.
func classlessEntry(v []byte) (Route, []byte, bool) {
	width := int(v[0])
	if width > 32 {
		return Route{}, nil, false
	}
	sig := (width + 7) / 8
	if len(v) < 1+sig+4 {
		return Route{}, nil, false
	}

	var d [4]byte
	copy(d[:], v[1:1+sig])
	p := netip.PrefixFrom(netip.AddrFrom4(d), width)
	if p.Masked() != p {
		return Route{}, nil, false
	}
	gw := [4]byte(v[1+sig : 1+sig+4])

	return Route{Dest: p, Gateway: netip.AddrFrom4(gw)}, v[1+sig+4:], true
}
