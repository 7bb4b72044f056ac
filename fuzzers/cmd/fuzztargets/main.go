// Command fuzztargets lists the fuzz targets of package fuzzers, one per
// line: the target name (the corpus directory and binary name) and the
// go-fuzz style function, for the build scripts.
//
//	$ go run ./fuzzers/cmd/fuzztargets
//	codec-decode FuzzCodecDecode
//	...
package main

import (
	"fmt"

	"github.com/safedhcp/safedhcp/fuzzers"
)

func main() {
	for _, t := range fuzzers.Targets() {
		fmt.Println(t.Name, t.Func)
	}
}
