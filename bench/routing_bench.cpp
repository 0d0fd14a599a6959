// Routing speed (issue 4): at least 1,000,000 route decisions per second on one core with
// 2,000 agents in 20 queues and 50 skills, and a dispatch whose cost follows the tickets it
// assigns, not the backlog waiting.
#include <aftersales/aftersales.hpp>

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using aftersales::Agent;
using aftersales::Instant;
using aftersales::Policy;
using aftersales::Router;
using aftersales::Ticket;

constexpr int queue_count = 20;
constexpr int skill_count = 50;
constexpr int agent_count = 2000;

// 20 queues; rule k sends category "c<k>/..." to queue k and requires skill s<k> at level 1;
// VIPs also need "s45" (tier_skills).
std::shared_ptr<const Policy> policy(const char* strategy) {
  std::string queues;
  std::string rules;
  for (int q = 0; q < queue_count; ++q) {
    queues += std::string(q ? "," : "") + R"({"id": "q)" + std::to_string(q) + "\"}";
    rules += std::string(q ? "," : "") + R"({"id": "r)" + std::to_string(q) + R"(", "when": {"field": "category", "prefix": "c)" +
             std::to_string(q) + R"(/"}, "queue": "q)" + std::to_string(q) + R"(", "skills": {"s)" + std::to_string(q) + R"(": 1}})";
  }
  return Policy::from_json(R"({"schema_version": 1, "routing": {"queues": [)" + queues + R"(], "rules": [)" + rules +
                           R"(], "default_queue": "q0", "assignment": {"strategy": ")" + strategy +
                           R"(", "language_match": true, "tier_skills": {"vip": {"s45": 1}}}}})");
}

// Agent n serves queues n % 20 and (n + 7) % 20, has 5 of the 50 skills (including both
// queues' skills) at levels 1-3, speaks zh (and en for every third agent).
Agent make_agent(int n, int chat_capacity) {
  Agent a;
  a.id = "A-" + std::to_string(10000 + n);
  a.queues = {"q" + std::to_string(n % queue_count), "q" + std::to_string((n + 7) % queue_count)};
  for (const int s : {n % queue_count, (n + 7) % queue_count, 20 + n % 10, 30 + n % 10, 40 + (n / 20) % 10})
    a.skills.emplace_back("s" + std::to_string(s), 1 + n % 3);
  a.languages = n % 3 == 0 ? std::vector<std::string>{"zh", "en"} : std::vector<std::string>{"zh"};
  a.capacity = {{"chat", chat_capacity}, {"*", 2}};
  return a;
}

Ticket make_ticket(int n, Instant created) {
  Ticket t;
  t.id = "T-" + std::to_string(n);
  t.created_at = created;
  t.channel = "chat";
  t.category = "c" + std::to_string(n % queue_count) + "/issue";
  t.customer.id = "C-" + std::to_string(n % 5000);
  t.customer.language = n % 4 == 0 ? "en" : "zh";
  t.customer.tier = n % 10 == 0 ? "vip" : "regular";
  return t;
}

// A router with the 2,000 agents and a floor already at work: 8,000 tickets held (4 an agent
// on average) so that loads differ and least_loaded has to compare.
std::unique_ptr<Router> busy_router(const char* strategy, Instant at) {
  auto router = std::make_unique<Router>(policy(strategy));
  for (int n = 0; n < agent_count; ++n) router->upsert_agent(make_agent(n, 1'000'000));
  for (int n = 0; n < 8000; ++n) {
    Ticket resident = make_ticket(n, at);
    resident.id = "R-" + std::to_string(n);
    (void)router->route(resident, at);
  }
  return router;
}

// The 1,000 tickets of BM_Route. `filtered`: 1 ticket in 4 wants English (a third of the
// agents speak it) and 1 in 10 is a VIP needing s45 (a tenth of the agents have it); otherwise
// every agent of the queue qualifies.
std::vector<Ticket> bench_tickets(bool filtered, Instant at) {
  std::vector<Ticket> tickets;
  for (int n = 0; n < 1000; ++n) {
    tickets.push_back(make_ticket(n, at));
    if (!filtered) {
      tickets.back().customer.language = "zh";
      tickets.back().customer.tier = "regular";
    }
  }
  return tickets;
}

