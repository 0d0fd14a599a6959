// TicketBatch: the columns give back every ticket as it was, and every engine reading them
// gives what it gives the same tickets as a span.
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket_batch.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "ticket/ticket_binary.hpp"

namespace aftersales {
namespace {

using namespace std::chrono_literals;
using test::at;

// Conditions on every member a ticket view offers (tags, fields of each kind, amount, tier,
// language, customer id), a custom metric on custom events, and a complaints rule.
constexpr std::string_view policy_json = R"({
  "schema_version": 1,
  "calendars": {"cn": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}},
  "sla": {
    "metrics": {"waiting": {"start": "parcel_lost", "stop": "parcel_found"}},
    "policies": [
      {"id": "tagged", "when": {"field": "tags", "contains": "vip"},
       "targets": {"normal": {"first_response": "10m", "resolution": "2h", "waiting": "1h"},
                   "high": {"first_response": "5m", "resolution": "1h"}},
       "escalations": [{"at": "50%", "action": "notify", "to": "lead"}]},
      {"id": "fielded", "when": {"any": [{"field": "fields.region", "eq": "north"}, {"field": "fields.floor", "gt": 2},
                                         {"field": "fields.rush", "eq": true}]},
       "calendar": "cn", "targets": {"normal": {"first_response": "1h", "next_response": "2h", "resolution": "8h"}}},
      {"id": "rich", "when": {"all": [{"field": "order.amount", "gte": 100}, {"field": "customer.tier", "eq": "gold"},
                                      {"field": "customer.language", "eq": "zh"}]},
       "targets": {"normal": {"first_response": "30m", "resolution": "4h", "follow_up": "1d"}}},
      {"id": "named", "when": {"field": "customer.id", "prefix": "C-9"},
       "targets": {"normal": {"first_response": "20m", "periodic_update": "1h", "resolution": "3h"}}},
      {"id": "rest", "calendar": "cn", "targets": {"low": {"first_response": "4h"}, "normal": {"first_response": "2h", "resolution": "1d"},
                                                   "high": {"first_response": "1h"}, "urgent": {"first_response": "15m"}}}
    ]},
  "kpi": {"complaints": {"any": [{"field": "category", "prefix": "complaint"}, {"field": "tags", "contains": "angry"}]}}
})";

std::shared_ptr<const Policy> policy() {
  static const auto p = Policy::from_json(policy_json);
  return p;
}

Event event(EventType type, Instant t, std::string agent = {}) {
  Event e = Event::of(type, t);
  e.agent = std::move(agent);
  return e;
}

Event custom(std::string name, Instant t) {
  Event e;
  e.at = t;
  e.name = std::move(name);
  return e;
}

