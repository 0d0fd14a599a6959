// Routing (spec §5) through the public API. Expected assignments are worked out by hand from
// the rules in docs/routing.md; comments show the comparison that decides each one.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/ticket.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "policy/policy_data.hpp"
#include "routing/router_state.hpp"
#include "routing_stress.hpp"
#include "test_support.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;
using test::at;

// The routers of these tests check their invariants after every call, the refused ones
// included: a broken index shows at the call that broke it.
class Router : public aftersales::Router {
  // Before its callers: they return what it deduces.
  template <class Call>
  decltype(auto) checked(Call call) {
    try {
      if constexpr (std::is_void_v<decltype(call())>) {
        call();
        check_invariants();
      } else {
        auto result = call();
        check_invariants();
        return result;
      }
    } catch (const aftersales::Error&) {
      check_invariants();
      throw;
    }
  }
 public:
  explicit Router(std::shared_ptr<const Policy> policy) : aftersales::Router(std::move(policy)) { check_invariants(); }
  explicit Router(aftersales::Router&& restored) : aftersales::Router(std::move(restored)) { check_invariants(); }
  static Router restore(std::shared_ptr<const Policy> policy, std::string_view snapshot) {
    return Router(aftersales::Router::restore(std::move(policy), snapshot));
  }
  void upsert_agent(const Agent& agent) {
    checked([&] { aftersales::Router::upsert_agent(agent); });
  }
  std::vector<std::string> remove_agent(std::string_view id) {
    return checked([&] { return aftersales::Router::remove_agent(id); });
  }
  void set_status(std::string_view id, AgentStatus status) {
    checked([&] { aftersales::Router::set_status(id, status); });
  }
  RoutingDecision route(const Ticket& ticket, Instant when) {
    return checked([&] { return aftersales::Router::route(ticket, when); });
  }
  void release(std::string_view agent_id, std::string_view ticket_id) {
    checked([&] { aftersales::Router::release(agent_id, ticket_id); });
  }
  bool withdraw(std::string_view ticket_id) {
    return checked([&] { return aftersales::Router::withdraw(ticket_id); });
  }
  std::vector<RoutingDecision> dispatch(Instant when) {
    return checked([&] { return aftersales::Router::dispatch(when); });
  }
};

const Instant t0 = at("2026-03-02T10:00:00Z");

// SLA first-response targets give waiting tickets their due times: urgent 1m, high 5m,
// normal 10m, low 30m; VIP normal 2m.
constexpr std::string_view sla_section = R"({"policies": [
  {"id": "vip", "when": {"field": "customer.tier", "eq": "vip"}, "targets": {"normal": {"first_response": "2m"}}},
  {"id": "all", "targets": {"urgent": {"first_response": "1m"}, "high": {"first_response": "5m"},
                            "normal": {"first_response": "10m"}, "low": {"first_response": "30m"}}}]})";

std::string routing_section(std::string_view assignment) {
  std::string text = R"({
    "queues": [{"id": "returns", "overflow": {"after": "3m", "to": "general"}},
               {"id": "complaints"}, {"id": "general"}, {"id": "bot"}],
    "rules": [
      {"id": "faq-bot", "when": {"field": "category", "prefix": "pre_sales/faq"}, "queue": "bot", "bot": true},
      {"id": "complaints", "when": {"field": "category", "prefix": "complaint"}, "queue": "complaints", "priority": "high"},
      {"id": "returns", "when": {"field": "category", "prefix": "after_sales/"}, "queue": "returns", "skills": {"returns": 2}},
      {"id": "tech", "when": {"field": "category", "prefix": "tech/"}, "queue": "general",
       "preferred_skills": {"senior": 1}, "relax_after": "2m"}
    ],
    "default_queue": "general",
    "assignment": )";
  text += assignment;
  return text + "}";
}

std::shared_ptr<const Policy> load(std::string_view assignment = R"({"strategy": "least_loaded"})") {
  std::string doc = R"({"schema_version": 1, "sla": )";
  doc += sla_section;
  doc += R"(, "routing": )" + routing_section(assignment) + "}";
  return Policy::from_json(doc);
}

Agent agent(std::string id, std::vector<std::string> queues, std::vector<std::pair<std::string, int>> capacity = {{"*", 10}},
            std::vector<std::pair<std::string, int>> skills = {}, std::vector<std::string> languages = {}) {
  Agent a;
  a.id = std::move(id);
  a.queues = std::move(queues);
  a.capacity = std::move(capacity);
  a.skills = std::move(skills);
  a.languages = std::move(languages);
  return a;
}

Ticket ticket(std::string id, std::string category = "general/question", std::string channel = "chat") {
  Ticket t;
  t.id = std::move(id);
  t.created_at = t0;
  t.category = std::move(category);
  t.channel = std::move(channel);
  return t;
}

std::string agent_of(const RoutingDecision& d) { return d.agent.value_or("(none)"); }

std::vector<std::string> agents_of(const std::vector<RoutingDecision>& decisions) {
  std::vector<std::string> result;
  for (const auto& d : decisions) result.push_back(d.ticket + "->" + agent_of(d));
  return result;
}

bool mentions(const RoutingDecision& d, std::string_view text) {
  return std::any_of(d.reasons.begin(), d.reasons.end(), [&](const std::string& r) { return r.find(text) != r.npos; });
}

// --- rules ---------------------------------------------------------------------------------

TEST(Routing, BotRuleAnswersUntilHandoff) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}));
  Ticket faq = ticket("T-1", "pre_sales/faq/shipping");
  const auto bot = router.route(faq, t0);
  EXPECT_EQ(bot.to_json(),
            R"({"ticket":"T-1","queue":"bot","rule":"faq-bot","agent":null,"bot":true,"priority":"normal","waiting":false,)"
            R"("reasons":["rule \"faq-bot\" matched: queue \"bot\"","bot-first rule: the bot answers; route the ticket again after a handoff"]})");
  // The bot counted nothing: after a handoff the same ticket routes to a person, past the bot rule.
  faq.events.push_back(Event::of(EventType::handoff, t0 + 1min));
  const auto person = router.route(faq, t0 + 1min);
  EXPECT_EQ(person.queue, "general");
  EXPECT_FALSE(person.rule.has_value());
  EXPECT_EQ(agent_of(person), "A-1");
  EXPECT_FALSE(person.bot);
}

TEST(Routing, RuleRaisesPriorityButNeverLowersIt) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"complaints"}));
  const auto raised = router.route(ticket("T-1", "complaint/delivery"), t0);
  EXPECT_EQ(raised.queue, "complaints");
  EXPECT_EQ(raised.priority, Priority::high);  // normal → high by the rule
  EXPECT_TRUE(mentions(raised, "priority raised from normal to high by the rule"));
  Ticket urgent = ticket("T-2", "complaint/delivery");
  urgent.priority = Priority::urgent;
  EXPECT_EQ(router.route(urgent, t0).priority, Priority::urgent);  // max(urgent, high)
}

// --- strategies ----------------------------------------------------------------------------

TEST(Routing, LeastLoadedComparesLoadOverCapacityTiesById) {
  Router router(load());
  router.upsert_agent(agent("A-2", {"general"}, {{"chat", 4}}));
  router.upsert_agent(agent("A-1", {"general"}, {{"chat", 2}}));
  std::vector<std::string> got;
  for (int i = 1; i <= 7; ++i) got.push_back(agent_of(router.route(ticket("T-" + std::to_string(i)), t0)));
  // T-1: 0/2 = 0/4, tie → A-1.   T-2: 1/2 > 0/4 → A-2.   T-3: 1/2 > 1/4 → A-2.
  // T-4: 1/2 = 2/4, tie → A-1.   T-5: A-1 full (2/2) → A-2 (2/4).   T-6: A-2 (3/4).
  // T-7: both full → waits.
  EXPECT_EQ(got, (std::vector<std::string>{"A-1", "A-2", "A-2", "A-1", "A-2", "A-2", "(none)"}));
  EXPECT_EQ(router.waiting_count(), 1u);
}

TEST(Routing, RoundRobinPerQueueSkipsIneligible) {
  Router router(load(R"({"strategy": "round_robin"})"));
  for (const char* id : {"A-3", "A-1", "A-2"}) router.upsert_agent(agent(id, {"general", "complaints"}));
  std::vector<std::string> got;
  for (int i = 1; i <= 4; ++i) got.push_back(agent_of(router.route(ticket("G-" + std::to_string(i)), t0)));
  EXPECT_EQ(got, (std::vector<std::string>{"A-1", "A-2", "A-3", "A-1"}));
  // The complaints queue has its own cursor: it starts again from A-1.
  EXPECT_EQ(agent_of(router.route(ticket("C-1", "complaint/x"), t0)), "A-1");
  // general's cursor is at A-1; A-2 is away, so the next is A-3.
  router.set_status("A-2", AgentStatus::away);
  EXPECT_EQ(agent_of(router.route(ticket("G-5"), t0)), "A-3");
  EXPECT_EQ(agent_of(router.route(ticket("G-6"), t0)), "A-1");
}

TEST(Routing, MostIdleTakesTheLongestWithoutAssignment) {
  Router router(load(R"({"strategy": "most_idle"})"));
  for (const char* id : {"A-2", "A-3", "A-1"}) router.upsert_agent(agent(id, {"general"}));
  std::vector<std::string> got;
  // All never assigned → A-1 (id); then A-2, A-3 (never assigned sort first); then A-1
  // (last assigned at t0, before A-2 at t0+1m and A-3 at t0+2m).
  for (int i = 0; i < 4; ++i)
    got.push_back(agent_of(router.route(ticket("T-" + std::to_string(i)), t0 + std::chrono::minutes(i))));
  EXPECT_EQ(got, (std::vector<std::string>{"A-1", "A-2", "A-3", "A-1"}));
}

// --- eligibility ---------------------------------------------------------------------------

TEST(Routing, RequiredSkillsAndTierSkills) {
  Router router(load(R"({"strategy": "least_loaded", "tier_skills": {"vip": {"senior": 1}}})"));
  router.upsert_agent(agent("A-1", {"returns"}, {{"*", 5}}, {{"returns", 1}}));
  router.upsert_agent(agent("A-2", {"returns"}, {{"*", 5}}, {{"returns", 2}}));
  // Only A-2 has returns ≥ 2, though A-1 would win the tie.
  const auto d = router.route(ticket("T-1", "after_sales/return"), t0);
  EXPECT_EQ(agent_of(d), "A-2");
  EXPECT_TRUE(mentions(d, "requires skills returns >= 2"));
  // A VIP also needs senior ≥ 1: nobody has it.
  Ticket vip = ticket("T-2", "after_sales/return");
  vip.customer.tier = "vip";
  const auto waits = router.route(vip, t0);
  EXPECT_TRUE(waits.waiting);
  EXPECT_EQ(waits.reasons.back(),
            "no eligible agent in queue \"returns\" (0 not online, 0 at capacity, 2 without the skills): waiting");
  router.upsert_agent(agent("A-3", {"returns"}, {{"*", 5}}, {{"returns", 3}, {"senior", 1}}));
  const auto later = router.dispatch(t0 + 30s);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(agent_of(later[0]), "A-3");
  EXPECT_TRUE(mentions(later[0], "waited 30s in queue \"returns\""));
  // The tier's skills apply in the default queue too: general has only A-4, without senior.
  router.upsert_agent(agent("A-4", {"general"}));
  Ticket vip_question = ticket("T-3");
  vip_question.customer.tier = "vip";
  EXPECT_TRUE(router.route(vip_question, t0).waiting);
  EXPECT_EQ(agent_of(router.route(ticket("T-4"), t0)), "A-4");
}

