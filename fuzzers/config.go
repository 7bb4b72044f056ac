package fuzzers

import (
	"errors"
	"strings"

	"github.com/safedhcp/safedhcp/client/config"
)

// FuzzConfig decodes data as the client's YAML configuration file over
// the defaults (config.Decode) and validates the result, as dhcp-client
// does at start-up. Every error must be a *config.Error whose message
// starts with the package name and names the file; a configuration that
// validates must yield a client identifier for option 61 (RFC 2132
// section 9.14) that fits an option.
//
// TODO: fuzz the flags too; config.Parse reads the files its arguments
// name, so it needs a way to take the file system from the caller.
func FuzzConfig(data []byte) int {
	c := config.Default()
	err := config.Decode("fuzz.yaml", data, &c)
	checkConfigErr(err)
	if err != nil {
		return 0
	}

	err = c.Validate()
	checkConfigErr(err)
	if err != nil {
		return 0
	}
	if id := c.ClientIDBytes(); len(id) > 255 {
		bug("client identifier of %d bytes", len(id))
	}

	return 1
}

// checkConfigErr panics unless err is nil or a *config.Error that says
// where the problem is.
func checkConfigErr(err error) {
	if err == nil {
		return
	}

	var ce *config.Error
	if !errors.As(err, &ce) {
		bug("config error %T is not a *config.Error: %v", err, err)
	}
	if !strings.HasPrefix(err.Error(), "config: ") || ce.File == "" {
		bug("config error %q does not say where", err)
	}
}
