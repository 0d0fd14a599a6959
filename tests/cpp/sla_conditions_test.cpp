// Issue 16 points 10 and 12: custom metrics driven by conditions, pause_on per target, the
// ticket-level SLA status and misses. Every expected value is worked out by hand beside it.
//
// All policies here use the `always` calendar (UTC, 24x7), so business time = wall time and the
// arithmetic is plain minutes. 2026-03-02 is a Monday.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <set>
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


// One metric instance as "name[cycle] elapsed=Nm state started=HH:MM completed=HH:MM|-".
std::vector<std::string> summary(const SlaReport& report) {
  std::vector<std::string> out;
  for (const SlaMetric& m : report.metrics)
    out.push_back(m.metric + "[" + std::to_string(m.cycle) + "] elapsed=" +
                  std::to_string(m.elapsed.count() / 60'000) + "m " + std::string(to_string(m.state)) +
                  " started=" + hhmm(m.started_at) + " completed=" + (m.completed_at ? hhmm(*m.completed_at) : "-"));
  return out;
}
std::vector<std::string> misses(const SlaReport& report) {
  std::vector<std::string> out;
  for (const SlaMiss& m : report.misses()) out.push_back(m.metric + "[" + std::to_string(m.cycle) + "] " + hhmm(m.breached_at));
  return out;
}

// --- pause_on per target -------------------------------------------------------------------

TEST(SlaPauseOnTarget, FirstResponsePausesWhilePending) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {
      "first_response": {"target": "1h", "pause_on": ["pending_customer"]}, "resolution": "8h"}}}]})");
  const auto report = sla.evaluate(
      ticket({{"09:10", "status", R"("to": "pending_customer")"}, {"09:40", "customer_message", ""}}), on_march_2("10:00"));
  // first_response: 09:00-09:10 (10m) + 09:40-10:00 (20m) = 30m, running, due 10:00 + 30m.
  // resolution has no pause_on of its own and the policy none: 60m.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"first_response[0] elapsed=30m active started=09:00 completed=-",
                                                       "resolution[0] elapsed=60m active started=09:00 completed=-"}));
  EXPECT_EQ(format_instant(*report.metrics[0].due_at), "2026-03-02T10:30:00Z");
}

TEST(SlaPauseOnTarget, EmptyListOverridesThePolicys) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always", "pause_on": ["pending_customer"],
      "targets": {"normal": {"resolution": {"target": "8h", "pause_on": []}, "refund": "8h"}}}],
      "metrics": {"refund": {"start": "refund_requested", "stop": "refund_issued"}}})");
  const auto report = sla.evaluate(
      ticket({{"09:00", "refund_requested", ""}, {"09:10", "status", R"("to": "pending_customer")"}}), on_march_2("10:00"));
  // resolution never pauses (its own empty list): 60m. refund keeps the policy's: 09:00-09:10.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"resolution[0] elapsed=60m active started=09:00 completed=-",
                                                       "refund[0] elapsed=10m paused started=09:00 completed=-"}));
}

TEST(SlaPauseOnTarget, StatusClocksRefuseIt) {
  const std::string error = test::error_of<PolicyError>([] {
    return engine(R"({"policies": [{"id": "p", "targets": {"normal": {
        "on_hold_time": {"target": "1h", "pause_on": ["on_hold"]}}}}]})");
  });
  EXPECT_NE(error.find("sla.policies[0].targets.normal.on_hold_time.pause_on"), std::string::npos) << error;
}

// --- ticket status and misses ---------------------------------------------------------------

constexpr std::string_view two_targets = R"({"policies": [{"id": "p", "calendar": "always",
    "targets": {"normal": {"first_response": "30m", "resolution": "2h"}}}]})";

TEST(SlaTicketStatus, EachOfTheFour) {
  const auto sla = engine(two_targets);
  // Reply 09:20 (within 30m), nothing else: resolution runs, nothing breached.
  const auto on_time = ticket({{"09:20", "agent_reply", ""}});
  EXPECT_EQ(sla.evaluate(on_time, on_march_2("10:00")).status, SlaTicketStatus::active);
  // The same at 11:30: resolution ran 2h30m > 2h, breached at 11:00 and still open.
  const auto late = sla.evaluate(on_time, on_march_2("11:30"));
  EXPECT_EQ(late.status, SlaTicketStatus::active_with_misses);
  EXPECT_EQ(misses(late), (std::vector<std::string>{"resolution[0] 11:00"}));
  // Resolved 10:00: both clocks completed in time.
  const auto done = ticket({{"09:20", "agent_reply", ""}, {"10:00", "resolved", ""}});
  EXPECT_EQ(sla.evaluate(done, on_march_2("10:00")).status, SlaTicketStatus::fulfilled);
  // Reply 09:45 breached first_response at 09:30; resolved 10:00: nothing open, one miss.
  const auto failed = sla.evaluate(ticket({{"09:45", "agent_reply", ""}, {"10:00", "resolved", ""}}), on_march_2("12:00"));
  EXPECT_EQ(failed.status, SlaTicketStatus::failed);
  EXPECT_EQ(misses(failed), (std::vector<std::string>{"first_response[0] 09:30"}));
  EXPECT_EQ(failed.to_json(),
            R"({"ticket":"T-1","policy":"p","priority":"normal","status":"failed","metrics":[)"
            R"({"metric":"first_response","cycle":0,"target_s":1800,"elapsed_s":2700,"remaining_s":-900,"percent":150,)"
            R"("started_at":"2026-03-02T09:00:00Z","due_at":null,"state":"breached","breached_at":"2026-03-02T09:30:00Z",)"
            R"("completed_at":"2026-03-02T09:45:00Z"},)"
            R"({"metric":"resolution","cycle":0,"target_s":7200,"elapsed_s":3600,"remaining_s":3600,"percent":50,)"
            R"("started_at":"2026-03-02T09:00:00Z","due_at":null,"state":"achieved","breached_at":null,)"
            R"("completed_at":"2026-03-02T10:00:00Z"}],"escalations":[],)"
            R"("misses":[{"metric":"first_response","cycle":0,"breached_at":"2026-03-02T09:30:00Z"}],"next_check_at":null})");
}

