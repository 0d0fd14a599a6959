#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>

#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <array>

#include "detail/json_reader.hpp"
#include "detail/text.hpp"

namespace aftersales {
namespace {

constexpr std::array<std::string_view, 4> priority_names{"low", "normal", "high", "urgent"};
constexpr std::array<std::string_view, 6> status_names{"new", "open", "pending_customer", "on_hold", "resolved",
                                                        "closed"};
constexpr std::array<std::string_view, 16> event_names{
    "customer_message", "agent_reply", "assigned", "status", "priority", "resolved", "reopened", "closed",
    "follow_up", "escalated", "satisfaction", "nps", "handoff", "refund_requested", "refund_issued",
    "return_received"};

// Tickets arrive by the million: a tighter limit than a policy's.
constexpr LoadLimits ticket_limits{4u << 20, 32};

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

std::string optional_string(const detail::Node& parent, std::string_view key) {
  const auto node = parent.member(key);
  if (!node) return {};
  const auto text = node->string();
  return text ? std::string(*text) : std::string();
}

std::optional<Priority> read_priority(const detail::Node& node) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  if (const auto p = index_of(priority_names, *text)) return static_cast<Priority>(*p);
  node.problem(detail::quoted(*text) + " is not a priority (low, normal, high, urgent)");
  return std::nullopt;
}

void read_customer(const detail::Node& node, Customer& customer) {
  if (!node.object({"id", "tier", "language"})) return;
  customer.id = optional_string(node, "id");
  customer.tier = optional_string(node, "tier");
  customer.language = optional_string(node, "language");
}

void read_order(const detail::Node& node, Order& order) {
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

void read_tags(const detail::Node& node, std::vector<std::string>& tags) {
  const auto* list = node.array();
  if (list == nullptr) return;
  for (std::size_t i = 0; i < list->size(); ++i)
    if (const auto tag = node.element(i).string()) tags.emplace_back(*tag);
}

void read_fields(const detail::Node& node, std::vector<std::pair<std::string, FieldScalar>>& fields) {
  const auto* object = node.any_object();
  if (object == nullptr) return;
  for (const auto& [key, value] : *object) {
    const std::string name(key.data(), key.size());
    if (const auto* s = value.if_string()) fields.emplace_back(name, std::string(s->data(), s->size()));
    else if (const auto* b = value.if_bool()) fields.emplace_back(name, *b);
    else if (value.is_number()) fields.emplace_back(name, value.to_number<double>());
    else node.child(std::string_view(key.data(), key.size()), value).problem("a field must be text, a number, true or false");
  }
}

std::optional<Event> read_event(const detail::Node& node) {
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
        target->problem(detail::quoted(*text) +
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

}  // namespace

std::string_view to_string(Priority priority) noexcept { return priority_names[static_cast<std::size_t>(priority)]; }
std::string_view to_string(Status status) noexcept { return status_names[static_cast<std::size_t>(status)]; }
std::string_view to_string(EventType type) noexcept {
  return type == EventType::custom ? std::string_view() : event_names[static_cast<std::size_t>(type)];
}

EventType event_type(std::string_view name) noexcept {
  const auto index = index_of(event_names, name);
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
  detail::Problems problems;
  // A typical ticket's document fits in this arena: parsing one costs no heap allocation.
  unsigned char arena[16384];
  boost::json::monotonic_resource scratch(arena, sizeof arena);
  const auto document = detail::parse_json(json, ticket_limits, problems, &scratch);
  if (!document) problems.throw_input("invalid ticket");
  const detail::Node root(*document, problems);
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
    if (const auto* list = events->array()) {
      ticket.events.reserve(list->size());
      for (std::size_t i = 0; i < list->size(); ++i) {
        const detail::Node entry = events->element(i);
        auto event = read_event(entry);
        if (!event) continue;
        if (created && event->at < *created)
          entry.child("at", entry.value().as_object().at("at"))
              .problem("the event is at " + format_instant(event->at) + ", before the ticket was created (" +
                       format_instant(*created) + ")");
        ticket.events.push_back(std::move(*event));
      }
    }
  }
  if (!problems.empty()) problems.throw_input("invalid ticket");
  return ticket;
}

void Ticket::validate() const {
  if (id.empty()) throw InputError("a ticket needs an id", "id");
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].at < created_at)
      throw InputError("event " + std::to_string(i) + " (" + events[i].name + ") is at " + format_instant(events[i].at) +
                           ", before the ticket was created (" + format_instant(created_at) + ")",
                       "events[" + std::to_string(i) + "].at");
}

}  // namespace aftersales
