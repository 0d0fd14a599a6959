// The waiting queue: tickets that no agent could take, kept by arrival, grouped by what they
// need in each queue they may be taken from, and their timers (overflow to the next queue,
// relaxation of preferred skills). dispatch() (router.cpp) reads it; only this file changes it.

#include <algorithm>
#include <cstdint>

#include "text/text.hpp"
#include "routing/router_state.hpp"

namespace aftersales::detail {

NeedKey RouterCore::need_key(const Waiting& w) const {
  Needs skills(w.skills.begin(), w.skills.end());
  add_needs(skills, w.preferred);
  const bool language = routing().language_match && !w.language.empty();
  return WaitingGroups::key(w.channel_id, language ? std::string_view(w.language) : std::string_view(),
                            std::vector<SkillNeed>(skills.begin(), skills.end()));
}

std::uint32_t RouterCore::group_of(const Waiting& w) { return waiting_sets_.group_of(need_key(w)); }

// What try_assign asks of an agent for any ticket of the group.
Need RouterCore::need_of_group(std::uint32_t group) const {
  const NeedKey& key = waiting_sets_.need(group);
  Need need;
  need.channel = key.channel;
  if (!key.language.empty()) need.language = languages_.find(key.language).value_or(nobody_speaks);
  need.skills = Needs(key.skills.begin(), key.skills.end());
  return need;
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
  w.group = group_of(w);
  for (std::uint32_t s = 0; s <= w.stages; ++s) waiting_sets_.insert(reachable_queue(w.queue, s), w.group, key);
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
  for (std::uint32_t s = 0; s <= w.stages; ++s) waiting_sets_.erase(reachable_queue(w.queue, s), w.group, key);
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
      const std::uint32_t group = group_of(w);  // fewer needs: another group
      for (std::uint32_t s = 0; s <= w.stages; ++s) {
        waiting_sets_.erase(reachable_queue(w.queue, s), w.group, key_of(w));
        waiting_sets_.insert(reachable_queue(w.queue, s), group, key_of(w));
      }
      w.group = group;
      w.notes.push_back("preferred skills dropped after waiting " + format_duration(now - w.since));
    }
    if (const auto overflow = next_overflow(w); overflow && *overflow <= now) {
      ++w.stages;
      const std::uint32_t q = reachable_queue(w.queue, w.stages);
      waiting_sets_.insert(q, w.group, key_of(w));
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

std::size_t RouterCore::waiting_count() const noexcept { return waiting_.size(); }

}  // namespace aftersales::detail
