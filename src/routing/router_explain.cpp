// "Why is this waiting?": for a waiting ticket, the first criterion of the picker each agent
// fails. The verdict is check()'s, the one select() acts on, so the explanation cannot drift
// from the decisions; only the figures that explain it are read beside it. Under the lock each
// agent costs one check() and a few integers (its id is copied only when it is on the page
// asked for); the texts are spelled after the lock is released.

#include <aftersales/error.hpp>
#include <aftersales/routing.hpp>

#include <array>
#include <iterator>
#include <mutex>
#include <string>

#include "routing/agent_json.hpp"
#include "routing/reason_text.hpp"
#include "routing/router_state.hpp"
#include "text/text.hpp"

namespace aftersales {
namespace detail {
namespace {

constexpr std::array<std::string_view, 8> reason_names = {"not_in_queue", "not_online", "at_capacity", "units",
                                                          "language", "skill", "eligible", "declined"};

WaitReason reason_of(Block block) noexcept {
  switch (block) {
    case Block::status: return WaitReason::not_online;
    case Block::capacity: return WaitReason::at_capacity;
    case Block::units: return WaitReason::units;
    case Block::language: return WaitReason::language;
    case Block::skill: return WaitReason::skill;
    case Block::barred: return WaitReason::declined;
    case Block::none: break;
  }
  return WaitReason::eligible;
}

// `"returns"` or `"returns", "general"`: the queues whose agents may take the ticket.
std::string queue_names(const std::vector<std::string>& queues) {
  std::string text;
  for (const auto& queue : queues) text += (text.empty() ? "" : ", ") + quoted(queue);
  return text;
}

// "returns >= 2, senior >= 1".
std::string skill_list(const RoutingRules& routing, const std::vector<SkillNeed>& skills) {
  constexpr std::string_view head = "requires skills ";
  return skills_text(routing, skills).substr(head.size());
}

// What the summary says of `n` agents failing first on `reason`.
std::string summary_text(const RoutingRules& routing, const ExplainCopy& copy, WaitReason reason, std::size_t n) {
  const WaitExplanation& e = copy.explanation;
  const std::string count = std::to_string(n);
  switch (reason) {
    case WaitReason::not_in_queue:
      return count + (e.queues.size() == 1 ? " not in queue " : " in none of the queues ") + queue_names(e.queues);
    case WaitReason::not_online: return count + " not online";
    case WaitReason::at_capacity: return count + " at capacity on " + quoted(e.channel);
    case WaitReason::units: return count + " without the units for " + quoted(e.channel);
    case WaitReason::language:
      return count + (e.language ? " not speaking " + quoted(*e.language) : std::string(" not speaking the language (none required)"));
    case WaitReason::skill:
      return count + " without the skills (" + (copy.skills.empty() ? std::string("none required") : skill_list(routing, copy.skills)) + ")";
    case WaitReason::eligible: return count + " eligible: the next dispatch assigns them waiting tickets";
    case WaitReason::declined: return count + " declined an offer of it or let one lapse, barred for now";
  }
  return count;
}

// What the listing says of one agent.
std::string agent_text(const RoutingRules& routing, const WaitExplanation& e, const Failure& f) {
  switch (f.reason) {
    case WaitReason::not_in_queue:
      return (e.queues.size() == 1 ? "not in queue " : "in none of the queues ") + queue_names(e.queues);
    case WaitReason::not_online: return std::string(to_string(f.status));
    case WaitReason::at_capacity:
      return "at capacity on " + quoted(e.channel) + " (" + std::to_string(f.have) + " of " + std::to_string(f.need) + ")";
    case WaitReason::units:
      return std::to_string(f.have) + " of " + std::to_string(f.need) + " units used, " + quoted(e.channel) + " costs " +
             std::to_string(f.cost);
    case WaitReason::language: return "does not speak " + quoted(e.language.value_or(""));
    case WaitReason::skill: {
      const std::string skill = quoted(routing.skill_names[f.skill]);
      if (f.have < 0) return "lacks skill " + skill + " (needs level " + std::to_string(f.need) + ")";
      return "skill " + skill + " at level " + std::to_string(f.have) + ", needs " + std::to_string(f.need);
    }
    case WaitReason::eligible: return "fails nothing: the next dispatch assigns it a waiting ticket";
    case WaitReason::declined:
      return "declined an offer of it or let one lapse: not offered it again before " + format_instant(f.until.value_or(Instant{}));
  }
  return {};
}

}  // namespace

Failure RouterCore::failure(const AgentState& agent, const Need& need, std::span<const std::uint32_t> reached) const {
  Failure f;
  if (std::none_of(reached.begin(), reached.end(), [&](std::uint32_t q) { return agent.in_queue(q); })) {
    f.reason = WaitReason::not_in_queue;
    return f;
  }
  f.reason = reason_of(check(agent, need));
  switch (f.reason) {
    case WaitReason::not_online: f.status = agent.spec.status; break;
    case WaitReason::at_capacity:
      f.have = agent.load_on(need.channel);
      f.need = agent.capacity_on(need.channel);
      break;
    case WaitReason::units:
      f.have = agent.units_used;
      f.need = agent.units;
      f.cost = need.units;
      break;
    case WaitReason::skill:
      for (const SkillNeed& skill : need.skills) {
        if (agent.level(skill.skill) >= skill.level) continue;
        f.skill = skill.skill;
        f.have = agent.level(skill.skill);
        f.need = skill.level;
        break;
      }
      break;
    default: break;
  }
  return f;
}

ExplainCopy RouterCore::explain(std::string_view ticket, const ExplainOptions& options) const {
  const auto id = waiting_ids_.find(ticket);
  if (id == waiting_ids_.end()) {
    if (const auto it = assigned_.find(ticket); it != assigned_.end())
      throw NotFoundError("ticket " + quoted(ticket) + " is not waiting: it is assigned to " + agents_[it->second.agent].spec.id);
    throw NotFoundError("ticket " + quoted(ticket) + " is not waiting, nor assigned to an agent of this router");
  }
  // What a dispatch at `at` would fire first: the overflow stages, the relaxation, the ladder
  // steps and the aging due by then, on a copy of the ticket.
  Waiting w = waiting_.at(id->second);
  if (options.at) {
    while (const auto next = overflow_at(w, w.stages)) {
      if (*next > *options.at) break;
      ++w.stages;
    }
    if (w.relax_at && *w.relax_at <= *options.at) {
      w.relax_at.reset();
      w.preferred.clear();
    }
    for (auto next = next_step(w); next && *next <= *options.at; next = next_step(w)) (void)apply_step(w, w.ladder->steps[w.step++]);
    w.aged = aging_levels(w, *options.at);
  }
  // Without an instant, the bars the last dispatch left.
  const Need need = need_of(w, options.at.value_or(Instant::min()));

  ExplainCopy copy;
  WaitExplanation& e = copy.explanation;
  e.ticket = w.ticket;
  e.queue = routing().queues[w.queue].id;
  const QueueList queues = queues_of(w);
  const std::vector<std::uint32_t> reached(queues.begin(), queues.end());
  for (const std::uint32_t q : reached) e.queues.push_back(routing().queues[q].id);
  e.priority = effective_priority(w.priority, w.aged);
  e.channel = w.channel;
  if (need.language != any_language) e.language = w.language;
  copy.skills.assign(need.skills.begin(), need.skills.end());
  e.waiting_since = w.since;
  e.agents = agent_ids_.size();
  e.offset = options.offset;

  // The counts read the agents in slot order, one array, not the tree of ids; the page is
  // then found in the tree.
  for (const AgentState& agent : agents_)
    if (!agent.spec.id.empty()) ++copy.counts[static_cast<std::size_t>(failure(agent, need, reached).reason)];
  if (options.limit == 0 || options.offset >= agent_ids_.size()) return copy;
  auto it = std::next(agent_ids_.begin(), static_cast<std::ptrdiff_t>(options.offset));
  for (std::size_t n = 0; n < options.limit && it != agent_ids_.end(); ++n, ++it) {
    Failure f = failure(agents_[it->second], need, reached);
    if (f.reason == WaitReason::declined)
      f.until = std::find_if(w.bars.begin(), w.bars.end(), [&](const Bar& bar) { return bar.agent == it->first; })->until;
    copy.listed.emplace_back(it->first, f);
  }
  return copy;
}

void write_wait_explanation(JsonWriter& out, const WaitExplanation& e) {
  out.begin_object();
  out.key("ticket").value(e.ticket);
  out.key("queue").value(e.queue);
  out.key("queues").begin_array();
  for (const auto& queue : e.queues) out.value(queue);
  out.end_array();
  out.key("priority").value(to_string(e.priority));
  out.key("channel").value(e.channel);
  out.key("language");
  if (e.language) out.value(*e.language);
  else out.null();
  out.key("skills").begin_object();
  for (const auto& [skill, level] : e.skills) out.key_text(skill).value(level);
  out.end_object();
  out.key("waiting_since").instant(e.waiting_since);
  out.key("agents").value(static_cast<std::int64_t>(e.agents));
  std::size_t eligible = 0;
  for (const auto& count : e.summary) eligible += count.reason == WaitReason::eligible ? count.agents : 0;
  out.key("eligible").value(static_cast<std::int64_t>(eligible));
  out.key("summary").begin_array();
  for (const auto& count : e.summary) {
    out.begin_object();
    out.key("reason").value(to_string(count.reason));
    out.key("agents").value(static_cast<std::int64_t>(count.agents));
    out.key("text").value(count.text);
    out.end_object();
  }
  out.end_array();
  out.key("offset").value(static_cast<std::int64_t>(e.offset));
  out.key("listed").begin_array();
  for (const auto& agent : e.listed) {
    out.begin_object();
    out.key("agent").value(agent.agent);
    out.key("reason").value(to_string(agent.reason));
    out.key("text").value(agent.text);
    if (agent.barred_until) out.key("barred_until").instant(*agent.barred_until);
    out.end_object();
  }
  out.end_array();
  out.end_object();
}

}  // namespace detail

std::string_view to_string(WaitReason reason) noexcept { return detail::reason_names[static_cast<std::size_t>(reason)]; }

std::string WaitExplanation::to_json() const {
  detail::JsonWriter out;
  detail::write_wait_explanation(out, *this);
  return out.take();
}

WaitExplanation Router::explain(std::string_view ticket_id, const ExplainOptions& options) const {
  if (options.limit > ExplainOptions::max_limit)
    throw InputError("at most " + std::to_string(ExplainOptions::max_limit) + " agents are listed at once, not " +
                         std::to_string(options.limit) + "; page through them with the offset",
                     "limit");
  detail::ExplainCopy copy;
  {
    const std::lock_guard lock(state_->mutex);
    copy = state_->core.explain(ticket_id, options);
  }
  // The policy is immutable: its names are read without the lock.
  const detail::RoutingRules& routing = state_->core.routing();
  WaitExplanation& e = copy.explanation;
  for (const detail::SkillNeed& skill : copy.skills) e.skills.emplace_back(routing.skill_names[skill.skill], skill.level);
  for (std::size_t r = 0; r < copy.counts.size(); ++r) {
    const auto reason = static_cast<WaitReason>(r);
    if (reason == WaitReason::declined && !routing.offers) continue;  // no offer, no bar
    e.summary.push_back({reason, copy.counts[r], detail::summary_text(routing, copy, reason, copy.counts[r])});
  }
  for (auto& [agent, failure] : copy.listed)
    e.listed.push_back({std::move(agent), failure.reason, detail::agent_text(routing, e, failure), failure.until});
  return std::move(copy.explanation);
}

}  // namespace aftersales
