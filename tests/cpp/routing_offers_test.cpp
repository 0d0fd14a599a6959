// Offers (issue 17 point 3, docs/routing.md "Offers"): a route or a dispatch offers the ticket to
// the agent it picks; the agent accepts or declines it; an offer not accepted within the push
// timeout lapses at dispatch; a declined or lapsed ticket waits again under its original arrival
// and is not offered to that agent again for `no_reoffer`; loads count from the offer. Expected
// decisions are worked out by hand in the comments beside them.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routing_stress.hpp"
#include "test_support.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

const Instant t0 = test::at("2026-03-02T10:00:00Z");

constexpr std::string_view offers_section = R"("offers": {"push_timeout": "30s", "no_reoffer": "10m"})";

std::shared_ptr<const Policy> desk_policy(std::string_view offers = offers_section) {
  std::string doc = R"({"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk",
    "assignment": {"strategy": "least_loaded"})";
  if (!offers.empty()) doc.append(", ").append(offers);
  return Policy::from_json(doc + "}}");
}

Agent chat_agent(std::string id) {
  Agent a;
  a.id = std::move(id);
  a.queues = {"desk"};
  a.capacity = {{"chat", 1}};
  return a;
}

Ticket chat(std::string id, std::string category = "general/question") {
  Ticket t;
  t.id = std::move(id);
  t.created_at = t0;
  t.category = std::move(category);
  t.channel = "chat";
  return t;
}

// The router's two agents A and B, each with room for one chat, and the dispatch after their
// joining done (nobody is marked freed any more).
Router two_agents(std::shared_ptr<const Policy> policy = desk_policy()) {
  Router router(std::move(policy));
  router.upsert_agent(chat_agent("A"));
  router.upsert_agent(chat_agent("B"));
  EXPECT_TRUE(router.dispatch(t0).empty());
  return router;
}

std::vector<std::string> tickets_of(const std::vector<WaitingTicket>& waiting) {
  std::vector<std::string> ids;
  for (const auto& w : waiting) ids.push_back(w.ticket);
  return ids;
}

bool has_reason(const RoutingDecision& d, std::string_view text) {
  for (const auto& reason : d.reasons)
    if (reason.find(text) != std::string::npos) return true;
  return false;
}

