// OLAs (follow-the-owner group clocks) and manual due-date overrides (issue 16, points 9 and
// 11; docs/sla.md, "OLAs" and "Overrides"). Expected values are worked by hand; instants were
// checked with Python's zoneinfo.
//
// Calendars: shanghai, Asia/Shanghai (UTC+8, no DST), Mon-Fri 09:00-18:00; berlin-night,
// Europe/Berlin, every night 22:00-06:00. Europe/Berlin leaves summer time on Sunday
// 2026-10-25 at 03:00 CEST (01:00Z): that night's range, Sat 22:00 CEST (20:00Z) to Sun 06:00
// CET (05:00Z), is 9 hours long. Friday night's, 22:00 CEST to 06:00 CEST, is 20:00Z to 04:00Z.

#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"
#include "ticket/ticket_binary.hpp"

namespace {

using namespace aftersales;
using aftersales::test::at;
using namespace std::chrono_literals;

constexpr std::string_view policy_json = R"({"schema_version": 1,
  "calendars": {
    "shanghai": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}},
    "berlin-night": {"timezone": "Europe/Berlin", "hours": {"daily": ["22:00-06:00"]}}},
  "sla": {"policies": [{
    "id": "returns", "calendar": "shanghai",
    "targets": {"normal": {"resolution": "24h"}, "high": {"resolution": "8h"}},
    "olas": {"returns-cn": {"target": "8h"},
             "returns-eu": {"calendar": "berlin-night", "target": {"normal": "14h", "urgent": "4h"}}},
    "pause_on": ["pending_customer"],
    "escalations": [{"at": "80%", "action": "warn", "metrics": ["ola"]}]}]}})";

const SlaEngine& engine() {
  static const SlaEngine e(Policy::from_json(policy_json));
  return e;
}

// Created Fri 2026-10-23 16:00 +08:00 (08:00Z) and assigned to the Shanghai desk; handed to the
// Berlin night desk at 17:30 +08:00 (09:30Z); another Berlin agent takes it Sat 21:00Z (same
// queue); back to Shanghai Sun 01:30Z (02:30 CET, after the clocks went back).
constexpr std::string_view handed_over = R"({"id": "T-OLA", "created_at": "2026-10-23T16:00:00+08:00",
  "channel": "email", "events": [
    {"at": "2026-10-23T16:00:00+08:00", "type": "assigned", "queue": "returns-cn", "agent": "A-1"},
    {"at": "2026-10-23T09:30:00Z", "type": "assigned", "queue": "returns-eu", "agent": "B-1"},
    {"at": "2026-10-24T21:00:00Z", "type": "assigned", "queue": "returns-eu", "agent": "B-2"},
    {"at": "2026-10-25T01:30:00Z", "type": "assigned", "queue": "returns-cn", "agent": "A-2"}]})";

std::vector<const SlaMetric*> olas(const SlaReport& report) {
  std::vector<const SlaMetric*> found;
  for (const SlaMetric& m : report.metrics)
    if (m.metric == "ola") found.push_back(&m);
  return found;
}

TEST(SlaOlas, EachDeskIsTimedOnItsOwnHoursWhileBerlinHoldsTheTicketAcrossTheDstNight) {
  const SlaReport report = engine().evaluate(Ticket::from_json(handed_over), at("2026-10-25T00:00:00Z"));
  const auto ola = olas(report);
  ASSERT_EQ(ola.size(), 2U);
  // returns-cn comes first (first named in "olas"): Fri 16:00-17:30 +08:00 = 5400 s of 8 h.
  EXPECT_EQ(ola[0]->queue, "returns-cn");
  EXPECT_EQ(ola[0]->cycle, 0);
  EXPECT_EQ(ola[0]->elapsed, 5400s);
  EXPECT_EQ(ola[0]->state, SlaState::achieved);
  EXPECT_EQ(ola[0]->completed_at, at("2026-10-23T09:30:00Z"));
  // returns-eu from 09:30Z Fri: Fri night 20:00Z-04:00Z (8 h) + Sat 20:00Z-24:00Z (4 h) = 12 h
  // of 14 h; the B-2 assignment (same queue) did not restart it. The last 2 h run from 00:00Z
  // to 02:00Z, which is 03:00 CET: local wall time from 22:00 CEST says 5 h, the clock 6 h.
  EXPECT_EQ(ola[1]->queue, "returns-eu");
  EXPECT_EQ(ola[1]->cycle, 0);
  EXPECT_EQ(ola[1]->started_at, at("2026-10-23T09:30:00Z"));
  EXPECT_EQ(ola[1]->target, 14h);
  EXPECT_EQ(ola[1]->elapsed, 12h);
  EXPECT_EQ(ola[1]->state, SlaState::active);
  EXPECT_EQ(ola[1]->due_at, at("2026-10-25T03:00:00+01:00"));
  // 80% of 14 h = 11 h 12 m: 8 h on Friday night + 3 h 12 m from Sat 20:00Z = 23:12Z.
  ASSERT_EQ(report.escalations.size(), 1U);
  EXPECT_EQ(report.escalations[0].queue, "returns-eu");
  EXPECT_EQ(report.escalations[0].reached_at, at("2026-10-24T23:12:00Z"));
  EXPECT_EQ(report.next_check_at, at("2026-10-25T02:00:00Z"));
  // The JSON names the queue of each OLA instance and escalation.
  const std::string json = report.to_json();
  EXPECT_NE(json.find(R"("metric":"ola","queue":"returns-eu","cycle":0)"), std::string::npos) << json;
}

