#pragma once
// Local wall-clock time to instants, for the engines that keep calendars and refund windows.
// Reading a zone's name from the document is the compilers' (calendar_compile.hpp).

#include <date/tz.h>

#include <chrono>

namespace aftersales::detail {

/// Maps a local wall-clock time in `zone` to an instant the way spec §2 says: a time that does
/// not exist (spring-forward gap) maps to the instant the gap ends; an ambiguous one
/// (fall-back) maps to the earlier instant.
std::chrono::sys_seconds to_instant(const date::time_zone& zone, date::local_seconds local);

}  // namespace aftersales::detail