TEST(Routing, LanguageMatchOnlyWhenTheTicketHasOne) {
  Router router(load(R"({"strategy": "least_loaded", "language_match": true})"));
  router.upsert_agent(agent("A-1", {"general"}, {{"*", 5}}, {}, {"zh"}));
  router.upsert_agent(agent("A-2", {"general"}, {{"*", 5}}, {}, {"en", "zh"}));
  Ticket english = ticket("T-1");
  english.customer.language = "en";
  EXPECT_EQ(agent_of(router.route(english, t0)), "A-2");
  EXPECT_EQ(agent_of(router.route(ticket("T-2"), t0)), "A-1");  // no language to match: A-1 0/5 < A-2 1/5
  Ticket french = ticket("T-3");
  french.customer.language = "fr";
  const auto waits = router.route(french, t0);
  EXPECT_TRUE(waits.waiting);
  EXPECT_TRUE(mentions(waits, "2 not speaking \"fr\""));
}

TEST(Routing, CapacityPerChannelWithDefault) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}, {{"chat", 1}, {"*", 2}}));
  EXPECT_EQ(agent_of(router.route(ticket("T-1", "x", "chat"), t0)), "A-1");   // chat 0 < 1
  EXPECT_TRUE(router.route(ticket("T-2", "x", "chat"), t0).waiting);          // chat 1 = 1
  EXPECT_EQ(agent_of(router.route(ticket("T-3", "x", "email"), t0)), "A-1");  // email 0 < 2 ("*")
  EXPECT_EQ(agent_of(router.route(ticket("T-4", "x", "email"), t0)), "A-1");  // email 1 < 2
  EXPECT_TRUE(router.route(ticket("T-5", "x", "email"), t0).waiting);         // email 2 = 2
  EXPECT_EQ(agent_of(router.route(ticket("T-6", "x", "phone"), t0)), "A-1");  // phone 0 < 2
}

TEST(Routing, UpsertChangesAnAgentInPlace) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}, {{"chat", 2}}));
  router.upsert_agent(agent("A-2", {"general"}, {{"chat", 4}}));
  EXPECT_EQ(agent_of(router.route(ticket("T-1"), t0)), "A-1");  // 0/2 = 0/4: tie → A-1
  // A-1 keeps T-1 but now has one chat place (1/1: full) and three e-mail places.
  router.upsert_agent(agent("A-1", {"general"}, {{"chat", 1}, {"email", 3}}));
  EXPECT_EQ(agent_of(router.route(ticket("T-2"), t0)), "A-2");             // A-1 full on chat
  EXPECT_EQ(agent_of(router.route(ticket("T-3", "x", "email"), t0)), "A-1");  // A-2 has no e-mail places
  // A-2 leaves the queue: the next chat waits, and comes to A-2 when it is back.
  router.upsert_agent(agent("A-2", {"complaints"}, {{"chat", 4}}));
  EXPECT_TRUE(router.route(ticket("T-4"), t0).waiting);
  router.upsert_agent(agent("A-2", {"general"}, {{"chat", 4}}));
  EXPECT_EQ(agents_of(router.dispatch(t0 + 1s)), (std::vector<std::string>{"T-4->A-2"}));
  // A-2 holds T-2 and T-4 (2/4), A-1 holds T-1 (1/1): the next chat goes to A-2.
  EXPECT_EQ(agent_of(router.route(ticket("T-5"), t0)), "A-2");
}

TEST(Routing, NeverAssignsAwayOrOfflineAgents) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}));
  router.set_status("A-1", AgentStatus::away);
  Agent off = agent("A-2", {"general"});
  off.status = AgentStatus::offline;
  router.upsert_agent(off);
  const auto d = router.route(ticket("T-1"), t0);
  EXPECT_TRUE(d.waiting);
  EXPECT_EQ(d.reasons.back(), "no eligible agent in queue \"general\" (2 not online, 0 at capacity, 0 without the skills): waiting");
  router.set_status("A-2", AgentStatus::online);
  EXPECT_EQ(agents_of(router.dispatch(t0 + 1s)), (std::vector<std::string>{"T-1->A-2"}));
}

// --- waiting and dispatch -------------------------------------------------------------------

TEST(Routing, DispatchServesPriorityThenSlaDueThenArrival) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}, {{"chat", 1}}));
  EXPECT_EQ(agent_of(router.route(ticket("T-1"), t0)), "A-1");
  Ticket low = ticket("T-2");
  low.priority = Priority::low;
  Ticket urgent = ticket("T-3");
  urgent.priority = Priority::urgent;
  Ticket normal = ticket("T-4");
  Ticket vip = ticket("T-5");  // normal too, but the VIP SLA makes it due first
  vip.customer.tier = "vip";
  for (const Ticket* t : {&low, &urgent, &normal, &vip}) EXPECT_TRUE(router.route(*t, t0 + 1min).waiting);
  EXPECT_TRUE(router.dispatch(t0 + 2min).empty());  // nobody freed: nothing to do
  // Order: T-3 (urgent); then the normals by due time: T-5 due 10:01+2m = 10:03 before
  // T-4 due 10:01+10m = 10:11; then T-2 (low).
  std::vector<std::string> order;
  std::string held = "T-1";
  for (int i = 0; i < 4; ++i) {
    router.release("A-1", held);
    const auto decisions = router.dispatch(t0 + 3min);
    ASSERT_EQ(decisions.size(), 1u);
    held = decisions[0].ticket;
    order.push_back(held);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"T-3", "T-5", "T-4", "T-2"}));
  EXPECT_EQ(router.waiting_count(), 0u);
}

TEST(Routing, OverflowAfterWaiting) {
  Router router(load());
  router.upsert_agent(agent("A-9", {"general"}, {{"*", 5}}, {{"returns", 2}}));
  const auto d = router.route(ticket("T-1", "after_sales/return"), t0);
  EXPECT_TRUE(d.waiting);
  EXPECT_EQ(d.queue, "returns");
  EXPECT_TRUE(router.dispatch(t0 + 2min + 59s).empty());  // 2m59s < 3m
  const auto later = router.dispatch(t0 + 3min);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(agent_of(later[0]), "A-9");
  EXPECT_EQ(later[0].queue, "general");
  EXPECT_EQ(later[0].rule, "returns");
  EXPECT_TRUE(mentions(later[0], "overflowed to queue \"general\" after waiting 3m"));
}

TEST(Routing, PreferredSkillsRelaxAfterWaiting) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}));
  const auto d = router.route(ticket("T-1", "tech/app"), t0);
  EXPECT_TRUE(d.waiting);
  EXPECT_TRUE(mentions(d, "requires skills senior >= 1"));
  EXPECT_TRUE(router.dispatch(t0 + 1min + 59s).empty());
  const auto later = router.dispatch(t0 + 2min);
  EXPECT_EQ(agents_of(later), (std::vector<std::string>{"T-1->A-1"}));
  EXPECT_TRUE(mentions(later[0], "preferred skills dropped after waiting 2m"));
}

Event assignment(std::string agent, Instant at) {
  Event e = Event::of(EventType::assigned, at);
  e.agent = std::move(agent);
  return e;
}

TEST(Routing, ReopenedTicketGoesBackToTheResolvingAgent) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}));
  router.upsert_agent(agent("A-2", {"general"}));
  Ticket t = ticket("T-1");
  const Event assigned = assignment("A-2", t0 + 1min);
  const Event reassigned = assignment("A-1", t0 + 3h);  // after the resolution: not the resolver
  t.events = {assigned, Event::of(EventType::resolved, t0 + 2h), Event::of(EventType::reopened, t0 + 2h + 30min), reassigned};
  // At 12:40 the last assigned before the resolution (12:00) is A-2's; least_loaded alone would pick A-1.
  const auto d = router.route(t, t0 + 2h + 40min);
  EXPECT_EQ(agent_of(d), "A-2");
  EXPECT_TRUE(mentions(d, "reopened: back to A-2, who resolved it"));
  router.release("A-2", "T-1");
  router.set_status("A-2", AgentStatus::offline);
  EXPECT_EQ(agent_of(router.route(t, t0 + 2h + 40min)), "A-1");  // the resolver is not eligible
}

// The history is read in its one order (spec §3): by time, ties in input order, whatever order
// the events were given in.
TEST(Routing, ResolverIsReadInTimeOrderTiesInInputOrder) {
  Router router(load());
  for (const char* id : {"A-1", "A-2"}) router.upsert_agent(agent(id, {"general"}));
  Ticket t = ticket("T-1");
  const Event first = assignment("A-2", t0 + 1min);
  const Event tied = assignment("A-1", t0 + 2h);  // at the resolution, given after it: not before it
  t.events = {Event::of(EventType::reopened, t0 + 2h + 30min), first, Event::of(EventType::resolved, t0 + 2h), tied};
  // In time order: A-2 assigned 10:01, resolved 12:00, A-1 assigned 12:00, reopened 12:30. The
  // last assignment before the resolution is A-2's; least_loaded alone would pick A-1 (tie by id).
  EXPECT_EQ(agent_of(router.route(t, t0 + 2h + 40min)), "A-2");
  // The same events with the tied assignment given first: now it precedes the resolution.
  t.events = {Event::of(EventType::reopened, t0 + 2h + 30min), first, tied, Event::of(EventType::resolved, t0 + 2h)};
  t.id = "T-2";
  EXPECT_TRUE(mentions(router.route(t, t0 + 2h + 40min), "reopened: back to A-1, who resolved it"));
}

TEST(Routing, StickyCustomerReturnsToTheLastAgent) {
  Router router(load(R"({"strategy": "least_loaded", "sticky": true})"));
  router.upsert_agent(agent("A-1", {"general"}));
  router.upsert_agent(agent("A-2", {"general"}));
  Ticket first = ticket("T-1");
  Ticket other = ticket("T-2");
  Ticket again = ticket("T-3");
  first.customer.id = again.customer.id = "C-1";
  EXPECT_EQ(agent_of(router.route(first, t0)), "A-1");  // tie → A-1
  EXPECT_EQ(agent_of(router.route(other, t0)), "A-2");  // 1/10 > 0/10
  router.route(ticket("T-4"), t0);                       // tie 1/10 → A-1, now 2/10
  const auto d = router.route(again, t0);                // A-2 is less loaded, but C-1 had A-1
  EXPECT_EQ(agent_of(d), "A-1");
  EXPECT_TRUE(mentions(d, "sticky: A-1 served this customer last"));
}

// --- strategies against a plain model --------------------------------------------------------

