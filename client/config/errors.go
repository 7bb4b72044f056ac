package config

import (
	"fmt"
	"strconv"
)

// CommandLine is the File of an *Error about a flag or argument.
const CommandLine = "command line"

// Error reports a configuration problem: the file it is in (or
// CommandLine), the line when known (else 0), the field and the reason.
// Err holds an underlying cause such as an I/O error, if any.
type Error struct {
	File   string
	Line   int
	Field  string
	Reason string
	Err    error
}

// Error returns a message like
// `config: /etc/dhcp-client/config.yaml:3: field "timeout": must be a
// positive duration`.
func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}

	if e.Field == "" {
		return fmt.Sprintf("config: %s: %s", where, e.Reason)
	}

	return fmt.Sprintf("config: %s: field %q: %s", where, e.Field, e.Reason)
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }
