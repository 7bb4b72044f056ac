package fuzzers

import (
	"errors"
	"math"
	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// checkOpt checks an accessor's error for option c: ErrNoOption exactly
// when c is absent, otherwise nil or an *OptionError for c wrapping
// ErrMalformed or ErrBadName (RFC 2132 section 2 leaves the judgement of
// a bad value to the receiver; the codec must report it, not guess).
func checkOpt(o *codec.Options, c codec.OptionCode, err error) bool {
	if !o.Has(c) {
		if !errors.Is(err, codec.ErrNoOption) {
			bug("option %d absent, accessor returned %v", c, err)
		}

		return false
	}
	if err == nil {
		return true
	}

	var oe *codec.OptionError
	if !errors.As(err, &oe) || oe.Code != c {
		bug("option %d: error %v is not an *OptionError for it", c, err)
	}
	if !errors.Is(err, codec.ErrMalformed) &&
		!errors.Is(err, codec.ErrBadName) {
		bug("option %d: error %v is neither malformed nor bad name", c, err)
	}

	return false
}

// checkAddrs panics unless every address is IPv4.
func checkAddrs(c codec.OptionCode, as ...netip.Addr) {
	for _, a := range as {
		if !a.Is4() {
			bug("option %d: address %v is not IPv4", c, a)
		}
	}
}

// checkRoutes panics unless every route has a masked IPv4 destination
// and an IPv4 gateway (RFC 2132 section 5.8, RFC 3442).
func checkRoutes(c codec.OptionCode, rs []codec.Route) {
	for _, r := range rs {
		d := r.Dest
		if !d.IsValid() || !d.Addr().Is4() || d.Masked() != d {
			bug("option %d: bad route destination %v", c, d)
		}
		checkAddrs(c, r.Gateway)
	}
}

// accessor pairs an option code with its typed accessor.
type accessor[F any] struct {
	c codec.OptionCode
	f F
}

// checkOptions calls every typed accessor of o and checks its result.
func checkOptions(o *codec.Options) {
	checkScalars(o)
	checkLists(o)
	checkNames(o)
}

// checkScalars checks the accessors of fixed-size options.
func checkScalars(o *codec.Options) {
	_, err := o.MessageType()
	checkOpt(o, codec.OptMessageType, err)

	for _, e := range []accessor[func() (netip.Addr, error)]{
		{codec.OptServerID, o.ServerID},
		{codec.OptBroadcastAddr, o.BroadcastAddr},
		{codec.OptRequestedIP, o.RequestedIP},
	} {
		c, f := e.c, e.f
		a, err := f()
		if checkOpt(o, c, err) {
			checkAddrs(c, a)
		}
	}

	bits, err := o.SubnetMask()
	if checkOpt(o, codec.OptSubnetMask, err) && (bits < 0 || bits > 32) {
		bug("subnet mask /%d", bits)
	}
	mtu, err := o.InterfaceMTU()
	if checkOpt(o, codec.OptInterfaceMTU, err) && mtu < 68 {
		bug("interface MTU %d below 68", mtu)
	}
	size, err := o.MaxMessageSize()
	if checkOpt(o, codec.OptMaxMessageSize, err) && size < 576 {
		bug("maximum message size %d below 576", size)
	}
	ov, err := o.Overload()
	if checkOpt(o, codec.OptOverload, err) && (ov < 1 || ov > 3) {
		bug("overload %d outside 1..3", ov)
	}

	for _, e := range []accessor[func() (uint32, error)]{
		{codec.OptLeaseTime, o.LeaseTime},
		{codec.OptRenewalTime, o.RenewalTime},
		{codec.OptRebindingTime, o.RebindingTime},
		{codec.OptIPv6OnlyPreferred, o.IPv6OnlyPreferred},
	} {
		c, f := e.c, e.f
		_, err := f()
		checkOpt(o, c, err)
	}
	_, err = o.RapidCommit()
	checkOpt(o, codec.OptRapidCommit, err)
}

// checkLists checks the accessors of list and opaque options.
func checkLists(o *codec.Options) {
	var buf [8]netip.Addr
	for _, e := range []accessor[func([]netip.Addr) (
		[]netip.Addr, error)]{
		{codec.OptRouter, o.Routers},
		{codec.OptDNSServer, o.DNSServers},
		{codec.OptNTPServer, o.NTPServers},
	} {
		c, f := e.c, e.f
		as, err := f(buf[:0])
		if checkOpt(o, c, err) {
			if len(as) == 0 {
				bug("option %d: empty address list without error", c)
			}
			checkAddrs(c, as...)
		}
	}

	var rbuf [8]codec.Route
	for _, e := range []accessor[func([]codec.Route) (
		[]codec.Route, error)]{
		{codec.OptStaticRoute, o.StaticRoutes},
		{codec.OptClasslessRoute, o.ClasslessRoutes},
		{codec.OptMSClasslessRoute, o.MSClasslessRoutes},
	} {
		c, f := e.c, e.f
		rs, err := f(rbuf[:0])
		if checkOpt(o, c, err) {
			checkRoutes(c, rs)
		}
	}

	for _, e := range []accessor[func() ([]byte, error)]{
		{codec.OptParamRequest, o.ParamRequestList},
		{codec.OptVendorClass, o.VendorClass},
		{codec.OptClientID, o.ClientID},
		{codec.OptRelayAgent, o.RelayAgent},
	} {
		c, f := e.c, e.f
		_, err := f()
		checkOpt(o, c, err)
	}
	_, err := o.UserClass(nil)
	checkOpt(o, codec.OptUserClass, err)
}

// checkNames checks the accessors of text and domain name options.
func checkNames(o *codec.Options) {
	for _, e := range []accessor[func() (string, error)]{
		{codec.OptHostName, o.HostName},
		{codec.OptDomainName, o.DomainName},
		{codec.OptTFTPServer, o.TFTPServer},
		{codec.OptBootfile, o.Bootfile},
		{codec.OptCaptivePortal, o.CaptivePortal},
	} {
		c, f := e.c, e.f
		_, err := f()
		checkOpt(o, c, err)
	}

	_, err := o.ClientFQDN()
	checkOpt(o, codec.OptClientFQDN, err)

	names, err := o.DomainSearch(nil, math.MaxInt)
	if checkOpt(o, codec.OptDomainSearch, err) {
		for _, n := range names {
			if len(n) > 255 {
				bug("search domain of %d bytes", len(n))
			}
		}
	}
}
