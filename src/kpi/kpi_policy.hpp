#pragma once
// The compiled `kpi` section of a policy (SPEC §7): which tickets are complaints, and the
// scorecards.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "condition/condition_rules.hpp"

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

struct KpiSection {
  // Tickets counted as complaints; without it, category "complaint" or "complaint/...".
  std::optional<Condition> complaints;
  std::vector<Scorecard> scorecards;
};

}  // namespace aftersales::detail
