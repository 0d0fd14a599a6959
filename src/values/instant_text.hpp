#pragma once

#include <aftersales/values.hpp>

#include <chrono>
#include <cstddef>

namespace aftersales::detail {

/// Writes `t` as RFC 3339 UTC into `text` (no terminator) and returns the length, 20 or 24:
/// format_instant without the allocation, for writers that emit instants by the million.
std::size_t write_instant(Instant t, char (&text)[24]);

/// Writes `t` as RFC 3339 in local time `offset` east of UTC ("2026-11-11T08:00:00+08:00";
/// "+00:00" for a zero offset) into `text` and returns the length, 25 or 29. Offsets are whole
/// minutes and less than a day.
std::size_t write_instant(Instant t, std::chrono::minutes offset, char (&text)[29]);

}  // namespace aftersales::detail
