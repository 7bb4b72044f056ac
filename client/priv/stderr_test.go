package priv

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// textLogger returns a logger writing text records without their time
// to buf.
func textLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}

			return a
		},
	}))
}

func TestStderrRelay(t *testing.T) {
	const rec = `level=ERROR msg="engine stderr" component=engine-stderr ` +
		`pid=7 line=`
	long := strings.Repeat("a", maxStderrLine)
	tests := []struct {
		name  string
		in    string
		burst float64 // 0 for logBurst
		want  []string
	}{
		{
			name: "lines",
			in:   "panic: boom\n\ngoroutine 1 [running]:\n",
			want: []string{rec + `"panic: boom"`,
				rec + `"goroutine 1 [running]:"`},
		},
		{
			name: "no final newline",
			in:   "engine: cut",
			want: []string{rec + `"engine: cut"`},
		},
		{
			name: "longest line",
			in:   long + "\n",
			want: []string{rec + long},
		},
		{
			name: "too long",
			in:   long + "bbb\nnext\n",
			want: []string{rec + long + " truncated=true", rec + "next"},
		},
		{
			name: "escaped",
			in: "\x1b[31mred\x00\r\n" +
				"level=INFO msg=forged\n\xff\xfe\n",
			want: []string{rec + `"\x1b[31mred\x00\r"`,
				rec + `"level=INFO msg=forged"`, rec + `"\xff\xfe"`},
		},
		{
			name:  "rate limited",
			in:    "1\n2\n3\n4\n5\n",
			burst: 3,
			want: []string{rec + "1", rec + "2", rec + "3",
				`level=WARN msg="engine stderr lines dropped by the ` +
					`rate limit" component=engine-stderr pid=7 dropped=2`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			r := newStderrRelay(textLogger(&buf))
			if tt.burst > 0 {
				r.bucket = tokenBucket{burst: tt.burst}
			}
			r.relay(strings.NewReader(tt.in), 7)

			got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			for _, c := range buf.String() {
				if c != '\n' && (c < ' ' || c == 0x7f) {
					t.Errorf("raw control byte %#x in the log", c)
				}
			}
		})
	}
}
