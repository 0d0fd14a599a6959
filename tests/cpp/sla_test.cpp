// SLA evaluation (spec §4) through the public API. Every expected value is worked out by hand
// from spec §3/§4 and the SLA semantics chosen for issue 3; short comments show the arithmetic.
//
// Calendars used throughout (UTC, so wall clock = instant):
//   office: Mon-Fri 09:00-18:00, holiday Wed 2026-03-04.   always: 24x7.
// 2026-03-02 is a Monday; 03-07/03-08 are the weekend.

#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sla_fixtures.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

constexpr std::string_view calendars = R"({
  "office": {"timezone": "UTC", "hours": {"mon-fri": ["09:00-18:00"]}, "holidays": ["2026-03-04"]},
  "always": {"timezone": "UTC", "hours": "24x7"}})";

std::shared_ptr<const Policy> load(std::string_view sla, std::string_view calendars_json = calendars) {
  std::string doc = R"({"schema_version": 1, "calendars": )";
  doc += calendars_json;
  doc += R"(, "sla": )";
  doc += sla;
  doc += "}";
  return Policy::from_json(doc);
}

// "03-02 10:08" or "03-02 09:40:30.500" -> "2026-03-02T10:08:00Z"; full RFC 3339 passes through.
std::string iso(std::string_view when) {
  if (when.find('T') != std::string_view::npos) return std::string(when);
  std::string out = "2026-" + std::string(when.substr(0, 5)) + "T" + std::string(when.substr(6));
  if (when.size() == 11) out += ":00";
  return out + "Z";
}

Instant t(std::string_view when) { return parse_instant(iso(when)); }

// One event of the spec §3 JSON shape; `extra` holds further members ("\"bot\": true").
std::string ev(std::string_view when, std::string_view type, std::string_view extra = {}) {
  std::string out = R"({"at": ")" + iso(when) + R"(", "type": ")" + std::string(type) + "\"";
  if (!extra.empty()) out += ", " + std::string(extra);
  return out + "}";
}

std::string ticket_json(std::string_view created, const std::vector<std::string>& events,
                        std::string_view extra = {}, std::string_view id = "T-1") {
  std::string out = R"({"id": ")" + std::string(id) + R"(", "created_at": ")" + iso(created) + "\"";
  if (!extra.empty()) out += ", " + std::string(extra);
  out += R"(, "events": [)";
  for (std::size_t i = 0; i < events.size(); ++i) out += (i ? ", " : "") + events[i];
  return out + "]}";
}

Ticket ticket(std::string_view created, const std::vector<std::string>& events, std::string_view extra = {}) {
  return Ticket::from_json(ticket_json(created, events, extra));
}

constexpr SlaState active = SlaState::active;
constexpr SlaState paused = SlaState::paused;
constexpr SlaState achieved = SlaState::achieved;
constexpr SlaState breached = SlaState::breached;

std::string show(std::optional<Instant> when) { return when ? format_instant(*when) : "null"; }

// What a test expects of one metric instance; instants as for `iso`, empty for null.
struct Want {
  std::string metric;
  int cycle = 0;
  Duration target{};
  Duration elapsed{};
  SlaState state = SlaState::active;
  std::string started;
  std::string due;
  std::string breached;
  std::string completed;
};

std::string line(std::string_view metric, int cycle, Duration target, Duration elapsed, SlaState state,
                 const std::string& started, const std::string& due, const std::string& breach,
                 const std::string& completed) {
  return std::string(metric) + "[" + std::to_string(cycle) + "] target=" + std::to_string(target.count()) +
         "ms elapsed=" + std::to_string(elapsed.count()) + "ms " + std::string(to_string(state)) +
         " started=" + started + " due=" + due + " breached=" + breach + " completed=" + completed;
}

std::string line(const SlaMetric& m) {
  return line(m.metric, m.cycle, m.target, m.elapsed, m.state, format_instant(m.started_at), show(m.due_at),
              show(m.breached_at), show(m.completed_at));
}

std::string instant_or_null(const std::string& when) { return when.empty() ? "null" : format_instant(t(when)); }

std::string line(const Want& w) {
  return line(w.metric, w.cycle, w.target, w.elapsed, w.state, instant_or_null(w.started), instant_or_null(w.due),
              instant_or_null(w.breached), instant_or_null(w.completed));
}

// The report's metrics are exactly `wants`, in this order.
void expect_metrics(const SlaReport& report, std::initializer_list<Want> wants) {
  std::vector<std::string> actual;
  for (const SlaMetric& m : report.metrics) actual.push_back(line(m));
  std::vector<std::string> expected;
  for (const Want& w : wants) expected.push_back(line(w));
  EXPECT_EQ(actual, expected);
}

std::string line(const SlaEscalation& e) {
  std::string out = e.metric + "[" + std::to_string(e.cycle) + "] " + e.at() + " " + e.action +
                    " to=" + (e.to.empty() ? "null" : e.to) + " at " + format_instant(e.reached_at);
  if (!e.calendar.empty()) out += " deliver on " + e.calendar + " at " + format_instant(e.deliver_at);
  return out;
}

std::vector<std::string> escalations(const SlaReport& report) {
  std::vector<std::string> out;
  for (const SlaEscalation& e : report.escalations) out.push_back(line(e));
  return out;
}

std::string next_check(const SlaReport& report) { return show(report.next_check_at); }

// ---- each metric's clock -----------------------------------------------------------------------

constexpr std::string_view first_response_policy = R"({"policies": [{"id": "p", "pause_on": ["on_hold"],
    "targets": {"normal": {"first_response": "10m", "resolution": "1h"}}}]})";

std::vector<std::string> bot_and_note_events() {
  return {ev("03-02 10:00", "customer_message"), ev("03-02 10:02", "agent_reply", R"("bot": true)"),
          ev("03-02 10:03", "agent_reply", R"("public": false)"), ev("03-02 10:04", "status", R"("to": "on_hold")"),
          ev("03-02 10:08", "agent_reply")};
}

TEST(SlaFirstResponse, BotRepliesAndInternalNotesDoNotStopItAndItNeverPauses) {
  const auto policy = load(first_response_policy);
  const Ticket tk = ticket("03-02 10:00", bot_and_note_events());

  // 10:06: first_response still runs (bot 10:02 and note 10:03 don't count; on_hold 10:04 does
  // not pause it): 6m, due 10:00+10m. resolution ran 10:00-10:04 = 4m, then paused on_hold.
  const SlaReport early = SlaEngine(policy).evaluate(tk, t("03-02 10:06"));
  EXPECT_EQ(early.policy, "p");
  expect_metrics(early, {{"first_response", 0, 10min, 6min, active, "03-02 10:00", "03-02 10:10", "", ""},
                         {"resolution", 0, 1h, 4min, paused, "03-02 10:00", "", "", ""}});
  EXPECT_EQ(next_check(early), format_instant(t("03-02 10:10")));  // the paused clock has none

  // The human reply at 10:08 stops it: 8m < 10m.
  const SlaReport later = SlaEngine(policy).evaluate(tk, t("03-02 10:20"));
  expect_metrics(later,
                 {{"first_response", 0, 10min, 8min, achieved, "03-02 10:00", "", "", "03-02 10:08"},
                  {"resolution", 0, 1h, 4min, paused, "03-02 10:00", "", "", ""}});
  EXPECT_EQ(next_check(later), "null");
}

TEST(SlaFirstResponse, HandBuiltTicketGivesTheSameReportAsItsJson) {
  const auto policy = load(first_response_policy);
  Ticket tk;
  tk.id = "T-1";
  tk.created_at = t("03-02 10:00");
  tk.events.push_back(Event::of(EventType::customer_message, t("03-02 10:00")));
  tk.events.push_back(Event::of(EventType::agent_reply, t("03-02 10:02")));
  tk.events.back().bot = true;
  tk.events.push_back(Event::of(EventType::agent_reply, t("03-02 10:03")));
  tk.events.back().is_public = false;
  tk.events.push_back(Event::of(EventType::status, t("03-02 10:04")));
  tk.events.back().to_status = Status::on_hold;
  tk.events.push_back(Event::of(EventType::agent_reply, t("03-02 10:08")));
  EXPECT_NO_THROW(tk.validate());

  const Ticket parsed = ticket("03-02 10:00", bot_and_note_events());
  for (const char* at : {"03-02 10:06", "03-02 10:20"})
    EXPECT_EQ(SlaEngine(policy).evaluate(tk, t(at)).to_json(), SlaEngine(policy).evaluate(parsed, t(at)).to_json()) << at;
}

TEST(SlaFirstResponse, ResolvingWithoutAHumanReplyCompletesIt) {
  const auto policy = load(first_response_policy);
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:01", "agent_reply", R"("bot": true)"),
                                           ev("03-02 10:04", "resolved")});
  // Both clocks stop at the resolve: 4m each.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 10:30")),
                 {{"first_response", 0, 10min, 4min, achieved, "03-02 10:00", "", "", "03-02 10:04"},
                  {"resolution", 0, 1h, 4min, achieved, "03-02 10:00", "", "", "03-02 10:04"}});
}

TEST(SlaBreach, StaysBreachedAfterCompletion) {
  const auto policy = load(R"({"policies": [{"id": "p", "targets": {"normal": {"first_response": "10m"}}}]})");
  const Ticket late = ticket("03-02 10:00", {ev("03-02 10:13", "agent_reply")});

  // Due 10:10. Just before, still active.
  expect_metrics(SlaEngine(policy).evaluate(late, t("03-02 10:09:59.999")),
                 {{"first_response", 0, 10min, 10min - 1ms, active, "03-02 10:00", "03-02 10:10", "", ""}});
  // At 10:10 the running clock reaches 10m: breached; still running, so due_at = breached_at.
  expect_metrics(SlaEngine(policy).evaluate(late, t("03-02 10:10")),
                 {{"first_response", 0, 10min, 10min, breached, "03-02 10:00", "03-02 10:10", "03-02 10:10", ""}});
  // The reply at 10:13 completes it (13m) but it stays breached, now and later.
  for (const char* at : {"03-02 10:13", "03-03 12:00"})
    expect_metrics(SlaEngine(policy).evaluate(late, t(at)), {{"first_response", 0, 10min, 13min, breached,
                                                        "03-02 10:00", "", "03-02 10:10", "03-02 10:13"}});

  // A reply exactly at the due instant achieves the target.
  const Ticket on_time = ticket("03-02 10:00", {ev("03-02 10:10", "agent_reply")});
  expect_metrics(SlaEngine(policy).evaluate(on_time, t("03-02 11:00")),
                 {{"first_response", 0, 10min, 10min, achieved, "03-02 10:00", "", "", "03-02 10:10"}});
}

