#pragma once
// Batches of tickets for every Python call that takes many: ticket dicts, read into Tickets a
// chunk at a time while holding the GIL, or an aftersales.TicketBatch, whose tickets were read
// once when it was built. Either way the C++ work runs without the GIL, and a bad ticket is
// reported the same way by every call: the first in input order, its index in front of every
// path (`tickets[7].events[2].at`).

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
#include <string_view>
#include <utility>
#include <vector>

namespace aftersales::python {

/// The item of a batch that failed first in input order (not first in time: threads race).
/// Safe to record from many threads.
class FirstFailure {
 public:
  /// `items` names the batch in the paths of the error raised: "tickets" gives `tickets[7]...`.
  explicit FirstFailure(std::size_t count, std::string_view items = "tickets")
      : count_(count), items_(items), index_(count) {}

  [[nodiscard]] bool any() const { return index_.load(std::memory_order_relaxed) < count_; }
  [[nodiscard]] bool any_before(std::size_t index) const { return index_.load(std::memory_order_relaxed) < index; }
  /// The failed ticket's index; the count when none failed.
  [[nodiscard]] std::size_t index() const { return index_.load(std::memory_order_relaxed); }

  /// Keeps `error` (an InputError) if ticket `index` comes before the failure kept so far.
  void record(std::size_t index, std::exception_ptr error);

  /// Re-raises the failure, if any, with the item's place in front of its paths.
  void rethrow() const;

  /// Re-raises the failure, if any, for a ticket read from the text line `place` ("line 8"):
  /// in front of its message, its paths being those inside the line.
  void rethrow_from(std::string_view place) const;

 private:
  std::size_t count_;
  std::string_view items_;
  std::atomic<std::size_t> index_;
  std::mutex mutex_;
  std::exception_ptr error_;
};

/// aftersales.TicketBatch: tickets read once into C++ values (from dicts or JSON Lines), then
/// evaluated as often as wanted, under several policies or instants, without being read again.
/// Immutable once built, so the calls that take it read it from many threads without the GIL.
class TicketBatch {
 public:
  explicit TicketBatch(std::vector<Ticket> tickets) : tickets_(std::move(tickets)) {}

  /// The ticket dicts of `tickets` (any iterable), read in order.
  /// @throws as the batch calls do for the first ticket that cannot be read (`tickets[7]...`).
  static TicketBatch from_dicts(pybind11::handle tickets);

  /// The tickets of JSON Lines `text`, one per non-blank line, parsed on up to `threads`
  /// threads (0: one per core). Does not need the GIL.
  /// @throws InputError for the first line in order that is not a valid ticket, its place in
  ///         front of the message: "line 8: invalid ticket: ...", or "line 8 of `source`: ..."
  ///         when `source` (a file's name) is given.
  static TicketBatch from_lines(std::string_view text, unsigned threads, std::string_view source = {});

  [[nodiscard]] std::span<const Ticket> tickets() const { return tickets_; }

 private:
  std::vector<Ticket> tickets_;
};

/// The TicketBatch `tickets` is, or null when it is something else.
[[nodiscard]] const TicketBatch* as_ticket_batch(pybind11::handle tickets);

/// `tickets` (any iterable) as a tuple of our own: another thread may change a list while the
/// GIL is released.
[[nodiscard]] pybind11::tuple ticket_tuple(pybind11::handle tickets);

/// Reads the dicts `items[begin, begin + out.size())` into `out` with `reader`; stops at the first
/// that cannot be read, records it in `failure` and returns how many were read before it.
std::size_t read_ticket_dicts(const pybind11::tuple& items, std::size_t begin, std::span<Ticket> out,
                              TicketDictReader& reader, FirstFailure& failure);

/// Calls `work(first_index, tickets, failure)` without the GIL on successive chunks of
/// `tickets`: all the tickets of a TicketBatch at once, or the ticket dicts of any iterable, read
/// while holding it (a million-ticket replay never sits in memory all at once). A ticket that
/// cannot be read ends its chunk (the tickets before it are still worked on: one may fail earlier
/// in input order) and the batch; `work` records its own failures. Raises the first failure in
/// input order.
template <class Work>
void for_each_ticket_chunk(pybind11::handle tickets, Work&& work) {
  if (const TicketBatch* batch = as_ticket_batch(tickets)) {
    FirstFailure failure(batch->tickets().size());
    {
      const pybind11::gil_scoped_release release;
      work(std::size_t{0}, batch->tickets(), failure);
    }
    failure.rethrow();
    return;
  }
  const pybind11::tuple items = ticket_tuple(tickets);
  const std::size_t count = items.size();
  constexpr std::size_t chunk = 8192;
  TicketDictReader reader;
  std::vector<Ticket> read(std::min(count, chunk));
  FirstFailure failure(count);
  for (std::size_t begin = 0; begin < count && !failure.any(); begin += chunk) {
    const std::size_t size =
        read_ticket_dicts(items, begin, std::span<Ticket>(read.data(), std::min(chunk, count - begin)), reader, failure);
    const pybind11::gil_scoped_release release;
    work(begin, std::span<const Ticket>(read.data(), size), failure);
  }
  failure.rethrow();
}

}  // namespace aftersales::python
