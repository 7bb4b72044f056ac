package statemachine

import (
	"strconv"
	"strings"
	"time"

	"github.com/safedhcp/safedhcp/codec"
)

// Format returns a one-line description of a, with times as offsets from
// base, for transcripts, golden files and debug logs. A Send is described
// by decoding its payload.
func (a *Action) Format(base time.Time) string {
	var b strings.Builder
	b.WriteString(a.Kind.String())
	switch a.Kind {
	case ActSend:
		formatSend(&b, a)
	case ActArmTimer:
		b.WriteString(" " + a.Timer.String() + " +" + a.At.Sub(base).String())
	case ActCancelTimer:
		b.WriteString(" " + a.Timer.String())
	case ActApply, ActRemove:
		if a.Lease != nil {
			formatLease(&b, a.Lease, base)
		}
	case ActPersist:
		b.WriteString(" " + strconv.Itoa(len(a.Data)) + " bytes")
	case ActProbe:
		b.WriteString(" " + a.Addr.String())
	case ActLog:
		b.WriteString(" " + a.Level.String() + " " + strconv.Quote(a.Msg))
		if a.Reason != ReasonNone {
			b.WriteString(" reason=" + strconv.Quote(a.Reason.String()))
		}
		if a.From != a.To {
			b.WriteString(" " + a.From.String() + "->" + a.To.String())
		}
	}

	return b.String()
}

// formatSend describes a Send action from its decoded payload.
func formatSend(b *strings.Builder, a *Action) {
	var msg codec.Message
	if err := msg.Decode(a.Payload); err != nil {
		b.WriteString(" undecodable: " + err.Error())

		return
	}
	t, _ := msg.Options.MessageType()
	b.WriteString(" " + strings.ToUpper(t.String()))
	if a.Broadcast {
		b.WriteString(" broadcast")
	} else {
		b.WriteString(" to " + a.Dst.String() + " from " + a.Src.String())
	}
	b.WriteString(" secs=" + strconv.Itoa(int(msg.Secs)))
	if !msg.CIAddr.IsUnspecified() {
		b.WriteString(" ciaddr=" + msg.CIAddr.String())
	}
	if ip, err := msg.Options.RequestedIP(); err == nil {
		b.WriteString(" req=" + ip.String())
	}
	if id, err := msg.Options.ServerID(); err == nil {
		b.WriteString(" sid=" + id.String())
	}
	if msg.Options.Has(codec.OptRapidCommit) {
		b.WriteString(" rapid")
	}
}

// formatLease describes the essentials of a lease.
func formatLease(b *strings.Builder, l *Lease, base time.Time) {
	b.WriteString(" " + l.Addr.String() + " sid=" + l.ServerID.String())
	b.WriteString(" acquired=+" + l.Acquired.Sub(base).String())
	if l.LeaseTime == Infinite {
		b.WriteString(" lease=infinite")
	} else {
		b.WriteString(" lease=" + l.LeaseTime.String() + " t1=" +
			l.T1.String() + " t2=" + l.T2.String())
	}
	for _, r := range l.Routers {
		b.WriteString(" router=" + r.String())
	}
	for _, r := range l.Routes {
		b.WriteString(" route=" + r.Dest.String() + "@" + r.Gateway.String())
	}
	for _, d := range l.DNS {
		b.WriteString(" dns=" + d.String())
	}
}
