package engine

import (
	"context"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/safedhcp/safedhcp/client/ipc"
)

// ipcHandler is a slog.Handler that turns each record into an ipc Log
// request, since the engine has no descriptor to log to. The privileged
// side re-logs it with component=engine and applies the level filter.
type ipcHandler struct {
	send   func(ipc.Request) error
	attrs  []ipc.Attr // from WithAttrs, already flattened
	prefix string     // group prefix from WithGroup, "" or "g."
}

// NewLogger returns a logger whose records go to the privileged side as
// ipc Log requests sent with send. Messages, keys and values are cut to
// the protocol's bounds and to valid UTF-8; attributes past
// ipc.MaxLogAttrs are left out.
func NewLogger(send func(ipc.Request) error) *slog.Logger {
	return slog.New(&ipcHandler{send: send})
}

// Enabled reports true: the privileged side filters by level.
func (h *ipcHandler) Enabled(context.Context, slog.Level) bool { return true }

// Handle sends r as one Log request.
func (h *ipcHandler) Handle(_ context.Context, r slog.Record) error {
	m := &ipc.Log{
		Level: int8(max(-128, min(127, int(r.Level)))),
		Msg:   clip(r.Message, ipc.MaxLogMsgLen),
		Attrs: append([]ipc.Attr(nil), h.attrs...),
	}
	r.Attrs(func(a slog.Attr) bool {
		m.Attrs = appendAttr(m.Attrs, h.prefix, a)

		return len(m.Attrs) < ipc.MaxLogAttrs
	})

	return h.send(m)
}

// WithAttrs returns a handler that adds attrs to every record.
func (h *ipcHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = append([]ipc.Attr(nil), h.attrs...)
	for _, a := range attrs {
		h2.attrs = appendAttr(h2.attrs, h.prefix, a)
	}

	return &h2
}

// WithGroup returns a handler that prefixes later keys with name.
func (h *ipcHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}

	h2 := *h
	h2.prefix = h.prefix + name + "."

	return &h2
}

// appendAttr appends a, flattening groups, while there is room.
func appendAttr(dst []ipc.Attr, prefix string, a slog.Attr) []ipc.Attr {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}

		for _, g := range v.Group() {
			dst = appendAttr(dst, p, g)
		}

		return dst
	}

	if a.Key == "" || len(dst) >= ipc.MaxLogAttrs {
		return dst
	}

	return append(dst, ipc.Attr{
		Key:   clip(prefix+a.Key, ipc.MaxLogKeyLen),
		Value: clip(v.String(), ipc.MaxLogValueLen),
	})
}

// clip returns s as valid UTF-8 of at most n bytes, cut at a rune
// boundary.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}

	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}

	return s[:n]
}
