#pragma once
// Tickets given as Python dicts, read straight into aftersales::Ticket by the library's one
// ticket reader (src/ticket/ticket_reader.hpp): no JSON text in between, and every problem is
// reported with the same message and path as for the JSON text the dict stands for.

#include <aftersales/ticket.hpp>

#include <pybind11/pybind11.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace aftersales::python {

/// Reads dicts of the spec §3 ticket shape (lists, tuples or 1-d NumPy arrays for arrays;
/// instants as RFC 3339 text, epoch milliseconds or aware datetimes, pandas' Timestamps
/// included), one after another, reusing its buffers. A member whose value is missing (None,
/// NaN, pd.NA, pd.NaT: is_missing) is read as absent, and a whole float as a whole number, as
/// pandas and pyarrow records carry them. Needs the GIL; one thread at a time.
class TicketDictReader {
 public:
  struct Context;

  TicketDictReader();
  ~TicketDictReader();
  TicketDictReader(const TicketDictReader&) = delete;
  TicketDictReader& operator=(const TicketDictReader&) = delete;

  /// The ticket `ticket`, the element `index` of a batch when given.
  /// @throws InputError listing every problem with its path, as Ticket::from_json does;
  ///         pybind11::type_error naming the path (behind `tickets[index]`) of a value that
  ///         has no JSON form (a set, an object, a non-str key).
  [[nodiscard]] Ticket read(pybind11::handle ticket, std::optional<std::size_t> index = std::nullopt);

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace aftersales::python