TEST(SlaTicketStatus, NoPolicyNoStatus) {
  const auto sla = engine(R"({"policies": [{"id": "p", "when": {"field": "channel", "eq": "email"},
      "targets": {"normal": {"first_response": "30m"}}}]})");
  const auto report = sla.evaluate(ticket({}), on_march_2("10:00"));
  EXPECT_FALSE(report.status.has_value());
  EXPECT_EQ(report.to_json(),
            R"({"ticket":"T-1","policy":null,"priority":"normal","metrics":[],"escalations":[],"next_check_at":null})");
}

TEST(SlaTicketStatus, NoTargetAtThePriorityIsFulfilled) {
  const auto report = engine(R"({"policies": [{"id": "p", "targets": {"urgent": {"first_response": "5m"}}}]})")
                          .evaluate(ticket({}), on_march_2("10:00"));
  EXPECT_EQ(report.status, SlaTicketStatus::fulfilled);  // nothing is owed at normal priority
  EXPECT_TRUE(report.misses().empty());
}

TEST(SlaMisses, ByInstantThenReportOrder) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always",
      "targets": {"normal": {"first_response": "1h", "next_response": "30m", "resolution": "1h"}}}]})");
  // first_response and resolution both reach 1h at 10:00 (report order breaks the tie);
  // reply 10:10, customer 10:20 opens next_response cycle 0, breached 10:50.
  const auto report = sla.evaluate(ticket({{"10:10", "agent_reply", ""}, {"10:20", "customer_message", ""}}), on_march_2("11:00"));
  EXPECT_EQ(misses(report), (std::vector<std::string>{"first_response[0] 10:00", "resolution[0] 10:00",
                                                      "next_response[0] 10:50"}));
}

// A host evaluating every 7 minutes and notifying misses with breached_at in (last, at]
// notifies each miss exactly once, and all of them.
TEST(SlaMisses, NotifiedOnceByInterval) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always",
      "targets": {"normal": {"first_response": "1h", "next_response": "30m", "resolution": "1h"}}}]})");
  const auto t = ticket({{"10:10", "agent_reply", ""}, {"10:20", "customer_message", ""}});
  std::multiset<std::string> notified;
  Instant last = on_march_2("09:00");
  for (Instant now = last + std::chrono::minutes(7); now <= on_march_2("12:00"); now += std::chrono::minutes(7)) {
    for (const SlaMiss& m : sla.evaluate(t, now).misses())
      if (m.breached_at > last && m.breached_at <= now) notified.insert(m.metric + "[" + std::to_string(m.cycle) + "]");
    last = now;
  }
  EXPECT_EQ(notified, (std::multiset<std::string>{"first_response[0]", "next_response[0]", "resolution[0]"}));
}

// --- custom metrics on conditions -----------------------------------------------------------

TEST(SlaConditions, StartPauseResumeStop) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"urgent_handling": "1h"},
      "urgent": {"urgent_handling": "1h"}}}],
      "metrics": {"urgent_handling": {"start_when": {"field": "priority", "eq": "urgent"},
                                      "stop_when": {"field": "status", "eq": "resolved"},
                                      "pause_when": {"field": "status", "eq": "on_hold"}}}})");
  const auto report = sla.evaluate(ticket({{"09:30", "priority", R"("to": "urgent")"},
                                           {"10:00", "status", R"("to": "on_hold")"},
                                           {"10:20", "status", R"("to": "open")"},
                                           {"10:30", "priority", R"("to": "normal")"},
                                           {"10:40", "priority", R"("to": "urgent")"},
                                           {"11:00", "resolved", ""}}),
                                  on_march_2("12:00"));
  // Starts 09:30 (urgent); paused 10:00-10:20 (on_hold); back to normal and urgent again while
  // it runs changes nothing (already open); stopped at 11:00. Ran 30m + 40m = 70m of 60m: the
  // 60th minute is 10:50.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"urgent_handling[0] elapsed=70m breached started=09:30 completed=11:00"}));
  EXPECT_EQ(misses(report), (std::vector<std::string>{"urgent_handling[0] 10:50"}));
  EXPECT_EQ(report.status, SlaTicketStatus::failed);
}

