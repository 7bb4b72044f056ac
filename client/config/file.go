package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxFileLen bounds the size of a config file.
const MaxFileLen = 1 << 20

// fieldPtrs maps each YAML key to the Config field it sets.
func (c *Config) fieldPtrs() map[string]any {
	return map[string]any{
		"interface":           &c.Interface,
		"oneshot":             &c.Oneshot,
		"timeout":             &c.Timeout,
		"hostname":            &c.Hostname,
		"client_id":           &c.ClientID,
		"vendor_class":        &c.VendorClass,
		"arp_probe":           &c.ARPProbe,
		"rapid_commit":        &c.RapidCommit,
		"ipv6_only_preferred": &c.IPv6OnlyPreferred,
		"initial_delay":       &c.InitialDelay,
		"release_on_exit":     &c.ReleaseOnExit,
		"state_dir":           &c.StateDir,
		"resolv_conf":         &c.ResolvConf,
		"engine_uid":          &c.EngineUID,
		"engine_gid":          &c.EngineGID,
		"route_metric":        &c.RouteMetric,
		"apply_dns":           &c.ApplyDNS,
		"apply_routes":        &c.ApplyRoutes,
		"apply_mtu":           &c.ApplyMTU,
		"log_level":           &c.LogLevel,
	}
}

// setField decodes the scalar n into the field p points to, or returns
// why it cannot.
func setField(p any, n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return "must be a single value"
	}

	tag := n.ShortTag()
	switch p := p.(type) {
	case *string:
		if tag != "!!str" {
			return "must be a string"
		}
		*p = n.Value
	case *bool:
		if tag != "!!bool" || n.Decode(p) != nil {
			return "must be true or false"
		}
	case *uint32:
		if tag != "!!int" || n.Decode(p) != nil {
			return "must be an integer between 0 and 4294967295"
		}
	case *time.Duration:
		return setDuration(p, n)
	case *slog.Level:
		if tag != "!!str" || p.UnmarshalText([]byte(n.Value)) != nil {
			return "must be debug, info, warn or error"
		}
	}

	return ""
}

// setDuration accepts a Go duration string or whole seconds.
func setDuration(p *time.Duration, n *yaml.Node) string {
	const bad = "must be a duration such as \"30s\" or a whole number " +
		"of seconds, not negative"
	switch n.ShortTag() {
	case "!!int":
		var secs int64
		if n.Decode(&secs) != nil || secs < 0 ||
			secs > math.MaxInt64/int64(time.Second) {
			return bad
		}
		*p = time.Duration(secs) * time.Second
	case "!!str":
		d, err := time.ParseDuration(n.Value)
		if err != nil {
			return bad
		}
		*p = d
	default:
		return bad
	}

	return ""
}

// Decode lays the YAML document data over c. file names the document in
// errors. Unknown or repeated keys and values of the wrong type are
// errors; on error c may be partly updated.
func Decode(file string, data []byte, c *Config) error {
	c.file = file
	fail := func(line int, field, format string, args ...any) error {
		return &Error{File: file, Line: line, Field: field,
			Reason: fmt.Sprintf(format, args...)}
	}

	if len(data) > MaxFileLen {
		return fail(0, "", "longer than %d bytes", MaxFileLen)
	}

	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return nil
	}

	if err != nil {
		return &Error{File: file, Reason: "invalid YAML: " + err.Error(),
			Err: err}
	}

	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fail(extra.Line, "", "more than one YAML document")
	}

	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}

	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil
	}

	if root.Kind != yaml.MappingNode {
		return fail(root.Line, "", "must be a mapping of keys to values")
	}

	return decodeMapping(file, root, c, fail)
}

// decodeMapping applies each key/value pair of the top-level mapping.
func decodeMapping(file string, root *yaml.Node, c *Config,
	fail func(int, string, string, ...any) error) error {
	ptrs := c.fieldPtrs()
	seen := make(map[string]bool, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			return fail(k.Line, "", "keys must be strings")
		}

		p, ok := ptrs[k.Value]
		if !ok {
			return fail(k.Line, k.Value, "unknown field")
		}

		if seen[k.Value] {
			return fail(k.Line, k.Value, "set twice")
		}
		seen[k.Value] = true

		for v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}

		if why := setField(p, v); why != "" {
			return fail(v.Line, k.Value, "%s", why)
		}
		c.setOrigin(k.Value, origin{file: file, line: v.Line})
	}

	return nil
}

// Load lays the config file at path over c. A missing file is an error
// that wraps fs.ErrNotExist.
func Load(path string, c *Config) error {
	f, err := os.Open(path)
	if err != nil {
		return &Error{File: path, Reason: "cannot open: " + err.Error(),
			Err: err}
	}
	defer f.Close()

	data, err := io.ReadAll(io.LimitReader(f, MaxFileLen+1))
	if err != nil {
		return &Error{File: path, Reason: "cannot read: " + err.Error(),
			Err: err}
	}

	return Decode(path, data, c)
}
