// The router's state and decisions. One mutex guards everything: each call does a bounded
// amount of work under it (a scan of one queue's agents, or a dispatch proportional to what it
// assigns), which keeps the invariants (never over capacity, never offline, every ticket
// assigned once or waiting) easy to see. Rule matching, which reads only the immutable policy,
// runs before the lock is taken.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <climits>
#include <initializer_list>
#include <compare>
#include <map>
#include <mutex>
#include <set>

#include "detail/text.hpp"
#include "policy/policy_data.hpp"
#include "routing/agent_json.hpp"
#include "routing/router_state.hpp"
#include "sla/sla_evaluate.hpp"
#include "ticket/ticket_subject.hpp"

namespace aftersales {

using detail::no_queue;
using detail::RoutingRule;
using detail::RoutingSection;
using detail::RoutingStrategy;
using detail::SkillNeed;

namespace detail {
namespace {

// A reason from pieces in one allocation: decisions are made by the million.
std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (const std::string_view part : parts) size += part.size();
  std::string text(size, '\0');
  char* out = text.data();
  for (const std::string_view part : parts) out = std::copy(part.begin(), part.end(), out);
  return text;
}

// An integer's digits without an allocation, for concat.
class Digits {
 public:
  explicit Digits(long long value) : size_(static_cast<std::size_t>(std::to_chars(text_, text_ + sizeof text_, value).ptr - text_)) {}
  operator std::string_view() const noexcept { return {text_, size_}; }

