#pragma once
/// @file
/// Tickets (spec §3): a customer's request and its history of events. The library holds no
/// tickets; hosts pass one in (as JSON or built in C++) every time they ask a question.

#include <aftersales/export.h>
#include <aftersales/values.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aftersales {

/// Urgency, in increasing order.
enum class Priority : std::uint8_t { low, normal, high, urgent };

/// Where a ticket stands, derived from its events.
enum class Status : std::uint8_t { new_ticket, open, pending_customer, on_hold, resolved, closed };

/// The built-in event types; anything else is `custom` and keeps its name.
enum class EventType : std::uint8_t {
  customer_message, agent_reply, assigned, status, priority, resolved, reopened, closed, follow_up,
  escalated, satisfaction, nps, handoff, refund_requested, refund_issued, return_received, custom,
};

/// `"low"`, `"normal"`, ...; `"new"`, `"open"`, ...; `"customer_message"`, ...
AFTERSALES_EXPORT std::string_view to_string(Priority priority) noexcept;
AFTERSALES_EXPORT std::string_view to_string(Status status) noexcept;
/// The name of a built-in type; for `custom` the empty string (the event keeps its own name).
AFTERSALES_EXPORT std::string_view to_string(EventType type) noexcept;

/// The built-in type named `name`, or `custom`.
AFTERSALES_EXPORT EventType event_type(std::string_view name) noexcept;

/// One thing that happened to a ticket. Only the members that fit the type are read.
///
/// The members every replay reads come first, in the event's first 24 bytes, and the texts
/// after them: a batch's replay then mostly reads one cache line an event (docs/performance.md,
/// "Issues 16-18").
struct AFTERSALES_EXPORT Event {
  Instant at{};
  EventType type = EventType::custom;
  bool is_public = true;     ///< agent_reply: false for an internal note
  bool bot = false;          ///< agent_reply: an answer given by a bot
  Status to_status = Status::open;        ///< status: open, pending_customer or on_hold (detail 0)
  Priority to_priority = Priority::normal;  ///< priority
  int score = 0;             ///< satisfaction (1-5), nps (0-10)
  /// 1 + an index into a side record of the ticket, which the event's type says, or 0 for none.
  /// Rare members live there, so that every event stays small (120 bytes):
  /// - `status`: a status of the host's own (docs/sla.md, "Status categories"), in the
  ///   ticket's `custom_statuses`; 0 when the event sets the built-in `to_status`;
  /// - `sla_override` (a custom event, docs/sla.md "Overrides"): its metric and due instant,
  ///   in the ticket's `overrides`;
  /// - `field_changed`, `tag_added`, `tag_removed` (custom events, docs/sla.md "Events that
  ///   change fields and tags"): the field or tag and the new value, in the ticket's `changes`.
  std::uint32_t detail = 0;
  std::string name;          ///< the type as written; the only type information of a custom event
  std::string agent;         ///< agent_reply, assigned
  std::string queue;         ///< assigned

  /// An event of a built-in type (its name is filled in).
  static Event of(EventType type, Instant at);
};

/// What an `sla_override` event sets (docs/sla.md, "Overrides"): the metric whose due instant
/// it fixes (`ola` for the holding queue's OLA), and that instant, after the event's own.
struct DueOverride {
  std::string metric;
  Instant due_at{};
};

/// What a `field_changed`, `tag_added` or `tag_removed` event changes (docs/sla.md, "Events
/// that change fields and tags"): the field's name and its new value (none: the field is
/// cleared), or the tag added or removed (`value` unused).
struct FieldChange {
  std::string name;
  std::optional<FieldScalar> value;
};

struct Customer {
  std::string id;
  std::string tier;      ///< e.g. "vip"; empty when unknown
  std::string language;  ///< e.g. "zh"; empty when unknown
};

struct Order {
  std::string id;
  std::optional<Money> amount;
};

/// The most events one ticket may have (docs/sla.md, "Limits"). Every reader of tickets (JSON,
/// JSON Lines, the C API, Python dicts and TicketBatch) refuses more with an InputError at the
/// ticket's `events`, before reading them, and so does every engine given a hand-built ticket
/// with more. The replay is linear in the events; this bounds what one ticket can cost. Real
/// tickets have tens of events, a long chat a few thousand; the 4 MiB a ticket's JSON may take
/// holds some 50,000 events of the usual 80 bytes.
inline constexpr std::size_t max_ticket_events = 100'000;

/// A ticket and its history. Build it in C++ or parse it from the spec §3 JSON shape.
struct AFTERSALES_EXPORT Ticket {
  std::string id;
  Instant created_at{};
  std::string channel;
  std::string category;
  Priority priority = Priority::normal;  ///< as created; `priority` events change it later
  Customer customer;
  Order order;
  std::vector<std::string> tags;                             ///< as created; tag events change them later
  std::vector<std::pair<std::string, FieldScalar>> fields;  ///< as created; field_changed events change them later
  std::vector<Event> events;  ///< in any order; applied by time, ties in this order
  /// The statuses of the host's own that `status` events set (their Event::detail), each
  /// once; a policy's `statuses` says how each counts.
  std::vector<std::string> custom_statuses;
  /// What each `sla_override` event sets, indexed by its Event::detail.
  std::vector<DueOverride> overrides;
  /// What each `field_changed`, `tag_added` or `tag_removed` event changes, indexed by its
  /// Event::detail.
  std::vector<FieldChange> changes;

  /// Parses the spec §3 JSON shape.
  /// @throws InputError listing every problem with its JSON path (`events[3].at: ...`),
  ///         including an event before `created_at`, a document over 4 MiB or nested deeper
  ///         than 32 levels, and more than max_ticket_events events.
  static Ticket from_json(std::string_view json);

  /// Checks what a hand-built ticket must satisfy: an id, at most max_ticket_events events,
  /// no event before `created_at`, each custom status a non-empty one of `custom_statuses`,
  /// set by a `status` event, each `sla_override` event's detail one of `overrides`, with a
  /// metric and a due instant after the event's own, and each change event's one of
  /// `changes`, naming a field or tag.
  /// @throws InputError naming the first problem.
  void validate() const;
};

}  // namespace aftersales
