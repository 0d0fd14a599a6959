// One ticket with many events (issue 11) through every engine that replays its history: the
// SLA report, KPI counting and routing give the hand-worked results, cost time in proportion
// to the events, and refuse a ticket over max_ticket_events.
//
// The calendar is 24x7 in UTC, so business time is elapsed time. Instants in the expected
// lines are offsets from t0 in seconds ("+600s"); a pair or round i starts at 600i s.

#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;
using test::alternating_ticket;
using test::reopening_ticket;

const Instant t0 = test::at("2026-03-02T10:00:00Z");

// Every built-in metric but periodic_update, so that the hand-worked lists stay short; the
// follow-up is started by each resolution and cancelled by each reopen.
std::shared_ptr<const Policy> policy() {
  static const auto loaded = Policy::from_json(R"({"schema_version": 1,
    "calendars": {"always": {"timezone": "UTC", "hours": "24x7"}},
    "sla": {"policies": [{"id": "p", "calendar": "always",
      "targets": {"normal": {"first_response": "5m", "next_response": "2m", "resolution": "24h", "follow_up": "2d"}},
      "escalations": [{"at": "80%", "action": "warn"}]}]},
    "routing": {"queues": [{"id": "general"}], "default_queue": "general"}})");
  return loaded;
}

std::string offset(std::optional<Instant> t) { return t ? "+" + std::to_string((*t - t0) / 1s) + "s" : "null"; }

std::string line(const SlaMetric& m) {
  return m.metric + "[" + std::to_string(m.cycle) + "] " + std::string(to_string(m.state)) +
         " elapsed=" + std::to_string(m.elapsed / 1s) + "s started=" + offset(m.started_at) + " due=" + offset(m.due_at) +
         " breached=" + offset(m.breached_at) + " completed=" + offset(m.completed_at);
}

std::string line(const SlaEscalation& e) {
  return e.metric + "[" + std::to_string(e.cycle) + "] " + std::to_string(e.percent) + "% at " + offset(e.reached_at);
}

std::string seconds(long s) { return "+" + std::to_string(s) + "s"; }

// next_response cycle c, started by the message of pair c + 1 at 600(c + 1) s: that pair's
// reply comes 180 s later when c + 1 is odd (past the 120 s target: breached at +120 s), 60 s
// later when it is even (achieved).
std::string next_response(int c) {
  const long start = 600L * (c + 1);
  if ((c + 1) % 2 == 1)
    return "next_response[" + std::to_string(c) + "] breached elapsed=180s started=" + seconds(start) +
           " due=null breached=" + seconds(start + 120) + " completed=" + seconds(start + 180);
  return "next_response[" + std::to_string(c) + "] achieved elapsed=60s started=" + seconds(start) +
         " due=null breached=null completed=" + seconds(start + 60);
}

