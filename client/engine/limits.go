package engine

import (
	"context"
	"log/slog"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// cut records one field of a lease changed to fit an ipc bound: a list
// shortened, or an MTU dropped.
type cut struct {
	field string
	got   int // entries the lease had; for the MTU, its value
	kept  int // entries forwarded; for the MTU, 0
}

// fitLimits shortens the lists of r to the bounds that ipc's
// ApplyLease.Validate enforces (ipc.MaxRouters, ipc.MaxDNS,
// ipc.MaxSearch, ipc.MaxRoutes), and drops an MTU below ipc.MinMTU, so
// that a server sending long lists or a tiny MTU cannot make the
// privileged side refuse every lease and restart the engine in a loop.
// It returns what it changed.
//
// Option 26 may be as small as 68 (RFC 2132 section 5.1), which the
// codec and the state machine accept; ipc refuses an MTU below 576, as
// dhcpcd does. Such a lease is applied without an MTU: the link keeps
// its own.
//
// Routers, DNS servers and search names are kept in the server's order,
// which is its order of preference (RFC 2132 sections 3.5 and 3.8,
// RFC 3397 section 2), so the first ones are kept.
//
// Classless routes (RFC 3442) are not cut to a prefix of the list: the
// routes left out could be the more specific ones, whose traffic would
// then follow a wider route through another gateway. Past ipc.MaxRoutes
// the lease is applied with no routes at all, which fails closed: only
// the leased subnet is reachable. Routers are already empty when the
// lease has classless routes (RFC 3442 section 3), so nothing falls back
// to option 3.
//
// TODO: NTP servers (option 42) are not forwarded: ipc.ApplyLease has no
// field for them.
func fitLimits(r *ipc.ApplyLease) []cut {
	var cuts []cut
	keep := func(field string, n, max int) int {
		if n <= max {
			return n
		}
		cuts = append(cuts, cut{field: field, got: n, kept: max})

		return max
	}

	r.Routers = r.Routers[:keep("Routers", len(r.Routers), ipc.MaxRouters)]
	r.DNS = r.DNS[:keep("DNS", len(r.DNS), ipc.MaxDNS)]
	r.Search = r.Search[:keep("Search", len(r.Search), ipc.MaxSearch)]
	if n := len(r.Routes); n > ipc.MaxRoutes {
		cuts = append(cuts, cut{field: "Routes", got: n, kept: 0})
		r.Routes = nil
	}

	if r.MTU != 0 && r.MTU < ipc.MinMTU {
		cuts = append(cuts, cut{field: "MTU", got: int(r.MTU), kept: 0})
		r.MTU = 0
	}

	return cuts
}

// logCuts logs one warning for each field fitLimits changed.
func (e *Engine) logCuts(cuts []cut) {
	for _, c := range cuts {
		if c.field == "MTU" {
			e.log.LogAttrs(context.Background(), slog.LevelWarn,
				"lease MTU below the privileged side's minimum; "+
					"applying the lease without it",
				slog.Int("mtu", c.got), slog.Int("min", ipc.MinMTU))

			continue
		}

		msg := "lease list over the privileged side's limit; " +
			"keeping the first entries"
		if c.field == "Routes" {
			msg = "too many classless routes; applying the lease " +
				"without routes rather than a partial table"
		}

		e.log.LogAttrs(context.Background(), slog.LevelWarn, msg,
			slog.String("field", c.field), slog.Int("got", c.got),
			slog.Int("kept", c.kept))
	}
}
