// Package linuxkit packages dhcp-client as a LinuxKit image: a drop-in
// replacement for linuxkit/dhcpcd in the onboot and services sections of
// a LinuxKit YAML file.
//
// The image holds the static binary and three empty directories, nothing
// else. What LinuxKit needs to run it (binds, capabilities, namespaces)
// travels in the org.mobyproject.config label, whose value is the file
// label.json beside this package. That file is the one source of truth:
// the Dockerfile, build.yml, the README and the example YAML are checked
// against it by this package's tests, and Image embeds it.
//
// The client itself implements RFC 2131; this package only decides where
// the binary lives, which paths it is given and which privileges it keeps.
// Image builds the image without a Docker daemon, and WriteOCI and
// WriteDocker store it as a tar file; cmd mkimage is the command-line
// front end used by `make image`.
package linuxkit
