#pragma once
// Validates and compiles the `refunds` section of a policy (SPEC §6).

#include "detail/json_reader.hpp"
#include "policy/policy_data.hpp"

namespace aftersales::detail {

/// Compiles `node` into `data.refunds`, recording every problem with its path.
void compile_refunds(const Node& node, PolicyData& data);

}  // namespace aftersales::detail
