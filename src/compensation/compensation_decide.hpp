#pragma once
// The compensation engine: a request and the compensation rules in, a decision out
// (docs/compensation.md).

#include <aftersales/compensation.hpp>

#include "compensation/compensation_rules.hpp"

namespace aftersales::detail {

/// @throws InputError when a hand-built request's amounts are not in its order's currency;
///         RangeError when an amount overflows.
CompensationDecision decide_compensation(const CompensationRules& rules, const CompensationRequest& request);

}  // namespace aftersales::detail
