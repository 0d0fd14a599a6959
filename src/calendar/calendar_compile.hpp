#pragma once

#include <aftersales/calendar.hpp>

#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <string>

#include "document/json_reader.hpp"

namespace aftersales::detail {

/// Validates one entry of the policy's `calendars` object and compiles it; records every
/// problem found under the entry's path and returns nullopt if there was any.
std::optional<Calendar> compile_calendar(const std::string& name, const Node& node);

/// A `"YYYY-MM-DD"` date within years 1970-2200 as days since the epoch, or nullopt after
/// recording a problem there.
std::optional<std::int32_t> read_date(const Node& node);
/// Days since the epoch as `"YYYY-MM-DD"`.
std::string format_day(std::int32_t day);

/// The IANA time zone named by `node` (a string), or nullptr after recording a problem there.
const date::time_zone* read_time_zone(const Node& node);

/// The local date `"YYYY-MM-DD"` of `node` as days since 1970-01-01, or nullopt after recording a
/// problem there (not a date, or outside the supported years).
std::optional<std::int32_t> parse_date(const Node& node);

}  // namespace aftersales::detail
