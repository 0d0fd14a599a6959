#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "kpi/quantile_sketch.hpp"
#include "test_support.hpp"

namespace aftersales {
namespace {

using test::at;

// Business hours 09:00-18:00 on weekdays in Shanghai. 2026-11-11 is a Wednesday.
constexpr std::string_view policy_json = R"({
  "schema_version": 1,
  "calendars": {"cn": {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}},
  "sla": {"policies": [{"id": "std", "calendar": "cn", "targets": {
    "normal": {"first_response": "1h", "resolution": "8h"},
    "high": {"first_response": "30m", "resolution": "4h"}}}]},
  "kpi": {"scorecards": [
    {"id": "agent-monthly", "metrics": {
       "csat": {"weight": 0.4, "target": 0.95, "floor": 0.7},
       "first_response_s.p50": {"weight": 0.3, "target": 60, "floor": 600},
       "fcr_rate": {"weight": 0.3, "target": 0.8, "floor": 0.4}},
     "stars": [60, 70, 80, 90]},
    {"id": "strict", "metrics": {
       "csat": {"weight": 0.4, "target": 0.95, "floor": 0.7, "critical": true},
       "first_response_s.p50": {"weight": 0.3, "target": 60, "floor": 600},
       "fcr_rate": {"weight": 0.3, "target": 0.8, "floor": 0.4}}}]}
})";

std::shared_ptr<const Policy> policy() {
  static const auto p = Policy::from_json(policy_json);
  return p;
}

Event event(EventType type, std::string_view when, std::string agent = {}) {
  Event e = Event::of(type, at(when));
  e.agent = std::move(agent);
  return e;
}
Event reply(std::string_view when, std::string agent) { return event(EventType::agent_reply, when, std::move(agent)); }
Event assigned(std::string_view when, std::string agent, std::string queue = {}) {
  Event e = event(EventType::assigned, when, std::move(agent));
  e.queue = std::move(queue);
  return e;
}
Event scored(EventType type, std::string_view when, int score) {
  Event e = event(type, when);
  e.score = score;
  return e;
}

Ticket ticket(std::string id, std::string_view created, std::string channel, std::vector<Event> events) {
  Ticket t;
  t.id = std::move(id);
  t.created_at = at(created);
  t.channel = std::move(channel);
  t.category = "after_sales/return";
  t.events = std::move(events);
  return t;
}

// Five tickets worked by hand (times +08:00; business hours 09:00-18:00 Wed 11th - Fri 13th):
// T1 chat: created 11th 10:00, A-1 assigned 10:05, replies 10:20, resolved 11:00, CSAT 5.
//    first response 20 m = 1200 s; resolution 1 h = 3600 s; one human reply, never reopened:
//    FCR and one-touch. SLA first_response and resolution achieved. Owner A-1.
// T2 phone: created 11th 17:30, A-1 assigned 17:31, A-1 replies 12th 09:30 (30 m + 30 m of
//    business time = 3600 s: exactly the 1 h target, achieved), replies 10:00, resolved 10:30,
//    reopened 11:00, reassigned to A-2 11:05, A-2 replies 11:10, resolved 11:20, CSAT 3.
//    Resolution, created to the last resolution: 30 m + 2 h 20 m = 10200 s. Three human
//    replies, reopened, reassigned. Owner (assignee at the last resolution): A-2; the first
//    response (and its SLA instance) belongs to A-1, whose reply it was.
// T3 email, high: created 12th 09:00, a bot answers 09:01, resolved 09:02: bot resolution
//    (no human reply), one-touch, not FCR; resolution 120 s; no owner.
// T4 chat: created 12th 10:00, A-2 assigned 10:01, escalated 10:30, NPS 3; unresolved at the
//    13th 12:00: backlog. Breaches first_response (1 h, at 11:00) and resolution (8 h of
//    business time: 12th 10:00-18:00 is 8 h, breached at 18:00).
// T5 web, complaint: created 13th 01:00 (12th 17:00 UTC), A-1 assigned 01:05, replies 09:10
//    (business 600 s), NPS 10, resolved 09:30 (1800 s), CSAT 4. FCR, one-touch.
std::vector<Ticket> tickets() {
  std::vector<Ticket> list;
  list.push_back(ticket("T1", "2026-11-11T10:00:00+08:00", "chat",
                        {assigned("2026-11-11T10:05:00+08:00", "A-1", "returns"), reply("2026-11-11T10:20:00+08:00", "A-1"),
                         event(EventType::resolved, "2026-11-11T11:00:00+08:00"),
                         scored(EventType::satisfaction, "2026-11-11T11:30:00+08:00", 5)}));
  list.push_back(ticket("T2", "2026-11-11T17:30:00+08:00", "phone",
                        {assigned("2026-11-11T17:31:00+08:00", "A-1", "returns"), reply("2026-11-12T09:30:00+08:00", "A-1"),
                         reply("2026-11-12T10:00:00+08:00", "A-1"), event(EventType::resolved, "2026-11-12T10:30:00+08:00"),
                         event(EventType::reopened, "2026-11-12T11:00:00+08:00"),
                         assigned("2026-11-12T11:05:00+08:00", "A-2", "returns"), reply("2026-11-12T11:10:00+08:00", "A-2"),
                         event(EventType::resolved, "2026-11-12T11:20:00+08:00"),
                         scored(EventType::satisfaction, "2026-11-12T11:30:00+08:00", 3)}));
  Event bot = reply("2026-11-12T09:01:00+08:00", "");
  bot.bot = true;
  Ticket t3 = ticket("T3", "2026-11-12T09:00:00+08:00", "email", {bot, event(EventType::resolved, "2026-11-12T09:02:00+08:00")});
  t3.priority = Priority::high;
  list.push_back(t3);
  list.push_back(ticket("T4", "2026-11-12T10:00:00+08:00", "chat",
                        {assigned("2026-11-12T10:01:00+08:00", "A-2", "returns"), event(EventType::escalated, "2026-11-12T10:30:00+08:00"),
                         scored(EventType::nps, "2026-11-12T10:40:00+08:00", 3)}));
  Ticket t5 = ticket("T5", "2026-11-13T01:00:00+08:00", "web",
                     {assigned("2026-11-13T01:05:00+08:00", "A-1", "complaints"), reply("2026-11-13T09:10:00+08:00", "A-1"),
                      scored(EventType::nps, "2026-11-13T09:20:00+08:00", 10), event(EventType::resolved, "2026-11-13T09:30:00+08:00"),
                      scored(EventType::satisfaction, "2026-11-13T09:40:00+08:00", 4)});
  t5.category = "complaint/delivery";
  list.push_back(t5);
  return list;
}

const Instant when = at("2026-11-13T12:00:00+08:00");

KpiResult kpi(const KpiOptions& options, const KpiOrders& orders = {}) {
  return KpiEngine(policy()).compute(tickets(), when, options, orders);
}

const KpiSlaStats& sla_of(const KpiGroup& g, std::string_view metric) {
  const auto it = std::find_if(g.sla.begin(), g.sla.end(), [&](const KpiSlaStats& s) { return s.metric == metric; });
  EXPECT_NE(it, g.sla.end()) << metric;
  return *it;
}

