package codec

import "iter"

// OptionCode is a DHCP option code (RFC 2132 section 2).
type OptionCode uint8

// Option codes the package gives typed access to, with the RFC section
// that defines each.
const (
	OptPad               OptionCode = 0   // RFC 2132 section 3.1
	OptSubnetMask        OptionCode = 1   // RFC 2132 section 3.3
	OptRouter            OptionCode = 3   // RFC 2132 section 3.5
	OptDNSServer         OptionCode = 6   // RFC 2132 section 3.8
	OptHostName          OptionCode = 12  // RFC 2132 section 3.14
	OptDomainName        OptionCode = 15  // RFC 2132 section 3.17
	OptInterfaceMTU      OptionCode = 26  // RFC 2132 section 5.1
	OptBroadcastAddr     OptionCode = 28  // RFC 2132 section 5.3
	OptStaticRoute       OptionCode = 33  // RFC 2132 section 5.8
	OptNTPServer         OptionCode = 42  // RFC 2132 section 8.3
	OptRequestedIP       OptionCode = 50  // RFC 2132 section 9.1
	OptLeaseTime         OptionCode = 51  // RFC 2132 section 9.2
	OptOverload          OptionCode = 52  // RFC 2132 section 9.3
	OptMessageType       OptionCode = 53  // RFC 2132 section 9.6
	OptServerID          OptionCode = 54  // RFC 2132 section 9.7
	OptParamRequest      OptionCode = 55  // RFC 2132 section 9.8
	OptMessage           OptionCode = 56  // RFC 2132 section 9.9
	OptMaxMessageSize    OptionCode = 57  // RFC 2132 section 9.10
	OptRenewalTime       OptionCode = 58  // RFC 2132 section 9.11
	OptRebindingTime     OptionCode = 59  // RFC 2132 section 9.12
	OptVendorClass       OptionCode = 60  // RFC 2132 section 9.13
	OptClientID          OptionCode = 61  // RFC 2132 section 9.14
	OptTFTPServer        OptionCode = 66  // RFC 2132 section 9.4
	OptBootfile          OptionCode = 67  // RFC 2132 section 9.5
	OptUserClass         OptionCode = 77  // RFC 3004 section 4
	OptRapidCommit       OptionCode = 80  // RFC 4039 section 4
	OptClientFQDN        OptionCode = 81  // RFC 4702 section 2
	OptRelayAgent        OptionCode = 82  // RFC 3046 section 2.0
	OptIPv6OnlyPreferred OptionCode = 108 // RFC 8925 section 3.1
	OptCaptivePortal     OptionCode = 114 // RFC 8910 section 2.1
	OptDomainSearch      OptionCode = 119 // RFC 3397 section 2
	OptClasslessRoute    OptionCode = 121 // RFC 3442
	OptMSClasslessRoute  OptionCode = 249 // RFC 3442 format, Microsoft code
	OptEnd               OptionCode = 255 // RFC 2132 section 3.2
)

// maxOptionData bounds the value bytes one Options value holds. Decoded
// values always fit: they come from a message of at most MaxMessageLen.
const maxOptionData = MaxMessageLen

// optSpan locates one option's value in Options.data. It is 8 bytes, so
// that setting or clearing one is a single store.
type optSpan struct {
	off, n uint16

	// at is the wire offset of the first instance, -1 for a value set by
	// hand, and 0 while the option is absent: no option starts at 0.
	at int32
}

// set reports whether s holds a value.
func (s optSpan) set() bool { return s.at != 0 }

// Options holds a message's options in a fixed-size value: setting,
// getting and decoding options never allocates. Each code appears once;
// instances of the same code on the wire are concatenated (RFC 3396).
// The order of first appearance is kept and is the order of encoding.
// The zero Options is empty and ready to use.
type Options struct {
	spans [256]optSpan
	order [256]OptionCode
	count int
	used  int
	data  [maxOptionData]byte
}

// Reset empties o, keeping its storage. It clears only the spans that
// are set, so it costs one store per option, not the size of o.
func (o *Options) Reset() {
	for _, c := range o.order[:o.count] {
		o.spans[c] = optSpan{}
	}
	o.count, o.used = 0, 0
}

// Len returns the number of distinct options in o.
func (o *Options) Len() int { return o.count }

// Has reports whether option c is present.
func (o *Options) Has(c OptionCode) bool { return o.spans[c].set() }

// Get returns the value of option c and whether it is present. The slice
// aliases o and is valid until o is next changed; its capacity is its
// length, so appending to it copies.
func (o *Options) Get(c OptionCode) ([]byte, bool) {
	s := o.spans[c]
	if !s.set() {
		return nil, false
	}

	return o.data[s.off:][:s.n:s.n], true
}

