// The auditable timeline (issue 16 point 13, docs/sla.md "The timeline: explain"): with
// SlaOptions::explain each metric instance lists the stretches it counted, those it was paused
// and why, and the calendar's closed time it skipped; the counted business time sums to its
// elapsed time, and the KPI engine's durations are those sums.
#include <aftersales/aftersales.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sla_fixtures.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

// Berlin office hours, Monday to Friday 09:00-17:00. The example of docs/sla.md.
constexpr const char* berlin_policy = R"({"schema_version": 1,
  "calendars": {"berlin": {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["09:00-17:00"]}}},
  "sla": {"policies": [{"id": "eu", "calendar": "berlin", "pause_on": ["pending_customer"],
    "targets": {"normal": {"first_response": "1h", "resolution": "16h", "agent_work_time": "16h",
                           "on_hold_time": "4h"}}}]}})";

// Created Friday 2026-10-23 16:00 CEST; Germany leaves summer time on Sunday the 25th, so the
// Monday and Tuesday instants are CET (+01:00). Times in UTC checked with Python's zoneinfo.
constexpr const char* berlin_ticket = R"({"id": "T-EU-1", "created_at": "2026-10-23T16:00:00+02:00",
  "channel": "email", "events": [
    {"at": "2026-10-23T16:30:00+02:00", "type": "agent_reply"},
    {"at": "2026-10-26T10:00:00+01:00", "type": "status", "to": "pending_customer"},
    {"at": "2026-10-26T11:30:00+01:00", "type": "customer_message"},
    {"at": "2026-10-27T10:00:00+01:00", "type": "resolved"}]})";

Instant u(const char* text) { return parse_instant(text); }

const SlaMetric& metric_named(const SlaReport& report, std::string_view name, std::size_t* index) {
  for (std::size_t i = 0; i < report.metrics.size(); ++i) {
    if (report.metrics[i].metric == name) {
      *index = i;
      return report.metrics[i];
    }
  }
  throw std::logic_error("no metric " + std::string(name));
}

// What an analyst checks by hand: the counted business time sums to elapsed, each counted
// stretch less the closed time inside it is its business time, and counted and paused stretches
// tile [started_at, completed_at or the instant evaluated) without gaps or overlaps.
void expect_reconciles(const SlaMetric& m, const SlaTimeline& timeline, Instant at) {
  SCOPED_TRACE(m.metric + " cycle " + std::to_string(m.cycle));
  Duration counted{0};
  for (const SlaCountedSpan& c : timeline.counted) {
    counted += c.business;
    Duration closed{0};
    for (const SlaClosedSpan& x : timeline.closed)
      if (x.from >= c.from && x.to <= c.to) closed += x.to - x.from;
    EXPECT_EQ((c.to - c.from) - closed, c.business);
  }
  EXPECT_EQ(counted, m.elapsed);
  struct Span {
    Instant from, to;
  };
  std::vector<Span> spans;
  for (const SlaCountedSpan& c : timeline.counted) spans.push_back({c.from, c.to});
  for (const SlaPausedSpan& p : timeline.paused) spans.push_back({p.from, p.to});
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.from < b.from; });
  Instant t = m.started_at;
  for (const Span& s : spans) {
    EXPECT_EQ(s.from, t);
    EXPECT_LT(s.from, s.to);
    t = s.to;
  }
  EXPECT_EQ(t, m.completed_at.value_or(at));
}

