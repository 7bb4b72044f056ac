package statemachine

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"

	"github.com/safedhcp/safedhcp/codec"
)

// checkAck re-applies, independently of the machine, the acceptance rules
// a DHCPACK for addr must pass (RFC 2131 section 4.4.1, RFC 6842).
func (c *Checker) checkAck(ack *codec.Message, addr netip.Addr) error {
	if ack == nil {
		return errors.New("lease used without a DHCPACK")
	}
	t, err := ack.Options.MessageType()
	switch {
	case err != nil || t != codec.Ack:
		return fmt.Errorf("lease used after %v", t)
	case ack.Op != codec.BootReply:
		return errors.New("lease from a request")
	case ack.XID != c.xid:
		return fmt.Errorf("xid %#x, sent %#x", ack.XID, c.xid)
	case int(ack.HLen) != len(c.cfg.HWAddr) ||
		!bytes.Equal(ack.HWAddr(), c.cfg.HWAddr):
		return errors.New("chaddr mismatch")
	case ack.YIAddr != addr:
		return fmt.Errorf("yiaddr %v, lease %v", ack.YIAddr, addr)
	}
	if id, ok := ack.Options.Get(codec.OptClientID); ok &&
		!bytes.Equal(id, c.cfg.ClientID) {
		return errors.New("client id mismatch")
	}
	if _, err := ack.Options.ServerID(); err != nil {
		return fmt.Errorf("no server id: %w", err)
	}
	if _, err := ack.Options.LeaseTime(); err != nil {
		return fmt.Errorf("no lease time: %w", err)
	}
	if _, r := leaseAddr(ack); r != ReasonNone {
		return fmt.Errorf("yiaddr %v: %v", ack.YIAddr, r)
	}

	return nil
}
