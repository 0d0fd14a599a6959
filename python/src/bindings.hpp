#pragma once
// Each concept binds itself into the module; module.cpp calls these in dependency order.

#include <pybind11/pybind11.h>

namespace aftersales::python {

void bind_errors(pybind11::module_& m);
/// Makes a TypeError for arguments of the wrong type name the types received, not their values
/// (a ticket's contents); after every other bind_*, so that it reaches every function.
void guard_arguments(pybind11::module_& m);
void bind_values(pybind11::module_& m);
void bind_calendar(pybind11::module_& m);
void bind_policy(pybind11::module_& m);
/// The SLA report types and SlaEngine; after bind_policy.
void bind_sla(pybind11::module_& m);
/// _sla_columns, the table form of SLA reports behind aftersales.sla_frame; after bind_sla.
void bind_sla_columns(pybind11::module_& m);
void bind_logging(pybind11::module_& m);
/// Router and RoutingDecision; after bind_policy.
void bind_routing(pybind11::module_& m);
/// The refund decision types and RefundEngine; after bind_policy.
void bind_refund(pybind11::module_& m);
/// The compensation decision types and CompensationEngine; after bind_policy.
void bind_compensation(pybind11::module_& m);
/// KpiEngine, KPI and scorecard results, accumulators and staffing; after bind_policy.
void bind_kpi(pybind11::module_& m);
/// TicketBatch, which every call taking many tickets accepts in place of a list of dicts.
void bind_ticket_batch(pybind11::module_& m);

}  // namespace aftersales::python
