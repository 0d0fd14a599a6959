//! The rules a policy applies to documents: SLA clocks, refund decisions, KPIs and scorecards.
//! Each takes JSON text and gives JSON text (docs/sla.md, docs/refunds.md, docs/kpi.md).

use std::ffi::CString;
use std::os::raw::c_char;
use std::path::Path;
use std::ptr;

use crate::error::{c_string, call, call_text, Result};
use crate::policy::c_path;
use crate::{ffi, text_arg, Policy};

/// How a call over many items (JSON Lines) runs. `Batch::default()` is the usual choice: one
/// thread per core, lines numbered from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Threads to spread the work over; 0 means one per core.
    pub threads: u32,
    /// The number of the text's first line in error records (`{"line": N, ...}`): its number in
    /// the whole file when a file is fed a block at a time.
    pub first_line: usize,
}

impl Default for Batch {
    fn default() -> Batch {
        Batch {
            threads: 0,
            first_line: 1,
        }
    }
}

/// KPI options (docs/kpi.md) as the C string the library reads; `None` means the defaults.
fn kpi_options(options: Option<&str>) -> Result<Option<CString>> {
    options.map(|o| c_string("KPI options", o)).transpose()
}

fn ptr_or_null(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

// SAFETY, for every unsafe block below: the policy handle is live for `&self`, the texts and C
// strings outlive the call, and the out parameters are written by the call only.
impl Policy {
    /// Where each SLA clock of a ticket (the spec §3 JSON object) stands at `at_ms`: the report
    /// object `{"ticket", "policy", "priority", "metrics", "escalations", "next_check_at"}`.
    /// Events after `at_ms` are ignored, so an earlier instant replays the past.
    pub fn evaluate_sla(&self, ticket: impl AsRef<[u8]>, at_ms: i64) -> Result<String> {
        let (ptr, len) = text_arg(ticket.as_ref());
        call_text(|out, out_error| unsafe {
            ffi::aftersales_sla_evaluate(self.as_ptr(), ptr, len, at_ms, out, out_error)
        })
    }

    /// Evaluates tickets given as JSON Lines: one report line (or error record
    /// `{"line": N, "error": "..."}` for a line that cannot be read) per non-blank input line, in
    /// input order. A malformed line does not stop the batch.
    pub fn evaluate_sla_lines(&self, tickets: impl AsRef<[u8]>, at_ms: i64, batch: Batch) -> Result<String> {
        let (ptr, len) = text_arg(tickets.as_ref());
        call_text(|out, out_error| unsafe {
            ffi::aftersales_sla_evaluate_lines(
                self.as_ptr(),
                ptr,
                len,
                at_ms,
                batch.threads,
                batch.first_line,
                out,
                out_error,
            )
        })
    }

    /// Evaluates the JSON Lines file `tickets`, of any size, in bounded memory, writing the
    /// reports to `reports` (created or truncated): what [`Policy::evaluate_sla_lines`] gives for
    /// the whole file.
    pub fn evaluate_sla_file(
        &self,
        tickets: impl AsRef<Path>,
        reports: impl AsRef<Path>,
        at_ms: i64,
        threads: u32,
    ) -> Result<()> {
        let tickets = c_path("tickets path", tickets.as_ref())?;
        let reports = c_path("reports path", reports.as_ref())?;
        call(|out_error| unsafe {
            ffi::aftersales_sla_evaluate_file(
                self.as_ptr(),
                tickets.as_ptr(),
                reports.as_ptr(),
                at_ms,
                threads,
                out_error,
            )
        })
    }

    /// Decides one refund request (the spec §6 JSON object): the decision object
    /// `{"eligible", "resolution", "refund", "method", ..., "reasons"}`. A refused request is not
    /// an error: the decision says `"eligible": false` and why.
    pub fn check_refund(&self, request: impl AsRef<[u8]>) -> Result<String> {
        let (ptr, len) = text_arg(request.as_ref());
        call_text(|out, out_error| unsafe { ffi::aftersales_refund_check(self.as_ptr(), ptr, len, out, out_error) })
    }

    /// Decides many requests given as JSON Lines: one decision line (or error record) per
    /// non-blank input line, in input order.
    pub fn check_refund_lines(&self, requests: impl AsRef<[u8]>, batch: Batch) -> Result<String> {
        let (ptr, len) = text_arg(requests.as_ref());
        call_text(|out, out_error| unsafe {
            ffi::aftersales_refund_check_lines(self.as_ptr(), ptr, len, batch.threads, batch.first_line, out, out_error)
        })
    }

    /// Decides one compensation request (the JSON object of docs/compensation.md): the decision
    /// `{"compensate", "total", "offers", ..., "reasons"}`. Nothing to offer is not an error: the
    /// decision says `"compensate": false` and why.
    pub fn decide_compensation(&self, request: impl AsRef<[u8]>) -> Result<String> {
        let (ptr, len) = text_arg(request.as_ref());
        call_text(|out, out_error| unsafe {
            ffi::aftersales_compensation_decide(self.as_ptr(), ptr, len, out, out_error)
        })
    }

    /// Decides many compensation requests given as JSON Lines: one decision line (or error
    /// record) per non-blank input line, in input order.
    pub fn decide_compensation_lines(&self, requests: impl AsRef<[u8]>, batch: Batch) -> Result<String> {
        let (ptr, len) = text_arg(requests.as_ref());
        call_text(|out, out_error| unsafe {
            ffi::aftersales_compensation_decide_lines(
                self.as_ptr(),
                ptr,
                len,
                batch.threads,
                batch.first_line,
                out,
                out_error,
            )
        })
    }

    /// The KPIs (docs/kpi.md) of the tickets (JSON Lines) as of `at_ms`. `options` is the JSON
    /// object `{"group_by": [...], "time_zone": ..., "orders": ...}`, or `None` for the defaults.
    pub fn compute_kpi(
        &self,
        tickets: impl AsRef<[u8]>,
        at_ms: i64,
        options: Option<&str>,
        batch: Batch,
    ) -> Result<String> {
        let options = kpi_options(options)?;
        let (ptr, len) = text_arg(tickets.as_ref());
        call_text(|out, out_error| unsafe {
            ffi::aftersales_kpi_compute(
                self.as_ptr(),
                ptr,
                len,
                at_ms,
                ptr_or_null(&options),
                batch.threads,
                batch.first_line,
                out,
                out_error,
            )
        })
    }

    /// The policy's scorecard `scorecard_id` over the KPIs [`Policy::compute_kpi`] would give for
    /// the same arguments: a score, stars and a rank per group.
    pub fn scorecard(
        &self,
        scorecard_id: &str,
        tickets: impl AsRef<[u8]>,
        at_ms: i64,
        options: Option<&str>,
        batch: Batch,
    ) -> Result<String> {
        let id = c_string("scorecard id", scorecard_id)?;
        let options = kpi_options(options)?;
        let (ptr, len) = text_arg(tickets.as_ref());
        call_text(|out, out_error| unsafe {
            ffi::aftersales_kpi_scorecard(
                self.as_ptr(),
                id.as_ptr(),
                ptr,
                len,
                at_ms,
                ptr_or_null(&options),
                batch.threads,
                batch.first_line,
                out,
                out_error,
            )
        })
    }
}
