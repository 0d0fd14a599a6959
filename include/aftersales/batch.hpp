#pragma once
/// @file
/// How a batch call (many tickets or requests at once, or a JSON Lines text) runs.
///
/// Every batch follows one rule (docs/threading.md): results come back in input order, and
/// when items fail, the error reported is the one of the earliest failing input by index,
/// whatever the timing of the threads. In JSON Lines a bad line instead yields
/// `{"line": N, "error": "..."}` and the batch goes on.

#include <cstddef>
#include <functional>

namespace aftersales {

/// Told how far a batch has got: `done` of `total` items (tickets, requests; for JSON Lines,
/// non-blank lines). See BatchOptions::progress.
using BatchProgress = std::function<void(std::size_t done, std::size_t total)>;

/// Options shared by the batch calls.
struct BatchOptions {
  unsigned threads = 0;        ///< 0: one per core
  std::size_t first_line = 1;  ///< JSON Lines: the number of the text's first line in error records
  /// Called, when set, on the thread that called the batch (so never two calls at once), with
  /// `done` rising: at most about every 1% of the items and at most about every 100 ms (whichever
  /// is rarer), then once with done == total when the batch succeeds. If it throws, the batch
  /// starts no further item and that exception propagates (docs/threading.md, "Progress").
  BatchProgress progress = {};
  /// Streamed JSON Lines (the calls that read a std::istream): the bytes read at a time. A block
  /// of whole lines is done, its results written, before the next is read, so memory holds about
  /// one block and its results whatever the stream's size (docs/performance.md, "Streaming JSON
  /// Lines"). A line may be longer than a block (up to a ticket's 4 MiB limit). At most 1 GiB
  /// (more is an InputError); 0 reads a byte at a time.
  std::size_t block_bytes = 16u << 20;
};

}  // namespace aftersales
