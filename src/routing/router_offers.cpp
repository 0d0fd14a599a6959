// Offers (docs/routing.md, "Offers"): with the routing section's `offers`, the agent a route or
// a dispatch picks is offered the ticket rather than given it. The rule kept here:
//
// - an offer counts in the agent's load from the moment it is made, as an assignment does, so
//   capacity, units and the strategies see it; the ticket keeps the record it waits with
//   (arrival number, due time, overflow, ladder, aging), out of the waiting sets and timers;
// - accepting turns it into an assignment (and makes the customer sticky to the agent);
// - declining, or letting the push timeout pass (the next dispatch lapses it, as a decline at
//   the expiry), frees the agent and files the ticket as waiting again under its original
//   arrival, the agent barred from it for `no_reoffer`; the next dispatch tries it first thing,
//   as an agent may have had room for it all along;
// - an agent that leaves or stops being online hands its offers back the same way, unbarred.
//
// A bar lives on the ticket's record while the router holds the ticket (waiting or offered)
// and ends at its instant; a timer at that instant lets the next dispatch try the agent again.

#include <aftersales/error.hpp>

#include "routing/reason_text.hpp"
#include "routing/router_state.hpp"
#include "text/text.hpp"

namespace aftersales::detail {
namespace {

std::int64_t ms(Instant at) noexcept { return at.time_since_epoch().count(); }

}  // namespace

void RouterCore::offer(Waiting w, Instant at, RoutingDecision& decision) {
  const Instant expires = at + routing().offers->push_timeout;
  const std::uint64_t seq = w.seq;
  Assignment& assignment = assigned_.at(w.ticket);
  assignment.offer = seq;
  w.returned = false;
  decision.offer_expires_at = expires;
  // One allocation for the reason (every offer spells it).
  decision.reasons.push_back(concat({"offered to ", *decision.agent, " until ", format_instant(expires),
                                     ": the agent accepts or declines it, or the offer lapses"}));
  lapses_.emplace(ms(expires), seq);
  offers_.emplace(seq, Offer{std::move(w), assignment.agent, expires});
}

std::uint64_t RouterCore::offer_held(std::string_view agent_id, std::string_view ticket) const {
  const auto agent = agent_ids_.find(agent_id);
  const auto it = assigned_.find(ticket);
  if (agent != agent_ids_.end() && it != assigned_.end() && it->second.agent == agent->second && it->second.offer != no_offer)
    return it->second.offer;
  std::string where;
  if (agent == agent_ids_.end()) where = "there is no such agent in the router";
  else if (it != assigned_.end() && it->second.agent == agent->second) where = "the agent accepted it already";
  else if (it != assigned_.end())
    where = std::string(it->second.offer != no_offer ? "it is offered to " : "it is assigned to ") + agents_[it->second.agent].spec.id;
  else if (waiting_ids_.contains(ticket)) where = "the ticket waits: its offer was declined, lapsed or handed back";
  else where = "the ticket is not in the router";
  throw NotFoundError("agent " + quoted(agent_id) + " holds no offer of ticket " + quoted(ticket) + " (" + where + ")");
}

std::uint64_t RouterCore::answerable(std::string_view agent_id, std::string_view ticket, Instant at,
                                     std::string_view answer) const {
  const std::uint64_t seq = offer_held(agent_id, ticket);
  const Instant made = offers_.at(seq).expires - routing().offers->push_timeout;
  if (at < made)
    throw InputError("cannot " + std::string(answer) + " the offer of ticket " + quoted(ticket) + " to " + quoted(agent_id) +
                     " at " + format_instant(at) + ": it was made at " + format_instant(made) + ", after that");
  return seq;
}

void RouterCore::accept(std::string_view agent_id, std::string_view ticket, Instant at) {
  const std::uint64_t seq = answerable(agent_id, ticket, at, "accept");
  const auto offer = offers_.find(seq);
  if (at >= offer->second.expires)
    throw InputError("the offer of ticket " + quoted(ticket) + " to " + std::string(agent_id) + " expired at " +
                     format_instant(offer->second.expires) + ", before " + format_instant(at) +
                     "; the next dispatch lets it lapse and offers the ticket again");
  const std::uint32_t slot = offer->second.agent;
  if (routing().sticky && !offer->second.waiting.customer.empty()) stick(slot, offer->second.waiting.customer);
  assigned_.find(ticket)->second.offer = no_offer;
  lapses_.erase({ms(offer->second.expires), seq});
  offers_.erase(offer);
}

void RouterCore::decline(std::string_view agent_id, std::string_view ticket, Instant at) {
  const std::uint64_t seq = answerable(agent_id, ticket, at, "decline");
  return_offer(seq, "declined by " + std::string(agent_id) + " at " + format_instant(at), at);
}

void RouterCore::return_offer(std::uint64_t seq, std::string note, std::optional<Instant> declined) {
  auto node = offers_.extract(seq);
  Offer& offer = node.mapped();
  Waiting& w = offer.waiting;
  lapses_.erase({ms(offer.expires), seq});
  const std::string agent = agents_[offer.agent].spec.id;
  unhold(assigned_.find(w.ticket));
  if (declined) {
    // The bars kept are those in force: at most one per agent, however often the ticket returns.
    std::erase_if(w.bars, [&](const Bar& b) { return b.agent == agent || b.until <= *declined; });
    w.bars.push_back({agent, *declined + routing().offers->no_reoffer});
  }
  w.notes.push_back(std::move(note));
  w.returned = true;
  returned_.push_back(seq);
  enqueue(std::move(w));
}

void RouterCore::return_offers_of(std::uint32_t slot, std::string_view why) {
  std::vector<std::uint64_t> seqs;
  for (const std::string& ticket : agents_[slot].held)
    if (const std::uint64_t seq = assigned_.at(ticket).offer; seq != no_offer) seqs.push_back(seq);
  const std::string note = "offer to " + agents_[slot].spec.id + " handed back: the agent " + std::string(why);
  for (const std::uint64_t seq : seqs) return_offer(seq, note, std::nullopt);
}

void RouterCore::lapse_offers(Instant at) {
  while (!lapses_.empty() && lapses_.begin()->first <= ms(at)) {
    const std::uint64_t seq = lapses_.begin()->second;
    const Offer& offer = offers_.at(seq);
    const Instant expired = offer.expires;
    return_offer(seq, "offer to " + agents_[offer.agent].spec.id + " lapsed at " + format_instant(expired), expired);
  }
}

}  // namespace aftersales::detail
