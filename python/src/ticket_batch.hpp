#pragma once
// Batches of tickets for every Python call that takes many: ticket dicts, read into Tickets a
// chunk at a time while holding the GIL, or an aftersales.TicketBatch, whose tickets were read
// once when it was built. Either way the C++ work runs without the GIL, and a bad ticket is
// reported the same way by every call: the first in input order, its index in front of every
// path (`tickets[7].events[2].at`).

#include "ticket_dict.hpp"

#include <aftersales/batch.hpp>
#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>

#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "batch/batch.hpp"

namespace aftersales::python {

/// Rethrows `e`, the error of the item at `place` of a batch ("tickets[7]", "requests[2]"), with
/// the place in front of its paths (`tickets[7].events[2].at`).
[[noreturn]] void throw_at(const InputError& e, const std::string& place);

/// throw_at for the ticket at `index` of a batch: `tickets[7]`.
[[noreturn]] void throw_at_ticket(const InputError& e, std::size_t index);

/// Rethrows `e`, the error of a ticket read from the text line `place` ("line 8"), with the
/// place in front of its message, its paths being those inside the line.
[[noreturn]] void throw_at_line(const InputError& e, std::string_view place);

/// `f()`; an InputError it throws comes out placed at ticket `index` (throw_at_ticket).
template <class F>
decltype(auto) at_ticket(std::size_t index, F&& f) {
  try {
    return f();
  } catch (const InputError& e) {
    throw_at_ticket(e, index);
  }
}

/// aftersales.TicketBatch: tickets read once into the library's column-wise TicketBatch (from
/// dicts or JSON Lines), then evaluated as often as wanted, under several policies or instants,
/// without being read again. Immutable once built, so the calls that take it read it from many
/// threads without the GIL.
class TicketBatch {
 public:
  explicit TicketBatch(aftersales::TicketBatch batch) : batch_(std::move(batch)) {}

  /// The ticket dicts of `tickets` (any iterable), read in order.
  /// @throws as the batch calls do for the first ticket that cannot be read (`tickets[7]...`).
  static TicketBatch from_dicts(pybind11::handle tickets);

  /// The tickets of JSON Lines `text`, one per non-blank line, parsed on up to `threads`
  /// threads (0: one per core), lines reported to `progress`. Does not need the GIL.
  /// @throws InputError for the first line in order that is not a valid ticket, its place in
  ///         front of the message: "line 8: invalid ticket: ...", or "line 8 of `source`: ..."
  ///         when `source` (a file's name) is given; what `progress` throws.
  static TicketBatch from_lines(std::string_view text, unsigned threads, const BatchProgress& progress,
                                std::string_view source = {});

  [[nodiscard]] const aftersales::TicketBatch& batch() const { return batch_; }

 private:
  aftersales::TicketBatch batch_;
};

/// A chunk of tickets read from dicts, as for_each_ticket_chunk hands it out.
struct TicketRows {
  std::span<const Ticket> tickets;
  [[nodiscard]] std::size_t size() const { return tickets.size(); }
};

/// All the rows of a TicketBatch, as for_each_ticket_chunk hands them out: read in place.
struct BatchRows {
  const aftersales::TicketBatch& batch;
  [[nodiscard]] std::size_t size() const { return batch.size(); }
};

/// The TicketBatch `tickets` is, or null when it is something else.
[[nodiscard]] const TicketBatch* as_ticket_batch(pybind11::handle tickets);

/// `tickets` (any iterable) as a tuple of our own: another thread may change a list while the
/// GIL is released.
[[nodiscard]] pybind11::tuple ticket_tuple(pybind11::handle tickets);

/// ticket_tuple for ticket dicts.
/// @throws pybind11::type_error for a pandas DataFrame or a pyarrow Table or RecordBatch (whose
///         iteration gives column names or columns, not tickets), naming the call that reads it.
[[nodiscard]] pybind11::tuple ticket_dicts(pybind11::handle tickets);

/// Reads the dicts `items[begin, begin + out.size())` into `out` with `reader`; stops at the first
/// that cannot be read, keeps its error, placed (throw_at_ticket), in `unread`, and returns how
/// many were read before it.
/// @throws pybind11::error_already_set if a pending signal's handler raises (Ctrl-C).
std::size_t read_ticket_dicts(const pybind11::tuple& items, std::size_t begin, std::span<Ticket> out,
                              TicketDictReader& reader, std::exception_ptr& unread);

/// Calls `work(first_index, rows, counted)` without the GIL on successive chunks of `tickets`:
/// all the rows of a TicketBatch at once (BatchRows), or the ticket dicts of any iterable, read
/// while holding it (TicketRows: a million-ticket replay never sits in memory all at once). `work` runs the chunk
/// through the batch module, which throws its earliest failure (placed with at_ticket), counting
/// the tickets in `counted`: one batch::Progress for all the chunks, which reports to `progress`
/// as one batch of all the tickets. A ticket that cannot be read ends its chunk and the batch,
/// after the tickets before it were worked on: one of them may fail first in input order.
template <class Work>
void for_each_ticket_chunk(pybind11::handle tickets, const BatchProgress& progress, Work&& work) {
  if (const TicketBatch* batch = as_ticket_batch(tickets)) {
    batch::Progress counted(progress, batch->batch().size());
    {
      const pybind11::gil_scoped_release release;
      work(std::size_t{0}, BatchRows{batch->batch()}, counted);
    }
    counted.finish();
    return;
  }
  const pybind11::tuple items = ticket_dicts(tickets);
  const std::size_t count = items.size();
  batch::Progress counted(progress, count);
  constexpr std::size_t chunk = 8192;
  TicketDictReader reader;
  std::vector<Ticket> read(std::min(count, chunk));
  for (std::size_t begin = 0; begin < count; begin += chunk) {
    std::exception_ptr unread;
    const std::size_t size =
        read_ticket_dicts(items, begin, std::span<Ticket>(read.data(), std::min(chunk, count - begin)), reader, unread);
    {
      const pybind11::gil_scoped_release release;
      work(begin, TicketRows{std::span<const Ticket>(read.data(), size)}, counted);
    }
    if (unread) std::rethrow_exception(unread);
  }
  counted.finish();
}

}  // namespace aftersales::python
