// Capacity in units (issue 17 point 2, docs/routing.md "Capacity in units"): each channel costs
// units of an agent's total, and both the per-channel capacity and the units hold at once.
// Expected decisions are worked out by hand in the comments beside them.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "routing_stress.hpp"
#include "test_support.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

const Instant t0 = test::at("2026-03-02T10:00:00Z");

std::shared_ptr<const Policy> units_policy(std::string_view units = R"({"voice": 5, "chat": 2, "email": 1})") {
  std::string doc = R"({"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk",
    "assignment": {"strategy": "least_loaded"}, "units": )";
  doc += units;
  return Policy::from_json(doc + "}}");
}

Agent unit_agent(std::string id, std::optional<int> units, std::vector<std::pair<std::string, int>> capacity = {{"*", 10}}) {
  Agent a;
  a.id = std::move(id);
  a.queues = {"desk"};
  a.capacity = std::move(capacity);
  a.units = units;
  return a;
}

Ticket on(std::string id, std::string channel) {
  Ticket t;
  t.id = std::move(id);
  t.created_at = t0;
  t.category = "general/question";
  t.channel = std::move(channel);
  return t;
}

// Routes and checks the router's invariants after the call.
std::string route(Router& router, const Ticket& ticket, Instant when = t0) {
  const auto decision = router.route(ticket, when);
  router.check_invariants();
  return decision.agent.value_or("(waits)");
}

TEST(RoutingUnits, BothLimitsHoldAtOnce) {
  Router router(units_policy());
  // 10 units; at most 1 voice, 5 chats and 10 e-mails at once.
  router.upsert_agent(unit_agent("A", 10, {{"voice", 1}, {"chat", 5}, {"email", 10}}));
  EXPECT_EQ(route(router, on("V1", "voice")), "A");  // 0 + 5 = 5 of 10 units
  EXPECT_EQ(route(router, on("C1", "chat")), "A");   // 5 + 2 = 7
  EXPECT_EQ(route(router, on("C2", "chat")), "A");   // 7 + 2 = 9
  // 2 of 5 chats, room by channel; but 9 + 2 = 11 > 10 units.
  const auto c3 = router.route(on("C3", "chat"), t0);
  EXPECT_TRUE(c3.waiting);
  // Out of units counts among those at capacity in the waiting reason.
  EXPECT_EQ(c3.reasons.back(), R"(no eligible agent in queue "desk" (0 not online, 1 at capacity, 0 without the skills): waiting)");
  // explain names the units as the first criterion A fails for the chat.
  ExplainOptions options;
  options.limit = 1;
  const WaitExplanation why = router.explain("C3", options);
  ASSERT_EQ(why.listed.size(), 1u);
  EXPECT_EQ(why.listed[0].reason, WaitReason::units);
  EXPECT_EQ(why.listed[0].text, R"(9 of 10 units used, "chat" costs 2)");
  EXPECT_EQ(why.summary[static_cast<std::size_t>(WaitReason::units)].text, R"(1 without the units for "chat")");
  EXPECT_EQ(route(router, on("E1", "email")), "A");    // 9 + 1 = 10 of 10: fits exactly
  EXPECT_EQ(route(router, on("E2", "email")), "(waits)");  // 10 + 1 > 10
  EXPECT_EQ(route(router, on("V2", "voice")), "(waits)");  // voice 1 of 1, and 10 + 5 > 10
  const AgentLoad a = router.agents()[0];
  EXPECT_EQ(a.units, 10);
  EXPECT_EQ(a.units_used, 10);  // 5 + 2 + 2 + 1
  EXPECT_EQ(a.to_json(),
            R"({"id":"A","status":"online","queues":["desk"],"capacity":{"chat":5,"email":10,"voice":1},)"
            R"("load":{"chat":2,"email":1,"voice":1},"total":4,"tickets":["C1","C2","E1","V1"],"units":10,"units_used":10})");

  // The voice call ends: 5 units free. Waiting, by arrival: C3 (chat), E2 (email), V2 (voice).
  router.release("A", "V1");
  const auto decisions = router.dispatch(t0 + 1min);
  router.check_invariants();
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].ticket, "C3");  // 5 + 2 = 7
  EXPECT_EQ(decisions[1].ticket, "E2");  // 7 + 1 = 8; V2 would make 8 + 5 = 13 > 10: it waits on
  EXPECT_EQ(router.waiting_count(), 1u);
}

