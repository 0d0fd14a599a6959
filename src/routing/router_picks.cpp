// The strategies' picks: which agent of a queue takes a ticket (least_loaded, round_robin,
// most_idle), read from the queue's indexes, and why nobody can when nobody does.

#include <algorithm>
#include <bit>
#include <functional>

#include "routing/router_state.hpp"

namespace aftersales::detail {

Block RouterCore::check(const AgentState& agent, const Need& need) const noexcept {
  if (!agent.online) return Block::status;
  if (agent.load_on(need.channel) >= agent.capacity_on(need.channel)) return Block::capacity;
  if (!agent.fits_units(need.units)) return Block::units;
  if (need.language != any_language && !agent.speaks(need.language)) return Block::language;
  for (const SkillNeed& skill : need.skills)
    if (agent.level(skill.skill) < skill.level) return Block::skill;
  if (!need.barred.empty() && std::binary_search(need.barred.begin(), need.barred.end(), &agent, std::less<>{})) return Block::barred;
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
// their records are read, and its room those whose units leave no room for the ticket (a
// bucket's ratio below one says nothing of that when units are the tighter limit).
std::optional<std::uint32_t> RouterCore::least_loaded_pick(std::uint32_t queue, const LoadBuckets& index,
                                                           const Need& need) const {
  const auto& members = queue_agents_[queue];
  // A ticket that costs no units: a ratio below one is room on its channel (check() still
  // refuses the rare agent an upsert left over its units).
  const PositionSet* room = need.units > 0 ? &room_[queue].room(need.channel) : nullptr;
  for (const LoadBuckets::Bucket& bucket : index.buckets()) {
    if (bucket.load >= bucket.capacity) break;
    for (std::size_t word = 0; word < bucket.agents.words(); ++word) {
      std::uint64_t bits = bucket.agents.word(word);
      if (bits != 0 && room != nullptr) bits &= room->word(word);
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
    (void)walk_room(queue, Need{need.channel, any_language, {}, 0, {}}, 0, [&](std::uint32_t slot) {
      if (!agents_[slot].speaks(need.language)) ++silent;
      return false;
    });
  }
  set(Block::language, silent);
  set(Block::skill, with_room - silent);
  return result;
}

}  // namespace aftersales::detail
