// The router's state and decisions. One mutex guards everything: each call does a bounded
// amount of work under it (a walk of one queue's agents with room, or a dispatch proportional
// to what it assigns and the timers that fire), which keeps the invariants (never over
// capacity, never offline, every ticket assigned once or waiting) easy to see. Rule matching,
// which reads only the immutable policy, and the SLA replay that gives a waiting ticket its due
// time run outside the lock.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <bit>
#include <climits>
#include <compare>
#include <map>
#include <mutex>
#include <queue>
#include <set>

#include "detail/text.hpp"
#include "policy/policy_data.hpp"
#include "routing/agent_json.hpp"
#include "routing/reason_text.hpp"
#include "routing/router_state.hpp"

namespace aftersales {

using detail::no_queue;
using detail::RoutingRule;
using detail::RoutingSection;
using detail::RoutingStrategy;
using detail::SkillNeed;

namespace detail {

// ---------------------------------------------------------------------------------------------
// RouterCore

RouterCore::RouterCore(std::shared_ptr<const Policy> policy) : policy_(std::move(policy)) {
  if (!policy_->data().routing.present) throw NotFoundError("the policy has no \"routing\" section");
  const auto queue_count = policy_->data().routing.queues.size();
  queue_agents_.resize(queue_count);
  columns_.resize(queue_count);
  room_.resize(queue_count);
  stale_.resize(queue_count, 0);
  shifts_.resize(queue_count, 0);
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
  switch (routing().strategy) {
    case RoutingStrategy::round_robin: return round_robin_pick(queue, need);
    case RoutingStrategy::least_loaded:
      if (indexed(need.channel)) {
        return least_loaded_pick(queue, by_load_[queue][need.channel], need);
      }
      return least_loaded_scan(queue, need);
    case RoutingStrategy::most_idle: return most_idle_pick(queue, need);
  }
  return std::nullopt;
}

// The agent after the one this queue assigned last, wrapping around.
std::optional<std::uint32_t> RouterCore::round_robin_pick(std::uint32_t queue, const Need& need) const {
  const auto& members = queue_agents_[queue];
  const Cursor& cursor = cursors_[queue];
  // Ranks follow ids, so a cursor whose agent is still there is found without comparing text.
  const bool by_rank = cursor.slot < agents_.size() && agents_[cursor.slot].spec.id == cursor.agent;
  const auto after = by_rank ? members.begin() + static_cast<std::ptrdiff_t>(position(queue, agents_[cursor.slot].rank + 1))
                             : std::upper_bound(members.begin(), members.end(), cursor.agent,
                                                [&](const std::string& id, const QueueMember& m) { return id < agents_[m.slot].spec.id; });
  const auto start = static_cast<std::size_t>(after - members.begin());
  if (need.channel >= QueueRoom::channels) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      const std::uint32_t slot = members[(start + i) % members.size()].slot;
      if (check(agents_[slot], need) == Block::none) return slot;
    }
    return std::nullopt;
  }
  // Only members with room are visited: the busy ones are passed 64 at a time.
  std::optional<std::uint32_t> chosen;
  const auto take = [&](std::uint32_t slot) {
    if (check(agents_[slot], need) == Block::none) chosen = slot;
    return chosen.has_value();
  };
  if (!walk_room(queue, need, start, take)) (void)walk_room(queue, need, 0, take);
  return chosen;
}

// The first eligible agent in the queue's most_idle order. Walking that order passes the busy
// agents one by one, so after a few the walk gives way to the members with room, of which the
// eligible one with the smallest key is the same answer.
std::optional<std::uint32_t> RouterCore::most_idle_pick(std::uint32_t queue, const Need& need) const {
  constexpr std::size_t few = 64;
  const bool roomy = need.channel < QueueRoom::channels;
  if (roomy && room_[queue].with_room(need.channel) == 0) return std::nullopt;
  std::size_t looked = 0;
  for (const IdleKey& key : by_idle_[queue]) {
    if (check(agents_[key.slot], need) == Block::none) return key.slot;
    if (roomy && ++looked == few) break;
  }
  if (!roomy || looked < few) return std::nullopt;
  std::optional<std::uint32_t> best;
  (void)walk_room(queue, need, 0, [&](std::uint32_t slot) {
    if (check(agents_[slot], need) == Block::none && (!best || idle_key(slot) < idle_key(*best))) best = slot;
    return false;
  });
  return best;
}

