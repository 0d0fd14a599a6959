#pragma once
// The one batch module: every call that takes many items (C++, the C ABI, Python, the CLI) runs
// them here, so that they share one rule (docs/threading.md, "Batches"):
// - results come back in input order;
// - when items fail, the exception rethrown is the one of the earliest failing item by index,
//   whatever the timing of the threads: every item before it has run, so no earlier one can
//   fail, and items after a known failure may be skipped;
// - in JSON Lines a line that fails yields {"line": N, "error": "..."} and the batch goes on,
//   N counting from BatchOptions::first_line.

#include <aftersales/batch.hpp>
#include <aftersales/error.hpp>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "document/json_writer.hpp"

namespace aftersales::batch {

/// Calls `work(i)` for every i in [0, count) on up to `threads` threads (0: one per core),
/// handing out `chunk` consecutive indices at a time in increasing order. If calls throw, the
/// exception of the smallest failing index is rethrown once every thread has stopped.
template <class Work>
void for_each_chunked(std::size_t count, unsigned threads, std::size_t chunk, Work&& work) {
  assert(chunk > 0);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t chunks = count / chunk + (count % chunk != 0);
  const auto workers = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(chunks, 1)));
  constexpr auto relaxed = std::memory_order_relaxed;
  std::atomic<std::size_t> next{0};
  // The smallest index known to have failed, `count` while none has. Only the mutex's holder
  // lowers it; workers read it to skip what can no longer matter.
  std::atomic<std::size_t> earliest{count};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto drain = [&] {
    // Chunks are handed out in increasing order: once one starts at or past a known failure,
    // so does every later one.
    for (std::size_t begin; (begin = next.fetch_add(chunk, relaxed)) < earliest.load(relaxed);) {
      const std::size_t end = std::min(begin + chunk, count);
      for (std::size_t i = begin; i < end && i < earliest.load(relaxed); ++i) {
        try {
          work(i);
        } catch (...) {
          const std::lock_guard lock(error_mutex);
          if (i < earliest.load(relaxed)) {
            earliest.store(i, relaxed);
            error = std::current_exception();
          }
        }
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  try {
    for (unsigned t = 1; t < workers; ++t) pool.emplace_back(drain);
  } catch (const std::system_error&) {
    // The system gave fewer threads than asked: those running and this one still do every chunk.
  }
  drain();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

/// Calls `work(i)` for every i in [0, count) on up to `threads` threads (0: one per core). If
/// calls throw, the exception of the smallest failing index is rethrown once every thread has
/// stopped: every item before it has run; items after a failure may have been skipped.
template <class Work>
void for_each(std::size_t count, unsigned threads, Work&& work) {
  // Big enough that threads rarely meet at the counter, small enough to share a few hundred
  // items between threads.
  constexpr std::size_t chunk = 64;
  for_each_chunked(count, threads, chunk, work);
}

/// Folds the items [0, count) into one state: the items are cut into slices of `slice`, each
/// slice folded into its own `make()` by `add(state, i)` in index order on up to `threads`
/// threads, then the slices' states merged in slice order by `merge(total, part)` into a last
/// `make()`. The result depends on `slice`, never on the threads. `make` may run on several
/// threads at once. Failures follow for_each's rule, by item index.
template <class Make, class Add, class Merge>
auto reduce(std::size_t count, unsigned threads, std::size_t slice, const Make& make, const Add& add,
            const Merge& merge) -> decltype(make()) {
  using State = decltype(make());
  assert(slice > 0);
  std::vector<std::optional<State>> parts(count / slice + (count % slice != 0));
  // One slice per chunk. A slice stops at its first failing item, so the earliest failing slice
  // holds the earliest failing item, and every slice before it was folded whole.
  for_each_chunked(parts.size(), threads, 1, [&](std::size_t s) {
    State& state = parts[s].emplace(make());
    for (std::size_t i = s * slice; i < std::min(count, (s + 1) * slice); ++i) add(state, i);
  });
  State total = make();
  for (std::optional<State>& part : parts) merge(total, *part);
  return total;
}

/// One non-blank line of a JSON Lines text.
struct Line {
  std::size_t number;  ///< counting every line of the text, blank ones included, from first_line
  std::string_view text;
};

/// The lines of `text` that hold more than spaces, tabs and '\r' (JSON Lines skip blank lines),
/// in order, as views into `text`; the text's first line is number `first_line`.
/// @throws RangeError if a line's number would pass 2^63 - 1 (error records carry it as a JSON
///         integer).
inline std::vector<Line> non_blank_lines(std::string_view text, std::size_t first_line = 1) {
  constexpr auto max_number = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  std::vector<Line> lines;
  std::size_t number = first_line;
  for (std::size_t pos = 0; pos < text.size(); ++number) {
    if (number > max_number)
      throw RangeError("first_line " + std::to_string(first_line) + " numbers this text's lines past 2^63 - 1",
                       "first_line");
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back({number, line});
    pos = end + 1;
  }
  return lines;
}

/// Calls `answer(line)` for every non-blank line of `text` on up to `options.threads` threads and
/// joins the results, each followed by '\n'. A line whose answer throws an aftersales::Error gets
/// `{"line": N, "error": "..."}` instead (N counting from `options.first_line`): one bad line
/// never stops a batch. Other exceptions (out of memory) follow for_each's rule.
template <class Answer>
std::string map_lines(std::string_view text, const BatchOptions& options, const Answer& answer) {
  const std::vector<Line> lines = non_blank_lines(text, options.first_line);
  std::vector<std::string> outputs(lines.size());
  for_each(lines.size(), options.threads, [&](std::size_t i) {
    try {
      outputs[i] = answer(lines[i].text);
    } catch (const Error& e) {
      detail::JsonWriter w;
      w.begin_object().key("line").value(static_cast<std::int64_t>(lines[i].number));
      w.key("error").value(e.what()).end_object();
      outputs[i] = w.take();
    }
  });
  std::size_t total = 0;
  for (const std::string& line : outputs) total += line.size() + 1;
  std::string result;
  result.reserve(total);
  for (const std::string& line : outputs) {
    result += line;
    result += '\n';
  }
  return result;
}

}  // namespace aftersales::batch