TEST(SlaOlas, ABackHandStartsTheDesksNextOwnership) {
  const SlaReport report = engine().evaluate(Ticket::from_json(handed_over), at("2026-10-26T12:00:00+08:00"));
  const auto ola = olas(report);
  ASSERT_EQ(ola.size(), 3U);
  // returns-cn cycle 1 from Sun 01:30Z (09:30 +08:00, closed) counts from Mon 09:00 +08:00:
  // 3 h of 8 h by noon; due at 17:00 +08:00 (09:00Z); its 80% (6 h 24 m) at 15:24 +08:00.
  EXPECT_EQ(ola[1]->queue, "returns-cn");
  EXPECT_EQ(ola[1]->cycle, 1);
  EXPECT_EQ(ola[1]->started_at, at("2026-10-25T01:30:00Z"));
  EXPECT_EQ(ola[1]->elapsed, 3h);
  EXPECT_EQ(ola[1]->due_at, at("2026-10-26T09:00:00Z"));
  // returns-eu ended at the back hand: 8 h + Sat 20:00Z-Sun 01:30Z (5 h 30 m) = 13 h 30 m of 14 h.
  EXPECT_EQ(ola[2]->queue, "returns-eu");
  EXPECT_EQ(ola[2]->elapsed, 13h + 30min);
  EXPECT_EQ(ola[2]->state, SlaState::achieved);
  EXPECT_EQ(report.next_check_at, at("2026-10-26T07:24:00Z"));
}

TEST(SlaOlas, TargetsArePerPriorityAndAPriorityWithoutOneHasNoInstance) {
  Ticket t = Ticket::from_json(handed_over);
  t.priority = Priority::urgent;
  const SlaReport report = engine().evaluate(t, at("2026-10-25T00:00:00Z"));
  const auto ola = olas(report);
  // returns-cn targets "8h" for every priority; returns-eu 4 h when urgent: Fri 20:00Z-24:00Z,
  // breached at Sat 00:00Z (02:00 CEST).
  ASSERT_EQ(ola.size(), 2U);
  EXPECT_EQ(ola[1]->target, 4h);
  EXPECT_EQ(ola[1]->breached_at, at("2026-10-24T00:00:00Z"));
  t.priority = Priority::low;  // returns-eu has no low target: only returns-cn's ownerships
  const SlaReport low_report = engine().evaluate(t, at("2026-10-25T00:00:00Z"));  // olas() points into it
  const auto low = olas(low_report);
  ASSERT_EQ(low.size(), 1U);
  EXPECT_EQ(low[0]->queue, "returns-cn");
}

TEST(SlaOlas, ResolutionEndsTheOwnershipAndAReopenResumesIt) {
  // Mon 2026-10-26 (+08:00): assigned to returns-cn 09:00, resolved 10:00, reopened 14:00,
  // pending_customer 15:00 (the OLA pauses as the policy says), evaluated 17:00.
  const Ticket t = Ticket::from_json(R"({"id": "T-R", "created_at": "2026-10-26T09:00:00+08:00", "events": [
    {"at": "2026-10-26T09:00:00+08:00", "type": "assigned", "queue": "returns-cn"},
    {"at": "2026-10-26T10:00:00+08:00", "type": "resolved"},
    {"at": "2026-10-26T14:00:00+08:00", "type": "reopened"},
    {"at": "2026-10-26T15:00:00+08:00", "type": "status", "to": "pending_customer"}]})");
  const SlaReport report = engine().evaluate(t, at("2026-10-26T17:00:00+08:00"));
  const auto ola = olas(report);
  // One ownership: 09:00-10:00 + 14:00-15:00 = 2 h, cycle 0, paused.
  ASSERT_EQ(ola.size(), 1U);
  EXPECT_EQ(ola[0]->cycle, 0);
  EXPECT_EQ(ola[0]->elapsed, 2h);
  EXPECT_EQ(ola[0]->state, SlaState::paused);
  EXPECT_EQ(ola[0]->completed_at, std::nullopt);
}