TEST(Kpi, EveryMetricOverAllTickets) {
  KpiOrders orders;
  orders.total = 100;
  const KpiResult r = kpi({}, orders);
  ASSERT_EQ(r.groups.size(), 1u);
  const KpiGroup& g = r.groups[0];
  EXPECT_TRUE(g.key.empty());
  EXPECT_EQ(g.tickets, 5);
  EXPECT_EQ(g.resolved, 4);
  EXPECT_EQ(g.backlog, 1);
  // First responses 1200, 3600, 600: mean 1800; ranks floor(0.5 × 2) = 1 and floor(0.9 × 2) = 1
  // of [600, 1200, 3600] are both 1200.
  EXPECT_EQ(g.first_response.count, 3);
  EXPECT_EQ(g.first_response.mean_s, 1800.0);
  EXPECT_EQ(g.first_response.p50_s, 1200.0);
  EXPECT_EQ(g.first_response.p90_s, 1200.0);
  // Resolutions 3600, 10200, 120, 1800: mean 15720 / 4 = 3930; sorted [120, 1800, 3600, 10200],
  // p50 rank floor(1.5) = 1 → 1800, p90 rank floor(2.7) = 2 → 3600.
  EXPECT_EQ(g.resolution.count, 4);
  EXPECT_EQ(g.resolution.mean_s, 3930.0);
  EXPECT_EQ(g.resolution.p50_s, 1800.0);
  EXPECT_EQ(g.resolution.p90_s, 3600.0);
  // SLA: T1, T2, T3, T5 achieve both metrics; T4 breaches both.
  EXPECT_EQ(sla_of(g, "first_response").achieved, 4);
  EXPECT_EQ(sla_of(g, "first_response").breached, 1);
  EXPECT_EQ(sla_of(g, "first_response").rate(), 0.8);
  EXPECT_EQ(sla_of(g, "resolution").rate(), 0.8);
  EXPECT_EQ(g.fcr_rate, 0.5);               // T1, T5 of 4 resolved
  EXPECT_EQ(g.one_touch_rate, 0.75);        // T1, T3, T5
  EXPECT_EQ(g.bot_resolution_rate, 0.25);   // T3
  EXPECT_EQ(g.reopen_rate, 0.25);           // T2 of 4 ever resolved
  EXPECT_EQ(g.csat, 2.0 / 3);               // 5 and 4 of scores 5, 3, 4
  EXPECT_EQ(g.nps, 0.0);                    // one promoter (10), one detractor (3) of 2
  EXPECT_EQ(g.escalation_rate, 0.2);        // T4 of 5
  EXPECT_EQ(g.reassignment_rate, 0.2);      // T2 of 5
  EXPECT_EQ(g.complaints, 1);               // T5, category complaint/...
  EXPECT_EQ(g.complaint_rate, 0.01);        // 1 per 100 orders
}

TEST(Kpi, ByAgentAttributesTicketsToTheResolverAndRepliesToTheirAuthor) {
  const KpiResult r = kpi({{KpiDimension::agent}, ""});
  ASSERT_EQ(r.groups.size(), 3u);
  // Sorted by key: no agent first.
  const KpiGroup& none = r.groups[0];
  const KpiGroup& a1 = r.groups[1];
  const KpiGroup& a2 = r.groups[2];
  EXPECT_EQ(none.key[0], std::nullopt);
  EXPECT_EQ(a1.key[0], "A-1");
  EXPECT_EQ(a2.key[0], "A-2");
  EXPECT_EQ(none.tickets, 1);  // T3
  EXPECT_EQ(none.bot_resolution_rate, 1.0);
  EXPECT_EQ(none.csat, std::nullopt);  // no rated ticket: left out, not 0
  // A-1 owns T1 and T5 and wrote the first replies of T1, T2 and T5.
  EXPECT_EQ(a1.tickets, 2);
  EXPECT_EQ(a1.first_response.count, 3);
  EXPECT_EQ(a1.first_response.p50_s, 1200.0);
  EXPECT_EQ(a1.resolution.mean_s, 2700.0);  // (3600 + 1800) / 2
  EXPECT_EQ(sla_of(a1, "first_response").achieved, 3);
  EXPECT_EQ(sla_of(a1, "resolution").achieved, 2);
  EXPECT_EQ(a1.fcr_rate, 1.0);
  EXPECT_EQ(a1.csat, 1.0);
  // A-2 resolved the reopened T2 and holds T4 in backlog; no first response of its own.
  EXPECT_EQ(a2.tickets, 2);
  EXPECT_EQ(a2.backlog, 1);
  EXPECT_EQ(a2.first_response.count, 0);
  EXPECT_EQ(a2.first_response.p50_s, std::nullopt);
  EXPECT_EQ(a2.resolution.mean_s, 10200.0);
  EXPECT_EQ(sla_of(a2, "first_response").breached, 1);  // T4, still unanswered: its owner's
  EXPECT_EQ(sla_of(a2, "resolution").rate(), 0.5);
  EXPECT_EQ(a2.reopen_rate, 1.0);
  EXPECT_EQ(a2.fcr_rate, 0.0);
  EXPECT_EQ(a2.nps, -100.0);
}

TEST(Kpi, DaysFollowTheNamedTimeZone) {
  // T5 was created at 01:00 on the 13th in Shanghai, 17:00 on the 12th in UTC.
  KpiOrders orders;
  orders.by_day = {{"2026-11-13", 50}};
  const KpiResult shanghai = kpi({{KpiDimension::day}, "Asia/Shanghai"}, orders);
  ASSERT_EQ(shanghai.groups.size(), 3u);
  EXPECT_EQ(shanghai.groups[2].key[0], "2026-11-13");
  EXPECT_EQ(shanghai.groups[2].tickets, 1);
  EXPECT_EQ(shanghai.groups[2].complaint_rate, 0.02);  // 1 complaint / 50 orders that day
  EXPECT_EQ(shanghai.groups[0].complaint_rate, std::nullopt);  // no order count for the 11th
  EXPECT_EQ(shanghai.time_zone, "Asia/Shanghai");
  const KpiResult utc = kpi({{KpiDimension::day}, "UTC"});
  EXPECT_EQ(utc.time_zone, "UTC");
  ASSERT_EQ(utc.groups.size(), 2u);
  EXPECT_EQ(utc.groups[1].key[0], "2026-11-12");
  EXPECT_EQ(utc.groups[1].tickets, 3);  // T3, T4, T5
}

TEST(Kpi, DaysAcrossDaylightSavingTimeChanges) {
  // New York: EST (UTC-5) → EDT (UTC-4) at 07:00 UTC on 8 March 2026, so that local day lasts
  // 23 hours (05:00 UTC on the 8th to 04:00 UTC on the 9th); back at 06:00 UTC on 1 November,
  // a 25-hour day (04:00 UTC on the 1st to 05:00 UTC on the 2nd).
  const auto ny = Policy::from_json(R"({"schema_version": 1, "calendars": {"ny": {
      "timezone": "America/New_York", "hours": {"daily": ["00:00-24:00"]}}}})");
  const char* const created[] = {
      "2026-03-08T05:00:00Z",  // 00:00 EST, 8 March
      "2026-03-09T03:59:59Z",  // 23:59:59 EDT, 8 March
      "2026-03-09T04:30:00Z",  // 00:30 EDT, 9 March
      "2026-11-01T03:59:59Z",  // 23:59:59 EDT, 31 October
      "2026-11-01T04:00:00Z",  // 00:00 EDT, 1 November
      "2026-11-01T05:30:00Z",  // 01:30 EDT, the first of the two
      "2026-11-01T06:30:00Z",  // 01:30 EST, the second
      "2026-11-02T04:59:59Z",  // 23:59:59 EST, 1 November
      "2026-11-02T05:00:00Z"}; // 00:00 EST, 2 November
  const std::pair<const char*, std::int64_t> expected[] = {
      {"2026-03-08", 2}, {"2026-03-09", 1}, {"2026-10-31", 1}, {"2026-11-01", 4}, {"2026-11-02", 1}};
  std::vector<Ticket> list;
  for (const char* c : created) list.push_back(ticket(c, c, "chat", {}));
  const Instant end = at("2026-11-05T00:00:00Z");
  // Forwards, backwards and shuffled: the day of one ticket never leaks into the next.
  std::vector<std::size_t> order(list.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (int pass = 0; pass < 3; ++pass) {
    if (pass == 1) std::reverse(order.begin(), order.end());
    if (pass == 2) std::shuffle(order.begin(), order.end(), std::mt19937(3));
    KpiAccumulator a(ny, {{KpiDimension::day}, "America/New_York"});
    for (const std::size_t i : order) a.add(list[i], end);
    const KpiResult r = a.result();
    ASSERT_EQ(r.groups.size(), std::size(expected));
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
      EXPECT_EQ(r.groups[g].key[0], expected[g].first) << "pass " << pass;
      EXPECT_EQ(r.groups[g].tickets, expected[g].second) << expected[g].first << ", pass " << pass;
    }
  }
}