TEST(SlaNextResponse, SeveralCyclesEachEndedByTheNextHumanReplyNeverPaused) {
  const auto policy = load(R"({"policies": [{"id": "p", "pause_on": ["pending_customer", "on_hold"],
      "targets": {"normal": {"next_response": "5m"}}}]})");
  const Ticket tk = ticket("03-02 10:00", {
      ev("03-02 10:00", "customer_message"),  // before any reply: no cycle
      ev("03-02 10:01", "agent_reply"),
      ev("03-02 10:10", "customer_message"),  // cycle 0 starts
      ev("03-02 10:12", "customer_message"),  // one open cycle at a time
      ev("03-02 10:13", "agent_reply", R"("bot": true)"),
      ev("03-02 10:14", "agent_reply"),       // cycle 0: 4m, achieved
      ev("03-02 10:15", "status", R"("to": "on_hold")"),
      ev("03-02 10:20", "customer_message"),  // cycle 1 starts (on_hold does not pause it)
      ev("03-02 10:27", "agent_reply"),       // cycle 1: 7m, breached at 10:25
      ev("03-02 10:30", "customer_message"),  // cycle 2 starts
      ev("03-02 10:31", "agent_reply", R"("public": false)"),
      ev("03-02 10:34", "resolved"),          // cycle 2: 4m, achieved
  });
  const SlaReport at_1033 = SlaEngine(policy).evaluate(tk, t("03-02 10:33"));
  expect_metrics(at_1033,
                 {{"next_response", 0, 5min, 4min, achieved, "03-02 10:10", "", "", "03-02 10:14"},
                  {"next_response", 1, 5min, 7min, breached, "03-02 10:20", "", "03-02 10:25", "03-02 10:27"},
                  {"next_response", 2, 5min, 3min, active, "03-02 10:30", "03-02 10:35", "", ""}});
  EXPECT_EQ(next_check(at_1033), format_instant(t("03-02 10:35")));

  const SlaReport at_1040 = SlaEngine(policy).evaluate(tk, t("03-02 10:40"));
  expect_metrics(at_1040,
                 {{"next_response", 0, 5min, 4min, achieved, "03-02 10:10", "", "", "03-02 10:14"},
                  {"next_response", 1, 5min, 7min, breached, "03-02 10:20", "", "03-02 10:25", "03-02 10:27"},
                  {"next_response", 2, 5min, 4min, achieved, "03-02 10:30", "", "", "03-02 10:34"}});
  EXPECT_EQ(next_check(at_1040), "null");
}

// Regression: a cycle used to start at 10:03 and, with nothing left to end it, was breached
// from 10:08 on. Resolving ends the reply clocks, and a message on a solved ticket starts none.
TEST(SlaNextResponse, NoReplyIsOwedOnAResolvedTicket) {
  const auto policy = load(R"({"policies": [{"id": "p", "targets": {"normal": {"next_response": "5m"}}}]})");
  // The customer's "thanks" after the resolve starts no cycle: resolving ends the reply clocks
  // and a resolved ticket owes no reply (periodic_update likewise starts only while unresolved).
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:00", "customer_message"), ev("03-02 10:01", "agent_reply"),
                                           ev("03-02 10:02", "resolved"), ev("03-02 10:03", "customer_message")});
  const SlaReport report = SlaEngine(policy).evaluate(tk, t("03-02 11:00"));
  expect_metrics(report, {});
  EXPECT_EQ(next_check(report), "null");
}

TEST(SlaPeriodicUpdate, FromEachHumanReplyToTheNextWhileNotResolved) {
  const auto policy = load(R"({"policies": [{"id": "p", "pause_on": ["pending_customer"],
      "targets": {"normal": {"periodic_update": "30m"}}}]})");
  const Ticket tk = ticket("03-02 10:00", {
      ev("03-02 10:05", "agent_reply"),  // cycle 0 starts
      ev("03-02 10:20", "agent_reply"),  // cycle 0: 15m; cycle 1 starts
      ev("03-02 10:25", "status", R"("to": "pending_customer")"),  // does not pause it
      ev("03-02 10:30", "agent_reply", R"("public": false)"),
      ev("03-02 11:00", "agent_reply"),  // cycle 1: 40m, breached 10:20+30m = 10:50; cycle 2 starts
      ev("03-02 11:10", "resolved"),     // cycle 2: 10m
      ev("03-02 11:15", "agent_reply"),  // resolved: no new cycle
  });
  const SlaReport report = SlaEngine(policy).evaluate(tk, t("03-02 12:00"));
  expect_metrics(report,
                 {{"periodic_update", 0, 30min, 15min, achieved, "03-02 10:05", "", "", "03-02 10:20"},
                  {"periodic_update", 1, 30min, 40min, breached, "03-02 10:20", "", "03-02 10:50", "03-02 11:00"},
                  {"periodic_update", 2, 30min, 10min, achieved, "03-02 11:00", "", "", "03-02 11:10"}});
  EXPECT_EQ(next_check(report), "null");
}

constexpr std::string_view resolution_policy = R"({"policies": [{"id": "p",
    "pause_on": ["pending_customer", "on_hold"], "targets": {"normal": {"resolution": "2h"}}}]})";

std::vector<std::string> paused_resolution_events() {
  return {ev("03-02 10:10", "agent_reply"),
          ev("03-02 10:30", "status", R"("to": "pending_customer")"),
          ev("03-02 11:00", "customer_message"),  // pending_customer -> open: resumes
          ev("03-02 11:20", "status", R"("to": "on_hold")"),
          ev("03-02 11:50", "status", R"("to": "open")"),
          ev("03-02 12:30", "resolved")};
}

TEST(SlaResolution, PausesWhileWaitingOnTheCustomerOrOnHold) {
  const auto policy = load(resolution_policy);
  const Ticket tk = ticket("03-02 10:00", paused_resolution_events());
  // Runs 10:00-10:30 (30m), 11:00-11:20 (20m), 11:50-12:30 (40m).
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 10:45")),
                 {{"resolution", 0, 2h, 30min, paused, "03-02 10:00", "", "", ""}});
  // 11:10: 30m + 10m = 40m; 80m to go -> due 12:30.
  const SlaReport running = SlaEngine(policy).evaluate(tk, t("03-02 11:10"));
  expect_metrics(running, {{"resolution", 0, 2h, 40min, active, "03-02 10:00", "03-02 12:30", "", ""}});
  EXPECT_EQ(next_check(running), format_instant(t("03-02 12:30")));
  const SlaReport on_hold = SlaEngine(policy).evaluate(tk, t("03-02 11:30"));
  expect_metrics(on_hold, {{"resolution", 0, 2h, 50min, paused, "03-02 10:00", "", "", ""}});
  EXPECT_EQ(next_check(on_hold), "null");
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 13:00")),
                 {{"resolution", 0, 2h, 90min, achieved, "03-02 10:00", "", "", "03-02 12:30"}});
}

TEST(SlaResolution, ClosingAnUnresolvedTicketCompletesIt) {
  const auto policy = load(resolution_policy);
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:30", "closed")});
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 11:00")),
                 {{"resolution", 0, 2h, 30min, achieved, "03-02 10:00", "", "", "03-02 10:30"}});
}

TEST(SlaResolution, ReopenAccumulatesTimeAndCancelsThePendingFollowUp) {
  const auto policy = load(R"({"policies": [{"id": "p",
      "targets": {"normal": {"resolution": "1h", "follow_up": "1h"}}}]})");
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:40", "resolved"), ev("03-02 12:00", "reopened"),
                                           ev("03-02 12:30", "resolved"), ev("03-02 13:10", "follow_up")});
  // 11:00: resolved after 40m; follow_up runs from 10:40: 20m, due 11:40.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 11:00")),
                 {{"resolution", 0, 1h, 40min, achieved, "03-02 10:00", "", "", "03-02 10:40"},
                  {"follow_up", 0, 1h, 20min, active, "03-02 10:40", "03-02 11:40", "", ""}});
  // 12:10: reopened at 12:00, 40m + 10m = 50m, due 12:20; the follow-up visit is moot.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 12:10")),
                 {{"resolution", 0, 1h, 50min, active, "03-02 10:00", "03-02 12:20", "", ""}});
  // 14:00: 40m + 30m = 70m, breached at 12:20; a new follow_up cycle 0 from 12:30 to 13:10 (40m).
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 14:00")),
                 {{"resolution", 0, 1h, 70min, breached, "03-02 10:00", "", "03-02 12:20", "03-02 12:30"},
                  {"follow_up", 0, 1h, 40min, achieved, "03-02 12:30", "", "", "03-02 13:10"}});
}

TEST(SlaResolution, AFollowUpCancelledAfterAnotherMetricStartedIsNotReportedEither) {
  // The refund clock starts between the resolution and the reopen, so the cancelled visit is
  // not the newest clock when it is cancelled (the replay drops it only when it is).
  const auto policy = load(R"({"policies": [{"id": "p",
      "targets": {"normal": {"follow_up": "1h", "refund_processing": "1h"}}}],
      "metrics": {"refund_processing": {"start": "refund_requested", "stop": "refund_issued"}}})");
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:40", "resolved"), ev("03-02 10:50", "refund_requested"),
                                           ev("03-02 11:00", "reopened"), ev("03-02 11:30", "resolved"),
                                           ev("03-02 11:40", "refund_issued"), ev("03-02 12:10", "follow_up")});
  // 13:00: the visit owed since 11:30 is cycle 0 again, 11:30-12:10 = 40m; the refund clock
  // ran 10:50-11:40 = 50m.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 13:00")),
                 {{"follow_up", 0, 1h, 40min, achieved, "03-02 11:30", "", "", "03-02 12:10"},
                  {"refund_processing", 0, 1h, 50min, achieved, "03-02 10:50", "", "", "03-02 11:40"}});
}

TEST(SlaResolution, AStatusEventOnASolvedTicketReopensIt) {
  const auto policy = load(R"({"policies": [{"id": "p",
      "targets": {"normal": {"resolution": "1h", "follow_up": "1h"}}}]})");
  // Resolved at 10:40 (40m), set back to open at 12:00 by a status event: the same clock runs
  // again and the visit is moot. At 12:10: 40m + 10m = 50m, due 12:20.
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:40", "resolved"),
                                           ev("03-02 12:00", "status", R"("to": "open")")});
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 12:10")),
                 {{"resolution", 0, 1h, 50min, active, "03-02 10:00", "03-02 12:20", "", ""}});
}

// ---- the status clocks (docs/sla.md, after Zendesk's definitions) ----------------------------

