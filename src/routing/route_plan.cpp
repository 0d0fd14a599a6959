// What the rules decide about a ticket before any agent is looked at: its queue, priority,
// skills and the reasons for them, and when it is due if it must wait. This reads only the
// immutable policy and the ticket, so it runs outside the router's lock.

#include <algorithm>

#include "routing/route_plan.hpp"
#include "condition/ticket_subject.hpp"
#include "routing/reason_text.hpp"
#include "sla/sla_evaluate.hpp"
#include "ticket/ticket_timeline.hpp"

namespace aftersales::detail {

// Merges `more` into `needs`, keeping the higher level of a skill named twice.
void add_needs(Needs& needs, std::span<const SkillNeed> more) {
  for (const SkillNeed& need : more) {
    const auto it = std::find_if(needs.begin(), needs.end(), [&](const SkillNeed& n) { return n.skill == need.skill; });
    if (it == needs.end()) needs.push_back(need);
    else it->level = std::max(it->level, need.level);
  }
}

namespace {

// What routing reads of a ticket's history: where it stands, whether a bot handed it off, and
// who resolved it if it was reopened since.
struct History {
  TicketState state;
  bool handed_off = false;
  std::string resolver;  // set only when the ticket is reopened
};

// The resolver is the agent of the last `assigned` event before the last `resolved` one, if a
// `reopened` event follows that resolution.
History read_history(const TicketRef& ticket, Instant at, const StatusCategories& statuses) {
  History history;
  std::string_view assigned;  // the agent of the latest assignment to an agent so far
  std::string_view resolver;  // the agent of the latest assignment before the latest resolution
  bool reopened = false;      // since the latest resolution
  history.state = for_each_transition(ticket, timeline(ticket, at), statuses, [&](const Transition<EventRef>& t) {
    switch (t.event.type()) {
      case EventType::handoff: history.handed_off = true; break;
      case EventType::assigned:
        if (!t.event.agent().empty()) assigned = t.event.agent();
        break;
      case EventType::resolved:
        resolver = assigned;
        reopened = false;
        break;
      case EventType::reopened: reopened = true; break;
      default: break;
    }
  });
  if (reopened && !resolver.empty()) history.resolver = resolver;
  return history;
}

}  // namespace

Plan plan_route(const RoutingRules& routing, const Ticket& ticket, Instant at) {
  const TicketRef view(ticket);
  const History history = read_history(view, at, *routing.sla->statuses);
  const Priority priority = history.state.priority;
  TicketSubject subject(view, priority, status_name(history.state, *routing.sla->statuses), *routing.symbols, at);
  if (routing.timed) subject.set_instant(at);
  Plan plan;
  plan.priority = priority;
  plan.resolver = history.resolver;
  for (const RoutingRule& rule : routing.rules) {
    // After a bot hands off, the ticket needs a person: bot rules no longer apply to it.
    if (rule.bot && history.handed_off) continue;
    if ((routing.timed && !rule.valid.contains(at)) || !rule.when.matches(subject.subject())) continue;
    plan.rule = &rule;
    break;
  }
  plan.queue = plan.rule != nullptr ? plan.rule->queue : routing.default_queue;
  plan.reasons.reserve(4);  // rule, priority or skills, agent: one allocation for the list
  const std::string& queue = routing.queues[plan.queue].quoted;
  plan.reasons.push_back(plan.rule != nullptr ? concat({"rule ", plan.rule->quoted, " matched: queue ", queue})
                                              : concat({"no rule matched: default queue ", queue}));
  if (plan.rule != nullptr) {
    plan.bot = plan.rule->bot;
    if (plan.rule->priority && *plan.rule->priority > priority) {
      plan.priority = *plan.rule->priority;
      plan.reasons.push_back(concat({"priority raised from ", to_string(priority), " to ", to_string(plan.priority),
                                     " by the rule"}));
    }
    add_needs(plan.skills, plan.rule->skills);
  }
  // A bot answers whoever asks; people need the tier's skills, whichever queue they serve.
  if (const auto* tier = routing.tier(ticket.customer.tier); tier != nullptr && !plan.bot) add_needs(plan.skills, *tier);
  return plan;
}

std::span<const SkillNeed> Plan::preferred() const {
  return rule != nullptr ? std::span<const SkillNeed>(rule->preferred_skills) : std::span<const SkillNeed>();
}

std::optional<Instant> due_time(const SlaRules& sla, const Ticket& ticket, Instant at) {
  // The earliest due time of any running SLA clock (in practice first_response): what the
  // ticket will breach first.
  std::optional<Instant> due;
  for (const SlaMetric& metric : evaluate_sla(sla, TicketRef(ticket), at).metrics)
    if (metric.due_at && (!due || *metric.due_at < *due)) due = metric.due_at;
  return due;
}

}  // namespace aftersales::detail
