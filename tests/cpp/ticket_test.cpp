// Tickets (spec §3) through the public API: the JSON shape, its errors with paths, custom
// event names, and the status that events derive (observed through SLA policies whose `when`
// tests the status).

#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "ticket/ticket_binary.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

TEST(TicketJson, ParsesTheSpecExample) {
  const Ticket tk = Ticket::from_json(R"({
    "id": "T-1001",
    "created_at": "2026-11-11T00:05:00+08:00",
    "channel": "chat",
    "category": "after_sales/return",
    "priority": "high",
    "customer": {"id": "C-9", "tier": "vip", "language": "zh"},
    "order": {"id": "O-77", "amount": "399.00", "currency": "CNY"},
    "tags": ["double11"],
    "fields": {"region": "east", "items": 2, "gift": true},
    "events": [
      {"at": "2026-11-11T00:05:00+08:00", "type": "customer_message"},
      {"at": "2026-11-11T00:06:10+08:00", "type": "assigned", "agent": "A-7", "queue": "returns"},
      {"at": "2026-11-11T00:07:00+08:00", "type": "agent_reply", "agent": "A-7"},
      {"at": "2026-11-11T00:20:00+08:00", "type": "status", "to": "pending_customer"},
      {"at": "2026-11-11T09:00:00+08:00", "type": "customer_message"},
      {"at": "2026-11-11T09:30:00+08:00", "type": "priority", "to": "urgent"},
      {"at": "2026-11-11T10:00:00+08:00", "type": "resolved"},
      {"at": "2026-11-12T10:00:00+08:00", "type": "follow_up"},
      {"at": "2026-11-12T10:01:00+08:00", "type": "satisfaction", "score": 5}
    ]})");
  EXPECT_EQ(tk.id, "T-1001");
  EXPECT_EQ(format_instant(tk.created_at), "2026-11-10T16:05:00Z");  // 00:05 at +08:00
  EXPECT_EQ(tk.channel, "chat");
  EXPECT_EQ(tk.category, "after_sales/return");
  EXPECT_EQ(tk.priority, Priority::high);
  EXPECT_EQ(tk.customer.id, "C-9");
  EXPECT_EQ(tk.customer.tier, "vip");
  EXPECT_EQ(tk.customer.language, "zh");
  EXPECT_EQ(tk.order.id, "O-77");
  ASSERT_TRUE(tk.order.amount.has_value());
  EXPECT_EQ(tk.order.amount->minor_units(), 39900);  // 399.00 CNY in fen
  EXPECT_EQ(tk.order.amount->currency().code_view(), "CNY");
  EXPECT_EQ(tk.tags, std::vector<std::string>{"double11"});
  ASSERT_EQ(tk.fields.size(), 3u);
  EXPECT_EQ(tk.fields[0].first, "region");
  EXPECT_EQ(std::get<std::string>(tk.fields[0].second), "east");
  EXPECT_EQ(std::get<double>(tk.fields[1].second), 2.0);
  EXPECT_EQ(std::get<bool>(tk.fields[2].second), true);

  ASSERT_EQ(tk.events.size(), 9u);
  EXPECT_EQ(tk.events[0].type, EventType::customer_message);
  EXPECT_EQ(tk.events[0].name, "customer_message");
  EXPECT_EQ(tk.events[1].type, EventType::assigned);
  EXPECT_EQ(tk.events[1].agent, "A-7");
  EXPECT_EQ(tk.events[1].queue, "returns");
  EXPECT_EQ(format_instant(tk.events[1].at), "2026-11-10T16:06:10Z");
  EXPECT_EQ(tk.events[2].type, EventType::agent_reply);
  EXPECT_TRUE(tk.events[2].is_public);  // defaults: a public, human reply
  EXPECT_FALSE(tk.events[2].bot);
  EXPECT_EQ(tk.events[3].type, EventType::status);
  EXPECT_EQ(tk.events[3].to_status, Status::pending_customer);
  EXPECT_EQ(tk.events[5].type, EventType::priority);
  EXPECT_EQ(tk.events[5].to_priority, Priority::urgent);
  EXPECT_EQ(tk.events[6].type, EventType::resolved);
  EXPECT_EQ(tk.events[7].type, EventType::follow_up);
  EXPECT_EQ(tk.events[8].type, EventType::satisfaction);
  EXPECT_EQ(tk.events[8].score, 5);
}