 private:
  char text_[24];
  std::size_t size_;
};

std::string skills_text(const RoutingSection& routing, std::span<const SkillNeed> needs) {
  constexpr std::string_view head = "requires skills ";
  std::size_t size = head.size();
  for (const SkillNeed& need : needs)
    size += routing.skill_names[need.skill].size() + std::string_view(Digits(need.level)).size() + 6;  // " >= ", ", "
  std::string text;
  text.reserve(size);
  text += head;
  for (const SkillNeed& need : needs) {
    if (&need != needs.data()) text += ", ";
    text.append(routing.skill_names[need.skill]).append(" >= ").append(Digits(need.level));
  }
  return text;
}

// Merges `more` into `needs`, keeping the higher level of a skill named twice.
void add_needs(Needs& needs, std::span<const SkillNeed> more) {
  for (const SkillNeed& need : more) {
    const auto it = std::find_if(needs.begin(), needs.end(), [&](const SkillNeed& n) { return n.skill == need.skill; });
    if (it == needs.end()) needs.push_back(need);
    else it->level = std::max(it->level, need.level);
  }
}

// Events ordered by time, ties by their position in the ticket (SPEC §3).
bool before(const Event& a, const Event& b) { return a.at != b.at ? a.at < b.at : &a < &b; }

struct History {
  bool handed_off = false;
  std::string resolver;  // set only when the ticket is reopened
};

// Who resolved a reopened ticket: the agent of the last `assigned` event before the last
// `resolved` one, if a `reopened` event follows that resolution.
History read_history(const Ticket& ticket, Instant at) {
  History history;
  const Event* resolved = nullptr;
  for (const Event& e : ticket.events) {
    if (e.at > at) continue;
    if (e.type == EventType::handoff) history.handed_off = true;
    if (e.type == EventType::resolved && (resolved == nullptr || !before(e, *resolved))) resolved = &e;
  }
  if (resolved == nullptr) return history;
  const Event* assigned = nullptr;
  bool reopened = false;
  for (const Event& e : ticket.events) {
    if (e.at > at) continue;
    if (e.type == EventType::reopened && before(*resolved, e)) reopened = true;
    if (e.type == EventType::assigned && !e.agent.empty() && before(e, *resolved) &&
        (assigned == nullptr || !before(e, *assigned)))
      assigned = &e;
  }
  if (reopened && assigned != nullptr) history.resolver = assigned->agent;
  return history;
}

}  // namespace

Plan plan_route(const PolicyData& data, const Ticket& ticket, Instant at) {
  const RoutingSection& routing = data.routing;
  const auto [priority, status] = ticket_state(ticket, at);
  const TicketSubject subject(ticket, priority, status, data.symbols);
  const History history = read_history(ticket, at);
  Plan plan;
  plan.priority = priority;
  plan.resolver = history.resolver;
  for (const RoutingRule& rule : routing.rules) {
    // After a bot hands off, the ticket needs a person: bot rules no longer apply to it.
    if (rule.bot && history.handed_off) continue;
    if (!rule.when.matches(subject.subject())) continue;
    plan.rule = &rule;
    break;
  }
  plan.queue = plan.rule != nullptr ? plan.rule->queue : routing.default_queue;
  plan.reasons.reserve(4);  // rule, priority or skills, agent: one allocation for the list
  const std::string& queue = routing.queues[plan.queue].quoted;
  plan.reasons.push_back(plan.rule != nullptr ? concat({"rule ", plan.rule->quoted, " matched: queue ", queue})
                                              : concat({"no rule matched: default queue ", queue}));
  if (plan.rule != nullptr) {
    plan.bot = plan.rule->bot;
    if (plan.rule->priority && *plan.rule->priority > priority) {
      plan.priority = *plan.rule->priority;
      plan.reasons.push_back(concat({"priority raised from ", to_string(priority), " to ", to_string(plan.priority),
                                     " by the rule"}));
    }
    add_needs(plan.skills, plan.rule->skills);
  }
  // A bot answers whoever asks; people need the tier's skills, whichever queue they serve.
  if (const auto* tier = routing.tier(ticket.customer.tier); tier != nullptr && !plan.bot) add_needs(plan.skills, *tier);
  return plan;
}

std::span<const SkillNeed> Plan::preferred() const {
  return rule != nullptr ? std::span<const SkillNeed>(rule->preferred_skills) : std::span<const SkillNeed>();
}

// ---------------------------------------------------------------------------------------------
// RouterCore

RouterCore::RouterCore(std::shared_ptr<const Policy> policy) : policy_(std::move(policy)) {
  if (!policy_->data().routing.present) throw NotFoundError("the policy has no \"routing\" section");
  const auto queue_count = policy_->data().routing.queues.size();
  queue_agents_.resize(queue_count);
  columns_.resize(queue_count);
  cursors_.resize(queue_count);
  waiting_sets_.resize(queue_count);
  by_idle_.resize(queue_count);
  by_load_.resize(queue_count);
  // What most tickets of a rule need (no tier skills), and its reason, spelled out once.
  for (const RoutingRule& rule : policy_->data().routing.rules) {
    Needs needs;
    add_needs(needs, rule.skills);
    add_needs(needs, rule.preferred_skills);
    rule_skills_.emplace_back(std::vector<SkillNeed>(needs.begin(), needs.end()),
                              needs.empty() ? std::string() : skills_text(routing(), needs));
  }
}

std::string RouterCore::skills_reason(const RoutingRule* rule, const Needs& needs) const {
  if (rule != nullptr) {
    const auto& [usual, text] = rule_skills_[static_cast<std::size_t>(rule - routing().rules.data())];
    if (std::equal(needs.begin(), needs.end(), usual.begin(), usual.end())) return text;
  }
  return skills_text(routing(), needs);
}

const RoutingSection& RouterCore::routing() const noexcept { return policy_->data().routing; }

void AgentState::add_load(std::uint32_t channel, int delta) {
  if (channel < inline_channels) {
    small_load[channel] += delta;
    return;
  }
  const auto i = channel - inline_channels;
  if (load.size() <= i) load.resize(i + 1, 0);
  load[i] += delta;
}

void AgentState::set_capacity(std::uint32_t channel, int count) {
  if (channel < inline_channels) {
    small_capacity[channel] = count;
    return;
  }
  const auto i = channel - inline_channels;
  if (capacity.size() <= i) capacity.resize(i + 1, -1);
  capacity[i] = count;
}

bool AgentState::in_queue(std::uint32_t queue) const noexcept {
  return std::find(queues.begin(), queues.end(), queue) != queues.end();
}

Block RouterCore::check(const AgentState& agent, const Need& need) const noexcept {
  if (!agent.online) return Block::status;
  if (agent.load_on(need.channel) >= agent.capacity_on(need.channel)) return Block::capacity;
  if (need.language != any_language && !agent.speaks(need.language)) return Block::language;
  for (const SkillNeed& skill : need.skills)
    if (agent.level(skill.skill) < skill.level) return Block::skill;
  return Block::none;
}

// Every order used here ends in agent id order, so ties go to the smallest id.
std::optional<std::uint32_t> RouterCore::pick(std::uint32_t queue, const Need& need) const {
  const auto eligible = [&](std::uint32_t slot) { return check(agents_[slot], need) == Block::none; };
  switch (routing().strategy) {
    case RoutingStrategy::round_robin: {
      // The agent after the one this queue assigned last, wrapping around.
      const auto& members = queue_agents_[queue];
      const Cursor& cursor = cursors_[queue];
      // Ranks follow ids, so a cursor whose agent is still there is found without comparing text.
      const bool by_rank = cursor.slot < agents_.size() && agents_[cursor.slot].spec.id == cursor.agent;
      const auto after = by_rank ? members.begin() + static_cast<std::ptrdiff_t>(position(queue, agents_[cursor.slot].rank + 1))
                                 : std::upper_bound(members.begin(), members.end(), cursor.agent,
                                                    [&](const std::string& id, const QueueMember& m) { return id < agents_[m.slot].spec.id; });
      const auto start = static_cast<std::size_t>(after - members.begin());
      for (std::size_t i = 0; i < members.size(); ++i) {
        const std::uint32_t slot = members[(start + i) % members.size()].slot;
        if (eligible(slot)) return slot;
      }
      return std::nullopt;
    }
    case RoutingStrategy::least_loaded:
      if (indexed(need.channel)) {
        return least_loaded_pick(queue, by_load_[queue][need.channel], need);
      }
      return least_loaded_scan(queue, need);
    case RoutingStrategy::most_idle:
      for (const IdleKey& key : by_idle_[queue])
        if (eligible(key.slot)) return key.slot;
      return std::nullopt;
  }
  return std::nullopt;
}

// Online agents by load ratio, then rank: the first eligible one is the answer; from the first
// full bucket on, everyone is full. The queue's columns rule out most ineligible agents before
// their records are read.
std::optional<std::uint32_t> RouterCore::least_loaded_pick(std::uint32_t queue, const LoadBuckets& index,
                                                           const Need& need) const {
  std::uint64_t skills = 0;  // skills every candidate must have, at some level
  for (const SkillNeed& skill : need.skills)
    if (skill.skill < AgentState::inline_ids && skill.level >= 0) skills |= std::uint64_t{1} << skill.skill;
  const auto& members = queue_agents_[queue];
  const QueueColumns& columns = columns_[queue];
  const auto qualified = [&](std::size_t word) {
    std::uint64_t bits = need.language < columns.languages.size() ? columns.languages[need.language].word(word) : ~std::uint64_t{0};
    for (std::uint64_t s = skills; s != 0 && bits != 0; s &= s - 1)
      bits &= columns.skills[static_cast<std::size_t>(std::countr_zero(s))].word(word);
    return bits;
  };
  for (const LoadBuckets::Bucket& bucket : index.buckets()) {
    if (bucket.load >= bucket.capacity) break;
    for (std::size_t word = 0; word < bucket.agents.words(); ++word) {
      std::uint64_t bits = bucket.agents.word(word);
      if (bits != 0) bits &= qualified(word);
      for (; bits != 0; bits &= bits - 1) {
        const std::uint32_t slot = members[word * 64 + static_cast<std::size_t>(std::countr_zero(bits))].slot;
        if (check(agents_[slot], need) == Block::none) return slot;
      }
    }
  }
  return std::nullopt;
}

// For channels beyond the indexed ones: every member of the queue, lowest ratio first by id.
std::optional<std::uint32_t> RouterCore::least_loaded_scan(std::uint32_t queue, const Need& need) const {
  std::optional<std::uint32_t> best;
  for (const auto& [rank, slot] : queue_agents_[queue]) {
    if (check(agents_[slot], need) != Block::none) continue;
    if (!best || load_key(slot, need.channel) < load_key(*best, need.channel)) best = slot;
  }
  return best;
}

Scan RouterCore::scan(std::uint32_t queue, const Need& need) const {
  Scan result;
  for (const QueueMember& m : queue_agents_[queue]) ++result.blocked[static_cast<std::size_t>(check(agents_[m.slot], need))];
  return result;
}

LoadKey RouterCore::load_key(std::uint32_t slot, std::uint32_t channel) const noexcept {
  const AgentState& agent = agents_[slot];
  return {agent.load_on(channel), agent.capacity_on(channel), agent.rank, slot};
}

IdleKey RouterCore::idle_key(std::uint32_t slot) const noexcept {
  const AgentState& agent = agents_[slot];
  return {agent.last_assigned ? agent.last_assigned->time_since_epoch().count() : INT64_MIN, agent.rank, slot};
}

bool RouterCore::indexed(std::uint32_t channel) const noexcept {
  return channel < AgentState::inline_channels && channel < channels_.size();
}

// The indexes hold online agents only, ordered by fields that change: an agent leaves them
// before such a change and comes back after it.
void RouterCore::index_channel(std::uint32_t slot, std::uint32_t channel, bool add) {
  const AgentState& agent = agents_[slot];
  if (routing().strategy != RoutingStrategy::least_loaded || !agent.online || !indexed(channel) ||
      agent.capacity_on(channel) <= 0)
    return;
  const LoadKey key = load_key(slot, channel);
  for (std::size_t i = 0; i < agent.queues.size(); ++i) {
    auto& buckets = by_load_[agent.queues[i]][channel];
    if (add) buckets.insert(key.load, key.capacity, agent.positions[i]);
    else (void)buckets.erase(key.load, key.capacity, agent.positions[i]);
  }
}

void RouterCore::index(std::uint32_t slot, bool add) {
  const AgentState& agent = agents_[slot];
  if (!agent.online) return;
  if (routing().strategy == RoutingStrategy::most_idle) {
    const IdleKey key = idle_key(slot);
    for (const std::uint32_t q : agent.queues) {
      if (add) by_idle_[q].insert(key);
      else by_idle_[q].erase(key);
    }
  }
  for (std::uint32_t c = 0; c < AgentState::inline_channels; ++c) index_channel(slot, c, add);
}

void RouterCore::change_load(std::uint32_t slot, std::uint32_t channel, int delta) {
  AgentState& agent = agents_[slot];
  if (routing().strategy != RoutingStrategy::least_loaded || !agent.online || !indexed(channel) ||
      agent.capacity_on(channel) <= 0) {
    agent.add_load(channel, delta);
    return;
  }
  // The hot path of every assignment and release: one ticket more or less moves the agent to
  // a neighbouring bucket in each of its queues.
  const LoadKey before = load_key(slot, channel);
  agent.add_load(channel, delta);
  const LoadKey after = load_key(slot, channel);
  for (std::size_t i = 0; i < agent.queues.size(); ++i) {
    auto& buckets = by_load_[agent.queues[i]][channel];
    (void)buckets.erase(before.load, before.capacity, agent.positions[i]);
    buckets.insert(after.load, after.capacity, agent.positions[i]);
  }
}

void RouterCore::set_last_assigned(std::uint32_t slot, std::optional<Instant> at) {
  AgentState& agent = agents_[slot];
  if (routing().strategy != RoutingStrategy::most_idle || !agent.online) {
    agent.last_assigned = at;
    return;
  }
  const IdleKey before = idle_key(slot);
  agent.last_assigned = at;
  const IdleKey after = idle_key(slot);
  for (const std::uint32_t q : agent.queues) by_idle_[q].replace(before, after);
}

// Ranks are spaced out so that a new id usually fits between its neighbours; when it does not,
// every agent is ranked again (and the indexes, ordered by rank on ties, rebuilt).
void RouterCore::rank_new_agent(std::map<std::string, std::uint32_t, std::less<>>::iterator it) {
  constexpr std::uint64_t spacing = std::uint64_t{1} << 32;
  const std::uint64_t before = it == agent_ids_.begin() ? 0 : agents_[std::prev(it)->second].rank;
  const auto next = std::next(it);
  const std::uint64_t after = next == agent_ids_.end() ? UINT64_MAX : agents_[next->second].rank;
  AgentState& agent = agents_[it->second];
  if (after - before > 1) {
    agent.rank = next == agent_ids_.end() && UINT64_MAX - before > spacing ? before + spacing
                                                                            : before + (after - before) / 2;
    return;
  }
  for (const auto& [id, slot] : agent_ids_)
    if (slot != it->second) index(slot, false);
  std::uint64_t rank = 0;
  for (const auto& [id, slot] : agent_ids_) agents_[slot].rank = rank += spacing;
  // The order of ids, hence every member's position, is unchanged: only the copies move.
  for (auto& members : queue_agents_)
    for (QueueMember& m : members) m.rank = agents_[m.slot].rank;
  for (const auto& [id, slot] : agent_ids_)
    if (slot != it->second) index(slot, true);
}

std::uint32_t RouterCore::intern_channel(std::string_view name) {
  const auto before = channels_.size();
  const std::uint32_t channel = channels_.intern(name);
  if (channels_.size() != before) {  // a new channel: every agent joins its index
    channel_quoted_.push_back(detail::quoted(name));
    for (const auto& [id, slot] : agent_ids_) index_channel(slot, channel, true);
  }
  return channel;
}

std::uint32_t RouterCore::reachable_queue(std::uint32_t queue, std::uint32_t stage) const noexcept {
  for (std::uint32_t s = 0; s < stage && queue != no_queue; ++s) queue = routing().queues[queue].overflow_to;
  return queue;
}

std::optional<Choice> RouterCore::select(const Need& need, std::uint32_t queue, std::uint32_t stages,
                                         std::string_view resolver, std::string_view customer) const {
  const auto preferred = [&](std::string_view id, Choice::Why why) -> std::optional<Choice> {
    const auto it = agent_ids_.find(id);
    if (it == agent_ids_.end()) return std::nullopt;
    const AgentState& agent = agents_[it->second];
    if (check(agent, need) != Block::none) return std::nullopt;
    for (std::uint32_t s = 0; s <= stages; ++s) {
      const std::uint32_t q = reachable_queue(queue, s);
      if (agent.in_queue(q)) return Choice{it->second, q, why};
    }
    return std::nullopt;
  };
  if (!resolver.empty())
    if (auto choice = preferred(resolver, Choice::Why::resolver)) return choice;
  if (routing().sticky && !customer.empty()) {
    const auto it = sticky_.find(customer);
    if (it != sticky_.end())
      if (auto choice = preferred(it->second, Choice::Why::sticky)) return choice;
  }
  // The ticket's own queue first; overflow queues only when it has nobody.
  for (std::uint32_t s = 0; s <= stages; ++s) {
    const std::uint32_t q = reachable_queue(queue, s);
    if (const auto slot = pick(q, need)) return Choice{*slot, q, Choice::Why::strategy};
  }
  return std::nullopt;
}

Need RouterCore::need_of(std::string_view channel, std::string_view language) const {
  Need need;
  const auto known = channels_.find(channel);
  // A channel no agent lists yet: every agent's default capacity applies and no load is on it.
  need.channel = known ? *known : static_cast<std::uint32_t>(channels_.size());
  if (routing().language_match && !language.empty()) {
    const auto id = languages_.find(language);
    need.language = id ? *id : nobody_speaks;
  }
  return need;
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
    case RoutingStrategy::least_loaded:
      return concat({"least_loaded: ", id, " had the lowest load among eligible agents (",
                     Digits(agent.load_on(need.channel)), " of ", Digits(agent.capacity_on(need.channel)), " on ",
                     need.channel < channel_quoted_.size() ? std::string_view(channel_quoted_[need.channel])
                                                           : std::string_view(detail::quoted(channel)),
                     ")"});
    case RoutingStrategy::round_robin:
      return concat({"round_robin: ", id, " was next in queue ", routing().queues[choice.queue].quoted});
    case RoutingStrategy::most_idle: return concat({"most_idle: ", id, " had gone longest without an assignment"});
  }
  return {};
}

