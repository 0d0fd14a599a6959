#pragma once
// The bound on a ticket's events (max_ticket_events), shared by the readers, which check it
// before reading any event, and the engines, which check hand-built tickets.

#include <aftersales/ticket.hpp>

#include <cstddef>
#include <string>

namespace aftersales::detail {

/// The most bytes one ticket's document may take (JSON text, or the binary form of
/// ticket_binary.hpp): tickets arrive by the million, so less than a policy may.
inline constexpr std::size_t max_ticket_bytes = 4u << 20;

/// @throws InputError as Ticket::from_json refuses a document of `bytes` bytes, more than
///         max_ticket_bytes (a line of a stream, skipped unread: batch::Line::oversized).
[[noreturn]] void refuse_ticket_size(std::size_t bytes);

/// The problem with a ticket of `count` events, more than max_ticket_events, as reported at
/// its "events".
std::string too_many_events(std::size_t count);

/// @throws InputError at "events" when a ticket has `count` events, more than max_ticket_events.
void require_event_limit(std::size_t count);

/// @throws InputError when the Event::detail of event `i` of a hand-built ticket indexes
///         nothing its type allows: at "events[i].to", a custom status that is not a
///         non-empty one of its custom_statuses; at "events[i].metric" or ".due_at", an
///         override without a metric or due before the event; at "events[i].field" or
///         ".tag", a change naming none; at "events[i].detail", an index out of range or on
///         another type of event.
void require_detail(const Ticket& ticket, std::size_t i);

}  // namespace aftersales::detail