// The queue's members at `word * 64 + bit` that have the need's language and (at some level)
// its skills, as far as the columns tell; check() has the last word.
std::uint64_t RouterCore::qualified(std::uint32_t queue, const Need& need, std::size_t word) const noexcept {
  const QueueColumns& columns = columns_[queue];
  std::uint64_t bits = need.language < columns.languages.size() ? columns.languages[need.language].word(word) : ~std::uint64_t{0};
  for (const SkillNeed& skill : need.skills)
    if (skill.skill < AgentState::inline_ids && skill.level >= 0 && bits != 0) bits &= columns.skills[skill.skill].word(word);
  return bits;
}

// Visits the qualified members of `queue` with room on the need's channel (< QueueRoom::channels),
// from position `from` on, in position order (hence by id), until `visit(slot)` returns true;
// returns whether it did.
template <class Visit>
bool RouterCore::walk_room(std::uint32_t queue, const Need& need, std::size_t from, Visit visit) const {
  const PositionSet& room = room_[queue].room(need.channel);
  const auto& members = queue_agents_[queue];
  for (std::size_t word = from / 64; word < room.words(); ++word) {
    std::uint64_t bits = room.word(word);
    if (word == from / 64) bits &= ~std::uint64_t{0} << (from % 64);
    if (bits != 0) bits &= qualified(queue, need, word);
    for (; bits != 0; bits &= bits - 1)
      if (visit(members[word * 64 + static_cast<std::size_t>(std::countr_zero(bits))].slot)) return true;
  }
  return false;
}