TEST(LongTicketSla, TenThousandAlternatingEventsAsWorkedOutByHand) {
  // 5,000 pairs (10,000 events) over 50,000 minutes; evaluated at their end, +3,000,000 s.
  const Ticket ticket = alternating_ticket(t0, 5000);
  const SlaReport report = SlaEngine(policy()).evaluate(ticket, t0 + 50'000min);

  // first_response (1) + next_response cycles 0..4998 (the first message owes no next
  // response) + resolution (1) = 5,001 instances, by metric then cycle.
  ASSERT_EQ(report.metrics.size(), 5001u);
  // The first reply, 60 s after creation, within 5m.
  EXPECT_EQ(line(report.metrics[0]),
            "first_response[0] achieved elapsed=60s started=+0s due=null breached=null completed=+60s");
  for (int c = 0; c < 4999; ++c) ASSERT_EQ(line(report.metrics[1 + static_cast<std::size_t>(c)]), next_response(c)) << c;
  // Never resolved: 3,000,000 s elapsed; 24h = 86,400 s reached at +86400s, still running.
  EXPECT_EQ(line(report.metrics[5000]),
            "resolution[0] breached elapsed=3000000s started=+0s due=+86400s breached=+86400s completed=null");

  // 80% of next_response's 2m is 96 s: reached by each late reply's cycle (c even, 2,500 of
  // them) at 600(c + 1) + 96 s; the on-time ones stop at 60 s. 80% of first_response's 5m
  // (240 s) is never reached. 80% of resolution's 24h is 69,120 s, between cycle 114's
  // (600 * 115 + 96 = 69,096 s) and cycle 116's (70,296 s): the 59th of 2,501, by time.
  ASSERT_EQ(report.escalations.size(), 2501u);
  for (std::size_t k = 0; k < report.escalations.size(); ++k) {
    const long c = k < 58 ? 2 * static_cast<long>(k) : 2 * (static_cast<long>(k) - 1);
    const std::string want = k == 58 ? "resolution[0] 80% at +69120s"
                                     : "next_response[" + std::to_string(c) + "] 80% at " + seconds(600 * (c + 1) + 96);
    ASSERT_EQ(line(report.escalations[k]), want) << k;
  }
  // Nothing is running towards a threshold: no next check.
  EXPECT_FALSE(report.next_check_at.has_value());
}

TEST(LongTicketSla, AThousandReopensAsWorkedOutByHand) {
  // 1,000 rounds (3,000 events) over 10,000 minutes, evaluated at the last reopen, +600,000 s.
  const Ticket ticket = reopening_ticket(t0, 1000);
  const SlaReport report = SlaEngine(policy()).evaluate(ticket, t0 + 10'000min);

  // Each reopen cancels the follow-up its resolution started: none is reported.
  std::vector<std::string> metrics;
  for (const SlaMetric& m : report.metrics) metrics.push_back(line(m));
  EXPECT_EQ(metrics, (std::vector<std::string>{
                         // Stopped by the first resolution at +420s; 5m reached at +300s.
                         "first_response[0] breached elapsed=420s started=+0s due=null breached=+300s completed=+420s",
                         // Open 7 of every 10 minutes: 1,000 * 420 s = 420,000 s. 24h = 1,440 min:
                         // 205 rounds give 1,435 min, round 205 (from +2050 min) 5 more, at
                         // +2055 min = +123,300 s. Running again since the last reopen.
                         "resolution[0] breached elapsed=420000s started=+0s due=+123300s breached=+123300s "
                         "completed=null"}));
  std::vector<std::string> escalations;
  for (const SlaEscalation& e : report.escalations) escalations.push_back(line(e));
  // 80%: first_response's 240 s; resolution's 1,152 min = 164 rounds (1,148 min) + 4 min of
  // round 164 (from +1640 min), at +1644 min = +98,640 s.
  EXPECT_EQ(escalations, (std::vector<std::string>{"first_response[0] 80% at +240s", "resolution[0] 80% at +98640s"}));
  EXPECT_FALSE(report.next_check_at.has_value());
}

TEST(LongTicketKpi, RepliesOfTenThousandEventsCountForTheirAuthors) {
  KpiAccumulator kpi(policy(), {{KpiDimension::agent}, {}});
  kpi.add(alternating_ticket(t0, 5000), t0 + 50'000min);
  const KpiResult result = kpi.result();
  ASSERT_EQ(result.groups.size(), 2u);

  // A-1 wrote the first reply (60 s) and the 2,499 on-time replies of pairs 2, 4, ..., 4998.
  const KpiGroup& a1 = result.groups[0];
  EXPECT_EQ(a1.key, (std::vector<std::optional<std::string>>{"A-1"}));
  EXPECT_EQ(a1.tickets, 0);
  EXPECT_EQ(a1.first_response.count, 1);
  EXPECT_EQ(a1.first_response.mean_s, 60.0);
  ASSERT_EQ(a1.sla.size(), 2u);
  EXPECT_EQ(std::tie(a1.sla[0].metric, a1.sla[0].achieved, a1.sla[0].breached), std::tuple("first_response", 1, 0));
  EXPECT_EQ(std::tie(a1.sla[1].metric, a1.sla[1].achieved, a1.sla[1].breached), std::tuple("next_response", 2499, 0));

  // A-2 wrote the last reply, so owns the open ticket and its resolution (breached), and the
  // 2,500 late replies of pairs 1, 3, ..., 4999.
  const KpiGroup& a2 = result.groups[1];
  EXPECT_EQ(a2.key, (std::vector<std::optional<std::string>>{"A-2"}));
  EXPECT_EQ(a2.tickets, 1);
  EXPECT_EQ(a2.backlog, 1);
  EXPECT_EQ(a2.first_response.count, 0);
  ASSERT_EQ(a2.sla.size(), 2u);
  EXPECT_EQ(std::tie(a2.sla[0].metric, a2.sla[0].achieved, a2.sla[0].breached), std::tuple("next_response", 0, 2500));
  EXPECT_EQ(std::tie(a2.sla[1].metric, a2.sla[1].achieved, a2.sla[1].breached), std::tuple("resolution", 0, 1));
}

TEST(LongTicketRouting, AReopenedTicketGoesBackToItsLastResolverAfterAThousandRounds) {
  Router router(policy());
  for (const char* id : {"A-1", "A-2"}) {
    Agent agent;
    agent.id = id;
    agent.queues = {"general"};
    agent.capacity = {{"*", 10}};
    router.upsert_agent(agent);
  }
  // Round 999 (odd) assigned A-2, who resolved it at +9997 min; reopened at +10000 min.
  const RoutingDecision decision = router.route(reopening_ticket(t0, 1000), t0 + 10'000min);
  EXPECT_EQ(decision.agent, "A-2");
  EXPECT_NE(std::find(decision.reasons.begin(), decision.reasons.end(), "reopened: back to A-2, who resolved it"),
            decision.reasons.end());
}

// ---- the limit on events -----------------------------------------------------------------------

TEST(LongTicketLimit, EveryEngineRefusesAHandBuiltTicketOverTheLimit) {
  Ticket ticket = alternating_ticket(t0, static_cast<int>(max_ticket_events / 2));
  const Instant at = ticket.events.back().at;
  // Exactly the limit (100,000 events) is accepted.
  EXPECT_NO_THROW((void)SlaEngine(policy()).evaluate(ticket, at));
  ticket.events.push_back(Event::of(EventType::customer_message, at));
  const std::string message = "events: a ticket may have at most 100000 events, and this one has 100001";
  const auto expect_refused = [&](const std::function<void()>& call) {
    try {
      call();
      ADD_FAILURE() << "accepted " << ticket.events.size() << " events";
    } catch (const InputError& e) {
      EXPECT_EQ(e.what(), message);
      EXPECT_EQ(e.path(), "events");
    }
  };
  expect_refused([&] { ticket.validate(); });
  expect_refused([&] { (void)SlaEngine(policy()).evaluate(ticket, at); });
  expect_refused([&] { (void)SlaEngine(policy()).evaluate(std::span<const Ticket>(&ticket, 1), at, {.threads = 1}); });
  expect_refused([&] { KpiAccumulator(policy(), {}).add(ticket, at); });
  expect_refused([&] { (void)Router(policy()).route(ticket, at); });
}

}  // namespace
