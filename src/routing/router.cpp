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
