// The agent registry: agents join, change, leave and change status; their ranks (the order of
// ids) and their places in their queues' members, which the strategies' indexes follow.

#include <aftersales/error.hpp>

#include <algorithm>
#include <cstdint>

#include "text/text.hpp"
#include "routing/agent_json.hpp"
#include "routing/router_state.hpp"

namespace aftersales::detail {

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
    unit_costs_.push_back(routing().unit_cost(name));
    for (const auto& [id, slot] : agent_ids_) index_channel(slot, channel, true);
  }
  return channel;
}

// Channels the routing section prices are interned when the router is made, so a channel
// not interned yet costs the default.
bool RouterCore::room_on(const AgentState& agent, std::uint32_t channel) const noexcept {
  return agent.has_room(channel, unit_cost(channel));
}

void RouterCore::mark_dirty(std::uint32_t slot) {
  AgentState& agent = agents_[slot];
  if (agent.dirty) return;
  agent.dirty = true;
  dirty_.push_back(slot);
}

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
  if (agent.units)
    if (auto problem = count_problem("an agent's units", max_capacity, *agent.units); !problem.empty())
      problems.push_back({"units", std::move(problem)});
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
  if (!added && agent.status != AgentStatus::online) return_offers_of(slot, "went " + std::string(to_string(agent.status)));
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
  state.units = agent.units.value_or(-1);
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
  return_offers_of(slot, "left");
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
  if (status != AgentStatus::online) return_offers_of(it->second, "went " + std::string(to_string(status)));
  index(it->second, false);
  agents_[it->second].spec.status = status;
  agents_[it->second].online = status == AgentStatus::online;
  index(it->second, true);
  if (status == AgentStatus::online) mark_dirty(it->second);
}

}  // namespace aftersales::detail