// new -> open -> pending_customer -> open -> on_hold -> open -> resolved, on Monday 03-02.
std::vector<std::string> status_clock_events() {
  return {ev("03-02 09:30", "agent_reply"),                                // new -> open
          ev("03-02 10:00", "status", R"("to": "pending_customer")"),
          ev("03-02 11:00", "customer_message"),                           // pending -> open
          ev("03-02 12:00", "status", R"("to": "on_hold")"),
          ev("03-02 14:00", "status", R"("to": "open")"),
          ev("03-02 15:00", "agent_reply"),
          ev("03-02 16:00", "resolved")};
}

// pause_on is given to show that it does not touch these clocks: their statuses are fixed.
constexpr std::string_view status_clock_targets = R"("pause_on": ["pending_customer", "on_hold"],
    "targets": {"normal": {"requester_wait_time": "8h", "agent_work_time": "3h30m", "on_hold_time": "1h",
                           "pausable_update": "4h"}}}]})";

TEST(SlaStatusClocks, BusinessTimeOverNewOpenPendingOnHoldResolved) {
  const auto policy = load(std::string(R"({"policies": [{"id": "p", "calendar": "office", )") +
                           std::string(status_clock_targets));
  // Created 08:00, an hour before the office opens. Office time in each status:
  //   new 09:00-09:30 (30m), open 09:30-10:00 (30m), pending 10:00-11:00 (1h), open 11:00-12:00
  //   (1h), on_hold 12:00-14:00 (2h), open 14:00-16:00 (2h).
  const Ticket tk = ticket("03-02 08:00", status_clock_events());
  // At 13:00, on hold:
  //   requester_wait_time (new, open, on_hold): 30m + 30m + 1h + 1h = 3h, running; 5h to go
  //     -> 18:00, the office's close.
  //   agent_work_time (new, open): 30m + 30m + 1h = 2h, paused on hold.
  //   on_hold_time: 12:00-13:00 = 1h = its target, reached now while running: breached at 13:00.
  //   pausable_update from the 09:30 reply: 09:30-10:00 + 11:00-13:00 = 2h30m (pending not
  //     counted, on hold counted); 1h30m to go -> 14:30.
  const SlaReport on_hold = SlaEngine(policy).evaluate(tk, t("03-02 13:00"));
  expect_metrics(on_hold, {{"requester_wait_time", 0, 8h, 3h, active, "03-02 08:00", "03-02 18:00", "", ""},
                           {"agent_work_time", 0, 3h + 30min, 2h, paused, "03-02 08:00", "", "", ""},
                           {"on_hold_time", 0, 1h, 1h, breached, "03-02 08:00", "03-02 13:00", "03-02 13:00", ""},
                           {"pausable_update", 0, 4h, 2h + 30min, active, "03-02 09:30", "03-02 14:30", "", ""}});
  EXPECT_EQ(next_check(on_hold), format_instant(t("03-02 14:30")));
  // At 17:00, resolved at 16:00:
  //   requester_wait_time: 30m + 30m + 1h + 2h + 2h = 6h of 8h, achieved.
  //   agent_work_time: 2h by 12:00, then 1h30m more from 14:00 -> 3h30m at 15:30: breached;
  //     30m + 30m + 1h + 2h = 4h in all.
  //   on_hold_time: 2h, breached at 13:00.
  //   pausable_update cycle 0: 30m by 10:00, 4h at 14:30 (breached), 4h30m when the 15:00 reply
  //     ends it; cycle 1: 15:00-16:00 = 1h, ended by the resolve.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 17:00")),
                 {{"requester_wait_time", 0, 8h, 6h, achieved, "03-02 08:00", "", "", "03-02 16:00"},
                  {"agent_work_time", 0, 3h + 30min, 4h, breached, "03-02 08:00", "", "03-02 15:30", "03-02 16:00"},
                  {"on_hold_time", 0, 1h, 2h, breached, "03-02 08:00", "", "03-02 13:00", "03-02 16:00"},
                  {"pausable_update", 0, 4h, 4h + 30min, breached, "03-02 09:30", "", "03-02 14:30", "03-02 15:00"},
                  {"pausable_update", 1, 4h, 1h, achieved, "03-02 15:00", "", "", "03-02 16:00"}});
}

TEST(SlaStatusClocks, CalendarTimeCountsTheHourBeforeTheOfficeOpens) {
  const auto policy = load(std::string(R"({"policies": [{"id": "p", )") + std::string(status_clock_targets));
  const Ticket tk = ticket("03-02 08:00", status_clock_events());
  // Plain elapsed time: new is 08:00-09:30 (1h30m), the rest as in business time.
  //   requester_wait_time: 1h30m + 30m + 1h + 2h + 2h = 7h.
  //   agent_work_time: 1h30m + 30m + 1h = 3h by 12:00, 3h30m at 14:30; 5h in all.
  //   on_hold_time and pausable_update: as in business time, since both ran only in office hours.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 17:00")),
                 {{"requester_wait_time", 0, 8h, 7h, achieved, "03-02 08:00", "", "", "03-02 16:00"},
                  {"agent_work_time", 0, 3h + 30min, 5h, breached, "03-02 08:00", "", "03-02 14:30", "03-02 16:00"},
                  {"on_hold_time", 0, 1h, 2h, breached, "03-02 08:00", "", "03-02 13:00", "03-02 16:00"},
                  {"pausable_update", 0, 4h, 4h + 30min, breached, "03-02 09:30", "", "03-02 14:30", "03-02 15:00"},
                  {"pausable_update", 1, 4h, 1h, achieved, "03-02 15:00", "", "", "03-02 16:00"}});
}

TEST(SlaStatusClocks, KpiDurationsAreTheClocksElapsedOfTheSameTickets) {
  const auto policy = load(std::string(R"({"policies": [{"id": "p", "calendar": "office", )") +
                           std::string(status_clock_targets));
  const Ticket solved = ticket("03-02 08:00", status_clock_events());
  // The same ticket not resolved: its clocks still run, so it adds no duration.
  std::vector<std::string> open_events = status_clock_events();
  open_events.pop_back();
  const Ticket unsolved = ticket("03-02 08:00", open_events);
  const Instant at = t("03-02 16:30");
  KpiAccumulator kpi(policy, {});
  kpi.add(solved, at);
  kpi.add(unsolved, at);
  const KpiResult result = kpi.result();
  ASSERT_EQ(result.groups.size(), 1U);
  const KpiGroup& g = result.groups[0];
  // Business time, as in BusinessTimeOverNewOpenPendingOnHoldResolved: 6h, 4h, 2h.
  const SlaReport report = SlaEngine(policy).evaluate(solved, at);
  const auto seconds = [&](std::string_view metric) {
    for (const SlaMetric& m : report.metrics)
      if (m.metric == metric) return static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(m.elapsed).count());
    return -1.0;
  };
  EXPECT_EQ(seconds("requester_wait_time"), 6 * 3600);
  EXPECT_EQ(seconds("agent_work_time"), 4 * 3600);
  EXPECT_EQ(seconds("on_hold_time"), 2 * 3600);
  EXPECT_EQ(g.requester_wait.count, 1);
  EXPECT_EQ(g.requester_wait.p50_s, seconds("requester_wait_time"));
  EXPECT_EQ(g.agent_work.count, 1);
  EXPECT_EQ(g.agent_work.mean_s, seconds("agent_work_time"));
  EXPECT_EQ(g.on_hold.count, 1);
  EXPECT_EQ(g.on_hold.p90_s, seconds("on_hold_time"));
  EXPECT_EQ(g.metric("on_hold_s.p50"), 2 * 3600);
  // The host's own reports give the same figures.
  KpiAccumulator given(policy, {});
  given.add(solved, at, report);
  given.add(unsolved, at, SlaEngine(policy).evaluate(unsolved, at));
  EXPECT_EQ(given.result().to_json(), result.to_json());
}

TEST(SlaStatusClocks, AReopenResumesTheStatusClocksLikeResolution) {
  const auto policy = load(R"({"policies": [{"id": "p", "targets": {"normal": {
      "requester_wait_time": "1h", "agent_work_time": "1h", "on_hold_time": "1h"}}}]})");
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:20", "resolved"), ev("03-02 12:00", "reopened"),
                                           ev("03-02 12:10", "status", R"("to": "on_hold")")});
  // 20m until resolved; reopened (open) at 12:00, 10m more, then on hold from 12:10 to 12:30.
  //   requester_wait_time: 20m + 10m + 20m = 50m, running: 10m to go -> 12:40.
  //   agent_work_time: 20m + 10m = 30m, paused on hold.
  //   on_hold_time: 20m, running: 40m to go -> 13:10.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 12:30")),
                 {{"requester_wait_time", 0, 1h, 50min, active, "03-02 10:00", "03-02 12:40", "", ""},
                  {"agent_work_time", 0, 1h, 30min, paused, "03-02 10:00", "", "", ""},
                  {"on_hold_time", 0, 1h, 20min, active, "03-02 10:00", "03-02 13:10", "", ""}});
}

TEST(SlaCustomMetric, RefundProcessingPausesPerPauseOnAndOutlivesTheResolve) {
  // Defined refund_processing before inspection: reported in that order, not alphabetically.
  const auto policy = load(R"({"policies": [{"id": "p", "pause_on": ["on_hold"],
      "targets": {"normal": {"inspection": "1h", "refund_processing": "2h"}}}],
      "metrics": {"refund_processing": {"start": "refund_requested", "stop": "refund_issued"},
                  "inspection": {"start": "parcel_received", "stop": "inspection_done"}}})");
  const Ticket tk = ticket("03-02 10:00", {
      ev("03-02 10:05", "agent_reply"),
      ev("03-02 10:10", "refund_requested"),  // refund cycle 0 starts
      ev("03-02 10:20", "parcel_received"),   // inspection cycle 0 starts
      ev("03-02 10:40", "status", R"("to": "on_hold")"),
      ev("03-02 11:40", "status", R"("to": "open")"),
      ev("03-02 11:50", "inspection_done"),   // 10:20-10:40 + 11:40-11:50 = 30m
      ev("03-02 12:00", "resolved"),          // does not stop a custom clock
      ev("03-02 12:30", "refund_issued"),     // 10:10-10:40 + 11:40-12:30 = 30m + 50m = 80m
      ev("03-02 13:00", "refund_requested"),  // refund cycle 1 starts
  });
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 11:00")),
                 {{"refund_processing", 0, 2h, 30min, paused, "03-02 10:10", "", "", ""},
                  {"inspection", 0, 1h, 20min, paused, "03-02 10:20", "", "", ""}});
  // 13:45: cycle 1 has run 45m; 75m to go -> due 15:00.
  const SlaReport report = SlaEngine(policy).evaluate(tk, t("03-02 13:45"));
  expect_metrics(report,
                 {{"refund_processing", 0, 2h, 80min, achieved, "03-02 10:10", "", "", "03-02 12:30"},
                  {"refund_processing", 1, 2h, 45min, active, "03-02 13:00", "03-02 15:00", "", ""},
                  {"inspection", 0, 1h, 30min, achieved, "03-02 10:20", "", "", "03-02 11:50"}});
}

