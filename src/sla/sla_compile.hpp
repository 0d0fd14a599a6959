#pragma once

#include <set>
#include <string>

#include "detail/json_reader.hpp"
#include "policy/policy_data.hpp"

namespace aftersales::detail {

/// Validates and compiles the policy's `sla` section into `data.sla`, after the calendars;
/// references to `invalid_calendars` (already reported) are not reported again.
void compile_sla(const Node& node, PolicyData& data, const std::set<std::string, std::less<>>& invalid_calendars);

}  // namespace aftersales::detail
