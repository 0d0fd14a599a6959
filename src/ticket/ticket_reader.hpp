#pragma once
// The one reader of the spec §3 ticket shape, written once over any document tree that offers
// detail::Node's interface: the JSON DOMs (Ticket::from_json: simdjson's, then Boost.JSON's to
// name the problems, ticket_json.hpp) and Python dicts (the Python module), so that all report
// the same problems at the same paths.
//
// A document node type N offers: problem(message); members(keys) (std::array of K key names)
// returning std::optional<std::array<std::optional<N>, K>>, the members named in keys at their
// key's index, read in one pass that records each unknown key (nullopt and a problem when not
// an object); required(key), asked only for a key members() did not find, recording it as
// "missing" and returning std::optional<N>; array_size() (nullopt and a problem when not an
// array); element(i); string(), boolean(), integer(), instant() (nullopt and a problem when the
// value has another type); scalar() (text, number or boolean; records nothing); is_null()
// (records nothing);
// for_each_member(f) calling f(key, N) for each member (a problem when not an object).
//
// Each object is read through members(), once: the reader then takes its members from their
// slots instead of looking each key up, which is most of the cost of reading a ticket.

#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "document/json_reader.hpp"
#include "text/text.hpp"
#include "ticket/status_categories.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {

// The keys of each object of the shape, and their slots in what members() returns.
inline constexpr std::array<std::string_view, 10> ticket_keys{
    "id", "created_at", "channel", "category", "priority", "customer", "order", "tags", "fields", "events"};
enum TicketKey : std::size_t { t_id, t_created_at, t_channel, t_category, t_priority, t_customer, t_order, t_tags,
                               t_fields, t_events };
inline constexpr std::array<std::string_view, 3> customer_keys{"id", "tier", "language"};
enum CustomerKey : std::size_t { c_id, c_tier, c_language };
inline constexpr std::array<std::string_view, 3> order_keys{"id", "amount", "currency"};
enum OrderKey : std::size_t { o_id, o_amount, o_currency };
inline constexpr std::array<std::string_view, 13> event_keys{
    "at", "type", "agent", "queue", "public", "bot", "to", "score", "metric", "due_at", "field", "value", "tag"};
enum EventKey : std::size_t { e_at, e_type, e_agent, e_queue, e_public, e_bot, e_to, e_score, e_metric, e_due_at,
                              e_field, e_value, e_tag };

/// The member in `slot` of `object`'s members, recording it as missing when absent.
template <class Node, std::size_t K>
const std::optional<Node>& required(const Node& object, const std::array<std::optional<Node>, K>& members,
                                    const std::array<std::string_view, K>& keys, std::size_t slot) {
  if (!members[slot]) (void)object.required(keys[slot]);
  return members[slot];
}

/// Copies the text of `member`, when present, into `target` (left as it is otherwise).
template <class Node>
void read_text(const std::optional<Node>& member, std::string& target) {
  if (!member) return;
  if (const auto text = member->string()) target.assign(*text);
}

template <class Node>
std::optional<Priority> read_priority(const Node& node) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  if (const auto p = priority_named(*text)) return p;
  node.problem(quoted(*text) + " is not a priority (" + listed(priority_names) + ")");
  return std::nullopt;
}

template <class Node>
void read_customer(const Node& node, Customer& customer) {
  const auto members = node.members(customer_keys);
  if (!members) return;
  read_text((*members)[c_id], customer.id);
  read_text((*members)[c_tier], customer.tier);
  read_text((*members)[c_language], customer.language);
}

