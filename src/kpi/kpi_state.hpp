#pragma once
// The accumulator's state: per group, the counters behind every rate, the two duration
// sketches and the SLA tallies. Shared by the engine (kpi.cpp) and its JSON form.

#include <aftersales/kpi.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kpi/kpi_rules.hpp"
#include "kpi/quantile_sketch.hpp"

#include <boost/container/small_vector.hpp>
#include <date/tz.h>

namespace aftersales::detail {

enum Counter : std::uint8_t {
  tickets, resolved, backlog, ever_resolved, reopened, fcr, one_touch, bot_resolved, escalated, reassigned,
  rated, satisfied, nps_rated, promoters, detractors, complaints,
};
inline constexpr std::size_t counter_count = 16;
inline constexpr std::array<std::string_view, counter_count> counter_names{
    "tickets", "resolved", "backlog", "ever_resolved", "reopened", "fcr", "one_touch", "bot_resolved",
    "escalated", "reassigned", "rated", "satisfied", "nps_rated", "promoters", "detractors", "complaints"};

using GroupKey = std::vector<std::optional<std::string>>;
/// A key while a ticket is counted: views into the ticket (and the Adder's buffers), not copies.
using KeyView = boost::container::small_vector<std::optional<std::string_view>, 6>;

/// What a field dimension without a name is told.
inline constexpr std::string_view unnamed_field =
    "a field dimension needs the field's name: fields.<name>, such as fields.region";

/// The text of a number (shortest round trip: at most 24 characters).
using NumberText = std::array<char, 32>;

/// The keys of the time dimensions of one instant, in the state's zone.
struct LocalKeys {
  char day[10];    // 2026-11-11
  char hour[13];   // 2026-11-11T20
  char week[8];    // 2026-W46 (ISO 8601 week-year and week)
  char month[7];   // 2026-11
};

struct GroupState {
  GroupKey key;
  std::array<std::int64_t, counter_count> counts{};
  QuantileSketch first_response;  // milliseconds
  QuantileSketch resolution;
  std::vector<std::array<std::int64_t, 2>> sla;  // by SLA metric id: achieved, breached

  void merge(const GroupState& other);
};

struct KpiState {
  std::shared_ptr<const KpiRules> rules;  // the policy's, sharing its ownership
  /// As asked, with `time_zone` resolved (docs/kpi.md, "Time zone"): the zone's name with a
  /// time dimension, empty without one. Copies and merges compare it.
  KpiOptions options;
  const date::time_zone* zone = nullptr;  // where days begin; null without a time dimension
  std::optional<std::size_t> agent_slot, tag_slot;  // where agent and tag are in group_by
  std::size_t sla_metric_count = 0;
  std::unordered_map<std::string, GroupState> groups;  // by encoded key
  std::int64_t not_yet_created = 0;  // tickets left out: created after the instant counted at

  /// @throws InputError as KpiAccumulator's constructor.
  KpiState(std::shared_ptr<const KpiRules> r, KpiOptions o);
  GroupState& group(const KeyView& key);
  GroupState& group(const GroupKey& key);
  /// The time keys of `t` (the state has a zone), valid until the next call.
  const LocalKeys& local_keys(Instant t);
  /// Where the key of the field dimension at `slot` is written when it is a number: valid while
  /// one ticket is counted.
  NumberText& number_text(std::size_t slot) { return numbers_[slot]; }
  /// The groups ordered by key: the order of every output.
  [[nodiscard]] std::vector<const GroupState*> sorted() const;

 private:
  std::string encoded_;      // reused for every lookup: counting a ticket allocates no key
  date::sys_info offset_{};  // the zone's last period looked up: most tickets fall in it
  date::sys_seconds day_begin_{}, day_end_{};  // the last local day looked up, in UTC, while the offset holds
  date::sys_seconds day_zero_{};  // its local midnight under that offset: local hours count from it
  bool by_hour_ = false;          // whether keys_.hour is asked for: its digits change within the day
  LocalKeys keys_{};
  std::vector<NumberText> numbers_;  // by group_by slot
};

/// The first tally of `target` that `target.merge(other)` would take past 2^63 − 1, by name
/// ("resolved", "resolution", "sla.refund"); nullopt when the merge fits.
std::optional<std::string> merge_overflow(const KpiState& state, const GroupState& target, const GroupState& other);

/// The state as JSON, and back (docs/kpi.md, "partial state").
std::string state_to_json(const KpiState& state);
void state_from_json(KpiState& state, std::string_view json);

}  // namespace aftersales::detail
