// Command mkimage builds the dhcp-client LinuxKit image from a static
// binary without a Docker daemon, and writes it as a tar file:
//
//	mkimage -binary bin/dhcp-client -out out/dhcp-client-image.tar
//
// The image has the entrypoint, default command and
// org.mobyproject.config label of client/linuxkit/Dockerfile (see package
// github.com/safedhcp/safedhcp/client/linuxkit). With -format oci (the
// default) the file is an OCI image layout archive; with -format docker
// it is what `docker save` writes, for `docker load`.
//
// The image is reproducible: file times and the creation time are the
// Unix epoch, or SOURCE_DATE_EPOCH when that is set, so the same binary
// always gives the same digest.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/safedhcp/safedhcp/client/linuxkit"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

// run parses args, builds the image and writes it.
func run(args []string) error {
	fs := flag.NewFlagSet("mkimage", flag.ContinueOnError)
	binary := fs.String("binary", "bin/dhcp-client", "static dhcp-client binary")
	out := fs.String("out", "out/dhcp-client-image.tar", "output tar file")
	format := fs.String("format", "oci", "archive format: oci or docker")
	tag := fs.String("tag", "safedhcp/dhcp-client:dev", "image name and tag")
	arch := fs.String("arch", "", "GOARCH of the binary (default: this machine's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	created, err := sourceDate()
	if err != nil {
		return err
	}

	bin, err := os.ReadFile(*binary)
	if err != nil {
		return err
	}
	img, err := linuxkit.Image(bin, linuxkit.ImageOptions{
		Arch: *arch, Created: created,
	})
	if err != nil {
		return err
	}

	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	switch *format {
	case "oci":
		err = linuxkit.WriteOCI(*out, *tag, img)
	case "docker":
		err = linuxkit.WriteDocker(*out, *tag, img)
	default:
		return fmt.Errorf("unknown format %q (want oci or docker)", *format)
	}
	if err != nil {
		return err
	}

	return report(*out, img)
}

// sourceDate returns the time SOURCE_DATE_EPOCH names, or the zero time.
func sourceDate() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Time{}, nil
	}

	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, fmt.Errorf("bad SOURCE_DATE_EPOCH %q", s)
	}

	return time.Unix(sec, 0).UTC(), nil
}

// report prints what was written: the file, its size and the digest.
func report(out string, img v1.Image) error {
	d, err := img.Digest()
	if err != nil {
		return err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}

	fmt.Printf("%s: %s, %d bytes\n", out, d, fi.Size())

	return nil
}
