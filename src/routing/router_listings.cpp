// The router's listings: its agents with their loads, its waiting tickets, its counts. Each is
// one state: copied under the router's lock in one pass over what it lists (never a pass over
// every ticket for each agent), and sorted after the lock is released, so that a listing of a
// long backlog holds up routing no longer than copying it does.

#include <aftersales/routing.hpp>

#include <algorithm>
#include <mutex>

#include "routing/agent_json.hpp"
#include "routing/router_state.hpp"

namespace aftersales {
namespace detail {

std::vector<AgentLoad> RouterCore::agent_loads() const {
  std::vector<AgentLoad> loads;
  loads.reserve(agent_ids_.size());
  for (const auto& [id, slot] : agent_ids_) {  // by id
    const AgentState& agent = agents_[slot];
    AgentLoad& entry = loads.emplace_back();
    entry.id = id;
    entry.status = agent.spec.status;
    entry.queues = agent.spec.queues;
    entry.capacity = agent.spec.capacity;
    // Channels past the agent's own load counters hold nothing of it.
    const auto channels = std::min<std::size_t>(channels_.size(), AgentState::inline_channels + agent.load.size());
    for (std::uint32_t c = 0; c < channels; ++c)
      if (const int held = agent.load_on(c); held != 0) entry.load.emplace_back(channels_.name_or(c, ""), held);
    entry.total = agent.held.size();
    entry.tickets = agent.held;
    entry.units = agent.spec.units;
    entry.units_used = agent.units_used;
    if (routing().offers) {
      auto& offered = entry.offered.emplace();
      for (const std::string& ticket : agent.held)
        if (assigned_.find(ticket)->second.offer != no_offer) offered.push_back(ticket);
    }
  }
  return loads;
}

std::vector<std::pair<WaitKey, WaitingTicket>> RouterCore::waiting_tickets() const {
  std::vector<std::pair<WaitKey, WaitingTicket>> tickets;
  tickets.reserve(waiting_.size());
  for (const auto& [seq, w] : waiting_)
    tickets.emplace_back(key_of(w), WaitingTicket{w.ticket, routing().queues[w.queue].id, effective_priority(w.priority, w.aged), w.channel, w.since, w.due});
  return tickets;
}

RouterCounts RouterCore::counts() const noexcept {
  RouterCounts counts;
  counts.agents = agent_ids_.size();
  for (const auto& [id, slot] : agent_ids_) {
    switch (agents_[slot].spec.status) {
      case AgentStatus::online: ++counts.online; break;
      case AgentStatus::away: ++counts.away; break;
      case AgentStatus::offline: ++counts.offline; break;
    }
  }
  counts.waiting = waiting_.size();
  counts.assigned = assigned_.size();
  counts.offered = offers_.size();
  return counts;
}

namespace {

void write_counts(JsonWriter& out, const std::vector<std::pair<std::string, int>>& counts) {
  out.begin_object();
  for (const auto& [channel, count] : counts) out.key_text(channel).value(count);
  out.end_object();
}

void write_texts(JsonWriter& out, const std::vector<std::string>& texts) {
  out.begin_array();
  for (const auto& text : texts) out.value(text);
  out.end_array();
}

std::int64_t count_of(std::size_t n) { return static_cast<std::int64_t>(n); }

}  // namespace

void write_agent_load(JsonWriter& out, const AgentLoad& agent) {
  out.begin_object();
  out.key("id").value(agent.id);
  out.key("status").value(to_string(agent.status));
  out.key("queues");
  write_texts(out, agent.queues);
  out.key("capacity");
  write_counts(out, agent.capacity);
  out.key("load");
  write_counts(out, agent.load);
  out.key("total").value(count_of(agent.total));
  out.key("tickets");
  write_texts(out, agent.tickets);
  if (agent.units) {  // without a unit limit, the listing is what it was before units existed
    out.key("units").value(*agent.units);
    out.key("units_used").value(agent.units_used);
  }
  if (agent.offered) {  // likewise without offers
    out.key("offered");
    write_texts(out, *agent.offered);
  }
  out.end_object();
}

void write_waiting_ticket(JsonWriter& out, const WaitingTicket& ticket) {
  out.begin_object();
  out.key("ticket").value(ticket.ticket);
  out.key("queue").value(ticket.queue);
  out.key("priority").value(to_string(ticket.priority));
  out.key("channel").value(ticket.channel);
  out.key("waiting_since").instant(ticket.waiting_since);
  out.key("due_at").instant(ticket.due_at);
  out.end_object();
}

}  // namespace detail

std::string AgentLoad::to_json() const {
  detail::JsonWriter out;
  detail::write_agent_load(out, *this);
  return out.take();
}

std::string WaitingTicket::to_json() const {
  detail::JsonWriter out;
  detail::write_waiting_ticket(out, *this);
  return out.take();
}

std::string RouterCounts::to_json() const {
  detail::JsonWriter out;
  out.begin_object();
  out.key("agents").value(detail::count_of(agents));
  out.key("online").value(detail::count_of(online));
  out.key("away").value(detail::count_of(away));
  out.key("offline").value(detail::count_of(offline));
  out.key("waiting").value(detail::count_of(waiting));
  out.key("assigned").value(detail::count_of(assigned));
  out.key("offered").value(detail::count_of(offered));
  out.end_object();
  return out.take();
}

std::vector<AgentLoad> Router::agents() const {
  std::vector<AgentLoad> loads;
  {
    const std::lock_guard lock(state_->mutex);
    loads = state_->core.agent_loads();
  }
  for (AgentLoad& agent : loads) {
    std::sort(agent.capacity.begin(), agent.capacity.end());
    std::sort(agent.load.begin(), agent.load.end());
    std::sort(agent.tickets.begin(), agent.tickets.end());
    if (agent.offered) std::sort(agent.offered->begin(), agent.offered->end());
  }
  return loads;
}

std::vector<WaitingTicket> Router::waiting() const {
  std::vector<std::pair<detail::WaitKey, WaitingTicket>> keyed;
  {
    const std::lock_guard lock(state_->mutex);
    keyed = state_->core.waiting_tickets();
  }
  // Keys are distinct (each has its ticket's arrival number): the order is total.
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<WaitingTicket> tickets;
  tickets.reserve(keyed.size());
  for (auto& [key, ticket] : keyed) tickets.push_back(std::move(ticket));
  return tickets;
}

RouterCounts Router::counts() const {
  const std::lock_guard lock(state_->mutex);
  return state_->core.counts();
}

}  // namespace aftersales
