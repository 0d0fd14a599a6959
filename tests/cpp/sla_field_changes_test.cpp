// Events that change a ticket's fields and tags (issue 16, point 10; docs/sla.md, "Events that
// change fields and tags"): field_changed, tag_added and tag_removed, read, kept by every
// reader, and seen by custom metrics' conditions from the event on. Expected values are worked
// by hand beside each test; instants were checked with Python's zoneinfo.

#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
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
using test::at;
using test::E;
using test::hhmm;
using test::on_march_2;
using test::ticket;

// warehouse_wait starts when the field warehouse_status becomes "delayed" and stops when the
// tag warehouse_done is added; 4h on Shanghai office hours (Asia/Shanghai, UTC+8 all year,
// Mon-Fri 09:00-18:00).
constexpr std::string_view warehouse_policy = R"({"schema_version": 1,
  "calendars": {"shanghai": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}},
  "sla": {"policies": [{"id": "p", "calendar": "shanghai", "targets": {"normal": {"warehouse_wait": "4h"}}}],
          "metrics": {"warehouse_wait": {
            "start_when": {"field": "fields.warehouse_status", "eq": "delayed"},
            "stop_when": {"field": "tags", "contains": "warehouse_done"}}}}})";

// Created Monday 2 March 2026 10:00 Shanghai (02:00Z) with warehouse_status "ok"; the field
// becomes "delayed" at 16:00 (08:00Z); the tag warehouse_done is added Tuesday 14:00 (06:00Z).
constexpr std::string_view warehouse_ticket = R"({"id": "T-W", "created_at": "2026-03-02T10:00:00+08:00",
  "tags": ["returns"], "fields": {"warehouse_status": "ok"}, "events": [
  {"at": "2026-03-02T16:00:00+08:00", "type": "field_changed", "field": "warehouse_status", "value": "delayed"},
  {"at": "2026-03-03T14:00:00+08:00", "type": "tag_added", "tag": "warehouse_done"}]})";

SlaEngine warehouse_engine() { return SlaEngine(Policy::from_json(warehouse_policy)); }

TEST(SlaFieldChanges, AFieldChangeStartsAndATagStopsACustomMetric) {
  const Ticket t = Ticket::from_json(warehouse_ticket);
  // As created the ticket is "ok" and untagged warehouse_done: the events change it.
  ASSERT_EQ(t.changes.size(), 2U);
  EXPECT_EQ(t.events[0].detail, 1U);
  EXPECT_EQ(t.changes[0].name, "warehouse_status");
  EXPECT_EQ(t.changes[0].value, FieldScalar(std::string("delayed")));
  EXPECT_EQ(t.changes[1].name, "warehouse_done");
  SlaOptions explain;
  explain.explain = true;
  const SlaReport report = warehouse_engine().evaluate(t, at("2026-03-03T15:00:00+08:00"), explain);
  ASSERT_EQ(report.metrics.size(), 1U);
  const SlaMetric& m = report.metrics[0];
  // Started Monday 16:00 (the field's event), not at creation: "ok" is not "delayed".
  // Business time: Monday 16:00-18:00 = 2h, then Tuesday from 09:00; 4h is reached at Tuesday
  // 11:00 (2h + 2h) = 03:00Z: breached then. Stopped at 14:00 by the tag: 2h + 5h = 7h.
  EXPECT_EQ(m.started_at, at("2026-03-02T08:00:00Z"));
  EXPECT_EQ(m.state, SlaState::breached);
  EXPECT_EQ(m.breached_at, at("2026-03-03T03:00:00Z"));
  EXPECT_EQ(m.completed_at, at("2026-03-03T06:00:00Z"));
  EXPECT_EQ(m.elapsed, std::chrono::hours(7));
  // The timeline: one counted stretch, Monday 16:00 to Tuesday 14:00 (22h on the wall), of which
  // 7h business; the night Monday 18:00 to Tuesday 09:00 (10:00Z to 01:00Z) closed; no pause.
  ASSERT_EQ(report.timelines.size(), 1U);
  const SlaTimeline& line = report.timelines[0];
  ASSERT_EQ(line.counted.size(), 1U);
  EXPECT_EQ(line.counted[0].from, at("2026-03-02T08:00:00Z"));
  EXPECT_EQ(line.counted[0].to, at("2026-03-03T06:00:00Z"));
  EXPECT_EQ(line.counted[0].business, std::chrono::hours(7));
  ASSERT_EQ(line.closed.size(), 1U);
  EXPECT_EQ(line.closed[0].from, at("2026-03-02T10:00:00Z"));
  EXPECT_EQ(line.closed[0].to, at("2026-03-03T01:00:00Z"));
  EXPECT_TRUE(line.paused.empty());

  // Evaluated Monday 15:00, before the change: the metric has not started.
  EXPECT_TRUE(warehouse_engine().evaluate(t, at("2026-03-02T15:00:00+08:00")).metrics.empty());
}

