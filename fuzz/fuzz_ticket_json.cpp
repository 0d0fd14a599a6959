// Any byte string through both ticket readers (src/ticket/ticket_json.hpp): a ticket simdjson
// reads is one Boost.JSON reads too, member for member (in their binary form, which holds them
// all). What simdjson leaves to Boost.JSON is Boost.JSON's to accept or refuse.
#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "ticket/ticket_binary.hpp"
#include "ticket/ticket_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<aftersales::Ticket> fast = aftersales::detail::read_ticket_simdjson(text);
  if (!fast) return 0;
  try {
    const aftersales::Ticket slow = aftersales::detail::read_ticket_boost(text);
    if (aftersales::detail::write_tickets(aftersales::TicketBatch::from_tickets({&*fast, 1})) !=
        aftersales::detail::write_tickets(aftersales::TicketBatch::from_tickets({&slow, 1})))
      std::abort();
  } catch (const aftersales::InputError&) {
    std::abort();  // simdjson accepted a ticket Boost.JSON refuses
  }
  return 0;
}
