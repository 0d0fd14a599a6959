#pragma once

#include "detail/json_reader.hpp"
#include "policy/policy_data.hpp"

namespace aftersales::detail {

/// Validates and compiles the `routing` section into `data.routing`, recording every problem
/// under its JSON path.
void compile_routing(const Node& node, PolicyData& data);

}  // namespace aftersales::detail
