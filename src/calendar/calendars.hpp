#pragma once
// A policy's named calendars, as the policy and the engines that take a calendar's name see them.

#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>

#include <map>
#include <string>
#include <string_view>

namespace aftersales::detail {

/// The RangeError of a computation that needs a date after a calendar's coverage horizon
/// ("beyond": "error"). A type of its own so that an engine which reads "beyond year 2200" as
/// "never" (an SLA clock's due instant) does not read an unknown holiday year as "never" too.
class BeyondCoverage : public RangeError {
 public:
  using RangeError::RangeError;
};

using Calendars = std::map<std::string, Calendar, std::less<>>;

/// The calendar named `name`.
/// @throws NotFoundError naming the calendars there are.
const Calendar& calendar_named(const Calendars& calendars, std::string_view name);

}  // namespace aftersales::detail
