#pragma once

#include "detail/json_reader.hpp"
#include "policy/policy_data.hpp"

namespace aftersales::detail {

/// Compiles the `kpi` section into `data.kpi`, recording every problem with its path. Reads
/// `data.sla` (scorecards may name SLA metrics), so it runs after the SLA section.
void compile_kpi(const Node& node, PolicyData& data);

/// True when `name` is a metric a scorecard can weigh (KpiGroup::metric).
bool is_scorecard_metric(std::string_view name, const SlaSection& sla);

}  // namespace aftersales::detail
