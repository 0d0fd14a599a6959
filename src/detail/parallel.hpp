#pragma once
// Spreads independent work items over threads for the batch calls.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace aftersales::detail {

/// Calls `work(i)` for every i in [0, count) on up to `threads` threads (0: one per core),
/// in chunks taken from a shared counter. The first exception thrown is rethrown here after
/// every thread has stopped; the remaining items are then skipped.
template <class Work>
void parallel_for(std::size_t count, unsigned threads, Work&& work) {
  constexpr std::size_t chunk = 64;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t useful = (count + chunk - 1) / chunk;
  const auto workers = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(useful, 1)));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto drain = [&] {
    try {
      for (std::size_t begin; !failed.load(std::memory_order_relaxed) &&
                              (begin = next.fetch_add(chunk, std::memory_order_relaxed)) < count;) {
        const std::size_t end = std::min(begin + chunk, count);
        for (std::size_t i = begin; i < end; ++i) work(i);
      }
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < workers; ++t) pool.emplace_back(drain);
  drain();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace aftersales::detail