template <class Node>
void read_order(const Node& node, Order& order) {
  const auto members = node.members(order_keys);
  if (!members) return;
  read_text((*members)[o_id], order.id);
  const auto& amount = (*members)[o_amount];
  if (!amount) return;
  const auto& currency_node = required(node, *members, order_keys, o_currency);
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

/// Reads `metric` and `due_at`, which an sla_override event must have and no other may, into
/// `due`: false when they have a problem. `event.at`, if read, is the default instant
/// otherwise, which every due instant is after.
template <class Node, std::size_t K>
bool read_override(const Node& node, const std::array<std::optional<Node>, K>& members, const Event& event,
                   DueOverride& due) {
  if (event.name != override_event_name) {
    for (const std::size_t slot : {e_metric, e_due_at}) {
      if (const auto& member = members[slot]) {
        member->problem(quoted(event_keys[slot]) + " belongs to " + std::string(override_event_name) + " events only");
        return false;
      }
    }
    return true;
  }
  const auto& metric = required(node, members, event_keys, e_metric);
  const auto& due_node = required(node, members, event_keys, e_due_at);
  const auto name = metric ? metric->string() : std::nullopt;
  const auto due_at = due_node ? due_node->instant() : std::nullopt;
  if (name && name->empty()) metric->problem("the metric is empty");
  if (!name || name->empty() || !due_at) return false;
  if (*due_at <= event.at) {
    due_node->problem("the due instant " + format_instant(*due_at) + " must be after the event's own (" +
                      format_instant(event.at) + ")");
    return false;
  }
  due.metric.assign(*name);
  due.due_at = *due_at;
  return true;
}

/// Reads `field` and `value` (a field_changed event) or `tag` (tag_added, tag_removed), which
/// those events may have and no other may, into `change`: false when they have a problem.
/// `field` and `tag` are required; no `value` is null, which clears the field.
/// `kind` is the change the event makes, if it is one of them.
template <class Node, std::size_t K>
bool read_change(const Node& node, const std::array<std::optional<Node>, K>& members, std::optional<ChangeKind> kind,
                 FieldChange& change) {
  const bool field = kind == ChangeKind::field, tag = kind && !field;
  bool ok = true;
  for (const std::size_t slot : {e_field, e_value, e_tag}) {
    const auto& member = members[slot];
    if (!member || (slot == e_tag ? tag : field)) continue;
    member->problem(quoted(event_keys[slot]) + " belongs to " +
                    (slot == e_tag ? "tag_added and tag_removed" : "field_changed") + " events only");
    ok = false;
  }
  if (!kind || !ok) return ok;
  const auto& name_node = required(node, members, event_keys, field ? e_field : e_tag);
  const auto name = name_node ? name_node->string() : std::nullopt;
  if (name && name->empty()) name_node->problem(field ? "the field name is empty" : "the tag is empty");
  if (!name || name->empty()) return false;
  // null or no value clears the field (Python dicts and frames hold an absent value as None);
  // anything else is a value as a ticket's `fields` hold.
  if (const auto& value = members[e_value]; field && value && !value->is_null()) {
    change.value = value->scalar();
    if (!change.value) {
      value->problem("a field's value must be text, a number, true, false or null");
      return false;
    }
  }
  change.name.assign(*name);
  return true;
}

/// Reads the event `node` into `event` (default-constructed), in place: false when it has a
/// problem. `created` is the ticket's creation, when it could be read, which the event may not
/// precede; a custom status gets its id from `custom_statuses`, an override or a change its
/// place in `ticket`'s `overrides` or `changes`.
template <class Node>
bool read_event(const Node& node, std::optional<Instant> created, CustomStatusIds& custom_statuses, Ticket& ticket,
                Event& event) {
  const auto found = node.members(event_keys);
  if (!found) return false;
  const auto& members = *found;
  bool ok = true;
  const auto& at = required(node, members, event_keys, e_at);
  if (at) {
    const auto t = at->instant();
    ok = ok && t;
    if (t) event.at = *t;
  } else {
    ok = false;
  }
  const auto& type_node = required(node, members, event_keys, e_type);
  const auto type_name = type_node ? type_node->string() : std::nullopt;
  if (!type_name || type_name->empty()) {
    if (type_name) type_node->problem("the event type is empty");
    return false;
  }
  event.name.assign(*type_name);
  event.type = event_type(*type_name);
  read_text(members[e_agent], event.agent);
  read_text(members[e_queue], event.queue);
  for (auto [slot, flag] : {std::pair{e_public, &event.is_public}, std::pair{e_bot, &event.bot}}) {
    if (const auto& member = members[slot]) {
      const auto value = member->boolean();
      ok = ok && value;
      if (value) *flag = *value;
    }
  }

  if (event.type == EventType::status || event.type == EventType::priority) {
    const auto& target = required(node, members, event_keys, e_to);
    const auto text = target ? target->string() : std::nullopt;
    if (!text) return false;
    if (event.type == EventType::priority) {
      const auto p = read_priority(*target);
      if (!p) return false;
      event.to_priority = *p;
    } else {
      const auto s = status_named(*text);
      if (!s) {
        // A status of the host's own: the policy's `statuses` says how it counts.
        if (text->empty()) {
          target->problem("the status is empty");
          return false;
        }
        event.detail = custom_statuses.id(*text);
      } else if (s != Status::open && s != Status::pending_customer && s != Status::on_hold) {
        target->problem(quoted(*text) +
                        " is not a status an event can set (open, pending_customer, on_hold, or one of the "
                        "host's own; use the resolved, reopened and closed events for those)");
        return false;
      } else {
        event.to_status = *s;
      }
    }
  } else if (const auto& to = members[e_to]) {
    to->problem("\"to\" belongs to status and priority events only");
    ok = false;
  }

  if (event.type == EventType::satisfaction || event.type == EventType::nps) {
    const int high = event.type == EventType::satisfaction ? 5 : 10;
    const int low = event.type == EventType::satisfaction ? 1 : 0;
    const auto& score_node = required(node, members, event_keys, e_score);
    const auto value = score_node ? score_node->integer() : std::nullopt;
    if (!value) return false;
    if (*value < low || *value > high) {
      score_node->problem("a " + event.name + " score is " + std::to_string(low) + " to " + std::to_string(high) +
                          ", not " + std::to_string(*value));
      return false;
    }
    event.score = static_cast<int>(*value);
  } else if (const auto& score = members[e_score]) {
    score->problem("\"score\" belongs to satisfaction and nps events only");
    ok = false;
  }
  DueOverride due;
  FieldChange change;
  const auto kind = change_kind(event.name);
  ok = read_override(node, members, event, due) && ok;
  ok = read_change(node, members, kind, change) && ok;
  if (!ok) return false;
  if (!due.metric.empty()) {
    ticket.overrides.push_back(std::move(due));
    event.detail = static_cast<std::uint32_t>(ticket.overrides.size());
  } else if (kind) {
    ticket.changes.push_back(std::move(change));
    event.detail = static_cast<std::uint32_t>(ticket.changes.size());
  }
  if (created && event.at < *created)
    at->problem("the event is at " + format_instant(event.at) + ", before the ticket was created (" +
                format_instant(*created) + ")");
  return true;
}

/// Reads a ticket from `root`, recording every problem in `problems`.
/// @throws InputError "invalid ticket" listing them, if there are any.
template <class Node>
Ticket read_ticket(const Node& root, Problems& problems) {
  Ticket ticket;
  const auto found = root.members(ticket_keys);
  if (!found) problems.throw_input("invalid ticket");
  const auto& members = *found;

  if (const auto& id = required(root, members, ticket_keys, t_id)) {
    if (const auto text = id->string()) ticket.id.assign(*text);
  }
  std::optional<Instant> created;
  if (const auto& created_at = required(root, members, ticket_keys, t_created_at)) created = created_at->instant();
  if (created) ticket.created_at = *created;
  read_text(members[t_channel], ticket.channel);
  read_text(members[t_category], ticket.category);
  if (const auto& priority = members[t_priority]) {
    if (const auto p = read_priority(*priority)) ticket.priority = *p;
  }
  if (const auto& customer = members[t_customer]) read_customer(*customer, ticket.customer);
  if (const auto& order = members[t_order]) read_order(*order, ticket.order);
  if (const auto& tags = members[t_tags]) read_tags(*tags, ticket.tags);
  if (const auto& fields = members[t_fields]) read_fields(*fields, ticket.fields);
  if (const auto& events = members[t_events]) {
    if (const auto size = events->array_size()) {
      // Counted before any event is read: an oversized list costs no more than a short one.
      if (*size > max_ticket_events) {
        events->problem(too_many_events(*size));
      } else {
        ticket.events.reserve(*size);
        CustomStatusIds custom_statuses(ticket.custom_statuses);
        for (std::size_t i = 0; i < *size; ++i) {
          if (!read_event(events->element(i), created, custom_statuses, ticket, ticket.events.emplace_back()))
            ticket.events.pop_back();
        }
      }
    }
  }
  if (!problems.empty()) problems.throw_input("invalid ticket");
  return ticket;
}

}  // namespace aftersales::detail
