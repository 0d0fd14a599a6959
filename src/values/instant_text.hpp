#pragma once

#include <aftersales/values.hpp>

#include <cstddef>

namespace aftersales::detail {

/// Writes `t` as RFC 3339 UTC into `text` (no terminator) and returns the length, 20 or 24:
/// format_instant without the allocation, for writers that emit instants by the million.
std::size_t write_instant(Instant t, char (&text)[24]);

}  // namespace aftersales::detail
