package codec

// refDecode is a deliberately simple, allocating re-statement of Decode's
// option rules, used by FuzzDecode as an oracle: the options field, then
// file and sname as option 52 selects, instances of a code concatenated,
// option 52 outside the options field skipped. It reports ok=false where
// Decode must fail.
func refDecode(b []byte) (vals map[OptionCode][]byte, order []OptionCode, ok bool) {
	if len(b) < MinLen || len(b) > MaxMessageLen {
		return nil, nil, false
	}
	if b[236] != 99 || b[237] != 130 || b[238] != 83 || b[239] != 99 {
		return nil, nil, false
	}

	vals = map[OptionCode][]byte{}
	regions := [][]byte{b[240:]}
	for r := 0; r < len(regions); r++ {
		p := regions[r]
		for len(p) > 0 && p[0] != 255 {
			if p[0] == 0 {
				p = p[1:]
				continue
			}
			if len(p) < 2 || int(p[1]) > len(p)-2 {
				return nil, nil, false
			}
			c, v := OptionCode(p[0]), p[2:2+int(p[1])]
			p = p[2+len(v):]
			if r > 0 && c == 52 {
				continue
			}
			if _, seen := vals[c]; !seen {
				order = append(order, c)
				vals[c] = []byte{}
			}
			vals[c] = append(vals[c], v...)
		}

		if r > 0 {
			continue
		}
		ov, has := vals[52]
		if !has {
			break
		}
		if len(ov) != 1 || ov[0] < 1 || ov[0] > 3 {
			return nil, nil, false
		}
		if ov[0]&1 != 0 {
			regions = append(regions, b[108:236])
		}
		if ov[0]&2 != 0 {
			regions = append(regions, b[44:108])
		}
	}

	return vals, order, true
}
