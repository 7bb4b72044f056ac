package codec

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// wireName returns the wire form of the dotted name s, with a zero label.
func wireName(s string) []byte {
	var b []byte
	for _, l := range bytes.Split([]byte(s), []byte(".")) {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}

	return append(b, 0)
}

// opt119 returns option 119 carrying v, split into instances of at most
// 255 bytes (RFC 3396).
func opt119(v ...byte) []byte {
	b := []byte{}
	for {
		k := min(len(v), 255)
		b = append(b, 119, byte(k))
		b = append(b, v[:k]...)
		if v = v[k:]; len(v) == 0 {
			return b
		}
	}
}

// longPointerName returns option 119 data whose second name is more than
// 300 bytes long once its pointers are followed: each name adds a label
// of 60 bytes in front of a pointer to the one before.
func longPointerName() []byte {
	label := bytes.Repeat([]byte{'a'}, 60)
	v := append([]byte{60}, label...)
	v = append(v, 0) // name 0: 62 bytes, at offset 0
	prev := 0
	for range 5 {
		at := len(v)
		v = append(v, 60)
		v = append(v, label...)
		v = append(v, 0xc0, byte(prev))
		prev = at
	}

	return v
}

// pointerChain returns option 119 data of 1+hops names: "a", then names
// that are each one pointer to the name before, so the last needs hops
// pointers to reach "a".
func pointerChain(hops int) []byte {
	v := []byte{1, 'a', 0}
	prev := 0
	for range hops {
		at := len(v)
		v = append(v, 0xc0, byte(prev))
		prev = at
	}

	return v
}