// A router and a model of it written from spec §5 alone, driven by the same random operations:
// agents joining (or changing, keeping their loads), leaving, going offline and back, tickets
// routed (or waiting), released, withdrawn and dispatched, waiting tickets overflowing. The
// model keeps no index: each decision scans every agent, by id, as the spec words the strategy,
// so the router's indexes must always pick what a plain scan would. Agents serve the queues
// general and returns (either, both or neither), speak some of three languages, may have the
// "returns" skill that rule "returns" requires (level 2), and have capacities on some of eleven
// channels (three beyond the eight the load index covers). Returns tickets overflow to general
// after 3 minutes (load()).
class ModelRun {
 public:
  ModelRun(std::string strategy, unsigned seed, unsigned agents)
      : strategy_(std::move(strategy)),
        router_(load(R"({"strategy": ")" + strategy_ + R"(", "language_match": true})")),
        random_(seed),
        agents_(agents) {
    for (unsigned n = 0; n < agents_; n += 2) upsert(id_of(n));  // the odd ids join later, in between
  }

  void run(int steps) {
    for (int step = 0; step < steps; ++step) {
      now_ += 1s;
      const auto op = static_cast<unsigned>(random_() % 20);
      if (op < 9) route(step);
      else if (op < 13) release();
      else if (op < 15) dispatch();
      else if (op == 15) toggle();
      else if (op == 16) withdraw();
      else if (op == 17) remove();
      else upsert(id_of(static_cast<unsigned>(random_() % agents_)));
      ASSERT_FALSE(testing::Test::HasFailure()) << strategy_ << ", step " << step;
    }
    dispatch();
  }

 private:
  struct ModelAgent {
    std::set<std::string> queues;
    std::set<std::string> languages;
    int returns = -1;                     // level of the "returns" skill; -1: lacks it
    std::map<std::string, int> capacity;  // "*" included
    std::map<std::string, int> load;
    bool online = true;
    std::optional<Instant> last;  // the last assignment
    [[nodiscard]] int cap(const std::string& channel) const {
      const auto it = capacity.find(channel);
      if (it != capacity.end()) return it->second;
      const auto star = capacity.find("*");
      return star == capacity.end() ? 0 : star->second;
    }
    [[nodiscard]] int used(const std::string& channel) const {
      const auto it = load.find(channel);
      return it == load.end() ? 0 : it->second;
    }
  };
  // What a ticket needs; `returns`: rule "returns" matched (queue returns, skill returns >= 2).
  struct Need {
    bool returns = false;
    std::string channel;
    std::string language;
  };
  struct ModelTicket {
    Need need;
    int rank = 0;  // 3 - priority
    Instant due;   // created (= routed) + the SLA target of its priority
    std::uint64_t seq = 0;
    Instant since;
    bool overflowed = false;  // returns → general
  };

  static std::string id_of(unsigned n) { return "A-" + std::to_string(1000 + n); }  // equal widths: text order is number order

  [[nodiscard]] bool eligible(const ModelAgent& m, const std::string& queue, const Need& need) const {
    return m.online && m.queues.contains(queue) && m.used(need.channel) < m.cap(need.channel) &&
           (need.language.empty() || m.languages.contains(need.language)) && (!need.returns || m.returns >= 2);
  }

  // The strategy's pick among the eligible agents of `queue`.
  [[nodiscard]] std::optional<std::string> pick(const std::string& queue, const Need& need) const {
    const std::string& cursor = cursors_.contains(queue) ? cursors_.at(queue) : std::string();
    const auto better = [&](const std::string& id, const std::string& than) {
      const ModelAgent& a = model_.at(id);
      const ModelAgent& b = model_.at(than);
      if (strategy_ == "least_loaded")  // a lower load/capacity ratio; ties by id
        return static_cast<long>(a.used(need.channel)) * b.cap(need.channel) <
               static_cast<long>(b.used(need.channel)) * a.cap(need.channel);
      if (strategy_ == "most_idle")  // never assigned first, then the earliest last assignment; ties by id
        return a.last != b.last && (!a.last || (b.last && *a.last < *b.last));
      // round_robin: the first after the queue's last pick in id order, wrapping around
      return id > cursor && !(than > cursor);
    };
    std::optional<std::string> best;
    for (const auto& [id, m] : model_)  // by id: the first of equals wins
      if (eligible(m, queue, need) && (!best || better(id, *best))) best = id;
    return best;
  }

  // The ticket's own queue first, then the queue it overflowed to: (agent, queue).
  [[nodiscard]] std::optional<std::pair<std::string, std::string>> choose(const Need& need, bool overflowed) const {
    const std::string own = need.returns ? "returns" : "general";
    if (const auto agent = pick(own, need)) return std::pair{*agent, own};
    if (overflowed)
      if (const auto agent = pick("general", need)) return std::pair{*agent, std::string("general")};
    return std::nullopt;
  }

  void assign(const std::string& ticket, const std::pair<std::string, std::string>& choice, const std::string& channel) {
    ModelAgent& m = model_.at(choice.first);
    ++m.load[channel];
    m.last = now_;
    cursors_[choice.second] = choice.first;
    holder_[ticket] = {choice.first, channel};
  }

  void upsert(const std::string& id) {
    ModelAgent& m = model_[id];
    m.queues.clear();
    if (random_() % 4 != 0) m.queues.insert("general");
    if (random_() % 2 != 0) m.queues.insert("returns");
    m.languages.clear();
    for (const char* language : {"zh", "en", "ja"})
      if (random_() % 2 != 0) m.languages.insert(language);
    m.returns = static_cast<int>(random_() % 5) - 1;
    m.capacity.clear();
    for (int k = 0; k < 3; ++k) m.capacity[channels_[random_() % channels_.size()]] = static_cast<int>(random_() % 4);
    if (random_() % 2 != 0) m.capacity["*"] = static_cast<int>(1 + random_() % 3);
    std::vector<std::pair<std::string, int>> skills;
    if (m.returns >= 0) skills.emplace_back("returns", m.returns);
    Agent a = agent(id, {m.queues.begin(), m.queues.end()}, {m.capacity.begin(), m.capacity.end()}, skills,
                    {m.languages.begin(), m.languages.end()});
    a.status = m.online ? AgentStatus::online : AgentStatus::offline;
    router_.upsert_agent(a);
  }

  void route(int step) {
    static constexpr std::array<std::chrono::minutes, 4> targets{30min, 10min, 5min, 1min};  // sla_section, low to urgent
    static const std::array<std::string, 4> languages{"", "zh", "en", "ja"};
    Need need{random_() % 2 != 0, channels_[random_() % channels_.size()], languages[random_() % languages.size()]};
    const std::string id = "T-" + std::to_string(step);
    Ticket t = ticket(id, need.returns ? "after_sales/return" : "general/q", need.channel);
    t.created_at = now_;
    t.customer.language = need.language;
    t.priority = static_cast<Priority>(random_() % 4);
    const auto want = choose(need, false);
    const auto d = router_.route(t, now_);
    ASSERT_EQ(d.agent, want ? std::optional(want->first) : std::nullopt) << "routing " << id;
    if (want) assign(id, *want, need.channel);
    else waiting_[id] = {need, 3 - static_cast<int>(t.priority), now_ + targets[static_cast<std::size_t>(t.priority)], seq_++, now_, false};
  }

  // The model's dispatch: returns tickets that have waited 3 minutes overflow to general; then
  // every waiting ticket in queue order (priority, due, arrival) goes to the strategy's pick,
  // if anyone can take it.
  void dispatch() {
    std::vector<std::pair<std::tuple<int, Instant, std::uint64_t>, std::string>> order;
    for (auto& [id, w] : waiting_) {
      w.overflowed = w.overflowed || (w.need.returns && now_ - w.since >= 3min);
      order.push_back({{w.rank, w.due, w.seq}, id});
    }
    std::sort(order.begin(), order.end());
    std::vector<std::string> want;
    for (const auto& [key, id] : order) {
      const ModelTicket& w = waiting_.at(id);
      if (const auto choice = choose(w.need, w.overflowed)) {
        want.push_back(id + "->" + choice->first);
        assign(id, *choice, w.need.channel);
        waiting_.erase(id);
      }
    }
    ASSERT_EQ(agents_of(router_.dispatch(now_)), want);
  }

  void release() {
    if (holder_.empty()) return;
    auto it = std::next(holder_.begin(), static_cast<long>(random_() % holder_.size()));
    router_.release(it->second.first, it->first);
    --model_.at(it->second.first).load[it->second.second];
    holder_.erase(it);
  }

  void toggle() {
    auto it = std::next(model_.begin(), static_cast<long>(random_() % model_.size()));
    it->second.online = !it->second.online;
    router_.set_status(it->first, it->second.online ? AgentStatus::online : (random_() % 2 ? AgentStatus::away : AgentStatus::offline));
  }

  void withdraw() {
    if (waiting_.empty()) return;
    auto it = std::next(waiting_.begin(), static_cast<long>(random_() % waiting_.size()));
    EXPECT_TRUE(router_.withdraw(it->first));
    waiting_.erase(it);
  }

  // An agent leaves; its tickets come back sorted by id (the host routes them again: here they
  // are dropped). A round-robin cursor on it keeps its place in the order of ids.
  void remove() {
    if (model_.size() <= agents_ / 4) return;
    auto it = std::next(model_.begin(), static_cast<long>(random_() % model_.size()));
    std::vector<std::string> freed;
    for (auto h = holder_.begin(); h != holder_.end();) {
      if (h->second.first == it->first) {
        freed.push_back(h->first);
        h = holder_.erase(h);
      } else {
        ++h;
      }
    }
    EXPECT_EQ(router_.remove_agent(it->first), freed);  // both sorted by ticket id
    model_.erase(it);
  }

