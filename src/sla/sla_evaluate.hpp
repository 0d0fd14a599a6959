#pragma once

#include <aftersales/sla.hpp>

#include <utility>

#include "policy/policy_data.hpp"

namespace aftersales::detail {

/// SLA report of `ticket` as of `at` under the compiled policy `data`.
/// @throws InputError when `at` is before the ticket was created.
SlaReport evaluate_sla(const PolicyData& data, const Ticket& ticket, Instant at);

/// The ticket's priority and status as of `at` (events after `at` ignored), as the SLA
/// engine derives them; routing conditions see the same values.
std::pair<Priority, Status> ticket_state(const Ticket& ticket, Instant at);

}  // namespace aftersales::detail
