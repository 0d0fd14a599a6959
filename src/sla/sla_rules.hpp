#pragma once
// The SLA rules (spec §4): the policy's `sla` section compiled (sla_compile.hpp), all the SLA
// engine reads.

#include <aftersales/calendar.hpp>
#include <aftersales/ticket.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "condition/condition_rules.hpp"

namespace aftersales::detail {

/// Built-in metrics first, in report order; custom metrics follow with ids from 9 on. The
/// status clocks (requester_wait_time to on_hold_time) and pausable_update run only in the
/// statuses of their definition (docs/sla.md, after Zendesk's), whatever "pause_on" says.
enum class BuiltinMetric : std::uint8_t {
  first_response,
  next_response,
  periodic_update,
  resolution,
  follow_up,
  requester_wait_time,
  agent_work_time,
  on_hold_time,
  pausable_update
};
inline constexpr std::size_t builtin_metric_count = 9;
inline constexpr std::array<std::string_view, builtin_metric_count> builtin_metric_names{
    "first_response",  "next_response", "periodic_update", "resolution",     "follow_up",
    "requester_wait_time", "agent_work_time", "on_hold_time", "pausable_update"};
/// The first status clock; the KPI engine keeps durations of the three from creation.
inline constexpr auto first_status_clock = static_cast<std::size_t>(BuiltinMetric::requester_wait_time);

/// A custom metric: a clock from one event type to another.
struct CustomMetric {
  std::string name;
  std::string start;  // event name
  std::string stop;
};

struct SlaTarget {
  std::size_t metric;  // < builtin_metric_count: BuiltinMetric; else custom index + builtin_metric_count
  Duration target;
  std::optional<Calendar> calendar;  // none: plain elapsed time
};

struct SlaThreshold {
  int percent = 0;     // 0 for an offset
  Duration offset{};   // with percent 0: business time after the due instant (negative: before)
  std::string action;
  std::string to;
  std::vector<std::size_t> metrics;  // empty: every metric
  std::optional<Calendar> calendar;  // delivered only while this one is open
  std::size_t position = 0;          // in the policy's list: breaks ties between equal levels
};

struct SlaPolicy {
  std::string id;
  Condition when;
  std::optional<Calendar> calendar;               // the policy's own (targets may name another)
  std::array<std::vector<SlaTarget>, 4> targets;  // by Priority, in metric order
  std::array<bool, 6> pauses{};                   // by Status
  std::vector<SlaThreshold> escalations;          // by percent ascending, or as listed if offsets
  bool offsets = false;  // an escalation is an offset: their order depends on each target
};

struct SlaRules {
  std::vector<CustomMetric> metrics;
  std::vector<SlaPolicy> policies;
  const SymbolTable* symbols = nullptr;  // the policy's, which the conditions were compiled against

  [[nodiscard]] std::string_view metric_name(std::size_t metric) const {
    return metric < builtin_metric_count ? builtin_metric_names[metric]
                                         : std::string_view(metrics[metric - builtin_metric_count].name);
  }
};

}  // namespace aftersales::detail
