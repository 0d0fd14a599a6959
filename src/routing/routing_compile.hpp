#pragma once
// Validates and compiles the `routing` section of a policy (spec §5) into the routing rules.

#include <optional>

#include "document/json_reader.hpp"
#include "routing/routing_rules.hpp"

namespace aftersales::detail {

/// Compiles the `routing` section (absent: `present` is false), recording every problem under
/// its JSON path. Conditions intern their
/// strings in `symbols` and may name the policy's `calendars`; the rules keep pointers to
/// `symbols` and `sla` (both must outlive them).
RoutingRules compile_routing(const std::optional<Node>& section, SymbolTable& symbols, const SlaRules& sla,
                             const ConditionCalendars& calendars);

}  // namespace aftersales::detail
