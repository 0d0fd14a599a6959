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
/// A key while a ticket is counted: views into the ticket (and a day buffer), not copies.
using KeyView = boost::container::small_vector<std::optional<std::string_view>, 6>;

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
  KpiOptions options;
  const date::time_zone* zone = nullptr;  // where days begin; null: UTC
  std::size_t sla_metric_count = 0;
  std::unordered_map<std::string, GroupState> groups;  // by encoded key
  std::int64_t not_yet_created = 0;  // tickets left out: created after the instant counted at


  KpiState(std::shared_ptr<const KpiRules> r, KpiOptions o);
  GroupState& group(const KeyView& key);
  GroupState& group(const GroupKey& key);
  /// `day` receives "YYYY-MM-DD": the local date of `t` where days begin.
  void local_day(Instant t, char (&day)[10]);
  /// The groups ordered by key: the order of every output.
  [[nodiscard]] std::vector<const GroupState*> sorted() const;

 private:
  std::string encoded_;      // reused for every lookup: counting a ticket allocates no key
  date::sys_info offset_{};  // the zone's last period looked up: most tickets fall in it
  date::sys_seconds day_begin_{}, day_end_{};  // the last local day looked up, in UTC
  char day_text_[10] = {};
};

/// The first tally of `target` that `target.merge(other)` would take past 2^63 − 1, by name
/// ("resolved", "resolution", "sla.refund"); nullopt when the merge fits.
std::optional<std::string> merge_overflow(const KpiState& state, const GroupState& target, const GroupState& other);

/// The state as JSON, and back (docs/kpi.md, "partial state").
std::string state_to_json(const KpiState& state);
void state_from_json(KpiState& state, std::string_view json);

}  // namespace aftersales::detail
