#pragma once
// Helpers shared by the C++ test files.

#include <aftersales/calendar.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/values.hpp>

#include <string>
#include <string_view>

namespace aftersales::test {

/// Loads a policy holding one calendar, "c", and keeps only the calendar: a Calendar must
/// outlive the Policy it came from.
inline Calendar make_calendar(std::string_view calendar_json) {
  std::string doc = R"({"schema_version": 1, "calendars": {"c": )";
  doc += calendar_json;
  doc += "}}";
  return Policy::from_json(doc)->calendar("c");
}

inline Instant at(std::string_view rfc3339) { return parse_instant(rfc3339); }

}  // namespace aftersales::test
