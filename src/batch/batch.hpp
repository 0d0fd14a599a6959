#pragma once
// The one batch module: every call that takes many items (C++, the C ABI, Python, the CLI) runs
// them here, so that they share one rule (docs/threading.md, "Batches"):
// - results come back in input order;
// - when items fail, the exception rethrown is the one of the earliest failing item by index,
//   whatever the timing of the threads: every item before it has run, so no earlier one can
//   fail, and items after a known failure may be skipped;
// - in JSON Lines a line that fails yields {"line": N, "error": "..."} and the batch goes on,
//   N counting from BatchOptions::first_line;
// - BatchOptions::progress is told how far the batch has got, throttled, from the calling thread
//   (docs/threading.md, "Progress").

#include <aftersales/batch.hpp>
#include <aftersales/error.hpp>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <istream>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "batch/line_blocks.hpp"
#include "document/json_writer.hpp"

namespace aftersales::batch {

/// How far one batch call has got, told to its BatchProgress. Items are counted from any thread
/// (add); reports are made only by the thread that called the batch (report_if_due), so the
/// callback never runs twice at once and a Python callback runs on the caller's thread, where
/// Ctrl-C can be seen. A report is due once both 1% of the items and 100 ms have passed since the
/// last: the cost is one clock read per 1% of the work, never one per item.
class Progress {
 public:
  /// Counts nothing and reports nothing.
  Progress() = default;

  /// Reports `total` items to `report` (nothing when it is empty). `report` must outlive this.
  Progress(const BatchProgress& report, std::size_t total)
      : report_(report ? &report : nullptr),
        total_(total),
        step_(std::max<std::size_t>(total / 100, 1)),
        reported_at_(std::chrono::steady_clock::now()) {}

  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Counts `items` more done. Any thread.
  void add(std::size_t items) {
    if (report_ != nullptr) done_.fetch_add(items, std::memory_order_relaxed);
  }

  /// Calls the callback if a report is due. Only the thread that called the batch.
  /// @throws what the callback throws.
  void report_if_due() {
    if (report_ == nullptr) return;
    const std::size_t done = done_.load(std::memory_order_relaxed);
    // done == total is left to finish(), which makes that call once, and only on success.
    if (done < reported_ + step_ || done >= total_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - reported_at_ < interval) return;
    reported_ = done;
    reported_at_ = now;
    (*report_)(done, total_);
  }

  /// The last report, done == total, once the batch has succeeded.
  /// @throws what the callback throws.
  void finish() const {
    if (report_ != nullptr) (*report_)(total_, total_);
  }

 private:
  static constexpr std::chrono::milliseconds interval{100};