TEST(TicketJson, MinimalTicketTakesDefaultsAndEpochMilliseconds) {
  // 1772445600000 ms = 2026-03-02T10:00:00Z.
  const Ticket tk = Ticket::from_json(R"({"id": "T-2", "created_at": 1772445600000,
      "events": [{"at": 1772445660500, "type": "agent_reply", "public": false, "bot": true}]})");
  EXPECT_EQ(format_instant(tk.created_at), "2026-03-02T10:00:00Z");
  EXPECT_EQ(tk.priority, Priority::normal);
  EXPECT_TRUE(tk.channel.empty());
  EXPECT_FALSE(tk.order.amount.has_value());
  ASSERT_EQ(tk.events.size(), 1u);
  EXPECT_EQ(format_instant(tk.events[0].at), "2026-03-02T10:01:00.500Z");
  EXPECT_FALSE(tk.events[0].is_public);
  EXPECT_TRUE(tk.events[0].bot);
}

TEST(TicketJson, CustomEventNamesAreKept) {
  const Ticket tk = Ticket::from_json(R"({"id": "T-3", "created_at": "2026-03-02T10:00:00Z", "events": [
      {"at": "2026-03-02T10:01:00Z", "type": "parcel_received"},
      {"at": "2026-03-02T10:02:00Z", "type": "refund_issued"},
      {"at": "2026-03-02T10:03:00Z", "type": "Resolved"}]})");
  ASSERT_EQ(tk.events.size(), 3u);
  EXPECT_EQ(tk.events[0].type, EventType::custom);
  EXPECT_EQ(tk.events[0].name, "parcel_received");
  EXPECT_EQ(tk.events[1].type, EventType::refund_issued);
  EXPECT_EQ(tk.events[1].name, "refund_issued");
  EXPECT_EQ(tk.events[2].type, EventType::custom);  // names are case-sensitive
  EXPECT_EQ(tk.events[2].name, "Resolved");

  EXPECT_EQ(event_type("handoff"), EventType::handoff);
  EXPECT_EQ(event_type("parcel_received"), EventType::custom);
  EXPECT_EQ(to_string(EventType::return_received), "return_received");
  EXPECT_EQ(to_string(EventType::custom), "");
  EXPECT_EQ(Event::of(EventType::nps, tk.created_at).name, "nps");
}

TEST(TicketJson, NamesOfPrioritiesAndStatuses) {
  EXPECT_EQ(to_string(Priority::low), "low");
  EXPECT_EQ(to_string(Priority::urgent), "urgent");
  EXPECT_EQ(to_string(Status::new_ticket), "new");
  EXPECT_EQ(to_string(Status::pending_customer), "pending_customer");
  EXPECT_EQ(to_string(Status::closed), "closed");
}

// The lines of an InputError's message that name a problem as `path: message` (the first line
// is the title).
std::vector<std::string> message_lines(const InputError& e) {
  std::vector<std::string> lines;
  std::istringstream in(e.what());
  std::string title;
  std::getline(in, title);
  for (std::string line; std::getline(in, line);) {
    const auto start = line.find_first_not_of(" -*");
    lines.push_back(start == std::string::npos ? std::string() : line.substr(start));
  }
  return lines;
}

