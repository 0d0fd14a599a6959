// The reasons a routing decision gives for its skills, its agent, or its waiting, from the
// router's state (the texts are spelled with reason_text.hpp).

#include <algorithm>
#include <string>

#include "text/text.hpp"
#include "routing/reason_text.hpp"
#include "routing/router_state.hpp"

namespace aftersales::detail {

std::string RouterCore::skills_reason(const RoutingRule* rule, const Needs& needs) const {
  if (rule != nullptr) {
    const auto& [usual, text] = rule_skills_[static_cast<std::size_t>(rule - routing().rules.data())];
    if (std::equal(needs.begin(), needs.end(), usual.begin(), usual.end())) return text;
  }
  return skills_text(routing(), needs);
}

std::string RouterCore::choice_reason(const Choice& choice, const Need& need, std::string_view channel) const {
  const AgentState& agent = agents_[choice.agent];
  const std::string& id = agent.spec.id;
  switch (choice.why) {
    case Choice::Why::resolver: return concat({"reopened: back to ", id, ", who resolved it"});
    case Choice::Why::sticky: return concat({"sticky: ", id, " served this customer last"});
    case Choice::Why::strategy: break;
  }
  switch (routing().strategy) {
    case RoutingStrategy::least_loaded: {
      // A unit capacity is shown when the ticket costs units of it: it may be what ranked the
      // agent. Spelled only then (short enough to need no allocation): every decision of
      // least_loaded spells this reason.
      std::string units;
      if (agent.units >= 0 && need.units > 0)
        units = concat({", ", Digits(agent.units_used), " of ", Digits(agent.units), " units"});
      return concat({"least_loaded: ", id, " had the lowest load among eligible agents (",
                     Digits(agent.load_on(need.channel)), " of ", Digits(agent.capacity_on(need.channel)), " on ",
                     need.channel < channel_quoted_.size() ? std::string_view(channel_quoted_[need.channel])
                                                           : std::string_view(detail::quoted(channel)),
                     units, ")"});
    }
    case RoutingStrategy::round_robin:
      return concat({"round_robin: ", id, " was next in queue ", routing().queues[choice.queue].quoted});
    case RoutingStrategy::most_idle: return concat({"most_idle: ", id, " had gone longest without an assignment"});
  }
  return {};
}

std::string RouterCore::waiting_reason(std::uint32_t queue, const Need& need, std::string_view language) const {
  const Scan counts = count_blocked(queue, need);
  const auto count = [&](Block b) { return std::to_string(counts.blocked[static_cast<std::size_t>(b)]); };
  // Out of units counts as at capacity: the room index, which counts without walking busy
  // agents, does not tell the two limits apart.
  const auto full = counts.blocked[static_cast<std::size_t>(Block::capacity)] + counts.blocked[static_cast<std::size_t>(Block::units)];
  std::string text = "no eligible agent in queue " + detail::quoted(routing().queues[queue].id) + " (" +
                     count(Block::status) + " not online, " + std::to_string(full) + " at capacity, " +
                     count(Block::skill) + " without the skills";
  if (!language.empty() && routing().language_match) text += ", " + count(Block::language) + " not speaking " + detail::quoted(language);
  return text + "): waiting";
}

}  // namespace aftersales::detail