using GroupKeyText = std::vector<std::optional<std::string>>;

// The keys of every time dimension, worked by hand in the zone named.
struct TimeCase {
  const char* created;
  const char* zone;
  std::array<const char*, 4> keys;  // day, hour, week, month
};

TEST(Kpi, HourWeekAndMonthInTheChosenZone) {
  const TimeCase cases[] = {
      // 16:30 UTC is 00:30 the next day in Shanghai (UTC+8). 2026-11-11 is a Wednesday: its
      // Thursday, the 12th, is day 316 of 2026 (304 days in January-October + 12), and
      // (316 - 1) / 7 + 1 = week 46.
      {"2026-11-10T16:30:00Z", "Asia/Shanghai", {"2026-11-11", "2026-11-11T00", "2026-W46", "2026-11"}},
      // A Friday: its week's Thursday is 31 December 2026, day 365 of a year that began on a
      // Thursday, (365 - 1) / 7 + 1 = week 53 of 2026.
      {"2027-01-01T12:00:00+08:00", "Asia/Shanghai", {"2027-01-01", "2027-01-01T12", "2026-W53", "2027-01"}},
      // The Monday after: its Thursday is 7 January 2027, week 1 of 2027.
      {"2027-01-04T00:00:00+08:00", "Asia/Shanghai", {"2027-01-04", "2027-01-04T00", "2027-W01", "2027-01"}},
      // Monday 29 December 2025: its Thursday is 1 January 2026, so week 1 of 2026.
      {"2025-12-29T09:00:00+08:00", "Asia/Shanghai", {"2025-12-29", "2025-12-29T09", "2026-W01", "2025-12"}},
      // New York falls back at 06:00 UTC on 1 November 2026: 05:30 UTC is 01:30 EDT and 06:30
      // UTC is 01:30 EST, both the local hour 01 of a Sunday in week 44 (Thursday 29 October is
      // day 302: (302 - 1) / 7 + 1 = 44).
      {"2026-11-01T05:30:00Z", "America/New_York", {"2026-11-01", "2026-11-01T01", "2026-W44", "2026-11"}},
      {"2026-11-01T06:30:00Z", "America/New_York", {"2026-11-01", "2026-11-01T01", "2026-W44", "2026-11"}},
      // 20:59 UTC on 31 October is 16:59 EDT, a Saturday, still October.
      {"2026-10-31T20:59:00Z", "America/New_York", {"2026-10-31", "2026-10-31T16", "2026-W44", "2026-10"}},
  };
  const std::vector<KpiDimension> by_time{KpiDimension::day, KpiDimension::hour, KpiDimension::week, KpiDimension::month};
  for (const TimeCase& c : cases) {
    KpiAccumulator a(policy(), {by_time, c.zone});
    a.add(ticket("T", c.created, "chat", {}), at("2027-02-01T00:00:00Z"));
    const KpiResult r = a.result();
    EXPECT_EQ(r.time_zone, c.zone);
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].key, (GroupKeyText{c.keys[0], c.keys[1], c.keys[2], c.keys[3]})) << c.created;
  }
}

TEST(Kpi, TheTimeZoneIsChosenByADocumentedRuleNeverUtcSilently) {
  const std::vector<KpiDimension> by_day{KpiDimension::day};
  // Not given: the zone every calendar shares (the test policy has one, in Shanghai).
  EXPECT_EQ(kpi({by_day, ""}).time_zone, "Asia/Shanghai");
  // The policy's kpi.timezone comes before its calendars.
  const auto berlin = Policy::from_json(R"({"schema_version": 1, "kpi": {"timezone": "Europe/Berlin"},
      "calendars": {"cn": {"timezone": "Asia/Shanghai", "hours": "24x7"}}})");
  EXPECT_EQ(KpiAccumulator(berlin, {by_day, ""}).result().time_zone, "Europe/Berlin");
  EXPECT_EQ(KpiAccumulator(berlin, {by_day, "UTC"}).result().time_zone, "UTC");
  // Calendars in two zones, or none: the caller must choose.
  const auto two = Policy::from_json(R"({"schema_version": 1, "calendars": {
      "cn": {"timezone": "Asia/Shanghai", "hours": "24x7"}, "ny": {"timezone": "America/New_York", "hours": "24x7"}}})");
  try {
    KpiAccumulator a(two, {{KpiDimension::agent, KpiDimension::week}, ""});
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "time_zone");
    EXPECT_NE(std::string(e.what()).find("grouping by week needs a time zone"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(cn: Asia/Shanghai, ny: America/New_York)"), std::string::npos) << e.what();
  }
  const auto none = Policy::from_json(R"({"schema_version": 1})");
  EXPECT_THROW(KpiAccumulator(none, {{KpiDimension::hour}, ""}), InputError);
  // Without a time dimension no zone is needed, and none is reported; a bad one is still refused.
  EXPECT_EQ(KpiAccumulator(two, {{KpiDimension::agent}, ""}).result().time_zone, std::nullopt);
  EXPECT_EQ(KpiAccumulator(two, {{KpiDimension::agent}, "UTC"}).result().time_zone, std::nullopt);
  try {
    KpiAccumulator a(none, {{KpiDimension::agent}, "Mars/Olympus"});
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "time_zone");
  }
}

// Tickets for tier, tag and field groups: `tags` and `fields` as given, tier "vip" for the first.
std::vector<Ticket> labelled_tickets() {
  std::vector<Ticket> list;
  const auto add = [&](std::vector<std::string> tags, std::vector<std::pair<std::string, FieldScalar>> fields) {
    Ticket t = ticket("L" + std::to_string(list.size() + 1), "2026-11-11T10:00:00+08:00", "chat", {});
    t.tags = std::move(tags);
    t.fields = std::move(fields);
    list.push_back(std::move(t));
  };
  add({"double11", "fragile"}, {{"region", std::string("east")}, {"floor", 3.0}});
  add({"double11"}, {{"region", std::string("west")}, {"floor", 2.5}});
  add({}, {{"region", true}});
  add({"double11", "double11", ""}, {});
  list[0].customer.tier = "vip";
  return list;
}

TEST(Kpi, ATicketCountsInTheGroupOfEachOfItsTags) {
  const auto list = labelled_tickets();
  const KpiResult r = KpiEngine(policy()).compute(list, when, {{KpiDimension::tag}, ""});
  // L3 (no tag) and nothing else in the null group; L1, L2 and L4 in double11 (L4's repeat and
  // empty tag add nothing); L1 in fragile. 1 + 3 + 1 = 5 > 4 tickets.
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].key[0], std::nullopt);
  EXPECT_EQ(r.groups[0].tickets, 1);
  EXPECT_EQ(r.groups[1].key[0], "double11");
  EXPECT_EQ(r.groups[1].tickets, 3);
  EXPECT_EQ(r.groups[1].backlog, 3);
  EXPECT_EQ(r.groups[2].key[0], "fragile");
  EXPECT_EQ(r.groups[2].tickets, 1);
  EXPECT_EQ(r.time_zone, std::nullopt);
}

