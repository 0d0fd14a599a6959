//! The declarations of capi/aftersales.h that the crate uses, written by hand (no bindgen: the
//! crate has no dependencies). Keep them in step with the header.

#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_double, c_int, c_uint, c_void};

macro_rules! opaque {
    ($($name:ident),*) => {
        $(#[repr(C)]
        pub struct $name {
            _private: [u8; 0],
        })*
    };
}

opaque!(aftersales_policy, aftersales_calendar, aftersales_router);

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct aftersales_staffing_result {
    pub agents: c_int,
    pub scheduled: c_int,
    pub traffic: c_double,
    pub service_level: c_double,
    pub probability_wait: c_double,
    pub asa_s: c_double,
    pub occupancy: c_double,
    pub abandonment: c_double,
}

pub type Out<T> = *mut *mut T;
pub type OutError = *mut *mut c_char;

extern "C" {
    pub fn aftersales_free(ptr: *mut c_void);
    pub fn aftersales_version() -> *const c_char;
    pub fn aftersales_version_number() -> c_int;

    pub fn aftersales_instant_parse(text: *const c_char, len: usize, out_ms: *mut i64, out_error: OutError) -> c_int;
    pub fn aftersales_instant_format(ms: i64, out_text: Out<c_char>, out_error: OutError) -> c_int;

    pub fn aftersales_policy_load(
        json: *const c_char,
        len: usize,
        out: Out<aftersales_policy>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_policy_load_file(path: *const c_char, out: Out<aftersales_policy>, out_error: OutError) -> c_int;
    pub fn aftersales_policy_to_json(
        policy: *const aftersales_policy,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_policy_free(policy: *mut aftersales_policy);
    pub fn aftersales_policy_calendar(
        policy: *const aftersales_policy,
        name: *const c_char,
        out: Out<aftersales_calendar>,
        out_error: OutError,
    ) -> c_int;

    pub fn aftersales_calendar_free(calendar: *mut aftersales_calendar);
    pub fn aftersales_calendar_is_open(
        calendar: *const aftersales_calendar,
        at_ms: i64,
        out: *mut c_int,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_calendar_next_open(
        calendar: *const aftersales_calendar,
        at_ms: i64,
        out_ms: *mut i64,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_calendar_add(
        calendar: *const aftersales_calendar,
        at_ms: i64,
        duration_ms: i64,
        out_ms: *mut i64,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_calendar_between(
        calendar: *const aftersales_calendar,
        from_ms: i64,
        to_ms: i64,
        out_ms: *mut i64,
        out_error: OutError,
    ) -> c_int;

    pub fn aftersales_calendar_subtract(
        calendar: *const aftersales_calendar,
        at_ms: i64,
        duration_ms: i64,
        out_ms: *mut i64,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_calendar_next_close(
        calendar: *const aftersales_calendar,
        at_ms: i64,
        out_ms: *mut i64,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_calendar_previous_close(
        calendar: *const aftersales_calendar,
        at_ms: i64,
        out_ms: *mut i64,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_calendar_business_day_end(
        calendar: *const aftersales_calendar,
        at_ms: i64,
        n: c_int,
        out_ms: *mut i64,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_calendar_business_days_between(
        calendar: *const aftersales_calendar,
        from_ms: i64,
        to_ms: i64,
        out: *mut i64,
        out_error: OutError,
    ) -> c_int;

    pub fn aftersales_sla_evaluate(
        policy: *const aftersales_policy,
        ticket_json: *const c_char,
        len: usize,
        at_ms: i64,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_sla_evaluate_lines(
        policy: *const aftersales_policy,
        tickets_jsonl: *const c_char,
        len: usize,
        at_ms: i64,
        threads: c_uint,
        first_line: usize,
        out_jsonl: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_sla_evaluate_file(
        policy: *const aftersales_policy,
        tickets_path: *const c_char,
        reports_path: *const c_char,
        at_ms: i64,
        threads: c_uint,
        out_error: OutError,
    ) -> c_int;

    pub fn aftersales_router_new(
        policy: *const aftersales_policy,
        out: Out<aftersales_router>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_free(router: *mut aftersales_router);
    pub fn aftersales_router_upsert_agent(
        router: *mut aftersales_router,
        agent_json: *const c_char,
        len: usize,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_remove_agent(
        router: *mut aftersales_router,
        agent_id: *const c_char,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_set_status(
        router: *mut aftersales_router,
        agent_id: *const c_char,
        status: *const c_char,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_route(
        router: *mut aftersales_router,
        ticket_json: *const c_char,
        len: usize,
        at_ms: i64,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_release(
        router: *mut aftersales_router,
        agent_id: *const c_char,
        ticket_id: *const c_char,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_accept(
        router: *mut aftersales_router,
        agent_id: *const c_char,
        ticket_id: *const c_char,
        at_ms: i64,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_decline(
        router: *mut aftersales_router,
        agent_id: *const c_char,
        ticket_id: *const c_char,
        at_ms: i64,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_withdraw(
        router: *mut aftersales_router,
        ticket_id: *const c_char,
        out_withdrawn: *mut c_int,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_dispatch(
        router: *mut aftersales_router,
        at_ms: i64,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_snapshot(
        router: *mut aftersales_router,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_agents(
        router: *const aftersales_router,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_waiting(
        router: *const aftersales_router,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_explain(
        router: *const aftersales_router,
        ticket_id: *const c_char,
        at_ms: *const i64,
        offset: usize,
        limit: usize,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_counts(
        router: *const aftersales_router,
        out: *mut crate::RouterCounts,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_router_restore(
        policy: *const aftersales_policy,
        snapshot_json: *const c_char,
        len: usize,
        out: Out<aftersales_router>,
        out_error: OutError,
    ) -> c_int;

    pub fn aftersales_refund_check(
        policy: *const aftersales_policy,
        request_json: *const c_char,
        len: usize,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_refund_check_lines(
        policy: *const aftersales_policy,
        requests_jsonl: *const c_char,
        len: usize,
        threads: c_uint,
        first_line: usize,
        out_jsonl: Out<c_char>,
        out_error: OutError,
    ) -> c_int;

    pub fn aftersales_compensation_decide(
        policy: *const aftersales_policy,
        request_json: *const c_char,
        len: usize,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_compensation_decide_lines(
        policy: *const aftersales_policy,
        requests_jsonl: *const c_char,
        len: usize,
        threads: c_uint,
        first_line: usize,
        out_jsonl: Out<c_char>,
        out_error: OutError,
    ) -> c_int;

    pub fn aftersales_kpi_compute(
        policy: *const aftersales_policy,
        tickets_jsonl: *const c_char,
        len: usize,
        at_ms: i64,
        options_json: *const c_char,
        threads: c_uint,
        first_line: usize,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_kpi_scorecard(
        policy: *const aftersales_policy,
        scorecard_id: *const c_char,
        tickets_jsonl: *const c_char,
        len: usize,
        at_ms: i64,
        options_json: *const c_char,
        threads: c_uint,
        first_line: usize,
        out_json: Out<c_char>,
        out_error: OutError,
    ) -> c_int;

    pub fn aftersales_staffing_erlang_c(
        contacts: c_double,
        interval_s: c_double,
        aht_s: c_double,
        agents: c_int,
        answer_time_s: c_double,
        out: *mut aftersales_staffing_result,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_staffing_erlang_c_required(
        contacts: c_double,
        interval_s: c_double,
        aht_s: c_double,
        answer_time_s: c_double,
        service_level: c_double,
        max_occupancy: c_double,
        shrinkage: c_double,
        out: *mut aftersales_staffing_result,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_staffing_erlang_a(
        contacts: c_double,
        interval_s: c_double,
        aht_s: c_double,
        patience_s: c_double,
        agents: c_int,
        answer_time_s: c_double,
        out: *mut aftersales_staffing_result,
        out_error: OutError,
    ) -> c_int;
    pub fn aftersales_staffing_erlang_a_required(
        contacts: c_double,
        interval_s: c_double,
        aht_s: c_double,
        patience_s: c_double,
        answer_time_s: c_double,
        service_level: c_double,
        max_occupancy: c_double,
        shrinkage: c_double,
        out: *mut aftersales_staffing_result,
        out_error: OutError,
    ) -> c_int;
}