// The worked example of docs/routing.md, "Offers", step by step.
TEST(RoutingOffers, DeclinesAndLapsesKeepTheArrivalAndBarTheAgent) {
  Router router = two_agents();
  // 10:00:00 T-1: A and B both 0 of 1, the tie to the smaller id: offered to A until 10:00:30.
  const auto d1 = router.route(chat("T-1"), t0);
  EXPECT_EQ(d1.agent, "A");
  EXPECT_EQ(d1.offer_expires_at, t0 + 30s);
  EXPECT_FALSE(d1.waiting);
  EXPECT_TRUE(has_reason(d1, "offered to A until 2026-03-02T10:00:30Z"));
  // The offer counts in A's load: 10:00:05 T-2 goes to B, until 10:00:35; 10:00:10 T-3 waits.
  EXPECT_EQ(router.agents()[0].total, 1u);
  EXPECT_EQ(router.route(chat("T-2"), t0 + 5s).agent, "B");
  EXPECT_TRUE(router.route(chat("T-3"), t0 + 10s).waiting);

  // 10:00:12 A declines T-1: it waits again under its arrival of 10:00:00, before T-3 (10:00:10);
  // A is free and barred from T-1 until 10:10:12.
  router.decline("A", "T-1", t0 + 12s);
  EXPECT_EQ(router.agents()[0].total, 0u);
  EXPECT_EQ(tickets_of(router.waiting()), (std::vector<std::string>{"T-1", "T-3"}));
  EXPECT_EQ(router.waiting()[0].waiting_since, t0);

  // Why T-1 waits: A, free, declined it (barred until 10:10:12); B is at capacity (1 of 1).
  ExplainOptions options;
  options.limit = 2;
  const WaitExplanation e = router.explain("T-1", options);
  ASSERT_EQ(e.listed.size(), 2u);
  EXPECT_EQ(e.listed[0].reason, WaitReason::declined);
  EXPECT_EQ(e.listed[0].barred_until, t0 + 10min + 12s);
  EXPECT_EQ(e.listed[0].text, "declined an offer of it or let one lapse: not offered it again before 2026-03-02T10:10:12Z");
  EXPECT_EQ(e.listed[1].reason, WaitReason::at_capacity);
  EXPECT_FALSE(e.listed[1].barred_until);
  ASSERT_EQ(e.summary.size(), 8u);  // the seven reasons, then declined
  EXPECT_EQ(e.summary[7].reason, WaitReason::declined);
  EXPECT_EQ(e.summary[7].agents, 1u);
  EXPECT_EQ(e.summary[6].agents, 0u);  // nobody eligible

  // 10:00:15 dispatch: T-1 first, but A is barred and B full; T-3 goes to A until 10:00:45.
  auto decisions = router.dispatch(t0 + 15s);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].ticket, "T-3");
  EXPECT_EQ(decisions[0].agent, "A");
  EXPECT_EQ(decisions[0].offer_expires_at, t0 + 45s);

  // 10:00:40 dispatch: B let T-2 lapse at 10:00:35 (barred until 10:10:35); T-1 (arrival 10:00:00)
  // comes before T-2 (10:00:05): B takes T-1 until 10:01:10; A holds T-3, so T-2 waits.
  decisions = router.dispatch(t0 + 40s);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].ticket, "T-1");
  EXPECT_EQ(decisions[0].agent, "B");
  EXPECT_EQ(decisions[0].offer_expires_at, t0 + 70s);
  EXPECT_TRUE(has_reason(decisions[0], "declined by A at 2026-03-02T10:00:12Z"));
  EXPECT_EQ(tickets_of(router.waiting()), (std::vector<std::string>{"T-2"}));
  EXPECT_EQ(router.waiting()[0].waiting_since, t0 + 5s);

  // B's lapsed offer cannot be accepted; A's can, once.
  EXPECT_NE(test::error_of<Error>([&] { router.accept("B", "T-2", t0 + 41s); }).find("holds no offer of ticket \"T-2\" (the ticket waits"),
            std::string::npos);
  router.accept("A", "T-3", t0 + 41s);
  EXPECT_NE(test::error_of<Error>([&] { router.accept("A", "T-3", t0 + 42s); }).find("the agent accepted it already"), std::string::npos);

  // 10:00:50: A done with T-3; A was never barred from T-2: offered it until 10:01:20.
  router.release("A", "T-3");
  decisions = router.dispatch(t0 + 50s);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].ticket, "T-2");
  EXPECT_EQ(decisions[0].agent, "A");

  // 10:01:10 is T-1's expiry: too late to accept, and the refusal changes nothing.
  EXPECT_NE(test::error_of<Error>([&] { router.accept("B", "T-1", t0 + 70s); }).find("expired at 2026-03-02T10:01:10Z"), std::string::npos);
  EXPECT_EQ(router.agents()[1].tickets, (std::vector<std::string>{"T-1"}));

  // 10:10:40: both offers lapsed (T-1 at 10:01:10: B barred until 10:11:10; T-2 at 10:01:20: A
  // barred until 10:11:20). A's bar on T-1 ended at 10:10:12 and B's on T-2 at 10:10:35: T-1
  // (first by arrival) goes to A, T-2 to B.
  decisions = router.dispatch(t0 + 10min + 40s);
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].ticket, "T-1");
  EXPECT_EQ(decisions[0].agent, "A");
  EXPECT_EQ(decisions[1].ticket, "T-2");
  EXPECT_EQ(decisions[1].agent, "B");
  router.check_invariants();
}

