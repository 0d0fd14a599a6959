#pragma once
// Helpers shared by the C++ test files.

#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/values.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/monotonic_resource.hpp>

#include "detail/json_reader.hpp"

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

/// The JSON parser's own problems with a document (syntax, limits, duplicate keys), before any
/// policy section reads it: every section now checks its keys, so free-form JSON lives here.
inline std::vector<Problem> parse_problems(std::string_view json, const LoadLimits& limits = {}) {
  detail::Problems problems;
  boost::json::monotonic_resource scratch;
  (void)detail::parse_json(json, limits, problems, &scratch);
  try {
    problems.throw_if_any();
  } catch (const PolicyError& e) {
    return e.problems();
  }
  return {};
}

}  // namespace aftersales::test
