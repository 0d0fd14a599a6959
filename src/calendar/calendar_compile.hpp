#pragma once

#include <aftersales/calendar.hpp>

#include <date/tz.h>

#include <optional>
#include <string>

#include "document/json_reader.hpp"

namespace aftersales::detail {

/// Validates one entry of the policy's `calendars` object and compiles it; records every
/// problem found under the entry's path and returns nullopt if there was any.
std::optional<Calendar> compile_calendar(const std::string& name, const Node& node);

/// The IANA time zone named by `node` (a string), or nullptr after recording a problem there.
const date::time_zone* read_time_zone(const Node& node);

}  // namespace aftersales::detail
