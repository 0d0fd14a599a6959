// Offers in the listings, answers refused before the offer, and the bound on what a ticket
// keeps of its declines (issue 17 point 3; docs/routing.md "Offers" and "Listings"). Expected
// values are worked out by hand in the comments beside them.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

const Instant t0 = test::at("2026-03-02T10:00:00Z");

std::shared_ptr<const Policy> desk_policy(std::string_view no_reoffer = "10m", bool offers = true) {
  std::string doc = R"({"schema_version": 1, "routing": {"queues": [{"id": "desk"}], "default_queue": "desk",
    "assignment": {"strategy": "least_loaded"})";
  if (offers) doc.append(R"(, "offers": {"push_timeout": "30s", "no_reoffer": ")").append(no_reoffer).append("\"}");
  return Policy::from_json(doc + "}}");
}

Agent chat_agent(std::string id, int chats) {
  Agent a;
  a.id = std::move(id);
  a.queues = {"desk"};
  a.capacity = {{"chat", chats}};
  return a;
}

// Created at 10:00 on the chat channel, for a customer whose id no message may echo.
Ticket chat(const std::string& id) {
  return Ticket::from_json(R"({"id": ")" + id +
                           R"(", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "customer": {"id": "C-private-7"}})");
}

Router agents_of(std::shared_ptr<const Policy> policy, int chats, std::initializer_list<const char*> ids) {
  Router router(std::move(policy));
  for (const char* id : ids) router.upsert_agent(chat_agent(id, chats));
  EXPECT_TRUE(router.dispatch(t0).empty());
  return router;
}

TEST(RoutingOfferListings, CountsAndAgentsShowOffersApartFromAcceptedTickets) {
  Router router = agents_of(desk_policy(), 2, {"A", "B"});
  // least_loaded, A and B each with room for two chats:
  // 10:00:00 T-1: both 0/2, tie to the smaller id -> offered to A.
  // 10:00:01 T-2: A 1/2, B 0/2 -> B.   10:00:02 T-3: both 1/2 -> A.
  EXPECT_EQ(router.route(chat("T-1"), t0).agent, "A");
  EXPECT_EQ(router.route(chat("T-2"), t0 + 1s).agent, "B");
  EXPECT_EQ(router.route(chat("T-3"), t0 + 2s).agent, "A");
  router.accept("A", "T-1", t0 + 3s);

  // Held: A T-1 (accepted) and T-3 (offered), B T-2 (offered): 3 assigned, of which 2 on offer.
  const RouterCounts counts = router.counts();
  EXPECT_EQ(counts.assigned, 3u);
  EXPECT_EQ(counts.offered, 2u);
  EXPECT_EQ(counts.to_json(),
            R"({"agents":2,"online":2,"away":0,"offline":0,"waiting":0,"assigned":3,"offered":2})");
  const auto agents = router.agents();
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents[0].to_json(), R"({"id":"A","status":"online","queues":["desk"],"capacity":{"chat":2},)"
                                 R"("load":{"chat":2},"total":2,"tickets":["T-1","T-3"],"offered":["T-3"]})");
  EXPECT_EQ(agents[1].offered, std::vector<std::string>{"T-2"});

  // B declines T-2: it waits (A is full, B barred); A accepts T-3: nothing is on offer.
  router.decline("B", "T-2", t0 + 4s);
  router.accept("A", "T-3", t0 + 4s);
  EXPECT_TRUE(router.dispatch(t0 + 5s).empty());
  EXPECT_EQ(router.counts().to_json(),
            R"({"agents":2,"online":2,"away":0,"offline":0,"waiting":1,"assigned":2,"offered":0})");
  EXPECT_EQ(router.agents()[0].offered, std::vector<std::string>{});
  EXPECT_EQ(router.agents()[1].to_json(), R"({"id":"B","status":"online","queues":["desk"],"capacity":{"chat":2},)"
                                          R"("load":{},"total":0,"tickets":[],"offered":[]})");
}

TEST(RoutingOfferListings, WithoutOffersTheAgentListingIsUnchanged) {
  Router router = agents_of(desk_policy("10m", false), 1, {"A"});
  EXPECT_EQ(router.route(chat("T-1"), t0).agent, "A");  // assigned: no offer
  EXPECT_FALSE(router.agents()[0].offered.has_value());
  EXPECT_EQ(router.agents()[0].to_json(), R"({"id":"A","status":"online","queues":["desk"],"capacity":{"chat":1},)"
                                          R"("load":{"chat":1},"total":1,"tickets":["T-1"]})");
  EXPECT_EQ(router.counts().offered, 0u);
}

