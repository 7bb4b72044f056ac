package bench

import (
	"encoding/binary"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/krolaw/dhcp4"
	"github.com/safedhcp/safedhcp/codec"
)

// The DHCPREQUEST (SELECTING, RFC 2131 section 4.3.2) every encoder
// builds: header, options 53, 50, 54 and 55.
var (
	reqXID    uint32 = 0x5afe0001
	reqMAC           = net.HardwareAddr{0x02, 0, 0x5e, 0x10, 0, 1}
	reqIP            = netip.MustParseAddr("10.77.1.150")
	reqServer        = netip.MustParseAddr("10.77.1.1")
	reqParams        = []byte{1, 3, 6, 15, 26, 28, 51, 54, 58, 59, 119, 121}
)

// encoders build the request from scratch on every call, appending to or
// returning a buffer as each API allows.
func encoders() []struct {
	name   string
	encode func(dst []byte) ([]byte, error)
} {
	var m codec.Message
	sb := gopacket.NewSerializeBuffer()
	var d layers.DHCPv4
	ip, srv := reqIP.As4(), reqServer.As4()

	return []struct {
		name   string
		encode func(dst []byte) ([]byte, error)
	}{
		{"safedhcp", func(dst []byte) ([]byte, error) {
			m.Reset()
			m.Op, m.HType, m.HLen, m.XID = codec.BootRequest, 1, 6, reqXID
			copy(m.CHAddr[:], reqMAC)
			o := &m.Options
			if err := o.SetMessageType(codec.Request); err != nil {
				return nil, err
			}
			if err := o.SetAddr(codec.OptRequestedIP, reqIP); err != nil {
				return nil, err
			}
			if err := o.SetAddr(codec.OptServerID, reqServer); err != nil {
				return nil, err
			}
			if err := o.Set(codec.OptParamRequest, reqParams); err != nil {
				return nil, err
			}

			return m.Append(dst[:0], 0)
		}},
		{"gopacket", func([]byte) ([]byte, error) {
			d = layers.DHCPv4{
				Operation: layers.DHCPOpRequest, HardwareType: 1,
				Xid: reqXID, ClientHWAddr: reqMAC,
				Options: append(d.Options[:0],
					layers.NewDHCPOption(layers.DHCPOptMessageType,
						[]byte{byte(layers.DHCPMsgTypeRequest)}),
					layers.NewDHCPOption(layers.DHCPOptRequestIP, ip[:]),
					layers.NewDHCPOption(layers.DHCPOptServerID, srv[:]),
					layers.NewDHCPOption(layers.DHCPOptParamsRequest,
						reqParams)),
			}
			if err := sb.Clear(); err != nil {
				return nil, err
			}
			err := d.SerializeTo(sb,
				gopacket.SerializeOptions{FixLengths: true})

			return sb.Bytes(), err
		}},
		{"insomniacslk", func([]byte) ([]byte, error) {
			p := &dhcpv4.DHCPv4{
				OpCode: dhcpv4.OpcodeBootRequest, HWType: 1,
				ClientHWAddr: reqMAC, ClientIPAddr: net.IPv4zero,
				YourIPAddr: net.IPv4zero, ServerIPAddr: net.IPv4zero,
				GatewayIPAddr: net.IPv4zero, Options: dhcpv4.Options{},
			}
			binary.BigEndian.PutUint32(p.TransactionID[:], reqXID)
			p.UpdateOption(dhcpv4.OptMessageType(dhcpv4.MessageTypeRequest))
			p.UpdateOption(dhcpv4.OptRequestedIPAddress(ip[:]))
			p.UpdateOption(dhcpv4.OptServerIdentifier(srv[:]))
			codes := make([]dhcpv4.OptionCode, len(reqParams))
			for i, c := range reqParams {
				codes[i] = dhcpv4.GenericOptionCode(c)
			}
			p.UpdateOption(dhcpv4.OptParameterRequestList(codes...))

			return p.ToBytes(), nil
		}},
		{"krolaw", func([]byte) ([]byte, error) {
			xid := binary.BigEndian.AppendUint32(nil, reqXID)
			p := dhcp4.RequestPacket(dhcp4.Request, reqMAC, nil, xid, false,
				[]dhcp4.Option{
					{Code: dhcp4.OptionRequestedIPAddress, Value: ip[:]},
					{Code: dhcp4.OptionServerIdentifier, Value: srv[:]},
					{Code: dhcp4.OptionParameterRequestList,
						Value: reqParams},
				})

			return p, nil
		}},
	}
}

// request is what the tests read back from every encoder's output.
type request struct {
	XID      uint32
	MAC      string
	Type     codec.MessageType
	Req, Srv netip.Addr
	Params   []byte
}

func TestEncodersAgree(t *testing.T) {
	want := request{reqXID, reqMAC.String(), codec.Request, reqIP,
		reqServer, reqParams}
	addrCmp := cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

	for _, e := range encoders() {
		t.Run(e.name, func(t *testing.T) {
			b, err := e.encode(make([]byte, 0, codec.DefaultMaxLen))
			if err != nil {
				t.Fatal(err)
			}

			var m codec.Message
			if err := m.Decode(b); err != nil {
				t.Fatalf("safedhcp cannot decode %s's request: %v",
					e.name, err)
			}
			var got request
			var errs [4]error
			got.XID, got.MAC = m.XID, net.HardwareAddr(m.HWAddr()).String()
			got.Type, errs[0] = m.Options.MessageType()
			got.Req, errs[1] = m.Options.RequestedIP()
			got.Srv, errs[2] = m.Options.ServerID()
			got.Params, errs[3] = m.Options.ParamRequestList()
			for _, err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			if diff := cmp.Diff(want, got, addrCmp); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkEncodeRequest(b *testing.B) {
	for _, e := range encoders() {
		b.Run(e.name, func(b *testing.B) {
			buf := make([]byte, 0, codec.DefaultMaxLen)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.encode(buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