// Some line of the message starts with `path: ` and mentions `fact`.
::testing::AssertionResult names_problem(const InputError& e, std::string_view path, std::string_view fact) {
  const std::string prefix = std::string(path) + ": ";
  for (const std::string& line : message_lines(e))
    if (line.starts_with(prefix) && line.find(fact) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no line '" << prefix << "...' mentioning '" << fact << "' in:\n"
                                       << e.what();
}

TEST(TicketJson, EveryMistakeIsReportedAtOnceWithItsPath) {
  try {
    (void)Ticket::from_json(R"({"id": "T-4", "created_at": "2026-03-02T10:00:00Z",
        "priority": "critical", "colour": "red",
        "order": {"id": "O-1", "amount": "39.90"},
        "events": [
          {"at": "2026-03-02T10:01:00Z", "type": "status", "to": "resolved"},
          {"at": "2026-03-02T10:02:00Z", "type": "satisfaction", "score": 6},
          {"at": "2026-03-02T10:03:00Z", "type": "parcel_received"}]})");
    FAIL() << "the ticket was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), ErrorCode::input);
    EXPECT_TRUE(names_problem(e, "priority", "critical"));
    EXPECT_TRUE(names_problem(e, "colour", "colour"));
    EXPECT_TRUE(names_problem(e, "order.currency", "currency"));
    EXPECT_TRUE(names_problem(e, "events[0].to", "resolved"));
    EXPECT_TRUE(names_problem(e, "events[1].score", "6"));
    std::size_t named = 0;
    for (const std::string& line : message_lines(e))
      for (const char* path : {"priority: ", "colour: ", "order.currency: ", "events[0].to: ", "events[1].score: "})
        if (line.starts_with(path)) ++named;
    EXPECT_EQ(named, 5u) << e.what();  // each once, and the custom event is no problem
    EXPECT_FALSE(e.path().empty());     // the first problem's path
  }
}

TEST(TicketJson, MisplacedAndMistypedEventMembersAreReported) {
  try {
    (void)Ticket::from_json(R"({"created_at": "2026-03-02T10:00:00Z", "events": [
        {"at": "2026-03-02T10:01:00Z", "type": "agent_reply", "to": "open", "public": "yes"},
        {"at": "2026-03-02T10:02:00Z", "type": "customer_message", "score": 3},
        {"at": "2026-03-02T10:03:00Z", "type": "nps", "score": 11},
        {"type": "customer_message"},
        {"at": "2026-03-02T10:05:00", "type": "customer_message"}]})");
    FAIL() << "the ticket was accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(names_problem(e, "id", ""));                    // required
    EXPECT_TRUE(names_problem(e, "events[0].to", ""));          // only on status and priority events
    EXPECT_TRUE(names_problem(e, "events[0].public", "yes"));   // not a boolean
    EXPECT_TRUE(names_problem(e, "events[1].score", ""));       // only on satisfaction and nps
    EXPECT_TRUE(names_problem(e, "events[2].score", "11"));     // nps is 0-10
    EXPECT_TRUE(names_problem(e, "events[3].at", ""));          // required
    EXPECT_TRUE(names_problem(e, "events[4].at", "2026-03-02T10:05:00"));  // no offset
  }
}

TEST(TicketJson, EventBeforeCreationIsAnErrorAtItsAt) {
  try {
    (void)Ticket::from_json(R"({"id": "T-5", "created_at": "2026-03-02T10:00:00Z", "events": [
        {"at": "2026-03-02T10:01:00Z", "type": "customer_message"},
        {"at": "2026-03-02T09:59:59.999Z", "type": "agent_reply"}]})");
    FAIL() << "the ticket was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "events[1].at");
    EXPECT_TRUE(names_problem(e, "events[1].at", "2026-03-02T09:59:59.999Z"));
  }
  // An event exactly at creation is fine.
  EXPECT_NO_THROW((void)Ticket::from_json(R"({"id": "T-5", "created_at": "2026-03-02T10:00:00Z",
      "events": [{"at": "2026-03-02T10:00:00Z", "type": "customer_message"}]})"));
}

// A ticket document with `count` events of the shortest form, 20 bytes each.
std::string ticket_of_events(std::size_t count) {
  std::string json = R"({"id": "T-7", "created_at": 0, "events": [)";
  for (std::size_t i = 0; i < count; ++i) json += i ? R"(,{"at":1,"type":"x"})" : R"({"at":1,"type":"x"})";
  return json + "]}";
}