TEST(SlaOlas, KpisDoNotCountOlas) {
  // The KPI engine reads the same replay: an OLA instance must not reach its SLA counts.
  const KpiEngine kpi(Policy::from_json(policy_json));
  const Ticket t = Ticket::from_json(handed_over);
  const std::string json = kpi.compute(std::span<const Ticket>(&t, 1), at("2026-10-26T12:00:00+08:00"), {}).to_json();
  EXPECT_EQ(json.find("ola"), std::string::npos) << json;
}

TEST(SlaOlas, PolicyErrorsNameThePath) {
  const auto problems = [](std::string_view olas_json) {
    const std::string doc = std::string(R"({"schema_version": 1, "calendars": {"c": {"timezone": "UTC", "hours": "24x7"}},
      "sla": {"policies": [{"id": "p", "calendar": "c", "targets": {}, "olas": )") +
                            std::string(olas_json) + "}]}}";
    return test::error_of<PolicyError>([&] { return Policy::from_json(doc); });
  };
  EXPECT_NE(problems(R"({"q": {"target": "0s"}})").find("sla.policies[0].olas.q.target"), std::string::npos);
  EXPECT_NE(problems(R"({"q": {"target": "1h", "calendar": "nope"}})").find("sla.policies[0].olas.q.calendar"),
            std::string::npos);
  EXPECT_NE(problems(R"({"q": {"target": {"someday": "1h"}}})").find("unknown priority"), std::string::npos);
  EXPECT_NE(problems(R"({"q": {"targets": "1h"}})").find("sla.policies[0].olas.q"), std::string::npos);
}

// Overrides. Created Mon 2026-10-26 09:00 +08:00 (01:00Z) on the Shanghai desk's calendar
// (resolution 24 h of business time). At 10:00 a lead promises the customer an answer by
// Tue 09:00 +08:00 (01:00Z), a raised priority follows at 11:00, a pause at 12:00.
constexpr std::string_view overridden = R"({"id": "T-O", "created_at": "2026-10-26T09:00:00+08:00", "events": [
    {"at": "2026-10-26T10:00:00+08:00", "type": "sla_override", "metric": "resolution",
     "due_at": "2026-10-27T09:00:00+08:00"},
    {"at": "2026-10-26T11:00:00+08:00", "type": "priority", "to": "high"},
    {"at": "2026-10-26T12:00:00+08:00", "type": "status", "to": "pending_customer"}]})";

// handed_over with a due instant of Sat 09:30Z set by hand, at Fri 10:00Z, on the Berlin desk's
// ownership that started Fri 09:30Z: a 24 h span.
Ticket handed_over_with_ola_override() {
  std::string json(handed_over);
  json.insert(json.rfind(']'), R"(, {"at": "2026-10-23T10:00:00Z", "type": "sla_override", "metric": "ola",
                                 "due_at": "2026-10-24T09:30:00Z"})");
  return Ticket::from_json(json);
}

TEST(SlaOverride, FixesTheDueInstantOnTheWallClockAndSurvivesAPriorityChange) {
  const SlaReport report = engine().evaluate(Ticket::from_json(overridden), at("2026-10-26T18:00:00+08:00"));
  ASSERT_EQ(report.metrics.size(), 1U);
  const SlaMetric& m = report.metrics[0];
  EXPECT_EQ(m.metric, "resolution");
  // The span is Mon 09:00 to Tue 09:00: 24 h of elapsed time, not high's 8 h of business time
  // (which would be due at 18:00). The clock does not pause: 9 h by 18:00; due Tue 09:00 (01:00Z).
  EXPECT_EQ(m.override_due_at, at("2026-10-27T01:00:00Z"));
  EXPECT_EQ(m.target, 24h);
  EXPECT_EQ(m.elapsed, 9h);
  EXPECT_EQ(m.state, SlaState::active);
  EXPECT_EQ(m.due_at, at("2026-10-27T01:00:00Z"));
  // No escalation names resolution here; the next change is the due instant.
  EXPECT_EQ(report.next_check_at, at("2026-10-27T01:00:00Z"));
  EXPECT_NE(report.to_json().find(R"("override_due_at":"2026-10-27T01:00:00Z")"), std::string::npos);
}

