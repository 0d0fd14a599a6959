#pragma once
// The waiting tickets of each queue, grouped by what they need of an agent (channel, language,
// skills). Every ticket of a group can be taken by the same agents, so a dispatch asks, for each
// group, whether one of the agents freed since the last dispatch could take it — and if one
// could, the group's most urgent ticket is assignable: the dispatch walks only tickets it
// assigns, however long the backlog that nobody freed can serve.

#include <algorithm>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "routing/routing_rules.hpp"

namespace aftersales::detail {

/// The order of a queue: priority (highest first), SLA due time (none last), arrival.
struct WaitKey {
  int rank = 0;  // 3 - priority
  std::int64_t due = 0;
  std::uint64_t seq = 0;
  friend auto operator<=>(const WaitKey&, const WaitKey&) = default;
};

/// What a waiting ticket needs of an agent. `language` is empty when any agent will do.
struct NeedKey {
  std::uint32_t channel = 0;
  std::string language;
  std::vector<SkillNeed> skills;  // by skill id, so that equal needs compare equal

  friend bool operator<(const NeedKey& a, const NeedKey& b) noexcept {
    if (std::tie(a.channel, a.language) != std::tie(b.channel, b.language))
      return std::tie(a.channel, a.language) < std::tie(b.channel, b.language);
    return std::lexicographical_compare(a.skills.begin(), a.skills.end(), b.skills.begin(), b.skills.end(),
                                        [](const SkillNeed& x, const SkillNeed& y) {
                                          return std::tie(x.skill, x.level) < std::tie(y.skill, y.level);
                                        });
  }
};

class WaitingGroups {
 public:
  using Sets = std::map<std::uint32_t, std::set<WaitKey>>;  // by group, in order of interning

  void resize(std::size_t queues) { by_queue_.resize(queues); }

  /// The need of a ticket on `channel` in `language` with `skills` (in any order).
  static NeedKey key(std::uint32_t channel, std::string_view language, std::vector<SkillNeed> skills) {
    std::sort(skills.begin(), skills.end(), [](const SkillNeed& a, const SkillNeed& b) { return a.skill < b.skill; });
    return {channel, std::string(language), std::move(skills)};
  }
  /// The group of tickets with this need; groups are kept for the router's life (there are as
  /// many as the distinct needs tickets have had, which the policy bounds in practice).
  std::uint32_t group_of(NeedKey key) {
    const auto [it, added] = ids_.try_emplace(std::move(key), static_cast<std::uint32_t>(needs_.size()));
    if (added) needs_.push_back(&it->first);
    return it->second;
  }
  /// The group of this need, if a ticket has had it.
  [[nodiscard]] std::optional<std::uint32_t> known(const NeedKey& key) const {
    const auto it = ids_.find(key);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  [[nodiscard]] const NeedKey& need(std::uint32_t group) const noexcept { return *needs_[group]; }

  void insert(std::uint32_t queue, std::uint32_t group, const WaitKey& key) { by_queue_[queue][group].insert(key); }
  void erase(std::uint32_t queue, std::uint32_t group, const WaitKey& key) {
    auto& sets = by_queue_[queue];
    const auto set = sets.find(group);
    set->second.erase(key);
    if (set->second.empty()) sets.erase(set);
  }
  /// The groups with tickets waiting in `queue`.
  [[nodiscard]] const Sets& of(std::uint32_t queue) const noexcept { return by_queue_[queue]; }
  /// The tickets of `group` waiting in `queue`, or null.
  [[nodiscard]] const std::set<WaitKey>* find(std::uint32_t queue, std::uint32_t group) const {
    const auto it = by_queue_[queue].find(group);
    return it == by_queue_[queue].end() ? nullptr : &it->second;
  }

 private:
  std::map<NeedKey, std::uint32_t> ids_;
  std::vector<const NeedKey*> needs_;  // by group: the key, which a map node keeps in place
  std::vector<Sets> by_queue_;
};

}  // namespace aftersales::detail
