use std::os::raw::c_int;
use std::path::Path;
use std::ptr::{self, NonNull};

use crate::error::{c_string, call, call_text, Result};
use crate::{ffi, text_arg};

/// A loaded, validated and compiled policy document (docs/policy.md). Immutable: share it
/// between threads (behind an `Arc`, or by reference in scoped threads).
#[derive(Debug)]
pub struct Policy {
    raw: NonNull<ffi::aftersales_policy>,
}

// SAFETY: capi/aftersales.h documents a policy as immutable, usable from many threads at once;
// only freeing it must not overlap other calls, which `Drop` (taking `&mut self`) ensures.
unsafe impl Send for Policy {}
unsafe impl Sync for Policy {}

impl Policy {
    /// Parses, validates and compiles the policy document `doc` (UTF-8 JSON). A rejected document
    /// is a [`Status::Policy`](crate::Status::Policy) error listing every problem, one a line,
    /// each as `path: message`.
    pub fn load(doc: impl AsRef<[u8]>) -> Result<Policy> {
        let (ptr, len) = text_arg(doc.as_ref());
        let mut raw = ptr::null_mut();
        // SAFETY: the text is valid for the call; `raw` receives a new handle or NULL.
        call(|out_error| unsafe { ffi::aftersales_policy_load(ptr, len, &mut raw, out_error) })?;
        Ok(Policy::from_raw(raw))
    }

    /// Reads the policy document in the file at `path` and loads it as [`Policy::load`].
    pub fn load_file(path: impl AsRef<Path>) -> Result<Policy> {
        let path = c_path("path", path.as_ref())?;
        let mut raw = ptr::null_mut();
        // SAFETY: as for `load`, with a NUL-terminated path.
        call(|out_error| unsafe { ffi::aftersales_policy_load_file(path.as_ptr(), &mut raw, out_error) })?;
        Ok(Policy::from_raw(raw))
    }

    fn from_raw(raw: *mut ffi::aftersales_policy) -> Policy {
        Policy {
            raw: NonNull::new(raw).expect("aftersales_policy_load succeeded without a policy"),
        }
    }

    pub(crate) fn as_ptr(&self) -> *const ffi::aftersales_policy {
        self.raw.as_ptr()
    }

    /// The document the policy was loaded from, byte for byte: how a policy travels to another
    /// process.
    pub fn to_json(&self) -> Result<String> {
        // SAFETY: a live handle; the text is the library's, taken over by `call_text`.
        call_text(|out, out_error| unsafe { ffi::aftersales_policy_to_json(self.as_ptr(), out, out_error) })
    }

    /// The business-hours calendar called `name`; [`Status::NotFound`](crate::Status::NotFound)
    /// names those that exist.
    pub fn calendar(&self, name: &str) -> Result<Calendar> {
        let name = c_string("calendar name", name)?;
        let mut raw = ptr::null_mut();
        // SAFETY: a live handle and a NUL-terminated name; `raw` receives a new handle or NULL.
        call(|out_error| unsafe {
            ffi::aftersales_policy_calendar(self.as_ptr(), name.as_ptr(), &mut raw, out_error)
        })?;
        Ok(Calendar {
            raw: NonNull::new(raw).expect("aftersales_policy_calendar succeeded without a calendar"),
        })
    }
}

impl Drop for Policy {
    fn drop(&mut self) {
        // SAFETY: the handle is live and this is its only release.
        unsafe { ffi::aftersales_policy_free(self.raw.as_ptr()) }
    }
}

/// A path as the C string the library opens (the bytes of the OS string, as POSIX has them).
pub(crate) fn c_path(what: &str, path: &Path) -> Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    c_string(what, path.as_os_str().as_bytes())
}

/// A policy's business-hours calendar (docs/calendars.md); instants and durations in
/// milliseconds. Immutable and shareable between threads; it keeps its own schedule alive, so it
/// outlives its [`Policy`].
#[derive(Debug)]
pub struct Calendar {
    raw: NonNull<ffi::aftersales_calendar>,
}

// SAFETY: as for Policy: capi/aftersales.h documents calendars as immutable and shareable.
unsafe impl Send for Calendar {}
unsafe impl Sync for Calendar {}