TEST(Kpi, GroupsByTierAndCustomFieldsAsText) {
  const auto list = labelled_tickets();
  const KpiResult r = KpiEngine(policy()).compute(
      list, when, {{KpiDimension::tier, kpi_dimension("fields.region"), KpiDimension::of_field("floor")}, ""});
  // L4 has no tier and no fields; L3's region is a boolean; L1's floor the number 3, L2's 2.5.
  ASSERT_EQ(r.groups.size(), 4u);
  EXPECT_EQ(r.groups[0].key, (GroupKeyText{std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(r.groups[1].key, (GroupKeyText{std::nullopt, "true", std::nullopt}));
  EXPECT_EQ(r.groups[2].key, (GroupKeyText{std::nullopt, "west", "2.5"}));
  EXPECT_EQ(r.groups[3].key, (GroupKeyText{"vip", "east", "3"}));
  EXPECT_NE(r.to_json().find(R"("group_by":["tier","fields.region","fields.floor"],"time_zone":null,)"), std::string::npos)
      << r.to_json();
}

TEST(Kpi, DimensionNamesReadAndWriteBack) {
  const KpiDimension region = kpi_dimension("fields.region");
  EXPECT_EQ(region.kind(), KpiDimension::field);
  EXPECT_EQ(region.field_name(), "region");
  EXPECT_EQ(region, KpiDimension::of_field("region"));
  EXPECT_NE(region, KpiDimension::of_field("Region"));
  for (const char* name : {"agent", "queue", "channel", "category", "priority", "day", "hour", "week", "month", "tier",
                           "tag", "fields.region", "fields.a.b"})
    EXPECT_EQ(to_string(kpi_dimension(name)), name);
  EXPECT_EQ(kpi_dimension("week"), KpiDimension::week);
  EXPECT_THROW((void)kpi_dimension("fields."), InputError);
  EXPECT_THROW((void)kpi_dimension("fields"), InputError);
  EXPECT_THROW((void)kpi_dimension("Week"), InputError);
  EXPECT_THROW(KpiAccumulator(policy(), {{KpiDimension::field}, ""}), InputError);
  EXPECT_THROW(KpiAccumulator(policy(), {{region, KpiDimension::of_field("region")}, ""}), InputError);
  // Two different fields are two dimensions.
  EXPECT_NO_THROW(KpiAccumulator(policy(), {{region, KpiDimension::of_field("floor")}, ""}));
}

TEST(Kpi, StatesCarryTheirDimensionsAndZone) {
  const KpiOptions options{{KpiDimension::month, kpi_dimension("fields.region"), KpiDimension::tag}, "Asia/Shanghai"};
  KpiAccumulator a(policy(), options);
  for (const Ticket& t : labelled_tickets()) a.add(t, when);
  const std::string state = a.to_json();
  EXPECT_EQ(state.rfind(R"({"kpi_state":2,"group_by":["month","fields.region","tag"],"time_zone":"Asia/Shanghai",)", 0), 0u)
      << state;
  const KpiAccumulator back = KpiAccumulator::from_json(policy(), state);
  EXPECT_EQ(back.to_json(), state);
  EXPECT_EQ(back.result().to_json(), a.result().to_json());
  // Grouped the same way in another zone, or by another field: not mergeable.
  KpiAccumulator utc(policy(), {options.group_by, "UTC"});
  EXPECT_THROW(utc.merge(a), InputError);
  KpiAccumulator other_field(policy(), {{KpiDimension::month, kpi_dimension("fields.floor"), KpiDimension::tag}, ""});
  EXPECT_THROW(other_field.merge(a), InputError);
  // The policy's zone, resolved, is the same zone named: mergeable.
  KpiAccumulator by_default(policy(), {options.group_by, ""});
  by_default.merge(a);
  EXPECT_EQ(by_default.result().to_json(), a.result().to_json());
}

TEST(Scorecard, RanksWithinAMonthOrAField) {
  const auto list = labelled_tickets();
  const KpiResult kpis = KpiEngine(policy()).compute(list, when, {{KpiDimension::month, KpiDimension::tag}, ""});
  const KpiDimension within[] = {KpiDimension::month};
  const ScorecardResult r = KpiEngine(policy()).score("agent-monthly", kpis, within);
  EXPECT_EQ(r.rank_within, std::vector<KpiDimension>{KpiDimension::month});
  EXPECT_NE(r.to_json().find(R"("rank_within":["month"])"), std::string::npos) << r.to_json();
  const KpiDimension by_region[] = {kpi_dimension("fields.region")};
  EXPECT_THROW((void)KpiEngine(policy()).score("agent-monthly", kpis, by_region), InputError);
}

TEST(Kpi, GroupsByQueueChannelCategoryAndPriority) {
  const KpiResult r = kpi({{KpiDimension::queue, KpiDimension::priority}, ""});
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].key, (std::vector<std::optional<std::string>>{std::nullopt, "high"}));  // T3
  EXPECT_EQ(r.groups[1].key, (std::vector<std::optional<std::string>>{"complaints", "normal"}));
  EXPECT_EQ(r.groups[2].key, (std::vector<std::optional<std::string>>{"returns", "normal"}));
  EXPECT_EQ(r.groups[2].tickets, 3);
  const KpiResult channels = kpi({{KpiDimension::channel}, ""});
  EXPECT_EQ(channels.groups.size(), 4u);  // chat, email, phone, web
  EXPECT_EQ(channels.groups[0].key[0], "chat");
  EXPECT_EQ(channels.groups[0].tickets, 2);
}

TEST(Kpi, EventsAfterTheInstantAreIgnored) {
  // On the 11th at 10:30 only T1 exists, answered but not resolved.
  const auto list = tickets();
  const KpiResult r = KpiEngine(policy()).compute(std::span(list).first(1), at("2026-11-11T10:30:00+08:00"), {});
  EXPECT_EQ(r.groups[0].backlog, 1);
  EXPECT_EQ(r.groups[0].resolved, 0);
  EXPECT_EQ(r.groups[0].fcr_rate, std::nullopt);
  EXPECT_EQ(r.groups[0].first_response.mean_s, 1200.0);
}

// Replay in batches (spec §9): a ticket created after the instant did not exist yet. Before
// 0.2 the batch failed on it ("cannot count ticket ... before it was created").
TEST(Kpi, TicketsCreatedAfterTheInstantAreLeftOutAndCounted) {
  // T1, T2, T3 on the 11th at 18:00 (+08:00): T1 (created 10:00, resolved 11:00) and T2
  // (created 17:30, assigned 17:31, first reply on the 12th) exist; T3 is created on the 12th.
  // Tickets 2 = resolved 1 (T1) + backlog 1 (T2); left out 1 (T3).
  const auto list = tickets();
  const std::span<const Ticket> three = std::span(list).first(3);
  const Instant evening = at("2026-11-11T18:00:00+08:00");
  for (const unsigned threads : {1u, 2u}) {
    const KpiResult r = KpiEngine(policy()).compute(three, evening, {}, {}, {.threads = threads});
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_EQ(r.groups[0].tickets, 2);
    EXPECT_EQ(r.groups[0].resolved, 1);
    EXPECT_EQ(r.groups[0].backlog, 1);
    EXPECT_EQ(r.not_yet_created, 1);
    EXPECT_TRUE(r.to_json().starts_with(R"({"group_by":[],"time_zone":null,"not_yet_created":1,"groups":[{"key":{},"tickets":2,)"))
        << r.to_json();
  }
  // On the 1st all five are yet to come: no group, five left out.
  const KpiResult early = KpiEngine(policy()).compute(list, at("2026-11-01T00:00:00Z"), {});
  EXPECT_TRUE(early.groups.empty());
  EXPECT_EQ(early.not_yet_created, 5);
  EXPECT_EQ(early.to_json(), R"({"group_by":[],"time_zone":null,"not_yet_created":5,"groups":[]})");

  // An accumulator is a batch built in parts: the same count, carried by its state and added
  // up by merge.
  KpiAccumulator a(policy(), {});
  for (const Ticket& t : three) a.add(t, evening);
  EXPECT_EQ(a.result().to_json(), KpiEngine(policy()).compute(three, evening, {}).to_json());
  EXPECT_NE(a.to_json().find(R"("time_zone":null,"not_yet_created":1,"groups":)"), std::string::npos) << a.to_json();
  KpiAccumulator b = KpiAccumulator::from_json(policy(), a.to_json());
  EXPECT_EQ(b.to_json(), a.to_json());
  b.merge(a);
  EXPECT_EQ(b.result().not_yet_created, 2);  // 1 + 1
  EXPECT_EQ(b.result().groups[0].tickets, 4);  // 2 + 2
  // With the host's SLA report, as a batch gives it for a ticket that did not exist yet.
  KpiAccumulator given(policy(), {});
  const auto reports = SlaEngine(policy()).evaluate(three, evening);
  for (std::size_t i = 0; i < three.size(); ++i) given.add(three[i], evening, reports[i]);
  EXPECT_EQ(given.result().to_json(), a.result().to_json());
}


TEST(Kpi, JsonShape) {
  const std::string json = kpi({{KpiDimension::agent}, ""}).to_json();
  EXPECT_NE(json.find(R"("key":{"agent":"A-1"},"tickets":2,"resolved":2,"backlog":0,)"
                      R"("first_response_s":{"count":3,"mean":1800,"p50":1200,"p90":1200},)"
                      R"("resolution_s":{"count":2,"mean":2700,"p50":1800,"p90":1800},)"
                      // Issue 16: the status clocks' durations; this policy tracks none of them.
                      R"("requester_wait_s":{"count":0,"mean":null,"p50":null,"p90":null},)"
                      R"("agent_work_s":{"count":0,"mean":null,"p50":null,"p90":null},)"
                      R"("on_hold_s":{"count":0,"mean":null,"p50":null,"p90":null},)"
                      R"("sla":{"first_response":{"achieved":3,"breached":0,"rate":1},)"
                      R"("resolution":{"achieved":2,"breached":0,"rate":1}},"fcr_rate":1,)"),
            std::string::npos)
      << json;
}

TEST(Kpi, BadOptions) {
  EXPECT_THROW(KpiAccumulator(policy(), {{KpiDimension::day}, "nowhere"}), InputError);
  EXPECT_THROW(KpiAccumulator(policy(), {{KpiDimension::day, KpiDimension::day}, ""}), InputError);
  EXPECT_THROW((void)kpi_dimension("team"), InputError);
}

// Random tickets for the merge properties.
std::vector<Ticket> random_tickets(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const Instant base = at("2026-11-09T00:00:00Z");
  std::vector<Ticket> list;
  for (std::size_t i = 0; i < n; ++i) {
    Ticket t;
    t.id = "R" + std::to_string(i);
    t.created_at = base + std::chrono::minutes(rng() % (5 * 24 * 60));
    t.channel = rng() % 2 ? "chat" : "email";
    t.priority = static_cast<Priority>(rng() % 4);
    Instant now = t.created_at;
    const std::string agent = "A-" + std::to_string(rng() % 4);
    const auto later = [&] { return now += std::chrono::seconds(1 + rng() % 20'000); };
    t.events.push_back(assigned(format_instant(later()), agent));
    for (unsigned r = 0; r < rng() % 4; ++r) t.events.push_back(reply(format_instant(later()), agent));
    if (rng() % 3 != 0) t.events.push_back(event(EventType::resolved, format_instant(later())));
    if (rng() % 2 == 0) t.events.push_back(scored(EventType::satisfaction, format_instant(later()), 1 + static_cast<int>(rng() % 5)));
    list.push_back(std::move(t));
  }
  return list;
}

TEST(Kpi, RandomPartitionsMergeToTheSameResult) {
  const auto list = random_tickets(3000, 7);
  const Instant end = at("2026-11-20T00:00:00Z");
  // Each part interns the values it meets in its own order, so a merge translates every id. A
  // key is found as one integer when its ids fit 64 bits shared equally, else by its bytes. Of
  // ten dimensions, each id has 6 bits: the 120 hours of the 5 days take ids up to 120, so some
  // keys are integers (hour ids up to 63) and the rest bytes, in the same accumulator.
  const KpiOptions option_sets[] = {
      {{KpiDimension::agent, KpiDimension::day}, "Asia/Shanghai"},
      {{}, ""},
      {{KpiDimension::hour}, "Asia/Shanghai"},
      {{KpiDimension::channel, KpiDimension::agent, KpiDimension::week}, "Asia/Shanghai"},
      {{KpiDimension::hour, KpiDimension::day, KpiDimension::week, KpiDimension::month, KpiDimension::channel,
        KpiDimension::agent, KpiDimension::priority, KpiDimension::category, KpiDimension::queue, KpiDimension::tier},
       "Asia/Shanghai"},
  };
  for (const KpiOptions& options : option_sets) {
    const std::string one_pass = KpiEngine(policy()).compute(list, end, options).to_json();
    std::mt19937 rng(11);
    for (int trial = 0; trial < 4; ++trial) {
      std::vector<KpiAccumulator> parts(1 + rng() % 6, KpiAccumulator(policy(), options));
      for (const Ticket& t : list) parts[rng() % parts.size()].add(t, end);
      KpiAccumulator total(policy(), options);
      // Through JSON, as a map/reduce job ships its partials, or directly.
      for (const auto& part : parts) total.merge(trial % 2 == 0 ? KpiAccumulator::from_json(policy(), part.to_json()) : part);
      EXPECT_EQ(total.result().to_json(), one_pass) << options.group_by.size() << " dimensions, trial " << trial;
    }
  }
}

// One accumulator meets the periods of many instants (its ids for them kept by number): each
// instant still lands in the group of its own local day, hour, week and month.
TEST(Kpi, TimePeriodsMetInAnyOrderKeepTheirKeys) {
  const std::vector<KpiDimension> by_time{KpiDimension::day, KpiDimension::hour, KpiDimension::week, KpiDimension::month};
  KpiAccumulator a(policy(), {by_time, "America/New_York"});
  // 01:30 EDT and 01:30 EST on 1 November 2026 (New York falls back at 06:00 UTC) share a
  // local hour; 16:59 EDT on Saturday 31 October is another day, hour and month, same week (44).
  // 1 January 2027 is in ISO week 53 of 2026 (its Thursday is 31 December), 4 January in week
  // 1 of 2027. 31 December 1969 at 19:00 EST is before the epoch: its numbers are negative.
  for (const char* created : {"2026-11-01T05:30:00Z", "2027-01-01T17:00:00Z", "2026-10-31T20:59:00Z",
                              "2026-11-01T06:30:00Z", "2027-01-04T05:00:00Z", "1970-01-01T00:00:00Z",
                              "2027-01-01T17:30:00Z"})
    a.add(ticket("T", created, "chat", {}), at("2027-02-01T00:00:00Z"));
  std::vector<std::pair<GroupKeyText, std::int64_t>> groups;
  for (const KpiGroup& g : a.result().groups) groups.emplace_back(g.key, g.tickets);
  const std::vector<std::pair<GroupKeyText, std::int64_t>> expected{
      {{"1969-12-31", "1969-12-31T19", "1970-W01", "1969-12"}, 1},  // Wednesday 31 Dec 1969: Thursday 1 Jan 1970
      {{"2026-10-31", "2026-10-31T16", "2026-W44", "2026-10"}, 1},
      {{"2026-11-01", "2026-11-01T01", "2026-W44", "2026-11"}, 2},
      {{"2027-01-01", "2027-01-01T12", "2026-W53", "2027-01"}, 2},  // 17:00 and 17:30 UTC: 12:00 and 12:30 EST
      {{"2027-01-04", "2027-01-04T00", "2027-W01", "2027-01"}, 1},
  };
  EXPECT_EQ(groups, expected);
}

TEST(Kpi, StateRoundTripsAndRejectsBadInput) {
  KpiAccumulator a(policy(), {{KpiDimension::agent}, ""});
  for (const Ticket& t : tickets()) a.add(t, when);
  EXPECT_EQ(KpiAccumulator::from_json(policy(), a.to_json()).to_json(), a.to_json());
  try {
    (void)KpiAccumulator::from_json(policy(), R"({"kpi_state": 2, "group_by": ["agent"], "groups": [
      {"key": ["A-1"], "counts": {"tickets": -1}, "first_response": {"sum_ms": 0, "values": []},
       "resolution": {"sum_ms": 0, "values": []}}]})");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("groups[0].counts.tickets: expected a count"), std::string::npos) << e.what();
  }
  KpiAccumulator other(policy(), {{KpiDimension::queue}, ""});
  EXPECT_THROW(a.merge(other), InputError);
}

// A one-group state (group_by agent, key "A-1") with `counts` (JSON members) over zeros for
// the rest, no durations and no SLA tallies.
std::string state_with(const std::string& counts) {
  std::string all = R"({"tickets": 0, "resolved": 0, "backlog": 0, "ever_resolved": 0, "reopened": 0, "fcr": 0,
    "one_touch": 0, "bot_resolved": 0, "escalated": 0, "reassigned": 0, "rated": 0, "satisfied": 0, "nps_rated": 0,
    "promoters": 0, "detractors": 0, "complaints": 0)";
  // Later duplicates would be refused: replace each given member's zero instead.
  for (std::size_t at = 0; at < counts.size();) {
    const std::size_t colon = counts.find(':', at);
    const std::size_t end = std::min(counts.find(',', colon), counts.size());
    const std::string name = counts.substr(at, colon - at);
    const std::size_t slot = all.find(name + ": 0");
    all.replace(slot, name.size() + 3, counts.substr(at, end - at));
    at = end == counts.size() ? end : end + 2;
  }
  return R"({"kpi_state": 2, "group_by": ["agent"], "groups": [{"key": ["A-1"], "counts": )" + all +
         R"(}, "first_response": {"sum_ms": 0, "values": []}, "resolution": {"sum_ms": 0, "values": []}}]})";
}