  const std::vector<std::string> channels_{"chat", "email", "phone", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"};
  std::string strategy_;
  Router router_;
  std::mt19937 random_;
  unsigned agents_;
  Instant now_ = t0;
  std::map<std::string, ModelAgent> model_;
  std::map<std::string, std::pair<std::string, std::string>> holder_;  // ticket → (agent, channel)
  std::map<std::string, ModelTicket> waiting_;
  std::uint64_t seq_ = 0;
  std::map<std::string, std::string> cursors_;  // by queue: its last pick under round_robin
};

// Eight agents (one 64-bit word of every bit set) and 150 (three words, agents joining between
// others and leaving).
TEST(Routing, LeastLoadedMatchesAPlainModelUnderRandomChanges) {
  ModelRun("least_loaded", 7, 8).run(3000);
  ModelRun("least_loaded", 11, 150).run(6000);
}

TEST(Routing, RoundRobinMatchesAPlainModelUnderRandomChanges) {
  ModelRun("round_robin", 7, 8).run(3000);
  ModelRun("round_robin", 11, 150).run(6000);
}

TEST(Routing, MostIdleMatchesAPlainModelUnderRandomChanges) {
  ModelRun("most_idle", 7, 8).run(3000);
  ModelRun("most_idle", 11, 150).run(6000);
}

// The positions a bit set holds, ascending.
std::vector<std::size_t> set_positions(const detail::PositionSet& set) {
  std::vector<std::size_t> result;
  for (std::size_t w = 0; w < set.words(); ++w)
    for (std::size_t b = 0; b < 64; ++b)
      if ((set.word(w) >> b & 1u) != 0) result.push_back(w * 64 + b);
  return result;
}

// Bit sets by queue position: members joining (open) and leaving (close) move the positions
// after theirs, across word boundaries.
TEST(Routing, PositionSetsFollowMembersJoiningAndLeaving) {
  detail::PositionSet set;
  const auto positions = [&] { return set_positions(set); };
  for (const std::size_t p : {0u, 63u, 64u, 130u}) set.insert(p);
  set.open(63);  // 63, 64 and 130 move up one
  EXPECT_EQ(positions(), (std::vector<std::size_t>{0, 64, 65, 131}));
  set.close(64);  // 64 leaves, 65 and 131 move down one
  EXPECT_EQ(positions(), (std::vector<std::size_t>{0, 64, 130}));
  set.open(0);
  EXPECT_EQ(positions(), (std::vector<std::size_t>{1, 65, 131}));
  set.close(1);
  EXPECT_EQ(positions(), (std::vector<std::size_t>{64, 130}));
  set.insert(191);  // the last word's top bit: opening below it needs a fourth word
  set.open(100);
  EXPECT_EQ(positions(), (std::vector<std::size_t>{64, 131, 192}));
  set.close(63);  // not in the set: only the later positions move
  EXPECT_EQ(positions(), (std::vector<std::size_t>{63, 130, 191}));
  set.close(500);  // beyond every word: nothing moves
  EXPECT_EQ(positions(), (std::vector<std::size_t>{63, 130, 191}));
  EXPECT_FALSE(set.erase(64));
  EXPECT_TRUE(set.erase(130));
  EXPECT_EQ(positions(), (std::vector<std::size_t>{63, 191}));
}

// Bit sets by queue position: insert and erase say whether they changed the set, which keeps
// the room counts (QueueRoom) exact; words are added as positions need them.
TEST(Routing, PositionSetsSayWhetherTheyChanged) {
  detail::PositionSet set;
  const auto positions = [&] { return set_positions(set); };
  for (const std::size_t p : {0u, 63u, 64u, 130u}) EXPECT_TRUE(set.insert(p));
  EXPECT_FALSE(set.insert(64));
  EXPECT_EQ(set.words(), 3u);  // 130 is in the third word (128..191)
  EXPECT_EQ(positions(), (std::vector<std::size_t>{0, 63, 64, 130}));
  EXPECT_TRUE(set.erase(64));
  EXPECT_FALSE(set.erase(64));
  EXPECT_FALSE(set.erase(500));  // beyond every word
  EXPECT_EQ(positions(), (std::vector<std::size_t>{0, 63, 130}));
}

// Issue 11: a queue that agents join out of id order is re-indexed once, at its next route or
// dispatch (loading agents was quadratic). Routers loaded in id order, in shuffled order, and
// with agents removed and added back between routes must decide alike, for every strategy:
// the same decisions, reasons and snapshots. 300 agents fill several 64-bit words of each
// queue's sets; capacities are small so that tickets wait and dispatch has work.
TEST(Routing, AgentsLoadedInAnyOrderDecideAsInIdOrder) {
  for (const char* strategy : {"least_loaded", "round_robin", "most_idle"}) {
    SCOPED_TRACE(strategy);
    const auto policy = load(std::string(R"({"strategy": ")") + strategy + R"(", "language_match": true})");
    const auto make = [](int n) {
      Agent a = agent("A-" + std::to_string(n), n % 3 == 0 ? std::vector<std::string>{"general", "returns"}
                                                             : std::vector<std::string>{"general"},
                      {{"chat", 1 + n % 2}, {"email", n % 3}}, {{"returns", n % 4}, {"senior", n % 2}},
                      n % 5 == 0 ? std::vector<std::string>{"en"} : std::vector<std::string>{"zh"});
      if (n % 7 == 0) a.status = AgentStatus::away;
      return a;
    };
    std::vector<int> order(300);
    for (int n = 0; n < 300; ++n) order[static_cast<std::size_t>(n)] = n;
    const auto by_id = [](int a, int b) { return "A-" + std::to_string(a) < "A-" + std::to_string(b); };
    std::vector<int> shuffled_order = order;
    std::sort(order.begin(), order.end(), by_id);
    std::shuffle(shuffled_order.begin(), shuffled_order.end(), std::mt19937(11));
    const auto staffed = [&](const std::vector<int>& arrivals) {
      auto router = std::make_unique<Router>(policy);
      for (const int n : arrivals) router->upsert_agent(make(n));
      return router;
    };
    const auto run = [&](Router& router, bool churn) {
      std::vector<std::string> out;
      std::vector<std::pair<std::string, std::string>> held;
      const auto record = [&](const RoutingDecision& d) {
        out.push_back(d.to_json());
        if (d.agent) held.emplace_back(*d.agent, d.ticket);
      };
      for (int i = 0; i < 900; ++i) {
        Ticket t = ticket("T-" + std::to_string(i), i % 4 == 0 ? "after_sales/return" : i % 4 == 1 ? "tech/tv" : "general/q",
                          i % 3 == 0 ? "email" : "chat");
        t.customer.language = i % 5 == 0 ? "en" : "zh";
        record(router.route(t, t0 + std::chrono::seconds(i)));
        if (churn && i % 100 == 50) {  // an agent in the middle of the id order leaves and comes back
          const int n = (i * 7) % 300;
          for (const auto& freed : router.remove_agent("A-" + std::to_string(n)))
            std::erase_if(held, [&](const auto& h) { return h.second == freed; });
          router.upsert_agent(make(n));
        }
        if (i % 3 == 2 && !held.empty()) {
          router.release(held.front().first, held.front().second);
          held.erase(held.begin());
          for (const auto& d : router.dispatch(t0 + std::chrono::seconds(i))) record(d);
        }
      }
      out.push_back(router.snapshot());
      return out;
    };
    EXPECT_EQ(run(*staffed(shuffled_order), false), run(*staffed(order), false));
    EXPECT_EQ(run(*staffed(shuffled_order), true), run(*staffed(order), true));
  }
}

// Issue 11: the reason of a ticket that must wait counts every member of the queue by what
// blocks it, from counts the router keeps rather than a scan; all strategies agree. 200 agents
// (four 64-bit words), loaded in no particular order, none eligible for a "tech/" ticket in
// English, which needs senior >= 1 (the rule's preferred skill) on chat:
//   A-100..A-149  away                                      → 50 not online
//   A-150..A-209  no chat capacity (0)                      → 60 at capacity
//   A-210..A-249  room, senior 1, speak only zh             → 40 not speaking "en"
//   A-250..A-299  room, speak en, no senior                 → 50 without the skills
TEST(Routing, WaitingReasonCountsEveryMemberOfALargeQueue) {
  for (const char* strategy : {"least_loaded", "round_robin", "most_idle"}) {
    SCOPED_TRACE(strategy);
    Router router(load(std::string(R"({"strategy": ")") + strategy + R"(", "language_match": true})"));
    for (int n = 299; n >= 100; --n) {
      Agent a = agent("A-" + std::to_string(n), {"general"}, {{"chat", n < 150 || n >= 210 ? 2 : 0}},
                      n < 250 ? std::vector<std::pair<std::string, int>>{{"senior", 1}} : std::vector<std::pair<std::string, int>>{},
                      n >= 210 && n < 250 ? std::vector<std::string>{"zh"} : std::vector<std::string>{"en"});
      if (n < 150) a.status = AgentStatus::away;
      router.upsert_agent(a);
    }
    Ticket t = ticket("T-1", "tech/tv");
    t.customer.language = "en";
    const RoutingDecision d = router.route(t, t0);
    ASSERT_TRUE(d.waiting);
    EXPECT_EQ(d.reasons.back(),
              "no eligible agent in queue \"general\" (50 not online, 60 at capacity, 50 without the skills, 40 not "
              "speaking \"en\"): waiting");
  }
}

// Issue 11: a dispatch reads only the waiting tickets a freed agent can take. A long backlog
// of urgent Chinese tickets waits while the English speaker is freed: the dispatch gives it the
// one English ticket, lower in priority, and leaves the backlog as it was; freeing the Chinese
// speaker then assigns the backlog's head (the earliest urgent ticket).
TEST(Routing, DispatchPassesOverBacklogTheFreedAgentCannotTake) {
  Router router(load(R"({"strategy": "least_loaded", "language_match": true})"));
  router.upsert_agent(agent("A-en", {"general"}, {{"chat", 1}}, {}, {"en"}));
  router.upsert_agent(agent("A-zh", {"general"}, {{"chat", 1}}, {}, {"zh"}));
  const auto in = [](std::string id, std::string language, Priority priority) {
    Ticket t = ticket(std::move(id));
    t.customer.language = std::move(language);
    t.priority = priority;
    return t;
  };
  EXPECT_EQ(agent_of(router.route(in("T-zh", "zh", Priority::normal), t0)), "A-zh");
  EXPECT_EQ(agent_of(router.route(in("T-en", "en", Priority::normal), t0)), "A-en");
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(router.route(in("U-" + std::to_string(i), "zh", Priority::urgent), t0 + 1min).waiting);
  EXPECT_TRUE(router.route(in("E-1", "en", Priority::low), t0 + 2min).waiting);
  router.release("A-en", "T-en");
  const auto first = router.dispatch(t0 + 3min);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].ticket, "E-1");
  EXPECT_EQ(agent_of(first[0]), "A-en");
  EXPECT_EQ(router.waiting_count(), 50u);
  router.release("A-zh", "T-zh");
  const auto second = router.dispatch(t0 + 3min);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].ticket, "U-0");  // urgent, due 10:01 + 1m, the first to arrive
  EXPECT_EQ(agent_of(second[0]), "A-zh");
  EXPECT_EQ(router.waiting_count(), 49u);
}

// --- errors leave the state as it was --------------------------------------------------------

TEST(Routing, BadInputIsRefusedAndChangesNothing) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}, {{"chat", 1}}));
  router.route(ticket("T-1"), t0);
  router.route(ticket("T-2"), t0);  // waits
  const std::string before = router.snapshot();
  const auto refused = [&](auto&& call, std::string_view message) {
    try {
      call();
      ADD_FAILURE() << "no error for: " << message;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
    EXPECT_EQ(router.snapshot(), before);
  };
  refused([&] { router.route(ticket("T-1"), t0); }, "ticket \"T-1\" is already assigned to A-1");
  refused([&] { router.route(ticket("T-2"), t0); }, "ticket \"T-2\" is already waiting in queue \"general\"");
  refused([&] { router.upsert_agent(agent("A-2", {"general", "nowhere"})); }, "queues[1]: no queue \"nowhere\"");
  refused([&] { router.upsert_agent(agent("", {"general"})); }, "id: an agent needs a non-empty id");
  refused([&] { router.upsert_agent(agent("A-1", {"general"}, {{"chat", -1}})); }, "capacity.chat: a capacity must be a whole number from 0 to 1000000, not -1");
  refused([&] { router.route(ticket("T-9"), t0 - 1s); }, "before it was created");
  EXPECT_THROW(router.release("A-1", "T-2"), NotFoundError);  // waiting, not held
  EXPECT_THROW(router.set_status("A-7", AgentStatus::online), NotFoundError);
  EXPECT_EQ(router.snapshot(), before);
}

