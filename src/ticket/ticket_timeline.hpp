#pragma once
// A ticket's events replayed in time order and the status they lead to (SPEC §3): shared by
// every engine that walks a ticket's history (SLA clocks, KPIs).

#include <aftersales/ticket.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>

#include "ticket/ticket_limits.hpp"

namespace aftersales::detail {

inline bool is_public_human_reply(const Event& e) {
  return e.type == EventType::agent_reply && e.is_public && !e.bot;
}

// Status after `e`, per SPEC §3.
inline Status next_status(Status status, const Event& e) {
  switch (e.type) {
    case EventType::assigned:
    case EventType::agent_reply: return status == Status::new_ticket ? Status::open : status;
    case EventType::customer_message: return status == Status::pending_customer ? Status::open : status;
    case EventType::status: return e.to_status;
    case EventType::resolved: return Status::resolved;
    case EventType::reopened: return Status::open;
    case EventType::closed: return Status::closed;
    default: return status;
  }
}

inline bool is_solved(Status status) { return status == Status::resolved || status == Status::closed; }

using Timeline = boost::container::small_vector<const Event*, 16>;

// Events up to `at`, in time order, ties in input order.
// @throws InputError when the ticket has more than max_ticket_events events: every engine
// replays through here, so a hand-built ticket meets the readers' bound too.
inline Timeline timeline(const Ticket& ticket, Instant at) {
  require_event_limit(ticket);
  Timeline events;
  for (const Event& e : ticket.events)
    if (e.at <= at) events.push_back(&e);
  const auto earlier = [](const Event* a, const Event* b) { return a->at < b->at; };
  // Hosts usually send events in order; sorting (stably, ties keep input order) is the exception.
  if (!std::is_sorted(events.begin(), events.end(), earlier)) std::stable_sort(events.begin(), events.end(), earlier);
  return events;
}

}  // namespace aftersales::detail