TEST(SlaFieldChanges, EveryReaderKeepsTheChanges) {
  // JSON Lines (simdjson), the columns, and their binary form (format 4) give the same report
  // and the same ticket back.
  const Ticket one = Ticket::from_json(warehouse_ticket);
  std::string line(warehouse_ticket);
  std::erase(line, '\n');
  const TicketBatch lines = TicketBatch::from_lines(line);
  const TicketBatch columns = TicketBatch::from_tickets(std::span<const Ticket>(&one, 1));
  const TicketBatch binary = detail::read_tickets(detail::write_tickets(columns));
  const Instant t = at("2026-03-03T15:00:00+08:00");
  const std::string expected = warehouse_engine().evaluate(one, t).to_json();
  for (const TicketBatch* batch : {&lines, &columns, &binary}) {
    EXPECT_EQ(warehouse_engine().evaluate(*batch, 0, t).to_json(), expected);
    const Ticket back = batch->ticket(0);
    ASSERT_EQ(back.changes.size(), 2U);
    EXPECT_EQ(back.events[1].detail, 2U);
    EXPECT_EQ(back.changes[0].value, one.changes[0].value);
    EXPECT_EQ(back.changes[1].name, "warehouse_done");
    EXPECT_FALSE(back.changes[1].value);
  }
}

TEST(SlaFieldChanges, AResetAndAFieldClearedWithNull) {
  // courier_wait starts when the field courier exists, restarts when it becomes "SF-2" (a
  // second courier), pauses while no courier is set, and stops at the tag delivered. On
  // `always` (UTC, 24x7): business time is wall time.
  const auto sla = test::engine(R"({"policies": [{"id": "p", "calendar": "always",
      "targets": {"normal": {"courier_wait": "2h"}}}],
      "metrics": {"courier_wait": {"start_when": {"field": "fields.courier", "exists": true},
                                   "reset_when": {"field": "fields.courier", "eq": "SF-2"},
                                   "pause_when": {"field": "fields.courier", "exists": false},
                                   "stop_when": {"field": "tags", "contains": "delivered"}}}})");
  const Ticket t = ticket({{"09:30", "field_changed", R"("field": "courier", "value": "SF-1")"},
                           {"10:00", "field_changed", R"("field": "courier", "value": "SF-2")"},
                           {"10:45", "field_changed", R"("field": "courier", "value": null)"},
                           {"11:00", "tag_added", R"("tag": "delivered")"}});
  EXPECT_FALSE(t.changes[2].value);  // null: cleared
  const SlaReport report = sla.evaluate(t, on_march_2("12:00"));
  // 09:30 starts cycle 0; 10:00 resets it (dropped, not reported) and starts it again; 10:45
  // clears the courier: paused; 11:00 stops it. Counted 10:00-10:45 = 45m of 2h: achieved.
  ASSERT_EQ(report.metrics.size(), 1U);
  const SlaMetric& m = report.metrics[0];
  EXPECT_EQ(m.cycle, 0U);
  EXPECT_EQ(hhmm(m.started_at), "10:00");
  EXPECT_EQ(m.elapsed, std::chrono::minutes(45));
  EXPECT_EQ(m.state, SlaState::achieved);
  EXPECT_EQ(hhmm(*m.completed_at), "11:00");
}

TEST(SlaFieldChanges, ATagRemovedAndChangesInTimeOrder) {
  // vip_watch runs while the ticket is tagged vip: created with it, so it starts at 09:00;
  // tag_removed at 09:40 stops it: 40m. The events are listed out of order: they apply by time.
  const auto sla = test::engine(R"({"policies": [{"id": "p", "calendar": "always",
      "targets": {"normal": {"vip_watch": "1h"}}}],
      "metrics": {"vip_watch": {"start_when": {"field": "tags", "contains": "vip"},
                                "stop_when": {"not": {"field": "tags", "contains": "vip"}}}}})");
  const Ticket t = ticket({{"09:50", "tag_added", R"("tag": "vip")"}, {"09:40", "tag_removed", R"("tag": "vip")"}},
                          R"("tags": ["vip", "returns"])");
  // 09:40 removes vip (stop, 40m, achieved); 09:50 adds it back: a second cycle from 09:50,
  // running at 10:30, 40m so far.
  const SlaReport report = sla.evaluate(t, on_march_2("10:30"));
  ASSERT_EQ(report.metrics.size(), 2U);
  EXPECT_EQ(report.metrics[0].elapsed, std::chrono::minutes(40));
  EXPECT_EQ(report.metrics[0].state, SlaState::achieved);
  EXPECT_EQ(hhmm(report.metrics[1].started_at), "09:50");
  EXPECT_EQ(report.metrics[1].elapsed, std::chrono::minutes(40));
  EXPECT_EQ(report.metrics[1].state, SlaState::active);
}

