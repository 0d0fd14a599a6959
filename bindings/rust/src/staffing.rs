//! How many agents a queue needs (docs/staffing.md): Erlang C, and Erlang A where customers
//! abandon. Pure functions; call them from any thread.

use crate::error::{call, Result};
use crate::ffi;

/// The traffic a queue is offered.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Workload {
    /// Contacts offered per interval.
    pub contacts: f64,
    /// The interval, seconds (1800 for half an hour).
    pub interval_s: f64,
    /// Average handle time, seconds.
    pub aht_s: f64,
    /// Mean patience before abandoning, seconds: Erlang A only.
    pub patience_s: f64,
}

/// The service a queue must give.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Goal {
    /// The answer-time target, seconds.
    pub answer_time_s: f64,
    /// The share of contacts answered within `answer_time_s`, in (0, 1).
    pub service_level: f64,
    /// The highest share of agent time spent handling contacts, in (0, 1].
    pub max_occupancy: f64,
    /// The share of scheduled time not spent on contacts, in [0, 1).
    pub shrinkage: f64,
}

/// How a queue performs with `agents` agents.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StaffingResult {
    /// Agents taking contacts.
    pub agents: i32,
    /// Agents to schedule: ceil(agents / (1 - shrinkage)).
    pub scheduled: i32,
    /// Offered load in Erlangs: contacts x aht / interval.
    pub traffic: f64,
    /// Share answered within the answer time.
    pub service_level: f64,
    /// Share that find every agent busy.
    pub probability_wait: f64,
    /// Average speed of answer, seconds (infinity when overloaded).
    pub asa_s: f64,
    /// Share of agent time spent handling contacts.
    pub occupancy: f64,
    /// Erlang A: share that abandon; 0 for Erlang C.
    pub abandonment: f64,
}

fn staffing(f: impl FnOnce(*mut ffi::aftersales_staffing_result, ffi::OutError) -> i32) -> Result<StaffingResult> {
    let mut r = ffi::aftersales_staffing_result::default();
    call(|out_error| f(&mut r, out_error))?;
    Ok(StaffingResult {
        agents: r.agents,
        scheduled: r.scheduled,
        traffic: r.traffic,
        service_level: r.service_level,
        probability_wait: r.probability_wait,
        asa_s: r.asa_s,
        occupancy: r.occupancy,
        abandonment: r.abandonment,
    })
}

// SAFETY, for every unsafe block below: plain numbers in, the struct and the error out.

/// How the queue performs with `agents` agents under Erlang C (no abandonment).
pub fn erlang_c(w: &Workload, agents: i32, answer_time_s: f64) -> Result<StaffingResult> {
    staffing(|out, out_error| unsafe {
        ffi::aftersales_staffing_erlang_c(w.contacts, w.interval_s, w.aht_s, agents, answer_time_s, out, out_error)
    })
}

/// The fewest agents meeting the goal under Erlang C.
pub fn erlang_c_required(w: &Workload, g: &Goal) -> Result<StaffingResult> {
    staffing(|out, out_error| unsafe {
        ffi::aftersales_staffing_erlang_c_required(
            w.contacts,
            w.interval_s,
            w.aht_s,
            g.answer_time_s,
            g.service_level,
            g.max_occupancy,
            g.shrinkage,
            out,
            out_error,
        )
    })
}

/// How the queue performs with `agents` agents when customers abandon after a mean patience of
/// `w.patience_s` seconds.
pub fn erlang_a(w: &Workload, agents: i32, answer_time_s: f64) -> Result<StaffingResult> {
    staffing(|out, out_error| unsafe {
        ffi::aftersales_staffing_erlang_a(
            w.contacts,
            w.interval_s,
            w.aht_s,
            w.patience_s,
            agents,
            answer_time_s,
            out,
            out_error,
        )
    })
}

/// The fewest agents meeting the goal under Erlang A.
pub fn erlang_a_required(w: &Workload, g: &Goal) -> Result<StaffingResult> {
    staffing(|out, out_error| unsafe {
        ffi::aftersales_staffing_erlang_a_required(
            w.contacts,
            w.interval_s,
            w.aht_s,
            w.patience_s,
            g.answer_time_s,
            g.service_level,
            g.max_occupancy,
            g.shrinkage,
            out,
            out_error,
        )
    })
}
