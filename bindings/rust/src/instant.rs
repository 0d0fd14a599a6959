use crate::error::{call, call_text, Result};
use crate::{ffi, text_arg};

/// Reads an RFC 3339 instant as the library does (`"2026-11-11T00:05:00+08:00"`, fractions to
/// the millisecond): milliseconds since the Unix epoch, within 1970-2200.
pub fn parse_instant(text: &str) -> Result<i64> {
    let (ptr, len) = text_arg(text.as_bytes());
    let mut ms = 0i64;
    // SAFETY: the text is valid for the call; `ms` and the error are written by the call only.
    call(|out_error| unsafe { ffi::aftersales_instant_parse(ptr, len, &mut ms, out_error) })?;
    Ok(ms)
}

/// Writes an instant as the library does: RFC 3339 in UTC, `"2026-11-10T16:05:00Z"`, with
/// `.mmm` only when the milliseconds are not zero.
pub fn format_instant(ms: i64) -> Result<String> {
    // SAFETY: plain value in, a text the library allocates out.
    call_text(|out, out_error| unsafe { ffi::aftersales_instant_format(ms, out, out_error) })
}
