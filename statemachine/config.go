package statemachine

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// Config describes the client to the machine. The zero value of every
// field but HWAddr has a sensible default.
type Config struct {
	// HWAddr is the client hardware address put in chaddr (RFC 2131
	// section 2); 1 to 16 bytes.
	HWAddr net.HardwareAddr

	// HType is the hardware type (RFC 1700); 0 means Ethernet (1) for a
	// 6-byte HWAddr.
	HType uint8

	// ClientID is option 61 (RFC 2132 section 9.14); empty means the
	// hardware type followed by HWAddr (RFC 2132 section 9.14).
	ClientID []byte

	// Hostname is sent as option 12 (RFC 2132 section 3.14) when set.
	Hostname string

	// VendorClass is sent as option 60 (RFC 2132 section 9.13) when set.
	VendorClass []byte

	// Params is the content of option 55 (RFC 2132 section 9.8); nil
	// asks for everything a Lease holds.
	Params []codec.OptionCode

	// InitialDelay is the upper bound of the random wait before the
	// first DHCPDISCOVER (RFC 2131 section 4.4.1 suggests 1 to 10
	// seconds); 0 sends at once, for fast boots.
	InitialDelay time.Duration

	// RapidCommit asks for the two-message exchange of RFC 4039.
	RapidCommit bool

	// IPv6OnlyPreferred asks for option 108 and honours it (RFC 8925).
	IPv6OnlyPreferred bool

	// Probe checks an acknowledged address with RFC 5227 before using
	// it (RFC 2131 section 2.2); the caller performs the probe.
	Probe bool

	// BroadcastFlag sets the broadcast bit so servers broadcast their
	// replies (RFC 2131 section 4.1), for stacks that cannot receive
	// unicast before the address is configured.
	BroadcastFlag bool

	// MaxMessageSize is sent as option 57 (RFC 2132 section 9.10) when
	// at least 576, for example 1500 minus IP and UDP headers.
	MaxMessageSize uint16
}

// defaultParams is the option 55 list used when Config.Params is nil:
// everything a Lease holds (RFC 2132, RFC 3397, RFC 3442).
var defaultParams = [...]codec.OptionCode{
	codec.OptSubnetMask, codec.OptClasslessRoute, codec.OptRouter,
	codec.OptDNSServer, codec.OptHostName, codec.OptDomainName,
	codec.OptInterfaceMTU, codec.OptBroadcastAddr, codec.OptNTPServer,
	codec.OptLeaseTime, codec.OptServerID, codec.OptRenewalTime,
	codec.OptRebindingTime, codec.OptDomainSearch,
}

// Errors returned by New.
var (
	errHWAddr   = errors.New("statemachine: hardware address must be 1 to 16 bytes")
	errClientID = errors.New("statemachine: client id must be 2 to 255 bytes")
	errOption   = errors.New("statemachine: option value too long")
	errTooLong  = errors.New("statemachine: client options too long")
	errRand     = errors.New("statemachine: nil random source")
)

// check validates c and fills its defaults.
func (c *Config) check() error {
	if len(c.HWAddr) == 0 || len(c.HWAddr) > 16 {
		return fmt.Errorf("%w: got %d", errHWAddr, len(c.HWAddr))
	}
	if c.HType == 0 {
		c.HType = 1
	}
	if len(c.ClientID) == 0 {
		c.ClientID = append([]byte{c.HType}, c.HWAddr...)
	}
	if len(c.ClientID) < 2 || len(c.ClientID) > 255 {
		return fmt.Errorf("%w: got %d", errClientID, len(c.ClientID))
	}
	if len(c.Hostname) > 255 || len(c.VendorClass) > 255 {
		return errOption
	}
	if c.Params == nil {
		c.Params = defaultParams[:]
	}
	if c.IPv6OnlyPreferred &&
		!slices.Contains(c.Params, codec.OptIPv6OnlyPreferred) {
		c.Params = append([]codec.OptionCode{codec.OptIPv6OnlyPreferred},
			c.Params...)
	}
	if len(c.Params) > 255 {
		return fmt.Errorf("%w: %d parameters", errOption, len(c.Params))
	}

	return nil
}

// Validate returns the error New would return for c: nil when c describes
// a client the machine can run.
func (c Config) Validate() error {
	_, err := New(c, rand.New(rand.NewPCG(0, 0)))

	return err
}

// checkSize returns an error when the longest message the machine can
// send for its configuration, a DHCPREQUEST with every option it may
// carry, does not fit codec.DefaultMaxLen (RFC 2131 section 2): the client
// id, host name, vendor class and parameter list must leave room.
func (m *Machine) checkSize() error {
	a := netip.AddrFrom4([4]byte{255, 255, 255, 255})
	m.header(codec.Request, netip.Addr{})
	m.params()
	_ = m.out.Options.SetAddr(codec.OptRequestedIP, a)
	_ = m.out.Options.SetAddr(codec.OptServerID, a)
	if m.cfg.RapidCommit {
		_ = m.out.Options.Set(codec.OptRapidCommit, nil)
	}

	b, err := m.out.Append(m.buf[:0], codec.MaxMessageLen)
	m.out.Reset()
	if err != nil {
		return fmt.Errorf("%w: %w", errTooLong, err)
	}
	if len(b) > codec.DefaultMaxLen {
		return fmt.Errorf("%w: they make a %d-byte DHCPREQUEST, over %d",
			errTooLong, len(b), codec.DefaultMaxLen)
	}

	return nil
}
