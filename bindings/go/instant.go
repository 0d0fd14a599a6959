package aftersales

/*
#include <aftersales.h>
*/
import "C"

import "time"

// ParseInstant reads an RFC 3339 instant as the library does ("2026-11-11T00:05:00+08:00",
// fractions to the millisecond), within 1970-2200.
func ParseInstant(text string) (time.Time, error) {
	var ms C.int64_t
	b := []byte(text)
	cText, n := textArg(b)
	err := call(func(outError **C.char) C.int {
		return C.aftersales_instant_parse(cText, n, &ms, outError)
	})
	if err != nil {
		return time.Time{}, err
	}
	return instant(ms), nil
}

// FormatInstant writes t as the library does: RFC 3339 in UTC, "2026-11-10T16:05:00Z", with
// ".mmm" only when the milliseconds are not zero.
func FormatInstant(t time.Time) (string, error) {
	text, err := callText(func(out, outError **C.char) C.int {
		return C.aftersales_instant_format(millis(t), out, outError)
	})
	return string(text), err
}