// Tickets that between them use every member of the shape, in and out of the usual.
std::vector<Ticket> varied_tickets() {
  const Instant t0 = at("2026-11-11T08:30:00Z");
  std::vector<Ticket> tickets;
  for (int i = 0; i < 40; ++i) {
    Ticket t;
    t.id = "T-" + std::to_string(i);
    t.created_at = t0 + std::chrono::minutes(37 * i);
    t.channel = i % 3 == 0 ? "chat" : i % 3 == 1 ? "email" : "";
    t.category = i % 5 == 0 ? "complaint/late" : i % 5 == 1 ? "after_sales/return" : "";
    t.priority = static_cast<Priority>(i % 4);
    t.customer.id = i % 2 == 0 ? "C-9" + std::to_string(i) : "C-1" + std::to_string(i);
    if (i % 4 == 0) t.customer.tier = "gold";
    if (i % 6 != 5) t.customer.language = i % 2 == 0 ? "zh" : "en";
    if (i % 3 != 2) t.order.id = "O-" + std::to_string(i);
    if (i % 4 == 0) t.order.amount = Money(12'345 * i, currency(i % 8 == 0 ? "CNY" : "JPY"));
    if (i % 2 == 0) t.tags = {"vip", "vip", ""};
    if (i % 7 == 1) t.tags = {"angry", "b"};
    if (i % 3 == 0) t.fields.emplace_back("region", std::string(i % 2 == 0 ? "north" : "south"));
    if (i % 4 == 1) t.fields.emplace_back("floor", 2.5 + i);
    if (i % 5 == 2) t.fields.emplace_back("rush", i % 2 == 0);
    const Instant c = t.created_at;
    t.events.push_back(event(EventType::customer_message, c));
    t.events.push_back(event(EventType::assigned, c + 1min, "A-" + std::to_string(i % 3)));
    t.events.back().queue = i % 2 == 0 ? "general" : "returns";
    if (i % 5 != 4) t.events.push_back(event(EventType::agent_reply, c + std::chrono::minutes(3 + i), "A-" + std::to_string(i % 3)));
    if (i % 6 == 1) {
      Event note = event(EventType::agent_reply, c + 2min, "A-9");
      note.is_public = false;
      t.events.push_back(note);
      Event bot = event(EventType::agent_reply, c + 2min, "bot");
      bot.bot = true;
      t.events.push_back(bot);
    }
    t.events.push_back(custom("parcel_lost", c + 5min));
    if (i % 2 == 0) t.events.push_back(custom("parcel_found", c + 50min));
    if (i % 4 == 2) {
      Event p = Event::of(EventType::priority, c + 4min);
      p.to_priority = Priority::high;
      t.events.push_back(p);
      Event s = Event::of(EventType::status, c + 6min);
      s.to_status = Status::pending_customer;
      t.events.push_back(s);
      t.events.push_back(event(EventType::customer_message, c + 9min));
    }
    if (i % 3 != 0) t.events.push_back(Event::of(EventType::resolved, c + std::chrono::hours(1 + i % 3)));
    if (i % 9 == 1) {
      t.events.push_back(Event::of(EventType::reopened, c + 5h));
      t.events.push_back(event(EventType::assigned, c + 5h + 1min, "A-7"));
      t.events.push_back(event(EventType::agent_reply, c + 5h + 9min, "A-7"));
      t.events.push_back(Event::of(EventType::closed, c + 6h));
      t.events.push_back(Event::of(EventType::escalated, c + 5h));
    }
    if (i % 3 == 1) {
      Event rating = Event::of(i % 2 == 0 ? EventType::nps : EventType::satisfaction, c + 7h);
      rating.score = i % 2 == 0 ? 10 : 4;
      t.events.push_back(rating);
      t.events.push_back(Event::of(EventType::follow_up, c + 8h));
    }
    // Unsorted: the replay sorts, ties in input order.
    if (i % 8 == 3) std::swap(t.events.front(), t.events.back());
    tickets.push_back(std::move(t));
  }
  return tickets;
}

// What the columns keep aside: events the nibble and the 32-bit offset cannot hold.
Ticket odd_ticket() {
  Ticket t;
  t.id = "odd";
  t.created_at = at("2026-11-11T00:00:00Z");
  Event far = Event::of(EventType::follow_up, t.created_at + std::chrono::days(60));  // past 2^32 ms (49.7 days)
  Event before = Event::of(EventType::customer_message, t.created_at - 1s);           // only hand-built
  Event high = custom("x", t.created_at);
  high.score = 300;
  high.to_status = Status::on_hold;
  Event nameless = Event::of(EventType::resolved, t.created_at + 1h);
  nameless.name.clear();
  Event renamed = Event::of(EventType::closed, t.created_at + 2h);
  renamed.name = "shut";
  Event score = Event::of(EventType::satisfaction, t.created_at + 3h);
  score.score = -2;
  t.events = {far, before, high, nameless, renamed, score};
  return t;
}

void expect_same(const Ticket& a, const Ticket& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.customer.id, b.customer.id);
  EXPECT_EQ(a.customer.tier, b.customer.tier);
  EXPECT_EQ(a.customer.language, b.customer.language);
  EXPECT_EQ(a.order.id, b.order.id);
  EXPECT_EQ(a.order.amount.has_value(), b.order.amount.has_value());
  if (a.order.amount && b.order.amount) {
    EXPECT_EQ(a.order.amount->minor_units(), b.order.amount->minor_units());
    EXPECT_EQ(a.order.amount->currency(), b.order.amount->currency());
  }
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.fields, b.fields);
  ASSERT_EQ(a.events.size(), b.events.size()) << a.id;
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const Event& x = a.events[i];
    const Event& y = b.events[i];
    EXPECT_EQ(x.at, y.at) << a.id << " event " << i;
    EXPECT_EQ(x.type, y.type) << a.id << " event " << i;
    EXPECT_EQ(x.name, y.name) << a.id << " event " << i;
    EXPECT_EQ(x.agent, y.agent) << a.id << " event " << i;
    EXPECT_EQ(x.queue, y.queue) << a.id << " event " << i;
    EXPECT_EQ(x.is_public, y.is_public) << a.id << " event " << i;
    EXPECT_EQ(x.bot, y.bot) << a.id << " event " << i;
    EXPECT_EQ(x.to_status, y.to_status) << a.id << " event " << i;
    EXPECT_EQ(x.to_priority, y.to_priority) << a.id << " event " << i;
    EXPECT_EQ(x.score, y.score) << a.id << " event " << i;
  }
}

