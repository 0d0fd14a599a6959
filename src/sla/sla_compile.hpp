#pragma once
// Compiles the policy's `sla` section into the SLA rules.

#include <optional>
#include <set>
#include <string>

#include "calendar/calendars.hpp"
#include "document/json_reader.hpp"
#include "sla/sla_rules.hpp"

namespace aftersales::detail {

/// Validates and compiles the policy's `sla` section (absent: no SLA policies), recording every
/// problem under its path.
/// Conditions intern their strings in `symbols`, which the rules keep a pointer to (it must
/// outlive them); calendars are looked up in `calendars`, and references to
/// `invalid_calendars` (already reported) are not reported again; `pause_on` may name the
/// custom statuses of `statuses` (the policy's, which the rules keep a pointer to).
SlaRules compile_sla(const std::optional<Node>& section, SymbolTable& symbols, const Calendars& calendars,
                     const std::set<std::string, std::less<>>& invalid_calendars, const StatusCategories& statuses);

}  // namespace aftersales::detail
