#pragma once
// A policy's named calendars, as the policy and the engines that take a calendar's name see them.

#include <aftersales/calendar.hpp>

#include <map>
#include <string>
#include <string_view>

namespace aftersales::detail {

using Calendars = std::map<std::string, Calendar, std::less<>>;

/// The calendar named `name`.
/// @throws NotFoundError naming the calendars there are.
const Calendar& calendar_named(const Calendars& calendars, std::string_view name);

}  // namespace aftersales::detail
