package codec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidNames(t *testing.T) {
	type verdict struct{ Domain, Host bool }
	label63 := strings.Repeat("x", 63)
	name253 := strings.Repeat(label63+".", 3) + label63[:61]
	tests := []struct {
		name string
		in   string
		want verdict
	}{
		{"host", "node-1", verdict{true, true}},
		{"fqdn", "a.example.com", verdict{true, true}},
		{"mixed case and digits", "EXAMPLE.Com0", verdict{true, true}},
		{"underscore", "pc_7.corp", verdict{true, false}},
		{"service label", "_msdcs.corp", verdict{true, false}},
		{"label of 63", label63, verdict{true, true}},
		{"label of 64", label63 + "x", verdict{false, false}},
		{"name of 253", name253, verdict{true, true}},
		{"name of 254", name253 + "x", verdict{false, false}},
		{"empty", "", verdict{false, false}},
		{"root", ".", verdict{false, false}},
		{"final dot", "a.", verdict{false, false}},
		{"leading dot", ".a", verdict{false, false}},
		{"empty label", "a..b", verdict{false, false}},
		{"leading hyphen", "-a", verdict{false, false}},
		{"trailing hyphen", "a-.b", verdict{false, false}},
		{"space", "a b", verdict{false, false}},
		{"newline", "a\nb", verdict{false, false}},
		{"nul", "a\x00", verdict{false, false}},
		{"shell", "$(reboot)", verdict{false, false}},
		{"semicolon", "a;b", verdict{false, false}},
		{"utf-8", "é.com", verdict{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := verdict{ValidDomainName(tt.in), ValidHostname(tt.in)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%q (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestValidNameAgreesWithAccessor checks that ValidDomainName is the
// check DomainName applies, on valid and invalid names.
func TestValidNameAgreesWithAccessor(t *testing.T) {
	for _, in := range []string{"a.b", "pc_7", "a..b", "-a", "a b", "x.y-z"} {
		var o Options
		if err := o.Set(OptDomainName, []byte(in)); err != nil {
			t.Fatal(err)
		}
		_, err := o.DomainName()
		if got := err == nil; got != ValidDomainName(in) {
			t.Errorf("%q: DomainName error %v, ValidDomainName %v",
				in, err, !got)
		}
	}
}

func TestValidNamesNoAllocs(t *testing.T) {
	s := strings.Repeat("abc-def_0.", 20) + "org"
	allocs := testing.AllocsPerRun(20, func() {
		_ = ValidDomainName(s)
		_ = ValidHostname(s)
	})
	if allocs != 0 {
		t.Errorf("%v allocs, want 0", allocs)
	}
}