// Online agents by load ratio, then rank: the first eligible one is the answer; from the first
// full bucket on, everyone is full. The queue's columns rule out most ineligible agents before
// their records are read.
std::optional<std::uint32_t> RouterCore::least_loaded_pick(std::uint32_t queue, const LoadBuckets& index,
                                                           const Need& need) const {
  const auto& members = queue_agents_[queue];
  for (const LoadBuckets::Bucket& bucket : index.buckets()) {
    if (bucket.load >= bucket.capacity) break;
    for (std::size_t word = 0; word < bucket.agents.words(); ++word) {
      std::uint64_t bits = bucket.agents.word(word);
      if (bits != 0) bits &= qualified(queue, need, word);
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

// What scan() finds, for a queue where nobody can take the ticket, from the counts the room
// index keeps: members not online; online but at capacity; with room but not speaking the
// language (counted 64 at a time from the columns); and the rest of those with room, who must
// lack the skills since none is eligible. Nothing is walked when nobody has room.
Scan RouterCore::count_blocked(std::uint32_t queue, const Need& need) const {
  if (need.channel >= QueueRoom::channels) return scan(queue, need);
  const QueueRoom& room = room_[queue];
  const std::size_t with_room = room.with_room(need.channel);
  Scan result;
  const auto set = [&](Block b, std::size_t n) { result.blocked[static_cast<std::size_t>(b)] = static_cast<int>(n); };
  set(Block::status, queue_agents_[queue].size() - room.online());
  set(Block::capacity, room.online() - with_room);
  std::size_t silent = 0;  // with room, not speaking the language
  if (need.language == nobody_speaks) {
    silent = with_room;
  } else if (need.language < columns_[queue].languages.size()) {
    const PositionSet& speakers = columns_[queue].languages[need.language];
    const PositionSet& roomy = room.room(need.channel);
    for (std::size_t word = 0; with_room != 0 && word < roomy.words(); ++word)
      silent += static_cast<std::size_t>(std::popcount(roomy.word(word) & ~speakers.word(word)));
  } else if (need.language != any_language) {
    (void)walk_room(queue, Need{need.channel, any_language, {}}, 0, [&](std::uint32_t slot) {
      if (!agents_[slot].speaks(need.language)) ++silent;
      return false;
    });
  }
  set(Block::language, silent);
  set(Block::skill, with_room - silent);
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
// Stale queues are skipped: settle() indexes their members afresh.
void RouterCore::index_channel(std::uint32_t slot, std::uint32_t channel, bool add) {
  if (!agents_[slot].online) return;
  for (std::size_t i = 0; i < agents_[slot].queues.size(); ++i)
    if (stale_[agents_[slot].queues[i]] == 0) index_load(slot, i, channel, add);
}

// The online agent's place in the i-th queue's least_loaded buckets on `channel`.
void RouterCore::index_load(std::uint32_t slot, std::size_t i, std::uint32_t channel, bool add) {
  const AgentState& agent = agents_[slot];
  if (routing().strategy != RoutingStrategy::least_loaded || !indexed(channel) || agent.capacity_on(channel) <= 0) return;
  const LoadKey key = load_key(slot, channel);
  auto& buckets = by_load_[agent.queues[i]][channel];
  if (add) buckets.insert(key.load, key.capacity, agent.positions[i]);
  else (void)buckets.erase(key.load, key.capacity, agent.positions[i]);
}

// The online agent's entries, in the i-th queue it serves, that are kept by position: its room
// on each channel and, for least_loaded, its load buckets.
void RouterCore::index_in_queue(std::uint32_t slot, std::size_t i, bool add) {
  const AgentState& agent = agents_[slot];
  const std::uint32_t q = agent.queues[i];
  if (!agent.online || stale_[q] != 0) return;
  const std::size_t p = agent.positions[i];
  room_[q].set_online(add);
  for (std::uint32_t c = 0; c < QueueRoom::channels; ++c) {
    room_[q].set_room(c, p, add && agent.load_on(c) < agent.capacity_on(c));
    index_load(slot, i, c, add);
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
  for (std::size_t i = 0; i < agent.queues.size(); ++i) index_in_queue(slot, i, add);
}

void RouterCore::change_load(std::uint32_t slot, std::uint32_t channel, int delta) {
  AgentState& agent = agents_[slot];
  const LoadKey before = load_key(slot, channel);
  agent.add_load(channel, delta);
  if (!agent.online || channel >= QueueRoom::channels) return;
  // The hot path of every assignment and release: one ticket more or less moves the agent to
  // a neighbouring bucket in each of its queues, and may fill it or give it room.
  const LoadKey after = load_key(slot, channel);
  const bool buckets = routing().strategy == RoutingStrategy::least_loaded && indexed(channel) && after.capacity > 0;
  const bool room = after.load < after.capacity;
  const bool room_changed = room != (before.load < before.capacity);
  for (std::size_t i = 0; i < agent.queues.size(); ++i) {
    const std::uint32_t q = agent.queues[i];
    if (stale_[q] != 0) continue;
    if (buckets) {
      (void)by_load_[q][channel].erase(before.load, before.capacity, agent.positions[i]);
      by_load_[q][channel].insert(after.load, after.capacity, agent.positions[i]);
    }
    if (room_changed) room_[q].set_room(channel, agent.positions[i], room);
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
  for (const std::uint32_t q : agent.queues) {
    by_idle_[q].erase(before);
    by_idle_[q].insert(after);
  }
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

void RouterCore::assign(const Choice& choice, const Need& need, std::string_view ticket, std::string_view customer,
                        std::string_view channel, Instant at) {
  // need_of found the channel unless no agent listed it yet: then it is interned now.
  const std::uint32_t c = need.channel < channels_.size() ? need.channel : intern_channel(channel);
  change_load(choice.agent, c, 1);
  set_last_assigned(choice.agent, at);
  const AgentState& agent = agents_[choice.agent];
  if (routing().strategy == RoutingStrategy::round_robin) cursors_[choice.queue] = {agent.spec.id, choice.agent};
  if (routing().sticky && !customer.empty()) stick(choice.agent, customer);
  hold(choice.agent, ticket, Assignment{choice.agent, choice.queue, c});
}

bool RouterCore::route(const Ticket& ticket, Instant at, Plan& plan, const std::optional<std::optional<Instant>>& due,
                       RoutingDecision& decision) {
  settle();
  if (const auto it = assigned_.find(ticket.id); it != assigned_.end())
    throw InputError("ticket " + detail::quoted(ticket.id) + " is already assigned to " + agents_[it->second.agent].spec.id +
                         "; release it before routing it again",
                     "ticket.id");
  if (const auto it = waiting_ids_.find(ticket.id); it != waiting_ids_.end())
    throw InputError("ticket " + detail::quoted(ticket.id) + " is already waiting in queue " +
                         detail::quoted(routing().queues[waiting_.at(it->second).queue].id),
                     "ticket.id");
  Need need;
  std::optional<Choice> choice;
  if (!plan.bot) {
    need = need_of(ticket.channel, ticket.customer.language);
    need.skills = plan.skills;
    add_needs(need.skills, plan.preferred());
    choice = select(need, plan.queue, 0, plan.resolver, ticket.customer.id);
    if (!choice && !due) return false;
  }
  decision.ticket = ticket.id;
  decision.queue = routing().queues[plan.queue].id;
  if (plan.rule != nullptr) decision.rule = plan.rule->id;
  decision.priority = plan.priority;
  decision.bot = plan.bot;
  decision.reasons = std::move(plan.reasons);
  if (plan.bot) {
    decision.reasons.emplace_back("bot-first rule: the bot answers; route the ticket again after a handoff");
    return true;
  }
  if (!need.skills.empty()) decision.reasons.push_back(skills_reason(plan.rule, need.skills));
  if (choice) {
    decision.agent = agents_[choice->agent].spec.id;
    decision.reasons.push_back(choice_reason(*choice, need, ticket.channel));
    assign(*choice, need, ticket.id, ticket.customer.id, ticket.channel, at);
    return true;
  }
  Waiting waiting;
  waiting.due = *due;
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
  return true;
}

void RouterCore::mark_dirty(std::uint32_t slot) {
  AgentState& agent = agents_[slot];
  if (agent.dirty) return;
  agent.dirty = true;
  dirty_.push_back(slot);
}

// An assignment, recorded under its ticket and with its agent (whose removal frees it).
void RouterCore::hold(std::uint32_t slot, std::string_view ticket, const Assignment& assignment) {
  assigned_.emplace(std::string(ticket), assignment);
  agents_[slot].held.emplace_back(ticket);
}

// The customer's last agent is now the one in `slot`. Each agent lists the customers made
// sticky to it, so that its removal drops them without reading every customer (a shift change
// of thousands of agents, each leaving under the lock, with a million sticky customers). A
// customer another agent took since stays listed until the list has doubled; it is then
// compacted to the customers still its own, once each: amortized constant time an entry.
void RouterCore::stick(std::uint32_t slot, std::string_view customer) {
  AgentState& agent = agents_[slot];
  if (const auto it = sticky_.find(customer); it == sticky_.end()) {
    sticky_.emplace(std::string(customer), agent.spec.id);
  } else if (it->second != agent.spec.id) {
    it->second = agent.spec.id;
  } else {
    return;  // listed already
  }
  auto& customers = agent.customers;
  customers.emplace_back(customer);
  if (customers.size() < 2 * std::max<std::size_t>(agent.customers_kept, 16)) return;
  std::sort(customers.begin(), customers.end());
  customers.erase(std::unique(customers.begin(), customers.end()), customers.end());
  std::erase_if(customers, [&](const std::string& c) {
    const auto it = sticky_.find(c);  // gone if the agent who took it left
    return it == sticky_.end() || it->second != agent.spec.id;
  });
  agent.customers_kept = customers.size();
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
  auto& held = agents_[it->second.agent].held;
  held.erase(std::find(held.begin(), held.end(), ticket));
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
  std::vector<std::uint32_t> queues;
  for (const auto& queue : agent.queues) queues.push_back(*routing().queue_index(queue));
  // An agent that keeps its queues keeps its places in them: only its columns change.
  const bool stays = !added && queues == state.queues;
  for (std::size_t i = 0; i < state.queues.size(); ++i) {
    if (stays) set_columns(state.queues[i], state.positions[i], state, false);
    else leave_queue(state.queues[i], slot);
  }
  state.spec = agent;
  if (!stays) {
    state.queues = std::move(queues);
    state.positions.assign(state.queues.size(), 0);  // set as it joins each
  }
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
  for (std::size_t i = 0; i < state.queues.size(); ++i) {
    if (stays) set_columns(state.queues[i], state.positions[i], state, true);
    else join_queue(state.queues[i], slot);
  }
  index(slot, true);
  if (agent.status == AgentStatus::online) mark_dirty(slot);
}

// An agent joins and leaves its queues while it is out of the indexes (`index(slot, false)`).
// Positions are dense, in the order of ids: a member that joins or leaves anywhere but at the
// end moves every member after it, in every column and bucket. A few such moves between two
// reads of the queue are made in place; past them (agents loaded in bulk, not in id order) the
// queue is marked stale and rebuilt once, by settle(), before it is next read — else loading
// would be quadratic.
void RouterCore::join_queue(std::uint32_t queue, std::uint32_t slot) {
  auto& members = queue_agents_[queue];
  AgentState& agent = agents_[slot];
  const auto i = static_cast<std::size_t>(std::find(agent.queues.begin(), agent.queues.end(), queue) - agent.queues.begin());
  if (stale_[queue] != 0) {
    members.push_back({agent.rank, slot});
    return;
  }
  const std::size_t p = position(queue, agent.rank);
  members.insert(members.begin() + static_cast<std::ptrdiff_t>(p), {agent.rank, slot});
  if (p + 1 == members.size() || shift(queue, p, true)) {
    agent.positions[i] = p;
    set_columns(queue, p, agent, true);
  }
}

void RouterCore::leave_queue(std::uint32_t queue, std::uint32_t slot) {
  auto& members = queue_agents_[queue];
  const AgentState& agent = agents_[slot];
  const auto at = stale_[queue] != 0 ? std::find_if(members.begin(), members.end(), [&](const QueueMember& m) { return m.slot == slot; })
                                     : members.begin() + static_cast<std::ptrdiff_t>(position(queue, agent.rank));
  if (at == members.end() || at->slot != slot) return;
  const auto p = static_cast<std::size_t>(at - members.begin());
  set_columns(queue, p, agent, false);
  members.erase(at);
  if (p < members.size()) (void)shift(queue, p, false);
}

// Moves the positions from `position` on up (a member joined there) or down (the member there
// left, out of every set), or marks the queue stale when it has moved too often since it was
// last read; false when it did the latter.
bool RouterCore::shift(std::uint32_t queue, std::size_t position, bool open) {
  constexpr std::uint32_t in_place = 32;  // each costs a pass over the queue; a rebuild, a few
  if (shifts_[queue]++ >= in_place) {
    stale_[queue] = 1;
    return false;
  }
  const auto move = [&](auto& set) {
    if (open) set.open(position);
    else set.close(position);
  };
  for (LoadBuckets& buckets : by_load_[queue]) move(buckets);
  for (PositionSet& column : columns_[queue].skills) move(column);
  for (PositionSet& column : columns_[queue].languages) move(column);
  move(room_[queue]);
  const auto& members = queue_agents_[queue];
  for (std::size_t p = position; p < members.size(); ++p) {
    AgentState& agent = agents_[members[p].slot];
    const auto i = std::find(agent.queues.begin(), agent.queues.end(), queue) - agent.queues.begin();
    agent.positions[static_cast<std::size_t>(i)] = p;
  }
  return true;
}

// Sets or clears the bits of the member at `position` in the queue's skill and language columns.
void RouterCore::set_columns(std::uint32_t queue, std::size_t position, const AgentState& agent, bool add) {
  if (stale_[queue] != 0) return;
  QueueColumns& columns = columns_[queue];
  const auto mark = [&](PositionSet& column, bool has) {
    if (has && add) (void)column.insert(position);
    else (void)column.erase(position);
  };
  for (std::size_t s = 0; s < columns.skills.size(); ++s) mark(columns.skills[s], (agent.skill_mask >> s & 1u) != 0);
  for (std::size_t l = 0; l < columns.languages.size(); ++l) mark(columns.languages[l], (agent.language_mask >> l & 1u) != 0);
}

void RouterCore::settle() {
  for (std::uint32_t q = 0; q < stale_.size(); ++q) {
    if (stale_[q] != 0) settle_queue(q);
    shifts_[q] = 0;
  }
}

// Sorts a stale queue's members by id and indexes each afresh: linear in the members, however
// many joined or left since the queue was last read.
void RouterCore::settle_queue(std::uint32_t queue) {
  auto& members = queue_agents_[queue];
  for (QueueMember& m : members) m.rank = agents_[m.slot].rank;
  std::sort(members.begin(), members.end(), [](const QueueMember& a, const QueueMember& b) { return a.rank < b.rank; });
  columns_[queue] = QueueColumns{};
  room_[queue] = QueueRoom{};
  for (LoadBuckets& buckets : by_load_[queue]) buckets = LoadBuckets{};
  stale_[queue] = 0;
  for (std::size_t p = 0; p < members.size(); ++p) {
    AgentState& agent = agents_[members[p].slot];
    const auto i = static_cast<std::size_t>(std::find(agent.queues.begin(), agent.queues.end(), queue) - agent.queues.begin());
    agent.positions[i] = p;
    set_columns(queue, p, agent, true);
    index_in_queue(members[p].slot, i, true);
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
  std::vector<std::string> freed = std::move(agents_[slot].held);
  std::sort(freed.begin(), freed.end());
  for (const std::string& ticket : freed) assigned_.erase(ticket);
  // The agent's customers are no longer anyone's: they go to whoever the strategy picks, and a
  // snapshot names only agents it lists. Cursors and waiting tickets' resolvers keep the id: a
  // cursor marks a place in the order of ids, and a resolver who comes back gets the ticket.
  for (const std::string& customer : agents_[slot].customers)
    if (const auto c = sticky_.find(customer); c != sticky_.end() && c->second == it->first) sticky_.erase(c);
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

// Which waiting tickets can be assigned now? Only those whose timers fired, and those that an
// agent freed (or come online) since the last dispatch can take: before that, none had an
// eligible agent (a route waits only when nobody can take it, a dispatch leaves nothing that a
// freed agent could take, and loads only grow in between). A freed agent that can take one
// ticket of a group can take them all, so the candidates are read group by group, most urgent
// first, and each read either assigns or ends its group. The groups' heads are merged in the
// queue order (priority, due time, arrival), which makes the outcome that of trying every
// waiting ticket in that order — at a cost that follows the tickets assigned and the timers
// fired, not the backlog.
std::vector<RoutingDecision> RouterCore::dispatch(Instant at) {
  settle();
  std::vector<RoutingDecision> decisions;
  const std::vector<std::uint64_t> fired = fire_timers(at);

  std::sort(dirty_.begin(), dirty_.end());
  std::vector<std::vector<std::uint32_t>> freed(queue_agents_.size());  // by queue
  for (const std::uint32_t slot : dirty_)
    for (const std::uint32_t q : agents_[slot].queues) freed[q].push_back(slot);

  struct Source {
    std::uint32_t queue = no_queue;  // no_queue: the fired tickets
    std::uint32_t group = 0;
    Need need;
    std::size_t agent = 0;     // freed[queue] before it cannot take the group's tickets any more
    std::size_t position = 0;  // in `fired`
  };
  // Whether a freed agent of the queue can take the group's tickets. Within a dispatch an agent
  // that cannot never can again (loads only grow), so the walk over them moves forward only.
  const auto can_take = [&](Source& source) {
    const auto& agents = freed[source.queue];
    while (source.agent < agents.size() && check(agents_[agents[source.agent]], source.need) != Block::none) ++source.agent;
    return source.agent < agents.size();
  };
  std::vector<Source> sources;
  for (std::uint32_t q = 0; q < freed.size(); ++q) {
    if (freed[q].empty()) continue;
    for (const auto& [group, set] : waiting_sets_.of(q)) {
      Source source{q, group, need_of_group(group), 0, 0};
      if (can_take(source)) sources.push_back(std::move(source));
    }
  }
  if (!fired.empty()) sources.push_back({});

  // A source's next ticket after `last` (or its first).
  const auto next_of = [&](Source& source, const std::optional<WaitKey>& last) -> std::optional<WaitKey> {
    if (source.queue == no_queue) {
      while (source.position < fired.size() && !waiting_.contains(fired[source.position])) ++source.position;
      if (source.position == fired.size()) return std::nullopt;
      return key_of(waiting_.at(fired[source.position++]));
    }
    const std::set<WaitKey>* set = can_take(source) ? waiting_sets_.find(source.queue, source.group) : nullptr;
    if (set == nullptr) return std::nullopt;
    const auto it = last ? set->upper_bound(*last) : set->begin();
    if (it == set->end()) return std::nullopt;
    return *it;
  };
  using Head = std::pair<WaitKey, std::size_t>;  // a source's next ticket, the source
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  for (std::size_t i = 0; i < sources.size(); ++i)
    if (const auto key = next_of(sources[i], std::nullopt)) heads.emplace(*key, i);

  ++epoch_;
  while (!heads.empty()) {
    const auto [key, i] = heads.top();
    heads.pop();
    if (const auto next = next_of(sources[i], key)) heads.emplace(*next, i);
    // Assigned through another source since, or reached before through an overflow queue.
    const auto it = waiting_.find(key.seq);
    if (it == waiting_.end() || it->second.tried == epoch_) continue;
    it->second.tried = epoch_;
    if (auto decision = try_assign(it->second, at)) decisions.push_back(std::move(*decision));
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
  RoutingDecision decision;
  {
    const std::lock_guard lock(state_->mutex);
    if (state_->core.route(ticket, at, plan, std::nullopt, decision)) return decision;
  }
  // The ticket must wait, ordered by its SLA due time. The SLA replay grows with the ticket's
  // history, so it runs outside the lock (an error leaves the router unchanged); then the route
  // is decided afresh, as agents may have been freed meanwhile.
  const std::optional<std::optional<Instant>> due = detail::due_time(state_->core.policy(), ticket, at);
  const std::lock_guard lock(state_->mutex);
  (void)state_->core.route(ticket, at, plan, due, decision);
  return decision;
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
