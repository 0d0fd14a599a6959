// The router's state and decisions. One mutex guards everything: each call does a bounded
// amount of work under it (a walk of one queue's agents with room, or a dispatch proportional
// to what it assigns and the timers that fire), which keeps the invariants (never over
// capacity, never offline, every ticket assigned once or waiting) easy to see. Rule matching,
// which reads only the immutable policy, and the SLA replay that gives a waiting ticket its due
// time run outside the lock.
//
// This file holds the decisions (route, select, assign, release, dispatch) and the lock. What
// they decide with has a file each: the rule planning (route_plan.cpp), the agent registry
// (router_agents.cpp), the strategies' indexes (router_indexes.cpp) and picks
// (router_picks.cpp), the waiting queue and its timers (router_waiting.cpp), the reasons
// (routing_reasons.cpp, spelled by reason_text.hpp), snapshots (router_snapshot.cpp), the
// listings of agents and waiting tickets (router_listings.cpp) and the invariants
// (router_invariants.cpp).

#include <aftersales/error.hpp>
#include <aftersales/routing.hpp>

#include <algorithm>
#include <functional>
#include <mutex>
#include <queue>
#include <set>

#include "text/text.hpp"
#include "routing/reason_text.hpp"
#include "routing/router_state.hpp"

namespace aftersales {

using detail::no_queue;
using detail::RoutingRule;
using detail::RoutingRules;
using detail::RoutingStrategy;
using detail::SkillNeed;

namespace detail {

// ---------------------------------------------------------------------------------------------
// RouterCore

RouterCore::RouterCore(std::shared_ptr<const RoutingRules> rules) : rules_(std::move(rules)) {
  if (!rules_->present) throw NotFoundError("the policy has no \"routing\" section");
  const auto queue_count = rules_->queues.size();
  queue_agents_.resize(queue_count);
  columns_.resize(queue_count);
  room_.resize(queue_count);
  stale_.resize(queue_count, 0);
  shifts_.resize(queue_count, 0);
  cursors_.resize(queue_count);
  waiting_sets_.resize(queue_count);
  by_idle_.resize(queue_count);
  by_load_.resize(queue_count);
  for (const auto& [channel, cost] : rules_->units) (void)intern_channel(channel);
  // What most tickets of a rule need (no tier skills), and its reason, spelled out once.
  for (const RoutingRule& rule : rules_->rules) {
    Needs needs;
    add_needs(needs, rule.skills);
    add_needs(needs, rule.preferred_skills);
    rule_skills_.emplace_back(std::vector<SkillNeed>(needs.begin(), needs.end()),
                              needs.empty() ? std::string() : skills_text(routing(), needs));
  }
}

const RoutingRules& RouterCore::routing() const noexcept { return *rules_; }

std::uint32_t RouterCore::reachable_queue(std::uint32_t queue, std::uint32_t stage) const noexcept {
  for (std::uint32_t s = 0; s < stage && queue != no_queue; ++s) queue = routing().queues[queue].overflow_to;
  return queue;
}

std::optional<Choice> RouterCore::select(const Need& need, std::span<const std::uint32_t> queues,
                                         std::string_view resolver, std::string_view customer) const {
  const auto preferred = [&](std::string_view id, Choice::Why why) -> std::optional<Choice> {
    const auto it = agent_ids_.find(id);
    if (it == agent_ids_.end()) return std::nullopt;
    const AgentState& agent = agents_[it->second];
    if (check(agent, need) != Block::none) return std::nullopt;
    for (const std::uint32_t q : queues)
      if (agent.in_queue(q)) return Choice{it->second, q, why};
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
  for (const std::uint32_t q : queues)
    if (const auto slot = pick(q, need)) return Choice{*slot, q, Choice::Why::strategy};
  return std::nullopt;
}

Need RouterCore::need_of(std::string_view channel, std::string_view language) const {
  Need need;
  const auto known = channels_.find(channel);
  // A channel no agent lists yet: every agent's default capacity applies and no load is on it.
  need.channel = known ? *known : static_cast<std::uint32_t>(channels_.size());
  need.units = unit_cost(need.channel);
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
  // An offer makes the customer sticky only once accepted.
  if (routing().sticky && !customer.empty() && !routing().offers) stick(choice.agent, customer);
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
  // Built in place: a Need is a few small vectors, not worth moving.
  Need need = plan.bot ? Need{} : need_of(ticket.channel, ticket.customer.language);
  std::optional<Choice> choice;
  if (!plan.bot) {
    need.skills = plan.skills;
    add_needs(need.skills, plan.preferred());
    choice = select(need, std::span(&plan.queue, 1), plan.resolver, ticket.customer.id);
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
    if (routing().offers) offer(waiting_of(ticket, plan, at, due.value_or(std::nullopt)), at, decision);
    return true;
  }
  decision.waiting = true;
  decision.reasons.push_back(waiting_reason(plan.queue, need, ticket.customer.language));
  enqueue(waiting_of(ticket, plan, at, *due));
  return true;
}

Waiting RouterCore::waiting_of(const Ticket& ticket, const Plan& plan, Instant at, std::optional<Instant> due) {
  Waiting waiting;
  waiting.seq = next_seq_++;
  waiting.due = due;
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
  if (plan.rule != nullptr && !plan.rule->steps.empty()) waiting.ladder = plan.rule;
  return waiting;
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
  if (const std::uint64_t seq = it->second.offer; seq != no_offer) {
    lapses_.erase({offers_.at(seq).expires.time_since_epoch().count(), seq});
    offers_.erase(seq);
  }
  unhold(it);
}

void RouterCore::unhold(TextMap<Assignment>::iterator it) {
  const Assignment a = it->second;
  change_load(a.agent, a.channel, -1);
  mark_dirty(a.agent);
  auto& held = agents_[a.agent].held;
  held.erase(std::find(held.begin(), held.end(), it->first));
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
  if (routing().offers) lapse_offers(at);
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

Need RouterCore::need_of(const Waiting& w, Instant at) const {
  Need need = need_of(w.channel, w.language);
  need.skills = Needs(w.skills.begin(), w.skills.end());
  add_needs(need.skills, w.preferred);
  for (const Bar& bar : w.bars)
    if (const auto it = agent_ids_.find(bar.agent); bar.until > at && it != agent_ids_.end()) need.barred.push_back(&agents_[it->second]);
  // check() looks an agent up among them by halving: a ticket many agents declined costs a
  // scan of the queue no more than a logarithm an agent.
  std::sort(need.barred.begin(), need.barred.end(), std::less<>{});
  return need;
}

std::optional<RoutingDecision> RouterCore::try_assign(Waiting& w, Instant at) {
  const Need need = need_of(w, at);
  const auto choice = select(need, queues_of(w), w.resolver, w.customer);
  if (!choice) return std::nullopt;
  RoutingDecision decision;
  decision.ticket = w.ticket;
  decision.queue = routing().queues[choice->queue].id;
  if (!w.rule.empty()) decision.rule = w.rule;
  decision.priority = effective_priority(w.priority, w.aged);
  decision.agent = agents_[choice->agent].spec.id;
  decision.reasons.push_back("waited " + format_duration(at - w.since) + " in queue " + detail::quoted(routing().queues[w.queue].id));
  for (auto& note : w.notes) decision.reasons.push_back(std::move(note));
  if (!need.skills.empty()) decision.reasons.push_back(skills_text(routing(), need.skills));
  decision.reasons.push_back(choice_reason(*choice, need, w.channel));
  w.notes.clear();
  Waiting taken = unqueue(w.seq);
  assign(*choice, need, taken.ticket, taken.customer, taken.channel, at);
  if (routing().offers) offer(std::move(taken), at, decision);
  return decision;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Router: the lock around RouterCore

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
  auto plan = detail::plan_route(state_->core.routing(), ticket, at);
  RoutingDecision decision;
  // An offer keeps the ticket as it would wait, due time included, for a decline or a lapse.
  std::optional<std::optional<Instant>> due;
  if (state_->core.routing().offers) due = detail::due_time(*state_->core.routing().sla, ticket, at);
  {
    const std::lock_guard lock(state_->mutex);
    if (state_->core.route(ticket, at, plan, due, decision)) return decision;
  }
  // The ticket must wait, ordered by its SLA due time. The SLA replay grows with the ticket's
  // history, so it runs outside the lock (an error leaves the router unchanged); then the route
  // is decided afresh, as agents may have been freed meanwhile.
  due = detail::due_time(*state_->core.routing().sla, ticket, at);
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

void Router::accept(std::string_view agent_id, std::string_view ticket_id, Instant at) {
  const std::lock_guard lock(state_->mutex);
  state_->core.accept(agent_id, ticket_id, at);
}

void Router::decline(std::string_view agent_id, std::string_view ticket_id, Instant at) {
  const std::lock_guard lock(state_->mutex);
  state_->core.decline(agent_id, ticket_id, at);
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
