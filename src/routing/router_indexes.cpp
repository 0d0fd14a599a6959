// The strategies' indexes of each queue's online agents (room, load buckets, idle order), kept
// in step as agents come and go, go on and offline, and take and release tickets.

#include <algorithm>
#include <array>
#include <cstdint>

#include "routing/router_state.hpp"

namespace aftersales::detail {

// The load an agent is compared by on a channel: tickets held there ÷ its capacity there or,
// when the channel costs units and the agent has a unit capacity, units used ÷ units if that
// is larger — the share of the tighter limit in use (docs/routing.md, "Capacity in units").
namespace {

// The key by the channel's own limit alone.
LoadKey channel_key(const AgentState& agent, std::uint32_t slot, std::uint32_t channel) noexcept {
  return {agent.load_on(channel), agent.capacity_on(channel), agent.rank, slot};
}

}  // namespace

LoadKey RouterCore::load_key(std::uint32_t slot, std::uint32_t channel) const noexcept {
  const AgentState& agent = agents_[slot];
  LoadKey key = channel_key(agent, slot, channel);
  if (agent.units > 0 && unit_cost(channel) > 0 && agent.units_used * key.capacity > key.load * agent.units) {
    key.load = agent.units_used;
    key.capacity = agent.units;
  }
  return key;
}

bool RouterCore::takes(const AgentState& agent, std::uint32_t channel) const noexcept {
  return agent.capacity_on(channel) > 0 && (agent.units < 0 || unit_cost(channel) <= agent.units);
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
  if (routing().strategy != RoutingStrategy::least_loaded || !indexed(channel) || !takes(agent, channel)) return;
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
    room_[q].set_room(c, p, add && room_on(agent, c));
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
  const std::int64_t units = std::int64_t{delta} * unit_cost(channel);
  if (agent.units >= 0 && units != 0) {
    // Units are shared by the channels that cost them: the agent's order may move on each of
    // those (and this one), and its room on any, though it seldom does.
    std::array<bool, QueueRoom::channels> room{};
    for (std::uint32_t c = 0; c < QueueRoom::channels; ++c) room[c] = room_on(agent, c);
    const auto reorder = [&](bool add) {
      if (!agent.online) return;
      for (std::size_t i = 0; i < agent.queues.size(); ++i)
        for (std::uint32_t c = 0; c < channels_.size() && c < QueueRoom::channels; ++c)
          if (stale_[agent.queues[i]] == 0 && (c == channel || unit_cost(c) > 0)) index_load(slot, i, c, add);
    };
    reorder(false);
    agent.add_load(channel, delta);
    agent.units_used += units;
    reorder(true);
    for (std::uint32_t c = 0; c < QueueRoom::channels && agent.online; ++c) {
      if (room_on(agent, c) == room[c]) continue;
      for (std::size_t i = 0; i < agent.queues.size(); ++i)
        if (stale_[agent.queues[i]] == 0) room_[agent.queues[i]].set_room(c, agent.positions[i], !room[c]);
    }
    return;
  }
  // The hot path of every assignment and release: no unit limit is in play (or the channel
  // costs none), so the agent is ordered by the channel alone (load_key() without its units
  // test). One ticket more or less moves it to a neighbouring bucket in each of its queues,
  // and may fill it or give it room.
  agent.units_used += units;
  const LoadKey before = channel_key(agent, slot, channel);
  agent.add_load(channel, delta);
  if (!agent.online || channel >= QueueRoom::channels) return;
  const LoadKey after = channel_key(agent, slot, channel);
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

}  // namespace aftersales::detail
