// Any byte string as the values of a TicketBatch's binary form (src/ticket/ticket_binary.hpp),
// behind its header and sealed with the checksum, so that the fuzzer explores the reader of
// the values rather than the checksum's refusal. (Data that fails the checksum is refused
// before any value is read; the Python tests cut and change real batches for that.) Reading
// either succeeds or throws aftersales::Error; the tickets read are ones a ticket reader could
// give (Ticket::validate holds) and write back to data that reads back to the same bytes.
#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "document/binary_codec.hpp"
#include "ticket/ticket_binary.hpp"

namespace {

// The magic and version of the form: an empty batch, less its count and checksum.
const std::string& header() {
  static const std::string written = aftersales::detail::write_tickets(aftersales::TicketBatch());
  static const std::string head = written.substr(0, 5);
  return head;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string data_read =
      aftersales::detail::seal(header() + std::string(reinterpret_cast<const char*>(data), size));
  aftersales::TicketBatch tickets;
  try {
    tickets = aftersales::detail::read_tickets(data_read);
  } catch (const aftersales::Error&) {
    return 0;  // refused with a reason: what malformed data should get
  }
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    const aftersales::Ticket ticket = tickets.ticket(i);
    try {
      ticket.validate();
    } catch (const aftersales::InputError&) {
      // An empty id is what a reader accepts and an engine refuses; nothing else may fail.
      if (!ticket.id.empty()) std::abort();
    }
  }
  const std::string written = aftersales::detail::write_tickets(tickets);
  if (aftersales::detail::write_tickets(aftersales::detail::read_tickets(written)) != written) std::abort();
  return 0;
}