TEST(RoutingUnits, LeastLoadedComparesTheShareOfTheTighterLimit) {
  Router router(units_policy());
  router.upsert_agent(unit_agent("A", 10));  // 10 chats or 10 units: 5 chats fill the units
  router.upsert_agent(unit_agent("B", 4));   // 2 chats fill its units
  // Each chat costs 2; the load compared is max(chats / 10, units used / units).
  std::vector<std::string> got;
  for (int i = 1; i <= 8; ++i) got.push_back(route(router, on("T" + std::to_string(i), "chat")));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "A",        // T1: A 0 = B 0, the smaller id; A then 2/10 units
                     "B",        // T2: B 0 < A 0.2; B then 2/4 = 0.5
                     "A",        // T3: A 0.2 < B 0.5; A then 4/10
                     "A",        // T4: A 0.4 < B 0.5; A then 6/10
                     "B",        // T5: B 0.5 < A 0.6; B then 4/4, full
                     "A",        // T6: A 0.6, B full; A then 8/10
                     "A",        // T7: A 0.8; A then 10/10, full
                     "(waits)",  // T8: both full on units, with 2 and 5 chats of 10
                 }));
  // The reason shows the units that ranked the agent, as they were when it was chosen.
  const auto t9 = [&] {
    router.release("A", "T1");  // A: 8 of 10 units, 4 chats; T8 takes the place
    return router.dispatch(t0 + 1min);
  }();
  ASSERT_EQ(t9.size(), 1u);
  EXPECT_EQ(t9[0].reasons.back(), R"(least_loaded: A had the lowest load among eligible agents (4 of 10 on "chat", 8 of 10 units))");
}

TEST(RoutingUnits, ChannelsNotPricedCostTheDefaultOrNothing) {
  // No "*": an SMS costs no units, so an agent out of units still takes SMS up to its capacity.
  Router free_sms(units_policy());
  free_sms.upsert_agent(unit_agent("A", 2));
  EXPECT_EQ(route(free_sms, on("C1", "chat")), "A");  // 2 of 2 units
  EXPECT_EQ(route(free_sms, on("S1", "sms")), "A");   // costs 0: fits
  EXPECT_EQ(route(free_sms, on("C2", "chat")), "(waits)");
  // With "*": 1, an SMS costs a unit like any channel not listed.
  Router priced(units_policy(R"({"chat": 2, "*": 1})"));
  priced.upsert_agent(unit_agent("A", 2));
  EXPECT_EQ(route(priced, on("C1", "chat")), "A");
  EXPECT_EQ(route(priced, on("S1", "sms")), "(waits)");  // 2 + 1 > 2
}

TEST(RoutingUnits, AnAgentWithoutUnitsIsLimitedByChannelsOnly) {
  Router router(units_policy());
  router.upsert_agent(unit_agent("A", std::nullopt, {{"voice", 3}}));
  for (const char* id : {"V1", "V2", "V3"}) EXPECT_EQ(route(router, on(id, "voice")), "A");  // 15 units, no unit limit
  EXPECT_EQ(route(router, on("V4", "voice")), "(waits)");  // 3 of 3 voice
  const AgentLoad a = router.agents()[0];
  EXPECT_FALSE(a.units.has_value());
  EXPECT_EQ(a.units_used, 15);
  EXPECT_EQ(a.to_json().find("units"), std::string::npos);  // the listing is as before units existed
  // Given a unit limit below what it holds, it keeps its tickets and takes no more.
  router.release("A", "V1");
  router.upsert_agent(unit_agent("A", 5, {{"voice", 3}}));
  router.check_invariants();
  EXPECT_TRUE(router.dispatch(t0 + 1min).empty());  // 10 + 5 > 5 units
  router.check_invariants();
  router.release("A", "V2");
  router.release("A", "V3");
  const auto decisions = router.dispatch(t0 + 2min);  // 0 + 5 = 5 of 5
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].ticket, "V4");
}