std::string RouterCore::waiting_reason(std::uint32_t queue, const Need& need, std::string_view language) const {
  const Scan counts = scan(queue, need);
  const auto count = [&](Block b) { return std::to_string(counts.blocked[static_cast<std::size_t>(b)]); };
  std::string text = "no eligible agent in queue " + detail::quoted(routing().queues[queue].id) + " (" +
                     count(Block::status) + " not online, " + count(Block::capacity) + " at capacity, " +
                     count(Block::skill) + " without the skills";
  if (!language.empty() && routing().language_match) text += ", " + count(Block::language) + " not speaking " + detail::quoted(language);
  return text + "): waiting";
}

void RouterCore::assign(const Choice& choice, const Need& need, std::string_view ticket, std::string_view customer,
                        std::string_view channel, Instant at) {
  // need_of found the channel unless no agent listed it yet: then it is interned now.
  const std::uint32_t c = need.channel < channels_.size() ? need.channel : intern_channel(channel);
  change_load(choice.agent, c, 1);
  set_last_assigned(choice.agent, at);
  const AgentState& agent = agents_[choice.agent];
  if (routing().strategy == RoutingStrategy::round_robin) cursors_[choice.queue] = {agent.spec.id, choice.agent};
  if (routing().sticky && !customer.empty()) sticky_.insert_or_assign(std::string(customer), agent.spec.id);
  assigned_.emplace(std::string(ticket), Assignment{choice.agent, choice.queue, c});
}