// Route decisions only: 1,000 tickets are routed (timed), then released (not timed). Capacity
// is large so that every ticket is assigned (the waiting path is measured below).
void BM_Route(benchmark::State& state, const char* strategy, bool filtered) {
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  const auto router = busy_router(strategy, at);
  const std::vector<Ticket> tickets = bench_tickets(filtered, at);
  std::vector<std::string> agents(tickets.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < tickets.size(); ++i) agents[i] = *router->route(tickets[i], at).agent;
    state.PauseTiming();
    for (std::size_t i = 0; i < tickets.size(); ++i) router->release(agents[i], tickets[i].id);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(tickets.size()));
}
BENCHMARK_CAPTURE(BM_Route, least_loaded, "least_loaded", false);
BENCHMARK_CAPTURE(BM_Route, round_robin, "round_robin", false);
BENCHMARK_CAPTURE(BM_Route, most_idle, "most_idle", false);
BENCHMARK_CAPTURE(BM_Route, least_loaded_filtered, "least_loaded", true);
BENCHMARK_CAPTURE(BM_Route, round_robin_filtered, "round_robin", true);
BENCHMARK_CAPTURE(BM_Route, most_idle_filtered, "most_idle", true);

// Route one ticket, then release it: the steady state of a busy floor, both calls timed.
void BM_RouteAndRelease(benchmark::State& state, const char* strategy) {
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  const auto router = busy_router(strategy, at);
  std::vector<Ticket> tickets;
  for (int n = 0; n < 4096; ++n) tickets.push_back(make_ticket(n, at));
  std::size_t i = 0;
  for (auto _ : state) {
    const Ticket& t = tickets[i++ % tickets.size()];
    auto decision = router->route(t, at);
    router->release(*decision.agent, t.id);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_RouteAndRelease, least_loaded, "least_loaded");
BENCHMARK_CAPTURE(BM_RouteAndRelease, round_robin, "round_robin");

// Many threads routing into one router: the mutex is the limit.
void BM_RouteThreads(benchmark::State& state) {
  static std::unique_ptr<Router> router;
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  if (state.thread_index() == 0) {
    router = std::make_unique<Router>(policy("least_loaded"));
    for (int n = 0; n < agent_count; ++n) router->upsert_agent(make_agent(n, 1'000'000));
  }
  std::vector<Ticket> tickets;
  for (int n = 0; n < 1024; ++n) tickets.push_back(make_ticket(n * 64 + state.thread_index(), at));
  std::size_t i = 0;
  for (auto _ : state) {
    const Ticket& t = tickets[i++ % tickets.size()];
    auto decision = router->route(t, at);
    router->release(*decision.agent, t.id);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RouteThreads)->Threads(1)->Threads(2)->UseRealTime();

// A backlog of `range(0)` tickets waits in one queue whose 10 agents take one chat each.
// Each iteration: the 10 agents finish (release), dispatch assigns 10 waiting tickets, and 10
// new tickets arrive and wait, so the backlog stays the same size. The time should not grow
// with the backlog.
void BM_DispatchBacklog(benchmark::State& state) {
  const auto backlog = static_cast<int>(state.range(0));
  Router router(policy("least_loaded"));
  std::vector<std::string> agents;
  for (int n = 0; n < 10; ++n) {
    Agent a = make_agent(n * queue_count, 1);  // all in queue q0 (and q7)
    router.upsert_agent(a);
    agents.push_back(a.id);
  }
  const Instant at = aftersales::parse_instant("2026-11-11T10:00:00Z");
  int next = 0;
  std::vector<std::pair<std::string, std::string>> held;  // (agent, ticket)
  const auto arrive = [&](int count) {
    for (int k = 0; k < count; ++k) {
      Ticket t = make_ticket(next++ * queue_count, at);  // category c0: queue q0
      t.customer.language = "zh";
      t.customer.tier = "regular";
      const auto d = router.route(t, at);
      if (d.agent) held.emplace_back(*d.agent, d.ticket);
    }
  };
  arrive(10 + backlog);
  std::int64_t assigned = 0;
  for (auto _ : state) {
    for (const auto& [agent, ticket] : held) router.release(agent, ticket);
    held.clear();
    for (const auto& d : router.dispatch(at)) held.emplace_back(*d.agent, d.ticket);
    assigned += static_cast<std::int64_t>(held.size());
    arrive(10);
  }
  if (router.waiting_count() != static_cast<std::size_t>(backlog)) state.SkipWithError("backlog changed size");
  state.counters["assigned_per_dispatch"] =
      benchmark::Counter(static_cast<double>(assigned) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_DispatchBacklog)->Arg(100)->Arg(10'000)->Arg(100'000);

}  // namespace
