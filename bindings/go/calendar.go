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
	return c.instant(func(ms *C.int64_t, outError **C.char) C.int {
		return C.aftersales_calendar_next_open(c.handle, millis(t), ms, outError)
	})
}

// Add is the earliest instant u >= t with exactly d of open time in [t, u); a negative d is
// ErrInput (use Subtract).
func (c *Calendar) Add(t time.Time, d time.Duration) (time.Time, error) {
	return c.instant(func(ms *C.int64_t, outError **C.char) C.int {
		return C.aftersales_calendar_add(c.handle, millis(t), C.int64_t(d.Milliseconds()), ms, outError)
	})
}

// Subtract is the latest instant u <= t with exactly d of open time in [u, t): Add run
// backwards. A negative d is ErrInput (use Add).
func (c *Calendar) Subtract(t time.Time, d time.Duration) (time.Time, error) {
	return c.instant(func(ms *C.int64_t, outError **C.char) C.int {
		return C.aftersales_calendar_subtract(c.handle, millis(t), C.int64_t(d.Milliseconds()), ms, outError)
	})
}

// NextClose is the first close after t: the end of the open interval holding t, or of the next
// one when the calendar is closed then (exactly at a close, the next interval's end).
func (c *Calendar) NextClose(t time.Time) (time.Time, error) {
	return c.instant(func(ms *C.int64_t, outError **C.char) C.int {
		return C.aftersales_calendar_next_close(c.handle, millis(t), ms, outError)
	})
}

// PreviousClose is the last close at or before t (exactly at a close, t itself).
func (c *Calendar) PreviousClose(t time.Time) (time.Time, error) {
	return c.instant(func(ms *C.int64_t, outError **C.char) C.int {
		return C.aftersales_calendar_previous_close(c.handle, millis(t), ms, outError)
	})
}

// BusinessDayEnd is the end of the n-th business day (a local date with open hours) after t's
// local date; with n = 0 the end of that date if it is a business day, else of the next one. A
// negative n is ErrInput.
func (c *Calendar) BusinessDayEnd(t time.Time, n int) (time.Time, error) {
	return c.instant(func(ms *C.int64_t, outError **C.char) C.int {
		return C.aftersales_calendar_business_day_end(c.handle, millis(t), C.int(n), ms, outError)
	})
}

// BusinessDaysBetween counts the business days among the local dates after from's up to and
// including to's; negative when to is before from, 0 on the same date.
func (c *Calendar) BusinessDaysBetween(from, to time.Time) (int64, error) {
	defer runtime.KeepAlive(c)
	var days C.int64_t
	err := call(func(outError **C.char) C.int {
		return C.aftersales_calendar_business_days_between(c.handle, millis(from), millis(to), &days, outError)
	})
	return int64(days), err
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

// instant runs a call that answers one instant.
func (c *Calendar) instant(f func(ms *C.int64_t, outError **C.char) C.int) (time.Time, error) {
	defer runtime.KeepAlive(c)
	var ms C.int64_t
	if err := call(func(outError **C.char) C.int { return f(&ms, outError) }); err != nil {
		return time.Time{}, err
	}
	return instant(ms), nil
}