TEST(SlaOverride, BreachesAtTheDueInstant) {
  const SlaReport report = engine().evaluate(Ticket::from_json(overridden), at("2026-10-27T12:00:00+08:00"));
  ASSERT_EQ(report.metrics.size(), 1U);
  EXPECT_EQ(report.metrics[0].state, SlaState::breached);
  EXPECT_EQ(report.metrics[0].breached_at, at("2026-10-27T01:00:00Z"));
}

TEST(SlaOverride, AnOlaOverrideMovesTheHoldersInstanceAndItsPercentages) {
  // The Berlin desk's ownership from Fri 09:30Z gets "due Sat 09:30Z": a 24 h span, so its 80%
  // is reached 19 h 12 m after the start, Sat 04:42Z, whatever the night desk's hours.
  const SlaReport report = engine().evaluate(handed_over_with_ola_override(), at("2026-10-24T12:00:00Z"));
  const auto ola = olas(report);
  ASSERT_EQ(ola.size(), 2U);
  EXPECT_EQ(ola[1]->queue, "returns-eu");
  EXPECT_EQ(ola[1]->target, 24h);
  EXPECT_EQ(ola[1]->breached_at, at("2026-10-24T09:30:00Z"));
  ASSERT_EQ(report.escalations.size(), 1U);
  EXPECT_EQ(report.escalations[0].reached_at, at("2026-10-24T04:42:00Z"));
}

TEST(SlaOverride, EveryReaderAgrees) {
  // The JSON readers (Boost.JSON, simdjson via from_lines), the columns and the binary form.
  const Ticket one = Ticket::from_json(overridden);
  std::string line(overridden);
  std::erase(line, '\n');
  const TicketBatch lines = TicketBatch::from_lines(line);
  const TicketBatch columns = TicketBatch::from_tickets(std::span<const Ticket>(&one, 1));
  const TicketBatch binary = detail::read_tickets(detail::write_tickets(columns));
  const Instant t = at("2026-10-26T18:00:00+08:00");
  const std::string expected = engine().evaluate(one, t).to_json();
  for (const TicketBatch* batch : {&lines, &columns, &binary}) {
    EXPECT_EQ(engine().evaluate(*batch, 0, t).to_json(), expected);
    // The override comes back as the ticket's one side record, which the event indexes.
    const Ticket back = batch->ticket(0);
    EXPECT_EQ(back.events[0].detail, 1U);
    ASSERT_EQ(back.overrides.size(), 1U);
    EXPECT_EQ(back.overrides[0].due_at, one.overrides[0].due_at);
    EXPECT_EQ(back.overrides[0].metric, "resolution");
  }
}

TEST(SlaOverride, TheReaderChecksTheEvent) {
  const auto problem = [](std::string_view event) {
    return test::error_of<InputError>([&] {
      return Ticket::from_json(std::string(R"({"id": "T", "created_at": "2026-10-26T09:00:00Z", "events": [)") +
                               std::string(event) + "]}");
    });
  };
  EXPECT_NE(problem(R"({"at": "2026-10-26T10:00:00Z", "type": "sla_override", "metric": "resolution"})")
                .find("events[0].due_at"),
            std::string::npos);
  EXPECT_NE(problem(R"({"at": "2026-10-26T10:00:00Z", "type": "sla_override", "metric": "resolution",
                        "due_at": "2026-10-26T10:00:00Z"})")
                .find("must be after the event's own"),
            std::string::npos);
  EXPECT_NE(problem(R"({"at": "2026-10-26T10:00:00Z", "type": "agent_reply", "due_at": "2026-10-27T10:00:00Z"})")
                .find("belongs to sla_override events only"),
            std::string::npos);
  EXPECT_NE(problem(R"({"at": "2026-10-26T10:00:00Z", "type": "sla_override", "metric": "", "due_at": "2026-10-27T10:00:00Z"})")
                .find("the metric is empty"),
            std::string::npos);
}


// With main's explain and ticket status (merged): an OLA's timeline counts on its queue's
// calendar, an override's on the wall clock, and both reconcile with elapsed.
std::size_t index_of(const SlaReport& report, const SlaMetric* metric) {
  return static_cast<std::size_t>(metric - report.metrics.data());
}

