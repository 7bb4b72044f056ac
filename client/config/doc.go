// Package config reads the configuration of dhcp-client: defaults, then a
// YAML file, then command-line flags in dhcpcd's manner, each overriding
// the one before. The privileged part loads and validates it before it
// sends any packet.
//
// Parse is the entry point: it reads the flags, loads the file named by
// -f (an error when missing) or DefaultFile (skipped when missing), lays
// the flags over it and validates the result. Every problem is an *Error
// naming the file (or "command line"), the field, the line where YAML
// gives one, and the reason:
//
//	config: /etc/dhcp-client/config.yaml:3: field "timeout": must be a positive duration
//
// The YAML keys are the snake_case names listed on Config's fields.
// Unknown keys, duplicate keys and values of the wrong type are errors.
// Durations are strings such as "30s" or a whole number of seconds.
//
// Values sent in DHCP messages follow RFC 2132: a hostname is a valid
// RFC 1123 name (section 3.14), a client identifier holds 2 to 255 bytes
// (section 9.14) and a vendor class 1 to 255 bytes (section 9.13).
package config
