#pragma once
// Validates and compiles the `refunds` section of a policy (spec §6) into the refund rules.

#include <optional>

#include "document/json_reader.hpp"
#include "refund/refund_rules.hpp"

namespace aftersales::detail {

/// Compiles the `refunds` section (absent: no refund policies), recording every problem with its path. Conditions intern their strings in
/// `symbols`, which the rules keep a pointer to (it must outlive them).
RefundRules compile_refunds(const std::optional<Node>& section, SymbolTable& symbols);

}  // namespace aftersales::detail