// An agent that leaves or stops being online hands its offers back unbarred; remove_agent
// returns only what the agent accepted; withdraw and release end an offer.
TEST(RoutingOffers, HandedBackOffersAndTheOtherWaysOut) {
  Router router = two_agents();
  EXPECT_EQ(router.route(chat("T-1"), t0).agent, "A");
  router.set_status("A", AgentStatus::offline);
  EXPECT_EQ(tickets_of(router.waiting()), (std::vector<std::string>{"T-1"}));
  // B was never freed, yet the ticket handed back is tried: B takes it.
  auto decisions = router.dispatch(t0 + 1s);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].agent, "B");
  EXPECT_TRUE(has_reason(decisions[0], "offer to A handed back: the agent went offline"));
  // A is not barred: back online, it takes T-1 once B declines it.
  router.set_status("A", AgentStatus::online);
  router.decline("B", "T-1", t0 + 2s);
  decisions = router.dispatch(t0 + 3s);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].agent, "A");

  // A accepts T-1 and widens to 2 chats (1 of 2). T-2 goes to B (ratio 0 below A's 1/2), T-3 to
  // A (B is full). Leaving, A returns T-1 to the host and hands T-3 back to waiting.
  router.accept("A", "T-1", t0 + 4s);
  Agent wide = chat_agent("A");
  wide.capacity = {{"chat", 2}};
  router.upsert_agent(wide);
  EXPECT_EQ(router.route(chat("T-2"), t0 + 5s).agent, "B");
  EXPECT_EQ(router.route(chat("T-3"), t0 + 6s).agent, "A");
  EXPECT_EQ(router.remove_agent("A"), (std::vector<std::string>{"T-1"}));
  EXPECT_EQ(tickets_of(router.waiting()), (std::vector<std::string>{"T-3"}));
  // Withdrawing B's offer of T-2 frees B; once only.
  EXPECT_TRUE(router.withdraw("T-2"));
  EXPECT_FALSE(router.withdraw("T-2"));
  EXPECT_EQ(router.agents()[0].total, 0u);
  // T-3 is offered to B, who releases it: the ticket is gone.
  decisions = router.dispatch(t0 + 7s);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].ticket, "T-3");
  EXPECT_EQ(decisions[0].agent, "B");
  router.release("B", "T-3");
  EXPECT_EQ(router.waiting_count(), 0u);
  EXPECT_EQ(router.counts().assigned, 0u);
  EXPECT_FALSE(router.withdraw("T-3"));
  router.check_invariants();
}

// Without an offers section, decisions and snapshots are as before: direct assignments and
// snapshot version 3; with it, version 4, carrying the offers, the bars and the returns, and a
// restored router goes on as the original does.
TEST(RoutingOffers, SnapshotsCarryOffersAndBars) {
  Router plain = two_agents(desk_policy(""));
  const auto direct = plain.route(chat("T-1"), t0);
  EXPECT_FALSE(direct.offer_expires_at);
  EXPECT_EQ(direct.to_json().find("offer_expires_at"), std::string::npos);
  EXPECT_EQ(plain.snapshot().rfind(R"({"format":"aftersales.router","version":3,)", 0), 0u);

  Router router = two_agents();
  const auto offered = router.route(chat("T-1"), t0);
  EXPECT_NE(offered.to_json().find(R"("offer_expires_at":"2026-03-02T10:00:30Z")"), std::string::npos);
  (void)router.route(chat("T-2"), t0 + 5s);   // B
  (void)router.route(chat("T-3"), t0 + 10s);  // waits
  router.decline("A", "T-1", t0 + 12s);       // T-1 waits, returned, A barred until 10:10:12
  const std::string text = router.snapshot();
  EXPECT_EQ(text.rfind(R"({"format":"aftersales.router","version":4,)", 0), 0u);
  // Arrival order: T-1 (waiting, A barred, back from an offer), T-2 (offered to B until
  // 10:00:35 = 1772445635000 ms), T-3 (waiting).
  EXPECT_NE(text.find(R"([["A",1772446212000]],null,true]})"), std::string::npos) << text;
  EXPECT_NE(text.find(R"([],["B",1772445635000],false]})"), std::string::npos) << text;
  Router restored = Router::restore(desk_policy(), text);
  restored.check_invariants();
  EXPECT_EQ(restored.snapshot(), text);
  // Both go on alike: at 10:00:15 T-1 is tried (it came back), A is barred, so T-3 goes to A.
  for (Router* r : {&router, &restored}) {
    const auto decisions = r->dispatch(t0 + 15s);
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].ticket, "T-3");
    EXPECT_EQ(decisions[0].agent, "A");
  }
  EXPECT_EQ(restored.snapshot(), router.snapshot());
  // Restore refuses what no router reaches: T-2 offered to B, who is barred from it (until
  // 1772446000000 ms, after the offer was made at 1772445605000).
  std::string barred = text;
  const std::string offered_line = R"([],["B",1772445635000],false]})";
  barred.replace(barred.find(offered_line), offered_line.size(), R"([["B",1772446000000]],["B",1772445635000],false]})");
  EXPECT_NE(test::error_of<Error>([&] { (void)Router::restore(desk_policy(), barred); }).find("ticket \"T-2\" is offered to B, who is barred from it"),
            std::string::npos);
  // A version 4 snapshot with an offer needs a policy with offers.
  EXPECT_NE(test::error_of<Error>([&] { (void)Router::restore(desk_policy(""), text); }).find("the policy's routing section has no offers"),
            std::string::npos);
}

