#pragma once
// The one reader of the SPEC §3 ticket shape, written once over any document tree that offers
// detail::Node's interface: the JSON DOM (Ticket::from_json) and Python dicts (the Python
// module), so that both report the same problems at the same paths.
//
// A document node type N offers: problem(message); object({allowed keys}) (testable as bool;
// records a problem when not an object, and each unknown key); member(key) and required(key)
// returning std::optional<N>; array_size() (nullopt and a problem when not an array);
// element(i); string(), boolean(), integer(), instant() (nullopt and a problem when the value
// has another type); scalar() (text, number or boolean; records nothing); for_each_member(f)
// calling f(key, N) for each member (a problem when not an object).

#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "detail/json_reader.hpp"
#include "detail/text.hpp"

namespace aftersales::detail {

inline constexpr std::array<std::string_view, 4> priority_names{"low", "normal", "high", "urgent"};
inline constexpr std::array<std::string_view, 6> status_names{"new",      "open",     "pending_customer",
                                                               "on_hold", "resolved", "closed"};

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

template <class Node>
std::string optional_string(const Node& parent, std::string_view key) {
  const auto node = parent.member(key);
  if (!node) return {};
  const auto text = node->string();
  return text ? std::string(*text) : std::string();
}

template <class Node>
std::optional<Priority> read_priority(const Node& node) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  if (const auto p = index_of(priority_names, *text)) return static_cast<Priority>(*p);
  node.problem(quoted(*text) + " is not a priority (low, normal, high, urgent)");
  return std::nullopt;
}

template <class Node>
void read_customer(const Node& node, Customer& customer) {
  if (!node.object({"id", "tier", "language"})) return;
  customer.id = optional_string(node, "id");
  customer.tier = optional_string(node, "tier");
  customer.language = optional_string(node, "language");
}

template <class Node>
void read_order(const Node& node, Order& order) {
  if (!node.object({"id", "amount", "currency"})) return;
  order.id = optional_string(node, "id");
  const auto amount = node.member("amount");
  if (!amount) return;
  const auto currency_node = node.required("currency");
  const auto amount_text = amount->string();
  const auto code = currency_node ? currency_node->string() : std::nullopt;
  if (!amount_text || !code) return;
  try {
    order.amount = Money::parse(*amount_text, currency(*code));
  } catch (const Error& e) {
    amount->problem(e.what());
  }
}

template <class Node>
void read_tags(const Node& node, std::vector<std::string>& tags) {
  const auto size = node.array_size();
  if (!size) return;
  for (std::size_t i = 0; i < *size; ++i)
    if (const auto tag = node.element(i).string()) tags.emplace_back(*tag);
}

template <class Node>
void read_fields(const Node& node, std::vector<std::pair<std::string, FieldScalar>>& fields) {
  node.for_each_member([&](std::string_view name, const Node& field) {
    if (auto value = field.scalar()) fields.emplace_back(std::string(name), std::move(*value));
    else field.problem("a field must be text, a number, true or false");
  });
}

template <class Node>
std::optional<Event> read_event(const Node& node) {
  if (!node.object({"at", "type", "agent", "queue", "public", "bot", "to", "score"})) return std::nullopt;
  Event event;
  bool ok = true;
  if (const auto at = node.required("at")) {
    const auto t = at->instant();
    ok = ok && t;
    if (t) event.at = *t;
  } else {
    ok = false;
  }
  const auto type_node = node.required("type");
  const auto type_name = type_node ? type_node->string() : std::nullopt;
  if (!type_name || type_name->empty()) {
    if (type_name) type_node->problem("the event type is empty");
    return std::nullopt;
  }
  event.name = std::string(*type_name);
  event.type = event_type(*type_name);
  event.agent = optional_string(node, "agent");
  event.queue = optional_string(node, "queue");
  for (auto [key, flag] : {std::pair{"public", &event.is_public}, std::pair{"bot", &event.bot}}) {
    if (const auto member = node.member(key)) {
      const auto value = member->boolean();
      ok = ok && value;
      if (value) *flag = *value;
    }
  }

  const auto to = node.member("to");
  if (event.type == EventType::status || event.type == EventType::priority) {
    const auto target = node.required("to");
    const auto text = target ? target->string() : std::nullopt;
    if (!text) return std::nullopt;
    if (event.type == EventType::priority) {
      const auto p = read_priority(*target);
      if (!p) return std::nullopt;
      event.to_priority = *p;
    } else {
      const auto s = index_of(status_names, *text);
      if (s != static_cast<std::size_t>(Status::open) && s != static_cast<std::size_t>(Status::pending_customer) &&
          s != static_cast<std::size_t>(Status::on_hold)) {
        target->problem(quoted(*text) +
                        " is not a status an event can set (open, pending_customer, on_hold; use the resolved, "
                        "reopened and closed events for those)");
        return std::nullopt;
      }
      event.to_status = static_cast<Status>(*s);
    }
  } else if (to) {
    to->problem("\"to\" belongs to status and priority events only");
    ok = false;
  }

  const auto score = node.member("score");
  if (event.type == EventType::satisfaction || event.type == EventType::nps) {
    const int high = event.type == EventType::satisfaction ? 5 : 10;
    const int low = event.type == EventType::satisfaction ? 1 : 0;
    const auto score_node = node.required("score");
    const auto value = score_node ? score_node->integer() : std::nullopt;
    if (!value) return std::nullopt;
    if (*value < low || *value > high) {
      score_node->problem("a " + event.name + " score is " + std::to_string(low) + " to " + std::to_string(high) +
                          ", not " + std::to_string(*value));
      return std::nullopt;
    }
    event.score = static_cast<int>(*value);
  } else if (score) {
    score->problem("\"score\" belongs to satisfaction and nps events only");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return event;
}

/// Reads a ticket from `root`, recording every problem in `problems`.
/// @throws InputError "invalid ticket" listing them, if there are any.
template <class Node>
Ticket read_ticket(const Node& root, Problems& problems) {
  Ticket ticket;
  if (!root.object({"id", "created_at", "channel", "category", "priority", "customer", "order", "tags", "fields",
                    "events"}))
    problems.throw_input("invalid ticket");

  if (const auto id = root.required("id")) {
    if (const auto text = id->string()) ticket.id = std::string(*text);
  }
  std::optional<Instant> created;
  if (const auto created_at = root.required("created_at")) created = created_at->instant();
  if (created) ticket.created_at = *created;
  ticket.channel = optional_string(root, "channel");
  ticket.category = optional_string(root, "category");
  if (const auto priority = root.member("priority")) {
    if (const auto p = read_priority(*priority)) ticket.priority = *p;
  }
  if (const auto customer = root.member("customer")) read_customer(*customer, ticket.customer);
  if (const auto order = root.member("order")) read_order(*order, ticket.order);
  if (const auto tags = root.member("tags")) read_tags(*tags, ticket.tags);
  if (const auto fields = root.member("fields")) read_fields(*fields, ticket.fields);
  if (const auto events = root.member("events")) {
    if (const auto size = events->array_size()) {
      ticket.events.reserve(*size);
      for (std::size_t i = 0; i < *size; ++i) {
        const Node entry = events->element(i);
        auto event = read_event(entry);
        if (!event) continue;
        if (created && event->at < *created)
          entry.member("at")->problem("the event is at " + format_instant(event->at) +
                                      ", before the ticket was created (" + format_instant(*created) + ")");
        ticket.events.push_back(std::move(*event));
      }
    }
  }
  if (!problems.empty()) problems.throw_input("invalid ticket");
  return ticket;
}

}  // namespace aftersales::detail