TEST(RoutingOfferListings, AnAnswerBeforeTheOfferIsRefusedAndChangesNothing) {
  Router router = agents_of(desk_policy(), 1, {"A", "B"});
  EXPECT_EQ(router.route(chat("T-1"), t0).agent, "A");  // offered at 10:00:00 until 10:00:30
  const std::string before = router.snapshot();
  const std::string early = test::error_of<InputError>([&] { router.decline("A", "T-1", t0 - 1s); });
  EXPECT_EQ(early, "cannot decline the offer of ticket \"T-1\" to \"A\" at 2026-03-02T09:59:59Z: it was made at "
                   "2026-03-02T10:00:00Z, after that");
  EXPECT_EQ(test::error_of<InputError>([&] { router.accept("A", "T-1", t0 - 1ms); }).substr(0, 26), "cannot accept the offer of");
  EXPECT_EQ(early.find("C-private-7"), std::string::npos);
  EXPECT_EQ(router.snapshot(), before);

  // A declines at 10:00:05; the dispatch at 10:00:20 offers T-1 to B, made then: an answer at
  // 10:00:10, after the route but before this offer, is refused; at 10:00:20 itself it is taken.
  router.decline("A", "T-1", t0 + 5s);
  EXPECT_EQ(router.dispatch(t0 + 20s).at(0).agent, "B");
  EXPECT_NE(test::error_of<InputError>([&] { router.accept("B", "T-1", t0 + 10s); }).find("it was made at 2026-03-02T10:00:20Z"),
            std::string::npos);
  router.accept("B", "T-1", t0 + 20s);
  EXPECT_EQ(router.counts().offered, 0u);
}

TEST(RoutingOfferListings, ATicketKeepsOnlyTheBarsInForce) {
  Router router = agents_of(desk_policy(), 1, {"A", "B"});
  // 10:00:00 T-1 -> A; A declines at 10:00:01 (barred until 10:10:01); the dispatch offers it
  // to B, who declines at 10:00:02 (barred until 10:10:02); the dispatch finds nobody.
  router.route(chat("T-1"), t0);
  router.decline("A", "T-1", t0 + 1s);
  EXPECT_EQ(router.dispatch(t0 + 1s).at(0).agent, "B");
  router.decline("B", "T-1", t0 + 2s);
  EXPECT_TRUE(router.dispatch(t0 + 2s).empty());
  // 10:10:01: A's bar is over (its timer drops it): offered to A again, B's bar on it still in
  // force until 10:10:02, and over by the time A declines at 10:10:05 -- the ticket then keeps
  // A's new bar only, until 10:20:05 (B's is not carried along, though no timer fired for it
  // while the ticket was offered).
  EXPECT_EQ(router.dispatch(t0 + 10min + 1s).at(0).agent, "A");
  router.decline("A", "T-1", t0 + 10min + 5s);
  const auto until = std::to_string((t0 + 20min + 5s).time_since_epoch().count());
  const std::string snapshot = router.snapshot();
  EXPECT_NE(snapshot.find(R"([["A",)" + until + "]],null,true]"), std::string::npos) << snapshot;
  // B is no longer barred: the dispatch offers it T-1.
  EXPECT_EQ(router.dispatch(t0 + 10min + 6s).at(0).agent, "B");
  router.check_invariants();
}

TEST(RoutingOfferListings, ADecisionCarriesOnlyTheLastDeclineHoweverOftenTheTicketReturns) {
  // One agent, a bar of 1s: offered at m, declined at m+1s, barred until m+2s, offered again by
  // the dispatch at m+3s. Each new offer names the one decline since the last offer, never the
  // earlier ones, and the ticket's record keeps one bar at most.
  Router router = agents_of(desk_policy("1s"), 1, {"A"});
  Instant made = t0;
  router.route(chat("T-1"), made);
  for (int round = 0; round < 50; ++round) {
    router.decline("A", "T-1", made + 1s);
    const auto decisions = router.dispatch(made + 3s);
    ASSERT_EQ(decisions.size(), 1u);
    const auto& reasons = decisions[0].reasons;
    EXPECT_EQ(std::count_if(reasons.begin(), reasons.end(),
                            [](const std::string& r) { return r.starts_with("declined by A"); }),
              1);
    EXPECT_NE(std::find(reasons.begin(), reasons.end(), "declined by A at " + format_instant(made + 1s)), reasons.end());
    made += 3s;
  }
  router.check_invariants();
  // The last offer was made at 10:02:30 (50 rounds of 3s), until 10:03:00; the bar of 10:02:28's
  // decline ended at 10:02:29: no bar is kept.
  const auto expires = std::to_string((t0 + 180s).time_since_epoch().count());
  EXPECT_NE(router.snapshot().find(R"(,[],["A",)" + expires + "],false]"), std::string::npos);
}

}  // namespace
