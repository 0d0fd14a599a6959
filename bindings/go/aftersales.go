// Package aftersales runs the rules of e-commerce after-sales service (SLA calendars and
// clocks, routing, refunds, KPIs, staffing) through the C ABI of the aftersales library
// (capi/aftersales.h), which it links with cgo (-laftersales).
//
// Documents go in and come out as JSON, byte for byte the JSON of the C ABI (docs/c-api.md):
// unmarshal the results with encoding/json into the structs your service needs. Instants are
// time.Time (the library keeps milliseconds, 1970-2200), durations time.Duration.
//
// Errors are values: every failed call returns an *Error with the status and the message of
// that call, and errors.Is(err, aftersales.ErrNotFound) tests the status. Handles (Policy,
// Calendar, Router) are released by Close, or by a finalizer if forgotten; Close must not
// overlap another call on the same handle. Policy and Calendar are immutable and Router is
// internally synchronised, so each may be shared by any number of goroutines.
//
// Build: the C header and library must be found by cgo, for example
//
//	CGO_CFLAGS="-I$SRC/include -I$SRC/capi -I$BUILD/include" CGO_LDFLAGS="-L$BUILD/src -Wl,-rpath,$BUILD/src" go test
//
// (docs/bindings.md).
package aftersales

/*
#cgo LDFLAGS: -laftersales
#include <aftersales.h>
*/
import "C"

import "time"

// Version is the version of the linked library, "MAJOR.MINOR.PATCH".
func Version() string {
	return C.GoString(C.aftersales_version())
}

// VersionNumber is the version of the linked library as MAJOR*10000 + MINOR*100 + PATCH.
func VersionNumber() int {
	return int(C.aftersales_version_number())
}

// HeaderVersion is the version of the header this package was compiled against; it differs
// from Version when the library found at run time is another build.
const HeaderVersion = C.AFTERSALES_VERSION_STRING

// Batch says how a call over many items (JSON Lines) runs. The zero value is the usual
// choice: one thread per core, lines numbered from 1.
type Batch struct {
	// Threads to spread the work over; 0 means one per core.
	Threads int
	// FirstLine is the number of the text's first line in error records ({"line": N, ...}):
	// the line's number in the whole file when a file is fed a block at a time. 0 means 1.
	FirstLine int
}

func (b Batch) threads() C.unsigned {
	if b.Threads < 0 {
		return 0
	}
	return C.unsigned(b.Threads)
}

func (b Batch) firstLine() C.size_t {
	if b.FirstLine <= 0 {
		return 1
	}
	return C.size_t(b.FirstLine)
}

// millis is the C ABI's instant: milliseconds since the Unix epoch.
func millis(t time.Time) C.int64_t {
	return C.int64_t(t.UnixMilli())
}

func instant(ms C.int64_t) time.Time {
	return time.UnixMilli(int64(ms)).UTC()
}