impl Calendar {
    /// Whether the calendar is open at `at_ms` (an open interval includes its start, not its end).
    pub fn is_open(&self, at_ms: i64) -> Result<bool> {
        let mut open: c_int = 0;
        // SAFETY: a live handle; `open` is written by the call only.
        call(|out_error| unsafe { ffi::aftersales_calendar_is_open(self.raw.as_ptr(), at_ms, &mut open, out_error) })?;
        Ok(open != 0)
    }

    /// `at_ms` itself if the calendar is open then, else the start of the next open interval.
    pub fn next_open(&self, at_ms: i64) -> Result<i64> {
        self.instant(|raw, out, out_error| unsafe { ffi::aftersales_calendar_next_open(raw, at_ms, out, out_error) })
    }

    /// The earliest instant u >= `at_ms` with exactly `duration_ms` of open time in [at_ms, u); a
    /// negative duration is a [`Status::Input`](crate::Status::Input) error.
    pub fn add(&self, at_ms: i64, duration_ms: i64) -> Result<i64> {
        self.instant(|raw, out, out_error| unsafe {
            ffi::aftersales_calendar_add(raw, at_ms, duration_ms, out, out_error)
        })
    }

    /// The open time in [from_ms, to_ms), in milliseconds; negative when `to_ms` < `from_ms`.
    pub fn between(&self, from_ms: i64, to_ms: i64) -> Result<i64> {
        self.instant(|raw, out, out_error| unsafe {
            ffi::aftersales_calendar_between(raw, from_ms, to_ms, out, out_error)
        })
    }

    /// The latest instant u <= `at_ms` with exactly `duration_ms` of open time in [u, at_ms): `add`
    /// run backwards. A negative duration is a [`Status::Input`](crate::Status::Input) error.
    pub fn subtract(&self, at_ms: i64, duration_ms: i64) -> Result<i64> {
        self.instant(|raw, out, out_error| unsafe {
            ffi::aftersales_calendar_subtract(raw, at_ms, duration_ms, out, out_error)
        })
    }

    /// The first close after `at_ms`: the end of the open interval holding it, or of the next one
    /// when the calendar is closed then (exactly at a close, the next interval's end).
    pub fn next_close(&self, at_ms: i64) -> Result<i64> {
        self.instant(|raw, out, out_error| unsafe { ffi::aftersales_calendar_next_close(raw, at_ms, out, out_error) })
    }

    /// The last close at or before `at_ms` (exactly at a close, `at_ms` itself).
    pub fn previous_close(&self, at_ms: i64) -> Result<i64> {
        self.instant(|raw, out, out_error| unsafe {
            ffi::aftersales_calendar_previous_close(raw, at_ms, out, out_error)
        })
    }

    /// The end of the `n`-th business day (a local date with open hours) after the local date of
    /// `at_ms`; with `n` = 0 the end of that date if it is a business day, else of the next one.
    pub fn business_day_end(&self, at_ms: i64, n: i32) -> Result<i64> {
        self.instant(|raw, out, out_error| unsafe {
            ffi::aftersales_calendar_business_day_end(raw, at_ms, n, out, out_error)
        })
    }

    /// The business days among the local dates after that of `from_ms` up to and including that
    /// of `to_ms`; negative when `to_ms` < `from_ms`, 0 on the same date.
    pub fn business_days_between(&self, from_ms: i64, to_ms: i64) -> Result<i64> {
        self.instant(|raw, out, out_error| unsafe {
            ffi::aftersales_calendar_business_days_between(raw, from_ms, to_ms, out, out_error)
        })
    }

    /// Runs a call that answers one number (milliseconds, or a count of days) (the closures above are unsafe blocks:
    /// each passes this live handle and the out parameter it is given, nothing else).
    fn instant(
        &self,
        f: impl FnOnce(*const ffi::aftersales_calendar, *mut i64, ffi::OutError) -> c_int,
    ) -> Result<i64> {
        let mut ms = 0i64;
        call(|out_error| f(self.raw.as_ptr(), &mut ms, out_error))?;
        Ok(ms)
    }
}

impl Drop for Calendar {
    fn drop(&mut self) {
        // SAFETY: the handle is live and this is its only release.
        unsafe { ffi::aftersales_calendar_free(self.raw.as_ptr()) }
    }
}
