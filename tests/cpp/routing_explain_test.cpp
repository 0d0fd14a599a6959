// "Why is this waiting?" (Router::explain): hand-worked explanations, its errors, and a property
// test that it agrees with dispatch on random states.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace aftersales;
using namespace std::chrono_literals;

const Instant t0 = test::at("2026-03-02T10:00:00Z");

// Returns go to "returns" (returns >= 2), overflowing to "general" after 3 minutes; tech goes
// to "general" wanting a senior for its first 2 minutes; the customer's language is required.
// `tech_more` and `section_more` are further members of the "tech" rule and of the section.
std::shared_ptr<const Policy> policy(std::string_view tech_more = "", std::string_view section_more = "") {
  return Policy::from_json(R"({"schema_version": 1, "routing": {
    "queues": [{"id": "returns", "overflow": {"after": "3m", "to": "general"}}, {"id": "general"}],
    "rules": [
      {"id": "returns", "when": {"field": "category", "prefix": "after_sales/"}, "queue": "returns", "skills": {"returns": 2}},
      {"id": "tech", "when": {"field": "category", "prefix": "tech/"}, "queue": "general",
       "preferred_skills": {"senior": 1}, "relax_after": "2m")" +
                           std::string(tech_more) + R"(}],
    "default_queue": "general",)" + std::string(section_more) + R"(
    "assignment": {"strategy": "least_loaded", "language_match": true, "sticky": true}}})");
}

// policy() with a ladder on "tech" ("returns" added after 1m, any language after 4m) and aging:
// everything that time changes, for the property test.
std::shared_ptr<const Policy> timed_policy() {
  return policy(R"(, "steps": [{"after": "1m", "queue": "returns"}, {"after": "4m", "any_language": true}])",
                R"( "aging": {"every": "2m"},)");
}

Ticket chat(const std::string& id, const std::string& category, const std::string& language = "zh", Instant created = t0) {
  Ticket t;
  t.id = id;
  t.created_at = created;
  t.category = category;
  t.channel = "chat";
  t.customer.id = "C-" + id;
  t.customer.language = language;
  return t;
}

std::vector<std::string> summary_of(const WaitExplanation& e) {
  std::vector<std::string> lines;
  for (const auto& count : e.summary) lines.push_back(std::string(to_string(count.reason)) + ": " + count.text);
  return lines;
}

std::vector<std::string> listed_of(const WaitExplanation& e) {
  std::vector<std::string> lines;
  for (const auto& agent : e.listed) lines.push_back(agent.agent + " " + std::string(to_string(agent.reason)) + ": " + agent.text);
  return lines;
}

// Six agents, each failing a different first criterion for a returns chat in Chinese.
Router returns_desk() {
  Router router(policy());
  router.upsert_agent(Agent::from_json(R"({"id": "A-3", "queues": ["returns"], "skills": {"returns": 2}, "languages": ["zh"], "capacity": {"chat": 1}})"));
  EXPECT_EQ(router.route(chat("T-0", "after_sales/return"), t0).agent, "A-3");  // A-3 is now at 1 of 1
  for (const char* json : {
           R"({"id": "A-1", "queues": ["general"], "skills": {"returns": 3}, "languages": ["zh"], "capacity": {"chat": 5}})",
           R"({"id": "A-2", "queues": ["returns"], "skills": {"returns": 3}, "languages": ["zh"], "capacity": {"chat": 5}, "status": "offline"})",
           R"({"id": "A-4", "queues": ["returns"], "skills": {"returns": 3}, "languages": ["en"], "capacity": {"chat": 5}})",
           R"({"id": "A-5", "queues": ["returns"], "skills": {"returns": 1}, "languages": ["zh"], "capacity": {"chat": 5}})",
           R"({"id": "A-6", "queues": ["returns", "general"], "languages": ["zh"], "capacity": {"*": 5}})"})
    router.upsert_agent(Agent::from_json(json));
  (void)router.dispatch(t0);  // nothing waits yet: the new agents are no longer "changed"
  return router;
}