std::string refusal(const std::string& state) {
  try {
    (void)KpiAccumulator::from_json(policy(), state);
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Kpi, StatesTheAccumulatorCannotReachAreRefused) {
  // Accepted before: csat 7 / 1 = 7 and fcr_rate 100 / 1 = 100.
  EXPECT_NE(refusal(state_with(R"("tickets": 1, "backlog": 1, "rated": 1, "satisfied": 7)"))
                .find("groups[0].counts.satisfied: satisfied (7) must be at most rated (1)"),
            std::string::npos);
  EXPECT_NE(refusal(state_with(R"("tickets": 1, "backlog": 1, "fcr": 100)"))
                .find("groups[0].counts.fcr: fcr + bot_resolved (100) must be at most one_touch (0)"),
            std::string::npos);
  // Every ticket is solved or not: 2 + 1 is not 4.
  EXPECT_NE(refusal(state_with(R"("tickets": 4, "resolved": 2, "backlog": 1, "ever_resolved": 2)"))
                .find("groups[0].counts.resolved: resolved + backlog (3) must equal tickets (4)"),
            std::string::npos);
  EXPECT_NE(refusal(state_with(R"("tickets": 2, "backlog": 2, "nps_rated": 2, "promoters": 2, "detractors": 1)"))
                .find("groups[0].counts.promoters: promoters + detractors (3) must be at most nps_rated (2)"),
            std::string::npos);
  EXPECT_NE(refusal(state_with(R"("tickets": 1, "backlog": 1, "reopened": 1)")).find("reopened (1) must be at most ever_resolved (0)"),
            std::string::npos);
  // One resolved ticket, no resolution time recorded for it.
  EXPECT_NE(refusal(state_with(R"("tickets": 1, "resolved": 1, "ever_resolved": 1, "one_touch": 1, "bot_resolved": 1)"))
                .find("groups[0].resolution: holds 0 values, not one per resolved ticket (1)"),
            std::string::npos);
  // Consistent counts read: one ticket in the backlog, rated 5 stars.
  const std::string fine = state_with(R"("tickets": 1, "backlog": 1, "rated": 1, "satisfied": 1)");
  EXPECT_EQ(refusal(fine), "accepted");
  EXPECT_EQ(KpiAccumulator::from_json(policy(), fine).result().groups.at(0).csat, 1.0);
}

TEST(Kpi, MergingPastSixtyFourBitsIsRefusedAndChangesNothing) {
  // 5·10^18 + 5·10^18 = 10^19 > 2^63 − 1 = 9.22·10^18. Before: tickets −8.4·10^18, and a
  // state that could not be read back.
  const std::string big = state_with(R"("tickets": 5000000000000000000, "backlog": 5000000000000000000)");
  KpiAccumulator a = KpiAccumulator::from_json(policy(), big);
  const KpiAccumulator b = KpiAccumulator::from_json(policy(), big);
  const std::string before = a.to_json();
  try {
    a.merge(b);
    FAIL() << "merged: " << a.to_json();
  } catch (const RangeError& e) {
    EXPECT_NE(std::string(e.what()).find("the tickets count of a group past 2^63 - 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(a.to_json(), before);
  EXPECT_THROW(a.merge(a), RangeError);
  // Past the old read limit of 10^15 but within 64 bits: merged, written, and read back.
  // 4·10^18 + 4·10^18 = 8·10^18 <= 9.22·10^18.
  KpiAccumulator c = KpiAccumulator::from_json(
      policy(), state_with(R"("tickets": 4000000000000000000, "backlog": 4000000000000000000)"));
  c.merge(c);
  EXPECT_EQ(c.result().groups.at(0).tickets, 8'000'000'000'000'000'000);
  EXPECT_EQ(KpiAccumulator::from_json(policy(), c.to_json()).to_json(), c.to_json());
}

TEST(Kpi, TheNotYetCreatedCountInStates) {
  // A version 2 state without the count (written before it was kept) reads as none left out,
  // and is written with it.
  const std::string old = state_with(R"("tickets": 1, "backlog": 1)");
  ASSERT_EQ(old.find("not_yet_created"), std::string::npos);
  const KpiAccumulator read = KpiAccumulator::from_json(policy(), old);
  EXPECT_EQ(read.result().not_yet_created, 0);
  EXPECT_NE(read.to_json().find(R"("not_yet_created":0,"groups":)"), std::string::npos) << read.to_json();
  const auto with_count = [](const std::string& count) {
    return R"({"kpi_state": 2, "group_by": [], "not_yet_created": )" + count + R"(, "groups": []})";
  };
  EXPECT_EQ(KpiAccumulator::from_json(policy(), with_count("3")).result().not_yet_created, 3);
  EXPECT_NE(refusal(with_count("-1")).find("not_yet_created: expected a count"), std::string::npos) << refusal(with_count("-1"));
  EXPECT_NE(refusal(with_count("\"3\"")).find("not_yet_created"), std::string::npos);
  // 2^63 - 1 + 1 passes 64 bits: refused, nothing changed.
  KpiAccumulator full = KpiAccumulator::from_json(policy(), with_count("9223372036854775807"));
  const KpiAccumulator one = KpiAccumulator::from_json(policy(), with_count("1"));
  const std::string before = full.to_json();
  EXPECT_THROW(full.merge(one), RangeError);
  EXPECT_EQ(full.to_json(), before);
}

// The shared SLA fixture set: nine tickets over every metric (pauses, reopen, cycles, a
// custom metric), worked by hand in tests/fixtures/sla/README.md.
struct SlaFixtureSet {
  std::shared_ptr<const Policy> policy;
  std::vector<Ticket> tickets;
  Instant at;
};

SlaFixtureSet sla_fixture_set() {
  const auto dir = std::filesystem::path(AFTERSALES_FIXTURES_DIR) / "sla";
  std::ifstream in(dir / "tickets.jsonl");
  SlaFixtureSet set{Policy::from_file(dir / "policy.json"), {}, at("2026-11-18T12:00:00+08:00")};
  for (std::string line; std::getline(in, line);) set.tickets.push_back(Ticket::from_json(line));
  return set;
}

TEST(Kpi, SlaCountsAreTheFixturesHandWorkedStates) {
  const auto set = sla_fixture_set();
  ASSERT_EQ(set.tickets.size(), 9u);
  const KpiResult r = KpiEngine(set.policy).compute(set.tickets, set.at, {});
  ASSERT_EQ(r.groups.size(), 1u);
  // Tallied from the states of tests/fixtures/sla/expected.jsonl; active and paused instances
  // (2 follow_up, 1 next_response, 4 + 1 resolution) are not counted.
  const std::pair<std::string_view, std::array<std::int64_t, 2>> expected[] = {
      {"first_response", {6, 2}}, {"next_response", {4, 4}}, {"periodic_update", {1, 1}},
      {"resolution", {3, 0}}, {"follow_up", {1, 0}}, {"refund_processing", {1, 0}}};
  const KpiGroup& g = r.groups[0];
  ASSERT_EQ(g.sla.size(), std::size(expected));
  for (const auto& [metric, counts] : expected) {
    EXPECT_EQ(sla_of(g, metric).achieved, counts[0]) << metric;
    EXPECT_EQ(sla_of(g, metric).breached, counts[1]) << metric;
  }
}

// A host that already evaluated a ticket's SLA hands the report over: whatever the instant
// (clocks active, paused, breached, completed) and however tickets are grouped, the counts
// are those of the accumulator evaluating the SLA itself.
TEST(Kpi, CountingWithTheHostsSlaReportsEqualsEvaluatingThem) {
  const auto check = [](const std::shared_ptr<const Policy>& p, const std::vector<Ticket>& list, Instant end,
                        const KpiOptions& options) {
    KpiAccumulator evaluating(p, options), given(p, options);
    for (const Ticket& t : list) {
      if (end < t.created_at) continue;
      evaluating.add(t, end);
      given.add(t, end, SlaEngine(p).evaluate(t, end));
    }
    EXPECT_EQ(given.result().to_json(), evaluating.result().to_json()) << format_instant(end);
  };
  const auto set = sla_fixture_set();
  for (const char* end : {"2026-11-16T10:30:00+08:00", "2026-11-17T09:45:00+08:00", "2026-11-18T12:00:00+08:00",
                          "2026-11-30T00:00:00+08:00"})
    check(set.policy, set.tickets, at(end), {{KpiDimension::agent, KpiDimension::priority}, ""});
  check(policy(), random_tickets(500, 5), at("2026-11-12T00:00:00Z"), {{KpiDimension::agent, KpiDimension::day}, "Asia/Shanghai"});
  check(policy(), random_tickets(500, 5), at("2026-11-20T00:00:00Z"), {{KpiDimension::agent}, ""});
}

TEST(Kpi, AnSlaReportFromElsewhereIsRefused) {
  const auto list = tickets();
  KpiAccumulator a(policy(), {{KpiDimension::agent}, ""});
  const SlaReport t1 = SlaEngine(policy()).evaluate(list[0], when);
  const auto refused = [&](const Ticket& t, const SlaReport& report, std::string_view message) {
    try {
      a.add(t, when, report);
      ADD_FAILURE() << "accepted: " << message;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  };
  refused(list[1], t1, R"(the SLA report is of ticket "T1", not of "T2")");
  SlaReport other_policy = t1;
  other_policy.policy = "vip";
  refused(list[0], other_policy, R"(names SLA policy "vip", which this policy does not have)");
  SlaReport other_metric = t1;
  other_metric.metrics.back().metric = "refund_processing";
  refused(list[0], other_metric, R"(names metric "refund_processing", which this policy does not have)");
  // T1 existed at `when`: a report saying it did not yet is from another instant.
  SlaReport not_yet = t1;
  not_yet.not_yet_created = true;
  refused(list[0], not_yet, R"(the SLA report of ticket "T1" says it was not yet created)");
  // A ticket left out (T2 on the 1st) is still checked against its report.
  EXPECT_THROW(a.add(list[1], at("2026-11-01T00:00:00Z"), t1), InputError);
  EXPECT_EQ(a.result().groups.size(), 0u);  // nothing was counted
  EXPECT_EQ(a.result().not_yet_created, 0);
}

TEST(QuantileSketch, WithinHalfAPercentOfExactQuantiles) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> dist(7, 2);
  detail::QuantileSketch whole, left, right;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100'000; ++i) {
    const auto v = static_cast<std::int64_t>(dist(rng));
    values.push_back(v);
    whole.add(v);
    (i % 3 == 0 ? left : right).add(v);
  }
  left.merge(right);
  std::sort(values.begin(), values.end());
  for (const double q : {0.01, 0.1, 0.5, 0.9, 0.99, 0.999}) {
    const auto exact = static_cast<double>(values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))]);
    EXPECT_LE(std::abs(*whole.quantile(q) - exact), 0.005 * exact + 1e-9) << q;
    EXPECT_EQ(*left.quantile(q), *whole.quantile(q)) << q;
  }
  EXPECT_LE(whole.buckets().size(), detail::QuantileSketch::max_buckets);
}

