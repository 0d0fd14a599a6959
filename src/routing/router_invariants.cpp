// What must hold between the router's records (agents, assignments, waiting tickets) and the
// indexes kept beside them for speed (queue members, bit columns, room sets, load buckets, idle
// order, waiting groups, timers, each agent's held tickets). Each check rebuilds what an index
// should hold from the records alone and compares: the indexes are updated piece by piece on
// every call, and a piece forgotten shows here as a difference long before it shows as a wrong
// decision.
//
// A stale queue (joined or left out of order since it was last read) is rebuilt by settle() at
// the next route or dispatch; until then its members are unsorted and everything kept by their
// positions (columns, room, load buckets) is out of date by design. Its positional checks are
// skipped rather than settling here: a check must not change the state it checks. The tests
// check after every route and dispatch, which settle first.

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "routing/router_state.hpp"

namespace aftersales::detail {
namespace {

void require(bool holds, std::string_view invariant) {
  if (!holds) throw std::logic_error("router invariant broken: " + std::string(invariant));
}

bool bit(const PositionSet& set, std::size_t position) { return (set.word(position / 64) >> (position % 64) & 1u) != 0; }

// No position at or beyond `size` is set.
bool bounded(const PositionSet& set, std::size_t size) {
  for (std::size_t w = size / 64; w < set.words(); ++w) {
    const std::uint64_t beyond = w == size / 64 ? ~((std::uint64_t{1} << (size % 64)) - 1) : ~std::uint64_t{0};
    if ((set.word(w) & beyond) != 0) return false;
  }
  return true;
}

std::size_t count(const PositionSet& set) {
  std::size_t n = 0;
  for (std::size_t w = 0; w < set.words(); ++w) n += static_cast<std::size_t>(std::popcount(set.word(w)));
  return n;
}

}  // namespace

bool RouterCore::over_capacity(const AgentState& agent) const noexcept {
  for (std::uint32_t c = 0; c < channels_.size(); ++c)
    if (agent.load_on(c) > agent.capacity_on(c)) return true;
  return agent.units >= 0 && agent.units_used > agent.units;
}

void RouterCore::check_invariants() const {
  const auto queue_count = static_cast<std::uint32_t>(routing().queues.size());

  // Agents: the registry by id and the records by slot agree; ranks follow ids.
  std::vector<bool> live(agents_.size(), false);
  std::uint64_t previous_rank = 0;
  for (const auto& [id, slot] : agent_ids_) {
    require(slot < agents_.size() && !live[slot], "each agent id has a slot of its own");
    live[slot] = true;
    const AgentState& agent = agents_[slot];
    require(agent.spec.id == id, "an agent's record carries the id it is registered under");
    require(agent.rank > previous_rank, "agents' ranks ascend with their ids");
    previous_rank = agent.rank;
    require(agent.online == (agent.spec.status == AgentStatus::online), "an agent is indexed as online exactly when its status is");
    require(agent.queues.size() == agent.spec.queues.size() && agent.positions.size() == agent.queues.size(),
            "an agent's queues are those it was given");
    for (std::size_t i = 0; i < agent.queues.size(); ++i) {
      require(agent.queues[i] == routing().queue_index(agent.spec.queues[i]), "an agent's queues are those it was given");
      if (stale_[agent.queues[i]] != 0) continue;
      const auto& members = queue_agents_[agent.queues[i]];
      require(agent.positions[i] < members.size() && members[agent.positions[i]].slot == slot &&
                  members[agent.positions[i]].rank == agent.rank,
              "an agent's recorded place in a queue holds it");
    }
  }
  require(free_slots_.size() + agent_ids_.size() == agents_.size(), "every slot is an agent's or free");
  for (const std::uint32_t slot : free_slots_)
    require(slot < agents_.size() && !live[slot] && agents_[slot].spec.id.empty(), "a free slot holds no agent");
  std::vector<bool> listed(agents_.size(), false);
  for (const std::uint32_t slot : dirty_) {
    require(slot < agents_.size() && live[slot] && agents_[slot].dirty && !listed[slot],
            "the changed-since-dispatch list holds marked agents, each once");
    listed[slot] = true;
  }
  for (const auto& [id, slot] : agent_ids_)
    require(listed[slot] == agents_[slot].dirty, "every marked agent is on the changed-since-dispatch list");

  // Queues: members in rank order, each an agent of the queue; bit columns match the members.
  std::size_t memberships = 0;
  for (const auto& [id, slot] : agent_ids_) memberships += agents_[slot].queues.size();
  std::size_t members_seen = 0;
  std::vector<std::uint32_t> seen_in(agents_.size(), no_queue);  // by slot: the last queue it was seen in
  for (std::uint32_t q = 0; q < queue_count; ++q) {
    const auto& members = queue_agents_[q];
    members_seen += members.size();
    for (const QueueMember& m : members) {
      require(m.slot < agents_.size() && live[m.slot] && agents_[m.slot].in_queue(q) && seen_in[m.slot] != q,
              "a queue's members are agents of that queue, each once");
      seen_in[m.slot] = q;
    }
    if (stale_[q] != 0) continue;
    for (std::size_t p = 0; p < members.size(); ++p) {
      require(p == 0 || members[p - 1].rank < members[p].rank, "a queue's members are in rank order");
      const AgentState& agent = agents_[members[p].slot];
      for (std::size_t s = 0; s < columns_[q].skills.size(); ++s)
        require(bit(columns_[q].skills[s], p) == ((agent.skill_mask >> s & 1u) != 0), "a queue's skill columns match its members");
      for (std::size_t l = 0; l < columns_[q].languages.size(); ++l)
        require(bit(columns_[q].languages[l], p) == ((agent.language_mask >> l & 1u) != 0),
                "a queue's language columns match its members");
    }
    for (const PositionSet& column : columns_[q].skills) require(bounded(column, members.size()), "no column bit past a queue's members");
    for (const PositionSet& column : columns_[q].languages) require(bounded(column, members.size()), "no column bit past a queue's members");

    // Room: the online members, counted, and on each channel those below capacity, as bits.
    std::size_t online = 0;
    for (const QueueMember& m : members) online += agents_[m.slot].online ? 1u : 0u;
    require(room_[q].online() == online, "a queue counts its online members");
    for (std::uint32_t c = 0; c < QueueRoom::channels; ++c) {
      const PositionSet& room = room_[q].room(c);
      for (std::size_t p = 0; p < members.size(); ++p) {
        const AgentState& agent = agents_[members[p].slot];
        require(bit(room, p) == (agent.online && room_on(agent, c)),
                "a queue's room on a channel is its online members below capacity there and within their units");
      }
      require(bounded(room, members.size()) && room_[q].with_room(c) == count(room), "a queue counts its members with room");
    }
  }
  require(members_seen == memberships, "every agent is a member of each of its queues once");

  // Assignments: loads are the count of assignments per agent and channel.
  // Each agent's held list is its assignments (remove_agent frees what it lists).
  std::vector<std::vector<int>> loads(agents_.size(), std::vector<int>(channels_.size(), 0));
  std::vector<std::int64_t> units(agents_.size(), 0);
  std::vector<std::vector<std::string_view>> holding(agents_.size());
  std::size_t offered = 0;
  for (const auto& [ticket, a] : assigned_) {
    require(a.agent < agents_.size() && live[a.agent], "an assigned ticket's agent is in the router");
    require(a.queue < queue_count && a.channel < channels_.size(), "an assignment names a queue and a known channel");
    require(!waiting_ids_.contains(ticket), "no ticket is both assigned and waiting");
    if (a.offer != no_offer) {
      const auto offer = offers_.find(a.offer);
      require(offer != offers_.end() && offer->second.waiting.ticket == ticket && offer->second.agent == a.agent,
              "an offered ticket's assignment names its offer, held by the agent offered it");
      ++offered;
    }
    ++loads[a.agent][a.channel];
    units[a.agent] += unit_cost(a.channel);
    holding[a.agent].push_back(ticket);
  }
  for (const auto& [id, slot] : agent_ids_) {
    const AgentState& agent = agents_[slot];
    std::vector<std::string_view> held(agent.held.begin(), agent.held.end());
    std::sort(held.begin(), held.end());
    std::sort(holding[slot].begin(), holding[slot].end());
    require(held == holding[slot], "an agent's held list is the tickets assigned to it");
    for (std::uint32_t c = 0; c < channels_.size(); ++c) require(agent.load_on(c) == loads[slot][c], "an agent's load is the count of its assignments");
    for (std::uint32_t c = static_cast<std::uint32_t>(channels_.size()); c < AgentState::inline_channels; ++c)
      require(agent.small_load[c] == 0, "no load on a channel not yet seen");
    require(agent.load.size() + AgentState::inline_channels <= std::max<std::size_t>(channels_.size(), AgentState::inline_channels),
            "no load on a channel not yet seen");
    require(agent.units_used == units[slot], "an agent's units used are the cost of its assignments");
    require(agent.lowered || !over_capacity(agent), "no agent over capacity unless its capacity was lowered below its load");
  }

  // Offers: each held by exactly one agent, online and not barred from it, counted in its load
  // (above) as an assignment, due to lapse at its expiry.
  require(offered == offers_.size() && lapses_.size() == offers_.size(), "every offer is one assignment and one lapse");
  require(offers_.empty() || routing().offers, "no offers without the routing section's offers");
  for (const auto& [seq, offer] : offers_) {
    const Waiting& w = offer.waiting;
    require(seq == w.seq && seq < next_seq_ && !waiting_.contains(seq), "an offer keeps its ticket's arrival number, not waiting");
    require(lapses_.contains({offer.expires.time_since_epoch().count(), seq}), "an offer lapses at its expiry");
    require(agents_[offer.agent].online, "only online agents hold offers");
    const Instant made = offer.expires - routing().offers->push_timeout;
    const std::string& holder = agents_[offer.agent].spec.id;
    require(std::none_of(w.bars.begin(), w.bars.end(),
                         [&](const Bar& bar) { return bar.agent == holder && bar.until > made; }),
            "no ticket is offered to an agent barred from it");
    require(!w.timer, "an offered ticket has no waiting timer");
  }

  // Strategy indexes: exactly the online agents of each queue, at their current keys (the load
  // buckets, by position, once the queue is settled).
  for (std::uint32_t q = 0; q < queue_count; ++q) {
    const auto& members = queue_agents_[q];
    for (std::uint32_t c = 0; c < AgentState::inline_channels && stale_[q] == 0; ++c) {
      std::vector<bool> indexed_at(members.size(), false);
      std::size_t total = 0;
      const auto& buckets = by_load_[q][c].buckets();
      for (std::size_t b = 0; b < buckets.size(); ++b) {
        const auto& bucket = buckets[b];
        require(bucket.count > 0 && bucket.count == count(bucket.agents) && bounded(bucket.agents, members.size()),
                "a load bucket counts its agents and holds only members");
        require(b == 0 || buckets[b - 1].load * bucket.capacity < bucket.load * buckets[b - 1].capacity,
                "load buckets ascend by ratio");
        for (std::size_t p = 0; p < members.size(); ++p) {
          if (!bit(bucket.agents, p)) continue;
          const LoadKey key = load_key(members[p].slot, c);
          require(!indexed_at[p] && key.load * bucket.capacity == bucket.load * key.capacity,
                  "an agent is in the load bucket of its ratio, once");
          indexed_at[p] = true;
          ++total;
        }
      }
      std::size_t expected = 0;
      if (routing().strategy == RoutingStrategy::least_loaded && indexed(c))
        for (const QueueMember& m : members) expected += agents_[m.slot].online && takes(agents_[m.slot], c) ? 1u : 0u;
      require(total == expected, "least_loaded indexes exactly the online agents that take a channel");
    }
    const auto& idle = by_idle_[q];
    std::vector<IdleKey> expected;
    if (routing().strategy == RoutingStrategy::most_idle)
      for (const QueueMember& m : members)
        if (agents_[m.slot].online) expected.push_back(idle_key(m.slot));
    std::sort(expected.begin(), expected.end());
    require(std::equal(idle.begin(), idle.end(), expected.begin(), expected.end(),
                       [](const IdleKey& a, const IdleKey& b) { return a.last == b.last && a.rank == b.rank && a.slot == b.slot; }),
            "most_idle orders exactly the online agents of a queue by their last assignment");
  }

  // Waiting tickets: indexed once by id, once in each queue they can be taken from (in the
  // group of their need), and in the timers exactly when they have a timer.
  require(waiting_ids_.size() == waiting_.size(), "every waiting ticket is indexed by its id once");
  std::size_t in_sets = 0;
  for (std::uint32_t q = 0; q < queue_count; ++q)
    for (const auto& [group, set] : waiting_sets_.of(q)) {
      require(!set.empty(), "a queue keeps no empty waiting group");
      in_sets += set.size();
    }
  std::size_t reachable = 0, timed = 0;
  for (const auto& [seq, w] : waiting_) {
    require(w.seq == seq && seq < next_seq_, "a waiting ticket is filed under its arrival number");
    const auto id = waiting_ids_.find(w.ticket);
    require(id != waiting_ids_.end() && id->second == seq, "a waiting ticket is indexed by its id");
    require(w.channel_id == channels_.find(w.channel), "a waiting ticket's channel is interned");
    require(w.preferred.empty() != w.relax_at.has_value(), "a waiting ticket has a relaxation time exactly while it has preferred skills");
    require(waiting_sets_.known(need_key(w)) == w.group, "a waiting ticket's group is that of its need");
    const WaitKey key = key_of(w);
    require(reachable_queue(w.queue, w.stages) != no_queue, "a waiting ticket's overflow stage names a queue");
    require(w.ladder == nullptr ? w.step == 0 : w.step <= w.ladder->steps.size(), "a waiting ticket's ladder step is one of its rule's");
    require(w.aged == 0 || (routing().aging && effective_priority(w.priority, w.aged) <= routing().aging->up_to),
            "a waiting ticket is aged no higher than aging's cap");
    for (const std::uint32_t q : queues_of(w)) {
      const auto* set = waiting_sets_.find(q, w.group);
      require(set != nullptr && set->contains(key), "a waiting ticket is in its group in each queue it reached");
      ++reachable;
    }
    require(w.timer == next_timer(w), "a waiting ticket's timer is its next overflow, relaxation, ladder step or aging");
    if (w.timer) {
      require(timers_.contains({w.timer->time_since_epoch().count(), seq}), "a waiting ticket with a timer is in the timers");
      ++timed;
    }
  }
  require(in_sets == reachable, "the waiting sets hold only waiting tickets, each once per queue it reached");
  require(timers_.size() == timed, "the timers hold only waiting tickets' timers");

  // Sticky customers name agents in the router, which list them (what remove_agent drops).
  std::vector<std::vector<std::string_view>> customers(agents_.size());
  for (const auto& [id, slot] : agent_ids_) {
    customers[slot].assign(agents_[slot].customers.begin(), agents_[slot].customers.end());
    std::sort(customers[slot].begin(), customers[slot].end());
  }
  for (const auto& [customer, agent] : sticky_) {
    const auto it = agent_ids_.find(agent);
    require(!customer.empty() && it != agent_ids_.end(), "a sticky customer's agent is in the router");
    require(std::binary_search(customers[it->second].begin(), customers[it->second].end(), customer),
            "a sticky customer is listed by its agent");
  }
}

}  // namespace aftersales::detail
