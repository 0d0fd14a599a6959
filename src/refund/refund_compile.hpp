#pragma once
// Validates and compiles the `refunds` section of a policy (spec §6) into the refund rules.

#include <optional>
#include <set>
#include <string>

#include "calendar/calendars.hpp"
#include "document/json_reader.hpp"
#include "refund/refund_rules.hpp"

namespace aftersales::detail {

/// Compiles the `refunds` section (absent: no refund policies), recording every problem with its path. Conditions intern their strings in
/// `symbols`, which the rules keep a pointer to (it must outlive them). Working-day promises name
/// one of `calendars`; a name in `invalid_calendars` failed its own validation, reported there.
RefundRules compile_refunds(const std::optional<Node>& section, SymbolTable& symbols, const Calendars& calendars,
                            const std::set<std::string, std::less<>>& invalid_calendars);

}  // namespace aftersales::detail