TEST(QuantileSketch, CollapsesTheLowestBucketsBeyondTheCap) {
  detail::QuantileSketch s;
  for (int i = 0; i < 40; ++i) s.add(1000);
  s.add(1);                                  // bucket 0
  s.add(std::int64_t{1} << 62);              // ~4300 buckets above: the low end is folded
  EXPECT_EQ(s.buckets().size(), detail::QuantileSketch::max_buckets);
  EXPECT_EQ(s.count(), 42);
}

TEST(Scorecard, HandComputedScoresStarsAndRanks) {
  // A-1: csat 1.0 → (1 − 0.7)/(0.95 − 0.7) = 1.2, clamped 1; first response p50 1200 s →
  //      (1200 − 600)/(60 − 600) < 0 → 0; fcr 1.0 → 1.5 → 1.
  //      100 × (0.4 × 1 + 0.3 × 0 + 0.3 × 1) / 1.0 = 70 → 3 stars (≥ 60, ≥ 70, < 80).
  // A-2: csat 0 → 0; no first response: left out; fcr 0 → 0. 100 × 0 / 0.7 = 0 → 1 star.
  // none: csat unrated and no first response: only fcr (0/1 = 0) → 0 → 1 star.
  // Ranks: A-1 first; A-2 and no agent tie at 0, ordered by key (null first).
  const ScorecardResult r = KpiEngine(policy()).score("agent-monthly", kpi({{KpiDimension::agent}, ""}));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1].score, 70.0);
  EXPECT_EQ(r.rows[1].stars, 3);
  EXPECT_EQ(r.rows[1].rank, 1);
  EXPECT_EQ(r.rows[1].metrics[1].score, 0.0);
  EXPECT_EQ(r.rows[2].score, 0.0);
  EXPECT_EQ(r.rows[2].metrics[1].value, std::nullopt);
  EXPECT_EQ(r.rows[2].rank, 3);
  EXPECT_EQ(r.rows[0].rank, 2);
  EXPECT_EQ(r.rows[0].stars, 1);
}

