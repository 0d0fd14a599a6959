#pragma once
/// @file
/// SLA evaluation (SPEC §4): where each of a ticket's SLA clocks stands at an instant, which
/// escalations it has reached, and when the host should look again.

#include <aftersales/export.h>
#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <optional>
#include <string>
#include <vector>

namespace aftersales {

enum class SlaState : std::uint8_t { active, paused, achieved, breached };

AFTERSALES_EXPORT std::string_view to_string(SlaState state) noexcept;

/// One instance of one metric: `next_response` and `periodic_update` have one per cycle.
struct AFTERSALES_EXPORT SlaMetric {
  std::string metric;   ///< `first_response`, ..., or a custom metric's name
  int cycle = 0;        ///< 0-based
  Duration target{};
  Duration elapsed{};   ///< business time on the target's calendar (elapsed time without one)
  Instant started_at{};
  std::optional<Instant> due_at;        ///< when the clock will reach the target; null while paused or once completed
  std::optional<Instant> breached_at;   ///< the instant the clock reached the target, if it has
  std::optional<Instant> completed_at;  ///< when the metric's stop event came
  SlaState state = SlaState::active;

  [[nodiscard]] Duration remaining() const noexcept { return target - elapsed; }
  /// 100 × elapsed / target.
  [[nodiscard]] double percent() const noexcept;
};

/// A threshold of the policy's `escalations` that a metric's clock has reached.
struct SlaEscalation {
  std::string metric;
  int cycle = 0;
  int percent = 0;       ///< the threshold, e.g. 80 for "80%"
  std::string action;
  std::string to;        ///< empty when the threshold names no one
  Instant reached_at{};
};

struct AFTERSALES_EXPORT SlaReport {
  std::string ticket;
  std::optional<std::string> policy;  ///< the SLA policy that applied; null if none matched
  Priority priority = Priority::normal;  ///< the ticket's priority at the instant evaluated
  std::vector<SlaMetric> metrics;
  std::vector<SlaEscalation> escalations;  ///< ordered by reached_at
  /// The earliest instant after the one evaluated when a state or escalation changes by
  /// itself (a breach, a threshold), assuming no new events; null if nothing is pending.
  std::optional<Instant> next_check_at;

  /// The SPEC §4 JSON shape (also what the C ABI and Python's `.to_dict()` give).
  [[nodiscard]] std::string to_json() const;
};

}  // namespace aftersales
