// Rules that know the time (issue 17 point 1): calendar conditions judged at the routing
// instant (routing rules) or at the ticket's creation (SLA policies), and date ranges of
// validity. Expected values are worked out by hand in the comments beside them.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "test_support.hpp"

namespace {

using namespace aftersales;
using test::at;

// cn-day is open 09:00-21:00 Shanghai time (UTC+8, no DST) every day: 01:00-13:00 UTC.
constexpr const char* calendars = R"("calendars": {
  "cn-day": {"timezone": "Asia/Shanghai", "hours": {"mon": ["09:00-21:00"], "tue": ["09:00-21:00"], "wed": ["09:00-21:00"],
             "thu": ["09:00-21:00"], "fri": ["09:00-21:00"], "sat": ["09:00-21:00"], "sun": ["09:00-21:00"]}}})";

std::shared_ptr<const Policy> routing_policy(const std::string& rules) {
  return Policy::from_json(std::string(R"({"schema_version": 1, )") + calendars + R"(, "routing": {
    "queues": [{"id": "day"}, {"id": "night"}, {"id": "surge"}],
    "rules": [)" + rules + R"(], "default_queue": "day"}})");
}

Ticket ticket(const std::string& id, Instant created) {
  Ticket t;
  t.id = id;
  t.created_at = created;
  t.channel = "chat";
  t.category = "after_sales/return";
  return t;
}

std::string queue_at(const std::shared_ptr<const Policy>& policy, const std::string& id, Instant when) {
  Router router(policy);
  return router.route(ticket(id, when), when).queue;
}

TEST(RoutingTime, ClosedCalendarSendsToTheNightDesk) {
  const auto policy = routing_policy(R"({"id": "after-hours", "when": {"calendar": "cn-day", "open": false}, "queue": "night"})");
  // 2026-11-10T12:59:59Z is 20:59:59 in Shanghai: open, so no rule matches -> default "day".
  EXPECT_EQ(queue_at(policy, "T-1", at("2026-11-10T12:59:59Z")), "day");
  // 13:00:00Z is 21:00 in Shanghai: the end of the open interval is excluded -> closed -> "night".
  EXPECT_EQ(queue_at(policy, "T-2", at("2026-11-10T13:00:00Z")), "night");
  // 00:59:59Z is 08:59:59: closed -> "night"; 01:00Z is 09:00: open -> "day".
  EXPECT_EQ(queue_at(policy, "T-3", at("2026-11-11T00:59:59Z")), "night");
  EXPECT_EQ(queue_at(policy, "T-4", at("2026-11-11T01:00:00Z")), "day");
}

TEST(RoutingTime, CalendarIsJudgedAtTheRoutingInstantNotTheCreation) {
  const auto policy = routing_policy(R"({"id": "open", "when": {"calendar": "cn-day", "open": true}, "queue": "surge"})");
  Router router(policy);
  // Created at 20:00 Shanghai (open) but routed at 22:00 (closed): the rule does not match.
  const auto decision = router.route(ticket("T-1", at("2026-11-10T12:00:00Z")), at("2026-11-10T14:00:00Z"));
  EXPECT_EQ(decision.queue, "day");
  EXPECT_FALSE(decision.rule.has_value());
}

TEST(RoutingTime, CalendarConditionsCombineWithFields) {
  const auto policy = routing_policy(R"({"id": "night-returns", "when": {"all": [
      {"not": {"calendar": "cn-day", "open": true}}, {"field": "category", "prefix": "after_sales/"}]}, "queue": "night"})");
  // 23:00 Shanghai, an after_sales category: both hold -> "night".
  EXPECT_EQ(queue_at(policy, "T-1", at("2026-11-10T15:00:00Z")), "night");
  Ticket other = ticket("T-2", at("2026-11-10T15:00:00Z"));
  other.category = "pre_sales/faq";
  Router router(policy);
  EXPECT_EQ(router.route(other, other.created_at).queue, "day");  // the category fails
}

