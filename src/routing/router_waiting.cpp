// The waiting queue: tickets that no agent could take, kept by arrival, grouped by what they
// need in each queue they may be taken from, and their timers (overflow to the next queue,
// relaxation of preferred skills). dispatch() (router.cpp) reads it; only this file changes it.

#include <algorithm>
#include <cstdint>

#include "text/text.hpp"
#include "routing/reason_text.hpp"
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
  need.units = unit_cost(key.channel);
  if (!key.language.empty()) need.language = languages_.find(key.language).value_or(nobody_speaks);
  need.skills = Needs(key.skills.begin(), key.skills.end());
  return need;
}

WaitKey RouterCore::key_of(const Waiting& w) noexcept {
  return {3 - static_cast<int>(effective_priority(w.priority, w.aged)), w.due ? w.due->time_since_epoch().count() : INT64_MAX,
          w.seq};
}

std::optional<Instant> RouterCore::next_overflow(const Waiting& w) const { return overflow_at(w, w.stages); }

std::optional<Instant> RouterCore::overflow_at(const Waiting& w, std::uint32_t stage) const {
  // Overflow stage s+1 starts when the ticket has waited the `after`s of the queues 0..s.
  Instant overflow_at = w.since;
  std::uint32_t q = w.queue;
  for (std::uint32_t s = 0; q != no_queue; ++s) {
    const auto& queue = routing().queues[q];
    if (!queue.overflow_after) return std::nullopt;
    overflow_at += *queue.overflow_after;
    if (s == stage) return overflow_at;
    q = queue.overflow_to;
  }
  return std::nullopt;
}

std::optional<Instant> RouterCore::next_step(const Waiting& w) const {
  if (w.ladder == nullptr || w.step >= w.ladder->steps.size()) return std::nullopt;
  return w.since + w.ladder->steps[w.step].after;
}

std::optional<Instant> RouterCore::next_aging(const Waiting& w) const {
  const auto& aging = routing().aging;
  if (!aging || effective_priority(w.priority, w.aged) >= aging->up_to) return std::nullopt;
  return w.since + aging->every * (w.aged + 1);
}

std::optional<Instant> RouterCore::next_timer(const Waiting& w) const {
  std::optional<Instant> first;
  for (const auto& at : {next_overflow(w), w.relax_at, next_step(w), next_aging(w)})
    if (at && (!first || *at < *first)) first = at;
  // The end of a bar: the agent may take the ticket again, though nobody was freed.
  for (const Bar& bar : w.bars)
    if (!first || bar.until < *first) first = bar.until;
  return first;
}

QueueList RouterCore::queues_of(const Waiting& w) const {
  QueueList queues;
  for (std::uint32_t s = 0; s <= w.stages; ++s) queues.push_back(reachable_queue(w.queue, s));
  for (std::uint32_t i = 0; w.ladder != nullptr && i < w.step; ++i) {
    const std::uint32_t q = w.ladder->steps[i].queue;
    if (q != no_queue && std::find(queues.begin(), queues.end(), q) == queues.end()) queues.push_back(q);
  }
  return queues;
}

void RouterCore::enqueue(Waiting waiting) {
  const auto seq = waiting.seq;
  const WaitKey key = key_of(waiting);
  const std::uint32_t channel = intern_channel(waiting.channel);
  waiting_ids_.emplace(waiting.ticket, seq);
  Waiting& w = waiting_.emplace(seq, std::move(waiting)).first->second;
  w.channel_id = channel;
  w.group = group_of(w);
  for (const std::uint32_t q : queues_of(w)) waiting_sets_.insert(q, w.group, key);
  schedule(w);
}

void RouterCore::schedule(Waiting& w) {
  w.timer = next_timer(w);
  if (w.timer) timers_.emplace(w.timer->time_since_epoch().count(), w.seq);
}

Waiting RouterCore::unqueue(std::uint64_t seq) {
  auto node = waiting_.extract(seq);
  Waiting& w = node.mapped();
  const WaitKey key = key_of(w);
  for (const std::uint32_t q : queues_of(w)) waiting_sets_.erase(q, w.group, key);
  if (w.timer) timers_.erase({w.timer->time_since_epoch().count(), seq});
  w.timer.reset();
  waiting_ids_.erase(w.ticket);
  return std::move(w);
}

bool RouterCore::withdraw(std::string_view ticket) {
  if (const auto it = waiting_ids_.find(ticket); it != waiting_ids_.end()) {
    (void)unqueue(it->second);
    return true;
  }
  const auto it = assigned_.find(ticket);
  if (it == assigned_.end() || it->second.offer == no_offer) return false;
  release(agents_[it->second.agent].spec.id, ticket);
  return true;
}

template <class Change>
void RouterCore::refile(Waiting& w, Change change) {
  const QueueList queues = queues_of(w);
  for (const std::uint32_t q : queues) waiting_sets_.erase(q, w.group, key_of(w));
  change(w);
  w.group = group_of(w);
  for (const std::uint32_t q : queues) waiting_sets_.insert(q, w.group, key_of(w));
}

