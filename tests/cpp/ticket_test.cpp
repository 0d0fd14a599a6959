// Tickets (SPEC §3) through the public API: the JSON shape, its errors with paths, custom
// event names, and the status that events derive (observed through SLA policies whose `when`
// tests the status).

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <string_view>
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
