#pragma once
// The compiled policy, read by the engines. Built once by Policy::from_json, then immutable.

#include <aftersales/calendar.hpp>

#include <map>
#include <string>

namespace aftersales::detail {

struct PolicyData {
  int schema_version = 1;
  std::map<std::string, Calendar, std::less<>> calendars;
};

}  // namespace aftersales::detail
