#pragma once
// A ticket's history (spec §3): its events in their one order (by time, ties in input order)
// and the status each leads to. Every engine that reads a history walks it here: SLA clocks,
// the KPI scan, the router's plan and ticket_state.

#include <aftersales/ticket.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>

#include "ticket/ticket_limits.hpp"

namespace aftersales::detail {

inline bool is_public_human_reply(const Event& e) {
  return e.type == EventType::agent_reply && e.is_public && !e.bot;
}

// Status after `e`, per spec §3.
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

/// One step of a history: an event and the status before and after it.
struct Transition {
  const Event& event;
  Status before;
  Status after;

  /// The ticket became resolved or closed with this event.
  [[nodiscard]] bool solves() const { return !is_solved(before) && is_solved(after); }
  /// A resolved or closed ticket went back to work with this event.
  [[nodiscard]] bool unsolves() const { return is_solved(before) && !is_solved(after); }
};

/// Where a ticket stands after a history.
struct TicketState {
  Priority priority;
  Status status;
};

/// Replays `events` (a timeline) from a new ticket created with `ticket.priority`, calling
/// `step(const Transition&)` on each in order; returns where the ticket then stands. Each engine
/// takes from the steps only what it needs.
template <class Step>
TicketState for_each_transition(const Ticket& ticket, const Timeline& events, Step&& step) {
  TicketState state{ticket.priority, Status::new_ticket};
  for (const Event* e : events) {
    const Transition transition{*e, state.status, next_status(state.status, *e)};
    state.status = transition.after;
    if (e->type == EventType::priority) state.priority = e->to_priority;
    step(transition);
  }
  return state;
}

/// Where the ticket stands after `events` (its timeline up to an instant): the priority and
/// status conditions see.
inline TicketState ticket_state(const Ticket& ticket, const Timeline& events) {
  return for_each_transition(ticket, events, [](const Transition&) {});
}

}  // namespace aftersales::detail
