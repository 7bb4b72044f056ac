//go:build !unix

package netconf

// openNoFollow is 0 where O_NOFOLLOW does not exist; Load still refuses
// anything but a regular file once it is open.
const openNoFollow = 0
