#pragma once
// The words of a ticket (spec §3): the names of its priorities, statuses and built-in event
// types, each list in the order of its enum. Reading a name and printing one both look here
// (the ticket reader, conditions, SLA compile, routing, `to_string`), so each is spelled once.

#include <aftersales/ticket.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "text/text.hpp"

namespace aftersales::detail {

inline constexpr std::array<std::string_view, 4> priority_names{"low", "normal", "high", "urgent"};
inline constexpr std::array<std::string_view, 6> status_names{"new",     "open",     "pending_customer",
                                                              "on_hold", "resolved", "closed"};
inline constexpr std::array<std::string_view, 16> event_names{
    "customer_message", "agent_reply", "assigned", "status", "priority", "resolved", "reopened", "closed",
    "follow_up", "escalated", "satisfaction", "nps", "handoff", "refund_requested", "refund_issued",
    "return_received"};
/// The custom event that sets a metric's due instant (docs/sla.md, "Overrides"): the one event
/// with `metric` and `due_at`.
inline constexpr std::string_view override_event_name = "sla_override";
/// The custom events that change a ticket's fields and tags (docs/sla.md, "Events that change
/// fields and tags"), in the order of ChangeKind.
inline constexpr std::array<std::string_view, 3> change_event_names{"field_changed", "tag_added", "tag_removed"};
enum class ChangeKind : std::uint8_t { field, tag_added, tag_removed };

/// The change a custom event named `name` makes, if it is one of change_event_names.
inline std::optional<ChangeKind> change_kind(std::string_view name) {
  const auto index = index_of(change_event_names, name);
  if (!index) return std::nullopt;
  return static_cast<ChangeKind>(*index);
}

static_assert(priority_names.size() == static_cast<std::size_t>(Priority::urgent) + 1);
static_assert(status_names.size() == static_cast<std::size_t>(Status::closed) + 1);
static_assert(event_names.size() == static_cast<std::size_t>(EventType::custom));

/// The priority named `name` ("low", ... "urgent").
inline std::optional<Priority> priority_named(std::string_view name) {
  const auto index = index_of(priority_names, name);
  if (!index) return std::nullopt;
  return static_cast<Priority>(*index);
}

/// The status named `name` ("new", ... "closed").
inline std::optional<Status> status_named(std::string_view name) {
  const auto index = index_of(status_names, name);
  if (!index) return std::nullopt;
  return static_cast<Status>(*index);
}

}  // namespace aftersales::detail
