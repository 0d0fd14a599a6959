#pragma once
// Pickling for Python (docs/python.md, "Pickling and processes"). Results and decisions pickle
// as their members in the binary form of src/document/binary_codec.hpp: exact (a double keeps
// every bit, where its JSON is rounded), so a copy's to_json() is the original's. Engines
// pickle as the Policy they were made from (itself pickled as its document), a Router as its
// policy and snapshot, a KpiAccumulator as its policy and state JSON.
//
// Every pickle goes through __reduce__, with the class itself or aftersales._pickling.rebuild
// (a Python function, which pickle refers to by name at every protocol, 0 to 5, and
// cloudpickle too) and a function of this module: no __getstate__/__setstate__, which
// pybind11 cannot serve below protocol 2.

#include <aftersales/calendar.hpp>
#include <aftersales/compensation.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/refund.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/staffing.hpp>

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "document/binary_codec.hpp"
#include "ticket/ticket_binary.hpp"

namespace aftersales::detail {

template <>
inline constexpr std::size_t enum_count<SlaState> = static_cast<std::size_t>(SlaState::breached) + 1;
template <>
inline constexpr std::size_t enum_count<SlaTicketStatus> =
    static_cast<std::size_t>(SlaTicketStatus::active_with_misses) + 1;
template <>
inline constexpr std::size_t enum_count<Resolution> = static_cast<std::size_t>(Resolution::repair) + 1;
template <>
inline constexpr std::size_t enum_count<RefundMethod> = static_cast<std::size_t>(RefundMethod::store_credit) + 1;
template <>
inline constexpr std::size_t enum_count<ReturnShipping> = static_cast<std::size_t>(ReturnShipping::none) + 1;
template <>
inline constexpr std::size_t enum_count<AgentStatus> = static_cast<std::size_t>(AgentStatus::offline) + 1;
template <>
inline constexpr std::size_t enum_count<RefundCode> = static_cast<std::size_t>(RefundCode::return_shipping_charged) + 1;

template <>
inline constexpr std::size_t enum_count<OfferType> = static_cast<std::size_t>(OfferType::gift) + 1;
template <>
inline constexpr std::size_t enum_count<CompensationCode> =
    static_cast<std::size_t>(CompensationCode::offer_dropped) + 1;

// BinaryFields for a struct whose members are all pickled, in order. They are bound by a
// structured binding, which must name every member: a member added to one of these structs
// stops the build here until it is pickled too.
#define AFTERSALES_PICKLE_MEMBERS(Type, ...)        \
  template <>                                       \
  struct BinaryFields<Type> {                       \
    template <class A, class V>                     \
    static void code(A& a, V& value) {              \
      auto& [__VA_ARGS__] = value;                  \
      code_all(a, __VA_ARGS__);                     \
    }                                               \
  };

AFTERSALES_PICKLE_MEMBERS(SlaMetric, metric, cycle, target, elapsed, started_at, due_at, breached_at, completed_at,
                          state, queue, override_due_at)

AFTERSALES_PICKLE_MEMBERS(SlaEscalation, metric, cycle, percent, action, to, reached_at, offset, calendar,
                          deliver_at, queue)

AFTERSALES_PICKLE_MEMBERS(SlaCountedSpan, from, to, business)

AFTERSALES_PICKLE_MEMBERS(SlaPausedSpan, from, to, reason)

AFTERSALES_PICKLE_MEMBERS(SlaClosedSpan, from, to)

AFTERSALES_PICKLE_MEMBERS(SlaTimeline, counted, paused, closed)

AFTERSALES_PICKLE_MEMBERS(SlaMiss, metric, queue, cycle, breached_at)

AFTERSALES_PICKLE_MEMBERS(SlaReport, ticket, policy, priority, metrics, escalations, next_check_at, not_yet_created,
                          timelines, status)

// A dimension by its name, as kpi_dimension reads it ("fields.region" included).
template <>
struct BinaryFields<KpiDimension> {
  static KpiDimension blank() { return KpiDimension::agent; }

