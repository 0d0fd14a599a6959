#pragma once
// What the rules decide about a ticket before any agent is looked at (route_plan.cpp).

#include <aftersales/routing.hpp>

#include <boost/container/small_vector.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "routing/routing_rules.hpp"

namespace aftersales::detail {

using Needs = boost::container::small_vector<SkillNeed, 8>;

/// What the rules decided about a ticket, before any agent is looked at.
struct Plan {
  std::uint32_t queue = 0;
  const RoutingRule* rule = nullptr;
  Priority priority = Priority::normal;
  bool bot = false;
  Needs skills;          // the rule's and the tier's
  std::string resolver;  // the agent who resolved a reopened ticket
  std::vector<std::string> reasons;
  [[nodiscard]] std::span<const SkillNeed> preferred() const;
};

Plan plan_route(const RoutingRules& routing, const Ticket& ticket, Instant at);

/// When a waiting ticket is due: the earliest due time of its running SLA clocks.
std::optional<Instant> due_time(const SlaRules& sla, const Ticket& ticket, Instant at);

/// Merges `more` into `needs`, keeping the higher level of a skill named twice.
void add_needs(Needs& needs, std::span<const SkillNeed> more);

}  // namespace aftersales::detail