RoutingDecision RouterCore::route(const Ticket& ticket, Instant at, Plan plan) {
  if (const auto it = assigned_.find(ticket.id); it != assigned_.end())
    throw InputError("ticket " + detail::quoted(ticket.id) + " is already assigned to " + agents_[it->second.agent].spec.id +
                         "; release it before routing it again",
                     "ticket.id");
  if (const auto it = waiting_ids_.find(ticket.id); it != waiting_ids_.end())
    throw InputError("ticket " + detail::quoted(ticket.id) + " is already waiting in queue " +
                         detail::quoted(routing().queues[waiting_.at(it->second).queue].id),
                     "ticket.id");
  RoutingDecision decision;
  decision.ticket = ticket.id;
  decision.queue = routing().queues[plan.queue].id;
  if (plan.rule != nullptr) decision.rule = plan.rule->id;
  decision.priority = plan.priority;
  decision.bot = plan.bot;
  decision.reasons = std::move(plan.reasons);
  if (plan.bot) {
    decision.reasons.emplace_back("bot-first rule: the bot answers; route the ticket again after a handoff");
    return decision;
  }
  Need need = need_of(ticket.channel, ticket.customer.language);
  need.skills = plan.skills;
  add_needs(need.skills, plan.preferred());
  if (!need.skills.empty()) decision.reasons.push_back(skills_reason(plan.rule, need.skills));
  if (const auto choice = select(need, plan.queue, 0, plan.resolver, ticket.customer.id)) {
    decision.agent = agents_[choice->agent].spec.id;
    decision.reasons.push_back(choice_reason(*choice, need, ticket.channel));
    assign(*choice, need, ticket.id, ticket.customer.id, ticket.channel, at);
    return decision;
  }
  Waiting waiting;
  waiting.due = due_time(ticket, at);  // may throw: nothing has changed yet
  waiting.ticket = ticket.id;
  waiting.customer = ticket.customer.id;
  waiting.channel = std::string(ticket.channel);
  waiting.language = ticket.customer.language;
  if (plan.rule != nullptr) waiting.rule = plan.rule->id;
  waiting.resolver = plan.resolver;
  waiting.queue = plan.queue;
  waiting.priority = plan.priority;
  waiting.since = at;
  waiting.skills.assign(plan.skills.begin(), plan.skills.end());
  const auto preferred = plan.preferred();
  if (!preferred.empty()) {
    waiting.preferred.assign(preferred.begin(), preferred.end());
    waiting.relax_at = at + plan.rule->relax_after;
  }
  decision.waiting = true;
  decision.reasons.push_back(waiting_reason(plan.queue, need, ticket.customer.language));
  enqueue(std::move(waiting));
  return decision;
}