  template <class A, class V>
  static void code(A& a, V& value) {
    if constexpr (A::reading) {
      const std::string_view name = a.text();
      try {
        value = kpi_dimension(name);
      } catch (const Error&) {
        a.fail("an unknown KPI dimension");
      }
    } else {
      a.text(to_string(value));
    }
  }
};

AFTERSALES_PICKLE_MEMBERS(KpiDurationStats, count, mean_s, p50_s, p90_s)

AFTERSALES_PICKLE_MEMBERS(KpiSlaStats, metric, achieved, breached)

AFTERSALES_PICKLE_MEMBERS(KpiCompensationStats, compensated, total, cost_per_ticket, rate)

AFTERSALES_PICKLE_MEMBERS(KpiGroup, key, tickets, resolved, backlog, first_response, resolution, requester_wait,
                          agent_work, on_hold, sla, fcr_rate,
                          one_touch_rate, reopen_rate, csat, nps, escalation_rate, reassignment_rate,
                          bot_resolution_rate, complaint_rate, complaints, compensation)

AFTERSALES_PICKLE_MEMBERS(KpiResult, group_by, time_zone, groups, not_yet_created)

AFTERSALES_PICKLE_MEMBERS(ScorecardMetric, name, metric_value, score, weight, critical)

AFTERSALES_PICKLE_MEMBERS(ScorecardRow, key, score, stars, rank, critical_failed, metrics)

AFTERSALES_PICKLE_MEMBERS(ScorecardResult, scorecard, group_by, rank_within, rows)

AFTERSALES_PICKLE_MEMBERS(RefundLineAmount, line, quantity, eligible, amount, discount, net, tax)

AFTERSALES_PICKLE_MEMBERS(RefundDeduction, type, amount)

AFTERSALES_PICKLE_MEMBERS(RefundAmounts, total, lines, shipping, deductions, taxed, net, tax)

AFTERSALES_PICKLE_MEMBERS(RefundExchange, returned, replacement, returned_tax, replacement_tax, customer_pays,
                          customer_receives)

AFTERSALES_PICKLE_MEMBERS(RefundNote, note_code, message, line)

AFTERSALES_PICKLE_MEMBERS(RefundDecision, eligible, resolution, options, refund, method, return_shipping, fast_refund,
                          ship_back_by, refund_due_by, policy, reasons, exchange)

AFTERSALES_PICKLE_MEMBERS(CompensationOffer, rule, offer_type, amount, min_spend, points, sku, offer_value)

AFTERSALES_PICKLE_MEMBERS(CompensationNote, note_code, message, rule)

AFTERSALES_PICKLE_MEMBERS(CompensationDecision, compensate, policy, total, offers, late_days, ticket, category, agent,
                          reasons)

AFTERSALES_PICKLE_MEMBERS(RoutingDecision, ticket, queue, rule, agent, bot, priority, waiting, reasons, offer_expires_at)

AFTERSALES_PICKLE_MEMBERS(AgentLoad, id, status, queues, capacity, load, total, tickets, units, units_used, offered)

AFTERSALES_PICKLE_MEMBERS(WaitingTicket, ticket, queue, priority, channel, waiting_since, due_at)

AFTERSALES_PICKLE_MEMBERS(RouterCounts, agents, online, away, offline, waiting, assigned, offered)

AFTERSALES_PICKLE_MEMBERS(StaffingResult, agents, scheduled, traffic, service_level, probability_wait, asa_s,
                          occupancy, abandonment)

#undef AFTERSALES_PICKLE_MEMBERS

}  // namespace aftersales::detail

namespace aftersales::python {

/// An engine or accumulator as Python holds it: with the policy it was made from, which is
/// how it pickles (the C++ object keeps only the rules it needs).
template <class Engine>
struct WithPolicy : Engine {
  template <class... Options>
  explicit WithPolicy(const std::shared_ptr<Policy>& made_from, Options&&... options)
      : Engine(made_from, std::forward<Options>(options)...), policy(made_from) {}
  WithPolicy(Engine&& engine, std::shared_ptr<Policy> made_from)
      : Engine(std::move(engine)), policy(std::move(made_from)) {}

