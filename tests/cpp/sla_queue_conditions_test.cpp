// Issue 16 point 10, the holding queue: a custom metric's conditions see `queue`, the queue of
// the latest `assigned` event that names one, as events apply; and point 13 for them: with
// explain on, a stretch paused by pause_when says "pause_when", not the status then. Every
// expected value is worked out by hand beside it.
//
// All policies use the `always` calendar (UTC, 24x7): business time = wall time, so the
// arithmetic is plain minutes. 2026-03-02 is a Monday; every ticket is created at 09:00.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace aftersales;

using test::E;
using test::engine;
using test::hhmm;
using test::on_march_2;
using test::ticket;


// "name[cycle] elapsed=Nm state started=HH:MM completed=HH:MM|-".
std::string summary(const SlaMetric& m) {
  return m.metric + "[" + std::to_string(m.cycle) + "] elapsed=" + std::to_string(m.elapsed.count() / 60'000) + "m " +
         std::string(to_string(m.state)) + " started=" + hhmm(m.started_at) +
         " completed=" + (m.completed_at ? hhmm(*m.completed_at) : "-");
}

// A timeline as lines: "counted 09:20-10:00 2400s", "paused 10:00-10:30 pause_when", "closed ...".
std::vector<std::string> lines(const SlaTimeline& t) {
  std::vector<std::string> out;
  for (const auto& c : t.counted)
    out.push_back("counted " + hhmm(c.from) + "-" + hhmm(c.to) + " " + std::to_string(c.business.count() / 1000) + "s");
  for (const auto& p : t.paused) out.push_back("paused " + hhmm(p.from) + "-" + hhmm(p.to) + " " + p.reason);
  for (const auto& c : t.closed) out.push_back("closed " + hhmm(c.from) + "-" + hhmm(c.to));
  return out;
}

// Starts when the returns desk holds the ticket, pauses while the warehouse holds it, stops
// when solved.
constexpr std::string_view returns_desk = R"({
  "policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"returns_handling": "2h"}}}],
  "metrics": {"returns_handling": {"start_when": {"field": "queue", "eq": "returns"},
                                   "pause_when": {"field": "queue", "eq": "warehouse"},
                                   "stop_when": {"field": "status", "in": ["resolved", "closed"]}}}})";

// 09:10 to the front desk (no start); 09:20 to returns: starts. 09:50 an agent of the desk
// without a queue: the ticket stays with returns. 10:00 to the warehouse: paused (and start_when
// turns false). 10:30 back to returns: resumes; start_when turns true again, but the cycle is
// open, so nothing starts. 11:00 resolved: stops.
Ticket returns_ticket() {
  return ticket({{"09:10", "assigned", R"("queue": "front")"},
                 {"09:20", "assigned", R"("queue": "returns")"},
                 {"09:50", "assigned", R"("agent": "A-7")"},
                 {"10:00", "assigned", R"("queue": "warehouse")"},
                 {"10:30", "assigned", R"("queue": "returns")"},
                 {"11:00", "resolved", ""}});
}

TEST(SlaQueueConditions, StartPauseAndResumeFollowTheHoldingQueue) {
  const auto report = engine(returns_desk).evaluate(returns_ticket(), on_march_2("12:00"));
  // 09:20-10:00 (40m) + 10:30-11:00 (30m) = 70m of 120m: achieved, completed 11:00.
  ASSERT_EQ(report.metrics.size(), 1U);
  EXPECT_EQ(summary(report.metrics[0]), "returns_handling[0] elapsed=70m achieved started=09:20 completed=11:00");
}

TEST(SlaQueueConditions, TheTimelineSaysPauseWhen) {
  const auto report = engine(returns_desk).evaluate(returns_ticket(), on_march_2("12:00"), SlaOptions{.explain = true});
  ASSERT_EQ(report.timelines.size(), 1U);
  // The status is `open` from 09:10 to 11:00; the pause 10:00-10:30 is the warehouse's holding.
  EXPECT_EQ(lines(report.timelines[0]), (std::vector<std::string>{"counted 09:20-10:00 2400s",
                                                                   "counted 10:30-11:00 1800s",
                                                                   "paused 10:00-10:30 pause_when"}));
  EXPECT_NE(report.to_json().find(R"("timeline":{"counted":[)"
                                  R"({"from":"2026-03-02T09:20:00Z","to":"2026-03-02T10:00:00Z","business_s":2400},)"
                                  R"({"from":"2026-03-02T10:30:00Z","to":"2026-03-02T11:00:00Z","business_s":1800}],)"
                                  R"("paused":[{"from":"2026-03-02T10:00:00Z","to":"2026-03-02T10:30:00Z","reason":"pause_when"}],)"
                                  R"("closed":[]})"),
            std::string::npos)
      << report.to_json();
}

TEST(SlaQueueConditions, ABatchRowSeesTheQueueToo) {
  // The same ticket through the batch's columns (the other ticket view): the same figures.
  const std::vector<Ticket> tickets{returns_ticket()};
  const auto reports = engine(returns_desk).evaluate(TicketBatch::from_tickets(tickets), on_march_2("12:00"), BatchOptions{},
                                                     SlaOptions{.explain = true});
  ASSERT_EQ(reports.size(), 1U);
  ASSERT_EQ(reports[0].metrics.size(), 1U);
  EXPECT_EQ(summary(reports[0].metrics[0]), "returns_handling[0] elapsed=70m achieved started=09:20 completed=11:00");
  EXPECT_EQ(lines(reports[0].timelines[0]), (std::vector<std::string>{"counted 09:20-10:00 2400s",
                                                                      "counted 10:30-11:00 1800s",
                                                                      "paused 10:00-10:30 pause_when"}));
}

