//! The rules of e-commerce after-sales service (SLA calendars and clocks, routing, refunds,
//! KPIs, staffing) from Rust, over the C ABI of the aftersales library (`capi/aftersales.h`).
//!
//! - Documents go in and come out as JSON text, byte for byte the JSON of the C ABI
//!   (docs/c-api.md): parse results with the JSON library your program already uses.
//! - Instants are milliseconds since the Unix epoch (UTC, years 1970-2200), durations
//!   milliseconds; [`parse_instant`] and [`format_instant`] convert RFC 3339 text.
//! - Errors are values: `Result<T, Error>`, the [`Error`] holding the [`Status`] and the message
//!   of that very call, whatever thread made it.
//! - Handles ([`Policy`], [`Calendar`], [`Router`]) are released when dropped. All three are
//!   `Send` and `Sync`: the C ABI documents policies and calendars as immutable and routers as
//!   internally synchronised. A calendar or router outlives the policy it came from.
//!
//! The build links `libaftersales` from `AFTERSALES_LIB_DIR`, else from the system
//! (docs/bindings.md).

mod error;
mod ffi;
mod instant;
mod policy;
mod routing;
mod rules;
mod staffing;

use std::ffi::CStr;
use std::os::raw::c_char;

pub use error::{Error, Result, Status};
pub use instant::{format_instant, parse_instant};
pub use policy::{Calendar, Policy};
pub use routing::{Router, RouterCounts};
pub use rules::Batch;
pub use staffing::{erlang_a, erlang_a_required, erlang_c, erlang_c_required, Goal, StaffingResult, Workload};

/// The version of the linked library, "MAJOR.MINOR.PATCH".
pub fn version() -> &'static str {
    // SAFETY: the library returns a static NUL-terminated ASCII string, valid forever.
    unsafe { CStr::from_ptr(ffi::aftersales_version()) }
        .to_str()
        .unwrap_or("?")
}

/// The version of the linked library as MAJOR * 10000 + MINOR * 100 + PATCH.
pub fn version_number() -> i32 {
    // SAFETY: no arguments, no state.
    unsafe { ffi::aftersales_version_number() }
}

/// The pointer and length of a text passed in. The library reads it during the call only and
/// keeps nothing; an empty slice's pointer is not NULL, as the C functions require.
fn text_arg(text: &[u8]) -> (*const c_char, usize) {
    (text.as_ptr() as *const c_char, text.len())
}