TEST(Scorecard, CriticalMetricBelowHalfZeroesTheScore) {
  KpiResult kpis;
  kpis.group_by = {KpiDimension::agent};
  KpiGroup g;
  g.key = {"A-9"};
  g.csat = 0.8;      // (0.8 − 0.7)/0.25 = 0.4
  g.fcr_rate = 0.8;  // 1
  kpis.groups.push_back(g);
  // Not critical: 100 × (0.4 × 0.4 + 0.3 × 1) / (0.4 + 0.3) = 100 × 0.46 / 0.7 = 65.714286.
  const ScorecardResult lenient = KpiEngine(policy()).score("agent-monthly", kpis);
  EXPECT_NEAR(*lenient.rows[0].score, 65.714286, 1e-6);
  EXPECT_EQ(lenient.rows[0].stars, 2);
  const ScorecardResult strict = KpiEngine(policy()).score("strict", kpis);
  EXPECT_EQ(strict.rows[0].score, 0.0);
  EXPECT_TRUE(strict.rows[0].critical_failed);
  EXPECT_EQ(strict.rows[0].stars, 1);
  // No data at all: no score, no stars, no rank.
  kpis.groups[0] = KpiGroup{};
  kpis.groups[0].key = {"A-0"};
  const ScorecardResult empty = KpiEngine(policy()).score("agent-monthly", kpis);
  EXPECT_EQ(empty.rows[0].score, std::nullopt);
  EXPECT_EQ(empty.rows[0].stars, 0);
  EXPECT_EQ(empty.rows[0].rank, std::nullopt);
}

