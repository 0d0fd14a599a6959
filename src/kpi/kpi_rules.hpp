#pragma once
// The KPI rules (spec §7): the policy's `kpi` section compiled (kpi_compile.hpp) — which tickets
// are complaints, and the scorecards — and what else KPI counting reads of the policy.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>

#include "calendar/calendars.hpp"
#include "condition/condition_rules.hpp"
#include "sla/sla_rules.hpp"

namespace aftersales::detail {

struct ScorecardRule {
  std::string metric;  // a KpiGroup::metric name
  double weight = 0;
  double target = 0;
  double floor = 0;
  bool critical = false;
};

struct Scorecard {
  std::string id;
  std::vector<ScorecardRule> metrics;  // in document order
  std::array<double, 4> stars{60, 70, 80, 90};  // lowest score for 2, 3, 4 and 5 stars
};

struct KpiRules {
  // Tickets counted as complaints; without it, category "complaint" or "complaint/...".
  std::optional<Condition> complaints;
  std::vector<Scorecard> scorecards;
  // The policy's, which the KPI counts read too:
  const SymbolTable* symbols = nullptr;  // which `complaints` was compiled against
  const SlaRules* sla = nullptr;         // the SLA states and metric names
  const Calendars* calendars = nullptr;  // their shared zone is the last default of KpiOptions::time_zone
  const date::time_zone* time_zone = nullptr;  // `kpi.timezone`, the default of KpiOptions::time_zone
};

}  // namespace aftersales::detail
