// Routing from Python: Router objects made by Router(policy), taking agent and ticket dicts
// (read by the C++ readers, so their problems carry the same paths as in JSON) and returning
// decision objects. The router is internally synchronised: every call releases the
// GIL while the router works.

#include "bindings.hpp"
#include "convert.hpp"
#include "json_text.hpp"
#include "pickling.hpp"
#include "ticket_dict.hpp"

#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>

#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::python {

namespace py = pybind11;

namespace {

// A router with the policy it was made from, which it pickles with its snapshot.
using PythonRouter = WithPolicy<Router>;

void upsert_agent(PythonRouter& router, py::handle agent) {
  const std::string json = dict_json(agent, "agent", "agent");
  const py::gil_scoped_release release;
  router.upsert_agent(Agent::from_json(json));
}

RoutingDecision route(PythonRouter& router, py::handle ticket, Instant at) {
  const Ticket read = TicketDictReader().read(ticket);
  const py::gil_scoped_release release;
  return router.route(read, at);
}

void set_status(PythonRouter& router, const std::string& agent_id, const std::string& status) {
  const AgentStatus parsed = agent_status(status);
  const py::gil_scoped_release release;
  router.set_status(agent_id, parsed);
}

// A view of the caller's str, which the call keeps alive: a snapshot of a million waiting
// tickets is not copied.
std::shared_ptr<PythonRouter> restore(const std::shared_ptr<Policy>& policy, std::string_view snapshot) {
  const py::gil_scoped_release release;
  return std::make_shared<PythonRouter>(Router::restore(policy, snapshot), policy);
}

std::string snapshot(const PythonRouter& router) {
  const py::gil_scoped_release release;
  return router.snapshot();
}

std::string decision_repr(const RoutingDecision& d) {
  return "<aftersales.RoutingDecision ticket=" + py::repr(py::str(d.ticket)).cast<std::string>() +
         " queue=" + py::repr(py::str(d.queue)).cast<std::string>() +
         " agent=" + (d.agent ? py::repr(py::str(*d.agent)).cast<std::string>() : std::string("None")) +
         (d.waiting ? " waiting" : "") + (d.bot ? " bot" : "") + (d.offer_expires_at ? " offered" : "") + ">";
}

void bind_decision(py::module_& m) {
  py::class_<RoutingDecision> decision(m, "RoutingDecision", "Where one ticket went and why (spec §5).");
  pickle_as_members<RoutingDecision>(m, decision, "RoutingDecision");
  decision.def_readonly("ticket", &RoutingDecision::ticket)
      .def_readonly("queue", &RoutingDecision::queue,
                    "The queue whose agent took the ticket (an overflow queue after overflow), or where it waits.")
      .def_readonly("rule", &RoutingDecision::rule, "The rule that matched; None when the default queue applied.")
      .def_readonly("agent", &RoutingDecision::agent, "The agent assigned; None while waiting or for a bot.")
      .def_readonly("bot", &RoutingDecision::bot, "A bot-first rule: the bot answers, no agent is counted.")
      .def_property_readonly(
          "priority", [](const RoutingDecision& d) { return to_string(d.priority); },
          "The ticket's priority, raised by the rule if it says so.")
      .def_readonly("waiting", &RoutingDecision::waiting, "No agent was eligible: the ticket waits in `queue`.")
      .def_readonly("reasons", &RoutingDecision::reasons, "The decision explained, for a support lead.")
      .def_readonly("offer_expires_at", &RoutingDecision::offer_expires_at,
                    "With the routing section's 'offers': the ticket is offered to `agent`, who accepts or "
                    "declines it before this aware datetime; None for a direct assignment.")
      .def("to_json", &RoutingDecision::to_json, "The decision as JSON text, as the C++ and C APIs give it.")
      .def("to_dict", &to_dict<RoutingDecision>, "json.loads(self.to_json()).")
      .def("__repr__", &decision_repr);
}

// channel → count as a dict, in the listing's order (by channel).
py::dict count_dict(const std::vector<std::pair<std::string, int>>& counts) {
  py::dict dict;
  for (const auto& [channel, count] : counts) dict[py::str(channel)] = count;
  return dict;
}

void bind_listings(py::module_& m) {
  py::class_<AgentLoad> agent(m, "AgentLoad", "An agent as the router holds it, with its load (Router.agents()).");
  pickle_as_members<AgentLoad>(m, agent, "AgentLoad");
  agent.def_readonly("id", &AgentLoad::id)
      .def_property_readonly(
          "status", [](const AgentLoad& a) { return to_string(a.status); }, "'online', 'away' or 'offline'.")
      .def_readonly("queues", &AgentLoad::queues)
      .def_property_readonly(
          "capacity", [](const AgentLoad& a) { return count_dict(a.capacity); },
          "channel → tickets at once, as the agent was given ('*' for any other channel).")
      .def_property_readonly(
          "load", [](const AgentLoad& a) { return count_dict(a.load); },
          "channel → tickets held; channels with none left out.")
      .def_readonly("total", &AgentLoad::total, "Tickets held on every channel.")
      .def_readonly("tickets", &AgentLoad::tickets, "The ids of the tickets held, sorted.")
      .def_readonly("units", &AgentLoad::units, "The agent's capacity in units; None: no unit limit.")
      .def_readonly("units_used", &AgentLoad::units_used,
                    "The units its tickets cost (the routing section's 'units'), counted with or without a limit.")
      .def_readonly("offered", &AgentLoad::offered,
                    "With the routing section's 'offers': the ids of the tickets offered to the agent and not "
                    "yet accepted, sorted (among `tickets`); None for a policy without offers.")
      .def("to_json", &AgentLoad::to_json, "The listing as JSON text, as the C++ and C APIs give it.")
      .def("to_dict", &to_dict<AgentLoad>, "json.loads(self.to_json()).")
      .def("__repr__", [](const AgentLoad& a) {
        return "<aftersales.AgentLoad id=" + py::repr(py::str(a.id)).cast<std::string>() + " " +
               std::string(to_string(a.status)) + " total=" + std::to_string(a.total) + ">";
      });

  py::class_<WaitingTicket> waiting(m, "WaitingTicket", "A ticket waiting for an agent (Router.waiting()).");
  pickle_as_members<WaitingTicket>(m, waiting, "WaitingTicket");
  waiting.def_readonly("ticket", &WaitingTicket::ticket)
      .def_readonly("queue", &WaitingTicket::queue, "The queue it was routed to.")
      .def_property_readonly(
          "priority", [](const WaitingTicket& w) { return to_string(w.priority); },
          "Its priority as routed (raised by the rule if it says so).")
      .def_readonly("channel", &WaitingTicket::channel)
      .def_readonly("waiting_since", &WaitingTicket::waiting_since, "When it started waiting.")
      .def_readonly("due_at", &WaitingTicket::due_at,
                    "Its SLA due time when it started waiting; None when no SLA clock was running.")
      .def("to_json", &WaitingTicket::to_json, "The listing as JSON text, as the C++ and C APIs give it.")
      .def("to_dict", &to_dict<WaitingTicket>, "json.loads(self.to_json()).")
      .def("__repr__", [](const WaitingTicket& w) {
        return "<aftersales.WaitingTicket ticket=" + py::repr(py::str(w.ticket)).cast<std::string>() +
               " queue=" + py::repr(py::str(w.queue)).cast<std::string>() + " " + std::string(to_string(w.priority)) + ">";
      });

  py::class_<RouterCounts> counts(m, "RouterCounts", "A router's agents by status and its tickets (Router.counts()).");
  pickle_as_members<RouterCounts>(m, counts, "RouterCounts");
  counts.def_readonly("agents", &RouterCounts::agents, "online + away + offline")
      .def_readonly("online", &RouterCounts::online)
      .def_readonly("away", &RouterCounts::away)
      .def_readonly("offline", &RouterCounts::offline)
      .def_readonly("waiting", &RouterCounts::waiting, "Tickets waiting in some queue.")
      .def_readonly("assigned", &RouterCounts::assigned, "Tickets held by some agent, offers included.")
      .def_readonly("offered", &RouterCounts::offered, "Of `assigned`, the tickets on offer, not yet accepted.")
      .def("to_json", &RouterCounts::to_json, "The counts as JSON text, as the C++ API gives it.")
      .def("to_dict", &to_dict<RouterCounts>, "json.loads(self.to_json()).")
      .def("__repr__", [](const RouterCounts& c) {
        return "<aftersales.RouterCounts agents=" + std::to_string(c.agents) + " waiting=" + std::to_string(c.waiting) +
               " assigned=" + std::to_string(c.assigned) + ">";
      });
}

// Why a waiting ticket waits (Router.explain): read-only objects, not pickled (they describe one
// instant of a router, to be read, not kept).
void bind_explanation(py::module_& m) {
  py::class_<WaitReasonCount>(m, "WaitReasonCount", "How many agents fail first on one criterion (WaitExplanation.summary).")
      .def_property_readonly(
          "reason", [](const WaitReasonCount& c) { return to_string(c.reason); },
          "'not_in_queue', 'not_online', 'at_capacity', 'units', 'language', 'skill', 'eligible' or 'declined' "
          "(with offers).")
      .def_readonly("agents", &WaitReasonCount::agents)
      .def_readonly("text", &WaitReasonCount::text, "For people, e.g. '2 at capacity on \"chat\"'.")
      .def("__repr__", [](const WaitReasonCount& c) { return "<aftersales.WaitReasonCount " + c.text + ">"; });
  py::class_<AgentWaitReason>(m, "AgentWaitReason", "One agent's first failed criterion (WaitExplanation.listed).")
      .def_readonly("agent", &AgentWaitReason::agent)
      .def_property_readonly(
          "reason", [](const AgentWaitReason& a) { return to_string(a.reason); }, "As WaitReasonCount.reason.")
      .def_readonly("text", &AgentWaitReason::text, "For people, e.g. 'at capacity on \"chat\" (3 of 3)'.")
      .def_readonly("barred_until", &AgentWaitReason::barred_until,
                    "'declined': when the agent may be offered the ticket again; else None.")
      .def("__repr__", [](const AgentWaitReason& a) { return "<aftersales.AgentWaitReason " + a.agent + ": " + a.text + ">"; });
  py::class_<WaitExplanation>(m, "WaitExplanation", "Why a waiting ticket waits (Router.explain()).")
      .def_readonly("ticket", &WaitExplanation::ticket)
      .def_readonly("queue", &WaitExplanation::queue, "The queue it waits in.")
      .def_readonly("queues", &WaitExplanation::queues, "Whose agents may take it: queue, then the overflow queues reached.")
      .def_property_readonly(
          "priority", [](const WaitExplanation& e) { return to_string(e.priority); }, "As routed.")
      .def_readonly("channel", &WaitExplanation::channel)
      .def_readonly("language", &WaitExplanation::language, "The language an agent must speak; None when none is.")
      .def_property_readonly(
          "skills", [](const WaitExplanation& e) { return count_dict(e.skills); },
          "skill → minimum level, the preferred skills included until dropped.")
      .def_readonly("waiting_since", &WaitExplanation::waiting_since)
      .def_readonly("agents", &WaitExplanation::agents, "The router's agents; the summary's counts add up to it.")
      .def_readonly("summary", &WaitExplanation::summary, "One WaitReasonCount per reason, in the picker's order.")
      .def_readonly("offset", &WaitExplanation::offset, "The place of listed[0] among the agents in id order.")
      .def_readonly("listed", &WaitExplanation::listed, "The page of agents asked for (AgentWaitReason), by id.")
      .def("to_json", &WaitExplanation::to_json, "The explanation as JSON text, as the C++ and C APIs give it.")
      .def("to_dict", &to_dict<WaitExplanation>, "json.loads(self.to_json()).")
      .def("__repr__", [](const WaitExplanation& e) {
        return "<aftersales.WaitExplanation ticket=" + py::repr(py::str(e.ticket)).cast<std::string>() +
               " agents=" + std::to_string(e.agents) + ">";
      });
}

WaitExplanation explain(const PythonRouter& router, const std::string& ticket_id, std::optional<Instant> at, std::size_t offset,
                        std::size_t limit) {
  ExplainOptions options;
  options.at = at;
  options.offset = offset;
  options.limit = limit;
  const py::gil_scoped_release release;
  return router.explain(ticket_id, options);
}

void bind_router(py::module_& m) {
  m.def("_unpickle_Router", &restore, py::arg("policy").none(false), py::arg("snapshot"));
  py::class_<PythonRouter, std::shared_ptr<PythonRouter>> router_class(
      m, "Router",
      "Agents, their load and the waiting tickets of a policy's routing section. Safe to share "
      "between threads: every call is atomic and releases the GIL. Make one with Router(policy). "
      "Pickles as its policy and its snapshot.");
  pickle_as_policy_and(router_class, "_unpickle_Router", &snapshot);
  router_class
      .def(py::init<const std::shared_ptr<Policy>&>(), py::arg("policy").none(false),
           "An empty router for the policy's routing section.")
      .def("upsert_agent", &upsert_agent, py::arg("agent"),
           "Adds or replaces an agent (a dict of the agent JSON shape). Raises InputError naming "
           "the path of each problem, e.g. an unknown queue or a negative capacity.")
      .def("remove_agent", &Router::remove_agent, py::arg("agent_id"), py::call_guard<py::gil_scoped_release>(),
           "Removes an agent; returns the ids of the tickets it held (sorted), to route again.")
      .def("set_status", &set_status, py::arg("agent_id"), py::arg("status"),
           "Sets an agent's status: 'online', 'away' or 'offline'.")
      .def("route", &route, py::arg("ticket"), py::arg("at"),
           "Routes a ticket dict as of the aware datetime `at` and returns the RoutingDecision. "
           "Raises InputError if the ticket is already assigned or waiting.")
      .def("release", &Router::release, py::arg("agent_id"), py::arg("ticket_id"),
           py::call_guard<py::gil_scoped_release>(),
           "The agent is done with the ticket. Raises NotFoundError if it does not hold it.")
      .def("withdraw", &Router::withdraw, py::arg("ticket_id"), py::call_guard<py::gil_scoped_release>(),
           "Takes a waiting or offered ticket out of the router; False if it was neither.")
      .def("accept", &Router::accept, py::arg("agent_id"), py::arg("ticket_id"), py::arg("at"),
           py::call_guard<py::gil_scoped_release>(),
           "The agent accepts the ticket offered to it (routing 'offers'). Raises NotFoundError if it "
           "holds no offer of it (saying where the ticket is), InputError if `at` is before the offer "
           "was made or at or after its expiry.")
      .def("decline", &Router::decline, py::arg("agent_id"), py::arg("ticket_id"), py::arg("at"),
           py::call_guard<py::gil_scoped_release>(),
           "The agent declines the ticket offered to it: the ticket waits again under its original "
           "arrival, and is not offered to this agent before `at` plus the policy's no_reoffer. "
           "Raises NotFoundError as accept, InputError if `at` is before the offer was made.")
      .def("dispatch", &Router::dispatch, py::arg("at"), py::call_guard<py::gil_scoped_release>(),
           "Assigns waiting tickets to agents freed since the last dispatch and those reached by "
           "overflow or skill relaxation by `at`; returns the decisions, most urgent first. With "
           "offers, first lets the offers expired by `at` lapse.")
      .def_property_readonly(  // a lambda: see Calendar's name in calendar.cpp
          "waiting_count", [](const PythonRouter& router) { return router.waiting_count(); }, "How many tickets wait.")
      .def("agents", &Router::agents, py::call_guard<py::gil_scoped_release>(),
           "Every agent with its load and the tickets it holds (AgentLoad), sorted by id: one "
           "consistent state.")
      .def("waiting", &Router::waiting, py::call_guard<py::gil_scoped_release>(),
           "Every waiting ticket (WaitingTicket) in the order dispatch serves them: priority, then "
           "SLA due time (none last), then arrival.")
      .def("counts", &Router::counts, py::call_guard<py::gil_scoped_release>(),
           "How many agents are online, away and offline, and how many tickets wait or are "
           "assigned (RouterCounts).")
      .def("explain", &explain, py::arg("ticket_id"), py::arg("at") = py::none(), py::arg("offset") = 0,
           py::arg("limit") = 0,
           "Why the waiting ticket waits (WaitExplanation): every agent's first failed criterion, "
           "counted per reason, and `limit` agents (at most 1000) from `offset` in id order listed. "
           "With the aware datetime `at`, overflow and relaxation are judged as dispatch(at) would. "
           "Raises NotFoundError if the ticket is not waiting (naming its agent if it is assigned).")
      .def("snapshot", &snapshot,
           "The whole state as JSON Lines text (router snapshot version 3, or 4 with offers), for "
           "Router.restore after a restart.")
      .def_static("restore", &restore, py::arg("policy").none(false), py::arg("snapshot"),
                  "A router for `policy` in the state of `snapshot` (versions 1 to 4). Raises InputError naming each problem with its line and path if the "
                  "snapshot is malformed or holds what no router reaches, or if it names queues or "
                  "skills the policy no longer has.");
}

}  // namespace

void bind_routing(py::module_& m) {
  bind_decision(m);
  bind_listings(m);
  bind_explanation(m);
  bind_router(m);
}

}  // namespace aftersales::python
