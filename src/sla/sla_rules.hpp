#pragma once
// The SLA rules (spec §4): the policy's `sla` section compiled (sla_compile.hpp), all the SLA
// engine reads.

#include <aftersales/calendar.hpp>
#include <aftersales/ticket.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "condition/condition_rules.hpp"
#include "ticket/status_categories.hpp"

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

/// The event a custom metric starts or stops on.
struct EventMatch {
  std::string name;                    // empty: none (a condition starts or stops it)
  EventType type = EventType::custom;  // the built-in type `name` names; custom: a custom event's name

  /// Whether an event of `event` type (named `custom_name` if custom) is this one: built-in
  /// events are told apart by type, which the replay compares for every event.
  [[nodiscard]] bool matches(EventType event, std::string_view custom_name) const {
    if (event != EventType::custom) return event == type;
    return !name.empty() && custom_name == name;
  }
};

/// A custom metric: a clock from one event type to another, or driven by conditions on the
/// ticket as each event leaves it (docs/sla.md, "Conditions that start, pause and stop").
struct CustomMetric {
  std::string name;
  EventMatch start;  // empty: only start_when starts it
  EventMatch stop;   // empty: only stop_when stops it
  // Edge-triggered (on false -> true) but for pause_when, which pauses while true.
  std::optional<Condition> start_when, stop_when, pause_when, reset_when;

  [[nodiscard]] bool conditional() const { return start_when || stop_when || pause_when || reset_when; }
};

/// A `pause_on` list: built-in statuses, each pausing in its custom statuses too, and custom
/// statuses named on their own, which pause only in themselves.
struct Pauses {
  unsigned statuses = 0;              // bits by Status
  std::vector<std::uint32_t> custom;  // indices in the policy's StatusCategories

  /// Whether a clock pauses in `status`, and in custom status `custom` (as TicketState's) of it.
  [[nodiscard]] bool pause(Status status, std::uint32_t custom_status) const {
    if ((statuses >> static_cast<unsigned>(status) & 1U) != 0) return true;
    return custom_status != 0 && std::find(custom.begin(), custom.end(), custom_status - 1) != custom.end();
  }
};

/// A threshold of the policy's `escalations` as one target's clock reaches it.
struct SlaReach {
  std::size_t threshold;  // index into SlaPolicy::escalations
  Duration level;         // the elapsed time at which the clock reaches it
};

struct SlaTarget {
  std::size_t metric;  // < builtin_metric_count: BuiltinMetric; else custom index + builtin_metric_count
  Duration target;
  std::optional<Calendar> calendar;  // none: plain elapsed time
  std::optional<Pauses> pauses;      // the target's own pause_on; none: the policy's
  /// The thresholds that apply to the metric, in the order its clock reaches them (levels never
  /// decrease): worked out as the policy loads, so that a report only reads them.
  std::vector<SlaReach> reaches = {};
};

struct SlaThreshold {
  int percent = 0;     // 0 for an offset
  Duration offset{};   // with percent 0: business time after the due instant (negative: before)
  std::string action;
  std::string to;
  std::vector<std::size_t> metrics;  // empty, and olas false: every metric but the OLAs
  bool olas = false;                 // `metrics` names "ola": every queue's OLA
  std::size_t first_ola = SIZE_MAX;  // SlaRules::first_ola()

  /// OLAs are internal agreements between desks: only a threshold that names "ola" applies.
  [[nodiscard]] bool applies(std::size_t metric) const {
    if (metric >= first_ola) return olas;
    if (metrics.empty()) return !olas;
    return std::find(metrics.begin(), metrics.end(), metric) != metrics.end();
  }
  std::optional<Calendar> calendar;  // delivered only while this one is open
};

/// A priority's targets as the replay looks them up by metric, worked out as the policy loads.
struct SlaTargetLookup {
  std::vector<std::size_t> by_metric;  // index into the priority's targets; SIZE_MAX: none
  std::vector<unsigned> pauses;        // by metric: the statuses that pause its clock (bits by Status)
};

struct SlaPolicy {
  std::string id;
  Condition when;
  Validity valid;                                 // judged at the ticket's creation, as `when` is
  std::optional<Calendar> calendar;               // the policy's own (targets may name another)
  std::array<std::vector<SlaTarget>, 4> targets;  // by Priority, in metric order
  Pauses pauses;                                  // pause_on
  std::vector<SlaThreshold> escalations;          // by percent ascending, or as listed if offsets
  bool offsets = false;  // an escalation is an offset: their order depends on each target
  std::array<SlaTargetLookup, 4> lookups;  // by Priority, for `targets`

  /// The pause_on list of `target`'s clock: its own, else the policy's, which pauses only
  /// resolution and custom metrics (OLAs included); null: nothing pauses it.
  [[nodiscard]] const Pauses* pauses_for(const SlaTarget& target) const {
    if (target.pauses) return &*target.pauses;
    const bool pausable = target.metric == static_cast<std::size_t>(BuiltinMetric::resolution) ||
                          target.metric >= builtin_metric_count;
    return pausable ? &pauses : nullptr;
  }
};

/// The thresholds of `policy` that apply to `metric` with `target`, in the order its clock
/// reaches them: by level, compared exactly (80% of 999ms, 799.2ms, comes before "-199ms",
/// 800ms, though both are reached at 800ms), then as listed.
std::vector<SlaReach> reach_order(const SlaPolicy& policy, std::size_t metric, Duration target);

/// The name every OLA instance reports as its metric; its `queue` tells them apart.
inline constexpr std::string_view ola_metric_name = "ola";

struct SlaRules {
  std::vector<CustomMetric> metrics;
  /// The queues some policy's `olas` names, in order of first mention: queue k's ownership
  /// clock is metric first_ola() + k, after the custom metrics.
  std::vector<std::string> ola_queues;
  bool conditional_metrics = false;  // some custom metric has a condition: the replay judges them
  std::vector<SlaPolicy> policies;
  bool timed = false;  // some policy has `valid` dates or a calendar condition
  const SymbolTable* symbols = nullptr;  // the policy's, which the conditions were compiled against
  const StatusCategories* statuses = &no_custom_statuses;  // the policy's `statuses`

  [[nodiscard]] std::size_t first_ola() const { return builtin_metric_count + metrics.size(); }
  [[nodiscard]] std::size_t metric_count() const { return first_ola() + ola_queues.size(); }
  [[nodiscard]] bool is_ola(std::size_t metric) const { return metric >= first_ola(); }
  /// The queue whose ownership `metric` times; empty for every other metric.
  [[nodiscard]] std::string_view queue_of(std::size_t metric) const {
    return is_ola(metric) ? std::string_view(ola_queues[metric - first_ola()]) : std::string_view();
  }
  [[nodiscard]] std::string_view metric_name(std::size_t metric) const {
    if (metric < builtin_metric_count) return builtin_metric_names[metric];
    return is_ola(metric) ? ola_metric_name : std::string_view(metrics[metric - builtin_metric_count].name);
  }
};

}  // namespace aftersales::detail
