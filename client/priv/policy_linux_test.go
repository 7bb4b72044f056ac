package priv

import (
	"io"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPolicyPayloadFollowsMTU(t *testing.T) {
	tests := []struct {
		name    string
		linkMTU int
		leases  []uint16 // MTUs of the leases applied in turn
		want    int
	}{
		{"link only", 1500, nil, 1472},
		{"lease without MTU", 1500, []uint16{0}, 1472},
		{"lease lowers it", 1500, []uint16{1400}, 1372},
		{"smallest stays", 1500, []uint16{1400, 9000}, 1372},
		{"link smaller than lease", 1400, []uint16{1500}, 1372},
		{"tiny MTU bounded by 576", 1500, []uint16{300}, 548},
		{"no link MTU", 0, nil, 548},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link := testLink
			link.MTU = tt.linkMTU
			s := NewSupervisor(Options{}, Deps{Link: link,
				Network: newRecorder()},
				slog.New(slog.NewTextHandler(io.Discard, nil)))
			for _, mtu := range tt.leases {
				l := goodLease()
				l.MTU = mtu
				s.apply(t.Context(), l)
			}

			if diff := cmp.Diff(tt.want, s.policy().MaxPayload); diff != "" {
				t.Errorf("MaxPayload (-want +got):\n%s", diff)
			}
		})
	}
}
