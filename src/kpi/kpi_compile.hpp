#pragma once
// Validates and compiles the `kpi` section of a policy (spec §7) into the KPI rules.

#include <optional>

#include "calendar/calendars.hpp"
#include "document/json_reader.hpp"
#include "kpi/kpi_rules.hpp"

namespace aftersales::detail {

/// Compiles the `kpi` section (absent: no scorecards), recording every problem with its path. Scorecards may name SLA metrics, so
/// it runs after the SLA section. Conditions intern their strings in `symbols`; the rules keep
/// pointers to it, to `sla` and to `calendars` (all must outlive them).
KpiRules compile_kpi(const std::optional<Node>& section, SymbolTable& symbols, const SlaRules& sla,
                     const Calendars& calendars);

/// True when `name` is a metric a scorecard can weigh (KpiGroup::metric).
bool is_scorecard_metric(std::string_view name, const SlaRules& sla);

}  // namespace aftersales::detail
