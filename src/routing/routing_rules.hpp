#pragma once
// The routing rules (spec §5): the policy's `routing` section compiled (routing_compile.hpp), all
// the router reads. Queue and skill names are interned to
// small integers here, once, so the router compares integers per decision.

#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "condition/condition_rules.hpp"
#include "sla/sla_rules.hpp"

namespace aftersales::detail {

inline constexpr std::uint32_t no_queue = 0xffffffffu;

enum class RoutingStrategy : std::uint8_t { least_loaded, round_robin, most_idle };

/// A required skill: index into RoutingRules::skill_names, and the minimum level.
struct SkillNeed {
  std::uint32_t skill = 0;
  int level = 0;
  friend bool operator==(const SkillNeed&, const SkillNeed&) = default;
};

struct RoutingQueue {
  std::string id;
  std::string quoted;  // the id as reasons show it, "returns"
  std::optional<Duration> overflow_after;
  std::uint32_t overflow_to = no_queue;
};

struct RoutingRule {
  std::string id;
  std::string quoted;
  Condition when;
  std::uint32_t queue = no_queue;
  std::optional<Priority> priority;
  std::vector<SkillNeed> skills;
  std::vector<SkillNeed> preferred_skills;  // required until the ticket has waited relax_after
  Duration relax_after{};
  bool bot = false;
};

struct RoutingRules {
  bool present = false;
  std::vector<RoutingQueue> queues;  // in policy order
  std::vector<RoutingRule> rules;
  std::uint32_t default_queue = no_queue;
  RoutingStrategy strategy = RoutingStrategy::least_loaded;
  bool language_match = false;
  bool sticky = false;
  std::vector<std::pair<std::string, std::vector<SkillNeed>>> tier_skills;  // sorted by tier
  std::vector<std::string> skill_names;  // every skill the section mentions, in order of mention
  std::map<std::string, std::uint32_t, std::less<>> skill_ids;
  std::string fingerprint;               // of the queues and their overflow, for snapshots
  const SymbolTable* symbols = nullptr;  // the policy's, which the conditions were compiled against
  const SlaRules* sla = nullptr;         // the policy's: a waiting ticket's due time

  [[nodiscard]] std::optional<std::uint32_t> queue_index(std::string_view id) const;
  [[nodiscard]] std::optional<std::uint32_t> skill_index(std::string_view name) const;
  [[nodiscard]] const std::vector<SkillNeed>* tier(std::string_view tier) const;
  /// "returns, general, bot": the queue ids, for messages.
  [[nodiscard]] std::string queue_list() const;
};

}  // namespace aftersales::detail