// nameCases are the accessor cases of options 12, 15, 66, 67, 81, 114
// and 119; handMade uses them as fuzz seeds too.
func nameCases() []accessorCase {
	host := func(o *Options) (any, error) { return o.HostName() }
	domain := func(o *Options) (any, error) { return o.DomainName() }
	tftp := func(o *Options) (any, error) { return o.TFTPServer() }
	boot := func(o *Options) (any, error) { return o.Bootfile() }
	portal := func(o *Options) (any, error) { return o.CaptivePortal() }
	fqdn := func(o *Options) (any, error) { return o.ClientFQDN() }
	search := func(o *Options) (any, error) { return o.DomainSearch(nil, math.MaxInt) }
	user := func(o *Options) (any, error) { return o.UserClass(nil) }

	label63 := bytes.Repeat([]byte{'x'}, 63)
	label64 := bytes.Repeat([]byte{'x'}, 64)
	three := bytes.Repeat(append(label63[:63:63], '.'), 3) // 192 bytes
	name253 := append(three[:192:192], label63[:61]...)
	name254 := append(three[:192:192], label63[:62]...)
	withOpt := func(c OptionCode, v []byte) []byte {
		return append([]byte{byte(c), byte(len(v))}, v...)
	}
	search2 := append(wireName("eng.example.com"),
		3, 'l', 'a', 'b', 0xc0, 4) // lab + example.com at offset 4

	return []accessorCase{
		{"host name", withOpt(12, []byte("node-1")), host, "node-1", nil},
		{"host name fqdn with final dot", withOpt(12, []byte("a.b.")), host, "a.b", nil},
		{"host name trailing nuls", withOpt(12, []byte("pc_7\x00\x00")), host, "pc_7", nil},
		{"host name with newline and $(reboot)",
			withOpt(12, []byte("h\n$(reboot)")), host, nil, ErrBadName},
		{"host name with space", withOpt(12, []byte("a b")), host, nil, ErrBadName},
		{"host name with nul inside", withOpt(12, []byte("a\x00b")), host, nil, ErrBadName},
		{"host name semicolon", withOpt(12, []byte("a;rm")), host, nil, ErrBadName},
		{"host name backtick", withOpt(12, []byte("`id`")), host, nil, ErrBadName},
		{"host name quote", withOpt(12, []byte("a'b")), host, nil, ErrBadName},
		{"host name leading hyphen", withOpt(12, []byte("-a")), host, nil, ErrBadName},
		{"host name trailing hyphen", withOpt(12, []byte("a-.b")), host, nil, ErrBadName},
		{"host name empty label", withOpt(12, []byte("a..b")), host, nil, ErrBadName},
		{"host name only nuls", withOpt(12, []byte{0, 0}), host, nil, ErrBadName},
		{"host name only dot", withOpt(12, []byte(".")), host, nil, ErrBadName},
		{"host name label of 63 bytes", withOpt(12, label63), host, string(label63), nil},
		{"host name label of 64 bytes", withOpt(12, label64), host, nil, ErrBadName},
		{"domain name", withOpt(15, []byte("example.com")), domain, "example.com", nil},
		{"domain name of 253 bytes", withOpt(15, name253), domain, string(name253), nil},
		{"domain name of 254 bytes", withOpt(15, name254), domain, nil, ErrBadName},
		{"domain name list with space",
			withOpt(15, []byte("a.com b.com")), domain, nil, ErrBadName},
		{"tftp server address", withOpt(66, []byte("10.0.0.1")), tftp, "10.0.0.1", nil},
		{"bootfile path", withOpt(67, []byte("/efi/boot/x64.efi\x00")), boot,
			"/efi/boot/x64.efi", nil},
		{"bootfile shell", withOpt(67, []byte("a;reboot")), boot, nil, ErrMalformed},
		{"captive portal https",
			withOpt(114, []byte("https://portal.example/api?x=1&y")), portal,
			"https://portal.example/api?x=1&y", nil},
		{"captive portal unrestricted", withOpt(114, []byte(capportUnrestricted)),
			portal, capportUnrestricted, nil},
		{"captive portal http", withOpt(114, []byte("http://p.example/")),
			portal, nil, ErrMalformed},
		{"captive portal command substitution",
			withOpt(114, []byte("https://p/$(reboot)")), portal, nil, ErrMalformed},
		{"captive portal quote", withOpt(114, []byte("https://p/'x")),
			portal, nil, ErrMalformed},
		{"captive portal newline", withOpt(114, []byte("https://p\n")),
			portal, nil, ErrMalformed},
		{"fqdn wire", withOpt(81, append([]byte{0x05, 0, 0},
			wireName("host.example.com")...)), fqdn,
			FQDN{Flags: 5, Name: "host.example.com"}, nil},
		{"fqdn wire partial", withOpt(81, []byte{0x04, 0, 0, 4, 'h', 'o', 's', 't'}),
			fqdn, FQDN{Flags: 4, Name: "host"}, nil},
		{"fqdn ascii", withOpt(81, []byte{0x01, 255, 255, 'h', '.', 'e'}), fqdn,
			FQDN{Flags: 1, RCode1: 255, RCode2: 255, Name: "h.e"}, nil},
		{"fqdn empty name", withOpt(81, []byte{0, 0, 0}), fqdn, FQDN{}, nil},
		{"fqdn short", withOpt(81, []byte{0, 0}), fqdn, nil, ErrMalformed},
		{"fqdn pointer", withOpt(81, []byte{4, 0, 0, 0xc0, 0}), fqdn, nil, ErrMalformed},
		{"fqdn bad label", withOpt(81, []byte{4, 0, 0, 2, 'a', '\n', 0}),
			fqdn, nil, ErrBadName},
		{"fqdn ascii newline", withOpt(81, []byte{0, 0, 0, 'a', '\n'}),
			fqdn, nil, ErrBadName},
		{"fqdn bytes after name", withOpt(81, []byte{4, 0, 0, 1, 'a', 0, 1}),
			fqdn, nil, ErrMalformed},
		{"search one name", opt119(wireName("example.com")...), search,
			[]string{"example.com"}, nil},
		{"search with backward pointer", opt119(search2...), search,
			[]string{"eng.example.com", "lab.example.com"}, nil},
		{"search rfc 3397 split over instances",
			append(opt119(search2[:10]...), opt119(search2[10:]...)...),
			search, []string{"eng.example.com", "lab.example.com"}, nil},
		{"search pointer to itself", opt119(0xc0, 0), search, nil, ErrMalformed},
		{"search pointer to itself after a label",
			opt119(1, 'a', 0xc0, 2), search, nil, ErrMalformed},
		{"search two pointers pointing at each other",
			opt119(1, 'a', 0, 0xc0, 5, 0xc0, 3), search, nil, ErrMalformed},
		{"search pointer forward past its own position",
			opt119(1, 'a', 0xc0, 5, 0, 1, 'b', 0), search, nil, ErrMalformed},
		{"search pointer into its own name",
			opt119(1, 'a', 1, 'b', 0xc0, 2), search, nil, ErrMalformed},
		{"search pointer past the end", opt119(1, 'a', 0, 0xc0, 200), search,
			nil, ErrMalformed},
		{"search 16 pointer hops", opt119(pointerChain(16)...), search,
			[]string{"a", "a", "a", "a", "a", "a", "a", "a", "a",
				"a", "a", "a", "a", "a", "a", "a", "a"}, nil},
		{"search 17 pointer hops", opt119(pointerChain(17)...), search,
			nil, ErrMalformed},
		{"search label of 64 bytes", opt119(append(append([]byte{64}, label64...),
			0)...), search, nil, ErrMalformed},
		{"search name of 300 bytes from pointers", opt119(longPointerName()...),
			search, nil, ErrMalformed},
		{"search label with dollar", opt119(2, '$', 'x', 0), search, nil, ErrBadName},
		{"search label with dot", opt119(3, 'a', '.', 'b', 0), search, nil, ErrBadName},
		{"search root name", opt119(0), search, nil, ErrBadName},
		{"search missing zero label", opt119(1, 'a'), search, nil, ErrMalformed},
		{"search extended label type", opt119(0x41, 'a', 0), search, nil, ErrMalformed},
		{"search empty", []byte{119, 0}, search, nil, ErrMalformed},
		{"user class two", []byte{77, 6, 2, 'a', 'b', 2, 'c', 'd'}, user,
			[][]byte{[]byte("ab"), []byte("cd")}, nil},
		{"user class zero length", []byte{77, 2, 0, 0}, user, nil, ErrMalformed},
		{"user class past the end", []byte{77, 3, 5, 'a', 'b'}, user, nil, ErrMalformed},
		{"user class plain string", []byte{77, 4, 'i', 'P', 'X', 'E'}, user,
			nil, ErrMalformed},
	}
}