TEST(TicketBatch, GivesBackEveryTicketAsItWas) {
  std::vector<Ticket> tickets = varied_tickets();
  tickets.push_back(odd_ticket());
  tickets.emplace_back();  // every member left as a default Ticket has it
  const TicketBatch batch = TicketBatch::from_tickets(tickets);
  ASSERT_EQ(batch.size(), tickets.size());
  for (std::size_t i = 0; i < tickets.size(); ++i) expect_same(batch.ticket(i), tickets[i]);
  EXPECT_THROW((void)batch.ticket(tickets.size()), NotFoundError);
  EXPECT_TRUE(TicketBatch().empty());
}

TEST(TicketBatch, ItsBinaryFormGivesBackTheSameColumns) {
  const TicketBatch batch = TicketBatch::from_tickets(varied_tickets());
  const std::string data = detail::write_tickets(batch);
  const TicketBatch back = detail::read_tickets(data);
  ASSERT_EQ(back.size(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) expect_same(back.ticket(i), batch.ticket(i));
  EXPECT_EQ(detail::write_tickets(back), data);
  // No tickets, so no ends of their lists (the reader once read the last of none).
  EXPECT_TRUE(detail::read_tickets(detail::write_tickets(TicketBatch())).empty());
  // What the form leaves out of a hand-built ticket: a built-in event's own spelling of its
  // name, and members its type does not read.
  Ticket odd = odd_ticket();
  // Left out, as the readers refuse them: the event before the ticket's creation (which
  // write_tickets refuses to write) and the satisfaction score of -2 (which read_tickets refuses).
  odd.events.erase(odd.events.begin() + 1);
  odd.events.pop_back();
  const Ticket read = detail::read_tickets(detail::write_tickets(TicketBatch::from_tickets({&odd, 1}))).ticket(0);
  EXPECT_EQ(read.events[0].at, odd.events[0].at);  // 60 days on: kept aside, and back
  EXPECT_EQ(read.events[1].score, 0);              // a custom event's 300
  EXPECT_EQ(read.events[1].to_status, Status::open);
  EXPECT_EQ(read.events[2].name, "resolved");
  EXPECT_EQ(read.events[3].name, "closed");
}

TEST(TicketBatch, SlaReportsEqualTheSpans) {
  std::vector<Ticket> tickets = varied_tickets();
  tickets.push_back(odd_ticket());
  const TicketBatch batch = TicketBatch::from_tickets(tickets);
  const SlaEngine engine(policy());
  // Before some tickets exist (not_yet_created), while clocks run, and after everything.
  for (const Instant t : {at("2026-11-11T09:00:00Z"), at("2026-11-11T20:00:00Z"), at("2027-02-01T00:00:00Z")}) {
    const auto expected = engine.evaluate(std::span<const Ticket>(tickets), t, {.threads = 1});
    const auto got = engine.evaluate(batch, t, {.threads = 2});
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].to_json(), expected[i].to_json()) << i;
  }
}