TEST(Routing, AgentJsonErrorsNameTheirPaths) {
  const auto problems_of = [](auto&& parse) {
    try {
      parse();
    } catch (const InputError& e) {
      std::vector<std::string> paths;
      for (const auto& p : e.problems()) paths.push_back(p.path + ": " + p.message);
      return paths;
    }
    return std::vector<std::string>{"(no error)"};
  };
  EXPECT_EQ(problems_of([] { (void)Agent::from_json(R"({"queues": ["general"], "capacity": {"chat": -2}})"); }),
            (std::vector<std::string>{"id: missing", "capacity.chat: a capacity must be a whole number from 0 to 1000000, not -2"}));
  EXPECT_EQ(problems_of([] {
              (void)Agent::list_from_json(R"({"agents": [{"id": "A-1", "capacity": {}}, {"id": "A-1", "capacity": {}}]})");
            }),
            (std::vector<std::string>{"agents[1].id: agent \"A-1\" is listed twice"}));
  const Agent a = Agent::from_json(
      R"({"id": "A-7", "queues": ["returns", "general"], "skills": {"senior": 1, "returns": 3}, "languages": ["zh", "en"],
          "capacity": {"chat": 5, "email": 10, "*": 8}, "status": "away"})");
  EXPECT_EQ(a.to_json(),
            R"({"id":"A-7","queues":["returns","general"],"skills":{"returns":3,"senior":1},"languages":["zh","en"],)"
            R"("capacity":{"*":8,"chat":5,"email":10},"status":"away"})");
}

TEST(Routing, PolicyValidationNamesEveryProblem) {
  const std::string doc = R"({"schema_version": 1, "routing": {
    "queues": [{"id": "a", "overflow": {"after": "1m", "to": "b"}}, {"id": "b", "overflow": {"after": "0s", "to": "a"}},
               {"id": "c", "overflow": {"after": "1m", "to": "d"}}, {"id": "d", "overflow": {"after": "1m", "to": "c"}}],
    "rules": [{"id": "r", "queue": "x", "skills": {"s": -1}}, {"id": "r", "queue": "a", "preferred_skills": {"s": 1}}],
    "default_queue": "zz",
    "assignment": {"strategy": "fastest"}}})";
  try {
    (void)Policy::from_json(doc);
    FAIL();
  } catch (const PolicyError& e) {
    std::vector<std::string> got;
    for (const auto& p : e.problems()) got.push_back(p.path + ": " + p.message);
    EXPECT_EQ(got, (std::vector<std::string>{
                       "routing.queues[1].overflow.after: must be longer than zero, not 0s",
                       "routing.queues: overflow goes round in a cycle: c -> d -> c",
                       "routing.rules[0].queue: no queue \"x\" in \"routing.queues\" (queues: a, b, c, d)",
                       "routing.rules[0].skills.s: a skill level must be a whole number from 0 to 100, not -1",
                       "routing.rules[1].id: rule \"r\" is defined twice",
                       "routing.rules[1].preferred_skills: preferred skills need \"relax_after\", the wait after which they are dropped",
                       "routing.default_queue: no queue \"zz\" in \"routing.queues\" (queues: a, b, c, d)",
                       "routing.assignment.strategy: \"fastest\" is not a strategy (least_loaded, round_robin, most_idle)",
                   }));
  }
}

TEST(Routing, PolicyWithoutRoutingHasNoRouter) {
  EXPECT_THROW(Router(Policy::from_json(R"({"schema_version": 1})")), NotFoundError);
}

TEST(Routing, RemoveAgentFreesItsTickets) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}));
  router.route(ticket("T-2"), t0);
  router.route(ticket("T-1"), t0);
  EXPECT_EQ(router.remove_agent("A-1"), (std::vector<std::string>{"T-1", "T-2"}));
  EXPECT_TRUE(router.route(ticket("T-1"), t0).waiting);  // routable again; nobody left
}

// --- snapshots ------------------------------------------------------------------------------

// The records of one kind in a snapshot (version 2: one JSON object a line), in order.
std::vector<boost::json::value> records(const std::string& snapshot, std::string_view kind) {
  std::vector<boost::json::value> found;
  std::istringstream lines(snapshot);
  for (std::string line; std::getline(lines, line);) {
    const auto record = boost::json::parse(line);
    if (const auto* value = record.as_object().if_contains(kind)) found.push_back(*value);
  }
  return found;
}

// Drives a router through a fixed script from step `from` to `to`, returning every decision.
std::vector<std::string> run_script(Router& router, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) {
    const Instant now = t0 + std::chrono::seconds(20 * i);
    Ticket t = ticket("T-" + std::to_string(i), i % 3 == 0 ? "after_sales/return" : (i % 3 == 1 ? "tech/x" : "general/q"));
    t.created_at = now;
    t.customer.id = "C-" + std::to_string(i % 4);
    t.priority = static_cast<Priority>(i % 4);
    out.push_back(router.route(t, now).to_json());
    if (i % 3 == 2) {
      // The agent of the first assignment (by ticket id) finishes it.
      const auto assigned = records(router.snapshot(), "assigned");  // [ticket, agent, queue, channel]
      if (!assigned.empty())
        router.release(std::string(assigned[0].as_array()[1].as_string()), std::string(assigned[0].as_array()[0].as_string()));
    }
    for (const auto& d : router.dispatch(now)) out.push_back(d.to_json());
  }
  return out;
}

Router scripted_router(const std::shared_ptr<const Policy>& policy) {
  Router router(policy);
  router.upsert_agent(agent("A-1", {"returns", "general"}, {{"chat", 1}}, {{"returns", 2}}));
  router.upsert_agent(agent("A-2", {"general"}, {{"chat", 2}}, {{"senior", 1}}));
  router.upsert_agent(agent("A-3", {"general", "complaints"}, {{"chat", 1}}));
  return router;
}

TEST(Routing, SnapshotRestoreContinuesExactlyAsWithoutStopping) {
  for (const char* strategy : {"least_loaded", "round_robin", "most_idle"}) {
    const auto policy = load(std::string(R"({"sticky": true, "strategy": ")") + strategy + "\"}");
    Router straight = scripted_router(policy);
    const auto expected = run_script(straight, 0, 40);

    Router first = scripted_router(policy);
    auto got = run_script(first, 0, 17);
    const std::string snapshot = first.snapshot();
    EXPECT_GT(first.waiting_count(), 0u) << "the script should leave tickets waiting at the snapshot";
    Router second = Router::restore(policy, snapshot);
    EXPECT_EQ(second.snapshot(), snapshot);
    const auto rest = run_script(second, 17, 40);
    got.insert(got.end(), rest.begin(), rest.end());
    EXPECT_EQ(got, expected) << strategy;
  }
}

TEST(Routing, RestoreRefusesQueuesThePolicyNoLongerHas) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"returns", "complaints"}));
  const std::string snapshot = router.snapshot();
  const auto other = Policy::from_json(R"({"schema_version": 1, "routing": {"queues": [{"id": "returns"}, {"id": "general"}],
                                           "default_queue": "general"}})");
  try {
    (void)Router::restore(other, snapshot);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the router snapshot refers to queues the policy no longer has: \"complaints\" (the policy's queues: returns, general)");
  }
  EXPECT_THROW((void)Router::restore(load(), R"({"format": "aftersales.router", "version": 2})"), InputError);
}

// Where two snapshots first differ, line by line (a diff of two large texts would not fit in
// memory): empty when they are equal.
std::string first_difference(const std::string& got, const std::string& expected) {
  if (got == expected) return {};
  std::istringstream a(got), b(expected);
  std::string x, y;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, x)), more_b = static_cast<bool>(std::getline(b, y));
    if (!more_a || !more_b || x != y) return "line " + std::to_string(line) + ":\n  got      " + x + "\n  expected " + y;
  }
}

// Issue 11: the SLA replay that gives a waiting ticket its due time grows with the ticket's
// history, so it must not run under the router's lock. Everything under the lock is
// RouterCore: for a ticket that must wait, its route returns nothing and changes nothing until
// it is handed a due time, and then keeps the one it is handed — it never evaluates the SLA
// itself. (Router::route works out the due time between two locked calls.)
TEST(Routing, TheLockedPartOfARouteNeverEvaluatesTheSla) {
  const auto policy = load();
  detail::RouterCore core(detail::PolicyAccess::share(policy, &detail::PolicyData::routing));
  core.upsert(agent("A-1", {"general"}, {{"chat", 1}}));
  Ticket busy = ticket("T-busy");
  detail::Plan plan = detail::plan_route(core.routing(), busy, t0);
  RoutingDecision assigned;
  ASSERT_TRUE(core.route(busy, t0, plan, std::nullopt, assigned));  // assigned: no due time needed
  const std::string before = core.snapshot();
  const Ticket waits = ticket("T-1");  // normal: the SLA would make it due at 10:00 + 10m
  plan = detail::plan_route(core.routing(), waits, t0);
  RoutingDecision decision;
  EXPECT_FALSE(core.route(waits, t0, plan, std::nullopt, decision));
  EXPECT_EQ(core.snapshot(), before);
  const Instant handed = at("2026-03-02T12:34:56Z");  // not what the SLA says: it must be kept
  ASSERT_TRUE(core.route(waits, t0, plan, std::optional<Instant>(handed), decision));
  EXPECT_TRUE(decision.waiting);
  // Version 2 writes due_at (the 9th value of a waiting record) in ms since the epoch:
  // 10:00:00 is 1772445600000, and 2h34m56s = 9,296 s later is 1772454896000.
  EXPECT_EQ(records(core.snapshot(), "waiting").at(0).as_array().at(8), 1772454896000) << core.snapshot();
}

// Restores `snapshot` and checks that the restored router writes it back byte for byte.
Router round_trip(const std::shared_ptr<const Policy>& policy, const std::string& snapshot) {
  Router restored = Router::restore(policy, snapshot);
  EXPECT_EQ(first_difference(restored.snapshot(), snapshot), "");
  return restored;
}

// The problems of a refused restore, as "path: message".
std::vector<std::string> restore_problems(const std::shared_ptr<const Policy>& policy, const std::string& snapshot) {
  try {
    (void)Router::restore(policy, snapshot);
  } catch (const InputError& e) {
    std::vector<std::string> found;
    for (const auto& p : e.problems()) found.push_back(p.path + ": " + p.message);
    return found;
  }
  return {"(restored)"};
}

