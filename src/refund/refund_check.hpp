#pragma once
// The refund engine: a request and the refund rules in, a decision out (spec §6).

#include <aftersales/refund.hpp>

#include "refund/refund_rules.hpp"

namespace aftersales::detail {

/// @throws InputError when a hand-built request names a line its order does not have, or a
///         discount exceeds the goods it applies to; RangeError when an amount overflows.
RefundDecision check_refund(const RefundRules& rules, const RefundRequest& request);

}  // namespace aftersales::detail
