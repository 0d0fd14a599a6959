#pragma once
// The names of a KPI group's metrics (docs/kpi.md), each beside the member that holds it: how
// KpiResult::to_json writes them, how KpiGroup::metric finds them, and which a scorecard may
// name. One table, so the three cannot disagree.

#include <aftersales/kpi.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace aftersales::detail {

struct CountMetric {
  std::string_view name;
  std::int64_t KpiGroup::*value;
};

/// The counts a scorecard may name, in the order a group's JSON lists them.
inline constexpr std::array<CountMetric, 3> count_metrics{
    {{"tickets", &KpiGroup::tickets}, {"resolved", &KpiGroup::resolved}, {"backlog", &KpiGroup::backlog}}};

struct RateMetric {
  std::string_view name;
  std::optional<double> KpiGroup::*value;
};

/// The rates, in the order a group's JSON lists them (the complaint count stands just before
/// complaint_rate).
inline constexpr std::array<RateMetric, 9> rate_metrics{{
    {"fcr_rate", &KpiGroup::fcr_rate},
    {"one_touch_rate", &KpiGroup::one_touch_rate},
    {"reopen_rate", &KpiGroup::reopen_rate},
    {"csat", &KpiGroup::csat},
    {"nps", &KpiGroup::nps},
    {"escalation_rate", &KpiGroup::escalation_rate},
    {"reassignment_rate", &KpiGroup::reassignment_rate},
    {"bot_resolution_rate", &KpiGroup::bot_resolution_rate},
    {"complaint_rate", &KpiGroup::complaint_rate},
}};

struct DurationMetric {
  std::string_view name;
  KpiDurationStats KpiGroup::*value;
};

/// The durations; a scorecard names one of their statistics: "first_response_s.p50".
inline constexpr std::array<DurationMetric, 5> duration_metrics{{{"first_response_s", &KpiGroup::first_response},
                                                                 {"resolution_s", &KpiGroup::resolution},
                                                                 {"requester_wait_s", &KpiGroup::requester_wait},
                                                                 {"agent_work_s", &KpiGroup::agent_work},
                                                                 {"on_hold_s", &KpiGroup::on_hold}}};

struct DurationStat {
  std::string_view name;
  std::optional<double> KpiDurationStats::*value;
};

inline constexpr std::array<DurationStat, 3> duration_stats{
    {{"mean", &KpiDurationStats::mean_s}, {"p50", &KpiDurationStats::p50_s}, {"p90", &KpiDurationStats::p90_s}}};

/// The entry of `table` named `name`, if any.
template <class Entry, std::size_t N>
const Entry* find_metric(const std::array<Entry, N>& table, std::string_view name) {
  for (const Entry& entry : table)
    if (entry.name == name) return &entry;
  return nullptr;
}

}  // namespace aftersales::detail