TEST(TicketJson, AtMostMaxTicketEventsEventsAreRead) {
  EXPECT_EQ(Ticket::from_json(ticket_of_events(100'000)).events.size(), 100'000u);
  const std::string refused =
      "invalid ticket: 1 problem\n  events: a ticket may have at most 100000 events, and this one has 100001";
  try {
    (void)Ticket::from_json(ticket_of_events(100'001));
    FAIL() << "the ticket was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "events");
    EXPECT_EQ(e.what(), refused);
  }
  // In a batch, the line is named too (the newline escaped in the JSON error record).
  const auto policy = Policy::from_json(R"({"schema_version": 1})");
  const std::string lines = ticket_of_events(1) + "\n" + ticket_of_events(100'001);
  EXPECT_EQ(SlaEngine(policy).evaluate_lines(lines, parse_instant("1970-01-01T00:00:00Z")),
            R"({"ticket":"T-7","policy":null,"priority":"normal","metrics":[],"escalations":[],"next_check_at":null})"
            "\n{\"line\":2,\"error\":\"invalid ticket: 1 problem\\n  events: a ticket may have at most 100000 events, "
            "and this one has 100001\"}\n");
}

TEST(TicketValidate, HandBuiltTicketsAreChecked) {
  Ticket tk;
  tk.id = "T-6";
  tk.created_at = parse_instant("2026-03-02T10:00:00Z");
  tk.events.push_back(Event::of(EventType::customer_message, tk.created_at));
  tk.events.push_back(Event::of(EventType::agent_reply, tk.created_at - 1ms));
  try {
    tk.validate();
    FAIL() << "validate() accepted an event before creation";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "events[1].at");
  }
  tk.events.pop_back();
  EXPECT_NO_THROW(tk.validate());
  tk.id.clear();
  try {
    tk.validate();
    FAIL() << "validate() accepted a ticket without an id";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "id");
  }
}

TEST(TicketStatus, DerivedFromEventsAsOfTheInstantEvaluated) {
  // One SLA policy per status: the policy chosen names the ticket's status.
  std::string policies;
  for (const char* status : {"new", "open", "pending_customer", "on_hold", "resolved", "closed"}) {
    if (!policies.empty()) policies += ", ";
    policies += R"({"id": ")" + std::string(status) + R"(", "when": {"field": "status", "eq": ")" + status +
                R"("}, "targets": {}})";
  }
  const auto policy = Policy::from_json(R"({"schema_version": 1, "sla": {"policies": [)" + policies + "]}}");
  const Ticket tk = Ticket::from_json(R"({"id": "T-7", "created_at": "2026-03-02T10:00:00Z", "events": [
      {"at": "2026-03-02T10:00:00Z", "type": "customer_message"},
      {"at": "2026-03-02T10:01:00Z", "type": "assigned", "agent": "A-1"},
      {"at": "2026-03-02T10:02:00Z", "type": "status", "to": "pending_customer"},
      {"at": "2026-03-02T10:03:00Z", "type": "customer_message"},
      {"at": "2026-03-02T10:04:00Z", "type": "status", "to": "on_hold"},
      {"at": "2026-03-02T10:05:00Z", "type": "customer_message"},
      {"at": "2026-03-02T10:06:00Z", "type": "status", "to": "open"},
      {"at": "2026-03-02T10:07:00Z", "type": "resolved"},
      {"at": "2026-03-02T10:08:00Z", "type": "customer_message"},
      {"at": "2026-03-02T10:09:00Z", "type": "reopened"},
      {"at": "2026-03-02T10:10:00Z", "type": "closed"}]})");
  const auto status_at = [&](const char* hhmm) {
    return SlaEngine(policy).evaluate(tk, parse_instant(std::string("2026-03-02T") + hhmm + ":00Z")).policy.value_or("null");
  };
  EXPECT_EQ(status_at("10:00"), "new");               // a customer message leaves it new
  EXPECT_EQ(status_at("10:01"), "open");              // assigned
  EXPECT_EQ(status_at("10:02"), "pending_customer");
  EXPECT_EQ(status_at("10:03"), "open");              // the customer answered
  EXPECT_EQ(status_at("10:04"), "on_hold");
  EXPECT_EQ(status_at("10:05"), "on_hold");           // only pending_customer reopens on a message
  EXPECT_EQ(status_at("10:06"), "open");
  EXPECT_EQ(status_at("10:07"), "resolved");
  EXPECT_EQ(status_at("10:08"), "resolved");
  EXPECT_EQ(status_at("10:09"), "open");              // reopened
  EXPECT_EQ(status_at("10:10"), "closed");

  // A first agent reply also opens a new ticket.
  const Ticket replied = Ticket::from_json(R"({"id": "T-8", "created_at": "2026-03-02T10:00:00Z", "events": [
      {"at": "2026-03-02T10:01:00Z", "type": "agent_reply"}]})");
  EXPECT_EQ(SlaEngine(policy).evaluate(replied, parse_instant("2026-03-02T10:00:30Z")).policy, "new");
  EXPECT_EQ(SlaEngine(policy).evaluate(replied, parse_instant("2026-03-02T10:01:00Z")).policy, "open");
}

}  // namespace