// Issue 11: after an agent left with sticky on, the snapshot still named it among the sticky
// customers and restore refused the router's own snapshot.
TEST(Routing, RestoreAfterAStickyAgentLeft) {
  const auto policy = load(R"({"strategy": "least_loaded", "sticky": true})");
  Router router(policy);
  router.upsert_agent(agent("A-1", {"general"}));
  router.upsert_agent(agent("A-2", {"general"}));
  Ticket first = ticket("T-1");
  first.customer.id = "C-1";
  EXPECT_EQ(agent_of(router.route(first, t0)), "A-1");  // tie → A-1; C-1 sticks to A-1
  Ticket other = ticket("T-2");
  other.customer.id = "C-2";
  EXPECT_EQ(agent_of(router.route(other, t0)), "A-2");  // 1/10 > 0/10; C-2 sticks to A-2
  EXPECT_EQ(router.remove_agent("A-1"), (std::vector<std::string>{"T-1"}));
  const std::string snapshot = router.snapshot();
  EXPECT_EQ(records(snapshot, "sticky").size(), 1u) << "only C-2 (with A-2) is left";
  Router restored = round_trip(policy, snapshot);
  // A-1 comes back: C-1's next ticket goes by the strategy (A-1 at 0/10 beats A-2 at 1/10), not
  // as a sticky customer of an agent who left.
  restored.upsert_agent(agent("A-1", {"general"}));
  Ticket again = ticket("T-3");
  again.customer.id = "C-1";
  const auto d = restored.route(again, t0);
  EXPECT_EQ(agent_of(d), "A-1");
  EXPECT_TRUE(mentions(d, "least_loaded: A-1")) << d.to_json();
}

// Issue 11 (merge of the streaming restore with per-agent held lists): a restored assignment
// must be recorded with its agent too, or removing the agent frees nothing and a release
// erases from an empty list. A-1 holds T-1 and T-2 before the restart.
TEST(Routing, RestoredAssignmentsAreFreedWithTheirAgent) {
  const auto policy = load();
  Router router(policy);
  router.upsert_agent(agent("A-1", {"general"}));
  router.route(ticket("T-1"), t0);
  router.route(ticket("T-2"), t0);
  Router restored = Router::restore(policy, router.snapshot());
  restored.release("A-1", "T-1");
  EXPECT_EQ(restored.remove_agent("A-1"), (std::vector<std::string>{"T-2"}));
}

// Issue 11: remove_agent drops the leaving agent's sticky customers from its own list (reading
// every sticky customer cost 30–35 ms an agent with a million of them under the lock, against
// 5–6 ms for the 10,000 that were its own; Release, loaded machine). A customer
// another agent has taken since stays with that agent, though the leaving agent still lists it:
// C-0..C-39 go to A-1 (its list is compacted at 32 entries, all still its own, and next at 64),
// then to A-2 while A-1 is away; C-40..C-49 go to A-1, whose list then holds 50 entries.
TEST(Routing, RemoveAgentDropsOnlyTheStickyCustomersStillItsOwn) {
  const auto policy = load(R"({"strategy": "least_loaded", "sticky": true})");
  Router router(policy);
  router.upsert_agent(agent("A-1", {"general"}));
  router.upsert_agent(agent("A-2", {"general"}));
  const auto serve = [&](int customer, const std::string& expected) {
    Ticket t = ticket("T-" + std::to_string(customer) + "-" + expected);
    t.customer.id = "C-" + std::to_string(customer);
    EXPECT_EQ(agent_of(router.route(t, t0)), expected);
    router.release(expected, t.id);
  };
  router.set_status("A-2", AgentStatus::away);
  for (int c = 0; c < 40; ++c) serve(c, "A-1");
  router.set_status("A-1", AgentStatus::away);
  router.set_status("A-2", AgentStatus::online);
  for (int c = 0; c < 40; ++c) serve(c, "A-2");
  router.set_status("A-1", AgentStatus::online);
  router.set_status("A-2", AgentStatus::away);
  for (int c = 40; c < 50; ++c) serve(c, "A-1");
  EXPECT_EQ(records(router.snapshot(), "sticky").size(), 50u);
  EXPECT_TRUE(router.remove_agent("A-1").empty());
  const auto sticky = records(router.snapshot(), "sticky");
  ASSERT_EQ(sticky.size(), 40u);  // C-0..C-39, with A-2
  for (const auto& entry : sticky) EXPECT_EQ(entry.as_array().at(1), "A-2");
  router.set_status("A-2", AgentStatus::online);
  Ticket again = ticket("T-again");
  again.customer.id = "C-7";
  EXPECT_TRUE(mentions(router.route(again, t0), "sticky: A-2 served this customer last"));
}

// Issue 11: an agent freed and then gone away kept its "changed since the last dispatch" mark in
// the snapshot, but lost it on restore, so the restored router wrote a different snapshot.
TEST(Routing, RestoreKeepsTheChangedMarkOfAnAgentWhoWentAway) {
  const auto policy = load();
  Router router(policy);
  router.upsert_agent(agent("A-1", {"general"}, {{"chat", 1}}));
  router.route(ticket("T-1"), t0);
  router.route(ticket("T-2"), t0);  // waits: A-1 is full
  router.release("A-1", "T-1");     // marked: freed since the last dispatch
  router.set_status("A-1", AgentStatus::away);
  const std::string snapshot = router.snapshot();
  ASSERT_EQ(records(snapshot, "agent").at(0).at("dirty"), true);
  Router restored = round_trip(policy, snapshot);
  EXPECT_TRUE(restored.dispatch(t0 + 1s).empty());  // away: takes nothing
  restored.set_status("A-1", AgentStatus::online);
  EXPECT_EQ(agents_of(restored.dispatch(t0 + 2s)), (std::vector<std::string>{"T-2->A-1"}));
}

// A snapshot of every kind of record: agents (one over a capacity lowered below its load, one
// given its capacities and skills out of order), assignments, waiting tickets with preferred
// skills and overflow, a cursor of an agent who left, sticky customers.
std::string full_snapshot(const std::shared_ptr<const Policy>& policy) {
  Router router(policy);
  router.upsert_agent(agent("A-1", {"returns", "general"}, {{"chat", 2}}, {{"returns", 2}}, {"zh"}));
  router.upsert_agent(agent("A-2", {"general"}, {{"chat", 1}, {"*", 1}}, {{"senior", 0}, {"returns", 0}}));
  router.upsert_agent(agent("A-3", {"general"}, {{"chat", 1}}));
  for (int i = 1; i <= 6; ++i) {
    Ticket t = ticket("T-" + std::to_string(i), i % 2 ? "after_sales/return" : "tech/x");
    t.customer.id = "C-" + std::to_string(i);
    router.route(t, t0);
  }
  router.upsert_agent(agent("A-1", {"returns", "general"}, {{"chat", 1}}, {{"returns", 2}}, {"zh"}));  // holds 2 of 1
  (void)router.remove_agent("A-3");
  router.dispatch(t0 + 5min);  // overflow and relaxation fire
  router.route(ticket("T-7", "tech/y"), t0 + 5min);
  return router.snapshot();
}

TEST(Routing, SnapshotOfEveryKindOfRecordRoundTrips) {
  for (const char* strategy : {"least_loaded", "round_robin", "most_idle"}) {
    const auto policy = load(std::string(R"({"sticky": true, "strategy": ")") + strategy + "\"}");
    const std::string snapshot = full_snapshot(policy);
    EXPECT_FALSE(records(snapshot, "waiting").empty());
    EXPECT_FALSE(records(snapshot, "sticky").empty());
    (void)round_trip(policy, snapshot);
  }
}

// Version 1 snapshots (one JSON document) are still read: this one, written by hand in the
// version 1 shape, holds the state of the version 2 text below it. Its sticky customer of an
// agent who left (which version 1 wrote) is dropped.
TEST(Routing, RestoresVersionOneSnapshots) {
  const auto policy = load(R"({"strategy": "least_loaded", "sticky": true})");
  const std::string v1 =
      R"({"format":"aftersales.router","version":1,"routing":{"fingerprint":"x","queues":["returns","complaints","general","bot"]},)"
      R"("agents":[{"id":"A-1","queues":["general"],"skills":{},"languages":[],"capacity":{"chat":1},"status":"away",)"
      R"("last_assigned_at":"2026-03-02T10:00:00Z","dirty":true}],)"
      R"("assigned":[{"ticket":"T-1","agent":"A-1","queue":"general","channel":"chat"}],)"
      R"("waiting":[{"ticket":"T-2","customer":"C-2","channel":"chat","language":"","queue":"general","rule":"","resolver":"",)"
      R"("priority":"normal","due_at":"2026-03-02T10:10:00Z","since":"2026-03-02T10:00:00Z","skills":{},"preferred_skills":{},)"
      R"("relax_at":null,"overflow_stage":0,"notes":[]}],)"
      R"("cursors":[],"sticky":[{"customer":"C-1","agent":"A-1"},{"customer":"C-9","agent":"A-9"}]})";
  // 2026-03-02T10:00:00Z = 1772445600000 ms; due 10 minutes later = 1772446200000.
  const std::string fingerprint(records(Router(policy).snapshot(), "routing").at(0).at("fingerprint").as_string());
  const std::string v2 =
      R"({"format":"aftersales.router","version":2,"routing":{"fingerprint":")" + fingerprint +
      R"(","queues":["returns","complaints","general","bot"]}})" "\n"
      R"({"agent":{"id":"A-1","queues":["general"],"skills":{},"languages":[],"capacity":{"chat":1},"status":"away",)"
      R"("last_assigned_at":1772445600000,"dirty":true}})" "\n"
      R"({"assigned":["T-1","A-1","general","chat"]})" "\n"
      R"({"waiting":["T-2","C-2","chat","","general","","","normal",1772446200000,1772445600000,{},{},null,0,[]]})" "\n"
      R"({"sticky":["C-1","A-1"]})" "\n"
      R"({"end":{"agents":1,"assigned":1,"waiting":1,"cursors":0,"sticky":1}})" "\n";
  // Version 3 (written since issue 17) is version 2 with a waiting ticket's ladder step and
  // aging levels appended: 0 and 0 for a ticket of a rule without a ladder, under no aging.
  std::string v3 = v2;
  v3.replace(v3.find(R"("version":2)"), 11, R"("version":3)");
  v3.replace(v3.find("null,0,[]]"), 10, "null,0,[],0,0]");
  EXPECT_EQ(Router::restore(policy, v1).snapshot(), v3);
  EXPECT_EQ(Router::restore(policy, v2).snapshot(), v3);
  (void)round_trip(policy, v3);
}