TEST(RoutingTime, ValidRangeCoversLocalDatesBothInclusive) {
  const auto policy = routing_policy(
      R"({"id": "double11", "valid": {"from": "2026-11-10", "to": "2026-11-12", "timezone": "Asia/Shanghai"}, "queue": "surge"})");
  // From = 2026-11-10 00:00 Shanghai = 2026-11-09T16:00:00Z; until = 2026-11-13 00:00 Shanghai =
  // 2026-11-12T16:00:00Z (exclusive).
  EXPECT_EQ(queue_at(policy, "T-1", at("2026-11-09T15:59:59.999Z")), "day");
  EXPECT_EQ(queue_at(policy, "T-2", at("2026-11-09T16:00:00Z")), "surge");
  EXPECT_EQ(queue_at(policy, "T-3", at("2026-11-12T15:59:59.999Z")), "surge");
  EXPECT_EQ(queue_at(policy, "T-4", at("2026-11-12T16:00:00Z")), "day");
}

TEST(RoutingTime, ValidRangeMayBeOpenOnOneSide) {
  const auto policy =
      routing_policy(R"({"id": "from", "valid": {"from": "2026-11-10", "timezone": "UTC"}, "queue": "surge"})");
  EXPECT_EQ(queue_at(policy, "T-1", at("2026-11-09T23:59:59Z")), "day");
  EXPECT_EQ(queue_at(policy, "T-2", at("2030-01-01T00:00:00Z")), "surge");
}

void expect_policy_error(const std::string& json, const std::string& expected) {
  try {
    (void)Policy::from_json(json);
    FAIL() << "loaded: " << json;
  } catch (const PolicyError& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

TEST(RoutingTime, LoadErrorsNameThePath) {
  const std::string head = std::string(R"({"schema_version": 1, )") + calendars +
                           R"(, "routing": {"queues": [{"id": "day"}], "default_queue": "day", "rules": [)";
  expect_policy_error(head + R"({"id": "r", "when": {"calendar": "nope", "open": true}, "queue": "day"}]}})",
                      R"(routing.rules[0].when.calendar: no calendar named "nope" in "calendars")");
  expect_policy_error(head + R"({"id": "r", "when": {"calendar": "cn-day"}, "queue": "day"}]}})",
                      "routing.rules[0].when.open");
  expect_policy_error(head + R"({"id": "r", "when": {"calendar": "cn-day", "open": true, "field": "x"}, "queue": "day"}]}})",
                      "routing.rules[0].when.field");
  expect_policy_error(head + R"({"id": "r", "valid": {"from": "2026-11-10"}, "queue": "day"}]}})",
                      R"(routing.rules[0].valid: "timezone" is required)");
  expect_policy_error(head + R"({"id": "r", "valid": {"from": "2026-11-12", "to": "2026-11-10", "timezone": "UTC"}, "queue": "day"}]}})",
                      "routing.rules[0].valid: the range ends before it starts (2026-11-12 to 2026-11-10)");
  expect_policy_error(head + R"({"id": "r", "valid": {"from": "2026-13-01", "timezone": "UTC"}, "queue": "day"}]}})",
                      R"(routing.rules[0].valid.from: "2026-13-01" is not a date)");
  // A refund policy is judged at no instant of its own: calendar conditions are refused there.
  expect_policy_error(std::string(R"({"schema_version": 1, )") + calendars +
                          R"(, "kpi": {"complaints": {"calendar": "cn-day", "open": true}}})",
                      "a calendar condition applies only to routing rules and SLA policies");
}

// SLA policies: `when` and `valid` are judged at the ticket's creation.
std::shared_ptr<const Policy> sla_policy() {
  return Policy::from_json(std::string(R"({"schema_version": 1, )") + calendars + R"(, "sla": {"policies": [
    {"id": "double11", "calendar": "cn-day", "valid": {"from": "2026-11-10", "to": "2026-11-12"},
     "targets": {"normal": {"first_response": "10m"}}},
    {"id": "night", "when": {"calendar": "cn-day", "open": false}, "targets": {"normal": {"first_response": "4h"}}},
    {"id": "day", "targets": {"normal": {"first_response": "1h"}}}]}})");
}

