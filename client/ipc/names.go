package ipc

// TODO: share the codec's name check once it exports one; two copies of
// the RFC 1123 rules can drift apart.

// ValidName reports whether s is a DNS name made of RFC 1123 section 2.1
// labels: letters, digits and inner hyphens, 1 to 63 characters each,
// separated by single dots, at most MaxNameLen characters, without the
// root's trailing dot. It rules out spaces, newlines and every other
// byte that could break a resolv.conf line.
func ValidName(s string) bool {
	if len(s) == 0 || len(s) > MaxNameLen {
		return false
	}

	label := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if label == 0 || s[i-1] == '-' {
				return false
			}
			label = 0
		case c == '-':
			if label == 0 {
				return false
			}
			label++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			label++
		default:
			return false
		}

		if label > 63 {
			return false
		}
	}

	return label > 0 && s[len(s)-1] != '-'
}
