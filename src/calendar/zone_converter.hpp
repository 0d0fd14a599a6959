#pragma once

#include <date/tz.h>

#include <chrono>

#include "detail/json_reader.hpp"

namespace aftersales::detail {

/// The IANA time zone named by `node` (a string), or nullptr after recording a problem there.
const date::time_zone* read_time_zone(const Node& node);

/// Maps a local wall-clock time in `zone` to an instant the way SPEC §2 says: a time that does
/// not exist (spring-forward gap) maps to the instant the gap ends; an ambiguous one
/// (fall-back) maps to the earlier instant.
std::chrono::sys_seconds to_instant(const date::time_zone& zone, date::local_seconds local);

}  // namespace aftersales::detail