// Offset returns the wire offset of option c's first instance in the
// message it was decoded from, or -1 when c is absent or was set by hand.
func (o *Options) Offset(c OptionCode) int {
	s := o.spans[c]
	if !s.set() {
		return -1
	}

	return int(s.at)
}

// All iterates over the options in order of first appearance.
func (o *Options) All() iter.Seq2[OptionCode, []byte] {
	return func(yield func(OptionCode, []byte) bool) {
		for _, c := range o.order[:o.count] {
			v, _ := o.Get(c)
			if !yield(c, v) {
				return
			}
		}
	}
}

// Set sets option c to a copy of v, replacing any earlier value while
// keeping its place in the order. Pad and End carry no value and are
// refused with ErrMalformed; ErrFull reports that the value does not fit.
// v may alias o (for example a slice returned by Get).
func (o *Options) Set(c OptionCode, v []byte) error {
	if o.spans[c].set() || c == OptPad || c == OptEnd ||
		len(v) > len(o.data)-o.used {
		return o.setAt(c, v, -1)
	}

	// A new option with room after the used storage: the common case
	// when a message is built, which need not reach grow.
	copy(o.reserve(c, len(v), -1), v)

	return nil
}

// setAt is Set recording at as the wire offset of the option.
func (o *Options) setAt(c OptionCode, v []byte, at int) error {
	if len(v) > maxOptionData {
		return &OptionError{Code: c, Offset: at, Err: ErrFull}
	}

	s := o.spans[c]
	fits := (s.set() && len(v) <= int(s.n)) || len(v) <= len(o.data)-o.used
	if !fits {
		// Compaction moves values, so keep v safe from it first.
		var tmp [maxOptionData]byte
		v = tmp[:copy(tmp[:], v)]
	}

	dst, err := o.grow(c, len(v), at)
	if err != nil {
		return err
	}
	copy(dst, v)

	return nil
}

// grow makes c's value n bytes long, keeping c's place in the order, and
// returns its storage for the caller to fill. It reuses c's old storage
// when n fits there, and otherwise takes fresh storage, compacting first
// when needed. On error o is unchanged.
func (o *Options) grow(c OptionCode, n, at int) ([]byte, error) {
	if c == OptPad || c == OptEnd {
		return nil, &OptionError{Code: c, Offset: at, Err: ErrMalformed}
	}

	s := &o.spans[c]
	if s.set() && n <= int(s.n) {
		s.n, s.at = uint16(n), int32(at)

		return o.data[s.off : int(s.off)+n], nil
	}
	if n > len(o.data)-o.used {
		live := 0
		for _, k := range o.order[:o.count] {
			if k != c {
				live += int(o.spans[k].n)
			}
		}
		if n > len(o.data)-live {
			return nil, &OptionError{Code: c, Offset: at, Err: ErrFull}
		}
		s.n = 0
		o.compact()
	}

	return o.reserve(c, n, at), nil
}

// reserve takes n bytes at the end of the used storage for c's value and
// returns them; the caller has checked that they are free. A value c had
// before is abandoned until compact reclaims it.
func (o *Options) reserve(c OptionCode, n, at int) []byte {
	if !o.spans[c].set() {
		o.order[o.count] = c
		o.count++
	}
	o.spans[c] = optSpan{
		off: uint16(o.used), n: uint16(n), at: int32(at),
	}
	dst := o.data[o.used : o.used+n]
	o.used += n

	return dst
}

// compact moves the live values to the start of the storage, in storage
// order, so the space of replaced and deleted values can be used again.
func (o *Options) compact() {
	var live [256]OptionCode
	n := copy(live[:], o.order[:o.count])

	// Insertion sort by storage offset: at most 255 codes, no allocation.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && o.spans[live[j]].off < o.spans[live[j-1]].off; j-- {
			live[j], live[j-1] = live[j-1], live[j]
		}
	}

	used := 0
	for _, c := range live[:n] {
		s := &o.spans[c]
		copy(o.data[used:], o.data[s.off:int(s.off)+int(s.n)])
		s.off = uint16(used)
		used += int(s.n)
	}
	o.used = used
}

// Delete removes option c, keeping the order of the others.
func (o *Options) Delete(c OptionCode) {
	if !o.spans[c].set() {
		return
	}
	o.spans[c] = optSpan{}

	n := 0
	for _, k := range o.order[:o.count] {
		if k != c {
			o.order[n] = k
			n++
		}
	}
	o.count = n
}

// Equal reports whether o and p hold the same options with the same
// values in the same order. Wire offsets are not compared.
func (o *Options) Equal(p *Options) bool {
	if o.count != p.count {
		return false
	}
	for i, c := range o.order[:o.count] {
		if p.order[i] != c {
			return false
		}
		a, _ := o.Get(c)
		b, _ := p.Get(c)
		if string(a) != string(b) {
			return false
		}
	}

	return true
}
