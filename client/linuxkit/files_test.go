package linuxkit

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// These tests hold the Dockerfile, build.yml, README.md and example.yml
// to label.json and to the constants of label.go.

// readFile returns the text of a file in this directory.
func readFile(t *testing.T, name string) string {
	t.Helper()

	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}

	return string(b)
}

// asJSONValue decodes b, JSON or YAML, into plain JSON values so that
// two encodings of the same document compare equal.
func asJSONValue(t *testing.T, b []byte) any {
	t.Helper()

	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encoding: %v", err)
	}
	var out any
	if err := json.Unmarshal(j, &out); err != nil {
		t.Fatal(err)
	}

	return out
}

// dockerInstructions returns the Dockerfile's instructions, comments
// dropped and continuation lines joined, keyed by upper-case keyword.
func dockerInstructions(t *testing.T) map[string][]string {
	t.Helper()

	text := readFile(t, "Dockerfile")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		}
	}
	joined := strings.ReplaceAll(strings.Join(lines, "\n"), "\\\n", "")

	ins := map[string][]string{}
	for _, l := range strings.Split(joined, "\n") {
		kw, rest, ok := strings.Cut(strings.TrimSpace(l), " ")
		if ok {
			kw = strings.ToUpper(kw)
			ins[kw] = append(ins[kw], strings.TrimSpace(rest))
		}
	}

	return ins
}

func TestDockerfile(t *testing.T) {
	ins := dockerInstructions(t)

	from := ins["FROM"]
	if len(from) < 2 || from[len(from)-1] != "scratch" {
		t.Errorf("FROM lines %q: want a multi-stage build ending FROM "+
			"scratch", from)
	}

	for kw, want := range map[string][]string{
		"ENTRYPOINT": Entrypoint(),
		"CMD":        Cmd(),
	} {
		if len(ins[kw]) != 1 {
			t.Fatalf("want one %s, have %q", kw, ins[kw])
		}
		var got []string
		if err := json.Unmarshal([]byte(ins[kw][0]), &got); err != nil {
			t.Fatalf("%s %s: %v", kw, ins[kw][0], err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", kw, diff)
		}
	}

	if len(ins["LABEL"]) != 1 {
		t.Fatalf("want one LABEL, have %q", ins["LABEL"])
	}
	key, val, _ := strings.Cut(ins["LABEL"][0], "=")
	if key != LabelKey {
		t.Errorf("LABEL key %q, want %q", key, LabelKey)
	}
	val = strings.Trim(val, "'")
	if diff := cmp.Diff(asJSONValue(t, labelJSON),
		asJSONValue(t, []byte(val))); diff != "" {
		t.Errorf("Dockerfile label differs from label.json "+
			"(-label.json +Dockerfile):\n%s", diff)
	}

	run := strings.Join(ins["RUN"], " ")
	for _, want := range []string{"-o /out" + BinaryPath,
		"/out" + ConfigDir, "/out" + StateDir, "./client/cmd/dhcp-client"} {
		if !strings.Contains(run, want) {
			t.Errorf("RUN lines do not mention %q:\n%s", want, run)
		}
	}
	if !slices.Contains(ins["ENV"], "CGO_ENABLED=0 GOFLAGS=-trimpath") {
		t.Errorf("ENV %q: want a static (CGO_ENABLED=0) build", ins["ENV"])
	}
}

// buildYML is the part of build.yml the tests read.
type buildYML struct {
	Image        string    `yaml:"image"`
	Org          string    `yaml:"org"`
	ExtraSources []string  `yaml:"extra-sources"`
	Config       yaml.Node `yaml:"config"`
}

func readBuildYML(t *testing.T) buildYML {
	t.Helper()

	var b buildYML
	if err := yaml.Unmarshal([]byte(readFile(t, "build.yml")), &b); err != nil {
		t.Fatalf("build.yml: %v", err)
	}

	return b
}

func TestBuildYML(t *testing.T) {
	b := readBuildYML(t)

	cfg, err := yaml.Marshal(&b.Config)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(asJSONValue(t, labelJSON),
		asJSONValue(t, cfg)); diff != "" {
		t.Errorf("build.yml config differs from label.json "+
			"(-label.json +build.yml):\n%s", diff)
	}

	// The Dockerfile copies src/ and builds the module from it.
	if diff := cmp.Diff([]string{"../..:src"}, b.ExtraSources); diff != "" {
		t.Errorf("extra-sources (-want +got):\n%s", diff)
	}
	if _, err := os.Stat("../../go.mod"); err != nil {
		t.Errorf("extra source ../.. is not the module root: %v", err)
	}
}

// tableRows returns the first cells of the README's table rows whose
// first cell is code, unquoted.
func tableRows(t *testing.T, readme string) []string {
	t.Helper()

	var cells []string
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\|")
	for _, m := range row.FindAllStringSubmatch(readme, -1) {
		cells = append(cells, m[1])
	}

	return cells
}

func TestReadme(t *testing.T) {
	readme := readFile(t, "README.md")
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}

	var caps, binds []string
	for _, cell := range tableRows(t, readme) {
		switch {
		case strings.HasPrefix(cell, "CAP_"):
			caps = append(caps, cell)
		case strings.HasPrefix(cell, "/"):
			binds = append(binds, cell)
		}
	}
	if diff := cmp.Diff(c.Capabilities, caps); diff != "" {
		t.Errorf("README capability table (-label.json +README):\n%s", diff)
	}
	if diff := cmp.Diff(c.Binds, binds); diff != "" {
		t.Errorf("README bind table (-label.json +README):\n%s", diff)
	}

	cmd, err := json.Marshal(OneshotCommand())
	if err != nil {
		t.Fatal(err)
	}
	want := "+    command: " + strings.ReplaceAll(string(cmd), ",", ", ")
	if !strings.Contains(readme, want+"\n") {
		t.Errorf("README onboot swap lacks %q", want)
	}

	img := exampleImage(t)
	if !strings.Contains(readme, "+    image: "+img+"\n") {
		t.Errorf("README swap does not use the example's image %q", img)
	}
}