TEST(Scorecard, ACriticalMetricAtExactlyHalfPasses) {
  // csat 3 satisfied of 5 rated = 0.6, between floor 0.3 and target 0.9: (0.6 − 0.3)/(0.9 − 0.3)
  // = 0.3/0.6 = 0.5 exactly, which is not below 0.5. In binary floating point the quotient is
  // 0.49999999999999994; the metric score is rounded to 9 decimals first. Score 100 × 0.5 = 50.
  const auto p = Policy::from_json(R"({"schema_version": 1, "kpi": {"scorecards": [{"id": "care",
      "metrics": {"csat": {"weight": 1, "target": 0.9, "floor": 0.3, "critical": true}}}]}})");
  KpiResult kpis;
  kpis.group_by = {KpiDimension::agent};
  KpiGroup g;
  g.key = {"A-5"};
  g.csat = 3.0 / 5.0;
  kpis.groups.push_back(g);
  const ScorecardResult half = KpiEngine(p).score("care", kpis);
  EXPECT_FALSE(half.rows[0].critical_failed);
  EXPECT_EQ(half.rows[0].metrics[0].score, 0.5);
  EXPECT_EQ(half.rows[0].score, 50.0);
  // Just below half still fails: csat 0.5999 → 0.2999 / 0.6 = 0.49983… < 0.5.
  kpis.groups[0].csat = 0.5999;
  const ScorecardResult below = KpiEngine(p).score("care", kpis);
  EXPECT_TRUE(below.rows[0].critical_failed);
  EXPECT_EQ(below.rows[0].score, 0.0);
}

TEST(Scorecard, RanksWithinPartitions) {
  const KpiResult kpis = kpi({{KpiDimension::day, KpiDimension::agent}, "Asia/Shanghai"});
  const KpiDimension within[] = {KpiDimension::day};
  const ScorecardResult r = KpiEngine(policy()).score("agent-monthly", kpis, within);
  for (const ScorecardRow& row : r.rows) {
    if (row.key[0] == "2026-11-13") {
      EXPECT_EQ(row.rank, 1);  // A-1 alone that day
    }
  }
  EXPECT_THROW((void)KpiEngine(policy()).score("agent-monthly", kpi({{KpiDimension::agent}, ""}), within), InputError);
}

TEST(Scorecard, PolicyValidationNamesPaths) {
  try {
    (void)Policy::from_json(R"({"schema_version": 1, "kpi": {"scorecards": [
      {"id": "x", "metrics": {"csatt": {"weight": 1, "target": 1, "floor": 0},
                              "fcr_rate": {"weight": 0, "target": 1, "floor": 1}},
       "stars": [90, 80, 70, 60]}]}})");
    FAIL();
  } catch (const PolicyError& e) {
    ASSERT_EQ(e.problems().size(), 3u) << e.what();
    EXPECT_EQ(e.problems()[0].path, "kpi.scorecards[0].metrics.csatt");
    EXPECT_EQ(e.problems()[1].path, "kpi.scorecards[0].metrics.fcr_rate.weight");
    EXPECT_EQ(e.problems()[2].path, "kpi.scorecards[0].stars[1]");
  }
  EXPECT_THROW((void)KpiEngine(policy()).score("nope", KpiResult{}), NotFoundError);
}

}  // namespace
}  // namespace aftersales

namespace aftersales {
namespace {

// Run under ThreadSanitizer by `scripts/test tsan`: many threads reading and counting JSON
// Lines into their own accumulators, days from a shared time zone, merged in order.
TEST(KpiConcurrent, LinesOnManyThreadsEqualOneThread) {
  std::string lines;
  // Enough tickets for two slices of kpi_slice (4,096): the threads count different slices.
  for (const Ticket& t : random_tickets(5000, 3)) {
    std::string events;
    for (const Event& e : t.events) {
      if (!events.empty()) events += ',';
      events += R"({"at":")" + format_instant(e.at) + R"(","type":")" + std::string(to_string(e.type)) + '"';
      if (!e.agent.empty()) events += R"(,"agent":")" + e.agent + '"';
      if (e.type == EventType::satisfaction) events += ",\"score\":" + std::to_string(e.score);
      events += '}';
    }
    lines += R"({"id":")" + t.id + R"(","created_at":")" + format_instant(t.created_at) + R"(","channel":")" +
             t.channel + R"(","events":[)" + events + "]}\n";
  }
  const KpiOptions options{{KpiDimension::agent, KpiDimension::day}, "Asia/Shanghai"};
  const Instant end = at("2026-11-20T00:00:00Z");
  const std::string one = KpiEngine(policy()).compute_lines(lines, end, options, {}, {.threads = 1}).to_json();
  EXPECT_EQ(KpiEngine(policy()).compute_lines(lines, end, options, {}, {.threads = 4}).to_json(), one);

  // Two bad lines in different slices (lines 300 and 4,500): the earlier one is reported, however
  // the threads ran.
  std::string bad;
  std::size_t number = 0;
  for (std::size_t pos = 0; pos < lines.size(); pos = lines.find('\n', pos) + 1) {
    ++number;
    const std::size_t next = lines.find('\n', pos);
    bad += number == 300 || number == 4500 ? std::string(R"({"id": "broken"})") : lines.substr(pos, next - pos);
    bad += '\n';
  }
  for (const unsigned threads : {1u, 2u, 4u}) {
    for (int run = 0; run < 5; ++run) {
      try {
        (void)KpiEngine(policy()).compute_lines(bad, end, options, {}, {.threads = threads});
        ADD_FAILURE() << "accepted";
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("line 300: invalid ticket"), std::string::npos) << e.what();
      }
    }
  }
  // The same text as lines from 41 of a file: the 300th line is line 41 + 299 = 340.
  try {
    (void)KpiEngine(policy()).compute_lines(bad, end, options, {}, {.threads = 2, .first_line = 41});
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 340: invalid ticket"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aftersales
