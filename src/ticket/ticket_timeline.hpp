#pragma once
// A ticket's history (spec §3): its events in their one order (by time, ties in input order)
// and the status each leads to. Every engine that reads a history walks it here: SLA clocks,
// the KPI scan, the router's plan and ticket_state, over either view of ticket_view.hpp.

#include <aftersales/ticket.hpp>

#include <aftersales/error.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <string>

#include "text/text.hpp"
#include "ticket/status_categories.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_view.hpp"

namespace aftersales::detail {

template <class E>
inline bool is_public_human_reply(const E& e) {
  return e.type() == EventType::agent_reply && e.is_public() && !e.bot();
}

// Status after `e`, per spec §3; a custom status is resolved apart (for_each_transition).
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

/// One step of a history: an event and the status before and after it. A custom status counts
/// as its category: `after` is the category, `custom` 1 + the status's index in the policy's
/// StatusCategories (0: a built-in status).
template <class E>
struct Transition {
  E event;
  Status before;
  Status after;
  std::uint32_t custom = 0;

  /// The ticket became resolved or closed with this event.
  [[nodiscard]] bool solves() const { return !is_solved(before) && is_solved(after); }
  /// A resolved or closed ticket went back to work with this event.
  [[nodiscard]] bool unsolves() const { return is_solved(before) && !is_solved(after); }
};

/// Where a ticket stands after a history; `custom` as in Transition.
struct TicketState {
  Priority priority;
  Status status;
  std::uint32_t custom = 0;
};

/// The name of the status `state` is in, as conditions see it: a custom status's own.
inline std::string_view status_name(const TicketState& state, const StatusCategories& statuses) {
  return state.custom != 0 ? std::string_view(statuses.names[state.custom - 1]) : to_string(state.status);
}

/// @throws InputError at the first event of `ticket` (in input order, no later than `e`) that sets
/// `e`'s custom status, which `statuses` does not map.
template <class T>
[[noreturn, gnu::noinline]] void refuse_status(const T& ticket, const typename T::EventView& e) {
  std::size_t i = 0;
  while (ticket.event(i).custom_status() != e.custom_status() || ticket.event(i).at() > e.at()) ++i;
  throw InputError(quoted(ticket.custom_status_name(e.custom_status())) +
                       " is neither a built-in status nor one of the policy's \"statuses\"",
                   "events[" + std::to_string(i) + "].to");
}

/// Replays `events` (a timeline) from a new ticket created with `ticket.priority()`, calling
/// `step(const Transition<E>&)` on each in order; returns where the ticket then stands. Each
/// engine takes from the steps only what it needs. A custom status counts as the category
/// `statuses` gives it, and keeps its name until an event sets another status or changes it.
/// @throws InputError at the event's `to` for a custom status `statuses` does not map.
template <class T, class Step>
inline TicketState for_each_transition(const T& ticket, const Timeline<T>& events, const StatusCategories& statuses,
                                       Step&& step) {
  TicketState state{ticket.priority(), Status::new_ticket};
  for (const auto& e : events) {
    Transition<typename T::EventView> transition{e, state.status, next_status(state.status, e), state.custom};
    switch (e.type()) {
      case EventType::status:
        transition.custom = 0;
        if (const std::uint32_t id = e.custom_status(); id != 0) {
          const auto known = statuses.find(ticket.custom_status_name(id));
          if (!known) refuse_status(ticket, e);
          transition.after = statuses.categories[*known];
          transition.custom = *known + 1;
        }
        break;
      case EventType::resolved:
      case EventType::reopened:
      case EventType::closed: transition.custom = 0; break;
      default:
        // A status changed by the way (a reply on a new ticket, a customer's on a pending one).
        if (transition.after != transition.before) transition.custom = 0;
        break;
    }
    state.status = transition.after;
    state.custom = transition.custom;
    if (e.type() == EventType::priority) state.priority = e.to_priority();
    step(transition);
  }
  return state;
}

/// Where the ticket stands after `events` (its timeline up to an instant): the priority and
/// status conditions see.
template <class T>
inline TicketState ticket_state(const T& ticket, const Timeline<T>& events, const StatusCategories& statuses) {
  return for_each_transition(ticket, events, statuses, [](const auto&) {});
}

}  // namespace aftersales::detail