TEST(SlaTime, PolicyValidityAndCalendarAreJudgedAtCreation) {
  const SlaEngine engine(sla_policy());
  const auto report = [&](Instant created, Instant when) {
    return engine.evaluate(ticket("T", created), when).policy.value_or("none");
  };
  // The double11 range uses cn-day's time zone: 2026-11-09T16:00Z .. 2026-11-12T16:00Z.
  EXPECT_EQ(report(at("2026-11-09T16:00:00Z"), at("2026-11-20T00:00:00Z")), "double11");  // created inside
  // Created 2026-11-09T15:00Z = 23:00 Shanghai on the 9th: before the range, and cn-day closed.
  EXPECT_EQ(report(at("2026-11-09T15:00:00Z"), at("2026-11-10T02:00:00Z")), "night");
  // Created 2026-11-13T02:00Z = 10:00 on the 13th: after the range, cn-day open -> "day", and
  // it stays "day" when evaluated at 22:00 (closed), since the creation decides.
  EXPECT_EQ(report(at("2026-11-13T02:00:00Z"), at("2026-11-13T14:00:00Z")), "day");
}

}  // namespace

// --- Relaxation ladders (issue 17 point 4) ----------------------------------------------------

namespace ladder {

// "tech" needs tech and senior; after 1m senior is dropped, after 3m "general" may take it,
// after 10m any language will do. Language must match.
std::shared_ptr<const Policy> policy(const std::string& extra = "") {
  return Policy::from_json(R"({"schema_version": 1, "routing": {
    "queues": [{"id": "tech"}, {"id": "general"}],
    "rules": [{"id": "tech", "when": {"field": "category", "prefix": "tech/"}, "queue": "tech",
               "skills": {"tech": 1, "senior": 1},
               "steps": [{"after": "1m", "drop": ["senior"]}, {"after": "3m", "queue": "general"},
                         {"after": "10m", "any_language": true}]}],
    "default_queue": "general", "assignment": {"language_match": true})" + extra + "}}");
}

Agent agent(const std::string& id, const std::string& queue, const std::string& language) {
  Agent a;
  a.id = id;
  a.queues = {queue};
  a.skills = {{"tech", 1}};
  a.languages = {language};
  a.capacity = {{"chat", 1}};
  return a;
}

Ticket tech(const std::string& id, const std::string& language) {
  Ticket t = ticket(id, at("2026-03-02T10:00:00Z"));
  t.category = "tech/printer";
  t.customer.language = language;
  return t;
}

}  // namespace ladder

TEST(RoutingLadder, StepOneDropsASkillAtItsInstant) {
  Router router(ladder::policy());
  router.upsert_agent(ladder::agent("A-1", "tech", "zh"));  // lacks senior
  EXPECT_TRUE(router.route(ladder::tech("T-1", "zh"), at("2026-03-02T10:00:00Z")).waiting);
  EXPECT_TRUE(router.dispatch(at("2026-03-02T10:00:59.999Z")).empty());  // 1m not yet waited
  const auto decisions = router.dispatch(at("2026-03-02T10:01:00Z"));     // 10:00 + 1m: senior dropped
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].agent, "A-1");
  EXPECT_EQ(decisions[0].queue, "tech");
  EXPECT_NE(std::find(decisions[0].reasons.begin(), decisions[0].reasons.end(), "skills senior dropped after waiting 1m"),
            decisions[0].reasons.end());
}