TEST(SlaFieldChanges, RoutingSeesTheChangesUpToItsInstant) {
  // A rule sends a ticket whose warehouse_status is "delayed" and which is not tagged
  // warehouse_done to the warehouse desk; anything else goes to the default desk.
  const auto policy = Policy::from_json(R"({"schema_version": 1, "routing": {
      "queues": [{"id": "general"}, {"id": "warehouse"}],
      "rules": [{"id": "delayed", "queue": "warehouse", "when": {"all": [
          {"field": "fields.warehouse_status", "eq": "delayed"},
          {"not": {"field": "tags", "contains": "warehouse_done"}}]}}],
      "default_queue": "general"}})");
  const Ticket t = Ticket::from_json(warehouse_ticket);
  const auto queue_at = [&](std::string_view when) { return Router(policy).route(t, at(when)).queue; };
  // Before 16:00 the ticket is "ok" as created; from 16:00 "delayed"; from Tuesday 14:00 tagged
  // warehouse_done. A change at the instant routed counts (events up to it, as every replay).
  EXPECT_EQ(queue_at("2026-03-02T15:59:59+08:00"), "general");
  EXPECT_EQ(queue_at("2026-03-02T16:00:00+08:00"), "warehouse");
  EXPECT_EQ(queue_at("2026-03-03T13:59:59+08:00"), "warehouse");
  EXPECT_EQ(queue_at("2026-03-03T14:00:00+08:00"), "general");
}

TEST(SlaFieldChanges, KpiComplaintsSeeTheChangesUpToTheInstant) {
  // A complaint is a ticket tagged angry; T-W is not, until a tag_added at 11:00 (03:00Z).
  const auto policy = Policy::from_json(R"({"schema_version": 1,
      "kpi": {"complaints": {"field": "tags", "contains": "angry"}}})");
  const Ticket t = Ticket::from_json(R"({"id": "T-K", "created_at": "2026-03-02T10:00:00+08:00", "events": [
      {"at": "2026-03-02T11:00:00+08:00", "type": "tag_added", "tag": "angry"}]})");
  const auto complaints_at = [&](std::string_view when) {
    KpiAccumulator kpi(policy, {.group_by = {}, .time_zone = {}});
    kpi.add(t, at(when));
    return kpi.result().groups.at(0).complaints;
  };
  EXPECT_EQ(complaints_at("2026-03-02T10:59:59+08:00"), 0);
  EXPECT_EQ(complaints_at("2026-03-02T11:00:00+08:00"), 1);
}

std::string problem(std::string_view event) {
  return test::error_of<InputError>([&] {
    return Ticket::from_json(R"({"id": "T-E", "created_at": "2026-03-02T09:00:00Z", "events": [)" + std::string(event) +
                             "]}");
  });
}

TEST(SlaFieldChanges, TheReaderChecksTheEvents) {
  constexpr std::string_view at9 = R"("at": "2026-03-02T10:00:00Z", )";
  const auto event = [&](std::string_view rest) { return "{" + std::string(at9) + std::string(rest) + "}"; };
  EXPECT_EQ(problem(event(R"("type": "agent_reply", "field": "courier")")),
            "invalid ticket: 1 problem\n  events[0].field: \"field\" belongs to field_changed events only");
  EXPECT_EQ(problem(event(R"("type": "field_changed", "field": "courier", "tag": "x", "value": 1)")),
            "invalid ticket: 1 problem\n  events[0].tag: \"tag\" belongs to tag_added and tag_removed events only");
  // No value is null: the field is cleared (Python dicts and frames hold an absent value as None).
  EXPECT_EQ(problem(event(R"("type": "field_changed", "field": "courier")")), "");
  EXPECT_EQ(problem(event(R"("type": "field_changed", "value": 1)")), "invalid ticket: 1 problem\n  events[0].field: missing");
  EXPECT_EQ(problem(event(R"("type": "field_changed", "field": "", "value": 1)")),
            "invalid ticket: 1 problem\n  events[0].field: the field name is empty");
  // The value is never echoed: it may be a customer's data.
  EXPECT_EQ(problem(event(R"("type": "field_changed", "field": "courier", "value": ["secret"])")),
            "invalid ticket: 1 problem\n  events[0].value: a field's value must be text, a number, true, false or null");
  EXPECT_EQ(problem(event(R"("type": "tag_removed")")), "invalid ticket: 1 problem\n  events[0].tag: missing");
  EXPECT_EQ(problem(event(R"("type": "tag_added", "tag": "")")), "invalid ticket: 1 problem\n  events[0].tag: the tag is empty");
  EXPECT_EQ(problem(event(R"("type": "tag_added", "tag": "x", "value": true)")),
            "invalid ticket: 1 problem\n  events[0].value: \"value\" belongs to field_changed events only");
}

}  // namespace
