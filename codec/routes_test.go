package codec

import (
	"net/netip"
	"testing"
)

func route(dest, gw string) Route {
	return Route{Dest: netip.MustParsePrefix(dest), Gateway: mustAddr(gw)}
}

// routeCases are the accessor cases of options 33, 121 and 249.
func routeCases() []accessorCase {
	static := func(o *Options) (any, error) { return o.StaticRoutes(nil) }
	cl := func(o *Options) (any, error) { return o.ClasslessRoutes(nil) }
	ms := func(o *Options) (any, error) { return o.MSClasslessRoutes(nil) }

	return []accessorCase{
		{"static classful and host", []byte{33, 16,
			10, 0, 0, 0, 192, 168, 1, 1,
			172, 16, 5, 9, 192, 168, 1, 2}, static,
			[]Route{route("10.0.0.0/8", "192.168.1.1"),
				route("172.16.5.9/32", "192.168.1.2")}, nil},
		{"static default destination", []byte{33, 8, 0, 0, 0, 0, 1, 1, 1, 1},
			static, nil, ErrMalformed},
		{"static class d", []byte{33, 8, 224, 0, 0, 0, 1, 1, 1, 1},
			static, nil, ErrMalformed},
		{"static 7 bytes", []byte{33, 7, 10, 0, 0, 0, 1, 1, 1},
			static, nil, ErrMalformed},
		{"classless rfc 3442 examples", []byte{121, 20,
			0, 192, 168, 1, 1, // default via 192.168.1.1
			24, 10, 0, 1, 0, 0, 0, 0, // 10.0.1.0/24 on link
			9, 129, 128, 10, 0, 0, 1}, cl, // 129.128.0.0/9
			[]Route{route("0.0.0.0/0", "192.168.1.1"),
				route("10.0.1.0/24", "0.0.0.0"),
				route("129.128.0.0/9", "10.0.0.1")}, nil},
		{"classless /32", []byte{121, 9, 32, 10, 1, 2, 3, 10, 0, 0, 1}, cl,
			[]Route{route("10.1.2.3/32", "10.0.0.1")}, nil},
		{"classless prefix width 33", []byte{121, 10, 33, 10, 1, 2, 3, 0,
			10, 0, 0, 1}, cl, nil, ErrMalformed},
		{"classless last entry one byte short", []byte{121, 12,
			0, 192, 168, 1, 1,
			24, 10, 0, 1, 0, 0, 0}, cl, nil, ErrMalformed},
		{"classless host bits set", []byte{121, 8, 8, 10, 1, 0, 0, 0, 0}, cl, nil,
			ErrMalformed},
		{"classless bits beyond width", []byte{121, 7, 9, 129, 129, 10, 0, 0, 1},
			cl, nil, ErrMalformed},
		{"classless empty", []byte{121, 0}, cl, nil, ErrMalformed},
		{"classless split over instances", []byte{121, 3, 24, 10, 0,
			121, 5, 1, 10, 0, 0, 1}, cl,
			[]Route{route("10.0.1.0/24", "10.0.0.1")}, nil},
		{"ms classless", []byte{249, 5, 0, 10, 0, 0, 1}, ms,
			[]Route{route("0.0.0.0/0", "10.0.0.1")}, nil},
		{"ms classless width 33", []byte{249, 5, 33, 10, 0, 0, 1}, ms,
			nil, ErrMalformed},
	}
}

func TestRouteAccessors(t *testing.T) {
	runAccessors(t, routeCases())
}