TEST(SlaExplain, BerlinWeekendAndTheEndOfSummerTimeWorkedByHand) {
  const SlaEngine engine(Policy::from_json(berlin_policy));
  const Ticket ticket = Ticket::from_json(berlin_ticket);
  const Instant at = u("2026-10-27T12:00:00+01:00");
  const SlaReport report = engine.evaluate(ticket, at, {.explain = true});
  ASSERT_EQ(report.timelines.size(), report.metrics.size());
  std::size_t i = 0;

  // first_response: 14:00Z-14:30Z on Friday, inside office hours: 30 min, nothing skipped.
  const SlaMetric& first = metric_named(report, "first_response", &i);
  ASSERT_EQ(report.timelines[i].counted.size(), 1U);
  EXPECT_EQ(report.timelines[i].counted[0].from, u("2026-10-23T14:00:00Z"));
  EXPECT_EQ(report.timelines[i].counted[0].to, u("2026-10-23T14:30:00Z"));
  EXPECT_EQ(report.timelines[i].counted[0].business, 30min);
  EXPECT_TRUE(report.timelines[i].paused.empty());
  EXPECT_TRUE(report.timelines[i].closed.empty());
  expect_reconciles(first, report.timelines[i], at);

  // resolution, paused on pending_customer:
  //   counted Fri 16:00 CEST (14:00Z) to Mon 10:00 CET (09:00Z): 67 h of which the office was
  //     closed from Fri 17:00 CEST (15:00Z) to Mon 09:00 CET (08:00Z), 65 h (the Sunday night
  //     has 25 hours): 2 h of business time (Fri 16-17, Mon 9-10).
  //   paused Mon 09:00Z-10:30Z, pending_customer.
  //   counted Mon 11:30 CET (10:30Z) to Tue 10:00 CET (09:00Z): 22 h 30 min, closed Mon 17:00
  //     (16:00Z) to Tue 09:00 (08:00Z), 16 h: 6 h 30 min.
  //   elapsed 2 h + 6 h 30 min = 8 h 30 min.
  const SlaMetric& resolution = metric_named(report, "resolution", &i);
  const SlaTimeline& r = report.timelines[i];
  EXPECT_EQ(resolution.elapsed, 8h + 30min);
  ASSERT_EQ(r.counted.size(), 2U);
  EXPECT_EQ(r.counted[0].from, u("2026-10-23T14:00:00Z"));
  EXPECT_EQ(r.counted[0].to, u("2026-10-26T09:00:00Z"));
  EXPECT_EQ(r.counted[0].business, 2h);
  EXPECT_EQ(r.counted[1].from, u("2026-10-26T10:30:00Z"));
  EXPECT_EQ(r.counted[1].to, u("2026-10-27T09:00:00Z"));
  EXPECT_EQ(r.counted[1].business, 6h + 30min);
  ASSERT_EQ(r.paused.size(), 1U);
  EXPECT_EQ(r.paused[0].from, u("2026-10-26T09:00:00Z"));
  EXPECT_EQ(r.paused[0].to, u("2026-10-26T10:30:00Z"));
  EXPECT_EQ(r.paused[0].reason, "pending_customer");
  ASSERT_EQ(r.closed.size(), 2U);
  EXPECT_EQ(r.closed[0].from, u("2026-10-23T15:00:00Z"));
  EXPECT_EQ(r.closed[0].to, u("2026-10-26T08:00:00Z"));
  EXPECT_EQ(r.closed[1].from, u("2026-10-26T16:00:00Z"));
  EXPECT_EQ(r.closed[1].to, u("2026-10-27T08:00:00Z"));
  expect_reconciles(resolution, r, at);

  // agent_work_time runs in new and open, so it stops in pending_customer like resolution: the
  // same stretches (the same business times, worked out once), whatever pause_on says.
  const SlaMetric& work = metric_named(report, "agent_work_time", &i);
  EXPECT_EQ(work.elapsed, 8h + 30min);
  ASSERT_EQ(report.timelines[i].counted.size(), 2U);
  EXPECT_EQ(report.timelines[i].paused.size(), 1U);
  expect_reconciles(work, report.timelines[i], at);

  // on_hold_time never ran: paused from creation to the resolve, cut where the status changed:
  // new until the reply (14:30Z), open, pending_customer, open again.
  const SlaMetric& hold = metric_named(report, "on_hold_time", &i);
  const SlaTimeline& h = report.timelines[i];
  EXPECT_EQ(hold.elapsed, 0min);
  EXPECT_TRUE(h.counted.empty());
  ASSERT_EQ(h.paused.size(), 4U);
  EXPECT_EQ(h.paused[0].reason, "new");
  EXPECT_EQ(h.paused[0].to, u("2026-10-23T14:30:00Z"));
  EXPECT_EQ(h.paused[1].reason, "open");
  EXPECT_EQ(h.paused[1].to, u("2026-10-26T09:00:00Z"));
  EXPECT_EQ(h.paused[2].reason, "pending_customer");
  EXPECT_EQ(h.paused[3].reason, "open");
  EXPECT_EQ(h.paused[3].to, u("2026-10-27T09:00:00Z"));
  expect_reconciles(hold, h, at);
}

TEST(SlaExplain, JsonShapeAndOffByDefault) {
  const SlaEngine engine(Policy::from_json(berlin_policy));
  const Ticket ticket = Ticket::from_json(berlin_ticket);
  const Instant at = u("2026-10-27T12:00:00+01:00");
  const SlaReport plain = engine.evaluate(ticket, at);
  EXPECT_TRUE(plain.timelines.empty());
  EXPECT_EQ(plain.to_json().find("timeline"), std::string::npos);
  SlaReport explained = engine.evaluate(ticket, at, {.explain = true});
  const std::string json = explained.to_json();
  // The first_response entry, by hand from the test above.
  EXPECT_NE(json.find(R"("completed_at":"2026-10-23T14:30:00Z","timeline":{"counted":[{"from":"2026-10-23T14:00:00Z",)"
                      R"("to":"2026-10-23T14:30:00Z","business_s":1800}],"paused":[],"closed":[]}})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("paused":[{"from":"2026-10-26T09:00:00Z","to":"2026-10-26T10:30:00Z",)"
                      R"("reason":"pending_customer"}])"),
            std::string::npos)
      << json;
  // Everything else is the report without the option.
  explained.timelines.clear();
  EXPECT_EQ(explained.to_json(), plain.to_json());
  // Batches and JSON Lines take the option too.
  const std::vector<Ticket> tickets{ticket};
  EXPECT_EQ(engine.evaluate(tickets, at, {}, {.explain = true}).at(0).timelines.size(), plain.metrics.size());
  std::string one_line = berlin_ticket;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  const std::string line = engine.evaluate_lines(one_line, at, {}, {.explain = true});
  EXPECT_NE(line.find(R"("timeline":{"counted":[{"from":"2026-10-23T14:00:00Z",)"), std::string::npos) << line;
  EXPECT_EQ(engine.evaluate_lines(one_line, at), plain.to_json() + "\n");
}