// The ladder's steps due by `now`, in order.
void RouterCore::take_steps(Waiting& w, Instant now) {
  while (const auto due = next_step(w)) {
    if (*due > now) return;
    const LadderStep& step = w.ladder->steps[w.step];
    const std::string waited = " after waiting " + format_duration(now - w.since);
    std::string dropped;
    refile(w, [&](Waiting& t) { dropped = apply_step(t, step); });
    const QueueList before = queues_of(w);
    ++w.step;
    const bool added = step.queue != no_queue && std::find(before.begin(), before.end(), step.queue) == before.end();
    if (added) waiting_sets_.insert(step.queue, w.group, key_of(w));
    if (!dropped.empty()) w.notes.push_back("skills " + dropped + " dropped" + waited);
    if (added) w.notes.push_back("queue " + routing().queues[step.queue].quoted + " added" + waited);
    if (step.any_language) w.notes.push_back("any language accepted" + waited);
  }
}

std::string RouterCore::apply_step(Waiting& w, const LadderStep& step) const {
  std::string dropped;
  for (const std::uint32_t skill : step.drop) {
    const auto named = [&](const SkillNeed& n) { return n.skill == skill; };
    if (std::erase_if(w.skills, named) + std::erase_if(w.preferred, named) > 0)
      dropped += (dropped.empty() ? "" : ", ") + routing().skill_names[skill];
  }
  // Preferred skills the ladder dropped are not dropped again by relax_after.
  if (w.preferred.empty()) w.relax_at.reset();
  if (step.any_language) w.language.clear();
  return dropped;
}

std::uint8_t RouterCore::aging_levels(const Waiting& w, Instant now) const {
  const auto& aging = routing().aging;
  if (!aging) return 0;
  const auto levels = std::min<std::int64_t>((now - w.since) / aging->every,
                                             static_cast<int>(aging->up_to) - static_cast<int>(w.priority));
  return static_cast<std::uint8_t>(std::max<std::int64_t>(levels, w.aged));
}

// Aging: one level per `every` waited, up to the cap, filed under its new rank.
void RouterCore::age(Waiting& w, Instant now) {
  const auto& aging = routing().aging;
  if (!aging || effective_priority(w.priority, w.aged) >= aging->up_to) return;
  const std::uint8_t levels = aging_levels(w, now);
  if (levels <= w.aged) return;
  const Priority from = effective_priority(w.priority, w.aged);
  refile(w, [&](Waiting& t) { t.aged = levels; });
  w.notes.push_back(concat({"priority raised from ", to_string(from), " to ", to_string(effective_priority(w.priority, w.aged)),
                            " by aging after waiting ", format_duration(now - w.since)}));
}

// Overflow, skill relaxation, ladder steps and aging that are due by `at`; returns the tickets
// they affected.
std::vector<std::uint64_t> RouterCore::fire_timers(Instant at) {
  std::vector<std::uint64_t> fired;
  const auto until = at.time_since_epoch().count();
  while (!timers_.empty() && timers_.begin()->first <= until) {
    const auto [when, seq] = *timers_.begin();
    timers_.erase(timers_.begin());
    Waiting& w = waiting_.at(seq);
    const Instant now{Duration{when}};
    if (w.relax_at && *w.relax_at <= now) {
      refile(w, [](Waiting& t) {  // fewer needs: another group
        t.relax_at.reset();
        t.preferred.clear();
      });
      w.notes.push_back("preferred skills dropped after waiting " + format_duration(now - w.since));
    }
    if (const auto overflow = next_overflow(w); overflow && *overflow <= now) {
      const QueueList before = queues_of(w);
      ++w.stages;
      const std::uint32_t q = reachable_queue(w.queue, w.stages);
      // A ladder step may have added the queue already.
      if (std::find(before.begin(), before.end(), q) == before.end()) waiting_sets_.insert(q, w.group, key_of(w));
      w.notes.push_back("overflowed to queue " + detail::quoted(routing().queues[q].id) + " after waiting " +
                        format_duration(now - w.since));
    }
    take_steps(w, now);
    age(w, now);
    std::erase_if(w.bars, [&](const Bar& bar) { return bar.until <= now; });
    w.timer.reset();
    schedule(w);
    fired.push_back(seq);
  }
  // Tickets back from an offer: an agent may have had room for them all along.
  for (const std::uint64_t seq : returned_)
    if (const auto it = waiting_.find(seq); it != waiting_.end() && it->second.returned) {
      it->second.returned = false;
      fired.push_back(seq);
    }
  returned_.clear();
  std::sort(fired.begin(), fired.end());
  fired.erase(std::unique(fired.begin(), fired.end()), fired.end());
  std::sort(fired.begin(), fired.end(), [&](std::uint64_t a, std::uint64_t b) {
    return key_of(waiting_.at(a)) < key_of(waiting_.at(b));
  });
  return fired;
}

std::size_t RouterCore::waiting_count() const noexcept { return waiting_.size(); }

}  // namespace aftersales::detail
