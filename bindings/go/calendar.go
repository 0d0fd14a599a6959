package aftersales

/*
#include <aftersales.h>
*/
import "C"

import (
	"runtime"
	"time"
)

// Calendar is a policy's business-hours calendar (docs/calendars.md). Immutable: share it
// between goroutines freely. It keeps its own schedule alive, so it outlives its Policy.
// Instants are kept to the millisecond (finer parts are dropped).
type Calendar struct {
	handle *C.aftersales_calendar
}

// Close releases the calendar; closing twice is harmless.
func (c *Calendar) Close() error {
	if c.handle != nil {
		C.aftersales_calendar_free(c.handle)
		c.handle = nil
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

// IsOpen says whether the calendar is open at t (an open interval includes its start, not its
// end).
func (c *Calendar) IsOpen(t time.Time) (bool, error) {
	defer runtime.KeepAlive(c)
	var open C.int
	err := call(func(outError **C.char) C.int {
		return C.aftersales_calendar_is_open(c.handle, millis(t), &open, outError)
	})
	return open != 0, err
}

// NextOpen is t itself if the calendar is open then, else the start of the next open interval.
func (c *Calendar) NextOpen(t time.Time) (time.Time, error) {
	defer runtime.KeepAlive(c)
	var ms C.int64_t
	err := call(func(outError **C.char) C.int {
		return C.aftersales_calendar_next_open(c.handle, millis(t), &ms, outError)
	})
	if err != nil {
		return time.Time{}, err
	}
	return instant(ms), nil
}

// Add is the earliest instant u >= t with exactly d of open time in [t, u); a negative d is
// ErrInput.
func (c *Calendar) Add(t time.Time, d time.Duration) (time.Time, error) {
	defer runtime.KeepAlive(c)
	var ms C.int64_t
	err := call(func(outError **C.char) C.int {
		return C.aftersales_calendar_add(c.handle, millis(t), C.int64_t(d.Milliseconds()), &ms, outError)
	})
	if err != nil {
		return time.Time{}, err
	}
	return instant(ms), nil
}

// Between is the open time in [from, to); negative when to is before from.
func (c *Calendar) Between(from, to time.Time) (time.Duration, error) {
	defer runtime.KeepAlive(c)
	var ms C.int64_t
	err := call(func(outError **C.char) C.int {
		return C.aftersales_calendar_between(c.handle, millis(from), millis(to), &ms, outError)
	})
	if err != nil {
		return 0, err
	}
	return time.Duration(ms) * time.Millisecond, nil
}
