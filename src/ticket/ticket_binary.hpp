#pragma once
// Tickets in the compact binary form of document/binary_codec.hpp: how Python's TicketBatch
// travels to another process (its pickles, to_bytes / from_bytes). A dump of the batch's columns
// (ticket_columns.hpp), column after column, so that writing and reading never build a Ticket:
// the interned texts once, ids as their numbers, an event's instant as milliseconds after its
// ticket's creation, and only the members that fit its type. What is read is held to what the
// ticket readers accept (ticket_reader.hpp), so a batch read back holds nothing a batch read
// from JSON could not.

#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "document/binary_codec.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {

template <>
inline constexpr std::size_t enum_count<Priority> = priority_names.size();
template <>
inline constexpr std::size_t enum_count<Status> = status_names.size();
template <>
inline constexpr std::size_t enum_count<EventType> = event_names.size() + 1;  // and custom

/// The tickets' binary form (format version 3). The tickets are those a ticket reader gives:
/// no event before its ticket's creation.
/// @throws InputError naming the ticket (`tickets[3].events[2].at`) if an event is before its
///         ticket was created, which this form cannot hold.
[[nodiscard]] std::string write_tickets(const TicketBatch& batch);

/// The tickets `data` holds, written by write_tickets.
/// @throws InputError if `data` is not a ticket batch, is of another format version, is damaged (cut
///         short or changed: its checksum does not match), or holds what no ticket reader
///         accepts (naming the ticket and the path: `tickets[3].events[2].score`), such as more
///         than max_ticket_events events, ids over 4 MiB, a score out of its range or an
///         unknown currency.
[[nodiscard]] TicketBatch read_tickets(std::string_view data);

}  // namespace aftersales::detail
