#pragma once
/// @file
/// How a batch call runs: the options every engine's many-items and JSON Lines forms take.

#include <cstddef>

namespace aftersales {

/// Options of a batch call (many items on threads, or JSON Lines).
struct BatchOptions {
  unsigned threads = 0;        ///< 0: one per core
  std::size_t first_line = 1;  ///< JSON Lines: the number of the text's first line in error records
};

}  // namespace aftersales
