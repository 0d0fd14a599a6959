#pragma once

#include <aftersales/sla.hpp>

#include <boost/container/small_vector.hpp>

#include "sla/sla_rules.hpp"
#include "ticket/ticket_timeline.hpp"

namespace aftersales::detail {

/// SLA report of `ticket` (a view of ticket_view.hpp: TicketRef or BatchRow) as of `at` under
/// the SLA rules `sla`, with the timelines `options` asks for.
/// @throws InputError when `at` is before the ticket was created.
template <class T>
SlaReport evaluate_sla(const SlaRules& sla, const T& ticket, Instant at, const SlaOptions& options = {});

/// How one metric instance stands, without the report's text, due instants and escalations.
struct SlaOutcome {
  std::size_t metric;  // as SlaTarget::metric
  SlaState state;
  Duration elapsed;  // on the target's calendar
  std::optional<Instant> completed_at;
};

struct SlaOutcomes {
  const SlaPolicy* policy = nullptr;  // null: no SLA policy applies
  boost::container::small_vector<SlaOutcome, 8> instances;  // in no particular order
};

/// The states `evaluate_sla` would report, for a ticket whose timeline up to `at` and state
/// after it (`ticket_state`) the caller already has: what counting KPIs needs, at a fraction
/// of the report's cost.
/// @throws InputError when `at` is before the ticket was created.
template <class T>
SlaOutcomes sla_outcomes(const SlaRules& sla, const T& ticket, const Timeline<T>& events, const TicketState& state,
                         Instant at);

}  // namespace aftersales::detail
