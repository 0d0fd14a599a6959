#pragma once
// Batches of ticket dicts: read into Tickets a chunk at a time while holding the GIL, then
// handed to C++ work without it. Shared by every Python call that takes many tickets, so that a
// bad ticket is reported the same way by all of them: the first in input order, its index in
// front of every path (`tickets[7].events[2].at`).

#include "ticket_dict.hpp"

#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>

#include <pybind11/pybind11.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <span>
#include <vector>

namespace aftersales::python {

/// The ticket of a batch that failed first in input order (not first in time: threads race).
/// Safe to record from many threads.
class FirstFailure {
 public:
  explicit FirstFailure(std::size_t count) : count_(count), index_(count) {}

  [[nodiscard]] bool any() const { return index_.load(std::memory_order_relaxed) < count_; }
  [[nodiscard]] bool any_before(std::size_t index) const { return index_.load(std::memory_order_relaxed) < index; }

  /// Keeps `error` (an InputError) if ticket `index` comes before the failure kept so far.
  void record(std::size_t index, std::exception_ptr error);

  /// Re-raises the failure, if any, with the ticket's place in front of its paths.
  void rethrow() const;

 private:
  std::size_t count_;
  std::atomic<std::size_t> index_;
  std::mutex mutex_;
  std::exception_ptr error_;
};

/// Calls `work(first_index, tickets, failure)` without the GIL on successive chunks of the ticket
/// dicts in `tickets` (any iterable), read while holding it; the tickets of a million-ticket
/// replay never sit in memory all at once. A ticket that cannot be read ends its chunk (the
/// tickets before it are still worked on: one may fail earlier in input order) and the batch;
/// `work` records its own failures. Raises the first failure in input order.
template <class Work>
void for_each_ticket_chunk(pybind11::handle tickets, Work&& work) {
  // A tuple of our own: another thread may change a list while the GIL is released.
  const auto items = pybind11::reinterpret_steal<pybind11::object>(PySequence_Tuple(tickets.ptr()));
  if (!items) throw pybind11::error_already_set();
  const auto count = static_cast<std::size_t>(PyTuple_GET_SIZE(items.ptr()));
  constexpr std::size_t chunk = 8192;
  TicketDictReader reader;
  std::vector<Ticket> read(std::min(count, chunk));
  FirstFailure failure(count);
  for (std::size_t begin = 0; begin < count && !failure.any(); begin += chunk) {
    std::size_t size = std::min(chunk, count - begin);
    for (std::size_t j = 0; j < size; ++j) {
      try {
        read[j] = reader.read(PyTuple_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(begin + j)), begin + j);
      } catch (const InputError&) {
        failure.record(begin + j, std::current_exception());
        size = j;
      }
    }
    const pybind11::gil_scoped_release release;
    work(begin, std::span<const Ticket>(read.data(), size), failure);
  }
  failure.rethrow();
}

}  // namespace aftersales::python
