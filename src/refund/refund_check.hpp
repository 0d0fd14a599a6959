#pragma once
// The refund engine: a request and the compiled policy in, a decision out (SPEC §6).

#include <aftersales/refund.hpp>

#include "policy/policy_data.hpp"

namespace aftersales::detail {

/// @throws InputError when a hand-built request names a line its order does not have, or a
///         discount exceeds the goods it applies to; RangeError when an amount overflows.
RefundDecision check_refund(const PolicyData& data, const RefundRequest& request);

}  // namespace aftersales::detail