TEST(RoutingLadder, StepTwoAddsAQueueStepThreeAnyLanguage) {
  Router router(ladder::policy());
  router.upsert_agent(ladder::agent("A-2", "general", "zh"));
  router.upsert_agent(ladder::agent("A-3", "general", "en"));
  EXPECT_TRUE(router.route(ladder::tech("T-1", "zh"), at("2026-03-02T10:00:00Z")).waiting);  // nobody in "tech"
  EXPECT_TRUE(router.route(ladder::tech("T-2", "fr"), at("2026-03-02T10:00:00Z")).waiting);
  // 10:01: senior dropped, still nobody in "tech". 10:02:59: "general" not yet added.
  EXPECT_TRUE(router.dispatch(at("2026-03-02T10:01:00Z")).empty());
  EXPECT_TRUE(router.dispatch(at("2026-03-02T10:02:59Z")).empty());
  // 10:03: "general" added; A-2 speaks zh and takes T-1; nobody there speaks fr.
  auto decisions = router.dispatch(at("2026-03-02T10:03:00Z"));
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].ticket, "T-1");
  EXPECT_EQ(decisions[0].agent, "A-2");
  EXPECT_EQ(decisions[0].queue, "general");
  EXPECT_TRUE(router.dispatch(at("2026-03-02T10:09:59Z")).empty());
  // 10:10: any language: A-3 is the one with room (A-2 holds T-1 at capacity 1).
  decisions = router.dispatch(at("2026-03-02T10:10:00Z"));
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].ticket, "T-2");
  EXPECT_EQ(decisions[0].agent, "A-3");
  EXPECT_NE(std::find(decisions[0].reasons.begin(), decisions[0].reasons.end(), "any language accepted after waiting 10m"),
            decisions[0].reasons.end());
}

TEST(RoutingLadder, SnapshotCarriesTheStepTaken) {
  const auto policy = ladder::policy();
  Router router(policy);
  router.upsert_agent(ladder::agent("A-3", "general", "en"));
  (void)router.route(ladder::tech("T-2", "fr"), at("2026-03-02T10:00:00Z"));
  (void)router.dispatch(at("2026-03-02T10:03:00Z"));  // steps 1 and 2 taken
  const std::string snapshot = router.snapshot();
  // T-2: skills now only tech (senior dropped), ladder step 2, not aged.
  EXPECT_NE(snapshot.find(R"({"tech":1},{},null,0,["skills senior dropped after waiting 1m",)"
                          R"("queue \"general\" added after waiting 3m"],2,0]})"),
            std::string::npos)
      << snapshot;
  Router restored = Router::restore(policy, snapshot);
  EXPECT_EQ(restored.snapshot(), snapshot);
  const auto a = router.dispatch(at("2026-03-02T10:10:00Z"));
  const auto b = restored.dispatch(at("2026-03-02T10:10:00Z"));
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].agent, "A-3");
  EXPECT_EQ(a[0].to_json(), b[0].to_json());
  // A step beyond the rule's ladder is refused.
  std::string bad = snapshot;
  bad.replace(bad.find("],2,0]}"), 7, "],4,0]}");
  EXPECT_THROW((void)Router::restore(policy, bad), InputError);
}

TEST(RoutingLadder, LoadErrors) {
  const auto rules = [](const std::string& steps) {
    return R"({"schema_version": 1, "routing": {"queues": [{"id": "q"}], "default_queue": "q",
      "rules": [{"id": "r", "queue": "q", "steps": )" + steps + "}]}}";
  };
  expect_policy_error(rules(R"([{"after": "3m", "any_language": true}, {"after": "1m", "any_language": true}])"),
                      "routing.rules[0].steps[1].after: must be longer than the step before's 3m");
  expect_policy_error(rules(R"([{"after": "1m"}])"), "routing.rules[0].steps[0]: a step relaxes something");
  expect_policy_error(rules(R"([{"after": "1m", "queue": "nowhere"}])"), R"(routing.rules[0].steps[0].queue: no queue "nowhere")");
  expect_policy_error(rules(R"([{"after": "1m", "drop": []}])"), "routing.rules[0].steps[0].drop: name at least one skill");
  expect_policy_error(rules(R"([{"after": "0s", "any_language": true}])"), "routing.rules[0].steps[0].after: must be longer than zero");
}