TEST(TicketBatch, KpisEqualTheSpans) {
  const std::vector<Ticket> tickets = varied_tickets();
  const TicketBatch batch = TicketBatch::from_tickets(tickets);
  const KpiEngine engine(policy());
  const std::vector<std::vector<KpiDimension>> groupings{
      {KpiDimension::agent, KpiDimension::day},
      {KpiDimension::queue, KpiDimension::channel, KpiDimension::category, KpiDimension::priority},
      {KpiDimension::tier, KpiDimension::tag},
      {KpiDimension::of_field("region"), KpiDimension::of_field("floor"), KpiDimension::of_field("rush")},
      {}};
  for (const auto& group_by : groupings) {
    KpiOptions options;
    options.group_by = group_by;
    options.time_zone = "Asia/Shanghai";
    for (const Instant t : {at("2026-11-11T12:00:00Z"), at("2026-12-01T00:00:00Z")}) {
      const KpiResult expected = engine.compute(std::span<const Ticket>(tickets), t, options, {}, {.threads = 1});
      const KpiResult got = engine.compute(batch, t, options, {}, {.threads = 2});
      EXPECT_EQ(got.to_json(), expected.to_json());
    }
  }
}

TEST(TicketBatch, AccumulatorAddsARowAsItsTicket) {
  const std::vector<Ticket> tickets = varied_tickets();
  const TicketBatch batch = TicketBatch::from_tickets(tickets);
  KpiAccumulator rows(policy(), {.group_by = {KpiDimension::agent}, .time_zone = {}});
  KpiAccumulator each(policy(), {.group_by = {KpiDimension::agent}, .time_zone = {}});
  const Instant t = at("2026-11-12T00:00:00Z");
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    rows.add(batch, i, t);
    each.add(tickets[i], t);
  }
  EXPECT_EQ(rows.result().to_json(), each.result().to_json());
  EXPECT_THROW(rows.add(batch, tickets.size(), t), NotFoundError);
}

TEST(TicketBatch, EnginesRefuseWhatTheSpansRefuse) {
  Ticket big;
  big.id = "big";
  big.created_at = at("2026-11-11T00:00:00Z");
  big.events.assign(max_ticket_events + 1, Event::of(EventType::customer_message, big.created_at));
  const std::vector<Ticket> tickets{varied_tickets()[0], big};
  const TicketBatch batch = TicketBatch::from_tickets(tickets);
  const Instant t = at("2026-11-12T00:00:00Z");
  const std::string expected = "events: a ticket may have at most 100000 events, and this one has 100001";
  const SlaEngine sla(policy());
  const KpiEngine kpi(policy());
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { (void)sla.evaluate(std::span<const Ticket>(tickets), t); }, [&] { (void)sla.evaluate(batch, t); },
           [&] { (void)kpi.compute(std::span<const Ticket>(tickets), t, {}); }, [&] { (void)kpi.compute(batch, t, {}); }}) {
    try {
      call();
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), expected);
      EXPECT_EQ(e.path(), "events");
    }
  }
}

