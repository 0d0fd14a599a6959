#pragma once
// Validates and compiles the `compensation` section of a policy into the compensation rules.

#include <optional>

#include "compensation/compensation_rules.hpp"
#include "document/json_reader.hpp"

namespace aftersales::detail {

/// Compiles the `compensation` section (absent: no compensation policies), recording every
/// problem with its path. Conditions intern their strings in `symbols`, which the rules keep a
/// pointer to (it must outlive them).
CompensationRules compile_compensation(const std::optional<Node>& section, SymbolTable& symbols);

}  // namespace aftersales::detail
