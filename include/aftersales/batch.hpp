#pragma once
/// @file
/// How a batch call (many tickets or requests at once, or a JSON Lines text) runs.
///
/// Every batch follows one rule (docs/threading.md): results come back in input order, and
/// when items fail, the error reported is the one of the earliest failing input by index,
/// whatever the timing of the threads. In JSON Lines a bad line instead yields
/// `{"line": N, "error": "..."}` and the batch goes on.

#include <cstddef>

namespace aftersales {

/// Options shared by the batch calls.
struct BatchOptions {
  unsigned threads = 0;        ///< 0: one per core
  std::size_t first_line = 1;  ///< JSON Lines: the number of the text's first line in error records
};

}  // namespace aftersales