// A clock still running, or paused, at the instant evaluated is explained up to that instant;
// reasons follow each status it stood still in; a target without a calendar skips nothing.
TEST(SlaExplain, OpenClocksRunToTheInstantEvaluated) {
  const SlaEngine engine(Policy::from_json(R"({"schema_version": 1,
    "sla": {"policies": [{"id": "p", "pause_on": ["pending_customer", "on_hold"],
      "targets": {"normal": {"resolution": "24h", "on_hold_time": "2h"}}}]}})"));
  const Ticket ticket = Ticket::from_json(R"({"id": "T-2", "created_at": "2026-03-02T08:00:00Z", "channel": "chat",
    "events": [{"at": "2026-03-02T09:00:00Z", "type": "status", "to": "pending_customer"},
               {"at": "2026-03-02T10:00:00Z", "type": "status", "to": "on_hold"}]})");
  const Instant at = u("2026-03-02T12:00:00Z");
  const SlaReport report = engine.evaluate(ticket, at, {.explain = true});
  std::size_t i = 0;
  // resolution: counted 08:00-09:00 (1 h, plain time), then paused to noon: pending_customer
  // 09:00-10:00, on_hold 10:00-12:00.
  const SlaMetric& resolution = metric_named(report, "resolution", &i);
  const SlaTimeline& r = report.timelines[i];
  EXPECT_EQ(resolution.state, SlaState::paused);
  ASSERT_EQ(r.counted.size(), 1U);
  EXPECT_EQ(r.counted[0].business, 1h);
  EXPECT_TRUE(r.closed.empty());
  ASSERT_EQ(r.paused.size(), 2U);
  EXPECT_EQ(r.paused[0].reason, "pending_customer");
  EXPECT_EQ(r.paused[1].reason, "on_hold");
  EXPECT_EQ(r.paused[1].to, at);
  expect_reconciles(resolution, r, at);
  // on_hold_time: paused while new (08:00-09:00) and pending (09:00-10:00), counting 10:00-12:00.
  const SlaMetric& hold = metric_named(report, "on_hold_time", &i);
  const SlaTimeline& h = report.timelines[i];
  EXPECT_EQ(hold.elapsed, 2h);
  ASSERT_EQ(h.counted.size(), 1U);
  EXPECT_EQ(h.counted[0].to, at);
  ASSERT_EQ(h.paused.size(), 2U);
  EXPECT_EQ(h.paused[0].reason, "new");
  EXPECT_EQ(h.paused[1].reason, "pending_customer");
  expect_reconciles(hold, h, at);
}

// Every metric instance of the shared fixture set (two calendars, pauses, reopens, custom
// metrics, cycles) reconciles, and its report is otherwise the one without the option.
TEST(SlaExplain, EveryFixtureInstanceReconciles) {
  const SlaEngine engine(Policy::from_file(test::sla_fixtures / "policy.json"));
  const Instant at = parse_instant("2026-11-18T12:00:00+08:00");
  std::size_t instances = 0;
  for (const std::string& line : test::lines_of(test::read_text(test::sla_fixtures / "tickets.jsonl"))) {
    const Ticket ticket = Ticket::from_json(line);
    SlaReport report = engine.evaluate(ticket, at, {.explain = true});
    ASSERT_EQ(report.timelines.size(), report.metrics.size());
    for (std::size_t k = 0; k < report.metrics.size(); ++k) expect_reconciles(report.metrics[k], report.timelines[k], at);
    instances += report.metrics.size();
    report.timelines.clear();
    EXPECT_EQ(report.to_json(), engine.evaluate(ticket, at).to_json());
  }
  EXPECT_GT(instances, 20U);
}

// The KPI engine's status-clock durations are the timeline's sums of the same tickets.
TEST(SlaExplain, KpiDurationsAreTheTimelineSums) {
  const auto policy = Policy::from_json(berlin_policy);
  const Ticket ticket = Ticket::from_json(berlin_ticket);
  const Instant at = u("2026-10-27T12:00:00+01:00");
  KpiAccumulator kpi(policy, {});
  kpi.add(ticket, at);
  const KpiResult result = kpi.result();
  ASSERT_EQ(result.groups.size(), 1U);
  const SlaReport report = SlaEngine(policy).evaluate(ticket, at, {.explain = true});
  std::size_t i = 0;
  metric_named(report, "agent_work_time", &i);
  Duration counted{0};
  for (const SlaCountedSpan& c : report.timelines[i].counted) counted += c.business;
  EXPECT_EQ(counted, 8h + 30min);  // as worked by hand above
  EXPECT_EQ(result.groups[0].agent_work.count, 1);
  EXPECT_EQ(result.groups[0].agent_work.p50_s, static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(counted).count()));
  EXPECT_EQ(result.groups[0].on_hold.p50_s, 0.0);
}

}  // namespace