// Regression: the custom metric did not start when evaluation matched `start`/`stop` against
// Event::name only, which a host building an event by its `type` leaves empty.
TEST(SlaCustomMetric, HandBuiltBuiltInEventStartsItByItsType) {
  // A host filling in `type` alone (not `name`) for a built-in event: the type says what it is.
  const auto policy = load(R"({"policies": [{"id": "p", "targets": {"normal": {"refund_processing": "2h"}}}],
      "metrics": {"refund_processing": {"start": "refund_requested", "stop": "refund_issued"}}})");
  Ticket tk;
  tk.id = "T-1";
  tk.created_at = t("03-02 10:00");
  Event requested;
  requested.at = t("03-02 10:10");
  requested.type = EventType::refund_requested;
  tk.events.push_back(requested);
  // 10:10 to 10:40: 30m, due 12:10.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 10:40")),
                 {{"refund_processing", 0, 2h, 30min, active, "03-02 10:10", "03-02 12:10", "", ""}});
}

// ---- priority, calendars, escalations ---------------------------------------------------------

TEST(SlaPriority, RaisedMidwayRetargetsRunningAndFinishedMetrics) {
  const auto policy = load(R"({"policies": [{"id": "p", "targets": {
      "normal": {"first_response": "1h", "resolution": "8h"},
      "high": {"first_response": "10m", "resolution": "2h"}}}]})");
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:20", "agent_reply"),
                                           ev("03-02 10:30", "priority", R"("to": "high")"),
                                           ev("03-02 13:00", "resolved")});
  // 10:25, still normal: reply after 20m < 1h; resolution 25m of 8h, due 18:00.
  const SlaReport before = SlaEngine(policy).evaluate(tk, t("03-02 10:25"));
  EXPECT_EQ(before.priority, Priority::normal);
  expect_metrics(before,
                 {{"first_response", 0, 1h, 20min, achieved, "03-02 10:00", "", "", "03-02 10:20"},
                  {"resolution", 0, 8h, 25min, active, "03-02 10:00", "03-02 18:00", "", ""}});
  // 10:30, high: the finished first_response is re-targeted to 10m from its start: breached at
  // 10:10; resolution 30m of 2h, due 12:00.
  const SlaReport raised = SlaEngine(policy).evaluate(tk, t("03-02 10:30"));
  EXPECT_EQ(raised.priority, Priority::high);
  expect_metrics(raised,
                 {{"first_response", 0, 10min, 20min, breached, "03-02 10:00", "", "03-02 10:10", "03-02 10:20"},
                  {"resolution", 0, 2h, 30min, active, "03-02 10:00", "03-02 12:00", "", ""}});
  // 13:30: resolved at 13:00 after 3h, breached at 12:00.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-02 13:30")),
                 {{"first_response", 0, 10min, 20min, breached, "03-02 10:00", "", "03-02 10:10", "03-02 10:20"},
                  {"resolution", 0, 2h, 3h, breached, "03-02 10:00", "", "03-02 12:00", "03-02 13:00"}});

  // Lowered to a priority with no targets: the policy applies but nothing is measured.
  const Ticket lowered = ticket("03-02 10:00", {ev("03-02 10:40", "priority", R"("to": "low")")});
  const SlaReport low = SlaEngine(policy).evaluate(lowered, t("03-02 10:50"));
  EXPECT_EQ(low.policy, "p");
  EXPECT_EQ(low.priority, Priority::low);
  EXPECT_TRUE(low.metrics.empty());
  EXPECT_EQ(next_check(low), "null");
}

TEST(SlaCalendar, TicketCreatedOutsideBusinessHours) {
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "office", "targets": {"normal": {
      "first_response": "1h", "resolution": {"target": "2d", "calendar": "always"}}}}]})");
  // Created Saturday 12:00; office opens Monday 09:00.
  const Ticket tk = ticket("03-07 12:00", {ev("03-09 09:30", "agent_reply")});
  const SlaReport saturday = SlaEngine(policy).evaluate(tk, t("03-07 13:00"));
  // first_response: no office time yet, due Mon 09:00 + 1h. resolution on 24x7: 1h of 2d, due
  // Sat 12:00 + 48h = Mon 12:00.
  expect_metrics(saturday,
                 {{"first_response", 0, 1h, 0ms, active, "03-07 12:00", "03-09 10:00", "", ""},
                  {"resolution", 0, 48h, 1h, active, "03-07 12:00", "03-09 12:00", "", ""}});
  EXPECT_EQ(next_check(saturday), format_instant(t("03-09 10:00")));
  // Monday 12:00: reply at 09:30 after 30m of office time; resolution reaches 48h exactly now
  // while still running: breached.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-09 12:00")),
                 {{"first_response", 0, 1h, 30min, achieved, "03-07 12:00", "", "", "03-09 09:30"},
                  {"resolution", 0, 48h, 48h, breached, "03-07 12:00", "03-09 12:00", "03-09 12:00", ""}});
}

// A desk open weekdays 09:00-17:00 UTC until Sunday 2027-01-03 and 08:00-20:00 from Monday
// 2027-01-04 (a version), its holidays known until 2027-12-31; first response within 2h.
std::shared_ptr<const Policy> versioned_desk_policy() {
  return Policy::from_json(R"({"schema_version": 1, "calendars": {"desk": {"timezone": "UTC",
      "hours": {"mon-fri": ["09:00-17:00"]},
      "versions": [{"from": "2027-01-04", "hours": {"mon-fri": ["08:00-20:00"]}}],
      "coverage": {"until": "2027-12-31", "beyond": "error"}}},
    "sla": {"policies": [{"id": "p", "calendar": "desk", "targets": {"normal": {"first_response": "2h"}}}]}})");
}

TEST(SlaCalendar, EachTicketIsTimedOnTheHoursInForceOnItsDays) {
  const auto policy = versioned_desk_policy();
  // 2026: created Wednesday 12-30 16:00, reply Thursday 12-31 09:30, old hours: Wed 16:00-17:00
  // (1h) + Thu 09:00-09:30 = 1h30m, achieved; due after Wed's 1h and Thu 09:00 + 1h = 10:00.
  // The version of 2027 leaves these figures as they were.
  const Ticket old_ticket = ticket("2026-12-30T16:00:00Z", {ev("2026-12-31T09:30:00Z", "agent_reply")});
  expect_metrics(SlaEngine(policy).evaluate(old_ticket, t("2026-12-31T12:00:00Z")),
                 {{"first_response", 0, 2h, 90min, achieved, "2026-12-30T16:00:00Z", "", "", "2026-12-31T09:30:00Z"}});
  // 2027: the same times a year later, Wednesday 2027-01-06 16:00 to Thursday 09:30, new hours:
  // Wed 16:00-20:00 (4h) + Thu 08:00-09:30 (1h30m) = 5h30m; 2h were reached Wed 18:00: breached.
  const Ticket new_ticket = ticket("2027-01-06T16:00:00Z", {ev("2027-01-07T09:30:00Z", "agent_reply")});
  expect_metrics(SlaEngine(policy).evaluate(new_ticket, t("2027-01-07T12:00:00Z")),
                 {{"first_response", 0, 2h, 330min, breached, "2027-01-06T16:00:00Z", "",
                   "2027-01-06T18:00:00Z", "2027-01-07T09:30:00Z"}});
}

TEST(SlaCalendar, ADueInstantPastTheHorizonIsARangeErrorNotAGuess) {
  const auto policy = versioned_desk_policy();
  // Created Friday 2027-12-31 19:00: 1h is left that day; the second hour would fall on Monday
  // 2028-01-03, after the holiday data ends, so the due instant is unknown even at 19:30.
  const Ticket late = ticket("2027-12-31T19:00:00Z", {});
  try {
    (void)SlaEngine(policy).evaluate(late, t("2027-12-31T19:30:00Z"));
    ADD_FAILURE() << "no RangeError";
  } catch (const RangeError& e) {
    EXPECT_EQ(std::string(e.what()),
              "calendar \"desk\" knows its holidays until 2027-12-31 (\"coverage\": {\"beyond\": \"error\"}), and "
              "this computation needs 2028-01-01 or later (year 2028): extend its holiday data and \"until\"");
  }
}

TEST(SlaCalendar, KpisOverLinesKeepAHorizonErrorARangeErrorNamingTheLine) {
  // The KPI pass times the same clocks: the second ticket, created Friday 2027-12-31 19:00, is
  // answered Monday 2028-01-03 10:00, and its first response's business time runs into 2028, past
  // the horizon; the first ticket's clock stopped within it (answered Thursday 2026-12-31 09:30).
  const std::string lines =
      R"({"id": "T-1", "created_at": "2026-12-30T16:00:00Z", "events": [)"
      R"({"at": "2026-12-31T09:30:00Z", "type": "agent_reply", "agent": "A-1"}]})" "\n"
      R"({"id": "T-2", "created_at": "2027-12-31T19:00:00Z", "events": [)"
      R"({"at": "2028-01-03T10:00:00Z", "type": "agent_reply", "agent": "A-1"}]})" "\n";
  try {
    (void)KpiEngine(versioned_desk_policy()).compute_lines(lines, t("2028-01-04T00:00:00Z"), {}, {}, {});
    ADD_FAILURE() << "no RangeError";
  } catch (const RangeError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("line 2: calendar \"desk\" knows its holidays until 2027-12-31", 0), 0u)
        << e.what();
  }
}