TEST(RoutingExplain, EachAgentFailsItsFirstCriterion) {
  Router router = returns_desk();
  const auto decision = router.route(chat("T-1", "after_sales/return"), t0 + 1min);
  ASSERT_TRUE(decision.waiting);

  ExplainOptions options;
  options.limit = 10;
  const WaitExplanation e = router.explain("T-1", options);
  EXPECT_EQ(e.queue, "returns");
  EXPECT_EQ(e.queues, (std::vector<std::string>{"returns"}));
  EXPECT_EQ(e.language, "zh");
  EXPECT_EQ(e.skills, (std::vector<std::pair<std::string, int>>{{"returns", 2}}));
  EXPECT_EQ(e.agents, 6u);
  // In the picker's order: queue, then status, capacity, language, skills. A-1 has everything
  // but the queue; A-2 everything but being online; A-3 is at 1 of 1 chats (T-0); A-4 speaks
  // only English; A-5 has returns at 1 < 2; A-6 has no returns skill at all.
  EXPECT_EQ(listed_of(e), (std::vector<std::string>{
                              R"(A-1 not_in_queue: not in queue "returns")",
                              R"(A-2 not_online: offline)",
                              R"(A-3 at_capacity: at capacity on "chat" (1 of 1))",
                              R"(A-4 language: does not speak "zh")",
                              R"(A-5 skill: skill "returns" at level 1, needs 2)",
                              R"(A-6 skill: lacks skill "returns" (needs level 2))",
                          }));
  EXPECT_EQ(summary_of(e), (std::vector<std::string>{
                               R"(not_in_queue: 1 not in queue "returns")",
                               R"(not_online: 1 not online)",
                               R"(at_capacity: 1 at capacity on "chat")",
                               R"(units: 0 without the units for "chat")",
                               R"(language: 1 not speaking "zh")",
                               R"(skill: 2 without the skills (returns >= 2))",
                               R"(eligible: 0 eligible: the next dispatch assigns them waiting tickets)",
                           }));
  // The summary is the default: no agent is listed.
  EXPECT_TRUE(router.explain("T-1").listed.empty());
  EXPECT_EQ(router.explain("T-1").summary.size(), 7u);
}

TEST(RoutingExplain, OverflowReachedByTheInstantAddsTheOverflowQueue) {
  Router router = returns_desk();
  ASSERT_TRUE(router.route(chat("T-1", "after_sales/return"), t0 + 1min).waiting);
  ExplainOptions options;
  options.limit = 1;
  // Waiting since 10:01, overflow after 3m: at 10:04 the agents of "general" may take it too.
  // Before that A-1 (general only) is not in the queue; at 10:04 it qualifies: it is eligible.
  options.at = t0 + 3min + 59s;
  EXPECT_EQ(listed_of(router.explain("T-1", options)), (std::vector<std::string>{R"(A-1 not_in_queue: not in queue "returns")"}));
  options.at = t0 + 4min;
  const WaitExplanation e = router.explain("T-1", options);
  EXPECT_EQ(e.queues, (std::vector<std::string>{"returns", "general"}));
  EXPECT_EQ(listed_of(e), (std::vector<std::string>{"A-1 eligible: fails nothing: the next dispatch assigns it a waiting ticket"}));
  EXPECT_EQ(e.summary[0].text, R"(0 in none of the queues "returns", "general")");
  // And dispatch at that instant agrees: A-1 takes it through the overflow queue.
  const auto decisions = router.dispatch(t0 + 4min);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].agent, "A-1");
  EXPECT_EQ(decisions[0].queue, "general");
}

