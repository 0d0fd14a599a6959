#pragma once
// Statuses of the host's own (docs/sla.md, "Status categories"). A ticket keeps their names
// (Ticket::custom_statuses, an Event's custom_status indexing them); a policy's `statuses` maps
// each name to the built-in status it counts as, its category; a replay resolves each as it
// applies (ticket_timeline.hpp), so that every engine counts a custom status as its category.

#include <aftersales/ticket.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aftersales::detail {

/// The categories a custom status may have: the statuses a `status` event reaches, and solved.
inline constexpr std::array<Status, 4> status_categories{Status::open, Status::pending_customer, Status::on_hold,
                                                         Status::resolved};

/// A policy's `statuses`, compiled: custom status k is names[k], counting as categories[k].
struct StatusCategories {
  std::vector<std::string> names;  // sorted
  std::vector<Status> categories;  // by name

  /// The index of the custom status `name`, if the policy maps it.
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view name) const {
    const auto it = std::lower_bound(names.begin(), names.end(), name);
    if (it == names.end() || *it != name) return std::nullopt;
    return static_cast<std::uint32_t>(it - names.begin());
  }
};

/// What an engine whose policy has no `statuses` resolves against: every custom status unknown.
inline const StatusCategories no_custom_statuses{};

/// Gives each custom status of one ticket its Event::custom_status as the ticket is built, each
/// name once, in constant time per event (a ticket may name thousands). The names looked up must
/// outlive it: the text of the document read, or a batch's dictionary.
class CustomStatusIds {
 public:
  explicit CustomStatusIds(std::vector<std::string>& names) : names_(names) {}

  std::uint32_t id(std::string_view name) {
    const auto [it, added] = ids_.try_emplace(name, static_cast<std::uint32_t>(names_.size() + 1));
    if (added) names_.emplace_back(name);
    return it->second;
  }

 private:
  std::vector<std::string>& names_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;
};

}  // namespace aftersales::detail
