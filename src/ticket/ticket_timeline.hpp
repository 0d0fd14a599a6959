#pragma once
// A ticket's history (spec §3): its events in their one order (by time, ties in input order)
// and the status each leads to. Every engine that reads a history walks it here: SLA clocks,
// the KPI scan, the router's plan and ticket_state, over either view of ticket_view.hpp.

#include <aftersales/ticket.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>

#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_view.hpp"

namespace aftersales::detail {

template <class E>
inline bool is_public_human_reply(const E& e) {
  return e.type() == EventType::agent_reply && e.is_public() && !e.bot();
}

// Status after `e`, per spec §3.
template <class E>
inline Status next_status(Status status, const E& e) {
  switch (e.type()) {
    case EventType::assigned:
    case EventType::agent_reply: return status == Status::new_ticket ? Status::open : status;
    case EventType::customer_message: return status == Status::pending_customer ? Status::open : status;
    case EventType::status: return e.to_status();
    case EventType::resolved: return Status::resolved;
    case EventType::reopened: return Status::open;
    case EventType::closed: return Status::closed;
    default: return status;
  }
}

inline bool is_solved(Status status) { return status == Status::resolved || status == Status::closed; }

/// The events of a ticket view T (ticket_view.hpp) in the order they apply.
template <class T>
using Timeline = boost::container::small_vector<typename T::EventView, 16>;

// `inline`, like every template here: GCC inlines a template declared so as it did the
// functions on Ticket these replace.
// Events up to `at`, in time order, ties in input order.
// @throws InputError when the ticket has more than max_ticket_events events: every engine
// replays through here, so a hand-built ticket meets the readers' bound too.
template <class T>
inline Timeline<T> timeline(const T& ticket, Instant at) {
  const std::size_t count = ticket.event_count();
  require_event_limit(count);
  Timeline<T> events;
  for (std::size_t i = 0; i < count; ++i) {
    const auto e = ticket.event(i);
    if (e.at() <= at) events.push_back(e);
  }
  const auto earlier = [](const auto& a, const auto& b) { return a.at() < b.at(); };
  // Hosts usually send events in order; sorting (stably, ties keep input order) is the exception.
  if (!std::is_sorted(events.begin(), events.end(), earlier)) std::stable_sort(events.begin(), events.end(), earlier);
  return events;
}

/// One step of a history: an event and the status before and after it.
template <class E>
struct Transition {
  E event;
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

/// Replays `events` (a timeline) from a new ticket created with `ticket.priority()`, calling
/// `step(const Transition<E>&)` on each in order; returns where the ticket then stands. Each
/// engine takes from the steps only what it needs.
template <class T, class Step>
inline TicketState for_each_transition(const T& ticket, const Timeline<T>& events, Step&& step) {
  TicketState state{ticket.priority(), Status::new_ticket};
  for (const auto& e : events) {
    const Transition<typename T::EventView> transition{e, state.status, next_status(state.status, e)};
    state.status = transition.after;
    if (e.type() == EventType::priority) state.priority = e.to_priority();
    step(transition);
  }
  return state;
}

/// Where the ticket stands after `events` (its timeline up to an instant): the priority and
/// status conditions see.
template <class T>
inline TicketState ticket_state(const T& ticket, const Timeline<T>& events) {
  return for_each_transition(ticket, events, [](const auto&) {});
}

}  // namespace aftersales::detail