TEST(SlaCalendar, PauseAndResumeAcrossAHoliday) {
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "office", "pause_on": ["on_hold"],
      "targets": {"normal": {"resolution": "4h"}}}]})");
  const Ticket tk = ticket("03-03 16:00", {ev("03-03 16:10", "agent_reply"),
                                           ev("03-03 17:00", "status", R"("to": "on_hold")"),
                                           ev("03-04 10:00", "status", R"("to": "open")"),  // holiday
                                           ev("03-05 12:30", "resolved")});
  // Tue 16:00-17:00 = 1h, then on hold (17:00-18:00 not counted).
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-03 17:30")),
                 {{"resolution", 0, 4h, 1h, paused, "03-03 16:00", "", "", ""}});
  // Resumed on the Wednesday holiday: no time accrues; 3h left from Thu 09:00 -> due Thu 12:00.
  const SlaReport wednesday = SlaEngine(policy).evaluate(tk, t("03-04 12:00"));
  expect_metrics(wednesday, {{"resolution", 0, 4h, 1h, active, "03-03 16:00", "03-05 12:00", "", ""}});
  EXPECT_EQ(next_check(wednesday), format_instant(t("03-05 12:00")));
  // Thu 11:00: 1h + 2h.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-05 11:00")),
                 {{"resolution", 0, 4h, 3h, active, "03-03 16:00", "03-05 12:00", "", ""}});
  // Resolved Thu 12:30: 1h + 3h30m.
  expect_metrics(SlaEngine(policy).evaluate(tk, t("03-06 10:00")),
                 {{"resolution", 0, 4h, 4h + 30min, breached, "03-03 16:00", "", "03-05 12:00", "03-05 12:30"}});
}

constexpr std::string_view escalation_policy = R"({"policies": [{"id": "p", "calendar": "office",
    "targets": {"normal": {"first_response": "1h", "resolution": "4h"}},
    "escalations": [{"at": "80%", "action": "warn"}, {"at": "100%", "action": "escalate", "to": "senior"},
                    {"at": "200%", "action": "hotline", "metrics": ["first_response"]}]}]})";

TEST(SlaEscalation, ThresholdsCrossAtTheRightInstantsAcrossNightAndHoliday) {
  const auto policy = load(escalation_policy);
  // Created Tue 17:30: 30m of office time that day; Wed is a holiday; Thu opens 09:00.
  const Ticket tk = ticket("03-03 17:30", {ev("03-05 09:45", "agent_reply")});
  // first_response 80% = 48m: 30m Tue + 18m -> Thu 09:18. 100% = 60m -> Thu 09:30.
  // 200% = 120m would be Thu 10:30, but the reply at 09:45 (30m + 45m = 75m) comes first.
  // resolution 80% = 192m: 30m + 162m -> Thu 11:42. 100% = 240m -> Thu 12:30. 200% is for
  // first_response only.
  const SlaReport before = SlaEngine(policy).evaluate(tk, t("03-05 09:17:59.999"));
  EXPECT_TRUE(before.escalations.empty());
  EXPECT_EQ(next_check(before), format_instant(t("03-05 09:18")));
  EXPECT_EQ(escalations(SlaEngine(policy).evaluate(tk, t("03-05 09:18"))),
            std::vector<std::string>{"first_response[0] 80% warn to=null at " + iso("03-05 09:18:00")});

  const SlaReport report = SlaEngine(policy).evaluate(tk, t("03-05 13:00"));
  // resolution: 30m + 09:00-13:00 = 4h30m, breached and still running.
  expect_metrics(report,
                 {{"first_response", 0, 1h, 75min, breached, "03-03 17:30", "", "03-05 09:30", "03-05 09:45"},
                  {"resolution", 0, 4h, 4h + 30min, breached, "03-03 17:30", "03-05 12:30", "03-05 12:30", ""}});
  EXPECT_EQ(escalations(report), (std::vector<std::string>{
                                     "first_response[0] 80% warn to=null at " + iso("03-05 09:18:00"),
                                     "first_response[0] 100% escalate to=senior at " + iso("03-05 09:30:00"),
                                     "resolution[0] 80% warn to=null at " + iso("03-05 11:42:00"),
                                     "resolution[0] 100% escalate to=senior at " + iso("03-05 12:30:00")}));
  EXPECT_EQ(next_check(report), "null");  // nothing left that a running clock can reach
}

TEST(SlaEscalation, ThresholdIsRoundedUpToTheMillisecond) {
  const auto policy = load(R"({"policies": [{"id": "p", "targets": {"normal": {"first_response": "999ms"}},
      "escalations": [{"at": "80%", "action": "warn"}]}]})");
  const Ticket tk = ticket("03-02 10:00", {});
  // 80% of 999ms = 799.2ms -> 800ms: at .799 not yet reached.
  const SlaReport before = SlaEngine(policy).evaluate(tk, t("03-02 10:00:00.799"));
  EXPECT_TRUE(before.escalations.empty());
  EXPECT_EQ(next_check(before), "2026-03-02T10:00:00.800Z");
  EXPECT_EQ(escalations(SlaEngine(policy).evaluate(tk, t("03-02 10:00:00.800"))),
            std::vector<std::string>{"first_response[0] 80% warn to=null at 2026-03-02T10:00:00.800Z"});
}

// Thresholds reached at the same millisecond come in the order of their exact levels, then as
// listed. 80% of 999ms is 799.2ms and "-199ms" is 800ms: both are reached at .800, and 80% comes
// first though listed second. Of 1000ms, 80% and "-200ms" are both exactly 800ms: as listed.
TEST(SlaEscalation, EqualInstantsInExactLevelThenListOrder) {
  const auto reached = [](std::string_view target, std::string_view offset) {
    const auto policy = load(R"({"policies": [{"id": "p", "targets": {"normal": {"first_response": ")" +
                             std::string(target) + R"("}}, "escalations": [{"at": ")" + std::string(offset) +
                             R"(", "action": "offset"}, {"at": "80%", "action": "share"}]}]})");
    return escalations(SlaEngine(policy).evaluate(ticket("03-02 10:00", {}), t("03-02 10:00:00.900")));
  };
  EXPECT_EQ(reached("999ms", "-199ms"),
            (std::vector<std::string>{"first_response[0] 80% share to=null at 2026-03-02T10:00:00.800Z",
                                      "first_response[0] -199ms offset to=null at 2026-03-02T10:00:00.800Z"}));
  EXPECT_EQ(reached("1s", "-200ms"),
            (std::vector<std::string>{"first_response[0] -200ms offset to=null at 2026-03-02T10:00:00.800Z",
                                      "first_response[0] 80% share to=null at 2026-03-02T10:00:00.800Z"}));
}

TEST(SlaBreach, ClockPausedExactlyAtItsDueInstantIsBreached) {
  const auto policy = load(resolution_policy);
  // 2h runs out at 12:00, the very instant the ticket goes to pending_customer: the clock was
  // still running when it reached the target, and nothing completed it.
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 12:00", "status", R"("to": "pending_customer")")});
  const SlaReport report = SlaEngine(policy).evaluate(tk, t("03-02 13:00"));
  expect_metrics(report, {{"resolution", 0, 2h, 2h, breached, "03-02 10:00", "", "03-02 12:00", ""}});
  EXPECT_EQ(next_check(report), "null");
}

// ---- escalations at offsets and on a lead's calendar ------------------------------------------
// Offsets count the metric's business time (here `office`) from the due instant; `lead` is a
// team lead's hours, Mon-Fri 08:00-12:00 UTC.

constexpr std::string_view lead_calendars = R"({
  "office": {"timezone": "UTC", "hours": {"mon-fri": ["09:00-18:00"]}, "holidays": ["2026-03-04"]},
  "lead": {"timezone": "UTC", "hours": {"mon-fri": ["08:00-12:00"]}}})";

TEST(SlaEscalationOffset, FifteenMinutesBeforeBreachStraddlesTheClose) {
  // Listed out of order on purpose: the report orders them by when they are reached.
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "office",
      "targets": {"normal": {"first_response": "1h"}},
      "escalations": [{"at": "+1h", "action": "page"}, {"at": "100%", "action": "escalate"},
                      {"at": "-15m", "action": "nudge"}]}]})");
  // Created Mon 17:10: 50m of office time before the 18:00 close, the other 10m on Tue from
  // 09:00, so due Tue 09:10. -15m = 45m of office time: Mon 17:55 (its 15 minutes are 17:55-18:00
  // and 09:00-09:10). +1h = 2h: 50m Mon + 70m Tue -> Tue 10:10.
  const Ticket tk = ticket("03-02 17:10", {});
  const SlaReport before = SlaEngine(policy).evaluate(tk, t("03-02 17:54:59.999"));
  EXPECT_TRUE(before.escalations.empty());
  EXPECT_EQ(next_check(before), format_instant(t("03-02 17:55")));
  const SlaReport at_nudge = SlaEngine(policy).evaluate(tk, t("03-02 17:55"));
  EXPECT_EQ(escalations(at_nudge), std::vector<std::string>{"first_response[0] -15m nudge to=null at " + iso("03-02 17:55")});
  EXPECT_EQ(next_check(at_nudge), format_instant(t("03-03 09:10")));  // the breach, across the night
  const SlaReport late = SlaEngine(policy).evaluate(tk, t("03-03 10:10"));
  EXPECT_EQ(escalations(late), (std::vector<std::string>{
                                   "first_response[0] -15m nudge to=null at " + iso("03-02 17:55"),
                                   "first_response[0] 100% escalate to=null at " + iso("03-03 09:10"),
                                   "first_response[0] +1h page to=null at " + iso("03-03 10:10")}));
  EXPECT_EQ(next_check(late), "null");
  const std::string json = late.to_json();
  EXPECT_NE(json.find(R"("at":"-15m")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("at":"+1h")"), std::string::npos) << json;
  EXPECT_EQ(json.find("deliver_at"), std::string::npos) << json;  // no calendar, no delivery keys
}

TEST(SlaEscalationOffset, AnHourAfterBreachAcrossANight) {
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "office",
      "targets": {"normal": {"first_response": "1h"}}, "escalations": [{"at": "+1h", "action": "page"}]}]})");
  // Created Mon 16:30, due 17:30; +1h = 2h of office time: 16:30-18:00 (1h30m), then Tue
  // 09:00-09:30.
  const Ticket tk = ticket("03-02 16:30", {});
  const SlaReport night = SlaEngine(policy).evaluate(tk, t("03-02 22:00"));
  EXPECT_TRUE(night.escalations.empty());
  EXPECT_EQ(next_check(night), format_instant(t("03-03 09:30")));
  EXPECT_EQ(escalations(SlaEngine(policy).evaluate(tk, t("03-03 09:30"))),
            std::vector<std::string>{"first_response[0] +1h page to=null at " + iso("03-03 09:30")});
}

