#pragma once
// The two JSON readers behind Ticket::from_json. Tickets arrive by the million (JSON Lines
// batches), so a valid one is read by simdjson, whose parse costs a fourth of Boost.JSON's;
// a ticket with any problem is read again by the Boost.JSON reader, which names every problem
// with its path. The messages are thus those of one reader whichever read the ticket first.

#include <aftersales/ticket.hpp>

#include <optional>
#include <string_view>

namespace aftersales::detail {

/// The ticket `json` holds, read by simdjson; nullopt when it has any problem (syntax, limits,
/// shape), or is something simdjson refuses that Boost.JSON may take (a number over 64 bits).
/// A ticket it returns is the one read_ticket_boost returns for `json`, member for member.
std::optional<Ticket> read_ticket_simdjson(std::string_view json);

/// The ticket `json` holds, read by Boost.JSON.
/// @throws InputError "invalid ticket" listing every problem with its path.
Ticket read_ticket_boost(std::string_view json);

}  // namespace aftersales::detail