std::optional<Instant> RouterCore::due_time(const Ticket& ticket, Instant at) const {
  // The earliest due time of any running SLA clock (in practice first_response): what the
  // ticket will breach first.
  std::optional<Instant> due;
  for (const SlaMetric& metric : policy_->evaluate_sla(ticket, at).metrics)
    if (metric.due_at && (!due || *metric.due_at < *due)) due = metric.due_at;
  return due;
}

WaitKey RouterCore::key_of(const Waiting& w) noexcept {
  return {3 - static_cast<int>(w.priority), w.due ? w.due->time_since_epoch().count() : INT64_MAX, w.seq};
}

std::optional<Instant> RouterCore::next_overflow(const Waiting& w) const {
  // Overflow stage s+1 starts when the ticket has waited the `after`s of the queues 0..s.
  Instant overflow_at = w.since;
  std::uint32_t q = w.queue;
  for (std::uint32_t s = 0; q != no_queue; ++s) {
    const auto& queue = routing().queues[q];
    if (!queue.overflow_after) return std::nullopt;
    overflow_at += *queue.overflow_after;
    if (s == w.stages) return overflow_at;
    q = queue.overflow_to;
  }
  return std::nullopt;
}

std::optional<Instant> RouterCore::next_timer(const Waiting& w) const {
  const auto overflow = next_overflow(w);
  if (!w.relax_at) return overflow;
  return overflow && *overflow < *w.relax_at ? overflow : w.relax_at;
}

void RouterCore::enqueue(Waiting waiting) {
  waiting.seq = next_seq_++;
  const auto seq = waiting.seq;
  const WaitKey key = key_of(waiting);
  const std::uint32_t channel = intern_channel(waiting.channel);
  waiting_ids_.emplace(waiting.ticket, seq);
  Waiting& w = waiting_.emplace(seq, std::move(waiting)).first->second;
  w.channel_id = channel;
  for (std::uint32_t s = 0; s <= w.stages; ++s) waiting_sets_[reachable_queue(w.queue, s)][channel].insert(key);
  schedule(w);
}

void RouterCore::schedule(Waiting& w) {
  w.timer = next_timer(w);
  if (w.timer) timers_.emplace(w.timer->time_since_epoch().count(), w.seq);
}

void RouterCore::unqueue(std::uint64_t seq) {
  const auto it = waiting_.find(seq);
  const Waiting& w = it->second;
  const WaitKey key = key_of(w);
  for (std::uint32_t s = 0; s <= w.stages; ++s) {
    auto& sets = waiting_sets_[reachable_queue(w.queue, s)];
    const auto set = sets.find(w.channel_id);
    set->second.erase(key);
    if (set->second.empty()) sets.erase(set);
  }
  if (w.timer) timers_.erase({w.timer->time_since_epoch().count(), seq});
  waiting_ids_.erase(w.ticket);
  waiting_.erase(it);
}

bool RouterCore::withdraw(std::string_view ticket) {
  const auto it = waiting_ids_.find(ticket);
  if (it == waiting_ids_.end()) return false;
  unqueue(it->second);
  return true;
}

void RouterCore::mark_dirty(std::uint32_t slot) {
  AgentState& agent = agents_[slot];
  if (agent.dirty) return;
  agent.dirty = true;
  dirty_.push_back(slot);
}

void RouterCore::release(std::string_view agent_id, std::string_view ticket) {
  const auto it = assigned_.find(ticket);
  const auto agent = agent_ids_.find(agent_id);
  if (it == assigned_.end() || agent == agent_ids_.end() || it->second.agent != agent->second)
    throw NotFoundError("agent " + detail::quoted(agent_id) + " does not hold ticket " + detail::quoted(ticket) +
                        (it == assigned_.end() ? std::string(" (the ticket is not assigned)")
                                               : " (it is assigned to " + agents_[it->second.agent].spec.id + ")"));
  change_load(it->second.agent, it->second.channel, -1);
  mark_dirty(it->second.agent);
  assigned_.erase(it);
}