  std::shared_ptr<Policy> policy;
};

/// The `magic` marking each result's pickled bytes.
inline constexpr std::string_view result_magic = "ASPR";

/// The pickled bytes of `value`, a result named `name` ("SlaReport"): its name, then its members.
template <class T>
pybind11::bytes result_state(const T& value, std::string_view name) {
  detail::BinaryWriter writer(result_magic, 1);
  writer.text(name);
  detail::code(writer, value);
  return pybind11::bytes(std::move(writer).finish());
}

/// The result named `name` that result_state wrote into `state`.
/// @throws InputError if `state` is not such bytes, or is damaged.
template <class T>
T result_from_state(std::string_view state, std::string_view name) {
  detail::BinaryReader reader(state, result_magic, 1, std::string(name) + " pickle");
  if (reader.text() != name) reader.fail("the pickle of another type");
  T value;
  detail::code(reader, value);
  reader.finish();
  return value;
}

/// What __reduce__ returns for pickle to call `aftersales._core.<function>(*args)` when it
/// loads the object: aftersales._pickling.rebuild and its arguments.
pybind11::tuple reduce_with(const char* function, const pybind11::tuple& args);

/// A module function named `_unpickle_<name>` that reads result_state's bytes, and __reduce__
/// on `cls` returning it with them: a result pickles as its members, exactly.
template <class T, class Class>
void pickle_as_members(pybind11::module_& m, Class& cls, const char* name) {
  namespace py = pybind11;
  const std::string restore = std::string("_unpickle_") + name;
  m.def(restore.c_str(), [name](const py::bytes& state) { return result_from_state<T>(std::string_view(state), name); });
  cls.def("__reduce__", [restore, name](const T& value) {
    return reduce_with(restore.c_str(), py::make_tuple(result_state(value, name)));
  });
}

/// A calendar with the policy it came from, which it pickles with its name.
using PythonCalendar = WithPolicy<Calendar>;

/// The calendar `name` of `policy`: Policy.calendar, and how a Calendar is unpickled.
PythonCalendar calendar_of(const std::shared_ptr<Policy>& policy, const std::string& name);

/// The Policy an engine (any bound class with a `policy` member) was made from, as Python holds it.
template <class Engine>
std::shared_ptr<Policy> policy_of(const Engine& engine) {
  // pybind11 cannot hold a pointer to const; Policy's bound methods are all const.
  return std::const_pointer_cast<Policy>(engine.policy);
}

/// `policy` (read-only) on `cls`, whose objects keep the Policy they were made from.
template <class Class>
void bind_policy_property(Class& cls) {
  using Object = typename Class::type;
  cls.def_property_readonly(
      "policy", [](const Object& object) { return policy_of(object); }, "The Policy this was made from.");
}

/// `policy` and __reduce__ on `cls`, an engine made by `cls(policy)`: it pickles as its policy
/// and is made again from it when unpickled.
template <class Class>
void pickle_as_policy(Class& cls) {
  namespace py = pybind11;
  using Engine = typename Class::type;
  bind_policy_property(cls);
  cls.def("__reduce__", [](const py::object& self) {
    return py::make_tuple(py::type::of(self), py::make_tuple(policy_of(self.cast<const Engine&>())));
  });
}

/// `policy` and __reduce__ on `cls`: an object pickles as its policy and `state(object)`, and is
/// made again by `aftersales._core.<function>(policy, state)`.
template <class Class, class State>
void pickle_as_policy_and(Class& cls, const char* function, State state) {
  namespace py = pybind11;
  using Object = typename Class::type;
  bind_policy_property(cls);
  cls.def("__reduce__", [function, state](const Object& object) {
    return reduce_with(function, py::make_tuple(policy_of(object), state(object)));
  });
}

}  // namespace aftersales::python
