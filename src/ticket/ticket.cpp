#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>

#include <boost/json/monotonic_resource.hpp>

#include "document/json_reader.hpp"
#include "ticket/ticket_json.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_reader.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales {
namespace {

constexpr LoadLimits ticket_limits{detail::max_ticket_bytes, 32};

}  // namespace

namespace detail {

std::string too_many_events(std::size_t count) {
  return "a ticket may have at most " + std::to_string(max_ticket_events) + " events, and this one has " +
         std::to_string(count);
}

void require_event_limit(std::size_t count) {
  if (count > max_ticket_events) throw InputError(too_many_events(count), "events");
}

void require_detail(const Ticket& ticket, std::size_t i) {
  const Event& e = ticket.events[i];
  if (e.detail == 0) return;
  const std::string path = "events[" + std::to_string(i) + "]";
  const auto out_of = [&](std::size_t count, std::string_view list) {
    return InputError("detail " + std::to_string(e.detail) + " is not one of the ticket's " + std::to_string(count) +
                          " " + std::string(list),
                      path + ".detail");
  };
  if (e.type == EventType::status) {
    if (e.detail > ticket.custom_statuses.size() || ticket.custom_statuses[e.detail - 1].empty())
      throw InputError("custom status " + std::to_string(e.detail) + " is not a non-empty one of the ticket's " +
                           std::to_string(ticket.custom_statuses.size()) + " custom_statuses",
                       path + ".to");
  } else if (e.type == EventType::custom && e.name == override_event_name) {
    if (e.detail > ticket.overrides.size()) throw out_of(ticket.overrides.size(), "overrides");
    const DueOverride& due = ticket.overrides[e.detail - 1];
    if (due.metric.empty()) throw InputError("the metric is empty", path + ".metric");
    if (due.due_at <= e.at)
      throw InputError("the due instant " + format_instant(due.due_at) + " must be after the event's own (" +
                           format_instant(e.at) + ")",
                       path + ".due_at");
  } else if (const auto kind = e.type == EventType::custom ? change_kind(e.name) : std::nullopt) {
    if (e.detail > ticket.changes.size()) throw out_of(ticket.changes.size(), "changes");
    if (ticket.changes[e.detail - 1].name.empty())
      throw InputError(*kind == ChangeKind::field ? "the field name is empty" : "the tag is empty",
                       path + (*kind == ChangeKind::field ? ".field" : ".tag"));
  } else {
    throw InputError("only a status, an " + std::string(override_event_name) + " or a change event has a detail",
                     path + ".detail");
  }
}

void refuse_ticket_size(std::size_t bytes) {
  // The problem parse_json records for a document over the limit, so that a streamed line left
  // unread fails as the same line read whole does.
  Problems problems;
  problems.add("", oversize_message(bytes, ticket_limits));
  problems.throw_input("invalid ticket");
}

Ticket read_ticket_boost(std::string_view json) {
  Problems problems;
  // A typical ticket's document fits in this arena: parsing one costs no heap allocation.
  unsigned char arena[16384];
  boost::json::monotonic_resource scratch(arena, sizeof arena);
  const auto document = parse_json(json, ticket_limits, problems, &scratch);
  if (!document) problems.throw_input("invalid ticket");
  return read_ticket(Node(*document, problems), problems);
}

}  // namespace detail

std::string_view to_string(Priority priority) noexcept { return detail::priority_names[static_cast<std::size_t>(priority)]; }
std::string_view to_string(Status status) noexcept { return detail::status_names[static_cast<std::size_t>(status)]; }
std::string_view to_string(EventType type) noexcept {
  return type == EventType::custom ? std::string_view() : detail::event_names[static_cast<std::size_t>(type)];
}

EventType event_type(std::string_view name) noexcept {
  const auto index = detail::index_of(detail::event_names, name);
  return index ? static_cast<EventType>(*index) : EventType::custom;
}

Event Event::of(EventType type, Instant at) {
  Event event;
  event.at = at;
  event.type = type;
  event.name = std::string(to_string(type));
  return event;
}

Ticket Ticket::from_json(std::string_view json) {
  if (auto ticket = detail::read_ticket_simdjson(json)) return std::move(*ticket);
  return detail::read_ticket_boost(json);
}

void Ticket::validate() const {
  if (id.empty()) throw InputError("a ticket needs an id", "id");
  detail::require_event_limit(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.at < created_at)
      throw InputError("event " + std::to_string(i) + " (" + e.name + ") is at " + format_instant(e.at) +
                           ", before the ticket was created (" + format_instant(created_at) + ")",
                       "events[" + std::to_string(i) + "].at");
    detail::require_detail(*this, i);
  }
}

}  // namespace aftersales