TEST(RoutingOffers, ThePolicySectionIsChecked) {
  EXPECT_NE(test::error_of<Error>([] { (void)desk_policy(R"("offers": {"push_timeout": "0s", "no_reoffer": "10m"})"); })
                .find("routing.offers.push_timeout: must be longer than zero, not 0s"),
            std::string::npos);
  EXPECT_NE(test::error_of<Error>([] { (void)desk_policy(R"("offers": {"push_timeout": "30s"})"); }).find("routing.offers.no_reoffer"),
            std::string::npos);
  EXPECT_NE(test::error_of<Error>([] { (void)desk_policy(R"("offers": {"push_timeout": "30s", "no_reofer": "1m"})"); }).find("no_reoffer"),
            std::string::npos);
}

// The concurrency stress test with offers, capacity units and a relaxation ladder at once: the
// clock moves a second a call, so offers lapse (push timeout 30s), bars end (2 minutes) and
// ladder steps fire (senior dropped after 20s, the overflow queue added after 40s, returns
// dropped after 60s) while threads accept, decline, release and change statuses. Every call
// checks the invariants (an offered ticket held by one agent, loads the offers and assignments,
// no offer to a barred agent, both capacity limits); every listing shows both limits kept.
TEST(RoutingOffers, ConcurrentOffersUnitsAndLaddersKeepTheInvariants) {
  const auto policy = Policy::from_json(R"({"schema_version": 1, "routing": {
    "queues": [{"id": "desk"}, {"id": "overflow"}], "default_queue": "desk",
    "rules": [{"id": "returns", "when": {"field": "category", "prefix": "returns/"}, "queue": "desk",
               "skills": {"returns": 2, "senior": 1},
               "steps": [{"after": "20s", "drop": ["senior"]}, {"after": "40s", "queue": "overflow"},
                         {"after": "60s", "drop": ["returns"]}]}],
    "assignment": {"strategy": "least_loaded"}, "units": {"voice": 5, "chat": 2, "email": 1},
    "offers": {"push_timeout": "30s", "no_reoffer": "2m"}}})");
  Router router(policy);
  test::StressConfig config;
  for (int a = 0; a < 6; ++a) {
    Agent agent;
    agent.id = "A-" + std::to_string(a);
    agent.queues = {a < 4 ? "desk" : "overflow"};
    agent.capacity = {{"voice", 1}, {"chat", 3}, {"email", 4}};
    agent.units = 6;
    if (a % 2 == 0) agent.skills = {{"returns", 2}};
    if (a == 0) agent.skills.emplace_back("senior", 1);
    router.upsert_agent(agent);
    config.agents.push_back(agent.id);
  }
  config.off = AgentStatus::away;
  config.threads = 3;
  config.per_thread = 600;
  config.seed = 17;
  config.start = t0;
  config.clock_moves = true;
  config.check_each_call = true;
  config.ticket = [](int th, int i) {
    const char* channels[] = {"voice", "chat", "email"};
    Ticket t = chat("T-" + std::to_string(th) + "-" + std::to_string(i), i % 2 ? "returns/refund" : "general/q");
    t.channel = channels[(th + i) % 3];
    return t;
  };
  config.on_listing = [](const std::vector<AgentLoad>& agents, const RouterCounts&) { test::expect_within_units(agents, 6); };
  config.explain_limit = 6;
  test::Stress(router, config).run();
}

}  // namespace