TEST(SlaEscalationOffset, APausedClockReachesItLaterAndPromisesNothingWhilePaused) {
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "office", "pause_on": ["pending_customer"],
      "targets": {"normal": {"resolution": "2h"}}, "escalations": [{"at": "-30m", "action": "nudge"}]}]})");
  // Mon 10:00 created, 10:30 pending (30m counted), 14:00 open again: -30m = 1h30m, the other
  // 1h from 14:00 -> 15:00; due 15:30.
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:30", "status", R"("to": "pending_customer")"),
                                           ev("03-02 14:00", "status", R"("to": "open")")});
  const SlaReport paused_report = SlaEngine(policy).evaluate(tk, t("03-02 11:00"));
  EXPECT_TRUE(paused_report.escalations.empty());
  EXPECT_EQ(next_check(paused_report), "null");  // a paused clock changes only with an event
  const SlaReport resumed = SlaEngine(policy).evaluate(tk, t("03-02 14:00"));
  EXPECT_EQ(next_check(resumed), format_instant(t("03-02 15:00")));
  EXPECT_EQ(escalations(SlaEngine(policy).evaluate(tk, t("03-02 15:00"))),
            std::vector<std::string>{"resolution[0] -30m nudge to=null at " + iso("03-02 15:00")});
}

TEST(SlaEscalationOffset, AnOffsetLongerThanTheTargetIsReachedAsTheClockStarts) {
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "office",
      "targets": {"normal": {"first_response": "1h"}},
      "escalations": [{"at": "50%", "action": "half"}, {"at": "-30m", "action": "same-level"},
                      {"at": "-2h", "action": "at-once"}]}]})");
  // Created Sat 12:00, a closed weekend: -2h would be level -1h, so level 0, reached at the
  // start itself. 50% and -30m are both 30m of office time: Mon 09:30, in the policy's order.
  const Ticket tk = ticket("03-07 12:00", {});
  const SlaReport report = SlaEngine(policy).evaluate(tk, t("03-09 09:30"));
  EXPECT_EQ(escalations(report), (std::vector<std::string>{
                                     "first_response[0] -2h at-once to=null at " + iso("03-07 12:00"),
                                     "first_response[0] 50% half to=null at " + iso("03-09 09:30"),
                                     "first_response[0] -30m same-level to=null at " + iso("03-09 09:30")}));
  // At the creation instant, the -2h threshold is already there.
  EXPECT_EQ(SlaEngine(policy).evaluate(tk, t("03-07 12:00")).escalations.size(), 1u);
}

TEST(SlaEscalationCalendar, HeldUntilTheLeadsCalendarOpensAndNextCheckAtSaysWhen) {
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "office",
      "targets": {"normal": {"first_response": "1h"}},
      "escalations": [{"at": "-15m", "action": "nudge", "to": "lead", "calendar": "lead"},
                      {"at": "100%", "action": "escalate", "to": "lead", "calendar": "lead"}]}]})",
                           lead_calendars);
  // As above: -15m reached Mon 17:55, due Tue 09:10. The lead's hours (08:00-12:00) are over
  // at 17:55, so the nudge is delivered Tue 08:00; the breach at 09:10 finds the lead in.
  const Ticket tk = ticket("03-02 17:10", {});
  const SlaReport evening = SlaEngine(policy).evaluate(tk, t("03-02 17:55"));
  EXPECT_EQ(escalations(evening), std::vector<std::string>{"first_response[0] -15m nudge to=lead at " +
                                                           iso("03-02 17:55") + " deliver on lead at " + iso("03-03 08:00")});
  EXPECT_EQ(next_check(evening), format_instant(t("03-03 08:00")));  // the delivery comes before the breach
  const SlaReport morning = SlaEngine(policy).evaluate(tk, t("03-03 08:00"));
  EXPECT_EQ(next_check(morning), format_instant(t("03-03 09:10")));
  const SlaReport breach = SlaEngine(policy).evaluate(tk, t("03-03 09:10"));
  EXPECT_EQ(escalations(breach),
            (std::vector<std::string>{
                "first_response[0] -15m nudge to=lead at " + iso("03-02 17:55") + " deliver on lead at " + iso("03-03 08:00"),
                "first_response[0] 100% escalate to=lead at " + iso("03-03 09:10") + " deliver on lead at " + iso("03-03 09:10")}));
  EXPECT_EQ(next_check(breach), "null");
  EXPECT_NE(breach.to_json().find(
                R"("at":"-15m","action":"nudge","to":"lead","reached_at":"2026-03-02T17:55:00Z","calendar":"lead","deliver_at":"2026-03-03T08:00:00Z")"),
            std::string::npos)
      << breach.to_json();
}

TEST(SlaEscalationCalendar, AcrossTheBerlinSpringForwardNight) {
  // berlin: every day 08:00-20:00; lead-berlin: Mon-Fri 09:00-17:00; both Europe/Berlin, where
  // Sun 29 March 2026 02:00 CET (UTC+1) jumps to 03:00 CEST (UTC+2).
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "berlin",
      "targets": {"normal": {"first_response": "2h"}},
      "escalations": [{"at": "-15m", "action": "nudge", "calendar": "lead-berlin"}, {"at": "+1h", "action": "page"}]}]})",
                           R"({"berlin": {"timezone": "Europe/Berlin", "hours": {"daily": ["08:00-20:00"]}},
        "lead-berlin": {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["09:00-17:00"]}}})");
  // Created Sat 28 March 19:00 CET = 18:00Z: 1h on Saturday, then Sunday from 08:00 CEST = 06:00Z
  // (zoneinfo). Due 09:00 CEST = 07:00Z; -15m (1h45m): 08:45 CEST = 06:45Z, a Sunday, so delivered
  // Mon 30 March 09:00 CEST = 07:00Z; +1h (3h): 10:00 CEST = 08:00Z.
  const Ticket tk = ticket("2026-03-28T18:00:00Z", {});
  const SlaReport nudge = SlaEngine(policy).evaluate(tk, t("2026-03-29T06:45:00Z"));
  EXPECT_EQ(escalations(nudge), std::vector<std::string>{"first_response[0] -15m nudge to=null at 2026-03-29T06:45:00Z"
                                                         " deliver on lead-berlin at 2026-03-30T07:00:00Z"});
  EXPECT_EQ(next_check(nudge), "2026-03-29T07:00:00Z");  // the breach comes first
  const SlaReport page = SlaEngine(policy).evaluate(tk, t("2026-03-29T08:00:00Z"));
  EXPECT_EQ(escalations(page).back(), "first_response[0] +1h page to=null at 2026-03-29T08:00:00Z");
  EXPECT_EQ(next_check(page), "2026-03-30T07:00:00Z");  // only the nudge's delivery is left
}

// A report's discrete state: what next_check_at promises does not change before it.
std::string discrete(const SlaReport& report) {
  std::string out;
  for (const SlaMetric& m : report.metrics) out += m.metric + "=" + std::string(to_string(m.state)) + " ";
  for (const std::string& e : escalations(report)) out += "| " + e;
  return out;
}

TEST(SlaNextCheck, IsExactlyTheNextChange) {
  const auto policy = load(R"({"policies": [{"id": "p", "calendar": "office",
      "targets": {"normal": {"first_response": "1h", "resolution": "4h"}},
      "escalations": [{"at": "80%", "action": "warn"}, {"at": "100%", "action": "escalate", "to": "senior"},
                      {"at": "200%", "action": "hotline"}]}]})");
  // Created Mon 17:30, nothing ever happens: 30m of office time on Monday, Tuesday from 09:00.
  const Ticket tk = ticket("03-02 17:30", {});
  const std::vector<std::string> chain{
      "03-03 09:18",  // first_response 80%: 48m = 30m + 18m
      "03-03 09:30",  // first_response 100% (breach): 60m = 30m + 30m
      "03-03 10:30",  // first_response 200%: 120m = 30m + 90m
      "03-03 11:42",  // resolution 80%: 192m = 30m + 162m
      "03-03 12:30",  // resolution 100% (breach): 240m = 30m + 210m
      "03-03 16:30",  // resolution 200%: 480m = 30m + 450m
  };
  SlaReport previous = SlaEngine(policy).evaluate(tk, t("03-02 17:40"));
  for (std::size_t step = 0; step < chain.size(); ++step) {
    SCOPED_TRACE(chain[step]);
    ASSERT_EQ(next_check(previous), format_instant(t(chain[step])));
    const Instant next = *previous.next_check_at;
    const SlaReport just_before = SlaEngine(policy).evaluate(tk, next - 1ms);
    EXPECT_EQ(discrete(just_before), discrete(previous));
    EXPECT_EQ(next_check(just_before), format_instant(next));
    const SlaReport at_next = SlaEngine(policy).evaluate(tk, next);
    EXPECT_NE(discrete(at_next), discrete(just_before));
    EXPECT_EQ(at_next.escalations.size(), step + 1);
    previous = at_next;
  }
  EXPECT_EQ(next_check(previous), "null");
  ASSERT_EQ(previous.metrics.size(), 2u);
  EXPECT_EQ(previous.metrics[0].state, breached);
  EXPECT_EQ(previous.metrics[1].state, breached);
}

// ---- event order and what-if replay -----------------------------------------------------------

TEST(SlaEventOrder, OutOfOrderEventsGiveTheSameReportAsSorted) {
  const auto policy = load(resolution_policy);
  std::vector<std::string> shuffled = paused_resolution_events();
  std::reverse(shuffled.begin(), shuffled.end());
  std::swap(shuffled[1], shuffled[4]);
  const Ticket sorted = ticket("03-02 10:00", paused_resolution_events());
  const Ticket mixed = ticket("03-02 10:00", shuffled);
  for (const char* at : {"03-02 10:45", "03-02 11:10", "03-02 11:30", "03-02 13:00"})
    EXPECT_EQ(SlaEngine(policy).evaluate(mixed, t(at)).to_json(), SlaEngine(policy).evaluate(sorted, t(at)).to_json()) << at;
}

TEST(SlaEventOrder, TiesApplyInInputOrder) {
  const auto policy = load(resolution_policy);
  const std::string waiting = ev("03-02 10:30", "status", R"("to": "pending_customer")");
  const std::string answer = ev("03-02 10:30", "customer_message");
  // The earlier reply listed last: sorting by time must keep the 10:30 pair in input order.
  const Ticket answered = ticket("03-02 10:00", {waiting, answer, ev("03-02 10:05", "agent_reply")});
  const Ticket waits = ticket("03-02 10:00", {answer, waiting, ev("03-02 10:05", "agent_reply")});
  // pending then customer_message -> open: 60m by 11:00. The other way round it stays pending
  // from 10:30: 30m, paused.
  expect_metrics(SlaEngine(policy).evaluate(answered, t("03-02 11:00")),
                 {{"resolution", 0, 2h, 1h, active, "03-02 10:00", "03-02 12:00", "", ""}});
  expect_metrics(SlaEngine(policy).evaluate(waits, t("03-02 11:00")),
                 {{"resolution", 0, 2h, 30min, paused, "03-02 10:00", "", "", ""}});
}