// What no router can reach is refused, each problem named with its line and path.
TEST(Routing, RestoreRefusesWhatNoRouterReaches) {
  const auto policy = load(R"({"strategy": "round_robin", "sticky": true})");
  const std::string header = R"({"format":"aftersales.router","version":2,"routing":{"fingerprint":"x","queues":[]}})";
  const std::string a1 = R"({"agent":{"id":"A-1","queues":["general"],"capacity":{"chat":1},"last_assigned_at":null,"dirty":false}})";
  const std::string snapshot = header + "\n" + a1 + "\n" +
                               R"({"agent":{"id":"","queues":["general"],"capacity":{"chat":1},"last_assigned_at":null,"dirty":false}})" "\n"  // 3
                               + a1 + "\n" +                                                                          // 4: twice
                               R"({"agent":{"id":"A-0","queues":[],"skills":{"returns":101},"capacity":{},"last_assigned_at":null,"dirty":false}})" "\n"  // 5
                               R"({"assigned":["","A-1","general","chat"]})" "\n"                                      // 6
                               R"({"assigned":["T-1","A-7","general","chat"]})" "\n"                                   // 7
                               R"({"assigned":["T-2","A-1","general","chat"]})" "\n"                                   // 8
                               R"({"waiting":["T-2","C","chat","","general","","","normal",null,0,{},{},null,0,[]]})" "\n"  // 9
                               R"({"waiting":["T-3","C","chat","","general","","","soon",null,0,{"returns":1000},{},null,0,[]]})" "\n"  // 10
                               R"({"waiting":["T-4","C","chat","","general","","","low",null,0,{},{},5,0,[]]})" "\n"  // 11
                               R"({"waiting":["T-5","C","chat","","general","","","low",null,0,{},{},null,1,[]]})" "\n"  // 12
                               R"({"waiting":["T-6","C","chat"]})" "\n"                                                 // 13
                               R"({"cursor":["general","A-1"]})" "\n"                                                   // 14
                               R"({"cursor":["general","A-2"]})" "\n"                                                   // 15
                               R"({"sticky":["","A-1"]})" "\n"                                                          // 16
                               R"({"agent":{"id":"A-9"}})" "\n"                                                         // 17
                               R"({"end":{"agents":5,"assigned":3,"waiting":5,"cursors":2,"sticky":1}})" "\n";     // 18: 4 agent lines counted
  EXPECT_EQ(restore_problems(policy, snapshot),
            (std::vector<std::string>{
                "line 3: agent.id: an agent id must not be empty",
                "line 4: agent.id: agent \"A-1\" is listed twice",
                "line 5: agent.skills.returns: a skill level must be a whole number from 0 to 100, not 101",
                "line 6: assigned.ticket: a ticket id must not be empty",
                "line 7: assigned.agent: no agent \"A-7\" among the snapshot's agents",
                "line 9: waiting.ticket: ticket \"T-2\" is assigned and waiting at once",
                "line 10: waiting.priority: \"soon\" is not low, normal, high or urgent",
                "line 10: waiting.skills.returns: a skill level must be a whole number from 0 to 100, not 1000",
                "line 11: waiting.relax_at: set, though the ticket has no preferred skills left to drop",
                "line 12: waiting.overflow_stage: queue \"general\" has no overflow 1 deep",
                "line 13: waiting: expected 15 values (ticket, customer, channel, language, queue, rule, resolver, priority, "
                "due_at, since, skills, preferred_skills, relax_at, overflow_stage, notes), found 3",
                "line 15: cursor.queue: queue \"general\" has two cursors",
                "line 16: sticky.customer: a customer id must not be empty",
                "line 17: agent: out of order: \"agent\" lines come before \"sticky\" lines",
                "line 18: end.agents: the snapshot was written with 5 agent lines, but has 4",
            }));
  // Version 1 names the same problems by their place in its arrays.
  const std::string v1 =
      R"({"format":"aftersales.router","version":1,"routing":{},"agents":[],"waiting":[],"cursors":[],"sticky":[],)"
      R"("assigned":[{"ticket":"","agent":"A-1","queue":"general","channel":"chat"}]})";
  EXPECT_EQ(restore_problems(policy, v1), (std::vector<std::string>{"assigned[0].ticket: a ticket id must not be empty",
                                                                    "assigned[0].agent: no agent \"A-1\" among the snapshot's agents"}));
  // A snapshot cut short, or anything after its end, is refused.
  const std::string whole = full_snapshot(policy);
  const std::string cut = whole.substr(0, whole.rfind("{\"end\""));
  const auto lines = static_cast<std::size_t>(std::count(cut.begin(), cut.end(), '\n'));
  EXPECT_EQ(restore_problems(policy, cut),
            (std::vector<std::string>{"line " + std::to_string(lines) + ": the snapshot ends without its \"end\" line: it was cut short"}));
  EXPECT_EQ(restore_problems(policy, whole + a1 + "\n"),
            (std::vector<std::string>{"line " + std::to_string(lines + 2) + ": nothing may follow the \"end\" line"}));
}

TEST(Routing, RestoreListsAtMostAHundredProblems) {
  std::string snapshot = R"({"format":"aftersales.router","version":2,"routing":{}})" "\n";
  for (int i = 0; i < 1000; ++i) snapshot += R"({"assigned":["T","A-1","general","chat"]})" "\n";  // no agent A-1
  const auto problems = restore_problems(load(), snapshot);
  ASSERT_EQ(problems.size(), 101u);
  EXPECT_EQ(problems[0], "line 2: assigned.agent: no agent \"A-1\" among the snapshot's agents");
  EXPECT_EQ(problems[100], ": reading stopped after 100 problems");
}

// --- Double 11 -------------------------------------------------------------------------------

// A Double 11 night at CI size: 20,000 agents in 10 queues and 200,000 tickets waiting, then
// rounds of releases, status changes, departures, arrivals, new tickets and dispatches (with
// overflow timers firing), the invariants checked after every step. Half-way the router is
// snapshotted and restored; the restored router and the one that never stopped then get the
// same rounds and must make the same decisions. Builds without NDEBUG (Debug, the sanitizers)
// run a tenth of it. The full size is bench/router_snapshot_bench.
TEST(Routing, DoubleElevenSoakWithARestartHalfWay) {
#ifdef NDEBUG
  constexpr int agent_count = 20000, backlog = 200000, per_round = 2000;
#else
  constexpr int agent_count = 2000, backlog = 20000, per_round = 200;
#endif
  constexpr int queues = 10, rounds = 10;
  const auto q = [](int n) { return "q" + std::to_string(n % queues); };
  std::string queue_list = R"({"id": "q0", "overflow": {"after": "10m", "to": "q1"}})", rules;
  for (int k = 0; k < queues; ++k) {
    if (k > 0) queue_list += R"(, {"id": ")" + q(k) + "\"}";
    rules += std::string(k > 0 ? ", " : "") + R"({"id": "r)" + std::to_string(k) + R"(", "when": {"field": "category", "prefix": "c)" +
             std::to_string(k) + R"(/"}, "queue": ")" + q(k) + R"(", "skills": {"s)" + std::to_string(k) + R"(": 1}})";
  }
  const auto policy = Policy::from_json(std::string(R"({"schema_version": 1, "sla": )") + std::string(sla_section) +
                                        R"(, "routing": {"queues": [)" + queue_list + R"(], "rules": [)" + rules +
                                        R"(], "default_queue": "q0", "assignment": {"strategy": "least_loaded", "sticky": true, "language_match": true}}})");
  const auto make_agent = [&](int n) {
    return agent("A-" + std::to_string(100000 + n), {q(n), q(n + 3)}, {{"chat", 2}, {"*", 1}},
                 {{"s" + std::to_string(n % queues), 2}, {"s" + std::to_string((n + 3) % queues), 1}},
                 n % 3 == 0 ? std::vector<std::string>{"en", "zh"} : std::vector<std::string>{"zh"});
  };
  const auto make_ticket = [&](int n, Instant when) {
    Ticket t = ticket("T-" + std::to_string(1000000 + n), "c" + std::to_string(n % queues) + "/issue", n % 5 == 0 ? "email" : "chat");
    t.created_at = when;
    t.customer.id = "C-" + std::to_string(n % 50000);
    t.customer.language = n % 4 == 0 ? "en" : "zh";
    t.priority = static_cast<Priority>(n % 4);
    return t;
  };
  using Held = std::vector<std::pair<std::string, std::string>>;  // (agent, ticket)
  struct Night {
    aftersales::Router router;
    Held held;
    std::mt19937 random{11};
    int next_ticket = 0;
    int next_agent = agent_count;
    Instant now = t0;
    std::set<int> gone;  // agents removed
  };
  const auto record = [](Night& night, const RoutingDecision& d, std::vector<std::string>& log) {
    if (d.agent) night.held.emplace_back(*d.agent, d.ticket);
    log.push_back(d.to_json());
  };
  // One round; returns its decisions.
  const auto round = [&](Night& night) {
    std::vector<std::string> log;
    auto& random = night.random;
    for (int i = 0; i < per_round && !night.held.empty(); ++i) {
      const std::size_t k = random() % night.held.size();
      night.router.release(night.held[k].first, night.held[k].second);
      night.held[k] = night.held.back();
      night.held.pop_back();
    }
    for (int i = 0; i < per_round / 10; ++i) {
      const auto n = static_cast<int>(random() % agent_count);
      const auto status = random() % 3 == 0 ? AgentStatus::online : AgentStatus::away;
      if (!night.gone.contains(n)) night.router.set_status(make_agent(n).id, status);
    }
    for (int i = 0; i < per_round / 100; ++i) {
      const auto n = static_cast<int>(random() % agent_count);
      if (night.gone.insert(n).second) {
        const auto freed = night.router.remove_agent(make_agent(n).id);
        const std::set<std::string> tickets(freed.begin(), freed.end());
        std::erase_if(night.held, [&](const auto& h) { return tickets.contains(h.second); });
      }
      night.router.upsert_agent(make_agent(night.next_agent++));
    }
    for (int i = 0; i < per_round; ++i) record(night, night.router.route(make_ticket(night.next_ticket++, night.now), night.now), log);
    for (const auto& d : night.router.dispatch(night.now)) record(night, d, log);
    night.router.check_invariants();
    night.now += 3min;  // q0's overflow to q1 fires every few rounds
    return log;
  };

  Night first{aftersales::Router(policy), {}, std::mt19937(11), 0, agent_count, t0, {}};
  for (int n = 0; n < agent_count; ++n) first.router.upsert_agent(make_agent(n));
  first.router.check_invariants();
  std::vector<std::string> ignored;
  while (first.router.waiting_count() < static_cast<std::size_t>(backlog))
    record(first, first.router.route(make_ticket(first.next_ticket++, first.now), first.now), ignored);
  first.router.check_invariants();
  for (int r = 0; r < rounds / 2; ++r) (void)round(first);

  const std::string snapshot = first.router.snapshot();
  // At full size, over the 16 MiB that a version 1 snapshot could not exceed (about 120 B a
  // waiting ticket).
  if (backlog == 200000) {
    EXPECT_GT(snapshot.size(), std::size_t{16} << 20);
  }
  Night second{aftersales::Router::restore(policy, snapshot), first.held, first.random, first.next_ticket, first.next_agent,
               first.now, first.gone};
  second.router.check_invariants();
  ASSERT_EQ(first_difference(second.router.snapshot(), snapshot), "");
  for (int r = rounds / 2; r < rounds; ++r) {
    const auto straight = round(first);
    const auto restarted = round(second);
    EXPECT_FALSE(straight.empty());
    ASSERT_TRUE(restarted == straight) << "round " << r;
  }
  EXPECT_GE(first.router.waiting_count(), static_cast<std::size_t>(backlog / 2));
}

// --- listings ------------------------------------------------------------------------------

std::vector<std::string> ids_of(const std::vector<AgentLoad>& agents) {
  std::vector<std::string> ids;
  for (const auto& a : agents) ids.push_back(a.id + " " + std::string(to_string(a.status)) + " " + std::to_string(a.total));
  return ids;
}

std::vector<std::string> tickets_of(const std::vector<WaitingTicket>& waiting) {
  std::vector<std::string> ids;
  for (const auto& w : waiting) ids.push_back(w.ticket);
  return ids;
}

