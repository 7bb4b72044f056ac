package linuxkit

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/safedhcp/safedhcp/client/config"
	"go.yaml.in/yaml/v3"
)

// example is the part of a LinuxKit YAML file the tests read. Entries
// are kept as maps so that any key an entry sets can be seen.
type example struct {
	Onboot   []map[string]any `yaml:"onboot"`
	Services []map[string]any `yaml:"services"`
	Files    []struct {
		Path     string `yaml:"path"`
		Contents string `yaml:"contents"`
	} `yaml:"files"`
}

// ours returns the entries of section that run our image.
func ours(t *testing.T, section []map[string]any) []map[string]any {
	t.Helper()

	b := readBuildYML(t)
	prefix := b.Org + "/" + b.Image + ":"
	var out []map[string]any
	for _, e := range section {
		if img, _ := e["image"].(string); strings.HasPrefix(img, prefix) {
			out = append(out, e)
		}
	}

	return out
}

func readExample(t *testing.T) example {
	t.Helper()

	var e example
	if err := yaml.Unmarshal([]byte(readFile(t, "example.yml")), &e); err != nil {
		t.Fatalf("example.yml: %v", err)
	}

	return e
}

// exampleImage returns the image reference example.yml runs.
func exampleImage(t *testing.T) string {
	t.Helper()

	on := ours(t, readExample(t).Onboot)
	if len(on) == 0 {
		t.Fatal("example.yml has no onboot entry for our image")
	}

	return on[0]["image"].(string)
}

// command returns an entry's command, or nil if it has none.
func command(e map[string]any) []string {
	raw, ok := e["command"].([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, a := range raw {
		out = append(out, fmt.Sprint(a))
	}

	return out
}

// keys returns the sorted keys of e.
func keys(e map[string]any) []string {
	var k []string
	for key := range e {
		k = append(k, key)
	}
	slices.Sort(k)

	return k
}

func TestExample(t *testing.T) {
	e := readExample(t)

	on, svc := ours(t, e.Onboot), ours(t, e.Services)
	if len(on) != 1 || len(svc) != 1 {
		t.Fatalf("example.yml runs our image %d times in onboot and %d in "+
			"services, want once each", len(on), len(svc))
	}

	t.Run("onboot takes one lease", func(t *testing.T) {
		if diff := cmp.Diff(OneshotCommand(), command(on[0])); diff != "" {
			t.Errorf("onboot command (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"command", "image", "name"},
			keys(on[0])); diff != "" {
			t.Errorf("onboot entry must leave the rest to the label "+
				"(-want +got):\n%s", diff)
		}
	})

	t.Run("service uses the default command", func(t *testing.T) {
		if diff := cmp.Diff([]string{"image", "name"},
			keys(svc[0])); diff != "" {
			t.Errorf("service entry must leave the rest to the image "+
				"(-want +got):\n%s", diff)
		}
		if slices.Contains(Cmd(), OneshotFlag) {
			t.Errorf("default Cmd %q is oneshot, want daemon mode", Cmd())
		}
	})

	t.Run("same image", func(t *testing.T) {
		if on[0]["image"] != svc[0]["image"] {
			t.Errorf("onboot image %v, service image %v", on[0]["image"],
				svc[0]["image"])
		}
	})

	t.Run("no dhcpcd", func(t *testing.T) {
		seen := map[string]bool{}
		for _, x := range append(e.Onboot, e.Services...) {
			img, _ := x["image"].(string)
			if strings.Contains(img, "dhcpcd") {
				t.Errorf("example still runs %s", img)
			}
			name, _ := x["name"].(string)
			if seen[name] {
				t.Errorf("name %q used twice", name)
			}
			seen[name] = true
		}
	})
}

// TestExampleFiles checks that the example's client configuration lands
// on the host side of the configuration bind, at the file the client
// reads by default, and that the client accepts it.
func TestExampleFiles(t *testing.T) {
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	var hostConfigDir string
	for _, s := range c.Binds {
		if b, _ := ParseBind(s); b.Dest == ConfigDir {
			hostConfigDir = b.Source
		}
	}

	want := path.Join(ConfigDir, path.Base(config.DefaultFile))
	if want != config.DefaultFile {
		t.Fatalf("config.DefaultFile %s is not in %s", config.DefaultFile,
			ConfigDir)
	}

	var found bool
	for _, f := range readExample(t).Files {
		host := "/" + f.Path
		if !strings.HasPrefix(host, hostConfigDir+"/") {
			continue
		}
		found = true

		rel := strings.TrimPrefix(host, hostConfigDir)
		if got := path.Join(ConfigDir, rel); got != config.DefaultFile {
			t.Errorf("%s is %s in the container, not the default %s",
				f.Path, got, config.DefaultFile)
		}

		p := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(p, []byte(f.Contents), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"-f", p, OneshotFlag, DefaultInterface}
		if _, err := config.Parse(args); err != nil {
			t.Errorf("client rejects the example's %s: %v", f.Path, err)
		}
	}
	if !found {
		t.Errorf("example.yml has no file under %s", hostConfigDir)
	}
}
