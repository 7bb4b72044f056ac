package engine

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/safedhcp/safedhcp/client/ipc"
)

func TestLogger(t *testing.T) {
	long := strings.Repeat("é", ipc.MaxLogMsgLen) // 2 bytes a rune
	tests := []struct {
		name string
		log  func(*slog.Logger)
		want *ipc.Log
	}{
		{
			name: "message and attributes",
			log: func(l *slog.Logger) {
				l.Info("state", "from", "INIT", "xid", 7)
			},
			want: &ipc.Log{Msg: "state", Attrs: []ipc.Attr{
				{Key: "from", Value: "INIT"}, {Key: "xid", Value: "7"},
			}},
		},
		{
			name: "groups and WithAttrs flatten",
			log: func(l *slog.Logger) {
				l.With("if", "eth0").WithGroup("pkt").Debug("drop",
					slog.Group("ip", "src", "10.0.0.1"))
			},
			want: &ipc.Log{Level: -4, Msg: "drop", Attrs: []ipc.Attr{
				{Key: "if", Value: "eth0"},
				{Key: "pkt.ip.src", Value: "10.0.0.1"},
			}},
		},
		{
			name: "long text is clipped to valid UTF-8",
			log: func(l *slog.Logger) {
				l.Warn(long, "k", "bad\xffbyte")
			},
			want: &ipc.Log{Level: 4,
				Msg: long[:ipc.MaxLogMsgLen],
				Attrs: []ipc.Attr{
					{Key: "k", Value: "bad\uFFFDbyte"},
				}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []ipc.Request
			l := NewLogger(func(r ipc.Request) error {
				got = append(got, r)

				return nil
			})
			tt.log(l)
			want := []ipc.Request{tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}

			// Whatever the handler produces must encode.
			for _, r := range got {
				if _, err := ipc.Append(nil, r); err != nil {
					t.Errorf("ipc.Append: %v", err)
				}
			}
		})
	}
}

func TestLoggerAttrBound(t *testing.T) {
	var got *ipc.Log
	l := NewLogger(func(r ipc.Request) error {
		got = r.(*ipc.Log)

		return nil
	})
	var args []any
	for range 3 * ipc.MaxLogAttrs {
		args = append(args, "k", "v")
	}

	l.Info("many", args...)
	if len(got.Attrs) != ipc.MaxLogAttrs {
		t.Errorf("got %d attrs, want %d", len(got.Attrs), ipc.MaxLogAttrs)
	}
}