TEST(Routing, AgentsListTheirLoadsAfterRoutesReleasesAndStatusChanges) {
  Router router(load());
  EXPECT_TRUE(router.agents().empty());
  // Capacities given out of order: the listing sorts them by channel ("*" < "chat" < "email").
  router.upsert_agent(agent("A-2", {"general"}, {{"email", 1}, {"chat", 2}, {"*", 3}}));
  router.upsert_agent(agent("A-1", {"general", "returns"}, {{"*", 10}}, {{"returns", 2}}));
  Agent off = agent("A-3", {"general"});
  off.status = AgentStatus::offline;
  router.upsert_agent(off);
  // least_loaded on the ticket's channel, ties to the smaller id:
  // T-9 chat: A-1 0/10 = A-2 0/2 → A-1.      T-8 chat: A-1 1/10 > A-2 0/2 → A-2.
  // T-7 email: A-1 0/10 = A-2 0/1 → A-1.     T-6 email: A-1 1/10 > A-2 0/1 → A-2.
  // T-5 phone ("*"): A-1 0/10 = A-2 0/3 → A-1.
  for (const auto& [id, channel] : std::vector<std::pair<std::string, std::string>>{
           {"T-9", "chat"}, {"T-8", "chat"}, {"T-7", "email"}, {"T-6", "email"}, {"T-5", "phone"}})
    EXPECT_TRUE(router.route(ticket(id, "general/q", channel), t0).agent.has_value()) << id;
  auto agents = router.agents();
  EXPECT_EQ(ids_of(agents), (std::vector<std::string>{"A-1 online 3", "A-2 online 2", "A-3 offline 0"}));
  // A-1 holds T-9 (chat), T-7 (email), T-5 (phone): tickets sorted, channels by name.
  EXPECT_EQ(agents[0].to_json(),
            R"({"id":"A-1","status":"online","queues":["general","returns"],"capacity":{"*":10},)"
            R"("load":{"chat":1,"email":1,"phone":1},"total":3,"tickets":["T-5","T-7","T-9"]})");
  EXPECT_EQ(agents[2].to_json(),
            R"({"id":"A-3","status":"offline","queues":["general"],"capacity":{"*":10},"load":{},"total":0,"tickets":[]})");

  // A release takes the ticket off its channel; a channel with nothing held is left out.
  router.release("A-1", "T-9");
  // Away, A-2 keeps what it holds (T-8 chat, T-6 email) and takes nothing new: T-4 goes to A-1.
  router.set_status("A-2", AgentStatus::away);
  EXPECT_EQ(agent_of(router.route(ticket("T-4", "general/q", "email"), t0 + 1min)), "A-1");
  agents = router.agents();
  EXPECT_EQ(agents[0].to_json(),
            R"({"id":"A-1","status":"online","queues":["general","returns"],"capacity":{"*":10},)"
            R"("load":{"email":2,"phone":1},"total":3,"tickets":["T-4","T-5","T-7"]})");
  EXPECT_EQ(agents[1].to_json(),
            R"({"id":"A-2","status":"away","queues":["general"],"capacity":{"*":3,"chat":2,"email":1},)"
            R"("load":{"chat":1,"email":1},"total":2,"tickets":["T-6","T-8"]})");
  // 3 agents: 1 online (A-1), 1 away (A-2), 1 offline (A-3); 5 held (3 + 2), none waiting.
  EXPECT_EQ(router.counts().to_json(), R"({"agents":3,"online":1,"away":1,"offline":1,"waiting":0,"assigned":5,"offered":0})");

  // A removed agent is no longer listed, and what it held is no longer counted.
  EXPECT_EQ(router.remove_agent("A-2"), (std::vector<std::string>{"T-6", "T-8"}));
  EXPECT_EQ(ids_of(router.agents()), (std::vector<std::string>{"A-1 online 3", "A-3 offline 0"}));
  const RouterCounts counts = router.counts();
  EXPECT_EQ(std::tie(counts.agents, counts.online, counts.away, counts.offline, counts.waiting, counts.assigned),
            std::make_tuple(2u, 1u, 0u, 1u, 0u, 3u));
}

TEST(Routing, WaitingListsTicketsInTheOrderDispatchServesThem) {
  Router router(load());
  // One chat place, in every queue the tickets wait in.
  router.upsert_agent(agent("A-1", {"general", "returns", "complaints"}, {{"chat", 1}}, {{"returns", 2}}));
  EXPECT_EQ(agent_of(router.route(ticket("T-1"), t0)), "A-1");
  EXPECT_TRUE(router.waiting().empty());
  // Created at 10:00, waiting from 10:01. Due = 10:00 + first_response target (sla_section).
  Ticket low = ticket("T-2");  // low: 30m → 10:30
  low.priority = Priority::low;
  Ticket urgent = ticket("T-3");  // urgent: 1m → 10:01
  urgent.priority = Priority::urgent;
  Ticket normal = ticket("T-4");  // normal: 10m → 10:10
  Ticket vip = ticket("T-5");     // normal, VIP: 2m → 10:02
  vip.customer.tier = "vip";
  // Raised to high by its rule, which orders it as high; its SLA is still that of the ticket as
  // given (the host has recorded no priority change): normal, 10m → 10:10.
  Ticket complaint = ticket("C-1", "complaint/late");
  Ticket ret = ticket("R-1", "after_sales/return");      // normal, queue returns: 10:10, after T-4
  Ticket replied = ticket("N-1");  // replied to at 10:00:30: first_response stopped, no clock runs
  Event reply = Event::of(EventType::agent_reply, t0 + 30s);
  reply.agent = "A-7";
  replied.events.push_back(reply);
  for (const Ticket* t : {&low, &urgent, &normal, &vip, &complaint, &ret, &replied})
    EXPECT_TRUE(router.route(*t, t0 + 1min).waiting) << t->id;
  // Priority first (urgent, high, normal, low); among the normals by due time, none last:
  // T-5 (10:02), then T-4 and R-1 (10:10, by arrival: T-4 came first), then N-1 (no due time).
  const std::vector<std::string> expected{"T-3", "C-1", "T-5", "T-4", "R-1", "N-1", "T-2"};
  const auto waiting = router.waiting();
  EXPECT_EQ(tickets_of(waiting), expected);
  EXPECT_EQ(waiting[1].to_json(), R"({"ticket":"C-1","queue":"complaints","priority":"high","channel":"chat",)"
                                  R"("waiting_since":"2026-03-02T10:01:00Z","due_at":"2026-03-02T10:10:00Z"})");
  EXPECT_EQ(waiting[5].to_json(), R"({"ticket":"N-1","queue":"general","priority":"normal","channel":"chat",)"
                                  R"("waiting_since":"2026-03-02T10:01:00Z","due_at":null})");
  EXPECT_EQ(waiting[4].queue, "returns");
  // 1 agent online, 7 waiting, 1 assigned (T-1).
  EXPECT_EQ(router.counts().to_json(), R"({"agents":1,"online":1,"away":0,"offline":0,"waiting":7,"assigned":1,"offered":0})");
  // Freeing the one place again and again, dispatch serves them in the listed order (at 10:02,
  // before R-1 could overflow at 10:04).
  std::vector<std::string> served;
  std::string held = "T-1";
  for (std::size_t i = 0; i < expected.size(); ++i) {
    router.release("A-1", held);
    const auto decisions = router.dispatch(t0 + 2min);
    ASSERT_EQ(decisions.size(), 1u);
    held = decisions[0].ticket;
    served.push_back(held);
    // What is left is listed in the same order, less the ticket served.
    EXPECT_EQ(tickets_of(router.waiting()), std::vector<std::string>(expected.begin() + static_cast<std::ptrdiff_t>(i) + 1, expected.end()));
  }
  EXPECT_EQ(served, expected);
}

TEST(Routing, ListingsOfARestoredRouterAreTheOriginals) {
  Router router(load());
  router.upsert_agent(agent("A-1", {"general"}, {{"chat", 1}}));
  (void)router.route(ticket("T-1"), t0);
  (void)router.route(ticket("T-2"), t0 + 1min);
  const auto restored = aftersales::Router::restore(load(), router.snapshot());
  EXPECT_EQ(restored.agents()[0].to_json(), router.agents()[0].to_json());
  EXPECT_EQ(tickets_of(restored.waiting()), (std::vector<std::string>{"T-2"}));
  EXPECT_EQ(restored.waiting()[0].to_json(), router.waiting()[0].to_json());
  EXPECT_EQ(restored.counts().to_json(), router.counts().to_json());
}

// --- many threads ---------------------------------------------------------------------------

// Every call of every thread checks the router's invariants (the test's Router does) while
// the others change it: no agent over its chat capacity of 3, every ticket held once or waiting
// once, and the indexes in step. A further thread lists the agents, the waiting tickets and the
// counts all the while, each listing one consistent state, and another explains why the most
// urgent waiting ticket waits.
TEST(Routing, ConcurrentRoutingReleasingAndStatusChangesKeepTheInvariants) {
  Router router(load());
  test::StressConfig config;
  for (int a = 0; a < 6; ++a) {
    config.agents.push_back("A-" + std::to_string(a));
    router.upsert_agent(agent(config.agents.back(), {"general", "returns"}, {{"chat", 3}}, {{"returns", 2}}));
  }
  Agent never = agent("A-off", {"general", "returns"}, {{"chat", 3}}, {{"returns", 2}});
  never.status = AgentStatus::offline;  // no thread ever sets it online
  router.upsert_agent(never);
  config.start = t0 + 1h;
  config.ticket = [](int th, int i) {
    return ticket("T-" + std::to_string(th) + "-" + std::to_string(i), i % 2 ? "after_sales/return" : "general/q");
  };
  std::atomic<int> assigned_offline{0};
  config.on_decision = [&](const RoutingDecision& d) { assigned_offline += d.agent == "A-off" ? 1 : 0; };
  config.on_listing = [](const std::vector<AgentLoad>& agents, const RouterCounts& counts) {
    for (const AgentLoad& a : agents) {
      int on_chat = 0;
      for (const auto& [channel, n] : a.load) on_chat += channel == "chat" ? n : 0;
      // Every ticket is on chat: the load and the total are one count.
      EXPECT_EQ(on_chat, static_cast<int>(a.total));
      EXPECT_LE(a.total, 3u) << a.id;
      if (a.id == "A-off") {
        EXPECT_EQ(a.total, 0u);
      }
    }
    EXPECT_EQ(counts.agents, 7u);
    EXPECT_LE(counts.assigned, 6u * 3u);
  };
  config.explain_limit = 7;
  config.on_explanation = [](const WaitExplanation& e) {
    EXPECT_EQ(e.agents, 7u);
    EXPECT_EQ(e.listed.size(), 7u);
    for (const auto& a : e.listed) {
      if (a.agent == "A-off") {
        EXPECT_EQ(a.reason, WaitReason::not_online);
      }
    }
  };
  config.places = 6 * 3;  // 6 agents of 3 chats; A-off is never online
  test::Stress(router, config).run();
  EXPECT_EQ(assigned_offline.load(), 0);
}

}  // namespace