constexpr std::string_view all_metrics_policy = R"({"policies": [{"id": "p", "calendar": "office",
    "pause_on": ["pending_customer", "on_hold"],
    "targets": {"normal": {"first_response": "10m", "next_response": "5m", "periodic_update": "30m",
                           "resolution": "2h", "follow_up": {"target": "1h", "calendar": "always"}}},
    "escalations": [{"at": "50%", "action": "warn"}, {"at": "100%", "action": "escalate"}]}]})";

std::vector<std::string> busy_events() {
  return {ev("03-02 10:00", "customer_message"), ev("03-02 10:06", "agent_reply"),
          ev("03-02 10:10", "customer_message"), ev("03-02 10:14", "agent_reply"),
          ev("03-02 10:20", "status", R"("to": "pending_customer")"), ev("03-02 11:00", "customer_message"),
          ev("03-02 11:20", "agent_reply"), ev("03-02 12:00", "resolved"),
          ev("03-02 12:30", "reopened"), ev("03-02 17:50", "resolved"), ev("03-03 09:00", "follow_up")};
}

TEST(SlaReplay, EvaluatingBeforeEventsEqualsTheTicketWithoutThem) {
  const auto policy = load(all_metrics_policy);
  const Ticket full = ticket("03-02 10:00", busy_events());
  for (const char* at : {"03-02 10:00", "03-02 10:05", "03-02 10:14", "03-02 10:30", "03-02 11:10",
                         "03-02 12:15", "03-02 13:00", "03-02 17:59", "03-03 10:00"}) {
    Ticket truncated = full;
    std::erase_if(truncated.events, [&](const Event& e) { return e.at > t(at); });
    EXPECT_EQ(SlaEngine(policy).evaluate(full, t(at)).to_json(), SlaEngine(policy).evaluate(truncated, t(at)).to_json()) << at;
  }
  // An event exactly at `at` counts: at 10:14 next_response cycle 0 (10:10-10:14) is done.
  const SlaReport at_1014 = SlaEngine(policy).evaluate(full, t("03-02 10:14"));
  expect_metrics(at_1014,
                 {{"first_response", 0, 10min, 6min, achieved, "03-02 10:00", "", "", "03-02 10:06"},
                  {"next_response", 0, 5min, 4min, achieved, "03-02 10:10", "", "", "03-02 10:14"},
                  // cycle 0 10:06-10:14 (8m); cycle 1 from 10:14, due 10:44
                  {"periodic_update", 0, 30min, 8min, achieved, "03-02 10:06", "", "", "03-02 10:14"},
                  {"periodic_update", 1, 30min, 0ms, active, "03-02 10:14", "03-02 10:44", "", ""},
                  // 14m of 2h: 106m to go -> 12:00
                  {"resolution", 0, 2h, 14min, active, "03-02 10:00", "03-02 12:00", "", ""}});
  // escalations: first_response 50% = 5m at 10:05; next_response 50% = 2m30s at 10:12:30.
  EXPECT_EQ(escalations(at_1014), (std::vector<std::string>{
                                      "first_response[0] 50% warn to=null at " + iso("03-02 10:05:00"),
                                      "next_response[0] 50% warn to=null at " + iso("03-02 10:12:30")}));
  // next: periodic_update cycle 1 50% = 15m -> 10:29; resolution 50% = 1h -> 11:00.
  EXPECT_EQ(next_check(at_1014), format_instant(t("03-02 10:29")));
}

TEST(SlaReplay, AtBeforeCreationIsAnInputError) {
  const auto policy = load(all_metrics_policy);
  const Ticket tk = ticket("03-02 10:00", busy_events());
  EXPECT_THROW((void)SlaEngine(policy).evaluate(tk, t("03-02 10:00") - 1ms), InputError);
  // At the creation instant itself every clock is at zero.
  const SlaReport start = SlaEngine(policy).evaluate(tk, t("03-02 10:00"));
  expect_metrics(start, {{"first_response", 0, 10min, 0ms, active, "03-02 10:00", "03-02 10:10", "", ""},
                         {"resolution", 0, 2h, 0ms, active, "03-02 10:00", "03-02 12:00", "", ""}});
}

// ---- policy selection -------------------------------------------------------------------------

TEST(SlaPolicySelection, NoMatchingPolicyReportsNull) {
  const auto policy = load(R"({"policies": [{"id": "vip", "when": {"field": "customer.tier", "eq": "vip"},
      "targets": {"normal": {"first_response": "1m"}}}]})");
  const Ticket tk = ticket("03-02 10:00", {ev("03-02 10:00", "customer_message")}, R"("customer": {"tier": "gold"})");
  const SlaReport report = SlaEngine(policy).evaluate(tk, t("03-02 11:00"));
  EXPECT_FALSE(report.policy.has_value());
  EXPECT_EQ(report.to_json(),
            R"({"ticket":"T-1","policy":null,"priority":"normal","metrics":[],"escalations":[],"next_check_at":null})");
}

TEST(SlaPolicySelection, FirstPolicyWhoseWhenMatchesTierChannelAndPriority) {
  const auto policy = load(R"({"policies": [
      {"id": "vip-chat", "when": {"all": [{"field": "customer.tier", "eq": "vip"}, {"field": "channel", "eq": "chat"}]},
       "targets": {"normal": {"first_response": "1m"}, "urgent": {"first_response": "30s"}}},
      {"id": "urgent", "when": {"field": "priority", "eq": "urgent"}, "targets": {"urgent": {"first_response": "5m"}}},
      {"id": "rest", "targets": {"normal": {"first_response": "1h"}}}]})");
  const auto chosen = [&](std::string_view extra, const std::vector<std::string>& events, const char* at) {
    return SlaEngine(policy).evaluate(ticket("03-02 10:00", events, extra), t(at)).policy.value_or("null");
  };
  EXPECT_EQ(chosen(R"("channel": "chat", "customer": {"tier": "vip"}, "priority": "urgent")", {}, "03-02 10:10"),
            "vip-chat");
  EXPECT_EQ(chosen(R"("channel": "email", "customer": {"tier": "vip"}, "priority": "urgent")", {}, "03-02 10:10"),
            "urgent");
  EXPECT_EQ(chosen(R"("channel": "chat", "customer": {"tier": "regular"})", {}, "03-02 10:10"), "rest");
  // The priority as of `at` decides.
  const std::vector<std::string> raised{ev("03-02 10:30", "priority", R"("to": "urgent")")};
  EXPECT_EQ(chosen(R"("channel": "email")", raised, "03-02 10:20"), "rest");
  EXPECT_EQ(chosen(R"("channel": "email")", raised, "03-02 10:30"), "urgent");
  // ...and its targets: urgent first_response 5m from 10:00 -> breached at 10:05.
  const SlaReport report =
      SlaEngine(policy).evaluate(ticket("03-02 10:00", raised, R"("channel": "email")"), t("03-02 10:30"));
  expect_metrics(report, {{"first_response", 0, 5min, 30min, breached, "03-02 10:00", "03-02 10:05",
                           "03-02 10:05", ""}});
}

// ---- batch and JSON ---------------------------------------------------------------------------

std::vector<std::string> batch_lines() {
  std::vector<std::string> lines;
  const std::vector<std::string> busy = busy_events();
  // The busy ticket cut after each of its 11 events (12 tickets, every other one high priority,
  // which this policy does not measure), and one created on a Saturday: 13 tickets.
  for (std::size_t n = 0; n < busy.size() + 1; ++n) {
    const std::vector<std::string> events(busy.begin(), busy.begin() + static_cast<std::ptrdiff_t>(n));
    lines.push_back(ticket_json("03-02 10:00", events, n % 2 ? R"("priority": "high")" : "", "B-" + std::to_string(n)));
  }
  lines.push_back(ticket_json("03-07 12:00", {ev("03-09 09:30", "agent_reply")}, {}, "B-sat"));
  return lines;
}

TEST(SlaBatchConcurrent, SpanResultsEqualOneByOneForAnyThreadCount) {
  const auto policy = load(all_metrics_policy);
  std::vector<Ticket> tickets;
  for (const std::string& json : batch_lines()) tickets.push_back(Ticket::from_json(json));
  const Instant at = t("03-09 12:00");
  std::vector<std::string> one_by_one;
  for (const Ticket& tk : tickets) one_by_one.push_back(SlaEngine(policy).evaluate(tk, at).to_json());
  for (unsigned threads : {1u, 2u, 4u, 0u}) {
    std::vector<std::string> batch;
    for (const SlaReport& r : SlaEngine(policy).evaluate(tickets, at, {.threads = threads})) batch.push_back(r.to_json());
    EXPECT_EQ(batch, one_by_one) << threads << " threads";
  }
  EXPECT_TRUE(SlaEngine(policy).evaluate(std::span<const Ticket>(), at, {.threads = 4}).empty());
  EXPECT_EQ(SlaEngine(policy).evaluate_lines("", at, {.threads = 4}), "");
  EXPECT_EQ(SlaEngine(policy).evaluate_lines("\n \n", at, {.threads = 4}), "");
  // Replay in batches (spec §9): a ticket created after `at` did not exist yet. Alone it cannot
  // be evaluated; in a batch it gets a report saying so, with its priority as created and
  // nothing else (before 0.2 the whole batch failed).
  const Ticket future = Ticket::from_json(ticket_json("03-10 09:00", {}, R"("priority": "high")", "future"));
  EXPECT_THROW((void)SlaEngine(policy).evaluate(future, at), InputError);
  tickets.insert(tickets.begin() + 1, future);
  const auto reports = SlaEngine(policy).evaluate(tickets, at, {.threads = 2});
  ASSERT_EQ(reports.size(), one_by_one.size() + 1);
  EXPECT_TRUE(reports[1].not_yet_created);
  EXPECT_EQ(reports[1].to_json(), R"({"ticket":"future","not_yet_created":true,"policy":null,"priority":"high",)"
                                  R"("metrics":[],"escalations":[],"next_check_at":null})");
  EXPECT_EQ(reports[0].to_json(), one_by_one[0]);
  EXPECT_EQ(reports[2].to_json(), one_by_one[1]);
  EXPECT_FALSE(reports[2].not_yet_created);
}

