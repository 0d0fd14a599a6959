#pragma once
// A fast path from ticket dicts to Tickets that skips writing and parsing JSON. It takes only
// dicts whose every value is of the plain expected type and valid; for anything else it gives
// up (nullopt) and the caller goes the JSON way, so Ticket::from_json stays the one judge of
// bad input and the only source of error messages.

#include <aftersales/ticket.hpp>

#include <pybind11/pybind11.h>

#include <optional>

namespace aftersales::python {

/// The ticket `dict` describes, or nullopt when it is not a plainly valid ticket. Never throws
/// and leaves no Python error set. Needs the GIL.
[[nodiscard]] std::optional<Ticket> read_ticket_dict(pybind11::handle dict) noexcept;

}  // namespace aftersales::python