// ---------------------------------------------------------------------------------------------
// Agents

void RouterCore::validate(const Agent& agent) const {
  std::vector<Problem> problems;
  if (agent.id.empty()) problems.push_back({"id", "an agent needs a non-empty id"});
  for (std::size_t i = 0; i < agent.queues.size(); ++i)
    if (std::find(agent.queues.begin(), agent.queues.begin() + static_cast<std::ptrdiff_t>(i), agent.queues[i]) !=
        agent.queues.begin() + static_cast<std::ptrdiff_t>(i))
      problems.push_back({"queues[" + std::to_string(i) + "]", detail::quoted(agent.queues[i]) + " is listed twice"});
    else if (!routing().queue_index(agent.queues[i]))
      problems.push_back({"queues[" + std::to_string(i) + "]", "no queue " + detail::quoted(agent.queues[i]) +
                                                                   " in the policy (queues: " + routing().queue_list() + ")"});
  for (const auto& [name, level] : agent.skills)
    if (auto problem = count_problem("a skill level", max_skill_level, level); !problem.empty())
      problems.push_back({Node::join("skills", name), std::move(problem)});
  for (const auto& [channel, count] : agent.capacity)
    if (auto problem = count_problem("a capacity", max_capacity, count); !problem.empty())
      problems.push_back({Node::join("capacity", channel), std::move(problem)});
  if (!problems.empty())
    throw InputError("invalid agent " + (agent.id.empty() ? std::string("(no id)") : detail::quoted(agent.id)), std::move(problems));
}

void RouterCore::upsert(const Agent& agent) {
  validate(agent);
  // New channels first: interning one indexes every agent on it, which must not catch this
  // agent half updated.
  for (const auto& [channel, count] : agent.capacity)
    if (channel != "*") (void)intern_channel(channel);
  const auto [it, added] = agent_ids_.try_emplace(agent.id, static_cast<std::uint32_t>(agents_.size()));
  if (added) {
    if (free_slots_.empty()) {
      agents_.emplace_back();
    } else {
      it->second = free_slots_.back();
      free_slots_.pop_back();
    }
  }
  const std::uint32_t slot = it->second;
  index(slot, false);
  if (added) rank_new_agent(it);
  AgentState& state = agents_[slot];
  for (const std::uint32_t q : state.queues) leave_queue(q, slot);
  state.spec = agent;
  state.queues.clear();
  for (const auto& queue : agent.queues) state.queues.push_back(*routing().queue_index(queue));
  state.positions.assign(state.queues.size(), 0);  // set as it joins each
  const auto skills = static_cast<std::uint32_t>(routing().skill_names.size());
  state.small_levels.fill(-1);
  state.skill_mask = 0;
  state.levels.assign(skills > AgentState::inline_ids ? skills - AgentState::inline_ids : 0, -1);
  for (const auto& [name, level] : agent.skills) {
    const auto skill = routing().skill_index(name);
    if (!skill) continue;  // no rule asks for it
    if (*skill < AgentState::inline_ids) {
      state.small_levels[*skill] = static_cast<std::int8_t>(level);
      state.skill_mask |= std::uint64_t{1} << *skill;
    }
    else state.levels[*skill - AgentState::inline_ids] = static_cast<std::int8_t>(level);
  }
  state.languages.clear();
  state.language_mask = 0;
  for (const auto& language : agent.languages) {
    const std::uint32_t id = languages_.intern(language);
    state.languages.push_back(id);
    if (id < AgentState::inline_ids) state.language_mask |= std::uint64_t{1} << id;
  }
  state.default_capacity = 0;
  for (const auto& [channel, count] : agent.capacity)
    if (channel == "*") state.default_capacity = count;
  // Channels the agent does not list, including those first seen later, get the default.
  state.small_capacity.fill(state.default_capacity);
  state.capacity.clear();
  for (const auto& [channel, count] : agent.capacity)
    if (channel != "*") state.set_capacity(*channels_.find(channel), count);
  state.online = agent.status == AgentStatus::online;
  state.lowered = over_capacity(state);
  for (const std::uint32_t q : state.queues) join_queue(q, slot);
  index(slot, true);
  if (agent.status == AgentStatus::online) mark_dirty(slot);
}

// An agent joins and leaves its queues while it is out of the indexes (`index(slot, false)`).
void RouterCore::join_queue(std::uint32_t queue, std::uint32_t slot) {
  auto& members = queue_agents_[queue];
  const AgentState& agent = agents_[slot];
  const auto at = std::lower_bound(members.begin(), members.end(), agent.spec.id,
                                   [&](const QueueMember& m, const std::string& id) { return agents_[m.slot].spec.id < id; });
  const auto p = static_cast<std::size_t>(at - members.begin());
  members.insert(at, {agent.rank, slot});
  renumber(queue, p);
  for (LoadBuckets& buckets : by_load_[queue]) buckets.open(p);
  QueueColumns& columns = columns_[queue];
  for (std::size_t s = 0; s < columns.skills.size(); ++s) {
    columns.skills[s].open(p);
    if ((agent.skill_mask >> s & 1u) != 0) columns.skills[s].insert(p);
  }
  for (std::size_t l = 0; l < columns.languages.size(); ++l) {
    columns.languages[l].open(p);
    if ((agent.language_mask >> l & 1u) != 0) columns.languages[l].insert(p);
  }
}