TEST(SlaBatchConcurrent, LinesEqualOneByOneAndABadLineDoesNotStopTheBatch) {
  const auto policy = load(all_metrics_policy);
  const Instant at = t("03-09 12:00");
  std::vector<std::string> tickets = batch_lines();
  std::string input;
  std::string expected;
  std::size_t line_no = 0;
  const auto add = [&](const std::string& text) {
    input += text + "\n";
    ++line_no;
  };
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    add(tickets[i]);
    expected += SlaEngine(policy).evaluate(Ticket::from_json(tickets[i]), at).to_json() + "\n";
    if (i == 3) add("");     // blank lines are skipped but still counted
    if (i == 5) add("  \t");
  }
  // 13 tickets + 2 blank lines = 15 lines so far. Line 16 lacks created_at; line 17 is not
  // JSON; line 18 was created after `at`: a report marked so (an error record before 0.2).
  ASSERT_EQ(tickets.size(), 13u);
  add(R"({"id": "bad-1"})");
  add("{oops");
  add(ticket_json("03-10 09:00", {}, {}, "future"));
  ASSERT_EQ(line_no, 18u);
  std::string last = ticket_json("03-02 10:00", busy_events(), {}, "last");  // no final newline
  input += last;
  expected += R"({"line":16,"error":")" "\n";
  expected += R"({"line":17,"error":")" "\n";
  expected += R"({"ticket":"future","not_yet_created":true,"policy":null,"priority":"normal","metrics":[],)"
              R"("escalations":[],"next_check_at":null})" "\n";
  expected += SlaEngine(policy).evaluate(Ticket::from_json(last), at).to_json() + "\n";

  for (unsigned threads : {1u, 2u, 4u}) {
    SCOPED_TRACE(threads);
    const std::string output = SlaEngine(policy).evaluate_lines(input, at, {.threads = threads});
    // Compare line by line; error lines only up to their message, then check the message.
    std::vector<std::string> got;
    for (std::size_t pos = 0; pos < output.size();) {
      const std::size_t end = output.find('\n', pos);
      ASSERT_NE(end, std::string::npos) << "every output line ends with a newline";
      got.push_back(output.substr(pos, end - pos));
      pos = end + 1;
    }
    std::vector<std::string> want;
    for (std::size_t pos = 0; pos < expected.size();) {
      const std::size_t end = expected.find('\n', pos);
      want.push_back(expected.substr(pos, end - pos));
      pos = end + 1;
    }
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (want[i].starts_with(R"({"line":)")) {
        EXPECT_TRUE(got[i].starts_with(want[i])) << got[i];
        EXPECT_TRUE(got[i].ends_with("\"}")) << got[i];
      } else {
        EXPECT_EQ(got[i], want[i]) << "output line " << i + 1;
      }
    }
    EXPECT_NE(got[got.size() - 4].find("created_at"), std::string::npos) << got[got.size() - 4];
  }
}

TEST(SlaJson, ExactReportOfOneHandWorkedTicket) {
  const auto policy = load(R"({"policies": [{"id": "std", "calendar": "office",
      "targets": {"normal": {"first_response": "1h", "next_response": "30m", "resolution": "8h"}},
      "escalations": [{"at": "80%", "action": "warn"}, {"at": "100%", "action": "escalate", "to": "lead"}]}]})");
  const Ticket tk = Ticket::from_json(ticket_json("03-02 08:30", {
      ev("03-02 08:30", "customer_message"), ev("03-02 09:40:30.500", "agent_reply"),
      ev("03-02 10:00", "customer_message")}, {}, "T-9"));
  // At Mon 10:26 (office opened 09:00):
  // first_response: 09:00-09:40:30.5 = 2430.5s of 3600; remaining 1169.5; 67.5138..% -> 67.51.
  //   Its 80% (48m, 09:48) comes after the reply: no escalation.
  // next_response 0: 10:00-10:26 = 1560s of 1800; remaining 240; 86.666..% -> 86.67; due 10:30.
  //   80% = 1440s -> 10:24 reached.
  // resolution: 09:00-10:26 = 5160s of 28800; remaining 23640 (6h34m) -> due 17:00;
  //   17.9166..% -> 17.92. 80% = 23040s -> 15:24, not yet.
  // next_check_at: next_response reaches 100% at 10:30.
  // status: next_response and resolution are open and nothing breached: active, no misses.
  const std::string expected =
      R"({"ticket":"T-9","policy":"std","priority":"normal","status":"active","metrics":[)"
      R"({"metric":"first_response","cycle":0,"target_s":3600,"elapsed_s":2430.5,"remaining_s":1169.5,)"
      R"("percent":67.51,"started_at":"2026-03-02T08:30:00Z","due_at":null,"state":"achieved",)"
      R"("breached_at":null,"completed_at":"2026-03-02T09:40:30.500Z"},)"
      R"({"metric":"next_response","cycle":0,"target_s":1800,"elapsed_s":1560,"remaining_s":240,)"
      R"("percent":86.67,"started_at":"2026-03-02T10:00:00Z","due_at":"2026-03-02T10:30:00Z","state":"active",)"
      R"("breached_at":null,"completed_at":null},)"
      R"({"metric":"resolution","cycle":0,"target_s":28800,"elapsed_s":5160,"remaining_s":23640,)"
      R"("percent":17.92,"started_at":"2026-03-02T08:30:00Z","due_at":"2026-03-02T17:00:00Z","state":"active",)"
      R"("breached_at":null,"completed_at":null}],)"
      R"("escalations":[{"metric":"next_response","cycle":0,"at":"80%","action":"warn","to":null,)"
      R"("reached_at":"2026-03-02T10:24:00Z"}],"misses":[],)"
      R"("next_check_at":"2026-03-02T10:30:00Z"})";
  EXPECT_EQ(SlaEngine(policy).evaluate(tk, t("03-02 10:26")).to_json(), expected);
}

// ---- loading the sla section ------------------------------------------------------------------

std::vector<Problem> problems_of(std::string_view sla) {
  try {
    (void)load(sla);
  } catch (const PolicyError& e) {
    return e.problems();
  }
  ADD_FAILURE() << "the document was accepted";
  return {};
}

// A problem at exactly `path` whose message mentions `fact`.
::testing::AssertionResult has_problem(const std::vector<Problem>& problems, std::string_view path,
                                       std::string_view fact) {
  std::string listing;
  for (const Problem& p : problems) {
    if (p.path == path && p.message.find(fact) != std::string::npos) return ::testing::AssertionSuccess();
    listing += "\n  " + p.path + ": " + p.message;
  }
  return ::testing::AssertionFailure() << "no problem at " << path << " mentioning '" << fact << "'; got:" << listing;
}

TEST(SlaLoad, EveryProblemIsReportedWithItsPath) {
  const auto problems = problems_of(R"({
    "metrics": {"resolution": {"start": "a", "stop": "b"},
                "refund_processing": {"start": "refund_requested", "stop": "refund_issued"}},
    "policies": [
      {"id": "p", "calendar": "nowhere",
       "targets": {
         "normal": {"first_reply": "1m", "refund_processing": "24h"},
         "critical": {"first_response": "1m"},
         "high": {"first_response": "0s", "resolution": "3x", "next_response": -5},
         "urgent": {"follow_up": {"target": "48h", "calendar": "elsewhere"}}},
       "pause_on": ["on_hold", "resolved"],
       "escalations": [{"at": "80", "action": "warn"}, {"at": "eighty%", "action": "warn"},
                       {"at": "100%", "action": "warn"}, {"at": "-0m", "action": "warn"},
                       {"at": "+15x", "action": "warn"}, {"at": "--5m", "action": "warn"},
                       {"at": "-15m", "action": "warn", "calendar": "lead"}]},
      {"id": "p", "targets": {}}]})");
  EXPECT_TRUE(has_problem(problems, "sla.metrics.resolution", "resolution"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].calendar", "nowhere"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].targets.normal.first_reply", "first_reply"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].targets.critical", "critical"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].targets.high.first_response", ""));  // zero
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].targets.high.resolution", "3x"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].targets.high.next_response", ""));   // negative
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].targets.urgent.follow_up.calendar", "elsewhere"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].pause_on[1]", "resolved"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].escalations[0].at", "80"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].escalations[1].at", "eighty%"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].escalations[3].at", "-0m"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].escalations[4].at", "+15x"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].escalations[5].at", "--5m"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[0].escalations[6].calendar", "lead"));
  EXPECT_TRUE(has_problem(problems, "sla.policies[1].id", "p"));
  // Nothing else: the valid custom metric, its target, "on_hold" and "100%" are fine.
  EXPECT_EQ(problems.size(), 16u);
}

}  // namespace

// ---- The shared fixture set ------------------------------------------------------------------
// The shared SLA fixture set (tests/fixtures/sla, worked by hand in its README.md): every C++
// way of evaluating it gives exactly the reports in expected.jsonl, the same text the C ABI
// and Python are held to.

namespace {

using namespace aftersales;
using test::lines_of;
using test::read_text;
using test::sla_fixtures;

class SlaFixture : public ::testing::Test {
 protected:
  std::shared_ptr<const Policy> policy = Policy::from_file(sla_fixtures / "policy.json");
  Instant at = parse_instant(lines_of(read_text(sla_fixtures / "at.txt")).at(0));
  std::string tickets = read_text(sla_fixtures / "tickets.jsonl");
  std::string expected = read_text(sla_fixtures / "expected.jsonl");
};

TEST_F(SlaFixture, FilesLineUp) {
  EXPECT_EQ(format_instant(at), "2026-11-18T04:00:00Z");
  EXPECT_EQ(lines_of(tickets).size(), 9u);
  EXPECT_EQ(lines_of(expected).size(), 9u);
}

TEST_F(SlaFixture, EachTicketGivesItsExpectedReport) {
  const auto ticket_lines = lines_of(tickets);
  const auto report_lines = lines_of(expected);
  ASSERT_EQ(ticket_lines.size(), report_lines.size());
  for (std::size_t i = 0; i < ticket_lines.size(); ++i) {
    EXPECT_EQ(SlaEngine(policy).evaluate(Ticket::from_json(ticket_lines[i]), at).to_json(), report_lines[i])
        << "tickets.jsonl line " << i + 1;
  }
}

TEST_F(SlaFixture, BatchOfTicketsEqualsExpectedOnAnyNumberOfThreads) {
  std::vector<Ticket> parsed;
  for (const std::string& line : lines_of(tickets)) parsed.push_back(Ticket::from_json(line));
  const auto report_lines = lines_of(expected);
  for (const unsigned threads : {1u, 3u, 0u}) {
    const auto reports = SlaEngine(policy).evaluate(parsed, at, {.threads = threads});
    ASSERT_EQ(reports.size(), report_lines.size());
    for (std::size_t i = 0; i < reports.size(); ++i)
      EXPECT_EQ(reports[i].to_json(), report_lines[i]) << "threads " << threads << ", report " << i + 1;
  }
}

TEST_F(SlaFixture, JsonLinesEqualExpectedFileOnAnyNumberOfThreads) {
  for (const unsigned threads : {1u, 3u, 0u})
    EXPECT_EQ(SlaEngine(policy).evaluate_lines(tickets, at, {.threads = threads}), expected) << "threads " << threads;
}

}  // namespace