// The time a ticket waits for a queue: from creation, while no assignment has named one (the
// 09:05 one names an agent only), with `stop_when` as given; evaluated at 10:00.
SlaMetric unassigned(std::string_view stop_when) {
  const auto report = engine(R"({
    "policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"unassigned": "30m"}}}],
    "metrics": {"unassigned": {"start_when": {"field": "queue", "exists": false}, "stop_when": )" +
                             std::string(stop_when) + "}}}")
                          .evaluate(ticket({{"09:05", "assigned", R"("agent": "A-1")"},
                                            {"09:25", "assigned", R"("queue": "returns")"}}),
                                    on_march_2("10:00"));
  return report.metrics.at(0);
}

TEST(SlaQueueConditions, NoQueueUntilAnAssignmentNamesOne) {
  // start_when holds at creation (no queue yet): starts 09:00. queue in [returns, front] turns
  // true at the 09:25 assignment and stops it: 25m of 30m, achieved.
  EXPECT_EQ(summary(unassigned(R"({"field": "queue", "in": ["returns", "front"]})")),
            "unassigned[0] elapsed=25m achieved started=09:00 completed=09:25");
  // `ne` on an absent field holds (docs/conditions.md), so this stop_when held at creation too:
  // it acted at 09:00 on no open cycle (a stop comes before a start) and stays true, so it never
  // turns true again: the clock runs to 10:00, 60m of 30m, breached.
  EXPECT_EQ(summary(unassigned(R"({"field": "queue", "ne": "nobody"})")),
            "unassigned[0] elapsed=60m breached started=09:00 completed=-");
}

TEST(SlaQueueConditions, PauseWhenNamesItsSpansBesideThePolicysPauseOn) {
  // The policy pauses on on_hold; the metric also while the warehouse holds the ticket.
  // 09:20 to returns: starts. 09:40 on_hold: paused, reason on_hold. 09:50 to the warehouse:
  // pause_when holds from here on. 10:10 open again: still paused by pause_when, so
  // 09:50-10:20 is one pause_when span though the status changed inside it. 10:20 back to
  // returns: runs. Evaluated 10:30: 09:20-09:40 (20m) + 10:20-10:30 (10m) = 30m of 2h, active.
  const auto report =
      engine(R"({
    "policies": [{"id": "p", "calendar": "always", "pause_on": ["on_hold"],
                  "targets": {"normal": {"returns_handling": "2h"}}}],
    "metrics": {"returns_handling": {"start_when": {"field": "queue", "eq": "returns"},
                                     "pause_when": {"field": "queue", "eq": "warehouse"},
                                     "stop": "refund_issued"}}})")
          .evaluate(ticket({{"09:20", "assigned", R"("queue": "returns")"},
                            {"09:40", "status", R"("to": "on_hold")"},
                            {"09:50", "assigned", R"("queue": "warehouse")"},
                            {"10:10", "status", R"("to": "open")"},
                            {"10:20", "assigned", R"("queue": "returns")"}}),
                    on_march_2("10:30"), SlaOptions{.explain = true});
  ASSERT_EQ(report.metrics.size(), 1U);
  EXPECT_EQ(summary(report.metrics[0]), "returns_handling[0] elapsed=30m active started=09:20 completed=-");
  EXPECT_EQ(lines(report.timelines[0]),
            (std::vector<std::string>{"counted 09:20-09:40 1200s", "counted 10:20-10:30 600s",
                                      "paused 09:40-09:50 on_hold", "paused 09:50-10:20 pause_when"}));
}

TEST(SlaQueueConditions, PauseWhenHoldingAtCreationReachesBackToTheStart) {
  // pause_when on status `new` holds at creation and stops holding at the 09:15 reply (status
  // open); the clock, started at creation by its event-less start_when, counts from 09:15.
  // Evaluated 09:45: 30m; paused 09:00-09:15 by pause_when, not by the status `new`.
  const auto report =
      engine(R"({
    "policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"watch": "1h"}}}],
    "metrics": {"watch": {"start_when": {"field": "priority", "eq": "normal"},
                          "pause_when": {"field": "status", "eq": "new"},
                          "stop": "refund_issued"}}})")
          .evaluate(ticket({{"09:15", "agent_reply", ""}}), on_march_2("09:45"), SlaOptions{.explain = true});
  ASSERT_EQ(report.metrics.size(), 1U);
  EXPECT_EQ(summary(report.metrics[0]), "watch[0] elapsed=30m active started=09:00 completed=-");
  EXPECT_EQ(lines(report.timelines[0]),
            (std::vector<std::string>{"counted 09:15-09:45 1800s", "paused 09:00-09:15 pause_when"}));
}

TEST(SlaQueueConditions, OnlyCustomMetricsConditionsKnowTheQueue) {
  // A policy's `when` is judged at creation, before any assignment: there, `queue` is unknown.
  try {
    (void)engine(R"({"policies": [{"id": "p", "when": {"field": "queue", "eq": "returns"},
                                    "targets": {"normal": {"resolution": "8h"}}}]})");
    FAIL() << "expected a PolicyError";
  } catch (const PolicyError& e) {
    ASSERT_EQ(e.problems().size(), 1U);
    EXPECT_EQ(e.problems()[0].path, "sla.policies[0].when.field");
    EXPECT_EQ(e.problems()[0].message,
              "unknown field \"queue\" (only the conditions of custom SLA metrics have it: they are judged as "
              "the ticket's events apply)");
  }
}

}  // namespace
