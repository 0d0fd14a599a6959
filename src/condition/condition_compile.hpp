#pragma once
// The condition compiler (spec §1): a JSON tree, checked field by field against the condition's
// context, into the flat program of condition_rules.hpp. Only the section compilers include it.

#include <boost/json/value.hpp>
#include <date/tz.h>

#include <cstdint>
#include <optional>

#include "condition/condition_rules.hpp"
#include "document/json_reader.hpp"

namespace aftersales::detail {

/// Compiles `node`; records problems under its path and returns nullopt if there are any.
/// Calendar conditions are accepted only when `calendars` is given.
std::optional<Condition> compile_condition(const Node& node, ConditionContext context, SymbolTable& symbols,
                                           const ConditionCalendars* calendars = nullptr);

/// Compiles a `"valid": {"from": DATE, "to": DATE, "timezone": ZONE}` range (local dates, both
/// inclusive, either optional). `zone` is the default time zone (an SLA policy's calendar's),
/// or null when `timezone` is required; records problems and returns nullopt if there are any.
std::optional<Validity> compile_validity(const Node& node, const date::time_zone* zone);

/// Parses a decimal (`"399.00"`, `12`, `0.95`) as millionths; nullopt if malformed or too large.
std::optional<std::int64_t> parse_millionths(const boost::json::value& value);

}  // namespace aftersales::detail
