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

/// A step of a rule's relaxation ladder: once a waiting ticket has waited `after` (from the
/// start of its wait), it stops requiring the `drop` skills, `queue`'s agents may take it too,
/// and with `any_language` any agent will do whatever language the customer speaks.
struct LadderStep {
  Duration after{};
  std::vector<std::uint32_t> drop;  // skill indexes
  std::uint32_t queue = no_queue;
  bool any_language = false;
};

/// Aging: a waiting ticket's priority rises one level per `every` waited, up to `up_to`
/// (never above, never lowering a ticket routed above it).
struct Aging {
  Duration every{};
  Priority up_to = Priority::urgent;
};

/// Offers (docs/routing.md, "Offers"): a route or dispatch offers the ticket to the agent it
/// picks, who accepts or declines it within `push_timeout`; a declined or lapsed ticket is not
/// offered to that agent again for `no_reoffer`.
struct Offers {
  Duration push_timeout{};
  Duration no_reoffer{};
};

struct RoutingRule {
  std::string id;
  std::string quoted;
  Condition when;
  Validity valid;  // judged at the routing instant, as calendar conditions are
  std::uint32_t queue = no_queue;
  std::optional<Priority> priority;
  std::vector<SkillNeed> skills;
  std::vector<SkillNeed> preferred_skills;  // required until the ticket has waited relax_after
  Duration relax_after{};
  std::vector<LadderStep> steps;  // by `after`, strictly increasing
  bool bot = false;
};

struct RoutingRules {
  bool present = false;
  std::vector<RoutingQueue> queues;  // in policy order
  std::vector<RoutingRule> rules;
  bool timed = false;  // some rule has `valid` dates or a calendar condition
  std::uint32_t default_queue = no_queue;
  RoutingStrategy strategy = RoutingStrategy::least_loaded;
  bool language_match = false;
  bool sticky = false;
  std::optional<Aging> aging;
  std::optional<Offers> offers;  // none: tickets are assigned directly
  std::vector<std::pair<std::string, std::vector<SkillNeed>>> tier_skills;  // sorted by tier
  // Capacity units: what a ticket of each channel costs of an agent's `units` (sorted by
  // channel); channels not listed cost `default_units` ("*"), 0 when not given.
  std::vector<std::pair<std::string, int>> units;
  int default_units = 0;
  std::vector<std::string> skill_names;  // every skill the section mentions, in order of mention
  std::map<std::string, std::uint32_t, std::less<>> skill_ids;
  std::string fingerprint;               // of the queues and their overflow, for snapshots
  const SymbolTable* symbols = nullptr;  // the policy's, which the conditions were compiled against
  const SlaRules* sla = nullptr;         // the policy's: a waiting ticket's due time

  [[nodiscard]] std::optional<std::uint32_t> queue_index(std::string_view id) const;
  [[nodiscard]] std::optional<std::uint32_t> skill_index(std::string_view name) const;
  [[nodiscard]] const std::vector<SkillNeed>* tier(std::string_view tier) const;
  /// What a ticket of `channel` costs of an agent's units.
  [[nodiscard]] int unit_cost(std::string_view channel) const;
  /// The rule with this id, or null (a snapshot's waiting ticket names its rule).
  [[nodiscard]] const RoutingRule* rule(std::string_view id) const;
  /// "returns, general, bot": the queue ids, for messages.
  [[nodiscard]] std::string queue_list() const;
};

}  // namespace aftersales::detail
