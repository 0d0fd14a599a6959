#pragma once

#include <aftersales/calendar.hpp>

#include <optional>
#include <string>

#include "detail/json_reader.hpp"

namespace aftersales::detail {

/// Validates one entry of the policy's `calendars` object and compiles it; records every
/// problem found under the entry's path and returns nullopt if there was any.
std::optional<Calendar> compile_calendar(const std::string& name, const Node& node);

}  // namespace aftersales::detail