// ---- Long tickets ----------------------------------------------------------------------------
// One ticket with many events (issue 11) through every engine that replays its history: the
// SLA report, KPI counting and routing give the hand-worked results, cost time in proportion
// to the events, and refuse a ticket over max_ticket_events.
//
// The calendar is 24x7 in UTC, so business time is elapsed time. Instants in the expected
// lines are offsets from t0 in seconds ("+600s"); a pair or round i starts at 600i s.

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

// --- the binary form (ticket_binary.hpp), which Python's TicketBatch pickles as -------------

TEST(TicketBinary, EveryMemberComesBack) {
  const Ticket read = Ticket::from_json(R"({
    "id": "T-1", "created_at": "2026-11-11T00:05:00.250+08:00", "channel": "chat", "category": "after_sales/return",
    "priority": "high", "customer": {"id": "C-9", "tier": "vip", "language": "zh"},
    "order": {"id": "O-77", "amount": "1.005", "currency": "KWD"}, "tags": ["double11", "vip"],
    "fields": {"region": "east", "items": 2.5, "gift": true},
    "events": [
      {"at": "2026-11-11T00:06:10+08:00", "type": "assigned", "agent": "A-7", "queue": "returns"},
      {"at": "2026-11-11T00:07:00+08:00", "type": "agent_reply", "agent": "A-7", "public": false, "bot": true},
      {"at": "2026-11-11T00:20:00+08:00", "type": "status", "to": "on_hold"},
      {"at": "2026-11-11T09:30:00+08:00", "type": "priority", "to": "urgent"},
      {"at": "2026-11-12T10:01:00+08:00", "type": "nps", "score": 0},
      {"at": "2026-11-12T10:02:00+08:00", "type": "courier_called", "agent": "A-7"}
    ]})");
  const std::vector<Ticket> tickets{read, read};
  const std::string data = detail::write_tickets(TicketBatch::from_tickets(tickets));
  const TicketBatch back = detail::read_tickets(data);
  ASSERT_EQ(back.size(), 2u);
  const Ticket t = back.ticket(1);
  EXPECT_EQ(std::tie(t.id, t.channel, t.category, t.priority), std::tie(read.id, read.channel, read.category, read.priority));
  EXPECT_EQ(t.created_at, read.created_at);
  EXPECT_EQ(std::tie(t.customer.id, t.customer.tier, t.customer.language), std::tie(read.customer.id, read.customer.tier, read.customer.language));
  EXPECT_EQ(t.order.amount, read.order.amount);  // 1005 fils of KWD
  EXPECT_EQ(t.tags, read.tags);
  EXPECT_EQ(t.fields, read.fields);
  ASSERT_EQ(t.events.size(), read.events.size());
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const Event& a = t.events[i];
    const Event& b = read.events[i];
    EXPECT_EQ(std::tie(a.at, a.type, a.name, a.agent, a.queue, a.is_public, a.bot, a.to_status, a.to_priority, a.score),
              std::tie(b.at, b.type, b.name, b.agent, b.queue, b.is_public, b.bot, b.to_status, b.to_priority, b.score))
        << i;
  }
  EXPECT_EQ(detail::write_tickets(back), data);
  // The second ticket's names are numbers of the first's: it takes less than the first.
  EXPECT_LT(data.size(), 2 * detail::write_tickets(TicketBatch::from_tickets(std::vector<Ticket>{read})).size() - 14);
}

TEST(TicketBinary, AnEventBeforeItsTicketCannotBeWritten) {
  // Only a hand-built ticket has one; a reader refuses it.
  Ticket ticket;
  ticket.id = "T-1";
  ticket.created_at = parse_instant("2026-11-11T00:00:00Z");
  ticket.events.push_back(Event::of(EventType::customer_message, parse_instant("2026-11-10T23:59:59Z")));
  try {
    (void)detail::write_tickets(TicketBatch::from_tickets(std::vector<Ticket>{Ticket{}, ticket}));
    FAIL() << "written";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "tickets[1].events[0].at");
  }
}

}  // namespace