void RouterCore::leave_queue(std::uint32_t queue, std::uint32_t slot) {
  auto& members = queue_agents_[queue];
  const auto at = std::find_if(members.begin(), members.end(), [&](const QueueMember& m) { return m.slot == slot; });
  if (at == members.end()) return;
  const auto p = static_cast<std::size_t>(at - members.begin());
  members.erase(at);
  renumber(queue, p);
  for (LoadBuckets& buckets : by_load_[queue]) buckets.close(p);
  for (PositionSet& column : columns_[queue].skills) column.close(p);
  for (PositionSet& column : columns_[queue].languages) column.close(p);
}

// The members of `queue` from position `from` on record where they now are.
void RouterCore::renumber(std::uint32_t queue, std::size_t from) {
  const auto& members = queue_agents_[queue];
  for (std::size_t p = from; p < members.size(); ++p) {
    AgentState& agent = agents_[members[p].slot];
    const auto i = std::find(agent.queues.begin(), agent.queues.end(), queue) - agent.queues.begin();
    agent.positions[static_cast<std::size_t>(i)] = p;
  }
}

// Where the member of `rank` is (or would go) in `queue`'s order.
std::size_t RouterCore::position(std::uint32_t queue, std::uint64_t rank) const noexcept {
  const auto& members = queue_agents_[queue];
  return static_cast<std::size_t>(
      std::lower_bound(members.begin(), members.end(), rank, [](const QueueMember& m, std::uint64_t r) { return m.rank < r; }) -
      members.begin());
}

std::vector<std::string> RouterCore::remove(std::string_view agent_id) {
  const auto it = agent_ids_.find(agent_id);
  if (it == agent_ids_.end()) throw NotFoundError("no agent " + detail::quoted(agent_id) + " in the router");
  const std::uint32_t slot = it->second;
  std::vector<std::string> freed;
  for (const auto& [ticket, assignment] : assigned_)
    if (assignment.agent == slot) freed.push_back(ticket);
  std::sort(freed.begin(), freed.end());
  for (const std::string& ticket : freed) assigned_.erase(ticket);
  // The agent's customers are no longer anyone's: they go to whoever the strategy picks, and a
  // snapshot names only agents it lists. Cursors and waiting tickets' resolvers keep the id: a
  // cursor marks a place in the order of ids, and a resolver who comes back gets the ticket.
  boost::unordered::erase_if(sticky_, [&](const auto& entry) { return entry.second == it->first; });
  index(slot, false);
  for (const std::uint32_t q : agents_[slot].queues) leave_queue(q, slot);
  dirty_.erase(std::remove(dirty_.begin(), dirty_.end(), slot), dirty_.end());
  agents_[slot] = AgentState{};
  free_slots_.push_back(slot);
  agent_ids_.erase(it);
  return freed;
}

void RouterCore::set_status(std::string_view agent_id, AgentStatus status) {
  const auto it = agent_ids_.find(agent_id);
  if (it == agent_ids_.end()) throw NotFoundError("no agent " + detail::quoted(agent_id) + " in the router");
  index(it->second, false);
  agents_[it->second].spec.status = status;
  agents_[it->second].online = status == AgentStatus::online;
  index(it->second, true);
  if (status == AgentStatus::online) mark_dirty(it->second);
}

// ---------------------------------------------------------------------------------------------
// Dispatch

// Overflow and skill relaxation that are due by `at`; returns the tickets they affected.
std::vector<std::uint64_t> RouterCore::fire_timers(Instant at) {
  std::vector<std::uint64_t> fired;
  const auto until = at.time_since_epoch().count();
  while (!timers_.empty() && timers_.begin()->first <= until) {
    const auto [when, seq] = *timers_.begin();
    timers_.erase(timers_.begin());
    Waiting& w = waiting_.at(seq);
    const Instant now{Duration{when}};
    if (w.relax_at && *w.relax_at <= now) {
      w.relax_at.reset();
      w.preferred.clear();
      w.notes.push_back("preferred skills dropped after waiting " + format_duration(now - w.since));
    }
    if (const auto overflow = next_overflow(w); overflow && *overflow <= now) {
      ++w.stages;
      const std::uint32_t q = reachable_queue(w.queue, w.stages);
      waiting_sets_[q][w.channel_id].insert(key_of(w));
      w.notes.push_back("overflowed to queue " + detail::quoted(routing().queues[q].id) + " after waiting " +
                        format_duration(now - w.since));
    }
    w.timer.reset();
    schedule(w);
    fired.push_back(seq);
  }
  std::sort(fired.begin(), fired.end());
  fired.erase(std::unique(fired.begin(), fired.end()), fired.end());
  std::sort(fired.begin(), fired.end(), [&](std::uint64_t a, std::uint64_t b) {
    return key_of(waiting_.at(a)) < key_of(waiting_.at(b));
  });
  return fired;
}