TEST(RoutingUnits, SnapshotsCarryUnitsAndOldVersionsStillRestore) {
  Router router(units_policy());
  router.upsert_agent(unit_agent("A", 4));
  router.upsert_agent(unit_agent("B", std::nullopt, {{"chat", 1}}));
  (void)route(router, on("C1", "chat"));  // A: 0 < B: 0? tie, A by id; A 2/4 units
  (void)route(router, on("C2", "chat"));  // B 0 < A 0.5
  (void)route(router, on("C3", "chat"));  // A 0.5, B full; A 4/4
  const std::string text = router.snapshot();
  EXPECT_EQ(text.find(R"({"format":"aftersales.router","version":3,)"), 0u);
  EXPECT_NE(text.find(R"("capacity":{"*":10},"units":4,"status":"online")"), std::string::npos);
  const Router restored = Router::restore(units_policy(), text);
  restored.check_invariants();
  EXPECT_EQ(restored.snapshot(), text);
  EXPECT_EQ(restored.agents()[0].to_json(), router.agents()[0].to_json());  // units used recounted: 4
  // A version 2 snapshot (no units) still restores, and is written back as version 3.
  Router plain(units_policy());
  plain.upsert_agent(unit_agent("B", std::nullopt, {{"chat", 1}}));
  (void)route(plain, on("C1", "chat"));
  std::string v2 = plain.snapshot();
  v2.replace(v2.find(R"("version":3)"), 11, R"("version":2)");
  EXPECT_EQ(Router::restore(units_policy(), v2).snapshot(), plain.snapshot());
}

TEST(RoutingUnits, BadCostsAndUnitsAreNamedWithTheirPaths) {
  try {
    (void)units_policy(R"({"chat": -1, "voice": 2000000})");
    FAIL() << "expected a PolicyError";
  } catch (const PolicyError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("routing.units.chat: a channel's cost in units must be a whole number from 0 to 1000000, not -1"), what.npos) << what;
    EXPECT_NE(what.find("routing.units.voice:"), what.npos) << what;
  }
  try {
    (void)Agent::from_json(R"({"id": "A", "capacity": {"*": 1}, "units": -3})");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("units: an agent's units must be a whole number from 0 to 1000000, not -3"), std::string::npos)
        << e.what();
  }
  Router router(units_policy());
  EXPECT_THROW(router.upsert_agent(unit_agent("A", -1)), InputError);
  EXPECT_EQ(Agent::from_json(R"({"id": "A", "capacity": {"*": 1}, "units": 7})").units, 7);
  EXPECT_EQ(unit_agent("A", 7, {{"*", 1}}).to_json(), R"({"id":"A","queues":["desk"],"skills":{},"languages":[],"capacity":{"*":1},"units":7,"status":"online"})");
}

// Threads route tickets of every channel, release them, change statuses and dispatch, checking
// the invariants after each call (units used are the cost of what each agent holds, the room
// and the load buckets agree with both limits), while a further thread lists the agents: no
// listing shows an agent past its units or a channel's capacity, or units that disagree with
// its load.
TEST(RoutingUnits, ConcurrentRoutingKeepsBothLimits) {
  Router router(units_policy());
  test::StressConfig config;
  for (int a = 0; a < 5; ++a) {
    config.agents.push_back("A-" + std::to_string(a));
    router.upsert_agent(unit_agent(config.agents.back(), 6, {{"voice", 1}, {"chat", 3}, {"email", 4}}));
  }
  config.off = AgentStatus::away;
  config.threads = 3;
  config.per_thread = 1200;
  config.seed = 7;
  config.start = t0 + 1h;
  config.check_each_call = true;
  config.ticket = [](int th, int i) {
    const char* channels[] = {"voice", "chat", "email"};
    return on("T-" + std::to_string(th) + "-" + std::to_string(i), channels[(th * 7 + i * 5) % 3]);
  };
  config.on_listing = [](const std::vector<AgentLoad>& agents, const RouterCounts&) { test::expect_within_units(agents, 6); };
  test::Stress(router, config).run();
}

}  // namespace
