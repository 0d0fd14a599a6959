// The strategies' indexes of each queue's online agents (room, load buckets, idle order), kept
// in step as agents come and go, go on and offline, and take and release tickets.

#include <algorithm>
#include <cstdint>

#include "routing/router_state.hpp"

namespace aftersales::detail {

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

}  // namespace aftersales::detail