  const BatchProgress* report_ = nullptr;
  std::size_t total_ = 0;
  std::size_t step_ = 1;  // 1% of total
  std::atomic<std::size_t> done_{0};
  // The calling thread's alone.
  std::size_t reported_ = 0;
  std::chrono::steady_clock::time_point reported_at_;
};

/// Calls `work(i)` for every i in [0, count) on up to `threads` threads (0: one per core),
/// handing out `chunk` consecutive indices at a time in increasing order, and counts them in
/// `progress`, which the calling thread reports after each of its chunks. If calls throw, the
/// exception of the smallest failing index is rethrown once every thread has stopped. If the
/// progress callback throws, no further item starts and its exception is rethrown instead.
/// Leaves progress.finish() to the caller (a Python batch runs several of these as one).
template <class Work>
void for_each_chunked(std::size_t count, unsigned threads, std::size_t chunk, Progress& progress, Work&& work) {
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
  // What the progress callback threw: it stops the batch as a failure of item 0 would.
  std::exception_ptr stopped;
  const auto drain = [&](bool caller) {
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
      progress.add(end - begin);
      if (!caller) continue;
      try {
        progress.report_if_due();
      } catch (...) {
        stopped = std::current_exception();
        const std::lock_guard lock(error_mutex);
        earliest.store(0, relaxed);
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  try {
    for (unsigned t = 1; t < workers; ++t) pool.emplace_back(drain, false);
  } catch (const std::system_error&) {
    // The system gave fewer threads than asked: those running and this one still do every chunk.
  }
  drain(true);
  for (std::thread& t : pool) t.join();
  if (stopped) std::rethrow_exception(stopped);
  if (error) std::rethrow_exception(error);
}

/// Calls `work(i)` for every i in [0, count) on up to `threads` threads (0: one per core),
/// counting them in `progress` (for_each_chunked). If calls throw, the exception of the smallest
/// failing index is rethrown once every thread has stopped: every item before it has run; items
/// after a failure may have been skipped.
template <class Work>
void for_each(std::size_t count, unsigned threads, Progress& progress, Work&& work) {
  // Big enough that threads rarely meet at the counter, small enough to share a few hundred
  // items between threads.
  constexpr std::size_t chunk = 64;
  for_each_chunked(count, threads, chunk, progress, work);
}

/// for_each without progress.
template <class Work>
void for_each(std::size_t count, unsigned threads, Work&& work) {
  Progress none;
  for_each(count, threads, none, work);
}

/// for_each on `options.threads`, reporting to `options.progress` (the last report included).
template <class Work>
void for_each(std::size_t count, const BatchOptions& options, Work&& work) {
  Progress progress(options.progress, count);
  for_each(count, options.threads, progress, work);
  progress.finish();
}

/// Folds the items [0, count) into `total`: the items are cut into slices of `slice`, each slice
/// folded into its own `make()` by `add(state, i)` in index order on up to `threads` threads, then
/// the slices' states merged in slice order by `merge(total, part)`. The result depends on
/// `slice`, never on the threads. `make` may run on several threads at once. Items are counted in
/// `progress`. Failures follow for_each's rule, by item index.
template <class State, class Make, class Add, class Merge>
void reduce_into(State& total, std::size_t count, unsigned threads, std::size_t slice, Progress& progress,
                 const Make& make, const Add& add, const Merge& merge) {
  assert(slice > 0);
  std::vector<std::optional<State>> parts(count / slice + (count % slice != 0));
  // One slice per chunk, its items handed out together in order. A slice stops at its first
  // failing item, so the earliest failing slice holds the earliest failing item, and every slice
  // before it was folded whole.
  for_each_chunked(count, threads, slice, progress, [&](std::size_t i) {
    std::optional<State>& part = parts[i / slice];
    if (i % slice == 0) part.emplace(make());
    add(*part, i);
  });
  for (std::optional<State>& part : parts) merge(total, *part);
}

/// reduce_into a last `make()`, returned.
template <class Make, class Add, class Merge>
auto reduce(std::size_t count, unsigned threads, std::size_t slice, Progress& progress, const Make& make,
            const Add& add, const Merge& merge) -> decltype(make()) {
  auto total = make();
  reduce_into(total, count, threads, slice, progress, make, add, merge);
  return total;
}

/// reduce without progress.
template <class Make, class Add, class Merge>
auto reduce(std::size_t count, unsigned threads, std::size_t slice, const Make& make, const Add& add,
            const Merge& merge) -> decltype(make()) {
  Progress none;
  return reduce(count, threads, slice, none, make, add, merge);
}

/// What `answer(line)` gives, or when it throws an aftersales::Error the line's error record
/// `{"line": N, "error": "..."}`: one bad line never stops a batch.
template <class Answer>
std::string answer_or_record(const Answer& answer, const Line& line) {
  try {
    return answer(line);
  } catch (const Error& e) {
    detail::JsonWriter w;
    w.begin_object().key("line").value(static_cast<std::int64_t>(line.number));
    w.key("error").value(e.what()).end_object();
    return w.take();
  }
}

/// Calls `answer(line)` for every non-blank line of `text` on up to `options.threads` threads and
/// joins the results, each followed by '\n'. A line whose answer throws an aftersales::Error gets
/// its error record instead (answer_or_record; N counting from `options.first_line`). Other
/// exceptions (out of memory) follow for_each's rule. Reports lines to `options.progress`.
template <class Answer>
std::string map_lines(std::string_view text, const BatchOptions& options, const Answer& answer) {
  const std::vector<Line> lines = non_blank_lines(text, options.first_line);
  std::vector<std::string> outputs(lines.size());
  for_each(lines.size(), options, [&](std::size_t i) {
    outputs[i] = answer_or_record([&](const Line& line) { return answer(line.text); }, lines[i]);
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

/// A streamed batch's progress in bytes of the stream (docs/threading.md, "Progress"): `total` is
/// the stream's size, 0 while it is not known (a pipe). Reported within each block as its items
/// are done, at each block's end, and once with done == total at the end.
class StreamProgress {
 public:
  /// `report` must outlive this.
  StreamProgress(const BatchProgress& report, std::size_t total) : report_(report), total_(total) {}

  /// The BatchProgress of the block of bytes [begin, end): its items done, as bytes.
  [[nodiscard]] BatchProgress block(std::size_t begin, std::size_t end) const {
    if (!report_) return {};
    return [this, begin, end](std::size_t done, std::size_t items) {
      report_(begin + (items == 0 ? end - begin : (end - begin) * done / items), total_);
    };
  }

  /// A block ending at `position` is done: reported, unless it is the last one of a known size,
  /// which finish() reports. A report per block lets a Python host see Ctrl-C between blocks.
  void block_done(std::size_t position) const {
    if (report_ && position != total_) report_(position, total_);
  }

  /// The stream is done at `position`.
  void finish(std::size_t position) const {
    if (report_) report_(position, position);
  }

 private:
  const BatchProgress& report_;
  std::size_t total_;
};

/// map_lines over a stream: its JSON Lines read a block at a time (LineBlocks, lines longer than
/// `max_line_bytes` refused by `answer` through Line::oversized), each block's lines answered on up
/// to `options.threads` threads, then written to `out` before the next block is read. `answer`
/// takes a Line. Memory holds one block and its answers, whatever the stream's size.
/// @throws InputError if a stream fails; what answer_or_record lets through.
template <class Answer>
void map_line_stream(std::istream& in, std::ostream& out, std::size_t max_line_bytes, const BatchOptions& options,
                     const Answer& answer) {
  LineBlocks blocks(in, options.block_bytes, max_line_bytes, options.first_line);
  const StreamProgress progress(options.progress, stream_size(in));
  std::vector<std::string> outputs;
  for (std::size_t begin = 0;; begin = blocks.position()) {
    const std::span<const Line> lines = blocks.next();
    if (lines.empty()) break;
    outputs.assign(lines.size(), {});
    const BatchProgress block = progress.block(begin, blocks.position());
    Progress counted(block, lines.size());
    for_each(lines.size(), options.threads, counted,
             [&](std::size_t i) { outputs[i] = answer_or_record(answer, lines[i]); });
    for (const std::string& output : outputs) out.write(output.data(), static_cast<std::streamsize>(output.size())).put('\n');
    if (!out) throw InputError("cannot write the JSON Lines: the output stream failed");
    progress.block_done(blocks.position());
  }
  if (!out.flush()) throw InputError("cannot write the JSON Lines: the output stream failed");
  progress.finish(blocks.position());
}

}  // namespace aftersales::batch
