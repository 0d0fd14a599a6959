//! Errors as values: every fallible call returns `Result<T, Error>`, the error carrying the
//! status and the message of that very call.

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

use crate::ffi;

/// The kind of failure a call reports: the C library's `aftersales_status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// A precondition was broken (a bug in the calling code), or a string held a NUL byte.
    InvalidArgument,
    /// The policy document was rejected; the message lists the problems, one a line.
    Policy,
    /// A run-time input is malformed: a ticket, a request, a negative duration, a file.
    Input,
    /// An instant, or a result, lies outside years 1970-2200.
    OutOfRange,
    /// A named thing (a calendar, an agent, a scorecard) does not exist.
    NotFound,
    /// A bug in aftersales; please report it with the message.
    Internal,
    /// Memory could not be allocated.
    NoMemory,
    /// A status this crate does not know (a newer library): its code.
    Other(i32),
}

impl Status {
    fn from_code(code: c_int) -> Status {
        match code {
            -1 => Status::InvalidArgument,
            -2 => Status::Policy,
            -3 => Status::Input,
            -4 => Status::OutOfRange,
            -5 => Status::NotFound,
            -6 => Status::Internal,
            -7 => Status::NoMemory,
            other => Status::Other(other),
        }
    }
}

/// A failed call: its status and the library's message (what went wrong, naming the input and
/// its JSON path; never customer data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
}

impl Error {
    /// What kind of failure this is.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The message of the call that failed.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "aftersales: {:?}: {}", self.status, self.message)
    }
}

impl std::error::Error for Error {}

/// The result of every fallible call.
pub type Result<T> = std::result::Result<T, Error>;

/// Runs one fallible C function, handing it the `out_error` parameter: the message comes back
/// tied to the call, whichever thread made it (never `aftersales_last_error()`).
pub(crate) fn call(f: impl FnOnce(ffi::OutError) -> c_int) -> Result<()> {
    let mut message: *mut c_char = ptr::null_mut();
    let code = f(&mut message);
    if code == 0 {
        return Ok(());
    }
    let message = if message.is_null() {
        // The library could not allocate the copy; the status still says what happened.
        String::from("(no message: the library could not allocate it)")
    } else {
        take_string(message)
    };
    Err(Error {
        status: Status::from_code(code),
        message,
    })
}

/// Runs a C function that hands out a text (through its first out parameter, freed with
/// `aftersales_free`) and gives the text as a `String`.
pub(crate) fn call_text(f: impl FnOnce(ffi::Out<c_char>, ffi::OutError) -> c_int) -> Result<String> {
    let mut text: *mut c_char = ptr::null_mut();
    call(|out_error| f(&mut text, out_error))?;
    Ok(take_string(text))
}

/// Copies a NUL-terminated text the library handed out and releases the original.
fn take_string(text: *mut c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: the library hands out NUL-terminated texts it allocated; after the copy the text
    // is released once, with the library's own allocator.
    unsafe {
        let copy = CStr::from_ptr(text).to_string_lossy().into_owned();
        ffi::aftersales_free(text as *mut c_void);
        copy
    }
}

/// `s` as a C string for the functions that take one. A NUL inside it would cut it short in
/// C, so it is refused, naming the argument `what` (not the text: it may be customer data).
pub(crate) fn c_string(what: &str, s: impl Into<Vec<u8>>) -> Result<CString> {
    CString::new(s).map_err(|e| Error {
        status: Status::InvalidArgument,
        message: format!("{} holds a NUL byte at offset {}", what, e.nul_position()),
    })
}