func TestNameAccessors(t *testing.T) {
	runAccessors(t, nameCases())
}

// TestLongPointerNameIsLong checks that the 300-byte case really holds
// a name that long, so the test above fails for the right reason.
func TestLongPointerNameIsLong(t *testing.T) {
	v := longPointerName()
	var buf [maxWireNameLen]byte
	if _, _, err := readWireName(v, 62, &buf, true, false); err != nil {
		t.Fatalf("the 2-label name should decode: %v", err)
	}
	// 6 labels of 61 wire bytes and the zero byte: 367 bytes.
	if _, _, err := readWireName(v, len(v)-63, &buf, true, false); err == nil {
		t.Fatal("the 6-label name decoded")
	}
}

// TestDomainSearchLimit: two-byte pointers can repeat a 253-byte name
// hundreds of times in one option 119; the limit bounds the strings
// allocated, and the names past it are still checked.
func TestDomainSearchLimit(t *testing.T) {
	label := bytes.Repeat([]byte{'a'}, 63)
	var echo []byte
	for _, n := range []int{63, 63, 63, 61} { // 253 characters
		echo = append(append(echo, byte(n)), label[:n]...)
	}
	echo = append(echo, 0)
	for range 1000 {
		echo = append(echo, 0xc0, 0)
	}

	var o Options
	if err := o.Set(OptDomainSearch, echo); err != nil {
		t.Fatal(err)
	}
	dst := make([]string, 0, 3)
	allocs := testing.AllocsPerRun(10, func() {
		names, err := o.DomainSearch(dst, 3)
		if err != nil || len(names) != 3 || len(names[2]) != 253 {
			t.Fatalf("got %d names, %v; want 3 of 253 bytes",
				len(names), err)
		}
	})
	if allocs != 3 {
		t.Errorf("%v allocations, want 3: one per name returned", allocs)
	}

	// A name whose pointer leads back to its own start: a loop.
	self := len(echo)
	bad := append(echo, 1, 'a', 0xc0|byte(self>>8), byte(self))
	if err := o.Set(OptDomainSearch, bad); err != nil {
		t.Fatal(err)
	}
	if names, err := o.DomainSearch(nil, 3); !errors.Is(err, ErrMalformed) {
		t.Errorf("a loop past the limit: %d names, %v; want ErrMalformed",
			len(names), err)
	}
}