TEST(RoutingExplain, AFreedAgentIsEligibleUntilTheNextDispatch) {
  Router router = returns_desk();
  ASSERT_TRUE(router.route(chat("T-1", "after_sales/return"), t0 + 1min).waiting);
  router.release("A-3", "T-0");  // A-3 has room again: 0 of 1
  ExplainOptions options;
  options.offset = 2;
  options.limit = 1;
  const WaitExplanation e = router.explain("T-1", options);
  EXPECT_EQ(e.offset, 2u);
  EXPECT_EQ(listed_of(e), (std::vector<std::string>{"A-3 eligible: fails nothing: the next dispatch assigns it a waiting ticket"}));
  EXPECT_EQ(e.summary[static_cast<std::size_t>(WaitReason::eligible)].agents, 1u);
  EXPECT_NE(e.to_json().find(R"("eligible":1,)"), std::string::npos);
  const auto decisions = router.dispatch(t0 + 2min);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].agent, "A-3");
  // Now it is assigned: explain says to whom.
  try {
    (void)router.explain("T-1");
    FAIL() << "T-1 is assigned";
  } catch (const NotFoundError& error) {
    EXPECT_STREQ(error.what(), R"(ticket "T-1" is not waiting: it is assigned to A-3)");
  }
}

TEST(RoutingExplain, PreferredSkillsCountUntilDropped) {
  Router router(policy());
  router.upsert_agent(Agent::from_json(R"({"id": "B-1", "queues": ["general"], "languages": ["zh"], "capacity": {"chat": 2}})"));
  (void)router.dispatch(t0);
  ASSERT_TRUE(router.route(chat("T-1", "tech/login"), t0).waiting);
  ExplainOptions options;
  options.limit = 5;
  EXPECT_EQ(router.explain("T-1", options).skills, (std::vector<std::pair<std::string, int>>{{"senior", 1}}));
  EXPECT_EQ(listed_of(router.explain("T-1", options)), (std::vector<std::string>{R"(B-1 skill: lacks skill "senior" (needs level 1))"}));
  // relax_after 2m: at 10:02 a dispatch drops the preferred skills first, and B-1 qualifies.
  options.at = t0 + 2min;
  const WaitExplanation e = router.explain("T-1", options);
  EXPECT_TRUE(e.skills.empty());
  EXPECT_EQ(listed_of(e), (std::vector<std::string>{"B-1 eligible: fails nothing: the next dispatch assigns it a waiting ticket"}));
  EXPECT_EQ(e.summary[static_cast<std::size_t>(WaitReason::skill)].text, "0 without the skills (none required)");
  EXPECT_EQ(router.dispatch(t0 + 2min).at(0).agent, "B-1");
}

TEST(RoutingExplain, ErrorsNameTheTicketAndTheLimit) {
  Router router = returns_desk();
  EXPECT_THROW((void)router.explain("T-404"), NotFoundError);
  try {
    (void)router.explain("T-404");
  } catch (const NotFoundError& error) {
    EXPECT_STREQ(error.what(), R"(ticket "T-404" is not waiting, nor assigned to an agent of this router)");
  }
  ASSERT_TRUE(router.route(chat("T-1", "after_sales/return"), t0 + 1min).waiting);
  ExplainOptions options;
  options.limit = ExplainOptions::max_limit + 1;
  EXPECT_THROW((void)router.explain("T-1", options), InputError);
  options.limit = ExplainOptions::max_limit;
  options.offset = 100;  // past the last agent: an empty page, the summary still whole
  const WaitExplanation e = router.explain("T-1", options);
  EXPECT_TRUE(e.listed.empty());
  std::size_t total = 0;
  for (const auto& count : e.summary) total += count.agents;
  EXPECT_EQ(total, 6u);
}