TEST(SlaConditions, EdgeTriggeredFromCreation) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always", "targets": {"urgent": {"urgent_reply": "1h"}}}],
      "metrics": {"urgent_reply": {"start_when": {"field": "priority", "eq": "urgent"}, "stop": "agent_reply"}}})");
  const auto report = sla.evaluate(ticket({{"09:20", "agent_reply", ""},
                                           {"09:30", "customer_message", ""},
                                           {"09:40", "priority", R"("to": "normal")"},
                                           {"09:50", "priority", R"("to": "urgent")"}},
                                          R"("priority": "urgent")"),
                                  on_march_2("10:00"));
  // Urgent as created: starts at 09:00; the reply stops it at 09:20. Still urgent at 09:30, but
  // it has been since 09:00: no new start. Normal at 09:40 and urgent again at 09:50: cycle 1.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"urgent_reply[0] elapsed=20m achieved started=09:00 completed=09:20",
                                                       "urgent_reply[1] elapsed=10m active started=09:50 completed=-"}));
}

TEST(SlaConditions, StopBeforeStartAtOneEvent) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"working": "2h"}}}],
      "metrics": {"working": {"start": "status", "stop_when": {"field": "status", "eq": "on_hold"}}}})");
  const auto report = sla.evaluate(ticket({{"09:10", "status", R"("to": "open")"}, {"09:30", "status", R"("to": "on_hold")"}}),
                                   on_march_2("10:00"));
  // 09:30 both stops (on_hold becomes true) and starts (a status event): stop first, so cycle 0
  // ends and cycle 1 starts; start first would have left cycle 0 running alone.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"working[0] elapsed=20m achieved started=09:10 completed=09:30",
                                                       "working[1] elapsed=30m active started=09:30 completed=-"}));
}

TEST(SlaConditions, ResetRestartsTheCycle) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"handling": "30m"},
      "urgent": {"handling": "30m"}}}],
      "metrics": {"handling": {"start": "assigned", "stop": "resolved", "reset_when": {"field": "priority", "eq": "urgent"}}}})");
  const auto report = sla.evaluate(ticket({{"09:10", "assigned", R"("queue": "q")"},
                                           {"09:50", "priority", R"("to": "urgent")"}}),
                                  on_march_2("10:00"));
  // Started 09:10 and breached at 09:40; the reset at 09:50 drops that instance (and its miss)
  // and starts cycle 0 again: 10m of 30m.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"handling[0] elapsed=10m active started=09:50 completed=-"}));
  EXPECT_TRUE(report.misses().empty());
  EXPECT_EQ(report.status, SlaTicketStatus::active);
}

TEST(SlaConditions, ResetOfAnInstanceNotTheLatest) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always", "targets": {
      "normal": {"first_response": "1h", "next_response": "1h", "handling": "30m"},
      "urgent": {"first_response": "1h", "next_response": "1h", "handling": "30m"}}}],
      "metrics": {"handling": {"start": "assigned", "stop": "resolved", "reset_when": {"field": "priority", "eq": "urgent"}}}})");
  const auto report = sla.evaluate(ticket({{"09:10", "assigned", R"("queue": "q")"},
                                           {"09:20", "agent_reply", ""},
                                           {"09:30", "customer_message", ""},
                                           {"09:50", "priority", R"("to": "urgent")"}}),
                                  on_march_2("10:00"));
  // handling started 09:10, before next_response's cycle 0 (09:30); the reset at 09:50 drops it
  // from the middle and starts cycle 0 again: 10m. first_response 20m, next_response 30m.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"first_response[0] elapsed=20m achieved started=09:00 completed=09:20",
                                                       "next_response[0] elapsed=30m active started=09:30 completed=-",
                                                       "handling[0] elapsed=10m active started=09:50 completed=-"}));
}

TEST(SlaConditions, FieldsAndTagsAsCreated) {
  const auto sla = engine(R"({"policies": [{"id": "p", "calendar": "always", "targets": {"normal": {"vip_watch": "1h"}}}],
      "metrics": {"vip_watch": {"start_when": {"all": [{"field": "tags", "contains": "vip"}, {"field": "status", "eq": "open"}]},
                                "stop": "resolved"}}})");
  const auto report = sla.evaluate(ticket({{"09:15", "agent_reply", ""}}, R"("tags": ["vip"])"), on_march_2("10:00"));
  // New at creation (no start); the reply opens the ticket at 09:15: 45m.
  EXPECT_EQ(summary(report), (std::vector<std::string>{"vip_watch[0] elapsed=45m active started=09:15 completed=-"}));
}

TEST(SlaConditions, NeedsAStartAndAStop) {
  const std::string error = test::error_of<PolicyError>(
      [] { return engine(R"({"policies": [], "metrics": {"m": {"stop_when": {"field": "status", "eq": "resolved"}}}})"); });
  EXPECT_NE(error.find("sla.metrics.m: a custom metric needs \"start\""), std::string::npos) << error;
}

}  // namespace