std::vector<RoutingDecision> RouterCore::dispatch(Instant at) {
  std::vector<RoutingDecision> decisions;
  const std::vector<std::uint64_t> fired = fire_timers(at);

  // One source per (queue, channel) where a freed agent could take a ticket, plus the tickets
  // whose timers fired; the most urgent head among them goes next.
  struct Source {
    std::uint32_t queue = no_queue;  // no_queue: the fired tickets
    std::uint32_t channel = 0;
    std::vector<std::uint32_t> freed;  // dirty agents of the queue
    std::optional<WaitKey> last;
    std::size_t position = 0;
  };
  std::vector<Source> sources;
  std::sort(dirty_.begin(), dirty_.end());
  for (std::uint32_t q = 0; q < queue_agents_.size(); ++q) {
    std::vector<std::uint32_t> freed;
    for (const std::uint32_t slot : dirty_)
      if (agents_[slot].in_queue(q)) freed.push_back(slot);
    if (freed.empty()) continue;
    for (const auto& [channel, set] : waiting_sets_[q]) sources.push_back({q, channel, freed, std::nullopt, 0});
  }
  if (!fired.empty()) sources.push_back({});

  const auto next_of = [&](Source& source) -> std::optional<WaitKey> {
    if (source.queue == no_queue) {
      while (source.position < fired.size() && !waiting_.contains(fired[source.position])) ++source.position;
      if (source.position == fired.size()) return std::nullopt;
      return key_of(waiting_.at(fired[source.position]));
    }
    const bool room = std::any_of(source.freed.begin(), source.freed.end(), [&](std::uint32_t slot) {
      const AgentState& agent = agents_[slot];
      return agent.online && agent.load_on(source.channel) < agent.capacity_on(source.channel);
    });
    if (!room) return std::nullopt;
    const auto sets = waiting_sets_[source.queue].find(source.channel);
    if (sets == waiting_sets_[source.queue].end()) return std::nullopt;
    const auto it = source.last ? sets->second.upper_bound(*source.last) : sets->second.begin();
    if (it == sets->second.end()) return std::nullopt;
    return *it;
  };

  ++epoch_;
  for (;;) {
    Source* best = nullptr;
    std::optional<WaitKey> best_key;
    for (Source& source : sources) {
      const auto key = next_of(source);
      if (key && (!best_key || *key < *best_key)) {
        best = &source;
        best_key = key;
      }
    }
    if (best == nullptr) break;
    if (best->queue == no_queue) ++best->position;
    else best->last = best_key;
    Waiting& w = waiting_.at(best_key->seq);
    if (w.tried == epoch_) continue;
    w.tried = epoch_;
    if (auto decision = try_assign(w, at)) decisions.push_back(std::move(*decision));
  }
  for (const std::uint32_t slot : dirty_) agents_[slot].dirty = false;
  dirty_.clear();
  return decisions;
}

std::optional<RoutingDecision> RouterCore::try_assign(Waiting& w, Instant at) {
  Need need = need_of(w.channel, w.language);
  need.skills = Needs(w.skills.begin(), w.skills.end());
  add_needs(need.skills, w.preferred);
  const auto choice = select(need, w.queue, w.stages, w.resolver, w.customer);
  if (!choice) return std::nullopt;
  RoutingDecision decision;
  decision.ticket = w.ticket;
  decision.queue = routing().queues[choice->queue].id;
  if (!w.rule.empty()) decision.rule = w.rule;
  decision.priority = w.priority;
  decision.agent = agents_[choice->agent].spec.id;
  decision.reasons.push_back("waited " + format_duration(at - w.since) + " in queue " + detail::quoted(routing().queues[w.queue].id));
  for (auto& note : w.notes) decision.reasons.push_back(std::move(note));
  if (!need.skills.empty()) decision.reasons.push_back(skills_text(routing(), need.skills));
  decision.reasons.push_back(choice_reason(*choice, need, w.channel));
  const std::string ticket = w.ticket;
  const std::string customer = w.customer;
  const std::string channel = w.channel;
  unqueue(w.seq);
  assign(*choice, need, ticket, customer, channel, at);
  return decision;
}

std::size_t RouterCore::waiting_count() const noexcept { return waiting_.size(); }

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Router: the lock around RouterCore

struct Router::State {
  explicit State(std::shared_ptr<const Policy> policy) : core(std::move(policy)) {}
  mutable std::mutex mutex;
  detail::RouterCore core;
};

Router::Router(std::shared_ptr<const Policy> policy) : state_(std::make_unique<State>(std::move(policy))) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::upsert_agent(const Agent& agent) {
  const std::lock_guard lock(state_->mutex);
  state_->core.upsert(agent);
}

std::vector<std::string> Router::remove_agent(std::string_view agent_id) {
  const std::lock_guard lock(state_->mutex);
  return state_->core.remove(agent_id);
}

void Router::set_status(std::string_view agent_id, AgentStatus status) {
  const std::lock_guard lock(state_->mutex);
  state_->core.set_status(agent_id, status);
}

RoutingDecision Router::route(const Ticket& ticket, Instant at) {
  if (ticket.id.empty()) throw InputError("a ticket needs an id to be routed", "id");
  if (at < ticket.created_at)
    throw InputError("cannot route ticket " + detail::quoted(ticket.id) + " at " + format_instant(at) + ", before it was created (" +
                     format_instant(ticket.created_at) + ")");
  // The rules read only the immutable policy: matched before the lock is taken.
  auto plan = detail::plan_route(state_->core.policy().data(), ticket, at);
  const std::lock_guard lock(state_->mutex);
  return state_->core.route(ticket, at, std::move(plan));
}

void Router::release(std::string_view agent_id, std::string_view ticket_id) {
  const std::lock_guard lock(state_->mutex);
  state_->core.release(agent_id, ticket_id);
}

bool Router::withdraw(std::string_view ticket_id) {
  const std::lock_guard lock(state_->mutex);
  return state_->core.withdraw(ticket_id);
}

std::vector<RoutingDecision> Router::dispatch(Instant at) {
  const std::lock_guard lock(state_->mutex);
  return state_->core.dispatch(at);
}

std::size_t Router::waiting_count() const {
  const std::lock_guard lock(state_->mutex);
  return state_->core.waiting_count();
}

void Router::check_invariants() const {
  const std::lock_guard lock(state_->mutex);
  state_->core.check_invariants();
}

std::string Router::snapshot() const {
  const std::lock_guard lock(state_->mutex);
  return state_->core.snapshot();
}

Router Router::restore(std::shared_ptr<const Policy> policy, std::string_view snapshot) {
  Router router(std::move(policy));
  router.state_->core.restore(snapshot);
  return router;
}

}  // namespace aftersales