// On random states (agents joining, going offline, releasing without a dispatch, tickets
// overflowing and relaxing with time), for every waiting ticket: explain says some agent is
// eligible at `at` exactly when a dispatch at `at` assigns the ticket (the other waiting tickets
// withdrawn from a copy, so that none comes first), and the agent it picks is one of those
// explain calls eligible.
TEST(RoutingExplain, AgreesWithDispatchOnRandomStates) {
  const auto rules = timed_policy();
  std::mt19937 random(17);
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  int eligible_cases = 0, waiting_cases = 0;
  for (int trial = 0; trial < 150; ++trial) {
    Router router(rules);
    const int agents = 1 + pick(7);
    for (int a = 0; a < agents; ++a) {
      Agent agent;
      agent.id = "A-" + std::to_string(a);
      if (pick(3) != 0) agent.queues.push_back("returns");
      if (pick(2) != 0) agent.queues.push_back("general");
      if (pick(3) != 0) agent.skills.emplace_back("returns", pick(4));
      if (pick(3) == 0) agent.skills.emplace_back("senior", pick(2));
      std::sort(agent.skills.begin(), agent.skills.end());
      if (pick(3) != 0) agent.languages.emplace_back("zh");
      if (pick(3) == 0) agent.languages.emplace_back("en");
      agent.capacity = {{"chat", pick(3)}};
      if (pick(3) == 0) agent.capacity.insert(agent.capacity.begin(), {"*", 1});  // "*" sorts before "chat"
      agent.status = static_cast<AgentStatus>(pick(3) == 0 ? 1 + pick(2) : 0);
      router.upsert_agent(agent);
    }
    Instant now = t0;
    std::vector<std::pair<std::string, std::string>> held;
    const char* categories[] = {"after_sales/return", "tech/login", "general/question"};
    const char* languages[] = {"zh", "en", ""};
    for (int op = 0; op < 30; ++op) {
      now += std::chrono::seconds(pick(90));
      const int what = pick(10);
      if (what < 5) {
        Ticket t = chat("T-" + std::to_string(op), categories[pick(3)], languages[pick(3)], now);
        if (pick(4) == 0) t.channel = "email";
        const auto d = router.route(t, now);
        if (d.agent) held.emplace_back(*d.agent, d.ticket);
      } else if (what < 7 && !held.empty()) {
        const auto k = static_cast<std::size_t>(pick(static_cast<int>(held.size())));
        router.release(held[k].first, held[k].second);  // no dispatch: the agent stays "changed"
        held.erase(held.begin() + static_cast<std::ptrdiff_t>(k));
      } else if (what < 9) {
        router.set_status("A-" + std::to_string(pick(agents)), static_cast<AgentStatus>(pick(3)));
      } else {
        for (const auto& d : router.dispatch(now)) held.emplace_back(*d.agent, d.ticket);
      }
    }
    const std::string snapshot = router.snapshot();
    const auto waiting = router.waiting();
    for (const WaitingTicket& w : waiting) {
      ExplainOptions options;
      options.limit = ExplainOptions::max_limit;
      options.at = now + std::chrono::seconds(pick(300));
      const WaitExplanation e = router.explain(w.ticket, options);
      ASSERT_EQ(e.listed.size(), static_cast<std::size_t>(agents));
      std::vector<std::string> eligible;
      for (const auto& a : e.listed)
        if (a.reason == WaitReason::eligible) eligible.push_back(a.agent);
      EXPECT_EQ(e.summary[static_cast<std::size_t>(WaitReason::eligible)].agents, eligible.size());

      Router copy = Router::restore(rules, snapshot);
      for (const WaitingTicket& other : waiting)
        if (other.ticket != w.ticket) copy.withdraw(other.ticket);
      const auto decisions = copy.dispatch(*options.at);
      ++waiting_cases;
      if (decisions.empty()) {
        EXPECT_TRUE(eligible.empty()) << "trial " << trial << ": " << w.ticket << " " << e.to_json();
      } else {
        ++eligible_cases;
        ASSERT_EQ(decisions.size(), 1u);
        EXPECT_NE(std::find(eligible.begin(), eligible.end(), *decisions[0].agent), eligible.end())
            << "trial " << trial << ": " << w.ticket << " went to " << *decisions[0].agent << " " << e.to_json();
      }
    }
  }
  // Both sides of the property were exercised.
  EXPECT_GT(eligible_cases, 20);
  EXPECT_GT(waiting_cases - eligible_cases, 20);
}

}  // namespace