TEST(SlaOlasExplain, AnOlasTimelineCountsOnItsQueuesCalendar) {
  const SlaReport report =
      engine().evaluate(Ticket::from_json(handed_over), at("2026-10-25T00:00:00Z"), {.explain = true});
  const auto ola = olas(report);
  ASSERT_EQ(ola.size(), 2U);
  ASSERT_EQ(report.timelines.size(), report.metrics.size());
  // returns-cn, on shanghai (open Fri 16:00-17:30 +08:00): one stretch, 08:00Z-09:30Z, 1 h 30 m.
  const SlaTimeline& cn = report.timelines[index_of(report, ola[0])];
  ASSERT_EQ(cn.counted.size(), 1U);
  EXPECT_EQ(cn.counted[0].from, at("2026-10-23T08:00:00Z"));
  EXPECT_EQ(cn.counted[0].to, at("2026-10-23T09:30:00Z"));
  EXPECT_EQ(cn.counted[0].business, 90min);
  EXPECT_TRUE(cn.closed.empty());
  // returns-eu, on berlin-night, not the policy's shanghai: one stretch Fri 09:30Z to Sun 00:00Z
  // (38 h 30 m), less Berlin's closed day time, Fri 09:30Z-20:00Z (10 h 30 m) and Sat 04:00Z
  // (06:00 CEST)-20:00Z (16 h): 12 h, its elapsed.
  const SlaTimeline& eu = report.timelines[index_of(report, ola[1])];
  ASSERT_EQ(eu.counted.size(), 1U);
  EXPECT_EQ(eu.counted[0].from, at("2026-10-23T09:30:00Z"));
  EXPECT_EQ(eu.counted[0].to, at("2026-10-25T00:00:00Z"));
  EXPECT_EQ(eu.counted[0].business, 12h);
  EXPECT_EQ(eu.counted[0].business, ola[1]->elapsed);
  ASSERT_EQ(eu.closed.size(), 2U);
  EXPECT_EQ(eu.closed[0].from, at("2026-10-23T09:30:00Z"));
  EXPECT_EQ(eu.closed[0].to, at("2026-10-23T20:00:00Z"));
  EXPECT_EQ(eu.closed[1].from, at("2026-10-24T04:00:00Z"));
  EXPECT_EQ(eu.closed[1].to, at("2026-10-24T20:00:00Z"));
}

TEST(SlaOlasExplain, AnOverriddensTimelineIsOnePlainStretchThatSumsToElapsed) {
  const SlaReport report =
      engine().evaluate(Ticket::from_json(overridden), at("2026-10-26T18:00:00+08:00"), {.explain = true});
  ASSERT_EQ(report.timelines.size(), 1U);
  // Elapsed 9 h on the wall clock, Mon 09:00 to 18:00 +08:00, through the 12:00 pending_customer
  // (an override does not pause) and without shanghai's calendar: one counted stretch of 9 h.
  const SlaTimeline& t = report.timelines[0];
  ASSERT_EQ(t.counted.size(), 1U);
  EXPECT_EQ(t.counted[0].from, at("2026-10-26T01:00:00Z"));
  EXPECT_EQ(t.counted[0].to, at("2026-10-26T10:00:00Z"));
  EXPECT_EQ(t.counted[0].business, 9h);
  EXPECT_EQ(t.counted[0].business, report.metrics[0].elapsed);
  EXPECT_TRUE(t.paused.empty());
  EXPECT_TRUE(t.closed.empty());
}

TEST(SlaOlasStatus, AnOlasBreachIsAMissThatNamesItsQueue) {
  // As in AnOlaOverrideMovesTheHoldersInstanceAndItsPercentages: the Berlin desk's ownership
  // breached at its overridden due instant, Sat 09:30Z, and still runs; resolution (Fri 16:00-18:00
  // +08:00, 2 h of 24 h) and the Shanghai desk's (achieved at 1 h 30 m) did not miss.
  const SlaReport report = engine().evaluate(handed_over_with_ola_override(), at("2026-10-24T12:00:00Z"));
  EXPECT_EQ(report.status, SlaTicketStatus::active_with_misses);
  const auto misses = report.misses();
  ASSERT_EQ(misses.size(), 1U);
  EXPECT_EQ(misses[0].metric, "ola");
  EXPECT_EQ(misses[0].queue, "returns-eu");
  EXPECT_EQ(misses[0].breached_at, at("2026-10-24T09:30:00Z"));
  EXPECT_NE(report.to_json().find(
                R"("misses":[{"metric":"ola","queue":"returns-eu","cycle":0,"breached_at":"2026-10-24T09:30:00Z"}])"),
            std::string::npos)
      << report.to_json();
}

}  // namespace