TEST(TicketBatch, FromLinesReadsWhatTicketsRead) {
  const std::string jsonl =
      R"({"id":"A","created_at":"2026-11-11T08:00:00+08:00","tags":["x"],"fields":{"n":1.5},"events":[{"at":"2026-11-11T08:00:00+08:00","type":"customer_message"},{"at":"2026-11-11T08:05:00+08:00","type":"agent_reply","agent":"A-1"}]})"
      "\n\n"
      R"({"id":"B","created_at":"2026-11-11T09:00:00+08:00","customer":{"id":"C","tier":"vip"},"order":{"id":"O","amount":"12.50","currency":"CNY"},"events":[{"at":"2026-11-11T09:30:00+08:00","type":"satisfaction","score":5}]})"
      "\n";
  const TicketBatch batch = TicketBatch::from_lines(jsonl, {.threads = 2});
  ASSERT_EQ(batch.size(), 2u);
  expect_same(batch.ticket(0), Ticket::from_json(jsonl.substr(0, jsonl.find('\n'))));
  expect_same(batch.ticket(1), Ticket::from_json(jsonl.substr(jsonl.find("\n\n") + 2, jsonl.size() - jsonl.find("\n\n") - 3)));
}

TEST(TicketBatch, FromLinesNamesTheFirstBadLineAsComputeLinesDoes) {
  // Line 1 is good, line 2 blank, line 3 has a score out of range, line 4 is not JSON: line 3
  // is reported, counted from first_line 10 (so it is line 12), the problem at its path, which
  // compute_lines also puts in front of the message.
  const std::string jsonl =
      R"({"id":"A","created_at":"2026-11-11T08:00:00Z","events":[]})"
      "\n \n"
      R"({"id":"B","created_at":"2026-11-11T08:00:00Z","events":[{"at":"2026-11-11T09:00:00Z","type":"satisfaction","score":9}]})"
      "\nnot json\n";
  const BatchOptions options{.threads = 2, .first_line = 10};
  std::string batch_error, kpi_error;
  try {
    (void)TicketBatch::from_lines(jsonl, options);
  } catch (const InputError& e) {
    batch_error = e.what();
  }
  try {
    (void)KpiEngine(policy()).compute_lines(jsonl, at("2026-11-12T00:00:00Z"), {}, {}, options);
  } catch (const InputError& e) {
    kpi_error = e.what();
  }
  EXPECT_EQ(batch_error,
            "events[0].score: line 12: invalid ticket: 1 problem\n  events[0].score: a satisfaction score is 1 to 5, not 9");
  EXPECT_EQ(batch_error, kpi_error);
}

TEST(TicketBatch, HoldsATicketOfTheSeasonInAFewDozenBytes) {
  // The peers' shape (bench/peer_tickets.py): ids of 8 characters, a channel, 7.5 events with
  // 200 agents. Per ticket: created_at 8, priority 1, four interned ids 4, three id ends 24,
  // ids 16 (two of 8 characters, no order), amount 8 and its currency 1, three list ends 24:
  // 86 bytes; per event: offset 4, type 1, bits 1, agent, queue and name 1 each: 9 bytes, 72
  // for 8. So 158 bytes a ticket, against some 2 KB as Tickets; plus, once a batch, the struct
  // of columns and the interned texts (200 agents: 1,000 characters and 202 ends of 8 bytes).
  const Instant t0 = at("2026-11-11T00:00:00Z");
  std::vector<Ticket> tickets(10'000);
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    Ticket& t = tickets[i];
    t.id = "T-" + std::to_string(100'000 + i);
    t.customer.id = "C-" + std::to_string(200'000 + i);
    t.channel = i % 2 == 0 ? "chat" : "email";
    t.created_at = t0 + std::chrono::seconds(i);
    for (int k = 0; k < 8; ++k) t.events.push_back(event(EventType::agent_reply, t.created_at + std::chrono::minutes(k), "A-" + std::to_string(i % 200)));
  }
  const TicketBatch batch = TicketBatch::from_tickets(tickets);
  EXPECT_LE(batch.memory_bytes(), 158u * tickets.size() + 8192) << batch.memory_bytes() / tickets.size() << " bytes a ticket";
}

}  // namespace
}  // namespace aftersales