// --- Aging (issue 17 point 5) -----------------------------------------------------------------

TEST(RoutingAging, ALowTicketRisesOneLevelPerIntervalUpToTheCap) {
  const auto policy = Policy::from_json(R"({"schema_version": 1, "routing": {
    "queues": [{"id": "q"}], "default_queue": "q", "aging": {"every": "10m", "up_to": "high"}}})");
  Router router(policy);
  Ticket low = ticket("L", at("2026-03-02T10:00:00Z"));
  low.priority = Priority::low;
  Ticket normal = ticket("N", at("2026-03-02T10:15:00Z"));
  Ticket high = ticket("H", at("2026-03-02T10:25:00Z"));
  high.priority = Priority::high;
  (void)router.route(low, low.created_at);        // no agent: waits
  (void)router.route(normal, normal.created_at);
  (void)router.route(high, high.created_at);
  // At 10:20 L has waited 20m: two levels, low -> high (the cap); N waited 5m: normal.
  (void)router.dispatch(at("2026-03-02T10:20:00Z"));
  // Order: effective priority, then due (none here), then arrival: L (high, arrived first),
  // H (high), N (normal).
  auto waiting = router.waiting();
  ASSERT_EQ(waiting.size(), 3u);
  EXPECT_EQ(waiting[0].ticket, "L");
  EXPECT_EQ(waiting[0].priority, Priority::high);
  EXPECT_EQ(waiting[1].ticket, "H");
  EXPECT_EQ(waiting[2].ticket, "N");
  // 10:45: N (waiting since 10:15) rose to high at 10:25, and no further (the cap); equal to
  // H in priority, before it by arrival (N 10:15, H 10:25).
  (void)router.dispatch(at("2026-03-02T10:45:00Z"));
  waiting = router.waiting();
  EXPECT_EQ(waiting[1].ticket, "N");
  EXPECT_EQ(waiting[1].priority, Priority::high);
  EXPECT_EQ(waiting[2].ticket, "H");
  Agent a;
  a.id = "A-1";
  a.queues = {"q"};
  a.capacity = {{"chat", 1}};
  router.upsert_agent(a);
  const auto decisions = router.dispatch(at("2026-03-02T10:46:00Z"));
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].ticket, "L");
  EXPECT_EQ(decisions[0].priority, Priority::high);
  // One level at each timer: 10:10 (10m waited) and 10:20 (20m).
  const auto& reasons = decisions[0].reasons;
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "priority raised from low to normal by aging after waiting 10m"),
            reasons.end());
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "priority raised from normal to high by aging after waiting 20m"),
            reasons.end());
  // The snapshot keeps the levels raised (N: 1 at 10:25, H: 0), and a restored router continues
  // alike.
  const std::string snapshot = router.snapshot();
  EXPECT_NE(snapshot.find(R"("normal",null,1772446500000,{},{},null,0,["priority raised from normal to high by aging after waiting 10m"],0,1]})"),
            std::string::npos)
      << snapshot;  // 10:15Z = 1772446500000 ms
  EXPECT_EQ(Router::restore(policy, snapshot).snapshot(), snapshot);
}

TEST(RoutingAging, WithoutAgingTheOrderIsTheRoutedPriority) {
  // The same tickets with no "aging": N waits behind H, L last, however long they wait.
  const auto policy = Policy::from_json(R"({"schema_version": 1, "routing": {"queues": [{"id": "q"}], "default_queue": "q"}})");
  Router router(policy);
  Ticket low = ticket("L", at("2026-03-02T10:00:00Z"));
  low.priority = Priority::low;
  Ticket high = ticket("H", at("2026-03-02T10:25:00Z"));
  high.priority = Priority::high;
  (void)router.route(low, low.created_at);
  (void)router.route(high, high.created_at);
  (void)router.dispatch(at("2026-03-02T12:00:00Z"));
  const auto waiting = router.waiting();
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ(waiting[0].ticket, "H");
  EXPECT_EQ(waiting[1].priority, Priority::low);
}
